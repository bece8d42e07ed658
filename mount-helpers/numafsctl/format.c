// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sizes and byte ranges: parsed as user.numa.ranges writes them, printed
 * exactly (for ranges) or rounded up for people (for df).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

static const char suffixes[] = "KMGTPE";

/* log2 of the multiplier of suffix @c, or -1 if @c is not one. */
static int suffix_shift(char c)
{
	char upper = (char)(c & ~0x20);
	const char *s = upper ? strchr(suffixes, upper) : NULL;

	return s ? 10 * (int)(s - suffixes + 1) : -1;
}

/* Parse a size at *@pos, stopping at @stop or the end; advances *@pos. */
static int size_scan(const char **pos, char stop, const char *what, uint64_t *out,
		     struct errbuf *e)
{
	const char *p = *pos;
	uint64_t v = 0;
	int shift = 0;

	if (*p < '0' || *p > '9')
		return err_set(e, EINVAL, "expected a number for the %s at \"%.16s\"", what, p);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return err_set(e, ERANGE, "the %s is too large", what);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p && *p != stop) {
		shift = suffix_shift(*p);
		if (shift < 0)
			return err_set(e, EINVAL, "unknown size suffix \"%.*s\" in the %s (use K, M, G or T)",
				       (int)strcspn(p, (char[]){ stop, '\0' }) % 16, p, what);
		p++;
		if (v > UINT64_MAX >> shift)
			return err_set(e, ERANGE, "the %s is too large", what);
	}
	if (*p && *p != stop)
		return err_set(e, EINVAL, "unexpected \"%.16s\" after the %s", p, what);
	*out = v << shift;
	*pos = p;
	return 0;
}

int size_parse(const char *text, uint64_t *out, struct errbuf *e)
{
	return size_scan(&text, '\0', "size", out, e);
}

int range_parse(const char *text, uint64_t page_size, struct byte_range *out,
		struct errbuf *e)
{
	struct byte_range r;
	const char *p = text;
	int ret;

	if (!strchr(text, '+'))
		return err_set(e, EINVAL, "\"%.32s\" is not OFFSET+LENGTH", text);
	ret = size_scan(&p, '+', "offset", &r.offset, e);
	if (ret)
		return ret;
	p++;
	ret = size_scan(&p, '\0', "length", &r.length, e);
	if (ret)
		return ret;
	if (!r.length)
		return err_set(e, EINVAL, "the length is zero");
	if (r.offset % page_size || r.length % page_size)
		return err_set(e, EINVAL, "the %s is not a multiple of the page size (%" PRIu64 ")",
			       r.offset % page_size ? "offset" : "length", page_size);
	if (r.length > UINT64_MAX - r.offset || r.offset + r.length > INT64_MAX)
		return err_set(e, ERANGE, "the range ends past the largest file offset");
	*out = r;
	return 0;
}

void size_print_exact(uint64_t bytes, char buf[SIZE_TEXT_MAX])
{
	int shift = 10 * (int)strlen(suffixes);

	for (; bytes && shift > 0; shift -= 10) {
		if (!(bytes & ((UINT64_C(1) << shift) - 1))) {
			snprintf(buf, SIZE_TEXT_MAX, "%" PRIu64 "%c", bytes >> shift,
				 suffixes[shift / 10 - 1]);
			return;
		}
	}
	snprintf(buf, SIZE_TEXT_MAX, "%" PRIu64, bytes);
}

void range_print(const struct byte_range *r, char buf[2 * SIZE_TEXT_MAX])
{
	char offset[SIZE_TEXT_MAX], length[SIZE_TEXT_MAX];

	size_print_exact(r->offset, offset);
	size_print_exact(r->length, length);
	snprintf(buf, 2 * SIZE_TEXT_MAX, "%s+%s", offset, length);
}

/* @bytes / 2^@shift rounded up; no overflow since the remainder is < 2^shift. */
static uint64_t div_up(uint64_t bytes, int shift)
{
	uint64_t mask = (UINT64_C(1) << shift) - 1;

	return (bytes >> shift) + !!(bytes & mask);
}

/* Tenths of 2^@shift in @bytes, rounded up (@shift >= 10, so no overflow). */
static uint64_t tenths_up(uint64_t bytes, int shift)
{
	uint64_t unit = UINT64_C(1) << shift;
	uint64_t rem = bytes & (unit - 1);

	return (bytes >> shift) * 10 + (rem * 10 + unit - 1) / unit;
}

static void size_print_human(uint64_t bytes, char buf[SIZE_TEXT_MAX])
{
	int shift = 10;

	if (bytes < 1024) {
		snprintf(buf, SIZE_TEXT_MAX, "%" PRIu64, bytes);
		return;
	}
	/* The smallest unit in which the rounded value stays below 1024. */
	while (shift < 60 && div_up(bytes, shift) >= 1024)
		shift += 10;
	if (tenths_up(bytes, shift) < 100) {
		uint64_t t = tenths_up(bytes, shift);

		snprintf(buf, SIZE_TEXT_MAX, "%" PRIu64 ".%" PRIu64 "%c", t / 10, t % 10,
			 suffixes[shift / 10 - 1]);
		return;
	}
	snprintf(buf, SIZE_TEXT_MAX, "%" PRIu64 "%c", div_up(bytes, shift),
		 suffixes[shift / 10 - 1]);
}

void size_print_unit(uint64_t bytes, enum size_unit unit, char buf[SIZE_TEXT_MAX])
{
	if (unit == UNIT_HUMAN) {
		size_print_human(bytes, buf);
		return;
	}
	snprintf(buf, SIZE_TEXT_MAX, "%" PRIu64, div_up(bytes, 10 * (int)unit));
}

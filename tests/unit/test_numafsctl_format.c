// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafsctl's pure parsing and formatting: sizes and ranges, run
 * compression of per-page nodes, the df table, and policy conversion.
 * Random cases come from a fixed-seed generator so a failure replays.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "dftable.h"
#include "format.h"
#include "runs.h"

#define PAGE 4096u

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* --- sizes --- */

Test(size, parse_suffixes)
{
	static const struct { const char *text; uint64_t bytes; } cases[] = {
		{ "0", 0 }, { "4095", 4095 }, { "4k", 4096 }, { "4K", 4096 },
		{ "2M", 2u << 20 }, { "3g", UINT64_C(3) << 30 }, { "1T", UINT64_C(1) << 40 },
		{ "1E", UINT64_C(1) << 60 }, { "18446744073709551615", UINT64_MAX },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 1;

		cr_assert_eq(size_parse(cases[i].text, &v, NULL), 0, "%s", cases[i].text);
		cr_assert_eq(v, cases[i].bytes, "%s", cases[i].text);
	}
}

Test(size, parse_refusals_say_why)
{
	static const struct { const char *text; int err; const char *reason; } cases[] = {
		{ "", -EINVAL, "expected a number" }, { "-1", -EINVAL, "expected a number" },
		{ "1X", -EINVAL, "unknown size suffix" }, { "1KB", -EINVAL, "unexpected \"B\"" },
		{ "18446744073709551616", -ERANGE, "too large" }, { "16E", -ERANGE, "too large" },
		{ " 1", -EINVAL, "expected a number" }, { "1 ", -EINVAL, "unknown size suffix" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct errbuf e = { "" };
		uint64_t v = 42;

		cr_assert_eq(size_parse(cases[i].text, &v, &e), cases[i].err, "%s", cases[i].text);
		cr_assert(strstr(e.msg, cases[i].reason), "\"%s\": %s", cases[i].text, e.msg);
		cr_assert_eq(v, 42, "output untouched on error");
	}
}

Test(size, print_exact_uses_the_largest_exact_suffix)
{
	static const struct { uint64_t bytes; const char *text; } cases[] = {
		{ 0, "0" }, { 4095, "4095" }, { 4096, "4K" }, { 1536 << 10, "1536K" },
		{ 2u << 20, "2M" }, { UINT64_C(5) << 30, "5G" }, { UINT64_C(1) << 50, "1P" },
		{ UINT64_MAX, "18446744073709551615" },
	};
	char buf[SIZE_TEXT_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_print_exact(cases[i].bytes, buf);
		cr_assert_str_eq(buf, cases[i].text);
	}
}

Test(size, print_exact_parses_back)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;
	char buf[SIZE_TEXT_MAX];

	for (int i = 0; i < 100000; i++) {
		uint64_t v = rng(&seed) >> (rng(&seed) % 64);
		uint64_t back;

		v <<= rng(&seed) % 64 < 32 ? 0 : __builtin_ctzll(v | 1) % 20;
		size_print_exact(v, buf);
		cr_assert_eq(size_parse(buf, &back, NULL), 0, "%s", buf);
		cr_assert_eq(back, v, "%s", buf);
	}
}

Test(size, print_human_rounds_up_like_df)
{
	static const struct { uint64_t bytes; const char *text; } cases[] = {
		{ 0, "0" }, { 1023, "1023" }, { 1024, "1.0K" }, { 1025, "1.1K" },
		{ 1536, "1.5K" }, { 10239, "10K" }, { 10240, "10K" }, { 10241, "11K" },
		{ (1u << 20) - 1, "1.0M" }, { 256u << 20, "256M" },
		{ (UINT64_C(1) << 30) + 1, "1.1G" }, { UINT64_MAX, "16E" },
	};
	char buf[SIZE_TEXT_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_print_unit(cases[i].bytes, UNIT_HUMAN, buf);
		cr_assert_str_eq(buf, cases[i].text, "%" PRIu64, cases[i].bytes);
	}
}

/* What a human size says, in bytes, and how coarse it is. */
static long double human_value(const char *text, long double *step)
{
	char *end;
	long double v = strtold(text, &end);
	int shift = *end ? 10 * (int)(strchr("KMGTPE", *end) - "KMGTPE" + 1) : 0;
	long double unit = (long double)(UINT64_C(1) << shift);

	*step = strchr(text, '.') ? unit / 10 : unit;
	return v * unit;
}

Test(size, print_human_is_never_below_and_at_most_one_step_above)
{
	uint64_t seed = 12345;
	char buf[SIZE_TEXT_MAX];

	for (int i = 0; i < 100000; i++) {
		uint64_t v = rng(&seed) >> (rng(&seed) % 64);
		long double step, shown;

		size_print_unit(v, UNIT_HUMAN, buf);
		shown = human_value(buf, &step);
		cr_assert(shown >= (long double)v, "%" PRIu64 " shown as %s", v, buf);
		cr_assert(shown - step < (long double)v, "%" PRIu64 " shown as %s", v, buf);
		cr_assert(strlen(buf) <= 5, "%s is wider than df's column", buf);
	}
}

Test(size, print_in_units_rounds_up)
{
	char buf[SIZE_TEXT_MAX];

	size_print_unit(1, UNIT_K, buf);
	cr_assert_str_eq(buf, "1");
	size_print_unit(1024, UNIT_K, buf);
	cr_assert_str_eq(buf, "1");
	size_print_unit(1025, UNIT_K, buf);
	cr_assert_str_eq(buf, "2");
	size_print_unit(0, UNIT_M, buf);
	cr_assert_str_eq(buf, "0");
	size_print_unit((UINT64_C(3) << 20) + 1, UNIT_M, buf);
	cr_assert_str_eq(buf, "4");
	size_print_unit(UINT64_C(5) << 30, UNIT_G, buf);
	cr_assert_str_eq(buf, "5");
}

/* --- ranges --- */

Test(range, parse)
{
	struct byte_range r;

	cr_assert_eq(range_parse("0+2M", PAGE, &r, NULL), 0);
	cr_assert_eq(r.offset, 0);
	cr_assert_eq(r.length, 2u << 20);
	cr_assert_eq(range_parse("4k+8192", PAGE, &r, NULL), 0);
	cr_assert_eq(r.offset, 4096);
	cr_assert_eq(r.length, 8192);
}

Test(range, refusals_say_why)
{
	static const struct { const char *text; int err; const char *reason; } cases[] = {
		{ "4K", -EINVAL, "not OFFSET+LENGTH" },
		{ "+4K", -EINVAL, "number for the offset" },
		{ "4K+", -EINVAL, "number for the length" },
		{ "0+0", -EINVAL, "length is zero" },
		{ "1+4K", -EINVAL, "offset is not a multiple of the page size (4096)" },
		{ "0+5K", -EINVAL, "length is not a multiple of the page size (4096)" },
		{ "0+4K+4K", -EINVAL, "unexpected \"+4K\"" },
		{ "0x0+4K", -EINVAL, "unknown size suffix \"x0\" in the offset" },
		{ "0+4KiB", -EINVAL, "unexpected \"iB\" after the length" },
		{ "8E+4K", -ERANGE, "past the largest file offset" },
		{ "4K+18446744073709547520", -ERANGE, "past the largest file offset" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct byte_range r = { 7, 7 };
		struct errbuf e = { "" };

		cr_assert_eq(range_parse(cases[i].text, PAGE, &r, &e), cases[i].err, "%s", cases[i].text);
		cr_assert(strstr(e.msg, cases[i].reason), "\"%s\": %s", cases[i].text, e.msg);
		cr_assert(r.offset == 7 && r.length == 7, "output untouched on error");
	}
}

Test(range, print_parses_back)
{
	uint64_t seed = 777;
	char buf[2 * SIZE_TEXT_MAX];

	for (int i = 0; i < 100000; i++) {
		struct byte_range r = {
			.offset = (rng(&seed) >> (20 + rng(&seed) % 44)) * PAGE,
			.length = ((rng(&seed) >> (20 + rng(&seed) % 44)) + 1) * PAGE,
		}, back;

		range_print(&r, buf);
		cr_assert_eq(range_parse(buf, PAGE, &back, NULL), 0, "%s", buf);
		cr_assert(back.offset == r.offset && back.length == r.length, "%s", buf);
	}
	range_print(&(struct byte_range){ 0, 2u << 20 }, buf);
	cr_assert_str_eq(buf, "0+2M");
}

/* --- runs --- */

struct collected {
	FILE *text;
	char *buf;
	size_t len;
	uint64_t next;		/* the page the next run must start at */
	int32_t *pages;		/* the runs expanded back, for the model */
	size_t nr_runs;
	uint64_t nr_pages;
};

static void collect(void *arg, const struct page_run *run)
{
	struct collected *c = arg;

	cr_assert_eq(run->first, c->next, "runs are contiguous");
	cr_assert(run->count > 0 && run->period > 0);
	if (run->period > 1)
		cr_assert_gt(run->count, run->period, "a cycle is only claimed once it repeats");
	for (unsigned int i = 0; i < run->period; i++) {
		cr_assert(run->period == 1 || run->nodes[i] >= 0, "no hole in a cycle");
		for (unsigned int j = 0; j < i; j++)
			cr_assert_neq(run->nodes[i], run->nodes[j], "cycle nodes are distinct");
	}
	for (uint64_t i = 0; i < run->count; i++)
		c->pages[run->first + i - c->pages[-1]] = run->nodes[i % run->period];
	c->next += run->count;
	c->nr_runs++;
	run_print(c->text, run);
}

/* Compress @n pages starting at page @first; returns the printed runs. */
static char *compress(const int32_t *pages, size_t n, uint64_t first, size_t *nr_runs)
{
	int32_t *expanded = calloc(n + 1, sizeof(*expanded));
	struct collected c = { .next = first, .pages = expanded + 1 };
	struct run_builder *b = malloc(sizeof(*b));

	cr_assert(expanded && b);
	expanded[0] = (int32_t)first;
	c.text = open_memstream(&c.buf, &c.len);
	runs_init(b, first, collect, &c);
	for (size_t i = 0; i < n; i++)
		runs_add(b, pages[i]);
	runs_finish(b);
	fclose(c.text);
	cr_assert_eq(c.next, first + n, "every page is in a run");
	cr_assert_arr_eq(c.pages, pages, n * sizeof(*pages), "the runs say what the pages said");
	free(expanded);
	free(b);
	*nr_runs = c.nr_runs;
	return c.buf;
}

static void expect_runs(const int32_t *pages, size_t n, uint64_t first, const char *want)
{
	size_t nr_runs;
	char *got = compress(pages, n, first, &nr_runs);

	cr_assert_str_eq(got, want);
	free(got);
}

Test(runs, node_then_interleave_as_in_the_issue)
{
	int32_t pages[512];

	for (int i = 0; i < 256; i++)
		pages[i] = 1;
	for (int i = 256; i < 512; i++)
		pages[i] = i % 4;
	expect_runs(pages, 512, 0, "0-255: node 1\n256-511: interleave 0,1,2,3\n");
}

Test(runs, interleave_with_a_phase_prints_the_set_in_order)
{
	int32_t pages[64];

	for (int i = 0; i < 64; i++)
		pages[i] = (2 + i) % 4;
	expect_runs(pages, 64, 100, "100-163: interleave 0,1,2,3\n");
}

Test(runs, holes_and_single_pages)
{
	int32_t pages[] = { -ENOENT, -ENOENT, -ENOENT, 3, -ENOENT, 2, 2, -EIO };

	expect_runs(pages, 8, 0,
		    "0-2: hole\n3: node 3\n4: hole\n5-6: node 2\n7: unknown (Input/output error)\n");
}

Test(runs, a_cycle_needs_to_repeat)
{
	int32_t once[] = { 0, 1, 2, 3 };
	int32_t again[] = { 0, 1, 2, 3, 0 };

	expect_runs(once, 4, 0, "0: node 0\n1: node 1\n2: node 2\n3: node 3\n");
	expect_runs(again, 5, 0, "0-4: interleave 0,1,2,3\n");
}

Test(runs, a_broken_start_leaves_the_rest_to_cycle)
{
	int32_t pages[] = { 0, 1, 2, 1, 2, 1, 5, 5 };

	expect_runs(pages, 8, 0, "0: node 0\n1-5: interleave 1,2\n6-7: node 5\n");
}

Test(runs, a_hole_ends_a_cycle)
{
	int32_t pages[] = { 0, 1, 0, 1, -ENOENT, 0, 1, 0 };

	expect_runs(pages, 8, 0, "0-3: interleave 0,1\n4: hole\n5-7: interleave 0,1\n");
}

Test(runs, the_largest_cycle)
{
	static int32_t pages[3 * NUMAFS_MAX_NODES];
	size_t nr_runs;
	char *text;

	for (int i = 0; i < 3 * NUMAFS_MAX_NODES; i++)
		pages[i] = (NUMAFS_MAX_NODES - 1 - i) % NUMAFS_MAX_NODES;
	for (int i = 0; i < 3 * NUMAFS_MAX_NODES; i++)
		pages[i] = (pages[i] + NUMAFS_MAX_NODES) % NUMAFS_MAX_NODES;
	text = compress(pages, 3 * NUMAFS_MAX_NODES, 0, &nr_runs);
	cr_assert_eq(nr_runs, 1, "%.80s", text);
	cr_assert(!strncmp(text, "0-3071: interleave 0,1,2,", 25), "%.80s", text);
	free(text);
}

Test(runs, random_pages_round_trip)
{
	uint64_t seed = 4242;
	static int32_t pages[4096];

	for (int round = 0; round < 300; round++) {
		size_t n = 1 + rng(&seed) % 4096, nr_runs;
		unsigned int nodes = 1 + (unsigned int)(rng(&seed) % 6);
		char *text;

		/* Stretches of one node, of interleave, or of noise. */
		for (size_t i = 0; i < n;) {
			size_t len = 1 + rng(&seed) % 64;
			unsigned int kind = (unsigned int)(rng(&seed) % 3), phase = (unsigned int)rng(&seed);
			int32_t one = rng(&seed) % 5 ? (int32_t)(rng(&seed) % nodes) : -ENOENT;

			for (size_t j = 0; j < len && i < n; j++, i++)
				pages[i] = kind == 0 ? one :
					   kind == 1 ? (int32_t)((phase + j) % nodes) :
					   (int32_t)(rng(&seed) % nodes);
		}
		text = compress(pages, n, rng(&seed) % 1000, &nr_runs);
		free(text);
	}
}

Test(runs, finish_then_continue)
{
	struct collected c = { .next = 10 };
	int32_t expanded[1 + 6] = { 10 };
	struct run_builder *b = malloc(sizeof(*b));

	cr_assert(b);
	c.pages = expanded + 1;
	c.text = open_memstream(&c.buf, &c.len);
	runs_init(b, 10, collect, &c);
	runs_add(b, 1);
	runs_add(b, 1);
	runs_finish(b);
	runs_add(b, 1);
	runs_add(b, 2);
	runs_add(b, 1);
	runs_finish(b);
	fclose(c.text);
	cr_assert_str_eq(c.buf, "10-11: node 1\n12-14: interleave 1,2\n");
	free(c.buf);
	free(b);
}

/* --- df table --- */

static char *print_table(const struct df_table *t)
{
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	df_print(out, t);
	fclose(out);
	return buf;
}

/* The table with each run of spaces made one, to read rows as words. */
static char *squeeze(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;

	cr_assert(out);
	for (const char *p = text; *p; p++)
		if (*p != ' ' || (o > out && o[-1] != ' ' && o[-1] != '\n'))
			*o++ = *p;
	*o = '\0';
	return out;
}

/* Every line of the table but a title has the same width. */
static void assert_aligned(const char *text)
{
	size_t width = 0;

	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		if (strncmp(line, "Per-node", 8)) {
			if (!width)
				width = len;
			cr_assert_eq(len, width, "misaligned: %.*s", (int)len, line);
		}
		line += len + (line[len] == '\n');
	}
}

Test(df, numastat_layout_with_totals)
{
	const struct node_use nodes[] = {
		{ .node = 0, .capacity = 256u << 20, .used = 4096, .free = (256u << 20) - 4096, .files = 2 },
		{ .node = 3, .capacity = 256u << 20, .used = 0, .free = 256u << 20, .files = 0 },
	};
	struct df_table t = { .nodes = nodes, .nr_nodes = 2, .with_files = true,
			      .total_files = 2, .unit = UNIT_HUMAN };
	char *text = print_table(&t), *words = squeeze(text);

	cr_assert(!strncmp(words, "Node 0 Node 3 Total\n", 20), "%s", text);
	cr_assert(strstr(words, "\nCapacity 256M 256M 512M\n"), "%s", text);
	cr_assert(strstr(words, "\nUsed 4.0K 0 4.0K\n"), "%s", text);
	cr_assert(strstr(words, "\nFree 256M 256M 512M\n"), "%s", text);
	/* A file on two nodes counts once in the total: it is not a sum. */
	t.total_files = 1;
	free(text);
	free(words);
	text = print_table(&t);
	words = squeeze(text);
	cr_assert(strstr(words, "\nFiles 2 0 1\n"), "%s", text);
	assert_aligned(text);
	free(text);
	free(words);
}

Test(df, units_and_no_files)
{
	const struct node_use nodes[] = {
		{ .node = 12, .capacity = UINT64_C(3) << 30, .used = 1, .free = (UINT64_C(3) << 30) - 1 },
	};
	struct df_table t = { .nodes = nodes, .nr_nodes = 1, .unit = UNIT_K };
	char *text = print_table(&t), *words = squeeze(text);

	cr_assert(!strncmp(text, "Per-node use of the mount (in KiB)\n", 35), "%s", text);
	cr_assert(strstr(words, "\nNode 12 Total\n"), "%s", text);
	cr_assert(strstr(words, "\nCapacity 3145728 3145728\n"), "%s", text);
	cr_assert(strstr(words, "\nUsed 1 1\n"), "%s", text);
	cr_assert(!strstr(text, "Files"), "%s", text);
	assert_aligned(text);
	free(text);
	free(words);
}

/* --- policies --- */

static const struct nodemask *mount_nodes(unsigned int n)
{
	static struct nodemask m;

	nodemask_zero(&m);
	for (unsigned int i = 0; i < n; i++)
		nodemask_set(&m, i);
	return &m;
}

Test(policy, text_round_trips_through_the_ioctl_struct)
{
	static const char *const texts[] = {
		"default", "local", "preferred:2", "bind:0-1", "interleave:0-3",
		"bind=static:1,3", "interleave=relative:0-1", "preferred-many:0,2",
		"weighted-interleave:0*3,1", "weighted-interleave=static:0*3,1*1",
	};
	char back[POLICY_TEXT_MAX];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct numafs_policy p;
		struct errbuf e = { "" };

		cr_assert_eq(policy_text_to_uapi(texts[i], mount_nodes(4), &p, &e), 0, "%s: %s",
			     texts[i], e.msg);
		cr_assert_eq(p.reserved, 0);
		cr_assert_eq(policy_uapi_to_text(&p, back, sizeof(back), &e), 0, "%s: %s",
			     texts[i], e.msg);
		cr_assert_str_eq(back, texts[i]);
	}
}

Test(policy, values_match_the_public_header)
{
	struct numafs_policy p;

	cr_assert_eq(policy_text_to_uapi("weighted-interleave=static:1*3,2", mount_nodes(4), &p, NULL), 0);
	cr_assert_eq(p.mode, NUMAFS_MPOL_WEIGHTED_INTERLEAVE);
	cr_assert_eq(p.flags, NUMAFS_MPOL_F_STATIC_NODES);
	cr_assert_eq(p.nodes[0], 0x6);
	cr_assert(p.weights[1] == 3 && p.weights[2] == 0 && p.weights[0] == 0);
	cr_assert_eq(policy_text_to_uapi("prefer:3", mount_nodes(4), &p, NULL), 0);
	cr_assert(p.mode == NUMAFS_MPOL_PREFERRED && p.flags == 0 && p.nodes[0] == 0x8);
}

Test(policy, all_and_not_mean_the_mounts_nodes)
{
	struct numafs_policy p;

	cr_assert_eq(policy_text_to_uapi("interleave:!2", mount_nodes(4), &p, NULL), 0);
	cr_assert_eq(p.nodes[0], 0xb);
	cr_assert_eq(policy_text_to_uapi("interleave:all", mount_nodes(3), &p, NULL), 0);
	cr_assert_eq(p.nodes[0], 0x7);
	for (int w = 1; w < NUMAFS_NODEMASK_WORDS; w++)
		cr_assert_eq(p.nodes[w], 0);
}

Test(policy, nodes_outside_the_mount_are_refused_with_a_reason)
{
	struct numafs_policy p = { .mode = 99 };
	struct errbuf e = { "" };

	cr_assert_eq(policy_text_to_uapi("bind:7", mount_nodes(4), &p, &e), -EINVAL);
	cr_assert(strstr(e.msg, "7"), "%s", e.msg);
	cr_assert_eq(p.mode, 99, "output untouched on error");
	/* The syntax check alone (no mount yet) lets node 7 through. */
	cr_assert_eq(policy_text_to_uapi("bind:7", NULL, &p, NULL), 0);
	cr_assert_eq(policy_text_to_uapi("interleav:0", NULL, &p, &e), -EINVAL);
	cr_assert(strstr(e.msg, "interleav"), "%s", e.msg);
}

Test(policy, a_nonsense_answer_is_an_error)
{
	struct numafs_policy p = { .mode = NUMAFS_MPOL_MAX };
	char text[64];

	cr_assert_lt(policy_uapi_to_text(&p, text, sizeof(text), NULL), 0);
	p.mode = NUMAFS_MPOL_BIND;
	cr_assert_lt(policy_uapi_to_text(&p, text, sizeof(text), NULL), 0, "bind without nodes");
	p.nodes[0] = 1;
	cr_assert_eq(policy_uapi_to_text(&p, text, sizeof(text), NULL), 0);
	cr_assert_str_eq(text, "bind:0");
	cr_assert_lt(policy_uapi_to_text(&p, text, 3, NULL), 0, "too small a buffer");
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * numafsctl's pure text work: byte ranges and sizes in, sizes out.
 * No I/O and no state, so every rule here is unit-tested directly.
 */
#ifndef NUMAFSCTL_FORMAT_H
#define NUMAFSCTL_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "errbuf.h"

/* Room for any size this module prints, NUL included. */
#define SIZE_TEXT_MAX 32

struct byte_range {
	uint64_t offset;
	uint64_t length;
};

/*
 * "4096", "2M", "1g": a byte count with an optional K/M/G/T suffix
 * (powers of 1024, either case; P and E too, as size_print_exact() may
 * print them).  -EINVAL or -ERANGE with a reason.
 */
int size_parse(const char *text, uint64_t *out, struct errbuf *e);

/*
 * "OFFSET+LENGTH" as user.numa.ranges writes it ("0+2M", "4K+8K"): both
 * multiples of @page_size, the length not zero, the end representable.
 */
int range_parse(const char *text, uint64_t page_size, struct byte_range *out,
		struct errbuf *e);

/* A size with the largest suffix that divides it exactly: "2M", "12K", "4095". */
void size_print_exact(uint64_t bytes, char buf[SIZE_TEXT_MAX]);

/* "OFFSET+LENGTH" in the form range_parse() reads back. */
void range_print(const struct byte_range *r, char buf[2 * SIZE_TEXT_MAX]);

/* How df prints sizes: as df -h would, or a whole number of K/M/G. */
enum size_unit {
	UNIT_HUMAN,
	UNIT_K,
	UNIT_M,
	UNIT_G,
};

/*
 * Rounded up, as df rounds, so that a nearly full node never looks empty:
 * "0", "512", "4.0K", "1.5M", "256M" (human), or "1024" in the unit.
 */
void size_print_unit(uint64_t bytes, enum size_unit unit, char buf[SIZE_TEXT_MAX]);

#endif

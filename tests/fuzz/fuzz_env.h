/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the fuzz targets share: the input as a C string, and a machine
 * whose node sets have gaps and reach the highest node id, so that "!",
 * "all", folding and large ids all have something to bite on.
 */
#ifndef NUMAFS_FUZZ_ENV_H
#define NUMAFS_FUZZ_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* Stop at once with a message: a broken invariant is a finding. */
#define fuzz_assert(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "invariant broken: " __VA_ARGS__);	\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* The input, NUL-terminated; the caller frees it. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	fuzz_assert(text, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

static inline void fuzz_add_range(struct nodemask *m, unsigned int first, unsigned int last)
{
	for (unsigned int n = first; n <= last; n++)
		nodemask_set(m, n);
}

/* Nodes 0-15 and 1000-1023 exist; 0-3, 8-11 and 1000-1023 are allowed. */
static inline void fuzz_machine(struct nodemask *online, struct nodemask *allowed)
{
	nodemask_zero(online);
	fuzz_add_range(online, 0, 15);
	fuzz_add_range(online, 1000, 1023);
	nodemask_zero(allowed);
	fuzz_add_range(allowed, 0, 3);
	fuzz_add_range(allowed, 8, 11);
	fuzz_add_range(allowed, 1000, 1023);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Node masks written inline in tests (MASK(1, 3, 5) points to {1,3,5}),
 * and a small generator for random ones with fixed, replayable seeds.
 */
#ifndef NUMAFS_TEST_MASKS_H
#define NUMAFS_TEST_MASKS_H

#include <stdint.h>

#include "nodemask.h"

/* xorshift64: @s is the state, never 0. */
static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Fills @m with @nodes and returns it, for MASK(). */
static inline struct nodemask *mask_of(struct nodemask *m, const unsigned int *nodes,
				       unsigned int count)
{
	nodemask_zero(m);
	for (unsigned int i = 0; i < count; i++)
		nodemask_set(m, nodes[i]);
	return m;
}

/* A pointer to a mask of the listed nodes, alive for the enclosing block. */
#define MASK(...) mask_of(&(struct nodemask){ { 0 } }, \
	(const unsigned int[]){ __VA_ARGS__ }, \
	sizeof((const unsigned int[]){ __VA_ARGS__ }) / sizeof(unsigned int))

#endif

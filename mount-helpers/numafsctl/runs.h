/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compress the node of each page into runs for `numafsctl where`:
 *
 *	0-255: node 1
 *	256-511: interleave 0,1,2,3
 *	512-1023: hole
 *
 * Pages arrive one at a time (from batches of NUMAFS_IOC_WHERE), so a file
 * of any size is compressed in constant memory.  A run is either pages on
 * one node (or holes), or pages that cycle over a set of distinct nodes:
 * page first+i on nodes[i mod period].  A cycle is only claimed once it
 * repeats (period+1 pages); until then its pages are single runs.  The
 * split is greedy, so it is deterministic but not always the shortest.
 */
#ifndef NUMAFSCTL_RUNS_H
#define NUMAFSCTL_RUNS_H

#include <stdint.h>
#include <stdio.h>

#include "numafs.h"

struct page_run {
	uint64_t first;		/* page index */
	uint64_t count;		/* pages */
	unsigned int period;	/* 1: every page on nodes[0] */
	const int32_t *nodes;	/* @period entries: a node, or -errno (-ENOENT: hole) */
};

typedef void run_emit_fn(void *arg, const struct page_run *run);

struct run_builder {
	run_emit_fn *emit;
	void *arg;
	uint64_t first;		/* page index of the run being built */
	uint64_t count;		/* its pages so far (0: none) */
	unsigned int period;	/* distinct nodes in @cycle */
	int32_t cycle[NUMAFS_MAX_NODES];
};

/* Start at page @first_page; @emit is called once per finished run. */
void runs_init(struct run_builder *b, uint64_t first_page, run_emit_fn *emit, void *arg);
/* The next page's node (or -errno). */
void runs_add(struct run_builder *b, int32_t node);
/* Emit what is pending; @b can then take pages again after the last one. */
void runs_finish(struct run_builder *b);

/* One run as a line: "0-255: node 1", "7: hole", "8-15: interleave 0,2". */
void run_print(FILE *out, const struct page_run *run);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of `numafsctl df`, laid out as numastat lays out its per-node
 * tables: one column per node and a Total, one row per quantity.
 */
#ifndef NUMAFSCTL_DFTABLE_H
#define NUMAFSCTL_DFTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "format.h"

struct node_use {
	unsigned int node;
	uint64_t capacity;	/* bytes */
	uint64_t used;		/* bytes */
	uint64_t free;		/* bytes */
	uint64_t files;		/* files with pages on this node */
};

struct df_table {
	const struct node_use *nodes;
	unsigned int nr_nodes;
	bool with_files;	/* the Files row (needs a walk of the mount) */
	uint64_t total_files;	/* files with pages anywhere: not a sum */
	enum size_unit unit;
};

void df_print(FILE *out, const struct df_table *t);

#endif

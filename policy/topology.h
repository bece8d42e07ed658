/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's memory nodes: real (libnuma) or simulated from a string.
 */
#ifndef NUMAFS_TOPOLOGY_H
#define NUMAFS_TOPOLOGY_H

#include <stdbool.h>
#include <stdint.h>

#include "nodemask.h"

#define TOPOLOGY_LOCAL_DISTANCE  10
#define TOPOLOGY_REMOTE_DISTANCE 20

struct topology {
	unsigned int nr_nodes;		/* highest node id + 1 */
	struct nodemask nodes;		/* memory nodes present */
	uint64_t *node_size;		/* bytes, by node id (0 when absent) */
	uint8_t *distance;		/* nr_nodes * nr_nodes, row = from */
	bool simulated;
};

/* The real machine, from libnuma.  -ENOSYS when libnuma says no NUMA. */
int topology_real(struct topology **out, struct errbuf *e);

/*
 * A simulated machine: "fake:4x1G" (count x size) or "fake:1G,1G,512M"
 * (one size per node); sizes in bytes with k/m/g/t suffixes.  More than
 * NUMAFS_MAX_NODES nodes, a zero or malformed size is -EINVAL.
 */
int topology_fake(const char *spec, struct topology **out, struct errbuf *e);

void topology_free(struct topology *t);

unsigned int topology_distance(const struct topology *t, unsigned int from, unsigned int to);

/*
 * The present nodes ordered by distance from @from, nearest first (ties
 * by node id).  @order has room for t->nr_nodes entries; returns the count.
 */
unsigned int topology_by_distance(const struct topology *t, unsigned int from, int *order);

/* The memory nodes this process may allocate on (libnuma's mems_allowed). */
int topology_process_allowed(struct nodemask *out);

/*
 * Default weighted-interleave weights: @dir/nodeN when present
 * (/sys/kernel/mm/mempolicy/weighted_interleave), else 1, for every node
 * of @t.  @weights has NUMAFS_MAX_NODES entries.
 */
void topology_default_weights(const struct topology *t, const char *dir, uint8_t *weights);

#endif

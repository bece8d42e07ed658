/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which node a page of a file goes to under a policy.  Pure: whether a node
 * has room is a question the caller answers.
 */
#ifndef NUMAFS_PLACE_H
#define NUMAFS_PLACE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "topology.h"

struct place_ctx {
	const struct topology *topo;
	const struct nodemask *allowed;	/* fallback never leaves this set */
	int writer_node;		/* node of the writing task; -1 unknown */
	uint64_t phase;			/* per-file interleave phase */
	const uint8_t *default_weights;	/* NUMAFS_MAX_NODES entries, or NULL (1) */
	bool (*has_room)(void *arg, unsigned int node);	/* NULL: always */
	void *room_arg;
};

/*
 * The node for page @index: bind, only its nodes, nearest to the writer
 * with room first, else -ENOSPC; preferred, its node, then the others by
 * distance from it; preferred-many, its nodes nearest first, then fallback;
 * interleave, the ((phase + index) mod n)-th node of the set, then the next
 * ones in the cycle when full; weighted-interleave, the same over the
 * weighted cycle (a node counts its explicit weight, else its default
 * weight, else 1); local and default, the writer's node, then by distance.
 * Fallback is by distance (topology_by_distance) from the writer's node,
 * or from the first node of the set when the writer's is unknown (-1);
 * interleave modes fall back from their target node once the whole set is
 * full, as the kernel does.  Only nodes of c->allowed are ever chosen.
 * Returns the node, or -ENOSPC when no permitted node has room.
 */
int place_page(const struct numa_policy *p, uint64_t index, const struct place_ctx *c);

/*
 * Whether a page stored on @node conforms to @p now: interleave modes and
 * preferred, the very node place_page() would choose if every node had
 * room; bind and preferred-many, any node of the set; default and local
 * (whose choice depended on a writer long gone), any allowed node.
 */
bool place_conforms(const struct numa_policy *p, uint64_t index, unsigned int node,
		    const struct place_ctx *c);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Choosing the node of a page, as the kernel's page allocator would under
 * the same policy: a first choice from the policy, then fallback through
 * the nodes by distance, never outside the allowed set, and for bind never
 * outside the policy's own set.
 */
#include <errno.h>

#include "place.h"

static bool has_room(const struct place_ctx *c, unsigned int node)
{
	return !c->has_room || c->has_room(c->room_arg, node);
}

/* A node a page may go to now: present, allowed and not full. */
static bool usable(const struct place_ctx *c, unsigned int node)
{
	return nodemask_test(&c->topo->nodes, node) && nodemask_test(c->allowed, node) &&
	       has_room(c, node);
}

/* The nearest usable node to @from, within @set when it is not NULL. */
static int nearest(const struct place_ctx *c, unsigned int from, const struct nodemask *set)
{
	int order[NUMAFS_MAX_NODES];
	unsigned int count = topology_by_distance(c->topo, from, order);

	for (unsigned int i = 0; i < count; i++) {
		unsigned int node = (unsigned int)order[i];

		if ((!set || nodemask_test(set, node)) && usable(c, node))
			return (int)node;
	}
	return -ENOSPC;
}

/* Where distances count from: the writer's node, else the first of @set. */
static unsigned int origin(const struct place_ctx *c, const struct nodemask *set)
{
	int first;

	if (c->writer_node >= 0 && nodemask_test(&c->topo->nodes, (unsigned int)c->writer_node))
		return (unsigned int)c->writer_node;
	first = nodemask_next(set, -1);
	if (first < 0)
		first = nodemask_next(c->allowed, -1);
	return first < 0 ? 0 : (unsigned int)first;
}

/* The writer's node, then by distance: default and local. */
static int place_local(const struct place_ctx *c)
{
	return nearest(c, origin(c, c->allowed), NULL);
}

/* (phase + index) mod @n without overflowing. */
static uint64_t cycle_position(const struct place_ctx *c, uint64_t index, uint64_t n)
{
	return (c->phase % n + index % n) % n;
}

/* The weight a node counts with in the weighted cycle. */
static unsigned int node_weight(const struct numa_policy *p, unsigned int node,
				const struct place_ctx *c)
{
	unsigned int w = policy_node_weight(p, node);

	if (!w && c->default_weights)
		w = c->default_weights[node];
	return w ? w : 1;
}

/*
 * The position in @set of the node that owns @index: plain interleave
 * gives every node one slot of the cycle, weighted-interleave as many
 * slots as its weight, in node order.
 */
static unsigned int interleave_target(const struct numa_policy *p, uint64_t index,
				      const struct nodemask *set, const struct place_ctx *c)
{
	uint64_t total = 0, slot;
	unsigned int k = 0;
	int node;

	if (p->mode != NUMAFS_MPOL_WEIGHTED_INTERLEAVE)
		return (unsigned int)cycle_position(c, index, nodemask_weight(set));
	nodemask_for_each(node, set)
		total += node_weight(p, (unsigned int)node, c);
	slot = cycle_position(c, index, total);
	nodemask_for_each(node, set) {
		unsigned int w = node_weight(p, (unsigned int)node, c);

		if (slot < w)
			break;
		slot -= w;
		k++;
	}
	return k;
}

/*
 * The target, then the nodes after it in the cycle; when the whole set is
 * full, the kernel falls back from the target by distance, and so do we.
 */
static int place_interleave(const struct numa_policy *p, uint64_t index,
			    const struct nodemask *set, const struct place_ctx *c)
{
	unsigned int n = nodemask_weight(set);
	unsigned int start;

	if (!n)
		return place_local(c);
	start = interleave_target(p, index, set, c);
	for (unsigned int k = 0; k < n; k++) {
		unsigned int node = (unsigned int)nodemask_nth(set, (start + k) % n);

		if (usable(c, node))
			return (int)node;
	}
	return nearest(c, (unsigned int)nodemask_nth(set, start), NULL);
}

/*
 * preferred falls back from its own node, as the kernel walks the
 * preferred node's zonelist.  An empty set is a static preferred node
 * that is not allowed: the kernel prefers the local node then.
 */
static int place_preferred(const struct numa_policy *p, const struct place_ctx *c)
{
	int preferred = nodemask_next(&p->nodes, -1);

	if (preferred < 0)
		return place_local(c);
	return nearest(c, (unsigned int)preferred, NULL);
}

int place_page(const struct numa_policy *p, uint64_t index, const struct place_ctx *c)
{
	struct nodemask set;
	int node;

	nodemask_and(&set, &p->nodes, c->allowed);
	switch (p->mode) {
	case NUMAFS_MPOL_BIND:
		return nearest(c, origin(c, &set), &set);
	case NUMAFS_MPOL_PREFERRED:
		return place_preferred(p, c);
	case NUMAFS_MPOL_PREFERRED_MANY:
		node = nearest(c, origin(c, &set), &set);
		return node >= 0 ? node : nearest(c, origin(c, &set), NULL);
	case NUMAFS_MPOL_INTERLEAVE:
	case NUMAFS_MPOL_WEIGHTED_INTERLEAVE:
		return place_interleave(p, index, &set, c);
	default:
		return place_local(c);
	}
}

/* The first choice of a policy whose choice does not depend on the writer. */
static bool is_first_choice(const struct numa_policy *p, uint64_t index, unsigned int node,
			    const struct place_ctx *c)
{
	struct place_ctx roomy = *c;

	roomy.has_room = NULL;
	roomy.writer_node = -1;
	return place_page(p, index, &roomy) == (int)node;
}

bool place_conforms(const struct numa_policy *p, uint64_t index, unsigned int node,
		    const struct place_ctx *c)
{
	struct nodemask set;

	if (!nodemask_test(c->allowed, node))
		return false;
	nodemask_and(&set, &p->nodes, c->allowed);
	/*
	 * When none of the set is allowed (or a static preferred node is not),
	 * the choice falls to the writer, whom we no longer know: any allowed
	 * node will do.  bind has no such fallback.
	 */
	switch (p->mode) {
	case NUMAFS_MPOL_BIND:
		return nodemask_test(&set, node);
	case NUMAFS_MPOL_PREFERRED_MANY:
		return nodemask_empty(&set) || nodemask_test(&set, node);
	case NUMAFS_MPOL_PREFERRED:
		return nodemask_empty(&p->nodes) || is_first_choice(p, index, node, c);
	case NUMAFS_MPOL_INTERLEAVE:
	case NUMAFS_MPOL_WEIGHTED_INTERLEAVE:
		return nodemask_empty(&set) || is_first_choice(p, index, node, c);
	default:
		return true;
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Following a change of the allowed node set, with the kernel's rules
 * (mpol_rebind_policy() and the bitmap helpers under it).
 *
 * A policy keeps the nodes the user gave (@user_nodes) and the allowed set
 * it is bound against (@bound_to), so every rebind starts from what the
 * user meant rather than from the result of the last rebind.  For 'static'
 * and 'relative' the nodes in force are a pure function of the two; without
 * a flag they are carried along position by position, which is exact when
 * the old and new sets have the same size, and folds when the new one is
 * smaller.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* How many places a remap spreads over; 0 when it is the identity. */
static unsigned int remap_span(const struct nodemask *old, const struct nodemask *new_set)
{
	return nodemask_empty(old) ? 0 : nodemask_weight(new_set);
}

/* Where @node of @old lands in @new_set (nodes outside @old stay put). */
static unsigned int remap_node(unsigned int node, const struct nodemask *old,
			       const struct nodemask *new_set, unsigned int span)
{
	int pos = nodemask_position(old, node);

	if (pos < 0 || !span)
		return node;
	return (unsigned int)nodemask_nth(new_set, (unsigned int)pos % span);
}

void nodemask_remap(struct nodemask *dst, const struct nodemask *src,
		    const struct nodemask *old, const struct nodemask *new_set)
{
	unsigned int span = remap_span(old, new_set);
	struct nodemask out;
	int node;

	nodemask_zero(&out);
	nodemask_for_each(node, src)
		nodemask_set(&out, remap_node(node, old, new_set, span));
	*dst = out;	/* @dst may be @src */
}

void nodemask_relative(struct nodemask *dst, const struct nodemask *rel,
		       const struct nodemask *allowed)
{
	unsigned int span = nodemask_weight(allowed);
	struct nodemask out;
	int pos;

	nodemask_zero(&out);
	if (span)
		nodemask_for_each(pos, rel)
			nodemask_set(&out, nodemask_nth(allowed, (unsigned int)pos % span));
	*dst = out;
}

static bool mode_takes_nodes(unsigned int mode)
{
	return mode != NUMAFS_MPOL_DEFAULT && mode != NUMAFS_MPOL_LOCAL;
}

/* A private copy of @p with one reference, for the rebind to fill in. */
static struct numa_policy *policy_copy(const struct numa_policy *p)
{
	struct numa_policy *q = malloc(sizeof(*q));

	if (!q)
		return NULL;
	*q = *p;
	q->refs = 1;
	if (!p->weights)
		return q;
	q->weights = malloc(NUMAFS_MAX_NODES);
	if (!q->weights) {
		free(q);
		return NULL;
	}
	memcpy(q->weights, p->weights, NUMAFS_MAX_NODES);
	return q;
}

/*
 * Without a flag, weights are indexed by node and must follow their nodes.
 * When the new set is smaller two nodes can land on one; it keeps the
 * larger weight, so a node the user favoured stays favoured (and an
 * explicit weight wins over none).
 */
static void remap_weights(struct numa_policy *q, const struct numa_policy *p,
			  const struct nodemask *allowed)
{
	unsigned int span = remap_span(&p->bound_to, allowed);
	int node;

	memset(q->weights, 0, NUMAFS_MAX_NODES);
	nodemask_for_each(node, &p->nodes) {
		unsigned int to = remap_node(node, &p->bound_to, allowed, span);

		if (p->weights[node] > q->weights[to])
			q->weights[to] = p->weights[node];
	}
}

/* The kernel's mpol_rebind_nodemask(), on the copy @q of @p. */
static void rebind_nodes(struct numa_policy *q, const struct numa_policy *p,
			 const struct nodemask *allowed)
{
	if (p->flags & NUMAFS_MPOL_F_STATIC_NODES) {
		nodemask_and(&q->nodes, &p->user_nodes, allowed);
	} else if (p->flags & NUMAFS_MPOL_F_RELATIVE_NODES) {
		nodemask_relative(&q->nodes, &p->user_nodes, allowed);
	} else {
		nodemask_remap(&q->nodes, &p->nodes, &p->bound_to, allowed);
		if (q->weights)
			remap_weights(q, p, allowed);
	}
	/*
	 * Only a static list can come out empty.  The kernel then uses the
	 * whole allowed set, except for preferred, which names one node and
	 * prefers the local one instead (MPOL_F_LOCAL): an empty @nodes says
	 * that here, and @user_nodes keeps the node for when it is back.
	 */
	if (nodemask_empty(&q->nodes) && p->mode != NUMAFS_MPOL_PREFERRED)
		q->nodes = *allowed;
	/*
	 * Without a flag the user's list is, from now on, the remapped one:
	 * that is what the policy prints, and parsing the print must give
	 * the same policy back.
	 */
	if (!(p->flags & POLICY_MODE_FLAGS))
		q->user_nodes = q->nodes;
}

int policy_rebind(struct numa_policy *p, const struct nodemask *allowed,
		  struct numa_policy **out)
{
	struct numa_policy *q;

	if (nodemask_empty(allowed))
		return -EINVAL;	/* no cpuset is without memory */
	if (nodemask_equal(&p->bound_to, allowed)) {
		*out = policy_get(p);
		return 0;
	}
	q = policy_copy(p);
	if (!q)
		return -ENOMEM;
	if (mode_takes_nodes(p->mode))
		rebind_nodes(q, p, allowed);
	q->bound_to = *allowed;
	*out = q;
	return 0;
}

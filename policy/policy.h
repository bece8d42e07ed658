/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NUMA memory policies: immutable, reference-counted values shared by the
 * inodes and ranges that use them (as the kernel shares struct mempolicy).
 *
 * A policy is never changed after it is made; rebinding or a new setting
 * makes a new one.  Compare with policy_equal(), not by pointer.
 */
#ifndef NUMAFS_POLICY_H
#define NUMAFS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodemask.h"

#define POLICY_MODE_FLAGS (NUMAFS_MPOL_F_STATIC_NODES | NUMAFS_MPOL_F_RELATIVE_NODES)
#define POLICY_MAX_WEIGHT 255

/* Longest canonical text of a policy, with weights on every node. */
#define POLICY_TEXT_MAX 8192

struct numa_policy {
	unsigned int refs;		/* atomic; see policy_get/put */
	uint16_t mode;			/* NUMAFS_MPOL_* */
	uint16_t flags;			/* NUMAFS_MPOL_F_* */
	/*
	 * The nodes as the user gave them: node ids, or positions in the
	 * allowed set for 'relative'.  Kept so rebinding is exact however
	 * often it happens (the kernel's w.user_nodemask).
	 */
	struct nodemask user_nodes;
	/* The nodes in force now, after binding to @bound_to. */
	struct nodemask nodes;
	/* The allowed set this policy was last bound against. */
	struct nodemask bound_to;
	/*
	 * weighted-interleave only: NULL, or NUMAFS_MAX_NODES explicit weights
	 * (0 = use the default weight), indexed like the list the policy
	 * prints: @user_nodes with a flag (positions for 'relative'), @nodes
	 * without one.  So a rebind without flags remaps the weights along
	 * with @nodes.  Ask policy_node_weight() for a node's weight.
	 */
	uint8_t *weights;
};

/* What a policy is checked against when made. */
struct policy_env {
	const struct nodemask *online;	/* memory nodes that exist */
	const struct nodemask *allowed;	/* nodes numafs may use now */
};

/*
 * Make a policy after checking it against @env: a node list on
 * default/local, an empty list where one is needed, more than one node
 * for preferred, unknown/offline nodes, nodes outside the allowed set
 * (unless static), both flags, flags on default/local, weights on a mode
 * other than weighted-interleave, or a weight above 255 are each -EINVAL
 * with a distinct reason.  @weights is NULL or NUMAFS_MAX_NODES entries.
 */
int policy_create(struct numa_policy **out, unsigned int mode, unsigned int flags,
		  const struct nodemask *nodes, const uint8_t *weights,
		  const struct policy_env *env, struct errbuf *e);

/* The 'default' policy, bound to @allowed. */
int policy_create_default(struct numa_policy **out, const struct nodemask *allowed);

struct numa_policy *policy_get(struct numa_policy *p);
void policy_put(struct numa_policy *p);

bool policy_equal(const struct numa_policy *a, const struct numa_policy *b);
bool policy_is_default(const struct numa_policy *p);

/*
 * The explicit weight of @node, a node of @p->nodes, or 0 when it has none
 * (or @p is not weighted-interleave).  For 'relative', of the positions
 * that fold onto @node the lowest with a weight gives it.
 */
unsigned int policy_node_weight(const struct numa_policy *p, unsigned int node);

/* Mode name as printed ("interleave"), or NULL for an unknown mode. */
const char *policy_mode_name(unsigned int mode);

/*
 * Parse the text form of DESIGN.md ("interleave:0-3", "bind=static:1,3",
 * "weighted-interleave:0*3,1*1", "prefer:2", "interleave:!2").  Leading
 * and trailing whitespace is ignored.  -EINVAL with a reason on error.
 */
int policy_parse(const char *text, const struct policy_env *env,
		 struct numa_policy **out, struct errbuf *e);

/*
 * Canonical text: parse(print(p)) equals p.  Returns the length written,
 * or -ERANGE when @len is too small.
 */
int policy_print(const struct numa_policy *p, char *buf, size_t len);

/*
 * Rebind to a new allowed set with the kernel's rules
 * (mpol_rebind_nodemask): no flag remaps the nodes from @p->bound_to onto
 * @allowed (explicit weights follow their nodes; two nodes folded onto one
 * keep the larger weight); static keeps user_nodes & @allowed; relative
 * maps positions into @allowed.  An empty result falls back to @allowed as
 * the kernel does, except for preferred, whose @nodes is then empty: the
 * local node is preferred (the kernel's MPOL_F_LOCAL).  Rebinding to the
 * set already bound is a new reference to @p.  -EINVAL for an empty
 * @allowed, -ENOMEM.
 */
int policy_rebind(struct numa_policy *p, const struct nodemask *allowed,
		  struct numa_policy **out);

#endif

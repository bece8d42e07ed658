// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Making, sharing and comparing policies.  Validation follows the kernel's
 * mpol_new()/mpol_set_nodemask(): a policy that is made is always usable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static const char *const mode_names[NUMAFS_MPOL_MAX] = {
	[NUMAFS_MPOL_DEFAULT] = "default",
	[NUMAFS_MPOL_PREFERRED] = "preferred",
	[NUMAFS_MPOL_BIND] = "bind",
	[NUMAFS_MPOL_INTERLEAVE] = "interleave",
	[NUMAFS_MPOL_LOCAL] = "local",
	[NUMAFS_MPOL_PREFERRED_MANY] = "preferred-many",
	[NUMAFS_MPOL_WEIGHTED_INTERLEAVE] = "weighted-interleave",
};

const char *policy_mode_name(unsigned int mode)
{
	return mode < NUMAFS_MPOL_MAX ? mode_names[mode] : NULL;
}

static bool mode_takes_nodes(unsigned int mode)
{
	return mode != NUMAFS_MPOL_DEFAULT && mode != NUMAFS_MPOL_LOCAL;
}

static bool any_weight(const uint8_t *weights)
{
	for (unsigned int n = 0; weights && n < NUMAFS_MAX_NODES; n++)
		if (weights[n])
			return true;
	return false;
}

static int check_mode_and_flags(unsigned int mode, unsigned int flags,
				const struct nodemask *nodes, struct errbuf *e)
{
	const char *name = policy_mode_name(mode);

	if (!name)
		return err_set(e, EINVAL, "unknown mode %u", mode);
	if (flags & ~POLICY_MODE_FLAGS)
		return err_set(e, EINVAL, "unknown mode flags 0x%x", flags & ~POLICY_MODE_FLAGS);
	if (flags == POLICY_MODE_FLAGS)
		return err_set(e, EINVAL, "static and relative cannot be combined");
	if (!mode_takes_nodes(mode)) {
		if (flags)
			return err_set(e, EINVAL, "%s takes no flags", name);
		if (nodes && !nodemask_empty(nodes))
			return err_set(e, EINVAL, "%s takes no node list", name);
		return 0;
	}
	if (!nodes || nodemask_empty(nodes))
		return err_set(e, EINVAL, "%s needs at least one node", name);
	if (mode == NUMAFS_MPOL_PREFERRED && nodemask_weight(nodes) != 1)
		return err_set(e, EINVAL, "preferred takes exactly one node");
	return 0;
}

/* Weights go with the nodes as the user wrote them (see policy.h). */
static int check_weights(unsigned int mode, const struct nodemask *nodes,
			 const uint8_t *weights, struct errbuf *e)
{
	if (!any_weight(weights))
		return 0;
	if (mode != NUMAFS_MPOL_WEIGHTED_INTERLEAVE)
		return err_set(e, EINVAL, "weights are only for weighted-interleave");
	for (unsigned int n = 0; n < NUMAFS_MAX_NODES; n++)
		if (weights[n] && !nodemask_test(nodes, n))
			return err_set(e, EINVAL, "weight given for node %u, which is not in the list", n);
	return 0;
}

/* Every user node must exist; node ids only, positions are folded later. */
static int check_nodes_exist(const struct nodemask *nodes, const struct nodemask *online,
			     struct errbuf *e)
{
	struct nodemask missing;

	nodemask_andnot(&missing, nodes, online);
	if (!nodemask_empty(&missing))
		return err_set(e, EINVAL, "node %d does not exist", nodemask_nth(&missing, 0));
	return 0;
}

/* The kernel's mpol_set_nodemask(): the nodes in force for @user now. */
static int bind_nodes(struct numa_policy *p, const struct policy_env *env,
		      struct errbuf *e)
{
	struct nodemask outside;

	if (!mode_takes_nodes(p->mode)) {
		nodemask_zero(&p->nodes);
		return 0;
	}
	if (p->flags & NUMAFS_MPOL_F_RELATIVE_NODES) {
		nodemask_relative(&p->nodes, &p->user_nodes, env->allowed);
	} else if (p->flags & NUMAFS_MPOL_F_STATIC_NODES) {
		nodemask_and(&p->nodes, &p->user_nodes, env->allowed);
	} else {
		nodemask_andnot(&outside, &p->user_nodes, env->allowed);
		if (!nodemask_empty(&outside))
			return err_set(e, EINVAL, "node %d is not allowed",
				       nodemask_nth(&outside, 0));
		p->nodes = p->user_nodes;
	}
	if (nodemask_empty(&p->nodes))
		return err_set(e, EINVAL, "none of the nodes is allowed");
	return 0;
}

static int copy_weights(struct numa_policy *p, const uint8_t *weights)
{
	if (!any_weight(weights))
		return 0;
	p->weights = malloc(NUMAFS_MAX_NODES);
	if (!p->weights)
		return -ENOMEM;
	memcpy(p->weights, weights, NUMAFS_MAX_NODES);
	return 0;
}

static struct numa_policy *policy_alloc(unsigned int mode, unsigned int flags,
					const struct nodemask *allowed)
{
	struct numa_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->refs = 1;
	p->mode = mode;
	p->flags = flags;
	p->bound_to = *allowed;
	return p;
}

int policy_create(struct numa_policy **out, unsigned int mode, unsigned int flags,
		  const struct nodemask *nodes, const uint8_t *weights,
		  const struct policy_env *env, struct errbuf *e)
{
	struct numa_policy *p;
	int ret;

	ret = check_mode_and_flags(mode, flags, nodes, e);
	if (!ret)
		ret = check_weights(mode, nodes, weights, e);
	if (!ret && mode_takes_nodes(mode) && !(flags & NUMAFS_MPOL_F_RELATIVE_NODES))
		ret = check_nodes_exist(nodes, env->online, e);
	if (ret)
		return ret;

	p = policy_alloc(mode, flags, env->allowed);
	if (!p)
		return err_set(e, ENOMEM, "out of memory");
	if (mode_takes_nodes(mode))
		p->user_nodes = *nodes;
	ret = bind_nodes(p, env, e);
	if (!ret && copy_weights(p, weights))
		ret = err_set(e, ENOMEM, "out of memory");
	if (ret) {
		policy_put(p);
		return ret;
	}
	*out = p;
	return 0;
}

int policy_create_default(struct numa_policy **out, const struct nodemask *allowed)
{
	struct numa_policy *p = policy_alloc(NUMAFS_MPOL_DEFAULT, 0, allowed);

	if (!p)
		return -ENOMEM;
	*out = p;
	return 0;
}

struct numa_policy *policy_get(struct numa_policy *p)
{
	if (p)
		__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
	return p;
}

void policy_put(struct numa_policy *p)
{
	if (!p || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL))
		return;
	free(p->weights);
	free(p);
}

static bool weights_equal(const uint8_t *a, const uint8_t *b)
{
	if (a && b)
		return memcmp(a, b, NUMAFS_MAX_NODES) == 0;
	return !any_weight(a ? a : b);
}

bool policy_equal(const struct numa_policy *a, const struct numa_policy *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return a->mode == b->mode && a->flags == b->flags &&
	       nodemask_equal(&a->user_nodes, &b->user_nodes) &&
	       nodemask_equal(&a->nodes, &b->nodes) &&
	       nodemask_equal(&a->bound_to, &b->bound_to) &&
	       weights_equal(a->weights, b->weights);
}

bool policy_is_default(const struct numa_policy *p)
{
	return p->mode == NUMAFS_MPOL_DEFAULT;
}

unsigned int policy_node_weight(const struct numa_policy *p, unsigned int node)
{
	unsigned int span = nodemask_weight(&p->bound_to);
	int pos, user;

	if (!p->weights || !nodemask_test(&p->nodes, node))
		return 0;
	if (!(p->flags & NUMAFS_MPOL_F_RELATIVE_NODES))
		return p->weights[node];
	pos = nodemask_position(&p->bound_to, node);
	nodemask_for_each(user, &p->user_nodes)
		if ((unsigned int)user % span == (unsigned int)pos && p->weights[user])
			return p->weights[user];
	return 0;
}

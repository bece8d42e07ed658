// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Making policies: what is accepted, what each refusal says, and how
 * policies are shared and compared.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "masks.h"
#include "policy.h"

/* A machine with nodes 0-7 of which numafs may use 0-3. */
static struct nodemask online, allowed, no_nodes;
static struct policy_env env = { &online, &allowed };

static void machine(void)
{
	online = *MASK(0, 1, 2, 3, 4, 5, 6, 7);
	allowed = *MASK(0, 1, 2, 3);
	nodemask_zero(&no_nodes);
}

static struct numa_policy *make_own(unsigned int mode, unsigned int flags,
				    const struct nodemask *nodes, const uint8_t *weights)
{
	struct numa_policy *p = NULL;
	struct errbuf e = { "" };
	int ret = policy_create(&p, mode, flags, nodes, weights, &env, &e);

	cr_assert_eq(ret, 0, "mode %u flags 0x%x refused: %s", mode, flags, e.msg);
	cr_assert_not_null(p);
	return p;
}

/* Policies made by make(), put when the test ends. */
static struct numa_policy *made[32];
static unsigned int nr_made;

static void put_made(void)
{
	while (nr_made)
		policy_put(made[--nr_made]);
}

/* A policy the test may use but must not put. */
static struct numa_policy *make(unsigned int mode, unsigned int flags,
				const struct nodemask *nodes, const uint8_t *weights)
{
	cr_assert_lt(nr_made, 32u);
	return made[nr_made++] = make_own(mode, flags, nodes, weights);
}

TestSuite(policy, .init = machine, .fini = put_made);

/* Refused with -EINVAL, a reason containing @reason, and *out untouched. */
static void assert_refused(unsigned int mode, unsigned int flags, const struct nodemask *nodes,
			   const uint8_t *weights, const char *reason)
{
	struct numa_policy *untouched = (struct numa_policy *)&env, *p = untouched;
	struct errbuf e = { "" };

	cr_assert_eq(policy_create(&p, mode, flags, nodes, weights, &env, &e), -EINVAL,
		     "mode %u flags 0x%x accepted, want \"%s\"", mode, flags, reason);
	cr_assert(strstr(e.msg, reason), "got \"%s\", want \"%s\"", e.msg, reason);
	cr_assert_eq(p, untouched, "output changed on error");
}

/* Modes without nodes. */

Test(policy, default_and_local_take_no_nodes)
{
	const unsigned int modes[] = { NUMAFS_MPOL_DEFAULT, NUMAFS_MPOL_LOCAL };

	for (int i = 0; i < 2; i++) {
		struct numa_policy *a = make(modes[i], 0, NULL, NULL);
		struct numa_policy *b = make(modes[i], 0, &no_nodes, NULL);

		cr_assert_eq(a->mode, modes[i]);
		cr_assert_eq(a->flags, 0);
		cr_assert(nodemask_empty(&a->nodes));
		cr_assert(nodemask_empty(&a->user_nodes));
		cr_assert(nodemask_equal(&a->bound_to, &allowed));
		cr_assert_eq(a->refs, 1);
		cr_assert_null(a->weights);
		cr_assert(policy_equal(a, b), "NULL and empty nodes differ");
	}
}

Test(policy, default_and_local_refuse_lists_and_flags)
{
	assert_refused(NUMAFS_MPOL_DEFAULT, 0, MASK(1), NULL, "default takes no node list");
	assert_refused(NUMAFS_MPOL_LOCAL, 0, MASK(1), NULL, "local takes no node list");
	assert_refused(NUMAFS_MPOL_DEFAULT, NUMAFS_MPOL_F_STATIC_NODES, NULL, NULL,
		       "default takes no flags");
	assert_refused(NUMAFS_MPOL_LOCAL, NUMAFS_MPOL_F_RELATIVE_NODES, NULL, NULL,
		       "local takes no flags");
}

Test(policy, create_default)
{
	struct numa_policy *p = NULL;

	cr_assert_eq(policy_create_default(&p, &allowed), 0);
	cr_assert_eq(p->mode, NUMAFS_MPOL_DEFAULT);
	cr_assert_eq(p->flags, 0);
	cr_assert(nodemask_empty(&p->nodes));
	cr_assert(nodemask_equal(&p->bound_to, &allowed));
	cr_assert_eq(p->refs, 1);
	cr_assert(policy_is_default(p));
	cr_assert(policy_equal(p, make(NUMAFS_MPOL_DEFAULT, 0, NULL, NULL)));
	policy_put(p);
}

Test(policy, is_default)
{
	cr_assert(policy_is_default(make(NUMAFS_MPOL_DEFAULT, 0, NULL, NULL)));
	cr_assert(!policy_is_default(make(NUMAFS_MPOL_LOCAL, 0, NULL, NULL)));
	cr_assert(!policy_is_default(make(NUMAFS_MPOL_BIND, 0, MASK(0), NULL)));
}

/* Modes with nodes. */

static const unsigned int node_modes[] = {
	NUMAFS_MPOL_PREFERRED, NUMAFS_MPOL_BIND, NUMAFS_MPOL_INTERLEAVE,
	NUMAFS_MPOL_PREFERRED_MANY, NUMAFS_MPOL_WEIGHTED_INTERLEAVE,
};
#define NR_NODE_MODES (sizeof(node_modes) / sizeof(node_modes[0]))

Test(policy, every_mode_with_nodes_and_no_flag)
{
	for (size_t i = 0; i < NR_NODE_MODES; i++) {
		struct nodemask *nodes = node_modes[i] == NUMAFS_MPOL_PREFERRED ?
					 MASK(2) : MASK(1, 3);
		struct numa_policy *p = make(node_modes[i], 0, nodes, NULL);

		cr_assert_eq(p->mode, node_modes[i]);
		cr_assert(nodemask_equal(&p->user_nodes, nodes));
		cr_assert(nodemask_equal(&p->nodes, nodes));
		cr_assert(nodemask_equal(&p->bound_to, &allowed));
	}
}

Test(policy, every_mode_needs_nodes)
{
	for (size_t i = 0; i < NR_NODE_MODES; i++) {
		const char *name = policy_mode_name(node_modes[i]);
		char want[64];

		snprintf(want, sizeof(want), "%s needs at least one node", name);
		assert_refused(node_modes[i], 0, &no_nodes, NULL, want);
		assert_refused(node_modes[i], 0, NULL, NULL, want);
		assert_refused(node_modes[i], NUMAFS_MPOL_F_STATIC_NODES, &no_nodes, NULL, want);
	}
}

Test(policy, preferred_takes_one_node)
{
	struct numa_policy *p = make(NUMAFS_MPOL_PREFERRED, 0, MASK(3), NULL);

	cr_assert(nodemask_equal(&p->nodes, MASK(3)));
	assert_refused(NUMAFS_MPOL_PREFERRED, 0, MASK(1, 2), NULL,
		       "preferred takes exactly one node");
	assert_refused(NUMAFS_MPOL_PREFERRED, NUMAFS_MPOL_F_STATIC_NODES, MASK(1, 6), NULL,
		       "preferred takes exactly one node");
}

Test(policy, unknown_and_offline_nodes)
{
	assert_refused(NUMAFS_MPOL_BIND, 0, MASK(1, 9), NULL, "node 9 does not exist");
	assert_refused(NUMAFS_MPOL_INTERLEAVE, NUMAFS_MPOL_F_STATIC_NODES, MASK(8), NULL,
		       "node 8 does not exist");
	assert_refused(NUMAFS_MPOL_PREFERRED, 0, MASK(1023), NULL, "node 1023 does not exist");
	/* existence is judged before being allowed: 9 is named, not 5 */
	assert_refused(NUMAFS_MPOL_BIND, 0, MASK(5, 9), NULL, "node 9 does not exist");
}

Test(policy, nodes_outside_the_allowed_set)
{
	assert_refused(NUMAFS_MPOL_BIND, 0, MASK(1, 5), NULL, "node 5 is not allowed");
	assert_refused(NUMAFS_MPOL_INTERLEAVE, 0, MASK(4, 6), NULL, "node 4 is not allowed");
	assert_refused(NUMAFS_MPOL_PREFERRED, 0, MASK(7), NULL, "node 7 is not allowed");
}

Test(policy, static_keeps_user_nodes_and_uses_the_allowed_ones)
{
	struct numa_policy *p = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES,
				     MASK(1, 3, 5), NULL);

	cr_assert_eq(p->flags, NUMAFS_MPOL_F_STATIC_NODES);
	cr_assert(nodemask_equal(&p->user_nodes, MASK(1, 3, 5)));
	cr_assert(nodemask_equal(&p->nodes, MASK(1, 3)));
	assert_refused(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES, MASK(5, 6), NULL,
		       "none of the nodes is allowed");
}

Test(policy, relative_maps_positions_into_the_allowed_set)
{
	struct numa_policy *p;

	/* the example: relative 0,2 with allowed 4-7 is 4,6 */
	allowed = *MASK(4, 5, 6, 7);
	p = make(NUMAFS_MPOL_INTERLEAVE, NUMAFS_MPOL_F_RELATIVE_NODES, MASK(0, 2), NULL);
	cr_assert(nodemask_equal(&p->user_nodes, MASK(0, 2)));
	cr_assert(nodemask_equal(&p->nodes, MASK(4, 6)));
	cr_assert(nodemask_equal(&p->bound_to, &allowed));
}

Test(policy, relative_folds_positions_past_the_end)
{
	/* positions are not node ids: 5 and 100 need not exist */
	struct numa_policy *p = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_RELATIVE_NODES,
				     MASK(5, 100), NULL);

	cr_assert(nodemask_equal(&p->user_nodes, MASK(5, 100)));
	cr_assert(nodemask_equal(&p->nodes, MASK(0, 1)), "5 %% 4 = 1, 100 %% 4 = 0");
}

Test(policy, relative_with_nothing_allowed)
{
	nodemask_zero(&allowed);
	assert_refused(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_RELATIVE_NODES, MASK(0), NULL,
		       "none of the nodes is allowed");
}

Test(policy, flags_are_checked)
{
	assert_refused(NUMAFS_MPOL_BIND, POLICY_MODE_FLAGS, MASK(1), NULL,
		       "static and relative cannot be combined");
	assert_refused(NUMAFS_MPOL_BIND, 1, MASK(1), NULL, "unknown mode flags 0x1");
	assert_refused(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES | (1u << 3), MASK(1), NULL,
		       "unknown mode flags 0x8");
}

Test(policy, unknown_modes)
{
	assert_refused(NUMAFS_MPOL_MAX, 0, MASK(1), NULL, "unknown mode 7");
	assert_refused(1000, 0, NULL, NULL, "unknown mode 1000");
}

/* Weights. */

static uint8_t weights[NUMAFS_MAX_NODES];

Test(policy, weights_are_copied)
{
	struct numa_policy *p;

	memset(weights, 0, sizeof(weights));
	weights[1] = 3;
	weights[3] = 255;
	p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2, 3), weights);
	weights[1] = 7;
	cr_assert_not_null(p->weights);
	cr_assert_neq(p->weights, weights);
	cr_assert_eq(p->weights[1], 3);
	cr_assert_eq(p->weights[2], 0);
	cr_assert_eq(p->weights[3], 255);
}

Test(policy, zero_weights_are_no_weights)
{
	struct numa_policy *p;

	memset(weights, 0, sizeof(weights));
	p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2), weights);
	cr_assert_null(p->weights);
	/* zero weights are no weights on any mode */
	cr_assert_null(make(NUMAFS_MPOL_BIND, 0, MASK(1), weights)->weights);
}

Test(policy, weights_only_for_weighted_interleave)
{
	memset(weights, 0, sizeof(weights));
	weights[1] = 2;
	assert_refused(NUMAFS_MPOL_INTERLEAVE, 0, MASK(1), weights,
		       "weights are only for weighted-interleave");
	assert_refused(NUMAFS_MPOL_DEFAULT, 0, NULL, weights,
		       "weights are only for weighted-interleave");
}

Test(policy, weights_only_for_listed_nodes)
{
	memset(weights, 0, sizeof(weights));
	weights[2] = 2;
	assert_refused(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 3), weights,
		       "weight given for node 2, which is not in the list");
}

Test(policy, node_weight)
{
	struct numa_policy *p;

	memset(weights, 0, sizeof(weights));
	weights[1] = 4;
	p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2), weights);
	cr_assert_eq(policy_node_weight(p, 1), 4);
	cr_assert_eq(policy_node_weight(p, 2), 0);
	cr_assert_eq(policy_node_weight(p, 3), 0, "not a node of the policy");
	cr_assert_eq(policy_node_weight(make(NUMAFS_MPOL_INTERLEAVE, 0, MASK(1), NULL), 1), 0);
}

Test(policy, node_weight_static_ignores_disallowed_nodes)
{
	struct numa_policy *p;

	memset(weights, 0, sizeof(weights));
	weights[1] = 4;
	weights[6] = 9;
	p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, NUMAFS_MPOL_F_STATIC_NODES,
		 MASK(1, 6), weights);
	cr_assert_eq(p->weights[6], 9, "kept for a later rebind");
	cr_assert_eq(policy_node_weight(p, 1), 4);
	cr_assert_eq(policy_node_weight(p, 6), 0, "6 is not in force");
}

Test(policy, node_weight_relative_follows_positions)
{
	struct numa_policy *p;

	allowed = *MASK(4, 5, 6, 7);
	memset(weights, 0, sizeof(weights));
	weights[0] = 3;		/* position 0 is node 4 */
	weights[2] = 8;		/* position 2 is node 6 */
	p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, NUMAFS_MPOL_F_RELATIVE_NODES,
		 MASK(0, 2, 3), weights);
	cr_assert(nodemask_equal(&p->nodes, MASK(4, 6, 7)));
	cr_assert_eq(policy_node_weight(p, 4), 3);
	cr_assert_eq(policy_node_weight(p, 6), 8);
	cr_assert_eq(policy_node_weight(p, 7), 0);
	cr_assert_eq(policy_node_weight(p, 5), 0);
}

/* Every refusal reads differently. */

Test(policy, reasons_are_distinct)
{
	struct {
		unsigned int mode, flags;
		const struct nodemask *nodes;
		bool weighted;
	} cases[] = {
		{ NUMAFS_MPOL_MAX, 0, NULL, false },
		{ NUMAFS_MPOL_BIND, 1, MASK(1), false },
		{ NUMAFS_MPOL_BIND, POLICY_MODE_FLAGS, MASK(1), false },
		{ NUMAFS_MPOL_DEFAULT, NUMAFS_MPOL_F_STATIC_NODES, NULL, false },
		{ NUMAFS_MPOL_DEFAULT, 0, MASK(1), false },
		{ NUMAFS_MPOL_BIND, 0, NULL, false },
		{ NUMAFS_MPOL_PREFERRED, 0, MASK(1, 2), false },
		{ NUMAFS_MPOL_BIND, 0, MASK(9), false },
		{ NUMAFS_MPOL_BIND, 0, MASK(5), false },
		{ NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES, MASK(5), false },
		{ NUMAFS_MPOL_BIND, 0, MASK(1), true },
		{ NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(2), true },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	struct errbuf seen[sizeof(cases) / sizeof(cases[0])];

	memset(weights, 0, sizeof(weights));
	weights[1] = 1;
	for (size_t i = 0; i < n; i++) {
		struct numa_policy *p;

		cr_assert_eq(policy_create(&p, cases[i].mode, cases[i].flags, cases[i].nodes,
					   cases[i].weighted ? weights : NULL, &env, &seen[i]),
			     -EINVAL, "case %zu accepted", i);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(seen[i].msg, seen[j].msg, "cases %zu and %zu", i, j);
	}
}

Test(policy, errbuf_is_optional)
{
	struct numa_policy *p;

	cr_assert_eq(policy_create(&p, NUMAFS_MPOL_BIND, 0, MASK(9), NULL, &env, NULL), -EINVAL);
}

/* Mode names. */

Test(policy, mode_names)
{
	cr_assert_str_eq(policy_mode_name(NUMAFS_MPOL_DEFAULT), "default");
	cr_assert_str_eq(policy_mode_name(NUMAFS_MPOL_PREFERRED), "preferred");
	cr_assert_str_eq(policy_mode_name(NUMAFS_MPOL_BIND), "bind");
	cr_assert_str_eq(policy_mode_name(NUMAFS_MPOL_INTERLEAVE), "interleave");
	cr_assert_str_eq(policy_mode_name(NUMAFS_MPOL_LOCAL), "local");
	cr_assert_str_eq(policy_mode_name(NUMAFS_MPOL_PREFERRED_MANY), "preferred-many");
	cr_assert_str_eq(policy_mode_name(NUMAFS_MPOL_WEIGHTED_INTERLEAVE),
			 "weighted-interleave");
	cr_assert_null(policy_mode_name(NUMAFS_MPOL_MAX));
	cr_assert_null(policy_mode_name(~0u));
}

/* Sharing. */

Test(policy, get_and_put_count_references)
{
	struct numa_policy *p = make_own(NUMAFS_MPOL_BIND, 0, MASK(1), NULL);

	cr_assert_eq(policy_get(p), p);
	cr_assert_eq(p->refs, 2);
	policy_get(p);
	cr_assert_eq(p->refs, 3);
	policy_put(p);
	policy_put(p);
	cr_assert_eq(p->refs, 1);
	policy_put(p);	/* freed: the sanitizer build checks that nothing leaks */
}

Test(policy, get_and_put_accept_null)
{
	cr_assert_null(policy_get(NULL));
	policy_put(NULL);
}

#define THREADS 4
#define ROUNDS 200000

static void *hammer(void *arg)
{
	struct numa_policy *p = arg;

	for (int i = 0; i < ROUNDS; i++) {
		policy_get(p);
		policy_get(p);
		policy_put(p);
	}
	return NULL;
}

Test(policy, references_are_atomic)
{
	struct numa_policy *p = make_own(NUMAFS_MPOL_INTERLEAVE, 0, MASK(0, 1), NULL);
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, hammer, p), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(__atomic_load_n(&p->refs, __ATOMIC_RELAXED), 1u + THREADS * ROUNDS);
	for (int i = 0; i < THREADS * ROUNDS; i++)
		policy_put(p);
	cr_assert_eq(p->refs, 1);
	policy_put(p);
}

/* Comparing. */

Test(policy, equal_policies_made_twice)
{
	memset(weights, 0, sizeof(weights));
	weights[2] = 5;
	cr_assert(policy_equal(make(NUMAFS_MPOL_BIND, 0, MASK(1, 2), NULL),
			       make(NUMAFS_MPOL_BIND, 0, MASK(1, 2), NULL)));
	cr_assert(policy_equal(make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2), weights),
			       make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2), weights)));
	cr_assert(policy_equal(NULL, NULL));
	cr_assert(!policy_equal(make(NUMAFS_MPOL_LOCAL, 0, NULL, NULL), NULL));
}

Test(policy, equal_tells_every_field_apart)
{
	struct numa_policy *base = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES,
					MASK(1, 5), NULL);
	struct numa_policy *other;

	other = make(NUMAFS_MPOL_INTERLEAVE, NUMAFS_MPOL_F_STATIC_NODES, MASK(1, 5), NULL);
	cr_assert(!policy_equal(base, other), "mode");
	other = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_RELATIVE_NODES, MASK(1, 5), NULL);
	cr_assert(!policy_equal(base, other), "flags");
	other = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES, MASK(1, 6), NULL);
	cr_assert(nodemask_equal(&base->nodes, &other->nodes));
	cr_assert(!policy_equal(base, other), "user nodes");
	other = make(NUMAFS_MPOL_BIND, 0, MASK(1, 2), NULL);
	cr_assert(!policy_equal(make(NUMAFS_MPOL_BIND, 0, MASK(1), NULL), other), "nodes");
	allowed = *MASK(0, 1, 2, 3, 4, 5);
	other = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES, MASK(1, 5), NULL);
	cr_assert(!policy_equal(base, other), "bound_to (and nodes)");
}

Test(policy, equal_compares_bound_to_alone)
{
	struct numa_policy *a = make(NUMAFS_MPOL_BIND, 0, MASK(1), NULL);
	struct numa_policy *b;

	allowed = *MASK(0, 1, 2, 3, 4);
	b = make(NUMAFS_MPOL_BIND, 0, MASK(1), NULL);
	cr_assert(nodemask_equal(&a->nodes, &b->nodes));
	cr_assert(!policy_equal(a, b));
}

Test(policy, equal_compares_weights)
{
	struct numa_policy *plain, *weighted, *heavier, copy;
	uint8_t zeros[NUMAFS_MAX_NODES] = { 0 };

	memset(weights, 0, sizeof(weights));
	plain = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2), NULL);
	weights[2] = 5;
	weighted = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2), weights);
	weights[2] = 6;
	heavier = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(1, 2), weights);
	cr_assert(!policy_equal(plain, weighted));
	cr_assert(!policy_equal(weighted, plain));
	cr_assert(!policy_equal(weighted, heavier));
	/* an array of zeros is the same as no array */
	copy = *plain;
	copy.weights = zeros;
	cr_assert(policy_equal(plain, &copy));
	cr_assert(policy_equal(&copy, plain));
}

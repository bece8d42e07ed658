// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rebinding: the bitmap helpers against hand-worked kernel examples, the
 * rules of mpol_rebind_nodemask() for each flag, and exactness over many
 * random rebinds.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "masks.h"
#include "policy.h"

static struct nodemask online;

static void machine(void)
{
	nodemask_zero(&online);
	for (unsigned int n = 0; n < 64; n++)
		nodemask_set(&online, n);
}

TestSuite(remap, .init = machine);
TestSuite(rebind, .init = machine);

static void assert_mask(const struct nodemask *got, const struct nodemask *want)
{
	char g[256], w[256];

	nodemask_print(got, g, sizeof(g));
	nodemask_print(want, w, sizeof(w));
	cr_assert(nodemask_equal(got, want), "got {%s}, want {%s}", g, w);
}

static struct numa_policy *make(unsigned int mode, unsigned int flags,
				const struct nodemask *nodes, const uint8_t *weights,
				const struct nodemask *allowed)
{
	struct policy_env env = { &online, allowed };
	struct numa_policy *p = NULL;
	struct errbuf e = { "" };
	int ret = policy_create(&p, mode, flags, nodes, weights, &env, &e);

	cr_assert_eq(ret, 0, "policy refused: %s", e.msg);
	return p;
}

static struct numa_policy *rebind(struct numa_policy *p, const struct nodemask *allowed)
{
	struct numa_policy *q = NULL;

	cr_assert_eq(policy_rebind(p, allowed, &q), 0);
	cr_assert_not_null(q);
	return q;
}

static void assert_text(const struct numa_policy *p, const char *want)
{
	char buf[POLICY_TEXT_MAX];

	cr_assert_gt(policy_print(p, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, want);
}

/* nodemask_remap(): the kernel's bitmap_remap(). */

Test(remap, same_size_moves_position_by_position)
{
	struct nodemask dst;

	nodemask_remap(&dst, MASK(0, 1, 2, 3), MASK(0, 1, 2, 3), MASK(4, 5, 6, 7));
	assert_mask(&dst, MASK(4, 5, 6, 7));
	nodemask_remap(&dst, MASK(1, 3), MASK(0, 1, 2, 3), MASK(4, 5, 6, 7));
	assert_mask(&dst, MASK(5, 7));
}

Test(remap, smaller_new_set_wraps_positions)
{
	struct nodemask dst;

	/* old 0,2,4,6 are positions 0..3; new has two nodes: 0,2 -> 1,3 and 4,6 -> 1,3 */
	nodemask_remap(&dst, MASK(0, 2, 4, 6), MASK(0, 2, 4, 6), MASK(1, 3));
	assert_mask(&dst, MASK(1, 3));
	nodemask_remap(&dst, MASK(4), MASK(0, 2, 4, 6), MASK(1, 3));
	assert_mask(&dst, MASK(1));
	nodemask_remap(&dst, MASK(6), MASK(0, 2, 4, 6), MASK(1, 3));
	assert_mask(&dst, MASK(3));
}

Test(remap, nodes_outside_old_set_stay)
{
	struct nodemask dst;

	nodemask_remap(&dst, MASK(1, 9, 40), MASK(0, 1), MASK(4, 5));
	assert_mask(&dst, MASK(5, 9, 40));
	/* a node that stays may coincide with a mapped one */
	nodemask_remap(&dst, MASK(0, 5), MASK(0, 1), MASK(5, 6));
	assert_mask(&dst, MASK(5));
}

Test(remap, empty_old_or_new_is_identity)
{
	struct nodemask dst, none;

	nodemask_zero(&none);
	nodemask_remap(&dst, MASK(2, 3), &none, MASK(4, 5));
	assert_mask(&dst, MASK(2, 3));
	nodemask_remap(&dst, MASK(2, 3), MASK(2, 3), &none);
	assert_mask(&dst, MASK(2, 3));
}

Test(remap, high_nodes_and_in_place)
{
	struct nodemask m = *MASK(1000, 1023);

	nodemask_remap(&m, &m, MASK(1000, 1023), MASK(0, 700));
	assert_mask(&m, MASK(0, 700));
}

/* nodemask_relative(): the kernel's mpol_relative_nodemask(). */

Test(remap, relative_positions_onto_allowed)
{
	struct nodemask dst;

	nodemask_relative(&dst, MASK(0, 2), MASK(4, 5, 6, 7));
	assert_mask(&dst, MASK(4, 6));
	nodemask_relative(&dst, MASK(3), MASK(10, 20, 30, 40));
	assert_mask(&dst, MASK(40));
}

Test(remap, relative_folds_when_allowed_is_smaller)
{
	struct nodemask dst;

	/* weight 3: positions 0,3 fold to 0 -> node 1; 5 folds to 2 -> node 9 */
	nodemask_relative(&dst, MASK(0, 3, 5), MASK(1, 2, 9));
	assert_mask(&dst, MASK(1, 9));
	nodemask_relative(&dst, MASK(0, 1, 2, 3), MASK(5, 6));
	assert_mask(&dst, MASK(5, 6));
}

Test(remap, relative_onto_nothing_is_nothing)
{
	struct nodemask dst, none;

	nodemask_zero(&none);
	nodemask_relative(&dst, MASK(0, 1), &none);
	cr_assert(nodemask_empty(&dst));
}

/* policy_rebind() by flag, with the hand-worked examples. */

Test(rebind, interleave_moves_to_new_set)
{
	struct numa_policy *p = make(NUMAFS_MPOL_INTERLEAVE, 0, MASK(0, 1, 2, 3), NULL,
				     MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(4, 5, 6, 7));
	struct numa_policy *fresh = make(NUMAFS_MPOL_INTERLEAVE, 0, MASK(4, 5, 6, 7), NULL,
					 MASK(4, 5, 6, 7));

	assert_mask(&q->nodes, MASK(4, 5, 6, 7));
	assert_mask(&q->bound_to, MASK(4, 5, 6, 7));
	assert_text(q, "interleave:4-7");
	cr_assert(policy_equal(q, fresh), "rebound policy differs from one made there");
	assert_mask(&p->nodes, MASK(0, 1, 2, 3));	/* the original is not touched */
	policy_put(fresh);
	policy_put(q);
	policy_put(p);
}

Test(rebind, static_keeps_intersection)
{
	struct numa_policy *p = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES, MASK(1, 3),
				     NULL, MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(0, 1));
	struct numa_policy *back = rebind(q, MASK(0, 1, 2, 3));

	assert_mask(&q->nodes, MASK(1));
	assert_mask(&q->user_nodes, MASK(1, 3));
	assert_text(q, "bind=static:1,3");
	assert_mask(&back->nodes, MASK(1, 3));
	cr_assert(policy_equal(back, p));
	policy_put(back);
	policy_put(q);
	policy_put(p);
}

Test(rebind, static_outside_allowed_falls_back_to_allowed)
{
	struct numa_policy *p = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_STATIC_NODES, MASK(2, 3),
				     NULL, MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(0, 1));

	assert_mask(&q->nodes, MASK(0, 1));
	assert_mask(&q->user_nodes, MASK(2, 3));
	policy_put(q);
	policy_put(p);
}

Test(rebind, static_preferred_outside_allowed_prefers_local)
{
	struct numa_policy *p = make(NUMAFS_MPOL_PREFERRED, NUMAFS_MPOL_F_STATIC_NODES, MASK(3),
				     NULL, MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(0, 1));
	struct numa_policy *back = rebind(q, MASK(2, 3));

	cr_assert(nodemask_empty(&q->nodes), "a lost static preferred node means local");
	assert_text(q, "preferred=static:3");
	assert_mask(&back->nodes, MASK(3));
	policy_put(back);
	policy_put(q);
	policy_put(p);
}

Test(rebind, relative_positions_in_new_set)
{
	struct numa_policy *p = make(NUMAFS_MPOL_INTERLEAVE, NUMAFS_MPOL_F_RELATIVE_NODES,
				     MASK(0, 2), NULL, MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(4, 5, 6, 7));

	assert_mask(&p->nodes, MASK(0, 2));
	assert_mask(&q->nodes, MASK(4, 6));
	assert_text(q, "interleave=relative:0,2");
	policy_put(q);
	policy_put(p);
}

Test(rebind, relative_folds_into_smaller_set)
{
	struct numa_policy *p = make(NUMAFS_MPOL_BIND, NUMAFS_MPOL_F_RELATIVE_NODES,
				     MASK(1, 3), NULL, MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(5, 6));
	struct numa_policy *r = rebind(q, MASK(5, 6, 7));

	assert_mask(&q->nodes, MASK(6));		/* 1 and 3 fold onto position 1 */
	assert_mask(&r->nodes, MASK(5, 6));		/* 1 -> 6; 3 folds onto 0 -> 5 */
	policy_put(r);
	policy_put(q);
	policy_put(p);
}

Test(rebind, preferred_follows_its_position)
{
	struct numa_policy *p = make(NUMAFS_MPOL_PREFERRED, 0, MASK(2), NULL, MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(4, 5, 6, 7));
	struct numa_policy *r = rebind(p, MASK(8, 9));

	assert_mask(&q->nodes, MASK(6));
	assert_text(q, "preferred:6");
	assert_mask(&r->nodes, MASK(8));	/* position 2 wraps to 0 */
	policy_put(r);
	policy_put(q);
	policy_put(p);
}

Test(rebind, relative_preferred_folds)
{
	struct numa_policy *p = make(NUMAFS_MPOL_PREFERRED, NUMAFS_MPOL_F_RELATIVE_NODES, MASK(5),
				     NULL, MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(4, 6));

	assert_mask(&p->nodes, MASK(1));	/* 5 mod 4 */
	assert_mask(&q->nodes, MASK(6));	/* 5 mod 2 */
	policy_put(q);
	policy_put(p);
}

Test(rebind, default_and_local_only_record_the_set)
{
	unsigned int modes[] = { NUMAFS_MPOL_DEFAULT, NUMAFS_MPOL_LOCAL };

	for (unsigned int i = 0; i < 2; i++) {
		struct numa_policy *p = make(modes[i], 0, NULL, NULL, MASK(0, 1));
		struct numa_policy *q = rebind(p, MASK(2, 3));

		cr_assert_eq(q->mode, modes[i]);
		cr_assert(nodemask_empty(&q->nodes));
		cr_assert(nodemask_empty(&q->user_nodes));
		assert_mask(&q->bound_to, MASK(2, 3));
		policy_put(q);
		policy_put(p);
	}
}

Test(rebind, same_set_is_a_new_reference)
{
	struct numa_policy *p = make(NUMAFS_MPOL_INTERLEAVE, 0, MASK(0, 1), NULL, MASK(0, 1, 2));
	struct numa_policy *q = rebind(p, MASK(0, 1, 2));

	cr_assert_eq(q, p);
	cr_assert_eq(p->refs, 2u);
	policy_put(q);
	cr_assert_eq(p->refs, 1u);
	policy_put(p);
}

Test(rebind, empty_allowed_is_refused)
{
	struct numa_policy *p = make(NUMAFS_MPOL_INTERLEAVE, 0, MASK(0, 1), NULL, MASK(0, 1));
	struct numa_policy *q = NULL;
	struct nodemask none;

	nodemask_zero(&none);
	cr_assert_eq(policy_rebind(p, &none, &q), -EINVAL);
	cr_assert_null(q);
	policy_put(p);
}

/* Weights. */

static uint8_t *weights_of(uint8_t *w, unsigned int node_a, uint8_t wa,
			   unsigned int node_b, uint8_t wb)
{
	memset(w, 0, NUMAFS_MAX_NODES);
	w[node_a] = wa;
	w[node_b] = wb;
	return w;
}

Test(rebind, weights_follow_their_nodes)
{
	uint8_t w[NUMAFS_MAX_NODES];
	struct numa_policy *p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(0, 1),
				     weights_of(w, 0, 3, 1, 1), MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(4, 5, 6, 7));
	struct numa_policy *fresh = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(4, 5),
					 weights_of(w, 4, 3, 5, 1), MASK(4, 5, 6, 7));

	cr_assert_eq(policy_node_weight(q, 4), 3u);
	cr_assert_eq(policy_node_weight(q, 5), 1u);
	cr_assert_eq(policy_node_weight(q, 0), 0u);
	assert_text(q, "weighted-interleave:4*3,5*1");
	cr_assert(policy_equal(q, fresh));
	policy_put(fresh);
	policy_put(q);
	policy_put(p);
}

Test(rebind, folded_weights_keep_the_larger)
{
	uint8_t w[NUMAFS_MAX_NODES];
	struct numa_policy *p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(0, 1, 2),
				     weights_of(w, 0, 3, 2, 5), MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(4, 5));

	/* 0 and 2 land on 4; 1, with no weight of its own, on 5 */
	assert_mask(&q->nodes, MASK(4, 5));
	cr_assert_eq(policy_node_weight(q, 4), 5u);
	cr_assert_eq(policy_node_weight(q, 5), 0u);
	policy_put(q);
	policy_put(p);

	/* the larger first this time */
	p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, 0, MASK(0, 1, 2), weights_of(w, 0, 5, 2, 3),
		 MASK(0, 1, 2, 3));
	q = rebind(p, MASK(4, 5));
	cr_assert_eq(policy_node_weight(q, 4), 5u);
	policy_put(q);
	policy_put(p);
}

Test(rebind, relative_weights_stay_with_positions)
{
	uint8_t w[NUMAFS_MAX_NODES];
	struct numa_policy *p = make(NUMAFS_MPOL_WEIGHTED_INTERLEAVE, NUMAFS_MPOL_F_RELATIVE_NODES,
				     MASK(0, 1), weights_of(w, 0, 2, 1, 7), MASK(0, 1, 2, 3));
	struct numa_policy *q = rebind(p, MASK(4, 5, 6, 7));

	cr_assert_eq(policy_node_weight(q, 4), 2u);
	cr_assert_eq(policy_node_weight(q, 5), 7u);
	assert_text(q, "weighted-interleave=relative:0*2,1*7");
	policy_put(q);
	policy_put(p);
}

/*
 * Property tests.  Every case is replayable from its seed (rng_next() of
 * masks.h).
 */

/* A generator state for @seed: xorshift wants it non-zero, and spread. */
static uint64_t seeded(uint64_t seed)
{
	return seed * 0x9e3779b97f4a7c15ull;
}

static unsigned int below(uint64_t *state, unsigned int n)
{
	return (unsigned int)(rng_next(state) % n);
}

#define SPAN 24		/* nodes 0..SPAN-1 take part */

/* A random set of @count nodes of 0..SPAN-1. */
static void random_set(uint64_t *state, unsigned int count, struct nodemask *m)
{
	nodemask_zero(m);
	while (nodemask_weight(m) < count)
		nodemask_set(m, below(state, SPAN));
}

static void random_subset(uint64_t *state, const struct nodemask *of, struct nodemask *m)
{
	int node;

	do {
		nodemask_zero(m);
		nodemask_for_each(node, of)
			if (below(state, 2))
				nodemask_set(m, (unsigned int)node);
	} while (nodemask_empty(m));
}

static const unsigned int node_modes[] = {
	NUMAFS_MPOL_PREFERRED, NUMAFS_MPOL_BIND, NUMAFS_MPOL_INTERLEAVE,
	NUMAFS_MPOL_PREFERRED_MANY, NUMAFS_MPOL_WEIGHTED_INTERLEAVE,
};

/* The node list and weights a user could give for @mode/@flags under @allowed. */
static void random_list(uint64_t *state, unsigned int mode, unsigned int flags,
			const struct nodemask *allowed, struct nodemask *nodes, uint8_t *w)
{
	struct nodemask any;
	int node;

	if (flags) {
		random_set(state, 1 + below(state, SPAN), &any);
		random_subset(state, &any, nodes);
	} else {
		random_subset(state, allowed, nodes);
	}
	if (mode == NUMAFS_MPOL_PREFERRED) {
		node = nodemask_nth(nodes, below(state, nodemask_weight(nodes)));
		nodemask_zero(nodes);
		nodemask_set(nodes, (unsigned int)node);
	}
	memset(w, 0, NUMAFS_MAX_NODES);
	if (mode == NUMAFS_MPOL_WEIGHTED_INTERLEAVE)
		nodemask_for_each(node, nodes)
			w[node] = (uint8_t)below(state, 4);	/* 0: no explicit weight */
}

/* A random policy valid under @allowed; NULL when the draw is not makeable. */
static struct numa_policy *random_policy(uint64_t *state, const struct nodemask *allowed)
{
	static const unsigned int flag_choice[] = {
		0, NUMAFS_MPOL_F_STATIC_NODES, NUMAFS_MPOL_F_RELATIVE_NODES,
	};
	struct policy_env env = { &online, allowed };
	unsigned int mode, flags = flag_choice[below(state, 3)];
	struct numa_policy *p = NULL;
	struct nodemask nodes;
	uint8_t w[NUMAFS_MAX_NODES];

	if (below(state, 8) == 0) {
		mode = below(state, 2) ? NUMAFS_MPOL_DEFAULT : NUMAFS_MPOL_LOCAL;
		cr_assert_eq(policy_create(&p, mode, 0, NULL, NULL, &env, NULL), 0);
		return p;
	}
	mode = node_modes[below(state, 5)];
	random_list(state, mode, flags, allowed, &nodes, w);
	/* static with nothing allowed is refused at creation, rightly */
	if (policy_create(&p, mode, flags, &nodes, w, &env, NULL))
		return NULL;
	return p;
}

static void describe(const struct numa_policy *p, char *buf, size_t len)
{
	char bound[256];
	int n = policy_print(p, buf, len);

	nodemask_print(&p->bound_to, bound, sizeof(bound));
	if (n > 0 && (size_t)n + 16 < len)
		snprintf(buf + n, len - (size_t)n, " @ %s", bound);
}

/* What every rebind must leave true. */
static void check_rebound(const struct numa_policy *q, const struct nodemask *allowed,
			  uint64_t seed)
{
	char text[POLICY_TEXT_MAX];

	describe(q, text, sizeof(text));
	assert_mask(&q->bound_to, allowed);
	if (q->mode == NUMAFS_MPOL_DEFAULT || q->mode == NUMAFS_MPOL_LOCAL)
		return;
	cr_assert(nodemask_subset(&q->nodes, allowed), "seed %llu: %s uses nodes not allowed",
		  (unsigned long long)seed, text);
	if (q->mode == NUMAFS_MPOL_PREFERRED)
		cr_assert_leq(nodemask_weight(&q->nodes), 1u, "seed %llu: %s",
			      (unsigned long long)seed, text);
	else
		cr_assert(!nodemask_empty(&q->nodes), "seed %llu: %s has no nodes",
			  (unsigned long long)seed, text);
}

/* The same policy, freshly parsed from its text under @allowed. */
static void check_reparses(const struct numa_policy *q, const struct nodemask *allowed,
			   uint64_t seed)
{
	struct policy_env env = { &online, allowed };
	char text[POLICY_TEXT_MAX];
	struct numa_policy *r = NULL;
	struct nodemask kept;
	struct errbuf e = { "" };

	nodemask_and(&kept, &q->user_nodes, allowed);
	if ((q->flags & NUMAFS_MPOL_F_STATIC_NODES) && nodemask_empty(&kept))
		return;		/* a fallback no text can ask for */
	cr_assert_gt(policy_print(q, text, sizeof(text)), 0);
	cr_assert_eq(policy_parse(text, &env, &r, &e), 0, "seed %llu: \"%s\": %s",
		     (unsigned long long)seed, text, e.msg);
	cr_assert(policy_equal(q, r), "seed %llu: \"%s\" parses to another policy",
		  (unsigned long long)seed, text);
	policy_put(r);
}

/* One case: out to same-sized sets and back, and twice to one set. */
static void round_trip_case(uint64_t seed)
{
	uint64_t state = seeded(seed);
	unsigned int size = 1 + below(&state, 8);
	struct nodemask home, away, other;
	struct numa_policy *p, *q, *r, *s, *t;
	char text[POLICY_TEXT_MAX];

	random_set(&state, size, &home);
	p = random_policy(&state, &home);
	if (!p)
		return;
	describe(p, text, sizeof(text));

	/* a bijection out and back, through two other sets of the same size */
	random_set(&state, size, &away);
	random_set(&state, size, &other);
	q = rebind(p, &away);
	check_rebound(q, &away, seed);
	check_reparses(q, &away, seed);
	r = rebind(q, &other);
	s = rebind(r, &home);
	cr_assert(policy_equal(s, p), "seed %llu: %s did not come back", (unsigned long long)seed,
		  text);

	/* any set: rebinding to it again changes nothing */
	random_set(&state, 1 + below(&state, 10), &other);
	policy_put(r);
	r = rebind(q, &other);
	check_rebound(r, &other, seed);
	check_reparses(r, &other, seed);
	t = rebind(r, &other);
	cr_assert_eq(t, r, "seed %llu: second rebind to one set made a new policy",
		     (unsigned long long)seed);
	policy_put(t);
	policy_put(s);
	policy_put(r);
	policy_put(q);
	policy_put(p);
}

Test(rebind, bijective_round_trips_restore_the_policy)
{
	for (uint64_t seed = 1; seed <= 20000; seed++)
		round_trip_case(seed);
}

/* Static and relative depend only on the user's list: any path gives the same. */
Test(rebind, flagged_policies_forget_the_path)
{
	for (uint64_t seed = 100000; seed < 105000; seed++) {
		uint64_t state = seeded(seed);
		struct nodemask home, via, end;
		struct numa_policy *p, *direct, *a, *b;

		random_set(&state, 1 + below(&state, 8), &home);
		p = random_policy(&state, &home);
		if (!p)
			continue;
		if (!(p->flags & POLICY_MODE_FLAGS)) {
			policy_put(p);
			continue;
		}
		random_set(&state, 1 + below(&state, 8), &via);
		random_set(&state, 1 + below(&state, 8), &end);
		direct = rebind(p, &end);
		a = rebind(p, &via);
		b = rebind(a, &end);
		cr_assert(policy_equal(direct, b), "seed %llu", (unsigned long long)seed);
		policy_put(b);
		policy_put(a);
		policy_put(direct);
		policy_put(p);
	}
}

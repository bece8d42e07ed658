// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Node choice for every mode, with full nodes, on a machine whose nodes sit
 * on a line (0 - 1 - 2 - 3) so that distance order is visible.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "masks.h"
#include "place.h"

static struct topology *topo;
static struct nodemask allowed;	/* what policies are made against */
static struct nodemask full;	/* nodes without room */
static struct place_ctx ctx;

static bool room(void *arg, unsigned int node)
{
	return !nodemask_test(arg, node);
}

static void machine(void)
{
	cr_assert_eq(topology_fake("fake:4x1M", &topo, NULL), 0);
	for (unsigned int a = 0; a < 4; a++)
		for (unsigned int b = 0; b < 4; b++)
			topo->distance[a * 4 + b] = (uint8_t)(10 + 10 * (a > b ? a - b : b - a));
	allowed = *MASK(0, 1, 2, 3);
	nodemask_zero(&full);
	ctx = (struct place_ctx){
		.topo = topo, .allowed = &allowed, .writer_node = -1, .phase = 0,
		.default_weights = NULL, .has_room = room, .room_arg = &full,
	};
}

static void teardown(void)
{
	topology_free(topo);
}

TestSuite(place, .init = machine, .fini = teardown);

static struct numa_policy *policy(const char *text)
{
	struct policy_env env = { &topo->nodes, &allowed };
	struct numa_policy *p = NULL;
	struct errbuf e = { "" };

	cr_assert_eq(policy_parse(text, &env, &p, &e), 0, "\"%s\": %s", text, e.msg);
	return p;
}

static int place(const struct numa_policy *p, uint64_t index)
{
	return place_page(p, index, &ctx);
}

static int place_as(const struct numa_policy *p, int writer)
{
	ctx.writer_node = writer;
	return place_page(p, 0, &ctx);
}

Test(place, bind_nearest_to_the_writer)
{
	struct numa_policy *p = policy("bind:1,3");

	cr_assert_eq(place_as(p, 3), 3);
	cr_assert_eq(place_as(p, 0), 1);
	cr_assert_eq(place_as(p, 2), 1, "1 and 3 are equally near 2: lower id");
	cr_assert_eq(place_as(p, -1), 1, "no writer: from the first node of the set");
	full = *MASK(3);
	cr_assert_eq(place_as(p, 3), 1);
	full = *MASK(1);
	cr_assert_eq(place_as(p, -1), 3);
	policy_put(p);
}

Test(place, bind_never_spills)
{
	struct numa_policy *p = policy("bind:1,3");

	full = *MASK(1, 3);
	for (int writer = -1; writer < 4; writer++)
		cr_assert_eq(place_as(p, writer), -ENOSPC, "writer %d", writer);
	/* a bind node the caller does not allow is as good as full */
	full = *MASK(3);
	allowed = *MASK(0, 2, 3);
	cr_assert_eq(place_as(p, 1), -ENOSPC);
	policy_put(p);
}

Test(place, preferred_then_by_distance_from_it)
{
	struct numa_policy *p = policy("preferred:2");

	cr_assert_eq(place_as(p, 0), 2);
	full = *MASK(2);
	cr_assert_eq(place_as(p, 0), 1, "1 and 3 are next to 2: lower id");
	full = *MASK(1, 2);
	cr_assert_eq(place_as(p, 0), 3, "3 is nearer 2 than the writer's 0");
	full = *MASK(1, 2, 3);
	cr_assert_eq(place_as(p, 0), 0);
	full = *MASK(0, 1, 2, 3);
	cr_assert_eq(place_as(p, 0), -ENOSPC);
	policy_put(p);
}

Test(place, preferred_node_not_allowed)
{
	struct numa_policy *p = policy("preferred:2");

	allowed = *MASK(0, 1, 3);
	cr_assert_eq(place_as(p, 3), 1);
	cr_assert(place_conforms(p, 0, 1, &ctx));
	cr_assert(!place_conforms(p, 0, 3, &ctx));
	cr_assert(!place_conforms(p, 0, 2, &ctx));
	policy_put(p);
}

Test(place, preferred_many_nearest_of_the_set_then_anywhere)
{
	struct numa_policy *p = policy("preferred-many:0,3");

	cr_assert_eq(place_as(p, 2), 3);
	cr_assert_eq(place_as(p, 1), 0);
	cr_assert_eq(place_as(p, -1), 0);
	full = *MASK(3);
	cr_assert_eq(place_as(p, 2), 0);
	full = *MASK(0, 3);
	cr_assert_eq(place_as(p, 2), 2, "the set is full: the writer's node");
	cr_assert_eq(place_as(p, -1), 1, "no writer: nearest to the set's first node");
	full = *MASK(0, 1, 2, 3);
	cr_assert_eq(place_as(p, 2), -ENOSPC);
	policy_put(p);
}

Test(place, interleave_with_phase_spreads_evenly)
{
	struct numa_policy *p = policy("interleave:0-3");
	const uint64_t phases[] = { 0, 1, 7, 4096, UINT64_MAX - 5 };

	for (size_t k = 0; k < sizeof(phases) / sizeof(phases[0]); k++) {
		unsigned int count[4] = { 0 };

		ctx.phase = phases[k];
		for (uint64_t i = 0; i < 64; i++) {
			int node = place(p, i);

			cr_assert_eq(node, (int)((phases[k] % 4 + i) % 4), "phase %llu page %llu",
				     (unsigned long long)phases[k], (unsigned long long)i);
			count[node]++;
		}
		for (unsigned int n = 0; n < 4; n++)
			cr_assert_eq(count[n], 16u, "node %u", n);
	}
	policy_put(p);
}

Test(place, interleave_is_by_position_in_the_set)
{
	struct numa_policy *p = policy("interleave:0,2,3");
	const int want[] = { 2, 3, 0, 2, 3, 0 };

	ctx.phase = 4;		/* 4 mod 3 = 1: page 0 on the second node */
	for (uint64_t i = 0; i < 6; i++)
		cr_assert_eq(place(p, i), want[i], "page %llu", (unsigned long long)i);
	/* the writer plays no part */
	ctx.writer_node = 3;
	cr_assert_eq(place(p, 0), 2);
	/*
	 * No overflow at the end of the index space: 2^64 = 1 (mod 3), so
	 * phase + index = 2 * (2^64 - 1) = 0 (mod 3), the first node.
	 */
	ctx.phase = UINT64_MAX;
	cr_assert_eq(place(p, UINT64_MAX), 0);
	cr_assert_eq(place(p, UINT64_MAX - 1), 3);
	policy_put(p);
}

Test(place, interleave_skips_full_nodes_in_cycle_order)
{
	struct numa_policy *p = policy("interleave:0-3");

	full = *MASK(1);
	cr_assert_eq(place(p, 0), 0);
	cr_assert_eq(place(p, 1), 2);
	cr_assert_eq(place(p, 5), 2);
	full = *MASK(1, 2, 3);
	cr_assert_eq(place(p, 1), 0, "the cycle wraps");
	full = *MASK(0, 1, 2, 3);
	cr_assert_eq(place(p, 1), -ENOSPC);
	policy_put(p);
}

Test(place, interleave_set_full_falls_back_from_the_target)
{
	struct numa_policy *p = policy("interleave:0,1");

	full = *MASK(0, 1);
	cr_assert_eq(place(p, 0), 2);
	cr_assert_eq(place(p, 1), 2);
	allowed = *MASK(0, 1, 3);
	cr_assert_eq(place(p, 0), 3, "never outside the allowed set");
	policy_put(p);
}

static void count_pages(const struct numa_policy *p, uint64_t pages, unsigned int *count)
{
	memset(count, 0, 4 * sizeof(*count));
	for (uint64_t i = 0; i < pages; i++) {
		int node = place(p, i);

		cr_assert_geq(node, 0);
		count[node]++;
	}
}

Test(place, weighted_three_to_one)
{
	struct numa_policy *p = policy("weighted-interleave:0*3,1*1");
	const int want[] = { 0, 0, 0, 1, 0, 0, 0, 1 };
	unsigned int count[4];

	for (uint64_t i = 0; i < 8; i++)
		cr_assert_eq(place(p, i), want[i], "page %llu", (unsigned long long)i);
	count_pages(p, 400, count);
	cr_assert_eq(count[0], 300u);
	cr_assert_eq(count[1], 100u);
	ctx.phase = 2;
	cr_assert_eq(place(p, 0), 0);
	cr_assert_eq(place(p, 1), 1);
	cr_assert_eq(place(p, 2), 0);
	policy_put(p);
}

Test(place, weighted_default_weights)
{
	struct numa_policy *plain = policy("weighted-interleave:0-1");
	struct numa_policy *mixed = policy("weighted-interleave:0*2,1");
	uint8_t defaults[NUMAFS_MAX_NODES] = { 0 };
	unsigned int count[4];

	count_pages(plain, 100, count);
	cr_assert_eq(count[0], 50u, "no defaults: weight 1 each");
	defaults[0] = 1;
	defaults[1] = 3;
	ctx.default_weights = defaults;
	count_pages(plain, 400, count);
	cr_assert_eq(count[0], 100u);
	cr_assert_eq(count[1], 300u);
	defaults[0] = 9;	/* node 0's explicit 2 wins */
	count_pages(mixed, 500, count);
	cr_assert_eq(count[0], 200u);
	cr_assert_eq(count[1], 300u);
	policy_put(mixed);
	policy_put(plain);
}

Test(place, weighted_full_node_passes_its_turn)
{
	struct numa_policy *p = policy("weighted-interleave:0*3,2*1");
	unsigned int count[4];

	full = *MASK(0);
	count_pages(p, 40, count);
	cr_assert_eq(count[2], 40u);
	full = *MASK(2);
	cr_assert_eq(place(p, 3), 0);
	policy_put(p);
}

Test(place, local_and_default_are_the_writers_node)
{
	const char *texts[] = { "local", "default" };

	for (unsigned int k = 0; k < 2; k++) {
		struct numa_policy *p = policy(texts[k]);

		nodemask_zero(&full);
		allowed = *MASK(0, 1, 2, 3);
		cr_assert_eq(place_as(p, 2), 2, "%s", texts[k]);
		cr_assert_eq(place_as(p, -1), 0, "%s: no writer, first allowed", texts[k]);
		cr_assert_eq(place_as(p, 77), 0, "%s: a writer off the machine", texts[k]);
		full = *MASK(2);
		cr_assert_eq(place_as(p, 2), 1, "%s", texts[k]);
		full = *MASK(1, 2);
		cr_assert_eq(place_as(p, 2), 3, "%s", texts[k]);
		nodemask_zero(&full);
		allowed = *MASK(2, 3);
		cr_assert_eq(place_as(p, 0), 2, "%s: nearest allowed to the writer", texts[k]);
		cr_assert_eq(place_as(p, -1), 2, "%s", texts[k]);
		policy_put(p);
	}
}

Test(place, no_room_callback_means_room)
{
	struct numa_policy *p = policy("bind:3");

	ctx.has_room = NULL;
	full = *MASK(3);
	cr_assert_eq(place_as(p, 0), 3);
	policy_put(p);
}

Test(place, conformance)
{
	struct numa_policy *il = policy("interleave:0-3");
	struct numa_policy *wi = policy("weighted-interleave:0*3,1*1");
	struct numa_policy *bind = policy("bind:1,3");
	struct numa_policy *pref = policy("preferred:2");
	struct numa_policy *many = policy("preferred-many:0,3");
	struct numa_policy *dflt = policy("default");

	ctx.phase = 1;
	for (unsigned int n = 0; n < 4; n++) {
		cr_assert_eq(place_conforms(il, 0, n, &ctx), n == 1, "interleave page 0, node %u", n);
		cr_assert_eq(place_conforms(il, 6, n, &ctx), n == 3, "interleave page 6, node %u", n);
		cr_assert_eq(place_conforms(wi, 2, n, &ctx), n == 1, "weighted page 2, node %u", n);
		cr_assert_eq(place_conforms(bind, 0, n, &ctx), n == 1 || n == 3);
		cr_assert_eq(place_conforms(pref, 0, n, &ctx), n == 2);
		cr_assert_eq(place_conforms(many, 0, n, &ctx), n == 0 || n == 3);
		cr_assert(place_conforms(dflt, 0, n, &ctx));
	}
	/* room and the writer do not change what conforms */
	full = *MASK(1);
	ctx.writer_node = 3;
	cr_assert(place_conforms(il, 0, 1, &ctx));
	cr_assert(!place_conforms(il, 0, 2, &ctx));
	/* nothing outside the allowed set conforms */
	allowed = *MASK(0, 2);
	cr_assert(!place_conforms(dflt, 0, 1, &ctx));
	cr_assert(!place_conforms(bind, 0, 1, &ctx));
	cr_assert(place_conforms(dflt, 0, 2, &ctx));
	policy_put(dflt);
	policy_put(many);
	policy_put(pref);
	policy_put(bind);
	policy_put(wi);
	policy_put(il);
}

/*
 * Over random policies, allowed sets and full nodes: the choice is always
 * allowed and has room, ENOSPC only when nothing permitted has room, and
 * the interleave target is taken whenever it has room.
 */
/* A generator state for @seed: xorshift wants it non-zero, and spread. */
static uint64_t seeded(uint64_t seed)
{
	return seed * 0x9e3779b97f4a7c15ull;
}

static void random_mask(uint64_t *state, struct nodemask *m, bool nonempty)
{
	do {
		uint64_t bits = rng_next(state);

		nodemask_zero(m);
		for (unsigned int n = 0; n < 4; n++)
			if (bits & (1u << n))
				nodemask_set(m, n);
	} while (nonempty && nodemask_empty(m));
}

static const char *const random_texts[] = {
	"default", "local", "bind:1,3", "bind:0", "preferred:2", "preferred-many:0,3",
	"interleave:0-3", "interleave:1-2", "weighted-interleave:0*3,2*1,3",
};

static void check_choice(const struct numa_policy *p, uint64_t index, uint64_t seed)
{
	struct nodemask roomy, permitted;
	int node = place(p, index);

	nodemask_andnot(&roomy, &allowed, &full);
	if (p->mode == NUMAFS_MPOL_BIND)
		nodemask_and(&permitted, &roomy, &p->nodes);
	else
		permitted = roomy;
	if (node < 0) {
		cr_assert_eq(node, -ENOSPC, "seed %llu", (unsigned long long)seed);
		cr_assert(nodemask_empty(&permitted), "seed %llu: ENOSPC with room",
			  (unsigned long long)seed);
		return;
	}
	cr_assert(nodemask_test(&permitted, node), "seed %llu: node %d not permitted",
		  (unsigned long long)seed, node);
	if (place_conforms(p, index, node, &ctx))
		return;
	/* a non-conforming choice only when the conforming one had no room */
	for (unsigned int n = 0; n < 4; n++)
		if (nodemask_test(&roomy, n))
			cr_assert(!place_conforms(p, index, n, &ctx),
				  "seed %llu: chose %d over conforming %u with room",
				  (unsigned long long)seed, node, n);
}

Test(place, random_choices_stay_permitted)
{
	struct numa_policy *policies[sizeof(random_texts) / sizeof(random_texts[0])];
	const size_t nr = sizeof(policies) / sizeof(policies[0]);

	for (size_t k = 0; k < nr; k++)
		policies[k] = policy(random_texts[k]);
	for (uint64_t seed = 1; seed <= 20000; seed++) {
		uint64_t state = seeded(seed);
		const struct numa_policy *p = policies[rng_next(&state) % nr];

		random_mask(&state, &allowed, true);
		random_mask(&state, &full, false);
		ctx.writer_node = (int)(rng_next(&state) % 6) - 1;
		ctx.phase = rng_next(&state);
		check_choice(p, rng_next(&state) % 1000, seed);
	}
	for (size_t k = 0; k < nr; k++)
		policy_put(policies[k]);
}

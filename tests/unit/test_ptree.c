// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The range tree against a naive per-page model, plus the cases a reader
 * would check by hand: three-piece splits, trims, merges, removal with
 * default, the range limit and allocation failure.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "masks.h"
#include "ptree.h"

#define MODEL_PAGES 512
#define POOL 5

static struct nodemask online, allowed;
static struct policy_env env = { &online, &allowed };
static struct numa_policy *pool[POOL];	/* [0] is default */

static struct numa_policy *make(const char *text)
{
	struct numa_policy *p;
	struct errbuf e;

	cr_assert_eq(policy_parse(text, &env, &p, &e), 0, "%s: %s", text, e.msg);
	return p;
}

static void setup(void)
{
	online = *MASK(0, 1, 2, 3);
	allowed = online;
	pool[0] = make("default");
	pool[1] = make("bind:1");
	pool[2] = make("interleave:0-3");
	pool[3] = make("preferred:2");
	pool[4] = make("bind:1");	/* equal to [1], another object */
}

static void teardown(void)
{
	for (int i = 0; i < POOL; i++)
		policy_put(pool[i]);
}

TestSuite(ptree, .init = setup, .fini = teardown);

/* The tree is canonical: ordered, no overlaps, no default, no equal neighbours. */
static void check_canonical(const struct ptree *t)
{
	struct ptree_range r, prev = { 0 };
	size_t count = 0;
	bool have_prev = false;

	for (bool ok = ptree_next(t, 0, &r); ok; ok = ptree_next(t, r.end, &r)) {
		cr_assert_lt(r.start, r.end);
		cr_assert_not(policy_is_default(r.policy));
		if (have_prev) {
			cr_assert_leq(prev.end, r.start, "overlap");
			cr_assert(prev.end != r.start || !policy_equal(prev.policy, r.policy),
				  "equal neighbours at %llu", (unsigned long long)r.start);
		}
		prev = r;
		have_prev = true;
		count++;
	}
	cr_assert_eq(count, t->nr_ranges);
}

/* Page @i's policy and extent agree with the model: the extent is maximal. */
static void check_page(const struct ptree *t, struct numa_policy *const *model, uint64_t i)
{
	uint64_t s, e;
	struct numa_policy *p = ptree_lookup(t, i, &s, &e);

	cr_assert(policy_equal(p, model[i]), "page %llu", (unsigned long long)i);
	cr_assert(s <= i && i < e, "page %llu outside its extent", (unsigned long long)i);
	for (uint64_t j = s; j < e && j < MODEL_PAGES; j++)
		cr_assert(policy_equal(model[j], p), "extent of %llu", (unsigned long long)i);
	/* Overrides are never default and the base is, so both ends differ. */
	if (s > 0)
		cr_assert_not(policy_equal(model[s - 1], p), "extent of %llu starts late",
			      (unsigned long long)i);
	if (e < MODEL_PAGES)
		cr_assert_not(policy_equal(model[e], p), "extent of %llu ends early",
			      (unsigned long long)i);
	else
		cr_assert(e == UINT64_MAX || !policy_is_default(p),
			  "the base past the last override reaches the end");
}

/* Iteration yields exactly the model's maximal runs of non-default pages. */
static void check_runs(const struct ptree *t, struct numa_policy *const *model)
{
	struct ptree_range r;
	bool ok = ptree_next(t, 0, &r);
	uint64_t i = 0, run;

	while (i < MODEL_PAGES) {
		for (run = i + 1; run < MODEL_PAGES && policy_equal(model[run], model[i]); run++)
			;
		if (!policy_is_default(model[i])) {
			cr_assert(ok, "no range for run [%llu, %llu)",
				  (unsigned long long)i, (unsigned long long)run);
			cr_assert(r.start == i && r.end == run && policy_equal(r.policy, model[i]),
				  "range [%llu, %llu) for run [%llu, %llu)",
				  (unsigned long long)r.start, (unsigned long long)r.end,
				  (unsigned long long)i, (unsigned long long)run);
			ok = ptree_next(t, r.end, &r);
		}
		i = run;
	}
	cr_assert_not(ok, "range [%llu, %llu) past the model", (unsigned long long)r.start,
		      (unsigned long long)r.end);
}

static void check_model(const struct ptree *t, struct numa_policy *const *model)
{
	for (uint64_t i = 0; i < MODEL_PAGES; i++)
		check_page(t, model, i);
	check_runs(t, model);
}

Test(ptree, random_operations_match_model)
{
	static const uint64_t seeds[] = { 1, 42, 0x9e3779b97f4a7c15ull, 7777 };

	for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		struct numa_policy *model[MODEL_PAGES];
		uint64_t rng = seeds[k];
		struct ptree t;

		ptree_init(&t, pool[0]);
		for (int i = 0; i < MODEL_PAGES; i++)
			model[i] = pool[0];
		for (int op = 0; op < 3000; op++) {
			uint64_t a = rng_next(&rng) % MODEL_PAGES, len = 1 + rng_next(&rng) % 64;
			uint64_t b = a + len > MODEL_PAGES ? MODEL_PAGES : a + len;

			if (rng_next(&rng) % 10 == 0) {
				cr_assert_eq(ptree_truncate(&t, a), 0);
				for (uint64_t i = a; i < MODEL_PAGES; i++)
					model[i] = pool[0];
			} else {
				struct numa_policy *p = pool[rng_next(&rng) % POOL];

				cr_assert_eq(ptree_set(&t, a, b, p), 0);
				for (uint64_t i = a; i < b; i++)
					model[i] = policy_is_default(p) ? pool[0] : p;
			}
			check_canonical(&t);
			check_page(&t, model, rng_next(&rng) % MODEL_PAGES);
			if (op % 50 == 0)
				check_model(&t, model);
		}
		check_model(&t, model);
		ptree_destroy(&t);
	}
}

static size_t ranges(const struct ptree *t)
{
	return t->nr_ranges;
}

/* The tree holds exactly @want[0..@count), in order, with equal policies. */
static void expect_ranges(const struct ptree *t, const struct ptree_range *want, size_t count)
{
	struct ptree_range r;
	size_t i = 0;

	for (bool ok = ptree_next(t, 0, &r); ok; ok = ptree_next(t, r.end, &r), i++) {
		cr_assert_lt(i, count, "extra range [%llu, %llu)", (unsigned long long)r.start,
			     (unsigned long long)r.end);
		cr_assert(r.start == want[i].start && r.end == want[i].end &&
			  policy_equal(r.policy, want[i].policy),
			  "range %zu is [%llu, %llu), want [%llu, %llu)", i,
			  (unsigned long long)r.start, (unsigned long long)r.end,
			  (unsigned long long)want[i].start, (unsigned long long)want[i].end);
	}
	cr_assert_eq(i, count, "%zu ranges, want %zu", i, count);
	cr_assert_eq(ranges(t), count);
}

#define EXPECT_RANGES(t, ...) expect_ranges(t, (const struct ptree_range[]){ __VA_ARGS__ }, \
	sizeof((const struct ptree_range[]){ __VA_ARGS__ }) / sizeof(struct ptree_range))

Test(ptree, override_inside_leaves_three_pieces)
{
	struct ptree t;
	struct ptree_range r;

	ptree_init(&t, pool[0]);
	cr_assert_eq(ptree_set(&t, 0, 100, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 40, 60, pool[2]), 0);
	cr_assert_eq(ranges(&t), 3);
	cr_assert(ptree_next(&t, 0, &r) && r.start == 0 && r.end == 40);
	cr_assert(ptree_next(&t, 40, &r) && r.start == 40 && r.end == 60 && r.policy == pool[2]);
	cr_assert(ptree_next(&t, 60, &r) && r.start == 60 && r.end == 100);
	/* Putting the inner one back merges all three. */
	cr_assert_eq(ptree_set(&t, 40, 60, pool[4]), 0);
	cr_assert_eq(ranges(&t), 1);
	cr_assert(ptree_next(&t, 0, &r) && r.start == 0 && r.end == 100);
	ptree_destroy(&t);
}

Test(ptree, merge_left_right_and_not_unequal)
{
	struct ptree t;

	ptree_init(&t, pool[0]);
	cr_assert_eq(ptree_set(&t, 10, 20, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 20, 30, pool[4]), 0, "equal on the left");
	EXPECT_RANGES(&t, { 10, 30, pool[1] });
	cr_assert_eq(ptree_set(&t, 0, 10, pool[4]), 0, "equal on the right");
	EXPECT_RANGES(&t, { 0, 30, pool[1] });
	cr_assert_eq(ptree_set(&t, 30, 40, pool[2]), 0, "touching but unequal");
	EXPECT_RANGES(&t, { 0, 30, pool[1] }, { 30, 40, pool[2] });
	cr_assert_eq(ptree_set(&t, 50, 60, pool[1]), 0, "a gap apart");
	EXPECT_RANGES(&t, { 0, 30, pool[1] }, { 30, 40, pool[2] }, { 50, 60, pool[1] });
	cr_assert_eq(ptree_set(&t, 30, 50, pool[1]), 0, "equal on both sides");
	EXPECT_RANGES(&t, { 0, 60, pool[1] });
	ptree_destroy(&t);
}

Test(ptree, trims_on_both_sides_and_covers_between)
{
	struct ptree t;

	ptree_init(&t, pool[0]);
	cr_assert_eq(ptree_set(&t, 0, 10, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 12, 14, pool[3]), 0);
	cr_assert_eq(ptree_set(&t, 20, 30, pool[2]), 0);
	cr_assert_eq(ptree_set(&t, 5, 25, pool[3]), 0);
	EXPECT_RANGES(&t, { 0, 5, pool[1] }, { 5, 25, pool[3] }, { 25, 30, pool[2] });
	cr_assert_eq(ptree_set(&t, 0, 30, pool[2]), 0, "covering all replaces all");
	EXPECT_RANGES(&t, { 0, 30, pool[2] });
	ptree_destroy(&t);
}

Test(ptree, default_removes_and_trims)
{
	struct ptree t;
	struct ptree_range r;
	uint64_t s, e;

	ptree_init(&t, pool[3]);
	cr_assert_eq(ptree_set(&t, 10, 20, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 30, 40, pool[2]), 0);
	cr_assert_eq(ptree_set(&t, 15, 35, pool[0]), 0);
	cr_assert_eq(ranges(&t), 2);
	cr_assert(ptree_next(&t, 0, &r) && r.start == 10 && r.end == 15);
	cr_assert(ptree_next(&t, 15, &r) && r.start == 35 && r.end == 40);
	cr_assert_eq(ptree_lookup(&t, 20, &s, &e), pool[3], "the base shows through");
	cr_assert(s == 15 && e == 35);
	cr_assert_eq(ptree_lookup(&t, 1000, &s, &e), pool[3]);
	cr_assert(s == 40 && e == UINT64_MAX);
	ptree_destroy(&t);
}

Test(ptree, bad_range_is_einval)
{
	struct ptree t;

	ptree_init(&t, pool[0]);
	cr_assert_eq(ptree_set(&t, 5, 5, pool[1]), -EINVAL);
	cr_assert_eq(ptree_set(&t, 6, 5, pool[1]), -EINVAL);
	cr_assert_eq(ranges(&t), 0);
	ptree_destroy(&t);
}

Test(ptree, huge_indexes)
{
	struct ptree t;
	uint64_t s, e;

	ptree_init(&t, pool[0]);
	cr_assert_eq(ptree_set(&t, UINT64_MAX - 10, UINT64_MAX, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 0, 1, pool[2]), 0);
	cr_assert_eq(ptree_lookup(&t, UINT64_MAX - 1, &s, &e), pool[1]);
	cr_assert(s == UINT64_MAX - 10 && e == UINT64_MAX);
	cr_assert_eq(ptree_lookup(&t, 5, &s, &e), pool[0]);
	cr_assert(s == 1 && e == UINT64_MAX - 10);
	cr_assert_eq(ptree_truncate(&t, UINT64_MAX - 5), 0);
	cr_assert_eq(ptree_lookup(&t, UINT64_MAX - 6, NULL, &e), pool[1]);
	cr_assert_eq(e, UINT64_MAX - 5);
	ptree_destroy(&t);
}

Test(ptree, truncate_at_inside_and_before)
{
	struct ptree t;
	struct ptree_range r;

	ptree_init(&t, pool[0]);
	cr_assert_eq(ptree_set(&t, 0, 10, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 20, 30, pool[2]), 0);
	cr_assert_eq(ptree_set(&t, 40, 50, pool[3]), 0);
	cr_assert_eq(ptree_truncate(&t, 40), 0);	/* at a start: drops it */
	cr_assert_eq(ranges(&t), 2);
	cr_assert_eq(ptree_truncate(&t, 25), 0);	/* inside: trims */
	cr_assert(ptree_next(&t, 10, &r) && r.start == 20 && r.end == 25);
	cr_assert_eq(ptree_truncate(&t, 1000), 0);	/* past all: nothing */
	EXPECT_RANGES(&t, { 0, 10, pool[1] }, { 20, 25, pool[2] });
	cr_assert_eq(ptree_truncate(&t, 15), 0);	/* in the gap before one */
	EXPECT_RANGES(&t, { 0, 10, pool[1] });
	cr_assert_eq(ptree_truncate(&t, 10), 0);	/* at an end: nothing */
	EXPECT_RANGES(&t, { 0, 10, pool[1] });
	cr_assert_eq(ptree_truncate(&t, 0), 0);
	cr_assert_eq(ranges(&t), 0);
	ptree_destroy(&t);
}

Test(ptree, limit_is_e2big_and_changes_nothing)
{
	struct ptree t;
	struct ptree_range r;

	ptree_init(&t, pool[0]);
	for (uint64_t i = 0; i < PTREE_MAX_RANGES; i++)
		cr_assert_eq(ptree_set(&t, 2 * i, 2 * i + 1, pool[1 + i % 2]), 0);
	cr_assert_eq(ranges(&t), PTREE_MAX_RANGES);
	cr_assert_eq(ptree_set(&t, 3 * PTREE_MAX_RANGES, 3 * PTREE_MAX_RANGES + 1, pool[1]), -E2BIG);
	cr_assert_eq(ranges(&t), PTREE_MAX_RANGES, "unchanged");
	cr_assert_eq(ptree_lookup(&t, 3 * PTREE_MAX_RANGES, NULL, NULL), pool[0]);
	/* A split inside a range needs two more: also refused. */
	cr_assert_eq(ptree_set(&t, 4, 6, pool[1]), 0, "merging [4,5) with a gap fits");
	cr_assert_eq(ptree_set(&t, 2 * 100 + 1, 2 * 100 + 2, pool[0]), 0, "default in a gap");
	/* [0,1) bind:1, [2,3) interleave, [4,6) bind:1: one setting merges all. */
	cr_assert_eq(ptree_set(&t, 1, 4, pool[4]), 0);
	cr_assert_eq(ranges(&t), PTREE_MAX_RANGES - 2);
	cr_assert(ptree_next(&t, 0, &r) && r.start == 0 && r.end == 6);
	cr_assert_eq(ptree_set(&t, 2, 3, pool[2]), 0, "a three-piece split now fits");
	cr_assert_eq(ranges(&t), PTREE_MAX_RANGES);
	cr_assert_eq(ptree_set(&t, 3, 4, pool[3]), -E2BIG, "one more piece does not");
	cr_assert(ptree_next(&t, 3, &r) && r.start == 3 && r.end == 6 &&
		  policy_equal(r.policy, pool[4]));
	check_canonical(&t);
	ptree_destroy(&t);
}

static int allocs_left;

static void *failing_alloc(size_t size)
{
	return allocs_left-- > 0 ? malloc(size) : NULL;
}

Test(ptree, enomem_at_every_allocation_changes_nothing)
{
	for (int budget = 0; budget < 3; budget++) {
		struct ptree t, before;
		struct ptree_range a, b;

		ptree_init(&t, pool[0]);
		cr_assert_eq(ptree_set(&t, 0, 100, pool[1]), 0);
		cr_assert_eq(ptree_clone(&before, &t), 0);
		t.alloc = failing_alloc;
		allocs_left = budget;
		cr_assert_eq(ptree_set(&t, 40, 60, pool[2]), -ENOMEM, "budget %d", budget);
		cr_assert_eq(ranges(&t), ranges(&before));
		for (bool ok = ptree_next(&t, 0, &a); ok; ok = ptree_next(&t, a.end, &a)) {
			cr_assert(ptree_next(&before, a.start, &b));
			cr_assert(a.start == b.start && a.end == b.end && policy_equal(a.policy, b.policy));
		}
		ptree_destroy(&before);
		ptree_destroy(&t);
	}
}

/* A clone that runs out of memory half-way leaves nothing behind. */
Test(ptree, clone_enomem_at_every_allocation)
{
	struct ptree t, c;

	ptree_init(&t, pool[3]);
	for (uint64_t i = 0; i < 4; i++)
		cr_assert_eq(ptree_set(&t, 10 * i, 10 * i + 5, pool[1 + i % 3]), 0);
	t.alloc = failing_alloc;
	for (int budget = 0; budget < 4; budget++) {
		allocs_left = budget;
		cr_assert_eq(ptree_clone(&c, &t), -ENOMEM, "budget %d", budget);
	}
	allocs_left = 4;
	cr_assert_eq(ptree_clone(&c, &t), 0);
	cr_assert_eq(ranges(&c), 4);
	ptree_destroy(&c);
	ptree_destroy(&t);
}

Test(ptree, clone_is_deep_and_equal)
{
	struct ptree t, c;
	struct ptree_range r;

	ptree_init(&t, pool[3]);
	cr_assert_eq(ptree_set(&t, 0, 8, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 16, 24, pool[2]), 0);
	cr_assert_eq(ptree_clone(&c, &t), 0);
	ptree_destroy(&t);
	cr_assert_eq(ranges(&c), 2);
	cr_assert(policy_equal(c.base, pool[3]));
	cr_assert(ptree_next(&c, 8, &r) && r.start == 16 && r.policy == pool[2]);
	ptree_destroy(&c);
}

Test(ptree, rebind_remaps_and_merges)
{
	struct ptree t;
	struct ptree_range r;
	struct numa_policy *a = make("bind:1"), *b = make("bind:3");
	char text[64];

	ptree_init(&t, pool[2]);
	cr_assert_eq(ptree_set(&t, 0, 10, a), 0);
	cr_assert_eq(ptree_set(&t, 10, 20, b), 0);
	/* Allowed 0-3 -> 0-1: node 1 stays 1, node 3 (4th) folds onto 1. */
	cr_assert_eq(ptree_rebind(&t, MASK(0, 1)), 0);
	cr_assert_eq(ranges(&t), 1, "equal after rebinding: merged");
	cr_assert(ptree_next(&t, 0, &r) && r.start == 0 && r.end == 20);
	cr_assert_gt(policy_print(t.base, text, sizeof(text)), 0);
	cr_assert_str_eq(text, "interleave:0-1");
	policy_put(a);
	policy_put(b);
	ptree_destroy(&t);
}

/* The tree's policies and base, pointer for pointer: "unchanged" exactly. */
struct snapshot {
	struct numa_policy *base;
	struct ptree_range r[4];
	size_t count;
};

static struct snapshot snap(const struct ptree *t)
{
	struct snapshot sn = { .base = t->base };
	struct ptree_range r;

	for (bool ok = ptree_next(t, 0, &r); ok; ok = ptree_next(t, r.end, &r)) {
		cr_assert_lt(sn.count, 4);
		sn.r[sn.count++] = r;
	}
	return sn;
}

static void expect_snapshot(const struct ptree *t, const struct snapshot *want)
{
	struct snapshot now = snap(t);

	cr_assert_eq(now.base, want->base);
	cr_assert_eq(now.count, want->count);
	for (size_t i = 0; i < now.count; i++)
		cr_assert(now.r[i].start == want->r[i].start && now.r[i].end == want->r[i].end &&
			  now.r[i].policy == want->r[i].policy, "range %zu changed", i);
}

Test(ptree, rebind_failure_changes_nothing)
{
	struct ptree t;
	struct snapshot before;

	ptree_init(&t, pool[2]);
	cr_assert_eq(ptree_set(&t, 0, 10, pool[1]), 0);
	cr_assert_eq(ptree_set(&t, 10, 20, pool[3]), 0);
	before = snap(&t);
	t.alloc = failing_alloc;
	for (int budget = 0; budget < 2; budget++) {
		allocs_left = budget;
		cr_assert_eq(ptree_rebind(&t, MASK(0, 1)), -ENOMEM, "budget %d", budget);
		expect_snapshot(&t, &before);
	}
	t.alloc = NULL;
	cr_assert_eq(ptree_rebind(&t, MASK(0)), 0);
	cr_assert_neq(t.base, before.base, "rebound for real");
	ptree_destroy(&t);
}

Test(ptree, rebind_to_an_empty_set_is_einval_and_changes_nothing)
{
	struct nodemask none;
	struct ptree t;
	struct snapshot before;

	nodemask_zero(&none);
	ptree_init(&t, pool[2]);
	cr_assert_eq(ptree_set(&t, 5, 10, pool[1]), 0);
	before = snap(&t);
	cr_assert_eq(ptree_rebind(&t, &none), -EINVAL);
	expect_snapshot(&t, &before);
	cr_assert_eq(ptree_rebind(&t, &allowed), 0, "to the same set: no-op");
	EXPECT_RANGES(&t, { 5, 10, pool[1] });
	cr_assert(policy_equal(t.base, pool[2]));
	ptree_destroy(&t);
}

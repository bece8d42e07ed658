// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Node masks against a naive model: a bool per node.  Random masks come
 * from a fixed-seed generator so that a failure can be replayed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "masks.h"
#include "nodemask.h"

#define MAX NUMAFS_MAX_NODES

struct model {
	bool n[MAX];
};

/*
 * A random mask in one of several shapes, so that runs, isolated nodes,
 * word boundaries and the two ends are all exercised.
 */
static void random_model(uint64_t *seed, struct model *m)
{
	unsigned int shape = rng_next(seed) % 4;
	unsigned int permille = (unsigned int[]){ 5, 500, 990, 0 }[shape];

	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < MAX; i++) {
		if (shape == 3)	/* runs of random length */
			m->n[i] = (i == 0) ? rng_next(seed) % 2 :
				  (rng_next(seed) % 8 ? m->n[i - 1] : !m->n[i - 1]);
		else
			m->n[i] = rng_next(seed) % 1000 < permille;
	}
}

static void to_mask(const struct model *m, struct nodemask *out)
{
	nodemask_zero(out);
	for (unsigned int i = 0; i < MAX; i++)
		if (m->n[i])
			nodemask_set(out, i);
}

static void assert_matches(const struct nodemask *mask, const struct model *m)
{
	for (unsigned int i = 0; i < MAX; i++)
		cr_assert_eq(nodemask_test(mask, i), m->n[i], "node %u differs from the model", i);
}

/* A recognisable mask, to see that failed parses leave it alone. */
static struct nodemask sentinel(void)
{
	struct nodemask m;

	memset(&m, 0xa5, sizeof(m));
	return m;
}

/* Basic bit operations. */

Test(nodemask, zero_fill_weight)
{
	struct nodemask m;

	nodemask_fill(&m);
	cr_assert_eq(nodemask_weight(&m), MAX);
	cr_assert(!nodemask_empty(&m));
	cr_assert(nodemask_test(&m, 0));
	cr_assert(nodemask_test(&m, MAX - 1));
	nodemask_zero(&m);
	cr_assert_eq(nodemask_weight(&m), 0);
	cr_assert(nodemask_empty(&m));
}

Test(nodemask, set_clear_test_at_word_edges)
{
	const unsigned int edges[] = { 0, 1, 62, 63, 64, 65, 127, 128, 511, 512, MAX - 2, MAX - 1 };
	struct nodemask m;

	nodemask_zero(&m);
	for (unsigned int i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		nodemask_set(&m, edges[i]);
		cr_assert(nodemask_test(&m, edges[i]), "node %u", edges[i]);
		cr_assert_eq(nodemask_weight(&m), i + 1);
	}
	for (unsigned int i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		nodemask_clear(&m, edges[i]);
		cr_assert(!nodemask_test(&m, edges[i]), "node %u", edges[i]);
	}
	cr_assert(nodemask_empty(&m));
}

Test(nodemask, out_of_range_nodes_are_ignored)
{
	struct nodemask m, before;

	nodemask_zero(&m);
	nodemask_set(&m, MAX);
	nodemask_set(&m, ~0u);
	cr_assert(nodemask_empty(&m));
	cr_assert(!nodemask_test(&m, MAX));
	nodemask_fill(&m);
	before = m;
	nodemask_clear(&m, MAX);
	cr_assert(nodemask_equal(&m, &before));
	cr_assert(!nodemask_test(&m, MAX + 5));
}

Test(nodemask, set_is_idempotent)
{
	struct nodemask m;

	nodemask_zero(&m);
	nodemask_set(&m, 7);
	nodemask_set(&m, 7);
	cr_assert_eq(nodemask_weight(&m), 1);
	nodemask_clear(&m, 7);
	nodemask_clear(&m, 7);
	cr_assert(nodemask_empty(&m));
}

/* Set operations against the model. */

Test(nodemask, set_operations_match_model)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (int round = 0; round < 300; round++) {
		struct model a, b, want;
		struct nodemask ma, mb, r;
		bool sub = true, eq = true;
		unsigned int wa = 0;

		random_model(&seed, &a);
		if (round % 5 == 0)
			b = a;	/* equal masks must compare equal */
		else
			random_model(&seed, &b);
		to_mask(&a, &ma);
		to_mask(&b, &mb);

		for (unsigned int i = 0; i < MAX; i++)
			want.n[i] = a.n[i] && b.n[i];
		nodemask_and(&r, &ma, &mb);
		assert_matches(&r, &want);

		for (unsigned int i = 0; i < MAX; i++)
			want.n[i] = a.n[i] || b.n[i];
		nodemask_or(&r, &ma, &mb);
		assert_matches(&r, &want);

		for (unsigned int i = 0; i < MAX; i++)
			want.n[i] = a.n[i] && !b.n[i];
		nodemask_andnot(&r, &ma, &mb);
		assert_matches(&r, &want);

		for (unsigned int i = 0; i < MAX; i++) {
			sub &= !a.n[i] || b.n[i];
			eq &= a.n[i] == b.n[i];
			wa += a.n[i];
		}
		cr_assert_eq(nodemask_subset(&ma, &mb), sub, "round %d", round);
		cr_assert_eq(nodemask_equal(&ma, &mb), eq, "round %d", round);
		cr_assert_eq(nodemask_weight(&ma), wa, "round %d", round);
		cr_assert_eq(nodemask_empty(&ma), wa == 0, "round %d", round);
	}
}

Test(nodemask, operations_may_alias_their_inputs)
{
	struct nodemask a = *MASK(1, 2, 3, 70), b = *MASK(2, 70, 900);

	nodemask_and(&a, &a, &b);
	cr_assert(nodemask_equal(&a, MASK(2, 70)));
	nodemask_or(&a, &a, MASK(5));
	cr_assert(nodemask_equal(&a, MASK(2, 5, 70)));
	nodemask_andnot(&b, &b, &a);
	cr_assert(nodemask_equal(&b, MASK(900)));
}

Test(nodemask, subset_edge_cases)
{
	struct nodemask empty, full;

	nodemask_zero(&empty);
	nodemask_fill(&full);
	cr_assert(nodemask_subset(&empty, &empty));
	cr_assert(nodemask_subset(&empty, &full));
	cr_assert(!nodemask_subset(&full, &empty));
	cr_assert(nodemask_subset(MASK(1023), &full));
	cr_assert(!nodemask_subset(MASK(1, 1023), MASK(1)));
}

/* nth, position and next. */

Test(nodemask, nth_position_next_match_model)
{
	uint64_t seed = 12345;

	for (int round = 0; round < 200; round++) {
		struct model a;
		struct nodemask m;
		unsigned int count = 0;
		int prev = -1;

		random_model(&seed, &a);
		to_mask(&a, &m);
		for (unsigned int i = 0; i < MAX; i++) {
			if (!a.n[i]) {
				cr_assert_eq(nodemask_position(&m, i), -1, "node %u", i);
				continue;
			}
			cr_assert_eq(nodemask_nth(&m, count), (int)i, "nth %u", count);
			cr_assert_eq(nodemask_position(&m, i), (int)count, "node %u", i);
			cr_assert_eq(nodemask_next(&m, prev), (int)i, "after %d", prev);
			prev = (int)i;
			count++;
		}
		cr_assert_eq(nodemask_next(&m, prev), -1);
		cr_assert_eq(nodemask_nth(&m, count), -1);
		cr_assert_eq(nodemask_nth(&m, count + 1000), -1);
	}
}

Test(nodemask, next_from_any_point)
{
	struct nodemask m = *MASK(3, 64, 1023);

	cr_assert_eq(nodemask_next(&m, -1), 3);
	cr_assert_eq(nodemask_next(&m, 0), 3);
	cr_assert_eq(nodemask_next(&m, 3), 64);
	cr_assert_eq(nodemask_next(&m, 63), 64);
	cr_assert_eq(nodemask_next(&m, 64), 1023);
	cr_assert_eq(nodemask_next(&m, 1022), 1023);
	cr_assert_eq(nodemask_next(&m, 1023), -1);
	cr_assert_eq(nodemask_next(&m, MAX + 10), -1);
}

Test(nodemask, nth_and_position_on_empty_and_full)
{
	struct nodemask m;

	nodemask_zero(&m);
	cr_assert_eq(nodemask_nth(&m, 0), -1);
	cr_assert_eq(nodemask_next(&m, -1), -1);
	cr_assert_eq(nodemask_position(&m, 0), -1);
	nodemask_fill(&m);
	for (unsigned int i = 0; i < MAX; i += 97) {
		cr_assert_eq(nodemask_nth(&m, i), (int)i);
		cr_assert_eq(nodemask_position(&m, i), (int)i);
	}
	cr_assert_eq(nodemask_position(&m, MAX), -1);
}

Test(nodemask, for_each_visits_in_order)
{
	struct nodemask m = *MASK(900, 0, 64, 63, 5);
	const int want[] = { 0, 5, 63, 64, 900 };
	unsigned int i = 0;
	int node;

	nodemask_for_each(node, &m) {
		cr_assert_lt(i, 5u);
		cr_assert_eq(node, want[i], "item %u", i);
		i++;
	}
	cr_assert_eq(i, 5u);
}

/* Printing. */

static const char *print(const struct nodemask *m)
{
	static char buf[8192];

	cr_assert_geq(nodemask_print(m, buf, sizeof(buf)), 0);
	return buf;
}

Test(nodemask, print_canonical)
{
	struct nodemask all;

	nodemask_fill(&all);
	cr_assert_str_eq(print(MASK(0, 1, 2, 3, 5)), "0-3,5");
	cr_assert_str_eq(print(MASK(4)), "4");
	cr_assert_str_eq(print(MASK(2, 3)), "2-3");
	cr_assert_str_eq(print(MASK(1, 3, 5)), "1,3,5");
	cr_assert_str_eq(print(MASK(63, 64)), "63-64");
	cr_assert_str_eq(print(MASK(0, 1023)), "0,1023");
	cr_assert_str_eq(print(MASK(1022, 1023, 0)), "0,1022-1023");
	cr_assert_str_eq(print(&all), "0-1023");
}

Test(nodemask, print_empty)
{
	struct nodemask m;
	char buf[4] = "xyz";

	nodemask_zero(&m);
	cr_assert_eq(nodemask_print(&m, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(nodemask_print(&m, buf, 1), 0);
	cr_assert_eq(nodemask_print(&m, buf, 0), -ERANGE);
}

Test(nodemask, print_needs_room_for_the_nul)
{
	struct nodemask m = *MASK(0, 1, 2, 3, 5);	/* "0-3,5": 5 characters */
	char buf[16];

	cr_assert_eq(nodemask_print(&m, buf, 6), 5);
	cr_assert_str_eq(buf, "0-3,5");
	for (size_t len = 0; len < 6; len++)
		cr_assert_eq(nodemask_print(&m, buf, len), -ERANGE, "len %zu", len);
}

/* The canonical form, written from the model in the plainest way. */
static void model_print(const struct model *m, char *buf)
{
	const char *sep = "";
	unsigned int i = 0;

	*buf = '\0';
	while (i < MAX) {
		unsigned int j = i;

		if (!m->n[i]) {
			i++;
			continue;
		}
		while (j + 1 < MAX && m->n[j + 1])
			j++;
		buf += sprintf(buf, "%s%u", sep, i);
		sep = ",";
		if (j > i)
			buf += sprintf(buf, "-%u", j);
		i = j + 1;
	}
}

Test(nodemask, random_print_parse_round_trip)
{
	static char want[8192], got[8192];
	uint64_t seed = 0xdeadbeefcafef00dull;

	for (int round = 0; round < 300; round++) {
		struct model a;
		struct nodemask m, back;
		struct errbuf e = { "" };
		int len;

		random_model(&seed, &a);
		to_mask(&a, &m);
		len = nodemask_print(&m, got, sizeof(got));
		cr_assert_geq(len, 0);
		cr_assert_eq((size_t)len, strlen(got));
		model_print(&a, want);
		cr_assert_str_eq(got, want, "round %d", round);
		if (nodemask_empty(&m))
			continue;	/* "" is not a node list */
		cr_assert_eq(nodemask_parse(got, NULL, &back, &e), 0, "%s: %s", got, e.msg);
		cr_assert(nodemask_equal(&m, &back), "round %d: %s", round, got);
	}
}

/* Parsing. */

static void assert_parses(const char *text, const struct nodemask *allowed,
			  const struct nodemask *want)
{
	struct nodemask out = sentinel();
	struct errbuf e = { "" };
	int ret = nodemask_parse(text, allowed, &out, &e);

	cr_assert_eq(ret, 0, "\"%s\" failed: %s", text, e.msg);
	cr_assert(nodemask_equal(&out, want), "\"%s\" gave %s", text, print(&out));
}

Test(nodemask, parse_lists_and_ranges)
{
	assert_parses("0", NULL, MASK(0));
	assert_parses("0-3,5", NULL, MASK(0, 1, 2, 3, 5));
	assert_parses("5,0-3", NULL, MASK(0, 1, 2, 3, 5));
	assert_parses("2-2", NULL, MASK(2));
	assert_parses("1,1,1", NULL, MASK(1));
	assert_parses("0-2,1-3", NULL, MASK(0, 1, 2, 3));
	assert_parses("007", NULL, MASK(7));
	assert_parses("1023", NULL, MASK(1023));
	assert_parses("1020-1023", NULL, MASK(1020, 1021, 1022, 1023));
	assert_parses("63,64", NULL, MASK(63, 64));
}

Test(nodemask, parse_all_and_not)
{
	struct nodemask allowed = *MASK(0, 1, 2, 3, 8), full, not2;

	assert_parses("all", &allowed, &allowed);
	assert_parses("!2", &allowed, MASK(0, 1, 3, 8));
	assert_parses("!0-1,4", &allowed, MASK(2, 3, 8));
	assert_parses("!9", &allowed, &allowed);
	nodemask_zero(&full);
	assert_parses("!0-3,8", &allowed, &full);
	nodemask_fill(&full);
	assert_parses("all", NULL, &full);
	not2 = full;
	nodemask_clear(&not2, 2);
	assert_parses("!2", NULL, &not2);
}

Test(nodemask, parse_range_spanning_all_nodes)
{
	struct nodemask full;

	nodemask_fill(&full);
	assert_parses("0-1023", NULL, &full);
}

struct bad_text {
	const char *text;
	const char *reason;
};

static const struct bad_text bad_lists[] = {
	{ "", "empty node list" },
	{ ",", "empty item in node list" },
	{ ",1", "empty item in node list" },
	{ "1,,2", "empty item in node list" },
	{ "1,", "trailing comma in node list" },
	{ "0-3,", "trailing comma in node list" },
	{ "3-1", "range 3-1 is reversed" },
	{ "1024", "node 1024 is out of range 0..1023" },
	{ "0-1024", "node 1024 is out of range 0..1023" },
	{ "99999999999999999999", "node 99999999999999999999 is out of range" },
	{ "a", "expected a node number, found \"a\"" },
	{ "-1", "expected a node number, found \"-1\"" },
	{ "+1", "expected a node number, found \"+1\"" },
	{ "0x1", "unexpected \"x1\" after node 0" },
	{ "1 ", "unexpected \" \" after node 1" },
	{ " 1", "expected a node number, found \" 1\"" },
	{ "1, 2", "expected a node number, found \" 2\"" },
	{ "1-", "node list ends where a node number was expected" },
	{ "1--2", "expected a node number, found \"-2\"" },
	{ "1-2-3", "unexpected \"-3\" after node 2" },
	{ "1;2", "unexpected \";2\" after node 1" },
	{ "1*2", "unexpected \"*2\" after node 1" },
	{ "!", "nothing after \"!\" in node list" },
	{ "!!1", "expected a node number, found \"!1\"" },
	{ "!,1", "empty item in node list" },
	{ "all,1", "unexpected \",1\" after \"all\"" },
	{ "allx", "unexpected \"x\" after \"all\"" },
	{ "!all", "expected a node number, found \"all\"" },
	{ "ALL", "expected a node number, found \"ALL\"" },
};

Test(nodemask, parse_errors_have_reasons_and_change_nothing)
{
	for (size_t i = 0; i < sizeof(bad_lists) / sizeof(bad_lists[0]); i++) {
		const struct bad_text *b = &bad_lists[i];
		struct nodemask out = sentinel(), before = out;
		struct errbuf e = { "" };

		cr_assert_eq(nodemask_parse(b->text, NULL, &out, &e), -EINVAL,
			     "\"%s\" was accepted", b->text);
		cr_assert(strstr(e.msg, b->reason), "\"%s\": got \"%s\", want \"%s\"",
			  b->text, e.msg, b->reason);
		cr_assert(nodemask_equal(&out, &before), "\"%s\" changed the output", b->text);
	}
}

Test(nodemask, parse_without_errbuf)
{
	struct nodemask out;

	cr_assert_eq(nodemask_parse("1-", NULL, &out, NULL), -EINVAL);
}

Test(nodemask, error_reasons_are_distinct)
{
	/* One representative of each kind of mistake; no two may read alike. */
	const char *texts[] = { "", "1,,2", "1,", "3-1", "1024", "a", "1 ", "!", "all,1", "1-" };
	char seen[10][sizeof(((struct errbuf *)0)->msg)];
	const size_t n = sizeof(texts) / sizeof(texts[0]);

	for (size_t i = 0; i < n; i++) {
		struct errbuf e = { "" };
		struct nodemask out;

		cr_assert_eq(nodemask_parse(texts[i], NULL, &out, &e), -EINVAL);
		strcpy(seen[i], e.msg);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(seen[i], seen[j], "\"%s\" and \"%s\"", texts[i], texts[j]);
	}
}

/* The raw list and the suffix hook. */

struct suffix_log {
	unsigned int calls;
	unsigned int first, last;
};

static int eat_star(void *arg, unsigned int first, unsigned int last,
		    const char **pos, struct errbuf *e)
{
	struct suffix_log *log = arg;

	if (**pos != '*')
		return err_set(e, EINVAL, "hook refused");
	log->calls++;
	log->first = first;
	log->last = last;
	(*pos)++;
	return 0;
}

Test(nodelist, flags_and_raw_nodes)
{
	struct nodelist l;

	cr_assert_eq(nodelist_parse("all", &l, NULL, NULL, NULL), 0);
	cr_assert(l.all);
	cr_assert(!l.inverted);
	cr_assert(nodemask_empty(&l.nodes));
	cr_assert_eq(nodelist_parse("!1-2", &l, NULL, NULL, NULL), 0);
	cr_assert(!l.all);
	cr_assert(l.inverted);
	cr_assert(nodemask_equal(&l.nodes, MASK(1, 2)));
	cr_assert_eq(nodelist_parse("4", &l, NULL, NULL, NULL), 0);
	cr_assert(!l.all && !l.inverted);
}

Test(nodelist, suffix_hook_sees_each_item)
{
	struct suffix_log log = { 0 };
	struct nodelist l;
	struct errbuf e = { "" };

	cr_assert_eq(nodelist_parse("1*,3-5*,7", &l, eat_star, &log, &e), 0, "%s", e.msg);
	cr_assert_eq(log.calls, 2);
	cr_assert_eq(log.first, 3);
	cr_assert_eq(log.last, 5);
	cr_assert(nodemask_equal(&l.nodes, MASK(1, 3, 4, 5, 7)));
}

Test(nodelist, suffix_hook_errors_propagate)
{
	struct suffix_log log = { 0 };
	struct nodelist l = { .all = true };
	struct errbuf e = { "" };

	cr_assert_eq(nodelist_parse("1x", &l, eat_star, &log, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "hook refused");
	cr_assert(l.all, "output changed on error");
	/* what the hook leaves must still be followed by ',' or the end */
	cr_assert_eq(nodelist_parse("1**", &l, eat_star, &log, &e), -EINVAL);
	cr_assert(strstr(e.msg, "unexpected \"*\" after node 1"), "%s", e.msg);
}

Test(nodelist, resolve)
{
	struct nodemask allowed = *MASK(1, 2, 3), out;
	struct nodelist l;

	cr_assert_eq(nodelist_parse("!2", &l, NULL, NULL, NULL), 0);
	nodelist_resolve(&l, &allowed, &out);
	cr_assert(nodemask_equal(&out, MASK(1, 3)));
	cr_assert_eq(nodelist_parse("all", &l, NULL, NULL, NULL), 0);
	nodelist_resolve(&l, &allowed, &out);
	cr_assert(nodemask_equal(&out, &allowed));
	cr_assert_eq(nodelist_parse("5", &l, NULL, NULL, NULL), 0);
	nodelist_resolve(&l, &allowed, &out);
	cr_assert(nodemask_equal(&out, MASK(5)), "a plain list ignores @allowed");
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text form of policies: canonical printing, round trips for every
 * mode and flag, random policies, and a reason for every refusal.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "masks.h"
#include "policy.h"

/* A machine with nodes 0-7 of which numafs may use 0-3. */
static struct nodemask online, allowed;
static struct policy_env env = { &online, &allowed };

/* Policies parsed by a test, put when it ends. */
static struct numa_policy *parsed[64];
static unsigned int nr_parsed;

static void machine(void)
{
	online = *MASK(0, 1, 2, 3, 4, 5, 6, 7);
	allowed = *MASK(0, 1, 2, 3);
}

static void put_parsed(void)
{
	while (nr_parsed)
		policy_put(parsed[--nr_parsed]);
}

TestSuite(text, .init = machine, .fini = put_parsed);

static void keep(struct numa_policy *p)
{
	cr_assert_lt(nr_parsed, 64u);
	parsed[nr_parsed++] = p;
}

static struct numa_policy *parse(const char *text)
{
	struct numa_policy *p = NULL;
	struct errbuf e = { "" };

	cr_assert_eq(policy_parse(text, &env, &p, &e), 0, "\"%s\" refused: %s", text, e.msg);
	cr_assert_not_null(p);
	keep(p);
	return p;
}

/* The canonical text of @p, valid until the next call. */
static const char *print(const struct numa_policy *p)
{
	static char buf[POLICY_TEXT_MAX];
	int len = policy_print(p, buf, sizeof(buf));

	cr_assert_geq(len, 0);
	cr_assert_eq((size_t)len, strlen(buf));
	return buf;
}

/* print -> parse gives @p back, and printing that gives the same text. */
static void assert_round_trip(const struct numa_policy *p)
{
	char text[POLICY_TEXT_MAX];
	struct numa_policy *back;

	strcpy(text, print(p));
	back = parse(text);
	cr_assert(policy_equal(p, back), "\"%s\" parses to a different policy", text);
	cr_assert_str_eq(print(back), text);
}

static void assert_canonical(const char *text, const char *want)
{
	struct numa_policy *p = parse(text);

	cr_assert_str_eq(print(p), want, "\"%s\"", text);
	assert_round_trip(p);
}

Test(text, canonical_forms)
{
	static const char *const cases[][2] = {
		{ "default", "default" },
		{ "local", "local" },
		{ "interleave:0-3", "interleave:0-3" },
		{ "interleave:0,1,2,3", "interleave:0-3" },
		{ "interleave:3,2,1,0", "interleave:0-3" },
		{ "interleave:1,1", "interleave:1" },
		{ "interleave:all", "interleave:0-3" },
		{ "interleave", "interleave:0-3" },
		{ "interleave:!2", "interleave:0-1,3" },
		{ "interleave:!0,3", "interleave:1-2" },
		{ "bind:0-1,2-3", "bind:0-3" },
		{ "bind:2,3", "bind:2-3" },
		{ "bind:001", "bind:1" },
		{ "prefer:2", "preferred:2" },
		{ "preferred:2", "preferred:2" },
		{ "preferred-many:3,1", "preferred-many:1,3" },
		{ "bind=static:1,3,5", "bind=static:1,3,5" },
		{ "bind=static:all", "bind=static:0-3" },
		{ "bind=static:!1", "bind=static:0,2-3" },
		{ "preferred=static:2", "preferred=static:2" },
		{ "interleave=relative:0,2", "interleave=relative:0,2" },
		{ "interleave=relative:7", "interleave=relative:7" },
		{ "interleave=relative:all", "interleave=relative:0-3" },
		{ "interleave=relative:!1", "interleave=relative:0,2-3" },
		{ "interleave=relative", "interleave=relative:0-3" },
		{ "interleave=static", "interleave=static:0-3" },
		{ "weighted-interleave", "weighted-interleave:0-3" },
		{ "weighted-interleave:0*3,1*1", "weighted-interleave:0*3,1*1" },
		{ "weighted-interleave:1*1,0*3", "weighted-interleave:0*3,1*1" },
		{ "weighted-interleave:0-2*2", "weighted-interleave:0*2,1*2,2*2" },
		{ "weighted-interleave:0-3,1*5", "weighted-interleave:0,1*5,2-3" },
		{ "weighted-interleave:0*2,0*2", "weighted-interleave:0*2" },
		{ "weighted-interleave:0*007", "weighted-interleave:0*7" },
		{ "weighted-interleave:3*255", "weighted-interleave:3*255" },
		{ "weighted-interleave:all", "weighted-interleave:0-3" },
		{ "weighted-interleave=static:1*2,5*3", "weighted-interleave=static:1*2,5*3" },
		{ "weighted-interleave=relative:0*2,9*3", "weighted-interleave=relative:0*2,9*3" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_canonical(cases[i][0], cases[i][1]);
		put_parsed();
	}
}

Test(text, whitespace_around_the_text_is_ignored)
{
	assert_canonical("  interleave:0-3", "interleave:0-3");
	assert_canonical("interleave:0-3 \n", "interleave:0-3");
	assert_canonical("\t bind=static:1,5\r\n ", "bind=static:1,5");
	assert_canonical("\nlocal\n", "local");
}

Test(text, parsed_values)
{
	struct numa_policy *p;

	p = parse("weighted-interleave=static:1*2,5*3,2");
	cr_assert_eq(p->mode, NUMAFS_MPOL_WEIGHTED_INTERLEAVE);
	cr_assert_eq(p->flags, NUMAFS_MPOL_F_STATIC_NODES);
	cr_assert(nodemask_equal(&p->user_nodes, MASK(1, 2, 5)));
	cr_assert(nodemask_equal(&p->nodes, MASK(1, 2)));
	cr_assert(nodemask_equal(&p->bound_to, &allowed));
	cr_assert_not_null(p->weights);
	cr_assert_eq(p->weights[1], 2);
	cr_assert_eq(p->weights[2], 0);
	cr_assert_eq(p->weights[5], 3);

	p = parse("prefer:3");
	cr_assert_eq(p->mode, NUMAFS_MPOL_PREFERRED);
	cr_assert(nodemask_equal(&p->nodes, MASK(3)));

	p = parse("interleave=relative:5");
	cr_assert_eq(p->flags, NUMAFS_MPOL_F_RELATIVE_NODES);
	cr_assert(nodemask_equal(&p->user_nodes, MASK(5)));
	cr_assert(nodemask_equal(&p->nodes, MASK(1)));

	p = parse("weighted-interleave:0-3");
	cr_assert_null(p->weights, "no weights given, none stored");
}

Test(text, not_and_all_follow_the_allowed_set)
{
	allowed = *MASK(2, 5, 7);
	cr_assert(nodemask_equal(&parse("interleave:!2")->nodes, MASK(5, 7)));
	cr_assert(nodemask_equal(&parse("interleave:all")->nodes, MASK(2, 5, 7)));
	cr_assert(nodemask_equal(&parse("interleave")->nodes, MASK(2, 5, 7)));
	cr_assert(nodemask_equal(&parse("bind=static:!7")->user_nodes, MASK(2, 5)));
	/* for relative, "all" is every position of the allowed set */
	cr_assert(nodemask_equal(&parse("bind=relative:all")->user_nodes, MASK(0, 1, 2)));
	cr_assert(nodemask_equal(&parse("bind=relative:!1")->nodes, MASK(2, 7)));
}

/* Every mode with every flag it can take. */

static const char *const flag_texts[] = { "", "=static", "=relative" };
static const unsigned int flag_values[] = {
	0, NUMAFS_MPOL_F_STATIC_NODES, NUMAFS_MPOL_F_RELATIVE_NODES,
};

Test(text, every_mode_and_flag_round_trips)
{
	static const char *const lists[] = { "0", "3", "0-3", "1,3", "!2", "all" };

	for (unsigned int mode = 0; mode < NUMAFS_MPOL_MAX; mode++) {
		bool takes_nodes = mode != NUMAFS_MPOL_DEFAULT && mode != NUMAFS_MPOL_LOCAL;

		for (unsigned int f = 0; f < 3; f++) {
			for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
				char text[64];
				struct numa_policy *p;
				bool one = strlen(lists[l]) == 1;

				if (!takes_nodes && (f || l))
					continue;
				if (mode == NUMAFS_MPOL_PREFERRED && !one)
					continue;
				snprintf(text, sizeof(text), "%s%s%s%s", policy_mode_name(mode),
					 flag_texts[f], takes_nodes ? ":" : "",
					 takes_nodes ? lists[l] : "");
				p = parse(text);
				cr_assert_eq(p->mode, mode, "%s", text);
				cr_assert_eq(p->flags, flag_values[f], "%s", text);
				assert_round_trip(p);
				put_parsed();
			}
		}
	}
}

Test(text, weighted_with_every_flag_round_trips)
{
	for (unsigned int f = 0; f < 3; f++) {
		char text[64];

		snprintf(text, sizeof(text), "weighted-interleave%s:0*9,1,2*200,3", flag_texts[f]);
		assert_canonical(text, text);
	}
}

/* Refusals. */

struct refusal {
	const char *text;
	const char *reason;
};

static const struct refusal refusals[] = {
	/* the text as a whole */
	{ "", "empty policy" },
	{ "   \t\n", "empty policy" },
	{ ":0", "missing mode" },
	{ "=static:0", "missing mode" },
	/* modes */
	{ "interleav", "unknown mode \"interleav\"" },
	{ "interleav:0-3", "unknown mode \"interleav\"" },
	{ "Interleave:0", "unknown mode \"Interleave\"" },
	{ "interleave :0", "unknown mode \"interleave \"" },
	{ "preferredmany:0", "unknown mode \"preferredmany\"" },
	{ "preferred_many:0", "unknown mode \"preferred_many\"" },
	{ "weighted:0", "unknown mode \"weighted\"" },
	{ "bindx:0", "unknown mode \"bindx\"" },
	/* flags */
	{ "bind=foo:1", "unknown flag \"foo\"" },
	{ "bind=Static:1", "unknown flag \"Static\"" },
	{ "bind=:1", "missing flag after \"=\"" },
	{ "bind=", "missing flag after \"=\"" },
	{ "bind=static=:1", "missing flag after \"=\"" },
	{ "bind=static=relative:1", "static and relative cannot be combined" },
	{ "bind=relative,static:1", "static and relative cannot be combined" },
	{ "bind=static=static:1", "flag \"static\" is given twice" },
	{ "default=static", "default takes no flags" },
	{ "local=relative", "local takes no flags" },
	/* node lists */
	{ "default:1", "default takes no node list" },
	{ "default:", "default takes no node list" },
	{ "local:0-3", "local takes no node list" },
	{ "interleave:", "empty node list" },
	{ "bind", "bind needs a node list" },
	{ "preferred", "preferred needs a node list" },
	{ "prefer", "preferred needs a node list" },
	{ "preferred-many", "preferred-many needs a node list" },
	{ "bind=static", "bind needs a node list" },
	{ "interleave:1,", "trailing comma in node list" },
	{ "interleave:1,,2", "empty item in node list" },
	{ "interleave:3-1", "range 3-1 is reversed" },
	{ "interleave:1024", "node 1024 is out of range 0..1023" },
	{ "interleave: 0", "expected a node number, found \" 0\"" },
	{ "interleave:0 ,1", "unexpected \" ,1\" after node 0" },
	{ "interleave:0:1", "unexpected \":1\" after node 0" },
	{ "interleave:!", "nothing after \"!\" in node list" },
	{ "interleave:all,1", "unexpected \",1\" after \"all\"" },
	/* nodes */
	{ "interleave:7", "node 7 is not allowed" },
	{ "interleave:0-3,5", "node 5 is not allowed" },
	{ "interleave:9", "node 9 does not exist" },
	{ "bind=static:9", "node 9 does not exist" },
	{ "interleave:!9", "node 9 does not exist" },
	{ "bind=static:5-6", "none of the nodes is allowed" },
	{ "interleave:!0-3", "interleave needs at least one node" },
	{ "preferred:1-2", "preferred takes exactly one node" },
	{ "prefer:1,3", "preferred takes exactly one node" },
	{ "preferred:all", "preferred takes exactly one node" },
	/* weights */
	{ "weighted-interleave:1*0", "weight 0 of node 1 is out of range 1..255" },
	{ "weighted-interleave:1*256", "weight 256 of node 1 is out of range 1..255" },
	{ "weighted-interleave:1*99999999999", "weight 99999999999 of node 1 is out of range" },
	{ "weighted-interleave:2-3*0", "weight 0 of node 2 is out of range" },
	{ "weighted-interleave:1*", "expected a weight after \"*\" of node 1" },
	{ "weighted-interleave:1*,2", "expected a weight after \"*\" of node 1" },
	{ "weighted-interleave:1*-2", "expected a weight after \"*\" of node 1" },
	{ "weighted-interleave:1*2*3", "unexpected \"*3\" after node 1" },
	{ "weighted-interleave:1*2x", "unexpected \"x\" after node 1" },
	{ "weighted-interleave:1*2,1*3", "node 1 is given two weights" },
	{ "weighted-interleave:0-2*2,1*3", "node 1 is given two weights" },
	{ "weighted-interleave:!1*2", "weights cannot be given in a \"!\" list" },
	{ "weighted-interleave:5*2", "node 5 is not allowed" },
	{ "interleave:1*2", "weights are only for weighted-interleave" },
	{ "bind=static:1*2", "weights are only for weighted-interleave" },
	{ "interleave:1x", "unexpected \"x\" after node 1" },
};

Test(text, refusals_have_reasons_and_make_nothing)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		struct numa_policy *untouched = (struct numa_policy *)&env, *p = untouched;
		struct errbuf e = { "" };

		cr_assert_eq(policy_parse(r->text, &env, &p, &e), -EINVAL,
			     "\"%s\" accepted, want \"%s\"", r->text, r->reason);
		cr_assert(strstr(e.msg, r->reason), "\"%s\": got \"%s\", want \"%s\"",
			  r->text, e.msg, r->reason);
		cr_assert_eq(p, untouched, "\"%s\" changed the output", r->text);
	}
}

Test(text, reasons_quote_what_was_wrong)
{
	/* the same mistake with different text must say which text */
	struct errbuf a = { "" }, b = { "" };
	struct numa_policy *p;

	cr_assert_eq(policy_parse("interleav:0", &env, &p, &a), -EINVAL);
	cr_assert_eq(policy_parse("interleavx:0", &env, &p, &b), -EINVAL);
	cr_assert_str_neq(a.msg, b.msg);
	cr_assert_eq(policy_parse("interleave:5", &env, &p, &a), -EINVAL);
	cr_assert_eq(policy_parse("interleave:6", &env, &p, &b), -EINVAL);
	cr_assert_str_neq(a.msg, b.msg);
}

Test(text, long_junk_is_quoted_briefly)
{
	char text[600];
	struct errbuf e = { "" };
	struct numa_policy *p;

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	cr_assert_eq(policy_parse(text, &env, &p, &e), -EINVAL);
	cr_assert(strstr(e.msg, "unknown mode \"xxxx"), "%s", e.msg);
	cr_assert_lt(strlen(e.msg), 80u);
}

Test(text, errbuf_is_optional)
{
	struct numa_policy *p;

	cr_assert_eq(policy_parse("bogus", &env, &p, NULL), -EINVAL);
	cr_assert_eq(policy_parse("weighted-interleave:1*0", &env, &p, NULL), -EINVAL);
}

/* Printing into small buffers. */

Test(text, print_reports_a_short_buffer)
{
	struct numa_policy *p = parse("weighted-interleave=static:0*3,1-2");
	const char *want = "weighted-interleave=static:0*3,1-2";
	size_t need = strlen(want);
	char buf[64];

	cr_assert_eq(policy_print(p, buf, need + 1), (int)need);
	cr_assert_str_eq(buf, want);
	for (size_t len = 0; len <= need; len++)
		cr_assert_eq(policy_print(p, buf, len), -ERANGE, "len %zu", len);
	cr_assert_eq(policy_print(parse("local"), buf, 5), -ERANGE);
	cr_assert_eq(policy_print(parse("local"), buf, 6), 5);
}

Test(text, longest_policy_fits_text_max)
{
	uint8_t weights[NUMAFS_MAX_NODES];
	struct numa_policy *p;
	char buf[POLICY_TEXT_MAX];
	int len;

	nodemask_fill(&online);
	nodemask_fill(&allowed);
	memset(weights, POLICY_MAX_WEIGHT, sizeof(weights));
	cr_assert_eq(policy_create(&p, NUMAFS_MPOL_WEIGHTED_INTERLEAVE,
				   NUMAFS_MPOL_F_RELATIVE_NODES, &online, weights, &env, NULL), 0);
	keep(p);
	len = policy_print(p, buf, sizeof(buf));
	cr_assert_gt(len, 0, "POLICY_TEXT_MAX is too small");
	cr_assert(strstr(buf, ",1023*255"));
	assert_round_trip(p);
}

/* Random policies, made directly and sent through the text form. */

/* A random non-empty subset of @from with about @permille of its nodes. */
static void random_subset(uint64_t *seed, const struct nodemask *from,
			  unsigned int permille, struct nodemask *out)
{
	int node;

	nodemask_zero(out);
	nodemask_for_each(node, from)
		if (rng_next(seed) % 1000 < permille)
			nodemask_set(out, node);
	if (nodemask_empty(out))
		nodemask_set(out, nodemask_nth(from, rng_next(seed) % nodemask_weight(from)));
}

/* Nodes for @flags that policy_create() accepts under the current env. */
static void random_nodes(uint64_t *seed, unsigned int mode, unsigned int flags,
			 struct nodemask *nodes)
{
	struct nodemask positions;

	if (flags & NUMAFS_MPOL_F_RELATIVE_NODES) {
		nodemask_zero(&positions);
		for (unsigned int i = 0; i < 2 * nodemask_weight(&allowed) + 3; i++)
			nodemask_set(&positions, i);
		random_subset(seed, &positions, 400, nodes);
	} else if (flags & NUMAFS_MPOL_F_STATIC_NODES) {
		random_subset(seed, &online, 400, nodes);
		nodemask_set(nodes, nodemask_nth(&allowed, 0));
	} else {
		random_subset(seed, &allowed, 400, nodes);
	}
	if (mode == NUMAFS_MPOL_PREFERRED) {
		unsigned int n = flags & NUMAFS_MPOL_F_STATIC_NODES ?
				 (unsigned int)nodemask_nth(&allowed, 0) :
				 (unsigned int)nodemask_nth(nodes, 0);

		nodemask_zero(nodes);
		nodemask_set(nodes, n);
	}
}

static void random_weights(uint64_t *seed, const struct nodemask *nodes, uint8_t *weights)
{
	int node;

	memset(weights, 0, NUMAFS_MAX_NODES);
	nodemask_for_each(node, nodes)
		if (rng_next(seed) % 2)
			weights[node] = 1 + rng_next(seed) % POLICY_MAX_WEIGHT;
}

Test(text, random_policies_round_trip)
{
	uint64_t seed = 0x51ed27a1c0ffee11ull;
	uint8_t weights[NUMAFS_MAX_NODES];

	nodemask_zero(&online);
	for (unsigned int n = 0; n < 200; n++)
		nodemask_set(&online, n);
	for (int round = 0; round < 2000; round++) {
		unsigned int mode = rng_next(&seed) % NUMAFS_MPOL_MAX;
		unsigned int flags = flag_values[rng_next(&seed) % 3];
		struct nodemask nodes;
		struct numa_policy *p;
		struct errbuf e = { "" };
		bool weighted = mode == NUMAFS_MPOL_WEIGHTED_INTERLEAVE;

		random_subset(&seed, &online, 1 + rng_next(&seed) % 1000, &allowed);
		if (mode == NUMAFS_MPOL_DEFAULT || mode == NUMAFS_MPOL_LOCAL) {
			flags = 0;
			nodemask_zero(&nodes);
		} else {
			random_nodes(&seed, mode, flags, &nodes);
		}
		if (weighted)
			random_weights(&seed, &nodes, weights);
		cr_assert_eq(policy_create(&p, mode, flags, &nodes, weighted ? weights : NULL,
					   &env, &e), 0, "round %d: %s", round, e.msg);
		keep(p);
		assert_round_trip(p);
		put_parsed();
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numa-truth check FILE RULE...: every page of FILE where the rules say.
 *
 * RULE is [FIRST-LAST=]EXPECT for pages FIRST..LAST (default: all), later
 * rules overriding earlier ones, EXPECT one of
 *	node:N			every page on node N
 *	interleave:A,B-C	page i on the ((phase + i) mod n)-th node
 *	weighted:A*W,B*V	the same over the nodes repeated by weight
 *	any:A,B-C		every page on one of these nodes
 *	min:N:COUNT		(no pages) at least COUNT pages on node N
 * Interleaving is the kernel's rule for shmem, the phase being the backing
 * inode's number.  numafs publishes it as phase= in user.numa.stats; where
 * it does not (yet), the phase that fits most pages is taken and said so,
 * so a file whose pages do not follow one phase still fails.
 *
 * numa-truth check --after COMMAND FILE RULE...: the same, of a mapping
 * that was made and faulted in before COMMAND (a migration) ran: the
 * pages under a live mapping, which must still hold their data.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "truth.h"

#define RULE_MAX_SEQ 1024

struct rule {
	size_t first, last;
	bool any;			/* a page may be on any node of seq */
	unsigned int len;		/* of seq: the sum of the weights */
	int seq[RULE_MAX_SEQ];		/* page i is on seq[(phase + i) % len] */
	unsigned int min_node;		/* min: */
	size_t min_count;
};

static int add_nodes(struct rule *r, unsigned int from, unsigned int to, unsigned int weight)
{
	for (unsigned int n = from; n <= to; n++)
		for (unsigned int w = 0; w < weight; w++) {
			if (r->len == RULE_MAX_SEQ || n >= TRUTH_MAX_NODES)
				return -1;
			r->seq[r->len++] = (int)n;
		}
	return 0;
}

/* "A,B-C" or, weighted, "A*W,B*V": nodes in the order given (ascending). */
static int parse_nodes(struct rule *r, const char *list, int weighted)
{
	const char *p = list;

	while (*p) {
		unsigned int from, to, weight = 1;
		int used = 0;

		if (sscanf(p, "%u%n", &from, &used) != 1)
			return -1;
		p += used;
		to = from;
		if (*p == '-' && sscanf(p + 1, "%u%n", &to, &used) == 1)
			p += 1 + used;
		if (weighted && (*p != '*' || sscanf(p + 1, "%u%n", &weight, &used) != 1))
			return -1;
		if (weighted)
			p += 1 + used;
		if (to < from || add_nodes(r, from, to, weight))
			return -1;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return r->len ? 0 : -1;
}

static int parse_rule(const char *text, size_t pages, struct rule *r)
{
	const char *eq = strchr(text, '=');
	const char *colon;

	r->first = 0;
	r->last = pages ? pages - 1 : 0;
	r->len = 0;
	if (eq) {
		if (sscanf(text, "%zu-%zu=", &r->first, &r->last) != 2 || r->last < r->first)
			return -1;
		text = eq + 1;
	}
	colon = strchr(text, ':');
	if (!colon)
		return -1;
	if (!strncmp(text, "node:", 5) || !strncmp(text, "interleave:", 11))
		return parse_nodes(r, colon + 1, 0);
	if (!strncmp(text, "weighted:", 9))
		return parse_nodes(r, colon + 1, 1);
	if (!strncmp(text, "any:", 4)) {
		r->any = true;
		return parse_nodes(r, colon + 1, 0);
	}
	if (!strncmp(text, "min:", 4) && !eq &&
	    sscanf(colon + 1, "%u:%zu", &r->min_node, &r->min_count) == 2 &&
	    r->min_node < TRUTH_MAX_NODES) {
		r->first = 1;
		r->last = 0;
		return 0;
	}
	return -1;
}

static bool rule_allows(const struct rule *r, size_t phase, size_t page, int node)
{
	if (!r->any)
		return node == r->seq[(phase + page) % r->len];
	for (unsigned int k = 0; k < r->len; k++)
		if (node == r->seq[k])
			return true;
	return false;
}

static size_t rule_misses(const struct rule *r, const struct mapped_file *m, size_t phase,
			  const struct rule *const *owner, int report)
{
	size_t misses = 0;

	for (size_t i = r->first; i <= r->last && i < m->pages; i++) {
		if (owner[i] != r || rule_allows(r, phase, i, m->node[i]))
			continue;
		if (report && misses < 5)
			printf("  page %zu: node %d, expected %s%d\n", i, m->node[i],
			       r->any ? "one of the nodes from " : "",
			       r->seq[r->any ? 0 : (phase + i) % r->len]);
		misses++;
	}
	return misses;
}

static size_t best_phase(const struct rule *r, const struct mapped_file *m,
			 const struct rule *const *owner)
{
	size_t best = 0, fewest = (size_t)-1;

	for (size_t p = 0; p < r->len; p++) {
		size_t misses = rule_misses(r, m, p, owner, 0);

		if (misses < fewest) {
			fewest = misses;
			best = p;
		}
	}
	return best;
}

static size_t check_rules(struct rule *rules, int n, const struct mapped_file *m)
{
	const struct rule **owner = calloc(m->pages ? m->pages : 1, sizeof(*owner));
	long long phase = stats_phase(m->path);
	size_t misses = 0;

	if (!owner)
		return (size_t)-1;
	for (int k = 0; k < n; k++)
		for (size_t i = rules[k].first; i <= rules[k].last && i < m->pages; i++)
			owner[i] = &rules[k];
	for (int k = 0; k < n; k++) {
		size_t p;

		if (!rules[k].len)	/* min: */
			continue;
		p = phase >= 0 ? (size_t)phase % rules[k].len : best_phase(&rules[k], m, owner);
		if (phase < 0 && rules[k].len > 1 && !rules[k].any)
			printf("  rule %d: phase %zu fits best (no phase= in user.numa.stats)\n",
			       k + 1, p);
		misses += rule_misses(&rules[k], m, p, owner, 1);
	}
	free(owner);
	return misses;
}

/* Faults the pages in, then runs @command while they are mapped. */
static int run_while_mapped(struct mapped_file *m, const char *command)
{
	int status;

	if (locate_pages(m))
		return -1;
	status = system(command);
	if (status) {
		printf("  '%s' failed (status %#x)\n", command, status);
		return -1;
	}
	return 0;
}

int cmd_check(int argc, char **argv)
{
	size_t count[TRUTH_MAX_NODES + 1], misses;
	const char *after = NULL;
	struct mapped_file m;
	struct rule *rules;
	int status = TRUTH_ERROR;

	if (argc > 2 && !strcmp(argv[1], "--after")) {
		after = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fputs("usage: numa-truth check [--after COMMAND] FILE RULE...\n", stderr);
		return TRUTH_ERROR;
	}
	if (map_file(argv[1], &m))
		return TRUTH_ERROR;
	rules = calloc((size_t)argc - 2, sizeof(*rules));
	if (!rules || (after && run_while_mapped(&m, after)) || locate_pages(&m))
		goto out;
	for (int k = 2; k < argc; k++)
		if (parse_rule(argv[k], m.pages, &rules[k - 2])) {
			fprintf(stderr, "numa-truth: bad rule '%s'\n", argv[k]);
			goto out;
		}
	count_per_node(&m, count);
	print_per_node(argv[1], count);
	misses = check_rules(rules, argc - 2, &m);
	printf("  %zu of %zu pages not where the policy says\n", misses, m.pages);
	status = misses || !m.pages ? TRUTH_FAIL : TRUTH_PASS;
	for (int k = 0; k < argc - 2; k++)
		if (!rules[k].len && count[rules[k].min_node] < rules[k].min_count) {
			printf("  node %u holds %zu pages, fewer than %zu\n", rules[k].min_node,
			       count[rules[k].min_node], rules[k].min_count);
			status = TRUTH_FAIL;
		}
out:
	free(rules);
	unmap_file(&m);
	return status;
}

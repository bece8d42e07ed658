// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Node masks: set operations, iteration, and numactl's node list syntax.
 * nodemask_remap() and nodemask_relative() live in rebind.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nodemask.h"

#define WORD(node) ((node) / 64)
#define BIT(node) (UINT64_C(1) << ((node) % 64))

void nodemask_zero(struct nodemask *m)
{
	memset(m, 0, sizeof(*m));
}

void nodemask_fill(struct nodemask *m)
{
	memset(m, 0xff, sizeof(*m));
}

void nodemask_set(struct nodemask *m, unsigned int node)
{
	if (node < NUMAFS_MAX_NODES)
		m->w[WORD(node)] |= BIT(node);
}

void nodemask_clear(struct nodemask *m, unsigned int node)
{
	if (node < NUMAFS_MAX_NODES)
		m->w[WORD(node)] &= ~BIT(node);
}

bool nodemask_test(const struct nodemask *m, unsigned int node)
{
	return node < NUMAFS_MAX_NODES && (m->w[WORD(node)] & BIT(node));
}

bool nodemask_empty(const struct nodemask *m)
{
	for (unsigned int i = 0; i < NODEMASK_WORDS; i++)
		if (m->w[i])
			return false;
	return true;
}

bool nodemask_equal(const struct nodemask *a, const struct nodemask *b)
{
	return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool nodemask_subset(const struct nodemask *sub, const struct nodemask *sup)
{
	for (unsigned int i = 0; i < NODEMASK_WORDS; i++)
		if (sub->w[i] & ~sup->w[i])
			return false;
	return true;
}

unsigned int nodemask_weight(const struct nodemask *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NODEMASK_WORDS; i++)
		n += __builtin_popcountll(m->w[i]);
	return n;
}

void nodemask_and(struct nodemask *dst, const struct nodemask *a, const struct nodemask *b)
{
	for (unsigned int i = 0; i < NODEMASK_WORDS; i++)
		dst->w[i] = a->w[i] & b->w[i];
}

void nodemask_or(struct nodemask *dst, const struct nodemask *a, const struct nodemask *b)
{
	for (unsigned int i = 0; i < NODEMASK_WORDS; i++)
		dst->w[i] = a->w[i] | b->w[i];
}

void nodemask_andnot(struct nodemask *dst, const struct nodemask *a, const struct nodemask *b)
{
	for (unsigned int i = 0; i < NODEMASK_WORDS; i++)
		dst->w[i] = a->w[i] & ~b->w[i];
}

/* Index (0..63) of the n-th set bit of @w, which has more than n. */
static unsigned int word_nth(uint64_t w, unsigned int n)
{
	while (n--)
		w &= w - 1;
	return __builtin_ctzll(w);
}

int nodemask_nth(const struct nodemask *m, unsigned int n)
{
	for (unsigned int i = 0; i < NODEMASK_WORDS; i++) {
		unsigned int here = __builtin_popcountll(m->w[i]);

		if (n < here)
			return i * 64 + word_nth(m->w[i], n);
		n -= here;
	}
	return -1;
}

int nodemask_position(const struct nodemask *m, unsigned int node)
{
	unsigned int pos = 0;

	if (!nodemask_test(m, node))
		return -1;
	for (unsigned int i = 0; i < WORD(node); i++)
		pos += __builtin_popcountll(m->w[i]);
	return pos + __builtin_popcountll(m->w[WORD(node)] & (BIT(node) - 1));
}

int nodemask_next(const struct nodemask *m, int prev)
{
	unsigned int node = prev < 0 ? 0 : (unsigned int)prev + 1;

	while (node < NUMAFS_MAX_NODES) {
		uint64_t rest = m->w[WORD(node)] & ~(BIT(node) - 1);

		if (rest)
			return WORD(node) * 64 + __builtin_ctzll(rest);
		node = (WORD(node) + 1) * 64;
	}
	return -1;
}

/*
 * Parsing.  The grammar is small enough for a hand-written scanner; each
 * way of going wrong gets its own message because people type these.
 */

/* Read a decimal node id at *@pos. */
static int parse_node(const char **pos, unsigned int *node, struct errbuf *e)
{
	const char *start = *pos, *p = start;
	unsigned long v = 0;

	if (*p < '0' || *p > '9') {
		if (!*p)
			return err_set(e, EINVAL, "node list ends where a node number was expected");
		if (*p == ',')
			return err_set(e, EINVAL, "empty item in node list");
		return err_set(e, EINVAL, "expected a node number, found \"%.16s\"", p);
	}
	while (*p >= '0' && *p <= '9') {
		if (v < NUMAFS_MAX_NODES)
			v = v * 10 + (unsigned long)(*p - '0');
		p++;
	}
	if (v >= NUMAFS_MAX_NODES)
		return err_set(e, EINVAL, "node %.*s is out of range 0..%d",
			       (int)(p - start > 24 ? 24 : p - start), start,
			       NUMAFS_MAX_NODES - 1);
	*node = (unsigned int)v;
	*pos = p;
	return 0;
}

/* Read "N" or "N-M" at *@pos. */
static int parse_range(const char **pos, unsigned int *first, unsigned int *last,
		       struct errbuf *e)
{
	int ret = parse_node(pos, first, e);

	if (ret)
		return ret;
	*last = *first;
	if (**pos != '-')
		return 0;
	(*pos)++;
	ret = parse_node(pos, last, e);
	if (ret)
		return ret;
	if (*last < *first)
		return err_set(e, EINVAL, "range %u-%u is reversed", *first, *last);
	return 0;
}

/* After an item: ',' followed by another item, or the end. */
static int parse_separator(const char **pos, unsigned int last, struct errbuf *e)
{
	if (!**pos)
		return 0;
	if (**pos != ',')
		return err_set(e, EINVAL, "unexpected \"%.16s\" after node %u", *pos, last);
	(*pos)++;
	if (!**pos)
		return err_set(e, EINVAL, "trailing comma in node list");
	return 0;
}

static int parse_items(const char *p, struct nodemask *nodes,
		       nodelist_suffix_fn *suffix, void *arg, struct errbuf *e)
{
	unsigned int first, last;
	int ret;

	while (*p) {
		ret = parse_range(&p, &first, &last, e);
		if (ret)
			return ret;
		for (unsigned int n = first; n <= last; n++)
			nodemask_set(nodes, n);
		if (suffix && *p && *p != ',') {
			ret = suffix(arg, first, last, &p, e);
			if (ret)
				return ret;
		}
		ret = parse_separator(&p, last, e);
		if (ret)
			return ret;
	}
	return 0;
}

int nodelist_parse(const char *text, struct nodelist *out,
		   nodelist_suffix_fn *suffix, void *arg, struct errbuf *e)
{
	struct nodelist l = { .all = false, .inverted = false };
	const char *p = text;
	int ret;

	nodemask_zero(&l.nodes);
	if (!*p)
		return err_set(e, EINVAL, "empty node list");
	if (strcmp(p, "all") == 0) {
		l.all = true;
		*out = l;
		return 0;
	}
	if (strncmp(p, "all", 3) == 0)
		return err_set(e, EINVAL, "unexpected \"%.16s\" after \"all\"", p + 3);
	if (*p == '!') {
		l.inverted = true;
		if (!*++p)
			return err_set(e, EINVAL, "nothing after \"!\" in node list");
	}
	ret = parse_items(p, &l.nodes, suffix, arg, e);
	if (ret)
		return ret;
	*out = l;
	return 0;
}

void nodelist_resolve(const struct nodelist *l, const struct nodemask *allowed,
		      struct nodemask *out)
{
	struct nodemask every;

	if (!allowed) {
		nodemask_fill(&every);
		allowed = &every;
	}
	if (l->all)
		*out = *allowed;
	else if (l->inverted)
		nodemask_andnot(out, allowed, &l->nodes);
	else
		*out = l->nodes;
}

int nodemask_parse(const char *text, const struct nodemask *allowed,
		   struct nodemask *out, struct errbuf *e)
{
	struct nodelist l;
	int ret = nodelist_parse(text, &l, NULL, NULL, e);

	if (ret)
		return ret;
	nodelist_resolve(&l, allowed, out);
	return 0;
}

/* The last node of the run of set nodes that starts at @node. */
static unsigned int run_end(const struct nodemask *m, unsigned int node)
{
	while (node + 1 < NUMAFS_MAX_NODES && nodemask_test(m, node + 1))
		node++;
	return node;
}

int nodemask_print(const struct nodemask *m, char *buf, size_t len)
{
	size_t used = 0;
	int node;

	if (!len)
		return -ERANGE;
	buf[0] = '\0';
	nodemask_for_each(node, m) {
		unsigned int last = run_end(m, node);
		const char *sep = used ? "," : "";
		int n;

		if (last == (unsigned int)node)
			n = snprintf(buf + used, len - used, "%s%d", sep, node);
		else
			n = snprintf(buf + used, len - used, "%s%d-%u", sep, node, last);
		if (n < 0 || (size_t)n >= len - used)
			return -ERANGE;
		used += n;
		node = last;
	}
	return (int)used;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text form of a policy (DESIGN.md, "Policies"):
 *
 *	mode [ "=" flag ] [ ":" nodelist ]
 *
 * Parsing only reads the text; every rule about what makes a valid policy
 * is policy_create()'s, so the ioctl and the text agree by construction.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* What the text says, before policy_create() judges it. */
struct policy_words {
	unsigned int mode;
	unsigned int flags;
	bool has_weights;
	uint8_t weights[NUMAFS_MAX_NODES];
};

static int parse_mode(const char *word, size_t len, unsigned int *mode, struct errbuf *e)
{
	const char *name;

	if (len == strlen("prefer") && !strncmp(word, "prefer", len)) {
		*mode = NUMAFS_MPOL_PREFERRED;
		return 0;
	}
	for (unsigned int m = 0; (name = policy_mode_name(m)); m++) {
		if (len == strlen(name) && !strncmp(word, name, len)) {
			*mode = m;
			return 0;
		}
	}
	if (!len)
		return err_set(e, EINVAL, "missing mode");
	return err_set(e, EINVAL, "unknown mode \"%.*s\"", (int)(len > 32 ? 32 : len), word);
}

static int parse_flag(const char *word, size_t len, unsigned int *flags, struct errbuf *e)
{
	unsigned int flag;

	if (len == strlen("static") && !strncmp(word, "static", len))
		flag = NUMAFS_MPOL_F_STATIC_NODES;
	else if (len == strlen("relative") && !strncmp(word, "relative", len))
		flag = NUMAFS_MPOL_F_RELATIVE_NODES;
	else if (!len)
		return err_set(e, EINVAL, "missing flag after \"=\"");
	else
		return err_set(e, EINVAL, "unknown flag \"%.*s\"", (int)(len > 32 ? 32 : len), word);
	if (*flags & flag)
		return err_set(e, EINVAL, "flag \"%.*s\" is given twice", (int)len, word);
	*flags |= flag;
	if (*flags == POLICY_MODE_FLAGS)
		return err_set(e, EINVAL, "static and relative cannot be combined");
	return 0;
}

/* "=flag", also "=static=relative" or "=static,relative" to say why not. */
static int parse_flags(const char *text, size_t len, unsigned int *flags, struct errbuf *e)
{
	const char *end = text + len;
	int ret;

	do {
		size_t n = strcspn(text, "=,:");

		if (text + n > end)
			n = end - text;
		ret = parse_flag(text, n, flags, e);
		text += n + 1;
	} while (!ret && text <= end);
	return ret;
}

/* nodelist_suffix_fn: "*W" after an item of weighted-interleave. */
static int parse_weight(void *arg, unsigned int first, unsigned int last,
			const char **pos, struct errbuf *e)
{
	struct policy_words *w = arg;
	const char *p = *pos;
	unsigned long v = 0;

	if (*p != '*')
		return err_set(e, EINVAL, "unexpected \"%.16s\" after node %u", p, last);
	if (w->mode != NUMAFS_MPOL_WEIGHTED_INTERLEAVE)
		return err_set(e, EINVAL, "weights are only for weighted-interleave");
	if (*++p < '0' || *p > '9')
		return err_set(e, EINVAL, "expected a weight after \"*\" of node %u", last);
	for (; *p >= '0' && *p <= '9'; p++)
		if (v <= POLICY_MAX_WEIGHT)
			v = v * 10 + (unsigned long)(*p - '0');
	if (v < 1 || v > POLICY_MAX_WEIGHT)
		return err_set(e, EINVAL, "weight %.*s of node %u is out of range 1..%d",
			       (int)(p - *pos - 1 > 24 ? 24 : p - *pos - 1), *pos + 1,
			       first, POLICY_MAX_WEIGHT);
	for (unsigned int n = first; n <= last; n++) {
		if (w->weights[n] && w->weights[n] != v)
			return err_set(e, EINVAL, "node %u is given two weights", n);
		w->weights[n] = (uint8_t)v;
	}
	w->has_weights = true;
	*pos = p;
	return 0;
}

/* Positions 0 .. weight(@allowed)-1: what "all" means for 'relative'. */
static void all_positions(const struct nodemask *allowed, struct nodemask *out)
{
	unsigned int n = nodemask_weight(allowed);

	nodemask_zero(out);
	for (unsigned int i = 0; i < n; i++)
		nodemask_set(out, i);
}

static int parse_nodes(const char *text, struct policy_words *w,
		       const struct policy_env *env, struct nodemask *nodes,
		       struct errbuf *e)
{
	bool relative = w->flags & NUMAFS_MPOL_F_RELATIVE_NODES;
	struct nodemask positions;
	struct nodelist list;
	int ret;

	ret = nodelist_parse(text, &list, parse_weight, w, e);
	if (ret)
		return ret;
	if (list.inverted && w->has_weights)
		return err_set(e, EINVAL, "weights cannot be given in a \"!\" list");
	if (!relative) {
		struct nodemask missing;

		nodemask_andnot(&missing, &list.nodes, env->online);
		if (!nodemask_empty(&missing))
			return err_set(e, EINVAL, "node %d does not exist",
				       nodemask_nth(&missing, 0));
	}
	if (relative)
		all_positions(env->allowed, &positions);
	nodelist_resolve(&list, relative ? &positions : env->allowed, nodes);
	return 0;
}

/* No list: interleaving spreads over everything allowed, as tmpfs does. */
static int default_nodes(const struct policy_words *w, const struct policy_env *env,
			 struct nodemask *nodes, struct errbuf *e)
{
	nodemask_zero(nodes);
	switch (w->mode) {
	case NUMAFS_MPOL_DEFAULT:
	case NUMAFS_MPOL_LOCAL:
		return 0;
	case NUMAFS_MPOL_INTERLEAVE:
	case NUMAFS_MPOL_WEIGHTED_INTERLEAVE:
		if (w->flags & NUMAFS_MPOL_F_RELATIVE_NODES)
			all_positions(env->allowed, nodes);
		else
			*nodes = *env->allowed;
		return 0;
	default:
		return err_set(e, EINVAL, "%s needs a node list", policy_mode_name(w->mode));
	}
}

static int parse_trimmed(const char *text, const struct policy_env *env,
			 struct numa_policy **out, struct errbuf *e)
{
	struct policy_words w = { .flags = 0, .has_weights = false };
	const char *colon = strchr(text, ':');
	size_t head = colon ? (size_t)(colon - text) : strlen(text);
	size_t mode_len = strcspn(text, "=:");
	struct nodemask nodes;
	int ret;

	if (!*text)
		return err_set(e, EINVAL, "empty policy");
	ret = parse_mode(text, mode_len, &w.mode, e);
	if (!ret && mode_len < head)
		ret = parse_flags(text + mode_len + 1, head - mode_len - 1, &w.flags, e);
	if (ret)
		return ret;
	if (colon && (w.mode == NUMAFS_MPOL_DEFAULT || w.mode == NUMAFS_MPOL_LOCAL))
		return err_set(e, EINVAL, "%s takes no node list", policy_mode_name(w.mode));
	if (colon)
		ret = parse_nodes(colon + 1, &w, env, &nodes, e);
	else
		ret = default_nodes(&w, env, &nodes, e);
	if (ret)
		return ret;
	return policy_create(out, w.mode, w.flags, &nodes,
			     w.has_weights ? w.weights : NULL, env, e);
}

int policy_parse(const char *text, const struct policy_env *env,
		 struct numa_policy **out, struct errbuf *e)
{
	size_t len;
	char *copy;
	int ret;

	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	copy = strndup(text, len);
	if (!copy)
		return err_set(e, ENOMEM, "out of memory");
	ret = parse_trimmed(copy, env, out, e);
	free(copy);
	return ret;
}

/* Printing: append to a bounded buffer, -ERANGE once it is full. */
struct text_out {
	char *buf;
	size_t len;
	size_t used;
};

static int append(struct text_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int append(struct text_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used)
		return -ERANGE;
	o->used += n;
	return 0;
}

static unsigned int weight_of(const uint8_t *weights, unsigned int node)
{
	return weights ? weights[node] : 0;
}

/* The last node of the run from @node that has no explicit weight. */
static unsigned int plain_run_end(const struct nodemask *m, const uint8_t *weights,
				  unsigned int node)
{
	while (node + 1 < NUMAFS_MAX_NODES && nodemask_test(m, node + 1) &&
	       !weight_of(weights, node + 1))
		node++;
	return node;
}

/* Ascending items; runs without weights as ranges, weighted nodes as N*W. */
static int print_list(struct text_out *o, const struct nodemask *m, const uint8_t *weights)
{
	const char *sep = "";
	int node, ret = 0;

	nodemask_for_each(node, m) {
		unsigned int last = node;

		if (weight_of(weights, node))
			ret = append(o, "%s%d*%u", sep, node, weight_of(weights, node));
		else if ((last = plain_run_end(m, weights, node)) == (unsigned int)node)
			ret = append(o, "%s%d", sep, node);
		else
			ret = append(o, "%s%d-%u", sep, node, last);
		if (ret)
			return ret;
		sep = ",";
		node = last;
	}
	return 0;
}

int policy_print(const struct numa_policy *p, char *buf, size_t len)
{
	struct text_out o = { .buf = buf, .len = len, .used = 0 };
	const char *name = policy_mode_name(p->mode);
	int ret;

	if (!len)
		return -ERANGE;
	buf[0] = '\0';
	ret = append(&o, "%s", name ? name : "unknown");
	if (!ret && (p->flags & NUMAFS_MPOL_F_STATIC_NODES))
		ret = append(&o, "=static");
	if (!ret && (p->flags & NUMAFS_MPOL_F_RELATIVE_NODES))
		ret = append(&o, "=relative");
	if (ret || p->mode == NUMAFS_MPOL_DEFAULT || p->mode == NUMAFS_MPOL_LOCAL)
		return ret ? ret : (int)o.used;
	ret = append(&o, ":");
	if (!ret)
		ret = print_list(&o, p->flags ? &p->user_nodes : &p->nodes, p->weights);
	return ret ? ret : (int)o.used;
}

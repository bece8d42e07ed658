/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixed-size node masks for up to NUMAFS_MAX_NODES nodes, with numactl's
 * text syntax.  Plain values: copy them with '='.
 */
#ifndef NUMAFS_NODEMASK_H
#define NUMAFS_NODEMASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "numafs.h"
#include "errbuf.h"

#define NODEMASK_WORDS (NUMAFS_MAX_NODES / 64)

struct nodemask {
	uint64_t w[NODEMASK_WORDS];
};

void nodemask_zero(struct nodemask *m);
void nodemask_fill(struct nodemask *m);			/* 0 .. MAX-1 */
void nodemask_set(struct nodemask *m, unsigned int node);
void nodemask_clear(struct nodemask *m, unsigned int node);
bool nodemask_test(const struct nodemask *m, unsigned int node);
bool nodemask_empty(const struct nodemask *m);
bool nodemask_equal(const struct nodemask *a, const struct nodemask *b);
bool nodemask_subset(const struct nodemask *sub, const struct nodemask *sup);
unsigned int nodemask_weight(const struct nodemask *m);
void nodemask_and(struct nodemask *dst, const struct nodemask *a, const struct nodemask *b);
void nodemask_or(struct nodemask *dst, const struct nodemask *a, const struct nodemask *b);
void nodemask_andnot(struct nodemask *dst, const struct nodemask *a, const struct nodemask *b);

/* The n-th set node (n counts from 0), or -1 when fewer than n+1 are set. */
int nodemask_nth(const struct nodemask *m, unsigned int n);
/* The position of @node among the set nodes, or -1 when it is not set. */
int nodemask_position(const struct nodemask *m, unsigned int node);
/* The first set node after @prev (pass -1 to start), or -1 at the end. */
int nodemask_next(const struct nodemask *m, int prev);

#define nodemask_for_each(node, m) \
	for ((node) = nodemask_next((m), -1); (node) >= 0; \
	     (node) = nodemask_next((m), (node)))

/*
 * Parse numactl's node list syntax: "all", "0-3,5", "!2" (every node of
 * @allowed but 2).  "all" and "!" are relative to @allowed, which may be
 * NULL for "every possible node".  Whitespace is not accepted.  On error
 * returns -EINVAL with a reason in @e and leaves @out untouched.
 */
int nodemask_parse(const char *text, const struct nodemask *allowed,
		   struct nodemask *out, struct errbuf *e);

/*
 * A node list as written, before "all" and "!" are resolved against an
 * allowed set.  For callers that accept more than numactl's syntax.
 */
struct nodelist {
	struct nodemask nodes;	/* the nodes named (empty for "all") */
	bool all;		/* "all" */
	bool inverted;		/* "!": every allowed node but @nodes */
};

/*
 * Reads what may follow item "first-last" at *@pos (not ',' or the end),
 * advancing *@pos past it.  Returns 0 or a negative errno with a reason.
 */
typedef int nodelist_suffix_fn(void *arg, unsigned int first, unsigned int last,
			       const char **pos, struct errbuf *e);

/*
 * Parse @text as nodemask_parse() does but leave "all" and "!" unresolved.
 * @suffix (may be NULL) is offered the text after an item that is neither
 * ',' nor the end.  On error leaves @out untouched.
 */
int nodelist_parse(const char *text, struct nodelist *out,
		   nodelist_suffix_fn *suffix, void *arg, struct errbuf *e);

/* The nodes @l names, given @allowed (NULL: every possible node). */
void nodelist_resolve(const struct nodelist *l, const struct nodemask *allowed,
		      struct nodemask *out);

/*
 * Print in canonical form ("0-3,5"; "" for an empty mask).  Returns the
 * length written (excluding NUL), or -ERANGE when @len is too small.
 */
int nodemask_print(const struct nodemask *m, char *buf, size_t len);

/*
 * The kernel's nodes_remap()/bitmap_remap(): each set node of @src that is
 * the n-th node of @old maps to the (n mod weight(@new))-th node of @new;
 * nodes of @src not in @old stay as they are.  An empty @old or @new
 * leaves @src as it is.
 */
void nodemask_remap(struct nodemask *dst, const struct nodemask *src,
		    const struct nodemask *old, const struct nodemask *new_set);

/*
 * The kernel's mpol_relative_nodemask(): @rel holds positions; fold them
 * modulo weight(@allowed), then map position n to the n-th node of
 * @allowed.
 */
void nodemask_relative(struct nodemask *dst, const struct nodemask *rel,
		       const struct nodemask *allowed);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy of one inode: a base policy plus overrides on ranges of page
 * indexes, like the kernel's shmem shared policy tree.
 *
 * Ranges never overlap, never hold a 'default' policy (setting default
 * removes), and adjacent ranges with equal policies are merged, so the
 * tree is canonical: equal mappings have equal ranges.  Every change
 * either succeeds whole or leaves the tree as it was.  Not thread-safe:
 * the owner locks.
 */
#ifndef NUMAFS_PTREE_H
#define NUMAFS_PTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define PTREE_MAX_RANGES 65536

struct ptree_node;

struct ptree {
	struct numa_policy *base;	/* never NULL */
	struct ptree_node *root;	/* AVL tree keyed by range start */
	size_t nr_ranges;
	/*
	 * Where the tree's memory (its nodes, rebind's scratch arrays) comes
	 * from: NULL means malloc(); otherwise memory free() can release.
	 * Tests set it to provoke -ENOMEM at a chosen allocation.
	 */
	void *(*alloc)(size_t size);
};

/* One override: pages [start, end) use @policy. */
struct ptree_range {
	uint64_t start;
	uint64_t end;
	struct numa_policy *policy;
};

/* Takes a new reference to @base. */
void ptree_init(struct ptree *t, struct numa_policy *base);
void ptree_destroy(struct ptree *t);

/* Replace the base policy; overrides stay. */
void ptree_set_base(struct ptree *t, struct numa_policy *base);

/*
 * Apply @p to pages [start, end): splits and trims what it overlaps,
 * merges equal neighbours; a default @p removes overrides there.
 * -EINVAL for start >= end, -E2BIG past PTREE_MAX_RANGES, -ENOMEM;
 * unchanged on any error.
 */
int ptree_set(struct ptree *t, uint64_t start, uint64_t end, struct numa_policy *p);

/*
 * The policy of page @index (an override or the base; borrowed, not
 * referenced) and the extent [*start, *end) over which that answer holds
 * (for the base: the gap between overrides, end UINT64_MAX past the last).
 * @start/@end may be NULL.
 */
struct numa_policy *ptree_lookup(const struct ptree *t, uint64_t index,
				 uint64_t *start, uint64_t *end);

/* Drop overrides at or past page @npages, trimming the one across it. */
int ptree_truncate(struct ptree *t, uint64_t npages);

/*
 * The first override that ends after @index, in order; false when none.
 * Iterate with: for (ok = ptree_next(t, 0, &r); ok; ok = ptree_next(t, r.end, &r))
 */
bool ptree_next(const struct ptree *t, uint64_t index, struct ptree_range *r);

/*
 * Rebind the base and every override to @allowed (policy_rebind), merging
 * ranges that become equal.  -ENOMEM leaves the tree unchanged.
 */
int ptree_rebind(struct ptree *t, const struct nodemask *allowed);

/* Deep copy, for inheritance and cp-like callers. */
int ptree_clone(struct ptree *dst, const struct ptree *src);

#endif

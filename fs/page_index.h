/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page index of a simulated file: the logical node of each stored page.
 * Leaves of 512 pages (one byte pair per page) found by binary search on a
 * sorted array, so a sparse file costs only the leaves it uses.  Not
 * thread-safe: the owner locks.
 */
#ifndef NUMAFS_PAGE_INDEX_H
#define NUMAFS_PAGE_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct page_leaf;

struct page_index {
	struct page_leaf **leaves;	/* sorted by key */
	size_t nr, cap;
};

/* The node of @page, or -1 for a hole. */
int page_index_get(const struct page_index *pi, uint64_t page);

/* Record @page on @node.  -ENOMEM leaves the index as it was. */
int page_index_set(struct page_index *pi, uint64_t page, unsigned int node);

/*
 * Forget pages [first, end), calling @freed with each forgotten page's
 * node.
 */
void page_index_clear(struct page_index *pi, uint64_t first, uint64_t end,
		      void (*freed)(void *arg, unsigned int node), void *arg);

void page_index_destroy(struct page_index *pi,
			void (*freed)(void *arg, unsigned int node), void *arg);

#endif

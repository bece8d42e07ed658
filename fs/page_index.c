// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "page_index.h"

#define LEAF_SHIFT 9
#define LEAF_PAGES (1U << LEAF_SHIFT)

struct page_leaf {
	uint64_t key;			/* page >> LEAF_SHIFT */
	unsigned int used;		/* pages recorded */
	uint16_t node[LEAF_PAGES];	/* node + 1; 0 is a hole */
};

/* The position of the leaf with @key, or where it would go. */
static size_t leaf_pos(const struct page_index *pi, uint64_t key)
{
	size_t lo = 0, hi = pi->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pi->leaves[mid]->key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct page_leaf *leaf_find(const struct page_index *pi, uint64_t key)
{
	size_t pos = leaf_pos(pi, key);

	return pos < pi->nr && pi->leaves[pos]->key == key ? pi->leaves[pos] : NULL;
}

int page_index_get(const struct page_index *pi, uint64_t page)
{
	const struct page_leaf *l = leaf_find(pi, page >> LEAF_SHIFT);

	return l ? (int)l->node[page & (LEAF_PAGES - 1)] - 1 : -1;
}

static struct page_leaf *leaf_insert(struct page_index *pi, uint64_t key)
{
	size_t pos = leaf_pos(pi, key);
	struct page_leaf *l;

	if (pos < pi->nr && pi->leaves[pos]->key == key)
		return pi->leaves[pos];
	if (pi->nr == pi->cap) {
		size_t cap = pi->cap ? 2 * pi->cap : 8;
		struct page_leaf **v = realloc(pi->leaves, cap * sizeof(*v));

		if (!v)
			return NULL;
		pi->leaves = v;
		pi->cap = cap;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->key = key;
	memmove(pi->leaves + pos + 1, pi->leaves + pos, (pi->nr - pos) * sizeof(*pi->leaves));
	pi->leaves[pos] = l;
	pi->nr++;
	return l;
}

int page_index_set(struct page_index *pi, uint64_t page, unsigned int node)
{
	struct page_leaf *l = leaf_insert(pi, page >> LEAF_SHIFT);
	uint16_t *slot;

	if (!l)
		return -ENOMEM;
	slot = &l->node[page & (LEAF_PAGES - 1)];
	if (!*slot)
		l->used++;
	*slot = (uint16_t)(node + 1);
	return 0;
}

/* Forget the pages of leaf @pos in [first, end); true when it is now empty. */
static int leaf_clear(struct page_leaf *l, uint64_t first, uint64_t end,
		      void (*freed)(void *arg, unsigned int node), void *arg)
{
	uint64_t base = l->key << LEAF_SHIFT;
	uint64_t i = first > base ? first - base : 0;
	uint64_t stop = end - base < LEAF_PAGES ? end - base : LEAF_PAGES;

	for (; i < stop; i++) {
		if (!l->node[i])
			continue;
		if (freed)
			freed(arg, l->node[i] - 1U);
		l->node[i] = 0;
		l->used--;
	}
	return !l->used;
}

void page_index_clear(struct page_index *pi, uint64_t first, uint64_t end,
		      void (*freed)(void *arg, unsigned int node), void *arg)
{
	size_t pos = leaf_pos(pi, first >> LEAF_SHIFT), keep = pos, i;

	if (first >= end)
		return;
	for (i = pos; i < pi->nr && (pi->leaves[i]->key << LEAF_SHIFT) < end; i++) {
		if (leaf_clear(pi->leaves[i], first, end, freed, arg))
			free(pi->leaves[i]);
		else
			pi->leaves[keep++] = pi->leaves[i];
	}
	memmove(pi->leaves + keep, pi->leaves + i, (pi->nr - i) * sizeof(*pi->leaves));
	pi->nr -= i - keep;
}

void page_index_destroy(struct page_index *pi,
			void (*freed)(void *arg, unsigned int node), void *arg)
{
	page_index_clear(pi, 0, UINT64_MAX, freed, arg);
	free(pi->leaves);
	memset(pi, 0, sizeof(*pi));
}

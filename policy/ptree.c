// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-inode policy range tree: an AVL tree of non-overlapping ranges
 * keyed by their first page.  Every change first allocates all it may
 * need and only then modifies the tree, so an error leaves it as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ptree.h"

struct ptree_node {
	struct ptree_range r;
	struct ptree_node *left, *right;
	int height;
};

static int height(const struct ptree_node *n)
{
	return n ? n->height : 0;
}

static void update_height(struct ptree_node *n)
{
	int l = height(n->left), r = height(n->right);

	n->height = 1 + (l > r ? l : r);
}

static struct ptree_node *rotate_right(struct ptree_node *n)
{
	struct ptree_node *l = n->left;

	n->left = l->right;
	l->right = n;
	update_height(n);
	update_height(l);
	return l;
}

static struct ptree_node *rotate_left(struct ptree_node *n)
{
	struct ptree_node *r = n->right;

	n->right = r->left;
	r->left = n;
	update_height(n);
	update_height(r);
	return r;
}

static struct ptree_node *rebalance(struct ptree_node *n)
{
	int balance = height(n->left) - height(n->right);

	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	update_height(n);
	return n;
}

static struct ptree_node *avl_insert(struct ptree_node *root, struct ptree_node *n)
{
	if (!root)
		return n;
	if (n->r.start < root->r.start)
		root->left = avl_insert(root->left, n);
	else
		root->right = avl_insert(root->right, n);
	return rebalance(root);
}

static struct ptree_node *avl_remove_min(struct ptree_node *n, struct ptree_node **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = avl_remove_min(n->left, min);
	return rebalance(n);
}

/* Unlink the node starting at @start (it must exist) into *@out. */
static struct ptree_node *avl_remove(struct ptree_node *root, uint64_t start,
				     struct ptree_node **out)
{
	struct ptree_node *min, *l, *r;

	if (start < root->r.start) {
		root->left = avl_remove(root->left, start, out);
		return rebalance(root);
	}
	if (start > root->r.start) {
		root->right = avl_remove(root->right, start, out);
		return rebalance(root);
	}
	*out = root;
	l = root->left;
	r = root->right;
	if (!r)
		return l;
	r = avl_remove_min(r, &min);
	min->left = l;
	min->right = r;
	return rebalance(min);
}

/* The range with the largest start <= @index, or NULL. */
static struct ptree_node *floor_node(const struct ptree *t, uint64_t index)
{
	struct ptree_node *n = t->root, *best = NULL;

	while (n) {
		if (n->r.start <= index) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/* The range with the smallest start > @index, or NULL. */
static struct ptree_node *after_node(const struct ptree *t, uint64_t index)
{
	struct ptree_node *n = t->root, *best = NULL;

	while (n) {
		if (n->r.start > index) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

static void free_nodes(struct ptree_node *n)
{
	if (!n)
		return;
	free_nodes(n->left);
	free_nodes(n->right);
	policy_put(n->r.policy);
	free(n);
}

/* Zeroed memory from the tree's allocator, where tests inject failures. */
static void *tree_zalloc(const struct ptree *t, size_t size)
{
	void *mem = t->alloc ? t->alloc(size) : malloc(size);

	if (mem)
		memset(mem, 0, size);
	return mem;
}

static struct ptree_node *node_alloc(const struct ptree *t)
{
	struct ptree_node *n = tree_zalloc(t, sizeof(*n));

	if (n)
		n->height = 1;
	return n;
}

/* Take the range starting at @start out of the tree and free it. */
static void remove_range(struct ptree *t, uint64_t start)
{
	struct ptree_node *gone;

	t->root = avl_remove(t->root, start, &gone);
	t->nr_ranges--;
	policy_put(gone->r.policy);
	free(gone);
}

/* Put preallocated @n into the tree with range @r (reference taken). */
static void insert_range(struct ptree *t, struct ptree_node *n, const struct ptree_range *r)
{
	n->r = *r;
	n->r.policy = policy_get(r->policy);
	t->root = avl_insert(t->root, n);
	t->nr_ranges++;
}

void ptree_init(struct ptree *t, struct numa_policy *base)
{
	*t = (struct ptree){ .base = policy_get(base) };
}

void ptree_destroy(struct ptree *t)
{
	free_nodes(t->root);
	policy_put(t->base);
	t->root = NULL;
	t->base = NULL;
	t->nr_ranges = 0;
}

void ptree_set_base(struct ptree *t, struct numa_policy *base)
{
	struct numa_policy *old = t->base;

	t->base = policy_get(base);
	policy_put(old);
}

bool ptree_next(const struct ptree *t, uint64_t index, struct ptree_range *r)
{
	struct ptree_node *n = floor_node(t, index);

	if (!n || n->r.end <= index)
		n = after_node(t, index);
	if (!n)
		return false;
	*r = n->r;
	return true;
}

struct numa_policy *ptree_lookup(const struct ptree *t, uint64_t index,
				 uint64_t *start, uint64_t *end)
{
	struct ptree_node *prev = floor_node(t, index), *next;
	uint64_t s, e;
	struct numa_policy *p;

	if (prev && prev->r.end > index) {
		s = prev->r.start;
		e = prev->r.end;
		p = prev->r.policy;
	} else {
		next = after_node(t, index);
		s = prev ? prev->r.end : 0;
		e = next ? next->r.start : UINT64_MAX;
		p = t->base;
	}
	if (start)
		*start = s;
	if (end)
		*end = e;
	return p;
}

/*
 * Append range @r to @pieces, merging it into the last one when they
 * touch and their policies are equal.  Default ranges are not kept.
 */
static void add_piece(struct ptree_range *pieces, unsigned int *count,
		      const struct ptree_range *r)
{
	struct ptree_range *last = *count ? &pieces[*count - 1] : NULL;

	if (r->start >= r->end || policy_is_default(r->policy))
		return;
	if (last && last->end == r->start && policy_equal(last->policy, r->policy)) {
		last->end = r->end;
		return;
	}
	pieces[(*count)++] = *r;
}

/* The first range that overlaps or touches [start, end), or false. */
static bool first_touching(const struct ptree *t, uint64_t start, uint64_t end,
			   struct ptree_range *r)
{
	return ptree_next(t, start ? start - 1 : 0, r) && r->start <= end &&
	       (start == 0 || r->end >= start);
}

int ptree_set(struct ptree *t, uint64_t start, uint64_t end, struct numa_policy *p)
{
	struct ptree_range pieces[3], first, last, r;
	struct ptree_node *nodes[3] = { NULL };
	unsigned int count = 0, i;
	size_t touched = 0;

	if (start >= end)
		return -EINVAL;

	/*
	 * The ranges that overlap or touch [start, end) are replaced whole by
	 * at most three pieces: what is left of the first one, the new range
	 * and what is left of the last one, merged where equal.
	 */
	if (first_touching(t, start, end, &r)) {
		first = r;
		do {
			last = r;
			touched++;
		} while (ptree_next(t, r.end, &r) && r.start <= end);
		add_piece(pieces, &count, &(struct ptree_range){ first.start, start, first.policy });
	}
	add_piece(pieces, &count, &(struct ptree_range){ start, end, p });
	if (touched)
		add_piece(pieces, &count, &(struct ptree_range){ end, last.end, last.policy });

	if (t->nr_ranges - touched + count > PTREE_MAX_RANGES)
		return -E2BIG;
	for (i = 0; i < count; i++) {
		nodes[i] = node_alloc(t);
		if (!nodes[i]) {
			while (i--)
				free(nodes[i]);
			return -ENOMEM;
		}
	}

	/* Nothing can fail from here on.  Pin the pieces' policies first. */
	for (i = 0; i < count; i++)
		policy_get(pieces[i].policy);
	while (touched--) {
		first_touching(t, start, end, &r);
		remove_range(t, r.start);
	}
	for (i = 0; i < count; i++) {
		insert_range(t, nodes[i], &pieces[i]);
		policy_put(pieces[i].policy);
	}
	return 0;
}

int ptree_truncate(struct ptree *t, uint64_t npages)
{
	struct ptree_node *n = npages ? floor_node(t, npages - 1) : NULL;
	struct ptree_range r;

	/* Trim the one across the end; then every range past it starts there. */
	if (n && n->r.end > npages)
		n->r.end = npages;
	while (ptree_next(t, npages, &r))
		remove_range(t, r.start);
	return 0;
}

/* Merge each range into its left neighbour where they touch and are equal. */
static void merge_equal_neighbours(struct ptree *t)
{
	struct ptree_range r;
	struct ptree_node *prev;
	uint64_t index = 0;

	while (ptree_next(t, index, &r)) {
		prev = r.start ? floor_node(t, r.start - 1) : NULL;
		if (prev && prev->r.end == r.start && policy_equal(prev->r.policy, r.policy)) {
			prev->r.end = r.end;
			remove_range(t, r.start);
			index = prev->r.end;
		} else {
			index = r.end;
		}
	}
}

/* Every node in order, for whole-tree passes. */
static void collect(struct ptree_node *n, struct ptree_node **out, size_t *count)
{
	if (!n)
		return;
	collect(n->left, out, count);
	out[(*count)++] = n;
	collect(n->right, out, count);
}

/*
 * Rebind the policies of @nodes (all the tree's, in order) into @rebound
 * and the base into @rebound[@count]; on an error none is kept.
 */
static int rebind_all(const struct ptree *t, struct ptree_node *const *nodes, size_t count,
		      const struct nodemask *allowed, struct numa_policy **rebound)
{
	int err = policy_rebind(t->base, allowed, &rebound[count]);
	size_t i;

	for (i = 0; !err && i < count; i++)
		err = policy_rebind(nodes[i]->r.policy, allowed, &rebound[i]);
	if (err)
		for (i = 0; i <= count; i++)
			policy_put(rebound[i]);	/* NULL where not made */
	return err;
}

int ptree_rebind(struct ptree *t, const struct nodemask *allowed)
{
	size_t slots = t->nr_ranges + 1, count = 0, i;
	struct ptree_node **nodes = tree_zalloc(t, slots * sizeof(*nodes));
	struct numa_policy **rebound = tree_zalloc(t, slots * sizeof(*rebound));
	int err = -ENOMEM;

	if (!nodes || !rebound)
		goto out;
	collect(t->root, nodes, &count);
	err = rebind_all(t, nodes, count, allowed, rebound);
	if (err)
		goto out;
	for (i = 0; i < count; i++) {
		policy_put(nodes[i]->r.policy);
		nodes[i]->r.policy = rebound[i];
	}
	policy_put(t->base);
	t->base = rebound[count];
	merge_equal_neighbours(t);
out:
	free(nodes);
	free(rebound);
	return err;
}

int ptree_clone(struct ptree *dst, const struct ptree *src)
{
	struct ptree_range r;
	struct ptree_node *n;
	uint64_t index = 0;

	ptree_init(dst, src->base);
	dst->alloc = src->alloc;
	while (ptree_next(src, index, &r)) {
		n = node_alloc(dst);
		if (!n) {
			ptree_destroy(dst);
			return -ENOMEM;
		}
		insert_range(dst, n, &r);
		index = r.end;
	}
	return 0;
}

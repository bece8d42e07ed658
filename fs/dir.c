// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Directory entries: see dir.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dir.h"

#define DIR_MIN_BUCKETS 8
#define DIR_MIN_ORDER 8

/* FNV-1a: names are short and the table is private to one directory. */
static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return h;
}

struct dir *dir_new(struct inode *parent)
{
	struct dir *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->buckets = calloc(DIR_MIN_BUCKETS, sizeof(*d->buckets));
	if (!d->buckets) {
		free(d);
		return NULL;
	}
	d->nr_buckets = DIR_MIN_BUCKETS;
	d->parent = parent;
	d->next_cookie = DIR_OFF_DOTDOT + 1;
	return d;
}

void dir_free(struct dir *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->order_len; i++)
		free(d->order[i].de);
	free(d->order);
	free(d->buckets);
	free(d);
}

static struct dentry **bucket_of(const struct dir *d, uint32_t hash)
{
	return &d->buckets[hash & (d->nr_buckets - 1)];
}

struct dentry *dir_find(const struct dir *d, const char *name)
{
	size_t len = strlen(name);
	uint32_t hash = name_hash(name, len);

	for (struct dentry *de = *bucket_of(d, hash); de; de = de->hash_next)
		if (de->hash == hash && de->len == len && !memcmp(de->name, name, len))
			return de;
	return NULL;
}

/* Keep the load factor at most 1; a failed resize just leaves longer chains. */
static void dir_rehash(struct dir *d)
{
	size_t n = d->nr_buckets * 2;
	struct dentry **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < d->nr_buckets; i++) {
		struct dentry *de = d->buckets[i], *next;

		for (; de; de = next) {
			next = de->hash_next;
			de->hash_next = b[de->hash & (n - 1)];
			b[de->hash & (n - 1)] = de;
		}
	}
	free(d->buckets);
	d->buckets = b;
	d->nr_buckets = n;
}

/* Drop the holes left by removed entries; cookies keep the order. */
static void dir_compact(struct dir *d)
{
	size_t to = 0;

	for (size_t i = 0; i < d->order_len; i++)
		if (d->order[i].de)
			d->order[to++] = d->order[i];
	d->order_len = to;
	d->nr_holes = 0;
}

static int dir_order_room(struct dir *d)
{
	size_t cap;
	struct dir_slot *o;

	if (d->order_len < d->order_cap)
		return 0;
	cap = d->order_cap ? 2 * d->order_cap : DIR_MIN_ORDER;
	o = realloc(d->order, cap * sizeof(*o));
	if (!o)
		return -ENOMEM;
	d->order = o;
	d->order_cap = cap;
	return 0;
}

int dir_add(struct dir *d, const char *name, struct inode *inode)
{
	size_t len = strlen(name);
	struct dentry *de, **b;

	if (dir_order_room(d))
		return -ENOMEM;
	de = malloc(sizeof(*de) + len + 1);
	if (!de)
		return -ENOMEM;
	memcpy(de->name, name, len + 1);
	de->len = (uint16_t)len;
	de->hash = name_hash(name, len);
	de->inode = inode;
	de->cookie = d->next_cookie++;
	b = bucket_of(d, de->hash);
	de->hash_next = *b;
	*b = de;
	d->order[d->order_len++] = (struct dir_slot){ de->cookie, de };
	if (++d->nr_entries > d->nr_buckets)
		dir_rehash(d);
	return 0;
}

/* Index of the first slot whose cookie is above @off. */
static size_t order_search(const struct dir *d, uint64_t off)
{
	size_t lo = 0, hi = d->order_len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->order[mid].cookie <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void dir_remove(struct dir *d, struct dentry *de)
{
	struct dentry **p = bucket_of(d, de->hash);

	while (*p != de)
		p = &(*p)->hash_next;
	*p = de->hash_next;
	d->order[order_search(d, de->cookie - 1)].de = NULL;
	d->nr_entries--;
	d->nr_holes++;
	free(de);
	if (d->nr_holes > d->nr_entries + DIR_MIN_ORDER)
		dir_compact(d);
}

struct dentry *dir_next(const struct dir *d, uint64_t off)
{
	for (size_t i = order_search(d, off); i < d->order_len; i++)
		if (d->order[i].de)
			return d->order[i].de;
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The entries of one directory: a hash table for lookup by name, and an
 * array in cookie order for readdir.
 *
 * Every entry gets a cookie from a per-directory counter that only grows,
 * so a readdir offset (the cookie of the last entry returned) stays
 * meaningful however entries come and go: the next call resumes at the
 * first cookie above it, found by binary search.  Removed entries leave a
 * hole in the array that is squeezed out once holes outnumber entries, so
 * every operation is O(log n) amortized.
 *
 * Not thread-safe: the directory inode's lock protects it.
 */
#ifndef NUMAFS_DIR_H
#define NUMAFS_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inode;

/* Offsets of "." and ".."; entries' cookies start above them. */
#define DIR_OFF_DOT	1
#define DIR_OFF_DOTDOT	2

struct dentry {
	struct dentry *hash_next;
	struct inode *inode;
	uint64_t cookie;
	uint32_t hash;
	uint16_t len;
	char name[];
};

/* A removed entry leaves its cookie and a NULL entry until compaction. */
struct dir_slot {
	uint64_t cookie;
	struct dentry *de;
};

struct dir {
	struct inode *parent;		/* "..": itself for the root */
	struct dentry **buckets;
	size_t nr_buckets;		/* a power of two */
	size_t nr_entries;
	struct dir_slot *order;		/* by cookie */
	size_t order_len, order_cap;
	size_t nr_holes;
	uint64_t next_cookie;
};

struct dir *dir_new(struct inode *parent);
/* Frees the entries, not the inodes they name. */
void dir_free(struct dir *d);

struct dentry *dir_find(const struct dir *d, const char *name);
/* Add @name (not present) for @inode: 0 or -ENOMEM. */
int dir_add(struct dir *d, const char *name, struct inode *inode);
void dir_remove(struct dir *d, struct dentry *de);
/* The first entry whose cookie is above @off, or NULL. */
struct dentry *dir_next(const struct dir *d, uint64_t off);

static inline bool dir_empty(const struct dir *d)
{
	return d->nr_entries == 0;
}

#endif

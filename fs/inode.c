// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inode life: creation with nr_inodes= accounting, kernel references,
 * and freeing once neither a link nor a kernel reference is left.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dir.h"
#include "file.h"
#include "inode.h"
#include "xattr.h"

/* tmpfs's sizes: a directory is 20 bytes per entry, "." and ".." included. */
#define BOGO_DIRENT_SIZE 20
/* tmpfs keeps symlinks shorter than this in the inode, longer in a page. */
#define SHORT_SYMLINK_LEN 128

fuse_ino_t inode_id(const struct inode *inode)
{
	return inode == inode->fs->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)inode;
}

struct timespec inode_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return now;
}

/* Count one more inode, unless nr_inodes= is reached. */
static int inode_reserve(struct numafs *fs)
{
	/* A remount may change the limit at any time (fs/remount.c). */
	uint64_t limit = __atomic_load_n(&fs->opt.nr_inodes, __ATOMIC_RELAXED);
	uint64_t n = __atomic_load_n(&fs->nr_inodes, __ATOMIC_RELAXED);

	do {
		if (limit && n >= limit)
			return -ENOSPC;
	} while (!__atomic_compare_exchange_n(&fs->nr_inodes, &n, n + 1, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

static void inode_unreserve(struct numafs *fs)
{
	__atomic_fetch_sub(&fs->nr_inodes, 1, __ATOMIC_RELAXED);
}

static int inode_alloc(struct numafs *fs, struct inode *parent, struct numa_policy *base,
		       mode_t mode, uid_t uid, gid_t gid, struct inode **out)
{
	struct inode *inode;
	int err = inode_reserve(fs);

	if (err)
		return err;
	inode = calloc(1, sizeof(*inode));
	if (inode && S_ISDIR(mode)) {
		inode->dir = dir_new(parent ? parent : inode);
		if (!inode->dir) {
			free(inode);
			inode = NULL;
		}
	}
	if (!inode) {
		inode_unreserve(fs);
		return -ENOMEM;
	}
	inode->ino = __atomic_fetch_add(&fs->next_ino, 1, __ATOMIC_RELAXED);
	inode->fs = fs;
	inode->counted = true;
	pthread_mutex_init(&inode->lock, NULL);
	inode->mode = mode;
	inode->uid = uid;
	inode->gid = gid;
	inode->atime = inode->mtime = inode->ctime = inode_now();
	ptree_init(&inode->policy, base);
	inode->nascent = true;
	pthread_mutex_lock(&fs->inodes_lock);
	TAILQ_INSERT_TAIL(&fs->inodes, inode, live);
	pthread_mutex_unlock(&fs->inodes_lock);
	*out = inode;
	return 0;
}

int inode_new(struct numafs *fs, struct inode *parent, mode_t mode, uid_t uid, gid_t gid,
	      struct inode **out)
{
	return inode_alloc(fs, parent, parent->policy.base, mode, uid, gid, out);
}

int inode_new_root(struct numafs *fs, struct numa_policy *base, mode_t mode, uid_t uid,
		   gid_t gid, struct inode **out)
{
	int err = inode_alloc(fs, NULL, base, S_IFDIR | mode, uid, gid, out);

	if (!err) {
		(*out)->nlink = 2;
		(*out)->nascent = false;	/* made before any thread runs */
	}
	return err;
}

void inode_uncount_if_gone(struct inode *inode)
{
	if (!inode->counted || inode->nlink)
		return;
	if (S_ISREG(inode->mode) && file_is_open(inode))
		return;
	inode->counted = false;
	inode_unreserve(inode->fs);
}

/*
 * [added by migrate] Off the list of live inodes, unless pinned: then the
 * last inode_unpin() frees it.  Returns whether to free it now.
 */
static bool inode_unlist(struct inode *inode)
{
	struct numafs *fs = inode->fs;
	bool now;

	pthread_mutex_lock(&fs->inodes_lock);
	now = !inode->pins;
	if (now)
		TAILQ_REMOVE(&fs->inodes, inode, live);
	else
		inode->doomed = true;
	pthread_mutex_unlock(&fs->inodes_lock);
	return now;
}

static void inode_destroy(struct inode *inode)
{
	struct numafs *fs = inode->fs;

	if (S_ISREG(inode->mode))
		file_destroy(fs, inode);
	else if (S_ISDIR(inode->mode))
		dir_free(inode->dir);
	else if (S_ISLNK(inode->mode))
		free(inode->symlink);
	xattr_set_free(inode->xattrs);
	ptree_destroy(&inode->policy);
	pthread_mutex_destroy(&inode->lock);
	if (inode->counted)
		inode_unreserve(fs);
	free(inode);
}

void inode_free(struct inode *inode)
{
	if (inode_unlist(inode))
		inode_destroy(inode);
}

/* [added by migrate] Pins: see inode.h. */
struct inode *inode_next_pinned(struct numafs *fs, struct inode *prev)
{
	struct inode *next;

	pthread_mutex_lock(&fs->inodes_lock);
	next = prev ? TAILQ_NEXT(prev, live) : TAILQ_FIRST(&fs->inodes);
	while (next && (next->doomed || __atomic_load_n(&next->nascent, __ATOMIC_RELAXED)))
		next = TAILQ_NEXT(next, live);
	if (next)
		next->pins++;
	pthread_mutex_unlock(&fs->inodes_lock);
	if (prev)
		inode_unpin(prev);
	return next;
}

void inode_pin(struct inode *inode)
{
	pthread_mutex_lock(&inode->fs->inodes_lock);
	inode->pins++;
	pthread_mutex_unlock(&inode->fs->inodes_lock);
}

void inode_unpin(struct inode *inode)
{
	struct numafs *fs = inode->fs;
	bool destroy;

	pthread_mutex_lock(&fs->inodes_lock);
	destroy = !--inode->pins && inode->doomed;
	if (destroy)
		TAILQ_REMOVE(&fs->inodes, inode, live);
	pthread_mutex_unlock(&fs->inodes_lock);
	if (destroy)
		inode_destroy(inode);
}

void inode_forget(struct inode *inode, uint64_t n)
{
	bool unused;

	pthread_mutex_lock(&inode->lock);
	inode->nlookup -= n < inode->nlookup ? n : inode->nlookup;
	unused = inode_unused(inode);
	pthread_mutex_unlock(&inode->lock);
	if (unused)
		inode_free(inode);
}

static void inode_stat_size(const struct inode *inode, struct stat *st)
{
	if (S_ISDIR(inode->mode)) {
		st->st_size = (off_t)(inode->dir->nr_entries + 2) * BOGO_DIRENT_SIZE;
	} else if (S_ISLNK(inode->mode)) {
		st->st_size = (off_t)strlen(inode->symlink);
		st->st_blocks = st->st_size < SHORT_SYMLINK_LEN ? 0 : 8;
	}
}

/*
 * [added by migrate] The maker of a new inode asks for its first stat for
 * the entry of its reply, when it is complete: walks may take it from now.
 */
static void inode_publish(struct inode *inode)
{
	struct numafs *fs = inode->fs;

	if (!__atomic_load_n(&inode->nascent, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&fs->inodes_lock);
	__atomic_store_n(&inode->nascent, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fs->inodes_lock);
}

int inode_stat(struct inode *inode, struct stat *st)
{
	inode_publish(inode);
	memset(st, 0, sizeof(*st));
	st->st_ino = inode->ino;
	st->st_mode = inode->mode;
	st->st_nlink = inode->nlink;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_blksize = 4096;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
	if (S_ISREG(inode->mode))
		return file_getattr(inode->fs, inode, st);
	inode_stat_size(inode, st);
	return 0;
}

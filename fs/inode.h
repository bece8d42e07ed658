/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-memory inodes of a numafs mount.
 *
 * The FUSE node id of an inode is its address (FUSE_ROOT_ID maps to the
 * root); st_ino is a counter that is never reused within a mount.  An
 * inode lives while it has links or kernel lookups (nlookup).
 *
 * Locking: @lock protects every field below it.  A directory is locked
 * before the inodes of its entries.  A cross-directory rename holds the
 * mount's rename lock first (it keeps every directory's parent fixed),
 * then both directories, an ancestor before its descendant, else in
 * address order, as the VFS's lock_rename() does.
 */
#ifndef NUMAFS_INODE_H
#define NUMAFS_INODE_H

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "numafs.h"
#include "ptree.h"

struct dir;
struct xattr_set;
struct file_data;

struct inode {
	uint64_t ino;			/* st_ino */
	struct numafs *fs;
	/*
	 * [added by migrate] On fs->inodes, under fs->inodes_lock: rebinding
	 * and migration workers hold pins, which delay inode_free() until
	 * the last inode_unpin().
	 */
	TAILQ_ENTRY(inode) live;
	unsigned int pins;
	bool doomed;			/* inode_free() came while pinned */
	/*
	 * Still being made: its maker writes it without its lock until the
	 * first inode_stat() (the entry of its reply), so walks skip it.
	 * Atomic.
	 */
	bool nascent;

	pthread_mutex_t lock;
	uint64_t nlookup;		/* kernel references */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	nlink_t nlink;
	bool linkable;			/* O_TMPFILE: may get its first link */
	bool counted;			/* holds one of nr_inodes= */
	dev_t rdev;
	struct timespec atime, mtime, ctime;
	struct xattr_set *xattrs;	/* user./trusted./security. other than numa */
	/*
	 * Regular files: the placement policy of their pages.  Directories:
	 * the base is the default copied to what is created inside.
	 */
	struct ptree policy;
	union {
		struct dir *dir;		/* S_ISDIR */
		char *symlink;			/* S_ISLNK */
		struct file_data *file;		/* S_ISREG: fs/file.h */
	};
};

/* The inode behind a FUSE node id. */
static inline struct inode *inode_of(struct numafs *fs, fuse_ino_t id)
{
	return id == FUSE_ROOT_ID ? fs->root : (struct inode *)(uintptr_t)id;
}

fuse_ino_t inode_id(const struct inode *inode);

/*
 * A new inode in directory @parent (locked by the caller), not linked
 * yet (nlink 0, nlookup 0), its times now and its base policy copied from
 * @parent's.  A directory comes with its (empty) entries.  -ENOSPC past
 * nr_inodes=.
 */
int inode_new(struct numafs *fs, struct inode *parent, mode_t mode, uid_t uid, gid_t gid,
	      struct inode **out);
/* The root directory (nlink 2), with base policy @base. */
int inode_new_root(struct numafs *fs, struct numa_policy *base, mode_t mode, uid_t uid,
		   gid_t gid, struct inode **out);
/*
 * Give the inode's place back to nr_inodes= once it has no link and is not
 * open, as tmpfs does; the kernel's FORGET can come much later.  Locked.
 */
void inode_uncount_if_gone(struct inode *inode);
/* Free an inode nobody can reach any more (and what it owns). */
void inode_free(struct inode *inode);

/*
 * [added by migrate] Walk every inode in memory, oldest first: the inode
 * after @prev (NULL: the first), pinned, with @prev unpinned; NULL at the
 * end.  An inode made during the walk is reached by it if its first
 * inode_stat() came before the walk passed it; inodes still being made
 * are skipped.  A pinned inode may be dead (unlinked and forgotten), but
 * it is not freed.  fs->inodes_lock is a leaf lock.
 */
struct inode *inode_next_pinned(struct numafs *fs, struct inode *prev);
/* Another pin on an inode the caller keeps reachable (a pin or a reference). */
void inode_pin(struct inode *inode);
/* Drop a pin; frees the inode if inode_free() was called meanwhile. */
void inode_unpin(struct inode *inode);

/* True when the inode has neither links nor kernel references: free it. */
static inline bool inode_unused(const struct inode *inode)
{
	return !inode->nlink && !inode->nlookup;
}

/* The kernel dropped @n references; frees the inode if it was the last use. */
void inode_forget(struct inode *inode, uint64_t n);

/* stat of the inode; locked by the caller. */
int inode_stat(struct inode *inode, struct stat *st);

/* The current time, as timestamps are taken. */
struct timespec inode_now(void);

#endif

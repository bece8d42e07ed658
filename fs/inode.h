/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-memory inodes of a numafs mount.
 *
 * The FUSE node id of an inode is its address (FUSE_ROOT_ID maps to the
 * root); st_ino is a counter that is never reused within a mount.  An
 * inode lives while it has links or kernel lookups (nlookup).
 *
 * Locking: @lock protects every field below it.  Operations that touch two
 * directories take the locks in address order; a cross-directory rename
 * also holds the mount's rename lock first, as the kernel's VFS does.
 */
#ifndef NUMAFS_INODE_H
#define NUMAFS_INODE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "ptree.h"

struct numafs;
struct dir;
struct xattr_set;
struct file_data;

struct inode {
	uint64_t ino;			/* st_ino */
	uint64_t nlookup;		/* atomic: kernel references */
	struct numafs *fs;

	pthread_mutex_t lock;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	nlink_t nlink;
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

#endif

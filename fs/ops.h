/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the namespace operations (ops_*.c) share.
 */
#ifndef NUMAFS_OPS_H
#define NUMAFS_OPS_H

#include <fuse_lowlevel.h>

#include "inode.h"

/*
 * numafs is the only writer of its tree, so the kernel may keep names and
 * attributes as long as it likes; numafs tells it when something changes
 * behind its back.
 */
#define NS_TIMEOUT 86400.0

/* tmpfs's NAME_MAX; FUSE lets names up to 1024 bytes through. */
#define NS_NAME_MAX 255

extern const struct fuse_lowlevel_ops numafs_ops;

static inline struct inode *req_inode(fuse_req_t req, fuse_ino_t ino)
{
	return inode_of(fuse_req_userdata(req), ino);
}

/*
 * Fill @e for @inode (locked) and count the kernel reference the reply
 * gives it.
 */
int ns_entry_locked(struct inode *inode, struct fuse_entry_param *e);
/* Send @e for @inode; a reply that does not arrive gives its reference back. */
void ns_reply_entry(fuse_req_t req, struct inode *inode, const struct fuse_entry_param *e);

/* A change in directory @dir (locked): its mtime and ctime are @now. */
static inline void ns_dir_changed(struct inode *dir, struct timespec now)
{
	dir->mtime = dir->ctime = now;
}

void ns_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void ns_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void ns_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void ns_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ns_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid,
		struct fuse_file_info *fi);
void ns_readlink(fuse_req_t req, fuse_ino_t ino);
void ns_statfs(fuse_req_t req, fuse_ino_t ino);

void ns_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void ns_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void ns_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void ns_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
void ns_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi);
void ns_tmpfile(fuse_req_t req, fuse_ino_t parent, mode_t mode, struct fuse_file_info *fi);

void ns_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void ns_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void ns_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
	       const char *newname, unsigned int flags);

void ns_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ns_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi);
void ns_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void ns_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ns_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extended attributes: user., trusted. and security. names stored per
 * inode as tmpfs stores them; user.numa.* is the policy interface and is
 * dispatched to its own handlers.  No handler ever answers ENOSYS: the
 * kernel would take that as "no xattrs at all" for the whole mount.
 */
#ifndef NUMAFS_XATTR_H
#define NUMAFS_XATTR_H

#include <fuse_lowlevel.h>

struct xattr_set;

void xattr_set_free(struct xattr_set *set);

void xattr_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		       const char *value, size_t size, int flags);
void xattr_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void xattr_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void xattr_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * user.numa.policy, user.numa.ranges and user.numa.stats: an inode's
 * policy as text, through fs/ipolicy.h.  fs/xattr.c hands every
 * user.numa.* name here.
 */
#ifndef NUMAFS_POLICY_XATTR_H
#define NUMAFS_POLICY_XATTR_H

#include <fuse_lowlevel.h>
#include <stddef.h>

struct inode;

/*
 * The value of @name, malloc()ed into *@value (not NUL-terminated).
 * Takes the inode's lock.  -ENODATA for a name numafs does not have.
 */
int policy_xattr_get(fuse_req_t req, struct inode *inode, const char *name, char **value,
		     size_t *len);

/*
 * Set @name to @value, or remove it when @value is NULL (the base policy
 * becomes default, or every override goes).  Takes the inode's lock.  A
 * bad value changes nothing and says why in the debug log.
 */
int policy_xattr_set(fuse_req_t req, struct inode *inode, const char *name, const char *value,
		     size_t size);

/*
 * The names listxattr shows for @inode (locked), each NUL-terminated, into
 * @buf unless it is NULL.  Returns their length.
 */
size_t policy_xattr_list(const struct inode *inode, char *buf);

#endif

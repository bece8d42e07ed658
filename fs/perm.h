/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ownership and mode rules of the kernel (as tmpfs gets them from the VFS).
 *
 * Access checks themselves are the kernel's: numafs always mounts with
 * default_permissions, so the VFS checks every access against the
 * attributes numafs returns before a request is sent.  What is left to
 * numafs are the effects the VFS leaves to the filesystem: who owns a new
 * inode, which set-id bits a change drops, and the sticky-bit rule once
 * more where a stale attribute cache could let a removal through.
 */
#ifndef NUMAFS_PERM_H
#define NUMAFS_PERM_H

#include <fuse_lowlevel.h>
#include <stdbool.h>

struct inode;

/*
 * Owner and mode of an inode @req creates in @dir (locked): the caller's
 * uid and gid, or the directory's gid when it is setgid, where new
 * directories inherit the setgid bit and other files lose it unless the
 * caller is in the group.
 */
void perm_new_owner(fuse_req_t req, const struct inode *dir, mode_t *mode, uid_t *uid,
		    gid_t *gid);

/* Whether the caller of @req is in group @gid (or is root). */
bool perm_in_group(fuse_req_t req, gid_t gid);

/*
 * chmod by @req to @mode of a file whose group is @gid: S_ISGID is dropped
 * when the caller is not in that group.
 */
mode_t perm_chmod_mode(fuse_req_t req, mode_t mode, gid_t gid);

/*
 * The set-id bits a chown, or a write or truncate by a task without
 * CAP_FSETID (the kernel decides which), drops from a non-directory of
 * group @gid: S_ISUID, and S_ISGID where it means setgid (S_IXGRP) or
 * where the caller is not in the group.
 */
mode_t perm_drop_setid(fuse_req_t req, mode_t mode, gid_t gid);

/* Sticky directory @dir (locked): may @req remove or replace @victim? */
int perm_may_delete(fuse_req_t req, const struct inode *dir, const struct inode *victim);

#endif

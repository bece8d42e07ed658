// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ownership and set-id rules: see perm.h.  Root (uid 0) stands for the
 * capabilities the kernel would check (CAP_FSETID, CAP_FOWNER).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "inode.h"
#include "perm.h"

#define PERM_GROUPS_GUESS 64

static bool caller_is_root(fuse_req_t req)
{
	return fuse_req_ctx(req)->uid == 0;
}

/* Supplementary groups come from /proc: only read them when it matters. */
static bool in_supplementary_groups(fuse_req_t req, gid_t gid)
{
	int size = PERM_GROUPS_GUESS, n;
	bool found = false;
	gid_t *list;

	for (;;) {
		list = malloc((size_t)size * sizeof(*list));
		if (!list)
			return false;
		n = fuse_req_getgroups(req, size, list);
		if (n <= size)
			break;
		free(list);
		size = n;
	}
	for (int i = 0; i < n; i++)
		found |= list[i] == gid;
	free(list);
	return found;
}

bool perm_in_group(fuse_req_t req, gid_t gid)
{
	return caller_is_root(req) || fuse_req_ctx(req)->gid == gid ||
	       in_supplementary_groups(req, gid);
}

void perm_new_owner(fuse_req_t req, const struct inode *dir, mode_t *mode, uid_t *uid,
		    gid_t *gid)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	*uid = ctx->uid;
	*gid = ctx->gid;
	if (!(dir->mode & S_ISGID))
		return;
	*gid = dir->gid;
	if (S_ISDIR(*mode))
		*mode |= S_ISGID;
	else if ((*mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
		 !perm_in_group(req, *gid))
		*mode &= ~S_ISGID;
}

mode_t perm_chmod_mode(fuse_req_t req, mode_t mode, gid_t gid)
{
	if ((mode & S_ISGID) && !perm_in_group(req, gid))
		mode &= ~S_ISGID;
	return mode;
}

mode_t perm_drop_setid(fuse_req_t req, mode_t mode, gid_t gid)
{
	if (S_ISDIR(mode))
		return mode;
	mode &= ~S_ISUID;
	/* Without group exec, S_ISGID is mandatory locking: only outsiders lose it. */
	if ((mode & S_ISGID) && ((mode & S_IXGRP) || !perm_in_group(req, gid)))
		mode &= ~S_ISGID;
	return mode;
}

int perm_may_delete(fuse_req_t req, const struct inode *dir, const struct inode *victim)
{
	uid_t uid = fuse_req_ctx(req)->uid;

	if (!(dir->mode & S_ISVTX) || uid == 0 || uid == dir->uid || uid == victim->uid)
		return 0;
	return -EPERM;
}

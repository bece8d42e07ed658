/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Remounting: the daemon's side of NUMAFS_IOC_REMOUNT (fs/remount.c) and
 * the client's, which "numafs -o remount,... MOUNTPOINT" runs
 * (fs/remount_client.c).
 */
#ifndef NUMAFS_REMOUNT_H
#define NUMAFS_REMOUNT_H

#include <fuse_lowlevel.h>
#include <stdbool.h>

#include "errbuf.h"
#include "numafs.h"

struct inode;
struct numafs_remount;

/*
 * Apply the options of "mount -o remount,@text" for the caller of @req
 * (root only): all of them, or on error none, with the reason in @e.
 */
int remount_apply(struct numafs *fs, fuse_req_t req, const char *text, struct errbuf *e);

/*
 * NUMAFS_IOC_REMOUNT on @inode, its size checked by the caller: the
 * outcome goes into @r->error and @r->reason.  -EINVAL only for options
 * that are not a string.
 */
int remount_ioctl(struct numafs *fs, fuse_req_t req, const struct inode *inode,
		  struct numafs_remount *r);

/* Whether @args ask for a remount ("-o ...,remount,..."). */
bool remount_requested(const struct fuse_args *args);

/*
 * Send the options of @args to the numafs mounted at @mountpoint, and
 * change the VFS flags (ro/rw) as mount(8) would; the exit status.
 */
int remount_client(const struct fuse_args *args, const char *mountpoint);

#endif

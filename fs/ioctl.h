/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUMAFS_IOC_* ioctls of include/numafs.h, on files and directories.
 */
#ifndef NUMAFS_IOCTL_H
#define NUMAFS_IOCTL_H

#include <fuse_lowlevel.h>

void ioctl_op(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
	      struct fuse_file_info *fi, unsigned int flags, const void *in_buf,
	      size_t in_bufsz, size_t out_bufsz);

#endif

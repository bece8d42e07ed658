/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mount options: numafs's own (size=, nr_inodes=, mode=, uid=, gid=,
 * mpol=, numa=, cpuset=, passthrough=) are taken out of the argument list
 * into struct numafs_options; FUSE's stay for fuse_session_new(), with
 * numafs's defaults added (default_permissions, fsname=numafs,
 * subtype=numafs, and allow_other when root mounts).
 */
#ifndef NUMAFS_OPTIONS_H
#define NUMAFS_OPTIONS_H

#include <fuse_lowlevel.h>
#include <stdint.h>

#include "errbuf.h"
#include "numafs.h"

/*
 * Parse @args into @opt.  A malformed numafs option is -EINVAL after a
 * message naming it; unknown options are left to libfuse, which names
 * them when it refuses them.
 */
int options_parse(struct fuse_args *args, struct numafs_options *opt);
void options_free(struct numafs_options *opt);

/*
 * The options of "mount -o remount,@text" over the mount's @cur, into
 * @next (to free with options_free()).  size=, nr_inodes= and mpol= may
 * change; numa=, cpuset=, passthrough=, mode=, uid= and gid= must keep
 * their value; FUSE's and the VFS's options are left to the kernel.
 * -EINVAL with the reason in @e, and @next freed.
 */
int options_parse_remount(const char *text, const struct numafs_options *cur,
			  struct numafs_options *next, struct errbuf *e);

/* "4G", "512k", "0", "50%" (of memory): as tmpfs's size=. */
int options_parse_size(const char *text, uint64_t *out);

/* The numafs option list for --help. */
void options_help(void);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The FUSE operation table: namespace and metadata (ops_*.c, xattr.c) and
 * regular-file data (file*.c).
 */
#include "file.h"
#include "ioctl.h"
#include "ops.h"
#include "xattr.h"

static void ns_init(void *userdata, struct fuse_conn_info *conn)
{
	struct numafs *fs = userdata;

	/* Timestamps are kept to the nanosecond, as tmpfs does. */
	conn->time_gran = 1;
	/* A symlink never changes: the kernel may keep its target. */
	fuse_set_feature_flag(conn, FUSE_CAP_CACHE_SYMLINKS);
	fuse_set_feature_flag(conn, FUSE_CAP_READDIRPLUS);
	file_init_conn(fs, conn);
}

const struct fuse_lowlevel_ops numafs_ops = {
	.init = ns_init,
	.lookup = ns_lookup,
	.forget = ns_forget,
	.forget_multi = ns_forget_multi,
	.getattr = ns_getattr,
	.setattr = ns_setattr,
	.readlink = ns_readlink,
	.mknod = ns_mknod,
	.mkdir = ns_mkdir,
	.unlink = ns_unlink,
	.rmdir = ns_rmdir,
	.symlink = ns_symlink,
	.rename = ns_rename,
	.link = ns_link,
	.statfs = ns_statfs,
	.opendir = ns_opendir,
	.readdir = ns_readdir,
	.readdirplus = ns_readdirplus,
	.releasedir = ns_releasedir,
	.fsyncdir = ns_fsyncdir,
	.create = ns_create,
	.tmpfile = ns_tmpfile,
	.setxattr = xattr_op_setxattr,
	.getxattr = xattr_op_getxattr,
	.listxattr = xattr_op_listxattr,
	.removexattr = xattr_op_removexattr,
	.ioctl = ioctl_op,
	.open = file_op_open,
	.release = file_op_release,
	.read = file_op_read,
	.write_buf = file_op_write_buf,
	.fallocate = file_op_fallocate,
	.lseek = file_op_lseek,
	.copy_file_range = file_op_copy_file_range,
	/*
	 * No .flush nor .fsync: data is in shared memory the moment it is
	 * written, as on tmpfs, so both have nothing to do.  libfuse answers
	 * ENOSYS to the first of each and the kernel stops sending them (it
	 * still writes its own dirty cache back first), which saves a round
	 * trip on every close and every fsync.
	 */
};

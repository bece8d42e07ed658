/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Regular files: their data in a backing shmem file placed by the store
 * (fs/store.h), and the FUSE data operations.  The namespace code calls
 * only the functions declared here.
 */
#ifndef NUMAFS_FILE_H
#define NUMAFS_FILE_H

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <sys/stat.h>

struct errbuf;
struct inode;
struct numafs;

/*
 * The mount's page store (fs/store.h): open it once options and topology
 * are known, before the session is mounted; close it after unmount.
 */
int file_mount_init(struct numafs *fs, struct errbuf *e);
void file_mount_fini(struct numafs *fs);
/* Bytes of file data stored, for statfs(). */
uint64_t file_space_used(struct numafs *fs);
/* fs->opt.size changed (remount): enforce the new size. */
int file_resize(struct numafs *fs);
/*
 * From the FUSE init handler: decides fs->passthrough and asks for what
 * the data path needs (passthrough, or the writeback cache without it, and
 * HANDLE_KILLPRIV_V2).
 */
void file_init_conn(struct numafs *fs, struct fuse_conn_info *conn);

/*
 * The four calls below are made with inode->lock held (or before the inode
 * is visible); the FUSE operations take the lock themselves.
 */
/* Make the backing file of a new regular file, its policy applied. */
int file_create(struct numafs *fs, struct inode *inode);
/* The inode is gone (no links, no lookups): free its backing file. */
void file_destroy(struct numafs *fs, struct inode *inode);
/* Size, blocks and data times come from the backing file. */
int file_getattr(struct numafs *fs, struct inode *inode, struct stat *st);
/*
 * Change the size (truncate/ftruncate), freeing pages past the end.
 * Note for setattr: with passthrough the daemon never sees writes; the
 * kernel asks for S_ISUID/S_ISGID to be cleared after a write by a task
 * without CAP_FSETID with a SETATTR carrying FUSE_SET_ATTR_KILL_SUID
 * (FATTR_KILL_SUIDGID): clear S_ISUID, and S_ISGID when S_IXGRP is set.
 */
int file_set_size(struct numafs *fs, struct inode *inode, off_t size);
/* Whether FUSE opens of the file are not yet released (inode locked). */
bool file_is_open(const struct inode *inode);

/*
 * Hooks of the request loop (fs/loop.c), in the order requests were
 * received and once each was served (fs/file_order.c).
 */
struct fuse_in_header;
void file_order_received(const struct fuse_in_header *in);
void file_order_served(const struct fuse_in_header *in);

/* FUSE operations on regular files. */
void file_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void file_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void file_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		  struct fuse_file_info *fi);
void file_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv,
		       off_t off, struct fuse_file_info *fi);
void file_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
		       off_t len, struct fuse_file_info *fi);
void file_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		   struct fuse_file_info *fi);
void file_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			     struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			     off_t off_out, struct fuse_file_info *fi_out,
			     size_t len, int flags);
/*
 * create(): the namespace code makes the inode and its entry, then hands
 * the open part here (after file_create()).
 */
void file_open_created(fuse_req_t req, struct inode *inode, struct fuse_entry_param *e,
		       struct fuse_file_info *fi);

#endif

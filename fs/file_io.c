// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File data operations that reach the daemon: read and write when there is
 * no passthrough (served from the backing file, spliced where the kernel
 * lets us), and with or without it fallocate, SEEK_DATA/SEEK_HOLE,
 * copy_file_range.  Simulated placement is decided here,
 * before any byte is written, so a full node set fails with nothing
 * written.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <unistd.h>

#include "file_impl.h"

/* The backing fd of an open file: valid until its last release. */
static int file_fd(struct inode *inode)
{
	return inode->file->store.fd;
}

/*
 * Before writing [off, off + len): room for its holes (*@reserved, for
 * file_settle()), and a node for each of them.
 */
static int file_prepare_write(struct numafs *fs, struct inode *inode, uint64_t off,
			      uint64_t len, uint64_t *reserved)
{
	struct store_file *f = &inode->file->store;
	uint64_t first = off >> STORE_PAGE_SHIFT, end = file_page_up(off + len);
	int err;

	*reserved = 0;
	if (!len)
		return 0;
	pthread_mutex_lock(&inode->lock);
	err = store_reserve(fs->store, f, first, end, reserved);
	if (!err) {
		err = store_prepare_write(fs->store, f, &inode->policy, first, end);
		if (err)
			store_settle(fs->store, f, *reserved);
	}
	pthread_mutex_unlock(&inode->lock);
	return err;
}

/* The file's pages changed: account for them, and end a reservation. */
static void file_settle(struct numafs *fs, struct inode *inode, uint64_t reserved)
{
	pthread_mutex_lock(&inode->lock);
	store_settle(fs->store, &inode->file->store, reserved);
	pthread_mutex_unlock(&inode->lock);
}

struct forget_holes {
	struct store *store;
	struct store_file *f;
};

static void forget_hole(void *arg, off_t hole, off_t data)
{
	struct forget_holes *h = arg;

	/* Only whole pages are holes. */
	store_pages_freed(h->store, h->f, file_page_up((uint64_t)hole),
			  (uint64_t)data >> STORE_PAGE_SHIFT);
}

void file_forget_holes(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end)
{
	struct forget_holes h = { fs->store, &inode->file->store };

	pthread_mutex_lock(&inode->lock);
	store_holes(file_fd(inode), (off_t)(first << STORE_PAGE_SHIFT),
		    (off_t)(end << STORE_PAGE_SHIFT), forget_hole, &h);
	pthread_mutex_unlock(&inode->lock);
}

/*
 * After data was written (@done of @len bytes at @off, room @reserved
 * for it) on behalf of @req.
 */
static void file_written(struct numafs *fs, struct inode *inode, fuse_req_t req,
			 struct fuse_file_info *fi, uint64_t off, uint64_t len, ssize_t done,
			 uint64_t reserved)
{
	uint64_t end = off + (done > 0 ? (uint64_t)done : 0);

	if (end < off + len)
		file_forget_holes(fs, inode, end >> STORE_PAGE_SHIFT, file_page_up(off + len));
	file_settle(fs, inode, reserved);
	/* Write-back of cached pages carries no caller to judge. */
	if (done > 0 && !fi->writepage) {
		pthread_mutex_lock(&inode->lock);
		file_kill_suid(inode, req);
		pthread_mutex_unlock(&inode->lock);
	}
}

void file_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		  struct fuse_file_info *fi)
{
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

	file_order_wait(file_inode(ino), false);
	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = file_fd(file_inode(ino));
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, 0);
}

void file_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv,
		       off_t off, struct fuse_file_info *fi)
{
	struct numafs *fs = numafs_from_req(req);
	struct inode *inode = file_inode(ino);
	size_t len = fuse_buf_size(bufv);
	struct fuse_bufvec dst = FUSE_BUFVEC_INIT(len);
	uint64_t reserved;
	ssize_t done;
	int err;

	file_order_wait(inode, true);
	err = file_prepare_write(fs, inode, (uint64_t)off, len, &reserved);
	if (err) {
		numafs_debug(fs, "write of %zu at %lld: %s", len, (long long)off, strerror(-err));
		fuse_reply_err(req, -err);
		return;
	}
	dst.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	dst.buf[0].fd = file_fd(inode);
	dst.buf[0].pos = off;
	done = fuse_buf_copy(&dst, bufv, 0);
	file_written(fs, inode, req, fi, (uint64_t)off, len, done, reserved);
	if (done < 0)
		fuse_reply_err(req, (int)-done);
	else
		fuse_reply_write(req, (size_t)done);
}

/* Punch [off, off + len) and forget the whole pages it freed. */
static int file_punch(struct numafs *fs, struct inode *inode, off_t off, off_t len)
{
	if (fallocate(file_fd(inode), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len))
		return -errno;
	pthread_mutex_lock(&inode->lock);
	store_pages_freed(fs->store, &inode->file->store, file_page_up((uint64_t)off),
			  (uint64_t)(off + len) >> STORE_PAGE_SHIFT);
	store_settle(fs->store, &inode->file->store, 0);
	pthread_mutex_unlock(&inode->lock);
	return 0;
}

/* Allocate [off, off + len), placing its pages first. */
static int file_allocate(struct numafs *fs, struct inode *inode, int mode, off_t off,
			 off_t len)
{
	uint64_t reserved;
	int err = file_prepare_write(fs, inode, (uint64_t)off, (uint64_t)len, &reserved);

	if (err)
		return err;
	if (fallocate(file_fd(inode), mode & FALLOC_FL_KEEP_SIZE, off, len))
		err = -errno;
	if (err)
		file_forget_holes(fs, inode, (uint64_t)off >> STORE_PAGE_SHIFT,
				  file_page_up((uint64_t)(off + len)));
	file_settle(fs, inode, reserved);
	return err;
}

static int file_fallocate(struct numafs *fs, struct inode *inode, int mode, off_t off,
			  off_t len)
{
	int err;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if (mode & FALLOC_FL_PUNCH_HOLE)
		return file_punch(fs, inode, off, len);
	/* tmpfs has no ZERO_RANGE: a hole punched and allocated again reads as zeros. */
	if (mode & FALLOC_FL_ZERO_RANGE) {
		err = file_punch(fs, inode, off, len);
		if (err)
			return err;
	}
	return file_allocate(fs, inode, mode, off, len);
}

void file_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
		       struct fuse_file_info *fi)
{
	struct numafs *fs = numafs_from_req(req);
	int err = file_fallocate(fs, file_inode(ino), mode, off, len);

	if (err)
		numafs_debug(fs, "fallocate mode %#x: %s", mode, strerror(-err));
	fuse_reply_err(req, -err);
}

/* Only SEEK_DATA and SEEK_HOLE come here; the fd offset is never used. */
void file_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		   struct fuse_file_info *fi)
{
	off_t res = lseek(file_fd(file_inode(ino)), off, whence);

	if (res < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_lseek(req, res);
}

/*
 * Between two backing files: the kernel copies, and for the kernel store
 * the destination's shared policy places the new pages.
 */
void file_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			     struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			     off_t off_out, struct fuse_file_info *fi_out,
			     size_t len, int flags)
{
	struct numafs *fs = numafs_from_req(req);
	struct inode *out = file_inode(ino_out);
	uint64_t start = (uint64_t)off_out, reserved;
	ssize_t done;
	int err;

	err = file_prepare_write(fs, out, start, len, &reserved);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	done = copy_file_range(file_fd(file_inode(ino_in)), &off_in, file_fd(out), &off_out,
			       len, 0);
	if (done < 0)
		done = -errno;
	file_written(fs, out, req, fi_out, start, len, done, reserved);
	if (done < 0)
		fuse_reply_err(req, (int)-done);
	else
		fuse_reply_write(req, (size_t)done);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Regular files: life of the backing file, attributes that come from it,
 * and open/release, where FUSE passthrough is set up.
 *
 * Passthrough rules the kernel enforces: while an inode has a backing file
 * registered, every open of it must name that backing id (else the open
 * fails with EIO) and must not ask for keep_cache.  So the first open
 * registers the backing fd, every open replies with its id, and the last
 * release drops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_impl.h"

#define FILE_READ_BUF_MAX (4U << 20)

int file_mount_init(struct numafs *fs, struct errbuf *e)
{
	/*
	 * Without splice libfuse replies to each read from a fresh buffer
	 * of up to max_read bytes: keep those on the heap, not a
	 * mmap/munmap pair (and 32 page faults) per read.
	 */
	mallopt(M_MMAP_THRESHOLD, FILE_READ_BUF_MAX);
	return store_open(fs, &fs->store, e);
}

void file_mount_fini(struct numafs *fs)
{
	store_close(fs->store);
	fs->store = NULL;
}

uint64_t file_space_used(struct numafs *fs)
{
	return store_bytes_used(fs->store);
}

int file_resize(struct numafs *fs)
{
	return store_resize(fs->store);
}

void file_init_conn(struct numafs *fs, struct fuse_conn_info *conn)
{
	/* Registering backing files needs CAP_SYS_ADMIN, as our own tmpfs did. */
	bool can = fs->opt.passthrough != 0 && !fs->topo->simulated &&
		   store_kind_private(fs->store);

	fs->passthrough = can && fuse_set_feature_flag(conn, FUSE_CAP_PASSTHROUGH);
	if (fs->passthrough) {
		/*
		 * Backing files live on a plain tmpfs (depth 0), so numafs
		 * sits at depth 1 and overlayfs can still stack on it.
		 */
		conn->max_backing_stack_depth = 0;
	} else {
		if (fs->opt.passthrough > 0)
			numafs_debug(fs, "passthrough unavailable: the daemon serves file data");
		/*
		 * With passthrough this would silently disable it.  Only where
		 * nothing can run out: a cached write(2) succeeds before we
		 * see it, so a full size= (or a full node set when placement
		 * is simulated) would drop data at write-back instead of
		 * failing the write with nothing written.
		 */
		if (!fs->topo->simulated && !fs->opt.size)
			fuse_set_feature_flag(conn, FUSE_CAP_WRITEBACK_CACHE);
		fuse_set_feature_flag(conn, FUSE_CAP_SPLICE_WRITE);
		/*
		 * Requests come whole into memory, not spliced: the loop
		 * reads each one's header as it is received, which orders
		 * READs behind WRITEs (fs/file_order.c).
		 */
		fuse_unset_feature_flag(conn, FUSE_CAP_SPLICE_READ);
		/*
		 * Every change of file data passes through the kernel's cache
		 * (numafs has no other writer), so it never goes stale: no
		 * dropping it when an mtime moves, and no GETATTR before
		 * each read to see whether it did.
		 */
		fuse_unset_feature_flag(conn, FUSE_CAP_AUTO_INVAL_DATA);
	}
	/* Else every write costs a GETXATTR(security.capability) round trip. */
	fuse_set_feature_flag(conn, FUSE_CAP_HANDLE_KILLPRIV_V2);
}

static void file_seen_times(struct file_data *fd, const struct stat *st)
{
	fd->seen_atime = st->st_atim;
	fd->seen_mtime = st->st_mtim;
}

int file_create(struct numafs *fs, struct inode *inode)
{
	struct file_data *fd = calloc(1, sizeof(*fd));
	struct stat st;
	int err;

	if (!fd)
		return -ENOMEM;
	fd->store.fd = -1;
	pthread_cond_init(&fd->order_cv, NULL);
	err = store_file_create(fs->store, &fd->store, inode->ino, &inode->policy);
	if (!err) {
		err = store_file_stat(fs->store, &fd->store, &st);
		if (err)
			store_file_destroy(fs->store, &fd->store);
	}
	if (err) {
		pthread_cond_destroy(&fd->order_cv);
		free(fd);
		return err;
	}
	file_seen_times(fd, &st);
	inode->file = fd;
	return 0;
}

void file_destroy(struct numafs *fs, struct inode *inode)
{
	struct file_data *fd = inode->file;

	if (!fd)
		return;
	store_file_destroy(fs->store, &fd->store);
	pthread_cond_destroy(&fd->order_cv);
	free(fd);
	inode->file = NULL;
}

static bool ts_equal(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool ts_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/*
 * Reconcile the inode's atime/mtime with the backing file's: a utimensat()
 * (the inode changed) is passed on to the backing file, so relatime keeps
 * working there; otherwise a change of the backing file (data written or
 * read, maybe by passthrough) is taken over.
 */
static void file_sync_times(struct numafs *fs, struct inode *inode, struct stat *st)
{
	struct file_data *fd = inode->file;

	if (!ts_equal(inode->atime, fd->seen_atime) || !ts_equal(inode->mtime, fd->seen_mtime)) {
		struct timespec ts[2] = { inode->atime, inode->mtime };

		if (!store_file_set_times(fs->store, &fd->store, ts))
			store_file_stat(fs->store, &fd->store, st);
	} else {
		inode->atime = st->st_atim;
		inode->mtime = st->st_mtim;
	}
	/* ctime never goes back: the later of a metadata and a data change. */
	if (ts_before(inode->ctime, st->st_ctim))
		inode->ctime = st->st_ctim;
	file_seen_times(fd, st);
}

int file_getattr(struct numafs *fs, struct inode *inode, struct stat *st)
{
	struct stat bst;
	int err = store_file_stat(fs->store, &inode->file->store, &bst);

	if (err)
		return err;
	file_sync_times(fs, inode, &bst);
	st->st_size = bst.st_size;
	st->st_blocks = bst.st_blocks;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
	return 0;
}

/*
 * A truncate to the size a file has still frees what fallocate(KEEP_SIZE)
 * put past its end, as on tmpfs, but must not stamp new times (tmpfs
 * leaves them alone when the size does not change): punch, then put the
 * backing file's times back.
 */
static int file_free_past_eof(int fd, const struct stat *st)
{
	off_t end = (off_t)(file_page_up((uint64_t)st->st_size) << STORE_PAGE_SHIFT);
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	if ((uint64_t)st->st_blocks * 512 <= (uint64_t)end)
		return 0;	/* nothing there */
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, end, INT64_MAX - end) ||
	    futimens(fd, times))
		return -errno;
	return 1;
}

int file_set_size(struct numafs *fs, struct inode *inode, off_t size)
{
	struct store_file *f = &inode->file->store;
	uint64_t npages = file_page_up((uint64_t)size);
	struct stat st;
	int fd, err = 0;

	if (size < 0)
		return -EINVAL;
	fd = store_file_get(fs->store, f);
	if (fd < 0)
		return fd;
	/* An ftruncate() of the backing file to its own size would stamp it. */
	if (fstat(fd, &st))
		err = -errno;
	else if (st.st_size != size)
		err = ftruncate(fd, size) ? -errno : 1;
	else
		err = file_free_past_eof(fd, &st);
	if (err > 0) {
		store_pages_freed(fs->store, f, npages, UINT64_MAX);
		store_settle(fs->store, f, 0);
		ptree_truncate(&inode->policy, npages);
		/* The shared policy reaches a fixed span past EOF: follow the new EOF. */
		err = store_apply_policy(fs->store, f, &inode->policy, npages, UINT64_MAX);
	}
	store_file_put(fs->store, f);
	return err;
}

/* CAP_FSETID, as far as the daemon can tell: root keeps the bits. */
static bool file_may_keep_suid(fuse_req_t req)
{
	return fuse_req_ctx(req)->uid == 0;
}

bool file_is_open(const struct inode *inode)
{
	return inode->file->opens > 0;
}

void file_kill_suid(struct inode *inode, fuse_req_t req)
{
	mode_t kill = S_ISUID;

	/* S_ISGID without group exec is mandatory locking, not setgid: kept. */
	if (inode->mode & S_IXGRP)
		kill |= S_ISGID;
	if (!(inode->mode & kill) || file_may_keep_suid(req))
		return;
	inode->mode &= ~kill;
	clock_gettime(CLOCK_REALTIME, &inode->ctime);
}

/*
 * Count an open and fill in what the reply needs.  O_TRUNC comes here with
 * the open (atomic_o_trunc) and truncates as tmpfs does, whatever the access
 * mode: Linux truncates on O_RDONLY|O_TRUNC too, after checking write access.
 */
static int file_open_locked(fuse_req_t req, struct numafs *fs, struct inode *inode,
			    struct fuse_file_info *fi)
{
	struct file_data *fd = inode->file;
	int bfd, err;

	if (fi->flags & O_TRUNC) {
		err = file_set_size(fs, inode, 0);
		if (err)
			return err;
		/* As open(O_TRUNC) on tmpfs: new times even if it was empty. */
		inode->mtime = inode->ctime = inode_now();
		file_kill_suid(inode, req);
	}
	bfd = store_file_get(fs->store, &fd->store);
	if (bfd < 0)
		return bfd;
	if (fs->passthrough && !fd->opens) {
		fd->backing_id = fuse_passthrough_open(req, bfd);
		if (fd->backing_id <= 0) {
			numafs_debug(fs, "inode %llu: no passthrough: %s",
				     (unsigned long long)inode->ino, strerror(errno));
			fd->backing_id = 0;
		}
	}
	fd->opens++;
	fi->backing_id = fd->backing_id;
	fi->keep_cache = !fd->backing_id;
	fi->parallel_direct_writes = 1;
	return 0;
}

static void file_close_locked(fuse_req_t req, struct numafs *fs, struct inode *inode)
{
	struct file_data *fd = inode->file;

	if (!--fd->opens && fd->backing_id) {
		fuse_passthrough_close(req, fd->backing_id);
		fd->backing_id = 0;
	}
	inode_uncount_if_gone(inode);
	store_file_put(fs->store, &fd->store);
}

static int file_open(fuse_req_t req, struct inode *inode, struct fuse_file_info *fi)
{
	struct numafs *fs = numafs_from_req(req);
	int err;

	pthread_mutex_lock(&inode->lock);
	err = file_open_locked(req, fs, inode, fi);
	pthread_mutex_unlock(&inode->lock);
	return err;
}

/* The reply did not reach the kernel: no release will come for it. */
static void file_open_undo(fuse_req_t req, struct inode *inode)
{
	pthread_mutex_lock(&inode->lock);
	file_close_locked(req, numafs_from_req(req), inode);
	pthread_mutex_unlock(&inode->lock);
}

void file_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct inode *inode = file_inode(ino);
	int err = file_open(req, inode, fi);

	if (err)
		fuse_reply_err(req, -err);
	else if (fuse_reply_open(req, fi))
		file_open_undo(req, inode);
}

void file_open_created(fuse_req_t req, struct inode *inode, struct fuse_entry_param *e,
		       struct fuse_file_info *fi)
{
	int err;

	fi->flags &= ~O_TRUNC;		/* it is new */
	err = file_open(req, inode, fi);
	if (err)
		fuse_reply_err(req, -err);
	else if (fuse_reply_create(req, e, fi))
		file_open_undo(req, inode);
}

void file_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	file_open_undo(req, file_inode(ino));
	fuse_reply_err(req, 0);
}

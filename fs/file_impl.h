/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What fs/file.c and fs/file_io.c share: the per-file data behind
 * inode->file.  Every field is protected by the inode's lock; the backing
 * fd itself needs none while the file is open (it stays valid until the
 * last release).
 */
#ifndef NUMAFS_FILE_IMPL_H
#define NUMAFS_FILE_IMPL_H

#include <stdint.h>
#include <time.h>

#include "file.h"
#include "inode.h"
#include "numafs.h"
#include "store.h"

struct file_data {
	struct store_file store;
	unsigned int opens;		/* FUSE opens not yet released */
	int backing_id;			/* passthrough registration, 0 when none */
	/*
	 * The backing file's times when numafs last looked: a difference
	 * means the data changed (passthrough writes never reach us), and a
	 * difference on the inode's side means a utimensat() to pass on.
	 */
	struct timespec seen_atime, seen_mtime;
	/*
	 * READs and WRITEs received and served, to serve them in the
	 * kernel's order (fs/file_order.c): received by the loop's reading
	 * thread alone, served under the inode's lock.
	 */
	uint64_t reads_received, writes_received;
	uint64_t reads_served, writes_served;
	pthread_cond_t order_cv;
};

/* FUSE node ids are inode addresses (fs/inode.h). */
static inline struct inode *file_inode(fuse_ino_t ino)
{
	return (struct inode *)(uintptr_t)ino;
}

static inline uint64_t file_page_up(uint64_t off)
{
	return (off + STORE_PAGE_SIZE - 1) >> STORE_PAGE_SHIFT;
}

/*
 * Before serving a READ (@write false) or WRITE: wait for the requests
 * it must follow.
 */
void file_order_wait(struct inode *inode, bool write);

/* After a write by @req: clear S_ISUID/S_ISGID where tmpfs would. */
void file_kill_suid(struct inode *inode, fuse_req_t req);

/*
 * Pages of [first, end) that are holes in the backing file (a write that
 * failed or came up short): forget where the store placed them.
 */
void file_forget_holes(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end);

#endif

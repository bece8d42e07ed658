// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * READs and WRITEs of a file are served in the order the kernel sent
 * them, as far as it matters: a READ never before a WRITE sent earlier,
 * a WRITE never before a READ or WRITE sent earlier; READs among
 * themselves run side by side.
 *
 * Served out of order on several threads, a READ could read the backing
 * file just before a WRITE reached it and install the old data in the
 * kernel's page cache for good: the writer then reads back what it had
 * overwritten (one run in fifty of tests/integration/test_data's
 * concurrent test under load, with libfuse's thread pool as with ours;
 * never with one thread).  The loop (fs/loop.c) tells each request as it
 * is received, in the kernel's order, and again once it was served; a
 * request takes its place in its file's order when received and waits
 * for its turn when served.  Counting is enough: a READ received after a
 * WRITE cannot finish before it, so once as many READs as were received
 * before a WRITE are served, those very READs are.  The inode is pinned
 * from one hook to the other: once the reply is sent, the kernel may
 * release and forget the file before the second hook runs.
 */
#include <linux/fuse.h>

#include "file_impl.h"

/* The place in its file's order of the READ or WRITE this thread serves. */
static __thread struct {
	uint64_t writes_before;		/* WRITEs received before it */
	uint64_t reads_before;		/* READs received before it (WRITE) */
} turn;

static struct file_data *order_file(const struct fuse_in_header *in)
{
	if (in->opcode != FUSE_READ && in->opcode != FUSE_WRITE)
		return NULL;
	/* A READ or WRITE names an open regular file. */
	return file_inode(in->nodeid)->file;
}

void file_order_received(const struct fuse_in_header *in)
{
	struct file_data *fd = order_file(in);

	turn.writes_before = turn.reads_before = 0;
	if (!fd)
		return;
	inode_pin(file_inode(in->nodeid));
	/* Only the loop's reading thread changes the counts received. */
	turn.writes_before = __atomic_load_n(&fd->writes_received, __ATOMIC_RELAXED);
	if (in->opcode == FUSE_WRITE) {
		turn.reads_before = __atomic_load_n(&fd->reads_received, __ATOMIC_RELAXED);
		__atomic_store_n(&fd->writes_received, turn.writes_before + 1, __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&fd->reads_received, fd->reads_received + 1, __ATOMIC_RELAXED);
	}
}

void file_order_served(const struct fuse_in_header *in)
{
	struct file_data *fd = order_file(in);
	struct inode *inode;

	if (!fd)
		return;
	inode = file_inode(in->nodeid);
	pthread_mutex_lock(&inode->lock);
	if (in->opcode == FUSE_WRITE)
		fd->writes_served++;
	else
		fd->reads_served++;
	pthread_cond_broadcast(&fd->order_cv);
	pthread_mutex_unlock(&inode->lock);
	inode_unpin(inode);
}

void file_order_wait(struct inode *inode, bool write)
{
	struct file_data *fd = inode->file;

	pthread_mutex_lock(&inode->lock);
	while (fd->writes_served < turn.writes_before ||
	       (write && fd->reads_served < turn.reads_before))
		pthread_cond_wait(&fd->order_cv, &inode->lock);
	pthread_mutex_unlock(&inode->lock);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading directories.  An offset is the cookie of the last entry
 * returned (dir.h), so a listing resumes at the right place whatever was
 * added or removed in between, and "." and ".." come first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dir.h"
#include "ops.h"

struct dirbuf {
	fuse_req_t req;
	char *buf;
	size_t size, used;
	bool plus;
};

/* Add one entry; false when it does not fit (and nothing was added). */
static bool dirbuf_add(struct dirbuf *b, const char *name, const struct fuse_entry_param *e,
		       off_t off)
{
	size_t room = b->size - b->used, len;

	if (b->plus)
		len = fuse_add_direntry_plus(b->req, b->buf + b->used, room, name, e, off);
	else
		len = fuse_add_direntry(b->req, b->buf + b->used, room, name, &e->attr, off);
	if (len > room)
		return false;
	b->used += len;
	return true;
}

/* "." and "..": the kernel takes no reference from them (node id 0). */
static bool dirbuf_add_dot(struct dirbuf *b, const char *name, const struct inode *inode,
			   off_t off)
{
	struct fuse_entry_param e = { 0 };

	e.attr.st_ino = inode->ino;
	e.attr.st_mode = S_IFDIR;
	return dirbuf_add(b, name, &e, off);
}

static bool dirbuf_add_entry(struct dirbuf *b, const struct dentry *de)
{
	struct inode *inode = de->inode;
	struct fuse_entry_param e = { 0 };
	bool added;

	if (!b->plus) {
		e.attr.st_ino = inode->ino;
		e.attr.st_mode = inode->mode;
		return dirbuf_add(b, de->name, &e, (off_t)de->cookie);
	}
	pthread_mutex_lock(&inode->lock);
	if (ns_entry_locked(inode, &e)) {
		/* No attributes to give: a plain entry the kernel looks up. */
		memset(&e, 0, sizeof(e));
		e.attr.st_ino = inode->ino;
		e.attr.st_mode = inode->mode;
	}
	added = dirbuf_add(b, de->name, &e, (off_t)de->cookie);
	if (!added && e.ino)
		inode->nlookup--;
	pthread_mutex_unlock(&inode->lock);
	return added;
}

static void dirbuf_fill(struct dirbuf *b, struct inode *inode, uint64_t off)
{
	const struct dir *d = inode->dir;
	const struct dentry *de;

	if (off < DIR_OFF_DOT && !dirbuf_add_dot(b, ".", inode, DIR_OFF_DOT))
		return;
	if (off < DIR_OFF_DOTDOT && !dirbuf_add_dot(b, "..", d->parent, DIR_OFF_DOTDOT))
		return;
	for (de = dir_next(d, off); de; de = dir_next(d, de->cookie))
		if (!dirbuf_add_entry(b, de))
			return;
}

static void ns_readdir_common(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			      bool plus)
{
	struct inode *inode = req_inode(req, ino);
	struct dirbuf b = { .req = req, .size = size, .plus = plus };

	b.buf = malloc(size);
	if (!b.buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&inode->lock);
	dirbuf_fill(&b, inode, (uint64_t)off);
	pthread_mutex_unlock(&inode->lock);
	/*
	 * Should this reply be lost (the caller interrupted), the references
	 * of its entries stay counted: the inodes then live until unmount.
	 */
	fuse_reply_buf(req, b.buf, b.used);
	free(b.buf);
}

void ns_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi)
{
	ns_readdir_common(req, ino, size, off, false);
}

void ns_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	ns_readdir_common(req, ino, size, off, true);
}

void ns_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_open(req, fi);
}

void ns_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

/* Directories live in memory: there is nothing to write back. */
void ns_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

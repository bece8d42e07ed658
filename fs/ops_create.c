// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Making names: mknod, mkdir, symlink, create (new inodes) and link.
 *
 * A new inode is made whole (backing file, symlink target) under its
 * parent's lock before its name is added, so nobody ever sees half an
 * inode.  The VFS holds the directory's own lock across a create anyway.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dir.h"
#include "file.h"
#include "ops.h"
#include "perm.h"

/* What a new inode is. */
struct ns_new {
	const char *name;
	mode_t mode;
	dev_t rdev;
	const char *target;		/* symlinks */
};

/* Whether @name may be added to @dir (locked). */
static int ns_may_add(struct inode *dir, const char *name)
{
	/* Removed while the kernel still had it: nothing is made in it. */
	if (!dir->nlink)
		return -ENOENT;
	if (strlen(name) > NS_NAME_MAX)
		return -ENAMETOOLONG;
	if (dir_find(dir->dir, name))
		return -EEXIST;
	return 0;
}

/* The content of a new inode of its type; it is not visible yet. */
static int ns_fill(struct numafs *fs, struct inode *inode, const struct ns_new *n)
{
	if (S_ISREG(n->mode))
		return file_create(fs, inode);
	if (S_ISLNK(n->mode)) {
		inode->symlink = strdup(n->target);
		return inode->symlink ? 0 : -ENOMEM;
	}
	inode->rdev = n->rdev;
	return 0;
}

static int ns_make_locked(fuse_req_t req, struct inode *dir, const struct ns_new *n,
			  struct fuse_entry_param *e, struct inode **out)
{
	struct numafs *fs = fuse_req_userdata(req);
	struct inode *inode;
	mode_t mode = n->mode;
	uid_t uid;
	gid_t gid;
	int err = ns_may_add(dir, n->name);

	if (err)
		return err;
	perm_new_owner(req, dir, &mode, &uid, &gid);
	err = inode_new(fs, dir, mode, uid, gid, &inode);
	if (err)
		return err;
	err = ns_fill(fs, inode, n);
	if (!err)
		err = dir_add(dir->dir, n->name, inode);
	if (err) {
		inode_free(inode);
		return err;
	}
	if (S_ISDIR(mode)) {
		inode->nlink = 2;
		dir->nlink++;
	} else {
		inode->nlink = 1;
	}
	ns_dir_changed(dir, inode->ctime);
	*out = inode;
	/* Not visible to the kernel yet: nobody else can hold its lock. */
	return ns_entry_locked(inode, e);
}

/* Make @n in directory @parent; on success @e holds its entry. */
static int ns_make(fuse_req_t req, fuse_ino_t parent, const struct ns_new *n,
		   struct fuse_entry_param *e, struct inode **out)
{
	struct inode *dir = req_inode(req, parent);
	int err;

	pthread_mutex_lock(&dir->lock);
	err = ns_make_locked(req, dir, n, e, out);
	pthread_mutex_unlock(&dir->lock);
	if (err)
		numafs_debug(fuse_req_userdata(req), "create '%s': %s", n->name, strerror(-err));
	return err;
}

static void ns_make_reply(fuse_req_t req, fuse_ino_t parent, const struct ns_new *n)
{
	struct fuse_entry_param e;
	struct inode *inode;
	int err = ns_make(req, parent, n, &e, &inode);

	if (err)
		fuse_reply_err(req, -err);
	else
		ns_reply_entry(req, inode, &e);
}

void ns_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	struct ns_new n = { .name = name, .mode = mode, .rdev = rdev };

	switch (mode & S_IFMT) {
	case 0:
		n.mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		fuse_reply_err(req, EINVAL);
		return;
	}
	ns_make_reply(req, parent, &n);
}

void ns_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct ns_new n = { .name = name, .mode = S_IFDIR | (mode & 07777) };

	ns_make_reply(req, parent, &n);
}

void ns_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct ns_new n = { .name = name, .mode = S_IFLNK | 0777, .target = link };

	/* tmpfs keeps a target in one page, its NUL included. */
	if (strlen(link) >= PATH_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	ns_make_reply(req, parent, &n);
}

void ns_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi)
{
	struct ns_new n = { .name = name, .mode = S_IFREG | (mode & 07777) };
	struct fuse_entry_param e;
	struct inode *inode;
	int err = ns_make(req, parent, &n, &e, &inode);

	if (err)
		fuse_reply_err(req, -err);
	else
		file_open_created(req, inode, &e, fi);
}

/* O_TMPFILE: a regular file with no name, until linkat() gives it one. */
static int ns_tmpfile_locked(fuse_req_t req, struct inode *dir, mode_t mode,
			     struct fuse_entry_param *e, struct inode **out)
{
	struct numafs *fs = fuse_req_userdata(req);
	struct inode *inode;
	uid_t uid;
	gid_t gid;
	int err;

	if (!dir->nlink)
		return -ENOENT;
	perm_new_owner(req, dir, &mode, &uid, &gid);
	err = inode_new(fs, dir, mode, uid, gid, &inode);
	if (err)
		return err;
	err = file_create(fs, inode);
	if (err) {
		inode_free(inode);
		return err;
	}
	inode->linkable = true;
	*out = inode;
	return ns_entry_locked(inode, e);
}

void ns_tmpfile(fuse_req_t req, fuse_ino_t parent, mode_t mode, struct fuse_file_info *fi)
{
	struct inode *dir = req_inode(req, parent), *inode;
	struct fuse_entry_param e;
	int err;

	pthread_mutex_lock(&dir->lock);
	err = ns_tmpfile_locked(req, dir, S_IFREG | (mode & 07777), &e, &inode);
	pthread_mutex_unlock(&dir->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		file_open_created(req, inode, &e, fi);
}

static int ns_link_locked(struct inode *dir, struct inode *inode, const char *name,
			  struct fuse_entry_param *e)
{
	int err = ns_may_add(dir, name);

	if (err)
		return err;
	if (S_ISDIR(inode->mode))
		return -EPERM;
	pthread_mutex_lock(&inode->lock);
	/* An unlinked file cannot come back; an O_TMPFILE one can. */
	if (!inode->nlink && !inode->linkable)
		err = -ENOENT;
	if (!err)
		err = dir_add(dir->dir, name, inode);
	if (!err) {
		inode->nlink++;
		inode->ctime = inode_now();
		ns_dir_changed(dir, inode->ctime);
		err = ns_entry_locked(inode, e);
	}
	pthread_mutex_unlock(&inode->lock);
	return err;
}

void ns_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct inode *dir = req_inode(req, newparent), *inode = req_inode(req, ino);
	struct fuse_entry_param e;
	int err;

	pthread_mutex_lock(&dir->lock);
	err = ns_link_locked(dir, inode, newname, &e);
	pthread_mutex_unlock(&dir->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		ns_reply_entry(req, inode, &e);
}

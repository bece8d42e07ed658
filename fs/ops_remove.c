// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Removing and moving names: unlink, rmdir, rename (with RENAME_NOREPLACE,
 * RENAME_EXCHANGE and RENAME_WHITEOUT).
 *
 * Locks: a directory before its entries' inodes.  A rename across
 * directories first takes the mount's rename lock, which keeps every
 * directory's parent fixed, then the two directories, an ancestor before
 * its descendant (else by address), as the VFS's lock_rename() does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dir.h"
#include "ops.h"
#include "perm.h"

#define NS_RENAME_FLAGS (RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)

/* Drop one link of @inode (locked); whether it is now unused. */
static bool ns_drop_link(struct inode *inode, struct timespec now)
{
	if (S_ISDIR(inode->mode))
		inode->nlink = 0;
	else
		inode->nlink--;
	inode->ctime = now;
	inode_uncount_if_gone(inode);
	return inode_unused(inode);
}

/* Unlink (@rmdir false) or rmdir entry @name of @dir (locked). */
static int ns_remove_locked(fuse_req_t req, struct inode *dir, const char *name, bool rmdir,
			    struct inode **unused)
{
	struct dentry *de = dir_find(dir->dir, name);
	struct inode *inode;
	struct timespec now;
	int err;

	if (!de)
		return -ENOENT;
	inode = de->inode;
	if (S_ISDIR(inode->mode) != rmdir)
		return rmdir ? -ENOTDIR : -EISDIR;
	err = perm_may_delete(req, dir, inode);
	if (err)
		return err;
	pthread_mutex_lock(&inode->lock);
	if (rmdir && !dir_empty(inode->dir)) {
		pthread_mutex_unlock(&inode->lock);
		return -ENOTEMPTY;
	}
	now = inode_now();
	if (ns_drop_link(inode, now))
		*unused = inode;
	pthread_mutex_unlock(&inode->lock);
	dir_remove(dir->dir, de);
	if (rmdir)
		dir->nlink--;
	ns_dir_changed(dir, now);
	return 0;
}

static void ns_remove(fuse_req_t req, fuse_ino_t parent, const char *name, bool rmdir)
{
	struct inode *dir = req_inode(req, parent), *unused = NULL;
	int err;

	pthread_mutex_lock(&dir->lock);
	err = ns_remove_locked(req, dir, name, rmdir, &unused);
	pthread_mutex_unlock(&dir->lock);
	if (unused)
		inode_free(unused);
	fuse_reply_err(req, -err);
}

void ns_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ns_remove(req, parent, name, false);
}

void ns_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ns_remove(req, parent, name, true);
}

struct rename {
	fuse_req_t req;
	struct inode *odir, *ndir;
	const char *oname, *nname;
	unsigned int flags;
	struct dentry *ode, *nde;
	struct inode *src, *dst;	/* dst: NULL when the new name is free */
	struct inode *whiteout;		/* RENAME_WHITEOUT: left at the old name */
	struct inode *unused;		/* the replaced inode, to free */
};

/* Whether directory @a is @d or one of its ancestors (rename lock held). */
static bool is_ancestor(const struct inode *a, const struct inode *d)
{
	for (;;) {
		if (d == a)
			return true;
		if (d->dir->parent == d)
			return false;
		d = d->dir->parent;
	}
}

static void lock_two(struct inode *a, struct inode *b)
{
	if (is_ancestor(b, a) || (!is_ancestor(a, b) && b < a)) {
		struct inode *t = a;

		a = b;
		b = t;
	}
	pthread_mutex_lock(&a->lock);
	pthread_mutex_lock(&b->lock);
}

static void rename_lock(struct rename *r)
{
	if (r->odir == r->ndir) {
		pthread_mutex_lock(&r->odir->lock);
		return;
	}
	pthread_mutex_lock(&r->odir->fs->rename_lock);
	lock_two(r->odir, r->ndir);
}

static void rename_unlock(struct rename *r)
{
	pthread_mutex_unlock(&r->odir->lock);
	if (r->odir == r->ndir)
		return;
	pthread_mutex_unlock(&r->ndir->lock);
	pthread_mutex_unlock(&r->odir->fs->rename_lock);
}

/* The checks of do_renameat2() and vfs_rename(), in their order. */
static int rename_check(struct rename *r)
{
	bool exchange = r->flags & RENAME_EXCHANGE;
	bool cross = r->odir != r->ndir;

	r->ode = dir_find(r->odir->dir, r->oname);
	if (!r->ode)
		return -ENOENT;
	r->src = r->ode->inode;
	if (!r->ndir->nlink)
		return -ENOENT;
	if (cross && S_ISDIR(r->src->mode) && is_ancestor(r->src, r->ndir))
		return -EINVAL;
	r->nde = dir_find(r->ndir->dir, r->nname);
	r->dst = r->nde ? r->nde->inode : NULL;
	if (r->dst && (r->flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (!r->dst && exchange)
		return -ENOENT;
	if (r->dst && cross && S_ISDIR(r->dst->mode) && is_ancestor(r->dst, r->odir))
		return exchange ? -EINVAL : -ENOTEMPTY;
	if (r->src == r->dst)
		return 0;
	if (r->dst && !exchange && S_ISDIR(r->src->mode) != S_ISDIR(r->dst->mode))
		return S_ISDIR(r->src->mode) ? -ENOTDIR : -EISDIR;
	if (perm_may_delete(r->req, r->odir, r->src))
		return -EPERM;
	if (r->dst && perm_may_delete(r->req, r->ndir, r->dst))
		return -EPERM;
	if (r->dst && !exchange && S_ISDIR(r->dst->mode) && !dir_empty(r->dst->dir))
		return -ENOTEMPTY;
	return 0;
}

/* Directory @inode moved from @from to @to (parents' link counts, its ".."). */
static void rename_moved_dir(struct inode *inode, struct inode *from, struct inode *to)
{
	if (!S_ISDIR(inode->mode) || from == to)
		return;
	from->nlink--;
	to->nlink++;
	inode->dir->parent = to;
}

static void rename_exchange(struct rename *r, struct timespec now)
{
	r->ode->inode = r->dst;
	r->nde->inode = r->src;
	rename_moved_dir(r->src, r->odir, r->ndir);
	rename_moved_dir(r->dst, r->ndir, r->odir);
	r->src->ctime = r->dst->ctime = now;
}

static int rename_move(struct rename *r, struct timespec now)
{
	/* The only step that can fail comes first; the old name goes last. */
	int err = dir_add(r->ndir->dir, r->nname, r->src);

	if (err)
		return err;
	if (r->dst) {
		dir_remove(r->ndir->dir, r->nde);
		if (S_ISDIR(r->dst->mode))
			r->ndir->nlink--;
		if (ns_drop_link(r->dst, now))
			r->unused = r->dst;
	}
	if (r->whiteout)
		r->ode->inode = r->whiteout;
	else
		dir_remove(r->odir->dir, r->ode);
	rename_moved_dir(r->src, r->odir, r->ndir);
	r->src->ctime = now;
	return 0;
}

/* The whiteout (overlayfs's "deleted" mark): a 0/0 character device. */
static int rename_make_whiteout(struct rename *r)
{
	mode_t mode = S_IFCHR;
	uid_t uid;
	gid_t gid;
	int err;

	perm_new_owner(r->req, r->odir, &mode, &uid, &gid);
	err = inode_new(r->odir->fs, r->odir, mode, uid, gid, &r->whiteout);
	if (!err)
		r->whiteout->nlink = 1;
	return err;
}

/* Both directories locked and the checks passed: lock the inodes and move. */
static int rename_do(struct rename *r)
{
	struct inode *a = r->src, *b = r->dst;
	struct timespec now = inode_now();
	int err;

	if (r->flags & RENAME_WHITEOUT) {
		err = rename_make_whiteout(r);
		if (err)
			return err;
	}
	if (b && b < a) {
		a = r->dst;
		b = r->src;
	}
	pthread_mutex_lock(&a->lock);
	if (b)
		pthread_mutex_lock(&b->lock);
	if (r->flags & RENAME_EXCHANGE) {
		rename_exchange(r, now);
		err = 0;
	} else {
		err = rename_move(r, now);
	}
	if (b)
		pthread_mutex_unlock(&b->lock);
	pthread_mutex_unlock(&a->lock);
	if (err && r->whiteout)
		inode_free(r->whiteout);
	if (!err) {
		ns_dir_changed(r->odir, now);
		ns_dir_changed(r->ndir, now);
	}
	return err;
}

void ns_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
	       const char *newname, unsigned int flags)
{
	struct rename r = {
		.req = req,
		.odir = req_inode(req, parent),
		.ndir = req_inode(req, newparent),
		.oname = name,
		.nname = newname,
		.flags = flags,
	};
	int err;

	if ((flags & ~NS_RENAME_FLAGS) ||
	    ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (strlen(newname) > NS_NAME_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	rename_lock(&r);
	err = rename_check(&r);
	if (!err && r.src != r.dst)
		err = rename_do(&r);
	rename_unlock(&r);
	if (r.unused)
		inode_free(r.unused);
	fuse_reply_err(req, -err);
}

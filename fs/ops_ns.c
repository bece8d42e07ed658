// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names and attributes: lookup, forget, getattr, setattr, readlink, statfs.
 */
#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

#include "dir.h"
#include "file.h"
#include "ops.h"
#include "perm.h"

#define NS_BLOCK_SIZE 4096

int ns_entry_locked(struct inode *inode, struct fuse_entry_param *e)
{
	int err;

	memset(e, 0, sizeof(*e));
	err = inode_stat(inode, &e->attr);
	if (err)
		return err;
	e->ino = inode_id(inode);
	/* Node ids are addresses and come back; inode numbers never do. */
	e->generation = inode->ino;
	e->attr_timeout = NS_TIMEOUT;
	e->entry_timeout = NS_TIMEOUT;
	inode->nlookup++;
	return 0;
}

void ns_reply_entry(fuse_req_t req, struct inode *inode, const struct fuse_entry_param *e)
{
	if (fuse_reply_entry(req, e))
		inode_forget(inode, 1);
}

void ns_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct inode *dir = req_inode(req, parent), *inode = NULL;
	struct fuse_entry_param e = { .entry_timeout = NS_TIMEOUT };
	struct dentry *de;
	int err = 0;

	if (strlen(name) > NS_NAME_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	pthread_mutex_lock(&dir->lock);
	de = dir_find(dir->dir, name);
	if (de) {
		inode = de->inode;
		pthread_mutex_lock(&inode->lock);
		err = ns_entry_locked(inode, &e);
		pthread_mutex_unlock(&inode->lock);
	}
	pthread_mutex_unlock(&dir->lock);
	if (err)
		fuse_reply_err(req, -err);
	else if (inode)
		ns_reply_entry(req, inode, &e);
	else
		fuse_reply_entry(req, &e);	/* negative entry, cached as long */
}

void ns_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	inode_forget(req_inode(req, ino), nlookup);
	fuse_reply_none(req);
}

void ns_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		inode_forget(req_inode(req, forgets[i].ino), forgets[i].nlookup);
	fuse_reply_none(req);
}

static void reply_attr(fuse_req_t req, struct inode *inode)
{
	struct stat st;
	int err;

	pthread_mutex_lock(&inode->lock);
	err = inode_stat(inode, &st);
	pthread_mutex_unlock(&inode->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_attr(req, &st, NS_TIMEOUT);
}

void ns_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	reply_attr(req, req_inode(req, ino));
}

static int setattr_size(fuse_req_t req, struct inode *inode, off_t size, int valid)
{
	int err;

	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	err = file_set_size(fuse_req_userdata(req), inode, size);
	/* The kernel asks this for a truncate by a task without CAP_FSETID. */
	if (!err && (valid & FUSE_SET_ATTR_KILL_SUID))
		inode->mode = perm_drop_setid(req, inode->mode, inode->gid);
	return err;
}

static void setattr_owner(fuse_req_t req, struct inode *inode, const struct stat *attr,
			  int valid)
{
	if (!(valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		return;
	inode->mode = perm_drop_setid(req, inode->mode, inode->gid);
	if (valid & FUSE_SET_ATTR_UID)
		inode->uid = attr->st_uid;
	if (valid & FUSE_SET_ATTR_GID)
		inode->gid = attr->st_gid;
}

static void setattr_times(struct inode *inode, const struct stat *attr, int valid,
			  struct timespec now)
{
	if (valid & FUSE_SET_ATTR_ATIME_NOW)
		inode->atime = now;
	else if (valid & FUSE_SET_ATTR_ATIME)
		inode->atime = attr->st_atim;
	if (valid & FUSE_SET_ATTR_MTIME_NOW)
		inode->mtime = now;
	else if (valid & FUSE_SET_ATTR_MTIME)
		inode->mtime = attr->st_mtim;
	inode->ctime = (valid & FUSE_SET_ATTR_CTIME) ? attr->st_ctim : now;
}

/*
 * truncate(2) to the size a file has already changes nothing, not even
 * its ctime (ftruncate(2), which comes with a file handle, sets both
 * times, as a size change does).
 */
static bool setattr_same_size(fuse_req_t req, struct inode *inode, const struct stat *attr,
			      int valid, const struct fuse_file_info *fi)
{
	struct stat st;

	if (valid != FUSE_SET_ATTR_SIZE || fi || !S_ISREG(inode->mode))
		return false;
	return !file_getattr(fuse_req_userdata(req), inode, &st) && st.st_size == attr->st_size;
}

/*
 * The kernel has checked the caller's rights (default_permissions); what
 * is left are the effects: set-id bits dropped and the times.
 */
static int setattr_locked(fuse_req_t req, struct inode *inode, const struct stat *attr,
			  int valid, const struct fuse_file_info *fi)
{
	int err;

	if (setattr_same_size(req, inode, attr, valid, fi))
		return 0;

	/*
	 * With HANDLE_KILLPRIV_V2 the kernel strips the set-id bits it wants
	 * dropped (a write by a task without CAP_FSETID, which passthrough
	 * never shows us, or chown(-1, -1)) and sends what is left: nothing.
	 */
	if (!valid)
		inode->mode = perm_drop_setid(req, inode->mode, inode->gid);
	if (valid & FUSE_SET_ATTR_SIZE) {
		err = setattr_size(req, inode, attr->st_size, valid);
		if (err)
			return err;
	}
	setattr_owner(req, inode, attr, valid);
	if (valid & FUSE_SET_ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) |
			      perm_chmod_mode(req, attr->st_mode & 07777, inode->gid);
	setattr_times(inode, attr, valid, inode_now());
	return 0;
}

void ns_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid,
		struct fuse_file_info *fi)
{
	struct inode *inode = req_inode(req, ino);
	int err;

	pthread_mutex_lock(&inode->lock);
	err = setattr_locked(req, inode, attr, valid, fi);
	pthread_mutex_unlock(&inode->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		reply_attr(req, inode);
}

/* A symlink's target never changes: no lock needed to read it. */
void ns_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct inode *inode = req_inode(req, ino);

	if (!S_ISLNK(inode->mode))
		fuse_reply_err(req, EINVAL);
	else
		fuse_reply_readlink(req, inode->symlink);
}

static uint64_t minus_floor(uint64_t total, uint64_t used)
{
	return used < total ? total - used : 0;
}

/*
 * What the mount can hold: size=, and on a simulated topology no more than
 * its nodes (whose capacity numafs enforces itself).  0 is unlimited.
 */
static uint64_t ns_capacity(const struct numafs *fs)
{
	/* A remount may change size= at any time (fs/remount.c). */
	uint64_t size = __atomic_load_n(&fs->opt.size, __ATOMIC_RELAXED), nodes = 0;
	int node;

	if (!fs->topo->simulated)
		return size;
	nodemask_for_each(node, &fs->topo->nodes)
		nodes += fs->topo->node_size[node];
	return size && size < nodes ? size : nodes;
}

/* As tmpfs: a limit of 0 (unlimited) shows as 0 total and 0 free. */
void ns_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct numafs *fs = fuse_req_userdata(req);
	uint64_t blocks = ns_capacity(fs) / NS_BLOCK_SIZE;
	uint64_t used = (file_space_used(fs) + NS_BLOCK_SIZE - 1) / NS_BLOCK_SIZE;
	uint64_t inodes = __atomic_load_n(&fs->nr_inodes, __ATOMIC_RELAXED);
	uint64_t limit = __atomic_load_n(&fs->opt.nr_inodes, __ATOMIC_RELAXED);
	struct statvfs st = {
		.f_bsize = NS_BLOCK_SIZE,
		.f_frsize = NS_BLOCK_SIZE,
		.f_blocks = blocks,
		.f_bfree = minus_floor(blocks, used),
		.f_bavail = minus_floor(blocks, used),
		.f_files = limit,
		.f_ffree = minus_floor(limit, inodes),
		.f_favail = minus_floor(limit, inodes),
		.f_namemax = NS_NAME_MAX,
	};

	fuse_reply_statfs(req, &st);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rebinding on a cpuset change, as the kernel's cpuset_change_nodemask()
 * rebinds each task's policies and then migrates its memory.
 *
 * The new set is published first, then every inode in memory is visited,
 * oldest first, each under its lock.  Nothing made meanwhile is missed: a
 * file is made whole (up to the first stat of its entry) under its
 * directory's lock, after that directory (older, so visited first); made
 * before the directory's turn, it is in the list by then and gets its own
 * turn; made after, it inherits a rebound default.  A policy set meanwhile may still have been made against the
 * old set: passes repeat until one finds every policy bound to the new
 * set, and the watcher makes one more a little later (rebind_settle()),
 * for a request that read the old set before the change and applied its
 * policy after the last pass.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "file_impl.h"
#include "migrate_impl.h"
#include "rebind.h"

/* Passes after which a rebind gives up chasing concurrent policy changes. */
#define REBIND_MAX_PASSES 4

static bool policy_bound(const struct numa_policy *p, const struct nodemask *allowed)
{
	return nodemask_equal(&p->bound_to, allowed);
}

static bool ptree_bound(const struct ptree *t, const struct nodemask *allowed)
{
	struct ptree_range r;
	bool ok;

	if (!policy_bound(t->base, allowed))
		return false;
	for (ok = ptree_next(t, 0, &r); ok; ok = ptree_next(t, r.end, &r))
		if (!policy_bound(r.policy, allowed))
			return false;
	return true;
}

/*
 * Rebind one inode (locked) that is alive.  1 if it changed, 0 if it
 * was bound already, or a negative errno.
 */
static int rebind_locked(struct numafs *fs, struct inode *inode, const struct nodemask *allowed)
{
	int err;

	if (ptree_bound(&inode->policy, allowed))
		return 0;
	err = ptree_rebind(&inode->policy, allowed);
	if (!err && S_ISREG(inode->mode) && inode->file)
		err = store_apply_policy(fs->store, &inode->file->store, &inode->policy, 0,
					 UINT64_MAX);
	if (!err && S_ISREG(inode->mode) && inode->file)
		err = migrate_queue_file(fs->migrate, inode);
	return err ? err : 1;
}

static int rebind_inode(struct numafs *fs, struct inode *inode, const struct nodemask *allowed)
{
	int ret = 0;

	pthread_mutex_lock(&inode->lock);
	if (S_ISREG(inode->mode) || S_ISDIR(inode->mode))
		ret = rebind_locked(fs, inode, allowed);
	pthread_mutex_unlock(&inode->lock);
	if (ret < 0)
		fprintf(stderr, "numafs: cpuset: inode %llu keeps its old binding: %s\n",
			(unsigned long long)inode->ino, strerror(-ret));
	return ret;
}

/* One pass over every inode: how many changed. */
static unsigned long rebind_pass(struct numafs *fs, const struct nodemask *allowed)
{
	unsigned long changed = 0;
	struct inode *inode;

	for (inode = inode_next_pinned(fs, NULL); inode; inode = inode_next_pinned(fs, inode))
		if (rebind_inode(fs, inode, allowed) > 0)
			changed++;
	return changed;
}

/* Passes until one changes nothing. */
static int rebind_passes(struct numafs *fs, const struct nodemask *allowed)
{
	unsigned int pass;

	for (pass = 0; pass < REBIND_MAX_PASSES; pass++)
		if (!rebind_pass(fs, allowed))
			return 0;
	return -EAGAIN;
}

int rebind_all(struct numafs *fs, const struct nodemask *allowed)
{
	char was[256] = "", now[256] = "";
	struct nodemask old;
	int err;

	pthread_mutex_lock(&fs->allowed_lock);
	old = fs->allowed;
	fs->allowed = *allowed;
	pthread_mutex_unlock(&fs->allowed_lock);
	if (nodemask_equal(&old, allowed))
		return 0;
	nodemask_print(&old, was, sizeof(was));
	nodemask_print(allowed, now, sizeof(now));
	fprintf(stderr, "numafs: cpuset: allowed nodes %s -> %s: rebinding\n", was, now);
	/* Migrations queued for the old set have nothing left to do. */
	migrate_queue_flush(fs->migrate);
	err = rebind_passes(fs, allowed);
	return err ? err : 1;
}

int rebind_settle(struct numafs *fs)
{
	struct nodemask allowed;

	numafs_get_allowed(fs, &allowed);
	return rebind_passes(fs, &allowed);
}

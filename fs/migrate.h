/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration: moving stored pages so that they conform to their policy, or
 * onto given nodes, through the store (fs/store.h: move_pages() on a real
 * topology, the page index on a simulated one), and rebinding every
 * policy when the allowed nodes (the cpuset) change.
 *
 * Synchronous moves serve callers that wait (setxattr with "move", the
 * MIGRATE ioctl); rebinding queues work for the mount's worker threads,
 * which move in batches at most migrate_rate= MB/s.
 */
#ifndef NUMAFS_MIGRATE_H
#define NUMAFS_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "errbuf.h"
#include "nodemask.h"

struct inode;
struct numafs;

struct migrate_result {
	uint64_t moved;		/* pages now on their new node */
	uint64_t failed;	/* pages that could not move (counted in totals) */
};

/*
 * Set up the mount's migration (at mount setup); start its worker and
 * the cpuset watcher once the daemon runs (after fuse_daemonize(), whose
 * fork keeps no thread); stop them and free everything.
 */
int migrate_init(struct numafs *fs, struct errbuf *e);
int migrate_start(struct numafs *fs);
void migrate_fini(struct numafs *fs);

/*
 * Move the stored pages of [first, end) of regular file @inode that do
 * not conform to its policy now, each to the node a first write would
 * choose.  @all: pages applications have mapped too.  Called without the
 * inode's lock; returns when done.
 */
int migrate_conform(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
		    bool all, struct migrate_result *r);

/*
 * Move every stored page of [first, end) that is not on a node of @to
 * onto @to (as migratepages: the n-th node of the old set to the n-th of
 * @to, else spread over @to).  Same rules as migrate_conform().
 */
int migrate_to_nodes(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
		     const struct nodemask *to, bool all, struct migrate_result *r);

/* Mount-wide totals since mount, and pages queued now. */
struct migrate_totals {
	uint64_t migrated, failed, pending;
};
void migrate_get_totals(struct numafs *fs, struct migrate_totals *t);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside migration: what the engine (migrate.c), the background workers
 * (migrate_queue.c), the cpuset watcher (cpuset.c) and rebinding
 * (rebind.c) share.
 */
#ifndef NUMAFS_MIGRATE_IMPL_H
#define NUMAFS_MIGRATE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "migrate.h"
#include "numafs.h"

/* Pages looked at, and moved, under one hold of the inode's lock. */
#define MIGRATE_BATCH 512

struct migrate_queue;
struct cpuset_watch;

/* A mount's migration state (fs->migrate). */
struct migrate {
	struct numafs *fs;
	uint8_t weights[NUMAFS_MAX_NODES];	/* default weighted-interleave */
	uint64_t migrated, failed, pending;	/* atomic: the totals */
	struct migrate_queue *queue;
	struct cpuset_watch *watch;
};

/*
 * One batch of at most MIGRATE_BATCH pages from @first (< @end), under the
 * inode's lock: conform (@to NULL) or onto @to.  Returns the page after
 * the batch, or a negative errno; adds to @r and to the totals.
 */
int64_t migrate_batch(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
		      const struct nodemask *to, bool all, struct migrate_result *r);

/* Background migration (migrate_queue.c). */
int migrate_queue_start(struct migrate *m, uint64_t rate_mb);
void migrate_queue_stop(struct migrate *m);
/* Conform every stored page of @inode (locked), later; takes its own pin. */
int migrate_queue_file(struct migrate *m, struct inode *inode);
/* Forget every queued job (a new rebind supersedes them). */
void migrate_queue_flush(struct migrate *m);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The migration engine: which stored pages must move, and where to, one
 * batch at a time under the inode's lock; the store moves them (the
 * kernel's move_pages() on a real topology, the page index on a simulated
 * one).  A move is judged by the status of each page, never by a return
 * code: the kernel may return 0 and move nothing.
 *
 * Targets are chosen as a first write would choose them (place_page()),
 * except that nobody is writing: no writer node.  Room is learnt from the
 * store: a page refused for want of room marks its target node full and
 * the batch is planned again without it, so a full node sends pages on to
 * the policy's fallback, as a write would.
 */
#include <errno.h>
#include <stdlib.h>

#include "cpuset.h"
#include "file_impl.h"
#include "migrate_impl.h"
#include "place.h"
#include "store.h"

#define WEIGHTS_DIR "/sys/kernel/mm/mempolicy/weighted_interleave"

/* Planning one batch. */
struct plan {
	struct numafs *fs;
	const struct ptree *policy;
	const struct nodemask *to;	/* migrate_to_nodes(); NULL: conform */
	struct nodemask allowed;
	struct nodemask full;		/* nodes a move found without room */
	unsigned int busy_rounds;	/* rounds retried for busy pages */
	int home;			/* where the page being planned is */
	struct place_ctx pc;
};

static bool plan_has_room(void *arg, unsigned int node)
{
	const struct plan *p = arg;

	/* Staying put costs no room. */
	return (int)node == p->home || !nodemask_test(&p->full, node);
}

static void plan_init(struct plan *p, struct numafs *fs, struct inode *inode,
		      const struct nodemask *to)
{
	p->fs = fs;
	p->policy = &inode->policy;
	p->to = to;
	numafs_get_allowed(fs, &p->allowed);
	nodemask_zero(&p->full);
	p->busy_rounds = 0;
	p->pc = (struct place_ctx){
		.topo = fs->topo,
		.allowed = &p->allowed,
		.writer_node = -1,
		.phase = store_file_phase(fs->store, &inode->file->store),
		.default_weights = fs->migrate->weights,
		.has_room = plan_has_room,
		.room_arg = p,
	};
}

/*
 * As migratepages: the n-th node of the machine to the n-th node of @to
 * (modulo its weight), or the next one of @to with room.
 */
static int plan_onto(struct plan *p, unsigned int node)
{
	unsigned int n = nodemask_weight(p->to), i;
	struct nodemask one, dst;
	int pos;

	if (nodemask_test(p->to, node))
		return -1;
	nodemask_zero(&one);
	nodemask_set(&one, node);
	nodemask_remap(&dst, &one, &p->fs->topo->nodes, p->to);
	pos = nodemask_position(p->to, (unsigned int)nodemask_next(&dst, -1));
	for (i = 0; i < n; i++) {
		int cand = nodemask_nth(p->to, ((unsigned int)(pos < 0 ? 0 : pos) + i) % n);

		if (!nodemask_test(&p->full, (unsigned int)cand))
			return cand;
	}
	return -ENOSPC;
}

/* Where page @index, now on @node, goes: -1 to stay, else a node or -ENOSPC. */
static int plan_page(struct plan *p, uint64_t index, unsigned int node)
{
	const struct numa_policy *pol;
	int target;

	if (p->to)
		return plan_onto(p, node);
	pol = ptree_lookup(p->policy, index, NULL, NULL);
	if (nodemask_test(&p->allowed, node) && place_conforms(pol, index, node, &p->pc))
		return -1;
	p->home = (int)node;
	target = place_page(pol, index, &p->pc);
	return target == (int)node ? -1 : target;
}

/*
 * Targets for the pages of @nodes still to move (>= 0) in @to; a page
 * that cannot go anywhere is failed and done.  Returns how many move.
 */
static unsigned int plan_batch(struct plan *p, uint64_t first, unsigned int count,
			       int *nodes, int *to, struct migrate_result *r)
{
	unsigned int i, moving = 0;

	for (i = 0; i < count; i++) {
		int target = nodes[i] < 0 ? -1 : plan_page(p, first + i, (unsigned int)nodes[i]);

		to[i] = target < 0 ? -1 : target;
		if (target >= 0)
			moving++;
		else if (target != -1)
			r->failed++;
		if (target < 0)
			nodes[i] = -ENOENT;	/* done with */
	}
	return moving;
}

/*
 * A page the kernel could not take off its LRU list this instant (-EBUSY,
 * -EAGAIN: in a per-CPU batch, or locked) is tried again, a few rounds:
 * left, it would stay off its policy until the next change.
 */
#define MIGRATE_BUSY_ROUNDS 3

/*
 * Account the statuses of a move.  A page refused for room marks its
 * target full, and a busy page waits a round, and both stay to be
 * planned again: returns whether any did.
 */
static bool plan_account(struct plan *p, unsigned int count, int *nodes, const int *to,
			 const int *status, struct migrate_result *r)
{
	bool retry_busy = p->busy_rounds < MIGRATE_BUSY_ROUNDS;
	bool again = false;
	unsigned int i;

	for (i = 0; i < count; i++) {
		int st = status[i];

		if (to[i] < 0)
			continue;
		if (st == to[i]) {
			r->moved++;
		} else if ((st == -ENOSPC || st == -ENOMEM) &&
			   !nodemask_test(&p->full, (unsigned int)to[i])) {
			nodemask_set(&p->full, (unsigned int)to[i]);
			again = true;
			continue;
		} else if ((st == -EBUSY || st == -EAGAIN) && retry_busy) {
			again = true;
			continue;
		} else if (st != -ENOENT) {
			r->failed++;	/* not moved, or elsewhere: -EACCES, still busy */
		}
		nodes[i] = -ENOENT;
	}
	if (again)
		p->busy_rounds++;
	return again;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Pages the file has now: nothing past them can be stored. */
static int file_pages(struct numafs *fs, struct inode *inode, uint64_t *pages)
{
	struct stat st;
	int err = store_file_stat(fs->store, &inode->file->store, &st);

	if (!err)
		*pages = file_page_up((uint64_t)st.st_size);
	return err;
}

static int64_t batch_locked(struct numafs *fs, struct inode *inode, uint64_t first,
			    uint64_t end, const struct nodemask *to, bool all,
			    struct migrate_result *r)
{
	int nodes[MIGRATE_BATCH], dst[MIGRATE_BATCH], status[MIGRATE_BATCH];
	struct store_file *f = &inode->file->store;
	unsigned int count;
	struct plan p;
	uint64_t pages;
	bool again = true;
	int err;

	err = file_pages(fs, inode, &pages);
	if (err)
		return err;
	end = min_u64(end, pages);
	if (first >= end)
		return (int64_t)end;
	count = (unsigned int)min_u64(end - first, MIGRATE_BATCH);
	err = store_page_nodes(fs->store, f, first, count, nodes);
	plan_init(&p, fs, inode, to);
	/* Each round learns a full node or spends a busy round, so this ends. */
	while (!err && again && plan_batch(&p, first, count, nodes, dst, r)) {
		err = store_move(fs->store, f, first, count, dst, status, all);
		if (!err)
			again = plan_account(&p, count, nodes, dst, status, r);
	}
	return err ? err : (int64_t)(first + count);
}

int64_t migrate_batch(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
		      const struct nodemask *to, bool all, struct migrate_result *r)
{
	struct migrate *m = fs->migrate;
	struct migrate_result got = { 0, 0 };
	int64_t next = -ENOENT;

	pthread_mutex_lock(&inode->lock);
	if (S_ISREG(inode->mode) && inode->file)
		next = batch_locked(fs, inode, first, end, to, all, &got);
	pthread_mutex_unlock(&inode->lock);
	__atomic_fetch_add(&m->migrated, got.moved, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->failed, got.failed, __ATOMIC_RELAXED);
	r->moved += got.moved;
	r->failed += got.failed;
	return next;
}

/* Batch after batch, letting I/O on the file in between. */
static int migrate_range(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
			 const struct nodemask *to, bool all, struct migrate_result *r)
{
	int64_t next;

	r->moved = r->failed = 0;
	while (first < end) {
		next = migrate_batch(fs, inode, first, end, to, all, r);
		if (next < 0)
			return (int)next;
		if ((uint64_t)next <= first)
			break;		/* past the end of the file */
		first = (uint64_t)next;
	}
	return 0;
}

int migrate_conform(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
		    bool all, struct migrate_result *r)
{
	return migrate_range(fs, inode, first, end, NULL, all, r);
}

int migrate_to_nodes(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
		     const struct nodemask *to, bool all, struct migrate_result *r)
{
	struct nodemask allowed, onto;

	numafs_get_allowed(fs, &allowed);
	nodemask_and(&onto, to, &allowed);
	nodemask_and(&onto, &onto, &fs->topo->nodes);
	if (nodemask_empty(&onto))
		return -EINVAL;
	return migrate_range(fs, inode, first, end, &onto, all, r);
}

void migrate_get_totals(struct numafs *fs, struct migrate_totals *t)
{
	struct migrate *m = fs->migrate;

	t->migrated = __atomic_load_n(&m->migrated, __ATOMIC_RELAXED);
	t->failed = __atomic_load_n(&m->failed, __ATOMIC_RELAXED);
	t->pending = __atomic_load_n(&m->pending, __ATOMIC_RELAXED);
}

int migrate_init(struct numafs *fs, struct errbuf *e)
{
	struct migrate *m = calloc(1, sizeof(*m));

	if (!m)
		return err_set(e, ENOMEM, "out of memory");
	m->fs = fs;
	topology_default_weights(fs->topo, WEIGHTS_DIR, m->weights);
	fs->migrate = m;
	return 0;
}

int migrate_start(struct numafs *fs)
{
	struct migrate *m = fs->migrate;
	int err = migrate_queue_start(m, fs->opt.migrate_rate);

	if (!err)
		err = cpuset_watch_start(m);
	if (err)
		migrate_queue_stop(m);
	return err;
}

void migrate_fini(struct numafs *fs)
{
	/* The watcher queues jobs: it goes first. */
	cpuset_watch_stop(fs->migrate);
	migrate_queue_stop(fs->migrate);
	free(fs->migrate);
	fs->migrate = NULL;
}

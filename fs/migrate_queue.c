// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Background migration: a queue of files to bring into conformity, and a
 * worker thread taking them in turn, one batch at a time (the inode's
 * lock is held for one batch only, so I/O on the file goes on), at most
 * migrate_rate= MB/s of pages moved, like the kernel's promotion rate
 * limit.  A queued file is pinned (fs/inode.h): it is not freed under
 * its job.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "file_impl.h"
#include "migrate_impl.h"

#define NSEC_PER_SEC 1000000000LL

/*
 * A file some of whose pages would not move (the kernel had them busy)
 * is gone over again, after 1, 2, then 3 seconds.
 */
#define MIGRATE_RETRIES 3

struct job {
	TAILQ_ENTRY(job) link;
	struct inode *inode;		/* pinned */
	uint64_t next, end;		/* pages still to look at */
	bool all;			/* mapped pages too, while permitted */
	uint64_t failed;		/* pages that would not move, this pass */
	unsigned int retries;		/* passes done again */
	struct timespec not_before;	/* a pass done again waits till then */
};

TAILQ_HEAD(job_list, job);

struct migrate_queue {
	struct migrate *m;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a job, or stop */
	struct job_list jobs;
	bool stop;
	uint64_t rate;			/* bytes per second, 0 = unlimited */
	struct timespec next_ok;	/* worker's: no batch before this */
	pthread_t worker;
};

static void pending_sub(struct migrate *m, uint64_t pages)
{
	__atomic_fetch_sub(&m->pending, pages, __ATOMIC_RELAXED);
}

static void job_free(struct migrate *m, struct job *j)
{
	pending_sub(m, j->end - j->next);
	inode_unpin(j->inode);
	free(j);
}

int migrate_queue_file(struct migrate *m, struct inode *inode)
{
	struct migrate_queue *q = m->queue;
	struct stat st;
	struct job *j;
	int err;

	if (!q)
		return 0;	/* not started: setup or teardown */
	err = store_file_stat(m->fs->store, &inode->file->store, &st);
	if (err)
		return err;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	inode_pin(inode);
	j->inode = inode;
	j->end = file_page_up((uint64_t)st.st_size);
	j->all = true;
	__atomic_fetch_add(&m->pending, j->end, __ATOMIC_RELAXED);
	pthread_mutex_lock(&q->lock);
	TAILQ_INSERT_TAIL(&q->jobs, j, link);
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void migrate_queue_flush(struct migrate *m)
{
	struct migrate_queue *q = m->queue;
	struct job_list gone = TAILQ_HEAD_INITIALIZER(gone);
	struct job *j;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	TAILQ_CONCAT(&gone, &q->jobs, link);
	pthread_mutex_unlock(&q->lock);
	while ((j = TAILQ_FIRST(&gone))) {
		TAILQ_REMOVE(&gone, j, link);
		job_free(m, j);
	}
}

static void ts_add_ns(struct timespec *t, int64_t ns)
{
	ns += t->tv_nsec;
	t->tv_sec += ns / NSEC_PER_SEC;
	t->tv_nsec = ns % NSEC_PER_SEC;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Wait until @moved pages fit in the rate (or stop); unlimited: no wait. */
static void throttle(struct migrate_queue *q, uint64_t moved)
{
	struct timespec now;

	if (!q->rate || !moved)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* No credit for idle time: a burst is one batch at most. */
	if (ts_before(&q->next_ok, &now))
		q->next_ok = now;
	ts_add_ns(&q->next_ok, (int64_t)((moved << STORE_PAGE_SHIFT) * NSEC_PER_SEC / q->rate));
	pthread_mutex_lock(&q->lock);
	while (!q->stop && !pthread_cond_timedwait(&q->cond, &q->lock, &q->next_ok))
		;
	pthread_mutex_unlock(&q->lock);
}

/* The next job, or NULL to stop. */
static struct job *take_job(struct migrate_queue *q)
{
	struct job *j = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->stop && TAILQ_EMPTY(&q->jobs))
		pthread_cond_wait(&q->cond, &q->lock);
	if (!q->stop) {
		j = TAILQ_FIRST(&q->jobs);
		TAILQ_REMOVE(&q->jobs, j, link);
	}
	pthread_mutex_unlock(&q->lock);
	return j;
}

/* One batch of @j; false when the job is over. */
static bool run_batch(struct migrate *m, struct job *j, uint64_t *moved)
{
	struct migrate_result r = { 0, 0 };
	int64_t next = migrate_batch(m->fs, j->inode, j->next, j->end, NULL, j->all, &r);

	*moved = r.moved;
	j->failed += r.failed;
	if (next == -EPERM && j->all) {
		j->all = false;		/* no CAP_SYS_NICE: unmapped pages only */
		return true;
	}
	if (next < 0 || (uint64_t)next <= j->next || (uint64_t)next >= j->end)
		return false;
	pending_sub(m, (uint64_t)next - j->next);
	j->next = (uint64_t)next;
	return true;
}

/* A pass that left pages behind: again, a little later, a few times. */
static bool job_again(struct migrate *m, struct job *j)
{
	if (!j->failed || j->retries >= MIGRATE_RETRIES)
		return false;
	__atomic_fetch_add(&m->pending, j->next, __ATOMIC_RELAXED);	/* back to end - 0 */
	j->next = 0;
	j->failed = 0;
	j->retries++;
	clock_gettime(CLOCK_MONOTONIC, &j->not_before);
	j->not_before.tv_sec += j->retries;
	return true;
}

/* Hold a job that is to be done again until its time (or stop). */
static void job_wait(struct migrate_queue *q, const struct job *j)
{
	if (!j->retries)
		return;
	pthread_mutex_lock(&q->lock);
	while (!q->stop && !pthread_cond_timedwait(&q->cond, &q->lock, &j->not_before))
		;
	pthread_mutex_unlock(&q->lock);
}

static void *worker(void *arg)
{
	struct migrate_queue *q = arg;
	struct job *j;

	while ((j = take_job(q))) {
		uint64_t moved;

		job_wait(q, j);
		if (!run_batch(q->m, j, &moved) && !job_again(q->m, j)) {
			job_free(q->m, j);
		} else {
			/* Files take turns, batch by batch. */
			pthread_mutex_lock(&q->lock);
			TAILQ_INSERT_TAIL(&q->jobs, j, link);
			pthread_mutex_unlock(&q->lock);
		}
		throttle(q, moved);
	}
	return NULL;
}

int migrate_queue_start(struct migrate *m, uint64_t rate_mb)
{
	struct migrate_queue *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;
	int err;

	if (!q)
		return -ENOMEM;
	q->m = m;
	q->rate = rate_mb << 20;
	TAILQ_INIT(&q->jobs);
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	err = -pthread_create(&q->worker, NULL, worker, q);
	if (err) {
		pthread_cond_destroy(&q->cond);
		pthread_mutex_destroy(&q->lock);
		free(q);
		return err;
	}
	m->queue = q;
	return 0;
}

void migrate_queue_stop(struct migrate *m)
{
	struct migrate_queue *q = m->queue;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->worker, NULL);
	migrate_queue_flush(m);
	m->queue = NULL;
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

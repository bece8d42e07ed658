// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Serving FUSE requests: a leader and its followers.
 *
 * One thread at a time, the leader, reads the next request.  A quick one
 * (lookup, getattr, create, unlink, open, release...: most requests) the
 * leader serves itself and then reads the next, so back-to-back requests
 * find a thread that is already running, as in a single-threaded loop.
 * Before a request that may take long (data, allocation, truncation,
 * ioctls, policy changes) it hands the leadership to an idle follower, or
 * starts one, so the others keep being served meanwhile.
 *
 * Why not libfuse's pool: its idle threads all wait on the device and the
 * kernel hands each request to the one that waited longest, so a client
 * issuing one request after another wakes a different sleeping thread
 * every time.  Measured on this project's machine, a GETXATTR round trip
 * took 24 us with one thread and 75-230 us with the pool.
 */
#include <errno.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop.h"

#define NUMA_XATTR_PREFIX "user.numa."

struct loop {
	struct fuse_session *se;
	unsigned int max_threads;
	const struct loop_hooks *hooks;

	pthread_mutex_t lock;
	pthread_cond_t wake;		/* followers wait here */
	bool leading;			/* a thread reads requests now */
	pthread_t leader;
	pthread_t *started;		/* max_threads slots, joined at the end */
	unsigned int threads;		/* running */
	unsigned int idle;		/* waiting to lead */
	unsigned int finished;		/* out of the loop */
	bool stopping;
	int error;			/* why the loop ended, or 0 */
	sem_t done;			/* posted by the last thread out */
};

/* Whether the request in @buf may take long; such requests leave the lead. */
static bool request_slow(const struct fuse_buf *buf)
{
	const struct fuse_in_header *in = buf->mem;

	switch (in->opcode) {
	case FUSE_READ:
	case FUSE_WRITE:
	case FUSE_FALLOCATE:
	case FUSE_COPY_FILE_RANGE:
	case FUSE_SETATTR:		/* truncation frees pages */
	case FUSE_IOCTL:		/* migration, page queries */
	case FUSE_SETXATTR:		/* a policy change may move pages */
	case FUSE_FSYNC:
		return true;
	case FUSE_GETXATTR: {
		/* user.numa.stats asks where every page of the file is. */
		const char *name = (const char *)(in + 1) + sizeof(struct fuse_getxattr_in);

		return buf->size > sizeof(*in) + sizeof(struct fuse_getxattr_in) +
				   strlen(NUMA_XATTR_PREFIX) &&
		       !strncmp(name, NUMA_XATTR_PREFIX, strlen(NUMA_XATTR_PREFIX));
	}
	default:
		return false;
	}
}

static void loop_serve(struct loop *l, const struct fuse_buf *buf)
{
	struct fuse_in_header in;

	if (buf->flags & FUSE_BUF_IS_FD) {
		fuse_session_process_buf(l->se, buf);
		return;
	}
	/* The handler may reuse the buffer: keep what the hook needs. */
	in = *(const struct fuse_in_header *)buf->mem;
	fuse_session_process_buf(l->se, buf);
	l->hooks->served(&in);
}

/*
 * Read and serve requests while they are quick.  1 with a slow request
 * in @buf, to serve once the lead is handed over; 0 or -errno at the end.
 */
static int loop_lead(struct loop *l, struct fuse_buf *buf)
{
	for (;;) {
		int res = fuse_session_receive_buf(l->se, buf);

		if (res == -EINTR && !fuse_session_exited(l->se))
			continue;
		if (res <= 0)
			return res == -EINTR ? 0 : res;
		/* Spliced requests (numafs asks for none) keep their header in a pipe. */
		if (buf->flags & FUSE_BUF_IS_FD)
			return 1;
		l->hooks->received(buf->mem);
		if (request_slow(buf))
			return 1;
		loop_serve(l, buf);
	}
}

static void *loop_thread(void *arg);

/* A new follower; the lock is held.  Without one, the work waits its turn. */
static void loop_spawn_locked(struct loop *l)
{
	if (!l->stopping && l->threads < l->max_threads &&
	    !pthread_create(&l->started[l->threads], NULL, loop_thread, l))
		l->threads++;
}

static void loop_stop_locked(struct loop *l, int res)
{
	if (res < 0 && !l->error)
		l->error = res;
	l->stopping = true;
	pthread_cond_broadcast(&l->wake);
}

/* Signals that end numafs are the main thread's (see loop_run()). */
static void loop_block_exit_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void *loop_thread(void *arg)
{
	struct loop *l = arg;
	struct fuse_buf buf = { .mem = NULL };
	bool last;
	int res;

	loop_block_exit_signals();
	pthread_mutex_lock(&l->lock);
	while (!l->stopping) {
		if (l->leading) {
			l->idle++;
			pthread_cond_wait(&l->wake, &l->lock);
			l->idle--;
			continue;
		}
		l->leading = true;
		l->leader = pthread_self();
		pthread_mutex_unlock(&l->lock);
		res = loop_lead(l, &buf);
		pthread_mutex_lock(&l->lock);
		l->leading = false;
		if (res <= 0) {
			loop_stop_locked(l, res);
			break;
		}
		if (l->idle)
			pthread_cond_signal(&l->wake);
		else
			loop_spawn_locked(l);
		pthread_mutex_unlock(&l->lock);
		loop_serve(l, &buf);
		pthread_mutex_lock(&l->lock);
	}
	last = ++l->finished == l->threads;
	pthread_mutex_unlock(&l->lock);
	free(buf.mem);
	if (last)
		sem_post(&l->done);
	return NULL;
}

/* An empty handler, so that a signal ends the leader's read with EINTR. */
static void loop_nudged(int sig)
{
	(void)sig;
}

/* The session was told to exit (a signal): wake whoever reads. */
static void loop_interrupt(struct loop *l)
{
	pthread_mutex_lock(&l->lock);
	loop_stop_locked(l, 0);
	if (l->leading)
		pthread_kill(l->leader, SIGUSR1);
	pthread_mutex_unlock(&l->lock);
}

static void loop_wait_done(struct loop *l)
{
	struct timespec deadline;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 1;
		if (!sem_timedwait(&l->done, &deadline))
			return;
		/*
		 * A signal (EINTR) or each second: the read may have begun
		 * just after an earlier nudge, so nudge until all are out.
		 */
		if (fuse_session_exited(l->se))
			loop_interrupt(l);
	}
}

int loop_run(struct fuse_session *se, unsigned int max_threads,
	     const struct loop_hooks *hooks)
{
	struct sigaction nudge = { .sa_handler = loop_nudged };	/* no SA_RESTART */
	struct loop l = { .se = se, .max_threads = max_threads ? max_threads : 1,
			  .hooks = hooks };
	int err = 0;

	sigemptyset(&nudge.sa_mask);
	l.started = calloc(l.max_threads, sizeof(*l.started));
	if (!l.started)
		return -ENOMEM;
	if (sigaction(SIGUSR1, &nudge, NULL) || sem_init(&l.done, 0, 0)) {
		free(l.started);
		return -errno;
	}
	pthread_mutex_init(&l.lock, NULL);
	pthread_cond_init(&l.wake, NULL);
	pthread_mutex_lock(&l.lock);
	loop_spawn_locked(&l);
	if (!l.threads)
		err = -EAGAIN;
	pthread_mutex_unlock(&l.lock);
	if (!err) {
		loop_wait_done(&l);
		err = l.error;
	}
	/* No thread starts once all are out: l.threads is final. */
	for (unsigned int i = 0; i < l.threads; i++)
		pthread_join(l.started[i], NULL);
	free(l.started);
	pthread_cond_destroy(&l.wake);
	pthread_mutex_destroy(&l.lock);
	sem_destroy(&l.done);
	return err;
}

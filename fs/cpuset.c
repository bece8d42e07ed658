// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The allowed memory nodes and their changes (see cpuset.h).  A watcher
 * thread reads the source again at least every CPUSET_POLL_MS, and at
 * once when inotify reports a change in the file's directory: cgroup and
 * proc files never report one, plain files (renamed into place or
 * rewritten) do.  A set without a memory node of the mount is refused
 * with one logged line per distinct refusal, and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cpuset.h"
#include "migrate_impl.h"
#include "rebind.h"

#define PROC_STATUS "/proc/self/status"
#define MEMS_KEY "Mems_allowed_list:"
#define CPUSET_TEXT_MAX 4096

struct cpuset_watch {
	struct migrate *m;
	pthread_t thread;
	int wake[2];			/* a byte on it: stop */
	int inotify_fd;			/* -1 when not watched */
	struct errbuf refused;		/* the last refusal logged */
	bool settle;			/* a rebind happened: look once more */
};

/* The node list of @path: its first word. */
static int read_list_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, " \t\n")] = '\0';
	return 0;
}

/* Mems_allowed_list of /proc/self/status: the whole process's cpuset. */
static int read_proc_mems(char *buf, size_t len)
{
	FILE *f = fopen(PROC_STATUS, "re");
	char line[CPUSET_TEXT_MAX];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f)) {
		char *v = line + strlen(MEMS_KEY);

		if (strncmp(line, MEMS_KEY, strlen(MEMS_KEY)))
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, " \t\n")] = '\0';
		snprintf(buf, len, "%s", v);
		err = 0;
	}
	fclose(f);
	return err;
}

int cpuset_read(struct numafs *fs, struct nodemask *out, struct errbuf *e)
{
	const struct nodemask *online = &fs->topo->nodes;
	char text[CPUSET_TEXT_MAX];
	struct nodemask m;
	int err;

	if (fs->opt.cpuset)
		err = read_list_file(fs->opt.cpuset, text, sizeof(text));
	else
		err = read_proc_mems(text, sizeof(text));
	if (err)
		return err_set(e, -err, "cannot read %s: %s",
			       fs->opt.cpuset ? fs->opt.cpuset : PROC_STATUS, strerror(-err));
	if (!*text)
		return -EAGAIN;		/* being rewritten: look again soon */
	if (nodemask_parse(text, online, &m, e))
		return -EINVAL;
	nodemask_and(out, &m, online);
	if (nodemask_empty(out))
		return err_set(e, EINVAL, "'%s' has no memory node of this mount", text);
	return 0;
}

/* Read the set again; rebind if it changed, log once if it is refused. */
static void cpuset_check(struct cpuset_watch *w)
{
	struct numafs *fs = w->m->fs;
	struct errbuf e = { "" };
	struct nodemask set;
	int err = cpuset_read(fs, &set, &e);

	if (err == -EAGAIN)
		return;
	if (err) {
		if (strcmp(e.msg, w->refused.msg))
			fprintf(stderr, "numafs: cpuset change refused, nodes unchanged: %s\n",
				e.msg);
		w->refused = e;
		return;
	}
	w->refused.msg[0] = '\0';
	err = w->settle ? rebind_settle(fs) : 0;
	w->settle = false;
	if (!err)
		err = rebind_all(fs, &set);
	if (err > 0)
		w->settle = true;
	else if (err)
		fprintf(stderr, "numafs: cpuset: rebinding: %s\n", strerror(-err));
}

static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void *cpuset_thread(void *arg)
{
	struct cpuset_watch *w = arg;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = w->wake[0], .events = POLLIN },
			{ .fd = w->inotify_fd, .events = POLLIN },
		};

		poll(pfd, w->inotify_fd >= 0 ? 2 : 1, CPUSET_POLL_MS);
		if (pfd[0].revents)
			break;
		if (pfd[1].revents)
			drain(w->inotify_fd);
		cpuset_check(w);
	}
	return NULL;
}

/*
 * inotify on the directory: a file renamed into place is a new inode.  Not
 * IN_MODIFY: a file rewritten in place is read once it is closed, not
 * half-written (polling covers a writer that keeps it open).
 */
static int cpuset_inotify(const char *path)
{
	char dir[PATH_MAX];
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	if (inotify_add_watch(fd, dirname(dir), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void close_if_open(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void watch_free(struct cpuset_watch *w)
{
	close_if_open(w->wake[0]);
	close_if_open(w->wake[1]);
	close_if_open(w->inotify_fd);
	free(w);
}

int cpuset_watch_start(struct migrate *m)
{
	struct numafs *fs = m->fs;
	struct cpuset_watch *w;
	int err;

	/* A simulated machine has no cpuset of its own to follow. */
	if (!fs->opt.cpuset && fs->topo->simulated)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->m = m;
	w->inotify_fd = fs->opt.cpuset ? cpuset_inotify(fs->opt.cpuset) : -1;
	w->wake[0] = w->wake[1] = -1;
	err = pipe2(w->wake, O_CLOEXEC) ? -errno : 0;
	if (!err)
		err = -pthread_create(&w->thread, NULL, cpuset_thread, w);
	if (err) {
		watch_free(w);
		return err;
	}
	m->watch = w;
	return 0;
}

void cpuset_watch_stop(struct migrate *m)
{
	struct cpuset_watch *w = m->watch;

	if (!w)
		return;
	if (write(w->wake[1], "", 1) == 1)
		pthread_join(w->thread, NULL);
	watch_free(w);
	m->watch = NULL;
}

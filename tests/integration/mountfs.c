// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test mounts: see mountfs.h.
 *
 * Waiting is never sleeping-and-hoping: the daemon's exit is watched
 * through a pidfd and the mount table through /proc/self/mountinfo, which
 * polls with POLLPRI whenever a mount comes or goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mountfs.h"

/* What atexit() and the fatal signal handlers still have to take down. */
#define MAX_LIVE 8
static struct mountfs *live[MAX_LIVE];
/* The process that mounted them: its forked children must not unmount. */
static pid_t owner;

const char *mountfs_daemon(void)
{
	const char *bin = getenv("NUMAFS_BIN");

	return bin && *bin ? bin : NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A poll() timeout for what is left until @deadline, never negative. */
static int left_ms(long long deadline)
{
	long long left = deadline - now_ms();

	return left > 0 ? (int)left : 0;
}

/* Async-signal-safe: detach every mount, ask every daemon to go. */
static void take_down_fast(void)
{
	if (getpid() != owner)
		return;
	for (int i = 0; i < MAX_LIVE; i++) {
		if (!live[i])
			continue;
		if (live[i]->mounted)
			umount2(live[i]->dir, MNT_DETACH);
		if (live[i]->pid > 0)
			kill(live[i]->pid, SIGTERM);
	}
}

static void fatal_signal(int sig)
{
	take_down_fast();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void take_down_at_exit(void)
{
	if (getpid() != owner)
		return;
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i])
			mountfs_stop(live[i]);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL,
				    SIGINT, SIGTERM, SIGHUP, SIGALRM };
	static bool installed;

	if (installed)
		return;
	installed = true;
	atexit(take_down_at_exit);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], fatal_signal);
}

static void track(struct mountfs *m)
{
	install_handlers();
	owner = getpid();
	for (int i = 0; i < MAX_LIVE; i++)
		if (!live[i]) {
			live[i] = m;
			return;
		}
}

static void untrack(struct mountfs *m)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == m)
			live[i] = NULL;
}

int mountfs_isolate(void)
{
	static bool isolated;

	if (isolated)
		return 0;
	if (unshare(CLONE_NEWNS))
		return -errno;
	/* Nothing we mount may propagate back to the parent namespace. */
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	isolated = true;
	return 0;
}

bool mountfs_is_mounted(const char *dir, char *fstype, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], point[PATH_MAX], type[256];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		/* id parent major:minor root mountpoint ... - fstype source */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%255s", type) != 1)
			continue;
		if (!strcmp(point, dir)) {
			found = true;	/* the last one listed is on top */
			if (fstype)
				snprintf(fstype, len, "%s", type);
		}
	}
	fclose(f);
	return found;
}

static int pidfd_of(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int mountfs_wait_pid(pid_t pid, int ms)
{
	int pidfd = pidfd_of(pid), status;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd >= 0) {
		poll(&p, 1, ms);
		close(pidfd);
	}
	switch (waitpid(pid, &status, WNOHANG)) {
	case -1: return -errno;
	case 0: return -ETIMEDOUT;
	default: return status;
	}
}

bool mountfs_alive(const struct mountfs *m)
{
	siginfo_t info = { 0 };

	/* WNOWAIT: look, but leave the exit status to mountfs_stop(). */
	if (m->pid <= 0 || waitid(P_PID, (id_t)m->pid, &info, WEXITED | WNOHANG | WNOWAIT))
		return false;
	return info.si_pid == 0;
}

/* Wait for @dir to become a FUSE mount, or for the daemon to exit. */
static int wait_mounted(const char *dir, pid_t pid)
{
	long long deadline = now_ms() + MOUNTFS_TIMEOUT_MS;
	int table = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	int pidfd = pidfd_of(pid);
	char type[256];
	int ret = -ETIMEDOUT;

	while (now_ms() < deadline) {
		struct pollfd p[2] = {
			{ .fd = table, .events = POLLPRI },
			{ .fd = pidfd, .events = POLLIN },
		};

		if (mountfs_is_mounted(dir, type, sizeof(type)) &&
		    !strncmp(type, "fuse", 4)) {
			ret = 0;
			break;
		}
		if (poll(p, 2, left_ms(deadline)) > 0 &&
		    (p[1].revents & POLLIN)) {
			ret = mountfs_is_mounted(dir, NULL, 0) ? 0 : -ECHILD;
			break;
		}
		/* Re-arm the mount table's event by reading it again. */
		lseek(table, 0, SEEK_SET);
		while (read(table, type, sizeof(type)) > 0)
			;
	}
	if (table >= 0)
		close(table);
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

static int make_dirs(struct mountfs *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->top, sizeof(m->top), "/tmp/numafs-test.XXXXXX");
	if (!mkdtemp(m->top))
		return -errno;
	/* Other uids must reach the mount point (permission tests). */
	chmod(m->top, 0755);
	snprintf(m->dir, sizeof(m->dir), "%s/mnt", m->top);
	snprintf(m->log, sizeof(m->log), "%s/daemon.log", m->top);
	if (mkdir(m->dir, 0755)) {
		int err = -errno;

		rmdir(m->top);
		return err;
	}
	return 0;
}

static void remove_dirs(struct mountfs *m)
{
	unlink(m->log);
	rmdir(m->dir);
	rmdir(m->top);
}

int mountfs_tmpfs(struct mountfs *m, const char *options)
{
	int err = make_dirs(m);

	if (err)
		return err;
	if (mount("tmpfs", m->dir, "tmpfs", 0, options)) {
		err = -errno;
		remove_dirs(m);
		return err;
	}
	m->mounted = true;
	track(m);
	return 0;
}

/* In the child: become the daemon, dying with the test that started it. */
static void __attribute__((noreturn)) exec_daemon(const struct mountfs *m,
						  char *const argv[], pid_t parent)
{
	int log = open(m->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (m->uid && (setgroups(0, NULL) || setresgid(m->gid, m->gid, m->gid) ||
		       setresuid(m->uid, m->uid, m->uid)))
		_exit(127);
	/* After the change of user, which clears it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	if (log < 0 || null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 ||
	    dup2(log, 2) < 0)
		_exit(127);
	execv(argv[0], argv);
	fprintf(stderr, "mountfs: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static pid_t start_daemon(const struct mountfs *m, char *const argv[])
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0)
		exec_daemon(m, argv, parent);
	return pid < 0 ? -errno : pid;
}

static int mount_daemon(struct mountfs *m, const char *options, bool debug)
{
	const char *bin = mountfs_daemon();
	char *argv[8];
	int argc = 0, err;

	if (!bin)
		return -ENOENT;
	argv[argc++] = (char *)bin;
	argv[argc++] = "-f";
	if (debug)
		argv[argc++] = "-d";
	if (options && *options) {
		argv[argc++] = "-o";
		argv[argc++] = (char *)options;
	}
	argv[argc++] = m->dir;
	argv[argc] = NULL;

	m->pid = start_daemon(m, argv);
	if (m->pid < 0) {
		err = m->pid;
		m->pid = 0;
		remove_dirs(m);
		return err;
	}
	track(m);
	err = wait_mounted(m->dir, m->pid);
	m->mounted = mountfs_is_mounted(m->dir, NULL, 0);
	if (err) {
		fprintf(stderr, "mountfs: numafs -o '%s' did not mount: %s\n",
			options ? options : "", strerror(-err));
		mountfs_print_log(m);
		mountfs_stop(m);
	}
	return err;
}

int mountfs_numafs(struct mountfs *m, const char *options, bool debug)
{
	int err = make_dirs(m);

	return err ? err : mount_daemon(m, options, debug);
}

int mountfs_numafs_user(struct mountfs *m, const char *options, uid_t uid, gid_t gid)
{
	int err = make_dirs(m);

	if (err)
		return err;
	m->uid = uid;
	m->gid = gid;
	if (chown(m->dir, uid, gid) || chown(m->top, uid, gid)) {
		err = -errno;
		remove_dirs(m);
		return err;
	}
	return mount_daemon(m, options, false);
}

static int unmount(struct mountfs *m)
{
	if (!m->mounted)
		return 0;
	if (umount2(m->dir, 0) && umount2(m->dir, MNT_DETACH)) {
		if (errno == EINVAL && !mountfs_is_mounted(m->dir, NULL, 0))
			goto gone;
		return -errno;
	}
gone:
	m->mounted = false;
	return 0;
}

/* The daemon exits by itself once unmounted; nudge it only if it won't. */
static int reap_daemon(struct mountfs *m)
{
	static const int nudges[] = { 0, SIGTERM, SIGKILL };
	int status = -ETIMEDOUT;

	for (size_t i = 0; i < 3 && status == -ETIMEDOUT; i++) {
		if (nudges[i]) {
			fprintf(stderr, "mountfs: daemon %d still running, sending %s\n",
				m->pid, strsignal(nudges[i]));
			kill(m->pid, nudges[i]);
		}
		status = mountfs_wait_pid(m->pid, MOUNTFS_TIMEOUT_MS);
	}
	m->pid = 0;
	return status;
}

int mountfs_stop(struct mountfs *m)
{
	int err = unmount(m), status = 0;

	if (m->pid > 0) {
		status = reap_daemon(m);
		if (status)	/* keep the story of a daemon that ended badly */
			mountfs_print_log(m);
	}
	if (err)
		return err;
	untrack(m);
	remove_dirs(m);
	return status;
}

int mountfs_run(char *const argv[], char *out, size_t len)
{
	int pipefd[2], status;
	size_t used = 0;
	long long deadline = now_ms() + MOUNTFS_TIMEOUT_MS;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -errno;
	}
	/* Read until EOF: a daemonizing child may keep the pipe; bounded. */
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		char sink[256];
		ssize_t n;

		if (poll(&p, 1, left_ms(deadline)) <= 0)
			break;
		if (used + 1 < len)
			n = read(pipefd[0], out + used, len - used - 1);
		else
			n = read(pipefd[0], sink, sizeof(sink));
		if (n <= 0)
			break;
		if (used + 1 < len)
			used += (size_t)n;
	}
	if (len)
		out[used] = '\0';
	close(pipefd[0]);
	status = mountfs_wait_pid(pid, left_ms(deadline));
	if (status == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return status;
}

void mountfs_print_log(const struct mountfs *m)
{
	char buf[4096];
	ssize_t n;
	int fd = open(m->log, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fprintf(stderr, "---- numafs log (%s) ----\n", m->log);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
	fprintf(stderr, "---- end of numafs log ----\n");
	close(fd);
}

const char *mountfs_path(const struct mountfs *m, const char *path,
			 char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", m->dir, path);
	return buf;
}

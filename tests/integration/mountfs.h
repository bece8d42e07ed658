/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mounting a numafs daemon, or a kernel tmpfs as the reference, in a
 * temporary directory for a test, and always taking it down again.
 *
 * Every mount is made inside a private mount namespace of the test
 * process (mountfs_isolate()), and the daemon is started with a parent
 * death signal: a test binary that crashes or is killed leaves no mount
 * and no daemon behind.  The normal way out is mountfs_stop(), also run
 * from atexit() and from fatal signal handlers for what is still mounted.
 *
 * The daemon is the program named by $NUMAFS_BIN (set by meson's test()).
 */
#ifndef NUMAFS_TESTS_MOUNTFS_H
#define NUMAFS_TESTS_MOUNTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct mountfs {
	char top[64];		/* the temporary directory (mode 0755) */
	char dir[80];		/* top/mnt: the mount point */
	char log[80];		/* top/daemon.log: the daemon's stdout and stderr */
	pid_t pid;		/* the daemon we started, 0 for tmpfs */
	bool mounted;
	uid_t uid;		/* the daemon's user (0: root, as the test) */
	gid_t gid;
};

/* How long a mount, an unmount or a daemon's exit may take. */
#define MOUNTFS_TIMEOUT_MS 10000

/* The daemon's path: $NUMAFS_BIN, or NULL. */
const char *mountfs_daemon(void);

/*
 * Enter a private mount namespace (once per process; later calls do
 * nothing).  Returns 0 or -errno.
 */
int mountfs_isolate(void);

/* Mount a kernel tmpfs with @options (may be NULL).  0 or -errno. */
int mountfs_tmpfs(struct mountfs *m, const char *options);

/*
 * Start "numafs -f [-d] [-o @options] DIR" and wait until DIR is a FUSE
 * mount (-d with @debug: libfuse then logs every request to m->log).  0, or -errno with the daemon stopped and its log on stderr.
 */
int mountfs_numafs(struct mountfs *m, const char *options, bool debug);

/*
 * The same, with the daemon run as @uid/@gid (no supplementary groups),
 * which mounts through fusermount3 as a user would; DIR belongs to them.
 */
int mountfs_numafs_user(struct mountfs *m, const char *options, uid_t uid, gid_t gid);

/*
 * Unmount (and for numafs wait for the daemon to exit, signalling it only
 * if it will not), then remove the directories.  Returns the daemon's
 * wait status (0 for tmpfs), or -errno if the unmount failed.
 */
int mountfs_stop(struct mountfs *m);

/* Whether @dir is a mount point now, and its file system type's name. */
bool mountfs_is_mounted(const char *dir, char *fstype, size_t len);

/*
 * Run @argv (argv[0] a path) to completion within the timeout, its stderr
 * and stdout into @out (NUL-terminated, truncated).  Returns its wait
 * status, or -errno (-ETIMEDOUT after killing it).
 */
int mountfs_run(char *const argv[], char *out, size_t len);

/* Whether the daemon of @m is still running (its status is left alone). */
bool mountfs_alive(const struct mountfs *m);

/* Wait up to @ms for @pid to exit; its wait status, or -ETIMEDOUT. */
int mountfs_wait_pid(pid_t pid, int ms);

/* Copy the daemon's log to stderr (for a test that failed). */
void mountfs_print_log(const struct mountfs *m);

/* Append "path" to the mount point into @buf: "DIR/path". */
const char *mountfs_path(const struct mountfs *m, const char *path,
			 char *buf, size_t len);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test fixtures: see fixture.h.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

struct mountfs fx_fs, fx_ref;

const char *fixture_mode(void)
{
	const char *mode = getenv("NUMAFS_OPTIONS");

	return mode ? mode : "";
}

const char *fixture_options(const char *extra, char *buf, size_t len)
{
	const char *mode = fixture_mode();

	snprintf(buf, len, "%s%s%s", mode, *mode && extra && *extra ? "," : "",
		 extra ? extra : "");
	return buf;
}

void fixture_mount(const char *extra, const char *tmpfs_options)
{
	char options[512];
	int err;

	if (geteuid() != 0)
		cr_skip_test("integration tests mount file systems: run them as root");
	if (!mountfs_daemon())
		cr_skip_test("NUMAFS_BIN is not set: run through meson test");
	cr_assert_eq(mountfs_isolate(), 0, "no private mount namespace");
	err = mountfs_tmpfs(&fx_ref, tmpfs_options);
	cr_assert_eq(err, 0, "tmpfs -o %s: %s", tmpfs_options, strerror(-err));
	fixture_options(extra, options, sizeof(options));
	err = mountfs_numafs(&fx_fs, options, false);
	cr_assert_eq(err, 0, "numafs -o '%s' did not mount: %s", options, strerror(-err));
}

void fixture_setup(void)
{
	fixture_mount(NULL, NULL);
}

/* A daemon that crashed during the test fails it, as it should. */
void fixture_teardown(void)
{
	bool alive = fx_fs.pid > 0 && mountfs_alive(&fx_fs);
	int status = fx_fs.pid > 0 ? mountfs_stop(&fx_fs) : 0;

	if (fx_ref.mounted)
		mountfs_stop(&fx_ref);
	cr_expect(alive || status == 0, "the numafs daemon died during the test");
	cr_expect_eq(status, 0, "numafs did not exit cleanly after unmount: wait status %#x",
		     status);
}

const char *in(const struct mountfs *m, const char *path)
{
	static char bufs[4][PATH_MAX];
	static unsigned int next;
	char *buf = bufs[next++ % 4];

	return mountfs_path(m, path, buf, PATH_MAX);
}

const char *in_fs(const char *path)
{
	return in(&fx_fs, path);
}

const char *in_ref(const char *path)
{
	return in(&fx_ref, path);
}

int as_user(uid_t uid, gid_t gid, int (*fn)(const char *dir, void *arg),
	    const char *dir, void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
			_exit(254);
		_exit(fn(dir, arg) & 0xff);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int probe_sigbus(const volatile unsigned char *addr)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		(void)*addr;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS;
}

struct stat stat_of(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "stat %s: %s", path, strerror(errno));
	return st;
}

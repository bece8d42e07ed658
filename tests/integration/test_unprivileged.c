// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafs mounted by a user who is not root, through fusermount3, as a
 * user without privileges would: the backing files then live in /dev/shm
 * (no private tmpfs without CAP_SYS_ADMIN) and data goes through the
 * daemon (no passthrough).  The user reads and writes, size= holds,
 * others are kept out (no allow_other), and fusermount3 -u ends it all.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#define USER_ID 65534

static char devdir[] = "/tmp/numafs-dev.XXXXXX";

static void teardown(void)
{
	if (fx_fs.pid > 0 || fx_fs.mounted)
		mountfs_stop(&fx_fs);
	if (devdir[sizeof(devdir) - 2] != 'X') {
		char node[64];

		snprintf(node, sizeof(node), "%s/fuse", devdir);
		unlink(node);
		rmdir(devdir);
	}
}

TestSuite(unprivileged, .fini = teardown, .timeout = 120);

/*
 * Some machines keep /dev/fuse to root (mode 0600; Debian makes it 0666):
 * in the test's own mount namespace, put a node users may open over it.
 */
static void open_dev_fuse_to_users(void)
{
	char node[64];
	struct stat st;

	cr_assert_eq(stat("/dev/fuse", &st), 0, "no /dev/fuse: %s", strerror(errno));
	if ((st.st_mode & 0666) == 0666)
		return;
	cr_assert_not_null(mkdtemp(devdir));
	snprintf(node, sizeof(node), "%s/fuse", devdir);
	cr_assert_eq(mknod(node, S_IFCHR | 0666, st.st_rdev), 0, "mknod: %s", strerror(errno));
	cr_assert_eq(chmod(node, 0666), 0);
	cr_assert_eq(mount(node, "/dev/fuse", NULL, MS_BIND, NULL), 0,
		     "bind over /dev/fuse: %s", strerror(errno));
}

static void mount_as_user(const char *options)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to become another user");
	if (!mountfs_daemon())
		cr_skip_test("NUMAFS_BIN is not set: run through meson test");
	cr_assert_eq(access("/usr/bin/fusermount3", X_OK), 0, "fusermount3 is not installed");
	cr_assert_eq(mountfs_isolate(), 0);
	open_dev_fuse_to_users();
	cr_assert_eq(mountfs_numafs_user(&fx_fs, options, USER_ID, USER_ID), 0,
		     "the user's mount failed");
}

/* As the user: write @arg bytes (a size_t *) to DIR/file; the errno, or 0. */
static int write_as_user(const char *dir, void *arg)
{
	size_t bytes = *(size_t *)arg, done = 0;
	static char block[1 << 16];
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0)
		return errno;
	memset(block, 'u', sizeof(block));
	while (done < bytes && !err) {
		ssize_t n = write(fd, block, sizeof(block));

		if (n < 0)
			err = errno;
		else
			done += (size_t)n;
	}
	if (close(fd) && !err)
		err = errno;
	return err;
}

/* As the user: read DIR/file back; 0 if it holds @arg bytes of 'u'. */
static int read_as_user(const char *dir, void *arg)
{
	size_t bytes = *(size_t *)arg, done = 0;
	char path[256], block[1 << 16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	while ((n = read(fd, block, sizeof(block))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (block[i] != 'u')
				return EILSEQ;
		done += (size_t)n;
	}
	close(fd);
	return n < 0 ? errno : done == bytes ? 0 : EMSGSIZE;
}

/* @arg: a struct statvfs in memory shared with the test (as_user forks). */
static int statvfs_as_user(const char *dir, void *arg)
{
	return statvfs(dir, arg) ? errno : 0;
}

static struct statvfs *shared_statvfs(void)
{
	void *p = mmap(NULL, sizeof(struct statvfs), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

Test(unprivileged, user_reads_and_writes)
{
	size_t bytes = 4 << 20;
	struct statvfs *sv = shared_statvfs();

	mount_as_user("size=16M");
	cr_expect_eq(as_user(USER_ID, USER_ID, write_as_user, fx_fs.dir, &bytes), 0);
	cr_expect_eq(as_user(USER_ID, USER_ID, read_as_user, fx_fs.dir, &bytes), 0);
	cr_assert_eq(as_user(USER_ID, USER_ID, statvfs_as_user, fx_fs.dir, sv), 0);
	cr_expect_eq((uint64_t)sv->f_blocks * sv->f_frsize, 16 << 20);
	cr_expect_geq((uint64_t)(sv->f_blocks - sv->f_bfree) * sv->f_frsize, bytes,
		      "statfs shows %llu bytes used after writing %zu",
		      (unsigned long long)(sv->f_blocks - sv->f_bfree) * sv->f_frsize, bytes);
	munmap(sv, sizeof(*sv));
}

Test(unprivileged, size_is_enforced)
{
	size_t bytes = 24 << 20, half = 8 << 20;

	mount_as_user("size=16M");
	cr_expect_eq(as_user(USER_ID, USER_ID, write_as_user, fx_fs.dir, &bytes), ENOSPC);
	/* The daemon is healthy and the space comes back. */
	cr_expect_eq(as_user(USER_ID, USER_ID, write_as_user, fx_fs.dir, &half), 0);
	cr_expect_eq(as_user(USER_ID, USER_ID, read_as_user, fx_fs.dir, &half), 0);
}

Test(unprivileged, others_kept_out)
{
	struct stat st;

	mount_as_user("size=16M");
	/* Without allow_other, even root is turned away from a user's FUSE mount. */
	cr_expect_eq(stat(in_fs("."), &st), -1);
	cr_expect_eq(errno, EACCES, "root's stat: %s", strerror(errno));
}

Test(unprivileged, fusermount_unmounts)
{
	char *argv[] = { "/usr/bin/fusermount3", "-u", fx_fs.dir, NULL };
	char out[512];
	pid_t pid;
	int status;

	mount_as_user("size=16M");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(USER_ID, USER_ID, USER_ID) ||
		    setresuid(USER_ID, USER_ID, USER_ID))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	status = mountfs_wait_pid(pid, MOUNTFS_TIMEOUT_MS);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fusermount3 -u: %#x", status);
	cr_expect_not(mountfs_is_mounted(fx_fs.dir, out, sizeof(out)));
	/* Nothing left to unmount: this only reaps the daemon, which ended by itself. */
	fx_fs.mounted = false;
	status = mountfs_stop(&fx_fs);
	cr_expect(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the daemon's exit: %#x", status);
}

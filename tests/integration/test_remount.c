// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount -o remount: size= and nr_inodes= change (never below what is in
 * use), mpol= becomes the root's default, options that cannot change are
 * refused unless they keep their value, ro/rw reach the VFS, only root
 * may remount, and a refused remount changes nothing.  Driven as
 * mount.fuse drives it: "numafs SOURCE MOUNTPOINT -o remount,...".
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <numafs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fixture.h"

static void teardown(void)
{
	if (fx_fs.pid > 0 || fx_fs.mounted)
		mountfs_stop(&fx_fs);
}

TestSuite(remount, .fini = teardown, .timeout = 120);

static void mount_with(const char *options)
{
	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (!mountfs_daemon())
		cr_skip_test("NUMAFS_BIN is not set: run through meson test");
	cr_assert_eq(mountfs_isolate(), 0);
	cr_assert_eq(mountfs_numafs(&fx_fs, options, false), 0, "mount -o %s", options);
}

/* "numafs numafs DIR -o remount,@options": its exit status, its words in @out. */
static int remount(const char *options, char *out, size_t len)
{
	char opt[512];
	char *argv[] = { (char *)mountfs_daemon(), "numafs", fx_fs.dir, "-o", opt, NULL };
	int status;

	snprintf(opt, sizeof(opt), "rw,remount,%s", options);
	status = mountfs_run(argv, out, len);
	cr_assert(status >= 0 && WIFEXITED(status), "remount -o %s: wait status %#x",
		  options, status);
	return WEXITSTATUS(status);
}

static struct statvfs statvfs_of(const char *path)
{
	struct statvfs sv;

	cr_assert_eq(statvfs(path, &sv), 0, "statvfs %s: %s", path, strerror(errno));
	return sv;
}

static void write_file(const char *path, size_t bytes)
{
	static char block[1 << 20];
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	cr_assert_geq(fd, 0, "create %s: %s", path, strerror(errno));
	memset(block, 'x', sizeof(block));
	for (size_t done = 0; done < bytes; done += sizeof(block))
		cr_assert_eq(write(fd, block, sizeof(block)), (ssize_t)sizeof(block),
			     "write %s: %s", path, strerror(errno));
	close(fd);
}

Test(remount, size_grows_and_cannot_fall_below_use)
{
	char out[1024];
	struct statvfs sv;

	mount_with("size=16M");
	write_file(in_fs("twelve"), 12 << 20);
	cr_expect_eq(remount("size=64M", out, sizeof(out)), 0, "said: %s", out);
	sv = statvfs_of(fx_fs.dir);
	cr_expect_eq((uint64_t)sv.f_blocks * sv.f_frsize, 64 << 20);
	/* The new room is really there. */
	write_file(in_fs("thirty"), 30 << 20);

	cr_expect_eq(remount("size=8M", out, sizeof(out)), 1);
	cr_expect_not_null(strstr(out, "size="), "the refusal does not name size=: %s", out);
	sv = statvfs_of(fx_fs.dir);
	cr_expect_eq((uint64_t)sv.f_blocks * sv.f_frsize, 64 << 20, "a refused remount changed size");
}

Test(remount, nr_inodes)
{
	char out[1024], name[32];
	struct statvfs sv;
	int fd;

	mount_with("nr_inodes=8");
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		fd = open(in_fs(name), O_CREAT | O_WRONLY, 0644);
		cr_assert_geq(fd, 0, "create %s: %s", name, strerror(errno));
		close(fd);
	}
	cr_expect_eq(remount("nr_inodes=3", out, sizeof(out)), 1);
	cr_expect_not_null(strstr(out, "nr_inodes"), "said: %s", out);
	cr_expect_eq(statvfs_of(fx_fs.dir).f_files, 8);

	cr_expect_eq(remount("nr_inodes=20", out, sizeof(out)), 0, "said: %s", out);
	sv = statvfs_of(fx_fs.dir);
	cr_expect_eq(sv.f_files, 20);
	for (int i = 5; i < 19; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		fd = open(in_fs(name), O_CREAT | O_WRONLY, 0644);
		cr_expect_geq(fd, 0, "create %s after the remount: %s", name, strerror(errno));
		close(fd);
	}
}

Test(remount, mpol_becomes_the_root_default)
{
	char out[1024], value[128];
	ssize_t n;
	int fd;

	mount_with("numa=fake:4x64M,mpol=interleave:0-3");
	cr_expect_eq(remount("mpol=bind:2", out, sizeof(out)), 0, "said: %s", out);
	n = getxattr(fx_fs.dir, NUMAFS_XATTR_POLICY, value, sizeof(value) - 1);
	cr_assert_gt(n, 0, "getxattr of the root: %s", strerror(errno));
	value[n] = '\0';
	cr_expect_str_eq(value, "bind:2");
	fd = open(in_fs("new"), O_CREAT | O_WRONLY, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	n = getxattr(in_fs("new"), NUMAFS_XATTR_POLICY, value, sizeof(value) - 1);
	cr_assert_gt(n, 0, "getxattr of a new file: %s", strerror(errno));
	value[n] = '\0';
	cr_expect_str_eq(value, "bind:2");

	cr_expect_eq(remount("mpol=bind:7", out, sizeof(out)), 1, "an unknown node was taken");
	n = getxattr(fx_fs.dir, NUMAFS_XATTR_POLICY, value, sizeof(value) - 1);
	cr_assert_gt(n, 0);
	value[n] = '\0';
	cr_expect_str_eq(value, "bind:2", "a refused remount changed the policy");
}

Test(remount, fixed_options_keep_their_value)
{
	char out[1024];

	mount_with("numa=fake:4x64M,mode=0750");
	cr_expect_eq(remount("numa=fake:4x64M,mode=0750", out, sizeof(out)), 0, "said: %s", out);
	cr_expect_eq(remount("numa=fake:2x64M", out, sizeof(out)), 1);
	cr_expect_not_null(strstr(out, "numa="), "said: %s", out);
	cr_expect_eq(remount("mode=0700,size=1G", out, sizeof(out)), 1);
	cr_expect_not_null(strstr(out, "mode="), "said: %s", out);
	cr_expect_neq((uint64_t)statvfs_of(fx_fs.dir).f_blocks * statvfs_of(fx_fs.dir).f_frsize,
		      1ULL << 30, "a refused remount changed size");
	cr_expect_eq(remount("size=12Q", out, sizeof(out)), 1);
	cr_expect_not_null(strstr(out, "size"), "said: %s", out);
}

Test(remount, read_only_and_back)
{
	char out[1024];
	int fd;

	mount_with("size=16M");
	cr_expect_eq(remount("ro", out, sizeof(out)), 0, "said: %s", out);
	fd = open(in_fs("f"), O_CREAT | O_WRONLY, 0644);
	cr_expect_eq(fd, -1);
	cr_expect_eq(errno, EROFS, "create on a read-only remount: %s", strerror(errno));
	cr_expect(statvfs_of(fx_fs.dir).f_flag & ST_RDONLY);
	/* The mount's other flags stay. */
	cr_expect(statvfs_of(fx_fs.dir).f_flag & ST_NOSUID);

	cr_expect_eq(remount("rw", out, sizeof(out)), 0, "said: %s", out);
	fd = open(in_fs("f"), O_CREAT | O_WRONLY, 0644);
	cr_expect_geq(fd, 0, "create after rw: %s", strerror(errno));
	close(fd);
	cr_expect(statvfs_of(fx_fs.dir).f_flag & ST_NOSUID);
}

/* The ioctl straight from a user that is not root: refused, nothing changed. */
static int remount_as_user(const char *dir, void *arg)
{
	struct numafs_remount r = { .size = sizeof(r) };
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	(void)arg;
	if (fd < 0)
		return 100;
	strcpy(r.options, "size=1G");
	if (ioctl(fd, NUMAFS_IOC_REMOUNT, &r))
		return 101;
	close(fd);
	return r.error;
}

Test(remount, only_root)
{
	mount_with("size=16M");
	cr_expect_eq(as_user(65534, 65534, remount_as_user, fx_fs.dir, NULL), EPERM);
	cr_expect_eq((uint64_t)statvfs_of(fx_fs.dir).f_blocks * statvfs_of(fx_fs.dir).f_frsize,
		     16 << 20);
}

/* A remount of a directory that is not numafs says so. */
Test(remount, not_numafs)
{
	char out[1024];
	char *argv[] = { NULL, "numafs", "/tmp", "-o", "remount,size=1G", NULL };
	int status;

	if (!mountfs_daemon())
		cr_skip_test("NUMAFS_BIN is not set: run through meson test");
	argv[0] = (char *)mountfs_daemon();
	status = mountfs_run(argv, out, sizeof(out));
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x", status);
	cr_expect_not_null(strstr(out, "not a numafs mount"), "said: %s", out);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Capacity, as tmpfs: statfs from size= and nr_inodes=, ENOSPC at write(2)
 * when the mount is full with nothing corrupted, and the daemon healthy
 * afterwards.  Each test mounts numafs (mode under test) and a tmpfs with
 * the same limits.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fixture.h"

#define MiB (1 << 20)

TestSuite(capacity, .fini = fixture_teardown, .timeout = 120);

static struct statfs statfs_of(const struct mountfs *m)
{
	struct statfs st;

	cr_assert_eq(statfs(m->dir, &st), 0, "statfs %s: %s", m->dir, strerror(errno));
	return st;
}

static void fill_file(const struct mountfs *m, const char *name, size_t len)
{
	static char buf[MiB];
	int fd = open(in(m, name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	cr_assert_geq(fd, 0, "create %s: %s", name, strerror(errno));
	memset(buf, 'd', sizeof(buf));
	for (size_t done = 0; done < len; done += MiB)
		cr_assert_eq(write(fd, buf, MiB), MiB, "write: %s", strerror(errno));
	cr_assert_eq(close(fd), 0);
}

Test(capacity, statfs_from_size_and_nr_inodes)
{
	struct statfs fs, ref;

	fixture_mount("size=64M,nr_inodes=1000", "size=64M,nr_inodes=1000");
	fs = statfs_of(&fx_fs);
	ref = statfs_of(&fx_ref);
	cr_expect_eq(fs.f_blocks * fs.f_bsize, ref.f_blocks * ref.f_bsize,
		     "total bytes: numafs %llu, tmpfs %llu",
		     (unsigned long long)(fs.f_blocks * fs.f_bsize),
		     (unsigned long long)(ref.f_blocks * ref.f_bsize));
	cr_expect_eq(fs.f_files, ref.f_files, "inodes: numafs %llu, tmpfs %llu",
		     (unsigned long long)fs.f_files, (unsigned long long)ref.f_files);
	cr_expect_eq(fs.f_ffree, ref.f_ffree, "free inodes: numafs %llu, tmpfs %llu",
		     (unsigned long long)fs.f_ffree, (unsigned long long)ref.f_ffree);
	cr_expect_eq(fs.f_namelen, ref.f_namelen);

	for (int i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		fill_file(&fx_fs, name, 2 * MiB);
		fill_file(&fx_ref, name, 2 * MiB);
	}
	fs = statfs_of(&fx_fs);
	ref = statfs_of(&fx_ref);
	cr_expect_eq(fs.f_ffree, ref.f_ffree, "free inodes after 4 files: numafs %llu, tmpfs %llu",
		     (unsigned long long)fs.f_ffree, (unsigned long long)ref.f_ffree);
	cr_expect_eq(fs.f_bfree * fs.f_bsize, ref.f_bfree * ref.f_bsize,
		     "free bytes after 8 MiB written: numafs %llu, tmpfs %llu",
		     (unsigned long long)(fs.f_bfree * fs.f_bsize),
		     (unsigned long long)(ref.f_bfree * ref.f_bsize));
}

/* Write 256 KiB pieces until write() refuses; the bytes it took. */
static size_t write_until_full(const struct mountfs *m, const char *name, int *err)
{
	static char buf[256 << 10];
	int fd = open(in(m, name), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	size_t total = 0;
	ssize_t n;

	cr_assert_geq(fd, 0, "create: %s", strerror(errno));
	memset(buf, 'z', sizeof(buf));
	*err = 0;
	while (total < 64 * MiB) {
		n = write(fd, buf, sizeof(buf));
		if (n < 0) {
			*err = errno;
			break;
		}
		total += (size_t)n;
	}
	if (close(fd) && !*err)
		*err = errno;
	return total;
}

Test(capacity, enospc_at_size_and_healthy_after)
{
	size_t fs_bytes, ref_bytes;
	int fs_err, ref_err;
	char buf[4096];
	int fd;

	fixture_mount("size=8M", "size=8M");
	ref_bytes = write_until_full(&fx_ref, "big", &ref_err);
	fs_bytes = write_until_full(&fx_fs, "big", &fs_err);
	cr_expect_eq(ref_err, ENOSPC, "tmpfs: %s", strerror(ref_err));
	cr_expect_eq(fs_err, ENOSPC, "numafs: write/close ended with %s, want ENOSPC at write",
		     strerror(fs_err));
	cr_expect_eq(fs_bytes, ref_bytes, "bytes written before ENOSPC: numafs %zu, tmpfs %zu",
		     fs_bytes, ref_bytes);
	cr_expect(mountfs_alive(&fx_fs), "the daemon died of a full mount");

	/* What was written is intact, and space comes back. */
	fd = open(in_fs("big"), O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	cr_expect_eq(pread(fd, buf, sizeof(buf), (off_t)fs_bytes - sizeof(buf)), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 'z', "byte %zu before the end reads %#x", i, buf[i]);
	close(fd);
	cr_assert_eq(unlink(in_fs("big")), 0);
	fill_file(&fx_fs, "again", 4 * MiB);
	fd = open(in_fs("again"), O_RDWR | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	cr_expect_eq(fallocate(fd, 0, 0, 16 * MiB), -1, "fallocate past size= succeeded");
	cr_expect_eq(errno, ENOSPC, "fallocate past size=: %s", strerror(errno));
	close(fd);
}

/* Files created until ENOSPC; the count. */
static int create_until_full(const struct mountfs *m, int *err)
{
	char name[32];
	int n;

	for (n = 0; n < 1000; n++) {
		int fd;

		snprintf(name, sizeof(name), "i%d", n);
		fd = open(in(m, name), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			*err = errno;
			return n;
		}
		close(fd);
	}
	*err = 0;
	return n;
}

Test(capacity, nr_inodes_limit)
{
	int fs_n, ref_n, fs_err, ref_err;

	fixture_mount("nr_inodes=20", "nr_inodes=20");
	ref_n = create_until_full(&fx_ref, &ref_err);
	fs_n = create_until_full(&fx_fs, &fs_err);
	cr_expect_eq(fs_err, ENOSPC, "numafs: %s", strerror(fs_err));
	cr_expect_eq(fs_n, ref_n, "files created: numafs %d, tmpfs %d", fs_n, ref_n);
	cr_expect_eq(mkdir(in_fs("dir"), 0755), -1);
	cr_expect_eq(errno, ENOSPC, "mkdir when full: %s", strerror(errno));
	cr_assert_eq(unlink(in_fs("i0")), 0);
	cr_expect_eq(mkdir(in_fs("dir"), 0755), 0, "mkdir after an unlink: %s", strerror(errno));
}

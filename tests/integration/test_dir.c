// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Directories through a numafs mount: readdir returns every entry once
 * while others come and go, telldir/seekdir positions stay valid, large
 * directories list completely, and link counts and ".." follow renames.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

TestSuite(dir, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static void create_files(const char *dir, const char *prefix, int from, int to)
{
	char path[PATH_MAX];

	for (int i = from; i < to; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s%d", dir, prefix, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		cr_assert_geq(fd, 0, "create %s: %s", path, strerror(errno));
		close(fd);
	}
}

/* "f<i>" as a number, or -1 for anything else. */
static int file_number(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);
	char *end;
	long n;

	if (strncmp(name, prefix, len))
		return -1;
	n = strtol(name + len, &end, 10);
	return *end ? -1 : (int)n;
}

/*
 * POSIX: an entry added or removed during the listing may or may not be
 * returned; every other one exactly once.
 */
Test(dir, readdir_while_entries_come_and_go)
{
	enum { N = 2000 };
	static unsigned char seen[N];
	const char *dir = in_fs("d");
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	int read = 0;

	cr_assert_eq(mkdir(dir, 0755), 0);
	create_files(dir, "f", 0, N);
	dp = opendir(dir);
	cr_assert_not_null(dp);
	while ((d = readdir(dp))) {
		int n = file_number(d->d_name, "f");

		if (n < 0)
			continue;
		cr_assert_lt(seen[n], 1, "f%d listed twice", n);
		seen[n]++;
		/* Every 10th entry read: remove the one read, add a new one. */
		if (++read % 10 == 0) {
			snprintf(path, sizeof(path), "%s/f%d", dir, n);
			cr_assert_eq(unlink(path), 0);
			seen[n] = 2;	/* removed, seen */
			create_files(dir, "new", read, read + 1);
		}
	}
	closedir(dp);
	for (int i = 0; i < N; i++)
		cr_expect_neq(seen[i], 0, "f%d was never listed", i);
}

Test(dir, seekdir_returns_to_the_same_entry)
{
	const char *dir = in_fs("s");
	char name[NAME_MAX + 1];
	struct dirent *d;
	long pos;
	DIR *dp;

	cr_assert_eq(mkdir(dir, 0755), 0);
	create_files(dir, "e", 0, 300);
	dp = opendir(dir);
	cr_assert_not_null(dp);
	for (int i = 0; i < 150; i++)
		cr_assert_not_null(readdir(dp));
	pos = telldir(dp);
	d = readdir(dp);
	cr_assert_not_null(d);
	snprintf(name, sizeof(name), "%s", d->d_name);
	for (int i = 0; i < 50; i++)
		readdir(dp);
	seekdir(dp, pos);
	d = readdir(dp);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->d_name, name, "after seekdir: %s, before: %s", d->d_name, name);
	closedir(dp);
}

Test(dir, large_directory_lists_completely)
{
	enum { N = 20000 };
	static unsigned char seen[N];
	const char *dir = in_fs("big");
	struct dirent *d;
	int count = 0;
	DIR *dp;

	cr_assert_eq(mkdir(dir, 0755), 0);
	create_files(dir, "x", 0, N);
	dp = opendir(dir);
	cr_assert_not_null(dp);
	while ((d = readdir(dp))) {
		int n = file_number(d->d_name, "x");

		if (n < 0)
			continue;
		cr_assert_eq(seen[n], 0, "x%d listed twice", n);
		seen[n] = 1;
		count++;
	}
	closedir(dp);
	cr_expect_eq(count, N, "%d of %d entries listed", count, N);
}

static nlink_t links(const char *path)
{
	return stat_of(path).st_nlink;
}

static ino_t ino(const char *path)
{
	return stat_of(path).st_ino;
}

Test(dir, link_counts_and_dotdot_follow_renames)
{
	cr_assert_eq(mkdir(in_fs("p"), 0755), 0);
	cr_assert_eq(mkdir(in_fs("q"), 0755), 0);
	cr_assert_eq(mkdir(in_fs("p/c"), 0755), 0);
	cr_expect_eq(links(in_fs("p")), 3);
	cr_expect_eq(links(in_fs("q")), 2);
	cr_assert_eq(rename(in_fs("p/c"), in_fs("q/c")), 0);
	cr_expect_eq(links(in_fs("p")), 2, "source parent after moving a subdirectory");
	cr_expect_eq(links(in_fs("q")), 3, "target parent after moving a subdirectory");
	cr_expect_eq(ino(in_fs("q/c/..")), ino(in_fs("q")), "\"..\" of the moved directory");
	cr_assert_eq(mkdir(in_fs("p/e"), 0755), 0);
	cr_assert_eq(renameat2(AT_FDCWD, in_fs("p/e"), AT_FDCWD, in_fs("q/c"), RENAME_EXCHANGE), 0);
	cr_expect_eq(ino(in_fs("p/e/..")), ino(in_fs("p")), "\"..\" after an exchange");
	cr_expect_eq(ino(in_fs("q/c/..")), ino(in_fs("q")), "\"..\" after an exchange");
	cr_assert_eq(rmdir(in_fs("q/c")), 0);
	cr_expect_eq(links(in_fs("q")), 2);
}

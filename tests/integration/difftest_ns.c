// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The differential tester's namespace operations: opening and closing,
 * creating and removing, links, renames, ownership, modes and times,
 * stat and readdir.  Paths are relative to the tree's root.
 */
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "difftest.h"

static const mode_t modes[] = {
	0644, 0755, 0600, 0700, 0, 0444, 0777, 04755, 02755, 02745, 06711, 01777, 01755,
};

static mode_t gen_mode(struct gen *g)
{
	if (gen_one_in(g, 4))
		return (mode_t)gen_below(g, 010000);
	return modes[gen_below(g, sizeof(modes) / sizeof(modes[0]))];
}

static void gen_path_mode(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	x->mode = gen_mode(g);
}

static void gen_two_paths(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	gen_path(g, x->path2);
}

static void gen_open(struct gen *g, const struct tree *a, struct args *x)
{
	static const int access[] = { O_RDONLY, O_WRONLY, O_RDWR, O_RDWR, O_RDWR, O_RDWR };

	x->slot = (int)gen_below(g, NR_SLOTS);
	gen_path_mode(g, a, x);
	x->flags = access[gen_below(g, 6)];
	if (!gen_one_in(g, 3))
		x->flags |= O_CREAT;
	if (gen_one_in(g, 6))
		x->flags |= O_EXCL;
	if (gen_one_in(g, 8))
		x->flags |= O_TRUNC;
	if (gen_one_in(g, 5))
		x->flags |= O_APPEND;
	if (gen_one_in(g, 20))
		x->flags |= O_DIRECTORY;
	if (gen_one_in(g, 20))
		x->flags |= O_NOFOLLOW;
}

/* Fifos never block the tester: every open is non-blocking. */
static void run_open(struct tree *t, const struct args *x, struct result *r)
{
	int fd;

	if (t->fd[x->slot] >= 0)
		close(t->fd[x->slot]);
	fd = openat(t->root, x->path, x->flags | O_NONBLOCK | O_CLOEXEC, x->mode);
	t->fd[x->slot] = fd;
	result_of(r, fd < 0 ? -1 : 0);
}

static void gen_close(struct gen *g, const struct tree *a, struct args *x)
{
	x->slot = gen_slot(g, a);
}

static void run_close(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, close(t->fd[x->slot]));
	t->fd[x->slot] = -1;
}

static void run_mkdir(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, mkdirat(t->root, x->path, x->mode));
}

static void gen_path_only(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
}

static void run_rmdir(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, unlinkat(t->root, x->path, AT_REMOVEDIR));
}

static void run_unlink(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, unlinkat(t->root, x->path, 0));
}

static void run_link(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, linkat(t->root, x->path, t->root, x->path2, 0));
}

/*
 * Targets go up at most one level: the tree's root lies four levels
 * below the directory given, so links stay inside it.
 */
static void gen_symlink(struct gen *g, const struct tree *a, struct args *x)
{
	static const char *const fixed[] = { ".", "..", "/dev/null/difftest", "" };

	gen_path(g, x->path);
	if (gen_one_in(g, 6)) {
		strcpy(x->path2, fixed[gen_below(g, 4)]);
		return;
	}
	if (gen_one_in(g, 3)) {
		strcpy(x->path2, "../");
		gen_path(g, x->path2 + 3);
	} else {
		gen_path(g, x->path2);
	}
}

static void run_symlink(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, symlinkat(x->path2, t->root, x->path));
}

static void gen_readlink(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	x->len = 1 + (off_t)gen_below(g, 40);
}

static void run_readlink(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, readlinkat(t->root, x->path, (char *)r->data, (size_t)x->len));
	if (r->ret > 0)
		r->len = (size_t)r->ret;
}

static void gen_rename(struct gen *g, const struct tree *a, struct args *x)
{
	static const int flags[] = {
		0, 0, 0, 0, 0, 0, RENAME_NOREPLACE, RENAME_NOREPLACE, RENAME_EXCHANGE,
		RENAME_EXCHANGE, RENAME_NOREPLACE | RENAME_EXCHANGE,
	};

	gen_two_paths(g, a, x);
	x->flags = flags[gen_below(g, sizeof(flags) / sizeof(flags[0]))];
}

static void run_rename(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, renameat2(t->root, x->path, t->root, x->path2, (unsigned int)x->flags));
}

static void run_chmod(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, fchmodat(t->root, x->path, x->mode, 0));
}

static void gen_chown(struct gen *g, const struct tree *a, struct args *x)
{
	static const unsigned int ids[] = { 0, 1000, 65534, (unsigned int)-1 };

	gen_path(g, x->path);
	x->uid = ids[gen_below(g, 4)];
	x->gid = ids[gen_below(g, 4)];
	x->flags = gen_one_in(g, 4) ? AT_SYMLINK_NOFOLLOW : 0;
}

static void run_chown(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, fchownat(t->root, x->path, x->uid, x->gid, x->flags));
}

/* Explicit times lie before 2001, so result_stat() knows to compare them. */
static void gen_time(struct gen *g, struct timespec *ts)
{
	switch (gen_below(g, 4)) {
	case 0: ts->tv_sec = 0; ts->tv_nsec = UTIME_NOW; break;
	case 1: ts->tv_sec = 0; ts->tv_nsec = UTIME_OMIT; break;
	default:
		ts->tv_sec = 100000000 + (time_t)gen_below(g, 800000000);
		ts->tv_nsec = (long)gen_below(g, 1000000000);
	}
}

static void gen_utimes(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	gen_time(g, &x->times[0]);
	gen_time(g, &x->times[1]);
	x->flags = gen_one_in(g, 4) ? AT_SYMLINK_NOFOLLOW : 0;
}

/* The atime set explicitly is compared here, right after (reads move it). */
static void run_utimes(struct tree *t, const struct args *x, struct result *r)
{
	struct stat st;

	result_of(r, utimensat(t->root, x->path, x->times, x->flags));
	if (r->ret < 0 || fstatat(t->root, x->path, &st, x->flags))
		return;
	/*
	 * Following a symlink touches its atime in the kernel's inode only,
	 * which FUSE does not pass on: a symlink's atime is not compared.
	 */
	if (x->times[0].tv_nsec != UTIME_NOW && x->times[0].tv_nsec != UTIME_OMIT &&
	    !S_ISLNK(st.st_mode))
		result_printf(r, "atime=%lld.%09ld", (long long)st.st_atim.tv_sec,
			      st.st_atim.tv_nsec);
}

static void gen_truncate(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	x->len = gen_one_in(g, 40) ? -1 : gen_offset(g);
}

static void run_truncate(struct tree *t, const struct args *x, struct result *r)
{
	char path[PATH_LEN + 32];

	/* truncate(2) has no *at() form: go through the root's /proc entry. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", t->root, x->path);
	result_of(r, truncate(path, x->len));
}

static void gen_stat(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	x->flags = gen_one_in(g, 3) ? AT_SYMLINK_NOFOLLOW : 0;
}

static void run_stat(struct tree *t, const struct args *x, struct result *r)
{
	char key[PATH_LEN + 2];

	snprintf(key, sizeof(key), "%s%s", x->path, x->flags ? "@" : "");
	result_stat(t, t->root, x->path, x->flags, key, r);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Names and types, sorted: the order of entries is the file system's. */
#define MAX_NAMES 64
static void run_readdir(struct tree *t, const struct args *x, struct result *r)
{
	int fd = openat(t->root, x->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char names[MAX_NAMES][NAME_MAX + 8];
	size_t n = 0;
	struct dirent *d;
	DIR *dir;

	result_of(r, fd);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	while (dir && (d = readdir(dir)) && n < MAX_NAMES) {
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			snprintf(names[n++], sizeof(names[0]), "%s:%d", d->d_name, d->d_type);
	}
	r->ret = (long long)n;
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++)
		result_printf(r, "%s ", names[i]);
	if (dir)
		closedir(dir);
}

static void gen_mknod(struct gen *g, const struct tree *a, struct args *x)
{
	static const mode_t types[] = { S_IFIFO, S_IFIFO, S_IFREG, S_IFSOCK };

	gen_path_mode(g, a, x);
	x->mode |= types[gen_below(g, 4)];
}

static void run_mknod(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, mknodat(t->root, x->path, x->mode, 0));
}

static void gen_samefile(struct gen *g, const struct tree *a, struct args *x)
{
	gen_two_paths(g, a, x);
	x->flags = gen_one_in(g, 2) ? AT_SYMLINK_NOFOLLOW : 0;
}

/* Hard links, renames and exchanges must leave the same inodes behind. */
static void run_samefile(struct tree *t, const struct args *x, struct result *r)
{
	struct stat s1, s2;

	result_of(r, fstatat(t->root, x->path, &s1, x->flags));
	if (r->ret < 0)
		return;
	result_of(r, fstatat(t->root, x->path2, &s2, x->flags));
	if (r->ret < 0) {
		r->ret = -2;	/* the second one failed */
		return;
	}
	r->ret = s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev;
}

static void gen_readall(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	x->off = gen_one_in(g, 2) ? 0 : gen_offset(g);
}

/* Up to DATA_MAX bytes from @off, through a fresh open of the path. */
static void run_readall(struct tree *t, const struct args *x, struct result *r)
{
	int fd = openat(t->root, x->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	result_of(r, fd);
	if (fd < 0)
		return;
	result_of(r, pread(fd, r->data, DATA_MAX, x->off));
	if (r->ret > 0)
		r->len = (size_t)r->ret;
	close(fd);
}

const struct op difftest_ns_ops[] = {
	{ "open", 80, gen_open, run_open },
	{ "close", 15, gen_close, run_close },
	{ "mkdir", 10, gen_path_mode, run_mkdir },
	{ "rmdir", 10, gen_path_only, run_rmdir },
	{ "unlink", 20, gen_path_only, run_unlink },
	{ "link", 12, gen_two_paths, run_link },
	{ "symlink", 10, gen_symlink, run_symlink },
	{ "readlink", 6, gen_readlink, run_readlink },
	{ "rename", 30, gen_rename, run_rename },
	{ "chmod", 12, gen_path_mode, run_chmod },
	{ "chown", 10, gen_chown, run_chown },
	{ "utimes", 10, gen_utimes, run_utimes },
	{ "truncate", 12, gen_truncate, run_truncate },
	{ "stat", 50, gen_stat, run_stat },
	{ "readdir", 20, gen_path_only, run_readdir },
	{ "mknod", 6, gen_mknod, run_mknod },
	{ "samefile", 10, gen_samefile, run_samefile },
	{ "readall", 25, gen_readall, run_readall },
};
const size_t difftest_nr_ns_ops = sizeof(difftest_ns_ops) / sizeof(difftest_ns_ops[0]);

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The differential tester: one random sequence of file system operations
 * run in lockstep on two trees (a kernel tmpfs and numafs), every result
 * compared.  An operation is generated once (struct args, from the seeded
 * generator), run on each tree, and what it returns, its errno and what
 * it observed (bytes read, a normalised stat, sorted names) must match.
 */
#ifndef NUMAFS_TESTS_DIFFTEST_H
#define NUMAFS_TESTS_DIFFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define NR_SLOTS 6		/* open files per tree */
#define PATH_LEN 64
#define NAME_LEN 272		/* xattr names up to one past XATTR_NAME_MAX */
#define DATA_MAX (256 * 1024)	/* bytes one operation may observe */
#define NR_RECORDS 512		/* paths whose timestamps are remembered */

/* The generator: splitmix64, so a seed means the same run everywhere. */
struct gen {
	uint64_t state;
};

static inline uint64_t gen_next(struct gen *g)
{
	uint64_t z = (g->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static inline uint64_t gen_below(struct gen *g, uint64_t n)
{
	return gen_next(g) % n;
}

/* True with probability 1/n. */
static inline bool gen_one_in(struct gen *g, uint64_t n)
{
	return gen_below(g, n) == 0;
}

/* What a path's inode looked like when last stat'ed, for timestamps. */
struct record {
	char path[PATH_LEN];
	ino_t ino;
	struct timespec mtime, ctime;
};

/* One side of the comparison. */
struct tree {
	const char *label;		/* "A" or "B" */
	int root;			/* directory fd of the tree's root */
	int fd[NR_SLOTS];		/* open files, -1 when closed */
	bool blocks;			/* compare st_blocks of regular files */
	bool reference;			/* the kernel tmpfs: emulate what it lacks */
	bool hole_reads_keep_holes;	/* mmap_read by pread(): see difftest_io.c */
	struct record records[NR_RECORDS];
};

/* One operation, as generated: the same for both trees. */
struct args {
	int op;				/* index into difftest_ops[] */
	int slot;
	int slot2;			/* copy_file_range's destination */
	char path[PATH_LEN];
	char path2[PATH_LEN];		/* second path, or symlink target */
	char name[NAME_LEN];		/* xattr name */
	int flags;
	int whence;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	off_t off;
	off_t len;
	off_t off2;			/* copy_file_range's destination offset */
	uint64_t seed;			/* the content written */
	struct timespec times[2];
};

/* What one tree answered. */
struct result {
	long long ret;
	int err;			/* errno when ret < 0 */
	bool text;			/* data is text (shown on a mismatch) */
	char mtime, ctime;		/* from result_stat(): see timestamp_changes() */
	size_t len;
	unsigned char data[DATA_MAX];
};

struct op {
	const char *name;
	unsigned int weight;
	void (*gen)(struct gen *g, const struct tree *a, struct args *args);
	void (*run)(struct tree *t, const struct args *args, struct result *r);
};

/* Helpers shared by the operation files (difftest_util.c). */
void gen_path(struct gen *g, char *buf);
int gen_slot(struct gen *g, const struct tree *a);
off_t gen_offset(struct gen *g);
off_t gen_length(struct gen *g);
void fill_pattern(unsigned char *buf, size_t len, uint64_t seed);
/* Set r->ret and r->err from a system call's return value. */
void result_of(struct result *r, long long ret);
/* Append text to r->data (r->text set). */
void result_printf(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The normalised stat of @fd (@path relative to it, flags for fstatat). */
void result_stat(struct tree *t, int fd, const char *path, int flags,
		 const char *record_as, struct result *r);

/* The operations: namespace (difftest_ns.c), data (_io.c), xattrs (_xattr.c). */
extern const struct op difftest_ns_ops[], difftest_io_ops[], difftest_xattr_ops[];
extern const size_t difftest_nr_ns_ops, difftest_nr_io_ops, difftest_nr_xattr_ops;

#endif

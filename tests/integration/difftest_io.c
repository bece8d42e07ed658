// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The differential tester's data operations on open files: read and
 * write at the file offset and at any offset, lseek (SEEK_DATA/SEEK_HOLE
 * too), ftruncate, fallocate, copy_file_range, fsync, fstat, and shared
 * mappings written and synced, or read.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "difftest.h"

static void gen_slot_len(struct gen *g, const struct tree *a, struct args *x)
{
	x->slot = gen_slot(g, a);
	x->len = gen_length(g);
	x->seed = gen_next(g);
}

static void gen_slot_off_len(struct gen *g, const struct tree *a, struct args *x)
{
	gen_slot_len(g, a, x);
	x->off = gen_offset(g);
}

static int fd_of(const struct tree *t, const struct args *x)
{
	return t->fd[x->slot];
}

static void run_write(struct tree *t, const struct args *x, struct result *r)
{
	fill_pattern(r->data, (size_t)x->len, x->seed);
	result_of(r, write(fd_of(t, x), r->data, (size_t)x->len));
}

static void run_pwrite(struct tree *t, const struct args *x, struct result *r)
{
	fill_pattern(r->data, (size_t)x->len, x->seed);
	result_of(r, pwrite(fd_of(t, x), r->data, (size_t)x->len, x->off));
}

static void took(struct result *r)
{
	r->len = r->ret > 0 ? (size_t)r->ret : 0;
}

static void run_read(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, read(fd_of(t, x), r->data, (size_t)x->len));
	took(r);
}

static void run_pread(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, pread(fd_of(t, x), r->data, (size_t)x->len, x->off));
	took(r);
}

static void gen_lseek(struct gen *g, const struct tree *a, struct args *x)
{
	static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_DATA,
				      SEEK_HOLE, SEEK_HOLE };

	x->slot = gen_slot(g, a);
	x->off = gen_one_in(g, 20) ? -(off_t)gen_below(g, 8192) : gen_offset(g);
	x->whence = whence[gen_below(g, sizeof(whence) / sizeof(whence[0]))];
	if (x->whence == SEEK_CUR || x->whence == SEEK_END)
		x->off -= 32768;
}

/*
 * A directory's offsets are the file system's own cookies, and the FUSE
 * kernel module, not numafs, answers lseek on them: not compared.
 */
static void run_lseek(struct tree *t, const struct args *x, struct result *r)
{
	struct stat st;

	if (!fstat(fd_of(t, x), &st) && S_ISDIR(st.st_mode)) {
		result_printf(r, "directory");
		return;
	}
	result_of(r, lseek(fd_of(t, x), x->off, x->whence));
}

static void gen_ftruncate(struct gen *g, const struct tree *a, struct args *x)
{
	x->slot = gen_slot(g, a);
	x->len = gen_one_in(g, 40) ? -1 : gen_offset(g);
}

static void run_ftruncate(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, ftruncate(fd_of(t, x), x->len));
}

static void gen_fallocate(struct gen *g, const struct tree *a, struct args *x)
{
	static const int modes[] = {
		0, 0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, FALLOC_FL_ZERO_RANGE,
		FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE,
		FALLOC_FL_COLLAPSE_RANGE, FALLOC_FL_INSERT_RANGE,
	};

	gen_slot_off_len(g, a, x);
	if (gen_one_in(g, 10))
		x->len = (off_t)gen_below(g, 4 << 20);
	x->flags = modes[gen_below(g, sizeof(modes) / sizeof(modes[0]))];
}

/*
 * tmpfs has no FALLOC_FL_ZERO_RANGE, which numafs offers (issue 9): the
 * reference does what it means with what tmpfs has.  Punching first
 * checks the arguments and the fd as fallocate() itself would.
 */
static int zero_range(int fd, int mode, off_t off, off_t len)
{
	struct stat st;

	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) ||
	    fallocate(fd, FALLOC_FL_KEEP_SIZE, off, len) || fstat(fd, &st))
		return -1;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > st.st_size)
		return ftruncate(fd, off + len);
	return 0;
}

static void run_fallocate(struct tree *t, const struct args *x, struct result *r)
{
	if (t->reference && (x->flags & FALLOC_FL_ZERO_RANGE))
		result_of(r, zero_range(fd_of(t, x), x->flags, x->off, x->len));
	else
		result_of(r, fallocate(fd_of(t, x), x->flags, x->off, x->len));
}

static void gen_copy(struct gen *g, const struct tree *a, struct args *x)
{
	gen_slot_off_len(g, a, x);
	x->slot2 = gen_slot(g, a);
	x->len = gen_offset(g) % (DATA_MAX * 2);
	x->off2 = gen_offset(g);
}

static void run_copy(struct tree *t, const struct args *x, struct result *r)
{
	off_t in = x->off, out = x->off2;

	result_of(r, copy_file_range(fd_of(t, x), &in, t->fd[x->slot2], &out,
				     (size_t)x->len, 0));
}

static void gen_fsync(struct gen *g, const struct tree *a, struct args *x)
{
	x->slot = gen_slot(g, a);
	x->flags = (int)gen_below(g, 2);
}

static void run_fsync(struct tree *t, const struct args *x, struct result *r)
{
	result_of(r, x->flags ? fdatasync(fd_of(t, x)) : fsync(fd_of(t, x)));
}

static void gen_fstat(struct gen *g, const struct tree *a, struct args *x)
{
	x->slot = gen_slot(g, a);
}

static void run_fstat(struct tree *t, const struct args *x, struct result *r)
{
	char key[16];

	snprintf(key, sizeof(key), "#%d", x->slot);
	result_stat(t, fd_of(t, x), "", AT_EMPTY_PATH, key, r);
}

/*
 * A shared mapping of part of the file: [x->off, + x->len) taken modulo
 * the file's size, so that no access lies past its end (SIGBUS).
 */

struct window {
	unsigned char *map;
	size_t map_len;
	unsigned char *at;
	size_t len;
	off_t start, off;		/* the mapping's, and the window's offset */
};

/* Where the window lies in this file; -1 (and r set) if nowhere. */
static int place_window(int fd, const struct args *x, struct window *w, struct result *r)
{
	struct stat st;

	result_of(r, fstat(fd, &st));
	if (r->ret < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		r->ret = 1;		/* nothing to map */
		return -1;
	}
	w->off = x->off % st.st_size;
	w->len = (size_t)(x->len < st.st_size - w->off ? x->len : st.st_size - w->off);
	w->start = w->off & ~(off_t)4095;
	w->map_len = (size_t)(w->off - w->start) + w->len;
	return 0;
}

static int map_window(int fd, const struct args *x, int prot, struct window *w,
		      struct result *r)
{
	if (place_window(fd, x, w, r))
		return -1;
	w->map = mmap(NULL, w->map_len, prot, MAP_SHARED, fd, w->start);
	result_of(r, w->map == MAP_FAILED ? -1 : 0);
	if (r->ret < 0)
		return -1;
	w->at = w->map + (w->off - w->start);
	return 0;
}

static void run_mmap_write(struct tree *t, const struct args *x, struct result *r)
{
	struct window w;

	if (map_window(fd_of(t, x), x, PROT_READ | PROT_WRITE, &w, r))
		return;
	fill_pattern(w.at, w.len, x->seed);
	result_of(r, msync(w.map, w.map_len, MS_SYNC));
	munmap(w.map, w.map_len);
}

/*
 * Where numafs keeps holes as holes when a mapping reads them (its own
 * page cache without passthrough), the reference reads with pread():
 * the same bytes, without the pages tmpfs would allocate for the faults.
 */
static void read_window(int fd, const struct args *x, struct result *r)
{
	struct window w;
	int flags = fcntl(fd, F_GETFL);

	if (place_window(fd, x, &w, r))
		return;
	/* What mmap() would refuse. */
	if ((flags & O_ACCMODE) == O_WRONLY || w.map_len == 0) {
		errno = w.map_len ? EACCES : EINVAL;
		result_of(r, -1);
		return;
	}
	result_of(r, pread(fd, r->data, w.len, w.off) == (ssize_t)w.len ? 0 : -1);
	r->len = w.len;
}

static void run_mmap_read(struct tree *t, const struct args *x, struct result *r)
{
	struct window w;

	if (t->hole_reads_keep_holes) {
		read_window(fd_of(t, x), x, r);
		return;
	}
	if (map_window(fd_of(t, x), x, PROT_READ, &w, r))
		return;
	memcpy(r->data, w.at, w.len);
	r->len = w.len;
	munmap(w.map, w.map_len);
}

const struct op difftest_io_ops[] = {
	{ "write", 40, gen_slot_len, run_write },
	{ "pwrite", 50, gen_slot_off_len, run_pwrite },
	{ "read", 25, gen_slot_len, run_read },
	{ "pread", 30, gen_slot_off_len, run_pread },
	{ "lseek", 20, gen_lseek, run_lseek },
	{ "ftruncate", 15, gen_ftruncate, run_ftruncate },
	{ "fallocate", 20, gen_fallocate, run_fallocate },
	{ "copy_file_range", 8, gen_copy, run_copy },
	{ "fsync", 5, gen_fsync, run_fsync },
	{ "fstat", 30, gen_fstat, run_fstat },
	{ "mmap_write", 15, gen_slot_off_len, run_mmap_write },
	{ "mmap_read", 10, gen_slot_off_len, run_mmap_read },
};
const size_t difftest_nr_io_ops = sizeof(difftest_io_ops) / sizeof(difftest_io_ops[0]);

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The differential tester's shared pieces: generating paths, offsets and
 * contents, and turning what a system call did into a comparable result.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "difftest.h"

/*
 * A few names, up to three deep: operations meet each other's files
 * often, and most error paths (ENOENT, ENOTDIR, EEXIST, ENOTEMPTY) come up.
 */
void gen_path(struct gen *g, char *buf)
{
	static const char names[] = "abcd";
	unsigned int depth = gen_one_in(g, 6) ? 3 : gen_one_in(g, 3) ? 2 : 1;
	char *p = buf;

	for (unsigned int i = 0; i < depth; i++) {
		if (i)
			*p++ = '/';
		*p++ = names[gen_below(g, sizeof(names) - 1)];
	}
	*p = '\0';
}

/* Mostly a slot that is open in the reference tree. */
int gen_slot(struct gen *g, const struct tree *a)
{
	int open[NR_SLOTS], n = 0;

	for (int i = 0; i < NR_SLOTS; i++)
		if (a->fd[i] >= 0)
			open[n++] = i;
	if (n && !gen_one_in(g, 10))
		return open[gen_below(g, (uint64_t)n)];
	return (int)gen_below(g, NR_SLOTS);
}

off_t gen_offset(struct gen *g)
{
	static const off_t limits[] = { 64 << 10, 64 << 10, 64 << 10, 1 << 20, 8 << 20 };
	off_t off;

	if (gen_one_in(g, 50))
		off = (off_t)gen_below(g, 1 << 30);
	else
		off = (off_t)gen_below(g, (uint64_t)limits[gen_below(g, 5)]);
	if (gen_one_in(g, 2))
		off &= ~(off_t)4095;
	return off;
}

off_t gen_length(struct gen *g)
{
	static const off_t limits[] = { 512, 512, 16 << 10, 16 << 10, 128 << 10 };

	if (gen_one_in(g, 50))
		return 0;
	return 1 + (off_t)gen_below(g, (uint64_t)limits[gen_below(g, 5)]);
}

/* Content that tells where it was written from: a stream of the seed. */
void fill_pattern(unsigned char *buf, size_t len, uint64_t seed)
{
	struct gen g = { seed };

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = gen_next(&g);

		memcpy(buf + i, &v, len - i < 8 ? len - i : 8);
	}
}

void result_of(struct result *r, long long ret)
{
	r->ret = ret;
	r->err = ret < 0 ? errno : 0;
}

void result_printf(struct result *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->text = true;
	va_start(ap, fmt);
	n = vsnprintf((char *)r->data + r->len, DATA_MAX - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < DATA_MAX - r->len ? (size_t)n : DATA_MAX - r->len - 1;
}

static struct record *record_of(struct tree *t, const char *key)
{
	unsigned int h = 5381;

	for (const char *c = key; *c; c++)
		h = h * 33 + (unsigned char)*c;
	return &t->records[h % NR_RECORDS];
}

static bool ts_equal(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/*
 * Timestamps differ between any two file systems; what must agree is
 * whether an operation changed them.  'n': not seen before (or another
 * inode now), 's': same as when last seen, 'C': changed since.
 *
 * tmpfs's multigrain timestamps may hand out the very same (coarse) time
 * again, rarely, so that two tmpfs instances can disagree: difftest.c
 * tolerates a few disagreements (tolerate_times()).
 */
static void timestamp_changes(struct tree *t, const char *key, const struct stat *st,
			      char *m, char *c)
{
	struct record *rec = record_of(t, key);

	if (strcmp(rec->path, key) || rec->ino != st->st_ino) {
		*m = *c = 'n';
	} else {
		*m = ts_equal(rec->mtime, st->st_mtim) ? 's' : 'C';
		*c = ts_equal(rec->ctime, st->st_ctim) ? 's' : 'C';
	}
	snprintf(rec->path, sizeof(rec->path), "%s", key);
	rec->ino = st->st_ino;
	rec->mtime = st->st_mtim;
	rec->ctime = st->st_ctim;
}

void result_stat(struct tree *t, int fd, const char *path, int flags,
		 const char *record_as, struct result *r)
{
	struct stat st;

	result_of(r, fstatat(fd, path, &st, flags));
	if (r->ret < 0)
		return;
	/*
	 * Pipe I/O updates a fifo's times in the kernel's inode only; FUSE
	 * never tells the file system, so no FUSE file system can match.
	 */
	if (!S_ISFIFO(st.st_mode))
		timestamp_changes(t, record_as, &st, &r->mtime, &r->ctime);
	result_printf(r, "type=%o mode=%04o nlink=%lu uid=%u gid=%u",
		      st.st_mode & S_IFMT, st.st_mode & 07777, (unsigned long)st.st_nlink,
		      st.st_uid, st.st_gid);
	/* A directory's size is each file system's own business. */
	if (!S_ISDIR(st.st_mode))
		result_printf(r, " size=%lld", (long long)st.st_size);
	if (S_ISREG(st.st_mode) && t->blocks)
		result_printf(r, " blocks=%lld", (long long)st.st_blocks);
	/* Times set explicitly (before 2001, see the utimes generator) must agree. */
	if (st.st_mtim.tv_sec < 1000000000 && !S_ISFIFO(st.st_mode))
		result_printf(r, " mtime=%lld.%09ld", (long long)st.st_mtim.tv_sec,
			      st.st_mtim.tv_nsec);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File data through a numafs mount, in the mode under test: sizes after
 * writes, O_APPEND, holes, opening a file many ways (never EIO), shared
 * mappings coherent with read/write, and truncating a mapped file.  Where
 * tmpfs defines the answer, the same steps run on a kernel tmpfs too.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

#define PAGE 4096

TestSuite(data, .init = fixture_setup, .fini = fixture_teardown, .timeout = 60);

static int open_ok(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	cr_assert_geq(fd, 0, "open %s: %s", path, strerror(errno));
	return fd;
}

static void pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	cr_assert_eq(pwrite(fd, buf, len, off), (ssize_t)len, "pwrite %zu at %lld: %s",
		     len, (long long)off, strerror(errno));
}

static off_t size_of(int fd)
{
	struct stat st;

	cr_assert_eq(fstat(fd, &st), 0, "fstat: %s", strerror(errno));
	return st.st_size;
}

static off_t path_size(const char *path)
{
	return stat_of(path).st_size;
}

Test(data, size_after_writes)
{
	static const struct { off_t off; size_t len; off_t size; } steps[] = {
		{ 0, 1, 1 }, { 100, 50, 150 }, { 10, 10, 150 }, { 8191, 2, 8193 },
		{ 1 << 20, 4096, (1 << 20) + 4096 }, { 5, 5, (1 << 20) + 4096 },
	};
	char buf[4096];
	int fd = open_ok(in_fs("f"), O_RDWR | O_CREAT);

	memset(buf, 'x', sizeof(buf));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		pwrite_all(fd, buf, steps[i].len, steps[i].off);
		cr_expect_eq(size_of(fd), steps[i].size, "after step %zu: fstat size %lld, want %lld",
			     i, (long long)size_of(fd), (long long)steps[i].size);
		cr_expect_eq(path_size(in_fs("f")), steps[i].size, "after step %zu: stat size", i);
	}
	close(fd);
	cr_expect_eq(path_size(in_fs("f")), steps[5].size, "size after close");
}

Test(data, append)
{
	int a = open_ok(in_fs("log"), O_WRONLY | O_CREAT | O_APPEND);
	int b = open_ok(in_fs("log"), O_WRONLY | O_APPEND);
	int plain = open_ok(in_fs("log"), O_RDWR);
	char buf[64] = { 0 };

	cr_assert_eq(write(a, "one ", 4), 4);
	cr_assert_eq(write(b, "two ", 4), 4);
	/* O_APPEND writes go to the end even with pwrite()'s offset. */
	cr_assert_eq(pwrite(a, "three", 5, 0), 5);
	cr_assert_eq(pread(plain, buf, sizeof(buf) - 1, 0), 13);
	cr_expect_str_eq(buf, "one two three");
	cr_expect_eq(lseek(b, 0, SEEK_CUR), 8, "b's offset after its append");
	cr_expect_eq(size_of(plain), 13);
	close(a);
	close(b);
	close(plain);
}

Test(data, holes_read_as_zeros)
{
	static unsigned char buf[64 << 10];
	int fd = open_ok(in_fs("sparse"), O_RDWR | O_CREAT);
	off_t far = (off_t)1 << 30;
	struct stat st;

	pwrite_all(fd, "end", 3, far);
	memset(buf, 0xaa, sizeof(buf));
	cr_assert_eq(pread(fd, buf, sizeof(buf), far / 2), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0, "byte %zu of a hole is %#x", i, buf[i]);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_expect_eq(st.st_size, far + 3);
	cr_expect_leq(st.st_blocks, 64, "a 1 GiB hole takes %lld blocks", (long long)st.st_blocks);
	cr_expect_eq(lseek(fd, 0, SEEK_DATA), far & ~(off_t)(PAGE - 1), "SEEK_DATA");
	cr_expect_eq(lseek(fd, 0, SEEK_HOLE), 0, "SEEK_HOLE");
	/* Truncating up makes a hole too. */
	cr_assert_eq(ftruncate(fd, far * 2), 0);
	cr_assert_eq(pread(fd, buf, 16, far + PAGE), 16);
	for (size_t i = 0; i < 16; i++)
		cr_assert_eq(buf[i], 0);
	close(fd);
}

/* Opened twice, opened again while mapped, opened after closes: no EIO. */
Test(data, many_opens_never_eio)
{
	int w = open_ok(in_fs("shared"), O_RDWR | O_CREAT);
	int r, again;
	char buf[PAGE];
	void *map;

	pwrite_all(w, "hello", 5, 0);
	cr_assert_eq(ftruncate(w, 2 * PAGE), 0);
	r = open_ok(in_fs("shared"), O_RDONLY);
	cr_expect_eq(pread(r, buf, 5, 0), 5, "read through the second open: %s", strerror(errno));
	cr_expect_eq(memcmp(buf, "hello", 5), 0);

	map = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, w, 0);
	cr_assert_neq(map, MAP_FAILED, "mmap: %s", strerror(errno));
	close(w);
	close(r);
	/* Only the mapping holds the file now. */
	again = open_ok(in_fs("shared"), O_RDWR);
	memcpy((char *)map + PAGE, "mapped", 6);
	cr_expect_eq(pread(again, buf, 6, PAGE), 6, "read while mapped: %s", strerror(errno));
	cr_expect_eq(memcmp(buf, "mapped", 6), 0, "a store through the mapping, seen by read()");
	pwrite_all(again, "write", 5, 0);
	cr_expect_eq(memcmp(map, "write", 5), 0, "a write(), seen through the mapping");
	for (int i = 0; i < 20; i++) {
		int fd = open_ok(in_fs("shared"), i % 2 ? O_RDONLY : O_RDWR);

		cr_expect_eq(pread(fd, buf, 5, 0), 5, "open %d: %s", i, strerror(errno));
		close(fd);
	}
	munmap(map, 2 * PAGE);
	close(again);
}

/* The file's length is what a mapping may touch, as on tmpfs. */
static void truncate_mapped(const struct mountfs *m, int *expect)
{
	int fd = open_ok(in(m, "mapped"), O_RDWR | O_CREAT);
	unsigned char *map;

	cr_assert_eq(ftruncate(fd, 4 * PAGE), 0);
	map = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(map, MAP_FAILED, "mmap: %s", strerror(errno));
	memset(map, 0x5a, 4 * PAGE);
	cr_assert_eq(msync(map, 4 * PAGE, MS_SYNC), 0);
	cr_assert_eq(ftruncate(fd, PAGE + 10), 0);
	expect[0] = probe_sigbus(map + 3 * PAGE);	/* past the end: SIGBUS */
	expect[1] = probe_sigbus(map + PAGE);		/* in the last page: fine */
	expect[2] = map[PAGE + 9] == 0x5a && map[PAGE + 10] == 0;
	cr_assert_eq(ftruncate(fd, 4 * PAGE), 0);
	expect[3] = probe_sigbus(map + 3 * PAGE);	/* back: zeros */
	expect[4] = map[3 * PAGE] == 0 && map[0] == 0x5a;
	munmap(map, 4 * PAGE);
	close(fd);
}

Test(data, truncate_of_mapped_file)
{
	static const char *const what[] = {
		"SIGBUS past the new end", "no SIGBUS in the last page",
		"bytes past the new end zeroed", "no SIGBUS after growing again",
		"grown part reads as zeros",
	};
	int fs[5], ref[5];

	truncate_mapped(&fx_ref, ref);
	truncate_mapped(&fx_fs, fs);
	for (int i = 0; i < 5; i++)
		cr_expect_eq(fs[i], ref[i], "%s: numafs %d, tmpfs %d", what[i], fs[i], ref[i]);
}

Test(data, mmap_write_then_read)
{
	int fd = open_ok(in_fs("m"), O_RDWR | O_CREAT);
	size_t len = 64 * PAGE;
	unsigned char *map, *buf = malloc(len);

	cr_assert_eq(ftruncate(fd, (off_t)len), 0);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(map, MAP_FAILED);
	for (size_t i = 0; i < len; i++)
		map[i] = (unsigned char)(i * 7 + i / PAGE);
	cr_assert_eq(msync(map, len, MS_SYNC), 0);
	munmap(map, len);
	close(fd);
	/* A fresh open, and the bytes are there. */
	fd = open_ok(in_fs("m"), O_RDONLY);
	cr_assert_eq(read(fd, buf, len), (ssize_t)len);
	for (size_t i = 0; i < len; i++)
		cr_assert_eq(buf[i], (unsigned char)(i * 7 + i / PAGE), "byte %zu", i);
	close(fd);
	free(buf);
}

/* Linux truncates even for O_RDONLY|O_TRUNC when the caller may write. */
static off_t size_after_open(const struct mountfs *m, int flags)
{
	int fd = open_ok(in(m, "t"), O_WRONLY | O_CREAT | O_TRUNC);
	char buf[5000] = { 0 };

	pwrite_all(fd, buf, sizeof(buf), 0);
	close(fd);
	close(open_ok(in(m, "t"), flags));
	return path_size(in(m, "t"));
}

Test(data, open_with_o_trunc)
{
	static const int flags[] = { O_RDONLY | O_TRUNC, O_WRONLY | O_TRUNC, O_RDWR | O_TRUNC,
				     O_RDWR };

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		off_t fs = size_after_open(&fx_fs, flags[i]), ref = size_after_open(&fx_ref, flags[i]);

		cr_expect_eq(fs, ref, "open flags %#o: size numafs %lld, tmpfs %lld", flags[i],
			     (long long)fs, (long long)ref);
	}
}

/*
 * Writers (each with its own open file), a reader of the whole file and
 * a mapper, all on one file at once: every call succeeds, each writer
 * reads back what it wrote, and at the end the file holds every region.
 */
#define REGION (128 << 10)
#define WRITERS 4
#define ROUNDS 50

struct worker {
	const char *path;
	int id;
	int failures;
	char what[128];
};

static void *writer(void *arg)
{
	struct worker *w = arg;
	unsigned char *buf = malloc(REGION), *back = malloc(REGION);
	int fd = open(w->path, O_RDWR | O_CLOEXEC);

	for (int round = 0; fd >= 0 && round < ROUNDS && !w->failures; round++) {
		memset(buf, (w->id << 4) | (round & 15), REGION);
		if (pwrite(fd, buf, REGION, (off_t)w->id * REGION) != REGION ||
		    pread(fd, back, REGION, (off_t)w->id * REGION) != REGION) {
			snprintf(w->what, sizeof(w->what), "round %d: %s", round, strerror(errno));
			w->failures++;
		} else if (memcmp(buf, back, REGION)) {
			size_t at = 0;

			while (buf[at] == back[at])
				at++;
			snprintf(w->what, sizeof(w->what),
				 "round %d: read back differs from byte %zu: %#x, wrote %#x",
				 round, at, back[at], buf[at]);
			w->failures++;
		}
	}
	if (fd < 0) {
		snprintf(w->what, sizeof(w->what), "open: %s", strerror(errno));
		w->failures++;
	}
	close(fd);
	free(buf);
	free(back);
	return NULL;
}

static void *mapper(void *arg)
{
	struct worker *w = arg;
	int fd = open(w->path, O_RDONLY | O_CLOEXEC);
	size_t len = (size_t)WRITERS * REGION;
	volatile unsigned char *map;
	unsigned long sum = 0;

	if (fd < 0) {
		snprintf(w->what, sizeof(w->what), "open: %s", strerror(errno));
		w->failures++;
		return NULL;
	}
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	for (int round = 0; map != MAP_FAILED && round < ROUNDS; round++)
		for (size_t i = 0; i < len; i += PAGE)
			sum += map[i];
	if (map == MAP_FAILED) {
		snprintf(w->what, sizeof(w->what), "mmap: %s", strerror(errno));
		w->failures++;
	} else {
		munmap((void *)map, len);
	}
	close(fd);
	return (void *)sum;
}

Test(data, concurrent_writers_readers_mappers)
{
	struct worker workers[WRITERS + 1];
	pthread_t threads[WRITERS + 1];
	unsigned char *all = malloc((size_t)WRITERS * REGION);
	int fd = open_ok(in_fs("busy"), O_RDWR | O_CREAT);

	cr_assert_eq(ftruncate(fd, (off_t)WRITERS * REGION), 0);
	for (int i = 0; i <= WRITERS; i++) {
		workers[i] = (struct worker){ .path = in_fs("busy"), .id = i };
		cr_assert_eq(pthread_create(&threads[i], NULL, i < WRITERS ? writer : mapper,
					    &workers[i]), 0);
	}
	for (int i = 0; i <= WRITERS; i++) {
		pthread_join(threads[i], NULL);
		cr_expect_eq(workers[i].failures, 0, "%s %d: %s", i < WRITERS ? "writer" : "mapper",
			     i, workers[i].what);
	}
	cr_assert_eq(pread(fd, all, (size_t)WRITERS * REGION, 0), (ssize_t)WRITERS * REGION);
	for (int i = 0; i < WRITERS; i++)
		for (size_t b = 0; b < REGION; b++)
			cr_assert_eq(all[(size_t)i * REGION + b], (i << 4) | ((ROUNDS - 1) & 15),
				     "region %d byte %zu", i, b);
	free(all);
	close(fd);
}

/* Whether truncate(2) to the current size @len left an old mtime alone. */
static bool same_size_keeps_mtime(const struct mountfs *m, off_t len)
{
	struct timespec past[2] = { { 100000000, 0 }, { 100000000, 0 } };
	int fd = open_ok(in(m, "tt"), O_RDWR | O_CREAT | O_TRUNC);
	bool kept;

	cr_assert_eq(ftruncate(fd, len), 0);
	cr_assert_eq(futimens(fd, past), 0);
	cr_assert_eq(truncate(in(m, "tt"), len), 0);
	kept = stat_of(in(m, "tt")).st_mtim.tv_sec == past[1].tv_sec;
	close(fd);
	return kept;
}

/* tmpfs leaves the times of an empty file truncated to 0 alone. */
Test(data, truncate_to_same_size_times)
{
	for (off_t len = 0; len < 8192; len += 4096) {
		bool fs = same_size_keeps_mtime(&fx_fs, len), ref = same_size_keeps_mtime(&fx_ref, len);

		cr_expect_eq(fs, ref, "truncate(%lld) of a %lld-byte file: mtime kept: numafs %d, "
			     "tmpfs %d", (long long)len, (long long)len, fs, ref);
	}
}

/* Whether open(O_TRUNC) of a file of @len bytes gave it a new mtime. */
static bool o_trunc_stamps(const struct mountfs *m, off_t len)
{
	struct timespec past[2] = { { 100000000, 0 }, { 100000000, 0 } };
	int fd = open_ok(in(m, "ot"), O_RDWR | O_CREAT | O_TRUNC);

	cr_assert_eq(ftruncate(fd, len), 0);
	cr_assert_eq(futimens(fd, past), 0);
	close(fd);
	close(open_ok(in(m, "ot"), O_RDWR | O_TRUNC));
	return stat_of(in(m, "ot")).st_mtim.tv_sec != past[1].tv_sec;
}

/* The VFS stamps open(O_TRUNC) whatever the size was, even 0. */
Test(data, o_trunc_times)
{
	for (off_t len = 0; len < 8192; len += 4096) {
		bool fs = o_trunc_stamps(&fx_fs, len), ref = o_trunc_stamps(&fx_ref, len);

		cr_expect_eq(fs, ref, "open(O_TRUNC) of a %lld-byte file: new mtime: numafs %d, "
			     "tmpfs %d", (long long)len, fs, ref);
	}
}

/* st_blocks after allocating past the end, then truncating to the same size. */
static blkcnt_t blocks_after_same_size_truncate(const struct mountfs *m)
{
	int fd = open_ok(in(m, "pe"), O_RDWR | O_CREAT | O_TRUNC);
	blkcnt_t blocks;

	pwrite_all(fd, "x", 1, 0);
	cr_assert_eq(fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 65536), 0);
	cr_assert_eq(ftruncate(fd, 1), 0);
	blocks = stat_of(in(m, "pe")).st_blocks;
	close(fd);
	return blocks;
}

/* Truncating frees what fallocate(KEEP_SIZE) put past the end, size unchanged. */
Test(data, same_size_truncate_frees_past_eof)
{
	blkcnt_t fs = blocks_after_same_size_truncate(&fx_fs);
	blkcnt_t ref = blocks_after_same_size_truncate(&fx_ref);

	cr_expect_eq(fs, ref, "blocks numafs %lld, tmpfs %lld", (long long)fs, (long long)ref);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The passthrough data path, proven from the outside:
 *
 * - the daemon runs with -d, so libfuse logs every request it receives:
 *   writing and reading a file must produce no WRITE and no READ (and in
 *   the fallback mode they must appear, which shows the log is read right);
 * - the pages an application maps are the backing file's shmem pages:
 *   /proc/self/pagemap gives the page frame of each mapped page, and
 *   /proc/kpageflags says it is swap-backed (shmem), which no page of the
 *   FUSE page cache is; those pages hold the bytes written.  (/proc/self/
 *   maps cannot tell: it names the FUSE file even for a backing mapping.)
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

#define LEN (1 << 20)

static void mount_debug(const char *options)
{
	int err;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (!mountfs_daemon())
		cr_skip_test("NUMAFS_BIN is not set: run through meson test");
	cr_assert_eq(mountfs_isolate(), 0);
	err = mountfs_numafs(&fx_fs, options, true);
	cr_assert_eq(err, 0, "numafs -d -o '%s': %s", options, strerror(-err));
}

static void teardown(void)
{
	if (fx_fs.pid > 0)
		cr_expect_eq(mountfs_stop(&fx_fs), 0, "numafs did not exit cleanly");
}

TestSuite(passthrough, .fini = teardown, .timeout = 60);

/* How many requests with this opcode the daemon has logged so far. */
static int logged(const char *opcode)
{
	char line[1024], needle[64];
	FILE *f = fopen(fx_fs.log, "re");
	int n = 0;

	cr_assert_not_null(f, "daemon log %s: %s", fx_fs.log, strerror(errno));
	snprintf(needle, sizeof(needle), "opcode: %s (", opcode);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static unsigned char *unique_bytes(void)
{
	unsigned char *buf = malloc(LEN);
	unsigned int seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();

	cr_assert_not_null(buf);
	for (size_t i = 0; i < LEN; i++)
		buf[i] = (unsigned char)rand_r(&seed);
	return buf;
}

/* Write and read back LEN unique bytes through the mount. */
static void write_and_read(const unsigned char *data, int *fd_out)
{
	unsigned char *back = malloc(LEN);
	int fd = open(in_fs("file"), O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	cr_assert_geq(fd, 0, "open: %s", strerror(errno));
	/* In pieces: each write(2) is a chance for a GETXATTR (see below). */
	for (size_t off = 0; off < LEN; off += LEN / 16)
		cr_assert_eq(write(fd, data + off, LEN / 16), LEN / 16, "write: %s", strerror(errno));
	cr_assert_eq(fsync(fd), 0);
	cr_assert_eq(pread(fd, back, LEN, 0), LEN, "read: %s", strerror(errno));
	cr_assert_eq(memcmp(back, data, LEN), 0, "read back differs");
	free(back);
	*fd_out = fd;
}

#define PAGE 4096
#define KPF_SWAPBACKED 14	/* linux/kernel-page-flags.h */
#define PFN_MASK ((UINT64_C(1) << 55) - 1)

/*
 * How many pages of the mapping at @map (@len bytes, all resident) are
 * shmem pages, from their page frames' flags.
 */
static size_t shmem_pages(const unsigned char *map, size_t len)
{
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	cr_assert_geq(pagemap, 0, "/proc/self/pagemap: %s", strerror(errno));
	cr_assert_geq(kflags, 0, "/proc/kpageflags: %s", strerror(errno));
	for (size_t off = 0; off < len; off += PAGE) {
		uint64_t entry, flags;

		cr_assert_eq(pread(pagemap, &entry, 8, (off_t)((uintptr_t)(map + off) / PAGE * 8)), 8);
		cr_assert(entry >> 63, "page %zu of the mapping is not resident", off / PAGE);
		cr_assert_neq(entry & PFN_MASK, 0, "no page frame numbers: not root?");
		cr_assert_eq(pread(kflags, &flags, 8, (off_t)((entry & PFN_MASK) * 8)), 8);
		n += (flags >> KPF_SWAPBACKED) & 1;
	}
	close(pagemap);
	close(kflags);
	return n;
}

/* Map the file, fault every page in, check the bytes; shmem pages seen. */
static size_t map_and_count(int fd, const unsigned char *data)
{
	unsigned char *map = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, 0);
	size_t n;

	cr_assert_neq(map, MAP_FAILED, "mmap: %s", strerror(errno));
	cr_expect_eq(memcmp(map, data, LEN), 0, "the mapping does not show the bytes written");
	n = shmem_pages(map, LEN);
	munmap(map, LEN);
	return n;
}

Test(passthrough, no_fuse_write_and_data_in_backing_file)
{
	unsigned char *data = unique_bytes();
	size_t shmem;
	int fd;

	mount_debug("");
	write_and_read(data, &fd);
	cr_expect_eq(logged("WRITE"), 0, "passthrough: %d FUSE WRITE requests reached the daemon",
		     logged("WRITE"));
	cr_expect_eq(logged("READ"), 0, "passthrough: %d FUSE READ requests reached the daemon",
		     logged("READ"));
	/*
	 * Without HANDLE_KILLPRIV_V2 the kernel asks for security.capability
	 * at every write; with it (SB_NOSEC) only at the first of an inode.
	 */
	cr_expect_leq(logged("GETXATTR"), 1, "16 writes cost %d GETXATTR requests (no KILLPRIV_V2?)",
		      logged("GETXATTR"));
	shmem = map_and_count(fd, data);
	cr_expect_eq(shmem, LEN / PAGE, "passthrough: %zu of %d mapped pages are shmem pages",
		     shmem, LEN / PAGE);
	close(fd);
	free(data);
}

/* The same steps without passthrough: the log must show the requests. */
Test(passthrough, fallback_serves_write_itself)
{
	unsigned char *data = unique_bytes();
	size_t shmem;
	int fd;

	mount_debug("passthrough=off");
	write_and_read(data, &fd);
	cr_expect_gt(logged("WRITE"), 0, "passthrough=off, yet no FUSE WRITE was logged");
	shmem = map_and_count(fd, data);
	cr_expect_eq(shmem, 0, "passthrough=off, yet %zu mapped pages are shmem pages", shmem);
	close(fd);
	free(data);
}

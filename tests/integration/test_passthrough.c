// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The passthrough data path, proven from the outside:
 *
 * - the daemon runs with -d, so libfuse logs every request it receives:
 *   writing and reading a file must produce no WRITE and no READ (and in
 *   the fallback mode they must appear, which shows the log is read right);
 * - an application's mapping of the file is the backing shmem file itself:
 *   /proc/self/maps names another device than the FUSE mount's, and that
 *   file (opened through /proc/self/map_files) holds the bytes written.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
	cr_assert_eq(write(fd, data, LEN), LEN, "write: %s", strerror(errno));
	cr_assert_eq(fsync(fd), 0);
	cr_assert_eq(pread(fd, back, LEN, 0), LEN, "read: %s", strerror(errno));
	cr_assert_eq(memcmp(back, data, LEN), 0, "read back differs");
	free(back);
	*fd_out = fd;
}

/* The device of the file a mapping of @addr maps, from /proc/self/maps. */
static dev_t mapped_device(void *addr, char *range, size_t len)
{
	char line[1024];
	unsigned long start, end;
	unsigned int major, minor;
	FILE *f = fopen("/proc/self/maps", "re");
	dev_t dev = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %*s %*s %x:%x", &start, &end, &major, &minor) != 4)
			continue;
		if (start == (unsigned long)addr) {
			dev = makedev(major, minor);
			snprintf(range, len, "%lx-%lx", start, end);
		}
	}
	fclose(f);
	return dev;
}

Test(passthrough, no_fuse_write_and_data_in_backing_file)
{
	unsigned char *data = unique_bytes(), *back = malloc(LEN);
	char range[64], path[128];
	struct stat fuse_st, backing_st;
	int fd, backing;
	void *map;

	mount_debug("");
	write_and_read(data, &fd);
	cr_expect_eq(logged("WRITE"), 0, "passthrough: %d FUSE WRITE requests reached the daemon",
		     logged("WRITE"));
	cr_expect_eq(logged("READ"), 0, "passthrough: %d FUSE READ requests reached the daemon",
		     logged("READ"));

	map = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert_neq(map, MAP_FAILED, "mmap: %s", strerror(errno));
	cr_assert_eq(fstat(fd, &fuse_st), 0);
	cr_expect_neq(mapped_device(map, range, sizeof(range)), fuse_st.st_dev,
		      "the mapping is of the FUSE file, not of its backing file");
	snprintf(path, sizeof(path), "/proc/self/map_files/%s", range);
	backing = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(backing, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(fstat(backing, &backing_st), 0);
	cr_expect_neq(backing_st.st_dev, fuse_st.st_dev, "the backing file is on the FUSE mount");
	cr_expect_eq(backing_st.st_size, LEN, "backing file size %lld", (long long)backing_st.st_size);
	cr_assert_eq(pread(backing, back, LEN, 0), LEN);
	cr_expect_eq(memcmp(back, data, LEN), 0, "the backing file does not hold the bytes written");
	close(backing);
	munmap(map, LEN);
	close(fd);
	free(back);
	free(data);
}

/* The same steps without passthrough: the log must show the requests. */
Test(passthrough, fallback_serves_write_itself)
{
	unsigned char *data = unique_bytes();
	char range[64];
	struct stat st;
	int fd;
	void *map;

	mount_debug("passthrough=off");
	write_and_read(data, &fd);
	cr_expect_gt(logged("WRITE"), 0, "passthrough=off, yet no FUSE WRITE was logged");
	map = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert_neq(map, MAP_FAILED, "mmap: %s", strerror(errno));
	cr_assert_eq(fstat(fd, &st), 0);
	cr_expect_eq(mapped_device(map, range, sizeof(range)), st.st_dev,
		     "passthrough=off, yet the mapping is of another file");
	munmap(map, LEN);
	close(fd);
	free(data);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metabench DIR COUNT: create, stat and unlink COUNT empty files in DIR and
 * print the rate of each phase in operations per second, one per line:
 *	create 123456
 *	stat 234567
 *	unlink 345678
 * The stat phase runs on freshly created files after the kernel's caches
 * were dropped by the caller (cold) or not (warm): the caller decides.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef int (*file_op)(int dirfd, const char *name);

static int do_create(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int do_stat(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

static int do_unlink(int dirfd, const char *name)
{
	return unlinkat(dirfd, name, 0) ? -errno : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_phase(const char *label, file_op op, int dirfd, long count)
{
	char name[32];
	double start = now();

	for (long i = 0; i < count; i++) {
		int err;

		snprintf(name, sizeof(name), "f%07ld", i);
		err = op(dirfd, name);
		if (err) {
			fprintf(stderr, "metabench: %s %s: %s\n", label, name, strerror(-err));
			return 1;
		}
	}
	printf("%s %.0f\n", label, count / (now() - start));
	return 0;
}

int main(int argc, char **argv)
{
	long count;
	int dirfd;

	if (argc != 3 || (count = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: metabench DIR COUNT\n");
		return 2;
	}
	dirfd = open(argv[1], O_DIRECTORY | O_RDONLY);
	if (dirfd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (run_phase("create", do_create, dirfd, count) ||
	    run_phase("stat", do_stat, dirfd, count) ||
	    run_phase("unlink", do_unlink, dirfd, count))
		return 1;
	close(dirfd);
	return 0;
}

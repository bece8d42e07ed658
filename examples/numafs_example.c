// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * numafs_example FILE NODE... - what an application does with <numafs.h>:
 * interleave the first MiB of FILE (on a numafs mount) over the given
 * nodes with NUMAFS_IOC_SET_POLICY, write that MiB, and ask with
 * NUMAFS_IOC_WHERE which node each page landed on.
 *
 *	$ numafs_example /mnt/numa/data 0 1
 *	page 0: node 1
 *	page 1: node 0
 *	...
 *
 * Build it against an installed numafs: cc $(pkg-config --cflags numafs) ...
 */
#include <errno.h>
#include <fcntl.h>
#include <numafs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define RANGE (1 << 20)

static int set_interleave(int fd, int argc, char **argv)
{
	struct numafs_set_policy *req = calloc(1, sizeof(*req));
	int ret;

	if (!req)
		return -1;
	req->size = sizeof(*req);
	req->offset = 0;
	req->length = RANGE;
	req->policy.mode = NUMAFS_MPOL_INTERLEAVE;
	for (int i = 0; i < argc; i++) {
		long node = strtol(argv[i], NULL, 10);

		if (node < 0 || node >= NUMAFS_MAX_NODES) {
			fprintf(stderr, "bad node %s\n", argv[i]);
			free(req);
			return -1;
		}
		req->policy.nodes[node / 64] |= 1ULL << (node % 64);
	}
	ret = ioctl(fd, NUMAFS_IOC_SET_POLICY, req);
	if (ret)
		perror("NUMAFS_IOC_SET_POLICY");
	free(req);
	return ret;
}

static int fill(int fd)
{
	char *buf = malloc(RANGE);
	ssize_t n;

	if (!buf)
		return -1;
	memset(buf, 'n', RANGE);
	n = pwrite(fd, buf, RANGE, 0);
	free(buf);
	if (n != RANGE) {
		perror("write");
		return -1;
	}
	return fsync(fd);
}

static int print_where(int fd)
{
	long page_size = sysconf(_SC_PAGESIZE);
	struct numafs_where *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return -1;
	w->size = sizeof(*w);
	w->offset = 0;
	w->count = (uint32_t)(RANGE / page_size);
	ret = ioctl(fd, NUMAFS_IOC_WHERE, w);
	if (ret)
		perror("NUMAFS_IOC_WHERE");
	for (uint32_t i = 0; !ret && i < w->count; i++) {
		if (w->node[i] >= 0)
			printf("page %u: node %d\n", i, w->node[i]);
		else
			printf("page %u: %s\n", i, strerror(-w->node[i]));
	}
	free(w);
	return ret;
}

int main(int argc, char **argv)
{
	int fd, ret;

	if (argc < 3) {
		fprintf(stderr, "usage: %s FILE NODE...\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ret = set_interleave(fd, argc - 2, argv + 2);
	if (!ret)
		ret = fill(fd);
	if (!ret)
		ret = print_where(fd);
	close(fd);
	return ret ? 1 : 0;
}

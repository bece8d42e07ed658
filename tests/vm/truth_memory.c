// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numa-truth memory FILE PAGES [--copies N] [--backing NODE]
 *
 * What filling a file with write() and mapping it costs, from the
 * kernel's counters before and after: the page cache (Cached), shmem (the
 * backing files), and per node the shmem and the rest of the page cache
 * (FUSE's own copy, without passthrough), and where the pages of the
 * application's mapping are.  --copies N asserts the page cache grew by
 * N times the file; --backing NODE that the backing copy is on NODE.
 * Lines starting "figure" are for the host to collect.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "truth.h"

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

struct mem_figures {
	long long cached, shmem, memfree;		/* kB */
	long long node_file[TRUTH_MAX_NODES], node_shmem[TRUTH_MAX_NODES];
};

/* "KEY:   N kB" lines of @path; @prefix is what precedes KEY. */
static long long meminfo_value(const char *path, const char *prefix, const char *key)
{
	char line[256], want[128];
	long long value = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s%s:", prefix, key);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			value = strtoll(line + strlen(want), NULL, 10);
			break;
		}
	fclose(f);
	return value;
}

static void read_figures(struct mem_figures *f)
{
	f->cached = meminfo_value("/proc/meminfo", "", "Cached");
	f->shmem = meminfo_value("/proc/meminfo", "", "Shmem");
	f->memfree = meminfo_value("/proc/meminfo", "", "MemFree");
	for (int n = 0; n < TRUTH_MAX_NODES; n++) {
		char path[64], prefix[32];

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", n);
		snprintf(prefix, sizeof(prefix), "Node %d ", n);
		f->node_file[n] = meminfo_value(path, prefix, "FilePages");
		f->node_shmem[n] = meminfo_value(path, prefix, "Shmem");
	}
}

static void print_figures(const struct mem_figures *a, const struct mem_figures *b,
			  long long file_kb, const size_t *app)
{
	long long cached = b->cached - a->cached;

	printf("figure file_kB=%lld cached_kB=%+lld copies=%.2f shmem_kB=%+lld memfree_kB=%+lld\n",
	       file_kb, cached, (double)cached / (double)file_kb, b->shmem - a->shmem,
	       b->memfree - a->memfree);
	for (int n = 0; n < TRUTH_MAX_NODES; n++) {
		long long shmem = b->node_shmem[n] - a->node_shmem[n];

		if (a->node_file[n] < 0)
			continue;
		printf("figure node%d: backing(shmem)_kB=%+lld fuse_cache_kB=%+lld app_pages=%zu\n",
		       n, shmem, b->node_file[n] - a->node_file[n] - shmem, app[n]);
	}
}

static int measure(const char *path, size_t pages, struct mem_figures *before,
		   struct mem_figures *after, size_t *app)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct mapped_file m;
	int fd, err;

	struct timespec start;
	double written;

	read_figures(before);
	clock_gettime(CLOCK_MONOTONIC, &start);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	err = fill_by_write(fd, pages, page);
	close(fd);
	written = seconds_since(&start);
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (err || map_file(path, &m))
		return -1;
	err = locate_pages(&m);
	/* Guest time under TCG: compare modes with each other, not with a host. */
	printf("figure write_s=%.3f map_read_locate_s=%.3f\n", written, seconds_since(&start));
	read_figures(after);
	count_per_node(&m, app);
	unmap_file(&m);
	return err;
}

int cmd_memory(int argc, char **argv)
{
	struct mem_figures before, after;
	size_t app[TRUTH_MAX_NODES + 1], pages;
	long long file_kb;
	int copies = 0, backing = -1, status = TRUTH_PASS;

	if (argc < 3) {
		fputs("usage: numa-truth memory FILE PAGES [--copies N] [--backing NODE]\n", stderr);
		return TRUTH_ERROR;
	}
	for (int k = 3; k + 1 < argc; k += 2) {
		if (!strcmp(argv[k], "--copies"))
			copies = atoi(argv[k + 1]);
		else if (!strcmp(argv[k], "--backing"))
			backing = atoi(argv[k + 1]);
	}
	pages = strtoul(argv[2], NULL, 0);
	file_kb = (long long)(pages * (size_t)sysconf(_SC_PAGESIZE) / 1024);
	if (measure(argv[1], pages, &before, &after, app))
		return TRUTH_ERROR;
	print_figures(&before, &after, file_kb, app);
	/* A quarter of the file as slack: the rest of the system moves too. */
	if (copies && llabs(after.cached - before.cached - copies * file_kb) > file_kb / 4) {
		printf("  the page cache grew by %lld kB, not %d x %lld kB\n",
		       after.cached - before.cached, copies, file_kb);
		status = TRUTH_FAIL;
	}
	if (backing >= 0 && backing < TRUTH_MAX_NODES &&
	    after.node_shmem[backing] - before.node_shmem[backing] < file_kb * 9 / 10) {
		printf("  the backing copy is not on node %d\n", backing);
		status = TRUTH_FAIL;
	}
	return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * numa-truth: the guest side of the multi-node tests.  It fills numafs
 * files (write() or first-touch stores through a mapping), then asks the
 * kernel where each page of its own MAP_SHARED mapping is and compares
 * that with what the file's policy says, with what `numafsctl where`
 * says and with user.numa.stats.
 */
#ifndef NUMA_TRUTH_H
#define NUMA_TRUTH_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses the guest script reads (77: the automake "skipped"). */
#define TRUTH_PASS 0
#define TRUTH_FAIL 1
#define TRUTH_ERROR 2
#define TRUTH_SKIP 77

#define TRUTH_MAX_NODES 64

/* A mapped file and the node of each of its pages, as the kernel says. */
struct mapped_file {
	const char *path;
	unsigned char *addr;
	size_t pages;
	int *node;			/* node, or -errno (-ENOENT: not present) */
};

int map_file(const char *path, struct mapped_file *m);
int locate_pages(struct mapped_file *m);
void unmap_file(struct mapped_file *m);
void count_per_node(const struct mapped_file *m, size_t *count);
void print_per_node(const char *what, const size_t *count);

unsigned char page_pattern(size_t page);
int fill_by_write(int fd, size_t pages, size_t page);

/* Subcommands. */
int cmd_fill(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_agree(int argc, char **argv);
int cmd_memory(int argc, char **argv);
int cmd_stress(int argc, char **argv);

/* "phase=N" in user.numa.stats, or -1 when there is none. */
long long stats_phase(const char *path);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Talking to the numafs daemon behind one file: its ioctls, with the
 * batching that their fixed-size structs need.  Errors are -errno, left
 * for the caller to explain (report.c).
 */
#ifndef NUMAFSCTL_NFILE_H
#define NUMAFSCTL_NFILE_H

#include <stdint.h>

#include "numafs.h"
#include "nodemask.h"

struct nfile {
	const char *path;
	int fd;
};

/*
 * Open @path (a file or a directory) for queries and policy changes, which
 * the daemon checks against the caller's rights itself; @flags adds to
 * O_RDONLY (pass O_WRONLY... only to write).  Never blocks on a FIFO.
 */
int nfile_open(struct nfile *f, const char *path, int flags);
void nfile_close(struct nfile *f);

int nfile_ioctl(const struct nfile *f, unsigned long request, void *arg);

/* 0 if the daemon behind @f is numafs's, -ENOTTY if it is not numafs at all. */
int nfile_probe(const struct nfile *f);

/* Per-node usage of the mount, every node (all batches). */
struct mount_usage {
	struct numafs_mount_stats head;		/* nr_nodes and migration totals */
	struct numafs_node_usage node[NUMAFS_MAX_NODES];
};

int nfile_mount_usage(const struct nfile *f, struct mount_usage *u);

/*
 * The mount's memory nodes (those with capacity), and into @allowed (may
 * be NULL) those its policies may use now (its cpuset's): what "all"
 * means there.
 */
int nfile_mount_nodes(const struct nfile *f, struct nodemask *nodes, struct nodemask *allowed,
		      unsigned int *nr_nodes);

/* Per-file statistics over the first @nr_nodes nodes. */
struct file_usage {
	struct numafs_file_stats head;		/* pages, misplaced, phase */
	uint64_t node_pages[NUMAFS_MAX_NODES];
};

int nfile_file_usage(const struct nfile *f, unsigned int nr_nodes, struct file_usage *u);

/*
 * Call @fn for each piece of the file's policy map, from offset 0: ranges
 * (NUMAFS_GOT_RANGE) and the gaps between them, which the base policy
 * covers; the last piece is the base to the end (length UINT64_MAX).
 */
typedef int policy_piece_fn(void *arg, const struct numafs_get_policy *piece);

int nfile_walk_policies(const struct nfile *f, policy_piece_fn *fn, void *arg);

#endif

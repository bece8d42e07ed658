/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The page store: where the data of regular files lives and on which node
 * each page sits.  Every file's pages live in a backing shmem file only the
 * daemon can reach; two placements sit on top of it:
 *
 *  - kernel (real topology): numafs mirrors the inode's policy tree into the
 *    backing file's shared policy and the kernel places every page;
 *  - simulated (numa=fake:...): numafs picks a logical node for each page at
 *    its first write and keeps it in a per-file page index, with per-node
 *    capacity.
 *
 * Everything above (file I/O, xattrs, ioctls, migration, rebinding) uses
 * only the functions below.  Calls on one store_file are serialized by its
 * owner (the inode's lock); I/O on the fd returned by store_file_get() is
 * not, and needs no lock.
 */
#ifndef NUMAFS_STORE_H
#define NUMAFS_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "errbuf.h"
#include "ptree.h"

struct numafs;
struct store;

/* Pages are 4 KiB: page indexes in policy trees and page queries use it. */
#define STORE_PAGE_SHIFT 12
#define STORE_PAGE_SIZE (1UL << STORE_PAGE_SHIFT)

/* One file's view of the store; embedded in the owner's per-file data. */
struct store_file {
	uint64_t name;		/* numafs inode number: the backing file's name */
	uint64_t backing_ino;	/* st_ino of the backing file */
	int fd;			/* backing fd while refs > 0 (always for memfds) */
	unsigned int refs;
	void *placed;		/* simulated: the page index */
	uint64_t space;		/* bytes held, where the store counts them */
};

/* Create the store of a mount (kernel or simulated, from fs->topo). */
int store_open(struct numafs *fs, struct store **out, struct errbuf *e);
void store_close(struct store *s);

/* Bytes of file data stored now (for statfs). */
uint64_t store_bytes_used(struct store *s);

/* fs->opt.size changed (remount): the backing tmpfs follows.  */
int store_resize(struct store *s);

/*
 * Whether backing files are on a tmpfs of the daemon's own, which also
 * means the daemon has CAP_SYS_ADMIN (passthrough needs it).
 */
bool store_kind_private(const struct store *s);

/*
 * Make the backing file of inode number @name with @policy applied before
 * any page exists.  The file is closed on return (refs 0).
 */
int store_file_create(struct store *s, struct store_file *f, uint64_t name,
		      const struct ptree *policy);
/* Free the backing file and everything recorded about its pages. */
void store_file_destroy(struct store *s, struct store_file *f);

/* Open the backing file (counted) and return its fd; put closes the last. */
int store_file_get(struct store *s, struct store_file *f);
void store_file_put(struct store *s, struct store_file *f);

/* stat of the backing file, open or not. */
int store_file_stat(struct store *s, struct store_file *f, struct stat *st);
/* Set its atime and mtime (utimensat()), open or not. */
int store_file_set_times(struct store *s, struct store_file *f, const struct timespec ts[2]);

/* The interleave phase of the file (see place.h). */
uint64_t store_file_phase(struct store *s, const struct store_file *f);

/*
 * The policy tree changed for pages [first, end): make placement follow it
 * for pages allocated from now on.  Pages already there are not moved.
 */
int store_apply_policy(struct store *s, struct store_file *f, const struct ptree *policy,
		       uint64_t first, uint64_t end);

/*
 * Pages [first, end) are about to be written (or allocated by fallocate):
 * place those that are holes.  -ENOSPC, with nothing recorded, when a page
 * has no permitted node with room.  A no-op when the kernel places pages.
 */
int store_prepare_write(struct store *s, struct store_file *f, const struct ptree *policy,
			uint64_t first, uint64_t end);

/*
 * size= where the backing does not enforce it (fs/store_space.c): before
 * pages [first, end) of open file @f are written or allocated, reserve
 * room for those that are holes, -ENOSPC if size= would be passed; after
 * any change of the file's pages (write, allocation, punch, truncate),
 * settle what was reserved (0 if nothing) against what it holds now.
 */
int store_reserve(struct store *s, struct store_file *f, uint64_t first, uint64_t end,
		  uint64_t *reserved);
void store_settle(struct store *s, struct store_file *f, uint64_t reserved);

/*
 * @fn(@arg, hole, data) for each hole of [@start, @end) bytes of backing
 * fd @fd, clipped to the range: the store's files are sparse, and holes
 * hold no page.  -errno if the file cannot be asked.
 */
typedef void store_hole_fn(void *arg, off_t hole, off_t data);
int store_holes(int fd, off_t start, off_t end, store_hole_fn *fn, void *arg);

/* Pages [first, end) were freed (hole punched, truncated away). */
void store_pages_freed(struct store *s, struct store_file *f, uint64_t first, uint64_t end);

/*
 * What node @node holds, in bytes, for statistics: simulated, its capacity
 * and the pages numafs placed there; real, the kernel's size and free
 * memory of the node, used being what is not free (numafs cannot tell its
 * own pages from others' there without walking every file).
 * [added by policy-iface for user.numa.stats and NUMAFS_IOC_MOUNT_STATS]
 */
struct store_node_usage {
	uint64_t capacity, used, free;
};
void store_node_usage(struct store *s, unsigned int node, struct store_node_usage *u);

/*
 * Node of each page of [first, first + count): @nodes[i] is the node id or
 * -ENOENT for a hole.  Never allocates a page.
 */
int store_page_nodes(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
		     int *nodes);

/*
 * Move page first + i to node @to[i] (-1: leave it); @status[i] is then the
 * page's node or a negative errno (-ENOENT for a hole, -ENOSPC, -EBUSY).
 * @mapped_too also moves pages applications have mapped.
 */
int store_move(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
	       const int *to, int *status, bool mapped_too);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state of one numafs mount, shared by every part of the daemon.
 */
#ifndef NUMAFS_FS_H
#define NUMAFS_FS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "nodemask.h"
#include "topology.h"

struct fuse_session;
struct inode;
struct migrate;
struct store;

struct numafs_options {
	uint64_t size;			/* bytes; 0 = unlimited */
	uint64_t nr_inodes;		/* 0 = unlimited */
	mode_t root_mode;
	uid_t root_uid;
	gid_t root_gid;
	char *mpol;			/* root directory default policy text */
	char *numa;			/* "real" or "fake:..." */
	char *cpuset;			/* allowed-nodes file, or NULL */
	uint64_t migrate_rate;		/* MB/s of background migration, 0 = unlimited [migrate] */
	int passthrough;		/* -1 auto, 0 off, 1 on */
	bool debug;
};

struct numafs {
	struct numafs_options opt;
	struct topology *topo;
	/*
	 * Nodes numafs may use now.  A cpuset change rewrites it (fs/cpuset.c):
	 * copy it with numafs_get_allowed() outside of mount setup.
	 * [added by migrate: the lock]
	 */
	struct nodemask allowed;
	pthread_mutex_t allowed_lock;
	struct inode *root;
	struct store *store;		/* fs/store.h */
	bool passthrough;		/* in force for this mount */

	struct fuse_session *se;	/* for notifications to the kernel */

	pthread_mutex_t rename_lock;	/* cross-directory renames */
	uint64_t next_ino;		/* atomic */
	uint64_t nr_inodes;		/* atomic: inodes in use */

	/*
	 * [added by migrate] Every inode in memory, oldest first, so that a
	 * rebind reaches them all (fs/inode.h: inode_next_pinned()); and the
	 * migration workers and cpuset watcher (fs/migrate.h).
	 */
	pthread_mutex_t inodes_lock;
	TAILQ_HEAD(inode_list, inode) inodes;
	struct migrate *migrate;
};

/*
 * Build the mount from parsed options: topology, allowed nodes, root
 * directory and page store.  On error @e says why.
 */
int numafs_setup(struct numafs *fs, struct errbuf *e);
/* Free everything numafs_setup() made and every inode still reachable. */
void numafs_teardown(struct numafs *fs);

/* A copy of fs->allowed, safe against a rebind. [added by migrate] */
void numafs_get_allowed(struct numafs *fs, struct nodemask *out);

/* The mount a request belongs to. */
struct numafs *numafs_from_req(void *req);

/* Log at debug level (one line, why a request was refused). */
void numafs_debug(const struct numafs *fs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

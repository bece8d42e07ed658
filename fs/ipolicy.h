/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy of an inode as the outside sees and changes it.  xattrs
 * (user.numa.*), ioctls, migration and rebinding read and change an
 * inode's policy tree only through these calls, which keep numafs's tree
 * and the store's placement (the kernel's shared policy of the backing
 * file, or the simulated page index) in step: a change either reaches both
 * or neither.
 */
#ifndef NUMAFS_IPOLICY_H
#define NUMAFS_IPOLICY_H

#include <fuse_lowlevel.h>
#include <numafs.h>
#include <stdbool.h>
#include <stdint.h>

#include "errbuf.h"
#include "policy.h"

struct inode;
struct numafs;

/* Flags of a change, as mbind's (the values of NUMAFS_SET_*). */
#define IPOLICY_STRICT   NUMAFS_SET_STRICT	/* EIO if stored pages would not conform */
#define IPOLICY_MOVE     NUMAFS_SET_MOVE	/* move unmapped pages so they conform */
#define IPOLICY_MOVE_ALL NUMAFS_SET_MOVE_ALL	/* mapped ones too (privileged) */

struct ipolicy_change {
	struct numa_policy *policy;	/* borrowed */
	bool base;			/* the base policy; overrides stay */
	uint64_t first, end;		/* else the override on pages [first, end) */
	unsigned int flags;		/* IPOLICY_* */
};

/*
 * Parse "POLICY [FLAG ...]" (DESIGN.md's text form; flags "strict",
 * "move", "move-all") against the mount's nodes and allowed set.  @text
 * need not be NUL-terminated.  -EINVAL with a one-line reason in @e.
 */
int ipolicy_parse(struct numafs *fs, const char *text, size_t len,
		  struct numa_policy **out, unsigned int *flags, struct errbuf *e);

/*
 * Whether the caller of @req may change @inode's policy (write permission
 * on it, or ownership, or root: else -EACCES or -EPERM), or read it (read
 * permission).  @inode locked by the caller.
 */
int ipolicy_may_set(fuse_req_t req, const struct inode *inode);
int ipolicy_may_get(fuse_req_t req, const struct inode *inode);
/* Whether the caller of @req may move mapped pages (root or CAP_SYS_NICE). */
bool ipolicy_may_move_all(fuse_req_t req);

/*
 * Apply @c to @inode (takes its lock).  Regular files take base and range
 * changes; directories only base changes (the default of what is created
 * in them), other inodes none (-EINVAL).  IPOLICY_STRICT fails with -EIO,
 * changing nothing, when a stored page of the range would not conform;
 * MOVE and MOVE_ALL migrate the range (fs/migrate.h) before returning.
 * The caller of @req must pass ipolicy_may_set(); MOVE_ALL also needs
 * CAP_SYS_NICE or root (-EPERM).  @req may be NULL for the daemon itself
 * (rebinding).
 */
int ipolicy_set(struct numafs *fs, fuse_req_t req, struct inode *inode,
		const struct ipolicy_change *c, struct errbuf *e);

/*
 * Apply @n changes of @c in order, as one change: all of them or, on any
 * error, none (a cp -a of user.numa.ranges sets every override at once).
 * Same rules as ipolicy_set().  [added by policy-iface]
 */
int ipolicy_set_many(struct numafs *fs, fuse_req_t req, struct inode *inode,
		     const struct ipolicy_change *c, size_t n, struct errbuf *e);

/*
 * Pages of [first, end) of regular file @inode (locked) stored on a node
 * @tree would not choose now (place_conforms), counted into *misplaced.
 * Never allocates a page.
 */
int ipolicy_count_misplaced(struct numafs *fs, struct inode *inode, const struct ptree *tree,
			    uint64_t first, uint64_t end, uint64_t *misplaced);

/* What user.numa.stats and NUMAFS_IOC_FILE_STATS report of a file. */
struct ipolicy_stats {
	uint64_t pages;				/* stored */
	uint64_t misplaced;
	uint64_t phase;				/* interleave phase */
	uint64_t node_pages[NUMAFS_MAX_NODES];
};

/* Statistics of regular file @inode (takes its lock). */
int ipolicy_file_stats(struct numafs *fs, struct inode *inode, struct ipolicy_stats *st);

#endif

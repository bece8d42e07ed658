/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * numafs.h - the public interface of numafs for applications.
 *
 * Everything an application needs to talk to a numafs mount: policy mode
 * and flag values (the same numbers as Linux MPOL_*), xattr names, and the
 * ioctl numbers with their fixed-size structs.  Structs carry their own
 * size so that they can grow without breaking old binaries.
 */
#ifndef NUMAFS_H
#define NUMAFS_H

#include <stdint.h>
#include <linux/ioctl.h>

/* Policy modes: numerically equal to the kernel's MPOL_* modes. */
#define NUMAFS_MPOL_DEFAULT             0
#define NUMAFS_MPOL_PREFERRED           1
#define NUMAFS_MPOL_BIND                2
#define NUMAFS_MPOL_INTERLEAVE          3
#define NUMAFS_MPOL_LOCAL               4
#define NUMAFS_MPOL_PREFERRED_MANY      5
#define NUMAFS_MPOL_WEIGHTED_INTERLEAVE 6
#define NUMAFS_MPOL_MAX                 7

/* Mode flags: numerically equal to MPOL_F_STATIC_NODES / RELATIVE_NODES. */
#define NUMAFS_MPOL_F_STATIC_NODES   (1u << 15)
#define NUMAFS_MPOL_F_RELATIVE_NODES (1u << 14)

/* The highest number of nodes numafs handles (node ids 0 .. 1023). */
#define NUMAFS_MAX_NODES 1024

/* Extended attributes. */
#define NUMAFS_XATTR_POLICY "user.numa.policy"
#define NUMAFS_XATTR_RANGES "user.numa.ranges"
#define NUMAFS_XATTR_STATS  "user.numa.stats"

/*
 * ioctls.  They are FUSE "restricted" ioctls: every argument is a
 * fixed-size struct without pointers, its size encoded in the number.
 * Each struct starts with @size, which the caller sets to sizeof(struct);
 * the daemon refuses (EINVAL) a size it does not know, so a struct can
 * grow under a new number without old binaries misreading it.
 */
#define NUMAFS_IOC_MAGIC 'N'

#define NUMAFS_NODEMASK_WORDS (NUMAFS_MAX_NODES / 64)

/* A policy as a value: what the text form says, in binary. */
struct numafs_policy {
	uint16_t mode;			/* NUMAFS_MPOL_* */
	uint16_t flags;			/* NUMAFS_MPOL_F_* */
	uint32_t reserved;		/* must be 0 */
	uint64_t nodes[NUMAFS_NODEMASK_WORDS];	/* bit n = node n */
	uint8_t weights[NUMAFS_MAX_NODES];	/* weighted-interleave; 0 = default */
};

/* How a policy change treats pages already stored (as mbind(2) flags). */
#define NUMAFS_SET_STRICT   (1u << 0)	/* EIO if stored pages do not conform */
#define NUMAFS_SET_MOVE     (1u << 1)	/* move unmapped pages that do not */
#define NUMAFS_SET_MOVE_ALL (1u << 2)	/* move mapped pages too (privileged) */
#define NUMAFS_SET_BASE     (1u << 8)	/* set the base policy, not a range */

struct numafs_set_policy {
	uint32_t size;			/* sizeof(struct numafs_set_policy) */
	uint32_t flags;			/* NUMAFS_SET_* */
	uint64_t offset;		/* bytes, page-aligned (ignored for BASE) */
	uint64_t length;		/* bytes, page-aligned, > 0 (ignored for BASE) */
	struct numafs_policy policy;
};

/* The policy covering one offset, with the extent of its range. */
#define NUMAFS_GOT_RANGE (1u << 0)	/* from an override, not the base */

struct numafs_get_policy {
	uint32_t size;			/* sizeof(struct numafs_get_policy) */
	uint32_t flags;			/* out: NUMAFS_GOT_* */
	uint64_t offset;		/* in: bytes */
	uint64_t start;			/* out: bytes, where this answer begins */
	uint64_t length;		/* out: bytes it holds for (UINT64_MAX: to the end) */
	struct numafs_policy policy;	/* out */
};

/* Where the pages of a range are, like move_pages(2) without a target. */
#define NUMAFS_WHERE_BATCH 1024

struct numafs_where {
	uint32_t size;			/* sizeof(struct numafs_where) */
	uint32_t count;			/* in: pages asked (<= BATCH); out: answered */
	uint64_t offset;		/* in: bytes, page-aligned */
	int32_t node[NUMAFS_WHERE_BATCH];	/* out: node, or -ENOENT for a hole */
};

/* Move the pages of a range onto a node set (as migratepages). */
#define NUMAFS_MIGRATE_ALL      (1u << 0)	/* mapped pages too (privileged) */
#define NUMAFS_MIGRATE_CONFORM  (1u << 1)	/* only misplaced pages, by policy */

struct numafs_migrate {
	uint32_t size;			/* sizeof(struct numafs_migrate) */
	uint32_t flags;			/* NUMAFS_MIGRATE_* */
	uint64_t offset;		/* bytes, page-aligned */
	uint64_t length;		/* bytes; 0 = to the end of the file */
	uint64_t nodes[NUMAFS_NODEMASK_WORDS];	/* targets (unused for CONFORM) */
	uint64_t moved;			/* out: pages moved */
	uint64_t failed;		/* out: pages that could not move */
};

/* Per-file statistics: what user.numa.stats prints, in binary. */
#define NUMAFS_STATS_NODES 256

struct numafs_file_stats {
	uint32_t size;			/* sizeof(struct numafs_file_stats) */
	uint32_t first_node;		/* in: node_pages[0] is this node */
	uint64_t pages;			/* out: pages stored */
	uint64_t misplaced;		/* out: pages off their policy's nodes */
	uint64_t phase;			/* out: interleave phase of the file */
	uint64_t node_pages[NUMAFS_STATS_NODES];	/* out */
};

/* Per-mount statistics (on any file or directory of the mount). */
struct numafs_node_usage {
	uint64_t capacity;		/* bytes */
	uint64_t used;			/* bytes: numafs's pages (simulated topology),
					 * the node's memory in use (real one) */
	uint64_t free;			/* bytes */
};

struct numafs_mount_stats {
	uint32_t size;			/* sizeof(struct numafs_mount_stats) */
	uint32_t first_node;		/* in: node[0] is this node */
	uint32_t nr_nodes;		/* out: highest node id + 1 */
	uint32_t reserved;
	uint64_t migrated;		/* out: pages migrated since mount */
	uint64_t migrate_failed;	/* out */
	uint64_t migrate_pending;	/* out */
	struct numafs_node_usage node[NUMAFS_STATS_NODES];	/* out */
	uint64_t allowed[NUMAFS_NODEMASK_WORDS];	/* out: nodes policies may use now */
};

/*
 * "mount -o remount,OPTIONS": the options, as mount(8) gives them, for the
 * daemon to apply (size=, nr_inodes=, mpol=; options that cannot change
 * must keep their value).  Root only, on the mount's root directory;
 * mount.numafs and "numafs -o remount,..." send it.  The ioctl itself
 * fails only when the request cannot be read; whether the options were
 * applied is in @error and @reason, so a person learns why not.
 */
#define NUMAFS_REMOUNT_OPTIONS 3896
#define NUMAFS_REMOUNT_REASON  192

struct numafs_remount {
	uint32_t size;			/* sizeof(struct numafs_remount) */
	int32_t error;			/* out: 0, or the errno it failed with */
	char options[NUMAFS_REMOUNT_OPTIONS];	/* in: NUL-terminated, comma-separated */
	char reason[NUMAFS_REMOUNT_REASON];	/* out: why it failed, one line */
};

#define NUMAFS_IOC_SET_POLICY  _IOW(NUMAFS_IOC_MAGIC, 1, struct numafs_set_policy)
#define NUMAFS_IOC_GET_POLICY  _IOWR(NUMAFS_IOC_MAGIC, 2, struct numafs_get_policy)
#define NUMAFS_IOC_WHERE       _IOWR(NUMAFS_IOC_MAGIC, 3, struct numafs_where)
#define NUMAFS_IOC_MIGRATE     _IOWR(NUMAFS_IOC_MAGIC, 4, struct numafs_migrate)
#define NUMAFS_IOC_FILE_STATS  _IOWR(NUMAFS_IOC_MAGIC, 5, struct numafs_file_stats)
#define NUMAFS_IOC_MOUNT_STATS _IOWR(NUMAFS_IOC_MAGIC, 6, struct numafs_mount_stats)
#define NUMAFS_IOC_REMOUNT     _IOWR(NUMAFS_IOC_MAGIC, 7, struct numafs_remount)

#endif /* NUMAFS_H */

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

#endif /* NUMAFS_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the allowed memory nodes come from, and noticing their change: the
 * file of -o cpuset= (a cgroup's cpuset.mems.effective, or any file with a
 * node list, numactl's syntax), else the daemon's own Mems_allowed_list in
 * /proc/self/status on a real topology.  A simulated topology without
 * cpuset= has no cpuset to follow.
 */
#ifndef NUMAFS_CPUSET_H
#define NUMAFS_CPUSET_H

#include "errbuf.h"
#include "nodemask.h"

struct migrate;
struct numafs;

/* The time a change may take to be noticed, at most. */
#define CPUSET_POLL_MS 1000

/*
 * The allowed set now, intersected with the mount's memory nodes (an
 * empty result is -EINVAL with a reason).
 */
int cpuset_read(struct numafs *fs, struct nodemask *out, struct errbuf *e);

/* Watch for changes and rebind on each (a thread); stop watching. */
int cpuset_watch_start(struct migrate *m);
void cpuset_watch_stop(struct migrate *m);

#endif

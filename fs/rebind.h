/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rebinding every policy of a mount to a new allowed node set.
 */
#ifndef NUMAFS_REBIND_H
#define NUMAFS_REBIND_H

#include "nodemask.h"

struct numafs;

/*
 * Make @allowed the mount's allowed set and rebind every policy to it
 * (base, ranges, directory defaults, the root's, which is the mount
 * default), each file's placement with it, then queue the migration of
 * every regular file.  A no-op when @allowed is the set already.  Returns
 * 1 after a rebind, 0 for a no-op, or a negative errno.
 */
int rebind_all(struct numafs *fs, const struct nodemask *allowed);

/*
 * Rebind what is still bound to another set than the mount's (a policy
 * set by a request that read the set before a rebind).
 */
int rebind_settle(struct numafs *fs);

#endif

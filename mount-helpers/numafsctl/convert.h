/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Policies between their text form and the binary struct numafs_policy of
 * the ioctls, through the policy engine so that numafsctl accepts exactly
 * the text the daemon's xattrs accept.
 */
#ifndef NUMAFSCTL_CONVERT_H
#define NUMAFSCTL_CONVERT_H

#include <stddef.h>

#include "numafs.h"
#include "policy.h"

/*
 * Parse @text as a policy on a mount whose nodes are @nodes (NULL: every
 * possible node, which checks the syntax only).  "all" and "!N" are
 * resolved against @nodes.  The struct carries the nodes as the user gave
 * them (positions for "relative"), which is what the daemon binds.
 */
int policy_text_to_uapi(const char *text, const struct nodemask *nodes,
			struct numafs_policy *out, struct errbuf *e);

/*
 * The same on a mount whose memory nodes (env->online) and the nodes its
 * policies may use now (env->allowed, its cpuset's) differ: "all" and "!N"
 * mean allowed nodes; a static policy may name any memory node.
 */
int policy_text_to_uapi_env(const char *text, const struct policy_env *env,
			    struct numafs_policy *out, struct errbuf *e);

/* Canonical text of a policy the daemon returned.  Returns 0 or -errno. */
int policy_uapi_to_text(const struct numafs_policy *in, char *buf, size_t len,
			struct errbuf *e);

/* Between the engine's nodemask and the ioctls' bitmap. */
void nodemask_to_uapi(const struct nodemask *m, uint64_t out[NUMAFS_NODEMASK_WORDS]);
void nodemask_from_uapi(const uint64_t in[NUMAFS_NODEMASK_WORDS], struct nodemask *m);

#endif

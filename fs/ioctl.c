// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ioctls of include/numafs.h.  They are FUSE restricted ioctls: the
 * kernel copies exactly _IOC_SIZE(cmd) bytes in (for _IOW) and out (for
 * _IOR), so a command is accepted only with those sizes and with its
 * struct's own @size field equal to the struct this daemon knows.
 * Conversions between the binary policies and the engine's go through
 * policy_create(), as text goes through policy_parse().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "file_impl.h"
#include "inode.h"
#include "ioctl.h"
#include "ipolicy.h"
#include "migrate.h"
#include "remount.h"

struct ioctl_call {
	fuse_req_t req;
	struct numafs *fs;
	struct inode *inode;
	void *arg;			/* the struct, in and out */
	struct errbuf e;
};

static int check_access(struct ioctl_call *k, bool set)
{
	int err;

	pthread_mutex_lock(&k->inode->lock);
	err = set ? ipolicy_may_set(k->req, k->inode) : ipolicy_may_get(k->req, k->inode);
	pthread_mutex_unlock(&k->inode->lock);
	return err ? err_set(&k->e, -err, "no right to %s the policy", set ? "change" : "read")
		   : 0;
}

/* Commands on the pages of a file only. */
static int check_file(struct ioctl_call *k)
{
	mode_t mode;

	pthread_mutex_lock(&k->inode->lock);
	mode = k->inode->mode;
	pthread_mutex_unlock(&k->inode->lock);
	if (S_ISREG(mode))
		return 0;
	return err_set(&k->e, S_ISDIR(mode) ? EISDIR : EINVAL, "not a regular file");
}

/* Bytes [offset, offset + length) as pages; length 0 is an error unless @to_end. */
static int byte_range(struct ioctl_call *k, uint64_t offset, uint64_t length, bool to_end,
		      uint64_t *first, uint64_t *end)
{
	if ((offset | length) & (STORE_PAGE_SIZE - 1))
		return err_set(&k->e, EINVAL, "offset %" PRIu64 " or length %" PRIu64
			       " is not page-aligned", offset, length);
	if (!length && !to_end)
		return err_set(&k->e, EINVAL, "an empty range");
	if (length > UINT64_MAX - offset)
		return err_set(&k->e, EINVAL, "the range ends past 2^64");
	*first = offset >> STORE_PAGE_SHIFT;
	*end = length ? (offset + length) >> STORE_PAGE_SHIFT : UINT64_MAX;
	return 0;
}

static int policy_from_uapi(struct ioctl_call *k, const struct numafs_policy *in,
			    struct numa_policy **out)
{
	struct policy_env env = { .online = &k->fs->topo->nodes };
	struct nodemask nodes, allowed;
	const uint8_t *weights = NULL;

	if (in->reserved)
		return err_set(&k->e, EINVAL, "policy.reserved is not 0");
	memcpy(nodes.w, in->nodes, sizeof(nodes.w));
	numafs_get_allowed(k->fs, &allowed);
	env.allowed = &allowed;
	for (unsigned int i = 0; i < NUMAFS_MAX_NODES && !weights; i++)
		if (in->weights[i])
			weights = in->weights;
	return policy_create(out, in->mode, in->flags, &nodes, weights, &env, &k->e);
}

/* The nodes as the text form prints them: as given with a flag, else in force. */
static void policy_to_uapi(const struct numa_policy *p, struct numafs_policy *out)
{
	const struct nodemask *nodes = p->flags ? &p->user_nodes : &p->nodes;

	memset(out, 0, sizeof(*out));
	out->mode = p->mode;
	out->flags = p->flags;
	if (p->mode != NUMAFS_MPOL_DEFAULT && p->mode != NUMAFS_MPOL_LOCAL)
		memcpy(out->nodes, nodes->w, sizeof(out->nodes));
	if (p->weights)
		memcpy(out->weights, p->weights, sizeof(out->weights));
}

static int ioc_set_policy(struct ioctl_call *k)
{
	struct numafs_set_policy *a = k->arg;
	struct ipolicy_change c = {
		.base = a->flags & NUMAFS_SET_BASE,
		.flags = a->flags & ~NUMAFS_SET_BASE,
	};
	int err = 0;

	if (!c.base)
		err = byte_range(k, a->offset, a->length, false, &c.first, &c.end);
	if (!err)
		err = check_access(k, true);
	if (!err)
		err = policy_from_uapi(k, &a->policy, &c.policy);
	if (err)
		return err;
	err = ipolicy_set(k->fs, k->req, k->inode, &c, &k->e);
	policy_put(c.policy);
	return err;
}

static int ioc_get_policy(struct ioctl_call *k)
{
	struct numafs_get_policy *a = k->arg;
	uint64_t index = a->offset >> STORE_PAGE_SHIFT, start, end;
	const struct numa_policy *p;
	struct ptree_range r;
	int err = check_access(k, false);

	if (err)
		return err;
	pthread_mutex_lock(&k->inode->lock);
	if (ptree_next(&k->inode->policy, index, &r) && r.start <= index) {
		p = r.policy;
		start = r.start;
		end = r.end;
		a->flags = NUMAFS_GOT_RANGE;
	} else {
		p = ptree_lookup(&k->inode->policy, index, &start, &end);
		a->flags = 0;
	}
	policy_to_uapi(p, &a->policy);
	pthread_mutex_unlock(&k->inode->lock);
	a->start = start << STORE_PAGE_SHIFT;
	a->length = end == UINT64_MAX ? UINT64_MAX : (end - start) << STORE_PAGE_SHIFT;
	return 0;
}

static int ioc_where(struct ioctl_call *k)
{
	struct numafs_where *a = k->arg;
	uint64_t first = a->offset >> STORE_PAGE_SHIFT;
	int nodes[NUMAFS_WHERE_BATCH];
	int err = check_file(k);

	if (!err && (!a->count || a->count > NUMAFS_WHERE_BATCH))
		err = err_set(&k->e, EINVAL, "count %" PRIu32 " is not 1..%d", a->count,
			      NUMAFS_WHERE_BATCH);
	if (!err && (a->offset & (STORE_PAGE_SIZE - 1)))
		err = err_set(&k->e, EINVAL, "offset %" PRIu64 " is not page-aligned", a->offset);
	if (!err)
		err = check_access(k, false);
	if (err)
		return err;
	pthread_mutex_lock(&k->inode->lock);
	err = store_page_nodes(k->fs->store, &k->inode->file->store, first, a->count, nodes);
	pthread_mutex_unlock(&k->inode->lock);
	for (uint32_t i = 0; !err && i < a->count; i++)
		a->node[i] = nodes[i];
	return err ? err_set(&k->e, -err, "where pages are: %s", strerror(-err)) : 0;
}

static int migrate_targets(struct ioctl_call *k, const struct numafs_migrate *a,
			   struct nodemask *to)
{
	struct nodemask allowed;

	memcpy(to->w, a->nodes, sizeof(to->w));
	numafs_get_allowed(k->fs, &allowed);
	if (nodemask_empty(to))
		return err_set(&k->e, EINVAL, "no target node");
	if (!nodemask_subset(to, &allowed))
		return err_set(&k->e, EINVAL, "a target node is not allowed");
	return 0;
}

static int ioc_migrate(struct ioctl_call *k)
{
	struct numafs_migrate *a = k->arg;
	const uint32_t known = NUMAFS_MIGRATE_ALL | NUMAFS_MIGRATE_CONFORM;
	bool all = a->flags & NUMAFS_MIGRATE_ALL;
	struct migrate_result r = { 0 };
	uint64_t first, end;
	struct nodemask to;
	int err = check_file(k);

	if (!err && (a->flags & ~known))
		err = err_set(&k->e, EINVAL, "unknown flags 0x%" PRIx32, a->flags & ~known);
	if (!err)
		err = byte_range(k, a->offset, a->length, true, &first, &end);
	if (!err && !(a->flags & NUMAFS_MIGRATE_CONFORM))
		err = migrate_targets(k, a, &to);
	if (!err)
		err = check_access(k, true);
	if (!err && all && !ipolicy_may_move_all(k->req))
		err = err_set(&k->e, EPERM, "moving mapped pages needs root or CAP_SYS_NICE");
	if (err)
		return err;
	if (a->flags & NUMAFS_MIGRATE_CONFORM)
		err = migrate_conform(k->fs, k->inode, first, end, all, &r);
	else
		err = migrate_to_nodes(k->fs, k->inode, first, end, &to, all, &r);
	a->moved = r.moved;
	a->failed = r.failed;
	return err ? err_set(&k->e, -err, "migration: %s", strerror(-err)) : 0;
}

static int ioc_file_stats(struct ioctl_call *k)
{
	struct numafs_file_stats *a = k->arg;
	struct ipolicy_stats *st;
	int err = check_file(k);

	if (!err && a->first_node >= NUMAFS_MAX_NODES)
		err = err_set(&k->e, EINVAL, "first_node %" PRIu32 " is past the last node",
			      a->first_node);
	if (!err)
		err = check_access(k, false);
	if (err)
		return err;
	st = malloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = ipolicy_file_stats(k->fs, k->inode, st);
	if (!err) {
		a->pages = st->pages;
		a->misplaced = st->misplaced;
		a->phase = st->phase;
		for (uint32_t i = 0; i < NUMAFS_STATS_NODES; i++)
			a->node_pages[i] = a->first_node + i < NUMAFS_MAX_NODES ?
					   st->node_pages[a->first_node + i] : 0;
	}
	free(st);
	return err;
}

static int ioc_mount_stats(struct ioctl_call *k)
{
	struct numafs_mount_stats *a = k->arg;
	struct store_node_usage u;
	struct migrate_totals t;
	struct nodemask allowed;

	if (a->first_node >= NUMAFS_MAX_NODES)
		return err_set(&k->e, EINVAL, "first_node %" PRIu32 " is past the last node",
			       a->first_node);
	a->nr_nodes = k->fs->topo->nr_nodes;
	for (uint32_t i = 0; i < NUMAFS_STATS_NODES; i++) {
		uint32_t node = a->first_node + i;

		memset(&u, 0, sizeof(u));
		if (node < a->nr_nodes && nodemask_test(&k->fs->topo->nodes, node))
			store_node_usage(k->fs->store, node, &u);
		a->node[i] = (struct numafs_node_usage){ u.capacity, u.used, u.free };
	}
	numafs_get_allowed(k->fs, &allowed);
	memcpy(a->allowed, allowed.w, sizeof(a->allowed));
	migrate_get_totals(k->fs, &t);
	a->migrated = t.migrated;
	a->migrate_failed = t.failed;
	a->migrate_pending = t.pending;
	return 0;
}

/* mount -o remount (fs/remount.c): the outcome travels in the struct. */
static int ioc_remount(struct ioctl_call *k)
{
	return remount_ioctl(k->fs, k->req, k->inode, k->arg);
}

static const struct ioctl_cmd {
	unsigned int cmd;
	uint32_t size;
	int (*fn)(struct ioctl_call *k);
	const char *name;
} ioctl_cmds[] = {
	{ NUMAFS_IOC_SET_POLICY, sizeof(struct numafs_set_policy), ioc_set_policy, "SET_POLICY" },
	{ NUMAFS_IOC_GET_POLICY, sizeof(struct numafs_get_policy), ioc_get_policy, "GET_POLICY" },
	{ NUMAFS_IOC_WHERE, sizeof(struct numafs_where), ioc_where, "WHERE" },
	{ NUMAFS_IOC_MIGRATE, sizeof(struct numafs_migrate), ioc_migrate, "MIGRATE" },
	{ NUMAFS_IOC_FILE_STATS, sizeof(struct numafs_file_stats), ioc_file_stats, "FILE_STATS" },
	{ NUMAFS_IOC_MOUNT_STATS, sizeof(struct numafs_mount_stats), ioc_mount_stats,
	  "MOUNT_STATS" },
	{ NUMAFS_IOC_REMOUNT, sizeof(struct numafs_remount), ioc_remount, "REMOUNT" },
};

static const struct ioctl_cmd *ioctl_find(unsigned int cmd)
{
	for (size_t i = 0; i < sizeof(ioctl_cmds) / sizeof(ioctl_cmds[0]); i++)
		if (ioctl_cmds[i].cmd == cmd)
			return &ioctl_cmds[i];
	return NULL;
}

/* The buffers the kernel passed are those of the struct, whose @size says so too. */
static int check_sizes(struct ioctl_call *k, const struct ioctl_cmd *c, const void *in_buf,
		       size_t in_bufsz, size_t out_bufsz)
{
	size_t out = _IOC_DIR(c->cmd) & _IOC_READ ? c->size : 0;
	uint32_t size;

	if (in_bufsz != c->size || out_bufsz != out)
		return err_set(&k->e, EINVAL, "buffers of %zu/%zu bytes, not %" PRIu32,
			       in_bufsz, out_bufsz, c->size);
	memcpy(&size, in_buf, sizeof(size));
	if (size != c->size)
		return err_set(&k->e, EINVAL, "size %" PRIu32 ", not %" PRIu32, size, c->size);
	return 0;
}

void ioctl_op(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
	      struct fuse_file_info *fi, unsigned int flags, const void *in_buf,
	      size_t in_bufsz, size_t out_bufsz)
{
	const struct ioctl_cmd *c = ioctl_find(cmd);
	struct ioctl_call k = { .req = req, .fs = fuse_req_userdata(req) };
	int err;

	k.inode = inode_of(k.fs, ino);
	if (!c) {
		fuse_reply_err(req, ENOTTY);
		return;
	}
	err = check_sizes(&k, c, in_buf, in_bufsz, out_bufsz);
	/* A copy: the request's buffer need not be aligned for the struct. */
	if (!err && !(k.arg = malloc(c->size)))
		err = -ENOMEM;
	if (!err) {
		memcpy(k.arg, in_buf, c->size);
		err = c->fn(&k);
	}
	if (err) {
		if (k.e.msg[0])
			numafs_debug(k.fs, "ioctl %s on inode %" PRIu64 ": %s", c->name,
				     k.inode->ino, k.e.msg);
		fuse_reply_err(req, -err);
	} else {
		fuse_reply_ioctl(req, 0, k.arg, _IOC_DIR(cmd) & _IOC_READ ? c->size : 0);
	}
	free(k.arg);
}

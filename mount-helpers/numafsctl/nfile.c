// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ioctls of numafs.h from the client side.  Statistics come in
 * batches of NUMAFS_STATS_NODES nodes because the structs are fixed-size
 * (FUSE restricted ioctls cannot follow pointers).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "convert.h"
#include "nfile.h"

int nfile_open(struct nfile *f, const char *path, int flags)
{
	f->path = path;
	f->fd = open(path, flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	return f->fd < 0 ? -errno : 0;
}

void nfile_close(struct nfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int nfile_ioctl(const struct nfile *f, unsigned long request, void *arg)
{
	return ioctl(f->fd, request, arg) ? -errno : 0;
}

int nfile_probe(const struct nfile *f)
{
	struct numafs_get_policy probe = { .size = sizeof(probe) };

	return nfile_ioctl(f, NUMAFS_IOC_GET_POLICY, &probe);
}

/* Both statistics structs start with @size and @first_node. */
_Static_assert(offsetof(struct numafs_mount_stats, first_node) == sizeof(uint32_t) &&
	       offsetof(struct numafs_file_stats, first_node) == sizeof(uint32_t),
	       "statistics structs share their head");

static int stats_batch(const struct nfile *f, unsigned long request, void *batch,
		       uint32_t size, uint32_t first_node)
{
	memset(batch, 0, size);
	memcpy(batch, &size, sizeof(size));
	memcpy((char *)batch + sizeof(size), &first_node, sizeof(first_node));
	return nfile_ioctl(f, request, batch);
}

int nfile_mount_usage(const struct nfile *f, struct mount_usage *u)
{
	struct numafs_mount_stats batch;
	unsigned int first = 0;
	int ret;

	memset(u, 0, sizeof(*u));
	do {
		ret = stats_batch(f, NUMAFS_IOC_MOUNT_STATS, &batch, sizeof(batch), first);
		if (ret)
			return ret;
		if (batch.nr_nodes > NUMAFS_MAX_NODES)
			return -EPROTO;
		if (!first)
			u->head = batch;
		for (unsigned int i = 0; i < NUMAFS_STATS_NODES && first + i < batch.nr_nodes; i++)
			u->node[first + i] = batch.node[i];
		first += NUMAFS_STATS_NODES;
	} while (first < batch.nr_nodes);
	return 0;
}

int nfile_mount_nodes(const struct nfile *f, struct nodemask *nodes, struct nodemask *allowed,
		      unsigned int *nr_nodes)
{
	struct mount_usage *u = malloc(sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	ret = nfile_mount_usage(f, u);
	if (!ret) {
		nodemask_zero(nodes);
		for (unsigned int n = 0; n < u->head.nr_nodes; n++)
			if (u->node[n].capacity)
				nodemask_set(nodes, n);
		*nr_nodes = u->head.nr_nodes;
	}
	if (!ret && allowed) {
		nodemask_from_uapi(u->head.allowed, allowed);
		/* Some of the mount's memory nodes, or the answer is nonsense. */
		if (nodemask_empty(allowed) || !nodemask_subset(allowed, nodes))
			ret = -EPROTO;
	}
	free(u);
	return ret;
}

int nfile_file_usage(const struct nfile *f, unsigned int nr_nodes, struct file_usage *u)
{
	struct numafs_file_stats batch;
	unsigned int first = 0;
	int ret;

	memset(u, 0, sizeof(*u));
	do {
		ret = stats_batch(f, NUMAFS_IOC_FILE_STATS, &batch, sizeof(batch), first);
		if (ret)
			return ret;
		if (!first)
			u->head = batch;
		for (unsigned int i = 0; i < NUMAFS_STATS_NODES && first + i < nr_nodes; i++)
			u->node_pages[first + i] = batch.node_pages[i];
		first += NUMAFS_STATS_NODES;
	} while (first < nr_nodes && first < NUMAFS_MAX_NODES);
	return 0;
}

int nfile_walk_policies(const struct nfile *f, policy_piece_fn *fn, void *arg)
{
	struct numafs_get_policy piece;
	uint64_t offset = 0;
	int ret;

	for (;;) {
		memset(&piece, 0, sizeof(piece));
		piece.size = sizeof(piece);
		piece.offset = offset;
		ret = nfile_ioctl(f, NUMAFS_IOC_GET_POLICY, &piece);
		if (ret)
			return ret;
		ret = fn(arg, &piece);
		if (ret || piece.length == UINT64_MAX)
			return ret;
		/* A piece must cover @offset and end after it, or we would loop. */
		if (piece.start > offset || piece.length > UINT64_MAX - piece.start ||
		    piece.start + piece.length <= offset)
			return -EPROTO;
		offset = piece.start + piece.length;
	}
}

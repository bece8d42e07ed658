// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The page store's front: backing fds counted by use, and the placement
 * (kernel or simulated) behind one set of calls.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "numafs.h"
#include "store_impl.h"

int store_open(struct numafs *fs, struct store **out, struct errbuf *e)
{
	struct store *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return err_set(e, ENOMEM, "out of memory");
	s->fs = fs;
	s->ops = fs->topo->simulated ? &store_sim_ops : &store_kernel_ops;
	err = backing_init(s, e);
	if (!err) {
		err = s->ops->init(s, e);
		if (err)
			backing_fini(s);
	}
	if (err) {
		free(s);
		return err;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	s->ops->fini(s);
	backing_fini(s);
	free(s);
}

uint64_t store_bytes_used(struct store *s)
{
	return backing_bytes_used(s);
}

int store_resize(struct store *s)
{
	return backing_resize(s);
}

bool store_kind_private(const struct store *s)
{
	return s->kind == BACKING_PRIVATE_TMPFS;
}

int store_file_create(struct store *s, struct store_file *f, uint64_t name,
		      const struct ptree *policy)
{
	int fd, err;

	f->name = name;
	f->placed = NULL;
	f->space = 0;
	fd = backing_create(s, f);
	if (fd < 0)
		return fd;
	f->fd = fd;
	f->refs = 1;
	/* Before any page exists, so that every page follows the policy. */
	err = s->ops->apply_policy(s, f, policy, 0, UINT64_MAX);
	store_file_put(s, f);
	if (err)
		store_file_destroy(s, f);
	return err;
}

void store_file_destroy(struct store *s, struct store_file *f)
{
	s->ops->file_destroy(s, f);
	store_space_release(s, f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->refs = 0;
	backing_unlink(s, f);
}

int store_file_get(struct store *s, struct store_file *f)
{
	if (f->fd < 0) {
		int fd = backing_open(s, f);

		if (fd < 0)
			return fd;
		f->fd = fd;
	}
	f->refs++;
	return f->fd;
}

void store_file_put(struct store *s, struct store_file *f)
{
	if (--f->refs || s->kind == BACKING_MEMFD)
		return;
	close(f->fd);
	f->fd = -1;
}

int store_file_stat(struct store *s, struct store_file *f, struct stat *st)
{
	return backing_stat(s, f, st);
}

int store_file_set_times(struct store *s, struct store_file *f, const struct timespec ts[2])
{
	return backing_set_times(s, f, ts);
}

uint64_t store_file_phase(struct store *s, const struct store_file *f)
{
	return s->ops->phase(f);
}

int store_apply_policy(struct store *s, struct store_file *f, const struct ptree *policy,
		       uint64_t first, uint64_t end)
{
	int err = store_file_get(s, f);

	if (err < 0)
		return err;
	err = s->ops->apply_policy(s, f, policy, first, end);
	store_file_put(s, f);
	return err;
}

int store_holes(int fd, off_t start, off_t end, store_hole_fn *fn, void *arg)
{
	while (start < end) {
		off_t hole = lseek(fd, start, SEEK_HOLE), data;

		if (hole < 0)
			return -errno;
		if (hole >= end)
			break;
		data = lseek(fd, hole, SEEK_DATA);
		if (data < 0 || data > end)
			data = end;	/* ENXIO: a hole up to EOF */
		fn(arg, hole, data);
		start = data;
	}
	return 0;
}

int store_prepare_write(struct store *s, struct store_file *f, const struct ptree *policy,
			uint64_t first, uint64_t end)
{
	return s->ops->prepare_write(s, f, policy, first, end);
}

void store_pages_freed(struct store *s, struct store_file *f, uint64_t first, uint64_t end)
{
	s->ops->pages_freed(s, f, first, end);
}

void store_node_usage(struct store *s, unsigned int node, struct store_node_usage *u)
{
	s->ops->node_usage(s, node, u);
}

int store_page_nodes(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
		     int *nodes)
{
	int err = store_file_get(s, f);

	if (err < 0)
		return err;
	err = s->ops->page_nodes(s, f, first, count, nodes);
	store_file_put(s, f);
	return err;
}

int store_move(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
	       const int *to, int *status, bool mapped_too)
{
	int err = store_file_get(s, f);

	if (err < 0)
		return err;
	err = s->ops->move(s, f, first, count, to, status, mapped_too);
	store_file_put(s, f);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where a file's pages are, against where its policy would put them.
 * Only stored pages are asked about: the backing file's data extents
 * (SEEK_DATA/SEEK_HOLE) are walked and their pages' nodes asked from the
 * store in batches, so a sparse file costs what it holds and no hole is
 * ever allocated by asking.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "file_impl.h"
#include "inode.h"
#include "ipolicy.h"
#include "place.h"

#define SCAN_BATCH 1024
#define WEIGHTS_DIR "/sys/kernel/mm/mempolicy/weighted_interleave"

typedef void stored_page_fn(void *arg, uint64_t index, int node);

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* @fn for each page of [first, end) in the data extent that starts at @first. */
static int scan_extent(struct numafs *fs, struct store_file *f, uint64_t first, uint64_t end,
		       stored_page_fn *fn, void *arg)
{
	int nodes[SCAN_BATCH];
	uint64_t n;
	int err = 0;

	for (; !err && first < end; first += n) {
		n = min_u64(end - first, SCAN_BATCH);
		err = store_page_nodes(fs->store, f, first, n, nodes);
		for (uint64_t i = 0; !err && i < n; i++)
			if (nodes[i] >= 0)
				fn(arg, first + i, nodes[i]);
	}
	return err;
}

/* @fn for each stored page of [first, end) of regular file @inode (locked). */
static int scan_stored(struct numafs *fs, struct inode *inode, uint64_t first, uint64_t end,
		       stored_page_fn *fn, void *arg)
{
	struct store_file *f = &inode->file->store;
	off_t data, hole;
	struct stat st;
	int fd, err;

	err = store_file_stat(fs->store, f, &st);
	if (err)
		return err;
	end = min_u64(end, file_page_up((uint64_t)st.st_size));
	fd = store_file_get(fs->store, f);
	if (fd < 0)
		return fd;
	while (!err && first < end) {
		data = lseek(fd, (off_t)(first << STORE_PAGE_SHIFT), SEEK_DATA);
		hole = data < 0 ? -1 : lseek(fd, data, SEEK_HOLE);
		if (hole < 0) {
			err = errno == ENXIO ? 0 : -errno;	/* ENXIO: no data past first */
			break;
		}
		first = (uint64_t)data >> STORE_PAGE_SHIFT;
		err = scan_extent(fs, f, first, min_u64(end, file_page_up((uint64_t)hole)), fn, arg);
		first = file_page_up((uint64_t)hole);
	}
	store_file_put(fs->store, f);
	return err;
}

struct misplaced_count {
	const struct ptree *tree;
	struct place_ctx ctx;
	uint8_t weights[NUMAFS_MAX_NODES];
	struct nodemask allowed;	/* a copy: a rebind may change the mount's */
	uint64_t misplaced;
};

/* Where a first write would put a page now: no writer, every node with room. */
static void misplaced_init(struct numafs *fs, struct inode *inode, const struct ptree *tree,
			   struct misplaced_count *m)
{
	m->tree = tree;
	m->misplaced = 0;
	topology_default_weights(fs->topo, WEIGHTS_DIR, m->weights);
	numafs_get_allowed(fs, &m->allowed);
	m->ctx = (struct place_ctx){
		.topo = fs->topo,
		.allowed = &m->allowed,
		.writer_node = -1,
		.phase = store_file_phase(fs->store, &inode->file->store),
		.default_weights = m->weights,
	};
}

static void count_misplaced(void *arg, uint64_t index, int node)
{
	struct misplaced_count *m = arg;
	const struct numa_policy *p = ptree_lookup(m->tree, index, NULL, NULL);

	m->misplaced += !place_conforms(p, index, (unsigned int)node, &m->ctx);
}

int ipolicy_count_misplaced(struct numafs *fs, struct inode *inode, const struct ptree *tree,
			    uint64_t first, uint64_t end, uint64_t *misplaced)
{
	struct misplaced_count m;
	int err;

	misplaced_init(fs, inode, tree, &m);
	err = scan_stored(fs, inode, first, end, count_misplaced, &m);
	if (!err)
		*misplaced = m.misplaced;
	return err;
}

struct stats_scan {
	struct misplaced_count m;
	struct ipolicy_stats *st;
};

static void count_page(void *arg, uint64_t index, int node)
{
	struct stats_scan *s = arg;

	s->st->pages++;
	if (node < NUMAFS_MAX_NODES)
		s->st->node_pages[node]++;
	count_misplaced(&s->m, index, node);
}

int ipolicy_file_stats(struct numafs *fs, struct inode *inode, struct ipolicy_stats *st)
{
	struct stats_scan s = { .st = st };
	int err;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&inode->lock);
	if (S_ISREG(inode->mode)) {
		misplaced_init(fs, inode, &inode->policy, &s.m);
		st->phase = s.m.ctx.phase;
		err = scan_stored(fs, inode, 0, UINT64_MAX, count_page, &s);
		st->misplaced = s.m.misplaced;
	} else {
		err = S_ISDIR(inode->mode) ? -EISDIR : -EINVAL;
	}
	pthread_mutex_unlock(&inode->lock);
	return err;
}

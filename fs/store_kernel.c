// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Placement by the kernel (real topology).  numafs mirrors each file's
 * policy tree into the shared policy of its backing shmem file, through
 * mbind() on a short-lived mapping of the daemon; the policy stays with the
 * shmem inode, and the kernel allocates every page of the file by it,
 * whoever writes or faults the page.  Interleave is then by page offset
 * with the backing inode's number as phase: the kernel's rule for shmem.
 *
 * Questions about pages go through a daemon mapping too: mincore() says
 * which pages exist without faulting holes in, move_pages() says (or
 * changes) where the existing ones are.
 */
#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "numafs.h"
#include "store_impl.h"

/* How far past EOF the shared policy reaches: files grow under it. */
#define KERNEL_POLICY_SLACK (64ULL << 30)
/* Pages looked at per mincore()/move_pages() batch. */
#define KERNEL_BATCH 512

struct kernel_map {
	char *addr;
	size_t len;
	uint64_t first;		/* page index of addr */
};

static int kernel_map(int fd, uint64_t first, uint64_t count, struct kernel_map *m)
{
	m->first = first;
	m->len = count << STORE_PAGE_SHIFT;
	m->addr = mmap(NULL, m->len, PROT_READ, MAP_SHARED | MAP_NORESERVE, fd,
		       (off_t)(first << STORE_PAGE_SHIFT));
	return m->addr == MAP_FAILED ? -errno : 0;
}

static void kernel_unmap(struct kernel_map *m)
{
	munmap(m->addr, m->len);
}

static int kernel_mbind(struct kernel_map *m, uint64_t first, uint64_t end,
			const struct numa_policy *p)
{
	const unsigned long *mask = (const unsigned long *)p->nodes.w;
	unsigned long maxnode = NUMAFS_MAX_NODES + 1;	/* mbind counts one extra */
	char *addr = m->addr + ((first - m->first) << STORE_PAGE_SHIFT);
	size_t len = (end - first) << STORE_PAGE_SHIFT;
	int mode = p->mode;

	if (mode == NUMAFS_MPOL_PREFERRED && nodemask_empty(&p->nodes))
		mode = NUMAFS_MPOL_LOCAL;	/* rebinding left no node */
	if (mode == NUMAFS_MPOL_DEFAULT || mode == NUMAFS_MPOL_LOCAL) {
		mask = NULL;
		maxnode = 0;
	}
	if (!mbind(addr, len, mode, mask, maxnode, 0))
		return 0;
	/* A kernel before weighted interleave: equal weights are interleave. */
	if (errno == EINVAL && mode == NUMAFS_MPOL_WEIGHTED_INTERLEAVE &&
	    !mbind(addr, len, NUMAFS_MPOL_INTERLEAVE, mask, maxnode, 0))
		return 0;
	return -errno;
}

#define KERNEL_WEIGHTS_DIR "/sys/kernel/mm/mempolicy/weighted_interleave"

/*
 * The kernel weights weighted interleave with its own global weights
 * (KERNEL_WEIGHTS_DIR), never a policy's: a policy's explicit weight
 * that differs from the kernel's would not be obeyed, so it is refused.
 * The kernel's weights are read only for a policy that has explicit
 * ones, not at every file's creation.
 */
struct kernel_weights {
	const struct topology *topo;
	bool read;
	uint8_t of[NUMAFS_MAX_NODES];
};

static bool kernel_weights_fit(const struct numa_policy *p, struct kernel_weights *k)
{
	int node;

	if (p->mode != NUMAFS_MPOL_WEIGHTED_INTERLEAVE)
		return true;
	nodemask_for_each(node, &p->nodes) {
		unsigned int w = policy_node_weight(p, (unsigned int)node);

		if (!w)
			continue;
		if (!k->read) {
			topology_default_weights(k->topo, KERNEL_WEIGHTS_DIR, k->of);
			k->read = true;
		}
		if (w != k->of[node])
			return false;
	}
	return true;
}

static int kernel_check_weights(struct store *s, const struct ptree *t, uint64_t first,
				uint64_t end)
{
	struct kernel_weights k = { .topo = s->fs->topo };
	struct ptree_range r;
	bool ok;

	ok = kernel_weights_fit(t->base, &k);
	for (bool more = ptree_next(t, first, &r); ok && more && r.start < end;
	     more = ptree_next(t, r.end, &r))
		ok = kernel_weights_fit(r.policy, &k);
	if (ok)
		return 0;
	numafs_debug(s->fs, "weighted interleave: the kernel places by its own weights (%s),"
		     " and they differ from the policy's", KERNEL_WEIGHTS_DIR);
	return -EINVAL;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int kernel_apply_policy(struct store *s, struct store_file *f, const struct ptree *t,
			       uint64_t first, uint64_t end)
{
	struct ptree_range r;
	struct kernel_map m;
	struct stat st;
	uint64_t span;
	bool ok;
	int err;

	if (fstat(f->fd, &st))
		return -errno;
	span = ((uint64_t)st.st_size + KERNEL_POLICY_SLACK) >> STORE_PAGE_SHIFT;
	end = min_u64(end, span);
	if (first >= end)
		return 0;
	err = kernel_check_weights(s, t, first, end);
	if (err)
		return err;
	err = kernel_map(f->fd, first, end - first, &m);
	if (err)
		return err;
	err = kernel_mbind(&m, first, end, t->base);
	for (ok = ptree_next(t, first, &r); !err && ok && r.start < end;
	     ok = ptree_next(t, r.end, &r))
		err = kernel_mbind(&m, r.start > first ? r.start : first,
				   min_u64(r.end, end), r.policy);
	kernel_unmap(&m);
	return err;
}

/*
 * Map the resident pages of @m (one batch) into the daemon's page tables
 * without allocating holes: move_pages() sees only mapped pages, and
 * MADV_POPULATE_READ over a hole of a shmem file would allocate it.  So
 * populate only the runs mincore() found resident.  Returns how many are
 * resident, their addresses in @addrs and indexes in @idx.
 */
static int kernel_resident(struct kernel_map *m, uint64_t count, void **addrs,
			   unsigned int *idx)
{
	unsigned char vec[KERNEL_BATCH];
	unsigned int i, run, n = 0;

	if (mincore(m->addr, count << STORE_PAGE_SHIFT, vec))
		return -errno;
	for (i = 0; i < count; i = run) {
		char *start = m->addr + ((uint64_t)i << STORE_PAGE_SHIFT);

		for (run = i; run < count && (vec[run] & 1); run++) {
			addrs[n] = m->addr + ((uint64_t)run << STORE_PAGE_SHIFT);
			idx[n++] = run;
		}
		/*
		 * Fails harmlessly (EFAULT) if a truncate just took a page;
		 * the page then answers -ENOENT or -EFAULT below.
		 */
		if (run > i)
			madvise(start, (uint64_t)(run - i) << STORE_PAGE_SHIFT,
				MADV_POPULATE_READ);
		else
			run++;
	}
	return (int)n;
}

/* Ask where pages are, or move them to @nodes. */
static int kernel_move_pages(unsigned int n, void **addrs, const int *nodes, int *st, int flags)
{
	/* A positive count of pages not moved is told per page in @st. */
	if (n && move_pages(0, n, addrs, nodes, st, flags) < 0)
		return -errno;
	return 0;
}

/*
 * Move the @k pages of @addrs to @nodes and say, per page, where each one
 * is now or why it did not move.  Never trusted blindly: without
 * MPOL_MF_MOVE_ALL the kernel skips pages another process maps, so a page
 * reported moved is asked again.
 */
static int kernel_move_verified(unsigned int k, void **addrs, const int *nodes, int *st,
				int flags)
{
	int where[KERNEL_BATCH];
	unsigned int i;
	int err = kernel_move_pages(k, addrs, nodes, st, flags);

	if (!err)
		err = kernel_move_pages(k, addrs, NULL, where, 0);
	for (i = 0; !err && i < k; i++)
		if (st[i] >= 0)
			st[i] = where[i];
	return err;
}

/* One batch: where the pages are, then move those with a target in @to. */
static int kernel_batch(int fd, uint64_t first, uint64_t count, const int *to, int *status,
			int flags)
{
	void *addrs[KERNEL_BATCH];
	unsigned int idx[KERNEL_BATCH];
	int nodes[KERNEL_BATCH], st[KERNEL_BATCH];
	struct kernel_map m;
	unsigned int i, k;
	int n, err;

	err = kernel_map(fd, first, count, &m);
	if (err)
		return err;
	for (i = 0; i < count; i++)
		status[i] = -ENOENT;
	n = kernel_resident(&m, count, addrs, idx);
	err = n < 0 ? n : kernel_move_pages((unsigned int)n, addrs, NULL, st, 0);
	for (i = 0; !err && i < (unsigned int)n; i++)
		status[idx[i]] = st[i];
	for (i = k = 0; !err && to && i < (unsigned int)n; i++)
		if (to[idx[i]] >= 0 && to[idx[i]] != status[idx[i]]) {
			addrs[k] = addrs[i];
			idx[k] = idx[i];
			nodes[k++] = to[idx[i]];
		}
	if (!err && to)
		err = kernel_move_verified(k, addrs, nodes, st, flags);
	for (i = 0; !err && to && i < k; i++)
		status[idx[i]] = st[i];
	kernel_unmap(&m);
	return err;
}

static int kernel_pages(struct store_file *f, uint64_t first, uint64_t count, const int *to,
			int *status, int flags)
{
	uint64_t done;
	int err = 0;

	for (done = 0; !err && done < count; done += KERNEL_BATCH) {
		uint64_t n = min_u64(count - done, KERNEL_BATCH);

		err = kernel_batch(f->fd, first + done, n, to ? to + done : NULL,
				   status + done, flags);
	}
	return err;
}

static int kernel_page_nodes(struct store *s, struct store_file *f, uint64_t first,
			     uint64_t count, int *nodes)
{
	return kernel_pages(f, first, count, NULL, nodes, 0);
}

static int kernel_move(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
		       const int *to, int *status, bool mapped_too)
{
	/* MOVE_ALL needs CAP_SYS_NICE in the daemon: without it, -EPERM. */
	return kernel_pages(f, first, count, to, status,
			    mapped_too ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE);
}

/* The node's free memory, as the kernel's per-node meminfo says. */
static uint64_t kernel_node_free(unsigned int node)
{
	unsigned long long kb = 0;
	char path[64], line[128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/meminfo", node);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "Node %*u MemFree: %llu kB", &kb) == 1;
	fclose(f);
	return (uint64_t)kb << 10;
}

/* The kernel's view of the node: numafs's pages are among the used ones. */
static void kernel_node_usage(struct store *s, unsigned int node, struct store_node_usage *u)
{
	const struct topology *topo = s->fs->topo;

	*u = (struct store_node_usage){ 0 };
	if (node >= topo->nr_nodes || !topo->node_size[node])
		return;
	u->capacity = topo->node_size[node];
	u->free = kernel_node_free(node);
	u->free = u->free < u->capacity ? u->free : u->capacity;
	u->used = u->capacity - u->free;
}

static uint64_t kernel_phase(const struct store_file *f)
{
	return f->backing_ino;
}

static int kernel_init(struct store *s, struct errbuf *e)
{
	return 0;
}

static void kernel_fini(struct store *s)
{
}

static void kernel_file_destroy(struct store *s, struct store_file *f)
{
}

/* The kernel allocates, and frees, by itself. */
static int kernel_prepare_write(struct store *s, struct store_file *f, const struct ptree *t,
				uint64_t first, uint64_t end)
{
	return 0;
}

static void kernel_pages_freed(struct store *s, struct store_file *f, uint64_t first,
			       uint64_t end)
{
}

const struct store_ops store_kernel_ops = {
	.init = kernel_init,
	.fini = kernel_fini,
	.file_destroy = kernel_file_destroy,
	.phase = kernel_phase,
	.apply_policy = kernel_apply_policy,
	.prepare_write = kernel_prepare_write,
	.pages_freed = kernel_pages_freed,
	.page_nodes = kernel_page_nodes,
	.move = kernel_move,
	.node_usage = kernel_node_usage,
};

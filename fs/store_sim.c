// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Placement by numafs itself (simulated topology, numa=fake:...).  The
 * kernel knows nothing of logical nodes, so at the first write of each page
 * numafs picks its node with the policy engine and records it in the
 * file's page index, within each node's capacity: a page with no permitted
 * node with room is ENOSPC, and a write needing it writes nothing.  The
 * data itself still lives in the backing file.  The interleave phase is
 * numafs's inode number.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "numafs.h"
#include "page_index.h"
#include "place.h"
#include "store_impl.h"

#define SIM_WEIGHTS_DIR "/sys/kernel/mm/mempolicy/weighted_interleave"

struct sim_store {
	pthread_mutex_t lock;		/* the page counts */
	unsigned int nr_nodes;
	uint64_t *used;			/* pages per node */
	uint64_t *cap;			/* pages per node */
	uint8_t weights[NUMAFS_MAX_NODES];
};

/* has_room() for place_page(): counts pages already chosen in this call. */
struct sim_room {
	const struct sim_store *sim;
	const uint64_t *pending;
};

static bool sim_has_room(void *arg, unsigned int node)
{
	const struct sim_room *r = arg;

	return node < r->sim->nr_nodes &&
	       r->sim->used[node] + r->pending[node] < r->sim->cap[node];
}

static struct sim_store *sim_of(struct store *s)
{
	return s->impl;
}

static int sim_init(struct store *s, struct errbuf *e)
{
	const struct topology *topo = s->fs->topo;
	struct sim_store *sim = calloc(1, sizeof(*sim));
	unsigned int n;

	if (!sim)
		return err_set(e, ENOMEM, "out of memory");
	sim->nr_nodes = topo->nr_nodes;
	sim->used = calloc(topo->nr_nodes, sizeof(*sim->used));
	sim->cap = calloc(topo->nr_nodes, sizeof(*sim->cap));
	if (!sim->used || !sim->cap) {
		free(sim->used);
		free(sim->cap);
		free(sim);
		return err_set(e, ENOMEM, "out of memory");
	}
	for (n = 0; n < topo->nr_nodes; n++)
		sim->cap[n] = topo->node_size[n] >> STORE_PAGE_SHIFT;
	topology_default_weights(topo, SIM_WEIGHTS_DIR, sim->weights);
	pthread_mutex_init(&sim->lock, NULL);
	s->impl = sim;
	return 0;
}

static void sim_fini(struct store *s)
{
	struct sim_store *sim = sim_of(s);

	pthread_mutex_destroy(&sim->lock);
	free(sim->used);
	free(sim->cap);
	free(sim);
}

static void sim_page_freed(void *arg, unsigned int node)
{
	struct sim_store *sim = arg;

	sim->used[node]--;
}

static void sim_file_destroy(struct store *s, struct store_file *f)
{
	struct sim_store *sim = sim_of(s);

	if (!f->placed)
		return;
	pthread_mutex_lock(&sim->lock);
	page_index_destroy(f->placed, sim_page_freed, sim);
	pthread_mutex_unlock(&sim->lock);
	free(f->placed);
	f->placed = NULL;
}

static uint64_t sim_phase(const struct store_file *f)
{
	return f->name;
}

/* Pages are placed when written: there is nothing to tell anyone now. */
static int sim_apply_policy(struct store *s, struct store_file *f, const struct ptree *t,
			    uint64_t first, uint64_t end)
{
	return 0;
}

/* Choose a node for each hole of [first, end) in @chosen (-1: stored). */
static int sim_choose(struct store *s, struct store_file *f, const struct ptree *t,
		      uint64_t first, uint64_t end, int *chosen, uint64_t *pending)
{
	struct sim_store *sim = sim_of(s);
	struct sim_room room = { sim, pending };
	struct nodemask allowed;
	struct place_ctx ctx = {
		.topo = s->fs->topo,
		.allowed = &allowed,	/* [migrate] a copy: a rebind may change it */
		.writer_node = -1,
		.phase = f->name,
		.default_weights = sim->weights,
		.has_room = sim_has_room,
		.room_arg = &room,
	};
	uint64_t page;

	numafs_get_allowed(s->fs, &allowed);
	for (page = first; page < end; page++) {
		int node = -1;

		if (page_index_get(f->placed, page) < 0) {
			node = place_page(ptree_lookup(t, page, NULL, NULL), page, &ctx);
			if (node < 0)
				return node;
			pending[node]++;
		}
		chosen[page - first] = node;
	}
	return 0;
}

/* Record the choices, all or none. */
static int sim_commit(struct store *s, struct store_file *f, uint64_t first, uint64_t end,
		      const int *chosen)
{
	struct sim_store *sim = sim_of(s);
	uint64_t page;

	for (page = first; page < end; page++) {
		int node = chosen[page - first];

		if (node < 0)
			continue;
		if (page_index_set(f->placed, page, (unsigned int)node)) {
			while (page-- > first)
				if (chosen[page - first] >= 0)
					page_index_clear(f->placed, page, page + 1,
							 sim_page_freed, sim);
			return -ENOMEM;
		}
		sim->used[node]++;
	}
	return 0;
}

static int sim_prepare_write(struct store *s, struct store_file *f, const struct ptree *t,
			     uint64_t first, uint64_t end)
{
	struct sim_store *sim = sim_of(s);
	uint64_t *pending;
	int *chosen, err;

	if (!f->placed) {
		f->placed = calloc(1, sizeof(struct page_index));
		if (!f->placed)
			return -ENOMEM;
	}
	if (end - first > SIZE_MAX / sizeof(int))
		return -EFBIG;
	chosen = malloc((end - first) * sizeof(*chosen));
	pending = calloc(sim->nr_nodes, sizeof(*pending));
	err = -ENOMEM;
	if (chosen && pending) {
		pthread_mutex_lock(&sim->lock);
		err = sim_choose(s, f, t, first, end, chosen, pending);
		if (!err)
			err = sim_commit(s, f, first, end, chosen);
		pthread_mutex_unlock(&sim->lock);
	}
	free(chosen);
	free(pending);
	return err;
}

static void sim_pages_freed(struct store *s, struct store_file *f, uint64_t first, uint64_t end)
{
	struct sim_store *sim = sim_of(s);

	if (!f->placed)
		return;
	pthread_mutex_lock(&sim->lock);
	page_index_clear(f->placed, first, end, sim_page_freed, sim);
	pthread_mutex_unlock(&sim->lock);
}

static void sim_node_usage(struct store *s, unsigned int node, struct store_node_usage *u)
{
	struct sim_store *sim = sim_of(s);

	*u = (struct store_node_usage){ 0 };
	if (node >= sim->nr_nodes)
		return;
	pthread_mutex_lock(&sim->lock);
	u->capacity = sim->cap[node] << STORE_PAGE_SHIFT;
	u->used = sim->used[node] << STORE_PAGE_SHIFT;
	pthread_mutex_unlock(&sim->lock);
	u->free = u->capacity - u->used;
}

static int sim_page_nodes(struct store *s, struct store_file *f, uint64_t first,
			  uint64_t count, int *nodes)
{
	uint64_t i;

	for (i = 0; i < count; i++) {
		int node = f->placed ? page_index_get(f->placed, first + i) : -1;

		nodes[i] = node < 0 ? -ENOENT : node;
	}
	return 0;
}

/* A move is a change of the page's logical node, within capacity. */
static int sim_move_page(struct sim_store *sim, struct page_index *pi, uint64_t page, int to)
{
	int node = pi ? page_index_get(pi, page) : -1;

	if (node < 0)
		return -ENOENT;
	if (to < 0 || to == node)
		return node;
	if ((unsigned int)to >= sim->nr_nodes || !sim->cap[to])
		return -EINVAL;
	if (sim->used[to] >= sim->cap[to])
		return -ENOSPC;
	page_index_set(pi, page, (unsigned int)to);	/* the slot exists */
	sim->used[node]--;
	sim->used[to]++;
	return to;
}

static int sim_move(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
		    const int *to, int *status, bool mapped_too)
{
	struct sim_store *sim = sim_of(s);
	uint64_t i;

	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < count; i++)
		status[i] = sim_move_page(sim, f->placed, first + i, to[i]);
	pthread_mutex_unlock(&sim->lock);
	return 0;
}

const struct store_ops store_sim_ops = {
	.init = sim_init,
	.fini = sim_fini,
	.file_destroy = sim_file_destroy,
	.phase = sim_phase,
	.apply_policy = sim_apply_policy,
	.prepare_write = sim_prepare_write,
	.pages_freed = sim_pages_freed,
	.page_nodes = sim_page_nodes,
	.move = sim_move,
	.node_usage = sim_node_usage,
};

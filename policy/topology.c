// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The machine's memory nodes, as libnuma sees them or as a "fake:" string
 * describes them, and the distance order that fallback follows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * numa.h brings inline helpers for its own nodemask_t that share names with
 * ours; rename them out of the way, we do not use them.
 */
#define nodemask_zero libnuma_nodemask_zero
#define nodemask_equal libnuma_nodemask_equal
#include <numa.h>
#undef nodemask_zero
#undef nodemask_equal

#include "topology.h"

static struct topology *topology_alloc(unsigned int nr_nodes, bool simulated)
{
	struct topology *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nr_nodes = nr_nodes;
	t->simulated = simulated;
	t->node_size = calloc(nr_nodes, sizeof(*t->node_size));
	t->distance = calloc((size_t)nr_nodes * nr_nodes, sizeof(*t->distance));
	if (!t->node_size || !t->distance) {
		topology_free(t);
		return NULL;
	}
	return t;
}

void topology_free(struct topology *t)
{
	if (!t)
		return;
	free(t->node_size);
	free(t->distance);
	free(t);
}

/* A node that exists but whose distance is unknown is just "remote". */
unsigned int topology_distance(const struct topology *t, unsigned int from, unsigned int to)
{
	unsigned int d = 0;

	if (from < t->nr_nodes && to < t->nr_nodes)
		d = t->distance[(size_t)from * t->nr_nodes + to];
	if (d)
		return d;
	return from == to ? TOPOLOGY_LOCAL_DISTANCE : TOPOLOGY_REMOTE_DISTANCE;
}

/*
 * Distances fit in a byte (ACPI SLIT), so a counting sort orders the nodes
 * in linear time and keeps equal distances in node id order.
 */
unsigned int topology_by_distance(const struct topology *t, unsigned int from, int *order)
{
	unsigned int start[UINT8_MAX + 2] = { 0 };
	unsigned int count = 0;
	int node;

	nodemask_for_each(node, &t->nodes) {
		if ((unsigned int)node >= t->nr_nodes)
			break;
		start[topology_distance(t, from, node) + 1]++;
		count++;
	}
	for (unsigned int d = 1; d <= UINT8_MAX + 1; d++)
		start[d] += start[d - 1];
	nodemask_for_each(node, &t->nodes) {
		if ((unsigned int)node >= t->nr_nodes)
			break;
		order[start[topology_distance(t, from, node)]++] = node;
	}
	return count;
}

/* Real topology. */

static uint8_t real_distance(unsigned int from, unsigned int to)
{
	int d = numa_distance((int)from, (int)to);

	/* 0 means libnuma does not know; topology_distance() fills it in. */
	return d > 0 && d <= UINT8_MAX ? (uint8_t)d : 0;
}

int topology_real(struct topology **out, struct errbuf *e)
{
	struct topology *t;
	int max;

	if (numa_available() < 0)
		return err_set(e, ENOSYS, "this kernel or machine has no NUMA support");
	max = numa_max_node();
	if (max < 0 || max >= NUMAFS_MAX_NODES)
		return err_set(e, ENOSYS, "libnuma reports highest node %d, outside 0..%d",
			       max, NUMAFS_MAX_NODES - 1);
	t = topology_alloc((unsigned int)max + 1, false);
	if (!t)
		return err_set(e, ENOMEM, "out of memory");
	for (unsigned int n = 0; n < t->nr_nodes; n++) {
		long long free_bytes, size = numa_node_size64((int)n, &free_bytes);

		/* CPU-only and offline nodes have no memory to place pages on. */
		if (size <= 0)
			continue;
		t->node_size[n] = (uint64_t)size;
		nodemask_set(&t->nodes, n);
	}
	for (unsigned int from = 0; from < t->nr_nodes; from++)
		for (unsigned int to = 0; to < t->nr_nodes; to++)
			t->distance[(size_t)from * t->nr_nodes + to] = real_distance(from, to);
	*out = t;
	return 0;
}

int topology_process_allowed(struct nodemask *out)
{
	struct bitmask *mems;
	struct nodemask m;

	if (numa_available() < 0)
		return -ENOSYS;
	mems = numa_get_mems_allowed();
	if (!mems)
		return -ENOMEM;
	nodemask_zero(&m);
	for (unsigned int n = 0; n < NUMAFS_MAX_NODES && n < mems->size; n++)
		if (numa_bitmask_isbitset(mems, n))
			nodemask_set(&m, n);
	numa_bitmask_free(mems);
	*out = m;
	return 0;
}

/* Simulated topology. */

/* Multiply @v by 1024^@shift, failing on overflow. */
static bool scale_size(uint64_t *v, unsigned int shift)
{
	if (shift && *v > (UINT64_MAX >> shift))
		return false;
	*v <<= shift;
	return true;
}

static int suffix_shift(char c)
{
	const char *units = "kmgt";
	const char *u = c ? strchr(units, c | 0x20) : NULL;

	return u ? (int)(u - units + 1) * 10 : -1;
}

/*
 * A size at *@pos: digits, then an optional k/m/g/t in either case, up to
 * ',' or the end.  Advances *@pos past it.
 */
static int parse_size(const char **pos, uint64_t *out, struct errbuf *e)
{
	const char *start = *pos, *p = start;
	int len, shift = 0;
	uint64_t v = 0;
	bool overflow = false;

	if (*p < '0' || *p > '9')
		return err_set(e, EINVAL, "expected a node size, found \"%.16s\"", p);
	for (; *p >= '0' && *p <= '9'; p++) {
		overflow |= v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p && *p != ',') {
		shift = suffix_shift(*p);
		if (shift < 0 || (p[1] && p[1] != ','))
			return err_set(e, EINVAL, "malformed size \"%.24s\" (use k, m, g or t)",
				       start);
		p++;
	}
	len = (int)(p - start > 24 ? 24 : p - start);
	if (overflow || !scale_size(&v, (unsigned int)shift))
		return err_set(e, EINVAL, "size %.*s is too large", len, start);
	if (!v)
		return err_set(e, EINVAL, "size %.*s is zero; a node needs memory", len, start);
	*out = v;
	*pos = p;
	return 0;
}

/* "NxSIZE": a count, then one size for every node. */
static int parse_count_form(const char *p, uint64_t *sizes, unsigned int *nr,
			    struct errbuf *e)
{
	unsigned long count = 0;
	uint64_t size;
	int ret;

	for (; *p >= '0' && *p <= '9'; p++)
		if (count <= NUMAFS_MAX_NODES)
			count = count * 10 + (unsigned long)(*p - '0');
	p++;	/* the 'x' */
	if (!count)
		return err_set(e, EINVAL, "a simulated topology needs at least one node");
	if (count > NUMAFS_MAX_NODES)
		return err_set(e, EINVAL, "too many nodes (at most %d)", NUMAFS_MAX_NODES);
	ret = parse_size(&p, &size, e);
	if (ret)
		return ret;
	if (*p)
		return err_set(e, EINVAL, "unexpected \"%.16s\" after the node size", p);
	for (unsigned long n = 0; n < count; n++)
		sizes[n] = size;
	*nr = (unsigned int)count;
	return 0;
}

/* "SIZE,SIZE,...": one size per node. */
static int parse_list_form(const char *p, uint64_t *sizes, unsigned int *nr,
			   struct errbuf *e)
{
	unsigned int n = 0;
	int ret;

	for (;;) {
		if (n == NUMAFS_MAX_NODES)
			return err_set(e, EINVAL, "too many nodes (at most %d)", NUMAFS_MAX_NODES);
		ret = parse_size(&p, &sizes[n++], e);
		if (ret)
			return ret;
		if (!*p)
			break;
		if (!*++p)
			return err_set(e, EINVAL, "trailing comma in node sizes");
	}
	*nr = n;
	return 0;
}

/* 4x1G is the count form: digits, then 'x'. */
static bool is_count_form(const char *p)
{
	p += strspn(p, "0123456789");
	return *p == 'x' || *p == 'X';
}

static void fake_distances(struct topology *t)
{
	for (unsigned int from = 0; from < t->nr_nodes; from++)
		for (unsigned int to = 0; to < t->nr_nodes; to++)
			t->distance[(size_t)from * t->nr_nodes + to] =
				from == to ? TOPOLOGY_LOCAL_DISTANCE : TOPOLOGY_REMOTE_DISTANCE;
}

int topology_fake(const char *spec, struct topology **out, struct errbuf *e)
{
	static const char prefix[] = "fake:";
	uint64_t *sizes = calloc(NUMAFS_MAX_NODES, sizeof(*sizes));
	struct topology *t = NULL;
	unsigned int nr = 0;
	const char *p;
	int ret;

	if (!sizes)
		return err_set(e, ENOMEM, "out of memory");
	if (strncasecmp(spec, prefix, sizeof(prefix) - 1) != 0) {
		ret = err_set(e, EINVAL, "a simulated topology starts with \"fake:\"");
		goto out;
	}
	p = spec + sizeof(prefix) - 1;
	if (!*p)
		ret = err_set(e, EINVAL, "no node sizes after \"fake:\"");
	else if (is_count_form(p))
		ret = parse_count_form(p, sizes, &nr, e);
	else
		ret = parse_list_form(p, sizes, &nr, e);
	if (ret)
		goto out;
	t = topology_alloc(nr, true);
	if (!t) {
		ret = err_set(e, ENOMEM, "out of memory");
		goto out;
	}
	for (unsigned int n = 0; n < nr; n++) {
		t->node_size[n] = sizes[n];
		nodemask_set(&t->nodes, n);
	}
	fake_distances(t);
	*out = t;
out:
	free(sizes);
	return ret;
}

/* Default weights. */

/* One weight file: an integer 1..255, else the kernel's default of 1. */
static uint8_t read_weight(const char *dir, unsigned int node)
{
	char path[4096];
	unsigned int w = 1;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/node%u", dir, node) >= (int)sizeof(path))
		return 1;
	f = fopen(path, "re");
	if (!f)
		return 1;
	if (fscanf(f, "%u", &w) != 1 || w < 1 || w > UINT8_MAX)
		w = 1;
	fclose(f);
	return (uint8_t)w;
}

void topology_default_weights(const struct topology *t, const char *dir, uint8_t *weights)
{
	int node;

	memset(weights, 0, NUMAFS_MAX_NODES);
	nodemask_for_each(node, &t->nodes)
		weights[node] = dir ? read_weight(dir, (unsigned int)node) : 1;
}

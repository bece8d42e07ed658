// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Topology: "fake:" specs and each way they go wrong, the distance order,
 * this machine through libnuma, and default weights from a directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "masks.h"
#include "topology.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)

static struct topology *fake(const char *spec)
{
	struct topology *t = NULL;
	struct errbuf e = { "" };

	cr_assert_eq(topology_fake(spec, &t, &e), 0, "\"%s\" refused: %s", spec, e.msg);
	cr_assert_not_null(t);
	return t;
}

Test(fake, count_times_size)
{
	struct topology *t = fake("fake:4x1G");

	cr_assert(t->simulated);
	cr_assert_eq(t->nr_nodes, 4u);
	cr_assert(nodemask_equal(&t->nodes, MASK(0, 1, 2, 3)));
	for (unsigned int n = 0; n < 4; n++)
		cr_assert_eq(t->node_size[n], GiB);
	topology_free(t);
}

Test(fake, one_size_per_node)
{
	struct topology *t = fake("fake:1G,1G,512M");

	cr_assert_eq(t->nr_nodes, 3u);
	cr_assert(nodemask_equal(&t->nodes, MASK(0, 1, 2)));
	cr_assert_eq(t->node_size[0], GiB);
	cr_assert_eq(t->node_size[1], GiB);
	cr_assert_eq(t->node_size[2], 512 * MiB);
	topology_free(t);
}

Test(fake, suffixes_in_either_case_and_plain_bytes)
{
	static const struct { const char *spec; uint64_t size; } cases[] = {
		{ "fake:4096", 4096 },
		{ "fake:8k", 8 * KiB },
		{ "fake:8K", 8 * KiB },
		{ "fake:3m", 3 * MiB },
		{ "fake:2g", 2 * GiB },
		{ "fake:1t", TiB },
		{ "fake:1T", TiB },
		{ "fake:2x16777215T", 16777215 * TiB },
		{ "FAKE:1X1m", MiB },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct topology *t = fake(cases[i].spec);

		cr_assert_eq(t->node_size[0], cases[i].size, "%s", cases[i].spec);
		topology_free(t);
	}
}

Test(fake, distances_local_and_remote)
{
	struct topology *t = fake("fake:3x1M");

	for (unsigned int a = 0; a < 3; a++)
		for (unsigned int b = 0; b < 3; b++)
			cr_assert_eq(topology_distance(t, a, b),
				     a == b ? TOPOLOGY_LOCAL_DISTANCE : TOPOLOGY_REMOTE_DISTANCE);
	topology_free(t);
}

Test(fake, the_most_nodes)
{
	struct topology *t = fake("fake:1024x1M");

	cr_assert_eq(t->nr_nodes, NUMAFS_MAX_NODES);
	cr_assert_eq(nodemask_weight(&t->nodes), (unsigned int)NUMAFS_MAX_NODES);
	cr_assert_eq(topology_distance(t, 1023, 0), TOPOLOGY_REMOTE_DISTANCE);
	topology_free(t);
}

/* Refused with -EINVAL, nothing made, and a reason containing @reason. */
static void assert_refused(const char *spec, const char *reason)
{
	struct topology *t = NULL;
	struct errbuf e = { "" };

	cr_assert_eq(topology_fake(spec, &t, &e), -EINVAL, "\"%s\" was accepted", spec);
	cr_assert_null(t);
	cr_assert(strstr(e.msg, reason), "\"%s\": reason \"%s\" lacks \"%s\"", spec, e.msg,
		  reason);
}

Test(fake, refusals_say_why)
{
	assert_refused("", "starts with \"fake:\"");
	assert_refused("real", "starts with \"fake:\"");
	assert_refused("fake:", "no node sizes");
	assert_refused("fake:0", "zero");
	assert_refused("fake:1G,0M", "zero");
	assert_refused("fake:4x0", "zero");
	assert_refused("fake:0x1G", "at least one node");
	assert_refused("fake:x1G", "at least one node");
	assert_refused("fake:1Q", "malformed size");
	assert_refused("fake:1GB", "malformed size");
	assert_refused("fake:1.5G", "malformed size");
	assert_refused("fake:-1G", "expected a node size");
	assert_refused("fake:1G,,1G", "expected a node size");
	assert_refused("fake:1G,", "trailing comma");
	assert_refused("fake:4x", "expected a node size");
	assert_refused("fake:4x1G,1G", "after the node size");
	assert_refused("fake:4x1G ", "malformed size");
	assert_refused("fake:18446744073709551616", "too large");
	assert_refused("fake:99999999999999999999999", "too large");
	assert_refused("fake:16777216T", "too large");
	assert_refused("fake:18014398509481984k", "too large");
	assert_refused("fake:1025x1M", "too many nodes");
	assert_refused("fake:99999999999999x1M", "too many nodes");
}

Test(fake, a_list_of_too_many_nodes)
{
	size_t len = 5 + 3 * (NUMAFS_MAX_NODES + 1);
	char *spec = malloc(len + 1);
	char *p = spec + 5;

	cr_assert_not_null(spec);
	memcpy(spec, "fake:", 5);
	for (unsigned int n = 0; n <= NUMAFS_MAX_NODES; n++, p += 3)
		memcpy(p, "1M,", 3);
	p[-1] = '\0';
	assert_refused(spec, "too many nodes");
	p[-4] = '\0';	/* one fewer: exactly the maximum */
	topology_free(fake(spec));
	free(spec);
}

/*
 * A hand-made machine: four nodes on a line, 0 - 1 - 2 - 3, each hop 10
 * further, and node 4 without memory.
 */
static struct topology *line(void)
{
	struct topology *t = fake("fake:5x1M");

	for (unsigned int a = 0; a < 5; a++)
		for (unsigned int b = 0; b < 5; b++)
			t->distance[a * 5 + b] = (uint8_t)(10 + 10 * (a > b ? a - b : b - a));
	nodemask_clear(&t->nodes, 4);
	t->node_size[4] = 0;
	return t;
}

static void assert_order(const struct topology *t, unsigned int from, const int *want,
			 unsigned int count)
{
	int order[NUMAFS_MAX_NODES];

	cr_assert_eq(topology_by_distance(t, from, order), count, "from %u", from);
	for (unsigned int i = 0; i < count; i++)
		cr_assert_eq(order[i], want[i], "from %u, place %u: %d, want %d", from, i,
			     order[i], want[i]);
}

Test(by_distance, nearest_first_ties_by_id)
{
	struct topology *t = line();

	assert_order(t, 0, (int[]){ 0, 1, 2, 3 }, 4);
	assert_order(t, 2, (int[]){ 2, 1, 3, 0 }, 4);
	assert_order(t, 1, (int[]){ 1, 0, 2, 3 }, 4);
	assert_order(t, 3, (int[]){ 3, 2, 1, 0 }, 4);
	topology_free(t);
}

Test(by_distance, from_a_node_without_memory_or_unknown)
{
	struct topology *t = line();

	/* node 4, past 3 on the line, has distances but no memory: never in the order */
	assert_order(t, 4, (int[]){ 3, 2, 1, 0 }, 4);
	/* beyond the machine everything is remote: node id order */
	assert_order(t, 900, (int[]){ 0, 1, 2, 3 }, 4);
	topology_free(t);
}

Test(by_distance, unknown_distances_count_as_remote)
{
	struct topology *t = fake("fake:3x1M");

	memset(t->distance, 0, 9);
	t->distance[2 * 3 + 0] = 15;
	cr_assert_eq(topology_distance(t, 1, 1), TOPOLOGY_LOCAL_DISTANCE);
	cr_assert_eq(topology_distance(t, 1, 2), TOPOLOGY_REMOTE_DISTANCE);
	assert_order(t, 2, (int[]){ 2, 0, 1 }, 3);
	topology_free(t);
}

/* This machine, through libnuma. */

Test(real, this_machine_is_sane)
{
	struct topology *t = NULL;
	struct errbuf e = { "" };
	struct nodemask allowed;
	int ret = topology_real(&t, &e);
	int node;

	if (ret == -ENOSYS)
		cr_skip_test("no NUMA here: %s", e.msg);
	cr_assert_eq(ret, 0, "%s", e.msg);
	cr_assert(!t->simulated);
	cr_assert_geq(t->nr_nodes, 1u);
	cr_assert(!nodemask_empty(&t->nodes));
	nodemask_for_each(node, &t->nodes) {
		cr_assert_lt((unsigned int)node, t->nr_nodes);
		cr_assert_gt(t->node_size[node], 0u, "node %d", node);
		cr_assert_eq(topology_distance(t, node, node), TOPOLOGY_LOCAL_DISTANCE);
	}
	for (unsigned int n = 0; n < t->nr_nodes; n++)
		if (!nodemask_test(&t->nodes, n))
			cr_assert_eq(t->node_size[n], 0u);

	cr_assert_eq(topology_process_allowed(&allowed), 0);
	cr_assert(!nodemask_empty(&allowed));
	nodemask_for_each(node, &allowed)
		cr_assert_lt((unsigned int)node, t->nr_nodes, "allowed node %d is unknown", node);
	nodemask_and(&allowed, &allowed, &t->nodes);
	cr_assert(!nodemask_empty(&allowed), "no allowed node has memory");
	topology_free(t);
}

/* Default weighted-interleave weights. */

static char weight_dir[64];

static void make_weight_dir(void)
{
	strcpy(weight_dir, "/tmp/numafs-weights-XXXXXX");
	cr_assert_not_null(mkdtemp(weight_dir));
}

static void write_weight(unsigned int node, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/node%u", weight_dir, node);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_weight_dir(void)
{
	char path[128];

	for (unsigned int n = 0; n < 8; n++) {
		snprintf(path, sizeof(path), "%s/node%u", weight_dir, n);
		unlink(path);
	}
	rmdir(weight_dir);
}

TestSuite(weights, .init = make_weight_dir, .fini = remove_weight_dir);

Test(weights, from_files_else_one)
{
	struct topology *t = fake("fake:6x1M");
	uint8_t w[NUMAFS_MAX_NODES];

	write_weight(0, "3\n");
	write_weight(1, "255");
	write_weight(2, "0\n");		/* the kernel never has 0: use 1 */
	write_weight(3, "300\n");	/* out of range: 1 */
	write_weight(4, "many\n");	/* not a number: 1 */
	write_weight(7, "9\n");		/* no such node in @t: ignored */
	memset(w, 0xaa, sizeof(w));
	topology_default_weights(t, weight_dir, w);
	cr_assert_eq(w[0], 3);
	cr_assert_eq(w[1], 255);
	cr_assert_eq(w[2], 1);
	cr_assert_eq(w[3], 1);
	cr_assert_eq(w[4], 1);
	cr_assert_eq(w[5], 1, "node 5 has no file");
	cr_assert_eq(w[7], 0, "node 7 is not in the topology");
	cr_assert_eq(w[NUMAFS_MAX_NODES - 1], 0);
	topology_free(t);
}

Test(weights, no_directory_means_one)
{
	struct topology *t = fake("fake:2x1M");
	uint8_t w[NUMAFS_MAX_NODES];

	topology_default_weights(t, "/nonexistent/numafs", w);
	cr_assert_eq(w[0], 1);
	cr_assert_eq(w[1], 1);
	topology_default_weights(t, NULL, w);
	cr_assert_eq(w[0], 1);
	cr_assert_eq(w[1], 1);
	cr_assert_eq(w[2], 0);
	topology_free(t);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafs-topology [fake:SPEC]: the machine as numafs's policy engine sees
 * it (memory nodes, sizes, distances, the nodes this process may use and
 * the default weighted-interleave weights), or a simulated one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "nodemask.h"
#include "topology.h"

#define WEIGHTS_DIR "/sys/kernel/mm/mempolicy/weighted_interleave"

static void print_size(uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double value = (double)bytes;
	unsigned int u = 0;

	while (value >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		value /= 1024;
		u++;
	}
	printf("%9.1f %-3s", value, units[u]);
}

static void print_nodes(const struct topology *t, const uint8_t *weights)
{
	int node, to;

	printf("%26s distance to node\n", "");
	printf("node %13s %8s", "size", "weight");
	nodemask_for_each(to, &t->nodes)
		printf(" %4d", to);
	putchar('\n');
	nodemask_for_each(node, &t->nodes) {
		printf("%4d ", node);
		print_size(t->node_size[node]);
		printf(" %8u", weights[node]);
		nodemask_for_each(to, &t->nodes)
			printf(" %4u", topology_distance(t, (unsigned int)node, (unsigned int)to));
		putchar('\n');
	}
}

static int print_mask(const char *what, const struct nodemask *m)
{
	char text[8192];
	int err = nodemask_print(m, text, sizeof(text));

	if (err < 0)
		return err;
	printf("%s: %s (%u node%s)\n", what, text, nodemask_weight(m),
	       nodemask_weight(m) == 1 ? "" : "s");
	return 0;
}

static int load(const char *spec, struct topology **t, struct nodemask *allowed,
		struct errbuf *e)
{
	int err;

	if (spec) {
		err = topology_fake(spec, t, e);
		if (!err)
			*allowed = (*t)->nodes;
		return err;
	}
	err = topology_real(t, e);
	if (err)
		return err;
	err = topology_process_allowed(allowed);
	if (err) {
		topology_free(*t);
		return err_set(e, -err, "cannot read this process's allowed memory nodes");
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t weights[NUMAFS_MAX_NODES];
	const char *spec = argc > 1 ? argv[1] : NULL;
	struct errbuf e = { "" };
	struct nodemask allowed;
	struct topology *t;
	int err;

	if (argc > 2 || (spec && (!strcmp(spec, "-h") || !strcmp(spec, "--help")))) {
		fprintf(argc > 2 ? stderr : stdout,
			"usage: numafs-topology [fake:SPEC]   e.g. fake:4x1G, fake:1G,1G,512M\n");
		return argc > 2;
	}
	err = load(spec, &t, &allowed, &e);
	if (err) {
		fprintf(stderr, "numafs-topology: %s\n", e.msg[0] ? e.msg : strerror(-err));
		return 1;
	}
	topology_default_weights(t, WEIGHTS_DIR, weights);

	printf("%s topology %s, %u memory node%s\n",
	       t->simulated ? "simulated" : "real", spec ? spec : "(libnuma)",
	       nodemask_weight(&t->nodes), nodemask_weight(&t->nodes) == 1 ? "" : "s");
	print_nodes(t, weights);
	err = print_mask("memory nodes", &t->nodes);
	if (!err)
		err = print_mask(spec ? "allowed (all simulated nodes)" : "allowed for this process",
				 &allowed);
	topology_free(t);
	if (err) {
		fprintf(stderr, "numafs-topology: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

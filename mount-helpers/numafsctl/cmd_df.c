// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafsctl df: per-node capacity, use and free space of numafs mounts
 * (MOUNT_STATS), and how many files have pages on each node (FILE_STATS
 * of every file, found by walking the mount).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <mntent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "dftable.h"
#include "nfile.h"
#include "walk.h"

/* The filesystem type numafs mounts show in /proc/self/mounts. */
#define NUMAFS_FSTYPE "fuse.numafs"

static const char df_help[] =
	"Usage: " PROG " df [OPTION]... [MOUNT]...\n"
	"Per node of each numafs MOUNT (all numafs mounts by default): capacity,\n"
	"bytes used, bytes free, and how many files under MOUNT have pages there,\n"
	"as numastat lays out its tables.  Then the mount's migration totals.\n"
	"\n"
	"  -k, -m, -g         sizes in KiB, MiB or GiB (default: human-readable)\n"
	"      --no-files     do not walk MOUNT to count files per node\n"
	"  -h, --help         show this help\n";

struct df_request {
	enum size_unit unit;
	bool with_files;
};

struct file_count {
	unsigned int nr_nodes;
	uint64_t per_node[NUMAFS_MAX_NODES];
	uint64_t total;
};

static int count_file(void *arg, const char *path)
{
	struct file_count *c = arg;
	struct file_usage *u = malloc(sizeof(*u));
	struct nfile f;
	int ret = -ENOMEM;

	if (u)
		ret = nfile_open(&f, path, 0);
	if (!ret) {
		ret = nfile_file_usage(&f, c->nr_nodes, u);
		nfile_close(&f);
	}
	if (!ret) {
		for (unsigned int n = 0; n < c->nr_nodes; n++)
			c->per_node[n] += !!u->node_pages[n];
		c->total += !!u->head.pages;
	}
	free(u);
	return ret ? ctl_fail(path, -ret, OP_QUERY) : 0;
}

/* Nodes with memory or pages, in order, with their file counts. */
static unsigned int collect_nodes(const struct mount_usage *u, const struct file_count *c,
				  struct node_use *out)
{
	unsigned int n = 0;

	for (unsigned int node = 0; node < u->head.nr_nodes; node++) {
		const struct numafs_node_usage *src = &u->node[node];

		if (!src->capacity && !src->used)
			continue;
		out[n++] = (struct node_use){
			.node = node, .capacity = src->capacity, .used = src->used,
			.free = src->free, .files = c ? c->per_node[node] : 0,
		};
	}
	return n;
}

static int df_print_mount(const struct df_request *r, const char *mount,
			  const struct mount_usage *u, struct file_count *c)
{
	struct node_use *nodes = calloc(NUMAFS_MAX_NODES, sizeof(*nodes));
	struct df_table t = {
		.nodes = nodes, .with_files = r->with_files,
		.total_files = c ? c->total : 0, .unit = r->unit,
	};

	if (!nodes)
		return ctl_fail(mount, ENOMEM, OP_QUERY);
	t.nr_nodes = collect_nodes(u, c, nodes);
	printf("numafs on %s\n", mount);
	df_print(stdout, &t);
	printf("Migrated pages: %" PRIu64 " (%" PRIu64 " failed, %" PRIu64 " pending)\n",
	       u->head.migrated, u->head.migrate_failed, u->head.migrate_pending);
	free(nodes);
	return CTL_OK;
}

static int df_one(const struct df_request *r, const char *mount)
{
	struct mount_usage *u = malloc(sizeof(*u));
	struct file_count *c = NULL;
	int status = CTL_OK, ret = -ENOMEM;
	struct nfile f;

	if (u)
		ret = nfile_open(&f, mount, 0);
	if (ret) {
		free(u);
		return ctl_fail(mount, -ret, OP_OPEN);
	}
	ret = nfile_mount_usage(&f, u);
	nfile_close(&f);
	if (ret) {
		free(u);
		return ctl_fail(mount, -ret, OP_QUERY);
	}
	if (r->with_files) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			free(u);
			return ctl_fail(mount, ENOMEM, OP_QUERY);
		}
		c->nr_nodes = u->head.nr_nodes;
		status = walk_files(mount, count_file, c);
	}
	if (df_print_mount(r, mount, u, c))
		status = CTL_ERROR;
	free(c);
	free(u);
	return status;
}

static int df_all(const struct df_request *r)
{
	FILE *mounts = setmntent("/proc/self/mounts", "r");
	int status = CTL_OK, found = 0;
	struct mntent *m;

	if (!mounts)
		return ctl_fail("/proc/self/mounts", errno, OP_OPEN);
	while ((m = getmntent(mounts))) {
		if (strcmp(m->mnt_type, NUMAFS_FSTYPE))
			continue;
		if (found++)
			putchar('\n');
		if (df_one(r, m->mnt_dir))
			status = CTL_ERROR;
	}
	endmntent(mounts);
	if (!found) {
		fputs(PROG ": no numafs mount found; mount one or name a MOUNT\n", stderr);
		return CTL_ERROR;
	}
	return status;
}

int cmd_df(int argc, char **argv)
{
	static const struct option options[] = {
		{ "no-files", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct df_request r = { .unit = UNIT_HUMAN, .with_files = true };
	int status = CTL_OK, opt;

	while ((opt = getopt_long(argc, argv, "kmgh", options, NULL)) != -1) {
		ctl_common_option(opt, argv[0], df_help);
		if (opt == 'F')
			r.with_files = false;
		else
			r.unit = opt == 'k' ? UNIT_K : opt == 'm' ? UNIT_M : UNIT_G;
	}
	if (optind == argc)
		return df_all(&r);
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			putchar('\n');
		if (df_one(&r, argv[i]))
			status = CTL_ERROR;
	}
	return status;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafsctl show, where: what a file's policies say and where its pages
 * are.  Asking never allocates: the daemon reports holes as holes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ctl.h"
#include "format.h"
#include "nfile.h"
#include "runs.h"

static const char show_help[] =
	"Usage: " PROG " show FILE...\n"
	"For each FILE, numa_maps style: its base policy, the pages it stores, how\n"
	"many are on each node (Nk=pages), how many are misplaced (not where the\n"
	"policy covering them would put them now), then each range override with\n"
	"its policy.\n"
	"\n"
	"  -h, --help         show this help\n";

static const char where_help[] =
	"Usage: " PROG " where [OPTION]... FILE [OFFSET+LENGTH]\n"
	"The node of each page of FILE (or of the page-aligned byte range), as runs\n"
	"of page numbers: '0-255: node 1', '256-511: interleave 0,1,2,3' (pages\n"
	"cycling over those nodes), '512-1023: hole' (no page stored).\n"
	"\n"
	"      --raw          one line per page: PAGE NODE (NODE is 'hole' for a hole)\n"
	"  -h, --help         show this help\n";

/* Returns -errno: with_policies() reports it. */
static int print_show(const struct nfile *f, const char *base, const char *ranges)
{
	struct file_usage *u = malloc(sizeof(*u));
	struct nodemask nodes;
	unsigned int nr_nodes;
	int ret;

	if (!u)
		return -ENOMEM;
	ret = nfile_mount_nodes(f, &nodes, NULL, &nr_nodes);
	if (!ret)
		ret = nfile_file_usage(f, nr_nodes, u);
	if (!ret) {
		printf("%s: %s pages=%" PRIu64, f->path, base, u->head.pages);
		for (unsigned int n = 0; n < nr_nodes; n++)
			if (u->node_pages[n])
				printf(" N%u=%" PRIu64, n, u->node_pages[n]);
		printf(" misplaced=%" PRIu64 "\n%s", u->head.misplaced, ranges);
	}
	free(u);
	return ret;
}

int cmd_show(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int status = CTL_OK, opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1)
		ctl_common_option(opt, argv[0], show_help);
	if (optind == argc)
		return ctl_usage(argv[0], "expected at least one FILE");
	for (int i = optind; i < argc; i++)
		if (with_policies(argv[i], "  ", print_show))
			status = CTL_ERROR;
	return status;
}

static void print_run(void *arg, const struct page_run *run)
{
	run_print(arg, run);
}

static void print_page(uint64_t page, int32_t node)
{
	if (node >= 0)
		printf("%" PRIu64 " %" PRId32 "\n", page, node);
	else
		printf("%" PRIu64 " %s\n", page, node == -ENOENT ? "hole" : "unknown");
}

/* The pages of @r, NUMAFS_WHERE_BATCH per ioctl, printed as they come. */
static int where_range(const struct nfile *f, const struct byte_range *r, bool raw)
{
	uint64_t page_size = ctl_page_size();
	uint64_t page = r->offset / page_size, end = page + r->length / page_size;
	struct numafs_where w;
	struct run_builder *b = malloc(sizeof(*b));
	int ret = 0;

	if (!b)
		return -ENOMEM;
	runs_init(b, page, print_run, stdout);
	if (page == end)	/* nothing to ask, but is it numafs's? */
		ret = nfile_probe(f);
	while (page < end && !ret) {
		w.size = sizeof(w);
		w.offset = page * page_size;
		w.count = end - page < NUMAFS_WHERE_BATCH ? (uint32_t)(end - page) : NUMAFS_WHERE_BATCH;
		ret = nfile_ioctl(f, NUMAFS_IOC_WHERE, &w);
		if (!ret && (!w.count || w.count > NUMAFS_WHERE_BATCH))
			ret = -EPROTO;
		for (uint32_t i = 0; !ret && i < w.count; i++, page++) {
			if (raw)
				print_page(page, w.node[i]);
			else
				runs_add(b, w.node[i]);
		}
	}
	runs_finish(b);
	free(b);
	return ret;
}

/* The whole file when no range is given, to its last (partial) page. */
static int file_range(const struct nfile *f, struct byte_range *r)
{
	uint64_t page_size = ctl_page_size();
	struct stat st;

	if (fstat(f->fd, &st))
		return -errno;
	r->offset = 0;
	r->length = ((uint64_t)st.st_size + page_size - 1) / page_size * page_size;
	return 0;
}

int cmd_where(int argc, char **argv)
{
	static const struct option options[] = {
		{ "raw", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct byte_range r;
	bool raw = false;
	struct errbuf e;
	struct nfile f;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		ctl_common_option(opt, argv[0], where_help);
		raw = raw || opt == 'R';
	}
	if (argc - optind < 1 || argc - optind > 2)
		return ctl_usage(argv[0], "expected FILE and an optional OFFSET+LENGTH");
	if (argc - optind == 2 && range_parse(argv[optind + 1], ctl_page_size(), &r, &e))
		return ctl_usage(argv[0], "bad range \"%s\": %s", argv[optind + 1], e.msg);
	ret = nfile_open(&f, argv[optind], 0);
	if (ret)
		return ctl_fail(argv[optind], -ret, OP_OPEN);
	if (argc - optind == 1)
		ret = file_range(&f, &r);
	if (!ret)
		ret = where_range(&f, &r, raw);
	nfile_close(&f);
	return ret ? ctl_fail(argv[optind], -ret, OP_QUERY) : CTL_OK;
}

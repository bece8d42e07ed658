// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafsctl migrate, populate: moving stored pages (MIGRATE ioctl, as
 * migratepages does for a process) and allocating missing ones by policy
 * (as numactl --touch does for shared memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "convert.h"
#include "ctl.h"
#include "format.h"
#include "nfile.h"
#include "walk.h"

static const char migrate_help[] =
	"Usage: " PROG " migrate [OPTION]... --to NODES FILE|DIR...\n"
	"  or:  " PROG " migrate [OPTION]... --conform FILE|DIR...\n"
	"Move the pages of each FILE onto NODES (numactl syntax: 0-3, 1,3, !2, all),\n"
	"or with --conform move only the pages that are not where their policy would\n"
	"put them now.  Policies do not change: 'set --move' changes both.\n"
	"\n"
	"  -t, --to=NODES     the target nodes\n"
	"      --conform      move misplaced pages back to their policy's nodes\n"
	"  -r, --recursive    the files below each DIR, on the same mount\n"
	"  -a, --all          move pages that programs have mapped too (needs root\n"
	"                     or CAP_SYS_NICE)\n"
	"  -v, --verbose      say how many pages moved, per file and in total\n"
	"  -h, --help         show this help\n";

static const char populate_help[] =
	"Usage: " PROG " populate FILE [OFFSET+LENGTH]\n"
	"Allocate every page of FILE (or of the page-aligned byte range) that is not\n"
	"stored yet, on the node its policy chooses, as a first write would.  The\n"
	"file's content and size never change; pages past its end are allocated too\n"
	"(as fallocate --keep-size does), ready for when it grows.\n"
	"\n"
	"  -h, --help         show this help\n";

enum { OPT_CONFORM = 256 };

struct migrate_request {
	const char *nodes;	/* --to, or NULL for --conform */
	uint32_t flags;		/* NUMAFS_MIGRATE_* */
	bool recursive;
	bool verbose;
	uint64_t moved;		/* totals */
	uint64_t failed;
};

/*
 * --to's nodes on @f's mount: "all" and "!" mean the nodes it may use now,
 * and only those may receive pages.
 */
static int target_nodes(const struct migrate_request *r, const struct nfile *f,
			uint64_t out[NUMAFS_NODEMASK_WORDS])
{
	struct nodemask on_mount, allowed, nodes, outside;
	unsigned int nr_nodes;
	struct errbuf e;
	int ret;

	ret = nfile_mount_nodes(f, &on_mount, &allowed, &nr_nodes);
	if (ret)
		return ctl_fail(f->path, -ret, OP_QUERY);
	if (nodemask_parse(r->nodes, &allowed, &nodes, &e))
		return ctl_failf(f->path, "nodes \"%s\": %s", r->nodes, e.msg);
	nodemask_andnot(&outside, &nodes, &on_mount);
	if (!nodemask_empty(&outside))
		return ctl_failf(f->path, "node %d is not a memory node of this mount",
				 nodemask_nth(&outside, 0));
	nodemask_andnot(&outside, &nodes, &allowed);
	if (!nodemask_empty(&outside))
		return ctl_failf(f->path, "node %d is outside the nodes this mount may use now (its cpuset)",
				 nodemask_nth(&outside, 0));
	if (nodemask_empty(&nodes))
		return ctl_failf(f->path, "nodes \"%s\" leave no node of this mount", r->nodes);
	nodemask_to_uapi(&nodes, out);
	return CTL_OK;
}

static int migrate_opened(struct migrate_request *r, const struct nfile *f)
{
	struct numafs_migrate m = { .size = sizeof(m), .flags = r->flags };
	int ret;

	if (r->nodes && target_nodes(r, f, m.nodes))
		return CTL_ERROR;
	ret = nfile_ioctl(f, NUMAFS_IOC_MIGRATE, &m);
	if (ret)
		return ctl_fail(f->path, -ret, OP_MIGRATE);
	r->moved += m.moved;
	r->failed += m.failed;
	if (r->verbose)
		printf("%s: %" PRIu64 " pages moved\n", f->path, m.moved);
	if (m.failed)
		return ctl_failf(f->path, "%" PRIu64 " pages could not move%s", m.failed,
				 r->flags & NUMAFS_MIGRATE_ALL ? " (no space on the target nodes?)" :
				 " (mapped by a program? --all moves those, as root)");
	return CTL_OK;
}

static int migrate_file(void *arg, const char *path)
{
	struct nfile f;
	int ret = nfile_open(&f, path, 0);

	if (ret)
		return ctl_fail(path, -ret, OP_OPEN);
	ret = migrate_opened(arg, &f);
	nfile_close(&f);
	return ret;
}

static int migrate_arg(struct migrate_request *r, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return ctl_fail(path, errno, OP_OPEN);
	if (!S_ISDIR(st.st_mode))
		return migrate_file(r, path);
	if (!r->recursive)
		return ctl_failf(path, "is a directory; add --recursive to migrate the files below it");
	return walk_files(path, migrate_file, r);
}

static int parse_migrate_options(int argc, char **argv, struct migrate_request *r)
{
	static const struct option options[] = {
		{ "to", required_argument, NULL, 't' },
		{ "conform", no_argument, NULL, OPT_CONFORM },
		{ "recursive", no_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nodemask syntax_only;
	struct errbuf e;
	int opt;

	while ((opt = getopt_long(argc, argv, "t:ravh", options, NULL)) != -1) {
		ctl_common_option(opt, argv[0], migrate_help);
		r->nodes = opt == 't' ? optarg : r->nodes;
		r->flags |= opt == OPT_CONFORM ? NUMAFS_MIGRATE_CONFORM :
			    opt == 'a' ? NUMAFS_MIGRATE_ALL : 0;
		r->recursive = r->recursive || opt == 'r';
		r->verbose = r->verbose || opt == 'v';
	}
	if (!r->nodes == !(r->flags & NUMAFS_MIGRATE_CONFORM))
		return ctl_usage(argv[0], "give either --to NODES or --conform");
	if (r->nodes && nodemask_parse(r->nodes, NULL, &syntax_only, &e))
		return ctl_usage(argv[0], "bad node list \"%s\": %s", r->nodes, e.msg);
	if (optind == argc)
		return ctl_usage(argv[0], "expected at least one FILE or DIR");
	return CTL_OK;
}

int cmd_migrate(int argc, char **argv)
{
	struct migrate_request r = { 0 };
	int status = parse_migrate_options(argc, argv, &r);

	if (status)
		return status;
	for (int i = optind; i < argc; i++)
		if (migrate_arg(&r, argv[i]))
			status = CTL_ERROR;
	if (r.verbose)
		printf("total: %" PRIu64 " pages moved, %" PRIu64 " could not move\n",
		       r.moved, r.failed);
	return status;
}

/*
 * fallocate(), not touching pages: writing back a byte read from a hole
 * would race with a program writing the same byte (its write lost), and
 * would cost two requests per page.  fallocate allocates only the pages
 * that are missing, never changes data, and the daemon places each new
 * page by the policy covering it, as for a first write.
 */
static int populate_range(const struct nfile *f, const struct byte_range *r)
{
	if (!r->length)
		return 0;
	if (fallocate(f->fd, FALLOC_FL_KEEP_SIZE, (off_t)r->offset, (off_t)r->length))
		return -errno;
	return 0;
}

int cmd_populate(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct byte_range r = { 0 };
	struct errbuf e;
	struct stat st;
	struct nfile f;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1)
		ctl_common_option(opt, argv[0], populate_help);
	if (argc - optind < 1 || argc - optind > 2)
		return ctl_usage(argv[0], "expected FILE and an optional OFFSET+LENGTH");
	if (argc - optind == 2 && range_parse(argv[optind + 1], ctl_page_size(), &r, &e))
		return ctl_usage(argv[0], "bad range \"%s\": %s", argv[optind + 1], e.msg);
	ret = nfile_open(&f, argv[optind], O_WRONLY);
	if (ret)
		return ctl_fail(argv[optind], -ret, OP_POPULATE);
	ret = nfile_probe(&f);
	if (!ret && argc - optind == 1)
		ret = fstat(f.fd, &st) ? -errno : 0;
	if (!ret && argc - optind == 1)
		r.length = (uint64_t)st.st_size;
	if (!ret)
		ret = populate_range(&f, &r);
	nfile_close(&f);
	return ret ? ctl_fail(argv[optind], -ret, OP_POPULATE) : CTL_OK;
}

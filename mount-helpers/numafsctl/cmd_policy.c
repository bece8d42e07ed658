// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafsctl set, get: a file's policies through the SET_POLICY and
 * GET_POLICY ioctls.  Policies are parsed here, by the same engine the
 * daemon uses, so a typo is caught before any file is touched.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "ctl.h"
#include "format.h"
#include "nfile.h"

static const char set_help[] =
	"Usage: " PROG " set [OPTION]... POLICY FILE...\n"
	"  or:  " PROG " set --range OFFSET+LENGTH [OPTION]... POLICY FILE\n"
	"Set the base policy of each FILE (of a directory: the default for what is\n"
	"created in it), or the policy of one byte range of FILE.  Pages already\n"
	"stored stay where they are unless --move or --move-all is given.\n"
	"\n"
	"  -r, --range=OFFSET+LENGTH  only this range: page-aligned bytes, K/M/G\n"
	"                             suffixes (0+2M); POLICY 'default' removes the\n"
	"                             overrides there\n"
	"      --strict       fail (and change nothing) if stored pages are not on\n"
	"                     the policy's nodes\n"
	"      --move         move stored pages that no program has mapped\n"
	"      --move-all     move mapped pages too (needs root or CAP_SYS_NICE)\n"
	"  -h, --help         show this help\n"
	"\n"
	"POLICY is MODE[=static|=relative][:NODES]: interleave:0-3, bind=static:1,3,\n"
	"preferred:2, preferred-many:0,1, weighted-interleave:0*3,1*1,\n"
	"interleave:!2 (every node of the mount but 2), local, default.\n";

static const char get_help[] =
	"Usage: " PROG " get FILE\n"
	"Print FILE's base policy, then one line per range override:\n"
	"OFFSET+LENGTH POLICY, as user.numa.ranges lists them.\n"
	"\n"
	"  -h, --help         show this help\n";

enum { OPT_STRICT = 256, OPT_MOVE, OPT_MOVE_ALL };

struct set_request {
	const char *policy;
	uint32_t flags;			/* NUMAFS_SET_* */
	struct byte_range range;	/* unless NUMAFS_SET_BASE */
};

static int set_one(const struct set_request *r, const char *path)
{
	struct numafs_set_policy req = {
		.size = sizeof(req), .flags = r->flags,
		.offset = r->range.offset, .length = r->range.length,
	};
	struct nodemask nodes, allowed;
	struct policy_env env = { .online = &nodes, .allowed = &allowed };
	unsigned int nr_nodes;
	struct errbuf e;
	struct nfile f;
	int ret;

	ret = nfile_open(&f, path, 0);
	if (ret)
		return ctl_fail(path, -ret, OP_OPEN);
	ret = nfile_mount_nodes(&f, &nodes, &allowed, &nr_nodes);
	if (ret) {
		ret = ctl_fail(path, -ret, OP_QUERY);
		goto out;
	}
	ret = policy_text_to_uapi_env(r->policy, &env, &req.policy, &e);
	if (ret) {
		ret = ctl_failf(path, "policy \"%s\" does not fit this mount: %s", r->policy, e.msg);
		goto out;
	}
	ret = nfile_ioctl(&f, NUMAFS_IOC_SET_POLICY, &req);
	if (ret)
		ret = ctl_fail(path, -ret, OP_SET);
out:
	nfile_close(&f);
	return ret;
}

static int parse_set_options(int argc, char **argv, struct set_request *r)
{
	static const struct option options[] = {
		{ "range", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "move", no_argument, NULL, OPT_MOVE },
		{ "move-all", no_argument, NULL, OPT_MOVE_ALL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct errbuf e;
	int opt;

	r->flags = NUMAFS_SET_BASE;
	while ((opt = getopt_long(argc, argv, "r:h", options, NULL)) != -1) {
		ctl_common_option(opt, argv[0], set_help);
		if (opt == 'r') {
			if (range_parse(optarg, ctl_page_size(), &r->range, &e))
				return ctl_usage(argv[0], "bad range \"%s\": %s", optarg, e.msg);
			r->flags &= ~NUMAFS_SET_BASE;
		}
		r->flags |= opt == OPT_STRICT ? NUMAFS_SET_STRICT :
			    opt == OPT_MOVE ? NUMAFS_SET_MOVE :
			    opt == OPT_MOVE_ALL ? NUMAFS_SET_MOVE_ALL : 0;
	}
	if (argc - optind < 2)
		return ctl_usage(argv[0], "expected a POLICY and at least one FILE");
	if (!(r->flags & NUMAFS_SET_BASE) && argc - optind > 2)
		return ctl_usage(argv[0], "--range applies to one FILE only");
	r->policy = argv[optind++];
	/* The syntax alone, before any file: nodes are checked per mount. */
	if (policy_text_to_uapi(r->policy, NULL, &(struct numafs_policy){ 0 }, &e))
		return ctl_usage(argv[0], "bad policy \"%s\": %s", r->policy, e.msg);
	return CTL_OK;
}

int cmd_set(int argc, char **argv)
{
	struct set_request r = { 0 };
	int status = parse_set_options(argc, argv, &r);

	if (status)
		return status;
	for (int i = optind; i < argc; i++)
		if (set_one(&r, argv[i]))
			status = CTL_ERROR;
	return status;
}

struct description {
	char *base;
	size_t len;
	FILE *ranges;
	const char *indent;
};

static int describe_piece(void *arg, const struct numafs_get_policy *piece)
{
	struct description *d = arg;
	char text[POLICY_TEXT_MAX], where[2 * SIZE_TEXT_MAX];
	struct byte_range range = { piece->start, piece->length };

	if (policy_uapi_to_text(&piece->policy, text, sizeof(text), NULL))
		return -EPROTO;
	if (!(piece->flags & NUMAFS_GOT_RANGE)) {
		snprintf(d->base, d->len, "%s", text);
		return 0;
	}
	range_print(&range, where);
	fprintf(d->ranges, "%s%s %s\n", d->indent, where, text);
	return 0;
}

/* The ranges come before the base in offset order, so they wait in memory. */
static int describe_policies(const struct nfile *f, char *base, size_t len,
			     const char *indent, char **ranges)
{
	struct description d = { base, len, NULL, indent };
	size_t ranges_len;
	int ret;

	*ranges = NULL;
	d.ranges = open_memstream(ranges, &ranges_len);
	if (!d.ranges)
		return -ENOMEM;
	ret = nfile_walk_policies(f, describe_piece, &d);
	if (fclose(d.ranges) && !ret)
		ret = -ENOMEM;
	return ret;
}

int with_policies(const char *path, const char *indent, policies_fn *print)
{
	char base[POLICY_TEXT_MAX], *ranges;
	struct nfile f;
	int ret;

	ret = nfile_open(&f, path, 0);
	if (ret)
		return ctl_fail(path, -ret, OP_OPEN);
	ret = describe_policies(&f, base, sizeof(base), indent, &ranges);
	if (!ret)
		ret = print(&f, base, ranges);
	free(ranges);
	nfile_close(&f);
	return ret ? ctl_fail(path, -ret, OP_QUERY) : CTL_OK;
}

static int print_get(const struct nfile *f, const char *base, const char *ranges)
{
	printf("%s\n%s", base, ranges);
	return 0;
}

int cmd_get(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1)
		ctl_common_option(opt, argv[0], get_help);
	if (argc - optind != 1)
		return ctl_usage(argv[0], "expected one FILE");
	return with_policies(argv[optind], "", print_get);
}

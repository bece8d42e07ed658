// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafs [-f] [-d] [-o OPTIONS] [SOURCE] MOUNTPOINT
 *
 * Parse the options, build the mount, then serve FUSE requests with a
 * pool of threads until the filesystem is unmounted or a SIGTERM, SIGINT
 * or SIGHUP arrives (then numafs unmounts it).  SOURCE, which mount.fuse
 * passes, becomes the fsname.  With -o remount,... numafs changes the
 * mount already served at MOUNTPOINT instead (fs/remount_client.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "file.h"
#include "loop.h"
#include "migrate.h"
#include "numafs.h"
#include "ops.h"
#include "options.h"
#include "remount.h"

static void usage(const char *prog)
{
	printf("usage: %s [-f] [-d] [-o OPTIONS] [SOURCE] MOUNTPOINT\n"
	       "\n"
	       "A tmpfs-like filesystem whose files' pages are placed on NUMA nodes\n"
	       "by a memory policy per file and per byte range.\n"
	       "\n"
	       "    -f                     stay in the foreground\n"
	       "    -d                     debug output (implies -f)\n"
	       "    -h, --help             this help\n"
	       "    -V, --version          the version\n"
	       "    -o remount,OPTIONS     change size=, nr_inodes=, mpol= (and ro/rw...)\n"
	       "                           of the numafs mounted at MOUNTPOINT\n"
	       "\n"
	       "SOURCE, when given, is the fsname (default numafs).\n"
	       "\n", prog);
	options_help();
	printf("\nFUSE options:\n");
	fuse_lowlevel_help();
}

static int serve(struct fuse_session *se, const struct fuse_cmdline_opts *cmd)
{
	static const struct loop_hooks hooks = {
		.received = file_order_received,
		.served = file_order_served,
	};

	if (cmd->singlethread)
		return fuse_session_loop(se);
	return loop_run(se, cmd->max_threads, &hooks);
}

/* Mount @fs at @cmd->mountpoint and serve it; the exit status. */
static int run(struct numafs *fs, struct fuse_args *args, const struct fuse_cmdline_opts *cmd)
{
	struct fuse_session *se;
	int err = 1;

	se = fuse_session_new(args, &numafs_ops, sizeof(numafs_ops), fs);
	if (!se)
		return 1;
	fs->se = se;
	if (fuse_set_signal_handlers(se))
		goto out_destroy;
	if (fuse_session_mount(se, cmd->mountpoint))
		goto out_signals;
	if (fuse_daemonize(cmd->foreground))
		goto out_unmount;
	/* [added by migrate] Threads after the fork of fuse_daemonize(). */
	if (migrate_start(fs)) {
		fprintf(stderr, "numafs: cannot start the migration threads\n");
		goto out_unmount;
	}
	/* A signal ends the loop with its number: a normal way to stop. */
	err = serve(se, cmd) < 0;
out_unmount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
	fs->se = NULL;
	return err;
}

/* The index of the @n-th argument that is neither an option nor -o's value. */
static int positional(const struct fuse_args *args, int n)
{
	for (int i = 1; i < args->argc; i++) {
		const char *a = args->argv[i];

		if (!strcmp(a, "-o"))
			i++;
		else if (a[0] != '-' && n-- == 0)
			return i;
	}
	return -1;
}

/* "numafs SOURCE MOUNTPOINT", as mount.fuse runs it: SOURCE is the fsname. */
static int take_source(struct fuse_args *args)
{
	struct fuse_args rest = FUSE_ARGS_INIT(0, NULL);
	int source = positional(args, 0), err = 0;
	char *opt;

	if (source < 0 || positional(args, 1) < 0)
		return 0;
	if (asprintf(&opt, "-ofsname=%s", args->argv[source]) < 0)
		return -1;
	/* First, so that an fsname= among the options comes later and wins. */
	for (int i = 0; i < args->argc && !err; i++) {
		if (i != source)
			err = fuse_opt_add_arg(&rest, args->argv[i]);
		if (i == 0 && !err)
			err = fuse_opt_add_arg(&rest, opt);
	}
	free(opt);
	fuse_opt_free_args(args);
	*args = rest;
	return err;
}

static int parse(struct fuse_args *args, struct numafs *fs, struct fuse_cmdline_opts *cmd)
{
	if (take_source(args)) {
		fprintf(stderr, "numafs: out of memory\n");
		return 1;
	}
	if (remount_requested(args)) {
		int mp = positional(args, 0);

		if (mp < 0) {
			fprintf(stderr, "numafs: remount: no MOUNTPOINT\n");
			return 1;
		}
		return remount_client(args, args->argv[mp]);
	}
	if (options_parse(args, &fs->opt))
		return 1;
	if (fuse_parse_cmdline(args, cmd))
		return 1;
	if (cmd->show_help) {
		usage(args->argv[0]);
		return 0;
	}
	if (cmd->show_version) {
		printf("numafs %s, libfuse %s\n", NUMAFS_VERSION, fuse_pkgversion());
		return 0;
	}
	if (!cmd->mountpoint) {
		fprintf(stderr, "usage: %s [-f] [-d] [-o OPTIONS] [SOURCE] MOUNTPOINT"
			" (--help for more)\n",
			args->argv[0]);
		return 1;
	}
	fs->opt.debug = cmd->debug;
	return -1;
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd = { 0 };
	struct numafs fs = { 0 };
	struct errbuf e = { "" };
	int status = parse(&args, &fs, &cmd);

	if (status < 0) {
		if (numafs_setup(&fs, &e)) {
			fprintf(stderr, "numafs: %s\n", e.msg[0] ? e.msg : "cannot set up the mount");
			status = 1;
		} else {
			status = run(&fs, &args, &cmd);
			numafs_teardown(&fs);
		}
	}
	free(cmd.mountpoint);
	fuse_opt_free_args(&args);
	options_free(&fs.opt);
	return status;
}

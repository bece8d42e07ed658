// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount.numafs: what mount(8) runs for "mount -t numafs" and fstab lines.
 *
 *	mount.numafs SOURCE DIR [-o OPTIONS] [-n] [-s] [-f] [-v]
 *
 * becomes
 *
 *	numafs -o fsname=SOURCE,OPTIONS DIR
 *
 * minus the options that only mount(8) reads (noauto, nofail, x-*, ...).
 * The daemon is looked for next to this program (installed side by side,
 * or build/fs/numafs from build/mount-helpers), then where the build
 * installs it, then on PATH.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef NUMAFS_DAEMON_PATH
#define NUMAFS_DAEMON_PATH "/usr/local/bin/numafs"
#endif

/* mount(8)'s exit statuses: bad invocation, and "mount failure". */
#define EXIT_USAGE 1
#define EXIT_MOUNT_FAILED 32

struct request {
	const char *source;
	const char *dir;
	const char **lists;	/* the -o arguments, in order */
	int nr_lists;
	bool fake;		/* -f: say what would run, run nothing */
	bool verbose;
};

/* The daemon's -o argument, growing. */
struct optstr {
	char *text;
	size_t len;
	size_t size;
};

static void __attribute__((noreturn)) out_of_memory(void)
{
	fprintf(stderr, "mount.numafs: out of memory\n");
	exit(EXIT_MOUNT_FAILED);
}

#define USAGE "usage: mount.numafs SOURCE DIR [-o OPTIONS] [-n] [-s] [-f] [-v]\n"

static void usage_error(void)
{
	fprintf(stderr, USAGE "(mount.numafs --help says more)\n");
}

static void usage(void)
{
	printf(USAGE
		"\n"
		"Mounts numafs at DIR by running the numafs daemon; mount(8) runs it for\n"
		"  mount -t numafs -o size=1G,mpol=interleave:0-3 numafs /mnt/numa\n"
		"and for /etc/fstab lines of type numafs.  SOURCE becomes the fsname.\n"
		"\n"
		"  -o OPTIONS  numafs and FUSE mount options (see numafs --help); those\n"
		"              only mount(8) reads (defaults, noauto, nofail, x-*, ...)\n"
		"              are dropped\n"
		"  -f          print the daemon command line and mount nothing\n"
		"  -v          print the daemon command line, then mount\n"
		"  -n, -s      accepted and ignored (no mtab; options are checked by numafs)\n");
}

/* Options that mount(8) consumes itself and the daemon would refuse. */
static bool read_by_mount_only(const char *opt, size_t len)
{
	static const char *const names[] = {
		"rw", "defaults", "auto", "noauto", "user", "nouser", "users",
		"owner", "group", "nofail", "_netdev",
	};

	if (len >= 2 && !strncmp(opt, "x-", 2))
		return true;
	if (len >= 8 && !strncmp(opt, "comment=", 8))
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !strncmp(opt, names[i], len))
			return true;
	return false;
}

/*
 * A node list holds commas ("mpol=interleave:0-3,5", "numa=fake:1G,512M"),
 * as in tmpfs: the pieces that follow such an option and start with a
 * digit belong to it.  libfuse reads "\," as a comma inside one option.
 */
static bool takes_node_list(const char *opt)
{
	return !strncmp(opt, "mpol=", 5) || !strncmp(opt, "numa=", 5);
}

static void append(struct optstr *o, const char *text, size_t len)
{
	if (o->len + len + 1 > o->size) {
		size_t size = 2 * (o->size + len + 1);
		char *grown = realloc(o->text, size);

		if (!grown)
			out_of_memory();
		o->text = grown;
		o->size = size;
	}
	memcpy(o->text + o->len, text, len);
	o->len += len;
	o->text[o->len] = '\0';
}

/* The comma and backslash of a value given outside -o must stay literal. */
static void append_escaped(struct optstr *o, const char *text)
{
	for (; *text; text++) {
		if (*text == ',' || *text == '\\')
			append(o, "\\", 1);
		append(o, text, 1);
	}
}

static void add_options(struct optstr *o, const char *list)
{
	bool in_node_list = false;

	while (*list) {
		size_t len = strcspn(list, ",");

		if (in_node_list && len && list[0] >= '0' && list[0] <= '9') {
			append(o, "\\,", 2);
			append(o, list, len);
		} else if (len && !read_by_mount_only(list, len)) {
			append(o, ",", 1);
			append(o, list, len);
			in_node_list = takes_node_list(list);
		} else {
			in_node_list = false;
		}
		list += len;
		if (*list == ',')
			list++;
	}
}

static int parse_args(struct request *r, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	r->lists = calloc((size_t)argc, sizeof(*r->lists));
	if (!r->lists)
		out_of_memory();
	while ((c = getopt_long(argc, argv, "o:nsfvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			r->lists[r->nr_lists++] = optarg;
			break;
		case 'f':
			r->fake = true;
			break;
		case 'v':
			r->verbose = true;
			break;
		case 'n':
		case 's':
			break;
		case 'h':
			usage();
			exit(0);
		default:
			usage_error();
			return -EINVAL;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "mount.numafs: expected SOURCE and DIR, got %d argument%s\n",
			argc - optind, argc - optind == 1 ? "" : "s");
		usage_error();
		return -EINVAL;
	}
	r->source = argv[optind];
	r->dir = argv[optind + 1];
	return 0;
}

/* Directory of this program, "" when /proc cannot tell. */
static void own_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	buf[n > 0 ? n : 0] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	else
		buf[0] = '\0';
}

/*
 * The daemon to run: next to us, in the build tree's fs/, at the
 * configured install path; else the bare name, for execvp's PATH search.
 */
static const char *find_daemon(char *buf, size_t size)
{
	static const char *const near[] = { "numafs", "../fs/numafs" };
	char dir[PATH_MAX];

	own_dir(dir, sizeof(dir));
	for (size_t i = 0; dir[0] && i < sizeof(near) / sizeof(near[0]); i++) {
		if (snprintf(buf, size, "%s/%s", dir, near[i]) < (int)size &&
		    access(buf, X_OK) == 0)
			return buf;
	}
	if (access(NUMAFS_DAEMON_PATH, X_OK) == 0)
		return NUMAFS_DAEMON_PATH;
	return "numafs";
}

/* "fsname=SOURCE" and every option the daemon should see. */
static char *daemon_options(const struct request *r)
{
	struct optstr o = { 0 };

	append(&o, "fsname=", 7);
	append_escaped(&o, r->source);
	for (int i = 0; i < r->nr_lists; i++)
		add_options(&o, r->lists[i]);
	return o.text;
}

int main(int argc, char **argv)
{
	struct request r = { 0 };
	char path[PATH_MAX], dash_o[] = "-o";
	char *daemon_argv[5];
	const char *daemon;

	if (parse_args(&r, argc, argv))
		return EXIT_USAGE;
	daemon = find_daemon(path, sizeof(path));
	daemon_argv[0] = (char *)daemon;
	daemon_argv[1] = dash_o;
	daemon_argv[2] = daemon_options(&r);
	daemon_argv[3] = (char *)r.dir;
	daemon_argv[4] = NULL;
	if (r.fake || r.verbose)
		printf("%s -o %s %s\n", daemon, daemon_argv[2], r.dir);
	if (r.fake)
		return 0;
	fflush(stdout);
	execvp(daemon, daemon_argv);
	fprintf(stderr, "mount.numafs: cannot run the numafs daemon '%s': %s\n"
		"(looked next to this program, at " NUMAFS_DAEMON_PATH " and on PATH)\n",
		daemon, strerror(errno));
	return EXIT_MOUNT_FAILED;
}

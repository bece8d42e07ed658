// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Mount options: see options.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

enum option_key {
	KEY_SIZE,
	KEY_NR_INODES,
	KEY_MODE,
	KEY_UID,
	KEY_GID,
	KEY_MPOL,
	KEY_NUMA,
	KEY_CPUSET,
	KEY_MIGRATE_RATE,
	KEY_PASSTHROUGH,
	KEY_ALLOW_OTHER,
	KEY_FSNAME,
	KEY_SUBTYPE,
};

static const struct fuse_opt option_specs[] = {
	FUSE_OPT_KEY("size=", KEY_SIZE),
	FUSE_OPT_KEY("nr_inodes=", KEY_NR_INODES),
	FUSE_OPT_KEY("mode=", KEY_MODE),
	FUSE_OPT_KEY("uid=", KEY_UID),
	FUSE_OPT_KEY("gid=", KEY_GID),
	FUSE_OPT_KEY("mpol=", KEY_MPOL),
	FUSE_OPT_KEY("numa=", KEY_NUMA),
	FUSE_OPT_KEY("cpuset=", KEY_CPUSET),
	FUSE_OPT_KEY("migrate_rate=", KEY_MIGRATE_RATE),
	FUSE_OPT_KEY("passthrough=", KEY_PASSTHROUGH),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("fsname=", KEY_FSNAME),
	FUSE_OPT_KEY("subtype=", KEY_SUBTYPE),
	FUSE_OPT_END
};

struct option_state {
	struct numafs_options *opt;
	/*
	 * The node list option just read: as with tmpfs, the pieces that
	 * follow it and start with a digit continue its list
	 * ("mpol=interleave:0-3,5", "numa=fake:1G,512M").
	 */
	char **node_list;
	bool allow_other, fsname, subtype;
	bool failed;
	struct errbuf *e;	/* remount: the reason goes to the caller */
};

static int option_error(struct option_state *st, const char *arg, const char *why)
{
	if (st->e) {
		if (!st->failed)
			err_set(st->e, EINVAL, "bad mount option '%s': %s", arg, why);
	} else {
		fprintf(stderr, "numafs: bad mount option '%s': %s\n", arg, why);
	}
	st->failed = true;
	return -1;
}

static uint64_t total_memory(void)
{
	return (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* A count with an optional k/m/g/t/p/e suffix (powers of 1024). */
static int parse_count(const char *text, uint64_t *out, char *pct)
{
	static const char suffixes[] = "kmgtpe";
	const char *s;
	char *end;
	uint64_t n;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(text, &end, 0);
	if (errno)
		return -EINVAL;
	*pct = 0;
	if (*end && (s = strchr(suffixes, *end | 0x20)) != NULL) {
		unsigned int shift = 10 * (unsigned int)(s - suffixes + 1);

		if (n > UINT64_MAX >> shift)
			return -EINVAL;
		n <<= shift;
		end++;
	} else if (*end == '%') {
		*pct = '%';
		end++;
	}
	if (*end)
		return -EINVAL;
	*out = n;
	return 0;
}

int options_parse_size(const char *text, uint64_t *out)
{
	uint64_t n;
	char pct;

	if (parse_count(text, &n, &pct))
		return -EINVAL;
	if (pct) {
		if (n > 100)
			return -EINVAL;
		n = total_memory() / 100 * n;
	}
	*out = n;
	return 0;
}

/* A count with a suffix but no "%". */
static int parse_number(const char *text, uint64_t *out)
{
	char pct;

	return parse_count(text, out, &pct) || pct ? -EINVAL : 0;
}

static int parse_id(const char *text, unsigned int *out)
{
	uint64_t n;
	char pct;

	if (parse_count(text, &n, &pct) || pct || n >= UINT32_MAX)
		return -EINVAL;
	*out = (unsigned int)n;
	return 0;
}

static int parse_mode(const char *text, mode_t *out)
{
	char *end;
	unsigned long m;

	if (*text < '0' || *text > '7')
		return -EINVAL;
	m = strtoul(text, &end, 8);
	if (*end || m > 07777)
		return -EINVAL;
	*out = (mode_t)m;
	return 0;
}

static int parse_passthrough(const char *text, int *out)
{
	if (!strcmp(text, "on"))
		*out = 1;
	else if (!strcmp(text, "off"))
		*out = 0;
	else if (!strcmp(text, "auto"))
		*out = -1;
	else
		return -EINVAL;
	return 0;
}

static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* "mpol=…,5": append ",5" to the list being read. */
static int continue_node_list(char **list, const char *piece)
{
	size_t len = strlen(*list);
	char *grown = realloc(*list, len + strlen(piece) + 2);

	if (!grown)
		return -ENOMEM;
	grown[len] = ',';
	strcpy(grown + len + 1, piece);
	*list = grown;
	return 0;
}

static int numafs_value(struct option_state *st, int key, const char *value)
{
	struct numafs_options *opt = st->opt;

	switch (key) {
	case KEY_SIZE:
		return options_parse_size(value, &opt->size);
	case KEY_NR_INODES:
		return parse_number(value, &opt->nr_inodes);
	case KEY_MODE:
		return parse_mode(value, &opt->root_mode);
	case KEY_UID:
		return parse_id(value, &opt->root_uid);
	case KEY_GID:
		return parse_id(value, &opt->root_gid);
	case KEY_PASSTHROUGH:
		return parse_passthrough(value, &opt->passthrough);
	case KEY_CPUSET:
		return *value ? set_string(&opt->cpuset, value) : -EINVAL;
	case KEY_MIGRATE_RATE:
		return parse_number(value, &opt->migrate_rate);
	case KEY_MPOL:
		st->node_list = &opt->mpol;
		return *value ? set_string(&opt->mpol, value) : -EINVAL;
	case KEY_NUMA:
		st->node_list = &opt->numa;
		if (strcmp(value, "real") && strncmp(value, "fake:", 5))
			return -EINVAL;
		return set_string(&opt->numa, value);
	}
	return -EINVAL;
}

/* Options FUSE reads: note what we saw, keep them for libfuse. */
static int fuse_option(struct option_state *st, int key)
{
	if (key == KEY_ALLOW_OTHER)
		st->allow_other = true;
	else if (key == KEY_FSNAME)
		st->fsname = true;
	else if (key == KEY_SUBTYPE)
		st->subtype = true;
	return 1;
}

static int option_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct option_state *st = data;
	char **node_list = st->node_list;
	int err;

	st->node_list = NULL;
	if (key == FUSE_OPT_KEY_NONOPT)
		return 1;
	if (key == FUSE_OPT_KEY_OPT) {
		if (node_list && *node_list && *arg >= '0' && *arg <= '9') {
			st->node_list = node_list;
			if (continue_node_list(node_list, arg))
				return option_error(st, arg, "out of memory");
			return 0;
		}
		return 1;
	}
	if (key >= KEY_ALLOW_OTHER)
		return fuse_option(st, key);
	err = numafs_value(st, key, strchr(arg, '=') + 1);
	if (err == -ENOMEM)
		return option_error(st, arg, "out of memory");
	if (err)
		return option_error(st, arg, "malformed value");
	return 0;
}

static void options_defaults(struct numafs_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	/* tmpfs's defaults: half of memory, and an inode per two pages of it. */
	opt->size = total_memory() / 2;
	opt->nr_inodes = total_memory() / (uint64_t)sysconf(_SC_PAGESIZE) / 2;
	opt->root_mode = 01777;
	opt->root_uid = getuid();
	opt->root_gid = getgid();
	opt->passthrough = -1;
}

int options_parse(struct fuse_args *args, struct numafs_options *opt)
{
	struct option_state st = { .opt = opt };
	int err = 0;

	options_defaults(opt);
	if (fuse_opt_parse(args, &st, option_specs, option_proc) || st.failed)
		return -EINVAL;
	if (!opt->numa)
		err = set_string(&opt->numa, "real");
	/* Every user can use a tmpfs: when root mounts, so can every user here. */
	if (!err && !st.allow_other && getuid() == 0)
		err = fuse_opt_add_arg(args, "-oallow_other");
	if (!err && !st.fsname)
		err = fuse_opt_add_arg(args, "-ofsname=numafs");
	if (!err && !st.subtype)
		err = fuse_opt_add_arg(args, "-osubtype=numafs");
	if (!err)
		err = fuse_opt_add_arg(args, "-odefault_permissions");
	if (err) {
		fprintf(stderr, "numafs: out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

/* An option remount cannot change: fine when it keeps its value. */
static int remount_keeps(struct errbuf *e, const char *name, bool same)
{
	return same ? 0 : err_set(e, EINVAL, "%s cannot change on remount", name);
}

static bool same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int options_parse_remount(const char *text, const struct numafs_options *cur,
			  struct numafs_options *next, struct errbuf *e)
{
	char *argv[] = { "numafs", "-o", (char *)text, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct option_state st = { .opt = next, .e = e };
	int err;

	*next = *cur;
	next->mpol = next->numa = next->cpuset = NULL;
	if (set_string(&next->numa, cur->numa) ||
	    (cur->mpol && set_string(&next->mpol, cur->mpol)) ||
	    (cur->cpuset && set_string(&next->cpuset, cur->cpuset))) {
		options_free(next);
		return err_set(e, ENOMEM, "out of memory");
	}
	/* FUSE's and the VFS's options (ro, nosuid, allow_other...) are the kernel's. */
	err = fuse_opt_parse(&args, &st, option_specs, option_proc) || st.failed ? -EINVAL : 0;
	fuse_opt_free_args(&args);
	if (!err)
		err = remount_keeps(e, "numa=", same_string(cur->numa, next->numa));
	if (!err)
		err = remount_keeps(e, "cpuset=", same_string(cur->cpuset, next->cpuset));
	if (!err)
		err = remount_keeps(e, "passthrough=", cur->passthrough == next->passthrough);
	if (!err)
		err = remount_keeps(e, "mode=, uid= and gid=", cur->root_mode == next->root_mode &&
				    cur->root_uid == next->root_uid &&
				    cur->root_gid == next->root_gid);
	if (err)
		options_free(next);
	return err;
}

void options_free(struct numafs_options *opt)
{
	free(opt->mpol);
	free(opt->numa);
	free(opt->cpuset);
	opt->mpol = opt->numa = opt->cpuset = NULL;
}

void options_help(void)
{
	printf("numafs options:\n"
	       "    -o size=SIZE           total file data (k/m/g/t suffix, or N%% of memory;\n"
	       "                           0 = unlimited; default 50%%)\n"
	       "    -o nr_inodes=N         number of inodes (0 = unlimited)\n"
	       "    -o mode=MODE           root directory mode (octal, default 1777)\n"
	       "    -o uid=UID,gid=GID     root directory owner\n"
	       "    -o mpol=POLICY         root directory default NUMA policy\n"
	       "                           (e.g. interleave:0-3, bind:1, preferred:0)\n"
	       "    -o numa=real|fake:SPEC memory nodes: the machine's, or simulated\n"
	       "                           (fake:4x1G or fake:1G,1G,512M)\n"
	       "    -o cpuset=PATH         file holding the allowed node list\n"
	       "                           (default: the daemon's own cpuset)\n"
	       "    -o migrate_rate=MB     background migration, MB/s (0 = unlimited)\n"
	       "    -o passthrough=on|off|auto  FUSE passthrough data path\n"
	       "    -o allow_other         let every user in (default when root mounts)\n"
	       "    -o ro                  read-only\n");
}

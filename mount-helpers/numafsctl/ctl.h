/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What numafsctl's subcommands share: their entry points, exit codes and
 * the way they tell a person what went wrong.
 */
#ifndef NUMAFSCTL_CTL_H
#define NUMAFSCTL_CTL_H

#include <stddef.h>
#include <stdint.h>

#define PROG "numafsctl"

/* Exit codes: as most tools, 1 when something failed, 2 for a bad command line. */
enum {
	CTL_OK = 0,
	CTL_ERROR = 1,
	CTL_USAGE = 2,
};

/* Each subcommand gets its own argv; argv[0] is "numafsctl NAME". */
int cmd_set(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_where(int argc, char **argv);
int cmd_df(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_populate(int argc, char **argv);

/* What a failed request was for, so that its errno can be explained. */
enum ctl_op {
	OP_OPEN,
	OP_QUERY,
	OP_SET,
	OP_MIGRATE,
	OP_POPULATE,
};

/* "numafsctl: PATH: explanation of -@err for @op"; returns CTL_ERROR. */
int ctl_fail(const char *path, int err, enum ctl_op op);
/* "numafsctl: PATH: message"; returns CTL_ERROR. */
int ctl_failf(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "numafsctl CMD: message" and where to find help; returns CTL_USAGE. */
int ctl_usage(const char *argv0, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The common head of every subcommand's option loop: "--help" prints
 * @help (which starts with "Usage:") and exits 0, an unknown option gives
 * a usage error (both exit).  Other options are left to the caller.
 */
void ctl_common_option(int opt, const char *argv0, const char *help);

struct nfile;

/*
 * Open @path, read its base policy and its range overrides, and hand them
 * to @print: @base is the base policy's text, @ranges one line per range
 * override, "@indent OFFSET+LENGTH POLICY" (as user.numa.ranges lists
 * them).  @print returns 0 or -errno; errors are reported here, and the
 * result is CTL_OK or CTL_ERROR.
 */
typedef int policies_fn(const struct nfile *f, const char *base, const char *ranges);

int with_policies(const char *path, const char *indent, policies_fn *print);

/* numafs pages are the kernel's pages. */
uint64_t ctl_page_size(void);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Errors a person can act on: each errno the daemon returns for a kind of
 * request gets a sentence that says what to change, not just strerror().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

struct hint {
	int err;
	enum ctl_op op;		/* OP_OPEN here matches every request */
	const char *text;
};

static const struct hint hints[] = {
	{ ENOTTY, OP_OPEN, "not a numafs file (numafsctl works on files of a numafs mount)" },
	{ EPROTO, OP_OPEN, "the daemon's answer made no sense (do numafsctl and the mounted numafs differ in version?)" },
	{ EACCES, OP_SET, "permission denied: setting a policy needs write permission on the file, or owning it" },
	{ EPERM, OP_SET, "not permitted: setting a policy needs write permission or ownership, and --move-all needs root or CAP_SYS_NICE" },
	{ EIO, OP_SET, "pages already stored do not conform to the policy (--strict); add --move to move them" },
	{ EINVAL, OP_SET, "the daemon refused the policy or range (a node it may not use?); its debug log (-d) gives the reason" },
	{ E2BIG, OP_SET, "too many ranges on this file; set a larger range or the base policy instead" },
	{ ENOSPC, OP_SET, "no space left on the nodes of the policy" },
	{ EACCES, OP_QUERY, "permission denied: reading a file's placement needs read permission" },
	{ EINVAL, OP_QUERY, "the daemon did not accept the request (is numafsctl newer than the mounted numafs?)" },
	{ EPERM, OP_MIGRATE, "not permitted: moving pages needs write permission, and --all needs root or CAP_SYS_NICE" },
	{ EINVAL, OP_MIGRATE, "the daemon refused the migration (a node it may not use?); its debug log (-d) gives the reason" },
	{ ENOSPC, OP_MIGRATE, "no space left on the target nodes" },
	{ ENOSPC, OP_POPULATE, "no space left on the nodes of the file's policy" },
	{ EOPNOTSUPP, OP_POPULATE, "the filesystem cannot allocate pages without writing them (no fallocate)" },
	{ EACCES, OP_POPULATE, "permission denied: populating a file needs write permission" },
};

static const char *explain(int err, enum ctl_op op)
{
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (hints[i].err == err && (hints[i].op == op || hints[i].op == OP_OPEN))
			return hints[i].text;
	return strerror(err);
}

int ctl_fail(const char *path, int err, enum ctl_op op)
{
	fprintf(stderr, PROG ": %s: %s\n", path, explain(err, op));
	return CTL_ERROR;
}

int ctl_failf(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_ERROR;
}

int ctl_usage(const char *argv0, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", argv0);
	return CTL_USAGE;
}

void ctl_common_option(int opt, const char *argv0, const char *help)
{
	if (opt == 'h') {
		fputs(help, stdout);
		exit(CTL_OK);
	}
	if (opt == '?' || opt == ':') {
		/* getopt has said what was wrong, under our argv[0]. */
		fprintf(stderr, "Try '%s --help' for more information.\n", argv0);
		exit(CTL_USAGE);
	}
}

uint64_t ctl_page_size(void)
{
	long size = sysconf(_SC_PAGESIZE);

	return size > 0 ? (uint64_t)size : 4096;
}

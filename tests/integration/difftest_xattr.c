// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The differential tester's extended attributes: set (XATTR_CREATE,
 * XATTR_REPLACE, up to and past the size and name limits), get (the size
 * query, ERANGE, the value), list (as a sorted set), remove.
 *
 * numafs lists its own user.numa.* names besides what tmpfs would store;
 * they are left out of the comparison.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "difftest.h"

#define NUMA_PREFIX "user.numa."

static void gen_name(struct gen *g, char *name)
{
	static const char *const names[] = {
		"user.a", "user.a", "user.b", "user.b", "user.c", "trusted.t",
		"trusted.t", "security.s", "bogus.x", "user.",
	};
	unsigned int pick = (unsigned int)gen_below(g, 12);

	if (pick < 10) {
		strcpy(name, names[pick]);
		return;
	}
	/* 255 bytes in all is the longest name; 256 is ERANGE. */
	strcpy(name, "user.");
	memset(name + 5, 'x', 250 + (pick - 10));
	name[255 + (pick - 10)] = '\0';
}

static void gen_xattr(struct gen *g, const struct tree *a, struct args *x)
{
	static const int flags[] = { 0, 0, XATTR_CREATE, XATTR_REPLACE };

	gen_path(g, x->path);
	gen_name(g, x->name);
	x->flags = flags[gen_below(g, 4)];
	x->whence = gen_one_in(g, 4);		/* do not follow a symlink */
	x->seed = gen_next(g);
	switch (gen_below(g, 20)) {
	case 0: x->len = 65536; break;
	case 1: x->len = 65537; break;
	case 2: case 3: case 4: case 5: case 6: case 7:
		x->len = (off_t)gen_below(g, 4097); break;
	default: x->len = (off_t)gen_below(g, 65);
	}
}

static int full_path(const struct tree *t, const char *path, char *buf, size_t len)
{
	return snprintf(buf, len, "/proc/self/fd/%d/%s", t->root, path);
}

static void run_setxattr(struct tree *t, const struct args *x, struct result *r)
{
	char path[PATH_LEN + 32];

	full_path(t, x->path, path, sizeof(path));
	fill_pattern(r->data, (size_t)x->len, x->seed);
	result_of(r, (x->whence ? lsetxattr : setxattr)(path, x->name, r->data,
							(size_t)x->len, x->flags));
}

/* x->len: 0 asks for the size, else the buffer's size (ERANGE if short). */
static void gen_getxattr(struct gen *g, const struct tree *a, struct args *x)
{
	static const off_t sizes[] = { 0, 1, 16, 64, DATA_MAX, DATA_MAX };

	gen_path(g, x->path);
	gen_name(g, x->name);
	x->whence = gen_one_in(g, 4);
	x->len = sizes[gen_below(g, 6)];
}

static void run_getxattr(struct tree *t, const struct args *x, struct result *r)
{
	char path[PATH_LEN + 32];

	full_path(t, x->path, path, sizeof(path));
	result_of(r, (x->whence ? lgetxattr : getxattr)(path, x->name,
			x->len ? r->data : NULL, (size_t)x->len));
	if (x->len && r->ret > 0)
		r->len = (size_t)r->ret;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The sorted names without numafs's own; ret is the size a size query
 * answered, less the bytes of those names, so both sides must agree.
 */
static void run_listxattr(struct tree *t, const struct args *x, struct result *r)
{
	ssize_t (*list)(const char *, char *, size_t) = x->whence ? llistxattr : listxattr;
	char path[PATH_LEN + 32], buf[DATA_MAX], *names[1024];
	ssize_t query, got;
	size_t n = 0;

	full_path(t, x->path, path, sizeof(path));
	query = list(path, NULL, 0);
	got = list(path, buf, sizeof(buf));
	result_of(r, query < 0 ? query : got);
	if (r->ret < 0)
		return;
	for (char *p = buf; p < buf + got && n < 1024; p += strlen(p) + 1) {
		if (!strncmp(p, NUMA_PREFIX, strlen(NUMA_PREFIX)))
			query -= (ssize_t)strlen(p) + 1;
		else
			names[n++] = p;
	}
	qsort(names, n, sizeof(names[0]), compare_names);
	r->ret = query;
	for (size_t i = 0; i < n; i++)
		result_printf(r, "%.40s%s ", names[i], strlen(names[i]) > 40 ? "..." : "");
}

static void gen_path_name(struct gen *g, const struct tree *a, struct args *x)
{
	gen_path(g, x->path);
	gen_name(g, x->name);
	x->whence = gen_one_in(g, 4);
}

static void run_removexattr(struct tree *t, const struct args *x, struct result *r)
{
	char path[PATH_LEN + 32];

	full_path(t, x->path, path, sizeof(path));
	result_of(r, (x->whence ? lremovexattr : removexattr)(path, x->name));
}

const struct op difftest_xattr_ops[] = {
	{ "setxattr", 20, gen_xattr, run_setxattr },
	{ "getxattr", 20, gen_getxattr, run_getxattr },
	{ "listxattr", 10, gen_path_name, run_listxattr },
	{ "removexattr", 8, gen_path_name, run_removexattr },
};
const size_t difftest_nr_xattr_ops = sizeof(difftest_xattr_ops) / sizeof(difftest_xattr_ops[0]);

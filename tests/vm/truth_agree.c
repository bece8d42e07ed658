// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numa-truth agree FILE: numafs's own accounts of a file's pages, page by
 * page from `numafsctl where --raw` and per node from user.numa.stats,
 * against the kernel's.  Each account numafs cannot give (yet) is said
 * so; the verdict is "skipped" unless both could be compared.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "truth.h"

#define STATS_MAX 4096

static int read_stats(const char *path, char *text)
{
	ssize_t len = getxattr(path, "user.numa.stats", text, STATS_MAX - 1);

	if (len < 0)
		return -errno;
	text[len] = '\0';
	return 0;
}

long long stats_phase(const char *path)
{
	char text[STATS_MAX];
	const char *p;

	if (read_stats(path, text))
		return -1;
	p = strstr(text, "phase=");
	return p ? strtoll(p + 6, NULL, 10) : -1;
}

/* 1: agrees, 0: does not, -1: no account to compare. */
static int stats_agree(const struct mapped_file *m, const size_t *count)
{
	char text[STATS_MAX], *save = NULL;
	size_t said[TRUTH_MAX_NODES] = { 0 }, pages = (size_t)-1;
	int err = read_stats(m->path, text), ok = 1;

	if (err) {
		printf("  user.numa.stats: %s\n", strerror(-err));
		return -1;
	}
	printf("  user.numa.stats: %s\n", text);
	for (char *t = strtok_r(text, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		unsigned int n;
		size_t v;

		if (sscanf(t, "N%u=%zu", &n, &v) == 2 && n < TRUTH_MAX_NODES)
			said[n] = v;
		else if (sscanf(t, "pages=%zu", &v) == 1)
			pages = v;
	}
	for (int n = 0; n < TRUTH_MAX_NODES; n++)
		if (said[n] != count[n]) {
			printf("  user.numa.stats says N%d=%zu, the kernel %zu\n", n, said[n], count[n]);
			ok = 0;
		}
	if (pages != m->pages) {
		printf("  user.numa.stats says pages=%zu, the file has %zu\n", pages, m->pages);
		ok = 0;
	}
	return ok;
}

/* `numafsctl where --raw`: "PAGE NODE" per page. */
static int where_agrees(const struct mapped_file *m)
{
	char command[4096], node[32];
	size_t page, seen = 0, wrong = 0;
	FILE *out;
	int status;

	snprintf(command, sizeof(command), "numafsctl where --raw '%s'", m->path);
	out = popen(command, "r");
	if (!out)
		return -1;
	while (fscanf(out, "%zu %31s", &page, node) == 2) {
		if (page >= m->pages || atoi(node) != m->node[page] || node[0] == 'h') {
			if (wrong++ < 5)
				printf("  numafsctl where: page %zu on %s, the kernel says %d\n",
				       page, node, page < m->pages ? m->node[page] : -1);
		}
		seen++;
	}
	status = pclose(out);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("  numafsctl where failed (status %#x)\n", status);
		return -1;
	}
	printf("  numafsctl where: %zu pages, %zu disagree\n", seen, wrong);
	return !wrong && seen == m->pages;
}

int cmd_agree(int argc, char **argv)
{
	size_t count[TRUTH_MAX_NODES + 1];
	struct mapped_file m;
	int stats, where;

	if (argc != 2) {
		fputs("usage: numa-truth agree FILE\n", stderr);
		return TRUTH_ERROR;
	}
	if (map_file(argv[1], &m))
		return TRUTH_ERROR;
	if (locate_pages(&m)) {
		unmap_file(&m);
		return TRUTH_ERROR;
	}
	count_per_node(&m, count);
	print_per_node(argv[1], count);
	stats = stats_agree(&m, count);
	where = where_agrees(&m);
	unmap_file(&m);
	if (!stats || !where)
		return TRUTH_FAIL;
	return stats < 0 || where < 0 ? TRUTH_SKIP : TRUTH_PASS;
}

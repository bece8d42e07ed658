// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numa-truth fill FILE PAGES write|mmap [NAME=VALUE]...
 *	creates FILE, sets the given xattrs on it while it is empty (so
 *	the policy is there before the first page), then writes PAGES
 *	pages with write() or with first-touch stores through a mapping
 * numa-truth check FILE RULE...	(truth_check.c)
 * numa-truth agree FILE		(truth_agree.c)
 * numa-truth memory FILE PAGES ...	(truth_memory.c)
 * numa-truth as UID COMMAND...		COMMAND as an ordinary user
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "truth.h"

#define FILL_CHUNK_PAGES 64

/* The interface is missing (skip) or refuses a valid request (fail). */
static int set_xattrs(int fd, char **args, int n)
{
	for (int k = 0; k < n; k++) {
		char *eq = strchr(args[k], '=');

		if (!eq) {
			fprintf(stderr, "numa-truth: expected NAME=VALUE, got '%s'\n", args[k]);
			return TRUTH_ERROR;
		}
		*eq = '\0';
		if (fsetxattr(fd, args[k], eq + 1, strlen(eq + 1), 0)) {
			int err = errno;

			printf("  setxattr %s '%s': %s\n", args[k], eq + 1, strerror(err));
			return err == EPERM || err == ENOTSUP ? TRUTH_SKIP : TRUTH_FAIL;
		}
		*eq = '=';
	}
	return TRUTH_PASS;
}

int fill_by_write(int fd, size_t pages, size_t page)
{
	unsigned char *buf = malloc(FILL_CHUNK_PAGES * page);

	if (!buf)
		return -1;
	for (size_t first = 0; first < pages; first += FILL_CHUNK_PAGES) {
		size_t n = pages - first < FILL_CHUNK_PAGES ? pages - first : FILL_CHUNK_PAGES;

		for (size_t i = 0; i < n; i++)
			memset(buf + i * page, page_pattern(first + i), page);
		if (pwrite(fd, buf, n * page, (off_t)(first * page)) != (ssize_t)(n * page)) {
			perror("pwrite");
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}

static int fill_by_stores(int fd, size_t pages, size_t page)
{
	unsigned char *p;

	if (ftruncate(fd, (off_t)(pages * page))) {
		perror("ftruncate");
		return -1;
	}
	p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	for (size_t i = 0; i < pages; i++)
		memset(p + i * page, page_pattern(i), page);
	munmap(p, pages * page);
	return 0;
}

int cmd_fill(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), pages;
	int fd, status;

	if (argc < 4 || (strcmp(argv[3], "write") && strcmp(argv[3], "mmap"))) {
		fputs("usage: numa-truth fill FILE PAGES write|mmap [NAME=VALUE]...\n", stderr);
		return TRUTH_ERROR;
	}
	pages = strtoul(argv[2], NULL, 0);
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return TRUTH_ERROR;
	}
	status = set_xattrs(fd, argv + 4, argc - 4);
	if (status == TRUTH_PASS &&
	    (argv[3][0] == 'w' ? fill_by_write(fd, pages, page) : fill_by_stores(fd, pages, page)))
		status = TRUTH_ERROR;
	close(fd);
	return status;
}

/* numa-truth as UID COMMAND...: COMMAND as that user (and group). */
static int cmd_as(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fputs("usage: numa-truth as UID COMMAND...\n", stderr);
		return TRUTH_ERROR;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid(uid)) {
		perror("numa-truth as");
		return TRUTH_ERROR;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return TRUTH_ERROR;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{ "fill", cmd_fill },
		{ "check", cmd_check },
		{ "agree", cmd_agree },
		{ "memory", cmd_memory },
		{ "stress", cmd_stress },
		{ "as", cmd_as },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fputs("usage: numa-truth fill|check|agree|memory|stress|as ...\n", stderr);
	return TRUTH_ERROR;
}

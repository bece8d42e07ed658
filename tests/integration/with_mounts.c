// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * with-mounts: run a command between a kernel tmpfs and a numafs mount.
 *
 *	with-mounts [--numafs OPTIONS | --tmpfs-only] [--tmpfs OPTIONS]
 *		    -- COMMAND ARGS...
 *
 * mounts a kernel tmpfs ("{A}" in ARGS becomes its directory) and numafs
 * with OPTIONS ("{B}"; a second tmpfs with --tmpfs-only), runs COMMAND,
 * and takes both down.  The exit status is COMMAND's, or 1 when the
 * daemon died, would not exit after the unmount, or exited with an error.
 * Needs root: the mounts are made in a private mount namespace.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mountfs.h"

struct setup {
	const char *numafs_options;
	const char *tmpfs_options;
	bool tmpfs_only;
	char **command;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: with-mounts [--numafs OPTIONS | --tmpfs-only] [--tmpfs OPTIONS] -- COMMAND ARGS...\n"
		   "({A} in ARGS is the tmpfs directory, {B} the numafs one)\n");
}

static int parse(int argc, char **argv, struct setup *s)
{
	static const struct option longopts[] = {
		{ "numafs", required_argument, NULL, 'n' },
		{ "tmpfs", required_argument, NULL, 't' },
		{ "tmpfs-only", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': s->numafs_options = optarg; break;
		case 't': s->tmpfs_options = optarg; break;
		case 'o': s->tmpfs_only = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
	}
	if (optind >= argc)
		return -EINVAL;
	s->command = argv + optind;
	return 0;
}

/* COMMAND with {A} and {B} replaced (the caller frees the array). */
static char **substitute(char **command, const char *a, const char *b)
{
	size_t n = 0;
	char **out;

	while (command[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	for (size_t i = 0; out && i < n; i++) {
		if (!strcmp(command[i], "{A}"))
			out[i] = (char *)a;
		else if (!strcmp(command[i], "{B}"))
			out[i] = (char *)b;
		else
			out[i] = command[i];
	}
	return out;
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "with-mounts: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "with-mounts: %s killed by %s\n", argv[0],
			strsignal(WTERMSIG(status)));
		return 1;
	}
	return WEXITSTATUS(status);
}

/* What the daemon's way out says about it: 0 when it was healthy. */
static int judge_daemon(bool was_alive, int status)
{
	if (!was_alive) {
		fprintf(stderr, "with-mounts: the numafs daemon died during the run\n");
		return 1;
	}
	if (status < 0) {
		fprintf(stderr, "with-mounts: unmounting numafs failed: %s\n", strerror(-status));
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "with-mounts: numafs ended with wait status %#x\n", status);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct setup s = { 0 };
	struct mountfs a, b;
	char **command;
	bool alive;
	int err, ret, status;

	if (parse(argc, argv, &s)) {
		usage(stderr);
		return 2;
	}
	err = mountfs_isolate();
	if (!err)
		err = mountfs_tmpfs(&a, s.tmpfs_options);
	if (err) {
		fprintf(stderr, "with-mounts: tmpfs: %s\n", strerror(-err));
		return 1;
	}
	err = s.tmpfs_only ? mountfs_tmpfs(&b, s.tmpfs_options)
			   : mountfs_numafs(&b, s.numafs_options, false);
	if (err) {
		fprintf(stderr, "with-mounts: mount: %s\n", strerror(-err));
		mountfs_stop(&a);
		return 1;
	}
	command = substitute(s.command, a.dir, b.dir);
	ret = command ? run(command) : 1;
	free(command);
	alive = s.tmpfs_only || mountfs_alive(&b);
	status = mountfs_stop(&b);
	if (!s.tmpfs_only && judge_daemon(alive, status))
		ret = ret ? ret : 1;
	mountfs_stop(&a);
	return ret;
}

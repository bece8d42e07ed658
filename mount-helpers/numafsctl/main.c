// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numafsctl: NUMA policies and page placement of numafs files, for people.
 * This file only finds the subcommand; each lives in a cmd_*.c.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "set", cmd_set, "set the policy of files, or of a byte range of a file" },
	{ "get", cmd_get, "print a file's base policy and its range overrides" },
	{ "show", cmd_show, "policies and per-node pages of files (numa_maps style)" },
	{ "where", cmd_where, "the node of each page of a file or range" },
	{ "df", cmd_df, "per-node capacity, use and free space of a mount" },
	{ "migrate", cmd_migrate, "move the pages of files to nodes, or back to their policy" },
	{ "populate", cmd_populate, "allocate every page of a file or range by its policy" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fputs("Usage: " PROG " COMMAND [OPTION]... [ARG]...\n"
	      "NUMA policies and page placement of files on a numafs mount.\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nPolicies and node lists use numactl's syntax: interleave:0-3, bind=static:1,3,\n"
	      "preferred:2, weighted-interleave:0*3,1*1, interleave:!2, all.\n"
	      "Run '" PROG " COMMAND --help' for a command's options.\n", out);
}

int main(int argc, char **argv)
{
	char name[64];

	if (argc < 2) {
		usage(stderr);
		return CTL_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CTL_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		puts(PROG " " NUMAFS_VERSION);
		return CTL_OK;
	}
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		/* getopt's own messages then name the subcommand too. */
		snprintf(name, sizeof(name), PROG " %s", commands[i].name);
		argv[1] = name;
		return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CTL_USAGE;
}

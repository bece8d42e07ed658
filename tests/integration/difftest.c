// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * difftest: run the same random operations on two directory trees and
 * compare every result (see difftest.h).
 *
 *	difftest --seed S --ops N --a DIR_A --b DIR_B [--no-blocks] [--verbose]
 *		 [--keep-going M] [--tmpfs-b] [--cached]
 *
 * DIR_A is the reference (a kernel tmpfs), DIR_B the tree under test.
 * Both must be empty directories.  The same seed and count replay the same
 * run; on the first mismatch it prints the operation's number, both
 * results and the operations that led there, and exits with status 1.
 * --keep-going M goes on after a mismatch (the trees may have drifted
 * apart then: the later reports are leads, not proofs) up to M of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "difftest.h"

#define HISTORY 24		/* operations shown before a mismatch */
#define DESC_LEN 400
#define ROOT_DEPTH 4		/* the tree's root: DIR/dt/dt/dt/dt */

struct options {
	uint64_t seed;
	unsigned long ops;
	const char *dir[2];
	bool blocks;
	bool verbose;
	unsigned long keep_going;	/* mismatches reported before stopping */
	bool tmpfs_b;			/* B is a kernel tmpfs too (self-test) */
	bool cached;			/* B has its own page cache (no passthrough) */
};

struct run {
	const struct op *ops[64];
	size_t nr_ops;
	unsigned int total_weight;
	unsigned long ok[64], failed[64];
	char history[HISTORY][DESC_LEN];
	struct tree tree[2];
	struct result *res[2];
	unsigned long nr_planned;		/* --ops */
	unsigned long times_missed, times_extra;	/* see tolerate_times() */
	unsigned long mismatches;
	unsigned long keep_going;
};

static void add_ops(struct run *run, const struct op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		run->ops[run->nr_ops++] = &ops[i];
		run->total_weight += ops[i].weight;
	}
}

static int pick_op(struct run *run, struct gen *g)
{
	unsigned int w = (unsigned int)gen_below(g, run->total_weight);
	size_t i = 0;

	while (w >= run->ops[i]->weight)
		w -= run->ops[i++]->weight;
	return (int)i;
}

static void describe(const struct run *run, const struct args *x, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", run->ops[x->op]->name);

#define FIELD(cond, ...) \
	if ((cond) && n >= 0 && (size_t)n < len) \
		n += snprintf(buf + n, len - (size_t)n, __VA_ARGS__)
	FIELD(x->path[0], " path=%s", x->path);
	FIELD(x->path2[0], " path2=%s", x->path2);
	FIELD(x->name[0], " name=%.24s%s", x->name, strlen(x->name) > 24 ? "..." : "");
	FIELD(1, " slot=%d,%d flags=%#x whence=%d mode=%#o uid=%d gid=%d",
	      x->slot, x->slot2, (unsigned int)x->flags, x->whence, x->mode,
	      (int)x->uid, (int)x->gid);
	FIELD(1, " off=%lld,%lld len=%lld", (long long)x->off, (long long)x->off2,
	      (long long)x->len);
	FIELD(x->times[0].tv_nsec || x->times[1].tv_nsec, " times=%lld.%ld,%lld.%ld",
	      (long long)x->times[0].tv_sec, x->times[0].tv_nsec,
	      (long long)x->times[1].tv_sec, x->times[1].tv_nsec);
#undef FIELD
}

static void describe_result(const struct result *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "ret=%lld", r->ret);

	if (r->ret < 0)
		n += snprintf(buf + n, len - (size_t)n, " errno=%s", strerrorname_np(r->err));
	if (r->mtime)
		n += snprintf(buf + n, len - (size_t)n, " mtime=%c ctime=%c", r->mtime, r->ctime);
	if (r->text)
		snprintf(buf + n, len - (size_t)n, " \"%.*s\"", (int)(r->len < 300 ? r->len : 300),
			 (const char *)r->data);
	else if (r->len)
		snprintf(buf + n, len - (size_t)n, " (%zu bytes)", r->len);
}

static bool results_agree(const struct result *a, const struct result *b)
{
	return a->ret == b->ret && a->err == b->err && a->len == b->len &&
	       !memcmp(a->data, b->data, a->len);
}

/*
 * Whether the timestamps changed since the path was last stat'ed.  tmpfs's
 * multigrain timestamps may hand out the same coarse time again, so that
 * even two tmpfs instances running the same operations disagree now and
 * then (about once in 10 000 operations, more on a slow or busy machine;
 * see difftest_util.c).  So disagreements are counted, by direction: an
 * update the reference saw and the tested tree missed fails the run past
 * one in MISSED_PER operations (at least 3); an update only the tested
 * tree made, past one in EXTRA_PER (at least 10).  A file system that gets
 * timestamps wrong gets them wrong thousands of times.
 */
#define MISSED_PER 5000
#define EXTRA_PER 1000

static bool missed(char reference, char tested)
{
	return reference == 'C' && tested != 'C';
}

/* 0 if the times agree, else 'm' (missed update) or 'e' (extra one). */
static char times_disagree(const struct result *a, const struct result *b)
{
	if (a->mtime == b->mtime && a->ctime == b->ctime)
		return 0;
	return missed(a->mtime, b->mtime) || missed(a->ctime, b->ctime) ? 'm' : 'e';
}

static unsigned long allowed(unsigned long ops, unsigned long per, unsigned long least)
{
	return ops / per > least ? ops / per : least;
}

/* Count a disagreement; false when there are too many of its kind. */
static bool tolerate_times(struct run *run, char kind)
{
	unsigned long *count = kind == 'm' ? &run->times_missed : &run->times_extra;
	unsigned long limit = kind == 'm' ? allowed(run->nr_planned, MISSED_PER, 3)
					  : allowed(run->nr_planned, EXTRA_PER, 10);

	if (++*count <= limit)
		return true;
	fprintf(stderr, "difftest: %lu timestamp updates %s, more than %lu allowed\n", *count,
		kind == 'm' ? "missed by the tested tree" : "made only by the tested tree", limit);
	return false;
}

static void report_mismatch(const struct run *run, unsigned long nr, const char *desc)
{
	const struct result *a = run->res[0], *b = run->res[1];
	char text[DESC_LEN];

	fprintf(stderr, "difftest: MISMATCH at operation %lu: %s\n", nr, desc);
	for (int i = 0; i < 2; i++) {
		describe_result(run->res[i], text, sizeof(text));
		fprintf(stderr, "  %s (%s): %s\n", run->tree[i].label, i ? "tested" : "reference",
			text);
	}
	if (!a->text && a->len && b->len) {
		size_t i = 0, len = a->len < b->len ? a->len : b->len;

		while (i < len && a->data[i] == b->data[i])
			i++;
		if (i < len)
			fprintf(stderr, "  first differing byte at %zu: %#04x vs %#04x\n",
				i, a->data[i], b->data[i]);
	}
	fprintf(stderr, "difftest: the operations before it (reference results):\n");
	for (unsigned long k = nr >= HISTORY ? nr - HISTORY + 1 : 0; k <= nr; k++)
		fprintf(stderr, "  %s\n", run->history[k % HISTORY]);
}

/* Run @x on both trees; false (and the story told) on a mismatch. */
static bool step(struct run *run, unsigned long nr, const struct args *x, bool verbose)
{
	const struct op *op = run->ops[x->op];
	char desc[DESC_LEN], text[DESC_LEN], kind;

	describe(run, x, desc, sizeof(desc));
	for (int i = 0; i < 2; i++) {
		memset(run->res[i], 0, offsetof(struct result, data));
		op->run(&run->tree[i], x, run->res[i]);
	}
	describe_result(run->res[0], text, sizeof(text));
	snprintf(run->history[nr % HISTORY], DESC_LEN, "#%lu %.200s -> %.180s", nr, desc, text);
	if (verbose)
		printf("%s\n", run->history[nr % HISTORY]);
	if (run->res[0]->ret < 0)
		run->failed[x->op]++;
	else
		run->ok[x->op]++;
	if (!results_agree(run->res[0], run->res[1])) {
		report_mismatch(run, nr, desc);
		return ++run->mismatches < run->keep_going;
	}
	kind = times_disagree(run->res[0], run->res[1]);
	if (kind) {
		describe_result(run->res[1], text, sizeof(text));
		fprintf(stderr, "difftest: timestamps disagree at operation %lu: %s: %s\n",
			nr, desc, text);
		if (!tolerate_times(run, kind)) {
			report_mismatch(run, nr, desc);
			return false;
		}
	}
	return true;
}

static const struct op *find_op(const struct run *run, const char *name, int *index)
{
	for (size_t i = 0; i < run->nr_ops; i++)
		if (!strcmp(run->ops[i]->name, name)) {
			*index = (int)i;
			return run->ops[i];
		}
	return NULL;
}

/*
 * At the end, every path the generator can name is looked at once more:
 * its stat, its entries, its first bytes; and every open file is closed.
 */
static bool final_check(struct run *run, unsigned long *nr, bool verbose)
{
	static const char *const looks[] = { "stat", "readdir", "readall" };
	struct args x;
	char path[PATH_LEN];

	for (int slot = 0; slot < NR_SLOTS; slot++) {
		memset(&x, 0, sizeof(x));
		find_op(run, "close", &x.op);
		x.slot = slot;
		if (!step(run, (*nr)++, &x, verbose))
			return false;
	}
	for (unsigned int p = 0; p < 4 + 16 + 64; p++) {
		unsigned int v = p < 4 ? p : p < 20 ? p - 4 : p - 20;
		unsigned int depth = p < 4 ? 1 : p < 20 ? 2 : 3;

		for (unsigned int d = 0; d < depth; d++, v /= 4) {
			path[2 * d] = (char)('a' + v % 4);
			path[2 * d + 1] = '/';
		}
		path[2 * depth - 1] = '\0';
		for (int l = 0; l < 3; l++) {
			memset(&x, 0, sizeof(x));
			find_op(run, looks[l], &x.op);
			strcpy(x.path, path);
			x.flags = l == 0 ? AT_SYMLINK_NOFOLLOW : 0;
			if (!step(run, (*nr)++, &x, verbose))
				return false;
		}
	}
	return true;
}

static int open_tree(struct tree *t, const char *dir, const char *label, bool blocks,
		     bool reference)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s", dir);

	t->label = label;
	t->blocks = blocks;
	t->reference = reference;
	for (int i = 0; i < NR_SLOTS; i++)
		t->fd[i] = -1;
	for (int d = 0; d < ROOT_DEPTH; d++) {
		n += snprintf(path + n, sizeof(path) - (size_t)n, "/dt");
		if (mkdir(path, 0755)) {
			fprintf(stderr, "difftest: mkdir %s: %s (is %s empty?)\n", path,
				strerror(errno), dir);
			return -1;
		}
	}
	t->root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->root < 0)
		fprintf(stderr, "difftest: %s: %s\n", path, strerror(errno));
	return t->root < 0 ? -1 : 0;
}

static void print_summary(const struct run *run, const struct options *o, unsigned long nr)
{
	printf("difftest: seed %llu: %lu operations, all matched "
	       "(timestamp disagreements tolerated: %lu missed, %lu extra updates)\n",
	       (unsigned long long)o->seed, nr, run->times_missed, run->times_extra);
	printf("difftest: per operation, succeeded/failed:");
	for (size_t i = 0; i < run->nr_ops; i++)
		printf("%s %s %lu/%lu", i % 6 ? "," : "\n ", run->ops[i]->name, run->ok[i],
		       run->failed[i]);
	printf("\n");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: difftest --seed S --ops N --a DIR_A --b DIR_B [--no-blocks] [--verbose]\n"
		   "                [--keep-going M]  (report up to M mismatches, not just the first)\n"
		   "                [--tmpfs-b]  (B is a kernel tmpfs too: checks the tester itself)\n"
		   "                [--cached]  (B is numafs without passthrough: reading a hole\n"
		   "                             through a mapping allocates nothing there)\n");
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "a", required_argument, NULL, 'a' },
		{ "b", required_argument, NULL, 'b' },
		{ "no-blocks", no_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "keep-going", required_argument, NULL, 'k' },
		{ "tmpfs-b", no_argument, NULL, 't' },
		{ "cached", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*o = (struct options){ .seed = 1, .ops = 10000, .blocks = true, .keep_going = 1 };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->seed = strtoull(optarg, NULL, 0); break;
		case 'n': o->ops = strtoul(optarg, NULL, 0); break;
		case 'a': o->dir[0] = optarg; break;
		case 'b': o->dir[1] = optarg; break;
		case 'B': o->blocks = false; break;
		case 'v': o->verbose = true; break;
		case 'k': o->keep_going = strtoul(optarg, NULL, 0); break;
		case 't': o->tmpfs_b = true; break;
		case 'c': o->cached = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	return o->dir[0] && o->dir[1] && optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct run run;
	struct options o;
	struct gen g;
	unsigned long nr;
	struct args x;

	if (parse(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	umask(0);
	signal(SIGPIPE, SIG_IGN);	/* a fifo without readers: EPIPE, compared */
	add_ops(&run, difftest_ns_ops, difftest_nr_ns_ops);
	add_ops(&run, difftest_io_ops, difftest_nr_io_ops);
	add_ops(&run, difftest_xattr_ops, difftest_nr_xattr_ops);
	for (int i = 0; i < 2; i++) {
		run.res[i] = malloc(sizeof(*run.res[i]));
		if (!run.res[i] || open_tree(&run.tree[i], o.dir[i], i ? "B" : "A", o.blocks,
						  i == 0 || o.tmpfs_b))
			return 2;
	}
	run.tree[0].hole_reads_keep_holes = o.cached;
	g.state = o.seed;
	run.nr_planned = o.ops;
	run.keep_going = o.keep_going;
	for (nr = 0; nr < o.ops; nr++) {
		memset(&x, 0, sizeof(x));
		x.op = pick_op(&run, &g);
		run.ops[x.op]->gen(&g, &run.tree[0], &x);
		if (!step(&run, nr, &x, o.verbose))
			return 1;
	}
	if (!final_check(&run, &nr, o.verbose) || run.mismatches) {
		fprintf(stderr, "difftest: seed %llu: %lu mismatches\n",
			(unsigned long long)o.seed, run.mismatches);
		return 1;
	}
	print_summary(&run, &o, nr);
	return 0;
}

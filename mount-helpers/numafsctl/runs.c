// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run compression of per-page nodes.  The builder is in one of three
 * states: empty (count 0); "building", where the pages so far are all
 * on distinct nodes (count == period) and may yet turn out to be the
 * first turn of a cycle; and "repeating" (count > period), where page
 * first+i is known to follow cycle[i mod period].
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"

void runs_init(struct run_builder *b, uint64_t first_page, run_emit_fn *emit, void *arg)
{
	b->emit = emit;
	b->arg = arg;
	b->first = first_page;
	b->count = 0;
	b->period = 0;
}

static void emit_run(struct run_builder *b)
{
	struct page_run run = {
		.first = b->first, .count = b->count,
		.period = b->period, .nodes = b->cycle,
	};

	b->emit(b->arg, &run);
	b->first += b->count;
	b->count = 0;
	b->period = 0;
}

/*
 * While building, a page that cannot continue the cycle proves that the
 * first page stands alone; the rest may still start a cycle of their own.
 */
static void emit_first_page(struct run_builder *b)
{
	struct page_run run = { .first = b->first, .count = 1, .period = 1, .nodes = b->cycle };

	b->emit(b->arg, &run);
	b->first++;
	b->count--;
	b->period--;
	memmove(b->cycle, b->cycle + 1, b->period * sizeof(b->cycle[0]));
}

/* Holes and errors never take part in a cycle: they only make plain runs. */
static bool can_grow(const struct run_builder *b, int32_t node)
{
	if (node < 0 || b->cycle[0] < 0 || b->period == NUMAFS_MAX_NODES)
		return false;
	for (unsigned int i = 0; i < b->period; i++)
		if (b->cycle[i] == node)
			return false;
	return true;
}

void runs_add(struct run_builder *b, int32_t node)
{
	for (;;) {
		if (!b->count) {
			b->cycle[0] = node;
			b->period = 1;
			b->count = 1;
			return;
		}
		if (b->count > b->period) {
			if (node == b->cycle[b->count % b->period]) {
				b->count++;
				return;
			}
			emit_run(b);
			continue;
		}
		if (node == b->cycle[0] || can_grow(b, node)) {
			if (node != b->cycle[0])
				b->cycle[b->period++] = node;
			b->count++;
			return;
		}
		emit_first_page(b);
	}
}

void runs_finish(struct run_builder *b)
{
	while (b->count && b->count == b->period && b->period > 1)
		emit_first_page(b);
	if (b->count)
		emit_run(b);
}

static int compare_nodes(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static void print_where(FILE *out, int32_t node)
{
	if (node >= 0)
		fprintf(out, "node %" PRId32 "\n", node);
	else if (node == -ENOENT)
		fputs("hole\n", out);
	else
		fprintf(out, "unknown (%s)\n", strerror(-node));
}

void run_print(FILE *out, const struct page_run *run)
{
	int32_t sorted[NUMAFS_MAX_NODES];

	fprintf(out, "%" PRIu64, run->first);
	if (run->count > 1)
		fprintf(out, "-%" PRIu64, run->first + run->count - 1);
	fputs(": ", out);
	if (run->period == 1) {
		print_where(out, run->nodes[0]);
		return;
	}
	memcpy(sorted, run->nodes, run->period * sizeof(sorted[0]));
	qsort(sorted, run->period, sizeof(sorted[0]), compare_nodes);
	fputs("interleave ", out);
	for (unsigned int i = 0; i < run->period; i++)
		fprintf(out, "%s%" PRId32, i ? "," : "", sorted[i]);
	fputc('\n', out);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numastat-style table: the columns are as wide as the widest cell, so a
 * column of exabytes and one of zeros line up without a fixed guess.
 */
#include <inttypes.h>
#include <string.h>

#include "dftable.h"

#define LABEL_WIDTH 10
#define MIN_COLUMN 8

enum row { ROW_CAPACITY, ROW_USED, ROW_FREE, ROW_FILES, NR_ROWS };

static const char *const row_label[NR_ROWS] = { "Capacity", "Used", "Free", "Files" };

static const char *const unit_title[] = {
	[UNIT_HUMAN] = "", [UNIT_K] = " (in KiB)", [UNIT_M] = " (in MiB)", [UNIT_G] = " (in GiB)",
};

static uint64_t node_value(const struct node_use *n, enum row row)
{
	switch (row) {
	case ROW_CAPACITY:
		return n->capacity;
	case ROW_USED:
		return n->used;
	case ROW_FREE:
		return n->free;
	default:
		return n->files;
	}
}

static uint64_t total_value(const struct df_table *t, enum row row)
{
	uint64_t sum = 0;

	if (row == ROW_FILES)
		return t->total_files;
	for (unsigned int i = 0; i < t->nr_nodes; i++)
		sum += node_value(&t->nodes[i], row);
	return sum;
}

/* A cell's text: sizes in the table's unit, file counts as they are. */
static void cell(const struct df_table *t, enum row row, uint64_t v, char buf[SIZE_TEXT_MAX])
{
	if (row == ROW_FILES)
		snprintf(buf, SIZE_TEXT_MAX, "%" PRIu64, v);
	else
		size_print_unit(v, t->unit, buf);
}

static unsigned int nr_rows(const struct df_table *t)
{
	return t->with_files ? NR_ROWS : ROW_FILES;
}

static int column_width(const struct df_table *t)
{
	char buf[SIZE_TEXT_MAX];
	size_t width = MIN_COLUMN;

	for (unsigned int i = 0; i < t->nr_nodes; i++) {
		snprintf(buf, sizeof(buf), "Node %u", t->nodes[i].node);
		if (strlen(buf) > width)
			width = strlen(buf);
	}
	for (enum row row = 0; row < nr_rows(t); row++) {
		cell(t, row, total_value(t, row), buf);
		if (strlen(buf) > width)
			width = strlen(buf);
	}
	return (int)width + 1;
}

static void print_rule(FILE *out, unsigned int columns, int width)
{
	fprintf(out, "%-*s", LABEL_WIDTH, "");
	for (unsigned int i = 0; i < columns; i++)
		fprintf(out, " %.*s", width - 1,
			"------------------------------------------------");
	fputc('\n', out);
}

void df_print(FILE *out, const struct df_table *t)
{
	int width = column_width(t);
	char buf[SIZE_TEXT_MAX];

	if (*unit_title[t->unit])
		fprintf(out, "Per-node use of the mount%s\n", unit_title[t->unit]);
	fprintf(out, "%-*s", LABEL_WIDTH, "");
	for (unsigned int i = 0; i < t->nr_nodes; i++) {
		snprintf(buf, sizeof(buf), "Node %u", t->nodes[i].node);
		fprintf(out, "%*s", width, buf);
	}
	fprintf(out, "%*s\n", width, "Total");
	print_rule(out, t->nr_nodes + 1, width);
	for (enum row row = 0; row < nr_rows(t); row++) {
		fprintf(out, "%-*s", LABEL_WIDTH, row_label[row]);
		for (unsigned int i = 0; i < t->nr_nodes; i++) {
			cell(t, row, node_value(&t->nodes[i], row), buf);
			fprintf(out, "%*s", width, buf);
		}
		cell(t, row, total_value(t, row), buf);
		fprintf(out, "%*s\n", width, buf);
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Directory entries (fs/dir.c): lookup by name, and readdir by cookie
 * staying exact while entries come and go, checked against a plain array
 * model with fixed seeds; and the size a directory must handle quickly.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/dir.h"
#include "masks.h"

#define MODEL_NAMES 2000

/* The directory only keeps inode pointers: any distinct values do. */
static struct inode *fake_inode(unsigned int i)
{
	return (struct inode *)(uintptr_t)(0x1000 + 16 * (uintptr_t)i);
}

static void name_of(unsigned int i, char *buf, size_t len)
{
	snprintf(buf, len, "entry-%u", i);
}

/* What the directory should hold: name i present, with its cookie. */
struct model {
	uint64_t cookie[MODEL_NAMES];	/* 0: absent */
	size_t count;
};

static void model_add(struct dir *d, struct model *m, unsigned int i)
{
	char name[32];

	name_of(i, name, sizeof(name));
	cr_assert_eq(dir_add(d, name, fake_inode(i)), 0);
	m->cookie[i] = dir_find(d, name)->cookie;
	m->count++;
}

static void model_remove(struct dir *d, struct model *m, unsigned int i)
{
	char name[32];

	name_of(i, name, sizeof(name));
	dir_remove(d, dir_find(d, name));
	m->cookie[i] = 0;
	m->count--;
}

/* A full listing returns each present entry once, in cookie order. */
static void check_listing(const struct dir *d, const struct model *m)
{
	uint64_t last = DIR_OFF_DOTDOT;
	size_t seen = 0;

	for (const struct dentry *de = dir_next(d, 0); de; de = dir_next(d, de->cookie)) {
		unsigned int i = (unsigned int)(((uintptr_t)de->inode - 0x1000) / 16);

		cr_assert_gt(de->cookie, last, "cookies go up");
		cr_assert_lt(i, MODEL_NAMES);
		cr_assert_eq(m->cookie[i], de->cookie, "entry %u: cookie %lu, model %lu", i,
			     (unsigned long)de->cookie, (unsigned long)m->cookie[i]);
		last = de->cookie;
		seen++;
	}
	cr_assert_eq(seen, m->count);
	cr_assert_eq(d->nr_entries, m->count);
}

static void check_lookups(const struct dir *d, const struct model *m)
{
	char name[32];

	for (unsigned int i = 0; i < MODEL_NAMES; i++) {
		const struct dentry *de;

		name_of(i, name, sizeof(name));
		de = dir_find(d, name);
		if (!m->cookie[i]) {
			cr_assert_null(de, "%s was removed", name);
			continue;
		}
		cr_assert_not_null(de, "%s is there", name);
		cr_assert_eq(de->inode, fake_inode(i));
		cr_assert_str_eq(de->name, name);
	}
}

Test(dir, empty)
{
	struct dir *d = dir_new(NULL);

	cr_assert_not_null(d);
	cr_assert(dir_empty(d));
	cr_assert_null(dir_next(d, 0));
	cr_assert_null(dir_find(d, "x"));
	dir_free(d);
}

Test(dir, cookies_start_after_dot_and_dotdot)
{
	struct dir *d = dir_new(NULL);

	cr_assert_eq(dir_add(d, "a", fake_inode(1)), 0);
	cr_assert_gt(dir_find(d, "a")->cookie, DIR_OFF_DOTDOT);
	cr_assert_eq(dir_next(d, DIR_OFF_DOT), dir_find(d, "a"));
	dir_free(d);
}

/* A listing resumed at an offset neither repeats nor skips what stayed. */
Test(dir, resume_while_changing)
{
	struct dir *d = dir_new(NULL);
	struct model m = { .count = 0 };
	unsigned int stay = 0;
	uint64_t off = 0, seed = 0x9e3779b97f4a7c15ULL;
	bool seen[MODEL_NAMES] = { false };

	/* Even names stay throughout; odd ones come and go. */
	for (unsigned int i = 0; i < MODEL_NAMES; i += 2, stay++)
		model_add(d, &m, i);
	for (const struct dentry *de; (de = dir_next(d, off));) {
		unsigned int i = (unsigned int)(((uintptr_t)de->inode - 0x1000) / 16);
		unsigned int odd = (unsigned int)(rng_next(&seed) % (MODEL_NAMES / 2)) * 2 + 1;

		off = de->cookie;	/* the change below may remove @de */
		if (i % 2 == 0) {
			cr_assert_not(seen[i], "entry %u returned twice", i);
			seen[i] = true;
			stay--;
		}
		if (m.cookie[odd])
			model_remove(d, &m, odd);
		else
			model_add(d, &m, odd);
	}
	cr_assert_eq(stay, 0, "%u entries that stayed were skipped", stay);
	check_listing(d, &m);
	dir_free(d);
}

Test(dir, random_against_model)
{
	struct dir *d = dir_new(NULL);
	struct model m = { .count = 0 };
	uint64_t seed = 42;

	for (unsigned int step = 0; step < 40000; step++) {
		unsigned int i = (unsigned int)(rng_next(&seed) % MODEL_NAMES);

		if (m.cookie[i])
			model_remove(d, &m, i);
		else
			model_add(d, &m, i);
		if (step % 4000 == 0) {
			check_listing(d, &m);
			check_lookups(d, &m);
		}
	}
	check_listing(d, &m);
	check_lookups(d, &m);
	dir_free(d);
}

/* 200 000 entries, half removed: every step stays O(log n). */
Test(dir, large, .timeout = 20)
{
	enum { N = 200000 };
	struct dir *d = dir_new(NULL);
	char name[32];
	size_t count = 0;
	uint64_t off = 0;

	for (unsigned int i = 0; i < N; i++) {
		name_of(i, name, sizeof(name));
		cr_assert_eq(dir_add(d, name, fake_inode(i)), 0);
	}
	for (unsigned int i = 0; i < N; i += 2) {
		name_of(i, name, sizeof(name));
		dir_remove(d, dir_find(d, name));
	}
	for (unsigned int i = 1; i < N; i += 2) {
		name_of(i, name, sizeof(name));
		cr_assert_not_null(dir_find(d, name));
	}
	for (const struct dentry *de; (de = dir_next(d, off)); off = de->cookie)
		count++;
	cr_assert_eq(count, N / 2);
	cr_assert_leq(d->order_len, N / 2 + d->nr_holes);
	dir_free(d);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the criterion tests share: a numafs mount in the mode under test
 * ($NUMAFS_OPTIONS: "" for passthrough, "passthrough=off", "numa=fake:..."),
 * a kernel tmpfs to compare with, and running code as another user.
 */
#ifndef NUMAFS_TESTS_FIXTURE_H
#define NUMAFS_TESTS_FIXTURE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "mountfs.h"

/* Mounted by fixture_setup(), taken down by fixture_teardown(). */
extern struct mountfs fx_fs, fx_ref;

/* The mode's options, from $NUMAFS_OPTIONS. */
const char *fixture_mode(void);

/* "MODE,EXTRA" (either may be empty) into @buf. */
const char *fixture_options(const char *extra, char *buf, size_t len);

/*
 * Mount numafs with the mode's options plus @extra, and a tmpfs with
 * @tmpfs_options; the test fails (or is skipped when not root) if not.
 */
void fixture_mount(const char *extra, const char *tmpfs_options);
/* criterion .init/.fini: fixture_mount(NULL, NULL), and taking it down. */
void fixture_setup(void);
void fixture_teardown(void);

/* "mount/path" of fx_fs or fx_ref; a static buffer per mount, per call. */
const char *in_fs(const char *path);
const char *in_ref(const char *path);
const char *in(const struct mountfs *m, const char *path);

/*
 * Run fn(arg) in a child with real, effective and saved ids @uid/@gid and
 * no supplementary groups; its return value (0..255, say an errno) back.
 * -1 if the child died.
 */
int as_user(uid_t uid, gid_t gid, int (*fn)(const char *dir, void *arg),
	    const char *dir, void *arg);

/* stat(2) of @path, failing the test if it fails. */
struct stat stat_of(const char *path);

/* Whether touching @addr (one byte read) kills a child with SIGBUS. */
int probe_sigbus(const volatile unsigned char *addr);

#endif

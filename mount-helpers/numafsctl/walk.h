/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The regular files below a directory, for df's per-node file counts and
 * migrate --recursive.
 */
#ifndef NUMAFSCTL_WALK_H
#define NUMAFSCTL_WALK_H

/* Called per file; a nonzero return is remembered but the walk goes on. */
typedef int walk_fn(void *arg, const char *path);

/*
 * Call @fn for each regular file at or below @root, staying on @root's
 * filesystem and never following symbolic links.  A directory that cannot
 * be read is reported.  Returns CTL_OK, or CTL_ERROR if anything failed.
 */
int walk_files(const char *root, walk_fn *fn, void *arg);

#endif

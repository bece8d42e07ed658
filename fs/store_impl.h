/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the page store: the backing files every store shares, and the
 * operations a placement (kernel or simulated) provides.
 */
#ifndef NUMAFS_STORE_IMPL_H
#define NUMAFS_STORE_IMPL_H

#include "store.h"

struct store_ops {
	int (*init)(struct store *s, struct errbuf *e);
	void (*fini)(struct store *s);
	void (*file_destroy)(struct store *s, struct store_file *f);
	uint64_t (*phase)(const struct store_file *f);
	int (*apply_policy)(struct store *s, struct store_file *f, const struct ptree *policy,
			    uint64_t first, uint64_t end);
	int (*prepare_write)(struct store *s, struct store_file *f, const struct ptree *policy,
			     uint64_t first, uint64_t end);
	void (*pages_freed)(struct store *s, struct store_file *f, uint64_t first, uint64_t end);
	int (*page_nodes)(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
			  int *nodes);
	int (*move)(struct store *s, struct store_file *f, uint64_t first, uint64_t count,
		    const int *to, int *status, bool mapped_too);
	void (*node_usage)(struct store *s, unsigned int node, struct store_node_usage *u);
};

extern const struct store_ops store_kernel_ops;
extern const struct store_ops store_sim_ops;

/* Where backing files live, best first. */
enum backing_kind {
	BACKING_PRIVATE_TMPFS,	/* our own detached tmpfs: size= enforced by it */
	BACKING_SHM_DIR,	/* a 0700 directory on /dev/shm */
	BACKING_MEMFD,		/* memfds: each fd held for the file's life */
};

struct store {
	const struct store_ops *ops;
	struct numafs *fs;
	enum backing_kind kind;
	int dirfd;		/* the backing directory; -1 for memfds */
	int fsfd;		/* our tmpfs's context (new mount API), or -1 */
	char *shm_path;		/* BACKING_SHM_DIR: removed at close */
	void *impl;		/* the placement's own state */
	/*
	 * Bytes stored and reserved, counted where the backing does not
	 * enforce size= itself (store_space.c).
	 */
	uint64_t space_taken;
};

/* What the files hold and have reserved (counted backings only). */
uint64_t store_space_taken(const struct store *s);
/* The file is gone: give back what it held. */
void store_space_release(struct store *s, struct store_file *f);

/* Backing files (store_backing.c). */
int backing_init(struct store *s, struct errbuf *e);
void backing_fini(struct store *s);
int backing_create(struct store *s, struct store_file *f);
int backing_open(struct store *s, struct store_file *f);
void backing_unlink(struct store *s, struct store_file *f);
int backing_stat(struct store *s, struct store_file *f, struct stat *st);
int backing_set_times(struct store *s, struct store_file *f, const struct timespec ts[2]);
uint64_t backing_bytes_used(struct store *s);
int backing_resize(struct store *s);

#endif

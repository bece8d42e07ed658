/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serving the FUSE requests of a session with a leader and followers
 * (fs/loop.c): quick requests on the thread that reads them, slow ones
 * beside, up to @max_threads threads.
 */
#ifndef NUMAFS_LOOP_H
#define NUMAFS_LOOP_H

#include <fuse_lowlevel.h>
#include <linux/fuse.h>

/*
 * Serve @se until it is unmounted or told to exit (a SIGTERM, SIGINT or
 * SIGHUP through fuse_set_signal_handlers(), which the calling thread
 * receives).  0, or the -errno that ended it.
 */
struct loop_hooks {
	/* Each request as it is received, in the kernel's order. */
	void (*received)(const struct fuse_in_header *in);
	/* Each request once served (its reply sent), on the same thread. */
	void (*served)(const struct fuse_in_header *in);
};

int loop_run(struct fuse_session *se, unsigned int max_threads,
	     const struct loop_hooks *hooks);

#endif

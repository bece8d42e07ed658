/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small buffer for a human-readable reason that travels next to a
 * negative errno.  Callers that do not care pass NULL.
 */
#ifndef NUMAFS_ERRBUF_H
#define NUMAFS_ERRBUF_H

#include <stddef.h>

struct errbuf {
	char msg[192];
};

/*
 * Record a reason and return -err, so that error paths read as
 *	return err_set(e, EINVAL, "node %d is not allowed", n);
 */
int err_set(struct errbuf *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

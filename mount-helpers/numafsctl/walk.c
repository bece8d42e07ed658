// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fts(3) rather than nftw(3): its loop needs no global to carry @arg.
 */
#include <fts.h>
#include <errno.h>

#include "ctl.h"
#include "walk.h"

int walk_files(const char *root, walk_fn *fn, void *arg)
{
	char *roots[] = { (char *)root, NULL };
	int status = CTL_OK;
	FTSENT *ent;
	FTS *fts;

	fts = fts_open(roots, FTS_PHYSICAL | FTS_XDEV | FTS_NOCHDIR, NULL);
	if (!fts)
		return ctl_fail(root, errno, OP_OPEN);
	while ((ent = fts_read(fts))) {
		switch (ent->fts_info) {
		case FTS_F:
			if (fn(arg, ent->fts_path))
				status = CTL_ERROR;
			break;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			status = ctl_fail(ent->fts_path, ent->fts_errno, OP_OPEN);
			break;
		default:
			break;
		}
	}
	if (errno)
		status = ctl_fail(root, errno, OP_OPEN);
	fts_close(fts);
	return status;
}

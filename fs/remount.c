// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "mount -o remount,...": FUSE keeps remount options to the kernel, so
 * mount.numafs (or "numafs -o remount,...") sends them to the daemon with
 * NUMAFS_IOC_REMOUNT, and they are applied here, as tmpfs applies its
 * own: size= and nr_inodes= may not fall below what is in use, mpol=
 * becomes the root directory's default.  Either every option takes effect
 * or none does.
 */
#include <errno.h>
#include <numafs.h>
#include <string.h>

#include "file.h"
#include "inode.h"
#include "ipolicy.h"
#include "options.h"
#include "remount.h"

static int remount_check_limits(struct numafs *fs, const struct numafs_options *next,
				struct errbuf *e)
{
	uint64_t inodes = __atomic_load_n(&fs->nr_inodes, __ATOMIC_RELAXED);

	if (next->size && next->size < file_space_used(fs))
		return err_set(e, EINVAL, "size=%lu is less than the data stored",
			       (unsigned long)next->size);
	if (next->nr_inodes && next->nr_inodes < inodes)
		return err_set(e, EINVAL, "nr_inodes=%lu is less than the inodes in use",
			       (unsigned long)next->nr_inodes);
	return 0;
}

/* The root directory's default policy from mpol= (nothing when not given). */
static int remount_mpol(struct numafs *fs, const struct numafs_options *next,
			struct numa_policy **out, struct errbuf *e)
{
	unsigned int flags;
	int err;

	*out = NULL;
	if (!next->mpol || (fs->opt.mpol && !strcmp(next->mpol, fs->opt.mpol)))
		return 0;
	err = ipolicy_parse(fs, next->mpol, strlen(next->mpol), out, &flags, e);
	if (!err && flags) {
		policy_put(*out);
		*out = NULL;
		err = err_set(e, EINVAL, "mpol= takes a policy without flags");
	}
	return err;
}

/* The new size for the backing store: put back the old one if it fails. */
static int remount_size(struct numafs *fs, uint64_t size)
{
	uint64_t old = fs->opt.size;
	int err;

	if (size == old)
		return 0;
	__atomic_store_n(&fs->opt.size, size, __ATOMIC_RELAXED);
	err = file_resize(fs);
	if (err) {
		__atomic_store_n(&fs->opt.size, old, __ATOMIC_RELAXED);
		file_resize(fs);
	}
	return err;
}

int remount_apply(struct numafs *fs, fuse_req_t req, const char *text, struct errbuf *e)
{
	uint64_t old_size = fs->opt.size;
	struct numafs_options next;
	struct numa_policy *mpol;
	int err;

	if (fuse_req_ctx(req)->uid != 0)
		return err_set(e, EPERM, "only root may remount");
	err = options_parse_remount(text, &fs->opt, &next, e);
	if (err)
		return err;
	err = remount_check_limits(fs, &next, e);
	if (!err)
		err = remount_mpol(fs, &next, &mpol, e);
	if (err)
		goto out;
	err = remount_size(fs, next.size);
	if (err) {
		err_set(e, -err, "size=: %s", strerror(-err));
	} else if (mpol) {
		struct ipolicy_change c = { .policy = mpol, .base = true };

		err = ipolicy_set(fs, NULL, fs->root, &c, e);
		if (err)
			remount_size(fs, old_size);
	}
	if (!err) {
		__atomic_store_n(&fs->opt.nr_inodes, next.nr_inodes, __ATOMIC_RELAXED);
		/* Keep the text of the options in force; the old one goes with next. */
		if (mpol) {
			char *old = fs->opt.mpol;

			fs->opt.mpol = next.mpol;
			next.mpol = old;
		}
	}
	if (mpol)
		policy_put(mpol);
out:
	options_free(&next);
	return err;
}

int remount_ioctl(struct numafs *fs, fuse_req_t req, const struct inode *inode,
		  struct numafs_remount *r)
{
	struct errbuf e = { "" };

	if (!memchr(r->options, '\0', sizeof(r->options)))
		return -EINVAL;
	if (inode != fs->root)
		r->error = -err_set(&e, EINVAL, "remount is asked of the mount's root directory");
	else
		r->error = -remount_apply(fs, req, r->options, &e);
	if (r->error)
		numafs_debug(fs, "remount %s: %s", r->options, e.msg);
	_Static_assert(sizeof(r->reason) == sizeof(e.msg), "the reason fits whole");
	memcpy(r->reason, e.msg, sizeof(r->reason));
	return 0;
}

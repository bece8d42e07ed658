// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * size= where the backing files' own file system does not enforce it:
 * backing files in /dev/shm or memfds, which a daemon without
 * CAP_SYS_ADMIN uses.  Such a daemon serves every write itself (there is
 * no passthrough without that capability), so it sees every page come and
 * go: room is reserved before pages are written, for those that are holes
 * now, and the reservation is settled against what the file holds after.
 * On numafs's own tmpfs, whose size= is the mount's, all of it is a no-op.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "numafs.h"
#include "store_impl.h"

static bool space_counted(const struct store *s)
{
	return s->kind != BACKING_PRIVATE_TMPFS;
}

static void space_add_hole(void *arg, off_t hole, off_t data)
{
	*(uint64_t *)arg += (uint64_t)(data - hole);
}

/* Bytes of [off, end) of @fd that are holes, in whole pages. */
static uint64_t space_holes(int fd, off_t off, off_t end)
{
	uint64_t holes = 0;

	if (store_holes(fd, off, end, space_add_hole, &holes))
		return (uint64_t)(end - off);	/* assume the worst */
	return holes;
}

int store_reserve(struct store *s, struct store_file *f, uint64_t first, uint64_t end,
		  uint64_t *reserved)
{
	uint64_t size = __atomic_load_n(&s->fs->opt.size, __ATOMIC_RELAXED);
	uint64_t need, taken;

	*reserved = 0;
	if (!space_counted(s) || !size || first >= end)
		return 0;
	need = space_holes(f->fd, (off_t)(first << STORE_PAGE_SHIFT),
			   (off_t)(end << STORE_PAGE_SHIFT));
	taken = __atomic_load_n(&s->space_taken, __ATOMIC_RELAXED);
	do {
		if (taken + need > size)
			return -ENOSPC;
	} while (!__atomic_compare_exchange_n(&s->space_taken, &taken, taken + need, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	*reserved = need;
	return 0;
}

void store_settle(struct store *s, struct store_file *f, uint64_t reserved)
{
	struct stat st;
	uint64_t now;

	if (!space_counted(s))
		return;
	now = f->fd >= 0 && !fstat(f->fd, &st) ? (uint64_t)st.st_blocks * 512 : f->space;
	/* Wrapping arithmetic: the difference may be negative. */
	__atomic_fetch_add(&s->space_taken, now - f->space - reserved, __ATOMIC_RELAXED);
	f->space = now;
}

void store_space_release(struct store *s, struct store_file *f)
{
	if (space_counted(s))
		__atomic_fetch_sub(&s->space_taken, f->space, __ATOMIC_RELAXED);
	f->space = 0;
}

uint64_t store_space_taken(const struct store *s)
{
	return __atomic_load_n(&s->space_taken, __ATOMIC_RELAXED);
}

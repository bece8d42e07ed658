// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The client side of "mount -o remount,...": mount(8) runs mount.numafs,
 * or mount.fuse runs "numafs SOURCE MOUNTPOINT -o remount,...", for a
 * mount that is already served.  numafs's options go to the daemon over
 * NUMAFS_IOC_REMOUNT; the VFS flags (ro/rw, nosuid, noatime...) are
 * changed here with mount(2), as mount(8) would have without a helper.
 */
#include <errno.h>
#include <fcntl.h>
#include <numafs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "remount.h"

/* Calls @fn on each word of every -o list of @args until it returns true. */
static bool each_option(const struct fuse_args *args, bool (*fn)(void *arg, const char *word,
								  size_t len), void *arg)
{
	for (int i = 1; i < args->argc; i++) {
		const char *list = args->argv[i];

		if (!strcmp(list, "-o") && i + 1 < args->argc)
			list = args->argv[++i];
		else if (!strncmp(list, "-o", 2))
			list += 2;
		else
			continue;
		while (*list) {
			size_t len = strcspn(list, ",");

			if (len && fn(arg, list, len))
				return true;
			list += len + (list[len] == ',');
		}
	}
	return false;
}

static bool word_is(const char *word, size_t len, const char *name)
{
	return len == strlen(name) && !memcmp(word, name, len);
}

static bool is_remount(void *arg, const char *word, size_t len)
{
	(void)arg;
	return word_is(word, len, "remount");
}

bool remount_requested(const struct fuse_args *args)
{
	return each_option(args, is_remount, NULL);
}

/* The options for the daemon: every word but "remount", comma-separated. */
static bool add_word(void *arg, const char *word, size_t len)
{
	struct numafs_remount *r = arg;
	size_t used = strlen(r->options);

	if (word_is(word, len, "remount"))
		return false;
	if (used + len + 2 > sizeof(r->options))
		return true;		/* too long: reported by the caller */
	if (used)
		r->options[used++] = ',';
	memcpy(r->options + used, word, len);
	r->options[used + len] = '\0';
	return false;
}

/* The VFS flags mount(8) knows, as set and cleared by option words. */
static const struct vfs_word {
	const char *name;
	unsigned long flag;
	bool clear;
} vfs_words[] = {
	{ "ro", MS_RDONLY, false },		{ "rw", MS_RDONLY, true },
	{ "nosuid", MS_NOSUID, false },		{ "suid", MS_NOSUID, true },
	{ "nodev", MS_NODEV, false },		{ "dev", MS_NODEV, true },
	{ "noexec", MS_NOEXEC, false },		{ "exec", MS_NOEXEC, true },
	{ "sync", MS_SYNCHRONOUS, false },	{ "async", MS_SYNCHRONOUS, true },
	{ "noatime", MS_NOATIME, false },	{ "atime", MS_NOATIME, true },
	{ "nodiratime", MS_NODIRATIME, false },	{ "diratime", MS_NODIRATIME, true },
	{ "relatime", MS_RELATIME, false },	{ "norelatime", MS_RELATIME, true },
	{ "strictatime", MS_STRICTATIME, false },
};

struct vfs_flags {
	unsigned long flags;
	bool named;		/* some word named a VFS flag */
};

static bool apply_vfs_word(void *arg, const char *word, size_t len)
{
	struct vfs_flags *v = arg;

	for (size_t i = 0; i < sizeof(vfs_words) / sizeof(vfs_words[0]); i++) {
		const struct vfs_word *w = &vfs_words[i];

		if (!word_is(word, len, w->name))
			continue;
		v->flags = w->clear ? v->flags & ~w->flag : v->flags | w->flag;
		if (w->flag == MS_STRICTATIME)
			v->flags &= ~(MS_NOATIME | MS_RELATIME);
		v->named = true;
	}
	return false;
}

/* The flags in force, as MS_* bits, so that a remount keeps what it does not name. */
static unsigned long vfs_flags_now(const struct statvfs *sv)
{
	static const struct { unsigned long st, ms; } map[] = {
		{ ST_RDONLY, MS_RDONLY },	{ ST_NOSUID, MS_NOSUID },
		{ ST_NODEV, MS_NODEV },		{ ST_NOEXEC, MS_NOEXEC },
		{ ST_SYNCHRONOUS, MS_SYNCHRONOUS }, { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sv->f_flag & map[i].st)
			flags |= map[i].ms;
	return flags;
}

static int remount_vfs(const struct fuse_args *args, const char *mountpoint, int fd)
{
	struct vfs_flags v = { 0 };
	struct statvfs sv;

	if (fstatvfs(fd, &sv))
		return -errno;
	v.flags = vfs_flags_now(&sv);
	each_option(args, apply_vfs_word, &v);
	if (v.named && mount(NULL, mountpoint, NULL, MS_REMOUNT | v.flags, NULL))
		return -errno;
	return 0;
}

int remount_client(const struct fuse_args *args, const char *mountpoint)
{
	struct numafs_remount r = { .size = sizeof(r) };
	int fd, err = 0;

	if (each_option(args, add_word, &r)) {
		fprintf(stderr, "numafs: remount: options longer than %zu bytes\n",
			sizeof(r.options) - 1);
		return 1;
	}
	fd = open(mountpoint, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		fprintf(stderr, "numafs: remount: %s: %s\n", mountpoint, strerror(errno));
		return 1;
	}
	if (ioctl(fd, NUMAFS_IOC_REMOUNT, &r))
		err = -errno;
	if (err == -ENOTTY)
		fprintf(stderr, "numafs: remount: %s is not a numafs mount\n", mountpoint);
	else if (err)
		fprintf(stderr, "numafs: remount %s: %s\n", mountpoint, strerror(-err));
	else if ((err = -r.error) != 0)
		fprintf(stderr, "numafs: remount %s: %.*s\n", mountpoint,
			(int)sizeof(r.reason), r.reason[0] ? r.reason : strerror(-err));
	else if ((err = remount_vfs(args, mountpoint, fd)) != 0)
		fprintf(stderr, "numafs: remount %s: %s\n", mountpoint, strerror(-err));
	close(fd);
	return err ? 1 : 0;
}

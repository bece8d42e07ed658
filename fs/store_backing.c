// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backing files: one shmem file per regular file, where only the daemon can
 * reach it.  Best is a tmpfs instance of our own that was never attached
 * anywhere (or attached and detached at once), so nobody can even name its
 * files, and whose size= enforces the mount's size=.  Without
 * CAP_SYS_ADMIN, a 0700 directory on /dev/shm; as a last resort memfds,
 * whose fds must stay open for the file's whole life.
 *
 * Files are named by numafs inode number and opened only while in use, so
 * the number of files is not bounded by the open-file limit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "numafs.h"
#include "store_impl.h"

#define BACKING_MOUNT_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/*
 * The tmpfs enforces the mount's size= (0: unlimited, as for tmpfs);
 * nr_inodes= is the namespace code's, so the backing tmpfs has no limit.
 */
static void backing_size(const struct store *s, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, s->fs->opt.size);
}

/* A tmpfs that is never attached to any path: the new mount API. */
static int backing_fsmount(struct store *s)
{
	int fsfd, mfd, err = 0;
	char size[24];

	backing_size(s, size, sizeof(size));
	fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "numafs-store", 0) ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "size", size, 0) ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "nr_inodes", "0", 0) ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "mode", "0700", 0) ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "huge", "never", 0) ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		err = -errno;
	if (!err) {
		mfd = fsmount(fsfd, FSMOUNT_CLOEXEC,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		if (mfd < 0)
			err = -errno;
		else
			s->dirfd = mfd;
	}
	if (err)
		close(fsfd);
	else
		s->fsfd = fsfd;		/* kept to reconfigure size= on remount */
	return err;
}

/* Older kernels: mount on a fresh directory, keep an fd, detach. */
static int backing_mount_detach(struct store *s)
{
	char dir[] = "/tmp/numafs-store.XXXXXX";
	char size[24], opts[80];
	int err = 0;

	backing_size(s, size, sizeof(size));
	snprintf(opts, sizeof(opts), "size=%s,nr_inodes=0,mode=0700,huge=never", size);
	if (!mkdtemp(dir))
		return -errno;
	if (mount("numafs-store", dir, "tmpfs", BACKING_MOUNT_FLAGS, opts)) {
		err = -errno;
	} else {
		s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->dirfd < 0)
			err = -errno;
		umount2(dir, MNT_DETACH);
	}
	rmdir(dir);
	return err;
}

static int backing_shm_dir(struct store *s)
{
	char dir[] = "/dev/shm/numafs.XXXXXX";

	if (!mkdtemp(dir))		/* mode 0700 */
		return -errno;
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		int err = -errno;

		rmdir(dir);
		return err;
	}
	s->shm_path = strdup(dir);
	if (!s->shm_path) {
		close(s->dirfd);
		rmdir(dir);
		return -ENOMEM;
	}
	return 0;
}

int backing_init(struct store *s, struct errbuf *e)
{
	s->dirfd = -1;
	s->fsfd = -1;
	s->kind = BACKING_PRIVATE_TMPFS;
	if (!backing_fsmount(s) || !backing_mount_detach(s))
		return 0;
	numafs_debug(s->fs, "no private tmpfs (no CAP_SYS_ADMIN?): backing files on /dev/shm");
	s->kind = BACKING_SHM_DIR;
	if (!backing_shm_dir(s))
		return 0;
	numafs_debug(s->fs, "no /dev/shm: backing files are memfds");
	s->kind = BACKING_MEMFD;
	return 0;
}

int backing_resize(struct store *s)
{
	char size[24];

	if (s->kind != BACKING_PRIVATE_TMPFS)
		return 0;		/* nothing enforces it there */
	if (s->fsfd < 0)
		return -EOPNOTSUPP;
	backing_size(s, size, sizeof(size));
	if (fsconfig(s->fsfd, FSCONFIG_SET_STRING, "size", size, 0) ||
	    fsconfig(s->fsfd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0))
		return -errno;
	return 0;
}

/* Remove what is left in a /dev/shm directory (files still linked at exit). */
static void backing_empty_dir(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd, de->d_name, 0);
	closedir(d);
}

void backing_fini(struct store *s)
{
	if (s->shm_path) {
		backing_empty_dir(s->dirfd);
		rmdir(s->shm_path);
		free(s->shm_path);
	}
	/* A private tmpfs goes away with its last references: these fds. */
	if (s->dirfd >= 0)
		close(s->dirfd);
	if (s->fsfd >= 0)
		close(s->fsfd);
}

static void backing_name(const struct store_file *f, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, f->name);
}

int backing_create(struct store *s, struct store_file *f)
{
	struct stat st;
	char name[24];
	int fd;

	backing_name(f, name, sizeof(name));
	if (s->kind == BACKING_MEMFD)
		fd = memfd_create(name, MFD_CLOEXEC);
	else
		fd = openat(s->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		backing_unlink(s, f);
		return err;
	}
	f->backing_ino = st.st_ino;
	return fd;
}

int backing_open(struct store *s, struct store_file *f)
{
	char name[24];
	int fd;

	if (s->kind == BACKING_MEMFD)
		return -EBADF;		/* memfds are never closed */
	backing_name(f, name, sizeof(name));
	fd = openat(s->dirfd, name, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

void backing_unlink(struct store *s, struct store_file *f)
{
	char name[24];

	if (s->kind == BACKING_MEMFD)
		return;
	backing_name(f, name, sizeof(name));
	unlinkat(s->dirfd, name, 0);
}

int backing_stat(struct store *s, struct store_file *f, struct stat *st)
{
	char name[24];

	if (f->fd >= 0)
		return fstat(f->fd, st) ? -errno : 0;
	backing_name(f, name, sizeof(name));
	return fstatat(s->dirfd, name, st, 0) ? -errno : 0;
}

int backing_set_times(struct store *s, struct store_file *f, const struct timespec ts[2])
{
	char name[24];

	if (f->fd >= 0)
		return futimens(f->fd, ts) ? -errno : 0;
	backing_name(f, name, sizeof(name));
	return utimensat(s->dirfd, name, ts, 0) ? -errno : 0;
}

uint64_t backing_bytes_used(struct store *s)
{
	struct statvfs sv;

	/* Only our own tmpfs holds nothing but our files; elsewhere we count. */
	if (s->kind != BACKING_PRIVATE_TMPFS)
		return store_space_taken(s);
	if (fstatvfs(s->dirfd, &sv))
		return 0;
	return (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
}

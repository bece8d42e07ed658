// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Permissions as other users (a forked child with setresuid/setresgid) on
 * an allow_other mount: access checks, sticky directories, setgid
 * directories, chmod clearing S_ISGID, S_ISUID/S_ISGID cleared by a write
 * of a non-owner and by chown, utimensat's rules.  Each scenario runs on
 * numafs and on a kernel tmpfs, and every observation must be the same.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

#define ALICE 1000
#define BOB 1001
#define CLUB 1234		/* a group neither belongs to */

static void setup(void)
{
	fixture_mount("allow_other", NULL);
}

TestSuite(perm, .init = setup, .fini = fixture_teardown, .timeout = 60);

#define MAX_SEEN 16

/* What a scenario observed, in order, with what each value means. */
struct seen {
	int n;
	const char *what[MAX_SEEN];
	int value[MAX_SEEN];
};

static void see(struct seen *s, const char *what, int value)
{
	cr_assert_lt(s->n, MAX_SEEN);
	s->what[s->n] = what;
	s->value[s->n++] = value;
}

/* Mode bits of @name under @dir, as root sees them; -errno if none. */
static int mode_of(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) ? -errno : (int)(st.st_mode & 07777);
}

static int gid_of(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) ? -errno : (int)st.st_gid;
}

static void make(const char *dir, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0, "create %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, "data", 4), 4);
	close(fd);
	cr_assert_eq(chown(path, uid, gid), 0);
	cr_assert_eq(chmod(path, mode), 0, "chmod %s: %s", path, strerror(errno));
}

static void make_dir(const char *dir, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(mkdir(path, 0700), 0, "mkdir %s: %s", path, strerror(errno));
	cr_assert_eq(chown(path, uid, gid), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

/* An operation run as another user. */
enum action { OPEN, WRITE, UNLINK, RENAME, CHMOD, MKDIR, ACCESS, TOUCH, UTIMES };

struct step {
	enum action action;
	const char *name;
	const char *name2;	/* RENAME's target */
	int flags;		/* OPEN, WRITE: open flags; ACCESS: the mode asked */
	mode_t mode;
};

static int write_one(const char *path, int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, "x", 1) != 1)
		err = errno;
	close(fd);
	return err;
}

static int open_close(const char *path, int flags, mode_t mode)
{
	int fd = open(path, flags | O_CLOEXEC, mode);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* In the child: 0 or the errno of the step. */
static int run_step(const char *dir, void *arg)
{
	static const struct timespec times[2] = { { 1000, 0 }, { 2000, 0 } };
	const struct step *s = arg;
	char path[PATH_MAX], to[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, s->name);
	snprintf(to, sizeof(to), "%s/%s", dir, s->name2 ? s->name2 : "");
	switch (s->action) {
	case OPEN: return open_close(path, s->flags, s->mode);
	case WRITE: return write_one(path, s->flags);
	case UNLINK: ret = unlink(path); break;
	case RENAME: ret = rename(path, to); break;
	case CHMOD: ret = chmod(path, s->mode); break;
	case MKDIR: ret = mkdir(path, s->mode); break;
	case ACCESS: ret = access(path, s->flags); break;
	case TOUCH: ret = utimensat(AT_FDCWD, path, NULL, 0); break;
	case UTIMES: ret = utimensat(AT_FDCWD, path, times, 0); break;
	default: return 255;
	}
	return ret ? errno : 0;
}

#define STEP(...) ((struct step){ __VA_ARGS__ })
#define CREATE (O_CREAT | O_WRONLY)

static int as(uid_t uid, const char *dir, struct step s)
{
	return as_user(uid, uid, run_step, dir, &s);
}

static void run_both(void (*scenario)(const char *dir, struct seen *s))
{
	struct seen fs = { 0 }, ref = { 0 };

	scenario(fx_ref.dir, &ref);
	scenario(fx_fs.dir, &fs);
	cr_assert_eq(fs.n, ref.n);
	for (int i = 0; i < ref.n; i++)
		cr_expect_eq(fs.value[i], ref.value[i], "%s: numafs %d (%#o), tmpfs %d (%#o)",
			     ref.what[i], fs.value[i], fs.value[i], ref.value[i], ref.value[i]);
}

static void access_checks(const char *dir, struct seen *s)
{
	make(dir, "secret", 0600, 0, 0);
	make(dir, "public", 0644, 0, 0);
	make(dir, "group", 0660, 0, ALICE);
	make_dir(dir, "closed", 0755, 0, 0);
	see(s, "read 0600 root file",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "secret", .flags = O_RDONLY)));
	see(s, "read 0644 root file",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "public", .flags = O_RDONLY)));
	see(s, "write 0644 root file",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "public", .flags = O_WRONLY)));
	see(s, "write 0660 file of my group",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "group", .flags = O_RDWR)));
	see(s, "write 0660 file, other user",
	    as(BOB, dir, STEP(.action = OPEN, .name = "group", .flags = O_RDONLY)));
	see(s, "access W_OK 0644 root file",
	    as(ALICE, dir, STEP(.action = ACCESS, .name = "public", .flags = W_OK)));
	see(s, "create in 0755 root dir",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "closed/x", .flags = CREATE, .mode = 0644)));
	see(s, "unlink in 0755 root dir", as(ALICE, dir, STEP(.action = UNLINK, .name = "public")));
	see(s, "chmod root's file",
	    as(ALICE, dir, STEP(.action = CHMOD, .name = "public", .mode = 0777)));
}

Test(perm, access_checks)
{
	run_both(access_checks);
}

static void sticky(const char *dir, struct seen *s)
{
	make_dir(dir, "tmp", 01777, 0, 0);
	see(s, "alice creates in sticky dir",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "tmp/f", .flags = CREATE, .mode = 0666)));
	see(s, "bob unlinks alice's file", as(BOB, dir, STEP(.action = UNLINK, .name = "tmp/f")));
	see(s, "bob renames alice's file",
	    as(BOB, dir, STEP(.action = RENAME, .name = "tmp/f", .name2 = "tmp/g")));
	see(s, "bob writes alice's 0666 file",
	    as(BOB, dir, STEP(.action = WRITE, .name = "tmp/f")));
	see(s, "bob creates his own",
	    as(BOB, dir, STEP(.action = OPEN, .name = "tmp/b", .flags = CREATE, .mode = 0644)));
	see(s, "bob renames his over alice's",
	    as(BOB, dir, STEP(.action = RENAME, .name = "tmp/b", .name2 = "tmp/f")));
	see(s, "alice unlinks her file", as(ALICE, dir, STEP(.action = UNLINK, .name = "tmp/f")));
}

Test(perm, sticky_directory)
{
	run_both(sticky);
}

static void chmod_sgid(const char *dir, struct seen *s)
{
	make(dir, "g", 0644, ALICE, CLUB);
	make(dir, "mine", 0644, ALICE, ALICE);
	see(s, "alice chmod 02755, group not hers",
	    as(ALICE, dir, STEP(.action = CHMOD, .name = "g", .mode = 02755)));
	see(s, "mode after", mode_of(dir, "g"));
	see(s, "alice chmod 02755, her group",
	    as(ALICE, dir, STEP(.action = CHMOD, .name = "mine", .mode = 02755)));
	see(s, "mode after", mode_of(dir, "mine"));
	see(s, "alice chmod 04755 her file",
	    as(ALICE, dir, STEP(.action = CHMOD, .name = "g", .mode = 04755)));
	see(s, "mode after", mode_of(dir, "g"));
}

Test(perm, chmod_clears_sgid_outside_group)
{
	run_both(chmod_sgid);
}

static void write_kills_suid(const char *dir, struct seen *s)
{
	make(dir, "both", 06777, 0, 0);
	make(dir, "sgid-noexec", 02766, 0, 0);
	make(dir, "suid", 04766, 0, 0);
	make(dir, "trunc", 06777, 0, 0);
	see(s, "alice writes 06777 root file",
	    as(ALICE, dir, STEP(.action = WRITE, .name = "both")));
	see(s, "mode after", mode_of(dir, "both"));
	see(s, "alice writes 02766 root file",
	    as(ALICE, dir, STEP(.action = WRITE, .name = "sgid-noexec")));
	see(s, "mode after", mode_of(dir, "sgid-noexec"));
	see(s, "alice writes 04766 root file",
	    as(ALICE, dir, STEP(.action = WRITE, .name = "suid")));
	see(s, "mode after", mode_of(dir, "suid"));
	see(s, "alice opens 06777 root file O_TRUNC",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "trunc", .flags = O_WRONLY | O_TRUNC)));
	see(s, "mode after", mode_of(dir, "trunc"));
}

Test(perm, write_by_non_owner_clears_suid_sgid)
{
	run_both(write_kills_suid);
}

/* As root: 0 or the errno. */
static int chown_in(const char *dir, const char *name, uid_t uid, gid_t gid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return chown(path, uid, gid) ? errno : 0;
}

static void chown_kills_suid(const char *dir, struct seen *s)
{
	make(dir, "x", 06755, 0, 0);
	make(dir, "y", 02745, 0, 0);
	make(dir, "z", 06755, 0, 0);
	make_dir(dir, "d", 02755, 0, 0);
	see(s, "chown 06755 file", chown_in(dir, "x", ALICE, ALICE));
	see(s, "mode after", mode_of(dir, "x"));
	see(s, "chown 02745 file", chown_in(dir, "y", ALICE, -1));
	see(s, "mode after", mode_of(dir, "y"));
	see(s, "chown 02755 dir", chown_in(dir, "d", ALICE, ALICE));
	see(s, "mode after", mode_of(dir, "d"));
	see(s, "chown -1 -1 06755 file", chown_in(dir, "z", -1, -1));
	see(s, "mode after", mode_of(dir, "z"));
	see(s, "alice chmods the file given to her",
	    as(ALICE, dir, STEP(.action = CHMOD, .name = "x", .mode = 0755)));
}

Test(perm, chown_clears_suid_sgid)
{
	run_both(chown_kills_suid);
}

static void setgid_dir(const char *dir, struct seen *s)
{
	make_dir(dir, "sg", 02777, 0, CLUB);
	see(s, "alice creates in setgid dir",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "sg/f", .flags = CREATE, .mode = 02755)));
	see(s, "its gid", gid_of(dir, "sg/f"));
	see(s, "its mode", mode_of(dir, "sg/f"));
	see(s, "alice mkdirs in setgid dir",
	    as(ALICE, dir, STEP(.action = MKDIR, .name = "sg/d", .mode = 0755)));
	see(s, "its gid", gid_of(dir, "sg/d"));
	see(s, "its mode", mode_of(dir, "sg/d"));
	see(s, "alice creates in sticky root",
	    as(ALICE, dir, STEP(.action = OPEN, .name = "plain", .flags = CREATE, .mode = 0640)));
	see(s, "its gid", gid_of(dir, "plain"));
}

Test(perm, setgid_directory_inheritance)
{
	run_both(setgid_dir);
}

static void utimes_rules(const char *dir, struct seen *s)
{
	make(dir, "writable", 0666, 0, 0);
	make(dir, "readonly", 0644, 0, 0);
	make(dir, "hers", 0444, ALICE, ALICE);
	see(s, "touch (now) writable root file",
	    as(ALICE, dir, STEP(.action = TOUCH, .name = "writable")));
	see(s, "explicit times on writable root file",
	    as(ALICE, dir, STEP(.action = UTIMES, .name = "writable")));
	see(s, "touch (now) read-only root file",
	    as(ALICE, dir, STEP(.action = TOUCH, .name = "readonly")));
	see(s, "explicit times on her 0444 file",
	    as(ALICE, dir, STEP(.action = UTIMES, .name = "hers")));
}

Test(perm, utimensat_permissions)
{
	run_both(utimes_rules);
}

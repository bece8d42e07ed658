// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running the daemon: refused options (exit status 1, the option named,
 * nothing mounted), --help and --version, SIGTERM and SIGINT unmounting
 * cleanly, the fsname, and allow_other by default when root mounts.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

static void need_daemon(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (!mountfs_daemon())
		cr_skip_test("NUMAFS_BIN is not set: run through meson test");
	cr_assert_eq(mountfs_isolate(), 0);
}

static void teardown(void)
{
	if (fx_fs.pid > 0 || fx_fs.mounted)
		mountfs_stop(&fx_fs);
	if (fx_ref.mounted)
		mountfs_stop(&fx_ref);
}

TestSuite(options, .fini = teardown, .timeout = 120);

/* Run "numafs -f -o @options DIR" on an empty directory; its output. */
static int run_daemon(const char *options, char *out, size_t len)
{
	char dir[] = "/tmp/numafs-opt.XXXXXX";
	char *argv[] = { (char *)mountfs_daemon(), "-f", "-o", (char *)options, dir, NULL };
	int status;

	cr_assert_not_null(mkdtemp(dir));
	status = mountfs_run(argv, out, len);
	if (mountfs_is_mounted(dir, NULL, 0)) {
		umount2(dir, MNT_DETACH);
		rmdir(dir);
		cr_expect(false, "numafs -o %s mounted %s; it should have refused", options, dir);
	}
	rmdir(dir);
	return status;
}

Test(options, bad_options_refused)
{
	static const struct { const char *options, *named; } bad[] = {
		{ "no_such_option", "no_such_option" },
		{ "size=12Q", "size" },
		{ "size=-5", "size" },
		{ "nr_inodes=lots", "nr_inodes" },
		{ "mode=9999", "mode" },
		{ "mpol=sideways:0", "mpol" },
		{ "mpol=bind:", "mpol" },
		{ "numa=fake:0x1G", "numa" },
		{ "numa=imaginary", "numa" },
		{ "passthrough=maybe", "passthrough" },
		{ "size=1G,frobnicate", "frobnicate" },
	};
	char out[4096];

	need_daemon();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int status = run_daemon(bad[i].options, out, sizeof(out));

		cr_expect(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 1,
			  "-o %s: wait status %#x, want exit status 1; said: %s",
			  bad[i].options, status, out);
		cr_expect_not_null(strstr(out, bad[i].named),
				   "-o %s: the message does not name %s: \"%s\"",
				   bad[i].options, bad[i].named, out);
	}
}

static void run_flag(const char *flag, const char *want)
{
	char *argv[] = { (char *)mountfs_daemon(), (char *)flag, NULL };
	char out[8192];
	int status;

	need_daemon();
	status = mountfs_run(argv, out, sizeof(out));
	cr_expect(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "numafs %s: wait status %#x", flag, status);
	cr_expect_not_null(strstr(out, want), "numafs %s does not say \"%s\": %s", flag, want, out);
}

Test(options, help)
{
	run_flag("--help", "size=");
}

Test(options, version)
{
	run_flag("--version", NUMAFS_VERSION);
}

static void signal_unmounts(int sig)
{
	char options[256];
	int status, fd;

	need_daemon();
	cr_assert_eq(mountfs_numafs(&fx_fs, fixture_options(NULL, options, sizeof(options)),
				    false), 0);
	fd = creat(in_fs("f"), 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(kill(fx_fs.pid, sig), 0);
	status = mountfs_wait_pid(fx_fs.pid, MOUNTFS_TIMEOUT_MS);
	cr_assert_neq(status, -ETIMEDOUT, "numafs still runs %d ms after %s", MOUNTFS_TIMEOUT_MS,
		      strsignal(sig));
	fx_fs.pid = 0;
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "after %s: wait status %#x, want exit status 0", strsignal(sig), status);
	cr_expect_not(mountfs_is_mounted(fx_fs.dir, NULL, 0), "still mounted after %s",
		      strsignal(sig));
	fx_fs.mounted = mountfs_is_mounted(fx_fs.dir, NULL, 0);
}

Test(options, sigterm_unmounts)
{
	signal_unmounts(SIGTERM);
}

Test(options, sigint_unmounts)
{
	signal_unmounts(SIGINT);
}

/* The source field of the mount: "numafs", not the daemon's path. */
Test(options, fsname)
{
	char line[4096], point[4096], source[256], options[256];
	const char *sep;
	bool found = false;
	FILE *f;

	need_daemon();
	cr_assert_eq(mountfs_numafs(&fx_fs, fixture_options(NULL, options, sizeof(options)),
				    false), 0);
	f = fopen("/proc/self/mountinfo", "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		sep = strstr(line, " - ");
		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    !strcmp(point, fx_fs.dir) && sscanf(sep + 3, "%*s %255s", source) == 1) {
			found = true;
			cr_expect_str_eq(source, "numafs", "mount source is \"%s\"", source);
		}
	}
	fclose(f);
	cr_expect(found, "%s is not in the mount table", fx_fs.dir);
}

static int stat_root(const char *dir, void *arg)
{
	struct stat st;

	return stat(dir, &st) ? errno : 0;
}

Test(options, allow_other_by_default_for_root)
{
	char options[256];
	int err;

	need_daemon();
	cr_assert_eq(mountfs_numafs(&fx_fs, fixture_options(NULL, options, sizeof(options)),
				    false), 0);
	err = as_user(65534, 65534, stat_root, fx_fs.dir, NULL);
	cr_expect_eq(err, 0, "another user's stat of the mount: %s", strerror(err));
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Policies from the outside (issue 10): user.numa.* xattrs and the ioctls
 * of <numafs.h>, and where pages land.  Placement is checked on a
 * simulated topology of four nodes (numa=fake:4x256M), where numafs places
 * pages itself; on the real topology (one node here) the same interfaces
 * are checked with node 0 only, and the placement tests skip.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <numafs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fixture.h"

#define PAGE 4096
#define NODE_PAGES (256 << 8)		/* 256 MiB of 4 KiB pages */
#define ALICE 1000

TestSuite(policy, .fini = fixture_teardown, .timeout = 120);

static bool simulated(void)
{
	return strstr(fixture_mode(), "numa=fake") != NULL;
}

static void need_simulated(void)
{
	if (!simulated())
		cr_skip_test("placement is checked on numa=fake");
}

/* The mount in the mode under test, with other users allowed in. */
static void mount_policy(const char *extra)
{
	char opts[256];

	snprintf(opts, sizeof(opts), "allow_other%s%s", extra ? "," : "", extra ? extra : "");
	fixture_mount(opts, NULL);
}

static int xset(const char *path, const char *name, const char *value)
{
	return setxattr(path, name, value, strlen(value), 0) ? -errno : 0;
}

/* The value of @name as a string ("" when there is none), in a static buffer. */
static const char *xget(const char *path, const char *name)
{
	static char buf[8192];
	ssize_t n = getxattr(path, name, buf, sizeof(buf) - 1);

	cr_assert(n >= 0 || errno == ENODATA, "getxattr %s %s: %s", path, name, strerror(errno));
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static char *xdup(const char *path, const char *name)
{
	char *s = strdup(xget(path, name));

	cr_assert_not_null(s);
	return s;
}

static int open_file(const char *name, int flags)
{
	int fd = open(in_fs(name), flags | O_CLOEXEC, 0644);

	cr_assert_geq(fd, 0, "open %s: %s", name, strerror(errno));
	return fd;
}

static void create(const char *name)
{
	close(open_file(name, O_WRONLY | O_CREAT));
}

/* Write pages [first, first + count) of @name: 0, or the errno that stopped it. */
static int write_pages(const char *name, uint64_t first, uint64_t count)
{
	static char buf[256 * PAGE];
	int fd = open_file(name, O_WRONLY | O_CREAT);
	int err = 0;

	memset(buf, 'p', sizeof(buf));
	while (count && !err) {
		size_t n = count < 256 ? count * PAGE : sizeof(buf);
		ssize_t done = pwrite(fd, buf, n, (off_t)(first * PAGE));

		if (done < 0)
			err = errno;
		else if (done % PAGE || !done)
			err = EIO;
		first += (uint64_t)done / PAGE;
		count -= done > 0 ? (uint64_t)done / PAGE : 0;
	}
	if (fsync(fd) && !err)
		err = errno;
	if (close(fd) && !err)
		err = errno;
	return err;
}

static int ioctl_on(const char *name, unsigned long cmd, void *arg)
{
	int fd = open_file(name, O_RDONLY | O_NONBLOCK);
	int ret = ioctl(fd, cmd, arg) ? errno : 0;

	close(fd);
	return ret;
}

/* The node of page @page of @name (by NUMAFS_IOC_WHERE), -ENOENT for a hole. */
static void where(const char *name, uint64_t first, uint32_t count, int32_t *nodes)
{
	struct numafs_where *w = calloc(1, sizeof(*w));

	cr_assert_not_null(w);
	w->size = sizeof(*w);
	w->offset = first * PAGE;
	w->count = count;
	cr_assert_eq(ioctl_on(name, NUMAFS_IOC_WHERE, w), 0, "WHERE: %s", strerror(errno));
	cr_assert_eq(w->count, count);
	memcpy(nodes, w->node, count * sizeof(*nodes));
	free(w);
}

static void file_stats(const char *name, struct numafs_file_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	cr_assert_eq(ioctl_on(name, NUMAFS_IOC_FILE_STATS, st), 0, "FILE_STATS: %s",
		     strerror(errno));
}

static void mount_stats(struct numafs_mount_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	cr_assert_eq(ioctl_on(".", NUMAFS_IOC_MOUNT_STATS, st), 0, "MOUNT_STATS: %s",
		     strerror(errno));
}

/* The number after "@key=" in @text, or -1. */
static long long field(const char *text, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = strstr(text, pat); p && p != text && p[-1] != ' ' && p[-1] != '\n';
	     p = strstr(p + 1, pat))
		;
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* On a fresh simulated mount, file @name of 64 pages written under interleave:0-3. */
static void interleaved_64(const char *name)
{
	need_simulated();
	mount_policy(NULL);
	create(name);
	cr_assert_eq(xset(in_fs(name), NUMAFS_XATTR_POLICY, "interleave:0-3"), 0);
	cr_assert_eq(write_pages(name, 0, 64), 0);
}

Test(policy, interleave_64_pages_by_phase)
{
	int32_t nodes[64];
	const char *stats;
	long long phase;

	interleaved_64("f");
	stats = xget(in_fs("f"), NUMAFS_XATTR_STATS);
	cr_expect_eq(field(stats, "pages"), 64, "%s", stats);
	for (int n = 0; n < 4; n++) {
		char key[8];

		snprintf(key, sizeof(key), "N%d", n);
		cr_expect_eq(field(stats, key), 16, "%s: %s", key, stats);
	}
	cr_expect_eq(field(stats, "misplaced"), 0, "%s", stats);
	phase = field(stats, "phase");
	cr_assert_geq(phase, 0, "%s", stats);
	where("f", 0, 64, nodes);
	for (int i = 0; i < 64; i++)
		cr_expect_eq(nodes[i], (phase + i) % 4, "page %d on node %d, phase %lld", i,
			     nodes[i], phase);
}

/* Pages written until an error; that error in *@err. */
static uint64_t fill(const char *name, uint64_t max_pages, int *err)
{
	uint64_t pages = 0;

	*err = 0;
	while (pages < max_pages && !*err) {
		*err = write_pages(name, pages, 1024);
		if (!*err)
			pages += 1024;
	}
	return pages;
}

Test(policy, bind_fills_its_node_then_enospc)
{
	struct numafs_mount_stats before, after;
	int err;

	need_simulated();
	mount_policy(NULL);
	create("b");
	cr_assert_eq(xset(in_fs("b"), NUMAFS_XATTR_POLICY, "bind:2"), 0);
	mount_stats(&before);
	fill("b", 2 * NODE_PAGES, &err);
	cr_expect_eq(err, ENOSPC, "filling bind:2 ended with %s", strerror(err));
	mount_stats(&after);
	cr_expect_eq(after.node[2].free, 0, "node 2 has %" PRIu64 " bytes free", after.node[2].free);
	cr_expect_eq(after.node[2].used, after.node[2].capacity);
	for (int n = 0; n < 4; n++)
		if (n != 2)
			cr_expect_eq(after.node[n].used, before.node[n].used,
				     "node %d: %" PRIu64 " bytes used, was %" PRIu64, n,
				     after.node[n].used, before.node[n].used);
	cr_expect(mountfs_alive(&fx_fs));
}

Test(policy, preferred_falls_back_to_nearest_node)
{
	int32_t nodes[16];
	int err;

	need_simulated();
	mount_policy(NULL);
	create("full");
	cr_assert_eq(xset(in_fs("full"), NUMAFS_XATTR_POLICY, "bind:1"), 0);
	fill("full", 2 * NODE_PAGES, &err);
	cr_assert_eq(err, ENOSPC, "filling node 1: %s", strerror(err));
	create("p");
	cr_assert_eq(xset(in_fs("p"), NUMAFS_XATTR_POLICY, "preferred:1"), 0);
	cr_assert_eq(write_pages("p", 0, 16), 0, "preferred:1 with node 1 full");
	where("p", 0, 16, nodes);
	/* Every remote node is at distance 20: the nearest is the lowest id, 0. */
	for (int i = 0; i < 16; i++)
		cr_expect_eq(nodes[i], 0, "page %d on node %d", i, nodes[i]);
}

Test(policy, weighted_interleave_3_to_1)
{
	struct numafs_file_stats st;

	need_simulated();
	mount_policy(NULL);
	create("w");
	cr_assert_eq(xset(in_fs("w"), NUMAFS_XATTR_POLICY, "weighted-interleave:0*3,1*1"), 0);
	cr_assert_eq(xget(in_fs("w"), NUMAFS_XATTR_POLICY)[0], 'w');
	cr_assert_eq(write_pages("w", 0, 64), 0);
	file_stats("w", &st);
	cr_expect_eq(st.pages, 64);
	cr_expect_eq(st.node_pages[0], 48, "node 0: %" PRIu64, st.node_pages[0]);
	cr_expect_eq(st.node_pages[1], 16, "node 1: %" PRIu64, st.node_pages[1]);
}

/* Policies of one node on the real topology, of several on the simulated one. */
struct three {
	const char *base, *outer, *inner;
	int outer_node, inner_node;
};

static struct three three_policies(void)
{
	if (simulated())
		return (struct three){ "interleave:0-3", "bind:1", "bind:2", 1, 2 };
	return (struct three){ "interleave:0", "bind:0", "preferred:0", 0, 0 };
}

Test(policy, range_override_inside_leaves_three_ranges)
{
	struct three t = three_policies();
	char want[256];
	int32_t nodes[80];
	long long phase;

	mount_policy(NULL);
	create("r");
	cr_assert_eq(xset(in_fs("r"), NUMAFS_XATTR_POLICY, t.base), 0);
	snprintf(want, sizeof(want), "0+256K %s", t.outer);
	cr_assert_eq(xset(in_fs("r"), NUMAFS_XATTR_RANGES, want), 0);
	snprintf(want, sizeof(want), "64K+64K %s", t.inner);
	cr_assert_eq(xset(in_fs("r"), NUMAFS_XATTR_RANGES, want), 0);
	snprintf(want, sizeof(want), "0+64K %s\n64K+64K %s\n128K+128K %s", t.outer, t.inner,
		 t.outer);
	cr_expect_str_eq(xget(in_fs("r"), NUMAFS_XATTR_RANGES), want);
	cr_expect_str_eq(xget(in_fs("r"), NUMAFS_XATTR_POLICY), t.base, "the base stays");
	if (!simulated())
		return;
	cr_assert_eq(write_pages("r", 0, 80), 0);
	phase = field(xget(in_fs("r"), NUMAFS_XATTR_STATS), "phase");
	where("r", 0, 80, nodes);
	for (int i = 0; i < 80; i++) {
		int want_node = i >= 64 ? (int)((phase + i) % 4) :
				i >= 16 && i < 32 ? t.inner_node : t.outer_node;

		cr_expect_eq(nodes[i], want_node, "page %d on node %d, not %d", i, nodes[i],
			     want_node);
	}
	/* "default" on a range removes the overrides there. */
	cr_assert_eq(xset(in_fs("r"), NUMAFS_XATTR_RANGES, "0+128K default"), 0);
	snprintf(want, sizeof(want), "128K+128K %s", t.outer);
	cr_expect_str_eq(xget(in_fs("r"), NUMAFS_XATTR_RANGES), want);
}

Test(policy, directories_pass_their_policy_on)
{
	const char *p = simulated() ? "interleave:1-2" : "bind:0";

	mount_policy(NULL);
	create("before");
	cr_assert_eq(mkdir(in_fs("d"), 0755), 0);
	create("d/old");
	cr_assert_eq(xset(in_fs("d"), NUMAFS_XATTR_POLICY, p), 0);
	cr_expect_str_eq(xget(in_fs("d"), NUMAFS_XATTR_POLICY), p);
	create("d/new");
	cr_assert_eq(mkdir(in_fs("d/sub"), 0755), 0);
	create("d/sub/deep");
	cr_expect_str_eq(xget(in_fs("d/new"), NUMAFS_XATTR_POLICY), p);
	cr_expect_str_eq(xget(in_fs("d/sub"), NUMAFS_XATTR_POLICY), p);
	cr_expect_str_eq(xget(in_fs("d/sub/deep"), NUMAFS_XATTR_POLICY), p);
	cr_expect_str_eq(xget(in_fs("d/old"), NUMAFS_XATTR_POLICY), "default",
			 "created before the change");
	cr_expect_str_eq(xget(in_fs("before"), NUMAFS_XATTR_POLICY), "default");
	/* A directory has no ranges. */
	cr_expect_eq(xset(in_fs("d"), NUMAFS_XATTR_RANGES, "0+4K bind:0"), -EINVAL);
}

Test(policy, root_default_from_mpol)
{
	const char *p = simulated() ? "interleave:0-3" : "bind:0";
	char opt[64];

	snprintf(opt, sizeof(opt), "mpol=%s", p);
	mount_policy(opt);
	create("f");
	cr_expect_str_eq(xget(fx_fs.dir, NUMAFS_XATTR_POLICY), p);
	cr_expect_str_eq(xget(in_fs("f"), NUMAFS_XATTR_POLICY), p);
}

/* The names listxattr gives, NUL-separated, in a static buffer; its length. */
static ssize_t names(const char *path, char *buf, size_t len)
{
	ssize_t n = listxattr(path, buf, len);

	cr_assert_geq(n, 0, "listxattr %s: %s", path, strerror(errno));
	return n;
}

static bool listed(const char *buf, ssize_t len, const char *name)
{
	for (const char *p = buf; p < buf + len; p += strlen(p) + 1)
		if (!strcmp(p, name))
			return true;
	return false;
}

Test(policy, listxattr_shows_what_cp_should_carry)
{
	struct three t = three_policies();
	char buf[1024], range[64];
	ssize_t n;

	mount_policy(NULL);
	create("f");
	n = names(in_fs("f"), buf, sizeof(buf));
	cr_expect(!listed(buf, n, NUMAFS_XATTR_POLICY) && !listed(buf, n, NUMAFS_XATTR_RANGES),
		  "a default file lists no policy");
	cr_assert_eq(xset(in_fs("f"), NUMAFS_XATTR_POLICY, t.base), 0);
	snprintf(range, sizeof(range), "8K+4K %s", t.inner);
	cr_assert_eq(xset(in_fs("f"), NUMAFS_XATTR_RANGES, range), 0);
	n = names(in_fs("f"), buf, sizeof(buf));
	cr_expect(listed(buf, n, NUMAFS_XATTR_POLICY));
	cr_expect(listed(buf, n, NUMAFS_XATTR_RANGES));
	cr_expect(!listed(buf, n, NUMAFS_XATTR_STATS), "stats are not listed");
	/* removexattr takes back what was set, and only that. */
	cr_expect_eq(removexattr(in_fs("f"), NUMAFS_XATTR_RANGES), 0);
	cr_expect_str_eq(xget(in_fs("f"), NUMAFS_XATTR_RANGES), "");
	cr_expect_str_eq(xget(in_fs("f"), NUMAFS_XATTR_POLICY), t.base, "the base stays");
	cr_expect_eq(removexattr(in_fs("f"), NUMAFS_XATTR_POLICY), 0);
	cr_expect_str_eq(xget(in_fs("f"), NUMAFS_XATTR_POLICY), "default");
	cr_expect_eq(removexattr(in_fs("f"), NUMAFS_XATTR_POLICY), -1);
	cr_expect_eq(errno, ENODATA, "nothing left to remove: %s", strerror(errno));
	cr_expect_eq(names(in_fs("f"), buf, sizeof(buf)), 0);
}

static void run(const char *cmd)
{
	int status = system(cmd);

	cr_assert(WIFEXITED(status) && !WEXITSTATUS(status), "%s: status %d", cmd, status);
}

Test(policy, cp_a_keeps_policy_and_ranges)
{
	struct three t = three_policies();
	char cmd[512], range[128];
	char *policy, *ranges;

	mount_policy(NULL);
	cr_assert_eq(mkdir(in_fs("src"), 0755), 0);
	cr_assert_eq(mkdir(in_fs("dst"), 0755), 0);
	cr_assert_eq(write_pages("src/f", 0, 8), 0);
	cr_assert_eq(xset(in_fs("src/f"), NUMAFS_XATTR_POLICY, t.base), 0);
	snprintf(range, sizeof(range), "0+8K %s\n16K+4K %s", t.outer, t.inner);
	cr_assert_eq(xset(in_fs("src/f"), NUMAFS_XATTR_RANGES, range), 0,
		     "several lines at once");
	policy = xdup(in_fs("src/f"), NUMAFS_XATTR_POLICY);
	ranges = xdup(in_fs("src/f"), NUMAFS_XATTR_RANGES);
	cr_expect_str_eq(ranges, range);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'/", in_fs("src/f"), in_fs("dst"));
	run(cmd);
	cr_expect_str_eq(xget(in_fs("dst/f"), NUMAFS_XATTR_POLICY), policy);
	cr_expect_str_eq(xget(in_fs("dst/f"), NUMAFS_XATTR_RANGES), ranges);
	free(policy);
	free(ranges);
}

/* Every value numafs shows for @path, to see that a refused change left them. */
struct shown {
	char *policy, *ranges, *stats;
};

static struct shown shown(const char *path)
{
	return (struct shown){
		xdup(path, NUMAFS_XATTR_POLICY),
		xdup(path, NUMAFS_XATTR_RANGES),
		xdup(path, NUMAFS_XATTR_STATS),
	};
}

static void shown_free(struct shown *s)
{
	free(s->policy);
	free(s->ranges);
	free(s->stats);
}

static void expect_unchanged(const char *path, const struct shown *was, const char *what)
{
	struct shown now = shown(path);

	cr_expect_str_eq(now.policy, was->policy, "%s changed the policy", what);
	cr_expect_str_eq(now.ranges, was->ranges, "%s changed the ranges", what);
	cr_expect_str_eq(now.stats, was->stats, "%s changed the stats", what);
	shown_free(&now);
}

Test(policy, bad_xattr_values_change_nothing)
{
	static const struct {
		const char *name, *value;
		int err;
	} bad[] = {
		{ NUMAFS_XATTR_POLICY, "bogus", EINVAL },
		{ NUMAFS_XATTR_POLICY, "", EINVAL },
		{ NUMAFS_XATTR_POLICY, "interleave:", EINVAL },
		{ NUMAFS_XATTR_POLICY, "interleave:0-99", EINVAL },
		{ NUMAFS_XATTR_POLICY, "bind:1023", EINVAL },
		{ NUMAFS_XATTR_POLICY, "bind:5000", EINVAL },
		{ NUMAFS_XATTR_POLICY, "default:0", EINVAL },
		{ NUMAFS_XATTR_POLICY, "bind=static=relative:0", EINVAL },
		{ NUMAFS_XATTR_POLICY, "bind:0 sometimes", EINVAL },
		{ NUMAFS_XATTR_RANGES, "4K+4K", EINVAL },
		{ NUMAFS_XATTR_RANGES, "1+4K bind:0", EINVAL },
		{ NUMAFS_XATTR_RANGES, "0+4097 bind:0", EINVAL },
		{ NUMAFS_XATTR_RANGES, "0+0 bind:0", EINVAL },
		{ NUMAFS_XATTR_RANGES, "0+4Q bind:0", EINVAL },
		{ NUMAFS_XATTR_RANGES, "x+4K bind:0", EINVAL },
		{ NUMAFS_XATTR_RANGES, "0+4K bind:77", EINVAL },
		{ NUMAFS_XATTR_RANGES, "18446744073709547520+8K bind:0", EINVAL },
		{ NUMAFS_XATTR_RANGES, "0+4K bind:0\n1+4K bind:0", EINVAL },
		{ NUMAFS_XATTR_STATS, "bind:0", EPERM },
		{ "user.numa.other", "bind:0", EINVAL },
	};
	struct three t = three_policies();
	struct shown was;
	char range[64];

	mount_policy(NULL);
	cr_assert_eq(write_pages("f", 0, 4), 0);
	cr_assert_eq(xset(in_fs("f"), NUMAFS_XATTR_POLICY, t.base), 0);
	snprintf(range, sizeof(range), "8K+4K %s", t.inner);
	cr_assert_eq(xset(in_fs("f"), NUMAFS_XATTR_RANGES, range), 0);
	was = shown(in_fs("f"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[128];

		snprintf(what, sizeof(what), "%s=\"%s\"", bad[i].name, bad[i].value);
		cr_expect_eq(xset(in_fs("f"), bad[i].name, bad[i].value), -bad[i].err,
			     "%s: not %s", what, strerror(bad[i].err));
		expect_unchanged(in_fs("f"), &was, what);
	}
	cr_expect_eq(setxattr(in_fs("f"), NUMAFS_XATTR_POLICY, "bind:0\0x", 8, 0), -1);
	cr_expect_eq(errno, EINVAL, "a NUL inside: %s", strerror(errno));
	expect_unchanged(in_fs("f"), &was, "a NUL inside");
	shown_free(&was);
}

static void ioctl_policy(struct numafs_policy *p, uint16_t mode, unsigned int node)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->nodes[node / 64] = 1ULL << (node % 64);
}

Test(policy, bad_ioctls_change_nothing)
{
	struct numafs_set_policy *s = calloc(1, sizeof(*s));
	struct numafs_where *w = calloc(1, sizeof(*w));
	struct numafs_file_stats *fst = calloc(1, sizeof(*fst));
	struct shown was;

	cr_assert(s && w && fst);
	mount_policy(NULL);
	cr_assert_eq(write_pages("f", 0, 4), 0);
	was = shown(in_fs("f"));
#define BAD_SET(err, field, value) do {						\
		s->size = sizeof(*s);						\
		s->offset = 0;							\
		s->length = PAGE;						\
		s->flags = 0;							\
		ioctl_policy(&s->policy, NUMAFS_MPOL_BIND, 0);			\
		field = value;							\
		cr_expect_eq(ioctl_on("f", NUMAFS_IOC_SET_POLICY, s), err,	\
			     #field " = " #value ": %s", strerror(errno));	\
		expect_unchanged(in_fs("f"), &was, #field " = " #value);	\
	} while (0)
	BAD_SET(EINVAL, s->size, sizeof(*s) - 8);
	BAD_SET(EINVAL, s->policy.mode, 99);
	BAD_SET(EINVAL, s->policy.nodes[0], 0);
	BAD_SET(EINVAL, s->policy.nodes[15], 1ULL << 63);
	BAD_SET(EINVAL, s->policy.reserved, 1);
	BAD_SET(EINVAL, s->policy.flags, NUMAFS_MPOL_F_STATIC_NODES | NUMAFS_MPOL_F_RELATIVE_NODES);
	BAD_SET(EINVAL, s->policy.weights[0], 3);
	BAD_SET(EINVAL, s->offset, 100);
	BAD_SET(EINVAL, s->length, 0);
	BAD_SET(EINVAL, s->length, PAGE + 1);
	BAD_SET(EINVAL, s->flags, 1u << 20);
	BAD_SET(EINVAL, s->offset, UINT64_MAX & ~(uint64_t)(PAGE - 1));
#undef BAD_SET
	w->size = sizeof(*w);
	w->count = 0;
	cr_expect_eq(ioctl_on("f", NUMAFS_IOC_WHERE, w), EINVAL, "WHERE of 0 pages");
	w->count = NUMAFS_WHERE_BATCH + 1;
	cr_expect_eq(ioctl_on("f", NUMAFS_IOC_WHERE, w), EINVAL, "WHERE past the batch");
	w->count = 1;
	w->offset = 1;
	cr_expect_eq(ioctl_on("f", NUMAFS_IOC_WHERE, w), EINVAL, "WHERE unaligned");
	fst->size = sizeof(*fst);
	fst->first_node = NUMAFS_MAX_NODES;
	cr_expect_eq(ioctl_on("f", NUMAFS_IOC_FILE_STATS, fst), EINVAL, "first_node too high");
	cr_expect_eq(ioctl_on("f", _IOWR(NUMAFS_IOC_MAGIC, 99, struct numafs_where), w), ENOTTY);
	cr_expect_eq(ioctl_on("f", _IOWR(NUMAFS_IOC_MAGIC, 3, uint64_t), w), ENOTTY,
		     "WHERE's number with another size is another ioctl");
	/* A directory has only a base policy and no pages. */
	w->offset = 0;
	cr_expect_eq(ioctl_on(".", NUMAFS_IOC_WHERE, w), EISDIR);
	s->size = sizeof(*s);
	s->flags = 0;
	s->offset = 0;
	s->length = PAGE;
	ioctl_policy(&s->policy, NUMAFS_MPOL_BIND, 0);
	cr_expect_eq(ioctl_on(".", NUMAFS_IOC_SET_POLICY, s), EINVAL, "a range on a directory");
	expect_unchanged(in_fs("f"), &was, "the ioctls above");
	shown_free(&was);
	free(s);
	free(w);
	free(fst);
}

/* Every override of @name by GET_POLICY, as user.numa.ranges prints them. */
static void ranges_by_ioctl(const char *name, char *buf, size_t len, char *base, size_t blen)
{
	struct numafs_get_policy *g = calloc(1, sizeof(*g));
	uint64_t offset = 0;
	size_t used = 0;

	cr_assert_not_null(g);
	buf[0] = '\0';
	for (int pieces = 0; pieces < 100; pieces++) {
		memset(g, 0, sizeof(*g));
		g->size = sizeof(*g);
		g->offset = offset;
		cr_assert_eq(ioctl_on(name, NUMAFS_IOC_GET_POLICY, g), 0, "GET_POLICY");
		cr_assert_leq(g->start, offset);
		if (g->flags & NUMAFS_GOT_RANGE)
			used += (size_t)snprintf(buf + used, len - used, "%s%" PRIu64 "+%" PRIu64
						 " mode%u:%#" PRIx64, used ? "\n" : "",
						 g->start / PAGE, g->length / PAGE,
						 g->policy.mode, g->policy.nodes[0]);
		else
			snprintf(base, blen, "mode%u:%#" PRIx64, g->policy.mode,
				 g->policy.nodes[0]);
		if (g->length == UINT64_MAX)
			break;
		offset = g->start + g->length;
	}
	free(g);
}

Test(policy, ioctls_and_xattrs_agree)
{
	struct numafs_set_policy *s = calloc(1, sizeof(*s));
	unsigned int far = simulated() ? 3 : 0;
	char got[512], base[64], want[128];
	struct numafs_file_stats st;
	const char *stats;

	cr_assert_not_null(s);
	mount_policy(NULL);
	cr_assert_eq(write_pages("f", 0, 32), 0);
	/* ioctl in, xattr out. */
	s->size = sizeof(*s);
	s->flags = NUMAFS_SET_BASE;
	ioctl_policy(&s->policy, NUMAFS_MPOL_PREFERRED, far);
	cr_assert_eq(ioctl_on("f", NUMAFS_IOC_SET_POLICY, s), 0, "SET base: %s", strerror(errno));
	s->flags = 0;
	s->offset = 8 * PAGE;
	s->length = 4 * PAGE;
	ioctl_policy(&s->policy, NUMAFS_MPOL_BIND, 0);
	cr_assert_eq(ioctl_on("f", NUMAFS_IOC_SET_POLICY, s), 0, "SET range: %s", strerror(errno));
	snprintf(want, sizeof(want), "preferred:%u", far);
	cr_expect_str_eq(xget(in_fs("f"), NUMAFS_XATTR_POLICY), want);
	cr_expect_str_eq(xget(in_fs("f"), NUMAFS_XATTR_RANGES), "32K+16K bind:0");
	/* xattr in, ioctl out. */
	cr_assert_eq(xset(in_fs("f"), NUMAFS_XATTR_RANGES, "64K+8K interleave:0"), 0);
	ranges_by_ioctl("f", got, sizeof(got), base, sizeof(base));
	snprintf(want, sizeof(want), "mode%u:%#llx", NUMAFS_MPOL_PREFERRED, 1ULL << far);
	cr_expect_str_eq(base, want);
	snprintf(want, sizeof(want), "8+4 mode%u:0x1\n16+2 mode%u:0x1", NUMAFS_MPOL_BIND,
		 NUMAFS_MPOL_INTERLEAVE);
	cr_expect_str_eq(got, want);
	/* The same statistics both ways. */
	file_stats("f", &st);
	stats = xget(in_fs("f"), NUMAFS_XATTR_STATS);
	cr_expect_eq(field(stats, "pages"), (long long)st.pages, "%s", stats);
	cr_expect_eq(st.pages, 32);
	cr_expect_eq(field(stats, "misplaced"), (long long)st.misplaced, "%s", stats);
	cr_expect_eq(field(stats, "phase"), (long long)st.phase, "%s", stats);
	cr_expect_eq(field(stats, "N0"), st.node_pages[0] ? (long long)st.node_pages[0] : -1);
	free(s);
}

Test(policy, misplaced_counts_pages_a_new_policy_would_not_choose)
{
	struct numafs_file_stats st;

	interleaved_64("m");
	cr_assert_eq(xset(in_fs("m"), NUMAFS_XATTR_POLICY, "bind:0"), 0);
	file_stats("m", &st);
	cr_expect_eq(st.pages, 64);
	cr_expect_eq(st.node_pages[0], 16, "pages stay where they were");
	cr_expect_eq(st.misplaced, 48);
	cr_expect_eq(xset(in_fs("m"), NUMAFS_XATTR_POLICY, "bind:0 strict"), -EIO,
		     "strict with misplaced pages");
	/* strict with move: about the pages that could not move, none here. */
	cr_expect_eq(xset(in_fs("m"), NUMAFS_XATTR_POLICY, "bind:0 strict move"), 0);
	file_stats("m", &st);
	cr_expect_eq(st.node_pages[0], 64, "moved onto node 0: %" PRIu64, st.node_pages[0]);
	cr_expect_eq(st.misplaced, 0);
}

Test(policy, root_stats_per_node)
{
	struct numafs_mount_stats st;
	uint64_t used = 0;
	const char *text;
	char line[128];

	mount_policy(NULL);
	cr_assert_eq(write_pages("f", 0, 16), 0);
	mount_stats(&st);
	text = xget(fx_fs.dir, NUMAFS_XATTR_STATS);
	cr_assert_geq(st.nr_nodes, 1);
	for (unsigned int n = 0; n < st.nr_nodes; n++) {
		if (!st.node[n].capacity)
			continue;
		snprintf(line, sizeof(line), "node%u capacity=%" PRIu64 " used=", n,
			 st.node[n].capacity / PAGE);
		cr_expect_not_null(strstr(text, line), "no \"%s\" in \"%s\"", line, text);
		used += st.node[n].used;
	}
	cr_expect_geq(field(text, "migrated"), 0, "%s", text);
	if (!simulated())
		return;
	cr_expect_eq(st.nr_nodes, 4);
	cr_expect_eq(st.allowed[0], 0xf, "allowed nodes %#" PRIx64, st.allowed[0]);
	cr_expect_eq(used, 16 * PAGE, "16 pages stored over the nodes");
}

/*
 * As the user of as_user(): set the base policy of @arg by xattr, then by
 * ioctl on a read-only descriptor, and read it back by ioctl.  0 when both
 * sets work, their errno when both fail alike, 200+ when they disagree.
 */
static int set_as_user(const char *dir, void *arg)
{
	struct numafs_set_policy *s = calloc(1, sizeof(*s));
	struct numafs_get_policy g = { .size = sizeof(g) };
	int fd, by_xattr, by_ioctl;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, (const char *)arg);
	fd = open(path, O_RDONLY);
	if (!s || fd < 0)
		return 200;
	by_xattr = setxattr(path, NUMAFS_XATTR_POLICY, "bind:0", 6, 0) ? errno : 0;
	s->size = sizeof(*s);
	s->flags = NUMAFS_SET_BASE;
	ioctl_policy(&s->policy, NUMAFS_MPOL_BIND, 0);
	by_ioctl = ioctl(fd, NUMAFS_IOC_SET_POLICY, s) ? errno : 0;
	if (ioctl(fd, NUMAFS_IOC_GET_POLICY, &g))
		by_ioctl = 201;
	close(fd);
	free(s);
	return by_xattr == by_ioctl ? by_xattr : 202;
}

static int move_all_as_user(const char *dir, void *arg)
{
	char path[512];
	struct numafs_set_policy *s = calloc(1, sizeof(*s));
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, (const char *)arg);
	fd = open(path, O_RDONLY);
	if (!s || fd < 0)
		return 200;
	s->size = sizeof(*s);
	s->flags = NUMAFS_SET_BASE;
	ioctl_policy(&s->policy, NUMAFS_MPOL_BIND, 0);
	ret = ioctl(fd, NUMAFS_IOC_SET_POLICY, s) ? 201 : 0;	/* the owner may */
	s->flags |= NUMAFS_SET_MOVE_ALL;
	if (!ret)
		ret = ioctl(fd, NUMAFS_IOC_SET_POLICY, s) ? errno : 0;
	close(fd);
	free(s);
	return ret;
}

Test(policy, rights_of_other_users)
{
	mount_policy(NULL);
	cr_assert_eq(chmod(fx_fs.dir, 0777), 0);
	create("roots");
	cr_assert_eq(chmod(in_fs("roots"), 0644), 0);
	cr_expect_eq(as_user(ALICE, ALICE, set_as_user, fx_fs.dir, "roots"), EACCES,
		     "another user sets the policy of a file it may not write");
	cr_expect_str_eq(xget(in_fs("roots"), NUMAFS_XATTR_POLICY), "default");
	cr_assert_eq(chmod(in_fs("roots"), 0666), 0);
	cr_expect_eq(as_user(ALICE, ALICE, set_as_user, fx_fs.dir, "roots"), 0,
		     "another user with write permission");
	cr_expect_str_eq(xget(in_fs("roots"), NUMAFS_XATTR_POLICY), "bind:0");
	create("alices");
	cr_assert_eq(chown(in_fs("alices"), ALICE, ALICE), 0);
	cr_assert_eq(chmod(in_fs("alices"), 0444), 0);
	cr_expect_eq(as_user(ALICE, ALICE, move_all_as_user, fx_fs.dir, "alices"), EPERM,
		     "move-all without CAP_SYS_NICE");
}

/* ptree.h's PTREE_MAX_RANGES: how many overrides a file may hold. */
#define MAX_RANGES 65536

/* Overrides on pages 2i for i in [first, end), as many lines per setxattr as fit. */
static void set_sparse_ranges(const char *name, unsigned int first, unsigned int end)
{
	static char value[60000];

	while (first < end) {
		size_t len = 0;

		while (first < end && len < sizeof(value) - 64)
			len += (size_t)snprintf(value + len, sizeof(value) - len, "%s%uK+4K bind:0",
						len ? "\n" : "", 8 * first++);
		cr_assert_eq(xset(in_fs(name), NUMAFS_XATTR_RANGES, value), 0,
			     "ranges up to %u", first);
	}
}

/* GET_POLICY at @offset: its flags, and its mode in *@mode. */
static uint32_t got_flags(const char *name, uint64_t offset, uint16_t *mode)
{
	struct numafs_get_policy g = { .size = sizeof(g), .offset = offset };

	cr_assert_eq(ioctl_on(name, NUMAFS_IOC_GET_POLICY, &g), 0);
	if (mode)
		*mode = g.policy.mode;
	return g.flags;
}

Test(policy, too_many_ranges_is_e2big_and_changes_nothing)
{
	uint16_t mode;
	char one[64];

	mount_policy(NULL);
	create("many");
	set_sparse_ranges("many", 0, MAX_RANGES);
	cr_expect_eq(got_flags("many", 8192ULL * (MAX_RANGES - 1), NULL), NUMAFS_GOT_RANGE);
	snprintf(one, sizeof(one), "%uK+4K bind:0", 8 * MAX_RANGES);
	cr_expect_eq(xset(in_fs("many"), NUMAFS_XATTR_RANGES, one), -E2BIG);
	cr_expect_eq(got_flags("many", 8192ULL * MAX_RANGES, NULL), 0,
		     "the refused range is not there");
	cr_expect_eq(getxattr(in_fs("many"), NUMAFS_XATTR_RANGES, NULL, 0), -1);
	cr_expect_eq(errno, E2BIG, "a list longer than an xattr can hold: %s", strerror(errno));
	/* Several lines whose last is one too many: none of them stays. */
	snprintf(one, sizeof(one), "0+4K preferred:0\n%uK+4K bind:0", 8 * MAX_RANGES);
	cr_expect_eq(xset(in_fs("many"), NUMAFS_XATTR_RANGES, one), -E2BIG);
	cr_expect_eq(got_flags("many", 0, &mode), NUMAFS_GOT_RANGE);
	cr_expect_eq(mode, NUMAFS_MPOL_BIND, "the first line of a refused set stayed");
}

/* numafsctl's output of "numafsctl ARGS", and its exit status in *@status. */
static char *numafsctl(const char *args, int *status)
{
	const char *bin = getenv("NUMAFSCTL_BIN");
	char cmd[1024], *out = NULL;
	size_t len = 0;
	FILE *p, *o;
	int c;

	if (!bin)
		cr_skip_test("NUMAFSCTL_BIN is not set");
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", bin, args);
	p = popen(cmd, "r");
	o = open_memstream(&out, &len);
	cr_assert(p && o);
	while ((c = fgetc(p)) != EOF)
		fputc(c, o);
	*status = pclose(p);
	fclose(o);
	return out;
}

static void expect_ctl(const char *args, const char *want)
{
	int status;
	char *out = numafsctl(args, &status);

	cr_expect(WIFEXITED(status) && !WEXITSTATUS(status), "numafsctl %s: status %d: %s",
		  args, status, out);
	cr_expect_str_eq(out, want, "numafsctl %s: \"%s\", not \"%s\"", args, out, want);
	free(out);
}

Test(policy, numafsctl_set_get_show_where_df)
{
	char args[512], want[1024], f[256], *out;
	const char *stats;
	int status, last;

	need_simulated();
	mount_policy(NULL);
	create("f");
	snprintf(f, sizeof(f), "%s", in_fs("f"));
	snprintf(args, sizeof(args), "set interleave:0-3 %s", f);
	expect_ctl(args, "");
	snprintf(args, sizeof(args), "set --range 256K+64K bind:2 %s", f);
	expect_ctl(args, "");
	cr_expect_str_eq(xget(f, NUMAFS_XATTR_POLICY), "interleave:0-3");
	cr_expect_str_eq(xget(f, NUMAFS_XATTR_RANGES), "256K+64K bind:2");
	snprintf(args, sizeof(args), "get %s", f);
	expect_ctl(args, "interleave:0-3\n256K+64K bind:2\n");
	cr_assert_eq(write_pages("f", 0, 80), 0);
	stats = xget(f, NUMAFS_XATTR_STATS);
	/* Page 64 (node 2) continues the interleave run when the cycle puts it there. */
	last = (field(stats, "phase") + 64) % 4 == 2 ? 64 : 63;
	snprintf(want, sizeof(want), "0-%d: interleave 0,1,2,3\n%d-79: node 2\n", last, last + 1);
	snprintf(args, sizeof(args), "where %s", f);
	expect_ctl(args, want);
	snprintf(want, sizeof(want), "%s: %.*s\n  256K+64K bind:2\n", f,
		 (int)(strstr(stats, " phase=") - stats), stats);
	snprintf(args, sizeof(args), "show %s", f);
	expect_ctl(args, want);
	snprintf(args, sizeof(args), "df %s", fx_fs.dir);
	out = numafsctl(args, &status);
	cr_expect(WIFEXITED(status) && !WEXITSTATUS(status), "df: %s", out);
	cr_expect_not_null(strstr(out, "Node 3"), "%s", out);
	free(out);
	/* A bad policy is refused with a reason, and nothing changes. */
	snprintf(args, sizeof(args), "set bind:7 %s", f);
	out = numafsctl(args, &status);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d: %s", status, out);
	cr_expect_not_null(strstr(out, "node 7"), "%s", out);
	cr_expect_str_eq(xget(f, NUMAFS_XATTR_POLICY), "interleave:0-3");
	free(out);
}

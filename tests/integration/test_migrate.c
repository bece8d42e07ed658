// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Migration and rebinding on a simulated machine (numa=fake:4x256M) whose
 * allowed nodes come from a file the test rewrites (-o cpuset=FILE), as a
 * cpuset change would: policies rebound (plain, static, relative), pages
 * moved off the nodes taken away, a set without memory refused, the same
 * set twice a no-op; policy changes with "move" and "strict"; and data
 * written, read and mapped by several threads while the set changes,
 * checked byte for byte.  Where the pages are is read from
 * user.numa.stats.  On the real topology (one node here), migration by
 * the kernel must never allocate a hole of a sparse file.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "numafs.h"

#define PAGE 4096
#define NODES 4
/* A change must be noticed within 2 s; migrating what a test wrote takes less. */
#define WAIT_MS 15000

static struct mountfs mfs;
static char cpuset_dir[64] = "";
static char cpuset_file[96];

static void teardown(void)
{
	char path[128];

	if (mfs.pid > 0 || mfs.mounted)
		mountfs_stop(&mfs);
	if (*cpuset_dir) {
		snprintf(path, sizeof(path), "%s/new", cpuset_dir);
		unlink(path);
		unlink(cpuset_file);
		rmdir(cpuset_dir);
		*cpuset_dir = '\0';
	}
}

TestSuite(migrate, .fini = teardown, .timeout = 180);

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Replace the cpuset file at once (a rename), as the kernel changes a cgroup's. */
static void set_cpuset(const char *nodes)
{
	char tmp[128];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/new", cpuset_dir);
	f = fopen(tmp, "w");
	cr_assert_not_null(f);
	fprintf(f, "%s\n", nodes);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(rename(tmp, cpuset_file), 0);
}

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("mounts file systems: run as root");
	if (!mountfs_daemon())
		cr_skip_test("NUMAFS_BIN is not set: run through meson test");
	cr_assert_eq(mountfs_isolate(), 0);
}

/* Mount numafs on 4 simulated nodes, allowed @nodes, with @extra options. */
static void mount_with(const char *nodes, const char *extra)
{
	char options[512];

	need_root();
	strcpy(cpuset_dir, "/tmp/numafs-cpuset.XXXXXX");
	cr_assert_not_null(mkdtemp(cpuset_dir));
	snprintf(cpuset_file, sizeof(cpuset_file), "%s/mems", cpuset_dir);
	set_cpuset(nodes);
	snprintf(options, sizeof(options), "numa=fake:4x256M,cpuset=%s%s%s", cpuset_file,
		 extra ? "," : "", extra ? extra : "");
	cr_assert_eq(mountfs_numafs(&mfs, options, false), 0, "mount -o %s", options);
}

static const char *path_of(const char *name)
{
	static char buf[4][256];
	static unsigned int next;
	char *b = buf[next++ % 4];

	return mountfs_path(&mfs, name, b, sizeof(buf[0]));
}

static void get_xattr(const char *name, const char *attr, char *buf, size_t len)
{
	ssize_t n = getxattr(path_of(name), attr, buf, len - 1);

	cr_assert_geq(n, 0, "getxattr %s %s: %s", name, attr, strerror(errno));
	buf[n] = '\0';
}

static int set_policy(const char *name, const char *text)
{
	return setxattr(path_of(name), "user.numa.policy", text, strlen(text), 0) ? -errno : 0;
}

/* What user.numa.stats says of a file: pages per node. */
struct where {
	uint64_t pages, node[NODES];
};

static struct where where_of(const char *name)
{
	struct where w = { 0 };
	char buf[1024], *tok, *save;

	get_xattr(name, "user.numa.stats", buf, sizeof(buf));
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		unsigned int n;
		unsigned long long v;

		if (sscanf(tok, "N%u=%llu", &n, &v) == 2 && n < NODES)
			w.node[n] = v;
		else if (sscanf(tok, "pages=%llu", &v) == 1)
			w.pages = v;
	}
	return w;
}

/* The mount's migration totals, from the root's user.numa.stats. */
static void totals(unsigned long long *migrated, unsigned long long *pending)
{
	char buf[4096];
	const char *p;

	get_xattr("", "user.numa.stats", buf, sizeof(buf));
	p = strstr(buf, "migrated=");
	cr_assert_not_null(p, "no totals in: %s", buf);
	cr_assert_eq(sscanf(p, "migrated=%llu", migrated), 1);
	p = strstr(buf, "pending=");
	cr_assert_not_null(p);
	cr_assert_eq(sscanf(p, "pending=%llu", pending), 1);
}

static bool policy_is(const char *name, const char *want)
{
	char buf[256];

	get_xattr(name, "user.numa.policy", buf, sizeof(buf));
	return !strcmp(buf, want);
}

/* No page of @name on a node of [first, last], all of @pages stored. */
static bool only_off(const char *name, unsigned int first, unsigned int last, uint64_t pages)
{
	struct where w = where_of(name);

	for (unsigned int n = first; n <= last; n++)
		if (w.node[n])
			return false;
	return w.pages == pages;
}

/* Wait (bounded) for @cond; false if it never held. */
#define WAIT_FOR(cond)                                                   \
	__extension__ ({                                                 \
		double _end = now_ms() + WAIT_MS;                        \
		bool _ok;                                                \
		while (!(_ok = (cond)) && now_ms() < _end)               \
			usleep(20000);                                   \
		_ok;                                                     \
	})

/* A page's content: its file, index and generation, checkable alone. */
static void fill_page(unsigned char *p, unsigned int file, uint64_t index, uint32_t gen)
{
	uint64_t x = ((uint64_t)file << 48) ^ (index << 20) ^ gen ^ 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < PAGE; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

static void write_file(const char *name, unsigned int file, uint64_t pages)
{
	unsigned char page[PAGE];
	int fd = open(path_of(name), O_CREAT | O_WRONLY | O_TRUNC, 0644);

	cr_assert_geq(fd, 0, "create %s: %s", name, strerror(errno));
	for (uint64_t i = 0; i < pages; i++) {
		fill_page(page, file, i, 0);
		cr_assert_eq(pwrite(fd, page, PAGE, (off_t)(i * PAGE)), PAGE);
	}
	close(fd);
}

/* Pages of @name whose content is not generation 0's. */
static uint64_t bad_pages(const char *name, unsigned int file, uint64_t pages)
{
	unsigned char want[PAGE], got[PAGE];
	int fd = open(path_of(name), O_RDONLY);
	uint64_t bad = 0;

	cr_assert_geq(fd, 0);
	for (uint64_t i = 0; i < pages; i++) {
		fill_page(want, file, i, 0);
		if (pread(fd, got, PAGE, (off_t)(i * PAGE)) != PAGE || memcmp(want, got, PAGE))
			bad++;
	}
	close(fd);
	return bad;
}

/* Lines of the daemon's log saying @what. */
static unsigned int log_count(const char *what)
{
	char buf[65536];
	FILE *f = fopen(mfs.log, "r");
	unsigned int count = 0;
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (char *p = buf; (p = strstr(p, what)); p++)
		count++;
	return count;
}

static bool log_has(const char *what)
{
	return log_count(what) > 0;
}

Test(migrate, interleave_rebinds_and_leaves_removed_nodes)
{
	const uint64_t pages = 2048;
	struct where w;

	mount_with("0-3", "mpol=interleave:0-3");
	cr_assert_eq(mkdir(path_of("d"), 0755), 0);
	write_file("f", 1, pages);
	w = where_of("f");
	for (unsigned int n = 0; n < NODES; n++)
		cr_assert_eq(w.node[n], pages / NODES, "node %u holds %llu pages", n,
			     (unsigned long long)w.node[n]);

	set_cpuset("0-1");
	cr_assert(WAIT_FOR(policy_is("f", "interleave:0-1")));
	cr_assert(WAIT_FOR(only_off("f", 2, 3, pages)), "pages stay on nodes 2-3");
	cr_expect(policy_is("", "interleave:0-1"), "the mount default is rebound");
	cr_expect(policy_is("d", "interleave:0-1"), "a directory default is rebound");
	w = where_of("f");
	cr_expect_eq(w.node[0], pages / 2);
	cr_expect_eq(w.node[1], pages / 2);
	cr_expect_eq(bad_pages("f", 1, pages), 0, "data changed in the move");

	/* What is made now follows the new set. */
	write_file("d/g", 2, 64);
	cr_expect(policy_is("d/g", "interleave:0-1"));
	cr_expect(only_off("d/g", 2, 3, 64));
}

Test(migrate, static_nodes_keep_their_list)
{
	const uint64_t pages = 256;

	mount_with("0-3", NULL);
	write_file("f", 1, pages);
	/* Pages on nodes 1 and 2, which conform to the static bind. */
	cr_assert_eq(set_policy("f", "interleave:1-2 move"), 0);
	cr_assert_eq(set_policy("f", "bind=static:1-2"), 0);
	cr_assert_eq(where_of("f").node[1], pages / 2);
	cr_assert_eq(where_of("f").node[2], pages / 2);

	set_cpuset("0-1");
	/* static: the list stays as given, only node 1 of it is allowed now. */
	cr_assert(WAIT_FOR(only_off("f", 2, 3, pages)), "pages stay on node 2");
	cr_expect(policy_is("f", "bind=static:1-2"));
	cr_expect_eq(where_of("f").node[1], pages);
	cr_expect_eq(bad_pages("f", 1, pages), 0);
}

Test(migrate, relative_nodes_follow_positions)
{
	const uint64_t pages = 256;

	mount_with("0-3", NULL);
	write_file("f", 1, pages);
	cr_assert_eq(set_policy("f", "interleave=relative:0-1 move"), 0);
	cr_assert(only_off("f", 2, 3, pages));

	set_cpuset("2-3");
	/* relative: positions 0 and 1 of the allowed set are nodes 2 and 3 now. */
	cr_assert(WAIT_FOR(only_off("f", 0, 1, pages)), "pages stay on nodes 0-1");
	cr_expect(policy_is("f", "interleave=relative:0-1"));
	cr_expect_eq(where_of("f").node[2], pages / 2);
	cr_expect_eq(where_of("f").node[3], pages / 2);
	cr_expect_eq(bad_pages("f", 1, pages), 0);
}

Test(migrate, set_without_memory_refused)
{
	mount_with("0-3", "mpol=interleave:0-3");
	write_file("f", 1, 64);

	set_cpuset("7");
	cr_assert(WAIT_FOR(log_has("cpuset change refused")), "no refusal logged");
	cr_expect(policy_is("f", "interleave:0-3"));
	cr_expect(policy_is("", "interleave:0-3"));
	cr_expect_eq(where_of("f").node[3], 16);
	/* Still the old set: a new file spreads over all four nodes. */
	write_file("g", 2, 64);
	for (unsigned int n = 0; n < NODES; n++)
		cr_expect_eq(where_of("g").node[n], 16);
}

Test(migrate, same_set_is_a_noop)
{
	unsigned long long migrated, pending, migrated2;

	mount_with("0-3", "mpol=interleave:0-3");
	write_file("f", 1, 64);
	set_cpuset("0-1");
	cr_assert(WAIT_FOR(only_off("f", 2, 3, 64)));
	cr_assert(WAIT_FOR((totals(&migrated, &pending), !pending)));

	/* The same set, written differently; then a refused one as a marker. */
	set_cpuset("0,1");
	usleep(2500 * 1000);	/* the 2 s within which a change is noticed */
	set_cpuset("9");
	cr_assert(WAIT_FOR(log_has("cpuset change refused")));
	cr_expect_eq(log_count("rebinding"), 1, "the same set rebound again");
	totals(&migrated2, &pending);
	cr_expect_eq(migrated2, migrated);
	cr_expect(policy_is("f", "interleave:0-1"));
}

Test(migrate, move_flag_moves_now)
{
	mount_with("0-3", NULL);
	cr_assert_eq(close(open(path_of("f"), O_CREAT | O_WRONLY, 0644)), 0);
	cr_assert_eq(set_policy("f", "bind:0"), 0);
	write_file("f", 1, 64);
	cr_assert_eq(where_of("f").node[0], 64);

	/* Synchronous, as mbind(MPOL_MF_MOVE): conforming when setxattr returns. */
	cr_assert_eq(set_policy("f", "bind:2 move"), 0);
	cr_expect_eq(where_of("f").node[2], 64);
	cr_expect(policy_is("f", "bind:2"));

	/* strict: pages off the new nodes fail the change, which changes nothing. */
	cr_expect_eq(set_policy("f", "bind:1 strict"), -EIO);
	cr_expect(policy_is("f", "bind:2"));
	cr_expect_eq(where_of("f").node[2], 64);
	cr_expect_eq(bad_pages("f", 1, 64), 0);
}

/* Concurrency: writers, a mapper and cpuset flips. */
#define WRITERS 4
#define FILE_PAGES 512
#define RUN_MS 6000

struct stress {
	atomic_bool stop;
	atomic_ullong mismatches, ops, max_stall_us;
};

struct writer_arg {
	struct stress *s;
	unsigned int file;
};

static void note_stall(struct stress *s, double start)
{
	unsigned long long us = (unsigned long long)((now_ms() - start) * 1e3);
	unsigned long long cur = atomic_load(&s->max_stall_us);

	while (us > cur && !atomic_compare_exchange_weak(&s->max_stall_us, &cur, us))
		;
}

/* Rewrite random pages with a new generation and read them back. */
static void *writer(void *arg)
{
	struct writer_arg *a = arg;
	uint32_t gen[FILE_PAGES] = { 0 };
	unsigned char want[PAGE], got[PAGE];
	char name[32];
	unsigned int seed = a->file;
	int fd;

	snprintf(name, sizeof(name), "w%u", a->file);
	fd = open(path_of(name), O_RDWR);
	if (fd < 0) {
		atomic_fetch_add(&a->s->mismatches, 1);
		return NULL;
	}
	while (!atomic_load(&a->s->stop)) {
		uint64_t i = (uint64_t)rand_r(&seed) % FILE_PAGES;
		uint64_t j = (uint64_t)rand_r(&seed) % FILE_PAGES;
		double start;

		fill_page(want, a->file, i, ++gen[i]);
		if (pwrite(fd, want, PAGE, (off_t)(i * PAGE)) != PAGE)
			atomic_fetch_add(&a->s->mismatches, 1);
		fill_page(want, a->file, j, gen[j]);
		start = now_ms();
		if (pread(fd, got, PAGE, (off_t)(j * PAGE)) != PAGE || memcmp(want, got, PAGE))
			atomic_fetch_add(&a->s->mismatches, 1);
		note_stall(a->s, start);
		atomic_fetch_add(&a->s->ops, 1);
	}
	/* Every page, at the end. */
	for (uint64_t i = 0; i < FILE_PAGES; i++) {
		fill_page(want, a->file, i, gen[i]);
		if (pread(fd, got, PAGE, (off_t)(i * PAGE)) != PAGE || memcmp(want, got, PAGE))
			atomic_fetch_add(&a->s->mismatches, 1);
	}
	close(fd);
	return NULL;
}

/* Keep a file mapped and check every page of it, over and over. */
static void *mapper(void *arg)
{
	struct stress *s = arg;
	unsigned char want[PAGE];
	int fd = open(path_of("mapped"), O_RDONLY);
	unsigned char *map;

	if (fd < 0) {
		atomic_fetch_add(&s->mismatches, 1);
		return NULL;
	}
	map = mmap(NULL, FILE_PAGES * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		atomic_fetch_add(&s->mismatches, 1);
		return NULL;
	}
	while (!atomic_load(&s->stop))
		for (uint64_t i = 0; i < FILE_PAGES; i++) {
			fill_page(want, 99, i, 0);
			if (memcmp(want, map + i * PAGE, PAGE))
				atomic_fetch_add(&s->mismatches, 1);
		}
	munmap(map, FILE_PAGES * PAGE);
	return NULL;
}

/* Files made while rebinds run: each must end up rebound too. */
static atomic_uint created;

static void *creator(void *arg)
{
	struct stress *s = arg;
	unsigned char page[PAGE];

	while (!atomic_load(&s->stop)) {
		unsigned int n = atomic_load(&created);
		char name[32];
		int fd;

		snprintf(name, sizeof(name), "c%u", n);
		fd = open(path_of(name), O_CREAT | O_WRONLY, 0644);
		fill_page(page, 50, n, 0);
		if (fd < 0 || pwrite(fd, page, PAGE, 0) != PAGE ||
		    pwrite(fd, page, PAGE, PAGE) != PAGE)
			atomic_fetch_add(&s->mismatches, 1);
		if (fd >= 0)
			close(fd);
		atomic_fetch_add(&created, 1);
	}
	return NULL;
}

Test(migrate, data_intact_while_the_set_changes)
{
	struct stress s = { 0 };
	struct writer_arg args[WRITERS];
	pthread_t threads[WRITERS + 2];
	unsigned int flips = 0;
	double end;

	mount_with("0-3", "mpol=interleave:0-3");
	for (unsigned int i = 0; i < WRITERS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "w%u", i);
		write_file(name, i, FILE_PAGES);
		args[i] = (struct writer_arg){ &s, i };
		cr_assert_eq(pthread_create(&threads[i], NULL, writer, &args[i]), 0);
	}
	write_file("mapped", 99, FILE_PAGES);
	cr_assert_eq(pthread_create(&threads[WRITERS], NULL, mapper, &s), 0);
	cr_assert_eq(pthread_create(&threads[WRITERS + 1], NULL, creator, &s), 0);

	for (end = now_ms() + RUN_MS; now_ms() < end; flips++) {
		set_cpuset(flips % 2 ? "0-3" : "0-1");
		usleep(300 * 1000);
	}
	set_cpuset("0-1");
	atomic_store(&s.stop, true);
	for (unsigned int i = 0; i < WRITERS + 2; i++)
		pthread_join(threads[i], NULL);

	cr_expect_eq(atomic_load(&s.mismatches), 0, "%llu mismatches in %llu operations",
		     (unsigned long long)atomic_load(&s.mismatches),
		     (unsigned long long)atomic_load(&s.ops));
	cr_expect_gt(atomic_load(&s.ops), 100, "the writers hardly ran");
	cr_expect(WAIT_FOR(only_off("mapped", 2, 3, FILE_PAGES)));
	for (unsigned int i = 0; i < WRITERS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "w%u", i);
		cr_expect(WAIT_FOR(only_off(name, 2, 3, FILE_PAGES)), "%s keeps pages on 2-3",
			  name);
	}
	cr_expect_eq(bad_pages("mapped", 99, FILE_PAGES), 0);
	for (unsigned int i = 0; i < atomic_load(&created); i++) {
		char name[32];

		snprintf(name, sizeof(name), "c%u", i);
		cr_expect(WAIT_FOR(policy_is(name, "interleave:0-1") && only_off(name, 2, 3, 2)),
			  "%s, made during the rebinds, is not rebound", name);
	}
	fprintf(stderr, "migrate: %u cpuset changes, %llu write+read pairs, %u files made, "
		"largest read stall %.1f ms\n", flips, (unsigned long long)atomic_load(&s.ops),
		atomic_load(&created), (double)atomic_load(&s.max_stall_us) / 1e3);
}

/* Throughput of a rebind's migration, and what a reader waits meanwhile. */
struct reader_arg {
	struct stress *s;
	uint64_t pages;
};

static void *reader(void *arg)
{
	struct reader_arg *a = arg;
	unsigned char want[PAGE], got[PAGE];
	unsigned int seed = 7;
	int fd = open(path_of("big"), O_RDONLY | O_DIRECT);

	if (fd < 0)
		fd = open(path_of("big"), O_RDONLY);
	while (fd >= 0 && !atomic_load(&a->s->stop)) {
		uint64_t i = (uint64_t)rand_r(&seed) % a->pages;
		double start = now_ms();

		if (pread(fd, got, PAGE, (off_t)(i * PAGE)) != PAGE)
			atomic_fetch_add(&a->s->mismatches, 1);
		note_stall(a->s, start);
		fill_page(want, 5, i, 0);
		if (memcmp(want, got, PAGE))
			atomic_fetch_add(&a->s->mismatches, 1);
		atomic_fetch_add(&a->s->ops, 1);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

Test(migrate, throughput_and_reader_stall)
{
	const uint64_t pages = 32768;	/* 128 MiB */
	unsigned long long migrated0, migrated, pending;
	struct stress s = { 0 };
	struct reader_arg a = { &s, pages };
	pthread_t t;
	double start, took;

	mount_with("0-3", "mpol=interleave:0-3");
	write_file("big", 5, pages);
	totals(&migrated0, &pending);
	cr_assert_eq(pthread_create(&t, NULL, reader, &a), 0);
	usleep(100 * 1000);
	atomic_store(&s.max_stall_us, 0);	/* stalls of the migration only */
	start = now_ms();
	set_cpuset("0-1");
	cr_assert(WAIT_FOR(only_off("big", 2, 3, pages)));
	took = now_ms() - start;
	atomic_store(&s.stop, true);
	pthread_join(t, NULL);
	totals(&migrated, &pending);
	cr_expect_eq(migrated - migrated0, pages / 2, "half the pages had to move");
	cr_expect_eq(atomic_load(&s.mismatches), 0);
	fprintf(stderr, "migrate: migrated %llu pages (%.0f MiB) in %.0f ms including the notice: "
		"%.0f MB/s logical; largest stall of a reader %.1f ms over %llu reads\n",
		migrated - migrated0, (double)(migrated - migrated0) * PAGE / 1048576,
		took, (double)(migrated - migrated0) * PAGE / 1e6 / (took / 1e3),
		(double)atomic_load(&s.max_stall_us) / 1e3, (unsigned long long)atomic_load(&s.ops));
}

/* migrate_rate= bounds the background migration, and pending shows it. */
Test(migrate, rate_limit_holds)
{
	const uint64_t pages = 4096;	/* 16 MiB, 8 of them to move */
	unsigned long long migrated0, migrated, pending;
	double start, took;

	mount_with("0-3", "mpol=interleave:0-3,migrate_rate=16");
	write_file("f", 1, pages);
	totals(&migrated0, &pending);
	start = now_ms();
	set_cpuset("0-1");
	cr_assert(WAIT_FOR((totals(&migrated, &pending), pending > 0)), "nothing pending");
	cr_assert(WAIT_FOR(only_off("f", 2, 3, pages)));
	took = now_ms() - start;
	totals(&migrated, &pending);
	cr_expect_eq(migrated - migrated0, pages / 2);
	/* 8 MiB at 16 MiB/s, less the one batch (2 MiB) let through at once. */
	cr_expect_geq(took, 350, "8 MiB moved in %.0f ms at migrate_rate=16", took);
	cr_expect_eq(bad_pages("f", 1, pages), 0);
}

/* NUMAFS_IOC_MIGRATE of the whole file @fd; -errno or 0, counts in @a. */
static int migrate_ioctl(int fd, unsigned int flags, unsigned int node, struct numafs_migrate *a)
{
	*a = (struct numafs_migrate){ .size = sizeof(*a), .flags = flags };
	a->nodes[node / 64] |= 1ULL << (node % 64);
	return ioctl(fd, NUMAFS_IOC_MIGRATE, a) ? -errno : 0;
}

/*
 * The kernel's move_pages() sees only pages the daemon maps, and mapping
 * them must not fault holes in: a sparse file keeps its blocks, mapped by
 * us or not, with or without MIGRATE_ALL.
 */
Test(migrate, real_moves_never_fill_holes)
{
	const off_t far = 64 << 20;
	unsigned char page[PAGE], got[PAGE];
	struct numafs_migrate a;
	struct stat before, after;
	unsigned char *map;
	int fd;

	need_root();
	cr_assert_eq(mountfs_numafs(&mfs, "", false), 0);
	fd = open(path_of("sparse"), O_CREAT | O_RDWR, 0644);
	cr_assert_geq(fd, 0);
	fill_page(page, 3, 0, 0);
	cr_assert_eq(pwrite(fd, page, PAGE, 0), PAGE);
	cr_assert_eq(pwrite(fd, page, PAGE, far), PAGE);
	cr_assert_eq(fsync(fd), 0);
	cr_assert_eq(fstat(fd, &before), 0);
	map = mmap(NULL, (size_t)far + PAGE, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert_neq(map, MAP_FAILED);
	cr_assert_eq(map[0], page[0]);	/* one page mapped here, the rest not */

	cr_assert_eq(migrate_ioctl(fd, NUMAFS_MIGRATE_CONFORM, 0, &a), 0, "%s",
		     strerror(errno));
	cr_expect_eq(a.failed, 0);
	cr_assert_eq(migrate_ioctl(fd, NUMAFS_MIGRATE_ALL, 0, &a), 0, "%s", strerror(errno));
	cr_expect_eq(a.failed, 0);
	cr_assert_eq(migrate_ioctl(fd, 0, 0, &a), 0, "%s", strerror(errno));
	cr_expect_eq(a.failed, 0);

	cr_assert_eq(fstat(fd, &after), 0);
	cr_expect_eq(after.st_blocks, before.st_blocks, "a hole was filled: %lld -> %lld blocks",
		     (long long)before.st_blocks, (long long)after.st_blocks);
	cr_expect_eq(memcmp(map, page, PAGE), 0);
	cr_expect_eq(pread(fd, got, PAGE, far), PAGE);
	cr_expect_eq(memcmp(got, page, PAGE), 0);
	munmap(map, (size_t)far + PAGE);
	close(fd);
}

/* A full node: what fits moves, the rest is counted failed and stays. */
Test(migrate, full_node_fails_the_rest)
{
	const uint64_t pages = 2048;	/* 8 MiB; node 2 holds 4 */
	unsigned long long failed;
	char buf[4096];
	const char *p;
	struct where w;

	mount_with("0-3", "numa=fake:16M,16M,4M,16M");
	cr_assert_eq(close(open(path_of("f"), O_CREAT | O_WRONLY, 0644)), 0);
	cr_assert_eq(set_policy("f", "bind:0"), 0);
	write_file("f", 1, pages);

	cr_expect_eq(set_policy("f", "bind:2 move strict"), -EIO);
	cr_expect(policy_is("f", "bind:2"), "strict with move keeps the policy it moved to");
	cr_assert_eq(set_policy("f", "bind:2 move"), 0);
	w = where_of("f");
	cr_expect_eq(w.node[2], 1024);
	cr_expect_eq(w.node[0], pages - 1024);
	get_xattr("", "user.numa.stats", buf, sizeof(buf));
	p = strstr(buf, "failed=");
	cr_assert(p && sscanf(p, "failed=%llu", &failed) == 1);
	cr_expect_geq(failed, pages - 1024, "%llu failed", failed);
	cr_expect_eq(bad_pages("f", 1, pages), 0);
}

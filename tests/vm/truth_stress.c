// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numa-truth stress FILE PAGES ROUNDS NODE_A NODE_B: pages move under
 * load and no byte is lost or torn.
 *
 * Four writer threads each own a quarter of FILE's pages and, round after
 * round, rewrite every page whole (each 8-byte word says page, round and
 * writer) and read it back; a child process keeps FILE mapped and checks
 * every word it sees: it names that page and its writer, and a round no
 * older than the oldest it saw there before (a write in progress may show
 * two rounds side by side, never an older one, a zero once written, or
 * another page's word); meanwhile the main thread migrates the file back
 * and forth between NODE_A and NODE_B, mapped pages too (`numafsctl
 * migrate --all --to`).  Passes when no writer and no mapper saw a wrong
 * word and the migrations ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "truth.h"

#define WRITERS 4
#define WORDS (4096 / sizeof(uint64_t))

struct stress {
	const char *path;
	size_t pages;
	unsigned int rounds;
	unsigned int finished;		/* writers done (atomic) */
};

struct writer {
	struct stress *s;
	unsigned int id;
	size_t bad;
};

static uint64_t word_for(size_t page, unsigned int round, unsigned int writer)
{
	return (uint64_t)page << 24 | (uint64_t)round << 8 | writer;
}

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	size_t per = w->s->pages / WRITERS, first = w->id * per;
	uint64_t buf[WORDS], back[WORDS];
	int fd = open(w->s->path, O_RDWR);

	if (fd < 0) {
		w->bad++;
		__atomic_add_fetch(&w->s->finished, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	for (unsigned int r = 1; r <= w->s->rounds; r++)
		for (size_t p = first; p < first + per; p++) {
			off_t off = (off_t)p * 4096;

			for (size_t i = 0; i < WORDS; i++)
				buf[i] = word_for(p, r, w->id);
			if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf) ||
			    pread(fd, back, sizeof(back), off) != sizeof(back) ||
			    memcmp(buf, back, sizeof(buf)))
				w->bad++;
		}
	close(fd);
	__atomic_add_fetch(&w->s->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Whether every word of page @index is one its writer could have left
 * there by now; *@floor, the oldest round seen on the page last time,
 * becomes this time's.
 */
static int page_sound(const volatile uint64_t *page, size_t index, size_t per,
		      unsigned int rounds, unsigned int *floor)
{
	unsigned int oldest = rounds + 1;

	for (size_t i = 0; i < WORDS; i++) {
		uint64_t w = page[i];
		unsigned int round = (unsigned int)(w >> 8 & 0xffff);

		if (!w) {
			if (*floor)
				return 0;
			oldest = 0;
			continue;
		}
		if (w >> 24 != index || (w & 0xff) != index / per || round < *floor ||
		    round > rounds)
			return 0;
		if (round < oldest)
			oldest = round;
	}
	*floor = oldest;
	return 1;
}

/* The mapping child: check pages until the parent closes @stop. */
static int mapper_run(const struct stress *s, int stop)
{
	int fd = open(s->path, O_RDONLY);
	size_t bad = 0, passes = 0, per = s->pages / WRITERS;
	unsigned int *floor = calloc(s->pages, sizeof(*floor));
	const volatile uint64_t *map;
	char c;

	if (fd < 0 || !floor)
		return TRUTH_ERROR;
	map = mmap(NULL, s->pages * 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return TRUTH_ERROR;
	fcntl(stop, F_SETFL, O_NONBLOCK);
	while (read(stop, &c, 1) < 0 && errno == EAGAIN) {
		for (size_t p = 0; p < s->pages; p++)
			bad += !page_sound(map + p * WORDS, p, per, s->rounds, &floor[p]);
		passes++;
	}
	printf("mapper: %zu passes over %zu pages, %zu with a word that cannot be there\n",
	       passes, s->pages, bad);
	return bad ? TRUTH_FAIL : TRUTH_PASS;
}

/*
 * numafsctl's exit status: 0 when every page moved, 1 when some could not
 * (a page being written is busy for a moment), else it did not run.
 */
static int migrate_to(const char *path, const char *node)
{
	char cmd[512];
	int status;

	snprintf(cmd, sizeof(cmd), "numafsctl migrate --all --to %s %s >/dev/null 2>&1",
		 node, path);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Migrate back and forth until the writers are done: how many runs moved
 * every page (*@whole) and how many ran at all; 0 if one could not run.
 */
static unsigned int migrate_while_writing(struct stress *s, char **nodes, unsigned int *whole)
{
	unsigned int runs = 0;

	*whole = 0;
	while (__atomic_load_n(&s->finished, __ATOMIC_ACQUIRE) < WRITERS) {
		int status = migrate_to(s->path, nodes[runs % 2]);

		if (status != 0 && status != 1)
			return 0;
		*whole += status == 0;
		runs++;
	}
	return runs;
}

int cmd_stress(int argc, char **argv)
{
	struct stress s = { .path = argv[1] };
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	int stop[2], status;
	size_t bad = 0;
	unsigned int runs, whole;
	pid_t child;

	if (argc != 6) {
		fputs("usage: numa-truth stress FILE PAGES ROUNDS NODE_A NODE_B\n", stderr);
		return TRUTH_ERROR;
	}
	s.pages = strtoul(argv[2], NULL, 10) / WRITERS * WRITERS;
	s.rounds = (unsigned int)strtoul(argv[3], NULL, 10);
	status = open(s.path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (status < 0 || ftruncate(status, (off_t)s.pages * 4096) || pipe(stop)) {
		perror(s.path);
		return TRUTH_ERROR;
	}
	close(status);
	child = fork();
	if (child == 0) {
		close(stop[1]);
		_exit(mapper_run(&s, stop[0]));
	}
	close(stop[0]);
	for (unsigned int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .s = &s, .id = i };
		pthread_create(&t[i], NULL, writer_run, &w[i]);
	}
	runs = migrate_while_writing(&s, argv + 4, &whole);
	for (unsigned int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		bad += w[i].bad;
	}
	close(stop[1]);
	waitpid(child, &status, 0);
	printf("writers: %u rounds over %zu pages, %zu pages read back wrong; %u migrations"
	       " (%u moved every page)\n", s.rounds, s.pages, bad, runs, whole);
	if (bad || runs == 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return TRUTH_FAIL;
	return TRUTH_PASS;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the pages of a mapping are, in the kernel's own words:
 * move_pages() with no target nodes only reports.  The pages are read
 * first, so each one is in this process's page tables (move_pages()
 * sees nothing else), and their contents are checked on the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "truth.h"

#define LOCATE_BATCH 1024

unsigned char page_pattern(size_t page)
{
	return (unsigned char)(page * 131 + 7);
}

int map_file(const char *path, struct mapped_file *m)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct stat st;
	int fd;

	m->path = path;
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	m->pages = ((size_t)st.st_size + page - 1) / page;
	m->addr = m->pages ? mmap(NULL, m->pages * page, PROT_READ, MAP_SHARED, fd, 0) : NULL;
	close(fd);
	if (m->addr == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	m->node = calloc(m->pages ? m->pages : 1, sizeof(*m->node));
	if (!m->node) {
		munmap(m->addr, m->pages * page);
		return -1;
	}
	return 0;
}

void unmap_file(struct mapped_file *m)
{
	if (m->pages)
		munmap(m->addr, m->pages * (size_t)sysconf(_SC_PAGESIZE));
	free(m->node);
}

/* Reads every page (faulting it into this mapping) and checks its bytes. */
static size_t touch_pages(const struct mapped_file *m)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), bad = 0;

	for (size_t i = 0; i < m->pages; i++) {
		volatile const unsigned char *p = m->addr + i * page;

		if (*p != page_pattern(i) && bad++ < 3)
			fprintf(stderr, "%s: page %zu holds %#x, written %#x\n",
				m->path, i, *p, page_pattern(i));
	}
	return bad;
}

int locate_pages(struct mapped_file *m)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *addrs[LOCATE_BATCH];

	if (touch_pages(m))
		return -1;
	for (size_t first = 0; first < m->pages; first += LOCATE_BATCH) {
		size_t n = m->pages - first < LOCATE_BATCH ? m->pages - first : LOCATE_BATCH;

		for (size_t i = 0; i < n; i++)
			addrs[i] = m->addr + (first + i) * page;
		if (syscall(SYS_move_pages, 0, n, addrs, NULL, m->node + first, 0)) {
			perror("move_pages");
			return -1;
		}
	}
	return 0;
}

/* count[TRUTH_MAX_NODES] gathers pages the kernel could not place. */
void count_per_node(const struct mapped_file *m, size_t *count)
{
	for (int n = 0; n <= TRUTH_MAX_NODES; n++)
		count[n] = 0;
	for (size_t i = 0; i < m->pages; i++)
		count[m->node[i] >= 0 && m->node[i] < TRUTH_MAX_NODES ?
		      m->node[i] : TRUTH_MAX_NODES]++;
}

void print_per_node(const char *what, const size_t *count)
{
	printf("%s:", what);
	for (int n = 0; n < TRUTH_MAX_NODES; n++)
		if (count[n])
			printf(" N%d=%zu", n, count[n]);
	if (count[TRUTH_MAX_NODES])
		printf(" unplaced=%zu", count[TRUTH_MAX_NODES]);
	putchar('\n');
}

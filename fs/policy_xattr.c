// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy xattrs.  Values are text without a trailing newline; lines of
 * several (user.numa.ranges, the root's user.numa.stats) are separated by
 * '\n'.  Ranges are in bytes with the largest suffix that divides them
 * exactly, so what get prints, set reads back (cp -a, tar, rsync -X).
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inode.h"
#include "ipolicy.h"
#include "migrate.h"
#include "policy_xattr.h"
#include "store.h"

static const char size_suffixes[] = "KMGT";

/* "2M", "12K", "4095": the largest suffix that divides @v exactly. */
static void print_size(FILE *out, uint64_t v)
{
	int shift = 0;

	while (v && !(v & 1023) && shift < (int)strlen(size_suffixes)) {
		v >>= 10;
		shift++;
	}
	fprintf(out, "%" PRIu64, v);
	if (shift)
		fputc(size_suffixes[shift - 1], out);
}

/* A byte count with an optional K/M/G/T suffix (either case) at *@pos. */
static int parse_size(const char **pos, const char *what, uint64_t *out, struct errbuf *e)
{
	const char *p = *pos, *s;
	uint64_t v = 0;
	int shift = 0;

	if (*p < '0' || *p > '9')
		return err_set(e, EINVAL, "expected a number for the %s", what);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return err_set(e, EINVAL, "the %s is too large", what);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	s = *p ? strchr(size_suffixes, *p & ~0x20) : NULL;
	if (s) {
		shift = 10 * (int)(s - size_suffixes + 1);
		if (v > UINT64_MAX >> shift)
			return err_set(e, EINVAL, "the %s is too large", what);
		p++;
	}
	*out = v << shift;
	*pos = p;
	return 0;
}

/* "OFFSET+LENGTH POLICY [FLAGS]" into a range change (its policy referenced). */
static int parse_range_line(struct numafs *fs, const char *line, struct ipolicy_change *c,
			    struct errbuf *e)
{
	uint64_t offset, length;
	const char *p = line;
	int err;

	err = parse_size(&p, "offset", &offset, e);
	if (!err && *p++ != '+')
		err = err_set(e, EINVAL, "a range is OFFSET+LENGTH");
	if (!err)
		err = parse_size(&p, "length", &length, e);
	if (err)
		return err;
	if (*p != ' ' && *p != '\t')
		return err_set(e, EINVAL, "expected a space and a policy after the range");
	if (!length || length > UINT64_MAX - offset)
		return err_set(e, EINVAL, "an empty or overflowing range");
	if ((offset | length) & (STORE_PAGE_SIZE - 1))
		return err_set(e, EINVAL, "the %s is not a multiple of %lu",
			       offset & (STORE_PAGE_SIZE - 1) ? "offset" : "length",
			       STORE_PAGE_SIZE);
	*c = (struct ipolicy_change){
		.first = offset >> STORE_PAGE_SHIFT,
		.end = (offset + length) >> STORE_PAGE_SHIFT,
	};
	return ipolicy_parse(fs, p, strlen(p), &c->policy, &c->flags, e);
}

static void put_changes(struct ipolicy_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		policy_put(c[i].policy);
	free(c);
}

/* Every line of @text ('\n'-separated, empty ones skipped), applied as one. */
static int set_ranges(fuse_req_t req, struct inode *inode, char *text, struct errbuf *e)
{
	struct numafs *fs = inode->fs;
	struct ipolicy_change *c = NULL;
	size_t n = 0, cap = 0;
	char *line, *save;
	int err = 0;

	for (line = strtok_r(text, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			struct ipolicy_change *more;

			cap = cap ? 2 * cap : 4;
			more = realloc(c, cap * sizeof(*c));
			if (!more) {
				err = err_set(e, ENOMEM, "out of memory");
				break;
			}
			c = more;
		}
		err = parse_range_line(fs, line, &c[n], e);
		n += !err;
	}
	if (!err && !n)
		err = err_set(e, EINVAL, "no range given");
	if (!err)
		err = ipolicy_set_many(fs, req, inode, c, n, e);
	put_changes(c, n);
	return err;
}

static int set_base(fuse_req_t req, struct inode *inode, const char *text, struct errbuf *e)
{
	struct ipolicy_change c = { .base = true };
	int err;

	err = ipolicy_parse(inode->fs, text, strlen(text), &c.policy, &c.flags, e);
	if (err)
		return err;
	err = ipolicy_set(inode->fs, req, inode, &c, e);
	policy_put(c.policy);
	return err;
}

/* Whether removing @ranges (else the base) would remove anything, as listxattr shows. */
static bool listed(struct inode *inode, bool ranges)
{
	bool shown;

	pthread_mutex_lock(&inode->lock);
	shown = ranges ? inode->policy.nr_ranges : !policy_is_default(inode->policy.base);
	pthread_mutex_unlock(&inode->lock);
	return shown;
}

/* removexattr: the base back to default, or every override gone. */
static int remove_policy(fuse_req_t req, struct inode *inode, bool ranges, struct errbuf *e)
{
	struct ipolicy_change c = { .base = !ranges, .first = 0, .end = UINT64_MAX };
	struct nodemask allowed;
	int err;

	if (!listed(inode, ranges))
		return -ENODATA;
	numafs_get_allowed(inode->fs, &allowed);
	err = policy_create_default(&c.policy, &allowed);
	if (err)
		return err_set(e, -err, "out of memory");
	err = ipolicy_set(inode->fs, req, inode, &c, e);
	policy_put(c.policy);
	return err;
}

static int may_set(fuse_req_t req, struct inode *inode, struct errbuf *e)
{
	int err;

	pthread_mutex_lock(&inode->lock);
	err = ipolicy_may_set(req, inode);
	pthread_mutex_unlock(&inode->lock);
	return err ? err_set(e, -err, "no right to change the policy") : 0;
}

int policy_xattr_set(fuse_req_t req, struct inode *inode, const char *name, const char *value,
		     size_t size)
{
	bool policy = !strcmp(name, NUMAFS_XATTR_POLICY);
	bool ranges = !strcmp(name, NUMAFS_XATTR_RANGES);
	struct errbuf e = { "" };
	char *text = NULL;
	int err;

	if (!strcmp(name, NUMAFS_XATTR_STATS))
		err = err_set(&e, EPERM, "%s is read-only", name);
	else if (!policy && !ranges)
		err = err_set(&e, EINVAL, "numafs has no %s", name);
	else if (value && memchr(value, '\0', size))
		err = err_set(&e, EINVAL, "a policy holds no NUL byte");
	else
		err = may_set(req, inode, &e);
	if (!err && value && !(text = strndup(value, size)))
		err = err_set(&e, ENOMEM, "out of memory");
	if (!err && !value)
		err = remove_policy(req, inode, ranges, &e);
	else if (!err)
		err = ranges ? set_ranges(req, inode, text, &e) : set_base(req, inode, text, &e);
	free(text);
	if (err && e.msg[0])
		numafs_debug(inode->fs, "inode %" PRIu64 ": %s refused: %s", inode->ino, name,
			     e.msg);
	return err;
}

static int print_policy(FILE *out, const struct numa_policy *p)
{
	char text[POLICY_TEXT_MAX];
	int len = policy_print(p, text, sizeof(text));

	if (len < 0)
		return len;
	fwrite(text, 1, (size_t)len, out);
	return 0;
}

static int get_ranges(const struct inode *inode, FILE *out)
{
	const char *sep = "";
	struct ptree_range r;
	int err = 0;
	bool ok;

	for (ok = ptree_next(&inode->policy, 0, &r); ok && !err;
	     ok = ptree_next(&inode->policy, r.end, &r)) {
		fputs(sep, out);
		sep = "\n";
		print_size(out, r.start << STORE_PAGE_SHIFT);
		fputc('+', out);
		print_size(out, (r.end - r.start) << STORE_PAGE_SHIFT);
		fputc(' ', out);
		err = print_policy(out, r.policy);
	}
	return err;
}

/* "POLICY pages=N N0=a N1=b ... misplaced=m phase=P" */
static int get_file_stats(struct inode *inode, FILE *out)
{
	struct ipolicy_stats *st = malloc(sizeof(*st));
	int err = st ? 0 : -ENOMEM;

	if (!err)
		err = ipolicy_file_stats(inode->fs, inode, st);
	pthread_mutex_lock(&inode->lock);
	if (!err)
		err = print_policy(out, inode->policy.base);
	pthread_mutex_unlock(&inode->lock);
	if (!err) {
		fprintf(out, " pages=%" PRIu64, st->pages);
		for (unsigned int n = 0; n < NUMAFS_MAX_NODES; n++)
			if (st->node_pages[n])
				fprintf(out, " N%u=%" PRIu64, n, st->node_pages[n]);
		fprintf(out, " misplaced=%" PRIu64 " phase=%" PRIu64, st->misplaced, st->phase);
	}
	free(st);
	return err;
}

/* The root: "nodeN capacity=C used=U free=F" (pages) per node, then migration totals. */
static void get_mount_stats(struct numafs *fs, FILE *out)
{
	struct store_node_usage u;
	struct migrate_totals t;
	int node;

	nodemask_for_each(node, &fs->topo->nodes) {
		store_node_usage(fs->store, (unsigned int)node, &u);
		fprintf(out, "node%d capacity=%" PRIu64 " used=%" PRIu64 " free=%" PRIu64 "\n",
			node, u.capacity >> STORE_PAGE_SHIFT, u.used >> STORE_PAGE_SHIFT,
			u.free >> STORE_PAGE_SHIFT);
	}
	migrate_get_totals(fs, &t);
	fprintf(out, "migrated=%" PRIu64 " failed=%" PRIu64 " pending=%" PRIu64,
		t.migrated, t.failed, t.pending);
}

/* A file's, or the root's for the mount; other inodes have none. */
static int get_stats(struct inode *inode, FILE *out)
{
	int err = get_file_stats(inode, out);

	if (err == -EISDIR && inode == inode->fs->root) {
		get_mount_stats(inode->fs, out);
		return 0;
	}
	return err == -EISDIR || err == -EINVAL ? -ENODATA : err;
}

static int get_locked(struct inode *inode, const char *name, FILE *out)
{
	if (!strcmp(name, NUMAFS_XATTR_POLICY))
		return print_policy(out, inode->policy.base);
	if (!strcmp(name, NUMAFS_XATTR_RANGES))
		return get_ranges(inode, out);
	return -ENODATA;
}

int policy_xattr_get(fuse_req_t req, struct inode *inode, const char *name, char **value,
		     size_t *len)
{
	bool stats = !strcmp(name, NUMAFS_XATTR_STATS);
	FILE *out;
	int err;

	pthread_mutex_lock(&inode->lock);
	err = ipolicy_may_get(req, inode);
	pthread_mutex_unlock(&inode->lock);
	if (err)
		return err;
	out = open_memstream(value, len);
	if (!out)
		return -ENOMEM;
	if (stats) {
		err = get_stats(inode, out);
	} else {
		pthread_mutex_lock(&inode->lock);
		err = get_locked(inode, name, out);
		pthread_mutex_unlock(&inode->lock);
	}
	if (fclose(out) && !err)
		err = -ENOMEM;
	if (!err && *len > XATTR_SIZE_MAX)
		err = -E2BIG;
	if (err) {
		free(*value);
		*value = NULL;
	}
	return err;
}

static char *list_name(char *buf, const char *name, size_t *len)
{
	*len += strlen(name) + 1;
	return buf ? stpcpy(buf, name) + 1 : NULL;
}

size_t policy_xattr_list(const struct inode *inode, char *buf)
{
	size_t len = 0;

	if (!policy_is_default(inode->policy.base))
		buf = list_name(buf, NUMAFS_XATTR_POLICY, &len);
	if (inode->policy.nr_ranges)
		list_name(buf, NUMAFS_XATTR_RANGES, &len);
	return len;
}

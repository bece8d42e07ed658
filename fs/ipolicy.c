// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Changing an inode's policy from the outside.  numafs's range tree
 * changes first (that can fail without side effects), then the store
 * follows; when the store refuses, the old tree comes back and is applied
 * to the store again, so the kernel's shared policy is what it was.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_impl.h"
#include "inode.h"
#include "ipolicy.h"
#include "migrate.h"
#include "perm.h"

/* A policy and its flags, as long as any text the xattrs accept. */
#define IPOLICY_TEXT_MAX (POLICY_TEXT_MAX + 64)
#define IPOLICY_SET_FLAGS (IPOLICY_STRICT | IPOLICY_MOVE | IPOLICY_MOVE_ALL)
#define IPOLICY_SPACE " \t\n"

static const struct {
	const char *word;
	unsigned int flag;
} ipolicy_flag_words[] = {
	{ "strict", IPOLICY_STRICT },
	{ "move", IPOLICY_MOVE },
	{ "move-all", IPOLICY_MOVE_ALL },
};

static int parse_flag(const char *word, unsigned int *flags, struct errbuf *e)
{
	for (size_t i = 0; i < sizeof(ipolicy_flag_words) / sizeof(ipolicy_flag_words[0]); i++) {
		if (!strcmp(word, ipolicy_flag_words[i].word)) {
			*flags |= ipolicy_flag_words[i].flag;
			return 0;
		}
	}
	return err_set(e, EINVAL, "unknown flag \"%.32s\" (strict, move or move-all)", word);
}

int ipolicy_parse(struct numafs *fs, const char *text, size_t len,
		  struct numa_policy **out, unsigned int *flags, struct errbuf *e)
{
	struct policy_env env = { .online = &fs->topo->nodes };
	char *copy, *word, *save;
	struct nodemask allowed;
	int err = 0;

	if (len >= IPOLICY_TEXT_MAX)
		return err_set(e, EINVAL, "a policy of %zu bytes is too long", len);
	if (memchr(text, '\0', len))
		return err_set(e, EINVAL, "a policy holds no NUL byte");
	copy = strndup(text, len);
	if (!copy)
		return err_set(e, ENOMEM, "out of memory");
	word = strtok_r(copy, IPOLICY_SPACE, &save);
	if (!word)
		err = err_set(e, EINVAL, "no policy given");
	*flags = 0;
	for (char *f = word; !err && (f = strtok_r(NULL, IPOLICY_SPACE, &save));)
		err = parse_flag(f, flags, e);
	numafs_get_allowed(fs, &allowed);
	env.allowed = &allowed;
	if (!err)
		err = policy_parse(word, &env, out, e);
	free(copy);
	return err;
}

/* The rwx bits of @inode that apply to the caller, as the VFS picks them. */
static unsigned int caller_bits(fuse_req_t req, const struct inode *inode)
{
	if (fuse_req_ctx(req)->uid == inode->uid)
		return (inode->mode >> 6) & 7;
	if (perm_in_group(req, inode->gid))
		return (inode->mode >> 3) & 7;
	return inode->mode & 7;
}

int ipolicy_may_set(fuse_req_t req, const struct inode *inode)
{
	uid_t uid;

	if (!req)
		return 0;
	uid = fuse_req_ctx(req)->uid;
	if (uid == 0 || uid == inode->uid || (caller_bits(req, inode) & 2))
		return 0;
	return -EACCES;
}

int ipolicy_may_get(fuse_req_t req, const struct inode *inode)
{
	if (fuse_req_ctx(req)->uid == 0 || (caller_bits(req, inode) & 4))
		return 0;
	return -EACCES;
}

/* The caller's effective capabilities say CAP_SYS_NICE. */
static bool caller_has_sys_nice(fuse_req_t req)
{
	unsigned long long eff = 0;
	char path[64], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)fuse_req_ctx(req)->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return found && ((eff >> CAP_SYS_NICE) & 1);
}

bool ipolicy_may_move_all(fuse_req_t req)
{
	return !req || fuse_req_ctx(req)->uid == 0 || caller_has_sys_nice(req);
}

static bool change_moves(const struct ipolicy_change *c)
{
	return c->flags & (IPOLICY_MOVE | IPOLICY_MOVE_ALL);
}

/* The pages a change covers: the whole file for the base. */
static void change_span(const struct ipolicy_change *c, uint64_t *first, uint64_t *end)
{
	*first = c->base ? 0 : c->first;
	*end = c->base ? UINT64_MAX : c->end;
}

static int check_change(const struct inode *inode, const struct ipolicy_change *c,
			struct errbuf *e)
{
	if (c->flags & ~IPOLICY_SET_FLAGS)
		return err_set(e, EINVAL, "unknown flags 0x%x", c->flags & ~IPOLICY_SET_FLAGS);
	if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
		return err_set(e, EINVAL, "only files and directories have policies");
	if (S_ISDIR(inode->mode) && !c->base)
		return err_set(e, EINVAL, "a directory has no ranges, only a default for new files");
	if (!c->base && c->first >= c->end)
		return err_set(e, EINVAL, "an empty range");
	return 0;
}

static int tree_apply(struct ptree *t, const struct ipolicy_change *c, struct errbuf *e)
{
	int err;

	if (c->base) {
		ptree_set_base(t, c->policy);
		return 0;
	}
	err = ptree_set(t, c->first, c->end, c->policy);
	if (err == -E2BIG)
		return err_set(e, E2BIG, "a file holds at most %d ranges", PTREE_MAX_RANGES);
	if (err)
		return err_set(e, -err, "range tree: %s", strerror(-err));
	return 0;
}

/* IPOLICY_STRICT: no page stored in the span may be off the new policy. */
static int check_strict(struct numafs *fs, struct inode *inode, const struct ipolicy_change *c,
			struct errbuf *e)
{
	uint64_t first, end, misplaced = 0;
	int err;

	change_span(c, &first, &end);
	err = ipolicy_count_misplaced(fs, inode, &inode->policy, first, end, &misplaced);
	if (err)
		return err_set(e, -err, "where pages are: %s", strerror(-err));
	if (misplaced)
		return err_set(e, EIO, "strict: %" PRIu64 " stored pages would not conform",
			       misplaced);
	return 0;
}

/* The tree is changed: the store follows it over [first, end). */
static int store_follow(struct numafs *fs, struct inode *inode, const struct ptree *old,
			uint64_t first, uint64_t end, struct errbuf *e)
{
	struct store_file *f = &inode->file->store;
	int err = store_apply_policy(fs->store, f, &inode->policy, first, end);

	if (!err)
		return 0;
	/* Partly applied, maybe: what was there before goes back. */
	store_apply_policy(fs->store, f, old, first, end);
	return err_set(e, -err, "the store refused the policy: %s", strerror(-err));
}

static int set_locked(struct numafs *fs, struct inode *inode, const struct ipolicy_change *c,
		      size_t n, struct errbuf *e)
{
	uint64_t first = UINT64_MAX, end = 0, f, l;
	struct ptree old, swap;
	int err = 0;
	size_t i;

	for (i = 0; !err && i < n; i++)
		err = check_change(inode, &c[i], e);
	if (err || !n)
		return err;
	if (ptree_clone(&old, &inode->policy))
		return err_set(e, ENOMEM, "out of memory");
	for (i = 0; !err && i < n; i++) {
		err = tree_apply(&inode->policy, &c[i], e);
		change_span(&c[i], &f, &l);
		first = f < first ? f : first;
		end = l > end ? l : end;
	}
	/* With a move, strict is about the pages that could not move (move_after). */
	for (i = 0; !err && S_ISREG(inode->mode) && i < n; i++)
		if ((c[i].flags & IPOLICY_STRICT) && !change_moves(&c[i]))
			err = check_strict(fs, inode, &c[i], e);
	if (!err && S_ISREG(inode->mode))
		err = store_follow(fs, inode, &old, first, end, e);
	if (err) {
		swap = inode->policy;
		inode->policy = old;
		old = swap;
	} else {
		inode->ctime = inode_now();
	}
	ptree_destroy(&old);
	return err;
}

/* MOVE and MOVE_ALL: the pages of each change's span that now stray. */
static int move_after(struct numafs *fs, struct inode *inode, const struct ipolicy_change *c,
		      struct errbuf *e)
{
	struct migrate_result r = { 0 };
	uint64_t first, end;
	int err;

	if (!change_moves(c))
		return 0;
	change_span(c, &first, &end);
	err = migrate_conform(fs, inode, first, end, c->flags & IPOLICY_MOVE_ALL, &r);
	if (err)
		return err_set(e, -err, "moving pages: %s", strerror(-err));
	if (r.failed && (c->flags & IPOLICY_STRICT))
		return err_set(e, EIO, "strict: %" PRIu64 " pages could not move", r.failed);
	return 0;
}

int ipolicy_set_many(struct numafs *fs, fuse_req_t req, struct inode *inode,
		     const struct ipolicy_change *c, size_t n, struct errbuf *e)
{
	bool file;
	int err;
	size_t i;

	for (i = 0; i < n; i++)
		if ((c[i].flags & IPOLICY_MOVE_ALL) && !ipolicy_may_move_all(req))
			return err_set(e, EPERM, "move-all needs root or CAP_SYS_NICE");
	pthread_mutex_lock(&inode->lock);
	err = set_locked(fs, inode, c, n, e);
	file = S_ISREG(inode->mode);
	pthread_mutex_unlock(&inode->lock);
	for (i = 0; !err && file && i < n; i++)
		err = move_after(fs, inode, &c[i], e);
	return err;
}

int ipolicy_set(struct numafs *fs, fuse_req_t req, struct inode *inode,
		const struct ipolicy_change *c, struct errbuf *e)
{
	return ipolicy_set_many(fs, req, inode, c, 1, e);
}

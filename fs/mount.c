// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mount-wide state: built from the options before the session starts,
 * freed after it ends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir.h"
#include "file.h"
#include "inode.h"
#include "migrate.h"
#include "numafs.h"
#include "options.h"
#include "policy.h"

struct numafs *numafs_from_req(void *req)
{
	return fuse_req_userdata(req);
}

void numafs_debug(const struct numafs *fs, const char *fmt, ...)
{
	va_list ap;

	if (!fs->opt.debug)
		return;
	va_start(ap, fmt);
	fputs("numafs: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Name the mount option @name=@value in front of the reason in @e. */
static int option_refused(struct errbuf *e, int err, const char *name, const char *value)
{
	struct errbuf why = *e;

	return err_set(e, -err, "bad mount option '%s=%s': %s", name, value,
		       why.msg[0] ? why.msg : strerror(-err));
}

static int read_allowed_file(const char *path, const struct nodemask *online,
			     struct nodemask *out, struct errbuf *e)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	size_t len;

	if (!f)
		return err_set(e, errno, "%s", strerror(errno));
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	buf[strcspn(buf, " \t\n")] = '\0';
	if (nodemask_parse(buf, online, out, e))
		return -EINVAL;
	return 0;
}

/* The nodes numafs may use: the cpuset's (a file, or the daemon's own). */
static int numafs_allowed(struct numafs *fs, struct errbuf *e)
{
	const struct nodemask *online = &fs->topo->nodes;
	struct nodemask m = *online;
	int err = 0;

	if (fs->opt.cpuset) {
		err = read_allowed_file(fs->opt.cpuset, online, &m, e);
		if (err)
			return option_refused(e, err, "cpuset", fs->opt.cpuset);
	} else if (!fs->topo->simulated) {
		err = topology_process_allowed(&m);
		if (err)
			return err_set(e, -err, "cannot tell the allowed nodes: %s", strerror(-err));
	}
	nodemask_and(&fs->allowed, &m, online);
	if (nodemask_empty(&fs->allowed))
		return err_set(e, EINVAL, "no allowed memory node");
	return 0;
}

static int numafs_topology(struct numafs *fs, struct errbuf *e)
{
	int err;

	if (!strcmp(fs->opt.numa, "real"))
		return topology_real(&fs->topo, e);
	err = topology_fake(fs->opt.numa, &fs->topo, e);
	return err ? option_refused(e, err, "numa", fs->opt.numa) : 0;
}

static int numafs_make_root(struct numafs *fs, struct errbuf *e)
{
	struct policy_env env = { .online = &fs->topo->nodes, .allowed = &fs->allowed };
	struct numa_policy *base;
	int err;

	if (fs->opt.mpol)
		err = policy_parse(fs->opt.mpol, &env, &base, e);
	else
		err = policy_create_default(&base, &fs->allowed);
	if (err)
		return fs->opt.mpol ? option_refused(e, err, "mpol", fs->opt.mpol) : err;
	err = inode_new_root(fs, base, fs->opt.root_mode, fs->opt.root_uid,
			     fs->opt.root_gid, &fs->root);
	policy_put(base);
	if (err)
		return err_set(e, -err, "root directory: %s", strerror(-err));
	return 0;
}

void numafs_get_allowed(struct numafs *fs, struct nodemask *out)
{
	pthread_mutex_lock(&fs->allowed_lock);
	*out = fs->allowed;
	pthread_mutex_unlock(&fs->allowed_lock);
}

int numafs_setup(struct numafs *fs, struct errbuf *e)
{
	int err;

	pthread_mutex_init(&fs->rename_lock, NULL);
	/* [added by migrate] */
	pthread_mutex_init(&fs->allowed_lock, NULL);
	pthread_mutex_init(&fs->inodes_lock, NULL);
	TAILQ_INIT(&fs->inodes);
	fs->next_ino = 1;
	err = numafs_topology(fs, e);
	if (!err)
		err = numafs_allowed(fs, e);
	if (!err)
		err = numafs_make_root(fs, e);
	if (!err)
		err = file_mount_init(fs, e);
	if (!err)
		err = migrate_init(fs, e);	/* [added by migrate] */
	if (err)
		numafs_teardown(fs);
	return err;
}

/* Free a directory's subtree; inodes also linked elsewhere wait for their last link. */
static void free_subtree(struct inode *dir)
{
	struct dentry *de;

	for (de = dir_next(dir->dir, 0); de; de = dir_next(dir->dir, de->cookie)) {
		struct inode *child = de->inode;

		if (S_ISDIR(child->mode)) {
			free_subtree(child);
			child->nlink = 1;
		}
		if (!--child->nlink)
			inode_free(child);
	}
}

void numafs_teardown(struct numafs *fs)
{
	/* [added by migrate] Workers and watcher first: they pin inodes. */
	if (fs->migrate)
		migrate_fini(fs);
	if (fs->root) {
		free_subtree(fs->root);
		inode_free(fs->root);
		fs->root = NULL;
	}
	if (fs->store)
		file_mount_fini(fs);
	if (fs->topo)
		topology_free(fs->topo);
	fs->topo = NULL;
	pthread_mutex_destroy(&fs->rename_lock);
	pthread_mutex_destroy(&fs->allowed_lock);	/* [added by migrate] */
	pthread_mutex_destroy(&fs->inodes_lock);
}

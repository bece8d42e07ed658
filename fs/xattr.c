// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xattr store of an inode: a small array of name/value pairs, since
 * files carry a handful of xattrs at most.  Locked by the inode's lock.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "inode.h"
#include "policy_xattr.h"
#include "xattr.h"

#define NUMA_XATTR_PREFIX "user.numa."

struct xattr {
	char *name;
	void *value;
	size_t size;
};

struct xattr_set {
	struct xattr *v;
	size_t n, cap;
};

void xattr_set_free(struct xattr_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].name);
		free(set->v[i].value);
	}
	free(set->v);
	free(set);
}

/*
 * The namespaces tmpfs stores: 0, -EINVAL for a bare prefix ("user."),
 * -EOPNOTSUPP for any other namespace, as the VFS answers.
 */
static int xattr_name_check(const char *name)
{
	static const char *const prefixes[] = { "user.", "trusted.", "security." };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i]);

		if (!strncmp(name, prefixes[i], len))
			return name[len] ? 0 : -EINVAL;
	}
	return -EOPNOTSUPP;
}

static bool xattr_name_numa(const char *name)
{
	return !strncmp(name, NUMA_XATTR_PREFIX, strlen(NUMA_XATTR_PREFIX));
}

static struct xattr *xattr_find(struct xattr_set *set, const char *name)
{
	for (size_t i = 0; set && i < set->n; i++)
		if (!strcmp(set->v[i].name, name))
			return &set->v[i];
	return NULL;
}

static struct xattr *xattr_add(struct inode *inode, const char *name)
{
	struct xattr_set *set = inode->xattrs;
	struct xattr *x;

	if (!set) {
		set = inode->xattrs = calloc(1, sizeof(*set));
		if (!set)
			return NULL;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 4;

		x = realloc(set->v, cap * sizeof(*x));
		if (!x)
			return NULL;
		set->v = x;
		set->cap = cap;
	}
	x = &set->v[set->n];
	x->name = strdup(name);
	if (!x->name)
		return NULL;
	x->value = NULL;
	x->size = 0;
	set->n++;
	return x;
}

static int xattr_set_locked(struct inode *inode, const char *name, const char *value,
			    size_t size, int flags)
{
	struct xattr *x = xattr_find(inode->xattrs, name);
	void *copy = malloc(size ? size : 1);

	if (!copy)
		return -ENOMEM;
	if ((x && (flags & XATTR_CREATE)) || (!x && (flags & XATTR_REPLACE))) {
		free(copy);
		return x ? -EEXIST : -ENODATA;
	}
	if (!x)
		x = xattr_add(inode, name);
	if (!x) {
		free(copy);
		return -ENOMEM;
	}
	memcpy(copy, value, size);
	free(x->value);
	x->value = copy;
	x->size = size;
	return 0;
}

static int xattr_remove_locked(struct inode *inode, const char *name)
{
	struct xattr_set *set = inode->xattrs;
	struct xattr *x = xattr_find(set, name);

	if (!x)
		return -ENODATA;
	free(x->name);
	free(x->value);
	*x = set->v[--set->n];
	return 0;
}

static int xattr_get_locked(struct inode *inode, const char *name, void **value,
			    size_t *size)
{
	struct xattr *x = xattr_find(inode->xattrs, name);

	if (!x)
		return -ENODATA;
	*value = malloc(x->size ? x->size : 1);
	if (!*value)
		return -ENOMEM;
	memcpy(*value, x->value, x->size);
	*size = x->size;
	return 0;
}

/* The NUL-separated list of names, the policy's first (policy_xattr.c). */
static int xattr_list_locked(struct inode *inode, void **list, size_t *size)
{
	struct xattr_set *set = inode->xattrs;
	size_t len = policy_xattr_list(inode, NULL);
	char *p;

	for (size_t i = 0; set && i < set->n; i++)
		len += strlen(set->v[i].name) + 1;
	p = *list = malloc(len ? len : 1);
	if (!p)
		return -ENOMEM;
	p += policy_xattr_list(inode, p);
	for (size_t i = 0; set && i < set->n; i++)
		p = stpcpy(p, set->v[i].name) + 1;
	*size = len;
	return 0;
}

/* Reply with @len bytes of @buf to a request that offered @size. */
static void reply_sized(fuse_req_t req, const void *buf, size_t len, size_t size)
{
	if (!size)
		fuse_reply_xattr(req, len);
	else if (size < len)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, buf, len);
}

/* Set @name, or remove it when @value is NULL. */
static void xattr_modify(fuse_req_t req, fuse_ino_t ino, const char *name,
			 const char *value, size_t size, int flags)
{
	struct inode *inode = inode_of(fuse_req_userdata(req), ino);
	int err = xattr_name_check(name);

	/* user.numa.* is the policy interface: it takes the lock itself. */
	if (!err && xattr_name_numa(name))
		err = policy_xattr_set(req, inode, name, value, size);
	if (err || xattr_name_numa(name)) {
		fuse_reply_err(req, -err);
		return;
	}
	pthread_mutex_lock(&inode->lock);
	if (value)
		err = xattr_set_locked(inode, name, value, size, flags);
	else
		err = xattr_remove_locked(inode, name);
	if (!err)
		inode->ctime = inode_now();
	pthread_mutex_unlock(&inode->lock);
	fuse_reply_err(req, -err);
}

void xattr_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		       const char *value, size_t size, int flags)
{
	/* An empty value may come as NULL: it is still a value. */
	xattr_modify(req, ino, name, value ? value : "", size, flags);
}

/* Reply with the value of @name, or with the list of names when @name is NULL. */
static void xattr_read(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct inode *inode = inode_of(fuse_req_userdata(req), ino);
	void *buf = NULL;
	size_t len = 0;
	int err = name ? xattr_name_check(name) : 0;

	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	if (name && xattr_name_numa(name)) {
		/* The policy interface: it takes the lock itself. */
		char *text = NULL;

		err = policy_xattr_get(req, inode, name, &text, &len);
		buf = text;
	} else {
		pthread_mutex_lock(&inode->lock);
		if (!name)
			err = xattr_list_locked(inode, &buf, &len);
		else
			err = xattr_get_locked(inode, name, &buf, &len);
		pthread_mutex_unlock(&inode->lock);
	}
	if (err)
		fuse_reply_err(req, -err);
	else
		reply_sized(req, buf, len, size);
	free(buf);
}

void xattr_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	xattr_read(req, ino, name, size);
}

void xattr_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	xattr_read(req, ino, NULL, size);
}

void xattr_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	xattr_modify(req, ino, name, NULL, 0, 0);
}

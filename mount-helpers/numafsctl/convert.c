// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine's policies are reference-counted objects; the ioctls carry
 * plain values.  Both directions go through policy_create()'s checks.
 */
#include <errno.h>
#include <string.h>

#include "convert.h"

_Static_assert(sizeof(struct nodemask) == NUMAFS_NODEMASK_WORDS * sizeof(uint64_t),
	       "a nodemask is the ioctls' node bitmap");

void nodemask_to_uapi(const struct nodemask *m, uint64_t out[NUMAFS_NODEMASK_WORDS])
{
	memcpy(out, m->w, sizeof(m->w));
}

void nodemask_from_uapi(const uint64_t in[NUMAFS_NODEMASK_WORDS], struct nodemask *m)
{
	memcpy(m->w, in, sizeof(m->w));
}

int policy_text_to_uapi(const char *text, const struct nodemask *nodes,
			struct numafs_policy *out, struct errbuf *e)
{
	struct nodemask all;
	struct policy_env env;

	if (!nodes) {
		nodemask_fill(&all);
		nodes = &all;
	}
	env.online = nodes;
	env.allowed = nodes;
	return policy_text_to_uapi_env(text, &env, out, e);
}

int policy_text_to_uapi_env(const char *text, const struct policy_env *env,
			    struct numafs_policy *out, struct errbuf *e)
{
	struct numa_policy *p;
	int ret;

	ret = policy_parse(text, env, &p, e);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->mode = p->mode;
	out->flags = p->flags;
	nodemask_to_uapi(&p->user_nodes, out->nodes);
	if (p->weights)
		memcpy(out->weights, p->weights, sizeof(out->weights));
	policy_put(p);
	return 0;
}

int policy_uapi_to_text(const struct numafs_policy *in, char *buf, size_t len,
			struct errbuf *e)
{
	struct nodemask all, nodes;
	struct policy_env env = { .online = &all, .allowed = &all };
	struct numa_policy *p;
	int ret;

	nodemask_fill(&all);
	nodemask_from_uapi(in->nodes, &nodes);
	ret = policy_create(&p, in->mode, in->flags, &nodes, in->weights, &env, e);
	if (ret)
		return ret;
	ret = policy_print(p, buf, len);
	policy_put(p);
	if (ret < 0)
		return err_set(e, -ret, "the policy does not fit in %zu bytes", len);
	return 0;
}

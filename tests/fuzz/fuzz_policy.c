// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for policy_parse(): whatever parses prints, the print
 * parses back to an equal policy, and printing is a fixed point.  What is
 * refused is refused with a reason and leaves the output alone.
 */
#include <errno.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const struct numa_policy *p, const struct policy_env *env)
{
	char text[POLICY_TEXT_MAX], again[POLICY_TEXT_MAX];
	struct numa_policy *back = NULL;
	struct errbuf e = { "" };
	int len = policy_print(p, text, sizeof(text));

	fuzz_assert(len > 0 && (size_t)len == strlen(text), "print gave %d", len);
	fuzz_assert(policy_parse(text, env, &back, &e) == 0, "\"%s\" refused: %s", text, e.msg);
	fuzz_assert(policy_equal(p, back), "\"%s\" parses to another policy", text);
	fuzz_assert(policy_print(back, again, sizeof(again)) == len && !strcmp(text, again),
		    "\"%s\" prints as \"%s\"", text, again);
	policy_put(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nodemask online, allowed;
	struct policy_env env = { &online, &allowed };
	struct numa_policy *sentinel = (struct numa_policy *)&env, *p = sentinel;
	struct errbuf e = { "" };
	char *text = fuzz_text(data, size);
	int ret;

	fuzz_machine(&online, &allowed);
	ret = policy_parse(text, &env, &p, &e);
	if (ret) {
		fuzz_assert(ret == -EINVAL, "\"%s\": error %d", text, ret);
		fuzz_assert(e.msg[0], "\"%s\" refused without a reason", text);
		fuzz_assert(p == sentinel, "\"%s\" refused but wrote the output", text);
	} else {
		fuzz_assert(nodemask_equal(&p->bound_to, &allowed), "bound_to");
		fuzz_assert(nodemask_subset(&p->nodes, &allowed), "nodes outside the allowed set");
		check_round_trip(p, &env);
		policy_put(p);
	}
	free(text);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for nodemask_parse(): a parsed list prints in canonical
 * form, which parses back to the same mask and prints the same again.
 * "!" and "all" agree with nodelist_parse() resolved by hand.
 */
#include <errno.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for any list: the longest, every other node, is about 2000. */
#define LIST_TEXT_MAX 8192

static void check_round_trip(const struct nodemask *m)
{
	char text[LIST_TEXT_MAX], again[LIST_TEXT_MAX];
	struct nodemask back;
	struct errbuf e = { "" };
	int len = nodemask_print(m, text, sizeof(text));

	fuzz_assert(len >= 0 && (size_t)len == strlen(text), "print gave %d", len);
	if (nodemask_empty(m)) {
		fuzz_assert(len == 0, "empty mask printed as \"%s\"", text);
		return;
	}
	fuzz_assert(nodemask_parse(text, NULL, &back, &e) == 0, "\"%s\" refused: %s", text, e.msg);
	fuzz_assert(nodemask_equal(m, &back), "\"%s\" parses to another mask", text);
	fuzz_assert(nodemask_print(&back, again, sizeof(again)) == len && !strcmp(text, again),
		    "\"%s\" prints as \"%s\"", text, again);
}

static void check_against_nodelist(const char *text, const struct nodemask *allowed,
				   const struct nodemask *m)
{
	struct nodelist l;
	struct nodemask want;

	fuzz_assert(nodelist_parse(text, &l, NULL, NULL, NULL) == 0, "nodelist refused \"%s\"", text);
	if (l.all)
		want = *allowed;
	else if (l.inverted)
		nodemask_andnot(&want, allowed, &l.nodes);
	else
		want = l.nodes;
	fuzz_assert(nodemask_equal(m, &want), "\"%s\" resolved differently", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nodemask online, allowed, m, untouched;
	struct errbuf e = { "" };
	char *text = fuzz_text(data, size);
	int ret;

	fuzz_machine(&online, &allowed);
	memset(&untouched, 0x5a, sizeof(untouched));
	m = untouched;
	ret = nodemask_parse(text, &allowed, &m, &e);
	if (ret) {
		fuzz_assert(ret == -EINVAL, "\"%s\": error %d", text, ret);
		fuzz_assert(e.msg[0], "\"%s\" refused without a reason", text);
		fuzz_assert(nodemask_equal(&m, &untouched), "\"%s\" refused but wrote", text);
	} else {
		check_against_nodelist(text, &allowed, &m);
		check_round_trip(&m);
	}
	free(text);
	return 0;
}

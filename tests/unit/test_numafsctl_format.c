// SPDX-License-Identifier: GPL-2.0-or-later
#include <criterion/criterion.h>

#include "format.h"

Test(size, parse_plain)
{
	uint64_t v;

	cr_assert_eq(size_parse("2M", &v, NULL), 0);
	cr_assert_eq(v, 2u << 20);
}

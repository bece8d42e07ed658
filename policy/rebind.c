// SPDX-License-Identifier: GPL-2.0-or-later
/* Filled in by the policy engine work. */
#include "policy.h"

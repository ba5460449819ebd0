/* nd-pg-source-facts.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-pg-source-private.h"

void
_nd_pg_source_class_init_facts (NdSourceClass *klass)
{
}

/* nd-records-json.h — NewAPI's JSON shape of a row → NdRecords
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NewAPI's admin API answers a channel with the same field names its
 * `channels` table has, so the HTTP source (replies) and the PostgreSQL
 * source (to_jsonb of the row) read rows with these one functions.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "nd-records.h"

G_BEGIN_DECLS

/* Every field present in @obj; detail fields (model_mapping, overrides,
 * per-key status) only when the object has them. A `key` member is never
 * read: for multi-key channels @key_previews (a JSON array of masked keys,
 * or NULL) gives the previews. Values are range-checked (nd_json_read_*):
 * an impossible one is ND_ERROR_PROTOCOL naming the member, and NULL. */
NdChannel *nd_channel_read_json (JsonObject *obj, JsonArray *key_previews, GError **error);

G_END_DECLS

/* nd-http-parse.h — NewAPI JSON → NdRecords, tolerant of every version's shape
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions with no I/O, usable from any thread (large pages are parsed
 * in a worker). Numbers may arrive as JSON integers, doubles or strings;
 * missing fields are zero / NULL; impossible ones are the server's error. Secrets in replies (old servers return
 * token and redemption keys in full) are masked here and never kept.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "nd-json.h"
#include "nd-records.h"

G_BEGIN_DECLS

/* A list reply: a bare array (old channels/tokens, /api/data) or
 * {items, total, page, page_size} (v0.8.8+). *total is -1 for a bare array.
 * Returns FALSE with ND_ERROR_PROTOCOL for anything else, or for a total no
 * count can be. A JSON null (an empty list on some versions) is an empty
 * page. */
gboolean  nd_http_page_items  (JsonNode *data, JsonArray **items, gint64 *total, GError **error);
/* Item @index of a list as an object; ND_ERROR_PROTOCOL when it is not one
 * (a row skipped silently would be a row lost). */
JsonObject *nd_http_item_object (JsonArray *items, guint index, GError **error);

/* One row each. Every number is range-checked (nd_json_read_int): a value
 * no NewAPI can hold, or of the wrong type, is ND_ERROR_PROTOCOL naming
 * the member, and no row comes back. */
NdLog        *nd_http_read_log        (JsonObject *obj, GError **error);
NdUser       *nd_http_read_user       (JsonObject *obj, GError **error);
NdToken      *nd_http_read_token      (JsonObject *obj, gint64 now, GError **error);
NdRedemption *nd_http_read_redemption (JsonObject *obj, gint64 now, GError **error);
/* The unchecked form of nd_http_read_log, kept for the facts pull until it
 * reads rows with nd_http_read_log: impossible values become 0 / NULL. */
NdLog        *nd_http_parse_log       (JsonObject *obj);

/* Version strings as /api/status reports them ("v0.8.8.0", "v1.0.0-rc.24",
 * "v0.9.0-alpha.3"). Compares numerically, a pre-release sorting before its
 * release. An unparsable or empty version counts as the newest. */
int       nd_http_version_compare (const char *version, const char *landmark);

G_END_DECLS

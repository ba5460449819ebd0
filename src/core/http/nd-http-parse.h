/* nd-http-parse.h — NewAPI JSON → NdRecords, tolerant of every version's shape
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions with no I/O, usable from any thread (large pages are parsed
 * in a worker). Numbers may arrive as JSON integers, doubles or strings;
 * missing fields are zero / NULL. Secrets in replies (old servers return
 * token and redemption keys in full) are masked here and never kept.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "nd-json.h"
#include "nd-records.h"

G_BEGIN_DECLS

/* A list reply: a bare array (old channels/tokens, /api/data) or
 * {items, total, page, page_size} (v0.8.8+). *total is -1 for a bare array.
 * Returns FALSE with ND_ERROR_PROTOCOL for anything else. A JSON null (an
 * empty list on some versions) is an empty page. */
gboolean  nd_http_page_items (JsonNode *data, JsonArray **items, gint64 *total, GError **error);

NdLog        *nd_http_parse_log        (JsonObject *obj);
NdChannel    *nd_http_parse_channel    (JsonObject *obj);
NdUser       *nd_http_parse_user       (JsonObject *obj);
NdToken      *nd_http_parse_token      (JsonObject *obj, gint64 now);
NdRedemption *nd_http_parse_redemption (JsonObject *obj, gint64 now);

/* Version strings as /api/status reports them ("v0.8.8.0", "v1.0.0-rc.24",
 * "v0.9.0-alpha.3"). Compares numerically, a pre-release sorting before its
 * release. An unparsable or empty version counts as the newest. */
int       nd_http_version_compare (const char *version, const char *landmark);

G_END_DECLS

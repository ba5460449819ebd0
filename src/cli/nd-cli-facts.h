/* nd-cli-facts.h — what `stats` and `report` share: the range flags as
 * the dashboard's ranges, the synced facts store, the figures as JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "facts/nd-facts.h"
#include "report/nd-report.h"
#include "nd-cli-common.h"

G_BEGIN_DECLS

/* --range / --from / --to as `stats` reads them (default 24h); a named
 * range is the dashboard's (7d and 30d are whole local days ending today). */
gboolean  nd_cli_facts_range    (NdCliOptions *opts, gint64 now, NdFactsRange *range,
                                 GError **error);
/* The facts store of @source (@path, or the one the window shares for this
 * gateway), synced for @range unless @no_sync; progress on a terminal. */
NdFacts  *nd_cli_facts_open     (NdSource *source, const char *path, const NdFactsRange *range,
                                 gboolean no_sync, gboolean progress, GError **error);
/* Queries @facts, blocking on a private main loop. */
NdFactsReport *nd_cli_facts_query (NdFacts *facts, const NdFactsRange *range, GError **error);

/* The `stats --json` object of @rep (README, "stats JSON"); with @meta
 * (a report) also its "report" member. */
void      nd_cli_facts_build_json (JsonBuilder *b, const NdFactsReport *rep, const NdServerInfo *info,
                                   const NdReportMeta *meta);
char     *nd_cli_json_to_data   (JsonBuilder *b);

/* "unavailable": [the dimensions @info's source cannot give] */
void      nd_cli_json_unavailable (JsonBuilder *b, const NdServerInfo *info);
/* "money": {display, quota_per_unit, symbol} */
void      nd_cli_json_money     (JsonBuilder *b, const NdMoney *money);
void      nd_cli_json_int       (JsonBuilder *b, const char *key, gint64 v);
void      nd_cli_json_double    (JsonBuilder *b, const char *key, double v);   /* NAN → null */
void      nd_cli_json_string    (JsonBuilder *b, const char *key, const char *v); /* NULL → null */

G_END_DECLS

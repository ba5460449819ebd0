/* nd-pg-source-private.h — NdPgSource is split by concern across files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-pg-source.h"

G_BEGIN_DECLS

/* Object data holding the facts sync's own connection (nd-pg-source-facts.c). */
#define ND_PG_FACTS_CONN_KEY "nd-facts-conn"

/* nd-pg-source-logs.c: query/tail/estimate/totals logs */
void _nd_pg_source_class_init_logs    (NdSourceClass *klass);
/* nd-pg-source-export.c: export logs */
void _nd_pg_source_class_init_export  (NdSourceClass *klass);
/* nd-pg-source-catalog.c: channels, users, tokens, redemptions, models, groups, suggest */
void _nd_pg_source_class_init_catalog (NdSourceClass *klass);
/* nd-pg-source-models.c: model_catalog */
void _nd_pg_source_class_init_models  (NdSourceClass *klass);
/* nd-pg-source-facts.c: pull_facts */
void _nd_pg_source_class_init_facts   (NdSourceClass *klass);
/* nd-pg-write.c: write (the actions live in nd-pg-write-*.c) */
void _nd_pg_source_class_init_write   (NdSourceClass *klass);
/* nd-pg-source-channel.c: get_channel (detail) */
void _nd_pg_source_class_init_channel (NdSourceClass *klass);
/* nd-pg-source-keys.c: reveal_token_key, reveal_redemption_keys */
void _nd_pg_source_class_init_keys    (NdSourceClass *klass);
/* nd-pg-source-health.c: test_channel, update_balance, fetch_models */
void _nd_pg_source_class_init_health  (NdSourceClass *klass);

/* nd-pg-source-catalog.c: channel id → name from the MAIN database, cached
 * on the source for a minute (logs may live in another database, so names
 * are never JOINed). @force reloads even a fresh cache (a log named a
 * channel we do not know). → GHashTable* (gint64* → utf8), read-only, unref
 * when done. */
void        _nd_pg_source_channel_names_async  (NdPgSource *self, gboolean force,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
GHashTable *_nd_pg_source_channel_names_finish (NdPgSource *self, GAsyncResult *result,
                                                GError **error);

/* nd-pg-source.c: the currency settings in `options` (and SystemName
 * when @system_name is not NULL), as the probe reads them. */
gboolean    _nd_pg_read_money (PGconn *pg, NdMoney *money, char **system_name,
                               GCancellable *cancellable, GError **error);

/* nd-pg-source-logs.c: helpers the export shares. Whether the log table
 * has the legacy (id, created_at) index and request_id (before a probe:
 * the current schema); one row in nd_log_sql_columns() order; channel
 * names filled in from the cache. */
void        _nd_pg_query_flags        (NdSource *source, gboolean *legacy, gboolean *has_request_id);
NdLog      *_nd_pg_log_from_row       (const PGresult *res, int row);
void        _nd_pg_fill_channel_names (GPtrArray *rows, GHashTable *names);

G_END_DECLS

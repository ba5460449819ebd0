/* nd-pg-logs-private.h — shared between nd-pg-source-logs.c and -catalog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-pg-source.h"

G_BEGIN_DECLS

/* Channel id → name from the MAIN database, cached on the source for a
 * minute (logs may live in another database, so names are never JOINed).
 * @force reloads even a fresh cache (a log named a channel we do not know).
 * → GHashTable* (gint64* → utf8), read-only, unref when done. */
void        _nd_pg_source_channel_names_async  (NdPgSource *self, gboolean force,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
GHashTable *_nd_pg_source_channel_names_finish (NdPgSource *self, GAsyncResult *result,
                                                GError **error);

G_END_DECLS

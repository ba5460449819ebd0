/* nd-log-text.h — how the Logs page writes a log's time and channel
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the table, the detail pane and the filter bar so a channel
 * reads the same everywhere: "OpenAI (#3)", "#3" while its name is unknown.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "2026-01-31 08:00:00", local time. */
char *nd_log_text_time    (gint64 unix_time);
/* @name, else the name in @names (gint64* → utf8, may be NULL), else the
 * bare id; "" for channel 0 (no channel). */
char *nd_log_text_channel (GHashTable *names, gint64 id, const char *name);

G_END_DECLS

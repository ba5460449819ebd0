/* nd-export.h — streaming CSV / JSON Lines writers for logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A writer appends batches of NdLog to a temporary file next to the target
 * (".NAME.XXXXXX.part") and renames it over the target only in
 * nd_export_writer_finish(); freeing an unfinished writer deletes the
 * temporary file, so a failed or cancelled export never leaves a file that
 * looks complete. Memory is one row's text at a time.
 *
 * CSV: a header row, then one row per log: id, created_at (unix s), time
 * (ISO 8601 UTC), type, type_name, user_id, username, token_id, token_name,
 * model_name, quota, prompt_tokens, completion_tokens, use_time, is_stream,
 * channel, channel_name, group, ip, request_id, upstream_request_id,
 * content, other. Numbers are written bare; a text cell starting with
 * = + - @ (or tab / carriage return) gets a leading apostrophe so no
 * spreadsheet runs it as a formula. Optional UTF-8 byte order mark.
 *
 * JSON Lines: one object per log with NewAPI's field names (channel_id is
 * "channel", as NewAPI's JSON has it; request ids omitted when empty).
 *
 * No secret is ever written: rows never carry keys, and key-like strings
 * inside content/other are masked (first 4 + *** + last 4): "sk-" followed
 * by 20+ of [A-Za-z0-9_-] (sk-proj-…, sk-ant-api03-…, sk-or-v1-…), and
 * stand-alone runs of exactly 48 [A-Za-z0-9] (NewAPI keys without "sk-").
 * `other` goes through nd_log_other_mask(), as in the log detail pane, so a
 * key spelled with JSON escapes is masked too.
 */
#pragma once

#include <glib.h>

#include "nd-records.h"

G_BEGIN_DECLS

typedef enum {
  ND_EXPORT_CSV,
  ND_EXPORT_JSONL,
} NdExportFormat;

gboolean        nd_export_format_from_string (const char *text, NdExportFormat *out);
const char     *nd_export_format_extension   (NdExportFormat format);

typedef struct _NdExportWriter NdExportWriter;

NdExportWriter *nd_export_writer_new      (const char *path, NdExportFormat format,
                                           gboolean bom, GError **error);
/* An NdLogBatchFunc: pass the writer as user data. Thread-safe with respect
 * to nd_export_writer_get_rows(). */
gboolean        nd_export_writer_write    (GPtrArray *rows, gpointer writer, GError **error);
gint64          nd_export_writer_get_rows (NdExportWriter *self);
/* Flushes, syncs and renames into place. */
gboolean        nd_export_writer_finish   (NdExportWriter *self, GError **error);
/* Deletes the temporary file unless finished. */
void            nd_export_writer_free     (NdExportWriter *self);

/* Building blocks, exposed for tests. */
void            nd_export_append_csv_text (GString *out, const char *text);
void            nd_export_append_json_str (GString *out, const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdExportWriter, nd_export_writer_free)

G_END_DECLS

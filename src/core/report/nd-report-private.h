/* nd-report-private.h — what the files of the report module share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-report-file.c     the layout: tables, snapshot columns, checking a
 *                        file before anything reads it, meta in and out
 *   nd-report-meta.c     NdReportMeta, its ranges and title
 *   nd-report-writer.c   nd_report_write_async
 *   nd-report-source.c   NdReportSource
 *   nd-report-logs.c     NdReportSource's log calls over the report's logs
 *   nd-report-compare.c  two reports (or a report and live facts) side by side
 * The sqlite3 functions here block: call them on a worker thread.
 */
#pragma once

#include <sqlite3.h>

#include "nd-report.h"

G_BEGIN_DECLS

/* One column of a snapshot table and the record field it holds. */
typedef enum {
  ND_REPORT_I64,
  ND_REPORT_INT,
  ND_REPORT_BOOL,
  ND_REPORT_DOUBLE,           /* NAN is stored as NULL */
  ND_REPORT_STR,
} NdReportFieldKind;

typedef struct {
  const char *column;
  NdReportFieldKind kind;
  gsize offset;
} NdReportField;

/* A snapshot table: rows are records of one nd-records.h type. */
typedef struct {
  const char *name;
  const NdReportField *fields;
  guint n_fields;
  gpointer (*new_item) (void);
  GDestroyNotify free_item;
  const char *search[4];      /* text columns a list search matches (LIKE) */
  const char *sort[8];        /* sort_by values allowed (= column names) */
  const char *order;          /* default ORDER BY */
} NdReportTable;

typedef enum {
  ND_REPORT_CHANNELS,
  ND_REPORT_USERS,
  ND_REPORT_TOKENS,
  ND_REPORT_MODELS,
  ND_REPORT_LOGS,             /* optional: the newest logs of the range, capped */
  ND_REPORT_N_TABLES
} NdReportTableId;

extern const NdReportTable _nd_report_tables[ND_REPORT_N_TABLES];

/* The report's own tables (not the facts'): report, the snapshots, errors. */
char         *_nd_report_schema_sql  (void);

/* Opens @path read-only after checking, in this order, that it is an
 * SQLite file, a report (application_id), finished and of a format this
 * version reads (user_version), whole (its header's size against the
 * file's), undamaged (quick_check), and that every table is exactly this
 * format's (a foreign file with the same id and other tables is refused).
 * Each failure is a sentence for people with ND_ERROR_INVALID_INPUT. */
sqlite3      *_nd_report_file_open   (const char *path, GError **error);

NdReportMeta *_nd_report_meta_read   (sqlite3 *db, GError **error);
gboolean      _nd_report_meta_write  (sqlite3 *db, const NdReportMeta *meta, GError **error);

/* Inserts @items (records of @table's type), masking every text. */
gboolean      _nd_report_insert      (sqlite3 *db, const NdReportTable *table, GPtrArray *items,
                                      GError **error);
/* The record in the current row of @st, whose columns are @table's fields
 * in order. */
gpointer      _nd_report_row_read    (sqlite3_stmt *st, const NdReportTable *table);
/* "c1, c2, …" of @table. */
char         *_nd_report_columns     (const NdReportTable *table);

void          _nd_report_set_error   (sqlite3 *db, GError **error, const char *path);

/* nd-report-logs.c: the log vfuncs of NdReportSource (query, estimate,
 * totals, export, suggest) over the `logs` table. */
void          _nd_report_source_init_logs (NdSourceClass *klass);
/* Runs @func on the report source's worker with its sqlite3 handle. */
typedef void (*NdReportJobFunc) (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable);
void          _nd_report_source_run  (NdSource *source, GTask *task, NdReportJobFunc func,
                                      gpointer data, GDestroyNotify data_free);

G_END_DECLS

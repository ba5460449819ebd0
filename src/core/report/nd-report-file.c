/* nd-report-file.c — the .ndreport layout, and checking a file before use
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A report comes from elsewhere (a mail, a USB stick) and may be cut
 * short, damaged, another program's SQLite file, or from a newer NewAPI
 * Desk. Nothing reads it before _nd_report_file_open has said which, in
 * words; after that, every value read is still treated as untrusted (the
 * meta is range-checked, strings may be NULL, figures may be anything).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-records.h"
#include "nd-secure-string.h"
#include "nd-time.h"
#include "nd-report-private.h"

/* A crafted file must not make a reader allocate without bound. */
#define MAX_VALUE_BYTES (16 * 1024 * 1024)

/* ─── snapshot tables ───────────────────────────────────────────────────── */

#define F(type, member, kind) { #member, ND_REPORT_##kind, G_STRUCT_OFFSET (type, member) }
#define F_AS(type, member, column, kind) { column, ND_REPORT_##kind, G_STRUCT_OFFSET (type, member) }

/* The list fields only: never the key, the overrides or other settings
 * (they are NULL in lists anyway; a report must not depend on that). */
static const NdReportField channel_fields[] = {
  F (NdChannel, id, I64), F (NdChannel, type, INT), F (NdChannel, status, INT),
  F (NdChannel, name, STR), F_AS (NdChannel, group, "grp", STR), F (NdChannel, models, STR),
  F (NdChannel, tag, STR), F (NdChannel, base_url, STR), F (NdChannel, priority, I64),
  F (NdChannel, weight, I64), F (NdChannel, balance, DOUBLE), F (NdChannel, used_quota, I64),
  F (NdChannel, response_time, I64), F (NdChannel, test_time, I64),
  F (NdChannel, created_time, I64), F (NdChannel, is_multi_key, BOOL),
  F (NdChannel, multi_key_size, INT), F (NdChannel, remark, STR),
  F (NdChannel, balance_updated_time, I64), F (NdChannel, auto_ban, INT),
  F (NdChannel, test_model, STR), F (NdChannel, status_reason, STR), F (NdChannel, status_time, I64),
};

/* NdUser has no password, access token or OAuth ids to leave out. */
static const NdReportField user_fields[] = {
  F (NdUser, id, I64), F (NdUser, username, STR), F (NdUser, display_name, STR),
  F (NdUser, email, STR), F_AS (NdUser, group, "grp", STR), F (NdUser, remark, STR),
  F (NdUser, role, INT), F (NdUser, status, INT), F (NdUser, quota, I64),
  F (NdUser, used_quota, I64), F (NdUser, request_count, I64), F (NdUser, created_at, I64),
  F (NdUser, last_login_at, I64), F (NdUser, deleted, BOOL),
};

static const NdReportField token_fields[] = {
  F (NdToken, id, I64), F (NdToken, user_id, I64), F (NdToken, username, STR),
  F (NdToken, name, STR), F (NdToken, masked_key, STR), F_AS (NdToken, group, "grp", STR),
  F (NdToken, model_limits, STR), F (NdToken, status, INT), F (NdToken, effective_status, INT),
  F (NdToken, created_time, I64), F (NdToken, accessed_time, I64), F (NdToken, expired_time, I64),
  F (NdToken, remain_quota, I64), F (NdToken, used_quota, I64), F (NdToken, unlimited_quota, BOOL),
  F (NdToken, model_limits_enabled, BOOL),
};

static const NdReportField model_fields[] = {
  F (NdModel, id, I64), F (NdModel, model_name, STR), F (NdModel, description, STR),
  F (NdModel, vendor, STR), F (NdModel, tags, STR), F (NdModel, status, INT),
  F (NdModel, name_rule, INT), F (NdModel, model_ratio, DOUBLE),
  F (NdModel, completion_ratio, DOUBLE), F (NdModel, model_price, DOUBLE),
  F (NdModel, channel_count, I64),
};

/* Logs as NewAPI wrote them but masked (content, other); channel_name is
 * the name the source resolved. */
static const NdReportField log_fields[] = {
  F (NdLog, id, I64), F (NdLog, created_at, I64), F (NdLog, user_id, I64),
  F (NdLog, token_id, I64), F (NdLog, channel_id, I64), F (NdLog, quota, I64),
  F (NdLog, prompt_tokens, I64), F (NdLog, completion_tokens, I64), F (NdLog, use_time, I64),
  F (NdLog, type, INT), F (NdLog, is_stream, BOOL), F (NdLog, username, STR),
  F (NdLog, token_name, STR), F (NdLog, model_name, STR), F_AS (NdLog, group, "grp", STR),
  F (NdLog, ip, STR), F (NdLog, request_id, STR), F (NdLog, upstream_request_id, STR),
  F (NdLog, content, STR), F (NdLog, other, STR), F (NdLog, channel_name, STR),
};

const NdReportTable _nd_report_tables[ND_REPORT_N_TABLES] = {
  [ND_REPORT_CHANNELS] = { "channels", channel_fields, G_N_ELEMENTS (channel_fields),
                           (gpointer (*) (void)) nd_channel_new, (GDestroyNotify) nd_channel_free,
                           { "name", "tag", "base_url" },
                           { "id", "name", "type", "status", "priority", "weight", "balance",
                             "used_quota" }, "id" },
  [ND_REPORT_USERS] = { "users", user_fields, G_N_ELEMENTS (user_fields),
                        (gpointer (*) (void)) nd_user_new, (GDestroyNotify) nd_user_free,
                        { "username", "display_name", "email" },
                        { "id", "username", "quota", "used_quota", "request_count", "created_at",
                          "last_login_at" }, "id DESC" },
  [ND_REPORT_TOKENS] = { "tokens", token_fields, G_N_ELEMENTS (token_fields),
                         (gpointer (*) (void)) nd_token_new, (GDestroyNotify) nd_token_free,
                         { "name" },
                         { "id", "name", "remain_quota", "used_quota", "created_time",
                           "accessed_time", "expired_time" }, "id DESC" },
  [ND_REPORT_MODELS] = { "models", model_fields, G_N_ELEMENTS (model_fields),
                         (gpointer (*) (void)) nd_model_new, (GDestroyNotify) nd_model_free,
                         { "model_name", "vendor", "tags" },
                         { "model_name", "channel_count", "model_ratio", "model_price" },
                         "model_name" },
  [ND_REPORT_LOGS] = { "logs", log_fields, G_N_ELEMENTS (log_fields),
                       (gpointer (*) (void)) nd_log_new, (GDestroyNotify) nd_log_free,
                       { NULL }, { NULL }, "created_at DESC, id DESC" },
};

static const char *
column_type (NdReportFieldKind kind)
{
  switch (kind)
    {
    case ND_REPORT_DOUBLE: return "REAL";
    case ND_REPORT_STR: return "TEXT";
    case ND_REPORT_I64:
    case ND_REPORT_INT:
    case ND_REPORT_BOOL:
    default: return "INTEGER";
    }
}

char *
_nd_report_columns (const NdReportTable *table)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < table->n_fields; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", table->fields[i].column);
  return g_string_free (s, FALSE);
}

char *
_nd_report_schema_sql (void)
{
  GString *sql = g_string_new ("CREATE TABLE IF NOT EXISTS report (key TEXT PRIMARY KEY, value)"
                               " WITHOUT ROWID;"
                               "CREATE TABLE IF NOT EXISTS errors (message TEXT NOT NULL,"
                               " count INTEGER NOT NULL, first_seen INTEGER NOT NULL,"
                               " last_seen INTEGER NOT NULL);");

  for (guint t = 0; t < ND_REPORT_N_TABLES; t++)
    {
      const NdReportTable *table = &_nd_report_tables[t];

      g_string_append_printf (sql, "CREATE TABLE IF NOT EXISTS %s (", table->name);
      for (guint i = 0; i < table->n_fields; i++)
        g_string_append_printf (sql, "%s%s %s", i ? ", " : "", table->fields[i].column,
                                column_type (table->fields[i].kind));
      g_string_append (sql, ");");
    }
  return g_string_free (sql, FALSE);
}

/* ─── rows ──────────────────────────────────────────────────────────────── */

void
_nd_report_set_error (sqlite3 *db, GError **error, const char *path)
{
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Could not use the report “%s”: %s"),
               path, db ? sqlite3_errmsg (db) : "out of memory");
}

gboolean
_nd_report_insert (sqlite3 *db, const NdReportTable *table, GPtrArray *items, GError **error)
{
  g_autofree char *columns = _nd_report_columns (table);
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *st = NULL;
  gboolean ok = TRUE;

  g_string_printf (sql, "INSERT INTO %s (%s) VALUES (", table->name, columns);
  for (guint i = 0; i < table->n_fields; i++)
    g_string_append (sql, i ? ", ?" : "?");
  g_string_append_c (sql, ')');
  if (sqlite3_prepare_v2 (db, sql->str, -1, &st, NULL) != SQLITE_OK)
    return _nd_report_set_error (db, error, table->name), FALSE;
  for (guint r = 0; ok && items != NULL && r < items->len; r++)
    {
      const guint8 *item = g_ptr_array_index (items, r);

      for (guint i = 0; i < table->n_fields; i++)
        {
          const NdReportField *f = &table->fields[i];
          const guint8 *p = item + f->offset;

          switch (f->kind)
            {
            case ND_REPORT_I64:
              sqlite3_bind_int64 (st, i + 1, *(const gint64 *) p);
              break;
            case ND_REPORT_INT:
            case ND_REPORT_BOOL:
              sqlite3_bind_int (st, i + 1, *(const int *) p);
              break;
            case ND_REPORT_DOUBLE:
              if (isnan (*(const double *) p))
                sqlite3_bind_null (st, i + 1);
              else
                sqlite3_bind_double (st, i + 1, *(const double *) p);
              break;
            case ND_REPORT_STR:
            default:
              /* Free text from the gateway may hold a pasted key. */
              sqlite3_bind_text (st, i + 1, nd_mask_text_dup (*(char * const *) p), -1, g_free);
              break;
            }
        }
      ok = sqlite3_step (st) == SQLITE_DONE;
      sqlite3_reset (st);
    }
  if (!ok)
    _nd_report_set_error (db, error, table->name);
  sqlite3_finalize (st);
  return ok;
}

gpointer
_nd_report_row_read (sqlite3_stmt *st, const NdReportTable *table)
{
  guint8 *item = table->new_item ();

  for (guint i = 0; i < table->n_fields; i++)
    {
      const NdReportField *f = &table->fields[i];
      guint8 *p = item + f->offset;

      switch (f->kind)
        {
        case ND_REPORT_I64:
          *(gint64 *) p = sqlite3_column_int64 (st, i);
          break;
        case ND_REPORT_INT:
          *(int *) p = sqlite3_column_int (st, i);
          break;
        case ND_REPORT_BOOL:
          *(gboolean *) p = sqlite3_column_int (st, i) != 0;
          break;
        case ND_REPORT_DOUBLE:
          *(double *) p = sqlite3_column_type (st, i) == SQLITE_NULL ? NAN
                                                                    : sqlite3_column_double (st, i);
          break;
        case ND_REPORT_STR:
        default:
          {
            const char *text = (const char *) sqlite3_column_text (st, i);
            char **slot = (char **) p;

            g_free (*slot);
            /* A damaged file may hold bytes that are not UTF-8. */
            *slot = text == NULL ? NULL : g_utf8_make_valid (text, -1);
          }
          break;
        }
    }
  return item;
}

/* ─── checking a file ───────────────────────────────────────────────────── */

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID_INPUT, message);
  g_free (message);
  return FALSE;
}

/* The 100-byte SQLite header says what the file is before SQLite parses
 * anything: the magic, the application id, the format, and how long the
 * file must be. */
static gboolean
check_header (const char *path, GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  guint8 h[100];
  FILE *f;
  size_t n;
  gint64 size;
  guint32 page_size, pages, version;

  f = fopen (path, "rb");
  if (f == NULL)
    {
      int saved = errno;

      return invalid (error, _("Could not open “%s”: %s"), name, g_strerror (saved));
    }
  n = fread (h, 1, sizeof h, f);
  size = fseeko (f, 0, SEEK_END) == 0 ? (gint64) ftello (f) : -1;
  fclose (f);
  if (n == 0)
    return invalid (error, _("“%s” is empty: it is not a NewAPI Desk report"), name);
  if (n < sizeof h || memcmp (h, "SQLite format 3", 16) != 0)
    return invalid (error, _("“%s” is not a NewAPI Desk report (it is not an SQLite database, or "
                             "it is cut short)"), name);
  if (be32 (h + 68) != ND_REPORT_APPLICATION_ID)
    return invalid (error, _("“%s” is an SQLite database, but not a NewAPI Desk report"), name);
  version = be32 (h + 60);
  if (version == 0)
    return invalid (error, _("“%s” is an unfinished report: it was not written to the end"), name);
  if (version > ND_REPORT_FORMAT_VERSION)
    return invalid (error, _("“%s” was made by a newer NewAPI Desk (report format %u; this version "
                             "reads format %d). Update NewAPI Desk to open it."),
                    name, version, ND_REPORT_FORMAT_VERSION);
  page_size = ((guint32) h[16] << 8) | h[17];
  if (page_size == 1)
    page_size = 65536;
  pages = be32 (h + 28);
  /* The size in the header counts only when it is known to be current. */
  if (pages > 0 && be32 (h + 24) == be32 (h + 92) && size >= 0 &&
      (gint64) pages * page_size > size)
    return invalid (error, _("“%s” is cut short: it has %" PRId64 " of its %" PRId64 " bytes. "
                             "Copy it again."),
                    name, size, (gint64) pages * page_size);
  return TRUE;
}

/* Every table of this format, exactly: made in memory from the same
 * statements the writer runs, and compared with the file's. */
static gboolean
check_schema (sqlite3 *db, const char *name, GError **error)
{
  sqlite3 *ref = NULL;
  sqlite3_stmt *want = NULL, *have = NULL;
  g_autofree char *report_sql = _nd_report_schema_sql ();
  g_autofree char *facts_sql = nd_facts_dup_schema_sql ();
  g_autofree char *bad = NULL;
  gboolean ok;
  int rc;

  ok = sqlite3_open_v2 (":memory:", &ref, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
       sqlite3_exec (ref, report_sql, NULL, NULL, NULL) == SQLITE_OK &&
       sqlite3_exec (ref, facts_sql, NULL, NULL, NULL) == SQLITE_OK &&
       sqlite3_prepare_v2 (ref, "SELECT type, name, sql FROM sqlite_schema ORDER BY name", -1,
                           &want, NULL) == SQLITE_OK &&
       sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_schema WHERE type = ? AND name = ?"
                           " AND sql IS ?", -1, &have, NULL) == SQLITE_OK;
  if (!ok)
    {
      /* The reference is ours: failing to build it is a bug, not the file. */
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("“%s” could not be checked: %s"),
                   name, sqlite3_errmsg (ref ? ref : db));
    }
  while (ok && (rc = sqlite3_step (want)) == SQLITE_ROW)
    {
      for (int i = 0; i < 3; i++)
        sqlite3_bind_text (have, i + 1, (const char *) sqlite3_column_text (want, i), -1,
                           SQLITE_TRANSIENT);
      rc = sqlite3_step (have);
      sqlite3_reset (have);
      if (rc != SQLITE_ROW)
        {
          bad = g_strdup ((const char *) sqlite3_column_text (want, 1));
          ok = FALSE;
          if (rc != SQLITE_DONE)
            invalid (error, _("“%s” is damaged: %s"), name, sqlite3_errmsg (db));
          else
            invalid (error, _("“%s” is damaged or not a NewAPI Desk report: its table “%s” is "
                              "missing or not as report format %d has it"),
                     name, bad, ND_REPORT_FORMAT_VERSION);
        }
    }
  sqlite3_finalize (want);
  sqlite3_finalize (have);
  sqlite3_close (ref);
  return ok;
}

sqlite3 *
_nd_report_file_open (const char *path, GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_autofree char *problem = NULL;
  int rc;

  if (!check_header (path, error))
    return NULL;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      invalid (error, _("Could not open “%s”: %s"), name, db ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
  sqlite3_exec (db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL);

  /* The structure of every page, before any query trusts it. */
  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *r = (const char *) sqlite3_column_text (st, 0);

      if (g_strcmp0 (r, "ok") != 0)
        {
          g_autofree char *valid = g_utf8_make_valid (r ? r : "?", -1);
          const char *line = valid;

          /* One line for people: "Page 3: btreeInitPage() returns error code 11". */
          if (g_str_has_prefix (line, "*** in database main ***"))
            line += strlen ("*** in database main ***");
          problem = g_strstrip (g_strdelimit (g_strdup (line), "\r\n", ' '));
        }
    }
  else
    problem = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (st);
  if (problem != NULL)
    {
      invalid (error, _("“%s” is damaged (%s)"), name, problem);
      sqlite3_close (db);
      return NULL;
    }
  if (!check_schema (db, name, error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* ─── meta ──────────────────────────────────────────────────────────────── */

static const char *
kind_name (NdSourceKind kind)
{
  return kind == ND_SOURCE_KIND_PG ? "pg" : kind == ND_SOURCE_KIND_HTTP ? "http" : "report";
}

gboolean
_nd_report_meta_write (sqlite3 *db, const NdReportMeta *m, GError **error)
{
  sqlite3_stmt *st = NULL;
  gboolean ok = TRUE;
  struct { const char *key; gint64 i; double d; const char *s; int kind; } rows[] = {
    /* kind: 0 integer, 1 real, 2 text */
    { "instance", 0, 0, m->instance, 2 },
    { "system_name", 0, 0, m->system_name, 2 },
    { "newapi_version", 0, 0, m->newapi_version, 2 },
    { "backend", 0, 0, m->backend, 2 },
    { "gateway_id", 0, 0, m->gateway_id, 2 },
    { "source_kind", 0, 0, kind_name (m->source_kind), 2 },
    { "source_caps", m->source_caps, 0, NULL, 0 },
    { "facts_lag_seconds", m->facts_lag_seconds, 0, NULL, 0 },
    { "from", m->from, 0, NULL, 0 },
    { "to", m->to, 0, NULL, 0 },
    { "bucket", m->bucket, 0, NULL, 0 },
    { "range_name", 0, 0, m->range_name, 2 },
    { "tz_name", 0, 0, m->tz_name, 2 },
    { "tz_offset", m->tz_offset, 0, NULL, 0 },
    { "created_at", m->created_at, 0, NULL, 0 },
    { "app_version", 0, 0, m->app_version, 2 },
    { "money.display", 0, 0, nd_money_display_to_string (m->money->display), 2 },
    { "money.quota_per_unit", 0, m->money->quota_per_unit, NULL, 1 },
    { "money.usd_exchange_rate", 0, m->money->usd_exchange_rate, NULL, 1 },
    { "money.custom_rate", 0, m->money->custom_rate, NULL, 1 },
    { "money.custom_symbol", 0, 0, m->money->custom_symbol, 2 },
    { "n_channels", m->n_channels, 0, NULL, 0 },
    { "n_users", m->n_users, 0, NULL, 0 },
    { "n_tokens", m->n_tokens, 0, NULL, 0 },
    { "n_models", m->n_models, 0, NULL, 0 },
    { "n_errors", m->n_errors, 0, NULL, 0 },
    { "errors_scanned", m->errors_scanned, 0, NULL, 0 },
    { "errors_complete", m->errors_complete, 0, NULL, 0 },
    { "n_logs", m->n_logs, 0, NULL, 0 },
    { "logs_complete", m->logs_complete, 0, NULL, 0 },
  };

  if (sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO report VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
    return _nd_report_set_error (db, error, "report"), FALSE;
  for (guint i = 0; ok && i < G_N_ELEMENTS (rows); i++)
    {
      sqlite3_bind_text (st, 1, rows[i].key, -1, SQLITE_STATIC);
      if (rows[i].kind == 0)
        sqlite3_bind_int64 (st, 2, rows[i].i);
      else if (rows[i].kind == 1)
        sqlite3_bind_double (st, 2, rows[i].d);
      else if (rows[i].s != NULL)
        sqlite3_bind_text (st, 2, rows[i].s, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (st, 2);
      ok = sqlite3_step (st) == SQLITE_DONE;
      sqlite3_reset (st);
    }
  if (!ok)
    _nd_report_set_error (db, error, "report");
  sqlite3_finalize (st);
  return ok;
}

static const char *
meta_text (GHashTable *t, const char *key)
{
  return g_hash_table_lookup (t, key);
}

static gint64
meta_int (GHashTable *t, const char *key, gint64 fallback)
{
  const char *v = g_hash_table_lookup (t, key);
  gint64 out;

  return v != NULL && g_ascii_string_to_signed (v, 10, G_MININT64, G_MAXINT64, &out, NULL)
         ? out : fallback;
}

static double
meta_double (GHashTable *t, const char *key, double fallback)
{
  const char *v = g_hash_table_lookup (t, key);
  char *end = NULL;
  double d;

  if (v == NULL)
    return fallback;
  d = g_ascii_strtod (v, &end);
  return end != v && isfinite (d) ? d : fallback;
}

static char *
meta_dup (GHashTable *t, const char *key)
{
  const char *v = g_hash_table_lookup (t, key);

  return v != NULL && *v != '\0' ? g_strdup (v) : NULL;
}

NdReportMeta *
_nd_report_meta_read (sqlite3 *db, GError **error)
{
  g_autoptr(GHashTable) t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(NdReportMeta) m = nd_report_meta_new ();
  sqlite3_stmt *st = NULL;
  const char *kind;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT key, CAST(value AS TEXT) FROM report", -1, &st, NULL) != SQLITE_OK)
    return _nd_report_set_error (db, error, "report"), NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *k = (const char *) sqlite3_column_text (st, 0);
      const char *v = (const char *) sqlite3_column_text (st, 1);

      if (k != NULL && v != NULL)
        g_hash_table_replace (t, g_strdup (k), g_utf8_make_valid (v, -1));
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return _nd_report_set_error (db, error, "report"), NULL;

  m->format = ND_REPORT_FORMAT_VERSION;
  m->instance = meta_dup (t, "instance");
  m->system_name = meta_dup (t, "system_name");
  m->newapi_version = meta_dup (t, "newapi_version");
  m->backend = meta_dup (t, "backend");
  m->gateway_id = meta_dup (t, "gateway_id");
  kind = meta_text (t, "source_kind");
  m->source_kind = g_strcmp0 (kind, "http") == 0 ? ND_SOURCE_KIND_HTTP : ND_SOURCE_KIND_PG;
  m->source_caps = (NdCapabilities) meta_int (t, "source_caps", 0);
  m->facts_lag_seconds = MAX (meta_int (t, "facts_lag_seconds", 0), 0);
  m->from = meta_int (t, "from", 0);
  m->to = meta_int (t, "to", 0);
  m->bucket = meta_int (t, "bucket", 0);
  m->range_name = meta_dup (t, "range_name");
  m->tz_name = meta_dup (t, "tz_name");
  m->tz_offset = (int) CLAMP (meta_int (t, "tz_offset", 0), -18 * 3600, 18 * 3600);
  m->created_at = meta_int (t, "created_at", 0);
  m->app_version = meta_dup (t, "app_version");
  m->money->display = nd_money_display_from_string (meta_text (t, "money.display"));
  m->money->quota_per_unit = meta_double (t, "money.quota_per_unit", 500000);
  m->money->usd_exchange_rate = meta_double (t, "money.usd_exchange_rate", m->money->usd_exchange_rate);
  m->money->custom_rate = meta_double (t, "money.custom_rate", m->money->custom_rate);
  g_free (m->money->custom_symbol);
  m->money->custom_symbol = meta_dup (t, "money.custom_symbol");
  m->n_channels = meta_int (t, "n_channels", -1);
  m->n_users = meta_int (t, "n_users", -1);
  m->n_tokens = meta_int (t, "n_tokens", -1);
  m->n_models = meta_int (t, "n_models", -1);
  m->n_errors = meta_int (t, "n_errors", -1);
  m->errors_scanned = meta_int (t, "errors_scanned", -1);
  m->errors_complete = meta_int (t, "errors_complete", 0) != 0;
  m->n_logs = meta_int (t, "n_logs", -1);
  m->logs_complete = meta_int (t, "logs_complete", 0) != 0;

  /* The range drives every query (and a loop per trend bucket): only
   * what a writer could have made. */
  if (m->from % ND_TIME_HOUR != 0 || m->to % ND_TIME_HOUR != 0 || m->to <= m->from ||
      m->from < 0 || m->to - m->from > 20 * 366 * ND_TIME_DAY ||
      (m->bucket != ND_TIME_HOUR && m->bucket != ND_TIME_DAY && m->bucket != 7 * ND_TIME_DAY) ||
      m->created_at <= 0 || m->created_at > G_MAXINT64 / 2 || !(m->money->quota_per_unit > 0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The report is damaged: its range or settings cannot be right"));
      return NULL;
    }
  return g_steal_pointer (&m);
}

/* test-pg-export.c — log export (CSV, JSON Lines) and `newapi-desk
 * export-logs` on a real NewAPI database
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The export must hold exactly the rows the browser shows, in its order,
 * and a failed or cancelled export must leave no file behind.
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "logs/nd-export.h"
#include "nd-cli.h"
#include "nd-pg-logs-fx.h"

#define DB FX_DB

/* RFC 4180 reader for the test. */
static GPtrArray *
parse_csv (const char *text, gsize len)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *cell = g_string_new (NULL);
  gsize i = 0;

  while (i < len)
    {
      char c = text[i];

      if (c == '"' && cell->len == 0)
        {
          i++;
          while (i < len)
            {
              if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
                g_string_append_c (cell, '"'), i += 2;
              else if (text[i] == '"')
                {
                  i++;
                  break;
                }
              else
                g_string_append_c (cell, text[i++]);
            }
          continue;
        }
      if (c == ',')
        {
          g_ptr_array_add (row, g_strdup (cell->str));
          g_string_truncate (cell, 0);
        }
      else if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
        {
          g_ptr_array_add (row, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          i++;
        }
      else
        g_string_append_c (cell, c);
      i++;
    }
  g_assert_cmpuint (row->len, ==, 0);
  g_ptr_array_unref (row);
  g_string_free (cell, TRUE);
  return rows;
}

static gint64
export_to (NdSource *source, const NdLogQuery *q, const char *path, NdExportFormat format,
           gboolean bom, GError **error)
{
  g_autoptr(NdExportWriter) w = nd_export_writer_new (path, format, bom, error);
  g_autoptr(GAsyncResult) res = NULL;
  gint64 n;

  if (w == NULL)
    return -1;
  nd_source_export_logs_async (source, q, nd_export_writer_write, w, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  n = nd_source_export_logs_finish (source, res, error);
  if (n < 0 || (error && *error))
    return -1;
  if (!nd_export_writer_finish (w, error))
    return -1;
  g_assert_cmpint (nd_export_writer_get_rows (w), ==, n);
  return n;
}

static const char *
col (GPtrArray *row, GPtrArray *header, const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_str_equal (header->pdata[i], name))
      return row->pdata[i];
  g_error ("no column %s", name);
  return NULL;
}

static void
assert_cell (const char *cell, const char *text)
{
  /* Text that a spreadsheet would run starts with an apostrophe. */
  if (text != NULL && strchr ("=+-@", text[0]) != NULL && text[0] != '\0')
    {
      g_assert_cmpint (cell[0], ==, '\'');
      g_assert_cmpstr (cell + 1, ==, text);
    }
  else
    g_assert_cmpstr (cell, ==, text ? text : "");
}

static void
test_export_equals_browse (void)
{
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) csv = NULL;
  g_autofree char *dir = NULL, *csv_path = NULL, *jsonl_path = NULL, *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  GPtrArray *header;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);
  dir = g_dir_make_tmp ("nd-export-XXXXXX", &error);
  g_assert_no_error (error);
  csv_path = g_build_filename (dir, "logs.csv", NULL);
  jsonl_path = g_build_filename (dir, "logs.jsonl", NULL);

  /* A filter that includes the nasty rows (type 2 and 5 in range). */
  q->from = ND_TEST_NOW - 20 * 86400;
  rows = fx_browse_all (source, q, 500);
  g_assert_cmpuint (rows->len, >, 1000);

  g_assert_cmpint (export_to (source, q, csv_path, ND_EXPORT_CSV, TRUE, &error), ==, rows->len);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &text, &len, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF" "id,created_at,"));
  g_assert_null (strstr (text, "sk-abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDwxyz"));
  g_assert_nonnull (strstr (text, "sk-abcd***wxyz"));
  csv = parse_csv (text + 3, len - 3);
  g_assert_cmpuint (csv->len, ==, rows->len + 1);
  header = csv->pdata[0];
  for (guint i = 0; i < rows->len; i++)
    {
      NdLog *log = rows->pdata[i];
      GPtrArray *r = csv->pdata[i + 1];
      char buf[32];

      g_assert_cmpuint (r->len, ==, header->len);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->id);
      g_assert_cmpstr (col (r, header, "id"), ==, buf);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->quota);
      g_assert_cmpstr (col (r, header, "quota"), ==, buf);      /* numbers stay numbers */
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->created_at);
      g_assert_cmpstr (col (r, header, "created_at"), ==, buf);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->channel_id);
      g_assert_cmpstr (col (r, header, "channel"), ==, buf);
      assert_cell (col (r, header, "username"), log->username);
      assert_cell (col (r, header, "token_name"), log->token_name);
      assert_cell (col (r, header, "model_name"), log->model_name);
      assert_cell (col (r, header, "group"), log->group);
      assert_cell (col (r, header, "channel_name"), log->channel_name);
      assert_cell (col (r, header, "request_id"), log->request_id);
      if (log->other && !strstr (log->other, "sk-"))
        assert_cell (col (r, header, "other"), log->other);
      g_assert_cmpstr (col (r, header, "is_stream"), ==, log->is_stream ? "true" : "false");
    }

  /* JSON Lines: NewAPI's names, "channel" for channel_id. */
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (export_to (source, q, jsonl_path, ND_EXPORT_JSONL, FALSE, &error), ==, rows->len);
  g_assert_true (g_file_get_contents (jsonl_path, &text, &len, NULL));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_cmpuint (g_strv_length (lines), ==, rows->len + 1);
    g_assert_cmpstr (lines[rows->len], ==, "");
    for (guint i = 0; i < rows->len; i++)
      {
        NdLog *log = rows->pdata[i];
        JsonObject *o;

        g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
        o = json_node_get_object (json_parser_get_root (parser));
        g_assert_cmpint (json_object_get_int_member (o, "id"), ==, log->id);
        g_assert_cmpint (json_object_get_int_member (o, "channel"), ==, log->channel_id);
        g_assert_cmpint (json_object_get_int_member (o, "quota"), ==, log->quota);
        g_assert_cmpint (json_object_get_int_member (o, "created_at"), ==, log->created_at);
        g_assert_cmpstr (json_object_get_string_member (o, "username"), ==, log->username);
        g_assert_cmpstr (json_object_get_string_member (o, "model_name"), ==, log->model_name);
        g_assert_cmpstr (json_object_get_string_member (o, "group"), ==, log->group);
        g_assert_cmpint (json_object_get_boolean_member (o, "is_stream"), ==, log->is_stream);
        if (log->request_id && *log->request_id)
          g_assert_cmpstr (json_object_get_string_member (o, "request_id"), ==, log->request_id);
        else
          g_assert_false (json_object_has_member (o, "request_id"));
        if (log->content && !strstr (log->content, "sk-"))
          g_assert_cmpstr (json_object_get_string_member (o, "content"), ==, log->content);
      }
  }
  g_unlink (csv_path);
  g_unlink (jsonl_path);
  g_rmdir (dir);
}

static gboolean
fail_second_batch (GPtrArray *rows, gpointer data, GError **error)
{
  NdExportWriter *w = data;

  if (nd_export_writer_get_rows (w) > 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, "disk full (simulated)");
      return FALSE;
    }
  return nd_export_writer_write (rows, w, error);
}

/* A failed export leaves nothing that looks like a file. */
static void
test_export_failure_leaves_nothing (void)
{
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);
  dir = g_dir_make_tmp ("nd-export-fail-XXXXXX", &error);
  path = g_build_filename (dir, "out.csv", NULL);
  {
    NdExportWriter *w = nd_export_writer_new (path, ND_EXPORT_CSV, FALSE, &error);
    g_autoptr(GAsyncResult) res = NULL;

    g_assert_no_error (error);
    nd_source_export_logs_async (source, q, fail_second_batch, w, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_cmpint (nd_source_export_logs_finish (source, res, &error), <, 0);
    g_assert_error (error, ND_ERROR, ND_ERROR_FAILED);
    nd_export_writer_free (w);
  }
  d = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (d));     /* neither out.csv nor a .part file */
  /* Cancelling stops it the same way. */
  g_clear_error (&error);
  {
    NdExportWriter *w = nd_export_writer_new (path, ND_EXPORT_JSONL, FALSE, &error);
    g_autoptr(GCancellable) cancel = g_cancellable_new ();
    g_autoptr(GAsyncResult) res = NULL;

    g_cancellable_cancel (cancel);
    nd_source_export_logs_async (source, q, nd_export_writer_write, w, cancel,
                                 nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_cmpint (nd_source_export_logs_finish (source, res, &error), <, 0);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    nd_export_writer_free (w);
  }
  g_dir_rewind (d);
  g_assert_null (g_dir_read_name (d));
  g_rmdir (dir);
}

typedef struct {
  NdExportWriter *writer;
  GCancellable *cancellable;
} CancelAfterFirst;

static gboolean
cancel_after_first (GPtrArray *rows, gpointer data, GError **error)
{
  CancelAfterFirst *c = data;

  /* The user presses Stop while the next batch is already on its way. */
  g_cancellable_cancel (c->cancellable);
  return nd_export_writer_write (rows, c->writer, error);
}

/* Stopped half way: the fetch in flight is dropped, nothing is left on
 * disk, and the source answers the next question. */
static void
test_export_cancel_midway (void)
{
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  g_autoptr(NdLogPage) page = NULL;
  g_autofree char *dir = NULL, *path = NULL;
  CancelAfterFirst c;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);
  dir = g_dir_make_tmp ("nd-export-cancel-XXXXXX", &error);
  path = g_build_filename (dir, "out.csv", NULL);
  c.writer = nd_export_writer_new (path, ND_EXPORT_CSV, FALSE, &error);
  c.cancellable = cancellable;
  g_assert_no_error (error);
  nd_source_export_logs_async (source, q, cancel_after_first, &c, cancellable,
                               nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_cmpint (nd_source_export_logs_finish (source, res, &error), <, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Batches already fetched are not written after the cancel. */
  g_assert_cmpint (nd_export_writer_get_rows (c.writer), <, FX_N_LOGS);
  nd_export_writer_free (c.writer);
  d = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (d));
  g_clear_error (&error);

  page = fx_query_page (source, q, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 10);
  g_rmdir (dir);
}

static int
run_cli (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status = -1;

  g_ptr_array_add (argv, (char *) "newapi-desk");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (nd_cli_dispatch (argv->len - 1, (char **) argv->pdata, &status));
  return status;
}

static void
test_cli_export (void)
{
  NdTestPg *pg = fx_setup_db ();
  g_autofree char *dir = NULL, *out = NULL, *text = NULL, *user = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expected;

  if (pg == NULL)
    return;
  dir = g_dir_make_tmp ("nd-cli-export-XXXXXX", &error);
  out = g_build_filename (dir, "logs.jsonl", NULL);
  user = fx_scalar_text (pg, "SELECT username FROM logs WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  expected = nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs WHERE type = 2 AND created_at >= 1766620800 "
                                        "AND created_at < 1767052800 AND username = (SELECT username FROM logs "
                                        "WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)");
  g_assert_cmpint (expected, >, 0);
  {
    const char *args[] = { "export-logs", "--dsn", fx_main_dsn (), "--type", "2", "--username", user,
                           "--from", "1766620800", "--to", "2025-12-30T00:00:00Z",
                           "--format", "jsonl", "--output", out, "--quiet", NULL };

    g_assert_cmpint (run_cli (args), ==, 0);
  }
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_cmpint (g_strv_length (lines) - 1, ==, expected);
    g_assert_nonnull (strstr (lines[0], "\"channel\":"));
  }
  g_unlink (out);

  /* CSV by default, with the header and the id column. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&text, g_free);
  out = g_build_filename (dir, "all.csv", NULL);
  {
    const char *args[] = { "export-logs", "--dsn", fx_main_dsn (), "--output", out, "--model", "gpt-%",
                           "--model", "gpt_4o", "-q", NULL };

    g_assert_cmpint (run_cli (args), ==, 0);
  }
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "id,created_at,"));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

    g_assert_cmpint (g_strv_length (lines), ==, 4);   /* header, 2 rows, "" */
  }
  g_unlink (out);

  /* Bad usage and bad connections: distinct exit codes, no file. */
  {
    const char *bad_dsn[] = { "export-logs", "--dsn", "colour=blue", "--output", out, NULL };
    const char *no_server[] = { "export-logs", "--dsn", "postgresql://postgres@127.0.0.1:1/x",
                                "--output", out, NULL };
    const char *bad_format[] = { "export-logs", "--dsn", fx_main_dsn (), "--format", "xlsx", "--output", out, NULL };
    const char *bad_time[] = { "export-logs", "--dsn", fx_main_dsn (), "--from", "yesterday", "--output", out, NULL };
    const char *no_output[] = { "export-logs", "--dsn", fx_main_dsn (), NULL };

    g_assert_cmpint (run_cli (bad_dsn), ==, 2);
    g_assert_cmpint (run_cli (no_server), ==, 3);
    g_assert_cmpint (run_cli (bad_format), ==, 2);
    g_assert_cmpint (run_cli (bad_time), ==, 2);
    g_assert_cmpint (run_cli (no_output), ==, 2);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  /* As main() does: the CLI converts option values from the locale. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/logs/pg/export-equals-browse", test_export_equals_browse);
  g_test_add_func ("/logs/pg/export-failure-leaves-nothing", test_export_failure_leaves_nothing);
  g_test_add_func ("/logs/pg/export-cancel-midway", test_export_cancel_midway);
  g_test_add_func ("/logs/pg/cli-export", test_cli_export);
  return g_test_run ();
}

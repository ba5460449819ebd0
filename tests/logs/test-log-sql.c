/* test-log-sql.c — NdLogQuery → SQL text and parameters; export cells
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "logs/nd-export.h"
#include "logs/nd-log-sql.h"
#include "nd-error.h"
#include "nd-secure-string.h"
#include "../unit/nd-secret-samples.h"

static void
test_page_sql (void)
{
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogSql) s = NULL;
  g_autoptr(GError) error = NULL;
  NdLogCursor after = { 1767000000, 42 };

  q->from = 10;
  q->to = 20;
  q->type = 2;
  q->username = g_strdup ("a'b");
  nd_log_query_add_model (q, "m\"1");
  nd_log_query_add_model (q, "m\\2");
  nd_log_query_add_channel (q, 3);
  q->group = g_strdup ("vip");
  s = nd_log_sql_page (q, &after, 100, FALSE, TRUE, &error);
  g_assert_no_error (error);
  /* No value is ever part of the SQL text. */
  g_assert_null (strstr (s->sql->str, "a'b"));
  g_assert_null (strstr (s->sql->str, "vip"));
  g_assert_nonnull (strstr (s->sql->str, "\"group\" = $"));
  g_assert_nonnull (strstr (s->sql->str, "model_name = ANY ($"));
  g_assert_nonnull (strstr (s->sql->str, "(created_at, id) < ($"));
  g_assert_null (strstr (s->sql->str, "created_at <= $"));
  g_assert_true (g_str_has_suffix (s->sql->str, "ORDER BY created_at DESC, id DESC LIMIT 100"));
  g_assert_cmpuint (s->params->len, ==, 9);
  g_assert_cmpstr (s->params->pdata[3], ==, "a'b");
  g_assert_cmpstr (s->params->pdata[4], ==, "{\"m\\\"1\",\"m\\\\2\"}");
  g_assert_cmpstr (s->params->pdata[7], ==, "1767000000");
  g_assert_cmpstr (s->params->pdata[8], ==, "42");

  /* The legacy (id, created_at) index: a plain bound an index can use. */
  g_clear_pointer (&s, nd_log_sql_free);
  s = nd_log_sql_page (q, &after, 100, TRUE, TRUE, &error);
  g_assert_nonnull (strstr (s->sql->str, "created_at <= $8::bigint"));

  /* request_id without the column is refused. */
  g_clear_pointer (&s, nd_log_sql_free);
  q->request_id = g_strdup ("r");
  s = nd_log_sql_page (q, NULL, 10, FALSE, FALSE, &error);
  g_assert_null (s);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
}

static void
test_csv_cells (void)
{
  struct { const char *in, *out; } cases[] = {
    { "plain", "plain" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "=1+2", "'=1+2" },
    { "+cmd", "'+cmd" },
    { "-1", "'-1" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"" },
    { "中文", "中文" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) s = g_string_new (NULL);

      nd_export_append_csv_text (s, cases[i].in);
      g_assert_cmpstr (s->str, ==, cases[i].out);
    }
}

static void
test_json_and_scrub (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *a = NULL, *b = NULL;

  nd_export_append_json_str (s, "q\"b\\n\n\t\x01é");
  g_assert_cmpstr (s->str, ==, "\"q\\\"b\\\\n\\n\\t\\u0001é\"");

  g_assert_null (nd_mask_text ("nothing here, sk-short"));
  g_assert_null (nd_mask_text ("masked sk-****abcd is fine"));
  a = nd_mask_text ("k=sk-abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDwxyz; and sk-12345678901234567890zz end");
  g_assert_cmpstr (a, ==, "k=sk-abcd***wxyz; and sk-1234***90zz end");
  b = nd_mask_text ("sk-abcdEFGHijklMNOPqrstUVWX");
  g_assert_cmpstr (b, ==, "sk-abcd***UVWX");
}

/* Upstream key formats with '-' / '_' inside, and NewAPI keys without
 * "sk-", are masked; ordinary identifiers are left alone. */
static void
test_scrub_formats (void)
{
  static const struct { const char *in, *out; } masked[] = {
    { "bad key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx_yz-0123456789 rejected",
      "bad key sk-proj***6789 rejected" },
    { "x-api-key: sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abcdefghijkl-AAAA",
      "x-api-key: sk-ant-***AAAA" },
    { "{\"error\":\"invalid key sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
      "{\"error\":\"invalid key sk-or-v***cdef\"}" },
    { "Incorrect API key provided: sk-svcacct-AbCd_EfGh-IjKl_MnOp-QrSt. See",
      "Incorrect API key provided: sk-svca***QrSt. See" },
    { "token=sk-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "token=sk-ABCD***WXYZ" },
    { "my_sk-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "my_sk-ABCD***WXYZ" },
    /* bare 48-character NewAPI key */
    { "无效的令牌 AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij12 (disabled)",
      "无效的令牌 AbCd***ij12 (disabled)" },
    { "Bearer AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij12",
      "Bearer AbCd***ij12" },
    { "key=\"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij12\",sk-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
      "key=\"AbCd***ij12\",sk-ABCD***WXYZ" },
  };
  static const char * const untouched[] = {
    "model gpt-4o-mini-2024-07-18 not found",
    "claude-3-5-sonnet-20241022 / gemini-2.0-flash-thinking-exp-01-21",
    "request id 20240718123456789012345678901234 failed",
    "req 2024071812345678AbCdEfGh upstream chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012",
    "uuid 123e4567-e89b-12d3-a456-426614174000 ok",
    "task-queue-processing-worker-0123456789 busy",
    "desk-configuration-management-service restarted",
    /* 48 characters, but part of a longer identifier */
    "id_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij12",
    "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij12-x",
    /* 47 and 49 characters */
    "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij1",
    "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij123",
    "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "already masked sk-abcd***wxyz and AbCd***ij12",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (masked); i++)
    {
      g_autofree char *got = nd_mask_text (masked[i].in);

      g_assert_cmpstr (got, ==, masked[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (untouched); i++)
    {
      g_autofree char *got = nd_mask_text (untouched[i]);

      g_assert_cmpstr (got, ==, NULL);
    }
}

static void
test_writer_rename (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nd-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "x.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  g_autoptr(GError) error = NULL;
  NdExportWriter *w;
  NdLog *log = nd_log_new ();
  GDir *d;

  log->id = 7;
  log->quota = -5;          /* a negative number is a number, not a formula */
  log->username = g_strdup ("-bob");
  log->type = 5;
  g_ptr_array_add (rows, log);

  /* Unfinished: nothing remains. */
  w = nd_export_writer_new (path, ND_EXPORT_CSV, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (nd_export_writer_write (rows, w, &error));
  nd_export_writer_free (w);
  d = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (d));
  g_dir_close (d);

  w = nd_export_writer_new (path, ND_EXPORT_CSV, TRUE, &error);
  g_assert_true (nd_export_writer_write (rows, w, &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (nd_export_writer_finish (w, &error));
  nd_export_writer_free (w);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBFid,"));
  g_assert_nonnull (strstr (text, "\r\n7,0,1970-01-01T00:00:00Z,5,error,0,'-bob,0,,,-5,"));
  g_unlink (path);
  g_rmdir (dir);
}

/* Content and `other` full of keys, as upstream errors and audit rows
 * carry them: no key reaches either file format. */
static void
test_export_secrets (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nd-secrets-XXXXXX", NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  g_autoptr(GError) error = NULL;
  NdLog *log = nd_log_new ();

  log->id = 1;
  log->type = ND_LOG_ERROR;
  log->content = nd_secret_text ();
  /* A key spelled with a JSON escape is the same key to every reader. */
  log->other = g_strdup_printf ("{\"error_code\":\"invalid_api_key\",\"reject_reason\":\"%s\","
                                "\"po\":[\"Authorization: Bearer sk\\u002d%s\"]}",
                                nd_secret_samples[1], nd_secret_samples[2] + 3);
  g_ptr_array_add (rows, log);

  for (int format = ND_EXPORT_CSV; format <= ND_EXPORT_JSONL; format++)
    {
      g_autofree char *path = g_build_filename (dir, format == ND_EXPORT_CSV ? "s.csv" : "s.jsonl", NULL);
      g_autofree char *text = NULL;
      NdExportWriter *w = nd_export_writer_new (path, format, FALSE, &error);

      g_assert_no_error (error);
      g_assert_true (nd_export_writer_write (rows, w, &error));
      g_assert_true (nd_export_writer_finish (w, &error));
      nd_export_writer_free (w);
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_null (nd_secret_leaked (text));
      g_assert_nonnull (strstr (text, "invalid_api_key"));
      g_assert_nonnull (strstr (text, "sk-u8jz***isAj"));
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/logs/sql/page", test_page_sql);
  g_test_add_func ("/logs/export/csv-cells", test_csv_cells);
  g_test_add_func ("/logs/export/json-and-scrub", test_json_and_scrub);
  g_test_add_func ("/logs/export/scrub-formats", test_scrub_formats);
  g_test_add_func ("/logs/export/writer-rename", test_writer_rename);
  g_test_add_func ("/logs/export/secrets", test_export_secrets);
  return g_test_run ();
}

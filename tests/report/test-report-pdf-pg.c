/* test-report-pdf-pg.c — `report --dsn … --output FILE.pdf` against a real
 * PostgreSQL with NewAPI's schema: the PDF has the figures `stats` prints
 * live for the same range, and not one secret of the database
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ND_KEEP_PDF=DIR keeps a copy of the PDF there (live-week.pdf).
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "nd-money.h"
#include "nd-time.h"
#include "test-report-pdf-util.h"

#define DB "report_pdf_pg"

static void
test_live_pdf (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *facts = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) ND_TEST_NOW - 7 * ND_TIME_DAY);
  g_autofree char *to = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) ND_TEST_NOW);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) secrets = NULL;
  JsonObject *root, *ov;
  JsonArray *models;

  if (pg == NULL || !pdf_tools_found ())
    return;
  dsn = nd_test_pg_fixture (pg, DB, "new", 20000, NULL, ND_TEST_NOW);
  dir = g_dir_make_tmp ("nd-report-pdf-pg-XXXXXX", NULL);
  facts = g_build_filename (dir, "facts.sqlite", NULL);
  pdf = g_build_filename (dir, "week.pdf", NULL);
  {
    const char *args[] = { "report", "--dsn", dsn, "--facts", facts, "--from", from, "--to", to,
                           "--output", pdf, NULL };

    g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 0);
    g_test_message ("%s", err);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* The temporary report it was drawn from is gone: only the PDF is left. */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      g_assert_false (g_str_has_suffix (name, ".ndreport"));
  }
  g_assert_cmpint (pdf_page_count (pdf), >=, 4);
  text = pdf_text (pdf);

  /* The same figures `stats` prints live for the range. */
  {
    const char *args[] = { "stats", "--dsn", dsn, "--facts", facts, "--from", from, "--to", to,
                           "--json", "--no-sync", NULL };

    g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 0);
  }
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  ov = json_object_get_object_member (root, "overview");
  {
    g_autofree char *requests = nd_format_count (json_object_get_int_member (ov, "requests"));
    g_autofree char *errors = nd_format_count (json_object_get_int_member (ov, "errors"));
    const char *card[] = { requests, NULL };
    const char *err_card[] = { errors, NULL };

    g_test_message ("live: %s requests, %s errors", requests, errors);
    g_assert_true (pdf_line_has (text, card));
    g_assert_true (pdf_line_has (text, err_card));
  }
  models = json_object_get_array_member (root, "models");
  g_assert_cmpuint (json_array_get_length (models), >, 1);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *m = json_array_get_object_element (models, i);
      g_autofree char *requests = nd_format_count (json_object_get_int_member (m, "requests"));
      g_autofree char *errors = nd_format_count (json_object_get_int_member (m, "errors"));
      const char *model = json_object_get_string_member (m, "model");
      /* g_utf8_substring reads past a string shorter than its end. */
      g_autofree char *name = g_utf8_substring (model, 0, MIN (18, g_utf8_strlen (model, -1)));
      const char *row[] = { name, requests, errors, NULL };

      g_assert_true (pdf_line_has (text, row));
    }

  /* Not one secret of the database: channel keys, token keys, password
   * hashes, access tokens, redemption keys. */
  secrets = fixture_secrets (pg, DB);
  g_assert_cmpuint (secrets->len, >, 10);
  text_path = g_build_filename (dir, "week.txt", NULL);
  g_assert_true (g_file_set_contents (text_path, text, -1, NULL));
  assert_no_secrets (text_path, secrets);
  assert_no_secrets (pdf, secrets);
  if (g_getenv ("ND_KEEP_PDF") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("ND_KEEP_PDF"), "live-week.pdf", NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
      g_assert_true (g_file_set_contents (copy, data, (gssize) len, NULL));
    }
  remove_dir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report-pdf-pg/live", test_live_pdf);
  return g_test_run ();
}

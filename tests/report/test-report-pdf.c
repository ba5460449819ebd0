/* test-report-pdf.c — `report --report FILE --output FILE.pdf`: A4 pages
 * that are not blank, the figures `stats --report --json` prints for the
 * same report, Chinese text that survives, no secret, bad input refused
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The PDF is read back with poppler's tools: pdfinfo (pages, size),
 * pdftoppm (each page rasterised and checked for ink), pdftotext -layout
 * (the text, one printed line per line). ND_KEEP_PDF=DIR keeps a copy of
 * the PDF and its page images there to look at.
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "nd-money.h"
#include "report/nd-report-pdf.h"
#include "nd-test-gateway.h"
#include "test-report-pdf-util.h"

static char *
make_pdf (GwFx *fx, const char *name, const char *range)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  char *pdf = g_build_filename (fx->dir, name, NULL);
  const char *args[] = { "report", "--report", fx->path, "--output", pdf,
                         range ? "--range" : NULL, range, NULL };

  g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 0);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "page"));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  return pdf;
}

static void
keep (const char *report, const char *pdf, const char *pages_dir)
{
  const char *dir = g_getenv ("ND_KEEP_PDF");
  g_autofree char *argv_s = NULL;

  if (dir == NULL)
    return;
  argv_s = g_strdup_printf ("cp -r %s %s %s %s", report, pdf, pages_dir, dir);
  g_assert_cmpint (system (argv_s), ==, 0);
}

static JsonObject *
stats_json (GwFx *fx, const char *range, JsonParser **parser)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "stats", "--report", fx->path, "--json", range ? "--range" : NULL, range,
                         NULL };

  g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 0);
  *parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (*parser, out, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (*parser));
}

static char *
count (JsonObject *o, const char *member)
{
  return nd_format_count (json_object_get_int_member (o, member));
}

static void
test_pages (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autofree char *pdf = NULL;
  g_autofree char *pages_dir = NULL;
  g_autofree char *info_out = NULL;
  g_autofree char *info_err = NULL;
  const char *info_argv[] = { "pdfinfo", NULL, NULL };
  int pages;

  if (!pdf_tools_found ())
    return;
  gw_fx_setup (&fx);
  pdf = make_pdf (&fx, "report.pdf", NULL);
  pages = pdf_page_count (pdf);
  g_test_message ("%d pages", pages);
  /* Cover, charts, and the tables over at least one more page. */
  g_assert_cmpint (pages, >=, 4);
  pages_dir = g_build_filename (fx.dir, "pages", NULL);
  g_mkdir (pages_dir, 0700);
  /* A page with only a header and a footer has about 0.5% ink. */
  g_assert_cmpint (pdf_assert_inked (pdf, pages_dir, 0.02), ==, pages);
  keep (fx.path, pdf, pages_dir);

  /* A4 in points, and the title in the document's properties. */
  info_argv[1] = pdf;
  g_assert_true (g_spawn_sync (NULL, (char **) info_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &info_out, &info_err, NULL, NULL));
  g_assert_nonnull (strstr (info_out, "(A4)"));
  g_assert_nonnull (strstr (info_out, "测试网关"));
}

static void
test_figures (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *last_page = NULL;
  JsonObject *root, *ov;
  JsonArray *models, *channels, *users;
  const NdMoney *money;

  if (!pdf_tools_found ())
    return;
  gw_fx_setup (&fx);
  money = fx.meta->money;
  pdf = make_pdf (&fx, "figures.pdf", NULL);
  text = pdf_text (pdf);
  root = stats_json (&fx, NULL, &parser);
  ov = json_object_get_object_member (root, "overview");

  /* The cover: the instance (Chinese), the overview cards. */
  g_assert_nonnull (strstr (text, "测试网关"));
  {
    g_autofree char *requests = count (ov, "requests");
    g_autofree char *errors = count (ov, "errors");
    g_autofree char *quota = nd_money_format (money, json_object_get_int_member (ov, "quota"));
    g_autofree char *rate = g_strdup_printf ("%.2f%%",
                                             100 * json_object_get_double_member (ov, "success_rate"));
    g_autofree char *tokens = nd_format_count (json_object_get_int_member (ov, "prompt_tokens") +
                                               json_object_get_int_member (ov, "completion_tokens"));
    const char *cards[] = { requests, rate, quota, tokens, NULL };

    g_test_message ("overview: %s requests, %s errors, %s, %s", requests, errors, quota, rate);
    g_assert_true (pdf_line_has (text, cards));
    g_assert_nonnull (strstr (text, errors));
  }

  /* Every model with its requests and errors on one line of the table. */
  models = json_object_get_array_member (root, "models");
  g_assert_cmpuint (json_array_get_length (models), >, 0);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *m = json_array_get_object_element (models, i);
      g_autofree char *requests = count (m, "requests");
      g_autofree char *errors = count (m, "errors");
      g_autofree char *quota = nd_money_format_full (money, json_object_get_int_member (m, "quota"));
      const char *row[] = { json_object_get_string_member (m, "model"), requests, errors, quota, NULL };

      g_assert_true (pdf_line_has (text, row));
    }

  /* Every channel, by its Chinese name, in the health table. */
  channels = json_object_get_array_member (root, "channels");
  g_assert_cmpuint (json_array_get_length (channels), >, 0);
  for (guint i = 0; i < json_array_get_length (channels); i++)
    {
      JsonObject *c = json_array_get_object_element (channels, i);
      g_autofree char *requests = count (c, "requests");
      g_autofree char *errors = count (c, "errors");
      const char *row[] = { json_object_get_string_member (c, "name"), requests, errors, NULL };

      g_assert_nonnull (strstr (json_object_get_string_member (c, "name"), "渠道"));
      g_assert_true (pdf_line_has (text, row));
    }

  /* The top users: the first 25 by quota. */
  users = json_object_get_array_member (root, "users");
  for (guint i = 0; i < MIN (json_array_get_length (users), 25); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      g_autofree char *requests = count (u, "requests");
      g_autofree char *quota = nd_money_format_full (money, json_object_get_int_member (u, "quota"));
      g_autofree char *rank = g_strdup_printf ("%u", i + 1);
      const char *row[] = { rank, json_object_get_string_member (u, "username"), requests, quota, NULL };

      g_assert_true (pdf_line_has (text, row));
    }

  /* Page numbers, the last page knowing it is the last. */
  last_page = g_strdup_printf ("Page %d of %d", pdf_page_count (pdf), pdf_page_count (pdf));
  g_assert_nonnull (strstr (text, "Page 1 of"));
  g_assert_nonnull (strstr (text, last_page));
}

/* A named range ending when the report was made: the PDF of the last 24
 * hours has that range's figures, not the report's whole week. */
static void
test_range (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(JsonParser) day = NULL;
  g_autoptr(JsonParser) week = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *day_requests = NULL;
  g_autofree char *week_requests = NULL;

  if (!pdf_tools_found ())
    return;
  gw_fx_setup (&fx);
  pdf = make_pdf (&fx, "day.pdf", "24h");
  text = pdf_text (pdf);
  day_requests = count (json_object_get_object_member (stats_json (&fx, "24h", &day), "overview"),
                        "requests");
  week_requests = count (json_object_get_object_member (stats_json (&fx, NULL, &week), "overview"),
                         "requests");
  g_assert_cmpstr (day_requests, !=, week_requests);
  {
    const char *card[] = { day_requests, NULL };

    g_assert_true (pdf_line_has (text, card));
  }
}

static void
test_no_secrets (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GPtrArray) secrets = g_ptr_array_new ();
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_path = NULL;

  if (!pdf_tools_found ())
    return;
  gw_fx_setup (&fx);
  pdf = make_pdf (&fx, "secrets.pdf", NULL);
  text = pdf_text (pdf);
  /* The error message that carried a key is there, masked. */
  g_assert_nonnull (strstr (text, "***"));
  text_path = g_build_filename (fx.dir, "secrets.txt", NULL);
  g_assert_true (g_file_set_contents (text_path, text, -1, NULL));
  g_ptr_array_add (secrets, (char *) KEY_IN_REMARK);
  g_ptr_array_add (secrets, (char *) BARE_KEY);
  g_ptr_array_add (secrets, (char *) URL_PASSWORD);
  g_ptr_array_add (secrets, (char *) URL_QUERY_KEY);
  g_ptr_array_add (secrets, (char *) KEY_IN_ERROR);
  /* Neither in the text a reader copies out, nor in the file's bytes
   * (metadata, uncompressed streams). */
  assert_no_secrets (text_path, secrets);
  assert_no_secrets (pdf, secrets);
}

static void
test_bad_input (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autofree char *half = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *data = NULL;
  gsize len;

  gw_fx_setup (&fx);
  half = g_build_filename (fx.dir, "half.ndreport", NULL);
  pdf = g_build_filename (fx.dir, "half.pdf", NULL);
  g_assert_true (g_file_get_contents (fx.path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (half, data, (gssize) len / 3, NULL));
  {
    /* A cut file: the reader's sentence, no PDF. */
    const char *args[] = { "report", "--report", half, "--output", pdf, NULL };

    g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 1);
    g_test_message ("%s", err);
    g_assert_nonnull (strstr (err, "cut short"));
    g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  }
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  {
    /* A range the report does not cover is a usage error. */
    const char *args[] = { "report", "--report", fx.path, "--output", pdf,
                           "--from", "2020-01-01", "--to", "2020-01-02", NULL };

    g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 2);
    g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  }
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  {
    /* A folder that is not there: a sentence, exit 1, nothing left. */
    g_autofree char *nowhere = g_build_filename (fx.dir, "missing", "x.pdf", NULL);
    const char *args[] = { "report", "--report", fx.path, "--output", nowhere, NULL };

    g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 1);
    g_test_message ("%s", err);
    g_assert_nonnull (strstr (err, "Could not write"));
  }
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  {
    /* --report makes PDFs only. */
    const char *args[] = { "report", "--report", fx.path, "--output", half, NULL };

    g_assert_cmpint (pdf_run_desk (args, &out, &err), ==, 2);
  }
}

/* The font that draws Chinese is there (build-aux/dev installs
 * fonts-noto-cjk): without it the PDF's Chinese would be boxes. */
static void
test_fonts (void)
{
  g_autofree char *family = NULL;
  g_autofree char *message = NULL;
  gboolean ok = nd_report_pdf_check_fonts (&family, &message);

  if (!nd_test_require (ok, message ? message : "a CJK font"))
    return;
  g_test_message ("Chinese text drawn with %s", family);
  g_assert_nonnull (family);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report-pdf/pages", test_pages);
  g_test_add_func ("/report-pdf/figures", test_figures);
  g_test_add_func ("/report-pdf/range", test_range);
  g_test_add_func ("/report-pdf/no-secrets", test_no_secrets);
  g_test_add_func ("/report-pdf/bad-input", test_bad_input);
  g_test_add_func ("/report-pdf/fonts", test_fonts);
  return g_test_run ();
}

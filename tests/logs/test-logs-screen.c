/* test-logs-screen.c — what the Logs page shows and copies, against the
 * scripted source: no key on screen or on the clipboard, toasts that show
 * file names as they are, user and token id filters as chips
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "nd-logs-fake.h"
#include "nd-test.h"
#include "../unit/nd-secret-samples.h"

/* ---- what the user sees and copies ------------------------------------ */

/* Every mapped label and inscription under @widget, joined by '|'. */
static void
collect_text (GtkWidget *widget, GString *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c) && gtk_widget_get_mapped (c))
        g_string_append_printf (out, "%s|", gtk_label_get_text (GTK_LABEL (c)));
      else if (GTK_IS_INSCRIPTION (c) && gtk_widget_get_mapped (c) &&
               gtk_inscription_get_text (GTK_INSCRIPTION (c)) != NULL)
        g_string_append_printf (out, "%s|", gtk_inscription_get_text (GTK_INSCRIPTION (c)));
      collect_text (c, out);
    }
}

static char *
page_text (GtkWidget *page)
{
  GString *out = g_string_new (NULL);

  collect_text (page, out);
  return g_string_free (out, FALSE);
}

static void
find_by_class (GtkWidget *widget, const char *css_class, GPtrArray *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (gtk_widget_has_css_class (c, css_class) && gtk_widget_get_mapped (c))
        g_ptr_array_add (out, c);
      find_by_class (c, css_class, out);
    }
}

static void
clipboard_read_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  char **text = data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static char *
clipboard_text (GtkWidget *widget)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_read_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);
  return text;
}

static gboolean
first_row_loaded (gpointer page)
{
  GListModel *model = nd_logs_page_get_model (ND_LOGS_PAGE (page));
  g_autoptr(NdLogItem) item = g_list_model_get_n_items (model) ? g_list_model_get_item (model, 0) : NULL;

  return item != NULL && nd_log_item_get_loaded (item);
}

/* The detail pane of an error row whose content and `other` quote keys:
 * nothing on screen and nothing a copy button puts on the clipboard
 * carries a key. */
static void
test_detail_masks (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 3);
  NdLog *log = g_ptr_array_index (source->logs, 2);
  g_autoptr(NdSession) session = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autofree char *text = NULL;
  GtkWidget *window, *page;

  log->type = ND_LOG_ERROR;
  g_free (log->content);
  log->content = nd_secret_text ();
  log->request_id = g_strdup ("req-1");
  log->other = g_strdup_printf ("{\"error_code\":\"invalid_api_key\",\"status_code\":401,"
                                "\"reject_reason\":\"%s\",\"user_agent\":\"%s\","
                                "\"admin_info\":{\"use_channel\":[3,4]}}",
                                nd_secret_samples[2], nd_secret_samples[3]);
  session = connect_fake (source);
  page = show_page (session, &window);
  release_lists (source, 3, "OpenAI");
  g_assert_true (wait_until (first_row_loaded, page));
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (find_type (page, GTK_TYPE_COLUMN_VIEW))),
                                   0, TRUE);
  spin (100);

  text = page_text (page);
  g_assert_nonnull (strstr (text, "Incorrect API key provided: sk-u8jz***isAj"));
  g_assert_nonnull (strstr (text, "invalid_api_key"));
  g_assert_nonnull (strstr (text, "OpenAI (#3)"));
  g_assert_null (nd_secret_leaked (text));

  find_by_class (page, "nd-copy-button", buttons);
  g_assert_cmpuint (buttons->len, >=, 4);
  for (guint i = 0; i < buttons->len; i++)
    {
      g_autofree char *copied = NULL;

      g_signal_emit_by_name (buttons->pdata[i], "clicked");
      copied = clipboard_text (buttons->pdata[i]);
      g_test_message ("copied: %s", copied);
      g_assert_null (nd_secret_leaked (copied));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Toast titles are Pango markup: a file name with markup characters is
 * shown as it is, not parsed (an unescaped '&' or '<' was an error). */
static void
test_toast_escapes (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 3);
  g_autoptr(NdSession) session = connect_fake (source);
  g_autofree char *dir = g_dir_make_tmp ("nd-toast-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "odd <b>name & co.csv", NULL);
  g_autofree char *text = NULL;
  GtkWidget *window;
  GtkWidget *page = show_page (session, &window);

  release_lists (source, 1, "x");
  nd_logs_page_export_to (ND_LOGS_PAGE (page), path);
  g_assert_true (wait_until (export_ended, page));
  spin (100);
  text = page_text (page);
  g_assert_nonnull (strstr (text, "Exported 3 logs to odd <b>name & co.csv"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* A server's refusal is shown verbatim, but not the keys it quotes. */
static void
test_toast_masks (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 3);
  g_autoptr(NdSession) session = connect_fake (source);
  g_autofree char *text = NULL;
  GtkWidget *window;
  GtkWidget *page = show_page (session, &window);

  release_lists (source, 1, "x");
  source->query_error = nd_secret_text ();
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "type=5");
  g_assert_true (wait_until (model_idle, nd_logs_page_get_model (ND_LOGS_PAGE (page))));
  spin (100);
  text = page_text (page);
  g_assert_nonnull (strstr (text, "Incorrect API key provided: sk-u8jz***isAj"));
  g_assert_null (nd_secret_leaked (text));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
text_shown (gpointer data)
{
  gpointer *d = data;
  g_autofree char *text = page_text (d[0]);

  return strstr (text, d[1]) != NULL;
}

/* The dashboard opens Logs by user and token id: the filter shows as
 * chips with the id and, once rows arrive, the name; the source is asked
 * for the ids; closing a chip drops its filter. */
static void
test_id_chips (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 3);
  g_autoptr(NdSession) session = connect_fake (source);
  g_autoptr(GPtrArray) chips = g_ptr_array_new ();
  g_autofree char *filter = NULL;
  GtkWidget *window;
  GtkWidget *page = show_page (session, &window);
  gpointer user[2] = { page, (gpointer) "User #12 alice" };
  gpointer token[2] = { page, (gpointer) "Token #5 default" };

  release_lists (source, 1, "x");
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "user_id=12&token_id=5");
  g_assert_true (wait_until (text_shown, user));
  g_assert_true (wait_until (text_shown, token));
  g_assert_cmpint (source->last_query->user_id, ==, 12);
  g_assert_cmpint (source->last_query->token_id, ==, 5);

  find_by_class (page, "nd-filter-chip-close", chips);
  g_assert_cmpuint (chips->len, ==, 2);
  g_signal_emit_by_name (chips->pdata[0], "clicked");
  spin (50);
  filter = nd_logs_page_get_filter (ND_LOGS_PAGE (page));
  g_assert_null (strstr (filter, "user_id"));
  g_assert_nonnull (strstr (filter, "token_id=5"));
  g_assert_false (text_shown (user));
  g_assert_cmpint (source->last_query->user_id, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    return g_test_run ();
  adw_init ();
  g_test_add_func ("/logs/screen/detail-masks", test_detail_masks);
  g_test_add_func ("/logs/screen/toast-escapes", test_toast_escapes);
  g_test_add_func ("/logs/screen/toast-masks", test_toast_masks);
  g_test_add_func ("/logs/screen/id-chips", test_id_chips);
  return g_test_run ();
}

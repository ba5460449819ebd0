/* test-tokens-pages.c — the Tokens and Redemptions pages on a fixture
 * gateway: a new token's key shown once and in the database, a revealed
 * key, a batch of codes made in one write and shown, saved to a file only
 * its owner reads; a code edited (Enter on its row) as SQL then has it,
 * and edits NewAPI would refuse not sent; read-only profiles refuse before
 * anything is sent
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "nd-record-item.h"
#include "nd-redemptions-page.h"
#include "nd-tokens-page.h"
#include "test-channels-common.h"

#define WCHILD(w, name) nd_display_test_child ((w), ND_TYPE_WINDOW, (name))

static gboolean
tokens_idle (gpointer data)
{
  return !nd_tokens_page_is_busy (data) && g_list_model_get_n_items (nd_tokens_page_get_model (data)) > 0;
}

static gboolean
codes_idle (gpointer data)
{
  return !nd_redemptions_page_is_busy (data) &&
         g_list_model_get_n_items (nd_redemptions_page_get_model (data)) > 0;
}

static gboolean
token_secret_shown (gpointer data)
{
  return nd_tokens_page_get_secret_dialog (data) != NULL;
}

static gboolean
codes_secret_shown (gpointer data)
{
  return nd_redemptions_page_get_secret_dialog (data) != NULL;
}

static gboolean
label_shown (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static NdTokensPage *
show_tokens (ChannelsWindow *w)
{
  NdTokensPage *page;

  g_assert_true (gtk_widget_activate_action (w->window, "win.show-page", "s", "tokens"));
  page = ND_TOKENS_PAGE (WCHILD (w->window, "tokens_page"));
  nd_display_test_wait (tokens_idle, page, 60, "the token list");
  nd_display_test_draw (w->window);
  return page;
}

static NdRedemptionsPage *
show_codes (ChannelsWindow *w)
{
  NdRedemptionsPage *page;

  g_assert_true (gtk_widget_activate_action (w->window, "win.show-page", "s", "redemptions"));
  page = ND_REDEMPTIONS_PAGE (WCHILD (w->window, "redemptions_page"));
  nd_display_test_wait (codes_idle, page, 60, "the code list");
  nd_display_test_draw (w->window);
  return page;
}

static void
shots (ChannelsWindow *w, GtkWidget *widget, const char *name)
{
  g_autofree char *dark = g_strconcat (name, "-dark", NULL);
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  nd_display_test_shot (widget, name);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  nd_display_test_shot (widget, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
}

/* The row of the token named @name, or -1. */
static int
find_token (NdTokensPage *page, const char *name)
{
  GListModel *model = nd_tokens_page_get_model (page);

  for (guint i = 0, n = g_list_model_get_n_items (model); i < n; i++)
    {
      g_autoptr(NdRecordItem) item = g_list_model_get_item (model, i);
      const NdToken *t = nd_record_item_get (item);

      if (g_strcmp0 (t->name, name) == 0)
        return (int) i;
    }
  return -1;
}

static gboolean
has_token (gpointer data)
{
  return !nd_tokens_page_is_busy (data) && find_token (data, "desk-made") >= 0;
}

static void
test_token_create_and_reveal (void)
{
  ChannelsWindow w;
  NdTokensPage *page;
  NdTokenDialog *dialog;
  NdSecretDialog *secret;
  g_autofree char *text = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *stored = NULL;
  gint64 owner, before;
  int row;

  if (!channels_window_open (&w, "tokens_create", 0, FALSE))
    return;
  page = show_tokens (&w);
  shots (&w, w.window, "tokens-page");
  g_assert_null (nd_tokens_page_get_blocked (page));
  owner = channels_sql (&w, "SELECT max(id) FROM users WHERE deleted_at IS NULL");
  before = channels_sql (&w, "SELECT count(*) FROM tokens");

  /* The form, as an admin fills it in. */
  dialog = nd_tokens_page_new_token (page);
  g_assert_nonnull (dialog);
  nd_token_dialog_fill (dialog, "desk-made", owner, 250000, FALSE);
  nd_display_test_draw (GTK_WIDGET (dialog));
  shots (&w, GTK_WIDGET (dialog), "token-dialog");
  nd_token_dialog_save (dialog);
  nd_display_test_wait (token_secret_shown, page, 60, "the new key");
  secret = nd_tokens_page_get_secret_dialog (page);
  g_assert_cmpuint (nd_secret_dialog_get_n (secret), ==, 1);
  text = nd_secret_dialog_dup_text (secret);
  /* NewAPI's form: sk- and 48 characters of [0-9A-Za-z]. */
  g_assert_true (g_str_has_prefix (text, "sk-"));
  g_assert_cmpuint (strlen (text), ==, 3 + 48);
  for (const char *p = text + 3; *p; p++)
    g_assert_true (g_ascii_isalnum (*p));
  nd_display_test_draw (GTK_WIDGET (secret));
  shots (&w, GTK_WIDGET (secret), "token-created");

  /* The row exists with that key, that owner, that quota. */
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM tokens"), ==, before + 1);
  sql = g_strdup_printf ("SELECT count(*) FROM tokens WHERE \"key\" = '%s' AND name = 'desk-made'"
                         " AND user_id = %" G_GINT64_FORMAT " AND remain_quota = 250000"
                         " AND NOT unlimited_quota", text + 3, owner);
  g_assert_cmpint (channels_sql (&w, sql), ==, 1);

  /* Shown once: closing the window wipes it. */
  gtk_window_close (GTK_WINDOW (secret));
  nd_display_test_draw (w.window);
  g_assert_null (nd_tokens_page_get_secret_dialog (page));

  /* The table shows it masked, never whole. */
  nd_display_test_wait (has_token, page, 60, "the new token in the table");
  row = find_token (page, "desk-made");
  {
    g_autoptr(NdRecordItem) item = g_list_model_get_item (nd_tokens_page_get_model (page), row);
    const NdToken *t = nd_record_item_get (item);

    g_assert_null (strstr (t->masked_key, text + 3));
    g_assert_nonnull (strstr (t->masked_key, "**********"));
  }

  /* Reveal: an explicit action reads the key back. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (nd_tokens_page_get_model (page)), row, TRUE);
  shots (&w, w.window, "tokens-selected");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tokens.reveal", NULL));
  nd_display_test_wait (token_secret_shown, page, 60, "the revealed key");
  stored = nd_secret_dialog_dup_text (nd_tokens_page_get_secret_dialog (page));
  g_assert_cmpstr (stored, ==, text);
  gtk_window_close (GTK_WINDOW (nd_tokens_page_get_secret_dialog (page)));
  channels_window_close (&w);
}

/* The Usage button shows the selected token's requests over 24 h and 7 d,
 * as the logs count them. */
static void
test_token_usage (void)
{
  ChannelsWindow w;
  NdTokensPage *page;
  gint64 id = 0;
  int row;

  if (!channels_window_open (&w, "tokens_usage", 0, FALSE))
    return;
  page = show_tokens (&w);
  /* A token the table holds with requests in the last day. */
  row = -1;
  for (guint i = 0, n = g_list_model_get_n_items (nd_tokens_page_get_model (page)); i < n && row < 0; i++)
    {
      g_autoptr(NdRecordItem) item = g_list_model_get_item (nd_tokens_page_get_model (page), i);
      g_autofree char *sql = NULL;

      id = ((const NdToken *) nd_record_item_get (item))->id;
      sql = g_strdup_printf ("SELECT count(*) FROM logs WHERE type IN (2, 5) AND token_id = %"
                             G_GINT64_FORMAT " AND created_at >= extract(epoch FROM now())::bigint"
                             " - 86400", id);
      if (channels_sql (&w, sql) > 0)
        row = (int) i;
    }
  g_assert_cmpint (row, >=, 0);
  g_assert_false (gtk_widget_get_sensitive (WCHILD (w.window, "usage_button")) &&
                  gtk_widget_get_mapped (WCHILD (w.window, "usage_button")));
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (nd_tokens_page_get_model (page)), row, TRUE);
  g_assert_true (gtk_widget_get_sensitive (WCHILD (w.window, "usage_button")));
  gtk_menu_button_popup (GTK_MENU_BUTTON (WCHILD (w.window, "usage_button")));
  channels_check_usage (&w, nd_tokens_page_get_usage (page), "token_id", id);
  /* Closed before the shots: a window capture leaves popovers out anyway,
   * and switching the colour scheme under an open popover left a dead
   * surface that a later test's pointer query tripped over. */
  gtk_menu_button_popdown (GTK_MENU_BUTTON (WCHILD (w.window, "usage_button")));
  shots (&w, w.window, "tokens-usage");
  channels_window_close (&w);
}

static void
test_codes_batch (void)
{
  ChannelsWindow w;
  NdRedemptionsPage *page;
  NdRedemptionDialog *dialog;
  NdSecretDialog *secret;
  g_autofree char *text = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *error_label;
  struct stat st;

  if (!channels_window_open (&w, "codes_batch", 0, FALSE))
    return;
  page = show_codes (&w);
  shots (&w, w.window, "redemptions-page");
  dialog = nd_redemptions_page_generate (page);
  g_assert_nonnull (dialog);
  nd_redemption_dialog_fill (dialog, "desk-batch", 7, 100000);
  nd_display_test_draw (GTK_WIDGET (dialog));
  shots (&w, GTK_WIDGET (dialog), "codes-dialog");
  /* NewAPI rc.6 and later make no codes before a root administrator has
   * confirmed the payment compliance terms: refused, in the form. */
  nd_redemption_dialog_save (dialog);
  error_label = nd_display_test_child (dialog, ND_TYPE_REDEMPTION_DIALOG, "error_label");
  nd_display_test_wait (label_shown, error_label, 60, "the refusal");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "compliance"));
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM redemptions WHERE name = 'desk-batch'"), ==, 0);
  nd_test_pg_exec (w.pg, w.db, "INSERT INTO options (\"key\", value) VALUES "
                               "('payment_setting.compliance_confirmed', 'true')");
  nd_redemption_dialog_save (dialog);
  nd_display_test_wait (codes_secret_shown, page, 60, "the new codes");
  secret = nd_redemptions_page_get_secret_dialog (page);
  nd_display_test_draw (GTK_WIDGET (secret));
  shots (&w, GTK_WIDGET (secret), "codes-made");

  /* Seven codes on screen, seven rows, each code a row's key. */
  g_assert_cmpuint (nd_secret_dialog_get_n (secret), ==, 7);
  text = nd_secret_dialog_dup_text (secret);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM redemptions WHERE name = 'desk-batch'"
                                     " AND quota = 100000 AND status = 1"), ==, 7);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM redemptions WHERE "
                                              "\"key\" = '%s' AND name = 'desk-batch'", lines[i]);

      g_assert_cmpuint (strlen (lines[i]), ==, 32);
      g_assert_cmpint (channels_sql (&w, sql), ==, 1);
    }

  /* Saved as a file only its owner can read, one code a line. */
  tmp = g_dir_make_tmp ("nd-codes-XXXXXX", NULL);
  path = g_build_filename (tmp, "codes.txt", NULL);
  g_assert_true (nd_secret_dialog_save (secret, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_true (g_str_has_prefix (saved, lines[0]));
  g_assert_cmpuint (strlen (saved), ==, 7 * 33);
  g_unlink (path);
  g_rmdir (tmp);

  gtk_window_close (GTK_WINDOW (secret));
  nd_display_test_draw (w.window);
  g_assert_null (nd_redemptions_page_get_secret_dialog (page));
  channels_window_close (&w);
}

/* The row of a code: the first with @status (not expired), or with @id
 * when @id > 0; -1 when there is none. */
static int
find_code (NdRedemptionsPage *page, int status, gint64 id)
{
  GListModel *model = nd_redemptions_page_get_model (page);

  for (guint i = 0, n = g_list_model_get_n_items (model); i < n; i++)
    {
      g_autoptr(NdRecordItem) item = g_list_model_get_item (model, i);
      const NdRedemption *c = nd_record_item_get (item);

      if (id > 0 ? c->id == id : c->status == status && !c->expired)
        return (int) i;
    }
  return -1;
}

static const NdRedemption *
code_at (NdRedemptionsPage *page, int row)
{
  g_autoptr(NdRecordItem) item = g_list_model_get_item (nd_redemptions_page_get_model (page), row);

  /* The model keeps the item, and so the record, until the next reload. */
  return nd_record_item_get (item);
}

/* The edit form on screen, or NULL. */
static NdRedemptionDialog *
code_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ND_IS_REDEMPTION_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
code_dialog_gone (gpointer data)
{
  return code_dialog () == NULL && !nd_redemptions_page_is_busy (data);
}

static gboolean
dialog_idle (gpointer data)
{
  /* The spinner turns while the write runs. */
  return !gtk_spinner_get_spinning (GTK_SPINNER (nd_display_test_child (data, ND_TYPE_REDEMPTION_DIALOG,
                                                                        "spinner")));
}

static char *
code_row (ChannelsWindow *w, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT row_to_json(r)::text FROM redemptions r "
                                          "WHERE id = %" G_GINT64_FORMAT, id);

  return channels_sql_text (w, sql);
}

static const char *
form_text (NdRedemptionDialog *dialog, const char *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (nd_display_test_child (dialog, ND_TYPE_REDEMPTION_DIALOG,
                                                                     row)));
}

/* Saves a form NewAPI would refuse: the form says why, the row stays. */
static void
refused (ChannelsWindow *w, NdRedemptionDialog *dialog, gint64 id, const char *name,
         const char *expires, const char *why)
{
  g_autofree char *before = code_row (w, id);
  g_autofree char *after = NULL;
  GtkWidget *error_label = nd_display_test_child (dialog, ND_TYPE_REDEMPTION_DIALOG, "error_label");

  nd_redemption_dialog_fill (dialog, name, 0, 4242);
  nd_redemption_dialog_fill_expiry (dialog, expires);
  nd_redemption_dialog_save (dialog);
  nd_display_test_wait (dialog_idle, dialog, 60, "the refused edit");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, why);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  after = code_row (w, id);
  g_assert_cmpstr (after, ==, before);
}

static void
test_codes_edit (void)
{
  ChannelsWindow w;
  NdRedemptionsPage *page;
  NdRedemptionDialog *dialog;
  GtkWidget *edit;
  g_autoptr(GDateTime) when = g_date_time_new_local (2031, 2, 3, 4, 5, 0);
  g_autofree char *sql = NULL;
  g_autofree char *json = NULL;
  gint64 id, used_id, used_quota;
  int row;

  if (!channels_window_open (&w, "codes_edit", 0, FALSE))
    return;
  page = show_codes (&w);
  edit = nd_display_test_child (page, ND_TYPE_REDEMPTIONS_PAGE, "edit_button");
  row = find_code (page, ND_REDEMPTION_STATUS_ENABLED, 0);
  g_assert_cmpint (row, >=, 0);
  id = code_at (page, row)->id;

  /* Enter on the row opens the form with the code as it is. */
  g_signal_emit_by_name (nd_display_test_child (page, ND_TYPE_REDEMPTIONS_PAGE, "column_view"),
                         "activate", (guint) row);
  dialog = code_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_sensitive (edit));
  g_assert_cmpstr (form_text (dialog, "name_row"), ==, code_at (page, row)->name);
  g_assert_false (gtk_widget_get_visible (nd_display_test_child (dialog, ND_TYPE_REDEMPTION_DIALOG,
                                                                 "count_row")));

  /* What NewAPI refuses is refused here, before anything is sent. */
  refused (&w, dialog, id, "twenty-one-characters", NULL, "A code name has 1 to 20 characters");
  refused (&w, dialog, id, "desk-renamed", "2020-01-02 03:04", "The expiry is in the past");
  nd_display_test_draw (GTK_WIDGET (dialog));
  shots (&w, GTK_WIDGET (dialog), "code-edit-refused");

  nd_redemption_dialog_fill (dialog, "desk-renamed", 0, 123456);
  nd_redemption_dialog_fill_expiry (dialog, "2031-02-03 04:05");
  nd_display_test_draw (GTK_WIDGET (dialog));
  shots (&w, GTK_WIDGET (dialog), "code-edit-dialog");
  nd_redemption_dialog_save (dialog);
  nd_display_test_wait (code_dialog_gone, page, 60, "the saved edit");
  sql = g_strdup_printf ("SELECT count(*) FROM redemptions WHERE id = %" G_GINT64_FORMAT
                         " AND name = 'desk-renamed' AND quota = 123456 AND status = 1"
                         " AND expired_time = %" G_GINT64_FORMAT, id, g_date_time_to_unix (when));
  g_assert_cmpint (channels_sql (&w, sql), ==, 1);
  /* The table shows the code as it now is. */
  nd_display_test_wait (codes_idle, page, 60, "the reloaded list");
  row = find_code (page, 0, id);
  g_assert_cmpint (row, >=, 0);
  g_assert_cmpstr (code_at (page, row)->name, ==, "desk-renamed");
  g_assert_cmpint (code_at (page, row)->quota, ==, 123456);
  g_assert_cmpint (code_at (page, row)->expired_time, ==, g_date_time_to_unix (when));

  /* Back to no expiry, through the action (Ctrl+E). */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (nd_redemptions_page_get_model (page)), row, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "redemptions.edit", NULL));
  dialog = code_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (form_text (dialog, "expires_row"), ==, "2031-02-03 04:05");
  nd_redemption_dialog_fill_expiry (dialog, NULL);
  nd_redemption_dialog_save (dialog);
  nd_display_test_wait (code_dialog_gone, page, 60, "the second edit");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT expired_time FROM redemptions WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (channels_sql (&w, sql), ==, 0);

  /* The server's refusal, verbatim in a toast: the code went meanwhile. */
  nd_display_test_wait (codes_idle, page, 60, "the reloaded list");
  row = find_code (page, 0, id);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (nd_redemptions_page_get_model (page)), row, TRUE);
  dialog = nd_redemptions_page_edit (page);
  g_assert_nonnull (dialog);
  nd_test_pg_execf (w.pg, w.db, "UPDATE redemptions SET deleted_at = now() WHERE id = %"
                                G_GINT64_FORMAT, id);
  json = code_row (&w, id);
  nd_redemption_dialog_fill (dialog, "desk-gone", 0, 777);
  nd_redemption_dialog_save (dialog);
  nd_display_test_wait (dialog_idle, dialog, 60, "the refusal");
  nd_display_test_draw (GTK_WIDGET (dialog));
  {
    g_autofree char *said = g_strdup_printf ("Redemption code #%" G_GINT64_FORMAT
                                             " does not exist (any more): nothing was changed", id);
    GtkWidget *toast = channels_find_label (GTK_WIDGET (dialog), said);

    /* In a toast, not in the form's own error line. */
    g_assert_nonnull (toast);
    g_assert_true (gtk_widget_get_mapped (toast));
    g_assert_false (gtk_widget_get_visible (nd_display_test_child (dialog, ND_TYPE_REDEMPTION_DIALOG,
                                                                   "error_label")));
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  {
    g_autofree char *after = code_row (&w, id);

    g_assert_cmpstr (after, ==, json);
  }
  gtk_window_close (GTK_WINDOW (dialog));

  /* A used code: NewAPI edits it like any other, and it stays used. */
  nd_display_test_wait (code_dialog_gone, page, 60, "the closed form");
  row = find_code (page, ND_REDEMPTION_STATUS_USED, 0);
  g_assert_cmpint (row, >=, 0);
  used_id = code_at (page, row)->id;
  used_quota = code_at (page, row)->quota + 1;
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (nd_redemptions_page_get_model (page)), row, TRUE);
  shots (&w, w.window, "redemptions-selected");
  dialog = nd_redemptions_page_edit (page);
  g_assert_nonnull (dialog);
  nd_display_test_draw (GTK_WIDGET (dialog));
  shots (&w, GTK_WIDGET (dialog), "code-edit-used");
  nd_redemption_dialog_fill (dialog, "desk-used", 0, used_quota);
  nd_redemption_dialog_fill_expiry (dialog, NULL);
  nd_redemption_dialog_save (dialog);
  nd_display_test_wait (code_dialog_gone, page, 60, "the used code's edit");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM redemptions WHERE id = %" G_GINT64_FORMAT
                         " AND name = 'desk-used' AND quota = %" G_GINT64_FORMAT " AND status = 3",
                         used_id, used_quota);
  g_assert_cmpint (channels_sql (&w, sql), ==, 1);
  channels_window_close (&w);
}

static void
test_read_only (void)
{
  ChannelsWindow w;
  NdTokensPage *tokens;
  NdRedemptionsPage *codes;
  GtkWidget *add;

  if (!channels_window_open (&w, "tokens_ro", 0, TRUE))
    return;
  tokens = show_tokens (&w);
  add = nd_display_test_child (tokens, ND_TYPE_TOKENS_PAGE, "add_button");
  /* Greyed, with the reason as its tooltip; nothing opens. */
  g_assert_nonnull (nd_tokens_page_get_blocked (tokens));
  g_assert_false (gtk_widget_get_sensitive (add));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add), ==, nd_tokens_page_get_blocked (tokens));
  g_assert_null (nd_tokens_page_new_token (tokens));
  shots (&w, w.window, "tokens-read-only");
  codes = show_codes (&w);
  add = nd_display_test_child (codes, ND_TYPE_REDEMPTIONS_PAGE, "add_button");
  g_assert_nonnull (nd_redemptions_page_get_blocked (codes));
  g_assert_false (gtk_widget_get_sensitive (add));
  g_assert_null (nd_redemptions_page_generate (codes));
  /* Edit too, with a code selected: greyed with the reason, nothing opens. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (nd_redemptions_page_get_model (codes)), 0, TRUE);
  add = nd_display_test_child (codes, ND_TYPE_REDEMPTIONS_PAGE, "edit_button");
  g_assert_false (gtk_widget_get_sensitive (add));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add), ==, nd_redemptions_page_get_blocked (codes));
  gtk_widget_activate_action (GTK_WIDGET (codes), "redemptions.edit", NULL);
  g_assert_null (nd_redemptions_page_edit (codes));
  g_assert_null (code_dialog ());
  channels_window_close (&w);
}

int
main (int argc, char **argv)
{
  channels_tests_init (&argc, &argv);
  g_test_add_func ("/tokens-page/create-and-reveal", test_token_create_and_reveal);
  g_test_add_func ("/tokens-page/usage", test_token_usage);
  g_test_add_func ("/redemptions-page/batch", test_codes_batch);
  g_test_add_func ("/redemptions-page/edit", test_codes_edit);
  g_test_add_func ("/tokens-page/read-only", test_read_only);
  return channels_tests_run ();
}

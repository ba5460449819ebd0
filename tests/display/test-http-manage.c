/* test-http-manage.c — the Users, Tokens and Redemptions pages over
 * NewAPI's API: a URL-only profile that may write, against the fake in the
 * NEW (rc.24) and OLD (v0.8) dialects
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   - Users: the server's list and search; a top-up through the quota
 *     dialog lands exactly once (add_quota on new servers; on old ones the
 *     balance read and PUT back, and the page says so); the server's
 *     refusals (an admin over another admin, a forced error) appear in a
 *     toast word for word and change nothing;
 *   - Tokens: the connected account's own only, and the page says so; a new
 *     token's key shown once; disable, enable, and NewAPI's refusal to
 *     enable an exhausted token;
 *   - Redemptions: a batch (after the rc.6 compliance refusal on new
 *     servers), one code disabled, "delete invalid" as the server counts it.
 *
 * With ND_SHOTS_DIR set it saves http-{users,quota,tokens,token-made,codes,
 * codes-made}-{new,old}-{light,dark}.png there.
 */
#include "config.h"

#include <string.h>

#include "nd-display-http.h"
#include "nd-http-wfx.h"
#include "nd-record-item.h"
#include "nd-redemptions-page.h"
#include "nd-tokens-page.h"
#include "nd-user-dialogs.h"
#include "nd-user-model.h"
#include "nd-users-page.h"
#include "test-channels-common.h"

#define MSG_HIGHER "无权更新同权限等级或更高权限等级的用户信息"
#define MSG_HIGHER_READ "无权获取同级或更高等级用户的信息"
#define MSG_REFUSE "数据库错误，请稍后重试"
#define MSG_EXHAUSTED "令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度"
#define MSG_COMPLIANCE "支付、兑换码、订阅计划和邀请返利功能已禁用。管理员需先确认合规声明后方可启用。"

/* One page on its own session, in a window of its own. */
typedef struct {
  WFx *fx;
  NdSession *session;
  GtkWidget *window;
  GtkWidget *page;
  gint64 caller;
} Http;

static gboolean
is_new (Http *h)
{
  return h->fx->mode->mode == ND_FAKE_NEWAPI_NEW;
}

static gboolean
page_idle (gpointer data)
{
  GtkWidget *page = data;

  if (ND_IS_USERS_PAGE (page))
    return !nd_users_page_is_busy (data);
  if (ND_IS_TOKENS_PAGE (page))
    return !nd_tokens_page_is_busy (data);
  return !nd_redemptions_page_is_busy (data);
}

static GListModel *
page_model (Http *h)
{
  if (ND_IS_USERS_PAGE (h->page))
    return nd_users_page_get_model (ND_USERS_PAGE (h->page));
  if (ND_IS_TOKENS_PAGE (h->page))
    return nd_tokens_page_get_model (ND_TOKENS_PAGE (h->page));
  return nd_redemptions_page_get_model (ND_REDEMPTIONS_PAGE (h->page));
}

/* The record (NdUser, NdToken, NdRedemption) at @pos; the model holds it. */
static gconstpointer
row (Http *h, guint pos)
{
  g_autoptr(GObject) item = g_list_model_get_item (page_model (h), pos);

  g_assert_nonnull (item);
  if (ND_IS_USER_ITEM (item))
    return nd_user_item_get_user (ND_USER_ITEM (item));
  return nd_record_item_get (ND_RECORD_ITEM (item));
}

#define USER(h, pos) ((const NdUser *) row ((h), (pos)))
#define TOKEN(h, pos) ((const NdToken *) row ((h), (pos)))

/* The row of the token or code @id, or -1. */
static int
find_row (Http *h, gint64 id)
{
  for (guint i = 0, n = g_list_model_get_n_items (page_model (h)); i < n; i++)
    /* NdToken and NdRedemption both start with their id. */
    if (*(const gint64 *) row (h, i) == id)
      return (int) i;
  return -1;
}

/* The page's one-time window of keys or codes is open. */
static gboolean
secret_shown (gpointer page)
{
  if (ND_IS_TOKENS_PAGE (page))
    return nd_tokens_page_get_secret_dialog (page) != NULL;
  return nd_redemptions_page_get_secret_dialog (page) != NULL;
}

static void
settle (Http *h)
{
  nd_display_test_wait (page_idle, h->page, 60, "the page to settle");
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* A page of @type on a writable URL-only session as the first user of
 * @role, under a toast overlay as in the app's window. */
static void
open_page (Http *h, WFx *fx, GType type, int role)
{
  GtkWidget *overlay = adw_toast_overlay_new ();

  memset (h, 0, sizeof *h);
  h->fx = fx;
  h->caller = nd_fake_newapi_find_user (fx->fake, role);
  h->session = nd_display_http_session (fx->fake, role, FALSE);
  h->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (h->window), 1280, 800);
  h->page = g_object_new (type, "session", h->session, NULL);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), h->page);
  gtk_window_set_child (GTK_WINDOW (h->window), overlay);
  gtk_window_present (GTK_WINDOW (h->window));
  settle (h);
  g_assert_cmpuint (g_list_model_get_n_items (page_model (h)), >, 0);
  nd_display_test_draw (h->window);
}

static void
close_page (Http *h)
{
  gtk_window_destroy (GTK_WINDOW (h->window));
  nd_session_disconnect (h->session);
  g_clear_object (&h->session);
}

static void
shots (Http *h, GtkWidget *widget, const char *what)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *mode = is_new (h) ? "new" : "old";
  g_autofree char *light = g_strdup_printf ("http-%s-%s-light", what, mode);
  g_autofree char *dark = g_strdup_printf ("http-%s-%s-dark", what, mode);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  nd_display_test_shot (widget, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  nd_display_test_shot (widget, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* ─── toasts ────────────────────────────────────────────────────────────── */

static GtkWidget *
find_toast (GtkWidget *widget)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget"))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_toast (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Dismisses the toast on screen and every one queued behind it, so the
 * next toast a test waits for is the one its action made. */
static void
clear_toasts (Http *h)
{
  GtkWidget *widget;

  for (int i = 0; i < 20 && (widget = find_toast (h->window)) != NULL; i++)
    {
      g_autoptr(AdwToast) toast = NULL;

      g_object_get (widget, "toast", &toast, NULL);
      adw_toast_dismiss (toast);
      nd_display_test_draw (h->window);
    }
  g_assert_null (find_toast (h->window));
}

typedef struct {
  Http *h;
  const char *text;
} Toast;

static gboolean
toast_says (gpointer data)
{
  Toast *t = data;
  GtkWidget *widget = find_toast (t->h->window);

  return widget != NULL && gtk_widget_get_mapped (widget) &&
         channels_find_label (widget, t->text) != NULL;
}

/* Waits for a toast with @text; the ones before it are let go. */
static void
wait_toast (Http *h, const char *text)
{
  Toast t = { h, text };

  nd_display_test_wait (toast_says, &t, 30, text);
}

static void
answer (const char *response)
{
  AdwMessageDialog *dialog;

  for (int i = 0; i < 50 && (dialog = channels_dialog ()) == NULL; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
select_row (Http *h, guint pos)
{
  /* The Users page's model is its rows; the table selects over them. */
  GtkSelectionModel *selection = ND_IS_USERS_PAGE (h->page)
    ? gtk_column_view_get_model (GTK_COLUMN_VIEW (nd_display_test_child (h->page, ND_TYPE_USERS_PAGE,
                                                                         "column_view")))
    : GTK_SELECTION_MODEL (page_model (h));

  gtk_selection_model_select_item (selection, pos, TRUE);
  g_assert_true (gtk_selection_model_is_selected (selection, pos));
}

/* ─── Users ─────────────────────────────────────────────────────────────── */

#define USERS_CHILD(h, name) nd_display_test_child ((h)->page, ND_TYPE_USERS_PAGE, (name))


static void
search_users (Http *h, const char *text)
{
  gint64 until = g_get_monotonic_time () + 400 * 1000;

  gtk_editable_set_text (GTK_EDITABLE (USERS_CHILD (h, "search_entry")), text);
  /* GtkSearchEntry says the text changed 150 ms after the last key. */
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  settle (h);
}

/* Shows user @id in the detail pane (found by id through the search). */
static void
open_user (Http *h, gint64 id)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  int pos;

  search_users (h, text);
  pos = nd_user_model_find (ND_USER_MODEL (page_model (h)), id);
  g_assert_cmpint (pos, >=, 0);
  select_row (h, pos);
  settle (h);
  g_assert_cmpint (nd_users_page_get_detail_id (ND_USERS_PAGE (h->page)), ==, id);
  g_assert_true (gtk_widget_get_visible (USERS_CHILD (h, "detail_pane")));
}

static gint64
quota_of (Http *h, gint64 id)
{
  return wfx_scalar (h->fx, "SELECT quota FROM users WHERE id = %" G_GINT64_FORMAT, id);
}

/* Adds @amount (in the dialog's currency, dollars) to the user in the pane. */
static AdwMessageDialog *
quota_dialog (Http *h, const char *amount)
{
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_get_sensitive (USERS_CHILD (h, "quota_button")));
  g_assert_true (gtk_widget_activate_action (h->page, "users.quota", NULL));
  dialog = channels_dialog ();
  g_assert_nonnull (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (nd_user_dialog_get_part (dialog, "mode")), 0);
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "amount")), amount);
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "reason")), "refund");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "go"));
  return dialog;
}

/* The list is the server's: its count, newest first; a search finds a
 * user by name and by id. */
static void
check_user_list (Http *h)
{
  gint64 total = wfx_scalar (h->fx, "SELECT count(*) FROM users");
  g_autofree char *grouped = nd_format_count (total);
  g_autofree char *want = g_strdup_printf ("%s users", grouped);
  g_autofree char *newest = wfx_text (h->fx, "SELECT username FROM users ORDER BY id DESC LIMIT 1");
  gint64 alices = wfx_scalar (h->fx, "SELECT count(*) FROM users WHERE username LIKE '%%alice%%' "
                                     "OR display_name LIKE '%%alice%%' OR email LIKE '%%alice%%'");

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (USERS_CHILD (h, "count_label"))), ==, want);
  g_assert_cmpint (USER (h, 0)->id, ==, wfx_scalar (h->fx, "SELECT max(id) FROM users"));
  g_assert_cmpstr (USER (h, 0)->username, ==, newest);
  g_assert_cmpint (USER (h, 1)->id, ==,
                   wfx_scalar (h->fx, "SELECT id FROM users ORDER BY id DESC OFFSET 1 LIMIT 1"));
  g_assert_cmpuint (nd_fake_newapi_count (h->fx->fake, "/api/user/"), >, 0);

  search_users (h, "alice");
  g_assert_cmpint (alices, >, 1);
  g_assert_cmpint (g_list_model_get_n_items (page_model (h)), ==, alices);
  for (guint i = 0; i < g_list_model_get_n_items (page_model (h)); i++)
    {
      const NdUser *u = USER (h, i);
      g_autofree char *all = g_strdup_printf ("%s %s %s", u->username, u->display_name, u->email);

      g_assert_nonnull (strstr (all, "alice"));
    }
  g_assert_cmpuint (nd_fake_newapi_count (h->fx->fake, "/api/user/search"), >, 0);
  /* A number finds that id too (and every name with it in). */
  open_user (h, 7);
  g_assert_nonnull (channels_find_label (USERS_CHILD (h, "detail_pane"), "alice"));
}

/* $2 through the dialog: exactly 1 000 000 units more, by the endpoint
 * the server's version offers. */
static void
check_top_up (Http *h, gint64 id)
{
  gint64 before = quota_of (h, id);
  gint64 audits = wfx_n_audits (h->fx);
  AdwMessageDialog *dialog;

  open_user (h, id);
  shots (h, h->window, "users");
  dialog = quota_dialog (h, "2");
  nd_display_test_draw (GTK_WIDGET (dialog));
  shots (h, GTK_WIDGET (dialog), "quota");
  nd_fake_newapi_reset_log (h->fx->fake);
  clear_toasts (h);
  answer ("go");
  settle (h);
  g_assert_cmpint (quota_of (h, id), ==, before + 1000000);
  if (is_new (h))
    {
      g_autofree char *body = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"action\":\"add_quota\","
                                               "\"mode\":\"add\",\"value\":1000000}", id);

      g_assert_cmpuint (wfx_calls (h->fx, "POST /api/user/manage"), ==, 1);
      g_assert_cmpuint (wfx_calls (h->fx, "PUT /api/user/"), ==, 0);
      g_assert_cmpstr (wfx_body (h->fx, "POST /api/user/manage"), ==, body);
      g_assert_cmpint (wfx_n_audits (h->fx), ==, audits + 1);
      /* NewAPI keeps no reason: the page says it was not sent. */
      wait_toast (h, "reason");
    }
  else
    {
      /* v0.8 has only the user's whole record: read, PUT back. */
      g_assert_cmpuint (wfx_calls (h->fx, "POST /api/user/manage"), ==, 0);
      g_assert_cmpuint (wfx_calls (h->fx, "PUT /api/user/"), ==, 1);
      wait_toast (h, "v0.12.7");
    }
  wait_toast (h, "Quota changed");
  /* The pane shows the server's new balance. */
  {
    g_autofree char *grouped = nd_format_count (before + 1000000);
    g_autofree char *units = g_strdup_printf ("(%s quota units)", grouped);

    g_assert_nonnull (channels_find_label (USERS_CHILD (h, "detail_list"), units));
  }
}

/* The server says no: its words in a toast, nothing written. */
static void
check_refused (Http *h, gint64 id, const char *says, const char *shot)
{
  gint64 before = quota_of (h, id);
  gint64 audits = wfx_n_audits (h->fx);

  open_user (h, id);
  clear_toasts (h);
  quota_dialog (h, "1");
  answer ("go");
  settle (h);
  wait_toast (h, says);
  g_assert_cmpint (quota_of (h, id), ==, before);
  g_assert_cmpint (wfx_n_audits (h->fx), ==, audits);
  shots (h, h->window, shot);
}

static void
test_users (gconstpointer data)
{
  WFX (data, "disp_users");
  Http h;
  gint64 common = wfx_scalar (&fx, "SELECT min(id) FROM users WHERE role = 1 AND status = 1 AND "
                                   "deleted_at IS NULL AND id > 8");
  gint64 other_admin;

  /* An administrator: below root, above common users. */
  open_page (&h, &fx, ND_TYPE_USERS_PAGE, 10);
  other_admin = wfx_scalar (&fx, "SELECT max(id) FROM users WHERE role = 10 AND status = 1 AND "
                                 "deleted_at IS NULL AND id <> %" G_GINT64_FORMAT, h.caller);
  g_assert_cmpint (other_admin, >, 0);
  check_user_list (&h);
  check_top_up (&h, common);
  /* NewAPI's role rule: an admin cannot change another admin (v0.8 says
   * so to the read the write starts with). */
  check_refused (&h, other_admin, is_new (&h) ? MSG_HIGHER : MSG_HIGHER_READ, "users-role");
  /* A refusal of the server's own, whichever endpoint the write takes. */
  nd_fake_newapi_set_fault (fx.fake, is_new (&h) ? "/api/user/manage" : "/api/user/",
                            ND_FAKE_FAULT_REFUSE);
  check_refused (&h, common, MSG_REFUSE, "users-fault");
  nd_fake_newapi_set_fault (fx.fake, is_new (&h) ? "/api/user/manage" : "/api/user/",
                            ND_FAKE_FAULT_NONE);
  close_page (&h);
}

/* ─── Tokens ────────────────────────────────────────────────────────────── */

static gint64
token_status (Http *h, gint64 id)
{
  return wfx_scalar (h->fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id);
}

/* Selects token @id and runs @action on it. */
static void
token_action (Http *h, gint64 id, const char *action)
{
  int pos = find_row (h, id);

  g_assert_cmpint (pos, >=, 0);
  select_row (h, pos);
  clear_toasts (h);
  g_assert_true (gtk_widget_activate_action (h->page, action, NULL));
  settle (h);
}

/* Only the caller's tokens, all of them, and the page says why. */
static void
check_own_tokens (Http *h)
{
  GtkWidget *note = nd_display_test_child (h->page, ND_TYPE_TOKENS_PAGE, "scope_note");
  g_autofree char *count = NULL;
  gint64 own = wfx_scalar (h->fx, "SELECT count(*) FROM tokens WHERE user_id = %" G_GINT64_FORMAT
                                  " AND deleted_at IS NULL", h->caller);
  guint n = g_list_model_get_n_items (page_model (h));

  g_assert_true (gtk_widget_get_mapped (note));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "only the connected account"));
  g_assert_false (gtk_widget_get_sensitive (nd_display_test_child (h->page, ND_TYPE_TOKENS_PAGE,
                                                                   "owner_entry")));
  g_assert_cmpint (wfx_scalar (h->fx, "SELECT count(DISTINCT user_id) FROM tokens"), >, 1);
  g_assert_cmpint (own, >, 0);
  g_assert_cmpint (n, ==, own);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (TOKEN (h, i)->user_id, ==, h->caller);
  count = g_strdup_printf ("%u tokens", n);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (nd_display_test_child (h->page, ND_TYPE_TOKENS_PAGE,
                                                                         "count_label"))), ==, count);
}

static gint64
create_token (Http *h)
{
  NdTokenDialog *dialog = nd_tokens_page_new_token (ND_TOKENS_PAGE (h->page));
  NdSecretDialog *secret;
  g_autofree char *key = NULL;
  g_autofree char *sql = NULL;
  gint64 id;

  g_assert_nonnull (dialog);
  nd_token_dialog_fill (dialog, "http-made", h->caller, 250000, FALSE);
  nd_token_dialog_save (dialog);
  nd_display_test_wait (secret_shown, h->page, 60, "the new key");
  secret = nd_tokens_page_get_secret_dialog (ND_TOKENS_PAGE (h->page));
  g_assert_cmpuint (nd_secret_dialog_get_n (secret), ==, 1);
  key = nd_secret_dialog_dup_text (secret);
  g_assert_true (g_str_has_prefix (key, "sk-"));
  g_assert_cmpuint (strlen (key), ==, 3 + 48);
  for (const char *p = key + 3; *p; p++)
    g_assert_true (g_ascii_isalnum (*p));
  /* The server's row has that key, that owner, that quota. */
  sql = g_strdup_printf ("SELECT id FROM tokens WHERE \"key\" = '%s' AND name = 'http-made' AND "
                         "user_id = %" G_GINT64_FORMAT " AND remain_quota = 250000 AND "
                         "deleted_at IS NULL", key + 3, h->caller);
  id = wfx_scalar (h->fx, "%s", sql);
  g_assert_cmpint (id, >, 0);
  nd_display_test_draw (GTK_WIDGET (secret));
  shots (h, GTK_WIDGET (secret), "token-made");
  /* Shown once: closing the window forgets it. */
  gtk_window_close (GTK_WINDOW (secret));
  settle (h);
  g_assert_null (nd_tokens_page_get_secret_dialog (ND_TOKENS_PAGE (h->page)));
  g_assert_cmpint (find_row (h, id), >=, 0);
  g_assert_null (strstr (TOKEN (h, find_row (h, id))->masked_key, key + 3));
  return id;
}

static void
test_tokens (gconstpointer data)
{
  WFX (data, "disp_tokens");
  Http h;
  gint64 id;

  open_page (&h, &fx, ND_TYPE_TOKENS_PAGE, 100);
  check_own_tokens (&h);
  shots (&h, h.window, "tokens");
  id = create_token (&h);

  token_action (&h, id, "tokens.disable");
  g_assert_cmpint (token_status (&h, id), ==, 2);
  token_action (&h, id, "tokens.enable");
  g_assert_cmpint (token_status (&h, id), ==, 1);
  /* Exhausted (as NewAPI marks it when the quota runs out): it will not
   * enable it, and the page shows its words. */
  wfx_scalar (&fx, "UPDATE tokens SET status = 4, remain_quota = 0 WHERE id = %" G_GINT64_FORMAT
                   " RETURNING id", id);
  token_action (&h, id, "tokens.enable");
  wait_toast (&h, MSG_EXHAUSTED);
  g_assert_cmpint (token_status (&h, id), ==, 4);
  close_page (&h);
}

/* ─── Redemptions ───────────────────────────────────────────────────────── */

#define INVALID_CODES "deleted_at IS NULL AND (status IN (2, 3) OR (status = 1 AND " \
                      "expired_time <> 0 AND expired_time < extract (epoch FROM now ())))"

/* Five codes over HTTP, each a row of the server's; new servers first
 * refuse until the compliance terms are confirmed. */
static void
create_codes (Http *h)
{
  NdRedemptionDialog *dialog = nd_redemptions_page_generate (ND_REDEMPTIONS_PAGE (h->page));
  NdSecretDialog *secret;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_nonnull (dialog);
  nd_redemption_dialog_fill (dialog, "http-batch", 5, 100000);
  nd_display_test_draw (GTK_WIDGET (dialog));
  if (is_new (h))
    {
      GtkWidget *error = nd_display_test_child (dialog, ND_TYPE_REDEMPTION_DIALOG, "error_label");

      nd_redemption_dialog_save (dialog);
      nd_display_test_wait ((NdDisplayCond) gtk_widget_get_visible, error, 60, "the refusal");
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error)), MSG_COMPLIANCE));
      g_assert_cmpint (wfx_scalar (h->fx, "SELECT count(*) FROM redemptions WHERE name = "
                                          "'http-batch'"), ==, 0);
      nd_test_pg_exec (h->fx->pg, h->fx->db, "INSERT INTO options (\"key\", value) VALUES "
                                             "('payment_setting.compliance_confirmed', 'true')");
    }
  nd_redemption_dialog_save (dialog);
  nd_display_test_wait (secret_shown, h->page, 60, "the new codes");
  secret = nd_redemptions_page_get_secret_dialog (ND_REDEMPTIONS_PAGE (h->page));
  g_assert_cmpuint (nd_secret_dialog_get_n (secret), ==, 5);
  g_assert_cmpint (wfx_scalar (h->fx, "SELECT count(*) FROM redemptions WHERE name = 'http-batch' "
                                      "AND quota = 100000 AND status = 1"), ==, 5);
  text = nd_secret_dialog_dup_text (secret);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), ==, 32);
      g_assert_cmpint (wfx_scalar (h->fx, "SELECT count(*) FROM redemptions WHERE rtrim (\"key\") = "
                                          "'%s' AND name = 'http-batch'", lines[i]), ==, 1);
    }
  nd_display_test_draw (GTK_WIDGET (secret));
  shots (h, GTK_WIDGET (secret), "codes-made");
  gtk_window_close (GTK_WINDOW (secret));
  settle (h);
}

static void
test_redemptions (gconstpointer data)
{
  WFX (data, "disp_codes");
  Http h;
  gint64 one, invalid;
  g_autofree char *deleted = NULL;

  open_page (&h, &fx, ND_TYPE_REDEMPTIONS_PAGE, 100);
  g_assert_cmpuint (g_list_model_get_n_items (page_model (&h)), ==,
                    wfx_scalar (&fx, "SELECT count(*) FROM redemptions WHERE deleted_at IS NULL"));
  shots (&h, h.window, "codes");
  create_codes (&h);

  /* One of the new codes, disabled from the table. */
  one = wfx_scalar (&fx, "SELECT max(id) FROM redemptions WHERE name = 'http-batch'");
  g_assert_cmpint (find_row (&h, one), >=, 0);
  select_row (&h, find_row (&h, one));
  g_assert_true (gtk_widget_activate_action (h.page, "redemptions.disable", NULL));
  settle (&h);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM redemptions WHERE id = %" G_GINT64_FORMAT,
                               one), ==, 2);

  /* Delete invalid: as many as the server counts, that one among them. */
  invalid = wfx_scalar (&fx, "SELECT count(*) FROM redemptions WHERE " INVALID_CODES);
  g_assert_cmpint (invalid, >, 1);
  clear_toasts (&h);
  g_assert_true (gtk_widget_activate_action (h.page, "redemptions.delete-invalid", NULL));
  answer ("go");
  settle (&h);
  deleted = g_strdup_printf ("%" G_GINT64_FORMAT " codes deleted", invalid);
  wait_toast (&h, deleted);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count(*) FROM redemptions WHERE " INVALID_CODES), ==, 0);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count(*) FROM redemptions WHERE deleted_at IS NOT NULL "
                                    "AND id = %" G_GINT64_FORMAT, one), ==, 1);
  g_assert_cmpint (find_row (&h, one), <, 0);
  g_assert_cmpuint (g_list_model_get_n_items (page_model (&h)), ==,
                    wfx_scalar (&fx, "SELECT count(*) FROM redemptions WHERE deleted_at IS NULL"));
  close_page (&h);
}

int
main (int argc, char **argv)
{
  channels_tests_init (&argc, &argv);
  g_test_add_data_func ("/http/manage/new/users", &mode_new, test_users);
  g_test_add_data_func ("/http/manage/old/users", &mode_old, test_users);
  g_test_add_data_func ("/http/manage/new/tokens", &mode_new, test_tokens);
  g_test_add_data_func ("/http/manage/old/tokens", &mode_old, test_tokens);
  g_test_add_data_func ("/http/manage/new/redemptions", &mode_new, test_redemptions);
  g_test_add_data_func ("/http/manage/old/redemptions", &mode_old, test_redemptions);
  return channels_tests_run ();
}

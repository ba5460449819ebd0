/* test-models.c — the Models page on a fixture gateway: every model with
 * the channels behind it, a flagged risk and its filter, a price edited
 * through the page and checked in the database, and read-only refusal
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the window as the Channels tests do (test-channels-common.c) and
 * goes to the Models page. With ND_SHOTS_DIR set it saves
 * models-1280-{light,dark}.png, models-700-light.png,
 * models-groups-dark.png and models-price-dialog-light.png.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-model-columns.h"
#include "nd-model-price-dialog.h"
#include "nd-models-page.h"
#include "test-channels-common.h"

#define CHILD(w, name) nd_display_test_child ((w), ND_TYPE_WINDOW, (name))
#define MODELS_CHILD(page, name) nd_display_test_child ((page), ND_TYPE_MODELS_PAGE, (name))

/* Two channels made to be risks: one enabled channel alone serving a
 * model no option prices, one disabled channel alone offering another. */
static const char risky_sql[] =
  "INSERT INTO channels (type, \"key\", status, name, weight, created_time, base_url, models,"
  " \"group\", priority, auto_ban, other_info)"
  " VALUES (1, 'sk-risk-a', 1, 'Lone', 0, 1700000000, '', 'm-unpriced', 'default', 0, 1, ''),"
  "        (1, 'sk-risk-b', 2, 'Off', 0, 1700000000, '', 'm-orphan', 'default', 0, 1, '');"
  "INSERT INTO abilities (\"group\", model, channel_id, enabled, priority, weight)"
  " SELECT 'default', c.models, c.id, c.status = 1, 0, 0 FROM channels c"
  " WHERE c.name IN ('Lone', 'Off')";

static NdModelsPage *
models_page (ChannelsWindow *w)
{
  g_assert_true (gtk_widget_activate_action (w->window, "win.show-page", "s", "models"));
  return ND_MODELS_PAGE (CHILD (w->window, "models_page"));
}

static gboolean
idle (gpointer data)
{
  return !nd_models_page_is_busy (data) &&
         g_list_model_get_n_items (nd_models_page_get_model (data)) > 0;
}

static void
settle (ChannelsWindow *w, NdModelsPage *page)
{
  nd_display_test_wait (idle, page, 90, "the Models page to load");
  nd_display_test_draw (w->window);
}

static NdModelItem *
find_row (NdModelsPage *page, const char *model, guint *pos)
{
  GListModel *rows = nd_models_page_get_model (page);

  for (guint i = 0, n = g_list_model_get_n_items (rows); i < n; i++)
    {
      NdModelItem *item = g_list_model_get_item (rows, i);

      if (g_str_equal (nd_model_item_get_name (item), model))
        {
          if (pos != NULL)
            *pos = i;
          return item;
        }
      g_object_unref (item);
    }
  return NULL;
}

static char *
cell (NdModelsPage *page, const char *model, NdModelColumn column)
{
  g_autoptr(NdModelItem) item = find_row (page, model, NULL);

  g_assert_nonnull (item);
  return nd_model_columns_cell_text (nd_models_page_get_columns (page), column, item);
}

static void
scroll_top (ChannelsWindow *w)
{
  NdModelsPage *page = ND_MODELS_PAGE (CHILD (w->window, "models_page"));
  GtkWidget *view = MODELS_CHILD (page, "column_view");
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW));

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller), 0);
  nd_display_test_draw (w->window);
}

static void
shoot (ChannelsWindow *w, int width, gboolean dark)
{
  g_autofree char *name = g_strdup_printf ("models-%d-%s", width, dark ? "dark" : "light");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  channels_set_width (w, width);
  scroll_top (w);
  nd_display_test_shot (w->window, name);
}

/* The page lists what abilities and channels say, flags the risks, and a
 * filter narrows the list to them. */
static void
test_list (void)
{
  ChannelsWindow w;
  NdModelsPage *page;
  GtkDropDown *risk;
  g_autofree char *channels_cell = NULL;
  g_autofree char *flags = NULL;
  gint64 offered;
  guint n;

  if (!channels_window_open (&w, "nd_models_list", 0, FALSE))
    return;
  nd_test_pg_exec (w.pg, w.db, risky_sql);
  page = models_page (&w);
  settle (&w, page);
  nd_models_page_reload (page);
  settle (&w, page);

  /* Every model a channel offers is a row. */
  offered = channels_sql (&w, "SELECT count(DISTINCT model) FROM abilities");
  n = g_list_model_get_n_items (nd_models_page_get_model (page));
  g_assert_cmpint (n, >=, offered);
  {
    g_autoptr(NdModelItem) a = find_row (page, "gpt-4o", NULL);
    g_autoptr(NdModelItem) b = find_row (page, "m-orphan", NULL);

    g_assert_nonnull (a);
    g_assert_nonnull (b);
  }
  /* Served by how many enabled channels, of how many. */
  channels_cell = cell (page, "gpt-4o", ND_MODEL_COLUMN_CHANNELS);
  {
    g_autofree char *want = g_strdup_printf (
      "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
      channels_sql (&w, "SELECT count(DISTINCT a.channel_id) FROM abilities a JOIN channels c"
                        " ON c.id = a.channel_id WHERE a.model = 'gpt-4o' AND a.enabled"
                        " AND c.status = 1 AND a.\"group\" <> ''"),
      channels_sql (&w, "SELECT count(DISTINCT channel_id) FROM abilities WHERE model = 'gpt-4o'"));

    g_assert_cmpstr (channels_cell, ==, want);
  }

  /* The risks, named in the row. */
  flags = cell (page, "m-unpriced", ND_MODEL_COLUMN_FLAGS);
  g_assert_nonnull (strstr (flags, "no price"));
  g_assert_nonnull (strstr (flags, "single channel"));
  g_free (flags);
  flags = cell (page, "m-orphan", ND_MODEL_COLUMN_FLAGS);
  g_assert_nonnull (strstr (flags, "not served"));

  /* The "No price" filter keeps exactly the unpriced models. */
  risk = GTK_DROP_DOWN (MODELS_CHILD (page, "risk_dropdown"));
  gtk_drop_down_set_selected (risk, ND_MODEL_RISK_UNPRICED);
  nd_display_test_draw (w.window);
  n = g_list_model_get_n_items (nd_models_page_get_model (page));
  g_assert_cmpuint (n, >=, 1);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NdModelItem) item = g_list_model_get_item (nd_models_page_get_model (page), i);

      g_assert_true (nd_model_item_get_flags (item) & ND_MODEL_FLAG_UNPRICED);
    }
  {
    g_autoptr(NdModelItem) unpriced = find_row (page, "m-unpriced", NULL);
    g_autoptr(NdModelItem) priced = find_row (page, "gpt-4o", NULL);

    g_assert_nonnull (unpriced);
    g_assert_null (priced);
  }
  gtk_drop_down_set_selected (risk, ND_MODEL_RISK_ANY);
  nd_display_test_draw (w.window);
  shoot (&w, 1280, FALSE);
  shoot (&w, 1280, TRUE);
  gtk_drop_down_set_selected (risk, ND_MODEL_RISK_ALL);
  /* The groups with their ratio, users and tokens. */
  {
    GtkMenuButton *groups = GTK_MENU_BUTTON (MODELS_CHILD (page, "groups_button"));
    GtkWidget *list = MODELS_CHILD (page, "groups_list");
    guint rows = 0;

    gtk_menu_button_popup (groups);
    nd_display_test_draw (w.window);
    for (GtkWidget *c = gtk_widget_get_first_child (list); c; c = gtk_widget_get_next_sibling (c))
      rows++;
    g_assert_cmpuint (rows, >=, 2);
    g_assert_nonnull (channels_find_label (list, "vip"));
    nd_display_test_draw (gtk_menu_button_get_popover (groups) ? GTK_WIDGET (gtk_menu_button_get_popover (groups)) : w.window);
    nd_display_test_shot (GTK_WIDGET (gtk_menu_button_get_popover (groups)), "models-groups-dark");
    gtk_menu_button_popdown (groups);
  }
  shoot (&w, 700, FALSE);
  shoot (&w, 1280, FALSE);
  channels_window_close (&w);
}

static gboolean
written (gpointer data)
{
  return !nd_models_page_is_busy (data);
}

/* Edit Price: the preview shows the option member that changes, Save
 * writes exactly it (and an audit row), and the row shows the new price. */
static void
test_edit (void)
{
  ChannelsWindow w;
  NdModelsPage *page;
  AdwMessageDialog *dialog;
  GtkWidget *ratio;
  const char *preview;
  gint64 audits;
  guint pos;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *ratio_cell = NULL;
  g_autoptr(NdModelItem) row = NULL;

  if (!channels_window_open (&w, "nd_models_edit", 0, FALSE))
    return;
  page = models_page (&w);
  settle (&w, page);
  before = channels_sql_text (&w, "SELECT value FROM options WHERE key = 'ModelRatio'");
  audits = channels_sql (&w, "SELECT count(*) FROM logs WHERE type = 3");

  /* As an admin would: select the row, Edit Price. */
  row = find_row (page, "gpt-4o", &pos);
  g_assert_nonnull (row);
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (MODELS_CHILD (page, "column_view"))),
                                   pos, TRUE);
  g_assert_true (gtk_widget_get_sensitive (MODELS_CHILD (page, "edit_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "models.edit-price", NULL));
  dialog = channels_dialog ();
  g_assert_nonnull (dialog);
  ratio = nd_model_price_dialog_get (dialog, "ratio");
  g_assert_true (gtk_widget_get_visible (ratio));

  /* Bad input: nothing to save. */
  gtk_editable_set_text (GTK_EDITABLE (ratio), "-1");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  gtk_editable_set_text (GTK_EDITABLE (ratio), "abc");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));

  gtk_editable_set_text (GTK_EDITABLE (ratio), "3");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  preview = gtk_label_get_text (GTK_LABEL (nd_model_price_dialog_get (dialog, "preview")));
  g_assert_nonnull (strstr (preview, "ModelRatio[gpt-4o]"));
  g_assert_nonnull (strstr (preview, "→ 3"));
  nd_display_test_draw (GTK_WIDGET (dialog));
  nd_display_test_shot (GTK_WIDGET (dialog), "models-price-dialog-light");
  adw_message_dialog_response (dialog, "save");
  nd_display_test_wait (written, page, 60, "the price write");
  settle (&w, page);

  /* Exactly that key changed, and the write was audited. */
  after = channels_sql_text (&w, "SELECT value FROM options WHERE key = 'ModelRatio'");
  g_assert_cmpstr (after, !=, before);
  g_assert_cmpint (channels_sql (&w, "SELECT (((value::jsonb) ->> 'gpt-4o')::numeric = 3)::int"
                                     " FROM options WHERE key = 'ModelRatio'"), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM jsonb_each('%s'::jsonb) o FULL JOIN"
      " (SELECT e.key, e.value FROM options p, jsonb_each(p.value::jsonb) e"
      "  WHERE p.key = 'ModelRatio') n"
      " ON o.key = n.key WHERE o.key IS DISTINCT FROM n.key OR o.value IS DISTINCT FROM n.value",
      before);

    g_assert_cmpint (channels_sql (&w, sql), ==, 1);
  }
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits + 1);
  /* The table says so after the reload. */
  ratio_cell = cell (page, "gpt-4o", ND_MODEL_COLUMN_RATIO);
  g_assert_cmpstr (ratio_cell, ==, "3");

  /* A group's ratio, from the groups popover's edit button. */
  dialog = nd_models_page_edit_group (page, "vip");
  g_assert_nonnull (dialog);
  ratio = nd_model_price_dialog_get (dialog, "ratio");
  gtk_editable_set_text (GTK_EDITABLE (ratio), "0.9");
  preview = gtk_label_get_text (GTK_LABEL (nd_model_price_dialog_get (dialog, "preview")));
  g_assert_nonnull (strstr (preview, "GroupRatio[vip]"));
  adw_message_dialog_response (dialog, "save");
  nd_display_test_wait (written, page, 60, "the group ratio write");
  settle (&w, page);
  g_assert_cmpint (channels_sql (&w, "SELECT (((value::jsonb) ->> 'vip')::numeric = 0.9)::int"
                                     " FROM options WHERE key = 'GroupRatio'"), ==, 1);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits + 2);
  channels_window_close (&w);
}

/* A read-only profile greys Edit Price with the reason, and nothing opens. */
static void
test_read_only (void)
{
  ChannelsWindow w;
  NdModelsPage *page;
  GtkWidget *edit;
  guint pos;
  g_autoptr(NdModelItem) row = NULL;

  if (!channels_window_open (&w, "nd_models_ro", 0, TRUE))
    return;
  page = models_page (&w);
  settle (&w, page);
  row = find_row (page, "gpt-4o", &pos);
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (MODELS_CHILD (page, "column_view"))),
                                   pos, TRUE);
  edit = MODELS_CHILD (page, "edit_button");
  g_assert_false (gtk_widget_get_sensitive (edit));
  g_assert_nonnull (gtk_widget_get_tooltip_text (edit));
  g_assert_true (gtk_widget_get_visible (MODELS_CHILD (page, "note_label")));
  g_assert_null (nd_models_page_edit_price (page, "gpt-4o"));
  g_assert_null (channels_dialog ());
  channels_window_close (&w);
}

int
main (int argc, char **argv)
{
  channels_tests_init (&argc, &argv);
  g_test_add_func ("/display/models/list", test_list);
  g_test_add_func ("/display/models/edit", test_edit);
  g_test_add_func ("/display/models/read-only", test_read_only);
  return channels_tests_run ();
}

/* nd-channels-page-health.c — tests and balance reads from the page
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same NdHealthRunner as `newapi-desk channels test`: the page only
 * picks the channels and the options, shows the progress in the health
 * bar and hands each result to its row (nd_channel_item_set_*_result),
 * whose cells follow it. One runner per kind, so a balance read does not
 * wipe the last test's results off the table.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-item.h"
#include "nd-channels-page-private.h"

static NdChannelItem *
find_item (NdChannelsPage *self, gint64 id)
{
  guint lo = 0, hi = self->items->len;

  /* self->items is sorted by id. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      NdChannelItem *item = g_ptr_array_index (self->items, mid);
      gint64 here = nd_channel_item_get_id (item);

      if (here == id)
        return item;
      if (here < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

static void
attach_one (NdChannelsPage *self, NdHealthRunner *runner, NdHealthItem *result)
{
  NdChannelItem *item = find_item (self, nd_health_item_get_id (result));

  if (item == NULL)
    return;
  if (runner == self->tests)
    nd_channel_item_set_test_result (item, result);
  else
    nd_channel_item_set_balance_result (item, result);
}

void
_nd_channels_page_health_attach (NdChannelsPage *self)
{
  NdHealthRunner *runners[] = { self->tests, self->balances };

  for (guint r = 0; r < G_N_ELEMENTS (runners); r++)
    {
      GListModel *results;

      if (runners[r] == NULL)
        continue;
      results = nd_health_runner_get_items (runners[r]);
      for (guint i = 0, n = g_list_model_get_n_items (results); i < n; i++)
        {
          g_autoptr(NdHealthItem) result = g_list_model_get_item (results, i);

          attach_one (self, runners[r], result);
        }
    }
}

static void
results_changed_cb (GListModel *results, guint position, guint removed, guint added,
                    gpointer data)
{
  NdChannelsPage *self = data;
  NdHealthRunner *runner = results == nd_health_runner_get_items (self->tests)
                           ? self->tests : self->balances;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(NdHealthItem) result = g_list_model_get_item (results, i);

      attach_one (self, runner, result);
    }
}

gboolean
_nd_channels_page_health_running (NdChannelsPage *self)
{
  return self->running != NULL;
}

/* Why nothing may run now, "" while a run goes, NULL when one may. A
 * source for which a test is itself a write (NewAPI's API stores every
 * result) refuses it on a read-only profile before sending anything; the
 * run then fails with its words. */
static char *
health_blocked (NdChannelsPage *self)
{
  if (self->source == NULL || self->tests == NULL)
    return g_strdup (_("Not connected"));
  if (self->running != NULL)
    return g_strdup ("");
  return NULL;
}

void
_nd_channels_page_health_update (NdChannelsPage *self)
{
  g_autofree char *reason = health_blocked (self);
  g_autoptr(GArray) ids = _nd_channels_page_selected_ids (self);
  g_autofree char *tip = NULL;
  gboolean writes = self->blocked == NULL;

  if (ids->len > 0)
    tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Test the selected channel",
                                        "Test the %u selected channels", ids->len), ids->len);
  else
    tip = g_strdup (_("Test every channel the filters show"));
  adw_button_content_set_label (self->test_content, ids->len > 0 ? _("Test Selected")
                                                                   : _("Test All"));
  nd_channel_set_blocked (GTK_WIDGET (self->test_button), reason, tip);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "channels.test", reason == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "channels.update-balance", reason == NULL);
  nd_channel_editor_set_health_blocked (self->editor, reason);

  /* Recording and disabling are writes: greyed, with the reason below. */
  if (!writes)
    {
      gtk_switch_set_active (self->test_record, FALSE);
      gtk_switch_set_active (self->test_disable, FALSE);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_record_row), writes);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_disable_row), writes);
  gtk_label_set_text (self->test_blocked_label, self->blocked ? self->blocked : "");
  gtk_widget_set_visible (GTK_WIDGET (self->test_blocked_label), !writes);
}

/* ─── the health bar ────────────────────────────────────────────────────── */

static void
show_progress (NdChannelsPage *self, guint done, guint total)
{
  g_autofree char *text = NULL;

  if (self->running == self->tests)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Testing: %u of %u channel",
                                         "Testing: %u of %u channels", total), done, total);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reading balances: %u of %u channel",
                                         "Reading balances: %u of %u channels", total),
                            done, total);
  gtk_label_set_text (self->health_label, text);
  gtk_progress_bar_set_fraction (self->health_progress, total > 0 ? (double) done / total : 0);
}

static void
progress_cb (NdHealthRunner *runner, guint done, guint total, NdChannelsPage *self)
{
  if (runner == self->running)
    show_progress (self, done, total);
}

typedef struct {
  guint counts[ND_HEALTH_CANCELLED + 1];
  guint recorded;
  guint disabled;
  guint write_errors;
  const char *first_reason;     /* a SKIPPED item's, borrowed from the runner */
} Tally;

static void
tally (NdHealthRunner *runner, Tally *t)
{
  GListModel *results = nd_health_runner_get_items (runner);

  memset (t, 0, sizeof *t);
  for (guint i = 0, n = g_list_model_get_n_items (results); i < n; i++)
    {
      g_autoptr(NdHealthItem) r = g_list_model_get_item (results, i);
      NdHealthState state = nd_health_item_get_state (r);

      t->counts[state]++;
      t->recorded += nd_health_item_get_recorded (r);
      t->disabled += nd_health_item_get_disabled (r);
      t->write_errors += nd_health_item_get_write_error (r) != NULL;
      if (state == ND_HEALTH_SKIPPED && t->first_reason == NULL)
        t->first_reason = nd_health_item_get_message (r);
    }
}

static char *
summary_text (const Tally *t, gboolean balance)
{
  GString *s = g_string_new (NULL);

  if (balance)
    g_string_append_printf (s, _("%u read, %u could not be read"), t->counts[ND_HEALTH_OK],
                            t->counts[ND_HEALTH_FAILED] + t->counts[ND_HEALTH_SKIPPED]);
  else
    g_string_append_printf (s, _("%u worked, %u failed, %u could not be tested"),
                            t->counts[ND_HEALTH_OK], t->counts[ND_HEALTH_FAILED],
                            t->counts[ND_HEALTH_SKIPPED]);
  if (t->counts[ND_HEALTH_CANCELLED] > 0)
    g_string_append_printf (s, _(", %u cancelled"), t->counts[ND_HEALTH_CANCELLED]);
  if (t->recorded > 0)
    g_string_append_printf (s, _(", %u recorded"), t->recorded);
  if (t->disabled > 0)
    g_string_append_printf (s, _(", %u disabled"), t->disabled);
  if (t->write_errors > 0)
    g_string_append_printf (s, _(", %u not stored"), t->write_errors);
  return g_string_free (s, FALSE);
}

static void
run_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdChannelsPage) self = user_data;
  NdHealthRunner *runner = ND_HEALTH_RUNNER (object);
  gboolean balance = runner == self->balances;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  gboolean ran = nd_health_runner_run_finish (runner, result, &error);
  gboolean cancelled = !ran && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  const char *icon;
  const char *cls;
  Tally t;

  /* A run of a source the page has left (or a page gone) shows nothing. */
  if (self->disposed || runner != self->running)
    return;
  self->running = NULL;
  g_clear_object (&self->health_cancellable);
  tally (runner, &t);
  summary = summary_text (&t, balance);
  gtk_spinner_set_spinning (self->health_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->health_spinner), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->health_cancel), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->health_close), TRUE);
  if (cancelled)
    gtk_label_set_text (self->health_label, balance ? _("Balance reads cancelled")
                                                    : _("Tests cancelled"));
  else if (!ran)
    {
      gtk_label_set_text (self->health_label, balance ? _("Balances could not be read")
                                                      : _("The channels could not be tested"));
      /* The server's own refusal, verbatim. */
      nd_channel_toast (GTK_WIDGET (self->list_pane), error->message);
    }
  else
    gtk_label_set_text (self->health_label, balance ? _("Balances read") : _("Tests done"));
  gtk_label_set_text (self->health_summary, summary);
  if (t.counts[ND_HEALTH_FAILED] > 0 || t.write_errors > 0)
    {
      icon = "dialog-error-symbolic";
      cls = "error";
    }
  else if (!ran || t.counts[ND_HEALTH_SKIPPED] > 0)
    {
      icon = "dialog-warning-symbolic";
      cls = "warning";
    }
  else
    {
      icon = "emblem-ok-symbolic";
      cls = "success";
    }
  gtk_image_set_from_icon_name (self->health_icon, icon);
  gtk_widget_set_css_classes (GTK_WIDGET (self->health_icon), (const char *[]) { cls, NULL });
  gtk_widget_set_visible (GTK_WIDGET (self->health_icon), TRUE);
  /* Done: the summary says it all; the bar would only say "full". */
  gtk_widget_set_visible (GTK_WIDGET (self->health_progress), FALSE);
  /* One channel whose type has no balance: say why where it was asked. */
  if (ran && balance && t.first_reason != NULL &&
      g_list_model_get_n_items (nd_health_runner_get_items (runner)) == 1)
    nd_channel_toast (GTK_WIDGET (self->list_pane), t.first_reason);
  _nd_channels_page_update_actions (self);
  /* The table shows what was stored (and the statuses this run changed). */
  if (t.recorded > 0 || t.disabled > 0)
    nd_channels_page_reload (self);
}

static void
run (NdChannelsPage *self, gboolean balance, GArray *ids)
{
  g_autofree char *reason = health_blocked (self);
  NdHealthRunner *runner = balance ? self->balances : self->tests;
  g_autofree char *model = NULL;
  gboolean writes = self->blocked == NULL;

  if (reason != NULL)
    {
      if (*reason != '\0')
        nd_channel_toast (GTK_WIDGET (self->list_pane), reason);
      return;
    }
  if (ids->len == 0)
    {
      nd_channel_toast (GTK_WIDGET (self->list_pane), _("No channel to test: the filters show none."));
      return;
    }
  model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->test_model_row))));
  nd_health_runner_set_concurrency (runner, (guint) gtk_spin_button_get_value_as_int (self->test_concurrency));
  nd_health_runner_set_timeout (runner, (guint) gtk_spin_button_get_value_as_int (self->test_timeout));
  /* Empty: the model list over the database (NewAPI's test model over its API). */
  nd_health_runner_set_model (runner, *model ? model : NULL);
  nd_health_runner_set_record (runner, writes && gtk_switch_get_active (self->test_record));
  nd_health_runner_set_disable_failing (runner, !balance && writes &&
                                        gtk_switch_get_active (self->test_disable));
  /* The rows let go of the last run of this kind before its list empties. */
  for (guint i = 0; i < self->items->len; i++)
    {
      NdChannelItem *item = g_ptr_array_index (self->items, i);

      if (balance)
        nd_channel_item_set_balance_result (item, NULL);
      else
        nd_channel_item_set_test_result (item, NULL);
    }

  self->running = runner;
  self->health_cancellable = g_cancellable_new ();
  show_progress (self, 0, ids->len);
  gtk_label_set_text (self->health_summary, "");
  gtk_widget_set_visible (GTK_WIDGET (self->health_progress), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->health_icon), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->health_spinner), TRUE);
  gtk_spinner_set_spinning (self->health_spinner, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->health_cancel), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->health_cancel), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->health_close), FALSE);
  gtk_revealer_set_reveal_child (self->health_slot, TRUE);
  if (balance)
    nd_health_runner_balance_async (runner, (const gint64 *) ids->data, ids->len,
                                    self->health_cancellable, run_done, g_object_ref (self));
  else
    nd_health_runner_test_async (runner, (const gint64 *) ids->data, ids->len,
                                 self->health_cancellable, run_done, g_object_ref (self));
  _nd_channels_page_update_actions (self);
}

/* The channels the filters show (a tag's: those of its channels that match). */
static GArray *
visible_ids (NdChannelsPage *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < self->items->len; i++)
    {
      NdChannelItem *item = g_ptr_array_index (self->items, i);

      if (nd_channel_filter_match (&self->filt, nd_channel_item_get_channel (item)))
        {
          gint64 id = nd_channel_item_get_id (item);

          g_array_append_val (ids, id);
        }
    }
  return ids;
}

static void
test_clicked_cb (NdChannelsPage *self)
{
  g_autoptr(GArray) ids = _nd_channels_page_selected_ids (self);

  if (ids->len == 0)
    {
      g_array_unref (ids);
      ids = visible_ids (self);
    }
  run (self, FALSE, ids);
}

static void
test_action (GtkWidget *widget, const char *name, GVariant *param)
{
  test_clicked_cb (ND_CHANNELS_PAGE (widget));
}

static void
balance_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdChannelsPage *self = ND_CHANNELS_PAGE (widget);
  g_autoptr(GArray) ids = _nd_channels_page_selected_ids (self);

  run (self, TRUE, ids);
}

static void
editor_health_cb (NdChannelsPage *self, gint64 id, gboolean balance)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_val (ids, id);
  run (self, balance, ids);
}

static void
cancel_clicked_cb (NdChannelsPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->health_cancel), FALSE);
  g_cancellable_cancel (self->health_cancellable);
}

static void
close_clicked_cb (NdChannelsPage *self)
{
  gtk_revealer_set_reveal_child (self->health_slot, FALSE);
}

static NdHealthRunner *
runner_new (NdChannelsPage *self, NdSource *source)
{
  NdHealthRunner *runner = nd_health_runner_new (source);

  g_signal_connect (runner, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect (nd_health_runner_get_items (runner), "items-changed",
                    G_CALLBACK (results_changed_cb), self);
  return runner;
}

static void
runner_clear (NdChannelsPage *self, NdHealthRunner **runner)
{
  if (*runner == NULL)
    return;
  g_signal_handlers_disconnect_by_data (nd_health_runner_get_items (*runner), self);
  g_signal_handlers_disconnect_by_data (*runner, self);
  g_clear_object (runner);
}

void
_nd_channels_page_health_set_source (NdChannelsPage *self, NdSource *source)
{
  /* Cancelled, a run still calls run_done, which sees it is not ours. */
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  self->running = NULL;
  runner_clear (self, &self->tests);
  runner_clear (self, &self->balances);
  if (self->health_slot != NULL)
    gtk_revealer_set_reveal_child (self->health_slot, FALSE);
  if (source == NULL)
    return;
  self->tests = runner_new (self, source);
  self->balances = runner_new (self, source);
}

void
_nd_channels_page_health_class_init (NdChannelsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "channels.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "channels.update-balance", NULL, balance_action);
}

void
_nd_channels_page_health_init (NdChannelsPage *self)
{
  gtk_spin_button_set_range (self->test_concurrency, 1, ND_HEALTH_MAX_CONCURRENCY);
  gtk_spin_button_set_value (self->test_concurrency, ND_HEALTH_DEFAULT_CONCURRENCY);
  gtk_spin_button_set_value (self->test_timeout, ND_HEALTH_DEFAULT_TIMEOUT);
  g_signal_connect_swapped (self->test_button, "clicked", G_CALLBACK (test_clicked_cb), self);
  g_signal_connect_swapped (self->health_cancel, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  g_signal_connect_swapped (self->health_close, "clicked", G_CALLBACK (close_clicked_cb), self);
  g_signal_connect_swapped (self->editor, "health", G_CALLBACK (editor_health_cb), self);
}

/* nd-dashboard-sync.c — the dashboard's sync timer and live ticker: they
 * run only while the page is on screen, and never on an opened report
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-dashboard-page-private.h"
#include "nd-time.h"

#define TICKER_INTERVAL 5

/* One sync of one NdFacts: progress and the result of a sync that is no
 * longer the page's (stopped, restarted on another session, page disposed)
 * must not reach the widgets. */
typedef struct {
  NdDashboardPage *self;            /* owned */
  NdFacts *facts;                   /* not owned: the sync's task holds it */
} SyncCtx;

static gboolean
sync_is_current (SyncCtx *ctx)
{
  NdDashboardPage *self = ctx->self;

  return !self->disposed && self->facts != NULL && ctx->facts == self->facts &&
         self->sync_cancellable != NULL && !g_cancellable_is_cancelled (self->sync_cancellable);
}

static void
sync_progress (gint64 done, gint64 total, gint64 rows, gpointer user_data)
{
  SyncCtx *ctx = user_data;
  NdDashboardPage *self = ctx->self;
  g_autofree char *text = NULL;
  g_autofree char *nrows = NULL;

  if (!sync_is_current (ctx))
    return;
  /* Only a big sync (the first one, or after a long pause) shows a bar. */
  if (!self->first_sync && total < 200000)
    return;
  nrows = nd_format_count (rows);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0);
  text = g_strdup_printf (_("Building the local facts store: %s log rows aggregated so far. "
                            "This happens once; later syncs only read new rows."), nrows);
  gtk_label_set_text (self->progress_label, text);
}

static void
sync_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autofree SyncCtx *ctx = user_data;
  g_autoptr(NdDashboardPage) self = ctx->self;
  g_autoptr(GError) error = NULL;

  /* Another writer moving the store on is no error (nd_facts_sync_async
   * succeeds then); the query below shows what the store has. */
  nd_facts_sync_finish (ND_FACTS (object), result, &error);
  if (self->disposed || ND_FACTS (object) != self->facts)
    return;
  g_clear_object (&self->sync_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), TRUE);
  if (error != NULL && nd_error_is_cancelled (error) && self->first_sync)
    {
      gtk_label_set_text (self->progress_label,
                          _("Sync paused. It continues where it stopped at the next refresh."));
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
    }
  else
    gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  _nd_dashboard_show_error (self, error);
  if (error == NULL)
    self->first_sync = FALSE;
  _nd_dashboard_run_query (self);
}

void
_nd_dashboard_refresh (NdDashboardPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));
  NdSource *source;
  SyncCtx *ctx;

  if (self->disposed || self->facts == NULL || session == NULL || nd_facts_is_syncing (self->facts))
    return;
  source = nd_session_get_source (session);
  if (source == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  g_clear_object (&self->sync_cancellable);
  self->sync_cancellable = g_cancellable_new ();
  ctx = g_new0 (SyncCtx, 1);
  ctx->self = g_object_ref (self);
  ctx->facts = self->facts;
  nd_facts_sync_async (self->facts, source, sync_progress, ctx, self->sync_cancellable,
                       sync_done, ctx);
  _nd_dashboard_clock_tick (self);
}

static gboolean
refresh_tick (gpointer user_data)
{
  _nd_dashboard_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

/* ─── ticker ────────────────────────────────────────────────────────────── */

static void
ticker_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdLogPage) page = nd_facts_tail_logs_finish (result, &error);

  self->ticker_busy = FALSE;
  if (self->disposed || page == NULL || nd_page_get_session (ND_PAGE (self)) == NULL)
    return;
  nd_ticker_add (self->ticker, page->rows, _nd_dashboard_get_money (self));
}

static gboolean
ticker_tick (gpointer user_data)
{
  NdDashboardPage *self = user_data;
  NdSession *session = nd_page_get_session (ND_PAGE (self));
  NdSource *source = session ? nd_session_get_source (session) : NULL;

  if (source == NULL || self->ticker_busy || !_nd_dashboard_has_cap (self, ND_CAP_LOGS))
    return G_SOURCE_CONTINUE;
  self->ticker_busy = TRUE;
  nd_facts_tail_logs_async (source, nd_ticker_get_last_id (self->ticker), ND_TICKER_ROWS,
                            self->cancellable, ticker_done, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/* ─── polling (only while the page is on screen) ───────────────────────── */

static guint
refresh_interval (NdDashboardPage *self)
{
  return self->settings ? MAX (g_settings_get_uint (self->settings, "refresh-interval"), 5) : 30;
}

/* The sync timer and the ticker cost the gateway requests (over HTTP they
 * eat NewAPI's per-IP rate limit): they run only while the page is mapped.
 * Coming back refreshes at once, and the ticker starts over from the newest
 * rows rather than crawling through what it missed. */
void
_nd_dashboard_start_polling (NdDashboardPage *self)
{
  if (self->disposed || self->facts == NULL || self->refresh_id != 0 || self->report_meta != NULL)
    return;
  if (!self->ticker_busy)
    nd_ticker_clear (self->ticker);
  _nd_dashboard_refresh (self);
  ticker_tick (self);
  self->refresh_id = g_timeout_add_seconds (refresh_interval (self), refresh_tick, self);
  self->ticker_id = g_timeout_add_seconds (MIN (TICKER_INTERVAL, refresh_interval (self)), ticker_tick, self);
}

void
_nd_dashboard_stop_polling (NdDashboardPage *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->ticker_id, g_source_remove);
}

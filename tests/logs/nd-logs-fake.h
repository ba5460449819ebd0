/* nd-logs-fake.h — a scripted in-memory NdSource and the helpers the Logs
 * page tests share (no database or server needed)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-log-model.h"
#include "nd-logs-page.h"
#include "nd-session.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define FAKE_TYPE_SOURCE (fake_source_get_type ())
G_DECLARE_FINAL_TYPE (FakeSource, fake_source, FAKE, SOURCE, NdSource)

struct _FakeSource
{
  NdSource parent_instance;

  NdSourceKind kind;
  GPtrArray *logs;          /* NdLog, ascending id */
  NdLogPage *tail;          /* the next tail reply, or NULL for none */
  GPtrArray *pending;       /* GTask, list requests held until released */
  guint n_query;
  NdLogQuery *last_query;   /* the filter of the last page asked for */
  char *query_error;        /* set: pages fail with this server message */
  guint n_tail;
  gboolean export_task_gone;
  /* Set: pages filter rows themselves, as the HTTP source does for a token
   * id: each scans at most this many rows and keeps those whose id is a
   * multiple of 7, so a page may come back empty with more to come. */
  guint scan_limit;
};

/* Consume logs 1..@n_logs, one a second, user #12 alice, token #5 default. */
FakeSource *fake_source_new  (NdSourceKind kind, guint n_logs);
NdLog      *make_log         (gint64 id);
/* Answers every held list request: one channel and one model called @name. */
void        release_lists    (FakeSource *self, gint64 channel_id, const char *name);
NdSession  *connect_fake     (FakeSource *source);

/* Spins the main context until @cond holds; FALSE after a minute. */
gboolean    wait_until       (gboolean (*cond) (gpointer), gpointer data);
void        spin             (guint ms);
gboolean    model_idle       (gpointer model);
gboolean    export_ended     (gpointer page);
GtkWidget  *find_type        (GtkWidget *widget, GType type);
/* A child of the page's template, or of its filter bar's. */
GtkWidget  *template_child   (GtkWidget *page, const char *name);
GtkWidget  *show_page        (NdSession *session, GtkWidget **window);

G_END_DECLS

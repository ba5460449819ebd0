/* nd-facts-export.c — copying the facts of a range into another file
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A report (.ndreport) carries the facts of its range in this store's own
 * tables, so nd_facts_new_read_only answers the same queries on it with
 * the same code. The copy keeps exactly what a query of a range inside
 * [from, to) reads: the hourly rows of the range, the daily rollup rows of
 * the whole UTC days inside it (a query reads those days from the daily
 * table and only the ragged edges from the hourly one), and in slice mode
 * the whole local days the range touches.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-facts-private.h"
#include "nd-time.h"

typedef struct {
  char *path;
  gint64 from;
  gint64 to;
  gint64 today;
} ExportData;

static void
export_data_free (ExportData *ed)
{
  g_free (ed->path);
  g_free (ed);
}

static char *
copy_sql (gint64 a, gint64 b, gint64 today)
{
  GString *sql = g_string_new (NULL);
  gint64 d0 = nd_time_ceil (a, ND_TIME_DAY), d1 = nd_time_floor (b, ND_TIME_DAY);

  g_string_append_printf (sql,
    "DELETE FROM rep.meta;"
    "INSERT INTO rep.meta SELECT * FROM main.meta;"
    "INSERT INTO rep.facts SELECT * FROM main.facts WHERE hour >= %" G_GINT64_FORMAT
    " AND hour < %" G_GINT64_FORMAT ";"
    "INSERT INTO rep.slices SELECT * FROM main.slices WHERE start < %" G_GINT64_FORMAT
    " AND end > %" G_GINT64_FORMAT ";"
    "INSERT INTO rep.slice_facts SELECT * FROM main.slice_facts"
    " WHERE start IN (SELECT start FROM rep.slices);",
    a, b, b, a);
  for (int r = 0; r < N_ROLLUPS; r++)
    {
      const char *name = _nd_facts_rollups[r].name;

      g_string_append_printf (sql, "INSERT INTO rep.r_%s_h SELECT * FROM main.r_%s_h"
                              " WHERE (t >= %" G_GINT64_FORMAT " AND t < %" G_GINT64_FORMAT ")",
                              name, name, a, b);
      /* "today" reads the hourly totals from the local midnight on. */
      if (r == R_TOTAL && today > 0)
        g_string_append_printf (sql, " OR (t >= %" G_GINT64_FORMAT " AND (t < %" G_GINT64_FORMAT
                                " OR t >= %" G_GINT64_FORMAT "))", today, a, b);
      g_string_append_c (sql, ';');
      if (_nd_facts_rollups[r].daily && d0 < d1)
        g_string_append_printf (sql, "INSERT INTO rep.r_%s_d SELECT * FROM main.r_%s_d"
                                " WHERE t >= %" G_GINT64_FORMAT " AND t < %" G_GINT64_FORMAT ";",
                                name, name, d0, d1);
    }
  /* Only the names the copied facts use: a report of one customer's week
   * does not list every user of the gateway. */
  g_string_append_printf (sql,
    "INSERT INTO rep.names SELECT * FROM main.names WHERE"
    " (kind = %d AND id IN (SELECT user_id FROM rep.facts UNION SELECT user_id FROM rep.slice_facts))"
    " OR (kind = %d AND id IN (SELECT token_id FROM rep.facts UNION SELECT token_id FROM rep.slice_facts))"
    " OR (kind = %d AND id IN (SELECT channel_id FROM rep.facts UNION SELECT channel_id FROM rep.slice_facts));",
    ND_FACTS_NAME_USER, ND_FACTS_NAME_TOKEN, ND_FACTS_NAME_CHANNEL);
  return g_string_free (sql, FALSE);
}

static void
export_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  ExportData *ed = data;
  gint64 a = nd_time_floor (ed->from, ND_TIME_HOUR);
  gint64 b = nd_time_ceil (ed->to, ND_TIME_HOUR);
  g_autofree char *sql = copy_sql (a, b, ed->today);
  sqlite3_stmt *st = NULL;
  GError *error = NULL;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;
  ok = sqlite3_prepare_v2 (db, "ATTACH DATABASE ? AS rep", -1, &st, NULL) == SQLITE_OK;
  if (ok)
    {
      sqlite3_bind_text (st, 1, ed->path, -1, SQLITE_STATIC);
      ok = sqlite3_step (st) == SQLITE_DONE;
    }
  sqlite3_finalize (st);
  if (!ok)
    {
      _nd_facts_set_error (db, &error, ed->path);
      return g_task_return_error (task, error);
    }
  /* One transaction: the store's rows are read as of one moment, and the
   * file gets all of them or none. */
  ok = _nd_facts_exec (db, "BEGIN", &error) &&
       _nd_facts_create_tables (db, "rep", &error) &&
       _nd_facts_exec (db, sql, &error) &&
       _nd_facts_exec (db, "COMMIT", &error);
  if (!ok && !sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec (db, "DETACH DATABASE rep", NULL, NULL, NULL);
  if (!ok)
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

void
nd_facts_export_async (NdFacts *self, const char *path, gint64 from, gint64 to, gint64 today_start,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *ed;

  g_return_if_fail (ND_IS_FACTS (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_export_async);
  ed = g_new0 (ExportData, 1);
  ed->path = g_strdup (path);
  ed->from = from;
  ed->to = MAX (to, from);
  ed->today = today_start;
  _nd_facts_run (self, task, export_job, ed, (GDestroyNotify) export_data_free);
}

gboolean
nd_facts_export_finish (NdFacts *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

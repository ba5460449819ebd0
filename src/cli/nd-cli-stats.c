/* nd-cli-stats.c — `newapi-desk stats`: sync the facts, print the figures
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures come from the gateway's facts store (synced first), or with
 * --report from a report file; --compare puts a report's figures next to
 * them (nd-cli-compare.c). The JSON is built in nd-cli-facts.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "http/nd-http-source.h"
#include "report/nd-report-source.h"
#include "nd-cli.h"
#include "nd-cli-compare.h"
#include "nd-cli-facts.h"
#include "nd-time.h"

#define CMD "stats"

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static void
print_ranking (GString *out, const char *title, GPtrArray *rows, const NdMoney *money, guint limit,
               gboolean available)
{
  g_string_append_printf (out, "\n%s\n", title);
  if (!available)
    {
      g_string_append_printf (out, "  %s\n", _("(not available from this source: connect the database)"));
      return;
    }
  if (rows->len == 0)
    {
      g_string_append_printf (out, "  %s\n", _("(nothing in this range)"));
      return;
    }
  for (guint i = 0; i < rows->len && i < limit; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rows, i);
      g_autofree char *q = nd_money_format (money, r->quota);
      g_autofree char *name = g_utf8_strlen (r->name, -1) > 32
        ? g_strconcat (g_utf8_substring (r->name, 0, 31), "…", NULL) : g_strdup (r->name);

      glong width = g_utf8_strlen (name, -1);

      /* Pad by characters, not bytes: names are often CJK. */
      g_string_append_printf (out, "  %s%*s %10" G_GINT64_FORMAT " %s  %6" G_GINT64_FORMAT " %s  %12s",
                              name, (int) MAX (34 - width, 0), "", r->requests, _("req"),
                              r->errors, _("err"), q);
      if (r->p50 >= 0)
        g_string_append_printf (out, "  p50 %.1fs p95 %.1fs", r->p50, r->p95);
      g_string_append_c (out, '\n');
    }
  if (rows->len > limit)
    g_string_append_printf (out, "  %s\n", _("…"));
}


/* Pads by display width, not bytes: a Chinese label is two columns a
 * character, and printf's %-22s would push its value out of line. */
static void G_GNUC_PRINTF (3, 4)
append_row (GString *out, const char *label, const char *format, ...)
{
  va_list args;
  int width = 0;

  for (const char *p = label; *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  g_string_append (out, label);
  for (; width < 23; width++)
    g_string_append_c (out, ' ');
  va_start (args, format);
  g_string_append_vprintf (out, format, args);
  va_end (args);
  g_string_append_c (out, '\n');
}

static char *
report_to_text (const NdFactsReport *rep, const NdServerInfo *info, const NdReportMeta *meta,
                guint limit)
{
  const NdFactsOverview *ov = &rep->overview;
  const NdMoney *money = info->money;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *from = format_time (ov->from);
  g_autofree char *to = format_time (ov->to);
  g_autofree char *quota = nd_money_format (money, ov->quota);
  g_autofree char *today_quota = nd_money_format (money, ov->today_quota);
  g_autofree char *synced = rep->last_sync ? format_time (rep->last_sync) : g_strdup (_("never"));

  if (meta != NULL)
    {
      g_autofree char *title = nd_report_meta_dup_title (meta);
      g_autofree char *made = format_time (meta->created_at);

      g_string_append_printf (out, _("%s (made %s)\n"), title, made);
    }
  g_string_append_printf (out, "%s %s – %s (%s %s)\n", _("Range:"), from, to, _("synced"), synced);
  if (rep->granularity.users >= ND_TIME_DAY)
    {
      g_autofree char *dims_from = format_time (rep->granularity.dims_from);
      g_autofree char *dims_to = format_time (rep->granularity.dims_to);

      g_string_append_printf (out, _("Users, channels and tokens by whole days: %s – %s\n"),
                              dims_from, dims_to);
    }
  if (nd_server_info_get_facts_caveat (info) != NULL)
    g_string_append_printf (out, "%s\n", nd_server_info_get_facts_caveat (info));
  g_string_append_c (out, '\n');
  append_row (out, _("Requests"), "%" G_GINT64_FORMAT, ov->requests);
  append_row (out, _("Errors"), "%" G_GINT64_FORMAT, ov->errors);
  append_row (out, _("Success rate"), "%.2f %%", ov->success_rate * 100);
  append_row (out, _("Quota used"), "%s", quota);
  if (nd_server_info_has (info, ND_CAP_FACTS_TOKEN_SPLIT))
    append_row (out, _("Prompt / completion"), "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                ov->prompt_tokens, ov->completion_tokens);
  else
    append_row (out, _("Tokens (in + out)"), "%" G_GINT64_FORMAT,
                ov->prompt_tokens + ov->completion_tokens);
  if (nd_server_info_has (info, ND_CAP_FACTS_USER))
    append_row (out, _("Active users"), "%" G_GINT64_FORMAT, ov->active_users);
  else
    append_row (out, _("Active users"), "%s", _("(not available)"));
  append_row (out, _("Today"), "%" G_GINT64_FORMAT " / %s", ov->today_requests, today_quota);
  append_row (out, _("Average RPM / TPM"), "%.2f / %.0f", ov->avg_rpm, ov->avg_tpm);

  print_ranking (out, _("Models"), rep->models, money, limit, TRUE);
  print_ranking (out, _("Channels"), rep->channels, money, limit,
                 nd_server_info_has (info, ND_CAP_FACTS_CHANNEL));
  print_ranking (out, _("Users"), rep->users, money, limit,
                 nd_server_info_has (info, ND_CAP_FACTS_USER));
  print_ranking (out, _("Tokens"), rep->tokens, money, limit,
                 nd_server_info_has (info, ND_CAP_FACTS_TOKEN));

  g_string_append_printf (out, "\n%s\n", _("Trend"));
  for (guint i = 0; i < rep->trend->len; i++)
    {
      const NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);
      g_autofree char *start = format_time (p->start);
      g_autofree char *q = nd_money_format (money, p->quota);

      g_string_append_printf (out, "  %s  %10" G_GINT64_FORMAT " %s  %6" G_GINT64_FORMAT " %s  %12s\n",
                              start, p->requests, _("req"), p->errors, _("err"), q);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* -v: the rate limit NewAPI's API shares with the admin's browser is the
 * cost that matters there (every request of this run, probe included). */
static void
print_cost (NdSource *source, const char *facts_path)
{
  if (ND_IS_HTTP_SOURCE (source))
    {
      guint n = nd_http_client_get_n_requests (nd_http_source_get_client (ND_HTTP_SOURCE (source)));

      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "%u request to NewAPI\n",
                                    "%u requests to NewAPI\n", n), n);
    }
  if (facts_path != NULL)
    fprintf (stderr, _("Facts file: %s\n"), facts_path);
}

/* A report file's figures: its own range, or the part of it the range
 * flags name (a named range ends when the report was made). With
 * @use_flags FALSE (the baseline of a comparison) always its own range. */
static int
open_report (NdCliOptions *o, const char *path, gboolean use_flags, guint top, NdCliPeriod *p,
             GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  NdReportSource *report;
  NdFactsRange range;
  gint64 from = 0, to = 0;

  p->source = nd_report_source_new (path);
  p->label = g_filename_display_basename (path);
  nd_source_probe_async (p->source, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  info = nd_source_probe_finish (p->source, res, error);
  if (info == NULL)
    return 1;
  report = ND_REPORT_SOURCE (p->source);
  p->meta = nd_report_meta_ref (nd_report_source_get_meta (report));
  /* A range the report does not cover is a usage error (2). */
  if (use_flags && (o->from_text != NULL || o->to_text != NULL))
    {
      if ((o->from_text != NULL && !nd_cli_parse_time (o->from_text, &from, error)) ||
          (o->to_text != NULL && !nd_cli_parse_time (o->to_text, &to, error)) ||
          !nd_report_meta_clamp_range (p->meta, from, to, &range, error))
        return 2;
    }
  else if (!nd_report_meta_get_range (p->meta, use_flags ? o->range : NULL, &range, error))
    return 2;
  range.top_n = top;
  p->rep = nd_cli_facts_query (nd_report_source_get_facts (report), &range, error);
  return p->rep != NULL ? 0 : 1;
}

typedef struct {
  char *facts_path;
  char *report;
  char *compare;
  char *sort;
  gboolean json;
  gboolean no_sync;
  gboolean verbose;
  int top;
} StatsArgs;

static void
stats_args_clear (StatsArgs *a)
{
  g_free (a->facts_path);
  g_free (a->report);
  g_free (a->compare);
  g_free (a->sort);
}

static int
stats_run (NdCliOptions *o, StatsArgs *a, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autofree char *out = NULL;
  g_auto(NdCliPeriod) current = { 0 };
  g_auto(NdCliPeriod) baseline = { 0 };
  NdCompareMeasure sort = ND_COMPARE_BY_REQUESTS;
  NdFactsRange range = { 0 };
  gint64 now = nd_time_now ();
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &a->json, N_("Print JSON (raw quota units, unix seconds)"), NULL },
    { "facts", 0, 0, G_OPTION_ARG_FILENAME, &a->facts_path,
      N_("Facts file to use (default: one per gateway in the user data folder)"), "FILE" },
    { "top", 0, 0, G_OPTION_ARG_INT, &a->top, N_("Rows per ranking (default: all in JSON, 10 in text)"), "N" },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &a->no_sync, N_("Print what the facts file has without syncing"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &a->verbose,
      N_("Say on stderr what the sync cost (requests to NewAPI's API)"), NULL },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &a->report,
      N_("Read the figures from a report file instead of a gateway"), "FILE.ndreport" },
    { "compare", 0, 0, G_OPTION_ARG_FILENAME, &a->compare,
      N_("Compare with the figures of this report (side by side, with deltas)"), "FILE.ndreport" },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &a->sort,
      N_("Sort compared models and channels by the change of: requests, errors, quota or tokens"),
      "MEASURE" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Syncs the local facts store from NewAPI and prints the "
                                           "dashboard figures: overview, models, channels, users, "
                                           "tokens and the trend. With --report, prints them from "
                                           "a report file; with --compare, next to a report’s."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (o, context, TRUE, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return nd_cli_fail (CMD, error, 2);
  if (argc > 1)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Unexpected argument “%s”"), argv[1]);
      return nd_cli_fail (CMD, error, 2);
    }
  if (a->top < 0)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("--top must not be negative"));
      return nd_cli_fail (CMD, error, 2);
    }
  if (a->sort != NULL && !nd_compare_measure_from_name (a->sort, &sort))
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Unknown --sort “%s” (use requests, errors, quota or tokens)"), a->sort);
      return nd_cli_fail (CMD, error, 2);
    }
  if (a->report != NULL && (o->dsn != NULL || o->url != NULL))
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("--report reads a file: leave out --dsn and --url"));
      return nd_cli_fail (CMD, error, 2);
    }

  /* Compared rankings must be whole, or rows below the cut look new. */
  if (a->report != NULL)
    {
      int code = open_report (o, a->report, TRUE, a->compare ? 0 : (guint) a->top, &current, &error);

      if (code != 0)
        return nd_cli_fail (CMD, error, code);
    }
  else
    {
      if (!nd_cli_facts_range (o, now, &range, &error))
        return nd_cli_fail (CMD, error, 2);
      range.top_n = a->compare ? 0 : (guint) a->top;
      current.source = nd_cli_connect (o, &error);
      if (current.source == NULL)
        return nd_cli_fail (CMD, error, g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ? 2 : 1);
      current.label = g_strdup (nd_source_get_name (current.source));
      facts = nd_cli_facts_open (current.source, a->facts_path, &range, a->no_sync, !a->json, &error);
      if (facts == NULL)
        return nd_cli_fail (CMD, error, 1);
      current.rep = nd_cli_facts_query (facts, &range, &error);
      if (current.rep == NULL)
        return nd_cli_fail (CMD, error, 1);
      if (a->verbose)
        print_cost (current.source, nd_facts_get_path (facts));
    }
  if (a->compare != NULL && open_report (o, a->compare, FALSE, 0, &baseline, &error) != 0)
    return nd_cli_fail (CMD, error, 1);

  if (a->compare != NULL)
    {
      g_autoptr(NdFactsCompare) cmp = nd_facts_compare_new (current.rep, baseline.rep, sort);

      out = a->json ? nd_cli_compare_to_json (cmp, &current, &baseline, (guint) a->top)
                    : nd_cli_compare_to_text (cmp, &current, &baseline, a->top > 0 ? (guint) a->top : 10);
    }
  else if (a->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      nd_cli_facts_build_json (b, current.rep, nd_source_get_info (current.source), current.meta);
      out = nd_cli_json_to_data (b);
    }
  else
    out = report_to_text (current.rep, nd_source_get_info (current.source), current.meta,
                          a->top > 0 ? (guint) a->top : 10);
  fputs (out, stdout);
  if (a->json)
    fputc ('\n', stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}

int
nd_cli_stats (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  StatsArgs args = { 0 };
  int status = stats_run (&opts, &args, argc, argv);

  stats_args_clear (&args);
  nd_cli_options_clear (&opts);
  return status;
}

/* nd-cli-compare.c — `stats --compare`: two periods as text or JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The numbers come from nd_facts_compare_new (core, shared with the
 * window); this file only prints them. The JSON keys are a public
 * interface (README, "Compare JSON"): added to, never renamed.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "nd-cli-compare.h"
#include "nd-cli-facts.h"

void
nd_cli_period_clear (NdCliPeriod *p)
{
  if (p->source != NULL)
    nd_source_close (p->source);
  g_clear_object (&p->source);
  g_clear_pointer (&p->rep, nd_facts_report_unref);
  g_clear_pointer (&p->meta, nd_report_meta_unref);
  g_clear_pointer (&p->label, g_free);
}

/* Counts stay integers in JSON; rates and averages are numbers. */
static gboolean
figure_is_count (NdCompareFigure f)
{
  return f != ND_COMPARE_SUCCESS_RATE && f != ND_COMPARE_AVG_RPM && f != ND_COMPARE_AVG_TPM;
}

static void
add_value (JsonBuilder *b, const char *key, const NdCompareValue *v, gboolean count)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  if (count)
    {
      nd_cli_json_int (b, "current", (gint64) v->current);
      nd_cli_json_int (b, "baseline", (gint64) v->baseline);
      nd_cli_json_int (b, "delta", (gint64) v->delta);
    }
  else
    {
      nd_cli_json_double (b, "current", v->current);
      nd_cli_json_double (b, "baseline", v->baseline);
      nd_cli_json_double (b, "delta", v->delta);
    }
  nd_cli_json_double (b, "change", v->change);
  json_builder_end_object (b);
}

static void
add_period (JsonBuilder *b, const char *key, const NdCliPeriod *p)
{
  NdServerInfo *info = nd_source_get_info (p->source);

  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  nd_cli_json_string (b, "source", p->meta != NULL ? "report" : "live");
  nd_cli_json_string (b, "label", p->label);
  if (p->meta != NULL)
    {
      nd_cli_json_string (b, "instance", p->meta->instance);
      nd_cli_json_int (b, "created_at", p->meta->created_at);
    }
  json_builder_set_member_name (b, "range");
  json_builder_begin_object (b);
  nd_cli_json_int (b, "from", p->rep->overview.from);
  nd_cli_json_int (b, "to", p->rep->overview.to);
  json_builder_end_object (b);
  nd_cli_json_money (b, info->money);
  nd_cli_json_unavailable (b, info);
  json_builder_end_object (b);
}

static void
add_rows (JsonBuilder *b, const char *key, GPtrArray *rows, gboolean models, gboolean available,
          guint top)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; available && i < rows->len && (top == 0 || i < top); i++)
    {
      const NdCompareRow *row = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      if (models)
        nd_cli_json_string (b, "model", row->key);
      else
        {
          nd_cli_json_int (b, "channel_id", row->id);
          nd_cli_json_string (b, "name", row->name);
        }
      json_builder_set_member_name (b, "in_current");
      json_builder_add_boolean_value (b, row->in_current);
      json_builder_set_member_name (b, "in_baseline");
      json_builder_add_boolean_value (b, row->in_baseline);
      for (int m = 0; m < ND_COMPARE_N_MEASURES; m++)
        add_value (b, nd_compare_measure_name (m), &row->values[m], TRUE);
      add_value (b, "error_rate", &row->error_rate, FALSE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static gboolean
both_have (const NdCliPeriod *a, const NdCliPeriod *b, NdCapabilities cap)
{
  return nd_server_info_has (nd_source_get_info (a->source), cap) &&
         nd_server_info_has (nd_source_get_info (b->source), cap);
}

char *
nd_cli_compare_to_json (const NdFactsCompare *cmp, const NdCliPeriod *current,
                        const NdCliPeriod *baseline, guint top)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  nd_cli_json_string (b, "sort", nd_compare_measure_name (cmp->sort));
  add_period (b, "current", current);
  add_period (b, "baseline", baseline);
  json_builder_set_member_name (b, "overview");
  json_builder_begin_object (b);
  for (int f = 0; f < ND_COMPARE_N_FIGURES; f++)
    add_value (b, nd_compare_figure_name (f), &cmp->overview[f], figure_is_count (f));
  json_builder_end_object (b);
  add_rows (b, "models", cmp->models, TRUE, TRUE, top);
  /* Without channels on one side a "(none)" row would pose as a channel. */
  add_rows (b, "channels", cmp->channels, FALSE, both_have (current, baseline, ND_CAP_FACTS_CHANNEL),
            top);
  json_builder_end_object (b);
  return nd_cli_json_to_data (b);
}

/* ─── text ─────────────────────────────────────────────────────────────── */

static char *
format_change (const NdCompareValue *v, gboolean count)
{
  g_autofree char *delta = count ? g_strdup_printf ("%+.0f", v->delta) : g_strdup_printf ("%+.2f", v->delta);

  if (isnan (v->change))
    return g_strdup_printf ("%s (%s)", delta, v->delta == 0 ? "=" : _("new"));
  return g_strdup_printf ("%s (%+.1f %%)", delta, v->change * 100);
}

/* Pads by display width: labels and names are often CJK. */
static void
pad (GString *out, const char *text, int width)
{
  int w = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    w += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  g_string_append (out, text);
  for (; w < width; w++)
    g_string_append_c (out, ' ');
}

static void
text_period (GString *out, const char *what, const NdCliPeriod *p)
{
  g_autoptr(GDateTime) from = g_date_time_new_from_unix_local (p->rep->overview.from);
  g_autoptr(GDateTime) to = g_date_time_new_from_unix_local (p->rep->overview.to);
  g_autofree char *f = g_date_time_format (from, "%Y-%m-%d %H:%M");
  g_autofree char *t = g_date_time_format (to, "%Y-%m-%d %H:%M");

  pad (out, what, 10);
  g_string_append_printf (out, "%s  %s – %s\n", p->label, f, t);
}

static void
text_rows (GString *out, const char *title, GPtrArray *rows, NdCompareMeasure sort, guint top,
           gboolean available)
{
  g_string_append_printf (out, "\n%s\n", title);
  if (!available)
    {
      g_string_append_printf (out, "  %s\n", _("(not available from both sides)"));
      return;
    }
  for (guint i = 0; i < rows->len && i < top; i++)
    {
      const NdCompareRow *row = g_ptr_array_index (rows, i);
      const NdCompareValue *v = &row->values[sort];
      g_autofree char *change = format_change (v, TRUE);
      g_autofree char *name = g_utf8_strlen (row->name, -1) > 32
        ? g_strconcat (g_utf8_substring (row->name, 0, 31), "…", NULL) : g_strdup (row->name);

      g_string_append (out, "  ");
      pad (out, name, 34);
      g_string_append_printf (out, "%12.0f %12.0f  %s\n", v->current, v->baseline, change);
    }
}

char *
nd_cli_compare_to_text (const NdFactsCompare *cmp, const NdCliPeriod *current,
                        const NdCliPeriod *baseline, guint top)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *labels[ND_COMPARE_N_FIGURES] = {
    N_("Requests"), N_("Errors"), N_("Success rate"), N_("Quota used"), N_("Prompt tokens"),
    N_("Completion tokens"), N_("Active users"), N_("Average RPM"), N_("Average TPM"),
  };
  g_autofree char *models = NULL;
  g_autofree char *channels = NULL;

  text_period (out, _("Current:"), current);
  text_period (out, _("Baseline:"), baseline);
  g_string_append_c (out, '\n');
  pad (out, "", 23);
  g_string_append_printf (out, "%14s %14s  %s\n", _("current"), _("baseline"), _("change"));
  for (int f = 0; f < ND_COMPARE_N_FIGURES; f++)
    {
      const NdCompareValue *v = &cmp->overview[f];
      g_autofree char *change = format_change (v, figure_is_count (f));

      pad (out, _(labels[f]), 23);
      if (figure_is_count (f))
        g_string_append_printf (out, "%14.0f %14.0f  %s\n", v->current, v->baseline, change);
      else
        g_string_append_printf (out, "%14.4f %14.4f  %s\n", v->current, v->baseline, change);
    }
  /* Translators: %s is requests, errors, quota or tokens. */
  models = g_strdup_printf (_("Models, by the change of %s"), nd_compare_measure_name (cmp->sort));
  channels = g_strdup_printf (_("Channels, by the change of %s"), nd_compare_measure_name (cmp->sort));
  text_rows (out, models, cmp->models, cmp->sort, top, TRUE);
  text_rows (out, channels, cmp->channels, cmp->sort, top,
             both_have (current, baseline, ND_CAP_FACTS_CHANNEL));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

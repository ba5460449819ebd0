/* nd-channel-data.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n.h>

#include "nd-channel-data.h"
#include "nd-secure-string.h"
#include "nd-write.h"

const char *
nd_channel_status_label (int status)
{
  switch (status)
    {
    case ND_CHANNEL_STATUS_ENABLED: return _("Enabled");
    case ND_CHANNEL_STATUS_MANUALLY_DISABLED: return _("Disabled");
    case ND_CHANNEL_STATUS_AUTO_DISABLED: return _("Auto-disabled");
    default: return _("Unknown");
    }
}

const char *
nd_channel_status_class (int status)
{
  switch (status)
    {
    case ND_CHANNEL_STATUS_ENABLED: return "enabled";
    case ND_CHANNEL_STATUS_MANUALLY_DISABLED: return "manual";
    case ND_CHANNEL_STATUS_AUTO_DISABLED: return "auto";
    default: return "unknown";
    }
}

char *
nd_channel_status_detail (const NdChannel *c, gint64 now)
{
  g_autofree char *reason = NULL;
  g_autofree char *age = NULL;
  g_autofree char *when = NULL;
  gboolean has_reason = c->status_reason != NULL && *c->status_reason != '\0';

  if (!has_reason && c->status_time <= 0)
    return NULL;
  /* Auto-disable reasons quote the upstream's error, which may quote a key. */
  reason = has_reason ? nd_mask_text_dup (c->status_reason) : NULL;
  if (c->status_time <= 0)
    return g_steal_pointer (&reason);
  age = nd_channel_age_text (c->status_time, now);
  when = nd_channel_time_text (c->status_time);
  if (reason == NULL)
    /* Translators: when a channel's status last changed: "3 h ago (12/28/25 10:00)" */
    return g_strdup_printf (_("Changed %s (%s)"), age, when);
  /* Translators: "<reason> — 3 h ago (12/28/25 10:00)" */
  return g_strdup_printf (_("%s — %s (%s)"), reason, age, when);
}

char *
nd_channel_response_text (gint64 ms)
{
  if (ms <= 0)
    return g_strdup (_("Not tested"));
  if (ms < 1000)
    /* Translators: a response time in milliseconds */
    return g_strdup_printf (_("%d ms"), (int) ms);
  /* Translators: a response time in seconds */
  return g_strdup_printf (_("%.1f s"), ms / 1000.0);
}

const char *
nd_channel_response_class (gint64 ms)
{
  if (ms <= 0)
    return "untested";
  if (ms <= 500)
    return "excellent";
  if (ms <= 1000)
    return "good";
  if (ms <= 2000)
    return "fair";
  if (ms <= 5000)
    return "poor";
  return "bad";
}

char *
nd_channel_balance_text (const NdChannel *c)
{
  if (c->balance_updated_time <= 0 && c->balance == 0)
    return g_strdup ("—");
  return g_strdup_printf ("$%.2f", c->balance);
}

const char *
nd_channel_balance_class (const NdChannel *c)
{
  if (c->balance_updated_time <= 0 && c->balance == 0)
    return "unknown";
  if (c->balance < 1)
    return "low";
  if (c->balance < 10)
    return "fair";
  if (c->balance < 100)
    return "good";
  return "high";
}

char *
nd_channel_age_text (gint64 t, gint64 now)
{
  gint64 ago = now - t;

  if (t <= 0)
    return g_strdup (_("never"));
  if (ago < 60)
    return g_strdup (_("just now"));
  if (ago < 3600)
    /* Translators: an age in minutes, short */
    return g_strdup_printf (_("%d min ago"), (int) (ago / 60));
  if (ago < 86400)
    /* Translators: an age in hours, short */
    return g_strdup_printf (_("%d h ago"), (int) (ago / 3600));
  /* Translators: an age in days, short */
  return g_strdup_printf (_("%d d ago"), (int) (ago / 86400));
}

char *
nd_channel_time_text (gint64 t)
{
  g_autoptr(GDateTime) dt = NULL;

  if (t <= 0)
    return g_strdup ("");
  dt = g_date_time_new_from_unix_local (t);
  return g_date_time_format (dt, "%x %H:%M");
}

static gboolean
blank_span (const char *s, const char *end)
{
  for (; s < end; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

guint
nd_channel_count_entries (const char *list)
{
  guint n = 0;
  const char *p = list;

  if (list == NULL)
    return 0;
  /* Counted in place: sorting hundreds of channels by this must not
   * allocate per comparison. */
  for (;;)
    {
      const char *comma = strchr (p, ',');
      const char *end = comma ? comma : p + strlen (p);

      n += !blank_span (p, end);
      if (comma == NULL)
        return n;
      p = comma + 1;
    }
}

char *
nd_channel_list_text (const char *list)
{
  g_auto(GStrv) parts = g_strsplit (list ? list : "", ",", -1);
  GString *s = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*g_strstrip (parts[i]) == '\0')
        continue;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, parts[i]);
    }
  return g_string_free (s, FALSE);
}

gboolean
nd_channel_list_has (const char *list, const char *entry)
{
  g_auto(GStrv) parts = nd_split_commas (list);

  return g_strv_contains ((const char * const *) parts, entry);
}

void
nd_channel_filter_clear (NdChannelFilter *f)
{
  g_clear_pointer (&f->search, g_free);
  g_clear_pointer (&f->group, g_free);
  g_clear_pointer (&f->tag, g_free);
  f->status = ND_CHANNEL_STATUS_FILTER_ALL;
  f->type = -1;
}

static gboolean
contains_folded (const char *text, const char *needle)
{
  g_autofree char *folded = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
search_match (const char *search, const NdChannel *c)
{
  char *end = NULL;
  gint64 id = g_ascii_strtoll (search, &end, 10);

  if (end != search && *end == '\0' && id == c->id)
    return TRUE;
  return contains_folded (c->name, search) || contains_folded (c->base_url, search) ||
         contains_folded (c->tag, search) || contains_folded (c->remark, search) ||
         contains_folded (c->models, search);
}

gboolean
nd_channel_filter_match (const NdChannelFilter *f, const NdChannel *c)
{
  switch (f->status)
    {
    case ND_CHANNEL_STATUS_FILTER_ENABLED:
      if (c->status != ND_CHANNEL_STATUS_ENABLED)
        return FALSE;
      break;
    case ND_CHANNEL_STATUS_FILTER_MANUAL:
      if (c->status != ND_CHANNEL_STATUS_MANUALLY_DISABLED)
        return FALSE;
      break;
    case ND_CHANNEL_STATUS_FILTER_AUTO:
      if (c->status != ND_CHANNEL_STATUS_AUTO_DISABLED)
        return FALSE;
      break;
    case ND_CHANNEL_STATUS_FILTER_DISABLED:
      if (c->status == ND_CHANNEL_STATUS_ENABLED)
        return FALSE;
      break;
    case ND_CHANNEL_STATUS_FILTER_ALL:
    default:
      break;
    }
  if (f->type >= 0 && c->type != f->type)
    return FALSE;
  if (f->group != NULL && !nd_channel_list_has (c->group, f->group))
    return FALSE;
  if (f->tag != NULL && g_strcmp0 (c->tag ? c->tag : "", f->tag) != 0)
    return FALSE;
  if (f->search != NULL && *f->search != '\0' && !search_match (f->search, c))
    return FALSE;
  return TRUE;
}

static int
cmp_int (gint64 a, gint64 b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}

static int
cmp_text (const char *a, const char *b)
{
  return g_utf8_collate (a ? a : "", b ? b : "");
}

int
nd_channel_compare (const NdChannel *a, const NdChannel *b, NdChannelSortKey key)
{
  int r = 0;

  switch (key)
    {
    case ND_CHANNEL_SORT_ID: break;
    case ND_CHANNEL_SORT_NAME: r = cmp_text (a->name, b->name); break;
    case ND_CHANNEL_SORT_TYPE:
      r = cmp_text (nd_channel_type_name (a->type), nd_channel_type_name (b->type));
      break;
    case ND_CHANNEL_SORT_STATUS: r = cmp_int (a->status, b->status); break;
    case ND_CHANNEL_SORT_PRIORITY: r = cmp_int (a->priority, b->priority); break;
    case ND_CHANNEL_SORT_WEIGHT: r = cmp_int (a->weight, b->weight); break;
    case ND_CHANNEL_SORT_GROUPS: r = cmp_text (a->group, b->group); break;
    case ND_CHANNEL_SORT_MODELS:
      r = cmp_int (nd_channel_count_entries (a->models), nd_channel_count_entries (b->models));
      break;
    case ND_CHANNEL_SORT_TAG: r = cmp_text (a->tag, b->tag); break;
    case ND_CHANNEL_SORT_BALANCE: r = a->balance < b->balance ? -1 : a->balance > b->balance; break;
    case ND_CHANNEL_SORT_RESPONSE:
      /* Untested (0) is not the fastest. */
      r = cmp_int (a->response_time > 0 ? a->response_time : G_MAXINT64,
                   b->response_time > 0 ? b->response_time : G_MAXINT64);
      break;
    case ND_CHANNEL_SORT_TESTED: r = cmp_int (a->test_time, b->test_time); break;
    case ND_CHANNEL_SORT_USED: r = cmp_int (a->used_quota, b->used_quota); break;
    default: break;
    }
  return r != 0 ? r : cmp_int (a->id, b->id);
}

/* ─── health results ────────────────────────────────────────────────────── */

/* A test that ran, runs or waits says more than the stored figures; one
 * that could not run, or was cancelled, leaves them (its icon says why). */
static gboolean
test_shows (NdHealthItem *r)
{
  NdHealthState state = r ? nd_health_item_get_state (r) : ND_HEALTH_SKIPPED;

  return state != ND_HEALTH_SKIPPED && state != ND_HEALTH_CANCELLED;
}

char *
nd_channel_result_text (NdHealthItem *r, gint64 stored_ms)
{
  if (!test_shows (r))
    return nd_channel_response_text (stored_ms);
  switch (nd_health_item_get_state (r))
    {
    case ND_HEALTH_WAITING:
      return g_strdup (_("Waiting"));
    case ND_HEALTH_RUNNING:
      return g_strdup (_("Testing…"));
    case ND_HEALTH_FAILED:
      return g_strdup (_("Failed"));
    default:
      if (nd_health_item_get_latency_ms (r) < 0)
        return g_strdup (_("Worked"));
      /* A local upstream can answer within the millisecond: still tested. */
      return nd_channel_response_text (MAX (nd_health_item_get_latency_ms (r), 1));
    }
}

const char *
nd_channel_result_class (NdHealthItem *r, gint64 stored_ms)
{
  if (!test_shows (r))
    return nd_channel_response_class (stored_ms);
  switch (nd_health_item_get_state (r))
    {
    case ND_HEALTH_WAITING:
    case ND_HEALTH_RUNNING:
      return "untested";
    case ND_HEALTH_FAILED:
      return "bad";
    default:
      /* Worked, time unknown: not a measure of speed. */
      if (nd_health_item_get_latency_ms (r) < 0)
        return "good";
      return nd_channel_response_class (MAX (nd_health_item_get_latency_ms (r), 1));
    }
}

const char *
nd_channel_result_icon (NdHealthItem *r, const char **cls)
{
  *cls = "dim-label";
  if (r == NULL)
    return NULL;
  switch (nd_health_item_get_state (r))
    {
    case ND_HEALTH_WAITING:
    case ND_HEALTH_RUNNING:
      return "content-loading-symbolic";
    case ND_HEALTH_OK:
      *cls = nd_health_item_get_write_error (r) ? "warning" : "success";
      return nd_health_item_get_write_error (r) ? "dialog-warning-symbolic" : "emblem-ok-symbolic";
    case ND_HEALTH_FAILED:
      *cls = "error";
      return "dialog-error-symbolic";
    case ND_HEALTH_SKIPPED:
      *cls = "warning";
      return "action-unavailable-symbolic";
    case ND_HEALTH_CANCELLED:
    default:
      return "media-playback-stop-symbolic";
    }
}

/* What the run did with the result beyond showing it. */
static void
append_written (GString *tip, NdHealthItem *r)
{
  if (nd_health_item_get_recorded (r))
    g_string_append_printf (tip, "\n%s", _("Recorded in the database"));
  if (nd_health_item_get_disabled (r))
    g_string_append_printf (tip, "\n%s", _("Disabled by this test"));
  if (nd_health_item_get_write_error (r) != NULL)
    {
      g_autofree char *masked = nd_mask_text_dup (nd_health_item_get_write_error (r));

      g_string_append_c (tip, '\n');
      g_string_append_printf (tip, _("Not stored: %s"), masked);
    }
}

char *
nd_channel_result_detail (NdHealthItem *r, gboolean balance)
{
  GString *tip = g_string_new (NULL);
  gint64 ms = nd_health_item_get_latency_ms (r);
  g_autofree char *message = nd_mask_text_dup (nd_health_item_get_message (r)
                                               ? nd_health_item_get_message (r) : "");

  switch (nd_health_item_get_state (r))
    {
    case ND_HEALTH_WAITING:
      g_string_append (tip, balance ? _("Waiting for its balance") : _("Waiting to be tested"));
      break;
    case ND_HEALTH_RUNNING:
      g_string_append (tip, balance ? _("Reading its balance…") : _("Testing…"));
      break;
    case ND_HEALTH_OK:
      if (balance)
        g_string_append (tip, *message ? message : _("Balance read just now"));
      else if (ms < 0)
        g_string_append (tip, _("Worked"));
      else
        g_string_append_printf (tip, _("Worked in %" PRId64 " ms"), ms);
      break;
    case ND_HEALTH_FAILED:
      if (ms >= 0)
        g_string_append_printf (tip, _("Failed after %" PRId64 " ms"), ms);
      else
        g_string_append (tip, _("Failed"));
      g_string_append_printf (tip, "\n%s", message);
      break;
    case ND_HEALTH_SKIPPED:
      g_string_append (tip, balance ? _("Balance not read") : _("Not tested"));
      g_string_append_printf (tip, "\n%s", message);
      break;
    case ND_HEALTH_CANCELLED:
    default:
      g_string_append (tip, _("Cancelled before it ran"));
      break;
    }
  append_written (tip, r);
  return g_string_free (tip, FALSE);
}

/* nd-cli-channels.c — `newapi-desk channels`: list, enable, disable, edit
 * (and test, in nd-cli-channels-test.c)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads go to the database when there is one; writes go through NewAPI's
 * API when a URL is given (its caches stay right), else to the database
 * in one audited transaction (nd_source_write_async). A write without
 * --read-write exits 2 before connecting: nothing is sent anywhere.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "nd-cli.h"
#include "nd-cli-channels.h"
#include "nd-cli-facts.h"
#include "nd-time.h"

#define CMD ND_CLI_CHANNELS

gboolean
nd_cli_channels_parse_ids (int argc, char **argv, GArray *ids, GError **error)
{
  for (int i = 1; i < argc; i++)
    {
      char *end = NULL;
      gint64 id = g_ascii_strtoll (argv[i], &end, 10);

      if (end == argv[i] || *end != '\0' || id <= 0)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("“%s” is not a channel id"), argv[i]);
          return FALSE;
        }
      g_array_append_val (ids, id);
    }
  return TRUE;
}

int
nd_cli_channels_connect_status (const GError *error)
{
  return g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ? 2 : 3;
}

static GOptionContext *
context_new (const char *parameters, const char *summary)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
    _("Exit status: 0 done, 1 failed, 2 bad usage (also a change without --read-write), "
      "3 could not connect."));
  return context;
}

/* ---- list --------------------------------------------------------------- */

static void
add_strv (JsonBuilder *b, const char *key, const char *list)
{
  g_auto(GStrv) parts = nd_split_commas (list);

  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; parts[i] != NULL; i++)
    json_builder_add_string_value (b, parts[i]);
  json_builder_end_array (b);
}

static char *
channels_to_json (GPtrArray *channels)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < channels->len; i++)
    {
      const NdChannel *ch = g_ptr_array_index (channels, i);

      json_builder_begin_object (b);
      nd_cli_json_int (b, "id", ch->id);
      nd_cli_json_string (b, "name", ch->name);
      nd_cli_json_int (b, "type", ch->type);
      nd_cli_json_string (b, "type_name", nd_channel_type_name (ch->type));
      nd_cli_json_int (b, "status", ch->status);
      nd_cli_json_string (b, "status_name", nd_channel_status_nick (ch->status));
      nd_cli_json_int (b, "priority", ch->priority);
      nd_cli_json_int (b, "weight", ch->weight);
      add_strv (b, "groups", ch->group);
      add_strv (b, "models", ch->models);
      nd_cli_json_string (b, "tag", ch->tag);
      nd_cli_json_double (b, "balance", ch->balance);
      nd_cli_json_int (b, "balance_updated_time", ch->balance_updated_time);
      nd_cli_json_int (b, "response_time_ms", ch->response_time);
      nd_cli_json_int (b, "test_time", ch->test_time);
      nd_cli_json_int (b, "used_quota", ch->used_quota);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return nd_cli_json_to_data (b);
}

/* Columns line up by display width (a CJK character takes two). */
static void
append_cell (GString *out, const char *text, int width, gboolean right)
{
  int w = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    w += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  if (right)
    for (; w < width; w++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (; w < width; w++)
      g_string_append_c (out, ' ');
  g_string_append (out, "  ");
}

static char *
channels_to_text (GPtrArray *channels)
{
  g_autoptr(GString) out = g_string_new (NULL);

  append_cell (out, _("ID"), 5, TRUE);
  append_cell (out, _("Status"), 17, FALSE);
  append_cell (out, _("Type"), 12, FALSE);
  append_cell (out, _("Priority"), 8, TRUE);
  append_cell (out, _("Weight"), 6, TRUE);
  append_cell (out, _("Balance"), 10, TRUE);
  append_cell (out, _("Response"), 9, TRUE);
  append_cell (out, _("Tested"), 16, FALSE);
  g_string_append_printf (out, "%s\n", _("Name"));
  for (guint i = 0; i < channels->len; i++)
    {
      const NdChannel *ch = g_ptr_array_index (channels, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ch->id);
      g_autofree char *prio = g_strdup_printf ("%" G_GINT64_FORMAT, ch->priority);
      g_autofree char *weight = g_strdup_printf ("%" G_GINT64_FORMAT, ch->weight);
      g_autofree char *balance = g_strdup_printf ("%.2f", ch->balance);
      g_autofree char *resp = ch->response_time > 0
        ? g_strdup_printf ("%" G_GINT64_FORMAT " ms", ch->response_time) : g_strdup ("–");
      g_autofree char *tested = NULL;

      if (ch->test_time > 0)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (ch->test_time);

          tested = g_date_time_format (dt, "%Y-%m-%d %H:%M");
        }
      append_cell (out, id, 5, TRUE);
      append_cell (out, nd_channel_status_nick (ch->status), 17, FALSE);
      append_cell (out, nd_channel_type_name (ch->type), 12, FALSE);
      append_cell (out, prio, 8, TRUE);
      append_cell (out, weight, 6, TRUE);
      append_cell (out, balance, 10, TRUE);
      append_cell (out, resp, 9, TRUE);
      append_cell (out, tested ? tested : "–", 16, FALSE);
      g_string_append_printf (out, "%s\n", ch->name ? ch->name : "");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
by_id (gconstpointer a, gconstpointer b)
{
  const NdChannel *x = *(const NdChannel * const *) a;
  const NdChannel *y = *(const NdChannel * const *) b;

  return (x->id > y->id) - (x->id < y->id);
}

static int
channels_list (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON (no key is ever printed)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = context_new (NULL, _("Lists every channel."));
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = nd_cli_fail (CMD, error, 2);
  else if (argc > 1)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Unexpected argument “%s”"),
                   argv[1]);
      status = nd_cli_fail (CMD, error, 2);
    }
  else if ((source = nd_cli_connect (&opts, &error)) == NULL)
    status = nd_cli_fail (CMD, error, nd_cli_channels_connect_status (error));
  else
    {
      nd_source_list_channels_async (source, NULL, nd_cli_store_result, &res);
      channels = nd_source_list_channels_finish (source, nd_cli_wait (&res), &error);
      if (channels == NULL)
        status = nd_cli_fail (CMD, error, 1);
      else
        {
          /* NewAPI's API lists newest first; both sources print by id. */
          g_ptr_array_sort (channels, by_id);
          out = json ? channels_to_json (channels) : channels_to_text (channels);
          fputs (out, stdout);
          if (json)
            fputc ('\n', stdout);
          status = fflush (stdout) == 0 ? 0 : 1;
        }
    }
  nd_cli_options_clear (&opts);
  return status;
}

/* ---- writes ------------------------------------------------------------- */

typedef enum { DONE_ENABLED, DONE_DISABLED, DONE_CHANGED } Done;

static void
print_done (Done done, gint64 n)
{
  switch (done)
    {
    case DONE_ENABLED:
      printf (g_dngettext (GETTEXT_PACKAGE, "Enabled %" PRId64 " channel.",
                           "Enabled %" PRId64 " channels.", (gulong) n), n);
      break;
    case DONE_DISABLED:
      printf (g_dngettext (GETTEXT_PACKAGE, "Disabled %" PRId64 " channel.",
                           "Disabled %" PRId64 " channels.", (gulong) n), n);
      break;
    case DONE_CHANGED:
    default:
      printf (g_dngettext (GETTEXT_PACKAGE, "Changed %" PRId64 " channel.",
                           "Changed %" PRId64 " channels.", (gulong) n), n);
      break;
    }
  fputc ('\n', stdout);
}

/* Runs @write on the management source; 0, or the exit status. */
static int
run_write (NdCliOptions *opts, NdWrite *write, Done done)
{
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Bad input is refused before anything connects. */
  if (!nd_write_validate (write, NULL, &error))
    return nd_cli_fail (CMD, error, 2);
  source = nd_cli_connect_manage (opts, &error);
  if (source == NULL)
    return nd_cli_fail (CMD, error, nd_cli_channels_connect_status (error));
  nd_source_write_async (source, write, NULL, nd_cli_store_result, &res);
  result = nd_source_write_finish (source, nd_cli_wait (&res), &error);
  if (result == NULL)
    return nd_cli_fail (CMD, error, 1);
  print_done (done, result->changed);
  if (result->notice != NULL)
    fprintf (stderr, "%s\n", result->notice);
  if (result->audit_error != NULL)
    {
      fprintf (stderr, "newapi-desk %s: %s\n", CMD, result->audit_error);
      return 1;
    }
  return 0;
}

static int
channels_status (int argc, char **argv, int new_status)
{
  NdCliOptions opts = { 0 };
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Why (stored as the channel’s status reason over the database)"), "TEXT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(NdWrite) write = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (new_status == ND_CHANNEL_STATUS_ENABLED)
    context = context_new (_("ID…"), _("Enables channels."));
  else
    {
      context = context_new (_("ID…"), _("Disables channels (manually disabled, status 2)."));
      g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    }
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  nd_cli_options_add_write (&opts, context);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !nd_cli_channels_parse_ids (argc, argv, ids, &error))
    status = nd_cli_fail (CMD, error, 2);
  else if (ids->len == 0)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Name at least one channel id"));
      status = nd_cli_fail (CMD, error, 2);
    }
  else if (!nd_cli_check_read_write (&opts, CMD))
    status = 2;
  else
    {
      /* Without a reason the write path stores NewAPI's own ("manual
       * operation", "manual batch operation"). */
      write = nd_write_channel_status_new ((const gint64 *) ids->data, ids->len, new_status,
                                           reason);
      status = run_write (&opts, write, new_status == ND_CHANNEL_STATUS_ENABLED
                                        ? DONE_ENABLED : DONE_DISABLED);
    }
  nd_cli_options_clear (&opts);
  return status;
}

static gboolean
parse_int_option (const char *text, const char *option, gint64 *out, GError **error)
{
  char *end = NULL;

  *out = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("%s takes a whole number, not “%s”"),
               option, text);
  return FALSE;
}

static int
channels_edit (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  g_autofree char *priority = NULL, *weight = NULL, *models = NULL, *groups = NULL, *tag = NULL;
  const GOptionEntry entries[] = {
    { "priority", 0, 0, G_OPTION_ARG_STRING, &priority, N_("Priority (higher first)"), "N" },
    { "weight", 0, 0, G_OPTION_ARG_STRING, &weight, N_("Weight within the priority"), "N" },
    { "models", 0, 0, G_OPTION_ARG_STRING, &models, N_("Models, comma separated"), "A,B" },
    { "groups", 0, 0, G_OPTION_ARG_STRING, &groups, N_("Groups, comma separated"), "G,H" },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag, N_("Tag (\"\" clears it)"), "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    context_new (_("ID"), _("Changes a channel’s priority, weight, models, groups or tag; "
                            "its abilities are rebuilt as NewAPI rebuilds them."));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(NdChannelEdit) edit = nd_channel_edit_new ();
  g_autoptr(NdWrite) write = NULL;
  g_autoptr(GError) error = NULL;
  int status = 2;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  nd_cli_options_add_write (&opts, context);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !nd_cli_channels_parse_ids (argc, argv, ids, &error) ||
      (priority != NULL && !parse_int_option (priority, "--priority", &edit->priority, &error)) ||
      (weight != NULL && !parse_int_option (weight, "--weight", &edit->weight, &error)))
    goto fail;
  if (ids->len != 1)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Name exactly one channel id"));
      goto fail;
    }
  edit->mask = (priority ? ND_CHANNEL_FIELD_PRIORITY : 0) | (weight ? ND_CHANNEL_FIELD_WEIGHT : 0) |
               (models ? ND_CHANNEL_FIELD_MODELS : 0) | (groups ? ND_CHANNEL_FIELD_GROUP : 0) |
               (tag ? ND_CHANNEL_FIELD_TAG : 0);
  if (edit->mask == 0)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Say what to change: --priority, --weight, --models, --groups or --tag"));
      goto fail;
    }
  edit->models = g_steal_pointer (&models);
  edit->group = g_steal_pointer (&groups);
  edit->tag = g_steal_pointer (&tag);
  if (!nd_cli_check_read_write (&opts, CMD))
    goto out;
  write = nd_write_channel_update_new (g_array_index (ids, gint64, 0), g_steal_pointer (&edit));
  status = run_write (&opts, write, DONE_CHANGED);
  goto out;
fail:
  status = nd_cli_fail (CMD, error, 2);
out:
  nd_cli_options_clear (&opts);
  return status;
}

/* ---- dispatch ----------------------------------------------------------- */

static int
usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: newapi-desk channels COMMAND [OPTIONS…]"));
  fprintf (out, "\n%s\n", _("Commands:"));
  fprintf (out, "  list      %s\n", _("List every channel (--json for scripts)"));
  fprintf (out, "  enable    %s\n", _("Enable channels: ID… --read-write"));
  fprintf (out, "  disable   %s\n", _("Disable channels: ID… --read-write [--reason TEXT]"));
  fprintf (out, "  edit      %s\n", _("Change priority, weight, models, groups or tag"));
  fprintf (out, "  test      %s\n", _("Test channels’ upstreams: ID… or --all"));
  fprintf (out, "\n%s\n", _("Each command has --help."));
  return out == stdout ? 0 : 2;
}

int
nd_cli_channels (int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : NULL;

  if (sub == NULL)
    return usage (stderr);
  if (g_str_equal (sub, "--help") || g_str_equal (sub, "-h") || g_str_equal (sub, "help"))
    return usage (stdout);
  /* The subcommand sees itself as argv[0] so its --help reads right. */
  if (g_str_equal (sub, "list"))
    return channels_list (argc - 1, argv + 1);
  if (g_str_equal (sub, "enable"))
    return channels_status (argc - 1, argv + 1, ND_CHANNEL_STATUS_ENABLED);
  if (g_str_equal (sub, "disable"))
    return channels_status (argc - 1, argv + 1, ND_CHANNEL_STATUS_MANUALLY_DISABLED);
  if (g_str_equal (sub, "edit"))
    return channels_edit (argc - 1, argv + 1);
  if (g_str_equal (sub, "test"))
    return nd_cli_channels_test (argc - 1, argv + 1);
  fprintf (stderr, "newapi-desk %s: ", CMD);
  fprintf (stderr, _("unknown command “%s”"), sub);
  fputc ('\n', stderr);
  usage (stderr);
  return 2;
}

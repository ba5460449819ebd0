/* nd-cli-common.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "nd-cli-common.h"
#include "http/nd-http-source.h"
#include "pg/nd-pg-source.h"
#include "nd-profile.h"
#include "nd-time.h"

void
nd_cli_options_add (NdCliOptions *opts, GOptionContext *context,
                    gboolean with_range, gboolean with_filters)
{
  const GOptionEntry conn[] = {
    { "dsn", 0, 0, G_OPTION_ARG_STRING, &opts->dsn,
      N_("PostgreSQL connection string of NewAPI’s database"), "URL" },
    { "log-dsn", 0, 0, G_OPTION_ARG_STRING, &opts->log_dsn,
      N_("Connection string of a separate log database (LOG_SQL_DSN)"), "URL" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &opts->url,
      N_("Address of a running NewAPI (token from NEWAPI_DESK_TOKEN)"), "URL" },
    { "user-id", 0, 0, G_OPTION_ARG_INT64, &opts->user_id,
      N_("NewAPI user id that owns the access token"), "N" },
    { NULL }
  };
  const GOptionEntry range[] = {
    { "range", 0, 0, G_OPTION_ARG_STRING, &opts->range,
      N_("Time range ending now: 24h, 7d or 30d"), "RANGE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &opts->from_text,
      N_("Start, inclusive (unix seconds or ISO 8601)"), "T" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &opts->to_text,
      N_("End, exclusive (unix seconds or ISO 8601)"), "T" },
    { NULL }
  };
  const GOptionEntry filters[] = {
    { "type", 0, 0, G_OPTION_ARG_INT, &opts->type,
      N_("Log type (1 top-up, 2 consume, 3 manage, 4 system, 5 error, 6 refund, 7 login)"), "N" },
    { "username", 0, 0, G_OPTION_ARG_STRING, &opts->username, N_("Exact user name"), "S" },
    { "token-name", 0, 0, G_OPTION_ARG_STRING, &opts->token_name, N_("Exact token name"), "S" },
    { "model", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->models,
      N_("Model name (repeatable)"), "S" },
    { "channel", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->channels,
      N_("Channel id (repeatable)"), "ID" },
    { "group", 0, 0, G_OPTION_ARG_STRING, &opts->group, N_("Group"), "S" },
    { "ip", 0, 0, G_OPTION_ARG_STRING, &opts->ip, N_("Client IP"), "S" },
    { "request-id", 0, 0, G_OPTION_ARG_STRING, &opts->request_id, N_("Request id"), "S" },
    { NULL }
  };
  GOptionGroup *group;

  group = g_option_group_new ("connection", _("Connection options:"),
                              _("Show connection options"), NULL, NULL);
  g_option_group_add_entries (group, conn);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_add_group (context, group);
  if (with_range)
    {
      group = g_option_group_new ("range", _("Range options:"), _("Show range options"), NULL, NULL);
      g_option_group_add_entries (group, range);
      g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
      g_option_context_add_group (context, group);
    }
  if (with_filters)
    {
      group = g_option_group_new ("filters", _("Filter options:"), _("Show filter options"),
                                  NULL, NULL);
      g_option_group_add_entries (group, filters);
      g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
      g_option_context_add_group (context, group);
    }
}

void
nd_cli_options_clear (NdCliOptions *opts)
{
  g_free (opts->dsn);
  g_free (opts->log_dsn);
  g_free (opts->url);
  g_free (opts->range);
  g_free (opts->from_text);
  g_free (opts->to_text);
  g_free (opts->username);
  g_free (opts->token_name);
  g_strfreev (opts->models);
  g_strfreev (opts->channels);
  g_free (opts->group);
  g_free (opts->ip);
  g_free (opts->request_id);
  memset (opts, 0, sizeof *opts);
}

gboolean
nd_cli_parse_time (const char *text, gint64 *out, GError **error)
{
  if (nd_time_parse (text, out))
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
               _("“%s” is not a time: use unix seconds or ISO 8601 like 2026-01-31T08:00:00+08:00"),
               text ? text : "");
  return FALSE;
}

gboolean
nd_cli_options_get_range (NdCliOptions *opts, gint64 now, const char *default_range,
                          gint64 *from, gint64 *to, GError **error)
{
  const char *range = opts->range;

  *from = 0;
  *to = 0;
  if (range != NULL && (opts->from_text != NULL || opts->to_text != NULL))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Use either --range or --from/--to, not both"));
      return FALSE;
    }
  if (range == NULL && opts->from_text == NULL && opts->to_text == NULL)
    range = default_range;

  if (range != NULL)
    {
      gint64 span;

      if (g_str_equal (range, "24h"))
        span = 24 * 3600;
      else if (g_str_equal (range, "7d"))
        span = 7 * 86400;
      else if (g_str_equal (range, "30d"))
        span = 30 * 86400;
      else
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("Unknown range “%s”: use 24h, 7d or 30d"), range);
          return FALSE;
        }
      *to = now + 1;
      *from = *to - span;
      return TRUE;
    }

  if (opts->from_text != NULL && !nd_cli_parse_time (opts->from_text, from, error))
    return FALSE;
  if (opts->to_text != NULL && !nd_cli_parse_time (opts->to_text, to, error))
    return FALSE;
  if (*from != 0 && *to != 0 && *from >= *to)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("--from must be before --to (the range is [from, to))"));
      return FALSE;
    }
  return TRUE;
}

NdLogQuery *
nd_cli_options_to_query (NdCliOptions *opts, gint64 now, GError **error)
{
  g_autoptr(NdLogQuery) q = nd_log_query_new ();

  if (!nd_cli_options_get_range (opts, now, NULL, &q->from, &q->to, error))
    return NULL;
  if (opts->type < 0 || opts->type > 7)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("--type must be between 0 and 7"));
      return NULL;
    }
  q->type = opts->type;
  q->username = g_strdup (opts->username);
  q->token_name = g_strdup (opts->token_name);
  q->group = g_strdup (opts->group);
  q->ip = g_strdup (opts->ip);
  q->request_id = g_strdup (opts->request_id);
  for (guint i = 0; opts->models && opts->models[i]; i++)
    nd_log_query_add_model (q, opts->models[i]);
  for (guint i = 0; opts->channels && opts->channels[i]; i++)
    {
      char *end = NULL;
      gint64 id = g_ascii_strtoll (opts->channels[i], &end, 10);

      if (end == opts->channels[i] || *end != '\0' || id <= 0)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("--channel takes a channel id, not “%s”"), opts->channels[i]);
          return NULL;
        }
      nd_log_query_add_channel (q, id);
    }
  return g_steal_pointer (&q);
}

void
nd_cli_store_result (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

GAsyncResult *
nd_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

int
nd_cli_fail (const char *command, const GError *error, int code)
{
  fprintf (stderr, "newapi-desk %s: %s\n", command, error ? error->message : _("failed"));
  return code;
}

void
nd_cli_options_add_write (NdCliOptions *opts, GOptionContext *context)
{
  const GOptionEntry write[] = {
    { "read-write", 0, 0, G_OPTION_ARG_NONE, &opts->read_write,
      N_("Allow this command to change the gateway (without it nothing is changed)"), NULL },
    { "act-as", 0, 0, G_OPTION_ARG_INT64, &opts->act_as,
      N_("NewAPI administrator the audit log names for database writes (default: the first "
         "root user)"), "ID" },
    { NULL }
  };

  g_option_context_add_main_entries (context, write, GETTEXT_PACKAGE);
}

gboolean
nd_cli_check_read_write (NdCliOptions *opts, const char *command)
{
  if (opts->read_write)
    return TRUE;
  fprintf (stderr, "newapi-desk %s: %s\n", command,
           _("this changes the gateway; nothing was changed. Run it again with --read-write "
             "to allow it."));
  return FALSE;
}

static NdSource *
connect_source (NdCliOptions *opts, gboolean prefer_api, gboolean writable, GError **error)
{
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  gboolean use_api = opts->url != NULL && (opts->dsn == NULL || prefer_api);

  if (opts->dsn != NULL && !use_api)
    {
      if (!nd_profile_validate_dsn (opts->dsn, TRUE, error) ||
          !nd_profile_validate_dsn (opts->log_dsn, FALSE, error))
        return NULL;
      source = nd_pg_source_new (opts->dsn, NULL, opts->log_dsn, NULL, !writable);
      nd_pg_source_set_operator_id (ND_PG_SOURCE (source), opts->act_as);
    }
  else if (use_api)
    {
      const char *token = g_getenv ("NEWAPI_DESK_TOKEN");

      if (!nd_profile_validate_url (opts->url, error))
        return NULL;
      if (opts->user_id <= 0)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("--url needs --user-id (the NewAPI user that owns the token)"));
          return NULL;
        }
      if (token == NULL || *token == '\0')
        {
          g_set_error (error, ND_ERROR, ND_ERROR_AUTH,
                       _("Set NEWAPI_DESK_TOKEN to an access token of user %" PRId64),
                       opts->user_id);
          return NULL;
        }
      source = nd_http_source_new (opts->url, opts->user_id, token, !writable);
    }
  else
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Say where NewAPI is: --dsn URL (database) or --url URL --user-id N (admin API)"));
      return NULL;
    }

  nd_source_probe_async (source, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  info = nd_source_probe_finish (source, res, error);
  if (info == NULL)
    return NULL;
  return g_steal_pointer (&source);
}

NdSource *
nd_cli_connect (NdCliOptions *opts, GError **error)
{
  /* Analytics and logs read the database when there is one; the URL is
   * only for writes. Reading commands never write. */
  return connect_source (opts, FALSE, FALSE, error);
}

NdSource *
nd_cli_connect_manage (NdCliOptions *opts, GError **error)
{
  return connect_source (opts, TRUE, opts->read_write, error);
}

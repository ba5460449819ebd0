/* nd-cli-tokens.c — `newapi-desk tokens`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   newapi-desk tokens list [--json] [--user ID]   (+ the connection options)
 *
 * Over the database every user's tokens; over NewAPI's API only the
 * connected account's own (NewAPI has no admin endpoint for others'). The
 * status is worked out as NewAPI would (expired, exhausted) because a
 * server with Redis leaves 1 in the database. Keys appear only masked, as
 * NewAPI masks them.
 *
 * Exit status: 0 done, 1 failed, 2 bad usage, 3 could not connect.
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "nd-cli.h"
#include "nd-cli-manage.h"
#include "nd-json.h"

#define CMD "tokens"

static void
add_token_json (JsonBuilder *b, const NdToken *t)
{
  json_builder_begin_object (b);
  nd_json_add_int (b, "id", t->id);
  nd_json_add_int (b, "user_id", t->user_id);
  nd_json_add_str (b, "username", t->username);
  nd_json_add_str (b, "name", t->name ? t->name : "");
  nd_json_add_int (b, "status", t->status);
  nd_json_add_str (b, "effective_status", nd_token_status_nick (t->effective_status));
  nd_json_add_int (b, "remain_quota", t->remain_quota);
  nd_json_add_int (b, "used_quota", t->used_quota);
  nd_json_add_bool (b, "unlimited_quota", t->unlimited_quota);
  nd_json_add_int (b, "expired_time", t->expired_time);
  nd_json_add_int (b, "accessed_time", t->accessed_time);
  nd_json_add_str (b, "group", t->group ? t->group : "");
  nd_json_add_bool (b, "model_limits_enabled", t->model_limits_enabled);
  nd_json_add_str (b, "model_limits", t->model_limits ? t->model_limits : "");
  nd_json_add_str (b, "allow_ips", t->allow_ips ? t->allow_ips : "");
  nd_json_add_str (b, "key_masked", t->masked_key ? t->masked_key : "");
  json_builder_end_object (b);
}

static void
print_table (GPtrArray *tokens)
{
  g_autoptr(GString) out = g_string_new (NULL);

  nd_cli_append_cell (out, _("ID"), 8);
  nd_cli_append_cell (out, _("Owner"), 18);
  nd_cli_append_cell (out, _("Name"), 20);
  nd_cli_append_cell (out, _("Status"), 11);
  nd_cli_append_cell (out, _("Remaining"), 14);
  nd_cli_append_cell (out, _("Used"), 14);
  nd_cli_append_cell (out, _("Expires"), 18);
  g_string_append_printf (out, "%s\n", _("Key"));
  for (guint i = 0; i < tokens->len; i++)
    {
      const NdToken *t = g_ptr_array_index (tokens, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, t->id);
      g_autofree char *owner = t->username ? g_strdup (t->username)
                                           : g_strdup_printf ("#%" G_GINT64_FORMAT, t->user_id);
      g_autofree char *remain = t->unlimited_quota ? g_strdup (_("unlimited"))
                                : g_strdup_printf ("%" G_GINT64_FORMAT, t->remain_quota);
      g_autofree char *used = g_strdup_printf ("%" G_GINT64_FORMAT, t->used_quota);
      g_autofree char *expires = nd_cli_format_time (t->expired_time, _("never"));

      nd_cli_append_cell (out, id, 8);
      nd_cli_append_cell (out, owner, 18);
      nd_cli_append_cell (out, t->name, 20);
      nd_cli_append_cell (out, nd_token_status_nick (t->effective_status), 11);
      nd_cli_append_cell (out, remain, 14);
      nd_cli_append_cell (out, used, 14);
      nd_cli_append_cell (out, expires, 18);
      g_string_append_printf (out, "%s\n", t->masked_key ? t->masked_key : "");
    }
  fputs (out->str, stdout);
}

static int
tokens_list (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  gboolean json = FALSE;
  gint64 user = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array instead of a table"), NULL },
    { "user", 0, 0, G_OPTION_ARG_INT64, &user, N_("Only the tokens of this user id"), "ID" },
    { NULL }
  };
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  NdListQuery query = { 0 };
  int status = 0;

  if (!nd_cli_parse_manage (&opts, entries, _("— list API tokens"),
      _("Over the database every user’s tokens; over NewAPI’s API only the connected account’s "
        "own. Keys are shown masked.\n"
        "Exit status: 0 done, 1 failed, 2 bad usage, 3 could not connect."),
                            FALSE, CMD " list", &argc, &argv))
    {
      status = 2;
      goto out;
    }
  if (user < 0)
    {
      g_set_error_literal (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("--user takes a user id"));
      status = nd_cli_fail (CMD " list", error, 2);
      goto out;
    }

  source = nd_cli_connect (&opts, &error);
  if (source == NULL)
    {
      status = nd_cli_fail (CMD, error, nd_cli_connect_status (error));
      goto out;
    }
  query.user_id = user;
  tokens = nd_cli_list_all (source, nd_source_list_tokens_async, &query, &error);
  if (tokens == NULL)
    {
      status = nd_cli_fail (CMD, error, 1);
      goto out;
    }
  if (!nd_server_info_has (nd_source_get_info (source), ND_CAP_TOKENS_ALL_USERS))
    fprintf (stderr, "%s\n",
             _("Note: NewAPI’s API lists only the connected account’s own tokens; connect the "
               "database (--dsn) to see every user’s."));

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < tokens->len; i++)
        add_token_json (b, g_ptr_array_index (tokens, i));
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      nd_cli_print_json (root);
    }
  else
    print_table (tokens);

out:
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}

int
nd_cli_tokens (int argc, char **argv)
{
  static const NdCliVerb verbs[] = {
    { "list", tokens_list, N_("List tokens with their status and masked keys") },
  };

  return nd_cli_run_verb (CMD, verbs, G_N_ELEMENTS (verbs), argc, argv);
}

/* nd-cli-users.c — `newapi-desk users`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   newapi-desk users list [--json] [--search S] [--deleted]
 *   newapi-desk users quota ID (--add N | --subtract N | --set N) [--reason TEXT] --read-write
 *   newapi-desk users enable ID… --read-write
 *   newapi-desk users disable ID… --read-write
 *
 * With the usual connection options; writes go through the API when both
 * --dsn and --url are given (NewAPI's caches stay right). N is in quota
 * units. No output carries a password hash, an access token or an OAuth
 * id: NdUser holds none of them.
 *
 * Exit status: 0 done, 1 the server refused or failed (nothing changed
 * for a refusal), 2 bad usage or no --read-write (nothing changed),
 * 3 could not connect.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "nd-cli.h"
#include "nd-cli-common.h"

#define CMD "users"
/* Users a list request asks for (NewAPI's API answers 100 at a time). */
#define PAGE 500

static const struct { NdUserBindings bit; const char *name; } binding_names[] = {
  { ND_USER_BINDING_GITHUB, "github" }, { ND_USER_BINDING_DISCORD, "discord" },
  { ND_USER_BINDING_OIDC, "oidc" }, { ND_USER_BINDING_WECHAT, "wechat" },
  { ND_USER_BINDING_TELEGRAM, "telegram" }, { ND_USER_BINDING_LINUX_DO, "linux_do" },
};

static int
usage (const char *message)
{
  fprintf (stderr, "newapi-desk %s: %s\n", CMD, message);
  fprintf (stderr, "%s\n", _("Usage: newapi-desk users list|quota|enable|disable … "
                             "(newapi-desk users COMMAND --help)"));
  return 2;
}

/* 2 for what the user can fix by asking differently, 3 when nothing
 * could be reached, else 1. */
static int
fail (const GError *error, gboolean connecting)
{
  if (g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ||
      g_error_matches (error, ND_ERROR, ND_ERROR_READ_ONLY))
    return nd_cli_fail (CMD, error, 2);
  return nd_cli_fail (CMD, error, connecting ? 3 : 1);
}

/* ---- list ------------------------------------------------------------------ */

static char *
user_json (const NdUser *u)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  const struct { const char *name; gint64 value; } numbers[] = {
    { "id", u->id }, { "role", u->role }, { "status", u->status }, { "quota", u->quota },
    { "used_quota", u->used_quota }, { "request_count", u->request_count },
    { "created_at", u->created_at }, { "last_login_at", u->last_login_at },
    { "deleted_at", u->deleted_at },
  };

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      json_builder_set_member_name (b, numbers[i].name);
      json_builder_add_int_value (b, numbers[i].value);
    }
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, u->username ? u->username : "");
  json_builder_set_member_name (b, "display_name");
  json_builder_add_string_value (b, u->display_name ? u->display_name : "");
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, u->email ? u->email : "");
  json_builder_set_member_name (b, "group");
  json_builder_add_string_value (b, u->group ? u->group : "");
  json_builder_set_member_name (b, "remark");
  json_builder_add_string_value (b, u->remark ? u->remark : "");
  json_builder_set_member_name (b, "deleted");
  json_builder_add_boolean_value (b, u->deleted);
  json_builder_set_member_name (b, "bindings");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (binding_names); i++)
    if (u->bindings & binding_names[i].bit)
      json_builder_add_string_value (b, binding_names[i].name);
  json_builder_end_array (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  return json_to_string (node, FALSE);
}

static void
print_row (const NdUser *u, const NdMoney *money)
{
  g_autofree char *quota = nd_money_format_full (money, u->quota);
  g_autofree char *used = nd_money_format_full (money, u->used_quota);
  const char *state = u->deleted ? _("deleted") : u->status == 1 ? _("enabled") : _("disabled");

  printf ("%8" G_GINT64_FORMAT "  %-20s  %-20s  %-7s  %-8s  %-12s  %14s  %14s  %10" G_GINT64_FORMAT "\n",
          u->id, u->username ? u->username : "", u->display_name ? u->display_name : "",
          nd_user_role_nick (u->role), state, u->group ? u->group : "", quota, used,
          u->request_count);
}

static int
cmd_list (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  gboolean json = FALSE, deleted = FALSE;
  g_autofree char *search = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array, one object per user"), NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only users whose name, display name or email contains S, or whose id is S"), "S" },
    { "deleted", 0, 0, G_OPTION_ARG_NONE, &deleted, N_("Only the deleted users"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the gateway’s users"));
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GError) error = NULL;
  NdListQuery q = { .limit = PAGE };
  guint printed = 0;
  int status = 0;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Every user is listed, deleted ones marked (NewAPI keeps them), newest first.\n"
      "Exit status: 0 done, 1 failed, 2 bad usage, 3 could not connect."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }
  if (argc > 1)
    {
      status = usage (argv[1]);
      goto out;
    }
  source = nd_cli_connect (&opts, &error);
  if (source == NULL)
    {
      status = fail (error, TRUE);
      goto out;
    }
  q.search = search;
  q.deleted = deleted ? ND_LIST_DELETED_ONLY : ND_LIST_DELETED_INCLUDE;
  if (json)
    printf ("[");
  while (TRUE)
    {
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(NdListPage) page = NULL;

      nd_source_list_users_async (source, &q, NULL, nd_cli_store_result, &res);
      nd_cli_wait (&res);
      page = nd_source_list_finish (source, res, &error);
      if (page == NULL)
        {
          if (json)
            printf ("]\n");
          status = fail (error, FALSE);
          goto out;
        }
      for (guint i = 0; i < page->items->len; i++)
        {
          NdUser *u = g_ptr_array_index (page->items, i);

          if (json)
            {
              g_autofree char *text = user_json (u);

              printf ("%s\n%s", printed ? "," : "", text);
            }
          else
            print_row (u, nd_source_get_info (source)->money);
          printed++;
        }
      if (page->items->len < q.limit || (page->total >= 0 && printed >= page->total))
        break;
      q.offset += page->items->len;
    }
  if (json)
    printf ("%s]\n", printed ? "\n" : "");

out:
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}

/* ---- writes ---------------------------------------------------------------- */

static gboolean
parse_id (const char *text, gint64 *id)
{
  char *end = NULL;

  *id = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0' && *id > 0;
}

/* Validates (nothing needs the server), connects for writing, runs @write
 * and says what happened: notices and a missed audit row on stderr. */
static int
run_write (NdCliOptions *opts, NdWrite *write, NdSource **out_source)
{
  g_autoptr(NdWrite) owned = write;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!nd_write_validate (write, NULL, &error))
    return nd_cli_fail (CMD, error, 2);
  if (!nd_cli_check_read_write (opts, CMD))
    return 2;
  source = nd_cli_connect_manage (opts, &error);
  if (source == NULL)
    return fail (error, TRUE);
  nd_source_write_async (source, write, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  result = nd_source_write_finish (source, res, &error);
  if (result == NULL)
    {
      nd_source_close (source);
      return fail (error, FALSE);
    }
  if (result->notice != NULL)
    fprintf (stderr, "%s\n", result->notice);
  if (result->audit_error != NULL)
    fprintf (stderr, "newapi-desk %s: %s\n", CMD, result->audit_error);
  *out_source = g_steal_pointer (&source);
  return 0;
}

static int
cmd_quota (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  g_autofree char *add = NULL, *subtract = NULL, *set = NULL, *reason = NULL;
  const GOptionEntry entries[] = {
    { "add", 0, 0, G_OPTION_ARG_STRING, &add, N_("Add N quota units"), "N" },
    { "subtract", 0, 0, G_OPTION_ARG_STRING, &subtract, N_("Subtract N quota units"), "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING, &set, N_("Set the balance to N quota units"), "N" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Why (kept in the audit log over PostgreSQL)"), "TEXT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID — change a user’s balance"));
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) source = NULL;
  NdQuotaMode mode;
  const char *amount_text;
  gint64 id, amount;
  char *end = NULL;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Add and subtract change the balance relatively, even while NewAPI charges the user; "
      "set replaces it. N is in quota units (500000 = 1 USD by default).\n"
      "Exit status: 0 done, 1 refused or failed, 2 bad usage (nothing changed), "
      "3 could not connect."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  nd_cli_options_add_write (&opts, context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }
  if (argc != 2 || !parse_id (argv[1], &id))
    {
      status = usage (_("quota takes exactly one user id"));
      goto out;
    }
  if ((add != NULL) + (subtract != NULL) + (set != NULL) != 1)
    {
      status = usage (_("say one of --add N, --subtract N or --set N"));
      goto out;
    }
  mode = add ? ND_QUOTA_ADD : subtract ? ND_QUOTA_SUBTRACT : ND_QUOTA_SET;
  amount_text = add ? add : subtract ? subtract : set;
  amount = g_ascii_strtoll (amount_text, &end, 10);
  if (end == amount_text || *end != '\0')
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a whole number of quota units"),
                                                  amount_text);

      status = usage (message);
      goto out;
    }
  status = run_write (&opts, nd_write_user_quota_new (id, mode, amount, reason), &source);
  if (status == 0)
    {
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(NdUser) user = NULL;

      nd_source_get_user_async (source, id, NULL, nd_cli_store_result, &res);
      nd_cli_wait (&res);
      user = nd_source_get_user_finish (source, res, NULL);
      if (user != NULL)
        {
          g_autofree char *balance = nd_money_format_full (nd_source_get_info (source)->money,
                                                           user->quota);

          printf (_("User #%" PRId64 " (%s) now has %s (%" PRId64 " quota units).\n"), id,
                  user->username, balance, user->quota);
        }
      else
        printf (_("The balance of user #%" PRId64 " was changed.\n"), id);
    }

out:
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}

static int
cmd_status (int argc, char **argv, gboolean enable)
{
  NdCliOptions opts = { 0 };
  g_autoptr(GOptionContext) context =
    g_option_context_new (enable ? _("ID… — let users sign in and use their tokens again")
                                 : _("ID… — stop users from signing in and using their tokens"));
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("All the users change, or none does.\n"
      "Exit status: 0 done, 1 refused or failed, 2 bad usage (nothing changed), "
      "3 could not connect."));
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  nd_cli_options_add_write (&opts, context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }
  for (int i = 1; i < argc; i++)
    {
      gint64 id;

      if (!parse_id (argv[i], &id))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a user id"), argv[i]);

          status = usage (message);
          goto out;
        }
      g_array_append_val (ids, id);
    }
  if (ids->len == 0)
    {
      status = usage (_("say which users: one or more ids"));
      goto out;
    }
  status = run_write (&opts, nd_write_user_status_new ((gint64 *) ids->data, ids->len,
                                                       enable ? 1 : 2), &source);
  if (status == 0)
    printf (enable ? g_dngettext (GETTEXT_PACKAGE, "%u user is enabled.\n",
                                  "%u users are enabled.\n", ids->len)
                   : g_dngettext (GETTEXT_PACKAGE, "%u user is disabled.\n",
                                  "%u users are disabled.\n", ids->len), ids->len);

out:
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}

int
nd_cli_users (int argc, char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      printf ("%s\n\n", _("Usage: newapi-desk users COMMAND [OPTIONS…]"));
      printf ("  list      %s\n", _("List users (--json, --search S, --deleted)"));
      printf ("  quota     %s\n", _("Change a balance: ID --add N | --subtract N | --set N"));
      printf ("  enable    %s\n", _("Enable users: ID…"));
      printf ("  disable   %s\n", _("Disable users: ID…"));
      return argc < 2 ? 2 : 0;
    }
  {
    const char *command = argv[1];
    g_autofree char *name = g_strconcat (argv[0], " ", command, NULL);

    /* The command sees "users COMMAND" as its name, for --help. */
    argv[1] = name;
    if (g_str_equal (command, "list"))
      return cmd_list (argc - 1, argv + 1);
    if (g_str_equal (command, "quota"))
      return cmd_quota (argc - 1, argv + 1);
    if (g_str_equal (command, "enable") || g_str_equal (command, "disable"))
      return cmd_status (argc - 1, argv + 1, g_str_equal (command, "enable"));
  }
  return usage (_("unknown command: use list, quota, enable or disable"));
}

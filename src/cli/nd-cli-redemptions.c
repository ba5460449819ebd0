/* nd-cli-redemptions.c — `newapi-desk redemptions`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   newapi-desk redemptions create --name NAME --count N --quota Q [--expires T]
 *                                  --output FILE --read-write
 *   newapi-desk redemptions list [--json] [--show-keys]
 *   newapi-desk redemptions delete-invalid --read-write
 *   (+ the connection options; with --dsn and --url the writes go through the API)
 *
 * The new codes are money: they go to FILE, one a line, and never to the
 * terminal. FILE is written to a temporary file beside it (mode 0600) that
 * becomes FILE only when complete, and an existing FILE is never written
 * over (it may hold codes made earlier). Everything that can be checked is
 * checked before the codes are made.
 *
 * Exit status: 0 done, 1 failed, 2 bad usage (nothing changed), 3 could not
 * connect.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "nd-cli.h"
#include "nd-cli-manage.h"
#include "nd-json.h"
#include "nd-secure-string.h"

#define CMD "redemptions"

/* ---- create --------------------------------------------------------------- */

typedef struct {
  char *path;                  /* FILE */
  char *tmp;                   /* the temporary file beside it */
  int fd;
} CodesFile;

static void
codes_file_clear (CodesFile *f)
{
  if (f->fd >= 0)
    close (f->fd);
  if (f->tmp != NULL)
    g_unlink (f->tmp);
  g_free (f->tmp);
  g_free (f->path);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CodesFile, codes_file_clear)

/* Before any code exists: FILE must not exist and its folder must take a
 * new file. */
static gboolean
codes_file_open (CodesFile *f, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);

  f->path = g_strdup (path);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("%s already exists; new codes are never written over a file (it may hold "
                     "codes made earlier). Choose another name."), path);
      return FALSE;
    }
  f->tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  f->fd = g_mkstemp_full (f->tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (f->fd < 0)
    {
      int saved = errno;

      g_clear_pointer (&f->tmp, g_free);
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Cannot write a file in %s: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* The codes, then FILE appears: link() refuses to replace a FILE made in
 * the meantime. On failure the temporary file is kept when it holds every
 * code, and *@kept names it. */
static gboolean
codes_file_finish (CodesFile *f, GPtrArray *codes, char **kept, GError **error)
{
  int saved;

  *kept = NULL;
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);

      if (!write_all (f->fd, code, strlen (code)) || !write_all (f->fd, "\n", 1))
        goto failed;
    }
  if (fsync (f->fd) != 0 || close (f->fd) != 0)
    {
      f->fd = -1;
      goto failed;
    }
  f->fd = -1;
  if (link (f->tmp, f->path) != 0)
    {
      saved = errno;
      /* Every code is in the temporary file: keep it for the user. */
      *kept = g_steal_pointer (&f->tmp);
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("Cannot create %s: %s"), f->path,
                   g_strerror (saved));
      return FALSE;
    }
  g_unlink (f->tmp);
  g_clear_pointer (&f->tmp, g_free);
  return TRUE;

failed:
  saved = errno;
  g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("Cannot write %s: %s"), f->tmp,
               g_strerror (saved));
  return FALSE;
}

static int
redemptions_create (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  g_autofree char *name = NULL;
  g_autofree char *expires_text = NULL;
  g_autofree char *output = NULL;
  gint64 count = 0, quota = 0;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of the batch (1 to 20 characters)"),
      "NAME" },
    { "count", 0, 0, G_OPTION_ARG_INT64, &count, N_("How many codes (1 to 100)"), "N" },
    { "quota", 0, 0, G_OPTION_ARG_INT64, &quota, N_("Quota units each code adds"), "Q" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires_text,
      N_("When the codes expire (unix seconds or ISO 8601; default: never)"), "T" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("New file the codes are written to, one a line (never to the terminal)"), "FILE" },
    { NULL }
  };
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdWrite) write = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CodesFile) file = { .fd = -1 };
  g_autofree char *kept = NULL;
  NdRedemptionEdit *edit;
  gint64 expires = 0;
  int status = 0;

  if (!nd_cli_parse_manage (&opts, entries, _("— make a batch of redemption codes"),
      _("The codes are written to FILE and nowhere else; it must not exist yet.\n"
        "Exit status: 0 done, 1 failed, 2 bad usage (nothing made), 3 could not connect."),
                            TRUE, CMD " create", &argc, &argv))
    {
      status = 2;
      goto out;
    }
  if (name == NULL || output == NULL || count == 0 || quota == 0)
    {
      g_set_error_literal (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                           _("Say what to make: --name NAME --count N --quota Q --output FILE"));
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }
  if (expires_text != NULL && !nd_cli_parse_time (expires_text, &expires, &error))
    {
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }

  edit = nd_redemption_edit_new ();
  edit->name = g_strdup (name);
  edit->count = count < 0 || count > G_MAXUINT ? 0 : (guint) count;
  edit->quota = quota;
  edit->expired_time = expires;
  write = nd_write_redemption_create_new (edit);
  if (!nd_write_validate (write, NULL, &error) || !codes_file_open (&file, output, &error))
    {
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }

  source = nd_cli_connect_manage (&opts, &error);
  if (source == NULL)
    {
      status = nd_cli_fail (CMD, error, nd_cli_connect_status (error));
      goto out;
    }
  nd_source_write_async (source, write, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  result = nd_source_write_finish (source, res, &error);
  if (result == NULL)
    {
      status = nd_cli_fail (CMD, error, g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ||
                                        g_error_matches (error, ND_ERROR, ND_ERROR_READ_ONLY)
                                        ? 2 : 1);
      goto out;
    }
  if (result->secrets == NULL || !codes_file_finish (&file, result->secrets, &kept, &error))
    {
      if (result->secrets == NULL)
        g_set_error (&error, ND_ERROR, ND_ERROR_PROTOCOL,
                     _("The server did not send the new codes back"));
      fprintf (stderr, _("newapi-desk %s: %" PRId64 " codes named “%s” were made, but "
                         "could not be saved: %s\n"), CMD, result->changed, name, error->message);
      if (kept != NULL)
        fprintf (stderr, _("newapi-desk %s: every code is in %s\n"), CMD, kept);
      else
        fprintf (stderr, _("newapi-desk %s: they cannot be shown again; disable or delete the "
                           "codes named “%s” and make new ones.\n"), CMD, name);
      status = 1;
      goto out;
    }
  fprintf (stderr, _("newapi-desk %s: made %u codes named “%s” (%" PRId64
                     " quota each) and wrote them to %s\n"),
           CMD, result->secrets->len, name, quota, output);
  if (result->audit_error != NULL)
    fprintf (stderr, "newapi-desk %s: %s\n", CMD, result->audit_error);

out:
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}

/* ---- list ----------------------------------------------------------------- */

static void
add_code_json (JsonBuilder *b, const NdRedemption *r, const char *key)
{
  json_builder_begin_object (b);
  nd_json_add_int (b, "id", r->id);
  nd_json_add_str (b, "name", r->name ? r->name : "");
  nd_json_add_int (b, "status", r->status);
  nd_json_add_str (b, "effective_status", nd_redemption_effective_nick (r));
  nd_json_add_int (b, "quota", r->quota);
  nd_json_add_int (b, "created_time", r->created_time);
  nd_json_add_int (b, "user_id", r->user_id);
  nd_json_add_str (b, "username", r->username);
  nd_json_add_int (b, "redeemed_time", r->redeemed_time);
  nd_json_add_int (b, "used_user_id", r->used_user_id);
  nd_json_add_str (b, "used_username", r->used_username);
  nd_json_add_int (b, "expired_time", r->expired_time);
  nd_json_add_str (b, "key_masked", r->masked_key ? r->masked_key : "");
  if (key != NULL)
    nd_json_add_str (b, "key", key);
  json_builder_end_object (b);
}

static void
print_table (GPtrArray *codes, GHashTable *keys)
{
  g_autoptr(GString) out = g_string_new (NULL);

  nd_cli_append_cell (out, _("ID"), 7);
  nd_cli_append_cell (out, _("Name"), 18);
  nd_cli_append_cell (out, _("Status"), 10);
  nd_cli_append_cell (out, _("Quota"), 12);
  nd_cli_append_cell (out, _("Made"), 18);
  nd_cli_append_cell (out, _("Redeemed by"), 16);
  nd_cli_append_cell (out, _("Redeemed"), 18);
  nd_cli_append_cell (out, _("Expires"), 18);
  g_string_append_printf (out, "%s\n", _("Code"));
  for (guint i = 0; i < codes->len; i++)
    {
      const NdRedemption *r = g_ptr_array_index (codes, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);
      g_autofree char *quota = g_strdup_printf ("%" G_GINT64_FORMAT, r->quota);
      g_autofree char *made = nd_cli_format_time (r->created_time, "—");
      g_autofree char *by = r->used_username ? g_strdup (r->used_username)
                            : r->used_user_id > 0
                              ? g_strdup_printf ("#%" G_GINT64_FORMAT, r->used_user_id)
                              : g_strdup ("—");
      g_autofree char *when = nd_cli_format_time (r->redeemed_time, "—");
      g_autofree char *expires = nd_cli_format_time (r->expired_time, _("never"));
      const char *key = keys ? g_hash_table_lookup (keys, &r->id) : NULL;

      nd_cli_append_cell (out, id, 7);
      nd_cli_append_cell (out, r->name, 18);
      nd_cli_append_cell (out, nd_redemption_effective_nick (r), 10);
      nd_cli_append_cell (out, quota, 12);
      nd_cli_append_cell (out, made, 18);
      nd_cli_append_cell (out, by, 16);
      nd_cli_append_cell (out, when, 18);
      nd_cli_append_cell (out, expires, 18);
      g_string_append_printf (out, "%s\n", key ? key : r->masked_key ? r->masked_key : "");
    }
  fputs (out->str, stdout);
  nd_secure_wipe (out->str);
}

static int
redemptions_list (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  gboolean json = FALSE, show_keys = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array instead of a table"), NULL },
    { "show-keys", 0, 0, G_OPTION_ARG_NONE, &show_keys,
      N_("Print the codes in full (they are money: mind where the output goes)"), NULL },
    { NULL }
  };
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GError) error = NULL;
  NdListQuery query = { 0 };
  int status = 0;

  if (!nd_cli_parse_manage (&opts, entries, _("— list redemption codes"),
      _("Codes are shown masked unless --show-keys is given.\n"
        "Exit status: 0 done, 1 failed, 2 bad usage, 3 could not connect."),
                            FALSE, CMD " list", &argc, &argv))
    {
      status = 2;
      goto out;
    }
  source = nd_cli_connect (&opts, &error);
  if (source == NULL)
    {
      status = nd_cli_fail (CMD, error, nd_cli_connect_status (error));
      goto out;
    }
  codes = nd_cli_list_all (source, nd_source_list_redemptions_async, &query, &error);
  if (codes == NULL)
    {
      status = nd_cli_fail (CMD, error, 1);
      goto out;
    }
  if (show_keys && codes->len > 0)
    {
      g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), codes->len);
      g_autoptr(GAsyncResult) res = NULL;

      for (guint i = 0; i < codes->len; i++)
        g_array_append_val (ids, ((NdRedemption *) g_ptr_array_index (codes, i))->id);
      nd_source_reveal_redemption_keys_async (source, (const gint64 *) ids->data, ids->len, NULL,
                                              nd_cli_store_result, &res);
      nd_cli_wait (&res);
      keys = nd_source_reveal_redemption_keys_finish (source, res, &error);
      if (keys == NULL)
        {
          status = nd_cli_fail (CMD, error, 1);
          goto out;
        }
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < codes->len; i++)
        {
          const NdRedemption *r = g_ptr_array_index (codes, i);

          add_code_json (b, r, keys ? g_hash_table_lookup (keys, &r->id) : NULL);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      nd_cli_print_json (root);
    }
  else
    print_table (codes, keys);

out:
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}

/* ---- delete-invalid --------------------------------------------------------- */

static int
redemptions_delete_invalid (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdWrite) write = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!nd_cli_parse_manage (&opts, NULL, _("— delete used, disabled and expired codes"),
      _("As NewAPI’s “delete invalid codes”: used and disabled codes, and unused ones past their "
        "expiry, are deleted (NewAPI keeps their rows, marked deleted).\n"
        "Exit status: 0 done, 1 failed, 2 bad usage (nothing changed), 3 could not connect."),
                            TRUE, CMD " delete-invalid", &argc, &argv))
    {
      status = 2;
      goto out;
    }
  source = nd_cli_connect_manage (&opts, &error);
  if (source == NULL)
    {
      status = nd_cli_fail (CMD, error, nd_cli_connect_status (error));
      goto out;
    }
  write = nd_write_redemption_delete_invalid_new ();
  nd_source_write_async (source, write, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  result = nd_source_write_finish (source, res, &error);
  if (result == NULL)
    {
      status = nd_cli_fail (CMD, error, 1);
      goto out;
    }
  printf (g_dngettext (GETTEXT_PACKAGE, "Deleted %" PRId64 " invalid code.\n",
                       "Deleted %" PRId64 " invalid codes.\n", result->changed),
          result->changed);
  if (result->audit_error != NULL)
    fprintf (stderr, "newapi-desk %s: %s\n", CMD, result->audit_error);

out:
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}

int
nd_cli_redemptions (int argc, char **argv)
{
  static const NdCliVerb verbs[] = {
    { "create", redemptions_create, N_("Make a batch of codes and write them to a file") },
    { "list", redemptions_list, N_("List codes with what each is now (used, expired…)") },
    { "delete-invalid", redemptions_delete_invalid,
      N_("Delete used, disabled and expired codes") },
  };

  return nd_cli_run_verb (CMD, verbs, G_N_ELEMENTS (verbs), argc, argv);
}

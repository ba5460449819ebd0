/* nd-cli-manage.c — what the management commands share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "nd-cli-manage.h"

/* NdPgSource gives at most 1000 rows a call; the HTTP source pages
 * NewAPI's 100 a request itself. */
#define PAGE_ROWS 1000
/* Far beyond any gateway; a source that never says "done" must not loop. */
#define MAX_ROWS 10000000

int
nd_cli_run_verb (const char *command, const NdCliVerb *verbs, guint n_verbs, int argc, char **argv)
{
  if (argc >= 2)
    for (guint i = 0; i < n_verbs; i++)
      if (g_str_equal (argv[1], verbs[i].name))
        {
          /* The action sees "tokens list" as its argv[0], so --help reads
           * "Usage: tokens list [OPTION…]". */
          g_autofree char *name = g_strdup_printf ("%s %s", command, verbs[i].name);
          char *verb = argv[1];
          int status;

          argv[1] = name;
          status = verbs[i].run (argc - 1, argv + 1);
          argv[1] = verb;
          return status;
        }

  if (argc >= 2 && !g_str_equal (argv[1], "--help") && !g_str_equal (argv[1], "-h"))
    fprintf (stderr, _("newapi-desk %s: unknown action “%s”\n"), command, argv[1]);
  fprintf (stderr, _("Usage: newapi-desk %s ACTION [OPTIONS…]\n"), command);
  fprintf (stderr, "%s\n", _("Actions:"));
  for (guint i = 0; i < n_verbs; i++)
    fprintf (stderr, "  %-16s %s\n", verbs[i].name, _(verbs[i].summary));
  fprintf (stderr, _("Run “newapi-desk %s ACTION --help” for its options.\n"), command);
  return 2;
}

gboolean
nd_cli_parse_manage (NdCliOptions *opts, const GOptionEntry *entries, const char *summary,
                     const char *description, gboolean write, const char *command,
                     int *argc, char ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_description (context, description);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (opts, context, FALSE, FALSE);
  if (write)
    nd_cli_options_add_write (opts, context);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      nd_cli_fail (command, error, 2);
      return FALSE;
    }
  if (write && !nd_cli_check_read_write (opts, command))
    return FALSE;
  if (*argc > 1)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Unexpected argument “%s”"),
                   (*argv)[1]);
      nd_cli_fail (command, error, 2);
      return FALSE;
    }
  return TRUE;
}

int
nd_cli_connect_status (const GError *error)
{
  return g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ? 2 : 3;
}

GPtrArray *
nd_cli_list_all (NdSource *source, NdCliListFunc list, const NdListQuery *query, GError **error)
{
  NdListQuery q = *query;
  GPtrArray *all = NULL;

  q.limit = PAGE_ROWS;
  for (q.offset = 0; q.offset < MAX_ROWS; q.offset += PAGE_ROWS)
    {
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(NdListPage) page = NULL;
      guint got;

      list (source, &q, NULL, nd_cli_store_result, &res);
      nd_cli_wait (&res);
      page = nd_source_list_finish (source, res, error);
      if (page == NULL)
        {
          g_clear_pointer (&all, g_ptr_array_unref);
          return NULL;
        }
      got = page->items->len;
      /* The first page's array keeps its free function for all rows. */
      if (all == NULL)
        all = g_steal_pointer (&page->items);
      else
        g_ptr_array_extend_and_steal (all, g_steal_pointer (&page->items));
      if (got < PAGE_ROWS || (page->total >= 0 && (gint64) all->len >= page->total))
        break;
    }
  return all;
}

void
nd_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
}

char *
nd_cli_format_time (gint64 t, const char *never)
{
  g_autoptr(GDateTime) dt = NULL;

  if (t == 0 || t == -1)
    return g_strdup (never);
  dt = g_date_time_new_from_unix_local (t);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M")
                    : g_strdup_printf ("%" G_GINT64_FORMAT, t);
}

static int
char_width (gunichar c)
{
  return g_unichar_iswide (c) ? 2 : 1;
}

void
nd_cli_append_cell (GString *out, const char *text, int width)
{
  const char *p;
  int total = 0, used = 0;

  text = text ? text : "";
  for (p = text; *p; p = g_utf8_next_char (p))
    total += char_width (g_utf8_get_char (p));
  /* A column keeps one blank after it; what does not fit ends in "…". */
  for (p = text; *p; p = g_utf8_next_char (p))
    {
      int w = char_width (g_utf8_get_char (p));

      if (total >= width && used + w > width - 2)
        {
          g_string_append (out, "…");
          used++;
          break;
        }
      g_string_append_unichar (out, g_utf8_get_char (p));
      used += w;
    }
  for (; used < width; used++)
    g_string_append_c (out, ' ');
}

/* nd-cli-channels-test.c — `newapi-desk channels test`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   newapi-desk channels test [ID… | --all] [--model M] [--concurrency N]
 *                             [--timeout S] [--json] [--record] [--disable-failing]
 *
 * The health runner (core/health) does the work. Over the database the app
 * probes each upstream itself and stores nothing unless --record or
 * --disable-failing (writes: they need --read-write); over NewAPI's API,
 * NewAPI runs the test and stores a success itself, so there every test is
 * a write and needs --read-write.
 *
 * Exit status: 0 every channel tested worked (those that cannot be tested
 * are listed, not counted), 1 a channel failed, does not exist, or a result
 * could not be stored, 2 bad usage, 3 could not connect, 130 interrupted.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "health/nd-health-runner.h"
#include "nd-cli-channels.h"
#include "nd-cli-facts.h"

#define CMD ND_CLI_CHANNELS

typedef struct {
  gboolean all;
  char *model;
  int concurrency;
  int timeout;
  gboolean json;
  gboolean record;
  gboolean disable_failing;
} TestArgs;

static void
print_item (NdHealthItem *item)
{
  NdHealthState state = nd_health_item_get_state (item);
  gint64 latency = nd_health_item_get_latency_ms (item);
  const char *name = nd_health_item_get_name (item);
  g_autofree char *ms = latency >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT " ms", latency)
                                     : g_strdup ("");

  printf ("#%-5" G_GINT64_FORMAT " %-9s %9s  %s", nd_health_item_get_id (item),
          nd_health_state_nick (state), ms, name ? name : "");
  if (nd_health_item_get_message (item) != NULL)
    printf ("%s%s", name && *name ? ": " : "", nd_health_item_get_message (item));
  if (nd_health_item_get_recorded (item))
    printf (" %s", _("(recorded)"));
  if (nd_health_item_get_disabled (item))
    printf (" %s", _("(disabled)"));
  if (nd_health_item_get_write_error (item) != NULL)
    {
      putchar (' ');
      printf (_("(not stored: %s)"), nd_health_item_get_write_error (item));
    }
  putchar ('\n');
  fflush (stdout);
}

static void
state_changed (NdHealthItem *item, GParamSpec *pspec, gpointer data)
{
  if (nd_health_item_is_done (item))
    print_item (item);
}

/* Text mode prints each channel as it finishes. */
static void
items_changed (GListModel *items, guint position, guint removed, guint added, gpointer data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(NdHealthItem) item = g_list_model_get_item (items, i);

      if (nd_health_item_is_done (item))
        print_item (item);
      else
        g_signal_connect (item, "notify::state", G_CALLBACK (state_changed), NULL);
    }
}

static char *
items_to_json (GListModel *items)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(NdHealthItem) item = g_list_model_get_item (items, i);
      NdHealthState state = nd_health_item_get_state (item);
      gint64 latency = nd_health_item_get_latency_ms (item);

      json_builder_begin_object (b);
      nd_cli_json_int (b, "id", nd_health_item_get_id (item));
      nd_cli_json_string (b, "name", nd_health_item_get_name (item));
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, state == ND_HEALTH_OK);
      nd_cli_json_string (b, "state", nd_health_state_nick (state));
      json_builder_set_member_name (b, "latency_ms");
      if (latency >= 0)
        json_builder_add_int_value (b, latency);
      else
        json_builder_add_null_value (b);
      nd_cli_json_string (b, "error", nd_health_item_get_message (item));
      nd_cli_json_string (b, "error_code", nd_health_item_get_upstream_code (item));
      json_builder_set_member_name (b, "recorded");
      json_builder_add_boolean_value (b, nd_health_item_get_recorded (item));
      json_builder_set_member_name (b, "disabled");
      json_builder_add_boolean_value (b, nd_health_item_get_disabled (item));
      nd_cli_json_string (b, "write_error", nd_health_item_get_write_error (item));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return nd_cli_json_to_data (b);
}

/* 1 when a channel failed, does not exist, or its result was not stored. */
static int
summarise (GListModel *items, gboolean json)
{
  guint counts[ND_HEALTH_CANCELLED + 1] = { 0 };
  gboolean bad = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(NdHealthItem) item = g_list_model_get_item (items, i);
      NdHealthState state = nd_health_item_get_state (item);

      counts[state]++;
      bad |= state == ND_HEALTH_FAILED || state == ND_HEALTH_CANCELLED ||
             (state == ND_HEALTH_SKIPPED &&
              nd_health_item_get_error_code (item) == ND_ERROR_NOT_FOUND) ||
             nd_health_item_get_write_error (item) != NULL;
    }
  if (!json)
    printf (_("%u ok, %u failed, %u could not be tested\n"), counts[ND_HEALTH_OK],
            counts[ND_HEALTH_FAILED], counts[ND_HEALTH_SKIPPED]);
  return bad ? 1 : 0;
}

static gboolean
interrupted (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_CONTINUE;
}

static int
run_tests (NdCliOptions *opts, TestArgs *a, GArray *ids)
{
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdHealthRunner) runner = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *items;
  guint sigint_id;
  gboolean ran;
  int status;

  source = nd_cli_connect_manage (opts, &error);
  if (source == NULL)
    return nd_cli_fail (CMD, error, nd_cli_channels_connect_status (error));
  runner = nd_health_runner_new (source);
  nd_health_runner_set_concurrency (runner, (guint) a->concurrency);
  nd_health_runner_set_timeout (runner, (guint) a->timeout);
  nd_health_runner_set_model (runner, a->model);
  nd_health_runner_set_record (runner, a->record);
  nd_health_runner_set_disable_failing (runner, a->disable_failing);
  items = nd_health_runner_get_items (runner);
  if (!a->json)
    g_signal_connect (items, "items-changed", G_CALLBACK (items_changed), NULL);

  sigint_id = g_unix_signal_add (SIGINT, interrupted, cancellable);
  nd_health_runner_test_async (runner, (const gint64 *) ids->data, ids->len, cancellable,
                               nd_cli_store_result, &res);
  ran = nd_health_runner_run_finish (runner, nd_cli_wait (&res), &error);
  g_source_remove (sigint_id);
  if (!ran && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fprintf (stderr, _("newapi-desk %s: interrupted\n"), CMD);
      status = 128 + SIGINT;
    }
  else if (!ran)
    status = nd_cli_fail (CMD, error, 1);
  else
    status = summarise (items, a->json);
  if (a->json)
    {
      g_autofree char *out = items_to_json (items);

      fputs (out, stdout);
      fputc ('\n', stdout);
    }
  if (fflush (stdout) != 0)
    status = 1;
  nd_source_close (source);
  return status;
}

int
nd_cli_channels_test (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  TestArgs a = { .concurrency = ND_HEALTH_DEFAULT_CONCURRENCY,
                 .timeout = ND_HEALTH_DEFAULT_TIMEOUT };
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &a.all,
      N_("Test every channel but the manually disabled ones, as NewAPI’s batch test does"),
      NULL },
    { "model", 0, 0, G_OPTION_ARG_STRING, &a.model,
      N_("Send NewAPI’s test chat for this model (\"\": each channel’s test model); without "
         "it, over the database, the model list is asked"), "M" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &a.concurrency,
      N_("Channels tested at once (1–16, default 4)"), "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &a.timeout,
      N_("Seconds one test may take (default 30)"), "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &a.json, N_("Print JSON"), NULL },
    { "record", 0, 0, G_OPTION_ARG_NONE, &a.record,
      N_("Store each success’s test time and response time, as NewAPI does (a write)"), NULL },
    { "disable-failing", 0, 0, G_OPTION_ARG_NONE, &a.disable_failing,
      N_("Disable each enabled channel whose upstream failed, with the failure as the reason "
         "(a write; channels with auto-ban off are left alone)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("[ID…]"));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  int status = 2;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Tests channels: over the database NewAPI Desk asks each upstream itself (the model "
      "list, or with --model a minimal chat), over NewAPI’s API NewAPI tests them."));
  g_option_context_set_description (context,
    _("Exit status: 0 every channel tested worked, 1 a channel failed or does not exist, "
      "2 bad usage (also a change without --read-write), 3 could not connect."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  nd_cli_options_add_write (&opts, context);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !nd_cli_channels_parse_ids (argc, argv, ids, &error))
    goto fail;
  if ((ids->len == 0) == !a.all)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Name the channels to test, or --all (not both)"));
      goto fail;
    }
  if (a.concurrency < 1 || a.concurrency > ND_HEALTH_MAX_CONCURRENCY)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("--concurrency must be between 1 and %d"), ND_HEALTH_MAX_CONCURRENCY);
      goto fail;
    }
  if (a.timeout < 1 || a.timeout > 600)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("--timeout must be between 1 and 600 seconds"));
      goto fail;
    }
  if ((a.record || a.disable_failing) && !nd_cli_check_read_write (&opts, CMD))
    goto out;
  /* Over the API NewAPI stores every successful test itself. */
  if (opts.url != NULL && !opts.read_write)
    {
      fprintf (stderr, "newapi-desk %s: %s\n", CMD,
               _("over NewAPI’s API every test is stored by NewAPI; nothing was sent. Run it "
                 "again with --read-write to allow it."));
      goto out;
    }
  status = run_tests (&opts, &a, ids);
  goto out;
fail:
  status = nd_cli_fail (CMD, error, 2);
out:
  g_free (a.model);
  nd_cli_options_clear (&opts);
  return status;
}

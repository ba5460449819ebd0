/* test-channels-cli.c — `newapi-desk channels` with --url against the fake
 * NewAPI, in both version modes: the list equals the database behind it,
 * writes go through the API, tests through NewAPI's test endpoint, and a
 * write without --read-write sends nothing at all
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "nd-http-wfx.h"

typedef struct {
  WFx w;
  char *token;
  char *uid;
} CFx;

static gboolean
cfx_setup (CFx *fx, const Mode *mode, const char *name)
{
  memset (fx, 0, sizeof *fx);
  if (!wfx_setup (&fx->w, mode, name))
    return FALSE;
  fx->token = nd_fake_newapi_dup_token (fx->w.fake, fx->w.root_id);
  fx->uid = g_strdup_printf ("%" G_GINT64_FORMAT, fx->w.root_id);
  return TRUE;
}

static void
cfx_teardown (CFx *fx)
{
  wfx_teardown (&fx->w);
  g_free (fx->token);
  g_free (fx->uid);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CFx, cfx_teardown)

#define CFX(mode, name) \
  g_auto(CFx) fx = { 0 }; \
  if (!cfx_setup (&fx, (mode), (name))) return

/* `newapi-desk channels ARGS… --url URL --user-id ID` (token in the
 * environment, as the README says). */
static int
desk (CFx *fx, char **out, char **err, ...)
{
  g_autofree char *token = g_strdup_printf ("NEWAPI_DESK_TOKEN=%s", fx->token);
  const char *env[] = { token, NULL };
  const char *head[] = { "channels", NULL };
  const char *tail[] = { "--url", nd_fake_newapi_get_url (fx->w.fake), "--user-id", fx->uid,
                         NULL };
  va_list ap;
  int status;

  va_start (ap, err);
  status = nd_test_run_va (ND_DESK_EXE, env, head, tail, out, err, ap);
  va_end (ap);
  g_assert_null (strstr (*out, fx->token));
  g_assert_null (strstr (*err, fx->token));
  return status;
}

static char *
strv_joined (JsonArray *arr)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", json_array_get_string_element (arr, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* list --json over the API: the rows of the database behind the fake, by
 * id; no key. */
static void
check_list (const Mode *mode)
{
  CFX (mode, "chlist");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PGresult) rows = NULL;
  JsonArray *arr;

  g_assert_cmpint (desk (&fx, &out, &err, "list", "--json", NULL), ==, 0);
  arr = nd_test_json_array (out, parser);
  rows = nd_test_pg_query (fx.w.pg, fx.w.db,
    "SELECT id, name, status, COALESCE (priority, 0), \"group\", models, "
    "COALESCE (response_time, 0), COALESCE (used_quota, 0), \"key\" FROM channels ORDER BY id");
  g_assert_cmpuint (json_array_get_length (arr), ==, PQntuples (rows));
  for (int i = 0; i < PQntuples (rows); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      g_autofree char *groups = strv_joined (json_object_get_array_member (o, "groups"));
      g_autofree char *models = strv_joined (json_object_get_array_member (o, "models"));

      g_assert_cmpint (json_object_get_int_member (o, "id"), ==, atoll (PQgetvalue (rows, i, 0)));
      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, PQgetvalue (rows, i, 1));
      g_assert_cmpint (json_object_get_int_member (o, "status"), ==, atoi (PQgetvalue (rows, i, 2)));
      g_assert_cmpint (json_object_get_int_member (o, "priority"), ==, atoll (PQgetvalue (rows, i, 3)));
      g_assert_cmpstr (groups, ==, PQgetvalue (rows, i, 4));
      g_assert_cmpstr (models, ==, PQgetvalue (rows, i, 5));
      g_assert_cmpint (json_object_get_int_member (o, "response_time_ms"), ==,
                       atoll (PQgetvalue (rows, i, 6)));
      g_assert_cmpint (json_object_get_int_member (o, "used_quota"), ==,
                       atoll (PQgetvalue (rows, i, 7)));
      g_assert_null (strstr (out, PQgetvalue (rows, i, 8)));
    }
}

static void
test_list_new (void)
{
  check_list (&mode_new);
}

static void
test_list_old (void)
{
  check_list (&mode_old);
}

/* Without --read-write: exit 2 and not one request to NewAPI (a test over
 * the API is a write too: NewAPI stores its result). */
static void
test_refused (void)
{
  CFX (&mode_new, "chrefused");
  static const char * const cases[][6] = {
    { "disable", "1", NULL },
    { "enable", "4", NULL },
    { "edit", "1", "--weight", "3", NULL },
    { "test", "1", NULL },
    { "test", "--all", "--json", NULL },
  };
  gint64 status1 = wfx_scalar (&fx.w, "SELECT status FROM channels WHERE id = 1");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *token = g_strdup_printf ("NEWAPI_DESK_TOKEN=%s", fx.token);
      const char *env[] = { token, NULL };
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      g_ptr_array_add (args, (char *) "channels");
      for (guint j = 0; cases[i][j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i][j]);
      g_ptr_array_add (args, (char *) "--url");
      g_ptr_array_add (args, (char *) nd_fake_newapi_get_url (fx.w.fake));
      g_ptr_array_add (args, (char *) "--user-id");
      g_ptr_array_add (args, fx.uid);
      g_ptr_array_add (args, NULL);
      g_assert_cmpint (nd_test_run (ND_DESK_EXE, (const char * const *) args->pdata, env, &out,
                                    &err), ==, 2);
      g_assert_nonnull (strstr (err, "--read-write"));
    }
  g_assert_cmpuint (nd_fake_newapi_get_requests (fx.w.fake)->len, ==, 0);
  g_assert_cmpint (wfx_scalar (&fx.w, "SELECT status FROM channels WHERE id = 1"), ==, status1);
}

/* The writes go through the API of the server's version. */
static void
check_writes (const Mode *mode)
{
  CFX (mode, "chwrites");
  g_autofree char *out = NULL, *err = NULL;
  gboolean new_api = mode->mode == ND_FAKE_NEWAPI_NEW;

  g_assert_cmpint (desk (&fx, &out, &err, "disable", "1", "--read-write", NULL), ==, 0);
  g_assert_cmpint (wfx_scalar (&fx.w, "SELECT status FROM channels WHERE id = 1"), ==, 2);
  g_assert_cmpuint (wfx_calls (&fx.w, new_api ? "POST /api/channel/1/status" : "PUT /api/channel/"),
                    ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (desk (&fx, &out, &err, "enable", "1", "--read-write", NULL), ==, 0);
  g_assert_cmpint (wfx_scalar (&fx.w, "SELECT status FROM channels WHERE id = 1"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  nd_fake_newapi_reset_log (fx.w.fake);
  g_assert_cmpint (desk (&fx, &out, &err, "edit", "2", "--priority", "9", "--tag", "cli",
                         "--read-write", NULL), ==, 0);
  g_assert_cmpuint (wfx_calls (&fx.w, "PUT /api/channel/"), ==, 1);
  g_assert_cmpint (wfx_scalar (&fx.w, "SELECT priority FROM channels WHERE id = 2"), ==, 9);
  g_assert_cmpint (wfx_scalar (&fx.w, "SELECT count(*) FROM abilities WHERE channel_id = 2 AND "
                                      "(priority <> 9 OR tag <> 'cli')"), ==, 0);
}

static void
test_writes_new (void)
{
  check_writes (&mode_new);
}

static void
test_writes_old (void)
{
  check_writes (&mode_old);
}

/* test over the API: NewAPI's test endpoint, its verdict and time; a
 * failing channel disabled through the API on request. */
static void
test_test (void)
{
  CFX (&mode_new, "chtest");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr;
  JsonObject *o;

  nd_fake_newapi_fail_upstream (fx.w.fake, 2, "status_code=401, Incorrect API key provided",
                                "invalid_api_key");
  g_assert_cmpint (desk (&fx, &out, &err, "test", "1", "2", "--json", "--read-write",
                         "--disable-failing", NULL), ==, 1);
  arr = nd_test_json_array (out, parser);
  o = nd_test_json_find_id (arr, 1);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpint (json_object_get_int_member (o, "latency_ms"), ==, 250);
  g_assert_true (json_object_get_boolean_member (o, "recorded"));
  o = nd_test_json_find_id (arr, 2);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==,
                   "status_code=401, Incorrect API key provided");
  g_assert_cmpstr (json_object_get_string_member (o, "error_code"), ==, "invalid_api_key");
  g_assert_true (json_object_get_boolean_member (o, "disabled"));
  g_assert_cmpuint (wfx_calls (&fx.w, "GET /api/channel/test/1"), ==, 1);
  g_assert_cmpuint (wfx_calls (&fx.w, "GET /api/channel/test/2"), ==, 1);
  g_assert_cmpuint (wfx_calls (&fx.w, "POST /api/channel/2/status"), ==, 1);
  g_assert_cmpuint (wfx_calls (&fx.w, "POST /api/channel/1/status"), ==, 0);
  g_assert_cmpint (wfx_scalar (&fx.w, "SELECT status FROM channels WHERE id = 2"), ==, 2);
  /* NewAPI stored channel 1's success itself. */
  g_assert_cmpint (wfx_scalar (&fx.w, "SELECT response_time FROM channels WHERE id = 1"), ==, 250);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http/channels-cli/list/new", test_list_new);
  g_test_add_func ("/http/channels-cli/list/old", test_list_old);
  g_test_add_func ("/http/channels-cli/refused", test_refused);
  g_test_add_func ("/http/channels-cli/writes/new", test_writes_new);
  g_test_add_func ("/http/channels-cli/writes/old", test_writes_old);
  g_test_add_func ("/http/channels-cli/test", test_test);
  return g_test_run ();
}

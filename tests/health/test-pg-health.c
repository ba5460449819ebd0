/* test-pg-health.c — health checks over PostgreSQL: the source probes the
 * upstream itself (a fake one here), and the runner tests many channels
 * within its limit, records results and disables failing channels as the
 * write path does, on both schema variants
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "health/nd-health-runner.h"
#include "health/nd-upstream.h"
#include "pg/nd-pg-source.h"
#include "nd-fake-upstream.h"
#include "nd-test.h"

#define GOOD "sk-good-0123456789abcdefghijklmnopqrstuvwx"
#define WRONG "sk-wrong-0123456789abcdefghijklmnopqrstuvw"
#define SLOW "sk-slow-0123456789abcdefghijklmnopqrstuvwx"

typedef struct {
  NdTestPg *pg;
  char *db;
  NdFakeUpstream *fake;
  NdSource *source;
} Fx;

static NdSource *
open_source (const char *dsn, gboolean read_only)
{
  NdSource *source = nd_pg_source_new (dsn, NULL, NULL, NULL, read_only);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, &error);
  g_assert_no_error (error);
  return source;
}

/* Every channel's upstream is the fake one (none of the fixture's real
 * addresses is ever asked) with a working key. */
static gboolean
fx_setup (Fx *fx, const char *variant, const char *name, gboolean read_only)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dsn = NULL;
  g_autofree char *sql = NULL;

  memset (fx, 0, sizeof *fx);
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  fx->db = g_strdup_printf ("health_%s_%s", variant, name);
  dsn = nd_test_pg_fixture (fx->pg, fx->db, variant, 200, NULL, 0);
  fx->fake = nd_fake_upstream_new (&error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("UPDATE channels SET base_url = '%s', \"key\" = '" GOOD "'",
                         nd_fake_upstream_get_url (fx->fake));
  nd_test_pg_exec (fx->pg, fx->db, sql);
  fx->source = open_source (dsn, read_only);
  return TRUE;
}

static void
fx_teardown (Fx *fx)
{
  if (fx->source != NULL)
    nd_source_close (fx->source);
  g_clear_object (&fx->source);
  g_clear_pointer (&fx->fake, nd_fake_upstream_free);
  g_free (fx->db);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

#define FX(variant, name, ro) \
  g_auto(Fx) fx; \
  if (!fx_setup (&fx, (variant), (name), (ro))) return

#define exec(fx, ...) nd_test_pg_execf ((fx)->pg, (fx)->db, __VA_ARGS__)
#define scalar(fx, ...) nd_test_pg_scalarf ((fx)->pg, (fx)->db, __VA_ARGS__)
#define text(fx, ...) nd_test_pg_textf ((fx)->pg, (fx)->db, __VA_ARGS__)
#define snapshot(fx) nd_test_pg_channels_digest ((fx)->pg, (fx)->db)

static NdChannelTest *
test_one (Fx *fx, gint64 id, const char *model, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_test_channel_async (fx->source, id, model, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_test_channel_finish (fx->source, res, error);
}

static gboolean
run (NdHealthRunner *runner, gboolean balance, const gint64 *ids, guint n, GCancellable *cancel,
     GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  if (balance)
    nd_health_runner_balance_async (runner, ids, n, cancel, nd_test_store_result, &res);
  else
    nd_health_runner_test_async (runner, ids, n, cancel, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_health_runner_run_finish (runner, res, error);
}

static NdHealthItem *
item_at (NdHealthRunner *runner, guint i)
{
  g_autoptr(NdHealthItem) item = g_list_model_get_item (nd_health_runner_get_items (runner), i);

  return item;
}

/* ---- the source's probe --------------------------------------------------- */

static void
test_probe (void)
{
  FX ("new", "probe", TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  NdChannelTest *test;

  exec (&fx, "UPDATE channels SET \"key\" = '" WRONG "' WHERE id = 5");
  before = snapshot (&fx);

  /* Channel 1 (OpenAI): the model list, then a chat, with the key as a
   * bearer token; a read-only profile probes (nothing is stored). */
  test = test_one (&fx, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test->ok);
  g_assert_false (test->recorded);
  nd_channel_test_free (test);
  g_assert_cmpstr (nd_fake_upstream_get_request (fx.fake, 0), ==, "GET /v1/models");
  g_assert_cmpstr (nd_fake_upstream_get_header (fx.fake, 0, "Authorization"), ==, "Bearer " GOOD);
  test = test_one (&fx, 1, "gpt-4o", &error);
  g_assert_true (test->ok);
  g_assert_cmpstr (test->model, ==, "gpt-4o");
  nd_channel_test_free (test);

  /* Channel 5 (Anthropic) with a wrong key: 401 in the upstream's words,
   * the key masked. */
  test = test_one (&fx, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (test->ok);
  g_assert_true (g_str_has_prefix (test->message, "status_code=401"));
  g_assert_null (strstr (test->message, WRONG));
  nd_channel_test_free (test);

  /* Channel 13 (OpenRouter) maps gpt-4o-mini to openai/gpt-4o-mini. */
  nd_fake_upstream_reset (fx.fake);
  test = test_one (&fx, 13, "gpt-4o-mini", &error);
  g_assert_true (test->ok);
  nd_channel_test_free (test);
  g_assert_nonnull (strstr (nd_fake_upstream_get_body (fx.fake, 0), "\"openai/gpt-4o-mini\""));

  /* AWS signs its requests: it says so, and nothing is sent. */
  nd_fake_upstream_reset (fx.fake);
  test = test_one (&fx, 7, NULL, &error);
  g_assert_null (test);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  test = test_one (&fx, 999, NULL, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fx.fake), ==, 0);

  /* Probing changed nothing in the database. */
  after = snapshot (&fx);
  g_assert_cmpstr (after, ==, before);
}

/* A multi-key channel is probed with the first key NewAPI would use. */
static void
test_multi_key (void)
{
  FX ("new", "multi", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(NdChannelTest) test = NULL;
  g_autoptr(NdChannelBalance) balance = NULL;
  g_autoptr(GAsyncResult) res = NULL;

  exec (&fx, "UPDATE channels SET \"key\" = E'" WRONG "\\n" GOOD "\\nsk-good-third', "
             "channel_info = '{\"is_multi_key\":true,\"multi_key_size\":3,"
             "\"multi_key_status_list\":{\"0\":3},\"multi_key_mode\":\"polling\"}' WHERE id = 6");
  test = test_one (&fx, 6, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test->ok);
  g_assert_cmpstr (nd_fake_upstream_get_header (fx.fake, 0, "x-api-key"), ==, GOOD);
  /* NewAPI reads no balance of a multi-key channel. */
  nd_source_update_balance_async (fx.source, 6, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  balance = nd_source_update_balance_finish (fx.source, res, &error);
  g_assert_null (balance);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
}

static void
test_models_balance (void)
{
  FX ("old", "models", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(NdChannelBalance) balance = NULL;

  nd_source_fetch_models_async (fx.source, 8, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  ids = nd_source_fetch_models_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_cmpstr (ids[1], ==, "gemini-2.5-flash");
  g_clear_object (&res);

  nd_source_update_balance_async (fx.source, 1, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  balance = nd_source_update_balance_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (balance->balance, 99.5, 1e-9);
  g_assert_false (balance->recorded);
  g_clear_object (&res);
  g_clear_pointer (&balance, nd_channel_balance_free);
  /* Anthropic has no balance NewAPI can read. */
  nd_source_update_balance_async (fx.source, 5, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  balance = nd_source_update_balance_finish (fx.source, res, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
}

/* ---- the runner ----------------------------------------------------------- */

static void
progress_cb (NdHealthRunner *runner, guint done, guint total, gpointer data)
{
  guint *last = data;

  g_assert_cmpuint (done, >=, *last);
  *last = done;
}

/* Never more probes at once than asked, and as many as asked. */
static void
check_concurrency (Fx *fx, guint limit)
{
  static const gint64 ids[] = { 1, 2, 3, 5, 8, 10, 12, 14 };
  g_autoptr(NdHealthRunner) runner = nd_health_runner_new (fx->source);
  g_autoptr(GError) error = NULL;
  guint last = 0, done, total;

  nd_fake_upstream_reset (fx->fake);
  nd_health_runner_set_concurrency (runner, limit);
  g_signal_connect (runner, "progress", G_CALLBACK (progress_cb), &last);
  g_assert_true (run (runner, FALSE, ids, G_N_ELEMENTS (ids), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nd_fake_upstream_get_peak (fx->fake), ==, limit);
  g_assert_cmpuint (nd_health_runner_get_peak (runner), ==, limit);
  nd_health_runner_get_progress (runner, &done, &total);
  g_assert_cmpuint (done, ==, G_N_ELEMENTS (ids));
  g_assert_cmpuint (total, ==, G_N_ELEMENTS (ids));
  g_assert_cmpuint (last, ==, total);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      NdHealthItem *item = item_at (runner, i);

      /* In the order asked, each a working channel. */
      g_assert_cmpint (nd_health_item_get_id (item), ==, ids[i]);
      g_assert_cmpint (nd_health_item_get_state (item), ==, ND_HEALTH_OK);
      g_assert_cmpint (nd_health_item_get_latency_ms (item), >=, 150);
    }
}

static void
test_concurrency (void)
{
  FX ("new", "limit", TRUE);

  exec (&fx, "UPDATE channels SET \"key\" = '" SLOW "' WHERE id IN (1, 2, 3, 5, 8, 10, 12, 14)");
  nd_fake_upstream_set_delay (fx.fake, 250);
  check_concurrency (&fx, 1);
  check_concurrency (&fx, 2);
  check_concurrency (&fx, 3);
}

/* Results are stored as NewAPI stores them: successes only, response time
 * in ms and the test time; no audit row (NewAPI writes none for a test). */
static void
check_record (const char *variant)
{
  FX (variant, "record", FALSE);
  static const gint64 ids[] = { 1, 5, 8 };
  g_autoptr(NdHealthRunner) runner = nd_health_runner_new (fx.source);
  g_autoptr(GError) error = NULL;
  gint64 audits = scalar (&fx, "SELECT count(*) FROM logs WHERE type = 3");
  gint64 t5 = scalar (&fx, "SELECT test_time FROM channels WHERE id = 5");
  gint64 r5 = scalar (&fx, "SELECT response_time FROM channels WHERE id = 5");
  gint64 start = g_get_real_time () / G_USEC_PER_SEC;

  exec (&fx, "UPDATE channels SET \"key\" = '" WRONG "' WHERE id = 5");
  nd_health_runner_set_record (runner, TRUE);
  g_assert_true (run (runner, FALSE, ids, G_N_ELEMENTS (ids), NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      NdHealthItem *item = item_at (runner, i);
      gint64 id = ids[i];

      if (id == 5)
        {
          g_assert_cmpint (nd_health_item_get_state (item), ==, ND_HEALTH_FAILED);
          g_assert_false (nd_health_item_get_recorded (item));
          g_assert_cmpint (scalar (&fx, "SELECT test_time FROM channels WHERE id = 5"), ==, t5);
          g_assert_cmpint (scalar (&fx, "SELECT response_time FROM channels WHERE id = 5"), ==, r5);
          continue;
        }
      g_assert_cmpint (nd_health_item_get_state (item), ==, ND_HEALTH_OK);
      g_assert_true (nd_health_item_get_recorded (item));
      g_assert_null (nd_health_item_get_write_error (item));
      g_assert_cmpint (scalar (&fx, "SELECT response_time FROM channels WHERE id = %"
                                    G_GINT64_FORMAT, id), ==, nd_health_item_get_latency_ms (item));
      g_assert_cmpint (scalar (&fx, "SELECT test_time FROM channels WHERE id = %" G_GINT64_FORMAT,
                               id), >=, start);
    }
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits);
}

static void
test_record_new (void)
{
  check_record ("new");
}

static void
test_record_old (void)
{
  check_record ("old");
}

/* Failing channels are disabled with the failure as the reason: status 2,
 * other_info's reason and time, only their abilities flipped, an audit
 * row; a channel with auto-ban off, one already disabled, and one that
 * could not be tested at all are left alone. */
static void
check_disable (const char *variant)
{
  FX (variant, "disable", FALSE);
  /* 1 good; 2 wrong key; 3 wrong key, auto-ban off; 4 auto-disabled and
   * failing; 7 AWS (cannot be tested) */
  static const gint64 ids[] = { 1, 2, 3, 4, 7 };
  g_autoptr(NdHealthRunner) runner = nd_health_runner_new (fx.source);
  g_autoptr(GError) error = NULL;
  g_autofree char *others_before = NULL, *others_after = NULL;
  g_autofree char *reason = NULL, *audit = NULL;
  const char *others = "SELECT string_agg (a::text, ',' ORDER BY a::text) FROM abilities a "
                       "WHERE channel_id <> 2";
  gint64 audits = scalar (&fx, "SELECT count(*) FROM logs WHERE type = 3");
  gint64 start = g_get_real_time () / G_USEC_PER_SEC;

  exec (&fx, "UPDATE channels SET \"key\" = '" WRONG "' WHERE id IN (2, 3, 4)");
  exec (&fx, "UPDATE channels SET auto_ban = 0 WHERE id = 3");
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = 2 AND enabled"),
                   >, 0);
  others_before = text (&fx, "%s", others);
  nd_health_runner_set_disable_failing (runner, TRUE);
  g_assert_true (run (runner, FALSE, ids, G_N_ELEMENTS (ids), NULL, &error));
  g_assert_no_error (error);

  g_assert_false (nd_health_item_get_disabled (item_at (runner, 0)));
  g_assert_true (nd_health_item_get_disabled (item_at (runner, 1)));
  g_assert_false (nd_health_item_get_disabled (item_at (runner, 2)));
  g_assert_false (nd_health_item_get_disabled (item_at (runner, 3)));
  g_assert_cmpint (nd_health_item_get_state (item_at (runner, 4)), ==, ND_HEALTH_SKIPPED);
  g_assert_cmpint (nd_health_item_get_error_code (item_at (runner, 4)), ==, ND_ERROR_UNSUPPORTED);

  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 2"), ==, 2);
  reason = text (&fx, "SELECT other_info::json ->> 'status_reason' FROM channels WHERE id = 2");
  g_assert_true (g_str_has_prefix (reason, "status_code=401, Incorrect API key provided"));
  g_assert_null (strstr (reason, WRONG));
  g_assert_cmpint (scalar (&fx, "SELECT (other_info::json ->> 'status_time')::bigint FROM channels "
                                "WHERE id = 2"), >=, start);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = 2 AND enabled"),
                   ==, 0);
  others_after = text (&fx, "%s", others);
  g_assert_cmpstr (others_after, ==, others_before);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 1"), ==, 1);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 3"), ==, 1);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 4"), ==, 3);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 7"), ==, 2);

  /* One audit row, NewAPI's, naming channel 2. */
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits + 1);
  audit = text (&fx, "SELECT other FROM logs WHERE type = 3 ORDER BY id DESC LIMIT 1");
  g_assert_nonnull (strstr (audit, "\"action\":\"channel.status_update\""));
  g_assert_nonnull (strstr (audit, "\"id\":2"));
  g_assert_nonnull (strstr (audit, "\"status\":2"));
}

static void
test_disable_new (void)
{
  check_disable ("new");
}

static void
test_disable_old (void)
{
  check_disable ("old");
}

/* Recording on a read-only profile is refused before any probe. */
static void
test_read_only (void)
{
  FX ("new", "ro", TRUE);
  g_autoptr(NdHealthRunner) runner = nd_health_runner_new (fx.source);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = snapshot (&fx);
  g_autofree char *after = NULL;

  nd_health_runner_set_disable_failing (runner, TRUE);
  g_assert_false (run (runner, FALSE, NULL, 0, NULL, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  g_clear_error (&error);
  nd_health_runner_set_disable_failing (runner, FALSE);
  nd_health_runner_set_record (runner, TRUE);
  g_assert_false (run (runner, TRUE, NULL, 0, NULL, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fx.fake), ==, 0);
  after = snapshot (&fx);
  g_assert_cmpstr (after, ==, before);
}

static void
test_timeout (void)
{
  FX ("new", "timeout", FALSE);
  static const gint64 ids[] = { 1 };
  g_autoptr(NdHealthRunner) runner = nd_health_runner_new (fx.source);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  NdHealthItem *item;

  exec (&fx, "UPDATE channels SET \"key\" = '" SLOW "' WHERE id = 1");
  nd_fake_upstream_set_delay (fx.fake, 5000);
  nd_health_runner_set_timeout (runner, 1);
  nd_health_runner_set_disable_failing (runner, TRUE);
  g_assert_true (run (runner, FALSE, ids, 1, NULL, &error));
  item = item_at (runner, 0);
  g_assert_cmpint (nd_health_item_get_state (item), ==, ND_HEALTH_FAILED);
  g_assert_nonnull (strstr (nd_health_item_get_message (item), "within 1 s"));
  g_assert_cmpint (nd_health_item_get_latency_ms (item), >=, 900);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 4000);
  /* No answer is a failing upstream: disabled, with that reason. */
  g_assert_true (nd_health_item_get_disabled (item));
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 1"), ==, 2);
}

static void
test_cancel (void)
{
  FX ("new", "cancel", FALSE);
  static const gint64 ids[] = { 1, 2, 3, 5 };
  g_autoptr(NdHealthRunner) runner = nd_health_runner_new (fx.source);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 start = g_get_monotonic_time ();

  exec (&fx, "UPDATE channels SET \"key\" = '" SLOW "' WHERE id IN (1, 2, 3, 5)");
  before = snapshot (&fx);
  nd_fake_upstream_set_delay (fx.fake, 3000);
  nd_health_runner_set_concurrency (runner, 1);
  nd_health_runner_set_record (runner, TRUE);
  g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancel);
  g_assert_false (run (runner, FALSE, ids, G_N_ELEMENTS (ids), cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 2500);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpint (nd_health_item_get_state (item_at (runner, i)), ==, ND_HEALTH_CANCELLED);
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fx.fake), ==, 1);
  after = snapshot (&fx);
  g_assert_cmpstr (after, ==, before);
}

/* "All": NewAPI's batch takes every channel but the manually disabled ones
 * for tests, and the enabled single-key ones for balances. */
static void
test_all (void)
{
  FX ("new", "all", FALSE);
  g_autoptr(NdHealthRunner) runner = nd_health_runner_new (fx.source);
  g_autoptr(GError) error = NULL;
  GListModel *items = nd_health_runner_get_items (runner);
  gint64 balance_time;

  g_assert_true (run (runner, FALSE, NULL, 0, NULL, &error));
  g_assert_cmpint (g_list_model_get_n_items (items), ==,
                   scalar (&fx, "SELECT count(*) FROM channels WHERE status <> 2"));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      NdHealthItem *item = item_at (runner, i);
      int type = nd_health_item_get_channel_type (item);

      g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT,
                               nd_health_item_get_id (item)), !=, 2);
      /* Vertex AI cannot be probed from the database; every other channel
       * answers the fake upstream's model list. */
      g_assert_cmpint (nd_health_item_get_state (item), ==,
                       type == 41 ? ND_HEALTH_SKIPPED : ND_HEALTH_OK);
    }

  /* Balances of all: the fixed provider addresses (OpenRouter, DeepSeek,
   * SiliconFlow, Moonshot) must not be asked from a test. */
  exec (&fx, "UPDATE channels SET status = 2 WHERE type IN (20, 25, 40, 43)");
  nd_health_runner_set_record (runner, TRUE);
  g_assert_true (run (runner, TRUE, NULL, 0, NULL, &error));
  g_assert_cmpint (g_list_model_get_n_items (items), ==,
                   scalar (&fx, "SELECT count(*) FROM channels WHERE status = 1 AND "
                                "NOT (channel_info::text LIKE '%%\"is_multi_key\":true%%')"));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      NdHealthItem *item = item_at (runner, i);
      gint64 id = nd_health_item_get_id (item);

      if (nd_health_item_get_channel_type (item) == 1 || nd_health_item_get_channel_type (item) == 8)
        {
          g_assert_cmpint (nd_health_item_get_state (item), ==, ND_HEALTH_OK);
          g_assert_cmpfloat_with_epsilon (nd_health_item_get_balance (item), 99.5, 1e-9);
          g_assert_true (nd_health_item_get_recorded (item));
          g_assert_cmpint (scalar (&fx, "SELECT (balance * 10)::bigint FROM channels WHERE id = %"
                                        G_GINT64_FORMAT, id), ==, 995);
          balance_time = scalar (&fx, "SELECT balance_updated_time FROM channels WHERE id = %"
                                      G_GINT64_FORMAT, id);
          g_assert_cmpint (balance_time, ==, nd_health_item_get_balance_time (item));
        }
      else
        {
          g_assert_cmpint (nd_health_item_get_state (item), ==, ND_HEALTH_SKIPPED);
          g_assert_true (isnan (nd_health_item_get_balance (item)));
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/health/probe", test_probe);
  g_test_add_func ("/pg/health/multi-key", test_multi_key);
  g_test_add_func ("/pg/health/models-balance", test_models_balance);
  g_test_add_func ("/pg/health/concurrency", test_concurrency);
  g_test_add_func ("/pg/health/record/new", test_record_new);
  g_test_add_func ("/pg/health/record/old", test_record_old);
  g_test_add_func ("/pg/health/disable/new", test_disable_new);
  g_test_add_func ("/pg/health/disable/old", test_disable_old);
  g_test_add_func ("/pg/health/read-only", test_read_only);
  g_test_add_func ("/pg/health/timeout", test_timeout);
  g_test_add_func ("/pg/health/cancel", test_cancel);
  g_test_add_func ("/pg/health/all", test_all);
  return g_test_run ();
}

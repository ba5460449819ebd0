/* nd-test-gateway.c — an in-test NewAPI gateway and a report of it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-test-gateway.h"
#include "nd-test.h"
#include "nd-time.h"

/* ─── an in-test gateway ───────────────────────────────────────────────── */


G_DEFINE_FINAL_TYPE (TestGateway, test_gateway, ND_TYPE_SOURCE)

static void
gw_probe_async (NdSource *source, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (source, c, cb, data);
  NdServerInfo *info = nd_server_info_new (ND_SOURCE_KIND_PG);

  info->caps = ND_CAP_LOGS | ND_CAP_LOG_EXPORT | ND_CAP_BULK_READS | ND_CAP_FACTS |
               ND_CAP_FACTS_USER | ND_CAP_FACTS_TOKEN | ND_CAP_FACTS_CHANNEL | ND_CAP_FACTS_ERRORS |
               ND_CAP_FACTS_LATENCY | ND_CAP_FACTS_TOKEN_SPLIT | ND_CAP_CHANNELS | ND_CAP_USERS |
               ND_CAP_TOKENS_ALL_USERS | ND_CAP_MODELS | ND_CAP_WRITE;
  info->system_name = g_strdup ("测试网关");
  info->newapi_version = g_strdup ("v1.0.0-rc.24");
  info->backend_version = g_strdup ("PostgreSQL 15.2");
  info->gateway_id = g_strdup ("pg:test-gateway");
  info->money->display = ND_MONEY_CNY;
  info->money->usd_exchange_rate = 7.3;
  g_task_return_pointer (task, info, (GDestroyNotify) nd_server_info_unref);
}

static void
gw_list_channels_async (NdSource *source, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (source, c, cb, data);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_channel_free);

  for (int i = 1; i <= 3; i++)
    {
      NdChannel *ch = nd_channel_new ();

      ch->id = i;
      ch->type = 1;
      ch->status = i == 3 ? 3 : 1;
      ch->name = g_strdup_printf ("渠道 %d", i);
      ch->group = g_strdup ("default,vip");
      ch->models = g_strdup ("gpt-4o,deepseek-chat");
      ch->remark = g_strdup ("pasted by mistake: " KEY_IN_REMARK);
      ch->base_url = g_strdup ("https://ops:" URL_PASSWORD "@api.example.com/v1?key=" URL_QUERY_KEY);
      ch->balance = 12.5 * i;
      g_ptr_array_add (all, ch);
    }
  g_task_return_pointer (task, all, (GDestroyNotify) g_ptr_array_unref);
}

static void
gw_list_users_async (NdSource *source, const NdListQuery *q, GCancellable *c,
                     GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (source, c, cb, data);
  NdListPage *page = g_new0 (NdListPage, 1);

  page->items = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_user_free);
  page->total = N_USERS;
  for (guint i = q->offset; i < N_USERS && page->items->len < q->limit; i++)
    {
      NdUser *u = nd_user_new ();

      u->id = i + 1;
      u->username = g_strdup_printf ("user%u", i + 1);
      u->display_name = g_strdup (i % 2 ? "张伟" : "Alice");
      u->group = g_strdup (i % 3 ? "default" : "vip");
      u->remark = g_strdup (BARE_KEY);
      u->role = i == 0 ? 100 : 1;
      u->status = 1;
      u->quota = 1000 * i;
      g_ptr_array_add (page->items, u);
    }
  g_task_return_pointer (task, page, (GDestroyNotify) nd_list_page_free);
}

static void
gw_list_tokens_async (NdSource *source, const NdListQuery *q, GCancellable *c,
                      GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (source, c, cb, data);
  NdListPage *page = g_new0 (NdListPage, 1);

  page->items = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_token_free);
  page->total = 4;
  for (guint i = q->offset; i < 4 && page->items->len < q->limit; i++)
    {
      NdToken *t = nd_token_new ();

      t->id = i + 1;
      t->user_id = i + 1;
      t->name = g_strdup_printf ("token %u", i + 1);
      t->masked_key = g_strdup ("sk-abcd***wxyz");
      t->group = g_strdup ("default");
      t->status = 1;
      g_ptr_array_add (page->items, t);
    }
  g_task_return_pointer (task, page, (GDestroyNotify) nd_list_page_free);
}

static void
gw_list_models_async (NdSource *source, const NdListQuery *q, GCancellable *c,
                      GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (source, c, cb, data);
  NdListPage *page = g_new0 (NdListPage, 1);
  const char *names[] = { "deepseek-chat", "gpt-4o" };

  page->items = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_model_free);
  page->total = 2;
  for (guint i = q->offset; i < 2; i++)
    {
      NdModel *m = nd_model_new ();

      m->model_name = g_strdup (names[i]);
      m->model_ratio = i ? 1.25 : NAN;
      m->model_price = NAN;
      m->channel_count = 2;
      g_ptr_array_add (page->items, m);
    }
  g_task_return_pointer (task, page, (GDestroyNotify) nd_list_page_free);
}

/* Every log of the range (N_LOGS, newest first, in batches of 100), or
 * with type 5 its error logs: three messages, the most frequent first,
 * one with a key. */
static void
gw_export_logs_async (NdSource *source, const NdLogQuery *q, NdLogBatchFunc func, gpointer fdata,
                      GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (source, c, cb, data);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  const char *models[] = { "deepseek-chat", "gpt-4o", "claude-3" };
  GError *error = NULL;
  gint64 n = 0;

  g_assert_cmpint (q->from, >, 0);
  if (q->type == ND_LOG_ERROR)
    {
      for (int i = 0; i < 60; i++)
        {
          NdLog *log = nd_log_new ();

          log->id = i + 1;
          log->type = ND_LOG_ERROR;
          log->created_at = q->from + i * 60;
          log->content = g_strdup (i % 6 == 0 ? "Incorrect API key provided: " KEY_IN_ERROR
                                   : i % 2 ? "upstream error: status code 500" : "context deadline\nexceeded");
          g_ptr_array_add (rows, log);
        }
      if (!func (rows, fdata, &error))
        return g_task_return_error (task, error);
      return g_task_return_int (task, rows->len);
    }
  g_assert_cmpint (q->type, ==, 0);
  for (int i = 0; i < N_LOGS; i++)
    {
      NdLog *log = nd_log_new ();

      /* Two logs a minute share a time: paging must use the id too. */
      log->id = 100000 - i;
      log->created_at = q->to - 1 - (i / 2) * 60;
      log->type = i % 10 == 3 ? ND_LOG_ERROR : ND_LOG_CONSUME;
      log->user_id = 1 + i % 3;
      log->username = g_strdup_printf ("user%d", 1 + i % 3);
      log->token_name = g_strdup_printf ("token %d", 1 + i % 3);
      log->channel_id = 1 + i % 2;
      log->model_name = g_strdup (models[i % 3]);
      log->group = g_strdup ("default");
      log->quota = 100 * (i % 7);
      log->prompt_tokens = 10 + i;
      log->completion_tokens = 5;
      log->ip = g_strdup ("203.0.113.9");
      log->content = g_strdup (i % 5 == 0 ? "key " KEY_IN_ERROR " was refused" : "模型倍率 1.0");
      log->other = g_strdup ("{\"admin_info\":{\"key\":\"" BARE_KEY "\"}}");
      g_ptr_array_add (rows, log);
      if (rows->len == 100)
        {
          if (!func (rows, fdata, &error))
            return g_task_return_error (task, error);
          n += rows->len;
          g_ptr_array_set_size (rows, 0);
        }
    }
  g_task_return_int (task, n);
}

/* One consume row per hour × user (1..3) × model, an error every 5 hours;
 * names for users, tokens and channels. */
static void
gw_pull_facts_async (NdSource *source, const NdFactsRequest *req, GCancellable *c,
                     GAsyncReadyCallback cb, gpointer data)
{
  TestGateway *self = TEST_GATEWAY (source);
  g_autoptr(GTask) task = g_task_new (source, c, cb, data);
  NdFactsBatch *batch = nd_facts_batch_new ();
  const char *models[] = { "deepseek-chat", "gpt-4o" };
  gint64 n = 0;

  self->pulls++;
  for (gint64 h = FIRST_HOUR; h < LAST_HOUR; h += ND_TIME_HOUR)
    for (int u = 1; u <= 3; u++)
      for (int m = 0; m < 2; m++)
        {
          NdFact *f = nd_facts_batch_add (batch, h, u, u, 1 + (u + m) % 3, ND_LOG_CONSUME, models[m],
                                          "default");

          f->requests = 1 + (h / ND_TIME_HOUR + u) % 4;
          f->quota = 1000 * f->requests * (m + 1);
          f->prompt_tokens = 30 * f->requests;
          f->completion_tokens = 12 * f->requests;
          f->use_time = 2 * f->requests;
          f->latency[ND_FACTS_LAT_1_3] = f->requests;
          n += f->requests;
          if ((h / ND_TIME_HOUR) % 5 == 0 && m == 0)
            {
              f = nd_facts_batch_add (batch, h, u, u, 2, ND_LOG_ERROR, models[m], "default");
              f->requests = 1;
              f->latency[ND_FACTS_LAT_LT1] = 1;
              n++;
            }
        }
  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *user = g_strdup_printf ("user%d", i);
      g_autofree char *token = g_strdup_printf ("token %d", i);
      g_autofree char *channel = g_strdup_printf ("渠道 %d", i);

      nd_facts_batch_add_name (batch, ND_FACTS_NAME_USER, i, user, 0);
      nd_facts_batch_add_name (batch, ND_FACTS_NAME_TOKEN, i, token, i);
      nd_facts_batch_add_name (batch, ND_FACTS_NAME_CHANNEL, i, channel, 0);
    }
  batch->merge = ND_FACTS_MERGE_ADD;
  batch->dims = ND_FACTS_DIM_ALL;
  batch->next_cursor = batch->target = 1;
  batch->done = TRUE;
  batch->rows_scanned = n;
  g_task_return_pointer (task, batch, (GDestroyNotify) nd_facts_batch_free);
}

static void
test_gateway_class_init (TestGatewayClass *klass)
{
  NdSourceClass *s = ND_SOURCE_CLASS (klass);

  s->probe_async = gw_probe_async;
  s->list_channels_async = gw_list_channels_async;
  s->list_users_async = gw_list_users_async;
  s->list_tokens_async = gw_list_tokens_async;
  s->list_models_async = gw_list_models_async;
  s->export_logs_async = gw_export_logs_async;
  s->pull_facts_async = gw_pull_facts_async;
}

static void
test_gateway_init (TestGateway *self)
{
}

/* ─── fixture: a synced store and a report of the last 7 days ─────────── */



void
gw_fx_setup (GwFx *fx)
{
  gw_fx_setup_logs (fx, 0);
}

void
gw_fx_setup_logs (GwFx *fx, guint max_logs)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  NdReportOptions o = { 0 };

  fx->dir = g_dir_make_tmp ("nd-report-XXXXXX", &error);
  g_assert_no_error (error);
  fx->store_path = g_build_filename (fx->dir, "store.sqlite", NULL);
  fx->path = g_build_filename (fx->dir, "week.ndreport", NULL);
  fx->gateway = g_object_new (TEST_TYPE_GATEWAY, "name", "gw", NULL);
  nd_source_probe_async (fx->gateway, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (fx->gateway, res, &error);
  g_assert_no_error (error);
  g_clear_object (&res);
  fx->store = nd_facts_new (fx->store_path);
  nd_facts_sync_async (fx->store, fx->gateway, NULL, NULL, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_cmpint (nd_facts_sync_finish (fx->store, res, &error), >, 0);
  g_assert_no_error (error);

  o.from = REPORT_FROM;
  o.to = LAST_HOUR;
  o.range_name = "7d";
  o.now = REPORT_NOW;
  o.max_logs = max_logs;
  fx->meta = report_write (fx->gateway, fx->store, &o, fx->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->meta);
}

void
gw_fx_teardown (GwFx *fx)
{
  g_clear_pointer (&fx->meta, nd_report_meta_unref);
  g_clear_object (&fx->store);
  g_clear_object (&fx->gateway);
  /* The store's worker closes its file on its own thread. */
  g_usleep (50 * 1000);
  remove_dir (fx->dir);
  g_free (fx->dir);
  g_free (fx->store_path);
  g_free (fx->path);
}


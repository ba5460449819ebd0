/* test-http-write.c — the channel actions over NewAPI's admin API, against
 * the fake in the NEW (rc.24) and OLD (v0.8) dialects: the endpoint each
 * version takes, what lands in the database (abilities equal to a rebuild
 * from channels after every write, other_info, audit rows), and refusals
 * (the server's verbatim, read-only before any request, roles)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-http-wfx.h"

#define KEY "sk-new-3kQ9zzSECRETxxLmN0pQrStUvWxYz0987654321"

static gboolean
is_new (WFx *fx)
{
  return fx->mode->mode == ND_FAKE_NEWAPI_NEW;
}

/* ---- status ------------------------------------------------------------- */

static void
test_status (gconstpointer data)
{
  WFX (data, "status");
  gint64 id = wfx_pick_channel (&fx, 1);
  g_autofree char *info_before = wfx_text (&fx, "SELECT other_info FROM channels WHERE id = %"
                                                G_GINT64_FORMAT, id);
  g_autofree char *others = wfx_abilities_except (&fx, id);
  g_autofree char *others_after = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *call = g_strdup_printf ("POST /api/channel/%" G_GINT64_FORMAT "/status", id);
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = wfx_write (fx.source, nd_write_channel_status_new (&id, 1, 2, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 1);
  /* Nothing to tell: NewAPI updated its own caches. */
  g_assert_null (result->notice);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                   ==, 2);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM abilities WHERE enabled AND "
                                    "channel_id = %" G_GINT64_FORMAT, id), ==, 0);
  others_after = wfx_abilities_except (&fx, id);
  g_assert_cmpstr (others, ==, others_after);
  wfx_assert_abilities (&fx);
  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };
      JsonObject *params;

      reason = wfx_text (&fx, "SELECT other_info::json ->> 'status_reason' FROM channels "
                              "WHERE id = %" G_GINT64_FORMAT, id);

      g_assert_cmpuint (wfx_calls (&fx, call), ==, 1);
      g_assert_cmpuint (wfx_calls (&fx, "PUT"), ==, 0);
      g_assert_cmpstr (wfx_body (&fx, call), ==, "{\"status\":2}");
      g_assert_cmpstr (reason, ==, "manual operation");
      g_assert_cmpint (wfx_scalar (&fx, "SELECT (other_info::json ->> 'status_time')::bigint FROM "
                                        "channels WHERE id = %" G_GINT64_FORMAT, id),
                       >=, g_get_real_time () / G_USEC_PER_SEC - 60);
      g_assert_true (wfx_last_audit (&fx, &audit));
      g_assert_cmpstr (audit.content, ==, "channel.status_update");
      params = wfx_audit_params (&fx, &audit, "channel.status_update");
      g_assert_cmpint (json_object_get_int_member (params, "id"), ==, id);
      g_assert_cmpint (json_object_get_int_member (params, "status"), ==, 2);
      g_assert_true (json_object_get_boolean_member (params, "changed"));
    }
  else
    {
      g_autofree char *info_after = wfx_text (&fx, "SELECT other_info FROM channels WHERE id = %"
                                                   G_GINT64_FORMAT, id);
      g_autofree char *body = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"status\":2}", id);

      /* Old servers: PUT with the status; other_info left alone, no audit. */
      g_assert_cmpuint (wfx_calls (&fx, "PUT /api/channel/"), ==, 1);
      g_assert_cmpuint (wfx_calls (&fx, "POST"), ==, 0);
      g_assert_cmpstr (wfx_body (&fx, "PUT /api/channel/"), ==, body);
      g_assert_cmpstr (info_after, ==, info_before);
      g_assert_cmpint (wfx_n_audits (&fx), ==, wfx_scalar (&fx, "SELECT count (*) FROM logs "
                                                              "WHERE type = 3 AND other NOT LIKE "
                                                              "'%%channel.status%%'"));
    }

  /* A reason cannot travel: the result says so. */
  {
    g_autoptr(NdWriteResult) back = wfx_write (fx.source, nd_write_channel_status_new (&id, 1, 1, "recovered"),
                                               &error);

    g_assert_no_error (error);
    g_assert_nonnull (back->notice);
    g_assert_nonnull (strstr (back->notice, "manual operation"));
    wfx_assert_abilities (&fx);
    g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM abilities WHERE NOT enabled AND "
                                      "channel_id = %" G_GINT64_FORMAT, id), ==, 0);
  }
}

static void
test_status_batch (gconstpointer data)
{
  WFX (data, "batch");
  g_autoptr(PGresult) res = nd_test_pg_query (fx.pg, fx.db,
    "SELECT id FROM channels WHERE status = 1 ORDER BY id LIMIT 3");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ids[4];

  for (int i = 0; i < 3; i++)
    ids[i] = g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10);
  ids[3] = wfx_scalar (&fx, "SELECT min (id) FROM channels WHERE status = 2");
  result = wfx_write (fx.source, nd_write_channel_status_new (ids, 4, 2, NULL), &error);
  g_assert_no_error (error);
  wfx_assert_abilities (&fx);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels WHERE status = 2 AND id IN "
                                    "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                               ids[0], ids[1], ids[2]), ==, 3);
  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };
      JsonObject *params;

      /* One request for all four; the already disabled one did not change. */
      g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/status/batch"), ==, 1);
      g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 1);
      g_assert_cmpint (result->changed, ==, 3);
      g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels WHERE other_info LIKE "
                                        "'%%\"status_reason\":\"manual batch operation\"%%'"), ==, 3);
      g_assert_true (wfx_last_audit (&fx, &audit));
      params = wfx_audit_params (&fx, &audit, "channel.status_update_batch");
      g_assert_cmpint (json_object_get_int_member (params, "count"), ==, 3);
      g_assert_cmpint (json_object_get_int_member (params, "total"), ==, 4);
    }
  else
    {
      g_autoptr(NdWriteResult) partial = NULL;
      gint64 two[2] = { wfx_pick_channel (&fx, 1), 999999 };

      /* One PUT per channel; PUT cannot tell a change from none. */
      g_assert_cmpuint (wfx_calls (&fx, "PUT /api/channel/"), ==, 4);
      g_assert_cmpint (result->changed, ==, 4);

      /* A refusal halfway: the first channel is changed, and the message
       * says so before NewAPI's own words. */
      partial = wfx_write (fx.source, nd_write_channel_status_new (two, 2, 2, NULL), &error);
      g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
      g_assert_true (g_str_has_prefix (error->message, "1 of 2 channels were changed"));
      g_assert_nonnull (strstr (error->message, "record not found"));
      g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT,
                                   two[0]), ==, 2);
      wfx_assert_abilities (&fx);
    }
}

/* The endpoint follows the version the server reports, not the dialect. */
static void
test_status_by_version (gconstpointer data)
{
  WFX (data, "version");
  static const struct { const char *version; const char *expect; } cases[] = {
    { "v1.0.0-rc.15", "PUT /api/channel/" },
    { "v1.0.0-rc.16", "POST /api/channel/" },
    { "v1.0.0", "POST /api/channel/" },
  };
  gint64 id = wfx_pick_channel (&fx, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NdSource) source = NULL;
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;

      nd_fake_newapi_set_version (fx.fake, cases[i].version);
      source = wfx_source_as (&fx, 100, FALSE, TRUE);
      nd_fake_newapi_reset_log (fx.fake);
      result = wfx_write (source, nd_write_channel_status_new (&id, 1, i % 2 ? 1 : 2, NULL), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 1);
      g_assert_cmpuint (wfx_calls (&fx, cases[i].expect), ==, 1);
      g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                       ==, i % 2 ? 1 : 2);
      wfx_assert_abilities (&fx);
      nd_source_close (source);
    }
}

/* What each server refuses of the other's way. */
static void
test_status_refusals (gconstpointer data)
{
  WFX (data, "refusals");
  NdHttpClient *client = nd_http_source_get_client (ND_HTTP_SOURCE (fx.source));
  gint64 id = wfx_pick_channel (&fx, 1);
  g_autofree char *put = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"status\":2}", id);
  g_autofree char *path = g_strdup_printf ("/api/channel/%" G_GINT64_FORMAT "/status", id);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(JsonNode) d1 = NULL;
  g_autoptr(JsonNode) d2 = NULL;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  nd_http_client_request_async (client, "PUT", "/api/channel/", NULL, put, ND_HTTP_FLAG_NONE, NULL,
                                nd_test_store_result, &r1);
  nd_test_wait (&r1);
  d1 = nd_http_client_request_finish (client, r1, &e1);
  nd_http_client_request_async (client, "POST", path, NULL, "{\"status\":3}", ND_HTTP_FLAG_NONE,
                                NULL, nd_test_store_result, &r2);
  nd_test_wait (&r2);
  d2 = nd_http_client_request_finish (client, r2, &e2);
  if (is_new (&fx))
    {
      /* rc.16: PUT refuses a status, the status endpoint anything but 1|2. */
      g_assert_error (e1, ND_ERROR, ND_ERROR_SERVER);
      g_assert_nonnull (strstr (e1->message, "Invalid parameters"));
      g_assert_error (e2, ND_ERROR, ND_ERROR_SERVER);
      g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                       ==, 1);
    }
  else
    {
      /* v0.8: no status endpoint at all; PUT takes it. */
      g_assert_no_error (e1);
      g_assert_error (e2, ND_ERROR, ND_ERROR_NOT_FOUND);
      g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                       ==, 2);
    }
  wfx_assert_abilities (&fx);
}

/* ---- update ------------------------------------------------------------- */

static void
test_update (gconstpointer data)
{
  WFX (data, "update");
  gint64 id = wfx_pick_channel (&fx, 1);
  NdChannelEdit *edit = nd_channel_edit_new ();
  g_autofree char *others = wfx_abilities_except (&fx, id);
  g_autofree char *others_after = NULL;
  g_autofree char *mapping = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *body;

  edit->mask = ND_CHANNEL_FIELD_MODELS | ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_PRIORITY |
               ND_CHANNEL_FIELD_TAG | ND_CHANNEL_FIELD_MODEL_MAPPING;
  /* Empty entries and duplicates are NewAPI's to keep. */
  edit->models = g_strdup ("gpt-4o,gpt-4o-mini,,gpt-4o");
  edit->group = g_strdup ("default,vip");
  edit->priority = 7;
  edit->tag = g_strdup ("north");
  edit->model_mapping = g_strdup ("{\"gpt-4o\": \"gpt-4o-2024-08-06\"}");
  result = wfx_write (fx.source, nd_write_channel_update_new (id, edit), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 1);

  /* Only the fields in the mask, never a status; no name, so no search. */
  g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 1);
  body = wfx_body (&fx, "PUT /api/channel/");
  g_assert_nonnull (body);
  g_assert_null (strstr (body, "status"));
  g_assert_null (strstr (body, "name"));
  g_assert_nonnull (strstr (body, "\"models\":\"gpt-4o,gpt-4o-mini,,gpt-4o\""));
  mapping = wfx_text (&fx, "SELECT model_mapping FROM channels WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpstr (mapping, ==, "{\"gpt-4o\": \"gpt-4o-2024-08-06\"}");
  wfx_assert_abilities (&fx);
  /* 2 groups × 3 distinct models, one of them empty. */
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM abilities WHERE channel_id = %"
                                    G_GINT64_FORMAT " AND priority = 7 AND tag = 'north'", id), ==, 6);
  others_after = wfx_abilities_except (&fx, id);
  g_assert_cmpstr (others, ==, others_after);

  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };
      g_autofree char *content = NULL;
      JsonObject *params;
      JsonArray *changed;

      g_assert_true (wfx_last_audit (&fx, &audit));
      params = wfx_audit_params (&fx, &audit, "channel.update");
      changed = json_object_get_array_member (params, "changed_fields");
      g_assert_cmpuint (json_array_get_length (changed), ==, 2);
      g_assert_cmpstr (json_array_get_string_element (changed, 0), ==, "models");
      g_assert_cmpstr (json_array_get_string_element (changed, 1), ==, "group");
      content = g_strdup_printf ("Updated channel %s (ID: %" G_GINT64_FORMAT ")",
                                 json_object_get_string_member (params, "name"), id);
      g_assert_cmpstr (audit.content, ==, content);
    }
  else
    g_assert_cmpint (wfx_n_audits (&fx), ==, wfx_scalar (&fx, "SELECT count (*) FROM logs "
                                                            "WHERE type = 3 AND other NOT LIKE "
                                                            "'%%channel.update%%'"));
}

/* The server's refusal comes back verbatim, and nothing is half-written. */
static void
test_update_refused (gconstpointer data)
{
  WFX (data, "refused");
  gint64 id = wfx_pick_channel (&fx, 1);
  g_autofree char *before = wfx_text (&fx, "SELECT string_agg (t::text, ',' ORDER BY id) FROM channels t");
  g_autofree char *abilities = wfx_text (&fx, "SELECT string_agg (a::text, ',' ORDER BY channel_id, "
                                              "\"group\", model) FROM abilities a");
  g_autofree char *long_model = g_strnfill (300, 'm');
  NdChannelEdit *edit = nd_channel_edit_new ();
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audits = wfx_n_audits (&fx);

  edit->mask = ND_CHANNEL_FIELD_MODELS;
  edit->models = g_strconcat ("gpt-4o,", long_model, NULL);
  result = wfx_write (fx.source, nd_write_channel_update_new (id, edit), &error);
  g_assert_null (result);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "ERROR: value too long for type character varying(255)"));
  {
    g_autofree char *after = wfx_text (&fx, "SELECT string_agg (t::text, ',' ORDER BY id) FROM channels t");
    g_autofree char *abilities_after = wfx_text (&fx, "SELECT string_agg (a::text, ',' ORDER BY "
                                                      "channel_id, \"group\", model) FROM abilities a");

    g_assert_cmpstr (before, ==, after);
    g_assert_cmpstr (abilities, ==, abilities_after);
    g_assert_cmpint (wfx_n_audits (&fx), ==, audits);
  }

  /* NewAPI's own check on a new channel, in its words; the key in the
   * request is in none of them. */
  {
    NdChannelEdit *create = nd_channel_edit_new ();
    gint64 n = wfx_scalar (&fx, "SELECT count (*) FROM channels");
    g_autoptr(NdWriteResult) none = NULL;

    g_clear_error (&error);
    create->mask = ND_CHANNEL_FIELD_NAME | ND_CHANNEL_FIELD_TYPE | ND_CHANNEL_FIELD_KEY |
                   ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_MODELS;
    create->name = g_strdup ("too long");
    create->type = 1;
    create->key = g_strdup (KEY);
    create->group = g_strdup ("default");
    create->models = g_strconcat ("gpt-4o,", long_model, NULL);
    none = wfx_write (fx.source, nd_write_channel_create_new (create), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "模型名称过长: mmmm"));
    g_assert_null (strstr (error->message, KEY));
    g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels"), ==, n);
    g_assert_cmpint (wfx_n_audits (&fx), ==, audits);
  }
}

/* A name another channel has: refused before anything is written, unless
 * the admin means it. */
static void
test_duplicate_name (gconstpointer data)
{
  WFX (data, "dup");
  gint64 id = wfx_pick_channel (&fx, 1);
  gint64 other = wfx_scalar (&fx, "SELECT max (id) FROM channels");
  g_autofree char *other_name = wfx_text (&fx, "SELECT name FROM channels WHERE id = %" G_GINT64_FORMAT,
                                          other);
  NdChannelEdit *edit = nd_channel_edit_new ();
  NdChannelEdit *again = nd_channel_edit_new ();
  NdChannelEdit *same = nd_channel_edit_new ();
  g_autoptr(NdWriteResult) refused = NULL;
  g_autoptr(NdWriteResult) kept = NULL;
  g_autoptr(NdWriteResult) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *own_name = wfx_text (&fx, "SELECT name FROM channels WHERE id = %" G_GINT64_FORMAT, id);

  edit->mask = ND_CHANNEL_FIELD_NAME;
  edit->name = g_strdup_printf ("  %s ", other_name);
  refused = wfx_write (fx.source, nd_write_channel_update_new (id, edit), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, other_name));
  g_assert_cmpuint (wfx_calls (&fx, "GET /api/channel/search"), >=, 1);
  g_assert_cmpuint (wfx_calls (&fx, "PUT"), ==, 0);
  g_clear_error (&error);

  /* Its own name is no duplicate. */
  same->mask = ND_CHANNEL_FIELD_NAME;
  same->name = g_strdup (own_name);
  kept = wfx_write (fx.source, nd_write_channel_update_new (id, same), &error);
  g_assert_no_error (error);

  again->mask = ND_CHANNEL_FIELD_NAME;
  again->name = g_strdup (other_name);
  again->allow_duplicate_name = TRUE;
  saved = wfx_write (fx.source, nd_write_channel_update_new (id, again), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels WHERE name = (SELECT name FROM "
                                    "channels WHERE id = %" G_GINT64_FORMAT ")", other), ==, 2);
}

/* ---- create, copy, tag, delete --------------------------------------- */

static void
test_create_copy_tag_delete (gconstpointer data)
{
  WFX (data, "ccdt");
  NdChannelEdit *edit = nd_channel_edit_new ();
  g_autoptr(NdWriteResult) created = NULL;
  g_autoptr(NdWriteResult) copied = NULL;
  g_autoptr(NdWriteResult) tagged = NULL;
  g_autoptr(NdWriteResult) untagged = NULL;
  g_autoptr(NdWriteResult) deleted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *copy_name = NULL;
  g_autofree char *copy_call = NULL;
  const char *body;
  gint64 ids[2];

  edit->mask = ND_CHANNEL_FIELD_NAME | ND_CHANNEL_FIELD_TYPE | ND_CHANNEL_FIELD_KEY |
               ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_MODELS | ND_CHANNEL_FIELD_BASE_URL;
  edit->name = g_strdup ("DeepSeek backup");
  edit->type = 43;
  edit->key = g_strdup (KEY);
  edit->group = g_strdup ("default");
  edit->models = g_strdup ("deepseek-chat,deepseek-reasoner");
  edit->base_url = g_strdup ("");
  created = wfx_write (fx.source, nd_write_channel_create_new (edit), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/"), ==, 1);
  body = wfx_body (&fx, "POST /api/channel/");
  g_assert_true (g_str_has_prefix (body, "{\"mode\":\"single\",\"channel\":{"));
  g_assert_nonnull (strstr (body, "\"key\":\"" KEY "\"}}"));
  /* The id NewAPI does not answer is found by name. */
  g_assert_cmpint (created->new_id, ==, wfx_scalar (&fx, "SELECT max (id) FROM channels"));
  key = wfx_text (&fx, "SELECT \"key\" FROM channels WHERE id = %" G_GINT64_FORMAT, created->new_id);
  g_assert_cmpstr (key, ==, KEY);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels WHERE id = %" G_GINT64_FORMAT
                                    " AND status = 1 AND auto_ban = 1 AND type = 43 AND "
                                    "name = 'DeepSeek backup'", created->new_id), ==, 1);
  wfx_assert_abilities (&fx);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM abilities WHERE channel_id = %" G_GINT64_FORMAT,
                               created->new_id), ==, 2);
  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };
      JsonObject *params;

      g_assert_true (wfx_last_audit (&fx, &audit));
      params = wfx_audit_params (&fx, &audit, "channel.create");
      g_assert_cmpint (json_object_get_int_member (params, "count"), ==, 1);
      g_assert_cmpstr (audit.content, ==, "Created channel DeepSeek backup (type 43, count 1)");
      g_assert_null (strstr (audit.other_text, KEY));
    }

  copied = wfx_write (fx.source, nd_write_channel_copy_new (created->new_id), &error);
  g_assert_no_error (error);
  copy_call = g_strdup_printf ("POST /api/channel/copy/%" G_GINT64_FORMAT, created->new_id);
  g_assert_cmpuint (wfx_calls (&fx, copy_call), ==, 1);
  g_assert_cmpint (copied->new_id, >, created->new_id);
  copy_name = wfx_text (&fx, "SELECT name FROM channels WHERE id = %" G_GINT64_FORMAT, copied->new_id);
  g_assert_cmpstr (copy_name, ==, "DeepSeek backup_复制");
  wfx_assert_abilities (&fx);

  ids[0] = created->new_id;
  ids[1] = copied->new_id;
  tagged = wfx_write (fx.source, nd_write_channel_tag_new (ids, 2, "backup"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (tagged->changed, ==, 2);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/batch/tag"), ==, 1);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM abilities WHERE tag = 'backup'"), ==, 4);
  wfx_assert_abilities (&fx);
  /* "" clears: null, so the tag is NULL as on an untagged channel. */
  untagged = wfx_write (fx.source, nd_write_channel_tag_new (ids, 1, ""), &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (wfx_body (&fx, "POST /api/channel/batch/tag"), "\"tag\":null"));
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels WHERE tag IS NULL AND id = %"
                                    G_GINT64_FORMAT, ids[0]), ==, 1);
  wfx_assert_abilities (&fx);

  deleted = wfx_write (fx.source, nd_write_channel_delete_new (ids, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (deleted->changed, ==, 2);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/batch "), ==, 0);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/batch"), ==, 3);   /* 2 tags + 1 delete */
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels WHERE id IN (%" G_GINT64_FORMAT
                                    ", %" G_GINT64_FORMAT ")", ids[0], ids[1]), ==, 0);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM abilities WHERE channel_id IN (%"
                                    G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", ids[0], ids[1]), ==, 0);
  wfx_assert_abilities (&fx);

  /* One id: DELETE /api/channel/:id, a hard delete. */
  {
    gint64 one = wfx_pick_channel (&fx, 2);
    g_autofree char *call = g_strdup_printf ("DELETE /api/channel/%" G_GINT64_FORMAT, one);
    g_autoptr(NdWriteResult) gone = wfx_write (fx.source, nd_write_channel_delete_new (&one, 1), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (wfx_calls (&fx, call), ==, 1);
    g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels WHERE id = %" G_GINT64_FORMAT, one),
                     ==, 0);
    wfx_assert_abilities (&fx);
  }
}

/* ---- multi-key ---------------------------------------------------------- */

static void
test_key_status (gconstpointer data)
{
  WFX (data, "keys");
  gint64 id = wfx_scalar (&fx, "SELECT min (id) FROM channels WHERE channel_info::text LIKE "
                               "'%%\"is_multi_key\":true%%'");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (id, >, 0);
  result = wfx_write (fx.source, nd_write_channel_key_status_new (id, 1, 2), &error);
  if (!is_new (&fx))
    {
      /* No per-key management on the v0.8 server. */
      g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/multi_key/manage"), ==, 1);
  g_assert_nonnull (strstr (wfx_body (&fx, "POST /api/channel/multi_key/manage"),
                            "\"action\":\"disable_key\",\"key_index\":1"));
  g_assert_cmpint (wfx_scalar (&fx, "SELECT (channel_info -> 'multi_key_status_list' ->> '1')::int "
                                    "FROM channels WHERE id = %" G_GINT64_FORMAT, id), ==, 2);
  wfx_assert_abilities (&fx);
  {
    g_auto(WAudit) audit = { 0 };
    JsonObject *params;

    g_assert_true (wfx_last_audit (&fx, &audit));
    params = wfx_audit_params (&fx, &audit, "channel.multi_key_manage");
    g_assert_cmpstr (json_object_get_string_member (params, "action"), ==, "disable_key");
  }
  g_clear_pointer (&result, nd_write_result_free);

  /* Back on; then a key the channel does not have, refused verbatim. */
  result = wfx_write (fx.source, nd_write_channel_key_status_new (id, 1, 1), &error);
  g_assert_no_error (error);
  g_assert_null (wfx_text (&fx, "SELECT channel_info -> 'multi_key_status_list' ->> '1' FROM channels "
                                "WHERE id = %" G_GINT64_FORMAT, id));
  g_clear_pointer (&result, nd_write_result_free);
  result = wfx_write (fx.source, nd_write_channel_key_status_new (id, 9, 2), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "密钥索引超出范围"));
}

/* ---- what is refused before any request ----------------------------------- */

static GPtrArray *
every_write (WFx *fx)
{
  GPtrArray *writes = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_write_free);
  gint64 id = wfx_pick_channel (fx, 1);
  NdChannelEdit *update = nd_channel_edit_new ();
  NdChannelEdit *create = nd_channel_edit_new ();

  update->mask = ND_CHANNEL_FIELD_PRIORITY;
  update->priority = 3;
  create->mask = ND_CHANNEL_FIELD_NAME | ND_CHANNEL_FIELD_TYPE | ND_CHANNEL_FIELD_KEY |
                 ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_MODELS;
  create->name = g_strdup ("x");
  create->type = 1;
  create->key = g_strdup (KEY);
  create->group = g_strdup ("default");
  create->models = g_strdup ("gpt-4o");
  g_ptr_array_add (writes, nd_write_channel_status_new (&id, 1, 2, NULL));
  g_ptr_array_add (writes, nd_write_channel_update_new (id, update));
  g_ptr_array_add (writes, nd_write_channel_create_new (create));
  g_ptr_array_add (writes, nd_write_channel_delete_new (&id, 1));
  g_ptr_array_add (writes, nd_write_channel_tag_new (&id, 1, "t"));
  g_ptr_array_add (writes, nd_write_channel_copy_new (id));
  g_ptr_array_add (writes, nd_write_channel_key_status_new (id, 0, 2));
  g_ptr_array_add (writes, nd_write_channel_test_result_new (id, 120, 1767225600));
  g_ptr_array_add (writes, nd_write_channel_balance_new (id, 3.5, 1767225600));
  return writes;
}

static void
test_read_only (gconstpointer data)
{
  WFX (data, "ro");
  g_autoptr(NdSource) ro = wfx_source_as (&fx, 100, TRUE, TRUE);
  g_autoptr(GPtrArray) writes = every_write (&fx);
  g_autofree char *before = wfx_text (&fx, "SELECT string_agg (t::text, ',' ORDER BY id) FROM channels t");

  nd_fake_newapi_reset_log (fx.fake);
  for (guint i = 0; i < writes->len; i++)
    {
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;

      result = wfx_write (ro, nd_write_copy (g_ptr_array_index (writes, i)), &error);
      g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
      g_assert_nonnull (strstr (error->message, "Read-only"));
      g_assert_null (strstr (error->message, KEY));
    }
  g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 0);
  {
    g_autofree char *after = wfx_text (&fx, "SELECT string_agg (t::text, ',' ORDER BY id) FROM channels t");

    g_assert_cmpstr (before, ==, after);
  }
  nd_source_close (ro);
}

/* Recording a test result or a balance has no endpoint: said so, nothing sent. */
static void
test_unsupported (gconstpointer data)
{
  WFX (data, "unsup");
  g_autoptr(GPtrArray) writes = every_write (&fx);

  for (guint i = 7; i < writes->len; i++)
    {
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;

      result = wfx_write (fx.source, nd_write_copy (g_ptr_array_index (writes, i)), &error);
      g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "records them itself"));
    }
  g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 0);
}

/* ---- roles -------------------------------------------------------------- */

static void
test_roles (gconstpointer data)
{
  WFX (data, "roles");
  g_autoptr(NdSource) admin = wfx_source_as (&fx, 10, FALSE, TRUE);
  g_autoptr(NdSource) common = wfx_source_as (&fx, 1, FALSE, FALSE);
  g_autoptr(GPtrArray) writes = every_write (&fx);
  gint64 id = wfx_pick_channel (&fx, 1);
  gint64 n_channels = wfx_scalar (&fx, "SELECT count (*) FROM channels");
  gint64 audits = wfx_n_audits (&fx);

  /* A common user cannot probe; lend it the root's server facts so the
   * write reaches the server, which refuses it (401/403 or, on old
   * servers, 200 + "权限不足"). */
  nd_source_set_info (common, nd_source_get_info (fx.source));
  {
    g_autoptr(NdWriteResult) result = NULL;
    g_autoptr(GError) error = NULL;

    result = wfx_write (common, nd_write_channel_tag_new (&id, 1, "x"), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
    g_assert_null (wfx_text (&fx, "SELECT tag FROM channels WHERE id = %" G_GINT64_FORMAT " AND "
                                  "tag = 'x'", id));
  }

  /* An admin creating a channel: root only from rc.16 (403), fine before. */
  {
    g_autoptr(NdWriteResult) result = NULL;
    g_autoptr(GError) error = NULL;

    result = wfx_write (admin, nd_write_copy (g_ptr_array_index (writes, 2)), &error);
    if (is_new (&fx))
      {
        g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
        g_assert_null (strstr (error->message, KEY));
        g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels"), ==, n_channels);
        g_assert_cmpint (wfx_n_audits (&fx), ==, audits);
      }
    else
      {
        g_assert_no_error (error);
        g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM channels"), ==, n_channels + 1);
      }
  }
  /* An admin may change the priority, but not where traffic goes. */
  {
    NdChannelEdit *prio = nd_channel_edit_new ();
    NdChannelEdit *url = nd_channel_edit_new ();
    g_autoptr(NdWriteResult) ok = NULL;
    g_autoptr(NdWriteResult) refused = NULL;
    g_autoptr(GError) error = NULL;

    prio->mask = ND_CHANNEL_FIELD_PRIORITY;
    prio->priority = 42;
    ok = wfx_write (admin, nd_write_channel_update_new (id, prio), &error);
    g_assert_no_error (error);
    g_assert_cmpint (wfx_scalar (&fx, "SELECT priority FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                     ==, 42);
    url->mask = ND_CHANNEL_FIELD_BASE_URL;
    url->base_url = g_strdup ("https://evil.example.com");
    refused = wfx_write (admin, nd_write_channel_update_new (id, url), &error);
    if (is_new (&fx))
      {
        g_autofree char *base = wfx_text (&fx, "SELECT base_url FROM channels WHERE id = %"
                                               G_GINT64_FORMAT, id);

        g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
        g_assert_cmpstr (base, !=, "https://evil.example.com");
      }
    else
      g_assert_no_error (error);
    wfx_assert_abilities (&fx);
  }
  nd_source_close (admin);
  nd_source_close (common);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("write/status", test_status);
  nd_http_fx_add ("write/status-batch", test_status_batch);
  /* The NEW fake follows the version it is told to report. */
  g_test_add_data_func ("/http/new/write/status-by-version", &mode_new, test_status_by_version);
  nd_http_fx_add ("write/status-refusals", test_status_refusals);
  nd_http_fx_add ("write/update", test_update);
  nd_http_fx_add ("write/update-refused", test_update_refused);
  nd_http_fx_add ("write/duplicate-name", test_duplicate_name);
  nd_http_fx_add ("write/create-copy-tag-delete", test_create_copy_tag_delete);
  nd_http_fx_add ("write/key-status", test_key_status);
  nd_http_fx_add ("write/read-only", test_read_only);
  nd_http_fx_add ("write/unsupported", test_unsupported);
  nd_http_fx_add ("write/roles", test_roles);
  return g_test_run ();
}

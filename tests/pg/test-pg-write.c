/* test-pg-write.c — the write path over PostgreSQL: channel actions, NewAPI's
 * invariants, audit rows, refusals and rollbacks, on both schema variants
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After every write, `abilities` must equal a rebuild from `channels` that
 * this file computes itself, in C, with Go's strings.Split semantics (the
 * fixture generator builds abilities with string_to_array, which differs on
 * empty lists: that difference is part of what is checked).
 */
#include "config.h"

#include <string.h>

#include "nd-json.h"
#include "nd-pg-wfx.h"

static const Variant variant_new = { "new", "write_new" };
static const Variant variant_old = { "old", "write_old" };

/* ---- abilities, rebuilt independently ----------------------------------- */

/* Go's strings.Split: "" gives [""], no trimming, empty entries kept. */
static GStrv
go_split (const char *s)
{
  if (s == NULL || *s == '\0')
    {
      GStrv one = g_new0 (char *, 2);

      one[0] = g_strdup ("");
      return one;
    }
  return g_strsplit (s, ",", -1);
}

static GPtrArray *
expected_abilities (Fx *fx)
{
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->db,
    "SELECT id, \"group\", models, status, COALESCE (priority, 0), COALESCE (weight, 0), "
    "COALESCE (tag, '<null>') FROM channels ORDER BY id");
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < PQntuples (res); i++)
    {
      g_auto(GStrv) groups = go_split (PQgetisnull (res, i, 1) ? NULL : PQgetvalue (res, i, 1));
      g_auto(GStrv) models = go_split (PQgetisnull (res, i, 2) ? NULL : PQgetvalue (res, i, 2));
      gboolean enabled = g_str_equal (PQgetvalue (res, i, 3), "1");

      for (guint g = 0; groups[g]; g++)
        for (guint m = 0; models[m]; m++)
          {
            g_autofree char *key = g_strdup_printf ("%s|%s|%s", groups[g], models[m],
                                                    PQgetvalue (res, i, 0));

            if (g_hash_table_contains (seen, key))
              continue;
            g_hash_table_add (seen, g_strdup (key));
            g_ptr_array_add (rows, g_strdup_printf ("%s|%s|%s|%s|%s", key,
                                                    enabled ? "t" : "f", PQgetvalue (res, i, 4),
                                                    PQgetvalue (res, i, 5), PQgetvalue (res, i, 6)));
          }
    }
  g_hash_table_unref (seen);
  g_ptr_array_sort (rows, (GCompareFunc) g_strcmp0);
  return rows;
}

static int
cmp_str_ptr (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
assert_abilities_rebuilt (Fx *fx)
{
  g_autoptr(GPtrArray) want = expected_abilities (fx);
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->db,
    "SELECT \"group\" || '|' || model || '|' || channel_id || '|' || "
    "CASE WHEN enabled THEN 't' ELSE 'f' END || '|' || COALESCE (priority, 0) || '|' || "
    "COALESCE (weight, 0) || '|' || COALESCE (tag, '<null>') FROM abilities");
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (got, g_strdup (PQgetvalue (res, i, 0)));
  g_ptr_array_sort (got, cmp_str_ptr);
  g_ptr_array_sort (want, cmp_str_ptr);
  for (guint i = 0; i < MIN (want->len, got->len); i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (want, i));
  g_assert_cmpuint (got->len, ==, want->len);
}

/* The abilities of every channel but @except, as text, to prove a change
 * touched only its own channel. */
static char *
abilities_except (Fx *fx, gint64 except)
{
  return text (fx,
    "SELECT string_agg (\"group\" || model || channel_id || enabled::text || priority || weight "
    "|| COALESCE (tag, ''), ',' ORDER BY channel_id, \"group\", model) FROM abilities "
    "WHERE channel_id <> %" G_GINT64_FORMAT, except);
}

/* An enabled, single-key channel with abilities. */
static gint64
pick_channel (Fx *fx, int status)
{
  return scalar (fx, "SELECT min(c.id) FROM channels c WHERE c.status = %d AND "
                     "channel_info::text NOT LIKE '%%\"is_multi_key\":true%%' AND "
                     "EXISTS (SELECT 1 FROM abilities a WHERE a.channel_id = c.id)", status);
}

/* ---- tests ----------------------------------------------------------------- */

static void
test_status (gconstpointer data)
{
  FX (data, "status");
  gint64 id = pick_channel (&fx, 1);
  g_autofree char *others = abilities_except (&fx, id);
  g_autofree char *others_after = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(NdWriteResult) again = NULL;
  g_auto(Audit) audit = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *params, *admin;
  gint64 audits;

  result = run (fx.source, nd_write_channel_status_new (&id, 1, 2, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 1);
  g_assert_nonnull (strstr (result->notice, "SYNC_FREQUENCY"));
  g_assert_null (result->audit_error);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id), ==, 2);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = %" G_GINT64_FORMAT
                                " AND enabled", id), ==, 0);
  /* Only this channel's abilities flipped. */
  others_after = abilities_except (&fx, id);
  g_assert_cmpstr (others, ==, others_after);
  assert_abilities_rebuilt (&fx);
  reason = text (&fx, "SELECT other_info::json ->> 'status_reason' FROM channels "
                      "WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpstr (reason, ==, "manual operation");
  g_assert_cmpint (scalar (&fx, "SELECT (other_info::json ->> 'status_time')::bigint FROM channels "
                                "WHERE id = %" G_GINT64_FORMAT, id),
                   >=, g_get_real_time () / G_USEC_PER_SEC - 60);

  /* The audit row names the operator: the lowest-id root user. */
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  g_assert_cmpint (audit.user_id, ==, scalar (&fx, "SELECT min(id) FROM users WHERE role >= 100 "
                                                   "AND deleted_at IS NULL"));
  g_assert_cmpstr (audit.content, ==, "channel.status_update");
  params = audit_params (&audit, "channel.status_update");
  g_assert_cmpint (json_object_get_int_member (params, "id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (params, "status"), ==, 2);
  g_assert_true (json_object_get_boolean_member (params, "changed"));
  admin = json_object_get_object_member (audit.other, "admin_info");
  g_assert_cmpint (json_object_get_int_member (admin, "admin_id"), ==, audit.user_id);
  g_assert_cmpstr (json_object_get_string_member (admin, "admin_username"), ==, audit.username);
  g_assert_cmpint (json_object_get_int_member (admin, "admin_role"), ==, 100);

  /* Unchanged is a no-op, still audited as NewAPI does (changed: false). */
  audits = n_audits (&fx);
  again = run (fx.source, nd_write_channel_status_new (&id, 1, 2, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->changed, ==, 0);
  g_assert_cmpint (n_audits (&fx), ==, audits + 1);
}

static void
test_status_batch (gconstpointer data)
{
  FX (data, "batch");
  g_autoptr(PGresult) res = nd_test_pg_query (fx.pg, fx.db,
    "SELECT id FROM channels WHERE status = 1 ORDER BY id LIMIT 3");
  gint64 ids[4];
  g_autoptr(NdWriteResult) result = NULL;
  g_auto(Audit) audit = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *params;

  g_assert_cmpint (PQntuples (res), ==, 3);
  for (int i = 0; i < 3; i++)
    ids[i] = g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10);
  ids[3] = scalar (&fx, "SELECT min(id) FROM channels WHERE status = 2");
  g_assert_cmpint (ids[3], >, 0);

  result = run (fx.source, nd_write_channel_status_new (ids, 4, 2, "upstream outage"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 3);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM channels WHERE id IN (%" G_GINT64_FORMAT
                                ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") AND "
                                "other_info::json ->> 'status_reason' = 'upstream outage'",
                           ids[0], ids[1], ids[2]), ==, 3);
  assert_abilities_rebuilt (&fx);
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  params = audit_params (&audit, "channel.status_update_batch");
  g_assert_cmpint (json_object_get_int_member (params, "count"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (params, "total"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (params, "status"), ==, 2);
}

/* One missing id in a batch: the whole action rolls back. */
static void
test_status_rollback (gconstpointer data)
{
  FX (data, "rollback");
  gint64 ids[2] = { pick_channel (&fx, 1), 999999 };
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audits = n_audits (&fx);

  result = run (fx.source, nd_write_channel_status_new (ids, 2, 2, NULL), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_assert_null (result);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, ids[0]),
                   ==, 1);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = %" G_GINT64_FORMAT
                                " AND NOT enabled", ids[0]), ==, 0);
  g_assert_cmpint (n_audits (&fx), ==, audits);
}

static void
test_update (gconstpointer data)
{
  FX (data, "update");
  gint64 id = pick_channel (&fx, 1);
  NdChannelEdit *edit = nd_channel_edit_new ();
  g_autoptr(NdWriteResult) result = NULL;
  g_autofree char *others = abilities_except (&fx, id);
  g_autofree char *others_after = NULL;
  g_auto(Audit) audit = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *content = NULL;
  JsonObject *params;
  JsonArray *changed;

  edit->mask = ND_CHANNEL_FIELD_MODELS | ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_PRIORITY |
               ND_CHANNEL_FIELD_TAG | ND_CHANNEL_FIELD_MODEL_MAPPING;
  /* Duplicates and empty entries are kept as NewAPI keeps them. */
  edit->models = g_strdup ("gpt-4o,gpt-4o-mini,,gpt-4o");
  edit->group = g_strdup ("default,vip");
  edit->priority = 7;
  edit->tag = g_strdup ("north");
  edit->model_mapping = g_strdup ("{\"gpt-4o\": \"gpt-4o-2024-08-06\"}");
  result = run (fx.source, nd_write_channel_update_new (id, edit), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 1);
  assert_abilities_rebuilt (&fx);
  /* 2 groups × 3 distinct models (one empty). */
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = %" G_GINT64_FORMAT,
                           id), ==, 6);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = %" G_GINT64_FORMAT
                                " AND priority = 7 AND tag = 'north'", id), ==, 6);
  others_after = abilities_except (&fx, id);
  g_assert_cmpstr (others, ==, others_after);

  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  params = audit_params (&audit, "channel.update");
  g_assert_cmpint (json_object_get_int_member (params, "id"), ==, id);
  changed = json_object_get_array_member (params, "changed_fields");
  g_assert_cmpuint (json_array_get_length (changed), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (changed, 0), ==, "models");
  g_assert_cmpstr (json_array_get_string_element (changed, 1), ==, "group");
  content = g_strdup_printf ("Updated channel %s (ID: %" G_GINT64_FORMAT ")",
                             json_object_get_string_member (params, "name"), id);
  g_assert_cmpstr (audit.content, ==, content);

  /* A channel left with an empty model list by someone else still gets
   * NewAPI's abilities on a rebuild: strings.Split("") is one empty model. */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE channels SET models = '' WHERE id = %"
                                            G_GINT64_FORMAT, id);
    NdChannelEdit *prio = nd_channel_edit_new ();
    g_autoptr(NdWriteResult) again = NULL;

    nd_test_pg_exec (fx.pg, fx.db, sql);
    prio->mask = ND_CHANNEL_FIELD_PRIORITY;
    prio->priority = 3;
    again = run (fx.source, nd_write_channel_update_new (id, prio), &error);
    g_assert_no_error (error);
    g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = %" G_GINT64_FORMAT
                                  " AND model = ''", id), ==, 2);
    assert_abilities_rebuilt (&fx);
  }
}

/* Every bad input is refused with a clear message and nothing written. */
static void
test_bad_input (gconstpointer data)
{
  FX (data, "bad");
  gint64 id = pick_channel (&fx, 1);
  gint64 other = scalar (&fx, "SELECT max(id) FROM channels");
  g_autofree char *other_name = text (&fx, "SELECT name FROM channels WHERE id = %"
                                      G_GINT64_FORMAT, other);
  g_autofree char *before = text (&fx, "SELECT string_agg (t::text, ',' ORDER BY id) FROM channels t");
  g_autofree char *abilities = text (&fx, "SELECT string_agg (a::text, ',' ORDER BY channel_id, "
                                          "\"group\", model) FROM abilities a");
  gint64 audits = n_audits (&fx);
  struct {
    NdChannelField bit;
    const char *value;
    const char *field;
    const char *message;
  } cases[] = {
    { ND_CHANNEL_FIELD_MODEL_MAPPING, "{\"a\": \"b\",\n \"c\": }", "model_mapping", "line 2" },
    { ND_CHANNEL_FIELD_MODEL_MAPPING, "[\"a\"]", "model_mapping", "JSON object" },
    { ND_CHANNEL_FIELD_GROUP, "default,vip,svip,enterprise,free,team-alpha,team-beta,team-gamma,team-delta",
      "group", "64" },
    { ND_CHANNEL_FIELD_MODELS, " , ,", "models", "model" },
    { ND_CHANNEL_FIELD_NAME, "  ", "name", "name" },
    { ND_CHANNEL_FIELD_HEADER_OVERRIDE, "not json", "header_override", "JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      NdChannelEdit *edit = nd_channel_edit_new ();
      g_autoptr(NdWrite) write = NULL;
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;
      const char *field = NULL;

      edit->mask = cases[i].bit;
      edit->model_mapping = g_strdup (cases[i].value);
      edit->group = g_strdup (cases[i].value);
      edit->models = g_strdup (cases[i].value);
      edit->name = g_strdup (cases[i].value);
      edit->header_override = g_strdup (cases[i].value);
      write = nd_write_channel_update_new (id, edit);
      g_assert_false (nd_write_validate (write, &field, &error));
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
      g_assert_cmpstr (field, ==, cases[i].field);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_clear_error (&error);
      result = run (fx.source, g_steal_pointer (&write), &error);
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    }

  /* A name another channel has: refused unless the admin means it. */
  {
    NdChannelEdit *edit = nd_channel_edit_new ();
    g_autoptr(NdWriteResult) result = NULL;
    g_autoptr(GError) error = NULL;

    edit->mask = ND_CHANNEL_FIELD_NAME;
    edit->name = g_strdup (other_name);
    result = run (fx.source, nd_write_channel_update_new (id, edit), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
    g_assert_nonnull (strstr (error->message, other_name));
  }
  /* A model name PostgreSQL cannot hold in abilities (varchar(255)) fails
   * in the middle of the action: the channel keeps its models. */
  {
    NdChannelEdit *edit = nd_channel_edit_new ();
    g_autoptr(NdWriteResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *long_model = g_strnfill (300, 'm');

    edit->mask = ND_CHANNEL_FIELD_MODELS;
    edit->models = g_strconcat ("gpt-4o,", long_model, NULL);
    result = run (fx.source, nd_write_channel_update_new (id, edit), &error);
    g_assert_nonnull (error);
    g_assert_null (result);
  }

  {
    g_autofree char *after = text (&fx, "SELECT string_agg (t::text, ',' ORDER BY id) FROM channels t");
    g_autofree char *abilities_after = text (&fx, "SELECT string_agg (a::text, ',' ORDER BY "
                                                  "channel_id, \"group\", model) FROM abilities a");

    g_assert_cmpstr (before, ==, after);
    g_assert_cmpstr (abilities, ==, abilities_after);
    g_assert_cmpint (n_audits (&fx), ==, audits);
  }

  /* With the admin's confirmation the duplicate name is saved. */
  {
    NdChannelEdit *edit = nd_channel_edit_new ();
    g_autoptr(NdWriteResult) result = NULL;
    g_autoptr(GError) error = NULL;

    edit->mask = ND_CHANNEL_FIELD_NAME;
    edit->name = g_strdup (other_name);
    edit->allow_duplicate_name = TRUE;
    result = run (fx.source, nd_write_channel_update_new (id, edit), &error);
    g_assert_no_error (error);
    g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM channels WHERE name = (SELECT name FROM "
                                  "channels WHERE id = %" G_GINT64_FORMAT ")", other), ==, 2);
  }
}

static void
test_create_copy_delete_tag (gconstpointer data)
{
  FX (data, "ccdt");
  NdChannelEdit *edit = nd_channel_edit_new ();
  g_autoptr(NdWriteResult) created = NULL;
  g_autoptr(NdWriteResult) copied = NULL;
  g_autoptr(NdWriteResult) tagged = NULL;
  g_autoptr(NdWriteResult) deleted = NULL;
  g_auto(Audit) audit = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 ids[2];

  edit->mask = ND_CHANNEL_FIELD_NAME | ND_CHANNEL_FIELD_TYPE | ND_CHANNEL_FIELD_KEY |
               ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_MODELS | ND_CHANNEL_FIELD_BASE_URL;
  edit->name = g_strdup ("DeepSeek backup");
  edit->type = 43;
  edit->key = g_strdup ("sk-test-0123456789abcdefghijklmnop");
  edit->group = g_strdup ("default");
  edit->models = g_strdup ("deepseek-chat,deepseek-reasoner");
  edit->base_url = g_strdup ("");
  created = run (fx.source, nd_write_channel_create_new (edit), &error);
  g_assert_no_error (error);
  g_assert_cmpint (created->new_id, >, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM channels WHERE id = %" G_GINT64_FORMAT
                                " AND status = 1 AND auto_ban = 1 AND created_time > 0", created->new_id),
                   ==, 1);
  assert_abilities_rebuilt (&fx);
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  audit_params (&audit, "channel.create");
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), audit.other);
    g_autofree char *other = json_to_string (node, FALSE);

    g_assert_null (strstr (other, "sk-test"));
  }

  copied = run (fx.source, nd_write_channel_copy_new (created->new_id), &error);
  g_assert_no_error (error);
  g_assert_cmpint (copied->new_id, >, created->new_id);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = %" G_GINT64_FORMAT,
                           copied->new_id), ==, 2);
  assert_abilities_rebuilt (&fx);

  ids[0] = created->new_id;
  ids[1] = copied->new_id;
  tagged = run (fx.source, nd_write_channel_tag_new (ids, 2, "backup"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE tag = 'backup'"), ==, 4);
  assert_abilities_rebuilt (&fx);
  {
    g_auto(Audit) tag_audit = { 0 };

    g_assert_true (last_audit (fx.pg, fx.db, &tag_audit));
    g_assert_cmpint (json_object_get_int_member (audit_params (&tag_audit, "channel.tag_batch_set"),
                                                 "count"), ==, 2);
  }

  deleted = run (fx.source, nd_write_channel_delete_new (ids, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (deleted->changed, ==, 2);
  {
    g_auto(Audit) del_audit = { 0 };

    /* One row for the batch, as upstream's batch delete writes. */
    g_assert_true (last_audit (fx.pg, fx.db, &del_audit));
    g_assert_cmpint (json_object_get_int_member (audit_params (&del_audit, "channel.delete_batch"),
                                                 "count"), ==, 2);
    g_assert_cmpstr (del_audit.content, ==, "Batch deleted 2 channels");
  }
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM channels WHERE id IN (%" G_GINT64_FORMAT ", %"
                                G_GINT64_FORMAT ")", ids[0], ids[1]), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id IN (%"
                                G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", ids[0], ids[1]), ==, 0);
  assert_abilities_rebuilt (&fx);
}

/* A read-only profile refuses before anything reaches the server. */
static void
test_read_only (gconstpointer data)
{
  FX (data, "ro");
  g_autoptr(NdSource) ro = open_source (fx.dsn, NULL, TRUE, 0);
  gint64 id = pick_channel (&fx, 1);
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = run (ro, nd_write_channel_status_new (&id, 1, 2, NULL), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  /* Our sentence, not PostgreSQL's refusal: nothing was sent. */
  g_assert_null (strstr (error->message, "PostgreSQL"));
  g_assert_nonnull (strstr (error->message, "Read-only"));
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id), ==, 1);
  nd_source_close (ro);
}

/* The profile's "act as" admin takes the audit row; a common user cannot. */
static void
test_operator (gconstpointer data)
{
  FX (data, "operator");
  gint64 admin = scalar (&fx, "SELECT min(id) FROM users WHERE role = 10 AND deleted_at IS NULL");
  gint64 common = scalar (&fx, "SELECT min(id) FROM users WHERE role = 1 AND deleted_at IS NULL");
  g_autoptr(NdSource) as_admin = open_source (fx.dsn, NULL, FALSE, admin);
  g_autoptr(NdSource) as_common = open_source (fx.dsn, NULL, FALSE, common);
  gint64 id = pick_channel (&fx, 1);
  g_autoptr(NdWriteResult) ok = NULL;
  g_autoptr(NdWriteResult) refused = NULL;
  g_auto(Audit) audit = { 0 };
  g_autoptr(GError) error = NULL;

  ok = run (as_admin, nd_write_channel_status_new (&id, 1, 2, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  g_assert_cmpint (audit.user_id, ==, admin);

  refused = run (as_common, nd_write_channel_status_new (&id, 1, 1, NULL), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id), ==, 2);
  nd_source_close (as_admin);
  nd_source_close (as_common);
}

/* Logs in their own database: the audit row follows the commit there, and
 * when it cannot be written the caller is told, the change stays. */
static void
test_separate_log_db (gconstpointer data)
{
  const Variant *v = data;
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *db = NULL;
  g_autofree char *log_db = NULL;
  g_autofree char *dsn = NULL;
  g_autofree char *log_dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdWriteResult) first = NULL;
  g_autoptr(NdWriteResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Audit) audit = { 0 };
  gint64 id;

  if (pg == NULL)
    return;
  db = g_strdup_printf ("%s_split", v->db);
  log_db = g_strdup_printf ("%s_split_logs", v->db);
  dsn = nd_test_pg_fixture (pg, db, v->variant, 400, log_db, 0);
  log_dsn = nd_test_pg_dsn (pg, log_db);
  source = open_source (dsn, log_dsn, FALSE, 0);
  id = nd_test_pg_scalar (pg, db, "SELECT min(id) FROM channels WHERE status = 1");

  first = run (source, nd_write_channel_status_new (&id, 1, 2, NULL), &error);
  g_assert_no_error (error);
  g_assert_null (first->audit_error);
  g_assert_true (last_audit (pg, log_db, &audit));
  audit_params (&audit, "channel.status_update");
  /* The main database's stale logs table gets nothing. */
  g_assert_cmpint (nd_test_pg_scalar (pg, db, "SELECT count(*) FROM logs WHERE type = 3 AND "
                                              "other LIKE '%channel.status_update%'"), ==, 0);

  nd_test_pg_exec (pg, log_db, "ALTER TABLE logs RENAME TO logs_gone");
  second = run (source, nd_write_channel_status_new (&id, 1, 1, NULL), &error);
  g_assert_no_error (error);
  g_assert_nonnull (second->audit_error);
  g_assert_nonnull (strstr (second->audit_error, "audit"));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT,
                                            id);

    g_assert_cmpint (nd_test_pg_scalar (pg, db, sql), ==, 1);
  }
  nd_source_close (source);
}

static void
test_multi_key (gconstpointer data)
{
  FX (data, "multikey");
  gint64 id = scalar (&fx, "SELECT min(id) FROM channels WHERE channel_info::text LIKE "
                           "'%%\"is_multi_key\":true%%'");
  g_autoptr(NdWriteResult) r1 = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdChannel) ch = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_assert_cmpint (id, >, 0);
  /* The detail never carries the key, only masked previews. */
  nd_source_get_channel_async (fx.source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  ch = nd_source_get_channel_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_true (ch->is_multi_key);
  g_assert_cmpuint (ch->keys->len, ==, 5);
  key = text (&fx, "SELECT split_part (\"key\", E'\\n', 1) FROM channels "
                   "WHERE id = %" G_GINT64_FORMAT, id);
  for (guint i = 0; i < ch->keys->len; i++)
    {
      NdChannelKey *k = g_ptr_array_index (ch->keys, i);

      g_assert_nonnull (strstr (k->preview, "***"));
      g_assert_cmpstr (k->preview, !=, key);
    }
  g_assert_cmpint (((NdChannelKey *) g_ptr_array_index (ch->keys, 2))->status, ==, 3);
  g_assert_cmpint (((NdChannelKey *) g_ptr_array_index (ch->keys, 4))->status, ==, 2);
  g_assert_cmpint (((NdChannelKey *) g_ptr_array_index (ch->keys, 0))->status, ==, 1);

  r1 = run (fx.source, nd_write_channel_key_status_new (id, 2, 1), &error);
  g_assert_no_error (error);
  /* A manual disable marks the key 2 and leaves the channel's status and
   * the key's reason alone, as upstream's disable_key does. */
  {
    gint64 status_before = scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id);
    g_autoptr(NdWriteResult) off = run (fx.source, nd_write_channel_key_status_new (id, 0, 2), &error);
    g_autofree char *key0 = NULL;

    g_assert_no_error (error);
    key0 = text (&fx, "SELECT channel_info -> 'multi_key_status_list' ->> '0' FROM channels "
                      "WHERE id = %" G_GINT64_FORMAT, id);
    g_assert_cmpstr (key0, ==, "2");
    g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                     ==, status_before);
  }
  {
    g_autofree char *status = text (&fx, "SELECT channel_info -> 'multi_key_status_list' ->> '2' "
                                         "FROM channels WHERE id = %" G_GINT64_FORMAT, id);

    g_assert_null (status);
  }
  {
    g_autoptr(NdWriteResult) r2 = run (fx.source, nd_write_channel_key_status_new (id, 9, 2), &error);

    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  }
  /* NewAPI indexes the lines of the key text with a blank line in between
   * counted: preview 2 must be the key whose status is entry "2". */
  {
    g_autoptr(GAsyncResult) res2 = NULL;
    g_autoptr(NdChannel) ch2 = NULL;

    g_clear_error (&error);
    g_assert_cmpint (scalar (&fx, "WITH u AS (UPDATE channels SET \"key\" = "
                                  "E'\\nsk-first-key-aaaa0001\\n\\nsk-third-key-cccc0003\\n', channel_info = "
                                  "jsonb_set (channel_info::jsonb, '{multi_key_status_list}', "
                                  "'{\"2\": 3}')::json WHERE id = %"
                                  G_GINT64_FORMAT " RETURNING 1) SELECT count(*) FROM u", id), ==, 1);
    nd_source_get_channel_async (fx.source, id, NULL, nd_test_store_result, &res2);
    nd_test_wait (&res2);
    ch2 = nd_source_get_channel_finish (fx.source, res2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ch2->keys->len, ==, 3);
    g_assert_cmpstr (((NdChannelKey *) g_ptr_array_index (ch2->keys, 0))->preview, ==, "sk-f***0001");
    g_assert_cmpstr (((NdChannelKey *) g_ptr_array_index (ch2->keys, 1))->preview, ==, "(empty line)");
    g_assert_cmpstr (((NdChannelKey *) g_ptr_array_index (ch2->keys, 2))->preview, ==, "sk-t***0003");
    g_assert_cmpint (((NdChannelKey *) g_ptr_array_index (ch2->keys, 2))->status, ==, 3);
  }
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "status", test_status },
    { "status-batch", test_status_batch },
    { "status-rollback", test_status_rollback },
    { "update", test_update },
    { "bad-input", test_bad_input },
    { "create-copy-delete-tag", test_create_copy_delete_tag },
    { "read-only", test_read_only },
    { "operator", test_operator },
    { "separate-log-db", test_separate_log_db },
    { "multi-key", test_multi_key },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *n = g_strdup_printf ("/pg/write/new/%s", tests[i].name);
      g_autofree char *o = g_strdup_printf ("/pg/write/old/%s", tests[i].name);

      g_test_add_data_func (n, &variant_new, tests[i].func);
      g_test_add_data_func (o, &variant_old, tests[i].func);
    }
  return g_test_run ();
}

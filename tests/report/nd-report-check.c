/* nd-report-check.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "nd-report-check.h"
#include "nd-test.h"

NdReportMeta *
report_write (NdSource *source, NdFacts *facts, const NdReportOptions *options, const char *path,
              GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_report_write_async (source, facts, options, path, NULL, NULL, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_report_write_finish (res, error);
}

NdSource *
report_open (const char *path, GError **error)
{
  g_autoptr(NdSource) source = nd_report_source_new (path);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, error);
  if (info == NULL)
    return NULL;
  return g_steal_pointer (&source);
}

NdFactsReport *
report_query (NdFacts *facts, const NdFactsRange *range, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_facts_query_async (facts, range, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_facts_query_finish (facts, res, error);
}

static void
assert_ranks_equal (const char *what, GPtrArray *a, GPtrArray *b)
{
  g_test_message ("%s: %u rows", what, a->len);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const NdFactsRank *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      g_assert_cmpstr (x->key, ==, y->key);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->id, ==, y->id);
      g_assert_cmpint (x->requests, ==, y->requests);
      g_assert_cmpint (x->errors, ==, y->errors);
      g_assert_cmpint (x->quota, ==, y->quota);
      g_assert_cmpint (x->tokens, ==, y->tokens);
      g_assert_cmpint (x->use_time, ==, y->use_time);
      g_assert_cmpmem (x->latency, sizeof x->latency, y->latency, sizeof y->latency);
    }
}

void
assert_facts_equal (const NdFactsReport *a, const NdFactsReport *b)
{
  const NdFactsOverview *x = &a->overview, *y = &b->overview;

  g_assert_cmpint (x->from, ==, y->from);
  g_assert_cmpint (x->to, ==, y->to);
  g_assert_cmpint (x->bucket, ==, y->bucket);
  g_assert_cmpint (x->requests, ==, y->requests);
  g_assert_cmpint (x->errors, ==, y->errors);
  g_assert_cmpfloat (x->success_rate, ==, y->success_rate);
  g_assert_cmpint (x->quota, ==, y->quota);
  g_assert_cmpint (x->prompt_tokens, ==, y->prompt_tokens);
  g_assert_cmpint (x->completion_tokens, ==, y->completion_tokens);
  g_assert_cmpint (x->active_users, ==, y->active_users);
  g_assert_cmpint (x->today_requests, ==, y->today_requests);
  g_assert_cmpint (x->today_quota, ==, y->today_quota);
  g_assert_cmpfloat (x->avg_rpm, ==, y->avg_rpm);
  g_assert_cmpfloat (x->avg_tpm, ==, y->avg_tpm);
  g_assert_cmpmem (&a->granularity, sizeof a->granularity, &b->granularity, sizeof b->granularity);
  g_assert_cmpint (a->dims, ==, b->dims);
  g_assert_cmpint (a->cursor, ==, b->cursor);
  g_assert_cmpint (a->log_rows, ==, b->log_rows);
  assert_ranks_equal ("models", a->models, b->models);
  assert_ranks_equal ("channels", a->channels, b->channels);
  assert_ranks_equal ("users", a->users, b->users);
  assert_ranks_equal ("tokens", a->tokens, b->tokens);
  g_assert_cmpmem (a->trend->data, a->trend->len * sizeof (NdFactsPoint),
                   b->trend->data, b->trend->len * sizeof (NdFactsPoint));
}

static gboolean
bytes_contain (const char *data, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n > 0 && i + n <= len; i++)
    if (data[i] == needle[0] && memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return bytes_contain (data, len, needle);
}

void
assert_no_secrets (const char *path, GPtrArray *secrets)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (secrets->len, >, 0);
  for (guint i = 0; i < secrets->len; i++)
    {
      const char *s = g_ptr_array_index (secrets, i);

      g_assert_cmpuint (strlen (s), >=, 8);
      if (bytes_contain (data, len, s))
        g_error ("secret %u (%.4s…) found in %s", i, s, path);
    }
}

void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Every secret of a fixture database: channel keys (each key of a
 * multi-key channel), token keys (bare and as sk-…), password hashes,
 * access tokens, OAuth ids, redemption keys. */
GPtrArray *
fixture_secrets (NdTestPg *pg, const char *db)
{
  static const char *queries[] = {
    "SELECT k FROM channels, regexp_split_to_table(\"key\", E'[\\n,]') AS k",
    "SELECT \"key\" FROM tokens UNION ALL SELECT 'sk-' || \"key\" FROM tokens",
    "SELECT password FROM users",
    "SELECT access_token FROM users",
    "SELECT unnest(ARRAY[github_id, discord_id, oidc_id, wechat_id, telegram_id, linux_do_id]) FROM users",
    "SELECT trim(\"key\") FROM redemptions",
  };
  GPtrArray *secrets = g_ptr_array_new_with_free_func (g_free);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(PGresult) res = nd_test_pg_query (pg, db, queries[q]);
      guint before = secrets->len;

      for (int i = 0; i < PQntuples (res); i++)
        {
          const char *v = PQgetvalue (res, i, 0);

          /* Short values (a numeric OAuth id) could match by chance. */
          if (!PQgetisnull (res, i, 0) && strlen (g_strstrip ((char *) v)) >= 8)
            g_ptr_array_add (secrets, g_strdup (v));
        }
      g_test_message ("secrets of query %u: %u", q, secrets->len - before);
      /* Every kind is in the fixture but the OAuth ids on an old install. */
      if (q != 4)
        g_assert_cmpuint (secrets->len, >, before);
    }
  return secrets;
}

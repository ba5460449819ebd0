/* test-pg-users-list.c — what a Users page reads over PostgreSQL: the list
 * with its search, filters and sorts against hand-written SQL, the detail
 * (bindings as bits, never an id), and tens of thousands of users paged
 * and searched quickly
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-pg-wfx.h"

static const Variant variant_new = { "new", "ulist_new" };
static const Variant variant_old = { "old", "ulist_old" };

static NdListPage *
list_users (NdSource *source, const NdListQuery *q, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_list_users_async (source, q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_list_finish (source, res, error);
}

static NdUser *
get_user (NdSource *source, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_get_user_async (source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_get_user_finish (source, res, error);
}

/* The page holds exactly the ids @where selects, in @order, and its total
 * counts them all. */
static void
assert_page (Fx *fx, const NdListQuery *q, const char *where, const char *order)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdListPage) page = list_users (fx->source, q, &error);
  g_autofree char *ids_sql = g_strdup_printf ("SELECT string_agg (id::text, ',' ORDER BY %s) "
                                              "FROM (SELECT * FROM users WHERE %s ORDER BY %s "
                                              "LIMIT %u OFFSET %u) AS s",
                                              order, where, order, q->limit, q->offset);
  g_autofree char *want = text (fx, "%s", ids_sql);
  g_autoptr(GString) got = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < page->items->len; i++)
    {
      NdUser *u = g_ptr_array_index (page->items, i);

      g_string_append_printf (got, "%s%" G_GINT64_FORMAT, i ? "," : "", u->id);
    }
  g_assert_cmpstr (got->str, ==, want ? want : "");
  if (page->items->len > 0)
    g_assert_cmpint (page->total, ==, scalar (fx, "SELECT count(*) FROM users WHERE %s", where));
}

/* Where @needle is part of the name, display name or email, whatever the
 * case (what a search matches, written apart from the source's ILIKE). */
static char *
contains (const char *needle)
{
  return g_strdup_printf ("(strpos (lower (username), lower ('%1$s')) > 0 OR "
                          "strpos (lower (display_name), lower ('%1$s')) > 0 OR "
                          "strpos (lower (email), lower ('%1$s')) > 0)", needle);
}

static void
test_filters (gconstpointer data)
{
  FX (data, "filters");
  g_autofree char *someone = text (&fx, "SELECT substr (username, 2, 4) FROM users WHERE role = 1 "
                                        "AND username ~ '^[a-z]{6}' ORDER BY id LIMIT 1");
  g_autofree char *email = text (&fx, "SELECT email FROM users WHERE email LIKE '%%@%%' ORDER BY "
                                      "id LIMIT 1");
  g_autofree char *like = contains (someone);
  g_autofree char *by_email = contains (email);
  NdListQuery q = { .limit = 40 };

  assert_page (&fx, &q, "TRUE", "id DESC");
  q.deleted = ND_LIST_DELETED_ONLY;
  assert_page (&fx, &q, "deleted_at IS NOT NULL", "id DESC");
  q.deleted = ND_LIST_DELETED_EXCLUDE;
  q.group = (char *) "vip";
  q.role = 1;
  assert_page (&fx, &q, "deleted_at IS NULL AND \"group\" = 'vip' AND role = 1", "id DESC");
  q.group = NULL;
  q.role = 0;
  q.status = 2;
  assert_page (&fx, &q, "deleted_at IS NULL AND status = 2", "id DESC");
  q.status = 0;
  q.deleted = ND_LIST_DELETED_INCLUDE;
  q.search = someone;
  assert_page (&fx, &q, like, "id DESC");
  q.search = email;
  assert_page (&fx, &q, by_email, "id DESC");
  /* A number also finds that id. */
  q.search = (char *) "42";
  {
    g_autofree char *forty_two = contains ("42");
    g_autofree char *where = g_strdup_printf ("id = 42 OR %s", forty_two);

    assert_page (&fx, &q, where, "id DESC");
  }

  /* Every sort a Users page offers, both ways, past the first page. */
  q.search = NULL;
  q.offset = 30;
  {
    static const char * const sorts[] = { "quota", "used_quota", "request_count", "created_at",
                                          "last_login_at", "username" };

    for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
      for (guint desc = 0; desc < 2; desc++)
        {
          g_autofree char *order = g_strdup_printf ("%s %s NULLS LAST, id %s", sorts[i],
                                                    desc ? "DESC" : "ASC", desc ? "DESC" : "ASC");

          q.sort_by = (char *) sorts[i];
          q.descending = desc;
          assert_page (&fx, &q, "TRUE", order);
        }
  }
}

static void
test_detail (gconstpointer data)
{
  FX (data, "detail");
  gint64 id = scalar (&fx, "SELECT min(id) FROM users WHERE COALESCE (github_id, '') <> '' AND "
                           "deleted_at IS NULL");
  gint64 deleted = scalar (&fx, "SELECT min(id) FROM users WHERE deleted_at IS NOT NULL");
  g_autoptr(GError) error = NULL;
  g_autoptr(NdUser) u = NULL;
  g_autoptr(NdUser) gone = NULL;
  g_autoptr(NdUser) none = NULL;
  guint want = 0;
  static const char * const columns[] = { "github_id", "discord_id", "oidc_id", "wechat_id",
                                          "telegram_id", "linux_do_id" };

  g_assert_cmpint (id, >, 0);
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE users SET telegram_id = '777', aff_count = 3, "
                                  "aff_quota = 1500, aff_history = 9000, inviter_id = 2 "
                                  "WHERE id = (SELECT min(id) FROM users WHERE "
                                  "COALESCE (github_id, '') <> '' AND deleted_at IS NULL)");
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (scalar (&fx, "SELECT count(*) FROM users WHERE id = %" G_GINT64_FORMAT " AND "
                     "COALESCE (%s, '') <> ''", id, columns[i]) > 0)
      want |= 1u << i;
  u = get_user (fx.source, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (u->id, ==, id);
  g_assert_cmpuint (u->bindings, ==, want);
  g_assert_true (u->bindings & ND_USER_BINDING_GITHUB);
  g_assert_true (u->bindings & ND_USER_BINDING_TELEGRAM);
  g_assert_cmpint (u->aff_count, ==, 3);
  g_assert_cmpint (u->aff_quota, ==, 1500);
  g_assert_cmpint (u->aff_history_quota, ==, 9000);
  g_assert_cmpint (u->inviter_id, ==, 2);
  g_assert_false (u->deleted);
  g_assert_cmpint (u->quota, ==, scalar (&fx, "SELECT quota FROM users WHERE id = %"
                                              G_GINT64_FORMAT, id));

  gone = get_user (fx.source, deleted, &error);
  g_assert_no_error (error);
  g_assert_true (gone->deleted);
  g_assert_cmpint (gone->deleted_at, ==, scalar (&fx, "SELECT extract (epoch FROM deleted_at)"
                                                      "::bigint FROM users WHERE id = %"
                                                      G_GINT64_FORMAT, deleted));

  none = get_user (fx.source, 987654321, &error);
  g_assert_null (none);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
}

/* Sorted by creation: users from before NewAPI stamped created_at (NULL,
 * or 0) are the oldest, in id order; equal times go by id; page after page
 * follows on, nothing repeated or skipped. */
static void
test_created (gconstpointer data)
{
  FX (data, "created");
  gint64 unknown;

  nd_test_pg_exec (fx.pg, fx.db, "UPDATE users SET created_at = NULL WHERE id % 7 = 3");
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE users SET created_at = 0 WHERE id % 11 = 5");
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE users SET created_at = 1750000000 WHERE id % 13 = 1");
  unknown = scalar (&fx, "SELECT min(id) FROM users WHERE created_at IS NULL OR created_at = 0");
  for (guint desc = 0; desc < 2; desc++)
    {
      NdListQuery q = { .limit = 97, .sort_by = (char *) "created_at", .descending = desc };
      g_autoptr(GString) got = g_string_new (NULL);
      g_autofree char *want = NULL;
      gint64 first = 0;

      for (;; q.offset += q.limit)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(NdListPage) page = list_users (fx.source, &q, &error);

          g_assert_no_error (error);
          if (page->items->len == 0)
            break;
          for (guint i = 0; i < page->items->len; i++)
            {
              NdUser *u = g_ptr_array_index (page->items, i);

              g_string_append_printf (got, "%s%" G_GINT64_FORMAT, got->len ? "," : "", u->id);
              if (first == 0)
                first = u->id;
            }
        }
      want = text (&fx, "SELECT string_agg (id::text, ',' ORDER BY CASE WHEN created_at > 0 "
                        "THEN created_at ELSE 0 END %s, id %s) FROM users",
                   desc ? "DESC" : "ASC", desc ? "DESC" : "ASC");
      g_assert_cmpstr (got->str, ==, want);
      /* Oldest first: the first user without a time leads. */
      if (!desc)
        g_assert_cmpint (first, ==, unknown);
    }
}

/* 50 000 more users: the first page, a deep page and a search each answer
 * in a blink, whatever the sort. */
static void
test_many (gconstpointer data)
{
  FX (data, "many");
  static const struct { const char *search; const char *sort; guint offset; } reads[] = {
    { NULL, NULL, 0 }, { NULL, "quota", 0 }, { NULL, "used_quota", 45000 },
    { NULL, "last_login_at", 20000 }, { NULL, "created_at", 30000 }, { "bulk4242", NULL, 0 },
    { "@example.org", "request_count", 0 },
  };

  nd_test_pg_exec (fx.pg, fx.db,
    "INSERT INTO users (username, password, display_name, role, status, email, quota, used_quota, "
    "request_count, \"group\", aff_code, created_at, last_login_at) "
    "SELECT 'bulk' || i, 'x', '用户' || i, 1, 1 + (i % 17 = 0)::int, 'bulk' || i || "
    "'@example.org', (i * 7919) % 1000003, (i * 104729) % 999983, i % 5000, "
    "(ARRAY['default','vip','svip'])[1 + i % 3], 'b' || i, 1700000000 + i, 1760000000 - i "
    "FROM generate_series (1::bigint, 50000) i");
  nd_test_pg_exec (fx.pg, fx.db, "ANALYZE users");
  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    {
      NdListQuery q = { .limit = 100, .offset = reads[i].offset, .search = (char *) reads[i].search,
                        .sort_by = (char *) reads[i].sort, .descending = TRUE };
      g_autoptr(GError) error = NULL;
      g_autoptr(NdListPage) page = NULL;
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      page = list_users (fx.source, &q, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_no_error (error);
      g_assert_cmpuint (page->items->len, >, 0);
      g_test_message ("users %s sort %s offset %u: %u rows of %" G_GINT64_FORMAT " in %.1f ms",
                      reads[i].search ? reads[i].search : "-", reads[i].sort ? reads[i].sort : "id",
                      reads[i].offset, page->items->len, page->total, ms);
      /* A stall is seconds; a busy two-core test machine stays far below. */
      g_assert_cmpfloat (ms, <, 1500);
    }
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "filters", test_filters },
    { "detail", test_detail },
    { "created", test_created },
    { "many", test_many },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *n = g_strdup_printf ("/pg/users-list/new/%s", tests[i].name);
      g_autofree char *o = g_strdup_printf ("/pg/users-list/old/%s", tests[i].name);

      g_test_add_data_func (n, &variant_new, tests[i].func);
      g_test_add_data_func (o, &variant_old, tests[i].func);
    }
  return g_test_run ();
}

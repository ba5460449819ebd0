/* test-facts-identity.c — the facts store knows which gateway it holds
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A store is keyed by the gateway the probe found, not by the DSN text, and
 * starts over when the database behind the same DSN was recreated, or
 * restored to fewer logs than the store has counted.
 */
#include "config.h"

#include "nd-facts-check.h"

static char *
key_of (NdSource *source)
{
  return nd_facts_key_for_server (nd_source_get_info (source));
}

/* The store knows which gateway it holds: a database dropped and created
 * again under the same DSN (another install, more logs than the store's
 * cursor) is synced from scratch into the same file, not added on top. */
static void
test_recreated_database (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autofree char *dsn2 = NULL;
  g_autofree char *tcp = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key2 = NULL;
  g_autofree char *instance = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdSource) other = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  Store store;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "facts_recreate", "new", 3000, NULL, ND_TEST_NOW - 5 * 86400);
  store_init (&store);
  source = connect_source (dsn, NULL);
  key = key_of (source);
  g_assert_nonnull (key);
  instance = g_strdup (nd_source_get_info (source)->gateway_instance);

  /* Another spelling of the same database (TCP instead of the socket) is
   * the same gateway, so the same file. */
  tcp = nd_test_pg_tcp_dsn (pg, "facts_recreate", "postgres");
  other = connect_source (tcp, NULL);
  key2 = key_of (other);
  g_assert_cmpstr (key2, ==, key);
  g_clear_object (&other);
  g_clear_pointer (&key2, g_free);

  facts = nd_facts_new (store.path);
  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==, 3000);
  g_assert_no_error (error);
  nd_source_close (source);
  g_clear_object (&source);

  /* Recreated: more logs than before, other days. */
  dsn2 = nd_test_pg_fixture (pg, "facts_recreate", "new", 9000, NULL, ND_TEST_NOW);
  g_assert_cmpstr (dsn2, ==, dsn);
  source = connect_source (dsn, NULL);
  key2 = key_of (source);
  g_assert_cmpstr (key2, ==, key);
  g_assert_cmpstr (nd_source_get_info (source)->gateway_instance, !=, instance);
  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==, 9000);
  g_assert_no_error (error);
  compare_all (pg, "facts_recreate", "facts_recreate", facts);
  compare_base_table (pg, "facts_recreate", store.path);

  g_clear_object (&facts);
  g_clear_object (&source);
  store_clear (&store);
}

/* The same database restored from an older backup: its newest logs are
 * gone and new ones reuse their ids. The store's cursor is past max(id):
 * it starts over instead of freezing while it says "synced". */
static void
test_cursor_past_max_id (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autofree char *cut = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  Store store;
  gint64 max_id, cursor;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "facts_restore", "new", 8000, NULL, ND_TEST_NOW);
  store_init (&store);
  source = connect_source (dsn, NULL);
  facts = nd_facts_new (store.path);
  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==, 8000);
  g_assert_no_error (error);
  cursor = nd_facts_get_cursor (facts);
  max_id = nd_test_pg_scalar (pg, "facts_restore", "SELECT max(id) FROM logs");
  g_assert_cmpint (cursor, ==, max_id);

  cut = g_strdup_printf ("DELETE FROM logs WHERE id > %" G_GINT64_FORMAT ";"
                         " SELECT setval('logs_id_seq', %" G_GINT64_FORMAT ");",
                         max_id - 5000, max_id - 5000);
  nd_test_pg_exec (pg, "facts_restore", cut);
  nd_test_pg_append_logs (pg, "facts_restore", NULL, 2000, ND_TEST_NOW + 2 * 3600);
  g_assert_cmpint (nd_test_pg_scalar (pg, "facts_restore", "SELECT max(id) FROM logs"), <, cursor);

  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==, 5000);
  g_assert_no_error (error);
  g_assert_cmpint (nd_facts_get_cursor (facts), ==,
                   nd_test_pg_scalar (pg, "facts_restore", "SELECT max(id) FROM logs"));
  compare_all (pg, "facts_restore", "facts_restore", facts);
  compare_base_table (pg, "facts_restore", store.path);

  /* …and once caught up, the next sync costs nothing. */
  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==, 0);
  g_assert_no_error (error);

  g_clear_object (&facts);
  g_clear_object (&source);
  store_clear (&store);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/facts/identity/recreated-database", test_recreated_database);
  g_test_add_func ("/facts/identity/cursor-past-max-id", test_cursor_past_max_id);
  return g_test_run ();
}

/* test-log-query.c — the Logs page's URL-like filter state
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-error.h"
#include "logs/nd-log-query.h"

static void
test_round_trip (void)
{
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogQuery) back = NULL;
  g_autofree char *s = NULL;
  g_autoptr(GError) error = NULL;

  q->from = 1767139200;
  q->to = 1767225600;
  q->type = 5;
  q->username = g_strdup ("张三 & co=1");
  q->token_name = g_strdup ("50%_off\\'; DROP TABLE logs;--");
  nd_log_query_add_model (q, "gpt-4o");
  nd_log_query_add_model (q, "claude-3-5-sonnet@2024");
  nd_log_query_add_model (q, "gpt-4o");          /* duplicates collapse */
  nd_log_query_add_channel (q, 3);
  nd_log_query_add_channel (q, 12);
  q->group = g_strdup ("vip");
  q->ip = g_strdup ("10.0.0.1");
  q->request_id = g_strdup ("req-123");

  s = nd_log_query_to_string (q);
  g_assert_null (strchr (s, ' '));
  back = nd_log_query_from_string (s, &error);
  g_assert_no_error (error);
  g_assert_true (nd_log_query_equal (q, back));
  g_assert_cmpuint (back->models->len, ==, 2);
  g_assert_cmpstr (back->username, ==, "张三 & co=1");
  g_assert_cmpstr (back->token_name, ==, "50%_off\\'; DROP TABLE logs;--");
}

static void
test_empty (void)
{
  g_autoptr(NdLogQuery) q = nd_log_query_from_string ("", NULL);
  g_autofree char *s = nd_log_query_to_string (q);

  g_assert_true (nd_log_query_is_empty (q));
  g_assert_cmpstr (s, ==, "");
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  NdLogQuery *q;

  q = nd_log_query_from_string ("from=yesterday", &error);
  g_assert_null (q);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  q = nd_log_query_from_string ("colour=blue", &error);
  g_assert_null (q);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  q = nd_log_query_from_string ("model", &error);
  g_assert_null (q);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
}

static void
test_copy_differs (void)
{
  g_autoptr(NdLogQuery) a = nd_log_query_from_string ("model=a&channel=1", NULL);
  g_autoptr(NdLogQuery) b = nd_log_query_copy (a);

  g_assert_true (nd_log_query_equal (a, b));
  nd_log_query_add_channel (b, 2);
  g_assert_false (nd_log_query_equal (a, b));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log-query/round-trip", test_round_trip);
  g_test_add_func ("/log-query/empty", test_empty);
  g_test_add_func ("/log-query/errors", test_errors);
  g_test_add_func ("/log-query/copy", test_copy_differs);
  return g_test_run ();
}

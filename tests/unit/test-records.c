/* test-records.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-records.h"

static void
test_mask (void)
{
  g_autofree char *a = nd_mask_secret ("abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDEFGHIJKL");
  g_autofree char *b = nd_mask_secret ("short");
  g_autofree char *c = nd_mask_secret (NULL);

  g_assert_cmpstr (a, ==, "abcd***IJKL");
  /* Short secrets would be mostly visible with 4+4: hide them whole. */
  g_assert_cmpstr (b, ==, "***");
  g_assert_cmpstr (c, ==, "");
}

static void
test_channel_types (void)
{
  g_assert_cmpstr (nd_channel_type_name (1), ==, "OpenAI");
  g_assert_cmpstr (nd_channel_type_name (14), ==, "Anthropic");
  g_assert_cmpstr (nd_channel_type_name (43), ==, "DeepSeek");
  g_assert_cmpstr (nd_channel_type_name (28), ==, "Unknown");
  g_assert_cmpstr (nd_channel_type_name (999), ==, "Unknown");
  g_assert_cmpstr (nd_channel_type_name (-1), ==, "Unknown");
}

static void
test_log_copy (void)
{
  g_autoptr(NdLog) log = nd_log_new ();
  g_autoptr(NdLog) copy = NULL;

  log->id = 7;
  log->model_name = g_strdup ("gpt-4o");
  log->other = g_strdup ("{\"frt\":120}");
  copy = nd_log_copy (log);
  g_assert_cmpint (copy->id, ==, 7);
  g_assert_cmpstr (copy->model_name, ==, "gpt-4o");
  g_assert_true (copy->model_name != log->model_name);
  g_assert_cmpstr (nd_log_type_to_nick (5), ==, "error");
  g_assert_cmpstr (nd_log_type_to_nick (42), ==, "unknown");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/records/mask", test_mask);
  g_test_add_func ("/records/channel-types", test_channel_types);
  g_test_add_func ("/records/log-copy", test_log_copy);
  return g_test_run ();
}

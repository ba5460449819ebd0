/* test-time.c — times typed into filters and --from/--to
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-time.h"

static gint64
parse_ok (const char *text)
{
  gint64 v = -1;

  if (!nd_time_parse (text, &v))
    g_error ("“%s” should parse", text);
  return v;
}

static void
test_forms (void)
{
  gint64 v = 42;

  g_assert_cmpint (parse_ok ("1767225600"), ==, 1767225600);
  g_assert_cmpint (parse_ok (" 1767225600 "), ==, 1767225600);
  /* TZ=UTC in main(): local times are UTC here. */
  g_assert_cmpint (parse_ok ("2026-01-31"), ==, 1769817600);
  g_assert_cmpint (parse_ok ("2026-01-31 08:00"), ==, 1769846400);
  g_assert_cmpint (parse_ok ("2026-01-31T08:00"), ==, 1769846400);
  g_assert_cmpint (parse_ok ("2026-01-31 08:00:00"), ==, 1769846400);
  g_assert_cmpint (parse_ok ("2026-01-31T16:00:00+08:00"), ==, 1769846400);
  g_assert_cmpint (parse_ok ("2026-01-31T08:00:00Z"), ==, 1769846400);

  g_assert_false (nd_time_parse ("", &v));
  g_assert_false (nd_time_parse ("yesterday", &v));
  g_assert_false (nd_time_parse ("2026-13-01", &v));
  g_assert_false (nd_time_parse ("12abc", &v));
  g_assert_cmpint (v, ==, 42);
}

int
main (int argc, char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time/forms", test_forms);
  return g_test_run ();
}

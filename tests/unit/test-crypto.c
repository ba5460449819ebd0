/* test-crypto.c — NewAPI's bcrypt hashes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "nd-crypto.h"

static void
test_bcrypt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = nd_bcrypt_hash ("password123", &error);
  g_autofree char *again = NULL;
  struct crypt_data data = { 0 };

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$2a$10$"));
  g_assert_cmpuint (strlen (hash), ==, 60);
  g_assert_nonnull (crypt_rn ("password123", hash, &data, sizeof data));
  g_assert_cmpstr (data.output, ==, hash);
  g_assert_true (nd_bcrypt_verify ("password123", hash));
  g_assert_false (nd_bcrypt_verify ("password124", hash));
  g_assert_false (nd_bcrypt_verify ("password123", "plain"));
  /* A fresh salt each time: the same password never hashes alike. */
  again = nd_bcrypt_hash ("password123", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, !=, hash);
  g_assert_true (nd_bcrypt_verify ("password123", again));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crypto/bcrypt", test_bcrypt);
  return g_test_run ();
}

/* test-crypto.c — random codes from getrandom and NewAPI's bcrypt hashes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "nd-crypto.h"

/* Every character comes from the alphabet, the length is exact, and over
 * many draws each character turns up about equally often: a modulo bias
 * (256 % 62 = 8 characters drawn 5/4 as often) would show. */
static void
test_random_string (void)
{
  const gsize n_alpha = strlen (ND_ALPHANUMERIC);
  guint counts[256] = { 0 };
  const guint draws = 20000, len = 31;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  double expected = (double) draws * len / n_alpha;

  for (guint i = 0; i < draws; i++)
    {
      g_autoptr(GError) error = NULL;
      char *s = nd_random_string (ND_ALPHANUMERIC, len, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (s), ==, len);
      for (const char *p = s; *p; p++)
        {
          g_assert_nonnull (strchr (ND_ALPHANUMERIC, *p));
          counts[(guchar) *p]++;
        }
      g_assert_true (g_hash_table_add (seen, s));
    }
  for (gsize c = 0; c < n_alpha; c++)
    {
      double got = counts[(guchar) ND_ALPHANUMERIC[c]];

      /* ±6 % around 10 000 draws is over 5 standard deviations; a 25 %
       * bias is far outside it. */
      g_assert_cmpfloat (got, >, expected * 0.94);
      g_assert_cmpfloat (got, <, expected * 1.06);
    }
}

static void
test_random_small_alphabet (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *s = nd_random_string ("ab", 4096, &error);
  guint a = 0;

  g_assert_no_error (error);
  for (const char *p = s; *p; p++)
    a += *p == 'a';
  g_assert_cmpuint (strspn (s, "ab"), ==, 4096);
  g_assert_cmpuint (a, >, 1700);
  g_assert_cmpuint (a, <, 2400);
}

/* NewAPI's format, checked the standard way: crypt(password, setting =
 * the hash) gives the hash back; a wrong password does not. */
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
  g_test_add_func ("/crypto/random-string", test_random_string);
  g_test_add_func ("/crypto/random-small-alphabet", test_random_small_alphabet);
  g_test_add_func ("/crypto/bcrypt", test_bcrypt);
  return g_test_run ();
}

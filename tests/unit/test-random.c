/* test-random.c — token keys and redemption codes: alphabet, length,
 * uniqueness over 100 000, and no character favoured (nd-random.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-random.h"
#include "nd-secure-string.h"

#define N_KEYS 100000

static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* 100 000 keys: each 48 characters of [0-9A-Za-z], no two alike, and every
 * character as likely as any other. Taking `byte % 62` instead of rejecting
 * the bytes 248…255 makes the first eight characters 25 % more likely than
 * the rest, which the spread check catches. */
static void
test_token_keys (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 counts[256] = { 0 };
  guint64 total = 0;
  double expected;

  for (guint i = 0; i < N_KEYS; i++)
    {
      g_autoptr(GError) error = NULL;
      char *key = nd_random_token_key (&error);

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (key), ==, ND_RANDOM_TOKEN_KEY_LENGTH);
      g_assert_cmpuint (strspn (key, alnum), ==, ND_RANDOM_TOKEN_KEY_LENGTH);
      for (const char *p = key; *p; p++)
        counts[(guchar) *p]++;
      total += ND_RANDOM_TOKEN_KEY_LENGTH;
      if (!g_hash_table_add (seen, key))
        g_error ("key %u repeats an earlier one", i);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_KEYS);

  /* 4.8 million characters: each is expected 77 419 times with a standard
   * deviation of about 275; 2 % is more than five of those. */
  expected = (double) total / 62;
  for (guint c = 0; c < 62; c++)
    {
      double got = (double) counts[(guchar) alnum[c]];

      if (got < expected * 0.98 || got > expected * 1.02)
        g_error ("'%c' came %.0f times, expected about %.0f: the alphabet is not uniform",
                 alnum[c], got, expected);
    }
}

/* UUIDv4 without dashes: 32 lowercase hex digits, version 4, variant 10xx. */
static void
test_redemption_codes (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < N_KEYS; i++)
    {
      g_autoptr(GError) error = NULL;
      char *code = nd_random_redemption_code (&error);

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (code), ==, ND_RANDOM_CODE_LENGTH);
      g_assert_cmpuint (strspn (code, "0123456789abcdef"), ==, ND_RANDOM_CODE_LENGTH);
      g_assert_cmpint (code[12], ==, '4');
      g_assert_nonnull (strchr ("89ab", code[16]));
      if (!g_hash_table_add (seen, code))
        g_error ("code %u repeats an earlier one", i);
    }
}

static void
test_lengths (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSecret) empty = nd_random_alnum (0, &error);
  g_autoptr(NdSecret) four = nd_random_alnum (4, &error);
  g_autoptr(NdSecret) long_one = nd_random_alnum (1000, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpuint (strlen (four), ==, 4);
  g_assert_cmpuint (strspn (long_one, alnum), ==, 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/random/token-keys", test_token_keys);
  g_test_add_func ("/random/redemption-codes", test_redemption_codes);
  g_test_add_func ("/random/lengths", test_lengths);
  return g_test_run ();
}

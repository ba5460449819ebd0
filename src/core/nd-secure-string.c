/* nd-secure-string.c — wiping and masking secrets
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-secure-string.h"

void
nd_secure_wipe (char *secret)
{
  if (secret == NULL)
    return;
  /* explicit_bzero is not optimised away even right before a free. */
  explicit_bzero (secret, strlen (secret));
}

void
nd_secure_free (char *secret)
{
  nd_secure_wipe (secret);
  g_free (secret);
}

/* First 4 + *** + last 4, as ARCHITECTURE.md asks; short secrets are fully
 * hidden because 8 visible characters would be most of them. */
char *
nd_mask_secret (const char *secret)
{
  gsize len;

  if (secret == NULL || *secret == '\0')
    return g_strdup ("");
  len = strlen (secret);
  if (len <= 12)
    return g_strdup ("***");
  return g_strdup_printf ("%.4s***%s", secret, secret + len - 4);
}

char *
nd_mask_token_key (const char *key)
{
  gsize len;

  if (key == NULL || *key == '\0')
    return g_strdup ("");
  len = strlen (key);
  if (len <= 4)
    return g_strdup_printf ("sk-%.*s", (int) len, "****");
  if (len <= 8)
    return g_strdup_printf ("sk-%.2s****%s", key, key + len - 2);
  return g_strdup_printf ("sk-%.4s**********%s", key, key + len - 4);
}

/* Characters of a key: NewAPI's own keys are [A-Za-z0-9], upstream keys
 * echoed in error logs (sk-proj-…, sk-ant-api03-…, sk-or-v1-…,
 * sk-svcacct-…) also use '-' and '_'. */
static inline gboolean
is_key_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

/* NewAPI token keys are 48 [A-Za-z0-9] characters and are stored (and
 * echoed) without the "sk-" prefix. */
#define BARE_KEY_LEN 48
/* A run this long after "sk-" is anything key-like. */
#define SK_KEY_MIN 20

static void
append_masked (GString *out, const char *prefix_end, const char *key, const char *end)
{
  /* @key..@end is the key body; keep what precedes it up to @prefix_end,
   * its first 4 and last 4 characters (as nd_mask_secret does). */
  g_string_append_len (out, prefix_end, key - prefix_end);
  g_string_append_len (out, key, 4);
  g_string_append (out, "***");
  g_string_append_len (out, end - 4, 4);
}

char *
nd_mask_text (const char *text)
{
  /* Masks "sk-" followed by 20+ key characters ("sk-" not glued to a word
   * before it, so "task-queue-…" stays), and bare runs of exactly 48
   * [A-Za-z0-9] that stand alone (no key character on either side, so
   * parts of longer identifiers stay). Masked forms ("sk-****abcd",
   * "sk-abcd***wxyz") are too short to match again. */
  const char *p, *run;
  GString *out = NULL;

  if (text == NULL)
    return NULL;
  run = text;
  for (p = text; *p; p++)
    {
      char prev = p > text ? p[-1] : '\0';
      const char *end;

      if (g_ascii_isalnum (prev))
        continue;
      if (p[0] == 's' && p[1] == 'k' && p[2] == '-')
        {
          for (end = p + 3; is_key_char (*end); end++)
            ;
          if (end - (p + 3) >= SK_KEY_MIN)
            {
              if (out == NULL)
                out = g_string_new (NULL);
              g_string_append_len (out, run, p - run);
              append_masked (out, p, p + 3, end);
              run = end;
              p = end - 1;
              continue;
            }
        }
      if (!is_key_char (prev) && g_ascii_isalnum (*p))
        {
          for (end = p; g_ascii_isalnum (*end); end++)
            ;
          if (end - p == BARE_KEY_LEN && !is_key_char (*end))
            {
              if (out == NULL)
                out = g_string_new (NULL);
              g_string_append_len (out, run, p - run);
              append_masked (out, p, p, end);
              run = end;
              p = end - 1;
              continue;
            }
          /* Skip the rest of this word: nothing inside it starts a key. */
          p = end - 1;
        }
    }
  if (out == NULL)
    return NULL;
  g_string_append (out, run);
  return g_string_free (out, FALSE);
}

char *
nd_mask_text_dup (const char *text)
{
  char *masked = nd_mask_text (text);

  return masked != NULL ? masked : g_strdup (text);
}

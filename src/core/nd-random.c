/* nd-random.c — keys and codes from getrandom(2)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-random.h"
#include "nd-secure-string.h"

static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
#define ALNUM_SIZE 62
/* The largest multiple of 62 a byte can hold (4 × 62): bytes at or above it
 * are thrown away, so the 62 characters stay equally likely. */
#define ALNUM_LIMIT 248

gboolean
nd_random_bytes (void *buf, gsize len, GError **error)
{
  guchar *p = buf;

  while (len > 0)
    {
      /* The kernel gives at most 32 MiB a call and may stop early when a
       * signal arrives: ask again for the rest. */
      ssize_t n = getrandom (p, len, 0);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          explicit_bzero (buf, p - (guchar *) buf);
          g_set_error (error, ND_ERROR, ND_ERROR_FAILED,
                       _("The system’s random number source failed (%s): nothing was made"),
                       g_strerror (saved));
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

char *
nd_random_alnum (guint length, GError **error)
{
  char *out = g_malloc (length + 1);
  guchar pool[64];
  gsize used = sizeof pool;
  guint filled = 0;

  while (filled < length)
    {
      if (used == sizeof pool)
        {
          if (!nd_random_bytes (pool, sizeof pool, error))
            {
              explicit_bzero (out, filled);
              g_free (out);
              return NULL;
            }
          used = 0;
        }
      if (pool[used] < ALNUM_LIMIT)
        out[filled++] = alnum[pool[used] % ALNUM_SIZE];
      used++;
    }
  out[length] = '\0';
  explicit_bzero (pool, sizeof pool);
  return out;
}

char *
nd_random_token_key (GError **error)
{
  return nd_random_alnum (ND_RANDOM_TOKEN_KEY_LENGTH, error);
}

char *
nd_random_redemption_code (GError **error)
{
  static const char hex[] = "0123456789abcdef";
  guchar uuid[16];
  char *out;

  if (!nd_random_bytes (uuid, sizeof uuid, error))
    return NULL;
  /* RFC 4122 version 4: the high nibble of byte 6 is 4, the two high bits
   * of byte 8 are 10. */
  uuid[6] = (uuid[6] & 0x0f) | 0x40;
  uuid[8] = (uuid[8] & 0x3f) | 0x80;
  out = g_malloc (ND_RANDOM_CODE_LENGTH + 1);
  for (guint i = 0; i < sizeof uuid; i++)
    {
      out[2 * i] = hex[uuid[i] >> 4];
      out[2 * i + 1] = hex[uuid[i] & 0x0f];
    }
  out[ND_RANDOM_CODE_LENGTH] = '\0';
  explicit_bzero (uuid, sizeof uuid);
  return out;
}

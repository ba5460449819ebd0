/* nd-secret-samples.h — keys that must never reach the screen, the
 * clipboard or a file, and a check for them
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the tests of every path that shows, copies or writes text from
 * the gateway (the ticker, the log detail pane, its copy buttons, the
 * export). A leak is any 12 characters from the middle of a key: masking
 * keeps only the first and last four.
 */
#pragma once

#include <string.h>
#include <glib.h>

static const char * const nd_secret_samples[] = {
  /* NewAPI's own key as a client sends it */
  "sk-u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj",
  /* NewAPI's key as it is stored and echoed: 48 characters, no prefix */
  "IhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vU",
  /* upstream keys quoted back in error messages */
  "sk-proj-5Kjp1vRt-1fjORS_6ilI8ihN5KXSc7Tvo_hBKqFYY_kv5ZJr3J1TWDtkwtDD",
  "sk-ant-api03-b-xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtG",
};

/* Text as an upstream writes it, with every sample in it. */
static inline char *
nd_secret_text (void)
{
  return g_strdup_printf ("Incorrect API key provided: %s. Token %s is disabled; upstream said "
                          "{\"error\":{\"message\":\"invalid x-api-key %s\"}} (retry with %s)",
                          nd_secret_samples[0], nd_secret_samples[1], nd_secret_samples[2],
                          nd_secret_samples[3]);
}

/* The sample @text leaks, or NULL. */
static inline const char *
nd_secret_leaked (const char *text)
{
  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (nd_secret_samples); i++)
    {
      const char *key = nd_secret_samples[i];
      gsize len = strlen (key);
      g_autofree char *middle = g_strndup (key + len / 2 - 6, 12);

      if (strstr (text, middle) != NULL)
        return key;
    }
  return NULL;
}

/* nd-random.h — keys and codes from the kernel's random source
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a write creates that grants money or access (token keys,
 * redemption codes, affiliate codes) comes from getrandom(2), never from
 * g_random: GLib's generator is a seeded Mersenne Twister whose output can
 * be predicted from what it has already produced. Characters are drawn by
 * rejection sampling, so every character of the alphabet is equally likely
 * (a plain `byte % 62` would favour the first eight).
 *
 * The strings returned hold secrets: free them with nd_secure_free.
 * Thread-safe; getrandom only blocks before the kernel's pool is first
 * initialised, early at boot.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NewAPI's token keys: 48 characters of [0-9A-Za-z] (reference §2.3). */
#define ND_RANDOM_TOKEN_KEY_LENGTH 48
/* Redemption codes: a UUIDv4 as 32 lowercase hex digits (reference §2.5). */
#define ND_RANDOM_CODE_LENGTH 32

/* Fills @buf with @len random bytes. FALSE with ND_ERROR_FAILED (and
 * nothing usable in @buf) when the kernel cannot give them. */
gboolean nd_random_bytes           (void *buf, gsize len, GError **error);
/* @length characters, each uniform over [0-9A-Za-z]. */
char    *nd_random_alnum           (guint length, GError **error);
/* A new token key, without NewAPI's "sk-" prefix. */
char    *nd_random_token_key       (GError **error);
/* A new redemption code: 16 random bytes with the UUID version (4) and
 * variant (10xx) bits set, as 32 lowercase hex digits without dashes, as
 * NewAPI's GetUUID writes them. */
char    *nd_random_redemption_code (GError **error);

G_END_DECLS

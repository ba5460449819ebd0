/* nd-crypto.h — randomness for keys and codes, and NewAPI's password hash
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a write creates that someone could guess (token keys,
 * redemption codes, aff codes, password salts) comes from getrandom(2),
 * never from g_random: GLib's generator is a Mersenne Twister whose output
 * can be predicted from what it produced before. Passwords are hashed as
 * NewAPI hashes them (golang.org/x/crypto/bcrypt, DefaultCost): "$2a$",
 * cost 10, through libxcrypt.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NewAPI's alphabet for keys and codes (common.GetRandomString). */
#define ND_ALPHANUMERIC "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* @len bytes from the kernel's cryptographic generator. FALSE (with a
 * sentence) only when the kernel refuses, which a caller must not paper
 * over with a weaker source. */
gboolean  nd_random_bytes  (guint8 *buf, gsize len, GError **error);
/* @len characters drawn uniformly from @alphabet (2 to 256 distinct bytes;
 * rejection sampling, no modulo bias). NULL with @error set on failure. */
char     *nd_random_string (const char *alphabet, gsize len, GError **error);

/* NewAPI's cost: bcrypt.DefaultCost. */
#define ND_BCRYPT_COST 10

/* "$2a$10$…" (60 characters) for @password with a fresh random salt. A
 * secret-free string, but free it with g_free. NULL with @error set when
 * libxcrypt cannot hash (it always can, short of memory). */
char     *nd_bcrypt_hash   (const char *password, GError **error);
/* Whether @password hashes to @hash (any bcrypt variant libxcrypt knows):
 * the standard check, crypt(password, setting = hash) == hash. */
gboolean  nd_bcrypt_verify (const char *password, const char *hash);

G_END_DECLS

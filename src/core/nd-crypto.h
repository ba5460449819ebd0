/* nd-crypto.h — NewAPI's password hash
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The salt comes from nd-random (getrandom(2)). Passwords are hashed as
 * NewAPI hashes them (golang.org/x/crypto/bcrypt, DefaultCost): "$2a$",
 * cost 10, through libxcrypt.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

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

/* nd-pg-dsn.h — PostgreSQL connection strings: check, split secrets, describe
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A DSN may carry secrets (libpq marks them: password, sslpassword). They go
 * to the keyring; what is saved, hashed, shown or put in a message is the
 * DSN without them. libpq's own parse errors quote the whole string, so no
 * message here ever includes libpq's text or a value from the DSN that could
 * be part of a password.
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* Validates a DSN without connecting; ND_ERROR_INVALID_INPUT on failure. */
gboolean    nd_pg_dsn_validate       (const char *conninfo, GError **error);

/* Splits every secret keyword out of a DSN. @password gets `password`;
 * @other_secrets (optional) the others as a key='value' fragment, NULL when
 * there are none. Returns the DSN without secrets: the user's own spelling
 * when there was nothing to strip, else key='value' pairs. */
char       *nd_pg_dsn_strip_secrets  (const char *conninfo, char **password,
                                      char **other_secrets, GError **error);
/* The same, for callers that need no more than the password. */
char       *nd_pg_dsn_strip_password (const char *conninfo, char **password, GError **error);

/* @conninfo with the key='value' pairs of @fragment added (they win).
 * NULL or an empty @fragment returns a copy of @conninfo. */
char       *nd_pg_dsn_merge          (const char *conninfo, const char *fragment);

/* The value of one keyword (NULL when absent or @conninfo does not parse). */
char       *nd_pg_dsn_get            (const char *conninfo, const char *keyword);

/* "postgres@127.0.0.1:5432/newapi" for display: never shows a password. */
char       *nd_pg_dsn_describe       (const char *conninfo);

/* libpq's keywords whose values are secrets (dispchar "*"). */
const char * const *nd_pg_secret_keywords (void);

/* Replaces, in place of a copy of @text, every secret value @pg was opened
 * with by "***". */
char       *nd_pg_redact             (PGconn *pg, const char *text);

G_END_DECLS

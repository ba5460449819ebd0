/* nd-error.h — the one error domain of NewAPI Desk
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ND_ERROR (nd_error_quark ())

/* Messages carried by these errors are for people and translatable.
 * Cancellation is reported as G_IO_ERROR_CANCELLED (so g_error_matches()
 * against GIO keeps working) and is never shown. */
typedef enum {
  ND_ERROR_FAILED,
  ND_ERROR_CONNECTION,     /* server unreachable, refused, lost */
  ND_ERROR_AUTH,           /* wrong password / token */
  ND_ERROR_PERMISSION,     /* authenticated but not allowed */
  ND_ERROR_UNSUPPORTED,    /* this source or server version cannot do it */
  ND_ERROR_INVALID_INPUT,  /* bad DSN, URL, form value */
  ND_ERROR_SERVER,         /* the server refused; message is the server's */
  ND_ERROR_TIMEOUT,
  ND_ERROR_CONFLICT,
  ND_ERROR_NOT_FOUND,      /* database, table, row or endpoint missing */
  ND_ERROR_READ_ONLY,      /* the profile is read-only */
  ND_ERROR_RATE_LIMITED,
  ND_ERROR_TLS,
  ND_ERROR_PROTOCOL,       /* malformed reply */
} NdErrorCode;

GQuark nd_error_quark (void);

gboolean nd_error_is_cancelled (const GError *error);

G_END_DECLS

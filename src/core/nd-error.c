/* nd-error.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-error.h"

G_DEFINE_QUARK (nd-error-quark, nd_error)

gboolean
nd_error_is_cancelled (const GError *error)
{
  return error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

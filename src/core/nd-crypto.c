/* nd-crypto.c — libxcrypt's bcrypt, salted from nd-random
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-crypto.h"
#include "nd-error.h"
#include "nd-random.h"

char *
nd_bcrypt_hash (const char *password, GError **error)
{
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  guint8 salt[16];
  struct crypt_data *data;
  char *hash = NULL;

  if (!nd_random_bytes (salt, sizeof salt, error))
    return NULL;
  if (crypt_gensalt_rn ("$2a$", ND_BCRYPT_COST, (const char *) salt, sizeof salt,
                        setting, sizeof setting) == NULL)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED,
                   _("The password could not be hashed (%s): nothing was saved"),
                   g_strerror (errno));
      return NULL;
    }
  /* struct crypt_data is about 32 KiB: not for the stack of a worker. It
   * holds the password while it works, so it is wiped before it goes. */
  data = g_malloc0 (sizeof *data);
  if (crypt_rn (password, setting, data, sizeof *data) != NULL &&
      g_str_has_prefix (data->output, "$2a$"))
    hash = g_strdup (data->output);
  else
    g_set_error (error, ND_ERROR, ND_ERROR_FAILED,
                 _("The password could not be hashed: nothing was saved"));
  explicit_bzero (data, sizeof *data);
  g_free (data);
  explicit_bzero (salt, sizeof salt);
  return hash;
}

gboolean
nd_bcrypt_verify (const char *password, const char *hash)
{
  struct crypt_data *data;
  gboolean ok;

  if (password == NULL || hash == NULL || !g_str_has_prefix (hash, "$2"))
    return FALSE;
  data = g_malloc0 (sizeof *data);
  ok = crypt_rn (password, hash, data, sizeof *data) != NULL &&
       strcmp (data->output, hash) == 0;
  explicit_bzero (data, sizeof *data);
  g_free (data);
  return ok;
}

/* nd-secret-store.h — passwords and access tokens, never in GSettings
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The default store is the user's keyring (libsecret). When no keyring
 * answers, or ND_SECRET_STORE=memory is set (tests), secrets live in memory
 * for this run only and nd_secret_store_is_persistent() says so, so the UI
 * can tell the user they will be asked again.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ND_SECRET_PG_PASSWORD     "pg-password"
#define ND_SECRET_LOG_PG_PASSWORD "log-pg-password"
#define ND_SECRET_API_TOKEN       "api-token"
/* The DSN's other secret keywords (sslpassword, …) as a key='value'
 * fragment, merged back into the DSN when connecting. */
#define ND_SECRET_PG_OPTIONS      "pg-secret-options"
#define ND_SECRET_LOG_PG_OPTIONS  "log-pg-secret-options"

#define ND_TYPE_SECRET_STORE (nd_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (NdSecretStore, nd_secret_store, ND, SECRET_STORE, GObject)

NdSecretStore *nd_secret_store_get_default  (void);
NdSecretStore *nd_secret_store_new_memory   (void);
gboolean       nd_secret_store_is_persistent (NdSecretStore *self);

/* @secret NULL or "" deletes it. */
void      nd_secret_store_store_async   (NdSecretStore *self, const char *profile_id,
                                         const char *kind, const char *secret,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean  nd_secret_store_store_finish  (NdSecretStore *self, GAsyncResult *result, GError **error);
/* → NULL without error when there is no such secret */
void      nd_secret_store_lookup_async  (NdSecretStore *self, const char *profile_id,
                                         const char *kind, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
char     *nd_secret_store_lookup_finish (NdSecretStore *self, GAsyncResult *result, GError **error);
void      nd_secret_store_clear_profile_async  (NdSecretStore *self, const char *profile_id,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
gboolean  nd_secret_store_clear_profile_finish (NdSecretStore *self, GAsyncResult *result,
                                                GError **error);

G_END_DECLS

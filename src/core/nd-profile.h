/* nd-profile.h — connection profiles: settings in GSettings, secrets in the keyring
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "nd-secret-store.h"

G_BEGIN_DECLS

#define ND_PROFILE_SCHEMA_ID "io.github.newapidesk.NewApiDesk.Profile"
#define ND_APP_SCHEMA_ID     "io.github.newapidesk.NewApiDesk"

#define ND_TYPE_PROFILE (nd_profile_get_type ())
G_DECLARE_FINAL_TYPE (NdProfile, nd_profile, ND, PROFILE, GObject)

NdProfile  *nd_profile_new            (const char *id);
const char *nd_profile_get_id         (NdProfile *self);
const char *nd_profile_get_name       (NdProfile *self);
const char *nd_profile_get_color      (NdProfile *self);
const char *nd_profile_get_pg_dsn     (NdProfile *self);
const char *nd_profile_get_log_dsn    (NdProfile *self);
const char *nd_profile_get_api_url    (NdProfile *self);
gint64      nd_profile_get_api_user_id (NdProfile *self);
gint64      nd_profile_get_act_as     (NdProfile *self);
gboolean    nd_profile_get_read_only  (NdProfile *self);
gboolean    nd_profile_has_pg         (NdProfile *self);
gboolean    nd_profile_has_api        (NdProfile *self);
char       *nd_profile_describe       (NdProfile *self);

/* Validators shared by the profile dialog and the command line. Each
 * returns FALSE with ND_ERROR_INVALID_INPUT and a message naming the field. */
gboolean    nd_profile_validate_name    (const char *name, GError **error);
gboolean    nd_profile_validate_dsn     (const char *dsn, gboolean required, GError **error);
gboolean    nd_profile_validate_url     (const char *url, GError **error);
gboolean    nd_profile_validate_user_id (const char *text, gint64 *out, GError **error);
gboolean    nd_profile_validate_color   (const char *color, GError **error);
gboolean    nd_profile_validate         (NdProfile *self, GError **error);
/* TRUE for plain http:// to a host that is not loopback: tokens travel in clear. */
gboolean    nd_profile_url_is_insecure  (const char *url);

#define ND_TYPE_PROFILE_STORE (nd_profile_store_get_type ())
G_DECLARE_FINAL_TYPE (NdProfileStore, nd_profile_store, ND, PROFILE_STORE, GObject)

/* A GListModel of NdProfile, in the order of the `profiles` key. */
NdProfileStore *nd_profile_store_new        (GSettings *app_settings, NdSecretStore *secrets);
GListModel     *nd_profile_store_get_model  (NdProfileStore *self);
NdSecretStore  *nd_profile_store_get_secrets (NdProfileStore *self);
NdProfile      *nd_profile_store_lookup     (NdProfileStore *self, const char *id);
NdProfile      *nd_profile_store_get_active (NdProfileStore *self);
void            nd_profile_store_set_active (NdProfileStore *self, NdProfile *profile);
void            nd_profile_store_reload     (NdProfileStore *self);

/* Saves settings (passwords stripped from DSNs) and secrets. For each
 * secret: NULL keeps the stored one, "" deletes it. A password written into
 * a DSN moves to the keyring unless an explicit one is given. */
void            nd_profile_store_save_async  (NdProfileStore *self, NdProfile *profile,
                                              const char *pg_password, const char *log_password,
                                              const char *api_token, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean        nd_profile_store_save_finish (NdProfileStore *self, GAsyncResult *result,
                                              GError **error);
void            nd_profile_store_remove     (NdProfileStore *self, NdProfile *profile);

G_END_DECLS

/* nd-profile.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-secure-string.h"
#include "nd-error.h"
#include "pg/nd-pg-conn.h"
#include "nd-profile.h"

struct _NdProfile
{
  GObject parent_instance;

  char *id;
  char *name;
  char *color;
  char *pg_dsn;
  char *log_dsn;
  char *api_url;
  gint64 api_user_id;
  gint64 act_as;
  gboolean read_only;
};

G_DEFINE_FINAL_TYPE (NdProfile, nd_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_COLOR,
  PROP_PG_DSN,
  PROP_LOG_DSN,
  PROP_API_URL,
  PROP_API_USER_ID,
  PROP_ACT_AS,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const profile_colors[] = {
  "blue", "teal", "green", "yellow", "orange", "red", "pink", "purple", "slate", NULL
};

static void
nd_profile_finalize (GObject *object)
{
  NdProfile *self = ND_PROFILE (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->color);
  g_free (self->pg_dsn);
  g_free (self->log_dsn);
  g_free (self->api_url);
  G_OBJECT_CLASS (nd_profile_parent_class)->finalize (object);
}

static void
nd_profile_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdProfile *self = ND_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_COLOR: g_value_set_string (value, self->color); break;
    case PROP_PG_DSN: g_value_set_string (value, self->pg_dsn); break;
    case PROP_LOG_DSN: g_value_set_string (value, self->log_dsn); break;
    case PROP_API_URL: g_value_set_string (value, self->api_url); break;
    case PROP_API_USER_ID: g_value_set_int64 (value, self->api_user_id); break;
    case PROP_ACT_AS: g_value_set_int64 (value, self->act_as); break;
    case PROP_READ_ONLY: g_value_set_boolean (value, self->read_only); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (NdProfile *self, char **field, const GValue *value, GParamSpec *pspec)
{
  const char *s = g_value_get_string (value);

  if (g_strcmp0 (*field, s ? s : "") == 0)
    return;
  g_free (*field);
  *field = g_strdup (s ? s : "");
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
nd_profile_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdProfile *self = ND_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      if (self->id == NULL || *self->id == '\0')
        {
          g_autofree char *uuid = g_uuid_string_random ();

          g_free (self->id);
          /* GSettings paths allow [A-Za-z0-9-]; keep ids short and safe. */
          self->id = g_strndup (uuid, 8);
        }
      break;
    case PROP_NAME: set_string (self, &self->name, value, pspec); break;
    case PROP_COLOR: set_string (self, &self->color, value, pspec); break;
    case PROP_PG_DSN: set_string (self, &self->pg_dsn, value, pspec); break;
    case PROP_LOG_DSN: set_string (self, &self->log_dsn, value, pspec); break;
    case PROP_API_URL: set_string (self, &self->api_url, value, pspec); break;
    case PROP_API_USER_ID:
      if (self->api_user_id != g_value_get_int64 (value))
        {
          self->api_user_id = g_value_get_int64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_ACT_AS:
      if (self->act_as != g_value_get_int64 (value))
        {
          self->act_as = g_value_get_int64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_READ_ONLY:
      if (self->read_only != g_value_get_boolean (value))
        {
          self->read_only = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_profile_class_init (NdProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = nd_profile_finalize;
  object_class->get_property = nd_profile_get_property;
  object_class->set_property = nd_profile_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                             G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", rw);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, "blue", rw);
  properties[PROP_PG_DSN] = g_param_spec_string ("pg-dsn", NULL, NULL, "", rw);
  properties[PROP_LOG_DSN] = g_param_spec_string ("log-dsn", NULL, NULL, "", rw);
  properties[PROP_API_URL] = g_param_spec_string ("api-url", NULL, NULL, "", rw);
  properties[PROP_API_USER_ID] = g_param_spec_int64 ("api-user-id", NULL, NULL,
                                                     0, G_MAXINT64, 0, rw);
  /* The administrator that writes over PostgreSQL are recorded as in
   * NewAPI's own audit rows (0: the first root user). Over the API the
   * token's owner is the actor, as NewAPI decides. */
  properties[PROP_ACT_AS] = g_param_spec_int64 ("act-as", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, TRUE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nd_profile_init (NdProfile *self)
{
  self->name = g_strdup ("");
  self->color = g_strdup ("blue");
  self->pg_dsn = g_strdup ("");
  self->log_dsn = g_strdup ("");
  self->api_url = g_strdup ("");
  self->read_only = TRUE;
}

NdProfile *
nd_profile_new (const char *id)
{
  return g_object_new (ND_TYPE_PROFILE, "id", id, NULL);
}

const char *nd_profile_get_id (NdProfile *self) { return self->id; }
const char *nd_profile_get_name (NdProfile *self) { return self->name; }
const char *nd_profile_get_color (NdProfile *self) { return self->color; }
const char *nd_profile_get_pg_dsn (NdProfile *self) { return self->pg_dsn; }
const char *nd_profile_get_log_dsn (NdProfile *self) { return self->log_dsn; }
const char *nd_profile_get_api_url (NdProfile *self) { return self->api_url; }
gint64 nd_profile_get_api_user_id (NdProfile *self) { return self->api_user_id; }
gint64 nd_profile_get_act_as (NdProfile *self) { return self->act_as; }
gboolean nd_profile_get_read_only (NdProfile *self) { return self->read_only; }
gboolean nd_profile_has_pg (NdProfile *self) { return self->pg_dsn[0] != '\0'; }
gboolean nd_profile_has_api (NdProfile *self) { return self->api_url[0] != '\0'; }

/* "postgres@db:5432/newapi + https://api.example.com" */
char *
nd_profile_describe (NdProfile *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (ND_IS_PROFILE (self), NULL);

  if (nd_profile_has_pg (self))
    {
      g_autofree char *d = nd_pg_dsn_describe (self->pg_dsn);

      g_string_append (s, d);
    }
  if (nd_profile_has_api (self))
    {
      g_autoptr(GUri) uri = g_uri_parse (self->api_url, G_URI_FLAGS_NONE, NULL);

      if (s->len > 0)
        g_string_append (s, " + ");
      g_string_append (s, uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : self->api_url);
    }
  if (s->len == 0)
    g_string_append (s, _("No connection configured"));
  return g_string_free (s, FALSE);
}

gboolean
nd_profile_validate_name (const char *name, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name ? name : ""));

  if (*trimmed == '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Give the profile a name"));
      return FALSE;
    }
  if (g_utf8_strlen (trimmed, -1) > 64)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The profile name is too long (64 characters at most)"));
      return FALSE;
    }
  return TRUE;
}

gboolean
nd_profile_validate_dsn (const char *dsn, gboolean required, GError **error)
{
  if (dsn == NULL || *dsn == '\0')
    {
      if (required)
        g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                     _("Enter a PostgreSQL connection string"));
      return !required;
    }
  return nd_pg_dsn_validate (dsn, error);
}

gboolean
nd_profile_validate_url (const char *url, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    return TRUE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local);
  if (uri == NULL)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The NewAPI address is not a valid URL: %s"), local->message);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The NewAPI address must start with https:// or http://"));
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The NewAPI address has no host name"));
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      /* It would be stored in GSettings and shown in messages. */
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Put the access token in the token field, not in the address"));
      return FALSE;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The NewAPI address must not contain “?” or “#”"));
      return FALSE;
    }
  return TRUE;
}

gboolean
nd_profile_url_is_insecure (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (url == NULL || *url == '\0')
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  host = g_uri_get_host (uri);
  if (host == NULL)
    return FALSE;
  return !(g_str_equal (host, "localhost") || g_str_has_prefix (host, "127.") ||
           g_str_equal (host, "::1") || g_str_equal (host, "[::1]"));
}

gboolean
nd_profile_validate_user_id (const char *text, gint64 *out, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
  char *end = NULL;
  gint64 v;

  if (*trimmed == '\0')
    {
      if (out != NULL)
        *out = 0;
      return TRUE;
    }
  errno = 0;
  v = g_ascii_strtoll (trimmed, &end, 10);
  if (*end != '\0' || errno != 0 || v <= 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The user id must be a positive whole number (NewAPI shows it on the "
                     "personal settings page)"));
      return FALSE;
    }
  if (out != NULL)
    *out = v;
  return TRUE;
}

gboolean
nd_profile_validate_color (const char *color, GError **error)
{
  if (color != NULL && g_strv_contains (profile_colors, color))
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Unknown profile colour “%s”"),
               color ? color : "");
  return FALSE;
}

gboolean
nd_profile_validate (NdProfile *self, GError **error)
{
  g_return_val_if_fail (ND_IS_PROFILE (self), FALSE);

  if (!nd_profile_validate_name (self->name, error) ||
      !nd_profile_validate_color (self->color, error) ||
      !nd_profile_validate_dsn (self->pg_dsn, FALSE, error) ||
      !nd_profile_validate_dsn (self->log_dsn, FALSE, error) ||
      !nd_profile_validate_url (self->api_url, error))
    return FALSE;
  if (!nd_profile_has_pg (self) && !nd_profile_has_api (self))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Enter a PostgreSQL connection string, a NewAPI address, or both"));
      return FALSE;
    }
  if (self->log_dsn[0] != '\0' && !nd_profile_has_pg (self))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("A log database needs the main database too"));
      return FALSE;
    }
  if (nd_profile_has_api (self) && self->api_user_id <= 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Enter the NewAPI user id that owns the access token"));
      return FALSE;
    }
  return TRUE;
}

/* ---- store ------------------------------------------------------------ */

struct _NdProfileStore
{
  GObject parent_instance;

  GSettings *settings;
  NdSecretStore *secrets;
  GListStore *profiles;
};

G_DEFINE_FINAL_TYPE (NdProfileStore, nd_profile_store, G_TYPE_OBJECT)

enum { STORE_PROP_0, STORE_PROP_ACTIVE, STORE_N_PROPS };
static GParamSpec *store_properties[STORE_N_PROPS];

static GSettings *
profile_settings (NdProfileStore *self, const char *id)
{
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;

  /* Profiles live beside the list that names them, in the same backend. */
  g_object_get (self->settings, "path", &base, "backend", &backend, NULL);
  path = g_strdup_printf ("%sprofiles/%s/", base, id);
  return g_settings_new_with_backend_and_path (ND_PROFILE_SCHEMA_ID, backend, path);
}

static NdProfile *
load_profile (NdProfileStore *self, const char *id)
{
  g_autoptr(GSettings) s = profile_settings (self, id);
  g_autofree char *name = g_settings_get_string (s, "name");
  g_autofree char *color = g_settings_get_string (s, "color");
  g_autofree char *pg_dsn = g_settings_get_string (s, "pg-dsn");
  g_autofree char *log_dsn = g_settings_get_string (s, "log-dsn");
  g_autofree char *api_url = g_settings_get_string (s, "api-url");

  return g_object_new (ND_TYPE_PROFILE,
                       "id", id, "name", name, "color", color,
                       "pg-dsn", pg_dsn, "log-dsn", log_dsn, "api-url", api_url,
                       "api-user-id", g_settings_get_int64 (s, "api-user-id"),
                       "act-as", g_settings_get_int64 (s, "act-as"),
                       "read-only", g_settings_get_boolean (s, "read-only"),
                       NULL);
}

void
nd_profile_store_reload (NdProfileStore *self)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, "profiles");
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; ids[i] != NULL; i++)
    if (*ids[i] != '\0')
      g_ptr_array_add (loaded, load_profile (self, ids[i]));
  g_list_store_splice (self->profiles, 0, g_list_model_get_n_items (G_LIST_MODEL (self->profiles)),
                       loaded->pdata, loaded->len);
}

static void
nd_profile_store_dispose (GObject *object)
{
  NdProfileStore *self = ND_PROFILE_STORE (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->secrets);
  g_clear_object (&self->profiles);
  G_OBJECT_CLASS (nd_profile_store_parent_class)->dispose (object);
}

static void
nd_profile_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case STORE_PROP_ACTIVE:
      g_value_set_object (value, nd_profile_store_get_active (ND_PROFILE_STORE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_profile_store_class_init (NdProfileStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_profile_store_dispose;
  object_class->get_property = nd_profile_store_get_property;

  store_properties[STORE_PROP_ACTIVE] =
    g_param_spec_object ("active", NULL, NULL, ND_TYPE_PROFILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, STORE_N_PROPS, store_properties);
}

static void
nd_profile_store_init (NdProfileStore *self)
{
  self->profiles = g_list_store_new (ND_TYPE_PROFILE);
}

NdProfileStore *
nd_profile_store_new (GSettings *app_settings, NdSecretStore *secrets)
{
  NdProfileStore *self = g_object_new (ND_TYPE_PROFILE_STORE, NULL);

  g_return_val_if_fail (G_IS_SETTINGS (app_settings), NULL);

  self->settings = g_object_ref (app_settings);
  self->secrets = g_object_ref (secrets ? secrets : nd_secret_store_get_default ());
  nd_profile_store_reload (self);
  return self;
}

GListModel *
nd_profile_store_get_model (NdProfileStore *self)
{
  return G_LIST_MODEL (self->profiles);
}

NdSecretStore *
nd_profile_store_get_secrets (NdProfileStore *self)
{
  return self->secrets;
}

NdProfile *
nd_profile_store_lookup (NdProfileStore *self, const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  if (id == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NdProfile) p = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (g_str_equal (p->id, id))
        return p;   /* the store keeps it alive */
    }
  return NULL;
}

/**
 * nd_profile_store_get_active:
 * Returns: (transfer none) (nullable): the remembered profile, or the first
 */
NdProfile *
nd_profile_store_get_active (NdProfileStore *self)
{
  g_autofree char *id = g_settings_get_string (self->settings, "active-profile");
  NdProfile *p = nd_profile_store_lookup (self, id);

  if (p == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->profiles)) > 0)
    {
      g_autoptr(NdProfile) first = g_list_model_get_item (G_LIST_MODEL (self->profiles), 0);

      p = first;
    }
  return p;
}

void
nd_profile_store_set_active (NdProfileStore *self, NdProfile *profile)
{
  g_settings_set_string (self->settings, "active-profile", profile ? profile->id : "");
  g_object_notify_by_pspec (G_OBJECT (self), store_properties[STORE_PROP_ACTIVE]);
}

typedef struct {
  guint pending;
  GError *error;
} SaveData;

static void
save_data_free (SaveData *sd)
{
  g_clear_error (&sd->error);
  g_free (sd);
}

static void
secret_stored (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *sd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!nd_secret_store_store_finish (ND_SECRET_STORE (object), result, &error))
    {
      if (sd->error == NULL)
        sd->error = error;
      else
        g_error_free (error);
    }
  if (--sd->pending > 0)
    return;
  if (sd->error != NULL)
    g_task_return_error (task, g_steal_pointer (&sd->error));
  else
    g_task_return_boolean (task, TRUE);
}

void
nd_profile_store_save_async (NdProfileStore *self, NdProfile *profile,
                             const char *pg_password, const char *log_password,
                             const char *api_token, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSettings) s = NULL;
  g_autofree char *pg_clean = NULL;
  g_autofree char *log_clean = NULL;
  g_autoptr(NdSecret) pg_inline = NULL;
  g_autoptr(NdSecret) log_inline = NULL;
  g_autoptr(NdSecret) pg_others = NULL;
  g_autoptr(NdSecret) log_others = NULL;
  const char *secrets[5][2];
  SaveData *sd;
  GError *error = NULL;

  g_return_if_fail (ND_IS_PROFILE_STORE (self));
  g_return_if_fail (ND_IS_PROFILE (profile));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_profile_store_save_async);
  sd = g_new0 (SaveData, 1);
  g_task_set_task_data (task, sd, (GDestroyNotify) save_data_free);

  if (!nd_profile_validate (profile, &error))
    return g_task_return_error (task, error);

  /* Every secret keyword leaves the DSN before anything is written: the
   * password and the others (sslpassword, …) go to the keyring. */
  if (nd_profile_has_pg (profile) &&
      (pg_clean = nd_pg_dsn_strip_secrets (profile->pg_dsn, &pg_inline, &pg_others, &error)) == NULL)
    return g_task_return_error (task, error);
  if (profile->log_dsn[0] != '\0' &&
      (log_clean = nd_pg_dsn_strip_secrets (profile->log_dsn, &log_inline, &log_others,
                                            &error)) == NULL)
    return g_task_return_error (task, error);

  g_object_set (profile, "pg-dsn", pg_clean ? pg_clean : "", "log-dsn", log_clean ? log_clean : "", NULL);

  s = profile_settings (self, profile->id);
  g_settings_delay (s);
  g_settings_set_string (s, "name", g_strstrip (profile->name));
  g_settings_set_string (s, "color", profile->color);
  g_settings_set_string (s, "pg-dsn", profile->pg_dsn);
  g_settings_set_string (s, "log-dsn", profile->log_dsn);
  g_settings_set_string (s, "api-url", profile->api_url);
  g_settings_set_int64 (s, "api-user-id", profile->api_user_id);
  g_settings_set_int64 (s, "act-as", profile->act_as);
  g_settings_set_boolean (s, "read-only", profile->read_only);
  if (g_settings_get_int64 (s, "created") == 0)
    g_settings_set_int64 (s, "created", g_get_real_time () / G_USEC_PER_SEC);
  g_settings_apply (s);

  if (nd_profile_store_lookup (self, profile->id) == NULL)
    {
      g_auto(GStrv) ids = g_settings_get_strv (self->settings, "profiles");
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) new_ids = NULL;

      g_strv_builder_addv (b, (const char **) ids);
      g_strv_builder_add (b, profile->id);
      new_ids = g_strv_builder_end (b);
      g_settings_set_strv (self->settings, "profiles", (const char * const *) new_ids);
      g_list_store_append (self->profiles, profile);
    }
  else
    {
      NdProfile *existing = nd_profile_store_lookup (self, profile->id);

      if (existing != profile)
        {
          guint pos;

          if (g_list_store_find (self->profiles, existing, &pos))
            g_list_store_splice (self->profiles, pos, 1, (gpointer *) &profile, 1);
        }
    }

  secrets[0][0] = ND_SECRET_PG_PASSWORD;
  secrets[0][1] = pg_password ? pg_password : pg_inline;
  secrets[1][0] = ND_SECRET_LOG_PG_PASSWORD;
  secrets[1][1] = log_password ? log_password : log_inline;
  secrets[2][0] = ND_SECRET_API_TOKEN;
  secrets[2][1] = api_token;
  /* Only what the DSN carried: a stored one stays until the DSN says anew. */
  secrets[3][0] = ND_SECRET_PG_OPTIONS;
  secrets[3][1] = pg_others;
  secrets[4][0] = ND_SECRET_LOG_PG_OPTIONS;
  secrets[4][1] = log_others;

  sd->pending = 1;
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      if (secrets[i][1] == NULL)
        continue;
      sd->pending++;
      nd_secret_store_store_async (self->secrets, profile->id, secrets[i][0], secrets[i][1],
                                   cancellable, secret_stored, g_object_ref (task));
    }
  /* Drop the guard count; completes now if no secret was written. */
  if (--sd->pending == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
nd_profile_store_save_finish (NdProfileStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
nd_profile_store_remove (NdProfileStore *self, NdProfile *profile)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, "profiles");
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) new_ids = NULL;
  g_autoptr(GSettings) s = NULL;
  g_autoptr(NdProfile) keep = g_object_ref (profile);
  guint pos;

  for (guint i = 0; ids[i] != NULL; i++)
    if (!g_str_equal (ids[i], profile->id))
      g_strv_builder_add (b, ids[i]);
  new_ids = g_strv_builder_end (b);
  g_settings_set_strv (self->settings, "profiles", (const char * const *) new_ids);

  s = profile_settings (self, profile->id);
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (s, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);
    for (guint i = 0; keys[i] != NULL; i++)
      g_settings_reset (s, keys[i]);
  }
  nd_secret_store_clear_profile_async (self->secrets, profile->id, NULL, NULL, NULL);

  if (g_list_store_find (self->profiles, profile, &pos))
    g_list_store_remove (self->profiles, pos);
  g_object_notify_by_pspec (G_OBJECT (self), store_properties[STORE_PROP_ACTIVE]);
}

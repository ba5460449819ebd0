/* nd-session.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-secure-string.h"
#include "http/nd-http-source.h"
#include "pg/nd-pg-conn.h"
#include "pg/nd-pg-source.h"
#include "nd-session.h"

struct _NdSession
{
  GObject parent_instance;

  NdProfile *profile;
  NdSecretStore *secrets;
  NdSessionState state;
  NdSource *source;
  NdSource *manage_source;
  /* A source built by the caller (a report file, a test's scripted source):
   * connecting probes it instead of building one from the profile. */
  NdSource *given_source;
  GError *error;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (NdSession, nd_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_STATE,
  PROP_SOURCE,
  PROP_INFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (NdSession *self, NdSessionState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
nd_session_dispose (GObject *object)
{
  NdSession *self = ND_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->source != NULL)
    nd_source_close (self->source);
  if (self->manage_source != NULL && self->manage_source != self->source)
    nd_source_close (self->manage_source);
  g_clear_object (&self->manage_source);
  g_clear_object (&self->source);
  g_clear_object (&self->given_source);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->profile);
  g_clear_object (&self->secrets);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (nd_session_parent_class)->dispose (object);
}

static void
nd_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdSession *self = ND_SESSION (object);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, self->profile); break;
    case PROP_STATE: g_value_set_int (value, self->state); break;
    case PROP_SOURCE: g_value_set_object (value, self->source); break;
    case PROP_INFO: g_value_set_boxed (value, nd_session_get_info (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_session_class_init (NdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_session_dispose;
  object_class->get_property = nd_session_get_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, ND_TYPE_PROFILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, ND_SESSION_DISCONNECTED, ND_SESSION_FAILED,
                      ND_SESSION_DISCONNECTED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, ND_TYPE_SOURCE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INFO] =
    g_param_spec_boxed ("info", NULL, NULL, ND_TYPE_SERVER_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nd_session_init (NdSession *self)
{
  self->cancellable = g_cancellable_new ();
}

NdSession *
nd_session_new (NdProfile *profile, NdSecretStore *secrets)
{
  NdSession *self = g_object_new (ND_TYPE_SESSION, NULL);

  g_return_val_if_fail (ND_IS_PROFILE (profile), NULL);

  self->profile = g_object_ref (profile);
  self->secrets = g_object_ref (secrets ? secrets : nd_secret_store_get_default ());
  return self;
}

NdSession *
nd_session_new_for_source (NdProfile *profile, NdSource *source)
{
  NdSession *self = nd_session_new (profile, NULL);

  g_return_val_if_fail (ND_IS_SOURCE (source), self);

  self->given_source = g_object_ref (source);
  return self;
}

NdProfile *nd_session_get_profile (NdSession *self) { return self->profile; }
NdSessionState nd_session_get_state (NdSession *self) { return self->state; }
NdSource *nd_session_get_source (NdSession *self) { return self->source; }
const GError *nd_session_get_error (NdSession *self) { return self->error; }

NdSource *
nd_session_get_manage_source (NdSession *self)
{
  return self->manage_source ? self->manage_source : self->source;
}

NdServerInfo *
nd_session_get_info (NdSession *self)
{
  return self->source ? nd_source_get_info (self->source) : NULL;
}

/* What the header shows under the profile name. */
char *
nd_session_dup_status_text (NdSession *self)
{
  switch (self->state)
    {
    case ND_SESSION_CONNECTING:
      return g_strdup (_("Connecting…"));
    case ND_SESSION_CONNECTED:
      {
        NdServerInfo *info = nd_session_get_info (self);

        return info ? nd_server_info_describe (info) : g_strdup (_("Connected"));
      }
    case ND_SESSION_FAILED:
      return g_strdup (self->error ? self->error->message : _("Not connected"));
    case ND_SESSION_DISCONNECTED:
    default:
      return g_strdup (_("Not connected"));
    }
}

/* ---- connect ---------------------------------------------------------- */

typedef struct {
  char *secret[5];
  guint next;
} ConnectData;

static const char * const secret_kinds[5] = {
  ND_SECRET_PG_PASSWORD, ND_SECRET_LOG_PG_PASSWORD, ND_SECRET_API_TOKEN,
  ND_SECRET_PG_OPTIONS, ND_SECRET_LOG_PG_OPTIONS,
};

static void
connect_data_free (ConnectData *cd)
{
  for (guint i = 0; i < G_N_ELEMENTS (cd->secret); i++)
    nd_secure_free (cd->secret[i]);
  g_free (cd);
}

static void
fail (NdSession *self, GTask *task, GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      set_state (self, ND_SESSION_FAILED);
    }
  g_task_return_error (task, error);
}

static void
probe_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdSession *self = g_task_get_source_object (task);
  g_autoptr(NdServerInfo) info = NULL;
  GError *error = NULL;

  info = nd_source_probe_finish (ND_SOURCE (object), result, &error);
  if (info == NULL)
    return fail (self, task, error);

  /* The probe tells whether a write would be refused; the profile setting
   * is what we asked for, the session is what the server enforces. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INFO]);
  set_state (self, ND_SESSION_CONNECTED);
  g_task_return_boolean (task, TRUE);
}

static void
probe_manage_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(NdServerInfo) info = NULL;
  GError *error = NULL;
  NdSession *self = g_task_get_source_object (task);

  info = nd_source_probe_finish (ND_SOURCE (object), result, &error);
  if (info == NULL)
    return fail (self, task, error);
  nd_source_probe_async (self->source, g_task_get_cancellable (task), probe_done,
                         g_steal_pointer (&task));
}

static void
build_sources (NdSession *self, GTask *task)
{
  ConnectData *cd = g_task_get_task_data (task);
  NdProfile *p = self->profile;
  GError *error = NULL;

  if (self->given_source != NULL)
    {
      self->source = g_object_ref (self->given_source);
    }
  else if (nd_profile_has_api (p))
    {
      self->manage_source = nd_http_source_new_for_profile (p, cd->secret[2], &error);
      if (self->manage_source == NULL)
        return fail (self, task, error);
    }

  if (self->source != NULL)
    ;
  else if (nd_profile_has_pg (p))
    {
      /* The DSN's other secrets come back from the keyring, in memory only. */
      g_autoptr(NdSecret) dsn = nd_pg_dsn_merge (nd_profile_get_pg_dsn (p), cd->secret[3]);
      g_autoptr(NdSecret) log_dsn = nd_pg_dsn_merge (nd_profile_get_log_dsn (p), cd->secret[4]);

      self->source = nd_pg_source_new (dsn, cd->secret[0], log_dsn, cd->secret[1],
                                       nd_profile_get_read_only (p));
      nd_pg_source_set_operator_id (ND_PG_SOURCE (self->source), nd_profile_get_act_as (p));
    }
  else
    self->source = g_steal_pointer (&self->manage_source);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);

  if (self->manage_source != NULL)
    nd_source_probe_async (self->manage_source, g_task_get_cancellable (task),
                           probe_manage_done, g_object_ref (task));
  else
    nd_source_probe_async (self->source, g_task_get_cancellable (task), probe_done,
                           g_object_ref (task));
}

static void lookup_next (GTask *task);

static void
secret_looked_up (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *cd = g_task_get_task_data (task);
  GError *error = NULL;

  cd->secret[cd->next] = nd_secret_store_lookup_finish (ND_SECRET_STORE (object), result, &error);
  if (error != NULL)
    return fail (g_task_get_source_object (task), task, error);
  cd->next++;
  lookup_next (g_steal_pointer (&task));
}

static void
lookup_next (GTask *task)
{
  NdSession *self = g_task_get_source_object (task);
  ConnectData *cd = g_task_get_task_data (task);

  if (cd->next >= G_N_ELEMENTS (secret_kinds))
    {
      build_sources (self, task);
      g_object_unref (task);
      return;
    }
  nd_secret_store_lookup_async (self->secrets, nd_profile_get_id (self->profile),
                                secret_kinds[cd->next], g_task_get_cancellable (task),
                                secret_looked_up, task);
}

void
nd_session_connect_async (NdSession *self, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (ND_IS_SESSION (self));

  nd_session_disconnect (self);
  g_clear_error (&self->error);
  set_state (self, ND_SESSION_CONNECTING);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_session_connect_async);
  g_task_set_task_data (task, g_new0 (ConnectData, 1), (GDestroyNotify) connect_data_free);
  lookup_next (task);
}

gboolean
nd_session_connect_finish (NdSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
nd_session_disconnect (NdSession *self)
{
  g_return_if_fail (ND_IS_SESSION (self));

  if (self->source == NULL && self->manage_source == NULL)
    return;
  if (self->source != NULL)
    nd_source_close (self->source);
  if (self->manage_source != NULL)
    nd_source_close (self->manage_source);
  g_clear_object (&self->source);
  g_clear_object (&self->manage_source);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INFO]);
  set_state (self, ND_SESSION_DISCONNECTED);
}

/* nd-secret-store.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "nd-secure-string.h"
#include "nd-error.h"
#include "nd-secret-store.h"

struct _NdSecretStore
{
  GObject parent_instance;

  gboolean use_keyring;      /* FALSE once the keyring failed to answer */
  GHashTable *memory;        /* "profile\nkind" → secret */
};

G_DEFINE_FINAL_TYPE (NdSecretStore, nd_secret_store, G_TYPE_OBJECT)

enum { PROP_0, PROP_PERSISTENT, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.newapidesk.NewApiDesk.Secret", SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "NULL", 0 },
    }
  };
  return &schema;
}

static void
nd_secret_store_finalize (GObject *object)
{
  NdSecretStore *self = ND_SECRET_STORE (object);

  g_hash_table_unref (self->memory);
  G_OBJECT_CLASS (nd_secret_store_parent_class)->finalize (object);
}

static void
nd_secret_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PERSISTENT:
      g_value_set_boolean (value, nd_secret_store_is_persistent (ND_SECRET_STORE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_secret_store_class_init (NdSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nd_secret_store_finalize;
  object_class->get_property = nd_secret_store_get_property;

  properties[PROP_PERSISTENT] =
    g_param_spec_boolean ("persistent", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nd_secret_store_init (NdSecretStore *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, 
                                    (GDestroyNotify) nd_secure_free);
}

NdSecretStore *
nd_secret_store_new_memory (void)
{
  return g_object_new (ND_TYPE_SECRET_STORE, NULL);
}

/**
 * nd_secret_store_get_default:
 * Returns: (transfer none): the process-wide store
 */
NdSecretStore *
nd_secret_store_get_default (void)
{
  static NdSecretStore *store;

  if (g_once_init_enter (&store))
    {
      NdSecretStore *s = nd_secret_store_new_memory ();
      const char *env = g_getenv ("ND_SECRET_STORE");

      s->use_keyring = env == NULL || !g_str_equal (env, "memory");
      g_once_init_leave (&store, s);
    }
  return store;
}

gboolean
nd_secret_store_is_persistent (NdSecretStore *self)
{
  g_return_val_if_fail (ND_IS_SECRET_STORE (self), FALSE);
  return self->use_keyring;
}

/* The first keyring failure switches this run to memory: asking a dead
 * keyring again on every connect would only add delays. */
static void
fall_back_to_memory (NdSecretStore *self, const GError *error)
{
  if (!self->use_keyring)
    return;
  g_warning ("No keyring answered (%s); secrets are kept in memory for this session",
             error ? error->message : "unknown error");
  self->use_keyring = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSISTENT]);
}

static char *
memory_key (const char *profile_id, const char *kind)
{
  return g_strdup_printf ("%s\n%s", profile_id, kind);
}

typedef struct {
  char *profile_id;
  char *kind;
  char *secret;
} SecretOp;

static void
secret_op_free (SecretOp *op)
{
  g_free (op->profile_id);
  g_free (op->kind);
  nd_secure_free (op->secret);
  g_free (op);
}

static void
memory_store (NdSecretStore *self, SecretOp *op)
{
  if (op->secret == NULL || *op->secret == '\0')
    {
      g_autofree char *key = memory_key (op->profile_id, op->kind);

      g_hash_table_remove (self->memory, key);
    }
  else
    g_hash_table_replace (self->memory, memory_key (op->profile_id, op->kind),
                          g_strdup (op->secret));
}

static void
store_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdSecretStore *self = g_task_get_source_object (task);
  SecretOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (op->secret != NULL && *op->secret != '\0')
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);

  if (error != NULL)
    {
      if (nd_error_is_cancelled (error))
        return g_task_return_error (task, g_steal_pointer (&error));
      fall_back_to_memory (self, error);
      memory_store (self, op);
    }
  g_task_return_boolean (task, TRUE);
}

void
nd_secret_store_store_async (NdSecretStore *self, const char *profile_id, const char *kind,
                             const char *secret, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretOp *op;

  g_return_if_fail (ND_IS_SECRET_STORE (self));
  g_return_if_fail (profile_id != NULL && kind != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_secret_store_store_async);
  op = g_new0 (SecretOp, 1);
  op->profile_id = g_strdup (profile_id);
  op->kind = g_strdup (kind);
  op->secret = g_strdup (secret);
  g_task_set_task_data (task, op, (GDestroyNotify) secret_op_free);

  /* Keep a memory copy as well, so this run never asks twice. */
  memory_store (self, op);
  if (!self->use_keyring)
    return g_task_return_boolean (task, TRUE);

  if (secret != NULL && *secret != '\0')
    {
      g_autofree char *label = g_strdup_printf (_("NewAPI Desk: %s for profile %s"), kind, profile_id);

      secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                             cancellable, store_done, g_steal_pointer (&task),
                             "profile", profile_id, "kind", kind, NULL);
    }
  else
    secret_password_clear (get_schema (), cancellable, store_done, g_steal_pointer (&task),
                           "profile", profile_id, "kind", kind, NULL);
}

gboolean
nd_secret_store_store_finish (NdSecretStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdSecretStore *self = g_task_get_source_object (task);
  SecretOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_autofree char *key = memory_key (op->profile_id, op->kind);

      if (nd_error_is_cancelled (error))
        return g_task_return_error (task, g_steal_pointer (&error));
      fall_back_to_memory (self, error);
      return g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->memory, key)),
                                    (GDestroyNotify) nd_secure_free);
    }
  g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

void
nd_secret_store_lookup_async (NdSecretStore *self, const char *profile_id, const char *kind,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  const char *cached;
  SecretOp *op;

  g_return_if_fail (ND_IS_SECRET_STORE (self));
  g_return_if_fail (profile_id != NULL && kind != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_secret_store_lookup_async);

  key = memory_key (profile_id, kind);
  cached = g_hash_table_lookup (self->memory, key);
  if (cached != NULL || !self->use_keyring)
    return g_task_return_pointer (task, g_strdup (cached), 
                                    (GDestroyNotify) nd_secure_free);

  op = g_new0 (SecretOp, 1);
  op->profile_id = g_strdup (profile_id);
  op->kind = g_strdup (kind);
  g_task_set_task_data (task, op, (GDestroyNotify) secret_op_free);
  secret_password_lookup (get_schema (), cancellable, lookup_done, g_steal_pointer (&task),
                          "profile", profile_id, "kind", kind, NULL);
}

char *
nd_secret_store_lookup_finish (NdSecretStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  /* The memory copies are gone already; a dead keyring has nothing to clear. */
  g_task_return_boolean (task, TRUE);
}

void
nd_secret_store_clear_profile_async (NdSecretStore *self, const char *profile_id,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  static const char * const kinds[] = { ND_SECRET_PG_PASSWORD, ND_SECRET_LOG_PG_PASSWORD,
                                        ND_SECRET_API_TOKEN, ND_SECRET_PG_OPTIONS,
                                        ND_SECRET_LOG_PG_OPTIONS };

  g_return_if_fail (ND_IS_SECRET_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_secret_store_clear_profile_async);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *key = memory_key (profile_id, kinds[i]);

      g_hash_table_remove (self->memory, key);
    }
  if (!self->use_keyring)
    return g_task_return_boolean (task, TRUE);
  secret_password_clear (get_schema (), cancellable, clear_done, g_steal_pointer (&task),
                         "profile", profile_id, NULL);
}

gboolean
nd_secret_store_clear_profile_finish (NdSecretStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

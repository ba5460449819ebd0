/* nd-http-source.c — NdSource over NewAPI's admin API: probe and plumbing
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-profile.h"
#include "nd-time.h"

struct _NdHttpSource
{
  NdSource parent_instance;

  NdHttpClient *client;
  char *url;
  gint64 user_id;
  gboolean read_only;
  NdHttpDialect dialect;
  GHashTable *log_names;     /* see _nd_http_source_get_log_names */
};

G_DEFINE_FINAL_TYPE (NdHttpSource, nd_http_source, ND_TYPE_SOURCE)

/* Landmarks (reference §0). */
#define VERSION_UNIFIED_PAGES "v0.8.8.0"
#define VERSION_REQUEST_ID    "v1.0.0-rc.6"
#define VERSION_STATUS_API    "v1.0.0-rc.16"
#define VERSION_TOKEN_KEY_API "v0.11.4"
#define VERSION_COMPLIANCE    "v1.0.0-rc.6"

static void
nd_http_source_dispose (GObject *object)
{
  NdHttpSource *self = ND_HTTP_SOURCE (object);

  if (self->client != NULL)
    nd_http_client_close (self->client);
  G_OBJECT_CLASS (nd_http_source_parent_class)->dispose (object);
}

static void
nd_http_source_finalize (GObject *object)
{
  NdHttpSource *self = ND_HTTP_SOURCE (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->log_names, g_hash_table_unref);
  g_free (self->url);
  G_OBJECT_CLASS (nd_http_source_parent_class)->finalize (object);
}

NdHttpClient *
nd_http_source_get_client (NdHttpSource *self)
{
  g_return_val_if_fail (ND_IS_HTTP_SOURCE (self), NULL);
  return self->client;
}

const NdHttpDialect *
_nd_http_source_get_dialect (NdHttpSource *self)
{
  return &self->dialect;
}

GHashTable *
_nd_http_source_get_log_names (NdHttpSource *self)
{
  return self->log_names;
}

/* ---- probe -------------------------------------------------------------- */

typedef struct {
  NdServerInfo *info;
  NdHttpDialect dialect;
} ProbeData;

static void
probe_data_free (ProbeData *pd)
{
  g_clear_pointer (&pd->info, nd_server_info_unref);
  g_free (pd);
}

static const char *
role_name (int role)
{
  if (role >= 100)
    return _("root");
  if (role >= 10)
    return _("administrator");
  if (role >= 1)
    return _("common user");
  return _("guest");
}

/* One spelling per gateway: scheme and host in lower case, no default
 * port, no trailing slash. NewAPI tells nothing about its install over the
 * API that would survive a proxy or a second address (/api/status has the
 * process start time, /api/setup only the database kind), so the address
 * is where it lives. */
static char *
normalise_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);
  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  path = g_strdup (g_uri_get_path (uri));
  while (*path != '\0' && path[strlen (path) - 1] == '/')
    path[strlen (path) - 1] = '\0';
  port = g_uri_get_port (uri);
  if ((port == 80 && g_str_equal (scheme, "http")) || (port == 443 && g_str_equal (scheme, "https")))
    port = -1;
  if (port > 0)
    return g_strdup_printf ("%s://%s:%d%s", scheme, host, port, path);
  return g_strdup_printf ("%s://%s%s", scheme, host, path);
}

static void
probe_finish (GTask *task)
{
  NdHttpSource *self = g_task_get_source_object (task);
  ProbeData *pd = g_task_get_task_data (task);
  NdServerInfo *info = pd->info;
  g_autofree char *url = normalise_url (self->url);

  info->caps = ND_CAP_LOGS | ND_CAP_LOG_EXPORT | ND_CAP_LOG_TAIL |
               ND_CAP_CHANNELS | ND_CAP_USERS | ND_CAP_REDEMPTIONS | ND_CAP_MODELS;
  /* Not over HTTP: IP filter (no such API parameter), latency facts
   * (quota_data has no use_time), other users' tokens (self-scoped API). */
  if (pd->dialect.has_request_id)
    info->caps |= ND_CAP_LOG_REQUEST_ID;
  if (pd->dialect.data_export)
    info->caps |= ND_CAP_FACTS | ND_CAP_FACTS_ERRORS | ND_CAP_FACTS_DAY_SLICES;
  else
    info->caps |= ND_CAP_FACTS_ERRORS;
  if (pd->dialect.has_flow && pd->dialect.data_export)
    {
      info->caps |= ND_CAP_FACTS_USER | ND_CAP_FACTS_CHANNEL;
      if (pd->dialect.role >= 100)
        info->caps |= ND_CAP_FACTS_TOKEN;
    }
  if (!self->read_only)
    info->caps |= ND_CAP_WRITE;
  info->read_only = self->read_only;
  info->has_log_request_id = pd->dialect.has_request_id;
  info->has_quota_data_dims = pd->dialect.has_flow;
  info->facts_lag_seconds = 300;
  info->gateway_id = g_strconcat ("http:", url, NULL);
  self->dialect = pd->dialect;
  g_task_return_pointer (task, nd_server_info_ref (info), (GDestroyNotify) nd_server_info_unref);
}

static void
probe_flow_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeData *pd = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (nd_error_is_cancelled (error))
    return g_task_return_error (task, g_steal_pointer (&error));
  /* 404 on servers without it; anything else (an old server's web page, a
   * refusal) also means: do not count on it. */
  pd->dialect.has_flow = data != NULL && (JSON_NODE_HOLDS_ARRAY (data) || JSON_NODE_HOLDS_OBJECT (data)
                                          || JSON_NODE_HOLDS_NULL (data));
  if (error != NULL)
    g_debug ("no /api/data/flow: %s", error->message);
  probe_finish (task);
}

static void
probe_self_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdHttpSource *self = g_task_get_source_object (task);
  ProbeData *pd = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GString) query = g_string_new (NULL);
  GError *error = NULL;
  JsonObject *obj;
  gint64 now = nd_time_now ();
  GCancellable *cancellable;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  if (!JSON_NODE_HOLDS_OBJECT (data))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI sent no account details for /api/user/self"));
  obj = json_node_get_object (data);
  pd->info->user_id = nd_json_read_int (obj, "id", ND_JSON_ID, self->user_id, &error);
  pd->info->username = nd_json_read_str (obj, "username", &error);
  pd->info->role = (int) nd_json_read_int (obj, "role", ND_JSON_CODE, 0, &error);
  if (error != NULL)
    return g_task_return_error (task, error);
  pd->dialect.role = pd->info->role;
  if (pd->info->role < 10)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PERMISSION,
                                    _("The account “%s” is a %s (role %d). NewAPI Desk needs an "
                                      "administrator (role 10) or root (role 100) access token."),
                                    pd->info->username ? pd->info->username : "?",
                                    role_name (pd->info->role), pd->info->role);

  nd_http_query_add_int (query, "start_timestamp", nd_time_hour (now));
  nd_http_query_add_int (query, "end_timestamp", now);
  cancellable = g_task_get_cancellable (task);
  nd_http_client_get_async (self->client, "/api/data/flow", query->str, ND_HTTP_FLAG_NONE,
                            cancellable, probe_flow_done, g_steal_pointer (&task));
}

static void
probe_status_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdHttpSource *self = g_task_get_source_object (task);
  ProbeData *pd = g_task_get_task_data (task);
  NdServerInfo *info = pd->info;
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;
  JsonObject *obj;
  g_autofree char *display = NULL;
  GCancellable *cancellable;
  static const char * const money_keys[] = {
    "quota_per_unit", "usd_exchange_rate", "custom_currency_symbol",
    "custom_currency_exchange_rate", NULL
  };

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  if (!JSON_NODE_HOLDS_OBJECT (data))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("%s answered /api/status without the status object NewAPI "
                                      "sends. Is this a NewAPI server?"), self->url);
  obj = json_node_get_object (data);
  info->newapi_version = nd_json_read_str (obj, "version", &error);
  info->system_name = nd_json_read_str (obj, "system_name", &error);
  info->backend_version = g_strdup (_("NewAPI HTTP"));
  for (guint i = 0; money_keys[i]; i++)
    {
      g_autofree char *value = NULL;

      if (!json_object_has_member (obj, money_keys[i]))
        continue;
      if (g_str_equal (money_keys[i], "custom_currency_symbol"))
        value = nd_json_read_str (obj, money_keys[i], &error);
      else
        {
          /* Quota per dollar and exchange rates: positive, and within what
           * a currency can be worth. */
          double d = nd_json_read_double (obj, money_keys[i], 1e-9, 1e12, 0, &error);
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          value = g_strdup (g_ascii_dtostr (buf, sizeof buf, d));
        }
      nd_money_set_option (info->money, money_keys[i], value);
    }
  if (error != NULL)
    return g_task_return_error (task, error);
  display = nd_json_strdup (obj, "quota_display_type");
  if (display != NULL && *display != '\0')
    nd_money_set_option (info->money, "quota_display_type", display);
  else if (json_object_has_member (obj, "display_in_currency") &&
           !nd_json_bool (obj, "display_in_currency"))
    info->money->display = ND_MONEY_TOKENS;

  pd->dialect.legacy_pages = nd_http_version_compare (info->newapi_version, VERSION_UNIFIED_PAGES) < 0;
  pd->dialect.has_request_id = nd_http_version_compare (info->newapi_version, VERSION_REQUEST_ID) >= 0;
  pd->dialect.status_api = nd_http_version_compare (info->newapi_version, VERSION_STATUS_API) >= 0;
  pd->dialect.token_key_api = nd_http_version_compare (info->newapi_version,
                                                       VERSION_TOKEN_KEY_API) >= 0;
  pd->dialect.payment_compliance = nd_http_version_compare (info->newapi_version,
                                                            VERSION_COMPLIANCE) >= 0;
  pd->dialect.data_export = !json_object_has_member (obj, "enable_data_export") ||
                            nd_json_bool (obj, "enable_data_export");

  cancellable = g_task_get_cancellable (task);
  nd_http_client_get_async (self->client, "/api/user/self", NULL, ND_HTTP_FLAG_NONE,
                            cancellable, probe_self_done, g_steal_pointer (&task));
}

static void
nd_http_source_probe_async (NdSource *source, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  GTask *task;
  ProbeData *pd;
  GError *error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_http_source_probe_async);
  if (!nd_profile_validate_url (self->url, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  pd = g_new0 (ProbeData, 1);
  pd->info = nd_server_info_new (ND_SOURCE_KIND_HTTP);
  g_task_set_task_data (task, pd, (GDestroyNotify) probe_data_free);
  nd_http_client_get_async (self->client, "/api/status", NULL, ND_HTTP_FLAG_NONE,
                            cancellable, probe_status_done, task);
}

/* ---- class -------------------------------------------------------------- */

static void
nd_http_source_class_init (NdHttpSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NdSourceClass *source_class = ND_SOURCE_CLASS (klass);

  object_class->dispose = nd_http_source_dispose;
  object_class->finalize = nd_http_source_finalize;

  source_class->probe_async = nd_http_source_probe_async;
  _nd_http_source_class_init_logs (source_class);
  _nd_http_source_class_init_catalog (source_class);
  _nd_http_source_class_init_models (source_class);
  _nd_http_source_class_init_facts (source_class);
  _nd_http_source_class_init_write (source_class);
  _nd_http_source_class_init_channel (source_class);
  _nd_http_source_class_init_users (source_class);
  _nd_http_source_class_init_tokens (source_class);
}

static void
nd_http_source_init (NdHttpSource *self)
{
  self->dialect.data_export = TRUE;
  self->log_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

NdSource *
nd_http_source_new (const char *url, gint64 user_id, const char *token, gboolean read_only)
{
  NdHttpSource *self;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  /* The name is what headers and errors show: never the token. */
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    name = g_uri_get_port (uri) > 0
           ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
           : g_strdup (g_uri_get_host (uri));
  else
    name = g_strdup (url);

  self = g_object_new (ND_TYPE_HTTP_SOURCE, "name", name, NULL);
  self->url = g_strdup (url);
  self->user_id = user_id;
  self->read_only = read_only;
  self->client = nd_http_client_new (url, user_id, token);
  return ND_SOURCE (self);
}

NdSource *
nd_http_source_new_for_profile (NdProfile *profile, const char *api_token, GError **error)
{
  if (api_token == NULL || *api_token == '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_AUTH,
                   _("This profile has no NewAPI access token. Edit the profile and paste the "
                     "token from NewAPI’s personal settings (“Generate access token”)."));
      return NULL;
    }
  if (nd_profile_get_api_user_id (profile) <= 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("This profile needs the NewAPI user id that owns the access token"));
      return NULL;
    }
  return nd_http_source_new (nd_profile_get_api_url (profile),
                             nd_profile_get_api_user_id (profile), api_token,
                             nd_profile_get_read_only (profile));
}

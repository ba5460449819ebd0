/* nd-upstream.c — sending NewAPI's probes to a channel's upstream
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SoupSession per proxy (a channel's setting.proxy routes its probes as
 * NewAPI routes them), a deadline per request, replies read up to
 * ND_UPSTREAM_MAX_REPLY. The requests themselves come from
 * nd-upstream-plan.c.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-time.h"
#include "nd-upstream.h"

#define READ_CHUNK (64 * 1024)
/* Gemini pages its model list; no account has more than this many pages. */
#define MAX_MODEL_PAGES 20
/* The runner's concurrency limit decides how many probes run at once;
 * libsoup's default of 2 per host must not decide it instead. */
#define MAX_CONNS 64

struct _NdUpstream
{
  GObject parent_instance;

  GHashTable *sessions;        /* proxy ("" for none) → SoupSession */
  guint timeout;
  guint n_requests;
};

G_DEFINE_FINAL_TYPE (NdUpstream, nd_upstream, G_TYPE_OBJECT)

static void
nd_upstream_finalize (GObject *object)
{
  NdUpstream *self = ND_UPSTREAM (object);

  g_hash_table_unref (self->sessions);
  G_OBJECT_CLASS (nd_upstream_parent_class)->finalize (object);
}

static void
nd_upstream_class_init (NdUpstreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_upstream_finalize;
}

static void
nd_upstream_init (NdUpstream *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->timeout = ND_UPSTREAM_DEFAULT_TIMEOUT;
}

NdUpstream *
nd_upstream_new (void)
{
  return g_object_new (ND_TYPE_UPSTREAM, NULL);
}

NdUpstream *
nd_upstream_get_for (GObject *owner)
{
  NdUpstream *self = g_object_get_data (owner, "nd-upstream");

  if (self == NULL)
    {
      self = nd_upstream_new ();
      g_object_set_data_full (owner, "nd-upstream", self, g_object_unref);
    }
  return self;
}

void
nd_upstream_set_timeout (NdUpstream *self, guint seconds)
{
  g_return_if_fail (ND_IS_UPSTREAM (self));
  self->timeout = MAX (seconds, 1);
}

guint
nd_upstream_get_timeout (NdUpstream *self)
{
  g_return_val_if_fail (ND_IS_UPSTREAM (self), 0);
  return self->timeout;
}

guint
nd_upstream_get_n_requests (NdUpstream *self)
{
  g_return_val_if_fail (ND_IS_UPSTREAM (self), 0);
  return self->n_requests;
}

static SoupSession *
session_for (NdUpstream *self, const char *proxy)
{
  const char *key = proxy != NULL ? proxy : "";
  SoupSession *session = g_hash_table_lookup (self->sessions, key);
  g_autofree char *ua = NULL;

  if (session != NULL)
    return session;
  ua = g_strdup_printf ("newapi-desk/%s", PACKAGE_VERSION);
  /* The deadline is ours (per request), not the session's idle timeout. */
  session = soup_session_new_with_options ("user-agent", ua, "timeout", 0,
                                           "max-conns", MAX_CONNS,
                                           "max-conns-per-host", MAX_CONNS, NULL);
  if (*key != '\0')
    {
      g_autoptr(GProxyResolver) resolver = g_simple_proxy_resolver_new (key, NULL);

      soup_session_set_proxy_resolver (session, resolver);
    }
  g_hash_table_insert (self->sessions, g_strdup (key), session);
  return session;
}

/* ---- one request -------------------------------------------------------- */

typedef struct {
  guint status;
  GBytes *body;
  gint64 elapsed_ms;           /* from sending to the last byte, or to the failure */
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

typedef struct {
  SoupMessage *msg;
  GCancellable *cancel;        /* cancelled by the caller's cancellable or the deadline */
  GCancellable *parent;
  gulong parent_id;
  GSource *deadline;
  gboolean timed_out;
  guint timeout;
  GInputStream *stream;
  GByteArray *body;
  gint64 started;
  gint64 failed_ms;            /* how long a failed request took */
  char *origin;                /* scheme://host:port, for messages */
} Send;

static void
send_free (Send *s)
{
  if (s->parent_id != 0)
    g_cancellable_disconnect (s->parent, s->parent_id);
  if (s->deadline != NULL)
    {
      g_source_destroy (s->deadline);
      g_source_unref (s->deadline);
    }
  g_clear_object (&s->parent);
  g_clear_object (&s->cancel);
  g_clear_object (&s->msg);
  g_clear_object (&s->stream);
  g_clear_pointer (&s->body, g_byte_array_unref);
  g_free (s->origin);
  g_free (s);
}

static void
parent_cancelled (GCancellable *parent, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static gboolean
deadline_passed (gpointer data)
{
  Send *s = data;

  s->timed_out = TRUE;
  g_cancellable_cancel (s->cancel);
  return G_SOURCE_REMOVE;
}

static gint64
elapsed_ms (Send *s)
{
  return (g_get_monotonic_time () - s->started) / 1000;
}

static void
fail_send (GTask *task, GError *in)
{
  Send *s = g_task_get_task_data (task);
  GError *error = NULL;

  if (s->timed_out)
    g_set_error (&error, ND_ERROR, ND_ERROR_TIMEOUT,
                 _("No answer from %s within %u s"), s->origin, s->timeout);
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    error = g_error_copy (in);
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error (&error, ND_ERROR, ND_ERROR_CONNECTION,
                 _("Nothing is answering at %s (connection refused)"), s->origin);
  else if (in->domain == G_RESOLVER_ERROR)
    g_set_error (&error, ND_ERROR, ND_ERROR_CONNECTION,
                 _("The host name of %s could not be resolved: %s"), s->origin, in->message);
  else if (in->domain == G_TLS_ERROR)
    g_set_error (&error, ND_ERROR, ND_ERROR_TLS,
                 _("The secure connection to %s failed: %s"), s->origin, in->message);
  else if (in->domain == ND_ERROR)
    error = g_error_copy (in);
  else
    g_set_error (&error, ND_ERROR, ND_ERROR_CONNECTION, _("Cannot reach %s: %s"), s->origin,
                 in->message);
  /* How long it took still counts for a test that failed. */
  s->failed_ms = elapsed_ms (s);
  g_task_return_error (task, error);
}

static void read_more (GTask *task);

static void
read_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Send *s = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  Reply *reply;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    return fail_send (task, error);
  if (g_bytes_get_size (chunk) > 0)
    {
      if (s->body->len + g_bytes_get_size (chunk) > ND_UPSTREAM_MAX_REPLY)
        {
          g_set_error (&error, ND_ERROR, ND_ERROR_PROTOCOL,
                       _("The reply from %s is larger than %d MB"), s->origin,
                       ND_UPSTREAM_MAX_REPLY / (1024 * 1024));
          return fail_send (task, error);
        }
      g_byte_array_append (s->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      return read_more (g_steal_pointer (&task));
    }
  reply = g_new0 (Reply, 1);
  reply->status = soup_message_get_status (s->msg);
  reply->elapsed_ms = elapsed_ms (s);
  reply->body = g_byte_array_free_to_bytes (g_steal_pointer (&s->body));
  g_task_return_pointer (task, reply, (GDestroyNotify) reply_free);
}

static void
read_more (GTask *task)
{
  Send *s = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (s->stream, READ_CHUNK, G_PRIORITY_DEFAULT, s->cancel,
                                   read_done, task);
}

static void
sent (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Send *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  s->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (s->stream == NULL)
    {
      fail_send (task, error);
      g_object_unref (task);
      return;
    }
  read_more (task);
}

static void
send_async (NdUpstream *self, const NdUpstreamRequest *req, const char *proxy,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GUri) uri = g_uri_parse (req->url, G_URI_FLAGS_ENCODED, NULL);
  SoupMessageHeaders *headers;
  Send *s;

  if (uri == NULL)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_INVALID_INPUT,
                               _("The upstream address cannot be used"));
      g_object_unref (task);
      return;
    }
  s = g_new0 (Send, 1);
  s->msg = soup_message_new_from_uri (req->method, uri);
  s->origin = g_uri_get_port (uri) > 0
    ? g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri),
                       g_uri_get_port (uri))
    : g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), g_uri_get_host (uri));
  s->cancel = g_cancellable_new ();
  s->body = g_byte_array_new ();
  s->timeout = self->timeout;
  g_task_set_task_data (task, s, (GDestroyNotify) send_free);

  /* Never carry the key to wherever a redirect points. */
  soup_message_add_flags (s->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (s->msg);
  for (guint i = 0; i + 1 < req->headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (req->headers, i),
                                  g_ptr_array_index (req->headers, i + 1));
  if (req->body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (req->body, strlen (req->body));

      soup_message_set_request_body_from_bytes (s->msg, "application/json", body);
    }
  if (cancellable != NULL)
    {
      s->parent = g_object_ref (cancellable);
      s->parent_id = g_cancellable_connect (cancellable, G_CALLBACK (parent_cancelled),
                                            s->cancel, NULL);
    }
  s->deadline = g_timeout_source_new (self->timeout * 1000);
  g_source_set_callback (s->deadline, deadline_passed, s, NULL);
  g_source_attach (s->deadline, g_main_context_get_thread_default ());
  s->started = g_get_monotonic_time ();
  self->n_requests++;
  soup_session_send_async (session_for (self, proxy), s->msg, G_PRIORITY_DEFAULT, s->cancel,
                           sent, task);
}

static Reply *
send_finish (NdUpstream *self, GAsyncResult *result, gint64 *elapsed, GError **error)
{
  Send *s = g_task_get_task_data (G_TASK (result));
  Reply *reply = g_task_propagate_pointer (G_TASK (result), error);

  *elapsed = reply != NULL ? reply->elapsed_ms : s->failed_ms;
  return reply;
}

/* ---- the operations ----------------------------------------------------- */

typedef enum { OP_TEST, OP_MODELS, OP_BALANCE } OpKind;

typedef struct {
  OpKind kind;
  NdUpstreamTarget *target;
  char *base;
  char *model;                 /* the chat test's model; NULL: the model list */
  char *upstream_model;        /* after model_mapping */
  GPtrArray *ids;
  char *page_token;            /* Gemini's next page */
  guint pages;
  gint64 elapsed_ms;
  NdBalanceKind balance;
  gboolean usage_step;
  gboolean has_payment_method;
  double hard_limit;
} Op;

static void
op_free (Op *op)
{
  nd_upstream_target_free (op->target);
  g_free (op->base);
  g_free (op->model);
  g_free (op->upstream_model);
  g_free (op->page_token);
  g_clear_pointer (&op->ids, g_ptr_array_unref);
  g_free (op);
}

static GTask *
op_new (NdUpstream *self, OpKind kind, NdUpstreamTarget *target, GCancellable *cancellable,
        GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, tag);
  op->kind = kind;
  op->target = target;
  op->ids = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  return task;
}

static void
return_test (GTask *task, gboolean ok, char *message)
{
  Op *op = g_task_get_task_data (task);
  NdChannelTest *test = g_new0 (NdChannelTest, 1);

  test->ok = ok;
  test->latency_ms = op->elapsed_ms;
  test->model = g_strdup (op->model);
  test->message = message;
  g_task_return_pointer (task, test, (GDestroyNotify) nd_channel_test_free);
}

static void request_step (GTask *task);

/* A call that could not complete: for a test, a failed result that says
 * why; otherwise the error itself. */
static void
step_failed (GTask *task, GError *error)
{
  Op *op = g_task_get_task_data (task);

  if (op->kind == OP_TEST && !nd_error_is_cancelled (error))
    {
      char *message = nd_upstream_scrub (error->message, op->target->key);

      g_error_free (error);
      return return_test (task, FALSE, message);
    }
  g_task_return_error (task, error);
}

static void
models_page (GTask *task, Reply *reply)
{
  Op *op = g_task_get_task_data (task);
  g_autofree char *next = NULL;
  GError *error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (reply->body, &len);

  if (!nd_upstream_parse_models (op->target->type, data, len, op->ids, &next, &error))
    return step_failed (task, error);
  if (next != NULL && ++op->pages < MAX_MODEL_PAGES)
    {
      g_free (op->page_token);
      op->page_token = g_steal_pointer (&next);
      return request_step (g_object_ref (task));
    }
  if (op->kind == OP_TEST)
    return return_test (task, TRUE, NULL);
  g_ptr_array_add (op->ids, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&op->ids), FALSE),
                         (GDestroyNotify) g_strfreev);
}

static void
balance_reply (GTask *task, Reply *reply)
{
  Op *op = g_task_get_task_data (task);
  NdChannelBalance *balance;
  GError *error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (reply->body, &len);
  double value = NAN;

  if (op->balance == ND_BALANCE_OPENAI && !op->usage_step)
    {
      if (!nd_upstream_parse_subscription (data, len, &op->hard_limit, &op->has_payment_method,
                                           &error))
        return g_task_return_error (task, error);
      op->usage_step = TRUE;
      return request_step (g_object_ref (task));
    }
  if (!nd_upstream_parse_balance (op->balance, data, len, op->hard_limit, op->target->price,
                                  &value, &error))
    return g_task_return_error (task, error);
  balance = g_new0 (NdChannelBalance, 1);
  balance->balance = value;
  balance->updated_time = nd_time_now ();
  g_task_return_pointer (task, balance, (GDestroyNotify) nd_channel_balance_free);
}

static void
step_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Reply *reply;
  gint64 ms = 0;

  reply = send_finish (ND_UPSTREAM (object), result, &ms, &error);
  op->elapsed_ms += ms;
  if (reply == NULL)
    return step_failed (task, g_steal_pointer (&error));
  if (reply->status != SOUP_STATUS_OK)
    {
      gsize len;
      const char *data = g_bytes_get_data (reply->body, &len);
      char *text = nd_upstream_error_text (reply->status, data, len, op->target->key);

      reply_free (reply);
      if (op->kind == OP_TEST)
        return return_test (task, FALSE, text);
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_SERVER, "%s", text);
      g_free (text);
      return;
    }
  if (op->kind == OP_TEST && op->model != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (reply->body, &len);
      char *why = NULL;
      gboolean ok = nd_upstream_check_chat (op->target->type, data, len, op->target->key, &why);

      reply_free (reply);
      return return_test (task, ok, why);
    }
  if (op->kind == OP_BALANCE)
    balance_reply (task, reply);
  else
    models_page (task, reply);
  reply_free (reply);
}

static void
request_step (GTask *task)
{
  NdUpstream *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(NdUpstreamRequest) req = NULL;
  GError *error = NULL;

  if (op->kind == OP_BALANCE && op->usage_step)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      req = nd_upstream_usage_request (op->target, op->base, op->has_payment_method, now);
    }
  else if (op->kind == OP_BALANCE)
    req = nd_upstream_balance_request (op->target, op->base, op->balance);
  else if (op->model != NULL)
    req = nd_upstream_chat_request (op->target, op->base, op->upstream_model, &error);
  else
    req = nd_upstream_models_request (op->target, op->base, op->page_token, &error);
  if (req == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  send_async (self, req, op->target->proxy, g_task_get_cancellable (task), step_done, task);
}

/* Starts @kind on @target (taken): what cannot be probed fails at once. */
static void
op_start (NdUpstream *self, OpKind kind, NdUpstreamTarget *target, const char *model,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
          gpointer tag)
{
  GTask *task = op_new (self, kind, target, cancellable, callback, user_data, tag);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean needs_base = kind != OP_BALANCE;

  if (kind == OP_BALANCE && !nd_upstream_balance_kind (target, &op->balance, &error))
    needs_base = FALSE;
  else if (kind == OP_BALANCE)
    /* The others ask their provider's fixed address. */
    needs_base = op->balance == ND_BALANCE_OPENAI;
  if (needs_base)
    op->base = nd_upstream_resolve_base (target, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (model != NULL)
    {
      op->model = nd_upstream_test_model (target, model);
      op->upstream_model = nd_upstream_map_model (target, op->model);
    }
  request_step (task);
}

void
nd_upstream_test_async (NdUpstream *self, NdUpstreamTarget *target, const char *model,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  op_start (self, OP_TEST, target, model, cancellable, callback, user_data,
            nd_upstream_test_async);
}

NdChannelTest *
nd_upstream_test_finish (NdUpstream *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_upstream_models_async (NdUpstream *self, NdUpstreamTarget *target, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  op_start (self, OP_MODELS, target, NULL, cancellable, callback, user_data,
            nd_upstream_models_async);
}

GStrv
nd_upstream_models_finish (NdUpstream *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_upstream_balance_async (NdUpstream *self, NdUpstreamTarget *target, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  op_start (self, OP_BALANCE, target, NULL, cancellable, callback, user_data,
            nd_upstream_balance_async);
}

NdChannelBalance *
nd_upstream_balance_finish (NdUpstream *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

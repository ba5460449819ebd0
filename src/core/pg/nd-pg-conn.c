/* nd-pg-conn.c — libpq on a worker thread, with PQcancel for GCancellable
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-secure-string.h"
#include "nd-error.h"
#include "nd-pg-conn.h"
#include "nd-worker.h"

/* What the worker needs to open and guard the connection. Owned by the
 * NdWorker, which may outlive the object while a query finishes. */
typedef struct {
  gatomicrefcount ref_count;
  char *conninfo;
  char *password;
  gboolean read_only;
  GMutex lock;
  PGcancel *cancel;          /* protected by lock */
  /* Every job gets a number; a cancel names the job it is meant for, and
   * the worker does not start the next job while a cancel for the current
   * one is being sent (both under lock). So a late cancel can never land
   * on the next query. */
  guint job;                 /* changed under lock, read atomically; 0 between jobs */
  guint last_job;            /* worker thread only */
  GCancellable *current;     /* worker thread only */
  gulong handler;            /* worker thread only */
} ConnState;

/* A cancel on its way to one job. */
typedef struct {
  ConnState *st;
  guint job;
} CancelRequest;

struct _NdPgConn
{
  GObject parent_instance;

  ConnState *state;
  NdWorker *worker;
};

G_DEFINE_FINAL_TYPE (NdPgConn, nd_pg_conn, G_TYPE_OBJECT)

static ConnState *
conn_state_ref (ConnState *st)
{
  g_atomic_ref_count_inc (&st->ref_count);
  return st;
}

static void
conn_state_unref (gpointer data)
{
  ConnState *st = data;

  if (!g_atomic_ref_count_dec (&st->ref_count))
    return;
  g_clear_pointer (&st->cancel, PQfreeCancel);
  g_mutex_clear (&st->lock);
  g_free (st->conninfo);
  nd_secure_free (st->password);
  g_free (st);
}

/* libpq reports connection failures only as text; classify the common ones
 * so the user is told which of host, password or database is wrong. */
void
nd_pg_set_conn_error (PGconn *pg, GError **error)
{
  const char *raw = pg ? PQerrorMessage (pg) : "";
  g_autofree char *msg = g_strstrip (g_strdup (raw ? raw : ""));
  g_autofree char *lower = g_ascii_strdown (msg, -1);
  const char *host = pg ? PQhost (pg) : NULL;
  const char *port = pg ? PQport (pg) : NULL;
  const char *db = pg ? PQdb (pg) : NULL;
  const char *user = pg ? PQuser (pg) : NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *redacted = NULL;

  /* Keep only the last line: libpq prefixes "connection to server at … failed:" */
  if (strstr (lower, "password authentication failed") != NULL ||
      strstr (lower, "no password supplied") != NULL ||
      (pg != NULL && PQconnectionNeedsPassword (pg)))
    g_set_error (&local, ND_ERROR, ND_ERROR_AUTH,
                 _("PostgreSQL refused the password for user “%s”. Check the password in the profile."),
                 user ? user : "");
  else if (strstr (lower, "role \"") != NULL && strstr (lower, "does not exist") != NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_AUTH,
                 _("PostgreSQL has no user “%s”."), user ? user : "");
  else if (strstr (lower, "database \"") != NULL && strstr (lower, "does not exist") != NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_NOT_FOUND,
                 _("The server has no database “%s”."), db ? db : "");
  else if (strstr (lower, "timeout expired") != NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_TIMEOUT,
                 _("The PostgreSQL server at %s did not answer in time."), host ? host : "localhost");
  else if (strstr (lower, "ssl") != NULL && strstr (lower, "certificate") != NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_TLS,
                 _("The server’s TLS certificate was not accepted: %s"), msg);
  else if (strstr (lower, "could not translate host name") != NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_CONNECTION,
                 _("The host name “%s” could not be found."), host ? host : "");
  else if (strstr (lower, "connection refused") != NULL ||
           strstr (lower, "no such file or directory") != NULL ||
           strstr (lower, "could not connect") != NULL ||
           strstr (lower, "network is unreachable") != NULL ||
           strstr (lower, "no route to host") != NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_CONNECTION,
                 _("No PostgreSQL server is answering at %s, port %s. Is it running, and is the address right?"),
                 host && *host ? host : "localhost", port && *port ? port : "5432");
  else if (strstr (lower, "server closed the connection") != NULL ||
           strstr (lower, "terminating connection") != NULL ||
           strstr (lower, "no connection to the server") != NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_CONNECTION,
                 _("The connection to PostgreSQL was lost: %s"), msg);
  else
    g_set_error (&local, ND_ERROR, ND_ERROR_CONNECTION,
                 _("Could not connect to PostgreSQL: %s"), msg);

  /* libpq does not quote passwords, but a password with an unencoded "@"
   * ends up in the host name; nothing secret may reach a message. */
  redacted = nd_pg_redact (pg, local->message);
  g_set_error_literal (error, local->domain, local->code, redacted);
}

static char *
merged_options (const char *conninfo, gboolean read_only)
{
  g_autofree char *existing = nd_pg_dsn_get (conninfo, "options");
  GString *s = g_string_new (existing ? existing : "");

  /* The session itself refuses writes, so no code path can forget. */
  if (read_only)
    g_string_append (s, s->len ? " -c default_transaction_read_only=on"
                               : "-c default_transaction_read_only=on");
  return g_string_free (s, FALSE);
}

static void
refresh_cancel (ConnState *st, PGconn *pg)
{
  g_mutex_lock (&st->lock);
  g_clear_pointer (&st->cancel, PQfreeCancel);
  st->cancel = pg ? PQgetCancel (pg) : NULL;
  g_mutex_unlock (&st->lock);
}

static gpointer
conn_open (gpointer user_data, GError **error)
{
  ConnState *st = user_data;
  g_autofree char *options = merged_options (st->conninfo, st->read_only);
  g_autofree char *timeout = nd_pg_dsn_get (st->conninfo, "connect_timeout");
  const char *keys[8];
  const char *values[8];
  int n = 0;
  PGconn *pg;

  /* libpq's own parse error would quote the string, password and all. */
  if (!nd_pg_dsn_validate (st->conninfo, error))
    return NULL;
  keys[n] = "dbname"; values[n++] = st->conninfo;
  keys[n] = "application_name"; values[n++] = "NewAPI Desk";
  keys[n] = "client_encoding"; values[n++] = "UTF8";
  keys[n] = "options"; values[n++] = options;
  if (timeout == NULL)
    {
      keys[n] = "connect_timeout"; values[n++] = "10";
    }
  if (st->password != NULL && *st->password != '\0')
    {
      keys[n] = "password"; values[n++] = st->password;
    }
  keys[n] = NULL; values[n] = NULL;

  pg = PQconnectdbParams (keys, values, 1);
  if (pg == NULL || PQstatus (pg) != CONNECTION_OK)
    {
      nd_pg_set_conn_error (pg, error);
      if (pg != NULL)
        PQfinish (pg);
      return NULL;
    }
  refresh_cancel (st, pg);
  return pg;
}

/* Reconnect quietly after a lost connection; a job fails only if the
 * server is still unreachable now. */
static gboolean
conn_check (gpointer handle, gpointer user_data)
{
  PGconn *pg = handle;

  if (PQstatus (pg) == CONNECTION_OK)
    return TRUE;
  PQreset (pg);
  if (PQstatus (pg) != CONNECTION_OK)
    return FALSE;
  refresh_cancel (user_data, pg);
  return TRUE;
}

static CancelRequest *
cancel_request_new (ConnState *st, guint job)
{
  CancelRequest *req = g_new0 (CancelRequest, 1);

  req->st = conn_state_ref (st);
  req->job = job;
  return req;
}

static void
cancel_request_free (gpointer data)
{
  CancelRequest *req = data;

  conn_state_unref (req->st);
  g_free (req);
}

static void
send_cancel (gpointer data, gpointer unused)
{
  CancelRequest *req = data;
  ConnState *st = req->st;
  char errbuf[256];

  /* Held while the request travels: the worker cannot start the next job
   * (conn_after waits for the lock) until the server has the cancel. One
   * that arrives after the job ended finds the session idle and is ignored
   * by the server. */
  g_mutex_lock (&st->lock);
  if (st->cancel != NULL && (guint) g_atomic_int_get (&st->job) == req->job)
    PQcancel (st->cancel, errbuf, sizeof errbuf);
  g_mutex_unlock (&st->lock);
  cancel_request_free (req);
}

/* PQcancel opens a new connection to the server and has no timeout of its
 * own, so it goes to a small pool: a dead link must not freeze the window. */
static void
request_cancel (ConnState *st, guint job)
{
  static GThreadPool *pool;

  if (job == 0)
    return;
  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (send_cancel, NULL, 2, FALSE, NULL));
  g_thread_pool_push (pool, cancel_request_new (st, job), NULL);
}

/* Runs in whichever thread cancels, usually the main loop. */
static void
on_cancelled (GCancellable *cancellable, CancelRequest *req)
{
  request_cancel (req->st, req->job);
}

static void
conn_before (gpointer handle, GCancellable *cancellable, gpointer user_data)
{
  ConnState *st = user_data;
  guint job;

  /* 0 means "no job": skipped when the count wraps. */
  if (++st->last_job == 0)
    st->last_job = 1;
  job = st->last_job;
  g_mutex_lock (&st->lock);
  g_atomic_int_set (&st->job, job);
  g_mutex_unlock (&st->lock);
  if (cancellable == NULL)
    return;
  st->current = g_object_ref (cancellable);
  st->handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                       cancel_request_new (st, job), cancel_request_free);
}

static void
conn_after (gpointer handle, gpointer user_data)
{
  ConnState *st = user_data;
  PGconn *pg = handle;

  if (st->current != NULL)
    {
      g_cancellable_disconnect (st->current, st->handler);
      g_clear_object (&st->current);
      st->handler = 0;
    }
  g_mutex_lock (&st->lock);
  g_atomic_int_set (&st->job, 0);
  g_mutex_unlock (&st->lock);
  /* A job may leave a failed transaction behind after an error. */
  if (PQstatus (pg) == CONNECTION_OK && PQtransactionStatus (pg) == PQTRANS_INERROR)
    PQclear (PQexec (pg, "ROLLBACK"));
}

static void
conn_close (gpointer handle, gpointer user_data)
{
  refresh_cancel (user_data, NULL);
  PQfinish (handle);
}

static const NdWorkerFuncs conn_funcs = {
  .open = conn_open,
  .check = conn_check,
  .before = conn_before,
  .after = conn_after,
  .close = conn_close,
};

static void
nd_pg_conn_dispose (GObject *object)
{
  NdPgConn *self = ND_PG_CONN (object);

  if (self->worker != NULL)
    nd_pg_conn_shutdown (self);
  G_OBJECT_CLASS (nd_pg_conn_parent_class)->dispose (object);
}

static void
nd_pg_conn_finalize (GObject *object)
{
  NdPgConn *self = ND_PG_CONN (object);

  g_clear_pointer (&self->worker, nd_worker_free);
  g_clear_pointer (&self->state, conn_state_unref);
  G_OBJECT_CLASS (nd_pg_conn_parent_class)->finalize (object);
}

static void
nd_pg_conn_class_init (NdPgConnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_pg_conn_dispose;
  object_class->finalize = nd_pg_conn_finalize;
}

static void
nd_pg_conn_init (NdPgConn *self)
{
}

NdPgConn *
nd_pg_conn_new (const char *conninfo, const char *password, gboolean read_only)
{
  NdPgConn *self = g_object_new (ND_TYPE_PG_CONN, NULL);
  ConnState *st = g_new0 (ConnState, 1);

  g_atomic_ref_count_init (&st->ref_count);
  st->conninfo = g_strdup (conninfo ? conninfo : "");
  st->password = g_strdup (password);
  st->read_only = read_only;
  g_mutex_init (&st->lock);
  self->state = st;
  self->worker = nd_worker_new ("nd-pg", &conn_funcs, conn_state_ref (st), conn_state_unref);
  return self;
}

gboolean
nd_pg_conn_get_read_only (NdPgConn *self)
{
  g_return_val_if_fail (ND_IS_PG_CONN (self), TRUE);
  return self->state->read_only;
}

void
nd_pg_conn_run (NdPgConn *self, GTask *task, NdPgJobFunc func,
                gpointer job_data, GDestroyNotify job_data_free)
{
  g_return_if_fail (ND_IS_PG_CONN (self));

  nd_worker_run (self->worker, task, (NdWorkerJobFunc) func, job_data, job_data_free);
}

void
nd_pg_conn_shutdown (NdPgConn *self)
{
  g_return_if_fail (ND_IS_PG_CONN (self));

  if (nd_worker_is_shut_down (self->worker))
    return;
  /* Stop the query running now (off this thread), let queued jobs fail as
   * cancelled, and let the worker close the connection on its own. */
  /* Read without the lock: a cancel may hold it while it travels to a
   * server that does not answer, and this runs on the main loop. */
  request_cancel (self->state, g_atomic_int_get (&self->state->job));
  nd_worker_shutdown (self->worker, TRUE);
}

gboolean
nd_pg_check_result (PGconn *pg, PGresult *res, GCancellable *cancellable, GError **error)
{
  ExecStatusType status = res ? PQresultStatus (res) : PGRES_FATAL_ERROR;
  const char *state, *primary;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ||
      status == PGRES_COPY_OUT || status == PGRES_COPY_IN || status == PGRES_SINGLE_TUPLE)
    return TRUE;

  if (res == NULL || PQstatus (pg) != CONNECTION_OK)
    {
      if (g_cancellable_is_cancelled (cancellable))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The operation was cancelled"));
      else
        nd_pg_set_conn_error (pg, error);
      return FALSE;
    }

  state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
  primary = PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY);
  if (primary == NULL)
    primary = PQresultErrorMessage (res);
  if (state == NULL)
    state = "";

  if (g_str_equal (state, "57014") && g_cancellable_is_cancelled (cancellable))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The operation was cancelled"));
  else if (g_str_equal (state, "57014"))
    g_set_error (error, ND_ERROR, ND_ERROR_TIMEOUT, _("The query took too long: %s"), primary);
  else if (g_str_equal (state, "25006"))
    g_set_error (error, ND_ERROR, ND_ERROR_READ_ONLY,
                 _("This profile is read-only: PostgreSQL refused the change (%s)."), primary);
  else if (g_str_equal (state, "42501"))
    g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                 _("The database user may not do this: %s"), primary);
  else if (g_str_equal (state, "42P01") || g_str_equal (state, "42703"))
    g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                 _("The database does not look like NewAPI’s: %s"), primary);
  else if (g_str_has_prefix (state, "23"))
    g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT, "%s", primary);
  else if (g_str_has_prefix (state, "08"))
    g_set_error (error, ND_ERROR, ND_ERROR_CONNECTION,
                 _("The connection to PostgreSQL was lost: %s"), primary);
  else
    g_set_error (error, ND_ERROR, ND_ERROR_SERVER, "%s", primary);
  return FALSE;
}

PGresult *
nd_pg_exec (PGconn *pg, const char *sql, int n_params, const char * const *params,
            GCancellable *cancellable, GError **error)
{
  PGresult *res;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* Text parameters always: no value is ever spliced into SQL. */
  res = PQexecParams (pg, sql, n_params, NULL, params, NULL, NULL, 0);
  if (!nd_pg_check_result (pg, res, cancellable, error))
    {
      if (res != NULL)
        PQclear (res);
      return NULL;
    }
  return res;
}

gint64
nd_pg_int64 (const PGresult *res, int row, int col)
{
  const char *text;
  const char *p;
  guint64 v = 0;

  if (col < 0 || PQgetisnull (res, row, col))
    return 0;
  /* PostgreSQL writes integers as plain digits; parsed here by hand, since
   * strtoll's generality cost a twentieth of an export. Anything else (or
   * too long to be sure of no overflow) takes the general path. */
  text = PQgetvalue (res, row, col);
  p = text[0] == '-' ? text + 1 : text;
  for (int i = 0; p[i] != '\0'; i++)
    {
      if (p[i] < '0' || p[i] > '9' || i >= 18)
        return g_ascii_strtoll (text, NULL, 10);
      v = v * 10 + (guint64) (p[i] - '0');
    }
  return text[0] == '-' ? -(gint64) v : (gint64) v;
}

double
nd_pg_double (const PGresult *res, int row, int col)
{
  if (col < 0 || PQgetisnull (res, row, col))
    return 0;
  return g_ascii_strtod (PQgetvalue (res, row, col), NULL);
}

gboolean
nd_pg_bool (const PGresult *res, int row, int col)
{
  if (col < 0 || PQgetisnull (res, row, col))
    return FALSE;
  return PQgetvalue (res, row, col)[0] == 't';
}

char *
nd_pg_strdup (const PGresult *res, int row, int col)
{
  if (col < 0 || PQgetisnull (res, row, col))
    return NULL;
  return g_strdup (PQgetvalue (res, row, col));
}

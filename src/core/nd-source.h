/* nd-source.h — the one data API every page and command uses
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call is async. Implementations complete each call with a GTask whose
 * source object is the NdSource and whose result is what the matching
 * _finish() documents, so the _finish() functions live here, once.
 * A vfunc left NULL makes the call fail with ND_ERROR_UNSUPPORTED; pages
 * check NdServerInfo capabilities first and explain what is missing.
 */
#pragma once

#include <gio/gio.h>

#include "facts/nd-facts-types.h"
#include "nd-error.h"
#include "logs/nd-log-query.h"
#include "nd-model-catalog.h"
#include "nd-records.h"
#include "nd-server-info.h"
#include "nd-write.h"

G_BEGIN_DECLS

/* A page of logs, newest first for query_logs, oldest first for tail_logs. */
typedef struct {
  GPtrArray *rows;          /* (element-type NdLog) */
  gboolean has_more;
  NdLogCursor next;         /* keyset position after the last row */
} NdLogPage;

NdLogPage *nd_log_page_new  (void);
void       nd_log_page_free (NdLogPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdLogPage, nd_log_page_free)

typedef struct {
  gint64 rows;              /* estimated or exact number of matching rows */
  gboolean exact;
} NdLogEstimate;

typedef struct {
  gint64 quota;             /* sum over consume rows of the filter */
  gint64 prompt_tokens;     /* -1 when the source cannot tell (HTTP) */
  gint64 completion_tokens; /* -1 likewise */
  gint64 requests;          /* consume + error rows */
} NdLogTotals;

/* Called for each batch while exporting; may run in a worker thread, never
 * concurrently. Return FALSE with @error set to stop the export. */
typedef gboolean (*NdLogBatchFunc) (GPtrArray *rows, gpointer user_data, GError **error);

/* Soft-deleted rows in a list (users: NewAPI keeps them with deleted_at). */
typedef enum {
  ND_LIST_DELETED_INCLUDE = 0,  /* live and deleted, marked (NewAPI's admin user list) */
  ND_LIST_DELETED_EXCLUDE,      /* live rows only */
  ND_LIST_DELETED_ONLY,         /* deleted rows only (NewAPI's user search, status -1) */
} NdListDeleted;

typedef struct {
  guint offset;
  guint limit;
  char *search;             /* free text, matched as the source's list endpoints do */
  char *sort_by;            /* a column name from a fixed list, or NULL */
  gboolean descending;
  int status;               /* 0 = all */
  gint64 user_id;           /* tokens: only this owner's (0 = every token the source lists) */
  /* Exact group, NULL = any. Tokens: "" is the owner's group; users: ""
   * is any too. */
  char *group;
  /* list_users only; zero values filter nothing. Users search username,
   * display name and email (and the id, exactly) and sort by "id",
   * "username", "quota", "used_quota", "request_count", "created_at" or
   * "last_login_at"; without ND_CAP_USERS_ANY_QUERY (NewAPI's API) not by
   * used_quota or request_count, and ND_LIST_DELETED_EXCLUDE needs a
   * status there (ND_ERROR_UNSUPPORTED otherwise). */
  int role;                 /* 1, 10 or 100; 0 = all */
  NdListDeleted deleted;
} NdListQuery;

typedef struct {
  GPtrArray *items;         /* element type depends on the call */
  gint64 total;             /* -1 when unknown */
} NdListPage;

void        nd_list_page_free (NdListPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdListPage, nd_list_page_free)

/* One health check of one channel (nd_source_test_channel_async). The call
 * succeeds whenever the test ran, whether the upstream worked or not; it
 * fails (GError) when the test could not be run at all: no connection, no
 * permission, no such channel, a read-only profile where testing records. */
typedef struct {
  gboolean ok;              /* the upstream answered as a working channel does */
  gint64 latency_ms;        /* how long the test request took; -1 when not known */
  char *model;              /* the model the caller asked for; NULL: the source's choice */
  char *message;            /* why it failed, as the upstream or NewAPI said it (keys
                             * masked with nd_mask_text); NULL when ok */
  char *error_code;         /* NewAPI's error_code for the failure, or NULL */
  gboolean recorded;        /* test_time and response_time were stored with it (over
                             * HTTP NewAPI stores them itself, on success only) */
} NdChannelTest;

void nd_channel_test_free (NdChannelTest *test);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdChannelTest, nd_channel_test_free)

/* A channel's upstream balance, read just now (nd_source_update_balance_async). */
typedef struct {
  double balance;           /* USD, as NewAPI stores it; NAN when the upstream's answer
                             * held no number NewAPI could read (see raw_response) */
  gint64 updated_time;      /* unix s when it was read */
  char *raw_response;       /* the upstream's own answer when it was not a number
                             * (keys masked); NULL otherwise */
  gboolean recorded;        /* balance and balance_updated_time were stored */
} NdChannelBalance;

void nd_channel_balance_free (NdChannelBalance *balance);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdChannelBalance, nd_channel_balance_free)

typedef enum {
  ND_SUGGEST_USERNAME,
  ND_SUGGEST_TOKEN_NAME,
  ND_SUGGEST_MODEL,
  ND_SUGGEST_GROUP,
} NdSuggestKind;

#define ND_TYPE_SOURCE (nd_source_get_type ())
G_DECLARE_DERIVABLE_TYPE (NdSource, nd_source, ND, SOURCE, GObject)

struct _NdSourceClass
{
  GObjectClass parent_class;

  /* → NdServerInfo* */
  void (*probe_async)          (NdSource *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdLogPage*: rows after @after (NULL = newest) in (created_at, id) DESC order.
   * A source that filters rows itself (HTTP, token_id) may stop early: fewer
   * than @limit rows, even none, with has_more; go on from next. */
  void (*query_logs_async)     (NdSource *self, const NdLogQuery *query, const NdLogCursor *after,
                                guint limit, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdLogPage*: rows with id > @after_id matching @query, ascending id; next.id = -1 means rows were skipped (gap): reload */
  void (*tail_logs_async)      (NdSource *self, const NdLogQuery *query, gint64 after_id,
                                guint limit, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdLogEstimate* (g_free) */
  void (*estimate_logs_async)  (NdSource *self, const NdLogQuery *query, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdLogTotals* (g_free) */
  void (*log_totals_async)     (NdSource *self, const NdLogQuery *query, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → gint64 rows written (boxed as g_task_return_int) */
  void (*export_logs_async)    (NdSource *self, const NdLogQuery *query,
                                NdLogBatchFunc func, gpointer func_data,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → GPtrArray* (element-type NdChannel), every channel (names for logs, charts) */
  void (*list_channels_async)  (NdSource *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdListPage* of NdUser / NdToken / NdRedemption / NdModel */
  void (*list_users_async)     (NdSource *self, const NdListQuery *query, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  void (*list_tokens_async)    (NdSource *self, const NdListQuery *query, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  void (*list_redemptions_async) (NdSource *self, const NdListQuery *query, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
  void (*list_models_async)    (NdSource *self, const NdListQuery *query, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → GStrv */
  void (*list_groups_async)    (NdSource *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  void (*suggest_async)        (NdSource *self, NdSuggestKind kind, const char *prefix, guint limit,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);

  /* Facts (hourly aggregates) are pulled by NdFacts; see nd-facts.h. */
  /* → NdFactsBatch*; the request is only valid during the call */
  void (*pull_facts_async)     (NdSource *self, const NdFactsRequest *request,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);

  /* → NdWriteResult*. Only called with a validated request on a writable
   * source (nd_source_write_async checks both); see nd-write.h. */
  void (*write_async)          (NdSource *self, const NdWrite *write, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdChannel* with the detail fields (nd-records.h), never the key */
  void (*get_channel_async)    (NdSource *self, gint64 id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);

  /* Health checks (reference §2.6a, §3.6). A source records the result
   * where NewAPI would, and refuses a call that would record on a
   * read-only profile (ND_ERROR_READ_ONLY) unless it can run it without
   * recording. */
  /* → NdChannelTest*. @model: NULL for the channel's test model. */
  void (*test_channel_async)   (NdSource *self, gint64 id, const char *model,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdChannelBalance* */
  void (*update_balance_async) (NdSource *self, gint64 id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → GStrv: the model ids the channel's upstream offers, in its order;
   * reads only, allowed on a read-only profile */
  void (*fetch_models_async)   (NdSource *self, gint64 id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);

  /* → NdModelCatalog* (nd-model-catalog.h): every model a channel offers,
   * the channels and groups behind it, the price options, the groups */
  void (*model_catalog_async)  (NdSource *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  /* → NdUser* with the detail fields (nd-records.h), soft-deleted users
   * too; never the password hash, the access token or an OAuth id */
  void (*get_user_async)       (NdSource *self, gint64 id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);

  /* Secrets, on explicit request only (a page's "Reveal", a command's
   * --show-keys). Reads, allowed on a read-only profile, never logged; the
   * records of the list calls carry only masked forms. */
  /* → char* (free with nd_secure_free): the token's key in full, without
   * "sk-". Over NewAPI's API only the connected account's own tokens. */
  void (*reveal_token_key_async)       (NdSource *self, gint64 id, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  /* → GHashTable* (gint64* id → char* code, codes wiped when removed) of
   * the codes among @ids that exist; unknown or deleted ids are absent. */
  void (*reveal_redemption_keys_async) (NdSource *self, const gint64 *ids, guint n_ids,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);

  gpointer padding[3];
};

NdServerInfo *nd_source_get_info (NdSource *self);
void          nd_source_set_info (NdSource *self, NdServerInfo *info);
const char   *nd_source_get_name (NdSource *self);
void          nd_source_close    (NdSource *self);

void          nd_source_probe_async   (NdSource *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
NdServerInfo *nd_source_probe_finish  (NdSource *self, GAsyncResult *result, GError **error);

void          nd_source_query_logs_async   (NdSource *self, const NdLogQuery *query,
                                            const NdLogCursor *after, guint limit,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
NdLogPage    *nd_source_query_logs_finish  (NdSource *self, GAsyncResult *result, GError **error);
void          nd_source_tail_logs_async    (NdSource *self, const NdLogQuery *query, gint64 after_id,
                                            guint limit, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
NdLogPage    *nd_source_tail_logs_finish   (NdSource *self, GAsyncResult *result, GError **error);
void          nd_source_estimate_logs_async  (NdSource *self, const NdLogQuery *query,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean      nd_source_estimate_logs_finish (NdSource *self, GAsyncResult *result,
                                              NdLogEstimate *out, GError **error);
void          nd_source_log_totals_async   (NdSource *self, const NdLogQuery *query,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean      nd_source_log_totals_finish  (NdSource *self, GAsyncResult *result,
                                            NdLogTotals *out, GError **error);
void          nd_source_export_logs_async  (NdSource *self, const NdLogQuery *query,
                                            NdLogBatchFunc func, gpointer func_data,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gint64        nd_source_export_logs_finish (NdSource *self, GAsyncResult *result, GError **error);

void          nd_source_list_channels_async  (NdSource *self, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GPtrArray    *nd_source_list_channels_finish (NdSource *self, GAsyncResult *result, GError **error);
void          nd_source_list_users_async     (NdSource *self, const NdListQuery *query,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
void          nd_source_list_tokens_async    (NdSource *self, const NdListQuery *query,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
void          nd_source_list_redemptions_async (NdSource *self, const NdListQuery *query,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
void          nd_source_list_models_async    (NdSource *self, const NdListQuery *query,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
NdListPage   *nd_source_list_finish          (NdSource *self, GAsyncResult *result, GError **error);
void          nd_source_list_groups_async    (NdSource *self, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
void          nd_source_suggest_async        (NdSource *self, NdSuggestKind kind, const char *prefix,
                                              guint limit, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GStrv         nd_source_strv_finish          (NdSource *self, GAsyncResult *result, GError **error);

void          nd_source_pull_facts_async     (NdSource *self, const NdFactsRequest *request,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
NdFactsBatch *nd_source_pull_facts_finish    (NdSource *self, GAsyncResult *result, GError **error);

/* Runs one management action (nd-write.h): validates it, refuses it on a
 * read-only profile or session before anything is sent, then lets the
 * source run it. → NdWriteResult* */
void           nd_source_write_async        (NdSource *self, const NdWrite *write,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
NdWriteResult *nd_source_write_finish       (NdSource *self, GAsyncResult *result, GError **error);
/* FALSE with ND_ERROR_READ_ONLY and a sentence saying how to allow writes
 * when this source must not write. */
gboolean       nd_source_check_writable     (NdSource *self, GError **error);

void           nd_source_get_channel_async  (NdSource *self, gint64 id, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
NdChannel     *nd_source_get_channel_finish (NdSource *self, GAsyncResult *result, GError **error);

void           nd_source_get_user_async     (NdSource *self, gint64 id, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
NdUser        *nd_source_get_user_finish    (NdSource *self, GAsyncResult *result, GError **error);

/* Health checks of one channel; see the vfuncs. */
void              nd_source_test_channel_async    (NdSource *self, gint64 id, const char *model,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback, gpointer user_data);
NdChannelTest    *nd_source_test_channel_finish   (NdSource *self, GAsyncResult *result,
                                                   GError **error);
void              nd_source_update_balance_async  (NdSource *self, gint64 id,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback, gpointer user_data);
NdChannelBalance *nd_source_update_balance_finish (NdSource *self, GAsyncResult *result,
                                                   GError **error);
void              nd_source_fetch_models_async    (NdSource *self, gint64 id,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback, gpointer user_data);
GStrv             nd_source_fetch_models_finish   (NdSource *self, GAsyncResult *result,
                                                   GError **error);

/* Models and prices; see nd-model-catalog.h. */
void            nd_source_model_catalog_async  (NdSource *self, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
NdModelCatalog *nd_source_model_catalog_finish (NdSource *self, GAsyncResult *result,
                                                GError **error);
/* Secrets on explicit request; see the vfuncs. */
void              nd_source_reveal_token_key_async        (NdSource *self, gint64 id,
                                                           GCancellable *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer user_data);
char             *nd_source_reveal_token_key_finish       (NdSource *self, GAsyncResult *result,
                                                           GError **error);
void              nd_source_reveal_redemption_keys_async  (NdSource *self, const gint64 *ids,
                                                           guint n_ids, GCancellable *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer user_data);
GHashTable       *nd_source_reveal_redemption_keys_finish (NdSource *self, GAsyncResult *result,
                                                           GError **error);
/* A table for reveal_redemption_keys: gint64* keys, codes wiped on removal. */
GHashTable       *nd_secret_table_new                     (void);

/* For implementations: fail a call this source cannot make. */
void          nd_source_report_unsupported   (NdSource *self, GAsyncReadyCallback callback,
                                              gpointer user_data, gpointer source_tag);

G_END_DECLS

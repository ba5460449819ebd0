/* nd-http-source-private.h — NdHttpSource is split by concern across files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-http-parse.h"
#include "nd-http-source.h"

G_BEGIN_DECLS

/* What the probe learned about the server's API dialect. */
typedef struct {
  gboolean legacy_pages;      /* channels/tokens: 0-based p, bare arrays (< v0.8.8.0) */
  gboolean has_request_id;    /* request_id filter (≥ v1.0.0-rc.6) */
  gboolean has_flow;          /* /api/data/flow answers */
  gboolean data_export;       /* quota_data is being written (DataExportEnabled) */
  gboolean status_api;        /* POST /api/channel/:id/status, and PUT refuses `status`
                               * (≥ v1.0.0-rc.16) */
  gboolean token_key_api;     /* token lists masked, keys via POST /api/token/:id/key
                               * (≥ v0.11.4); before, lists carry the keys */
  gboolean payment_compliance;/* code creation needs the compliance terms confirmed
                               * (≥ v1.0.0-rc.6) */
  int role;
} NdHttpDialect;

const NdHttpDialect *_nd_http_source_get_dialect (NdHttpSource *self);
/* What the log calls learned and keep for the source's life: "u:ID" → the
 * user's name (user_id filters), "t:ID" → the name of the token's owner
 * (token_id filters narrowed on the server). */
GHashTable          *_nd_http_source_get_log_names (NdHttpSource *self);

/* nd-http-source-logs.c: query/tail/estimate/totals/export logs */
void _nd_http_source_class_init_logs    (NdSourceClass *klass);
/* nd-http-source-catalog.c: channels, users, tokens, redemptions, models, groups, suggest */
void _nd_http_source_class_init_catalog (NdSourceClass *klass);
/* nd-http-source-facts.c: pull_facts */
void _nd_http_source_class_init_facts   (NdSourceClass *klass);
/* nd-http-source-write.c: write (the channel actions) */
void _nd_http_source_class_init_write   (NdSourceClass *klass);
/* nd-http-source-channel.c: get_channel, test_channel, update_balance, fetch_models */
void _nd_http_source_class_init_channel (NdSourceClass *klass);
/* nd-http-source-models.c: model_catalog */
void _nd_http_source_class_init_models  (NdSourceClass *klass);
/* nd-http-source-models.c: the price options (and SelfUseModeEnabled) out
 * of GET /api/option/'s [{key, value}]; a map NewAPI could not read stays
 * unknown. */
gboolean _nd_http_read_price_options    (JsonNode *data, NdPricing *pricing, GError **error);
/* nd-http-source-prices.c: ND_WRITE_MODEL_PRICE and ND_WRITE_GROUP_RATIO
 * (nd-http-source-write.c hands them over) */
void _nd_http_source_write_prices       (NdSource *source, const NdWrite *write,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
/* nd-http-source-users.c: get_user, and the user writes: runs @write
 * (validated, the source writable) and completes @task, which it takes. */
void _nd_http_source_class_init_users   (NdSourceClass *klass);
void _nd_http_source_write_user         (GTask *task, const NdWrite *write);

/* nd-http-source-write.c: @obj's JSON text with "@member": @secret as its
 * last member, built in one exact allocation (a growing buffer would leave
 * copies of the secret in freed memory). Free with nd_secure_free. */
char *nd_http_json_with_secret (JsonNode *obj, const char *member, const char *secret);
/* nd-http-source-tokens.c: reveal_token_key, reveal_redemption_keys, and
 * the token and code writes nd-http-source-write.c hands over: @task is
 * the write's (source tag set), it is completed with an NdWriteResult. */
void _nd_http_source_class_init_tokens (NdSourceClass *klass);
void _nd_http_source_write_tokens       (GTask *task, const NdWrite *write);

/* GET helper: the task's source object must be the NdHttpSource. */
#define nd_http_source_get(self, path, query, cancellable, cb, data) \
  nd_http_client_get_async (nd_http_source_get_client (self), (path), (query), \
                            ND_HTTP_FLAG_NONE, (cancellable), (cb), (data))

G_END_DECLS

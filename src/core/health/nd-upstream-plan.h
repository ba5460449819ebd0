/* nd-upstream-plan.h — what NewAPI sends a channel's upstream, as data
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference §2.6a, read from upstream's fetchChannelUpstreamModelIDs,
 * controller/channel-test.go and controller/channel-billing.go: the default
 * base URL of each type, the auth headers, the model-list call, the minimal
 * chat completion of a test, the balance calls, and how each reply is read.
 * Pure functions, any thread, no I/O: nd-upstream.c sends what these build,
 * and the unit tests check them without a network.
 *
 * A request built here carries the channel's key in a header value; it is
 * wiped when the request is freed. Texts taken from an upstream's reply
 * pass through nd_upstream_scrub before anyone sees them.
 */
#pragma once

#include <glib.h>

#include "nd-secure-string.h"

G_BEGIN_DECLS

/* One channel as a probe needs it: read from the database inside its
 * worker, handed to the prober, freed (key wiped) when the probe ends. */
typedef struct {
  gint64 id;
  int type;
  char *base_url;          /* as stored; NULL or "" means the type's default */
  NdSecret *key;           /* the key NewAPI would use first; wiped on free */
  char *header_override;   /* JSON object text, or NULL */
  char *other;             /* Azure: the API version */
  char *model_mapping;     /* JSON object text, or NULL */
  char *test_model;
  char *models;            /* comma list */
  char *proxy;             /* setting.proxy, or NULL */
  gint64 created_time;
  gboolean is_multi_key;
  double price;            /* option Price (local currency per USD), for Moonshot */
} NdUpstreamTarget;

NdUpstreamTarget *nd_upstream_target_new  (void);
void              nd_upstream_target_free (NdUpstreamTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdUpstreamTarget, nd_upstream_target_free)

/* The key NewAPI's GetNextEnabledKey starts from: the whole key of a
 * single-key channel; of a multi-key channel (keys one per line, or a JSON
 * array) the first whose multi_key_status_list entry is absent or 1. NULL
 * when none is enabled. @channel_info is the column's JSON text. */
/* The keys of a channel's key text as NewAPI indexes them (GetKeys): a JSON
 * array's elements, else its lines with leading and trailing newlines
 * trimmed (a blank line in between keeps its index). Elements are wiped
 * when the array is freed. */
GPtrArray *nd_upstream_split_keys (const char *key);

NdSecret *nd_upstream_pick_key (const char *key, gboolean is_multi_key, const char *channel_info);

typedef struct {
  const char *method;      /* "GET" or "POST" (static) */
  char *url;
  GPtrArray *headers;      /* name, value, name, value, …; values wiped on free */
  char *body;              /* JSON for POST, NULL for GET */
} NdUpstreamRequest;

void nd_upstream_request_free (NdUpstreamRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdUpstreamRequest, nd_upstream_request_free)
/* The value of header @name (case-insensitive), or NULL. */
const char *nd_upstream_request_header (const NdUpstreamRequest *request, const char *name);

/* The type's default base URL (§2.6a), or NULL when it has none. */
const char *nd_upstream_default_base (int type);

/* The base URL a probe of @target uses (no trailing slash), or NULL with
 * ND_ERROR_UNSUPPORTED saying why this channel cannot be probed: a type
 * NewAPI never tests, a key that is not a bearer token (AWS, Vertex AI,
 * Codex), no base URL and no default, a base URL that is not an http(s)
 * URL (NewAPI's plan names), no enabled key. */
char *nd_upstream_resolve_base (const NdUpstreamTarget *target, GError **error);

/* GET the model list (@page_token: Gemini's nextPageToken, or NULL). */
NdUpstreamRequest *nd_upstream_models_request (const NdUpstreamTarget *target, const char *base,
                                               const char *page_token, GError **error);
/* Appends the ids of a 200 reply to @ids; *@next_page is Gemini's next
 * page token (NULL when done). ND_ERROR_PROTOCOL when the reply is not a
 * model list. */
gboolean nd_upstream_parse_models (int type, const char *body, gsize len, GPtrArray *ids,
                                   char **next_page, GError **error);

/* The model a chat test asks for: @model, else test_model, else the first
 * of models, else gpt-4o-mini (as NewAPI picks it). */
char *nd_upstream_test_model (const NdUpstreamTarget *target, const char *model);
/* @model through the channel's model_mapping (chains followed), as
 * NewAPI's ModelMappedHelper sends it upstream. */
char *nd_upstream_map_model  (const NdUpstreamTarget *target, const char *model);
/* POST the minimal chat completion of NewAPI's test for @model (already
 * chosen and mapped). ND_ERROR_UNSUPPORTED for types whose API is not
 * one NewAPI Desk speaks. */
NdUpstreamRequest *nd_upstream_chat_request (const NdUpstreamTarget *target, const char *base,
                                             const char *model, GError **error);
/* Whether a 200 reply is a working answer, as NewAPI judges one: not an
 * "error" member, and a usage block. FALSE with *@why (scrubbed) otherwise. */
gboolean nd_upstream_check_chat (int type, const char *body, gsize len, const char *key,
                                 char **why);

/* The upstream's own words for a failed call: the error message of its
 * JSON, else the start of its body; "status_code=N, …" as NewAPI writes
 * it; scrubbed. */
char *nd_upstream_error_text (guint status, const char *body, gsize len, const char *key);

/* @text with @key (when it occurs) replaced by its mask, and then every
 * key-like run masked (nd_mask_text). Always a new string. */
char *nd_upstream_scrub (const char *text, const char *key);

/* ---- balances ---- */

typedef enum {
  ND_BALANCE_OPENAI,       /* OpenAI, Custom: subscription, then usage */
  ND_BALANCE_OPENROUTER,
  ND_BALANCE_DEEPSEEK,
  ND_BALANCE_SILICONFLOW,
  ND_BALANCE_MOONSHOT,
} NdBalanceKind;

/* How NewAPI reads @target's balance, or FALSE with ND_ERROR_UNSUPPORTED
 * ("not implemented" upstream; multi-key channels are refused). */
gboolean nd_upstream_balance_kind (const NdUpstreamTarget *target, NdBalanceKind *kind,
                                   GError **error);
/* The first request; for ND_BALANCE_OPENAI the subscription. */
NdUpstreamRequest *nd_upstream_balance_request (const NdUpstreamTarget *target, const char *base,
                                                NdBalanceKind kind);
/* ND_BALANCE_OPENAI's second request: usage since the first of the month
 * (or the last 100 days without a payment method), as NewAPI asks, with
 * @now in local time. */
NdUpstreamRequest *nd_upstream_usage_request (const NdUpstreamTarget *target, const char *base,
                                              gboolean has_payment_method, GDateTime *now);
/* Reads the subscription reply: hard_limit_usd and has_payment_method. */
gboolean nd_upstream_parse_subscription (const char *body, gsize len, double *hard_limit,
                                         gboolean *has_payment_method, GError **error);
/* Reads a balance reply (for OPENAI the usage one, with @hard_limit) into
 * the number NewAPI stores: USD, except DeepSeek's CNY as upstream stores
 * it. @price: option Price for Moonshot. */
gboolean nd_upstream_parse_balance (NdBalanceKind kind, const char *body, gsize len,
                                    double hard_limit, double price, double *balance,
                                    GError **error);

G_END_DECLS

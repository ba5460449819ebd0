/* nd-log-rows.h — logs held compactly by NdLogModel (private to it)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row is 136 bytes plus the four strings that are its own (request ids,
 * content, other). The strings that repeat from row to row (user, token,
 * model, group, IP, channel) are interned once in an NdLogStrings; as the
 * user scrolls, rows are dropped and fetched again, so the interned
 * strings are rebuilt from the rows still held whenever they outgrow
 * them: memory stays bounded however far one scrolls.
 */
#pragma once

#include "nd-records.h"

G_BEGIN_DECLS

typedef struct {
  gint64 id;
  gint64 created_at;
  gint64 user_id;
  gint64 token_id;
  gint64 channel_id;
  gint64 quota;
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint32 use_time;
  guint8 type;
  guint8 is_stream;
  const char *username;            /* interned */
  const char *token_name;
  const char *model_name;
  const char *group;
  const char *ip;
  const char *channel_name;
  char *request_id;                /* owned */
  char *upstream_request_id;
  char *content;
  char *other;
} NdLogRow;

typedef struct _NdLogStrings NdLogStrings;

NdLogStrings *nd_log_strings_new   (void);
void          nd_log_strings_free  (NdLogStrings *strings);
/* Bytes the interned strings take. */
gsize         nd_log_strings_bytes (NdLogStrings *strings);

/* Moves @log's fields into @row (the row's own strings are stolen). */
void          nd_log_row_set       (NdLogRow *row, NdLog *log, NdLogStrings *strings);
NdLog        *nd_log_row_to_log    (const NdLogRow *row);
void          nd_log_row_clear     (NdLogRow *row);
/* Points @row's repeating strings at their copies in @strings. */
void          nd_log_row_reintern  (NdLogRow *row, NdLogStrings *strings);

G_END_DECLS

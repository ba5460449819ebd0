/* nd-log-rows.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-log-rows.h"

struct _NdLogStrings
{
  GStringChunk *chunk;
  GHashTable *set;        /* string in the chunk → itself */
  gsize bytes;
};

NdLogStrings *
nd_log_strings_new (void)
{
  NdLogStrings *strings = g_new0 (NdLogStrings, 1);

  strings->chunk = g_string_chunk_new (16 * 1024);
  strings->set = g_hash_table_new (g_str_hash, g_str_equal);
  return strings;
}

void
nd_log_strings_free (NdLogStrings *strings)
{
  if (strings == NULL)
    return;
  g_hash_table_unref (strings->set);
  g_string_chunk_free (strings->chunk);
  g_free (strings);
}

gsize
nd_log_strings_bytes (NdLogStrings *strings)
{
  return strings->bytes;
}

/* GStringChunk's own const table cannot say what it added: this set
 * does, so the bytes are counted. */
static const char *
intern (NdLogStrings *strings, const char *s)
{
  const char *found;
  gsize len;

  if (s == NULL)
    return NULL;
  found = g_hash_table_lookup (strings->set, s);
  if (found != NULL)
    return found;
  len = strlen (s);
  found = g_string_chunk_insert_len (strings->chunk, s, len);
  g_hash_table_add (strings->set, (gpointer) found);
  strings->bytes += len + 1;
  return found;
}

void
nd_log_row_set (NdLogRow *row, NdLog *log, NdLogStrings *strings)
{
  row->id = log->id;
  row->created_at = log->created_at;
  row->user_id = log->user_id;
  row->token_id = log->token_id;
  row->channel_id = log->channel_id;
  row->quota = log->quota;
  row->prompt_tokens = log->prompt_tokens;
  row->completion_tokens = log->completion_tokens;
  row->use_time = (gint32) CLAMP (log->use_time, G_MININT32, G_MAXINT32);
  row->type = (guint8) CLAMP (log->type, 0, 255);
  row->is_stream = log->is_stream;
  row->username = intern (strings, log->username);
  row->token_name = intern (strings, log->token_name);
  row->model_name = intern (strings, log->model_name);
  row->group = intern (strings, log->group);
  row->ip = intern (strings, log->ip);
  row->channel_name = intern (strings, log->channel_name);
  /* Unique per row: moved, not copied. */
  row->request_id = g_steal_pointer (&log->request_id);
  row->upstream_request_id = g_steal_pointer (&log->upstream_request_id);
  row->content = g_steal_pointer (&log->content);
  row->other = g_steal_pointer (&log->other);
}

void
nd_log_row_reintern (NdLogRow *row, NdLogStrings *strings)
{
  row->username = intern (strings, row->username);
  row->token_name = intern (strings, row->token_name);
  row->model_name = intern (strings, row->model_name);
  row->group = intern (strings, row->group);
  row->ip = intern (strings, row->ip);
  row->channel_name = intern (strings, row->channel_name);
}

NdLog *
nd_log_row_to_log (const NdLogRow *row)
{
  NdLog *log = nd_log_new ();

  log->id = row->id;
  log->created_at = row->created_at;
  log->user_id = row->user_id;
  log->token_id = row->token_id;
  log->channel_id = row->channel_id;
  log->quota = row->quota;
  log->prompt_tokens = row->prompt_tokens;
  log->completion_tokens = row->completion_tokens;
  log->use_time = row->use_time;
  log->type = row->type;
  log->is_stream = row->is_stream;
  log->username = g_strdup (row->username);
  log->token_name = g_strdup (row->token_name);
  log->model_name = g_strdup (row->model_name);
  log->group = g_strdup (row->group);
  log->ip = g_strdup (row->ip);
  log->channel_name = g_strdup (row->channel_name);
  log->request_id = g_strdup (row->request_id);
  log->upstream_request_id = g_strdup (row->upstream_request_id);
  log->content = g_strdup (row->content);
  log->other = g_strdup (row->other);
  return log;
}

void
nd_log_row_clear (NdLogRow *row)
{
  g_free (row->request_id);
  g_free (row->upstream_request_id);
  g_free (row->content);
  g_free (row->other);
}

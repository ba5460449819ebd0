/* nd-export.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nd-secure-string.h"
#include "nd-error.h"
#include "nd-export.h"
#include "nd-log-other.h"

struct _NdExportWriter
{
  NdExportFormat format;
  char *path;
  char *tmp_path;
  FILE *file;
  char *buffer;
  GString *line;
  gssize rows;          /* atomic */
  gboolean finished;
  /* Rows come in time order: the date of the last one is kept. */
  gint64 day;
  char date[16];
};

static const char * const csv_header =
  "id,created_at,time,type,type_name,user_id,username,token_id,token_name,model_name,"
  "quota,prompt_tokens,completion_tokens,use_time,is_stream,channel,channel_name,group,ip,"
  "request_id,upstream_request_id,content,other\r\n";

gboolean
nd_export_format_from_string (const char *text, NdExportFormat *out)
{
  if (g_strcmp0 (text, "csv") == 0)
    *out = ND_EXPORT_CSV;
  else if (g_strcmp0 (text, "jsonl") == 0 || g_strcmp0 (text, "ndjson") == 0)
    *out = ND_EXPORT_JSONL;
  else
    return FALSE;
  return TRUE;
}

const char *
nd_export_format_extension (NdExportFormat format)
{
  return format == ND_EXPORT_CSV ? "csv" : "jsonl";
}

static void
set_errno_error (GError **error, const char *what, const char *path, int err)
{
  g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("Could not %s “%s”: %s"),
               what, path, g_strerror (err));
}

NdExportWriter *
nd_export_writer_new (const char *path, NdExportFormat format, gboolean bom, GError **error)
{
  NdExportWriter *self;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmpl = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  /* Same directory, so the final rename is atomic. */
  tmpl = g_strdup_printf ("%s/.%s.XXXXXX.part", dir, base);
  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_errno_error (error, _("write to the folder of"), path, errno);
      return NULL;
    }

  self = g_new0 (NdExportWriter, 1);
  self->format = format;
  self->path = g_strdup (path);
  self->tmp_path = g_steal_pointer (&tmpl);
  self->file = fdopen (fd, "w");
  self->buffer = g_malloc (1 << 20);
  setvbuf (self->file, self->buffer, _IOFBF, 1 << 20);
  self->line = g_string_sized_new (4096);

  if (format == ND_EXPORT_CSV)
    {
      if (bom)
        fputs ("\xEF\xBB\xBF", self->file);
      fputs (csv_header, self->file);
    }
  return self;
}

/* ---- cells ------------------------------------------------------------- */

void
nd_export_append_csv_text (GString *out, const char *text)
{
  gboolean formula;
  size_t plain;

  if (text == NULL || *text == '\0')
    return;
  formula = text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
            text[0] == '\t' || text[0] == '\r';
  /* Runs are copied whole: this is the export's hottest loop. */
  plain = strcspn (text, ",\"\n\r");
  if (text[plain] == '\0')
    {
      if (formula)
        g_string_append_c (out, '\'');
      g_string_append_len (out, text, plain);
      return;
    }
  g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = text;;)
    {
      const char *q = strchr (p, '"');

      if (q == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, q + 1 - p);
      g_string_append_c (out, '"');
      p = q + 1;
    }
  g_string_append_c (out, '"');
}

void
nd_export_append_json_str (GString *out, const char *text)
{
  const char *p = text ? text : "";
  const char *run = p;

  g_string_append_c (out, '"');
  for (; *p; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static inline void
append_int (GString *out, gint64 v)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 u = v < 0 ? -(guint64) v : (guint64) v;

  /* By hand: printf's machinery was a tenth of an export's time. */
  do
    *--p = '0' + u % 10;
  while ((u /= 10) != 0);
  if (v < 0)
    *--p = '-';
  g_string_append_len (out, p, buf + sizeof buf - p);
}

static void
append_iso_time (NdExportWriter *self, GString *out, gint64 t)
{
  gint64 day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int secs = (int) (t - day * 86400);
  char hms[10];

  if (day != self->day || self->date[0] == '\0')
    {
      time_t tt = (time_t) (day * 86400);
      struct tm tm;

      gmtime_r (&tt, &tm);
      strftime (self->date, sizeof self->date, "%Y-%m-%dT", &tm);
      self->day = day;
    }
  g_string_append (out, self->date);
  hms[0] = '0' + secs / 36000;
  hms[1] = '0' + secs / 3600 % 10;
  hms[2] = ':';
  hms[3] = '0' + secs % 3600 / 600;
  hms[4] = '0' + secs % 600 / 60;
  hms[5] = ':';
  hms[6] = '0' + secs % 60 / 10;
  hms[7] = '0' + secs % 10;
  hms[8] = 'Z';
  g_string_append_len (out, hms, 9);
}

static void
format_csv (NdExportWriter *self, GString *l, const NdLog *log, const char *content,
            const char *other)
{
  append_int (l, log->id);
  g_string_append_c (l, ',');
  append_int (l, log->created_at);
  g_string_append_c (l, ',');
  append_iso_time (self, l, log->created_at);
  g_string_append_c (l, ',');
  append_int (l, log->type);
  g_string_append_c (l, ',');
  g_string_append (l, nd_log_type_to_nick (log->type));
  g_string_append_c (l, ',');
  append_int (l, log->user_id);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->username);
  g_string_append_c (l, ',');
  append_int (l, log->token_id);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->token_name);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->model_name);
  g_string_append_c (l, ',');
  append_int (l, log->quota);
  g_string_append_c (l, ',');
  append_int (l, log->prompt_tokens);
  g_string_append_c (l, ',');
  append_int (l, log->completion_tokens);
  g_string_append_c (l, ',');
  append_int (l, log->use_time);
  g_string_append_c (l, ',');
  g_string_append (l, log->is_stream ? "true" : "false");
  g_string_append_c (l, ',');
  append_int (l, log->channel_id);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->channel_name);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->group);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->ip);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->request_id);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, log->upstream_request_id);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, content);
  g_string_append_c (l, ',');
  nd_export_append_csv_text (l, other);
  g_string_append (l, "\r\n");
}

#define JSON_INT(key, v) G_STMT_START { g_string_append (l, ",\"" key "\":"); append_int (l, v); } G_STMT_END
#define JSON_STR(key, v) G_STMT_START { g_string_append (l, ",\"" key "\":"); nd_export_append_json_str (l, v); } G_STMT_END

static void
format_jsonl (GString *l, const NdLog *log, const char *content, const char *other)
{
  g_string_append (l, "{\"id\":");
  append_int (l, log->id);
  JSON_INT ("user_id", log->user_id);
  JSON_INT ("created_at", log->created_at);
  JSON_INT ("type", log->type);
  JSON_STR ("content", content);
  JSON_STR ("username", log->username);
  JSON_STR ("token_name", log->token_name);
  JSON_STR ("model_name", log->model_name);
  JSON_INT ("quota", log->quota);
  JSON_INT ("prompt_tokens", log->prompt_tokens);
  JSON_INT ("completion_tokens", log->completion_tokens);
  JSON_INT ("use_time", log->use_time);
  g_string_append (l, log->is_stream ? ",\"is_stream\":true" : ",\"is_stream\":false");
  JSON_INT ("channel", log->channel_id);
  JSON_STR ("channel_name", log->channel_name);
  JSON_INT ("token_id", log->token_id);
  JSON_STR ("group", log->group);
  JSON_STR ("ip", log->ip);
  if (log->request_id != NULL && *log->request_id)
    JSON_STR ("request_id", log->request_id);
  if (log->upstream_request_id != NULL && *log->upstream_request_id)
    JSON_STR ("upstream_request_id", log->upstream_request_id);
  JSON_STR ("other", other);
  g_string_append (l, "}\n");
}

gboolean
nd_export_writer_write (GPtrArray *rows, gpointer writer, GError **error)
{
  NdExportWriter *self = writer;
  GString *l = self->line;

  for (guint i = 0; i < rows->len; i++)
    {
      const NdLog *log = g_ptr_array_index (rows, i);
      g_autofree char *content = nd_mask_text (log->content);
      /* The same masking the detail pane shows and copies. */
      g_autofree char *other = nd_log_other_mask (log->other, FALSE);

      g_string_truncate (l, 0);
      if (self->format == ND_EXPORT_CSV)
        format_csv (self, l, log, content ? content : log->content, other);
      else
        format_jsonl (l, log, content ? content : log->content, other);
      if (fwrite (l->str, 1, l->len, self->file) != l->len)
        {
          set_errno_error (error, _("write"), self->path, errno);
          return FALSE;
        }
    }
  g_atomic_pointer_add (&self->rows, rows->len);
  return TRUE;
}

gint64
nd_export_writer_get_rows (NdExportWriter *self)
{
  return (gint64) g_atomic_pointer_get (&self->rows);
}

gboolean
nd_export_writer_finish (NdExportWriter *self, GError **error)
{
  int err = 0;

  g_return_val_if_fail (!self->finished, FALSE);

  if (fflush (self->file) != 0 || fsync (fileno (self->file)) != 0)
    err = errno;
  if (fclose (self->file) != 0 && err == 0)
    err = errno;
  self->file = NULL;
  if (err != 0)
    {
      set_errno_error (error, _("write"), self->path, err);
      return FALSE;
    }
  if (g_rename (self->tmp_path, self->path) != 0)
    {
      set_errno_error (error, _("save"), self->path, errno);
      return FALSE;
    }
  self->finished = TRUE;
  return TRUE;
}

void
nd_export_writer_free (NdExportWriter *self)
{
  if (self == NULL)
    return;
  if (self->file != NULL)
    fclose (self->file);
  if (!self->finished)
    g_unlink (self->tmp_path);
  g_string_free (self->line, TRUE);
  g_free (self->buffer);
  g_free (self->path);
  g_free (self->tmp_path);
  g_free (self);
}

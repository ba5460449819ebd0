/* nd-json.c — reading NewAPI's JSON, from replies and from JSON columns
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-json.h"

/* ---- bounded parsing ---------------------------------------------------- */

typedef enum {
  SCAN_OK,
  SCAN_DEEP,
  SCAN_FOREIGN,                /* not strict JSON: json-glib would lex it its own way */
  SCAN_BIG_INT,
} ScanResult;

static gsize
scan_number (const char *p, gsize len, gsize i, gboolean *ok, gboolean *is_int)
{
  gsize digits;

  *ok = FALSE;
  *is_int = TRUE;
  if (i < len && p[i] == '-')
    i++;
  digits = i;
  if (i < len && p[i] == '0')
    i++;
  else
    while (i < len && g_ascii_isdigit (p[i]))
      i++;
  if (i == digits)
    return i;
  if (i < len && p[i] == '.')
    {
      *is_int = FALSE;
      if (++i >= len || !g_ascii_isdigit (p[i]))
        return i;
      while (i < len && g_ascii_isdigit (p[i]))
        i++;
    }
  if (i < len && (p[i] == 'e' || p[i] == 'E'))
    {
      *is_int = FALSE;
      if (++i < len && (p[i] == '+' || p[i] == '-'))
        i++;
      if (i >= len || !g_ascii_isdigit (p[i]))
        return i;
      while (i < len && g_ascii_isdigit (p[i]))
        i++;
    }
  /* "0x10", "0777", "1_0": json-glib reads those too, Go never writes them. */
  *ok = i >= len || !(g_ascii_isalnum (p[i]) || p[i] == '_' || p[i] == '.' || p[i] == '$');
  return i;
}

/* json-glib wraps integers past 64 bits (18446744073709551617 reads as 1),
 * so their size is judged on the text. */
static gboolean
int_fits (const char *p, gsize len)
{
  static const char max[] = "9223372036854775807";

  if (len > 0 && p[0] == '-')
    p++, len--;
  if (len != sizeof max - 1)
    return len < sizeof max - 1;
  return memcmp (p, max, len) <= 0;
}

/* A strict JSON lexer that only tracks nesting: json-glib parses what it
 * accepts exactly as it scanned it, so its recursion stays within
 * @max_depth. *@at and *@span locate the offending text. */
static ScanResult
scan (const char *p, gsize len, guint max_depth, gsize *at, gsize *span)
{
  guint depth = 0;
  gboolean complete = FALSE;   /* the top-level value has ended */
  gsize i = 0;

  while (i < len)
    {
      char c = p[i];

      *at = i;
      *span = 1;
      if (g_ascii_isspace (c))
        {
          i++;
          continue;
        }
      /* json-glib reads "{…}{…}" as its first value and drops the rest. */
      if (complete)
        return SCAN_FOREIGN;
      switch (c)
        {
        case ',': case ':':
          i++;
          break;
        case '[': case '{':
          if (++depth > max_depth)
            return SCAN_DEEP;
          i++;
          break;
        case ']': case '}':
          if (depth > 0)
            depth--;
          complete = depth == 0;
          i++;
          break;
        case '"':
          for (i++; i < len && p[i] != '"'; i++)
            if (p[i] == '\\')
              i++;
          i++;
          complete = depth == 0;
          break;
        case 't': case 'f': case 'n':
          {
            const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            gsize n = strlen (word);

            if (len - i < n || memcmp (p + i, word, n) != 0 ||
                (i + n < len && g_ascii_isalnum (p[i + n])))
              return SCAN_FOREIGN;
            i += n;
            complete = depth == 0;
            break;
          }
        default:
          if (c == '-' || g_ascii_isdigit (c))
            {
              gboolean ok, is_int;
              gsize end = scan_number (p, len, i, &ok, &is_int);

              *span = end - i;
              if (!ok)
                return SCAN_FOREIGN;
              if (is_int && !int_fits (p + i, end - i))
                return SCAN_BIG_INT;
              i = end;
              complete = depth == 0;
              break;
            }
          return SCAN_FOREIGN;
        }
    }
  return SCAN_OK;
}

JsonNode *
nd_json_parse_bounded (const char *data, gssize len, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  gsize size, at = 0, span = 0, i = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  size = len < 0 ? strlen (data) : (gsize) len;
  while (i < size && g_ascii_isspace (data[i]))
    i++;
  if (i == size)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL, _("The JSON text is empty."));
      return NULL;
    }
  switch (scan (data, size, ND_JSON_MAX_DEPTH, &at, &span))
    {
    case SCAN_DEEP:
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The JSON is nested more than %d levels deep; NewAPI never writes that, "
                     "so it was not read."), ND_JSON_MAX_DEPTH);
      return NULL;
    case SCAN_BIG_INT:
      {
        g_autofree char *number = g_strndup (data + at, MIN (span, 24));

        g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                     _("The JSON holds the number %s%s, too large for any value NewAPI stores."),
                     number, span > 24 ? "…" : "");
        return NULL;
      }
    case SCAN_FOREIGN:
      {
        g_autofree char *near = g_utf8_make_valid (data + at, MIN (size - at, 16));
        g_autofree char *where = g_strdup_printf ("%" G_GSIZE_FORMAT, at);

        g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                     _("The JSON is malformed at byte %s (“%s”)."), where, near);
        return NULL;
      }
    case SCAN_OK:
    default:
      break;
    }
  /* Mutable: callers such as the `other` masker edit the tree in place. */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, size, &local))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The JSON is malformed or cut off: %s"), local->message);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

/* ---- lenient readers ---------------------------------------------------- */

static JsonNode *
value_member (JsonObject *obj, const char *member)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, member))
    return NULL;
  node = json_object_get_member (obj, member);
  return JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

/* Doubles outside the 64-bit range have no integer value (the cast would be
 * undefined): they count as unreadable. */
static gboolean
double_to_int (double d, gint64 *out)
{
  if (!isfinite (d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
    return FALSE;
  *out = (gint64) d;
  return TRUE;
}

/* The whole string is an integer. */
static gboolean
string_to_int (const char *s, gint64 *out)
{
  char *end = NULL;
  guint64 magnitude;
  gboolean negative = *s == '-';

  if (!g_ascii_isdigit (s[negative ? 1 : 0]))
    return FALSE;
  errno = 0;
  magnitude = g_ascii_strtoull (s + (negative ? 1 : 0), &end, 10);
  if (errno != 0 || *end != '\0' || magnitude > (guint64) G_MAXINT64)
    return FALSE;
  *out = negative ? -(gint64) magnitude : (gint64) magnitude;
  return TRUE;
}

gint64
nd_json_int (JsonObject *obj, const char *member, gint64 fallback)
{
  JsonNode *node = value_member (obj, member);
  gint64 v;

  if (node == NULL)
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return double_to_int (json_node_get_double (node), &v) ? v : fallback;
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1 : 0;
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        char *end = NULL;

        v = g_ascii_strtoll (s, &end, 10);
        return end != s ? v : fallback;
      }
    default:
      return fallback;
    }
}

double
nd_json_double (JsonObject *obj, const char *member, double fallback)
{
  JsonNode *node = value_member (obj, member);

  if (node == NULL)
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        char *end = NULL;
        double v = g_ascii_strtod (s, &end);

        return end != s ? v : fallback;
      }
    default:
      return fallback;
    }
}

gboolean
nd_json_bool (JsonObject *obj, const char *member)
{
  JsonNode *node = value_member (obj, member);

  if (node == NULL)
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    case G_TYPE_STRING:
      return g_str_equal (json_node_get_string (node), "true");
    default:
      return FALSE;
    }
}

char *
nd_json_strdup (JsonObject *obj, const char *member)
{
  JsonNode *node = value_member (obj, member);

  if (node == NULL)
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

/* ---- checked readers ---------------------------------------------------- */

static void
range_bounds (NdJsonRange range, gint64 *min, gint64 *max)
{
  switch (range)
    {
    case ND_JSON_ID:
      *min = 0;
      *max = G_GINT64_CONSTANT (1) << 53;
      break;
    case ND_JSON_TIME:
      *min = -1;
      *max = G_GINT64_CONSTANT (253402300799);
      break;
    case ND_JSON_COUNT:
      *min = 0;
      *max = ND_JSON_MAX_AMOUNT;
      break;
    case ND_JSON_AMOUNT:
      *min = -ND_JSON_MAX_AMOUNT;
      *max = ND_JSON_MAX_AMOUNT;
      break;
    case ND_JSON_CODE:
    default:
      *min = -1;
      *max = 1000000;
      break;
    }
}

static void
set_out_of_range (GError **error, const char *what, const char *value, NdJsonRange range)
{
  gint64 min, max;
  g_autofree char *limit = NULL;

  range_bounds (range, &min, &max);
  limit = g_strdup_printf ("%" G_GINT64_FORMAT, max);
  switch (range)
    {
    case ND_JSON_ID:
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server sent an impossible id for “%s”: %s (ids lie between 0 and %s)"),
                   what, value, limit);
      break;
    case ND_JSON_TIME:
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server sent an impossible time for “%s”: %s (not a time between 1970 "
                     "and 9999)"), what, value);
      break;
    case ND_JSON_COUNT:
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server sent an impossible count for “%s”: %s (counts lie between 0 "
                     "and %s)"), what, value, limit);
      break;
    case ND_JSON_AMOUNT:
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server sent an impossible amount for “%s”: %s (amounts lie within "
                     "±%s)"), what, value, limit);
      break;
    case ND_JSON_CODE:
    default:
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server sent an impossible code for “%s”: %s (codes lie between -1 "
                     "and %s)"), what, value, limit);
      break;
    }
}

gboolean
nd_json_check_range (const char *what, gint64 value, NdJsonRange range, GError **error)
{
  gint64 min, max;
  g_autofree char *text = NULL;

  range_bounds (range, &min, &max);
  if (value >= min && value <= max)
    return TRUE;
  text = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  set_out_of_range (error, what, text, range);
  return FALSE;
}

/* JSON's own names for its types: not translated, like the member names. */
static const char *
node_kind (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return "boolean";
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return "string";
  return "number";
}

/* @wanted: JSON's name of what belongs there ("integer", "string", …). */
static void
set_wrong_type (GError **error, const char *member, JsonNode *node, const char *wanted)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* The length g_utf8_make_valid takes is what it reads: cut after
       * making the whole text valid, at a character boundary. */
      g_autofree char *valid = g_utf8_make_valid (json_node_get_string (node), -1);
      g_autofree char *text = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 40));

      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server sent an impossible value for “%s”: the text “%s” where NewAPI "
                     "writes a JSON %s"), member, text, wanted);
    }
  else
    g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                 _("The server sent an impossible value for “%s”: a JSON %s where NewAPI writes "
                   "a JSON %s"), member, node_kind (node), wanted);
}

/* The member's node, NULL when absent or null (or when *error is set). */
static JsonNode *
checked_member (JsonObject *obj, const char *member, GError **error)
{
  JsonNode *node;

  g_return_val_if_fail (error != NULL, NULL);
  if (*error != NULL || obj == NULL || !json_object_has_member (obj, member))
    return NULL;
  node = json_object_get_member (obj, member);
  return JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

gint64
nd_json_read_int (JsonObject *obj, const char *member, NdJsonRange range, gint64 fallback,
                  GError **error)
{
  JsonNode *node = checked_member (obj, member, error);
  gint64 v;

  if (node == NULL)
    return fallback;
  if (!JSON_NODE_HOLDS_VALUE (node))
    goto wrong;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      v = json_node_get_int (node);
      break;
    case G_TYPE_DOUBLE:
      if (!double_to_int (json_node_get_double (node), &v))
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          set_out_of_range (error, member,
                            g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)), range);
          return fallback;
        }
      break;
    case G_TYPE_STRING:
      if (!string_to_int (json_node_get_string (node), &v))
        goto wrong;
      break;
    default:
      goto wrong;
    }
  return nd_json_check_range (member, v, range, error) ? v : fallback;

wrong:
  set_wrong_type (error, member, node, "integer");
  return fallback;
}

double
nd_json_read_double (JsonObject *obj, const char *member, double min, double max,
                     double fallback, GError **error)
{
  JsonNode *node = checked_member (obj, member, error);
  double v;

  if (node == NULL)
    return fallback;
  if (!JSON_NODE_HOLDS_VALUE (node))
    goto wrong;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      v = (double) json_node_get_int (node);
      break;
    case G_TYPE_DOUBLE:
      v = json_node_get_double (node);
      break;
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        char *end = NULL;

        v = g_ascii_strtod (s, &end);
        if (end == s || *end != '\0')
          goto wrong;
        break;
      }
    default:
      goto wrong;
    }
  if (isfinite (v) && v >= min && v <= max)
    return v;
  {
    char value[G_ASCII_DTOSTR_BUF_SIZE], low[G_ASCII_DTOSTR_BUF_SIZE], high[G_ASCII_DTOSTR_BUF_SIZE];

    g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                 _("The server sent an impossible value for “%s”: %s (it lies between %s and %s)"),
                 member, g_ascii_dtostr (value, sizeof value, v),
                 g_ascii_formatd (low, sizeof low, "%g", min),
                 g_ascii_formatd (high, sizeof high, "%g", max));
  }
  return fallback;

wrong:
  set_wrong_type (error, member, node, "number");
  return fallback;
}

char *
nd_json_read_str (JsonObject *obj, const char *member, GError **error)
{
  JsonNode *node = checked_member (obj, member, error);

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node))
    switch (json_node_get_value_type (node))
      {
      case G_TYPE_STRING:
        return g_strdup (json_node_get_string (node));
      case G_TYPE_INT64:
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      case G_TYPE_DOUBLE:
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
        }
      default:
        break;
      }
  set_wrong_type (error, member, node, "string");
  return NULL;
}

gboolean
nd_json_read_bool (JsonObject *obj, const char *member, GError **error)
{
  JsonNode *node = checked_member (obj, member, error);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (node))
    switch (json_node_get_value_type (node))
      {
      case G_TYPE_BOOLEAN:
        return json_node_get_boolean (node);
      case G_TYPE_INT64:
        if (json_node_get_int (node) == 0 || json_node_get_int (node) == 1)
          return json_node_get_int (node) == 1;
        break;
      case G_TYPE_STRING:
        if (g_str_equal (json_node_get_string (node), "true"))
          return TRUE;
        if (g_str_equal (json_node_get_string (node), "false"))
          return FALSE;
        break;
      default:
        break;
      }
  set_wrong_type (error, member, node, "boolean");
  return FALSE;
}

/* ---- writing ----------------------------------------------------------- */

void
nd_json_add_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

void
nd_json_add_str (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
nd_json_add_bool (JsonBuilder *b, const char *member, gboolean value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

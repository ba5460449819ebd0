/* nd-json.h — one reader for NewAPI's JSON, tolerant of versions, strict about values
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both sources read the same JSON shapes: the HTTP source from replies, the
 * PostgreSQL source from rows built with json_build_object, and the log
 * detail reads `other` from either. Numbers may arrive as JSON integers,
 * doubles or strings (NewAPI's versions differ); missing members and JSON
 * null give the fallback. Pure, any thread.
 *
 * Text from a server or a database column is parsed with
 * nd_json_parse_bounded, never json_parser_load_from_data directly:
 * json-glib recurses once per nesting level, so a reply nested 100 000
 * arrays deep runs the stack out, and it wraps integers past 64 bits into
 * plausible-looking values. Numbers that feed counts, sums or times are
 * read with nd_json_read_int, which refuses values no NewAPI can hold.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* NewAPI's replies nest under ten levels (pricing is the deepest); 64
 * leaves room for `other` JSON and stays far from the stack's limit. */
#define ND_JSON_MAX_DEPTH 64

/* Parses @data (@len bytes, or -1 when NUL-terminated) after one byte scan
 * that refuses, before json-glib sees them: nesting deeper than
 * ND_JSON_MAX_DEPTH, integers outside 64 bits, and the comments and
 * single-quoted strings json-glib accepts but Go never writes (they would
 * hide nesting from the scan). Every failure — empty, refused, malformed or
 * cut off — is ND_ERROR_PROTOCOL with a sentence about the JSON; callers
 * say whose JSON it was (g_prefix_error). */
JsonNode *nd_json_parse_bounded (const char *data, gssize len, GError **error);

/* The ranges a number from NewAPI can really take. */
typedef enum {
  ND_JSON_ID,        /* 0 … 2^53: row ids (0 = none) */
  ND_JSON_TIME,      /* -1 (never) … 253402300799 (9999-12-31 23:59:59 UTC): unix seconds */
  ND_JSON_COUNT,     /* 0 … ND_JSON_MAX_AMOUNT: requests, tokens, seconds, rows */
  ND_JSON_AMOUNT,    /* ±ND_JSON_MAX_AMOUNT: quota, balances, priorities (may be negative) */
  ND_JSON_CODE,      /* -1 … 1 000 000: types, statuses, roles, enumerations */
} NdJsonRange;

/* 2^50 quota units: two billion US dollars at the default 500 000 a dollar.
 * Sums of many such values still fit in 64 bits. */
#define ND_JSON_MAX_AMOUNT (G_GINT64_CONSTANT (1) << 50)

/* Lenient readers: anything unreadable gives the fallback. For display-only
 * values and for JSON the application wrote itself. */
gint64    nd_json_int    (JsonObject *obj, const char *member, gint64 fallback);
double    nd_json_double (JsonObject *obj, const char *member, double fallback);
gboolean  nd_json_bool   (JsonObject *obj, const char *member);
char     *nd_json_strdup (JsonObject *obj, const char *member);   /* NULL when absent */

/* Checked readers for values that are counted, summed, compared or stored.
 * They read many members in a row and are checked once: @error must not be
 * NULL, and once *@error is set every further call returns @fallback and
 * leaves it alone. A value of the wrong type (an object, a list, text that
 * is not a number, a boolean where a number belongs) or out of its range is
 * ND_ERROR_PROTOCOL "The server sent an impossible …", naming the member
 * and the value. Absent members and null give @fallback without error. */
gint64    nd_json_read_int    (JsonObject *obj, const char *member, NdJsonRange range,
                               gint64 fallback, GError **error);
/* Finite and within [@min, @max]. */
double    nd_json_read_double (JsonObject *obj, const char *member, double min, double max,
                               double fallback, GError **error);
/* A string (a number is written out as text); an object or a list is an
 * error. NULL when absent, null or after an error. */
char     *nd_json_read_str    (JsonObject *obj, const char *member, GError **error);
/* A boolean, 0/1 or "true"/"false". */
gboolean  nd_json_read_bool   (JsonObject *obj, const char *member, GError **error);
/* Whether @value lies in @range; for values that do not come from a member. */
gboolean  nd_json_check_range (const char *what, gint64 value, NdJsonRange range, GError **error);

/* Writing: one member of the object @b is building. A NULL string is
 * written as JSON null. */
void      nd_json_add_int     (JsonBuilder *b, const char *member, gint64 value);
void      nd_json_add_str     (JsonBuilder *b, const char *member, const char *value);
void      nd_json_add_bool    (JsonBuilder *b, const char *member, gboolean value);

G_END_DECLS

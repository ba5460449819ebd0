/* nd-json.h — one tolerant reader for NewAPI's JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both sources read the same JSON shapes: the HTTP source from replies, the
 * PostgreSQL source from rows built with json_build_object. Numbers may
 * arrive as JSON integers, doubles or strings (NewAPI's versions differ);
 * missing members and JSON null give the fallback. Pure, any thread.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gint64    nd_json_int    (JsonObject *obj, const char *member, gint64 fallback);
double    nd_json_double (JsonObject *obj, const char *member, double fallback);
gboolean  nd_json_bool   (JsonObject *obj, const char *member);
char     *nd_json_strdup (JsonObject *obj, const char *member);   /* NULL when absent */

G_END_DECLS

/* nd-time.h — the times people type into filters and flags
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Accepts unix seconds or ISO 8601 with 'T' or a space: "2026-01-31",
 * "2026-01-31 08:00", "2026-01-31T08:00:00+08:00". Without a zone the
 * time is local. FALSE when @text is none of these. */
gboolean nd_time_parse (const char *text, gint64 *out);

G_END_DECLS

/* nd-http-wfx.h — the fixture of the HTTP write tests: a database of the
 * test's own (writes change it), the fake NewAPI over it, a writable
 * NdHttpSource logged in as root, and what to check after a write
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-http-fx.h"

G_BEGIN_DECLS

typedef struct {
  const Mode *mode;
  NdTestPg *pg;
  char *db;
  NdFakeNewapi *fake;
  gint64 root_id;
  NdSource *source;            /* root, writable, probed */
} WFx;

/* FALSE when no PostgreSQL is available (the test skips). @name makes the
 * database's name. */
gboolean       wfx_setup     (WFx *fx, const Mode *mode, const char *name);
void           wfx_teardown  (WFx *fx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WFx, wfx_teardown)

#define WFX(mode_ptr, name) \
  g_auto(WFx) fx = { 0 }; \
  if (!wfx_setup (&fx, (mode_ptr), (name))) return

/* A source logged in as the first enabled user of @role with a token; it
 * is probed unless @probe is FALSE. */
NdSource      *wfx_source_as (WFx *fx, int role, gboolean read_only, gboolean probe);
/* Runs @write (taken) to the end. */
NdWriteResult *wfx_write     (NdSource *source, NdWrite *write, GError **error);

gint64         wfx_scalar    (WFx *fx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* The first column of the first row, NULL for SQL NULL or no row. */
char          *wfx_text      (WFx *fx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* `abilities` equals a rebuild from `channels` computed here, in C, with
 * Go's strings.Split semantics (reference §1.6a), row for row. */
void           wfx_assert_abilities (WFx *fx);
/* The abilities of every channel but @except, as one text. */
char          *wfx_abilities_except (WFx *fx, gint64 except);
/* An enabled single-key channel with abilities. */
gint64         wfx_pick_channel     (WFx *fx, int status);

/* Requests the fake saw that start with @prefix ("PUT /api/channel/"). */
guint          wfx_calls     (WFx *fx, const char *prefix);
/* The body of the last request that starts with @prefix, or NULL. */
const char    *wfx_body      (WFx *fx, const char *prefix);

typedef struct {
  gint64 user_id;
  char *username;
  char *content;
  char *other_text;
  JsonObject *other;
} WAudit;

void           waudit_clear  (WAudit *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WAudit, waudit_clear)

gint64         wfx_n_audits  (WFx *fx);
/* The newest type-3 row. */
gboolean       wfx_last_audit (WFx *fx, WAudit *out);
/* Asserts @a is upstream's row for @action by @fx's root over the API and
 * returns its params. */
JsonObject    *wfx_audit_params (WFx *fx, WAudit *a, const char *action);

G_END_DECLS

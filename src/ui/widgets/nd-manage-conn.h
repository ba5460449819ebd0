/* nd-manage-conn.h — what a management page keeps of its session: the
 * source it lists and writes through, why writes are refused, the money
 * its figures are in
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-session.h"

G_BEGIN_DECLS

typedef struct {
  NdSource *source;             /* the session's manage source; NULL: none */
  GCancellable *cancellable;    /* the page's calls, for the source's life */
  char *blocked;                /* why writes are refused, or NULL */
  NdMoney *money;               /* NULL: figures in quota units */
} NdManageConn;

typedef enum {
  ND_MANAGE_CONN_NONE,          /* not connected: cleared */
  ND_MANAGE_CONN_SAME,          /* the same source, probed again: write access read again */
  ND_MANAGE_CONN_NEW,           /* another source: the old one's calls cancelled */
} NdManageConnChange;

/* Brings @conn to @session (may be NULL); *@info is its info (NULL when
 * not connected). */
NdManageConnChange nd_manage_conn_update (NdManageConn *conn, NdSession *session,
                                          NdServerInfo **info);
/* Cancels the calls and forgets the source. */
void               nd_manage_conn_clear  (NdManageConn *conn);

G_END_DECLS

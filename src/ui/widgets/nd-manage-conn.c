/* nd-manage-conn.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-channel-actions.h"
#include "nd-manage-conn.h"

void
nd_manage_conn_clear (NdManageConn *conn)
{
  g_cancellable_cancel (conn->cancellable);
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->source);
  g_clear_pointer (&conn->money, nd_money_free);
  g_clear_pointer (&conn->blocked, g_free);
}

NdManageConnChange
nd_manage_conn_update (NdManageConn *conn, NdSession *session, NdServerInfo **info)
{
  NdSource *source = NULL;

  *info = session ? nd_session_get_info (session) : NULL;
  if (session != NULL && nd_session_get_state (session) == ND_SESSION_CONNECTED)
    source = nd_session_get_manage_source (session);
  if (source != NULL && source == conn->source)
    {
      g_free (conn->blocked);
      conn->blocked = nd_channel_write_blocked (source);
      return ND_MANAGE_CONN_SAME;
    }
  nd_manage_conn_clear (conn);
  if (source == NULL || *info == NULL)
    return ND_MANAGE_CONN_NONE;
  conn->source = g_object_ref (source);
  conn->cancellable = g_cancellable_new ();
  conn->blocked = nd_channel_write_blocked (source);
  conn->money = (*info)->money ? nd_money_copy ((*info)->money) : NULL;
  return ND_MANAGE_CONN_NEW;
}

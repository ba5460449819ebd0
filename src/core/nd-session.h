/* nd-session.h — the live connection of one profile
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pages never build sources themselves: they watch the session's state and
 * ask its source. A profile with a DSN reads analytics and logs from the
 * database; one with only a URL reads them over the admin API.
 */
#pragma once

#include "nd-profile.h"
#include "nd-source.h"

G_BEGIN_DECLS

typedef enum {
  ND_SESSION_DISCONNECTED,
  ND_SESSION_CONNECTING,
  ND_SESSION_CONNECTED,
  ND_SESSION_FAILED,
} NdSessionState;

#define ND_TYPE_SESSION (nd_session_get_type ())
G_DECLARE_FINAL_TYPE (NdSession, nd_session, ND, SESSION, GObject)

NdSession      *nd_session_new           (NdProfile *profile, NdSecretStore *secrets);
/* A session over a source the caller built (a report file, a scripted source
 * in tests); connecting probes it. */
NdSession      *nd_session_new_for_source (NdProfile *profile, NdSource *source);
NdProfile      *nd_session_get_profile   (NdSession *self);
NdSessionState  nd_session_get_state     (NdSession *self);
NdSource       *nd_session_get_source    (NdSession *self);
/* The source for writes and catalogue lists: the API in hybrid profiles. */
NdSource       *nd_session_get_manage_source (NdSession *self);
NdServerInfo   *nd_session_get_info      (NdSession *self);
const GError   *nd_session_get_error     (NdSession *self);
char           *nd_session_dup_status_text (NdSession *self);

void            nd_session_connect_async  (NdSession *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean        nd_session_connect_finish (NdSession *self, GAsyncResult *result, GError **error);
void            nd_session_disconnect     (NdSession *self);

G_END_DECLS

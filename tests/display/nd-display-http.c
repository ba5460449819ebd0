/* nd-display-http.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-display-http.h"

typedef struct {
  GAsyncResult *res;
} Slot;

static gboolean
slot_set (gpointer data)
{
  return ((Slot *) data)->res != NULL;
}

static void
store_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  ((Slot *) data)->res = g_object_ref (result);
}

NdSession *
nd_display_http_session (NdFakeNewapi *fake, int role, gboolean read_only)
{
  gint64 user_id = nd_fake_newapi_find_user (fake, role);
  g_autofree char *token = nd_fake_newapi_dup_token (fake, user_id);
  g_autofree char *id = g_strdup_printf ("http-display-%d-%" G_GINT64_FORMAT, role, g_get_monotonic_time ());
  g_autoptr(NdProfile) profile = NULL;
  g_autoptr(NdSecretStore) secrets = nd_secret_store_new_memory ();
  g_autoptr(GError) error = NULL;
  NdSession *session;
  Slot slot = { NULL };

  g_assert_cmpint (user_id, >, 0);
  g_assert_nonnull (token);
  profile = g_object_new (ND_TYPE_PROFILE, "id", id, "name", "URL only",
                          "api-url", nd_fake_newapi_get_url (fake), "api-user-id", user_id,
                          "read-only", read_only, NULL);
  g_assert_false (nd_profile_has_pg (profile));
  g_assert_true (nd_profile_has_api (profile));
  nd_secret_store_store_async (secrets, id, ND_SECRET_API_TOKEN, token, NULL, store_cb, &slot);
  nd_display_test_wait (slot_set, &slot, 10, "the token to be stored");
  g_assert_true (nd_secret_store_store_finish (secrets, slot.res, &error));
  g_clear_object (&slot.res);

  session = nd_session_new (profile, secrets);
  nd_session_connect_async (session, NULL, store_cb, &slot);
  nd_display_test_wait (slot_set, &slot, 30, "the session to connect");
  g_assert_true (nd_session_connect_finish (session, slot.res, &error));
  g_assert_no_error (error);
  g_clear_object (&slot.res);
  g_assert_cmpint (nd_session_get_info (session)->kind, ==, ND_SOURCE_KIND_HTTP);
  return session;
}

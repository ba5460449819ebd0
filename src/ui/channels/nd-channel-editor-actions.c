/* nd-channel-editor-actions.c — the writes: save, status, key, keys, copy, delete
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-data.h"
#include "nd-channel-dialogs.h"
#include "nd-channel-editor-private.h"
#include "nd-secure-string.h"

enum { SIGNAL_CHANGED, SIGNAL_DELETED, SIGNAL_CLOSE, SIGNAL_HEALTH, N_SIGNALS };
static guint signals[N_SIGNALS];

void
_nd_channel_editor_emit_changed (NdChannelEditor *self, gint64 id, gboolean select)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, id, select);
}

static GCancellable *
write_cancellable (NdChannelEditor *self)
{
  if (self->write_cancellable == NULL || g_cancellable_is_cancelled (self->write_cancellable))
    {
      g_clear_object (&self->write_cancellable);
      self->write_cancellable = g_cancellable_new ();
    }
  return self->write_cancellable;
}

/* Starts @write (taken) unless writes are refused; the form stays as it is. */
static gboolean
run (NdChannelEditor *self, NdWrite *write, NdChannelWriteDone done)
{
  g_autoptr(NdWrite) owned = write;

  if (self->source == NULL || self->blocked != NULL)
    {
      nd_channel_toast (GTK_WIDGET (self), self->blocked ? self->blocked : _("Not connected"));
      return FALSE;
    }
  _nd_channel_editor_set_writing (self, TRUE);
  nd_channel_run_write (GTK_WIDGET (self), self->source, g_steal_pointer (&owned),
                        write_cancellable (self), done, self);
  return TRUE;
}

/* ─── save ──────────────────────────────────────────────────────────────── */

static gboolean
save_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdChannelEditor *self = data;

  _nd_channel_editor_set_writing (self, FALSE);
  if (error != NULL)
    {
      if (g_error_matches (error, ND_ERROR, ND_ERROR_CONFLICT))
        {
          /* The same name as another channel: nothing was written. Say so
           * at the name, and let the admin keep both on purpose. */
          _nd_channel_editor_show_error (self, "name", error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->save_anyway_button), TRUE);
          return TRUE;
        }
      return FALSE;
    }
  self->allow_duplicate_name = FALSE;
  if (self->creating)
    {
      self->creating = FALSE;
      self->id = result->new_id;
      nd_channel_usage_set_channel (self->usage, self->id);
    }
  _nd_channel_editor_emit_changed (self, self->id, TRUE);
  _nd_channel_editor_reload (self);
  return FALSE;
}

void
nd_channel_editor_save (NdChannelEditor *self)
{
  g_autoptr(NdChannelEdit) edit = NULL;
  g_autoptr(NdWrite) write = NULL;
  g_autoptr(GError) error = NULL;
  const char *field = NULL;

  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));
  if (self->writing || self->loading || (!self->creating && self->original == NULL))
    return;
  edit = _nd_channel_editor_build_edit (self);
  if (!self->creating && edit->mask == 0)
    return;
  write = self->creating ? nd_write_channel_create_new (g_steal_pointer (&edit))
                         : nd_write_channel_update_new (self->id, g_steal_pointer (&edit));
  _nd_channel_editor_clear_errors (self);
  /* What the write path would refuse is refused here, at its field, before
   * anything is sent. */
  if (!nd_write_validate (write, &field, &error))
    {
      _nd_channel_editor_show_error (self, field, error->message);
      return;
    }
  run (self, g_steal_pointer (&write), save_done);
}

static void
save_anyway_clicked_cb (NdChannelEditor *self)
{
  self->allow_duplicate_name = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->save_anyway_button), FALSE);
  nd_channel_editor_save (self);
}

/* ─── status and keys ───────────────────────────────────────────────────── */

static gboolean
reload_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdChannelEditor *self = data;

  _nd_channel_editor_set_writing (self, FALSE);
  if (error == NULL)
    _nd_channel_editor_emit_changed (self, self->id, FALSE);
  /* Failed or not, show what the channel is now. */
  _nd_channel_editor_reload (self);
  return FALSE;
}

static void
status_active_cb (NdChannelEditor *self)
{
  int status = gtk_switch_get_active (self->status_switch) ? ND_CHANNEL_STATUS_ENABLED
                                                           : ND_CHANNEL_STATUS_MANUALLY_DISABLED;

  if (self->filling || self->original == NULL || self->original->status == status ||
      (self->original->status == ND_CHANNEL_STATUS_AUTO_DISABLED &&
       status == ND_CHANNEL_STATUS_MANUALLY_DISABLED))
    return;
  if (!run (self, nd_write_channel_status_new (&self->id, 1, status, NULL), reload_done))
    _nd_channel_editor_reload (self);
}

static void
key_toggled_cb (NdChannelEditor *self, int index, int status)
{
  if (self->original == NULL)
    return;
  if (!run (self, nd_write_channel_key_status_new (self->id, index, status), reload_done))
    _nd_channel_editor_reload (self);
}

static gboolean
key_replaced (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdChannelEditor *self = data;

  reload_done (data, result, error);
  if (error == NULL)
    nd_channel_toast (GTK_WIDGET (self), _("The key was replaced"));
  return FALSE;
}

static void
key_answered (gpointer data, gboolean go, const char *key)
{
  NdChannelEditor *self = data;
  NdChannelEdit *edit;

  if (!go || key == NULL || *key == '\0' || self->original == NULL)
    return;
  edit = nd_channel_edit_new ();
  edit->mask = ND_CHANNEL_FIELD_KEY;
  edit->key = g_strdup (key);
  run (self, nd_write_channel_update_new (self->id, edit), key_replaced);
}

static void
replace_key_clicked_cb (NdChannelEditor *self)
{
  gboolean multi = self->original != NULL && self->original->is_multi_key;

  nd_channel_ask_key (GTK_WIDGET (self), _("Replace the Key?"),
                      multi ? _("Every key of this channel is replaced by the keys you enter, one "
                                "per line. The old keys cannot be read back.")
                            : _("Requests through this channel will use the new key. The old key "
                                "cannot be read back."),
                      multi, key_answered, g_object_ref (self), g_object_unref);
}

/* ─── copy and delete ───────────────────────────────────────────────────── */

static gboolean
copy_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdChannelEditor *self = data;
  g_autofree char *text = NULL;

  _nd_channel_editor_set_writing (self, FALSE);
  if (error != NULL)
    return FALSE;
  text = g_strdup_printf (_("Copied as channel #%" PRId64), result->new_id);
  nd_channel_toast (GTK_WIDGET (self), text);
  _nd_channel_editor_emit_changed (self, result->new_id, TRUE);
  return FALSE;
}

static void
copy_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdChannelEditor *self = ND_CHANNEL_EDITOR (widget);

  if (self->id > 0 && !self->creating)
    run (self, nd_write_channel_copy_new (self->id), copy_done);
}

static gboolean
delete_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdChannelEditor *self = data;
  gint64 id = self->id;

  _nd_channel_editor_set_writing (self, FALSE);
  if (error != NULL)
    return FALSE;
  nd_channel_toast (GTK_WIDGET (self), _("The channel was deleted"));
  g_signal_emit (self, signals[SIGNAL_DELETED], 0, id);
  return FALSE;
}

static void
delete_answered (gpointer data, gboolean go, const char *text)
{
  NdChannelEditor *self = data;

  if (go && self->id > 0 && !self->creating)
    run (self, nd_write_channel_delete_new (&self->id, 1), delete_done);
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdChannelEditor *self = ND_CHANNEL_EDITOR (widget);
  g_autofree char *heading = NULL;
  g_autofree char *shown = NULL;

  if (self->id <= 0 || self->creating)
    return;
  shown = nd_mask_text_dup (self->original && self->original->name ? self->original->name : "");
  heading = g_strdup_printf (_("Delete “%s”?"), shown);
  nd_channel_confirm (GTK_WIDGET (self), heading,
                      _("NewAPI deletes channels for good: its routes go at once and it cannot be "
                        "restored. Its logs stay."),
                      _("_Delete"), delete_answered, g_object_ref (self), g_object_unref);
}

/* ─── the upstream ──────────────────────────────────────────────────────── */

/* At most this many names in the question; the rest are counted. */
#define FETCH_LIST_MAX 24

typedef struct {
  NdChannelEditor *self;
  gint64 id;
  GPtrArray *names;             /* the models the form lacks */
} FetchAnswer;

static void
fetch_answer_free (gpointer data)
{
  FetchAnswer *a = data;

  g_object_unref (a->self);
  g_ptr_array_unref (a->names);
  g_free (a);
}

static void
merge_answered (gpointer data, gboolean go, const char *text)
{
  FetchAnswer *a = data;
  g_autofree char *joined = NULL;

  /* Into the form only: nothing is written until the admin saves. */
  if (!go || a->self->id != a->id || a->self->creating)
    return;
  g_ptr_array_add (a->names, NULL);
  joined = g_strjoinv ("\n", (char **) a->names->pdata);
  g_ptr_array_remove_index (a->names, a->names->len - 1);
  nd_channel_models_add (a->self->models, joined);
}

static void
fetch_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdChannelEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) offered = nd_source_fetch_models_finish (ND_SOURCE (object), result, &error);
  g_autofree char *current = NULL;
  g_autoptr(GString) body = NULL;
  g_autofree char *heading = NULL;
  FetchAnswer *a;

  if (offered == NULL && nd_error_is_cancelled (error))
    return;
  self->fetching = FALSE;
  _nd_channel_editor_update_state (self);
  if (offered == NULL)
    {
      nd_channel_toast (GTK_WIDGET (self), error->message);
      return;
    }
  current = nd_channel_models_get_models (self->models);
  a = g_new0 (FetchAnswer, 1);
  a->self = g_object_ref (self);
  a->id = self->id;
  a->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; offered[i] != NULL; i++)
    {
      gboolean seen = nd_channel_list_has (current, offered[i]) || *offered[i] == '\0';

      for (guint j = 0; j < a->names->len && !seen; j++)
        seen = g_strcmp0 (g_ptr_array_index (a->names, j), offered[i]) == 0;
      if (!seen)
        g_ptr_array_add (a->names, g_strdup (offered[i]));
    }
  if (a->names->len == 0)
    {
      g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "The upstream offers %u model; the list has it already.",
                                                           "The upstream offers %u models; the list has them all already.",
                                                           g_strv_length (offered)),
                                              g_strv_length (offered));

      nd_channel_toast (GTK_WIDGET (self), msg);
      fetch_answer_free (a);
      return;
    }
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Add %u Model?", "Add %u Models?",
                                          a->names->len), a->names->len);
  body = g_string_new (_("The upstream offers models this channel’s list lacks:"));
  g_string_append_c (body, '\n');
  for (guint i = 0; i < a->names->len && i < FETCH_LIST_MAX; i++)
    {
      g_autofree char *shown = nd_mask_text_dup (g_ptr_array_index (a->names, i));

      g_string_append_printf (body, i > 0 ? ", %s" : "%s", shown);
    }
  if (a->names->len > FETCH_LIST_MAX)
    {
      g_string_append_c (body, ' ');
      g_string_append_printf (body, _("and %u more"), a->names->len - FETCH_LIST_MAX);
    }
  g_string_append (body, "\n\n");
  g_string_append (body, _("They are added to the form; nothing is saved until you save."));
  nd_channel_offer (GTK_WIDGET (self), heading, body->str, _("_Add"), merge_answered, a,
                    fetch_answer_free);
}

/* "Fetch from Upstream": the upstream's list, merged on the admin's word. */
static void
fetch_models_cb (NdChannelEditor *self)
{
  if (self->source == NULL || self->id <= 0 || self->creating || self->fetching)
    return;
  g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);
  self->fetch_cancellable = g_cancellable_new ();
  self->fetching = TRUE;
  _nd_channel_editor_update_state (self);
  nd_source_fetch_models_async (self->source, self->id, self->fetch_cancellable, fetch_done,
                                g_object_ref (self));
}

/* Test this channel, read its balance: the page runs them (one health bar
 * for the page, and the row shows the result). */
static void
test_clicked_cb (NdChannelEditor *self)
{
  if (self->id > 0 && !self->creating)
    g_signal_emit (self, signals[SIGNAL_HEALTH], 0, self->id, FALSE);
}

static void
balance_clicked_cb (NdChannelEditor *self)
{
  if (self->id > 0 && !self->creating)
    g_signal_emit (self, signals[SIGNAL_HEALTH], 0, self->id, TRUE);
}

/* ─── wiring ────────────────────────────────────────────────────────────── */

static void
close_clicked_cb (NdChannelEditor *self)
{
  g_signal_emit (self, signals[SIGNAL_CLOSE], 0);
}

void
_nd_channel_editor_actions_init (NdChannelEditorClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* changed (id, select): a write changed channel @id (a new one when
   * created or copied); @select: show it. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          G_TYPE_INT64, G_TYPE_BOOLEAN);
  /* deleted (id): channel @id is gone. */
  signals[SIGNAL_DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* close: the admin is done with the detail. */
  signals[SIGNAL_CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* health (id, balance): test channel @id, or read its balance. */
  signals[SIGNAL_HEALTH] = g_signal_new ("health", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_INT64, G_TYPE_BOOLEAN);
  gtk_widget_class_install_action (widget_class, "editor.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
}

void
_nd_channel_editor_connect (NdChannelEditor *self)
{
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (nd_channel_editor_save), self);
  g_signal_connect_swapped (self->save_anyway_button, "clicked",
                            G_CALLBACK (save_anyway_clicked_cb), self);
  g_signal_connect_swapped (self->status_switch, "notify::active", G_CALLBACK (status_active_cb), self);
  g_signal_connect_swapped (self->keys, "toggled", G_CALLBACK (key_toggled_cb), self);
  g_signal_connect_swapped (self->replace_key_button, "clicked",
                            G_CALLBACK (replace_key_clicked_cb), self);
  g_signal_connect_swapped (self->models, "fetch", G_CALLBACK (fetch_models_cb), self);
  g_signal_connect_swapped (self->test_button, "clicked", G_CALLBACK (test_clicked_cb), self);
  g_signal_connect_swapped (self->balance_button, "clicked", G_CALLBACK (balance_clicked_cb), self);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (close_clicked_cb), self);
  g_signal_connect_swapped (self->close_button, "clicked", G_CALLBACK (close_clicked_cb), self);
}

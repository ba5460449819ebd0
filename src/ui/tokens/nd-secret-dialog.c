/* nd-secret-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-secret-dialog.h"
#include "nd-secure-string.h"
#include "nd-toast.h"

struct _NdSecretDialog
{
  AdwWindow parent_instance;

  AdwToastOverlay *toasts;
  AdwWindowTitle *title;
  GtkLabel *body_label;
  GtkScrolledWindow *scroller;
  GtkTextView *text_view;
  GtkButton *save_button;
  GtkButton *copy_button;
  AdwButtonContent *copy_content;
  GtkButton *done_button;

  GPtrArray *secrets;           /* char*, with the prefix, wiped on free */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (NdSecretDialog, nd_secret_dialog, ADW_TYPE_WINDOW)

/* The secrets one a line (a file's lines each end in a newline, a CSV
 * has a header), wiped by the caller. */
static char *
joined (NdSecretDialog *self, gboolean file, gboolean csv)
{
  GString *s = g_string_new (csv ? "code\n" : NULL);

  for (guint i = 0; i < self->secrets->len; i++)
    {
      g_string_append (s, g_ptr_array_index (self->secrets, i));
      if (i + 1 < self->secrets->len || file)
        g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static void
copy_cb (NdSecretDialog *self)
{
  g_autoptr(NdSecret) text = joined (self, FALSE, FALSE);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  adw_toast_overlay_add_toast (self->toasts,
                               nd_toast_new (self->secrets->len == 1 ? _("Copied")
                                             : _("All codes copied")));
}

gboolean
nd_secret_dialog_save (NdSecretDialog *self, const char *path, GError **error)
{
  g_autoptr(NdSecret) text = NULL;

  g_return_val_if_fail (ND_IS_SECRET_DIALOG (self), FALSE);
  text = joined (self, TRUE, g_str_has_suffix (path, ".csv"));
  /* A temporary file renamed over the name when complete, readable by its
   * owner only: these codes are money. */
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, NdSecretDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file ? g_file_get_path (file) : NULL;
    }
  g_clear_object (&self->chooser);
  if (path == NULL)
    return;
  if (!nd_secret_dialog_save (self, path, &error))
    {
      adw_toast_overlay_add_toast (self->toasts, nd_toast_new (error->message));
      return;
    }
  {
    g_autofree char *base = g_path_get_basename (path);
    /* Translators: the codes were written to this file */
    g_autofree char *msg = g_strdup_printf (_("Saved to %s"), base);

    adw_toast_overlay_add_toast (self->toasts, nd_toast_new (msg));
  }
}

static void
save_cb (NdSecretDialog *self)
{
  GtkFileFilter *txt = gtk_file_filter_new ();
  GtkFileFilter *csv = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save Codes"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_file_filter_set_name (txt, _("Text, one code a line"));
  gtk_file_filter_add_pattern (txt, "*.txt");
  gtk_file_filter_set_name (csv, _("CSV"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), txt);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "redemption-codes.txt");
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
wipe (NdSecretDialog *self)
{
  /* The buffer's copy goes first; ours are wiped as the array frees them. */
  if (self->text_view != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
  if (self->secrets != NULL)
    g_ptr_array_set_size (self->secrets, 0);
}

static gboolean
close_request_cb (NdSecretDialog *self)
{
  wipe (self);
  return FALSE;
}

static void
nd_secret_dialog_dispose (GObject *object)
{
  NdSecretDialog *self = ND_SECRET_DIALOG (object);

  wipe (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_SECRET_DIALOG);
  G_OBJECT_CLASS (nd_secret_dialog_parent_class)->dispose (object);
}

static void
nd_secret_dialog_finalize (GObject *object)
{
  g_clear_pointer (&ND_SECRET_DIALOG (object)->secrets, g_ptr_array_unref);
  G_OBJECT_CLASS (nd_secret_dialog_parent_class)->finalize (object);
}

static void
nd_secret_dialog_class_init (NdSecretDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_secret_dialog_dispose;
  object_class->finalize = nd_secret_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-secret-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdSecretDialog, name)
  BIND (toasts); BIND (title); BIND (body_label); BIND (scroller); BIND (text_view); BIND (save_button);
  BIND (copy_button); BIND (copy_content); BIND (done_button);
#undef BIND
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nd_secret_dialog_init (NdSecretDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_secure_free);
  g_signal_connect_swapped (self->copy_button, "clicked", G_CALLBACK (copy_cb), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_cb), self);
  g_signal_connect_swapped (self->done_button, "clicked", G_CALLBACK (gtk_window_close), self);
  g_signal_connect_swapped (self, "close-request", G_CALLBACK (close_request_cb), self);
}

NdSecretDialog *
nd_secret_dialog_new (GtkWidget *parent, const char *title, const char *body, GPtrArray *secrets,
                      const char *prefix, gboolean can_save)
{
  NdSecretDialog *self = g_object_new (ND_TYPE_SECRET_DIALOG, NULL);
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;
  g_autoptr(NdSecret) text = NULL;

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  adw_window_title_set_title (self->title, title);
  gtk_label_set_text (self->body_label, body);
  for (guint i = 0; secrets != NULL && i < secrets->len; i++)
    g_ptr_array_add (self->secrets, g_strconcat (prefix ? prefix : "",
                                                 (const char *) g_ptr_array_index (secrets, i),
                                                 NULL));
  text = joined (self, FALSE, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  adw_button_content_set_label (self->copy_content, self->secrets->len == 1 ? _("_Copy")
                                                                            : _("Copy _All"));
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), can_save);
  /* A batch shows a screenful of codes at once, not a sliver. */
  if (self->secrets->len > 1)
    gtk_scrolled_window_set_min_content_height (self->scroller, MIN (self->secrets->len, 12) * 20 + 20);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

guint
nd_secret_dialog_get_n (NdSecretDialog *self)
{
  g_return_val_if_fail (ND_IS_SECRET_DIALOG (self), 0);
  return self->secrets->len;
}

char *
nd_secret_dialog_dup_text (NdSecretDialog *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (ND_IS_SECRET_DIALOG (self), NULL);
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

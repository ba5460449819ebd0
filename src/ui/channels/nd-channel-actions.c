/* nd-channel-actions.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-secure-string.h"
#include "nd-toast.h"

typedef struct {
  GtkWidget *owner;
  GCancellable *cancellable;
  NdChannelWriteDone done;
  gpointer user_data;
} WriteCtx;

static void
write_ctx_free (WriteCtx *ctx)
{
  g_clear_object (&ctx->owner);
  g_clear_object (&ctx->cancellable);
  g_free (ctx);
}

static void
write_done (GObject *object, GAsyncResult *result, gpointer data)
{
  WriteCtx *ctx = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdWriteResult) res = nd_source_write_finish (ND_SOURCE (object), result, &error);

  if ((error != NULL && nd_error_is_cancelled (error)) ||
      (ctx->cancellable != NULL && g_cancellable_is_cancelled (ctx->cancellable)))
    {
      write_ctx_free (ctx);
      return;
    }
  if (res == NULL)
    {
      if (ctx->done == NULL || !ctx->done (ctx->user_data, NULL, error))
        nd_channel_toast (ctx->owner, error->message);
      write_ctx_free (ctx);
      return;
    }
  /* A write that committed without its audit row must not pass unseen. */
  if (res->audit_error != NULL)
    nd_channel_toast (ctx->owner, res->audit_error);
  if (res->notice != NULL)
    nd_channel_toast (ctx->owner, res->notice);
  if (ctx->done != NULL)
    ctx->done (ctx->user_data, res, NULL);
  write_ctx_free (ctx);
}

void
nd_channel_run_write (GtkWidget *owner, NdSource *source, NdWrite *write, GCancellable *cancellable,
                      NdChannelWriteDone done, gpointer user_data)
{
  g_autoptr(NdWrite) owned = write;
  WriteCtx *ctx = g_new0 (WriteCtx, 1);

  ctx->owner = g_object_ref (owner);
  ctx->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  ctx->done = done;
  ctx->user_data = user_data;
  /* The source copies what it keeps (nd_write_copy): ours goes now, and
   * with it any key it carried, wiped. */
  nd_source_write_async (source, owned, cancellable, write_done, ctx);
}

char *
nd_channel_write_blocked (NdSource *source)
{
  g_autoptr(GError) error = NULL;

  if (source == NULL)
    return g_strdup (_("Not connected"));
  if (nd_source_check_writable (source, &error))
    return NULL;
  return g_strdup (error->message);
}

/* Beyond this a toast title (which libadwaita 1.2 cuts at one line) wraps. */
#define TOAST_LONG 60

void
nd_channel_toast (GtkWidget *widget, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL || message == NULL)
    return;
  toast = nd_toast_new (message);
  if (g_utf8_strlen (message, -1) > TOAST_LONG)
    {
      g_autofree char *masked = nd_mask_text_dup (message);
      GtkWidget *label = gtk_label_new (masked);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      adw_toast_set_custom_title (toast, label);
      adw_toast_set_timeout (toast, 10);
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
nd_channel_set_blocked (GtkWidget *widget, const char *reason, const char *tooltip)
{
  const char *want = reason == NULL ? tooltip : *reason ? reason : NULL;
  const char *now = gtk_widget_get_tooltip_text (widget);

  gtk_widget_set_sensitive (widget, reason == NULL);
  /* "" greys without a reason to give (a write is running). Only a change
   * is set: on GTK 4.8 each set asks the X server where the pointer is. */
  if (g_strcmp0 (now, want) != 0)
    gtk_widget_set_tooltip_text (widget, want);
}

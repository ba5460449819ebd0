/* nd-secret-dialog.h — a new token key, a revealed one, or a batch of new
 * redemption codes, shown once: copy, save to a file, and gone on close
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ND_TYPE_SECRET_DIALOG (nd_secret_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NdSecretDialog, nd_secret_dialog, ND, SECRET_DIALOG, AdwWindow)

/* Shows @secrets (char*, copied; each with @prefix in front, e.g. "sk-")
 * in a window transient for @parent's. With @can_save a "Save As…"
 * button writes them, one a line, to a file only its owner can read. On
 * close the text is wiped from the window and from memory. */
NdSecretDialog *nd_secret_dialog_new      (GtkWidget *parent, const char *title, const char *body,
                                           GPtrArray *secrets, const char *prefix,
                                           gboolean can_save);
/* For tests: how many secrets, and the text on screen (a copy). */
guint           nd_secret_dialog_get_n    (NdSecretDialog *self);
char           *nd_secret_dialog_dup_text (NdSecretDialog *self);
/* Writes the secrets to @path as "Save As…" does. */
gboolean        nd_secret_dialog_save     (NdSecretDialog *self, const char *path, GError **error);

G_END_DECLS

/* nd-user-dialogs.h — the Users page's questions: a quota change with its
 * preview, a new user
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-money.h"
#include "nd-records.h"
#include "nd-write.h"

G_BEGIN_DECLS

/* Called once the admin applied the change: @amount in quota units (> 0
 * for add and subtract, ≥ 0 for set), @reason possibly "". */
typedef void (*NdUserQuotaAnswer) (gpointer user_data, NdQuotaMode mode, gint64 amount,
                                   const char *reason);

/* Asks how to change @user's quota: add, subtract or set an amount in the
 * currency @money shows or in quota units (only units when it shows
 * tokens), with the amount and the resulting balance previewed in both; a
 * change larger than the current balance is marked and needs the
 * destructive-looking button. */
AdwMessageDialog *nd_user_quota_dialog_new  (GtkWidget *parent, const NdUser *user,
                                             const NdMoney *money, NdUserQuotaAnswer answer,
                                             gpointer user_data, GDestroyNotify destroy);

/* @text ("12.5", "12,5") in @money's currency as quota units; FALSE when
 * it is not a number ≥ 0 or too large. */
gboolean          nd_user_parse_amount      (const char *text, const NdMoney *money, gint64 *quota);
/* @text as a whole number of quota units ("1000000", "1,000,000", grouped
 * as the locale groups); FALSE for fractions, anything else, or too large. */
gboolean          nd_user_parse_units       (const char *text, gint64 *quota);

/* Called once the admin asked for the user (@edit taken). */
typedef void (*NdUserCreateAnswer) (gpointer user_data, NdUserEdit *edit);

/* Asks for a new user's username, display name and password. */
AdwMessageDialog *nd_user_create_dialog_new (GtkWidget *parent, NdUserCreateAnswer answer,
                                             gpointer user_data, GDestroyNotify destroy);

/* Called once the admin saved: @edit (taken) holds the changed fields
 * only; never called when nothing changed. */
typedef void (*NdUserEditAnswer) (gpointer user_data, NdUserEdit *edit);

/* Edits @user's display name, group (one of @groups, NULL-terminated),
 * role (common or admin; not offered for root), remark and password (left
 * empty: unchanged). */
AdwMessageDialog *nd_user_edit_dialog_new   (GtkWidget *parent, const NdUser *user,
                                             const char * const *groups, NdUserEditAnswer answer,
                                             gpointer user_data, GDestroyNotify destroy);

/* A part of a dialog above, for tests: "mode", "group", "role"
 * (AdwComboRow), "unit" (GtkDropDown: 0 money, 1 quota units), "amount", "reason", "username", "display-name",
 * "password", "remark" (AdwEntryRow) and "preview" (GtkLabel). */
GtkWidget        *nd_user_dialog_get_part   (AdwMessageDialog *dialog, const char *name);

G_END_DECLS

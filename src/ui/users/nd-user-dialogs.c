/* nd-user-dialogs.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "nd-secure-string.h"
#include "nd-user-dialogs.h"

/* Well inside what NewAPI's int quota column and our gint64 arithmetic hold. */
#define MAX_QUOTA ((gint64) 1 << 50)

typedef struct {
  NdUserQuotaAnswer quota_answer;
  NdUserCreateAnswer create_answer;
  gpointer user_data;
  GDestroyNotify destroy;
  NdMoney *money;
  gint64 current;
  GHashTable *parts;            /* name → widget, owned by the dialog */
} Ask;

static void
ask_free (Ask *ask)
{
  if (ask->destroy != NULL)
    ask->destroy (ask->user_data);
  g_clear_pointer (&ask->money, nd_money_free);
  g_hash_table_unref (ask->parts);
  g_free (ask);
}

static GtkWidget *
part (Ask *ask, const char *name)
{
  return g_hash_table_lookup (ask->parts, name);
}

GtkWidget *
nd_user_dialog_get_part (AdwMessageDialog *dialog, const char *name)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "nd-user-ask");

  return ask ? part (ask, name) : NULL;
}

typedef enum { AMOUNT_OK, AMOUNT_BAD, AMOUNT_TOO_LARGE } AmountParse;

static AmountParse
parse_money (const char *text, const NdMoney *money, gint64 *quota)
{
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));
  char *end = NULL;
  double value;

  /* A decimal comma is as likely as a point; digit grouping is not taken
   * (is "1,000" one thousand or one?). */
  g_strdelimit (copy, ",", '.');
  if (*copy == '\0' || strchr (copy, '.') != strrchr (copy, '.'))
    return AMOUNT_BAD;
  for (const char *p = copy; *p; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return AMOUNT_BAD;
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value) || value < 0)
    return AMOUNT_BAD;
  *quota = nd_money_quota_from_currency (money, value);
  return *quota >= 0 && *quota <= MAX_QUOTA ? AMOUNT_OK : AMOUNT_TOO_LARGE;
}

gboolean
nd_user_parse_amount (const char *text, const NdMoney *money, gint64 *quota)
{
  return parse_money (text, money, quota) == AMOUNT_OK;
}

/* The separator nd_format_count puts between thousands here ("," in the
 * C locale, "." in German, a narrow space in French). */
static char *
locale_separator (void)
{
  g_autofree char *thousand = nd_format_count (1000);

  return g_strndup (thousand + 1, strlen (thousand) - 4);
}

static AmountParse
parse_units (const char *text, gint64 *quota)
{
  static const char * const common[] = { ",", "'", " ", "\u00a0", "\u202f", "_" };
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *local = locale_separator ();
  g_autofree char *regrouped = NULL;
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *sep = NULL;
  gboolean threes = TRUE;
  guint run = 0;
  const char *p = copy;

  /* Units are whole: "1.5" is refused, not rounded, and "1,000,000" is a
   * million, as the preview then shows. One separator kind, in groups of
   * three (or as this locale groups: "10,00,000"). */
  while (*p != '\0')
    {
      const char *next = g_utf8_next_char (p);

      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (digits, *p);
          run++;
          p = next;
          continue;
        }
      if (run == 0 || (sep != NULL && strncmp (p, sep, strlen (sep)) != 0))
        return AMOUNT_BAD;
      if (sep == NULL)
        {
          if (*local != '\0' && g_str_has_prefix (p, local))
            sep = local;
          for (guint i = 0; sep == NULL && i < G_N_ELEMENTS (common); i++)
            if (g_str_has_prefix (p, common[i]))
              sep = common[i];
          if (sep == NULL)
            return AMOUNT_BAD;
          threes = run <= 3;
        }
      else if (run != 3)
        threes = FALSE;
      run = 0;
      p += strlen (sep);
    }
  if (digits->len == 0 || run == 0 || (sep != NULL && run != 3))
    threes = FALSE;
  if (digits->len == 0 || run == 0)
    return AMOUNT_BAD;
  if (digits->len > 16)
    return AMOUNT_TOO_LARGE;
  *quota = g_ascii_strtoll (digits->str, NULL, 10);
  if (sep != NULL && !threes)
    {
      regrouped = nd_format_count (*quota);
      if (g_strcmp0 (regrouped, copy) != 0)
        return AMOUNT_BAD;
    }
  return *quota <= MAX_QUOTA ? AMOUNT_OK : AMOUNT_TOO_LARGE;
}

gboolean
nd_user_parse_units (const char *text, gint64 *quota)
{
  return parse_units (text, quota) == AMOUNT_OK;
}

/* ─── quota ─────────────────────────────────────────────────────────────── */

static NdQuotaMode
quota_mode (Ask *ask)
{
  switch (adw_combo_row_get_selected (ADW_COMBO_ROW (part (ask, "mode"))))
    {
    case 1: return ND_QUOTA_SUBTRACT;
    case 2: return ND_QUOTA_SET;
    default: return ND_QUOTA_ADD;
    }
}

static gint64
resulting (Ask *ask, NdQuotaMode mode, gint64 amount)
{
  switch (mode)
    {
    case ND_QUOTA_SUBTRACT: return ask->current - amount;
    case ND_QUOTA_SET: return amount;
    case ND_QUOTA_ADD:
    default: return ask->current + amount;
    }
}

/* Whether the amount is typed in quota units rather than money. */
static gboolean
in_units (Ask *ask)
{
  return ask->money->display == ND_MONEY_TOKENS ||
         gtk_drop_down_get_selected (GTK_DROP_DOWN (part (ask, "unit"))) == 1;
}

/* The amount typed, in quota units; NULL when it is good, else why not
 * ("" when nothing was typed yet). */
static const char *
read_amount (Ask *ask, gint64 *amount)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (part (ask, "amount")));
  gboolean units = in_units (ask);
  AmountParse got;

  if (*text == '\0')
    return "";
  got = units ? parse_units (text, amount) : parse_money (text, ask->money, amount);
  if (got == AMOUNT_TOO_LARGE)
    return _("That amount is larger than any quota NewAPI holds.");
  if (got == AMOUNT_BAD)
    return units ? _("Quota units are whole numbers, such as 500,000.")
                 : _("Enter an amount of money, such as 2.50.");
  if (*amount == 0 && quota_mode (ask) != ND_QUOTA_SET)
    return _("Enter an amount above zero.");
  return NULL;
}

static void
quota_changed_cb (AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "nd-user-ask");
  GtkLabel *preview = GTK_LABEL (part (ask, "preview"));
  NdQuotaMode mode = quota_mode (ask);
  g_autofree char *now = nd_money_format_full (ask->money, ask->current);
  g_autofree char *after = NULL;
  g_autofree char *units = NULL;
  g_autofree char *line = NULL;
  GString *text;
  gint64 amount = 0, result, delta;
  const char *why;
  gboolean large;

  why = read_amount (ask, &amount);
  gtk_widget_remove_css_class (part (ask, "amount"), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (preview), "warning");
  if (why != NULL)
    {
      if (*why != '\0')
        gtk_widget_add_css_class (part (ask, "amount"), "error");
      line = g_strdup_printf (_("Balance now: %s"), now);
      if (*why != '\0')
        {
          char *both = g_strdup_printf ("%s\n%s", line, why);

          g_free (line);
          line = both;
        }
      gtk_label_set_text (preview, line);
      adw_message_dialog_set_response_enabled (dialog, "go", FALSE);
      return;
    }
  result = resulting (ask, mode, amount);
  delta = result - ask->current;
  /* The rule: a change larger than what the user has now is
   * confirmed as one would confirm a destructive action. */
  large = ABS (delta) > MAX (ask->current, 0);
  text = g_string_new (NULL);
  if (mode != ND_QUOTA_SET)
    {
      g_autofree char *money = nd_money_format_full (ask->money, amount);
      g_autofree char *count = nd_format_count (amount);

      /* Translators: the amount typed, in both units: "Adds $2.00
       * (1,000,000 quota units)" */
      g_string_append_printf (text, mode == ND_QUOTA_ADD ? _("Adds %s (%s quota units)")
                                                         : _("Subtracts %s (%s quota units)"),
                              money, count);
      g_string_append_c (text, '\n');
    }
  after = nd_money_format_full (ask->money, result);
  units = nd_format_count (result);
  /* Translators: "Balance: $10.00 → $15.00 (7,500,000 quota units)" */
  g_string_append_printf (text, _("Balance: %s → %s (%s quota units)"), now, after, units);
  if (large)
    {
      g_string_append_printf (text, "\n%s", _("This changes more than the user’s whole "
                                               "balance. Check the amount."));
      gtk_widget_add_css_class (GTK_WIDGET (preview), "warning");
    }
  gtk_label_set_text (preview, text->str);
  g_string_free (text, TRUE);
  adw_message_dialog_set_response_appearance (dialog, "go",
                                              large ? ADW_RESPONSE_DESTRUCTIVE
                                                    : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "go", TRUE);
}

static void
quota_response_cb (AdwMessageDialog *dialog, const char *response, Ask *ask)
{
  g_autofree char *reason = NULL;
  gint64 amount = 0;

  if (g_strcmp0 (response, "go") != 0 || read_amount (ask, &amount) != NULL)
    return;
  reason = g_strdup (gtk_editable_get_text (GTK_EDITABLE (part (ask, "reason"))));
  ask->quota_answer (ask->user_data, quota_mode (ask), amount, g_strstrip (reason));
}

static GtkWidget *
entry_row (Ask *ask, GtkWidget *list, const char *name, const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  g_hash_table_insert (ask->parts, (gpointer) name, g_object_ref (row));
  return row;
}

static GtkWidget *
password_row (Ask *ask, GtkWidget *list, const char *title)
{
  GtkWidget *row = entry_row (ask, list, "password", title);
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row));

  /* Masked in place: a GtkPasswordEntry in a message dialog trips a
   * GTK 4.8 handler left behind when the dialog closes. */
  if (GTK_IS_TEXT (text))
    {
      gtk_text_set_visibility (GTK_TEXT (text), FALSE);
      gtk_text_set_input_purpose (GTK_TEXT (text), GTK_INPUT_PURPOSE_PASSWORD);
    }
  return row;
}

static GtkWidget *
combo_row (Ask *ask, GtkWidget *list, const char *name, const char *title,
           const char * const *items, guint selected)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (gtk_string_list_new (items)));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  g_hash_table_insert (ask->parts, (gpointer) name, g_object_ref (row));
  return row;
}

static AdwMessageDialog *
dialog_new (GtkWidget *parent, const char *heading, const char *body, const char *action,
            Ask *ask, GtkWidget **list)
{
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  /* Referenced: a late response (the close after "go") finds them alive. */
  ask->parts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "nd-user-ask", ask, (GDestroyNotify) ask_free);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "go", action, NULL);
  adw_message_dialog_set_response_appearance (dialog, "go", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "go", FALSE);
  adw_message_dialog_set_default_response (dialog, "go");
  adw_message_dialog_set_close_response (dialog, "cancel");
  *list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (*list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (*list, "boxed-list");
  gtk_box_append (GTK_BOX (box), *list);
  adw_message_dialog_set_extra_child (dialog, box);
  return dialog;
}

AdwMessageDialog *
nd_user_quota_dialog_new (GtkWidget *parent, const NdUser *user, const NdMoney *money,
                          NdUserQuotaAnswer answer, gpointer user_data, GDestroyNotify destroy)
{
  Ask *ask = g_new0 (Ask, 1);
  g_autofree char *heading = NULL;
  g_autofree char *title = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list, *mode, *amount, *unit, *preview;
  const char *modes[] = { _("Add"), _("Subtract"), _("Set To"), NULL };
  const char *units[3] = { NULL };

  ask->quota_answer = answer;
  ask->user_data = user_data;
  ask->destroy = destroy;
  ask->money = money ? nd_money_copy (money) : nd_money_new_default ();
  ask->current = user->quota;
  /* Translators: the heading of the quota dialog; %s is a username. */
  heading = g_strdup_printf (_("Change the Quota of %s"), user->username ? user->username : "");
  dialog = dialog_new (parent, heading,
                       _("The change is written as NewAPI writes it, with an audit log row."),
                       _("_Apply"), ask, &list);

  mode = combo_row (ask, list, "mode", _("Change"), modes, 0);

  /* Money in the server's currency or quota units, chosen beside the
   * amount; a profile that shows tokens has only units to offer. */
  units[0] = nd_money_symbol (ask->money);
  units[1] = _("quota units");
  if (ask->money->display == ND_MONEY_TOKENS)
    title = g_strdup (_("Amount (quota units)"));
  else
    title = g_strdup (_("Amount"));
  amount = entry_row (ask, list, "amount", title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (amount), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  unit = gtk_drop_down_new_from_strings (units);
  gtk_widget_set_valign (unit, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (unit, ask->money->display != ND_MONEY_TOKENS);
  gtk_widget_set_tooltip_text (unit, _("Money or quota units"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (unit), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Unit"), -1);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (amount), unit);
  g_hash_table_insert (ask->parts, (gpointer) "unit", g_object_ref (unit));
  entry_row (ask, list, "reason", _("Reason (optional)"));

  preview = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (preview), TRUE);
  gtk_label_set_xalign (GTK_LABEL (preview), 0);
  gtk_widget_add_css_class (preview, "nd-quota-preview");
  gtk_box_append (GTK_BOX (gtk_widget_get_parent (list)), preview);
  g_hash_table_insert (ask->parts, (gpointer) "preview", g_object_ref (preview));

  g_signal_connect_swapped (mode, "notify::selected", G_CALLBACK (quota_changed_cb), dialog);
  g_signal_connect_swapped (amount, "changed", G_CALLBACK (quota_changed_cb), dialog);
  g_signal_connect_swapped (unit, "notify::selected", G_CALLBACK (quota_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (quota_response_cb), ask);
  quota_changed_cb (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (amount);
  return dialog;
}

/* ─── create ────────────────────────────────────────────────────────────── */

static void
create_changed_cb (AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "nd-user-ask");
  const char *username = gtk_editable_get_text (GTK_EDITABLE (part (ask, "username")));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (part (ask, "password")));

  /* The lengths NewAPI takes are checked by the write (nd_write_validate),
   * whose message says which; here only that something was typed. */
  adw_message_dialog_set_response_enabled (dialog, "go", *username != '\0' && *password != '\0');
}

static void
create_response_cb (AdwMessageDialog *dialog, const char *response, Ask *ask)
{
  GtkEditable *password = GTK_EDITABLE (part (ask, "password"));
  NdUserEdit *edit;
  const char *display;

  if (g_strcmp0 (response, "go") != 0)
    {
      gtk_editable_set_text (password, "");
      return;
    }
  edit = nd_user_edit_new ();
  edit->mask = ND_USER_FIELD_USERNAME | ND_USER_FIELD_PASSWORD;
  edit->username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (part (ask, "username")))));
  edit->password = g_strdup (gtk_editable_get_text (password));
  gtk_editable_set_text (password, "");
  display = gtk_editable_get_text (GTK_EDITABLE (part (ask, "display-name")));
  if (*display != '\0')
    {
      edit->mask |= ND_USER_FIELD_DISPLAY_NAME;
      edit->display_name = g_strstrip (g_strdup (display));
    }
  ask->create_answer (ask->user_data, edit);
}

AdwMessageDialog *
nd_user_create_dialog_new (GtkWidget *parent, NdUserCreateAnswer answer, gpointer user_data,
                           GDestroyNotify destroy)
{
  Ask *ask = g_new0 (Ask, 1);
  AdwMessageDialog *dialog;
  GtkWidget *list, *username, *password;

  ask->create_answer = answer;
  ask->user_data = user_data;
  ask->destroy = destroy;
  dialog = dialog_new (parent, _("New User"),
                       _("A common user in the default group, with the quota the gateway gives "
                         "new users."),
                       _("C_reate"), ask, &list);
  username = entry_row (ask, list, "username", _("Username"));
  entry_row (ask, list, "display-name", _("Display name (optional)"));
  password = password_row (ask, list, _("Password (8–20 characters)"));
  g_signal_connect_swapped (username, "changed", G_CALLBACK (create_changed_cb), dialog);
  g_signal_connect_swapped (password, "changed", G_CALLBACK (create_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (create_response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (username);
  return dialog;
}

/* ─── edit ──────────────────────────────────────────────────────────────── */

typedef struct {
  NdUser *user;                 /* what the dialog started from: only changes are sent */
  GStrv groups;
} EditState;

static void
edit_state_free (EditState *st)
{
  nd_user_free (st->user);
  g_strfreev (st->groups);
  g_free (st);
}

/* The text of entry row @name, trimmed. */
static char *
row_text (Ask *ask, const char *name)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (part (ask, name)))));
}

static NdUserEdit *
edit_changes (Ask *ask, EditState *st)
{
  g_autoptr(NdUserEdit) edit = nd_user_edit_new ();
  g_autofree char *display = row_text (ask, "display-name");
  g_autofree char *remark = row_text (ask, "remark");
  const char *password = gtk_editable_get_text (GTK_EDITABLE (part (ask, "password")));
  guint group = adw_combo_row_get_selected (ADW_COMBO_ROW (part (ask, "group")));
  GtkWidget *role = part (ask, "role");

  if (g_strcmp0 (display, st->user->display_name ? st->user->display_name : "") != 0)
    {
      edit->mask |= ND_USER_FIELD_DISPLAY_NAME;
      edit->display_name = g_steal_pointer (&display);
    }
  if (g_strcmp0 (remark, st->user->remark ? st->user->remark : "") != 0)
    {
      edit->mask |= ND_USER_FIELD_REMARK;
      edit->remark = g_steal_pointer (&remark);
    }
  if (*password != '\0')
    {
      edit->mask |= ND_USER_FIELD_PASSWORD;
      edit->password = g_strdup (password);
    }
  if (group < g_strv_length (st->groups) &&
      g_strcmp0 (st->groups[group], st->user->group) != 0)
    {
      edit->mask |= ND_USER_FIELD_GROUP;
      edit->group = g_strdup (st->groups[group]);
    }
  if (role != NULL)
    {
      int r = adw_combo_row_get_selected (ADW_COMBO_ROW (role)) == 1 ? ND_ROLE_ADMIN : ND_ROLE_COMMON;

      if (r != st->user->role)
        {
          edit->mask |= ND_USER_FIELD_ROLE;
          edit->role = r;
        }
    }
  return edit->mask != 0 ? g_steal_pointer (&edit) : NULL;
}

static void
edit_changed_cb (AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "nd-user-ask");
  EditState *st = g_object_get_data (G_OBJECT (dialog), "nd-user-edit");
  g_autoptr(NdUserEdit) edit = edit_changes (ask, st);

  adw_message_dialog_set_response_enabled (dialog, "go", edit != NULL);
}

static void
edit_response_cb (AdwMessageDialog *dialog, const char *response, Ask *ask)
{
  EditState *st = g_object_get_data (G_OBJECT (dialog), "nd-user-edit");
  GtkEditable *password = GTK_EDITABLE (part (ask, "password"));
  NdUserEdit *edit = NULL;

  if (g_strcmp0 (response, "go") == 0)
    edit = edit_changes (ask, st);
  gtk_editable_set_text (password, "");
  if (edit != NULL)
    ask->create_answer (ask->user_data, edit);
}

AdwMessageDialog *
nd_user_edit_dialog_new (GtkWidget *parent, const NdUser *user, const char * const *groups,
                         NdUserEditAnswer answer, gpointer user_data, GDestroyNotify destroy)
{
  Ask *ask = g_new0 (Ask, 1);
  EditState *st = g_new0 (EditState, 1);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  const char *roles[] = { _("Common"), _("Admin"), NULL };
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list, *row;
  guint current = 0;
  gboolean listed = FALSE;

  ask->create_answer = answer;
  ask->user_data = user_data;
  ask->destroy = destroy;
  st->user = nd_user_new ();
  st->user->display_name = g_strdup (user->display_name);
  st->user->remark = g_strdup (user->remark);
  st->user->group = g_strdup (user->group);
  st->user->role = user->role;
  /* The user's own group stays choosable even when GroupRatio lost it. */
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      if (g_strcmp0 (groups[i], user->group) == 0)
        {
          current = i;
          listed = TRUE;
        }
      g_strv_builder_add (b, groups[i]);
    }
  if (!listed && user->group != NULL)
    {
      current = groups ? g_strv_length ((GStrv) groups) : 0;
      g_strv_builder_add (b, user->group);
    }
  st->groups = g_strv_builder_end (b);
  /* Translators: the heading of the edit dialog; %s is a username. */
  heading = g_strdup_printf (_("Edit %s"), user->username ? user->username : "");
  dialog = dialog_new (parent, heading,
                       _("A new password, role or group signs the user out of their sessions."),
                       _("_Save"), ask, &list);
  g_object_set_data_full (G_OBJECT (dialog), "nd-user-edit", st, (GDestroyNotify) edit_state_free);

  row = entry_row (ask, list, "display-name", _("Display Name"));
  gtk_editable_set_text (GTK_EDITABLE (row), user->display_name ? user->display_name : "");
  g_signal_connect_swapped (row, "changed", G_CALLBACK (edit_changed_cb), dialog);
  row = combo_row (ask, list, "group", _("Group"), (const char * const *) st->groups, current);
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (edit_changed_cb), dialog);
  /* Root is never demoted; nobody is made root here (nd-write.h). */
  if (user->role < ND_ROLE_ROOT)
    {
      row = combo_row (ask, list, "role", _("Role"), roles, user->role >= ND_ROLE_ADMIN);
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (edit_changed_cb), dialog);
    }
  row = entry_row (ask, list, "remark", _("Remark"));
  gtk_editable_set_text (GTK_EDITABLE (row), user->remark ? user->remark : "");
  g_signal_connect_swapped (row, "changed", G_CALLBACK (edit_changed_cb), dialog);
  row = password_row (ask, list, _("New password (empty: unchanged)"));
  g_signal_connect_swapped (row, "changed", G_CALLBACK (edit_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (edit_response_cb), ask);
  edit_changed_cb (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

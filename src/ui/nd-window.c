/* nd-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-error.h"
#include "nd-toast.h"
#include "nd-window.h"
#include "nd-profile-dialog.h"
#include "nd-dashboard-page.h"
#include "nd-logs-page.h"
#include "nd-channels-page.h"
#include "nd-tokens-page.h"
#include "nd-users-page.h"
#include "nd-redemptions-page.h"
#include "nd-models-page.h"
#include "nd-report-open.h"
#include "report/nd-report-source.h"

typedef struct {
  const char *name;
  const char *title;
  const char *icon_name;
} PageInfo;

/* Order of the sidebar and of the Alt+1…7 shortcuts. */
static const PageInfo pages[] = {
  { "dashboard", N_("Dashboard"), "nd-dashboard-symbolic" },
  { "logs", N_("Logs"), "view-list-bullet-symbolic" },
  { "channels", N_("Channels"), "network-server-symbolic" },
  { "tokens", N_("Tokens"), "dialog-password-symbolic" },
  { "users", N_("Users"), "avatar-default-symbolic" },
  { "redemptions", N_("Redemptions"), "nd-redemptions-symbolic" },
  { "models", N_("Models"), "nd-models-symbolic" },
};

struct _NdWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwLeaflet *leaflet;
  GtkWidget *sidebar_pane;
  GtkWidget *content_pane;
  GtkListBox *sidebar_list;
  AdwWindowTitle *window_title;
  GtkSpinner *spinner;
  GtkWidget *read_only_pill;
  GtkMenuButton *profile_button;
  GtkWidget *profile_dot;
  GtkLabel *profile_label;
  GtkPopover *profile_popover;
  GtkListBox *profile_list;
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  GtkStack *page_stack;
  AdwStatusPage *failed_page;
  GtkLabel *failed_label;
  AdwStatusPage *unavailable_page;
  GtkWidget *welcome_page;
  GtkWidget *retry_button;
  GtkWidget *back_button;
  GtkWidget *dashboard_page;
  GtkWidget *logs_page;
  GtkWidget *channels_page;
  GtkWidget *tokens_page;
  GtkWidget *users_page;
  GtkWidget *redemptions_page;
  GtkWidget *models_page;

  /* owned */
  GSettings *settings;
  NdProfileStore *store;
  NdSession *session;
  GCancellable *cancellable;   /* the running connect */
  char *dot_class;
};

G_DEFINE_FINAL_TYPE (NdWindow, nd_window, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const PageInfo *
find_page (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i].name, name) == 0)
      return &pages[i];
  return NULL;
}

static GtkWidget **
page_widgets (NdWindow *self, guint *n)
{
  /* Same order as pages[]. */
  GtkWidget **list = g_new (GtkWidget *, G_N_ELEMENTS (pages));

  list[0] = self->dashboard_page;
  list[1] = self->logs_page;
  list[2] = self->channels_page;
  list[3] = self->tokens_page;
  list[4] = self->users_page;
  list[5] = self->redemptions_page;
  list[6] = self->models_page;
  *n = G_N_ELEMENTS (pages);
  return list;
}

/* ---- state → widgets ---------------------------------------------------- */

static void
update_title (NdWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->page_stack);
  const PageInfo *info = find_page (name);
  const char *visible = gtk_stack_get_visible_child_name (self->main_stack);

  if (self->session == NULL || g_strcmp0 (visible, "welcome") == 0 || info == NULL)
    adw_window_title_set_title (self->window_title, _("NewAPI Desk"));
  else
    adw_window_title_set_title (self->window_title, _(info->title));
}

static void
update_profile_button (NdWindow *self)
{
  NdProfile *profile = self->session ? nd_session_get_profile (self->session) : NULL;
  g_autofree char *describe = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->profile_button), profile != NULL);
  if (profile == NULL)
    return;

  gtk_label_set_text (self->profile_label, nd_profile_get_name (profile));
  if (self->dot_class != NULL)
    gtk_widget_remove_css_class (self->profile_dot, self->dot_class);
  g_free (self->dot_class);
  self->dot_class = g_strdup (nd_profile_get_color (profile));
  gtk_widget_add_css_class (self->profile_dot, self->dot_class);

  describe = nd_profile_describe (profile);
  {
    g_autofree char *tip = g_strdup_printf ("%s\n%s", nd_profile_get_name (profile), describe);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->profile_button), tip);
  }
}

static void
update_state (NdWindow *self)
{
  NdSessionState state = self->session ? nd_session_get_state (self->session)
                                       : ND_SESSION_DISCONNECTED;
  gboolean has_profile = self->session != NULL;
  gboolean read_only = FALSE;
  gboolean report = FALSE;
  g_autofree char *subtitle = NULL;

  if (!has_profile)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
      adw_window_title_set_subtitle (self->window_title, NULL);
    }
  else if (state == ND_SESSION_FAILED)
    {
      const GError *error = nd_session_get_error (self->session);
      g_autofree char *title = g_strdup_printf (_("Could Not Connect to “%s”"),
                                                nd_profile_get_name (nd_session_get_profile (self->session)));

      adw_status_page_set_title (self->failed_page, title);
      /* The core's message is for people: shown verbatim, never as markup. */
      gtk_label_set_text (self->failed_label,
                          error ? error->message : _("The connection failed for an unknown reason."));
      gtk_stack_set_visible_child_name (self->main_stack, "failed");
      adw_window_title_set_subtitle (self->window_title, _("Not connected"));
    }
  else
    {
      NdServerInfo *info = nd_session_get_info (self->session);
      const char *why_not = nd_report_page_unavailable (info, gtk_stack_get_visible_child_name (self->page_stack));

      /* A page a report cannot fill says why instead of showing nothing. */
      gtk_stack_set_visible_child_name (self->main_stack, why_not ? "unavailable" : "pages");
      if (why_not != NULL)
        adw_status_page_set_description (self->unavailable_page, why_not);
      report = info != NULL && info->kind == ND_SOURCE_KIND_REPORT;
      if (report)
        subtitle = nd_report_meta_dup_title (nd_report_source_get_meta (ND_REPORT_SOURCE (nd_session_get_source (self->session))));
      else
        subtitle = nd_session_dup_status_text (self->session);
      adw_window_title_set_subtitle (self->window_title, subtitle);
      read_only = info != NULL && info->read_only;
    }

  if (has_profile && nd_profile_get_read_only (nd_session_get_profile (self->session)))
    read_only = TRUE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar_list),
                            has_profile && state != ND_SESSION_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == ND_SESSION_CONNECTING);
  gtk_spinner_set_spinning (self->spinner, state == ND_SESSION_CONNECTING);
  gtk_widget_set_visible (self->read_only_pill, has_profile && read_only);
  /* The header mark of an opened report: its pill says so, its subtitle
   * what it covers. */
  gtk_label_set_text (GTK_LABEL (self->read_only_pill), report ? _("Report") : _("Read-only"));
  gtk_widget_set_tooltip_text (self->read_only_pill,
                               report ? _("A report file: a snapshot that cannot be changed")
                                      : _("This connection cannot change the gateway"));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "close-report")), report);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-profile", has_profile);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect",
                                 has_profile && state != ND_SESSION_CONNECTING);
  update_title (self);
}

/* ---- session ------------------------------------------------------------ */

static void
session_connected_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (nd_session_connect_finish (ND_SESSION (object), result, &error))
    return;
  if (nd_error_is_cancelled (error) || ND_SESSION (object) != self->session)
    return;

  {
    g_autofree char *title = g_strdup_printf (_("Could not connect to “%s”"),
                                              nd_profile_get_name (nd_session_get_profile (self->session)));
    AdwToast *toast = nd_toast_new (title);

    adw_toast_set_timeout (toast, 5);
    nd_window_add_toast (self, toast);
  }
}

static void
start_connect (NdWindow *self)
{
  if (self->session == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  nd_session_connect_async (self->session, self->cancellable, session_connected_cb,
                            g_object_ref (self));
}

static void
set_session (NdWindow *self, NdSession *session)
{
  g_autoptr(NdSession) old = self->session ? g_object_ref (self->session) : NULL;
  g_autofree GtkWidget **widgets = NULL;
  guint n;

  if (self->session == session)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::info", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
    }

  widgets = page_widgets (self, &n);
  for (guint i = 0; i < n; i++)
    g_object_set (widgets[i], "session", session, NULL);

  if (old != NULL)
    nd_session_disconnect (old);

  update_profile_button (self);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* Follows the store's active profile; a new object (switched, or saved
 * after an edit) means a new session. */
static void
active_profile_changed (NdWindow *self)
{
  NdProfile *active = nd_profile_store_get_active (self->store);
  g_autoptr(NdSession) session = NULL;

  if (self->session != NULL && nd_session_get_profile (self->session) == active)
    return;
  if (active != NULL)
    session = nd_session_new (active, nd_profile_store_get_secrets (self->store));
  set_session (self, session);
  start_connect (self);
}

/* ---- profile switcher --------------------------------------------------- */

static GtkWidget *
create_profile_row (gpointer item, gpointer user_data)
{
  NdProfile *profile = item;
  NdWindow *self = user_data;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *name = gtk_label_new (nd_profile_get_name (profile));
  g_autofree char *describe = nd_profile_describe (profile);
  GtkWidget *sub = gtk_label_new (describe);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  gboolean active = self->session != NULL && nd_session_get_profile (self->session) != NULL &&
                    g_strcmp0 (nd_profile_get_id (nd_session_get_profile (self->session)),
                               nd_profile_get_id (profile)) == 0;

  gtk_widget_add_css_class (dot, "profile-dot");
  gtk_widget_add_css_class (dot, nd_profile_get_color (profile));
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_opacity (check, active ? 1.0 : 0.0);
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), sub);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, nd_profile_get_id (profile));
  return row;
}

static void
rebind_profiles (NdWindow *self)
{
  gtk_list_box_bind_model (self->profile_list, nd_profile_store_get_model (self->store),
                           create_profile_row, self, NULL);
}

static void
profile_row_activated_cb (NdWindow *self, GtkListBoxRow *row)
{
  gtk_popover_popdown (self->profile_popover);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.switch-profile", "s",
                              gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
profile_menu_clicked_cb (NdWindow *self)
{
  gtk_popover_popdown (self->profile_popover);
}

static void
profile_popover_show_cb (NdWindow *self)
{
  /* Rows show a check on the active profile; refresh them on open. */
  rebind_profiles (self);
}

/* ---- pages -------------------------------------------------------------- */

static void
select_sidebar_row (NdWindow *self, const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_str_equal (pages[i].name, name))
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar_list, i);

        if (gtk_list_box_get_selected_row (self->sidebar_list) != row)
          gtk_list_box_select_row (self->sidebar_list, row);
        return;
      }
}

static void
show_page (NdWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->page_stack, name);
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
}

static void
page_changed_cb (NdWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->page_stack);

  if (name == NULL)
    return;
  select_sidebar_row (self, name);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "sidebar-page", name);
  update_state (self);
}

static void
sidebar_row_activated_cb (NdWindow *self, GtkListBoxRow *row)
{
  int i = gtk_list_box_row_get_index (row);

  if (i >= 0 && i < (int) G_N_ELEMENTS (pages))
    show_page (self, pages[i].name);
}

static void
back_clicked_cb (NdWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Narrow windows keep only the profile's dot (its name is in the tooltip):
 * an ellipsized name reads as broken. */
static gboolean
relayout_cb (gpointer data)
{
  gtk_widget_queue_resize (data);
  return G_SOURCE_REMOVE;
}

static void
folded_changed_cb (NdWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->profile_label), !adw_leaflet_get_folded (self->leaflet));
  /* The leaflet folds during its own size allocation, where the changes
   * above (and its headers' title buttons) cannot ask for a new layout:
   * unfolded, the sidebar would keep the width it had while folded. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, relayout_cb, g_object_ref (self->leaflet), g_object_unref);
}

static void
build_sidebar (NdWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label = gtk_label_new (_(pages[i].title));
      g_autofree char *tip = g_strdup_printf ("Alt+%u", i + 1);

      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (pages[i].icon_name));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), label);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_widget_set_name (row, pages[i].name);
      gtk_widget_set_tooltip_text (row, tip);
      gtk_list_box_append (self->sidebar_list, row);
    }
}

/* ---- actions ------------------------------------------------------------ */

static void
show_page_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  const char *name = g_variant_get_string (param, NULL);

  if (find_page (name) == NULL)
    {
      g_warning ("win.show-page: unknown page “%s”", name);
      return;
    }
  show_page (self, name);
}

static void
open_logs_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);

  show_page (self, "logs");
  nd_logs_page_set_filter (ND_LOGS_PAGE (self->logs_page), g_variant_get_string (param, NULL));
}

static void
profile_saved_cb (NdWindow *self, NdProfile *profile)
{
  /* A saved profile is a new object: switching to it reconnects. */
  nd_profile_store_set_active (self->store, profile);
}

static void
open_profile_dialog (NdWindow *self, NdProfile *profile)
{
  NdProfileDialog *dialog = nd_profile_dialog_new (GTK_WINDOW (self), self->store, profile);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (profile_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_profile_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  open_profile_dialog (ND_WINDOW (widget), NULL);
}

static void
edit_profile_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);

  if (self->session != NULL)
    open_profile_dialog (self, nd_session_get_profile (self->session));
}

static void
switch_profile_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  const char *id = g_variant_get_string (param, NULL);
  NdProfile *profile = nd_profile_store_lookup (self->store, id);

  if (profile == NULL)
    {
      nd_window_add_toast (self, nd_toast_new (_("That connection no longer exists")));
      return;
    }
  nd_profile_store_set_active (self->store, profile);
  /* Picking the active profile while a report is shown goes back to it. */
  if (self->session != NULL && nd_session_get_profile (self->session) != profile)
    active_profile_changed (self);
  /* Picking the same profile again after a failure means “try again”. */
  if (self->session != NULL && nd_session_get_state (self->session) == ND_SESSION_FAILED)
    start_connect (self);
}

static void
reconnect_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  start_connect (ND_WINDOW (widget));
}

/* ---- GObject ------------------------------------------------------------ */

static gboolean
nd_window_close_request (GtkWindow *window)
{
  NdWindow *self = ND_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      g_settings_apply (self->settings);
    }
  return GTK_WINDOW_CLASS (nd_window_parent_class)->close_request (window);
}

static void
nd_window_dispose (GObject *object)
{
  NdWindow *self = ND_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      nd_session_disconnect (self->session);
      g_clear_object (&self->session);
    }
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->dot_class, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_WINDOW);
  G_OBJECT_CLASS (nd_window_parent_class)->dispose (object);
}

static void
nd_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdWindow *self = ND_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_window_class_init (NdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nd_window_dispose;
  object_class->get_property = nd_window_get_property;
  window_class->close_request = nd_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ND_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ND_TYPE_DASHBOARD_PAGE);
  g_type_ensure (ND_TYPE_LOGS_PAGE);
  g_type_ensure (ND_TYPE_CHANNELS_PAGE);
  g_type_ensure (ND_TYPE_TOKENS_PAGE);
  g_type_ensure (ND_TYPE_USERS_PAGE);
  g_type_ensure (ND_TYPE_REDEMPTIONS_PAGE);
  g_type_ensure (ND_TYPE_MODELS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, read_only_pill);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, profile_button);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, profile_dot);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, profile_label);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, profile_popover);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, profile_list);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, failed_label);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, unavailable_page);
  gtk_widget_class_bind_template_child_full (widget_class, "recent_reports_menu", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, logs_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, channels_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, tokens_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, users_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, redemptions_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, models_page);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, profile_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, profile_menu_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.open-logs", "s", open_logs_action);
  gtk_widget_class_install_action (widget_class, "win.new-profile", NULL, new_profile_action);
  gtk_widget_class_install_action (widget_class, "win.edit-profile", NULL, edit_profile_action);
  gtk_widget_class_install_action (widget_class, "win.switch-profile", "s", switch_profile_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.new-profile", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.reconnect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reconnect", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", pages[i].name);
}

static void
nd_window_init (NdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_sidebar (self);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (folded_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->profile_popover, "show", G_CALLBACK (profile_popover_show_cb),
                           self, G_CONNECT_SWAPPED);
  nd_report_open_attach (self);
  update_state (self);
}

NdWindow *
nd_window_new (NdApplication *app)
{
  NdWindow *self;
  g_autofree char *page = NULL;

  g_return_val_if_fail (ND_IS_APPLICATION (app), NULL);

  self = g_object_new (ND_TYPE_WINDOW, "application", app, NULL);
  self->settings = g_object_ref (nd_application_get_settings (app));
  self->store = g_object_ref (nd_application_get_profiles (app));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               MAX (360, g_settings_get_int (self->settings, "window-width")),
                               MAX (294, g_settings_get_int (self->settings, "window-height")));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  page = g_settings_get_string (self->settings, "sidebar-page");
  if (find_page (page) == NULL)
    {
      g_free (page);
      page = g_strdup ("dashboard");
    }
  gtk_stack_set_visible_child_name (self->page_stack, page);
  select_sidebar_row (self, page);
  /* Opening on a page is not a navigation: keep the sidebar when folded. */
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_pane);

  rebind_profiles (self);
  g_signal_connect_object (self->store, "notify::active", G_CALLBACK (active_profile_changed),
                           self, G_CONNECT_SWAPPED);
  active_profile_changed (self);
  return self;
}

/**
 * nd_window_get_session:
 * Returns: (transfer none) (nullable): the active connection
 */
NdSession *
nd_window_get_session (NdWindow *self)
{
  g_return_val_if_fail (ND_IS_WINDOW (self), NULL);
  return self->session;
}

/**
 * nd_window_show_report:
 * @session: (nullable): a session over an opened report, or NULL to go
 *   back to the active profile
 */
void
nd_window_show_report (NdWindow *self, NdSession *session)
{
  g_return_if_fail (ND_IS_WINDOW (self));

  if (session == NULL)
    {
      active_profile_changed (self);
      return;
    }
  set_session (self, session);
  start_connect (self);
}

void
nd_window_add_toast (NdWindow *self, AdwToast *toast)
{
  g_return_if_fail (ND_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

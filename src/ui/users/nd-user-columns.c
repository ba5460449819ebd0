/* nd-user-columns.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-data.h"
#include "nd-secure-string.h"
#include "nd-time.h"
#include "nd-user-columns.h"
#include "nd-user-model.h"

typedef enum { CELL_TEXT, CELL_NUMBER, CELL_BADGE } CellKind;

typedef struct {
  const char *title;
  const char *sort_by;          /* NdListQuery.sort_by, NULL = not sortable */
  CellKind kind;
  int width;
  gboolean expand;
} ColumnDef;

/* The fixed widths add up to what fits beside the sidebar in a 1280 px
 * window; the two name columns take whatever is left. */
static const ColumnDef defs[ND_USER_N_COLUMNS] = {
  [ND_USER_COLUMN_ID] = { N_("ID"), "id", CELL_NUMBER, 64, FALSE },
  [ND_USER_COLUMN_USERNAME] = { N_("Username"), "username", CELL_TEXT, 120, TRUE },
  [ND_USER_COLUMN_DISPLAY_NAME] = { N_("Display Name"), NULL, CELL_TEXT, 120, TRUE },
  [ND_USER_COLUMN_ROLE] = { N_("Role"), NULL, CELL_TEXT, 72, FALSE },
  [ND_USER_COLUMN_STATUS] = { N_("Status"), NULL, CELL_BADGE, 92, FALSE },
  [ND_USER_COLUMN_GROUP] = { N_("Group"), NULL, CELL_TEXT, 90, FALSE },
  [ND_USER_COLUMN_QUOTA] = { N_("Balance"), "quota", CELL_NUMBER, 100, FALSE },
  [ND_USER_COLUMN_USED] = { N_("Used"), "used_quota", CELL_NUMBER, 100, FALSE },
  [ND_USER_COLUMN_REQUESTS] = { N_("Requests"), "request_count", CELL_NUMBER, 84, FALSE },
  [ND_USER_COLUMN_CREATED] = { N_("Created"), "created_at", CELL_TEXT, 90, FALSE },
  [ND_USER_COLUMN_LAST_LOGIN] = { N_("Last Login"), "last_login_at", CELL_TEXT, 100, FALSE },
};

typedef struct {
  NdUserColumns *columns;
  NdUserColumn column;
} ColumnCtx;

struct _NdUserColumns
{
  GObject parent_instance;

  GtkColumnView *view;          /* unowned: the view owns us through the page */
  NdMoney *money;
  GtkColumnViewColumn *columns[ND_USER_N_COLUMNS];
  GtkSorter *sorters[ND_USER_N_COLUMNS];
  ColumnCtx ctx[ND_USER_N_COLUMNS];
  int probed;                   /* the column whose sorter ran last, -1 none */
};

G_DEFINE_FINAL_TYPE (NdUserColumns, nd_user_columns, G_TYPE_OBJECT)

char *
nd_user_role_label (int role)
{
  switch (role)
    {
    case ND_ROLE_COMMON: return g_strdup (_("Common"));
    case ND_ROLE_ADMIN: return g_strdup (_("Admin"));
    case ND_ROLE_ROOT: return g_strdup (_("Root"));
    default: return g_strdup_printf ("%d", role);
    }
}

const char *
nd_user_status_label (const NdUser *user)
{
  if (user->deleted)
    return _("Deleted");
  return user->status == 1 ? _("Enabled") : _("Disabled");
}

/* The local date alone: the column is narrow, the tooltip has the time. */
static char *
created_text (gint64 t)
{
  g_autoptr(GDateTime) dt = t > 0 ? g_date_time_new_from_unix_local (t) : NULL;

  return dt != NULL ? g_date_time_format (dt, "%x") : g_strdup (_("unknown"));
}

char *
nd_user_columns_cell_text (NdUserColumns *self, NdUserColumn column, const NdUser *u)
{
  switch (column)
    {
    case ND_USER_COLUMN_ID:
      return g_strdup_printf ("%" G_GINT64_FORMAT, u->id);
    case ND_USER_COLUMN_USERNAME:
      return g_strdup (u->username ? u->username : "");
    case ND_USER_COLUMN_DISPLAY_NAME:
      /* Gateway text: a key pasted into a name is masked like anywhere. */
      return nd_mask_text_dup (u->display_name ? u->display_name : "");
    case ND_USER_COLUMN_ROLE:
      return nd_user_role_label (u->role);
    case ND_USER_COLUMN_STATUS:
      return g_strdup (nd_user_status_label (u));
    case ND_USER_COLUMN_GROUP:
      return g_strdup (u->group ? u->group : "");
    case ND_USER_COLUMN_QUOTA:
      return self->money ? nd_money_format (self->money, u->quota) : nd_format_count (u->quota);
    case ND_USER_COLUMN_USED:
      return self->money ? nd_money_format (self->money, u->used_quota)
                         : nd_format_count (u->used_quota);
    case ND_USER_COLUMN_REQUESTS:
      return nd_format_count (u->request_count);
    case ND_USER_COLUMN_CREATED:
      return created_text (u->created_at);
    case ND_USER_COLUMN_LAST_LOGIN:
      return u->last_login_at > 0 ? nd_channel_age_text (u->last_login_at, nd_time_now ())
                                  : g_strdup (_("never"));
    default:
      return g_strdup ("");
    }
}

static char *
cell_tooltip (NdUserColumns *self, NdUserColumn column, const NdUser *u)
{
  switch (column)
    {
    case ND_USER_COLUMN_QUOTA:
    case ND_USER_COLUMN_USED:
      {
        g_autofree char *units = nd_format_count (column == ND_USER_COLUMN_QUOTA ? u->quota
                                                                                 : u->used_quota);

        return g_strdup_printf (_("%s quota units"), units);
      }
    case ND_USER_COLUMN_LAST_LOGIN:
      return u->last_login_at > 0 ? nd_channel_time_text (u->last_login_at) : NULL;
    case ND_USER_COLUMN_CREATED:
      /* NewAPI stamps created_at on insert; rows older than the column
       * have none, and sort as the oldest, in id order. */
      return u->created_at > 0 ? nd_channel_time_text (u->created_at)
                               : g_strdup (_("NewAPI did not record when this user was created"));
    case ND_USER_COLUMN_USERNAME:
      return u->email && *u->email ? g_strdup (u->email) : NULL;
    default:
      return NULL;
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  GtkWidget *label = gtk_label_new (NULL);
  CellKind kind = defs[ctx->column].kind;

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), kind == CELL_NUMBER ? 1 : 0);
  if (kind == CELL_NUMBER)
    gtk_widget_add_css_class (label, "numeric");
  if (kind == CELL_BADGE)
    {
      gtk_widget_set_halign (label, GTK_ALIGN_START);
      gtk_widget_add_css_class (label, "nd-channel-badge");
    }
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  NdUserItem *item = gtk_list_item_get_item (list_item);
  const NdUser *u = nd_user_item_get_user (item);
  g_autofree char *text = nd_user_columns_cell_text (ctx->columns, ctx->column, u);
  g_autofree char *tip = cell_tooltip (ctx->columns, ctx->column, u);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, tip);
  if (defs[ctx->column].kind == CELL_BADGE)
    {
      /* The Channels page's badges: green enabled, grey otherwise. */
      gtk_widget_remove_css_class (label, "enabled");
      gtk_widget_remove_css_class (label, "manual");
      gtk_widget_remove_css_class (label, "auto");
      gtk_widget_add_css_class (label, u->deleted ? "auto" : u->status == 1 ? "enabled" : "manual");
    }
}

/* Never sorts anything (the model is sorted by the source): it notes that
 * the view asked this column, which is how the page learns the header's
 * choice on GTK 4.8 (GtkColumnViewSorter has no getter before 4.10). */
static int
probe_cb (gconstpointer a, gconstpointer b, gpointer data)
{
  ColumnCtx *ctx = data;

  ctx->columns->probed = ctx->column;
  return GTK_ORDERING_SMALLER;
}

const char *
nd_user_columns_sort_key (NdUserColumns *self, gboolean *descending)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->view);
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  GtkOrdering order;

  self->probed = -1;
  order = sorter ? gtk_sorter_compare (sorter, a, b) : GTK_ORDERING_EQUAL;
  *descending = order == GTK_ORDERING_LARGER;
  return self->probed >= 0 ? defs[self->probed].sort_by : NULL;
}

static void
nd_user_columns_finalize (GObject *object)
{
  NdUserColumns *self = ND_USER_COLUMNS (object);

  g_clear_pointer (&self->money, nd_money_free);
  for (guint i = 0; i < ND_USER_N_COLUMNS; i++)
    g_clear_object (&self->sorters[i]);
  G_OBJECT_CLASS (nd_user_columns_parent_class)->finalize (object);
}

static void
nd_user_columns_class_init (NdUserColumnsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_user_columns_finalize;
}

static void
nd_user_columns_init (NdUserColumns *self)
{
  self->probed = -1;
}

NdUserColumns *
nd_user_columns_new (GtkColumnView *view)
{
  NdUserColumns *self = g_object_new (ND_TYPE_USER_COLUMNS, NULL);

  self->view = view;
  for (guint i = 0; i < ND_USER_N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      self->ctx[i].columns = self;
      self->ctx[i].column = i;
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), &self->ctx[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), &self->ctx[i]);
      column = gtk_column_view_column_new (_(defs[i].title), factory);
      gtk_column_view_column_set_fixed_width (column, defs[i].width);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, defs[i].expand);
      if (defs[i].sort_by != NULL)
        {
          self->sorters[i] = GTK_SORTER (gtk_custom_sorter_new (probe_cb, &self->ctx[i], NULL));
          gtk_column_view_column_set_sorter (column, self->sorters[i]);
        }
      gtk_column_view_append_column (view, column);
      self->columns[i] = column;
      g_object_unref (column);
    }
  return self;
}

void
nd_user_columns_set_money (NdUserColumns *self, const NdMoney *money)
{
  g_clear_pointer (&self->money, nd_money_free);
  self->money = money ? nd_money_copy (money) : NULL;
}

void
nd_user_columns_set_full_sort (NdUserColumns *self, gboolean full)
{
  gtk_column_view_column_set_sorter (self->columns[ND_USER_COLUMN_USED],
                                     full ? self->sorters[ND_USER_COLUMN_USED] : NULL);
  gtk_column_view_column_set_sorter (self->columns[ND_USER_COLUMN_REQUESTS],
                                     full ? self->sorters[ND_USER_COLUMN_REQUESTS] : NULL);
}

GtkColumnViewColumn *
nd_user_columns_get_column (NdUserColumns *self, NdUserColumn column)
{
  return self->columns[column];
}

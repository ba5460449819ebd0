/* nd-log-detail.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "logs/nd-log-other.h"
#include "nd-log-detail.h"
#include "nd-log-text.h"
#include "nd-secure-string.h"
#include "nd-toast.h"

struct _NdLogDetail
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *scroller;
  GtkBox *box;

  /* owned */
  NdMoney *money;
  GHashTable *channel_names;
};

G_DEFINE_FINAL_TYPE (NdLogDetail, nd_log_detail, GTK_TYPE_WIDGET)

enum { SIGNAL_CLOSE, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- building blocks --------------------------------------------------- */

static void
copy_clicked_cb (GtkButton *button, NdLogDetail *self)
{
  const char *text = g_object_get_data (G_OBJECT (button), "nd-copy");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text ? text : "");
  nd_toast_show (GTK_WIDGET (self), _("Copied"));
}

/* A copy button for @text, which the caller has masked already. */
static GtkWidget *
copy_button (NdLogDetail *self, const char *text)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "nd-copy-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Copy"));
  g_object_set_data_full (G_OBJECT (button), "nd-copy", g_strdup (text), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked_cb), self);
  return button;
}

static GtkWidget *
text_label (const char *text, gboolean wrap)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (wrap)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    }
  return label;
}

typedef struct {
  GtkGrid *grid;
  int rows;
} Section;

static Section
section_new (NdLogDetail *self, const char *title)
{
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *grid = gtk_grid_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (self->box, label);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_box_append (self->box, grid);
  return (Section) { GTK_GRID (grid), 0 };
}

/* A section that got no row is not shown at all. */
static void
section_end (NdLogDetail *self, Section *s)
{
  if (s->rows == 0)
    {
      gtk_box_remove (self->box, gtk_widget_get_prev_sibling (GTK_WIDGET (s->grid)));
      gtk_box_remove (self->box, GTK_WIDGET (s->grid));
    }
}

/* One "key  value  [copy]" row; nothing for an empty value. The value
 * comes from the gateway: masked before it is shown or copied. */
static void
row (NdLogDetail *self, Section *s, const char *key, const char *value, gboolean copy)
{
  g_autofree char *masked = NULL;
  GtkWidget *k, *v;

  if (value == NULL || *value == '\0')
    return;
  masked = nd_mask_text_dup (value);
  k = gtk_label_new (key);
  gtk_label_set_xalign (GTK_LABEL (k), 1);
  gtk_widget_set_valign (k, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (k, "dim-label");
  v = text_label (masked, TRUE);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_widget_set_valign (v, GTK_ALIGN_BASELINE);
  gtk_grid_attach (s->grid, k, 0, s->rows, 1, 1);
  gtk_grid_attach (s->grid, v, 1, s->rows, 1, 1);
  if (copy)
    gtk_grid_attach (s->grid, copy_button (self, masked), 2, s->rows, 1, 1);
  s->rows++;
}

static void
row_number (NdLogDetail *self, Section *s, const char *key, double value)
{
  g_autofree char *text = NULL;

  if (isnan (value))
    return;
  text = g_strdup_printf ("%g", value);
  row (self, s, key, text, FALSE);
}

static void
row_count (NdLogDetail *self, Section *s, const char *key, gint64 value)
{
  g_autofree char *text = NULL;

  if (value < 0)
    return;
  text = nd_format_count (value);
  row (self, s, key, text, FALSE);
}

/* A heading with a copy button, then a block of (masked) text. */
static void
block (NdLogDetail *self, const char *title, const char *shown, const char *copied,
       const char *css_class)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *text = text_label (shown, TRUE);

  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header), copy_button (self, copied));
  gtk_box_append (self->box, header);
  if (css_class != NULL)
    gtk_widget_add_css_class (text, css_class);
  gtk_box_append (self->box, text);
}

/* ---- the sections ------------------------------------------------------ */

static void
close_clicked_cb (NdLogDetail *self)
{
  g_signal_emit (self, signals[SIGNAL_CLOSE], 0);
}

static void
add_header (NdLogDetail *self, const NdLog *log)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, log->id);
  g_autofree char *heading = g_strdup_printf (_("Log %s"), id);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  gtk_widget_add_css_class (title, "title-4");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_set_tooltip_text (close, _("Close"));
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (close_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), copy_button (self, id));
  gtk_box_append (GTK_BOX (header), close);
  gtk_box_append (self->box, header);
}

static char *
name_and_id (const char *name, gint64 id)
{
  return name && *name ? g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", name, id) : NULL;
}

static void
add_request (NdLogDetail *self, const NdLog *log)
{
  Section s = section_new (self, _("Request"));
  g_autofree char *time = nd_log_text_time (log->created_at);
  g_autofree char *user = name_and_id (log->username, log->user_id);
  g_autofree char *token = name_and_id (log->token_name, log->token_id);
  g_autofree char *money = self->money ? nd_money_format_full (self->money, log->quota) : NULL;
  g_autofree char *raw = nd_format_count (log->quota);
  g_autofree char *quota = log->quota ? g_strdup_printf ("%s (%s)", money ? money : "", raw) : NULL;
  g_autofree char *prompt = nd_format_count (log->prompt_tokens);
  g_autofree char *completion = nd_format_count (log->completion_tokens);
  g_autofree char *use_time = g_strdup_printf ("%" G_GINT64_FORMAT " s", log->use_time);
  g_autofree char *channel = nd_log_text_channel (self->channel_names, log->channel_id,
                                                  log->channel_name);

  row (self, &s, _("Time"), time, FALSE);
  row (self, &s, _("Type"), nd_log_type_to_label (log->type), FALSE);
  row (self, &s, _("User"), user, TRUE);
  row (self, &s, _("Token"), token, TRUE);
  row (self, &s, _("Model"), log->model_name, TRUE);
  row (self, &s, _("Quota"), quota, FALSE);
  if (log->type == ND_LOG_CONSUME)
    {
      row (self, &s, _("Prompt tokens"), prompt, FALSE);
      row (self, &s, _("Completion tokens"), completion, FALSE);
    }
  if (log->use_time)
    row (self, &s, _("Use time"), use_time, FALSE);
  if (log->type == ND_LOG_CONSUME || log->type == ND_LOG_ERROR)
    row (self, &s, _("Stream"), log->is_stream ? _("yes") : _("no"), FALSE);
  row (self, &s, _("Channel"), channel, FALSE);
  row (self, &s, _("Group"), log->group, FALSE);
  row (self, &s, _("IP"), log->ip, TRUE);
  row (self, &s, _("Request ID"), log->request_id, TRUE);
  row (self, &s, _("Upstream request ID"), log->upstream_request_id, TRUE);
  section_end (self, &s);
}

static void
add_billing (NdLogDetail *self, const NdLogOther *o)
{
  Section s = section_new (self, _("Billing and Timing"));

  row_number (self, &s, _("Model ratio"), o->model_ratio);
  row_number (self, &s, _("Completion ratio"), o->completion_ratio);
  row_number (self, &s, _("Group ratio"), o->group_ratio);
  row_number (self, &s, _("User group ratio"), o->user_group_ratio);
  row_number (self, &s, _("Price per call (USD)"), o->model_price);
  row_count (self, &s, _("Cache tokens"), o->cache_tokens);
  row_number (self, &s, _("Cache ratio"), o->cache_ratio);
  row_count (self, &s, _("Cache creation tokens"), o->cache_creation_tokens);
  row_number (self, &s, _("Cache creation ratio"), o->cache_creation_ratio);
  if (!isnan (o->frt_ms))
    {
      g_autofree char *ms = nd_format_count ((gint64) llround (o->frt_ms));
      g_autofree char *text = o->frt_ms < 0 ? g_strdup (_("not measured"))
                                            : g_strdup_printf (_("%s ms"), ms);

      row (self, &s, _("First response"), text, FALSE);
    }
  row (self, &s, _("Reasoning effort"), o->reasoning_effort, FALSE);
  row (self, &s, _("Request path"), o->request_path, FALSE);
  row (self, &s, _("Upstream model"), o->upstream_model_name, FALSE);
  row (self, &s, _("Billing source"), o->billing_source, FALSE);
  row (self, &s, _("Rejected because"), o->reject_reason, FALSE);
  if (o->use_channel != NULL && o->use_channel->len > 0)
    {
      g_autoptr(GString) chain = g_string_new (NULL);

      for (guint i = 0; i < o->use_channel->len; i++)
        {
          g_autofree char *label = nd_log_text_channel (self->channel_names,
                                                        g_array_index (o->use_channel, gint64, i), NULL);

          g_string_append_printf (chain, "%s%s", i > 0 ? " → " : "", label);
        }
      row (self, &s, o->use_channel->len > 1 ? _("Retry chain") : _("Channel used"), chain->str, FALSE);
    }
  row_count (self, &s, _("Key index (multi-key)"), o->multi_key_index);
  section_end (self, &s);
}

static void
add_error_login_audit (NdLogDetail *self, const NdLogOther *o)
{
  Section s = section_new (self, _("Error"));
  g_autofree char *target = o->op_target_user_id > 0
    ? g_strdup_printf ("#%" G_GINT64_FORMAT, o->op_target_user_id) : NULL;

  row (self, &s, _("Error type"), o->error_type, FALSE);
  row (self, &s, _("Error code"), o->error_code, TRUE);
  row_count (self, &s, _("Status code"), o->status_code);
  section_end (self, &s);

  s = section_new (self, _("Login"));
  row (self, &s, _("Login method"), o->login_method, FALSE);
  row (self, &s, _("User agent"), o->user_agent, TRUE);
  section_end (self, &s);

  s = section_new (self, _("Admin Action"));
  row (self, &s, _("Action"), o->op_action, FALSE);
  row (self, &s, _("Target user"), target, FALSE);
  row (self, &s, _("Parameters"), o->op_params, TRUE);
  section_end (self, &s);
}

static void
add_other (NdLogDetail *self, const NdLog *log)
{
  g_autoptr(NdLogOther) o = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *compact = NULL;

  if (log->other == NULL || *log->other == '\0')
    return;
  o = nd_log_other_read (log->other);
  if (o != NULL)
    {
      add_billing (self, o);
      add_error_login_audit (self, o);
    }
  /* The whole of it, indented, for what the sections do not name. */
  pretty = nd_log_other_mask (log->other, TRUE);
  compact = nd_log_other_mask (log->other, FALSE);
  block (self, _("Other (JSON)"), pretty, compact, "nd-log-json");
  gtk_widget_add_css_class (gtk_widget_get_last_child (GTK_WIDGET (self->box)), "monospace");
}

/* ---- object ------------------------------------------------------------ */

void
nd_log_detail_set_log (NdLogDetail *self, const NdLog *log)
{
  GtkWidget *child;

  g_return_if_fail (ND_IS_LOG_DETAIL (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))))
    gtk_box_remove (self->box, child);
  if (log == NULL)
    return;
  add_header (self, log);
  add_request (self, log);
  if (log->content != NULL && *log->content)
    {
      g_autofree char *content = nd_mask_text_dup (log->content);

      block (self, _("Content"), content, content, log->type == ND_LOG_ERROR ? "error" : NULL);
    }
  add_other (self, log);
}

void
nd_log_detail_set_money (NdLogDetail *self, const NdMoney *money)
{
  g_return_if_fail (ND_IS_LOG_DETAIL (self));

  g_clear_pointer (&self->money, nd_money_free);
  self->money = money ? nd_money_copy (money) : NULL;
}

void
nd_log_detail_set_channel_names (NdLogDetail *self, GHashTable *names)
{
  g_return_if_fail (ND_IS_LOG_DETAIL (self));

  if (names != NULL)
    g_hash_table_ref (names);
  g_clear_pointer (&self->channel_names, g_hash_table_unref);
  self->channel_names = names;
}

static void
nd_log_detail_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_LOG_DETAIL);
  G_OBJECT_CLASS (nd_log_detail_parent_class)->dispose (object);
}

static void
nd_log_detail_finalize (GObject *object)
{
  NdLogDetail *self = ND_LOG_DETAIL (object);

  g_clear_pointer (&self->money, nd_money_free);
  g_clear_pointer (&self->channel_names, g_hash_table_unref);
  G_OBJECT_CLASS (nd_log_detail_parent_class)->finalize (object);
}

static void
nd_log_detail_class_init (NdLogDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_log_detail_dispose;
  object_class->finalize = nd_log_detail_finalize;

  /* close: the user closed the pane. */
  signals[SIGNAL_CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-log-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, NdLogDetail, scroller);
  gtk_widget_class_bind_template_child (widget_class, NdLogDetail, box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nd_log_detail_init (NdLogDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

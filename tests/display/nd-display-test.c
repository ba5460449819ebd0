/* nd-display-test.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "nd-display-test.h"
#include "nd-test.h"

static NdApplication *the_app;

void
nd_display_test_init (int *argc, char ***argv)
{
  const char *strict = g_getenv ("ND_REQUIRE_ALL");

  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    {
      if (strict != NULL && g_str_equal (strict, "1"))
        {
          printf ("Bail out! no display (run under xvfb-run); required in CI\n");
          exit (1);
        }
      printf ("1..0 # SKIP no display (install xvfb to run the display suite)\n");
      exit (0);
    }
  adw_init ();
  /* Leaflet and stack transitions would only slow the tests down. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

NdApplication *
nd_display_test_app (void)
{
  if (the_app == NULL)
    {
      g_autoptr(GError) error = NULL;

      the_app = nd_application_new ();
      g_application_set_flags (G_APPLICATION (the_app),
                               g_application_get_flags (G_APPLICATION (the_app)) | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (the_app), NULL, &error);
      g_assert_no_error (error);
    }
  return the_app;
}

void
nd_display_test_reset (void)
{
  NdApplication *app = nd_display_test_app ();
  GSettings *settings = nd_application_get_settings (app);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  nd_profile_store_reload (nd_application_get_profiles (app));
}

typedef struct {
  gboolean timed_out;
} WaitData;

static gboolean
timed_out_cb (gpointer data)
{
  ((WaitData *) data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
nd_display_test_wait (NdDisplayCond cond, gpointer data, guint timeout_s, const char *what)
{
  WaitData wd = { FALSE };
  guint id;

  timeout_s *= nd_test_slowdown ();
  id = g_timeout_add_seconds (timeout_s, timed_out_cb, &wd);

  while (!cond (data) && !wd.timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (wd.timed_out)
    g_error ("timed out after %u s waiting for %s", timeout_s, what);
  g_source_remove (id);
}

static gboolean
drawn_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

void
nd_display_test_draw (GtkWidget *widget)
{
  gboolean drawn = FALSE;

  gtk_widget_add_tick_callback (widget, drawn_cb, &drawn, NULL);
  nd_display_test_wait (flag_set, &drawn, 10, "a frame");
  /* One more round so the frame is really on screen. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

void
nd_display_test_shot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("ND_SHOTS_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  nd_display_test_draw (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}

/* @name in the template of @widget or of any widget inside it that has
 * a template of its own (a page's filter bar, its export bar). */
static GObject *
find_template_child (GtkWidget *widget, const char *name)
{
  GObject *child = gtk_widget_get_template_child (widget, G_OBJECT_TYPE (widget), name);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c && !child; c = gtk_widget_get_next_sibling (c))
    child = find_template_child (c, name);
  return child;
}

GtkWidget *
nd_display_test_child (gpointer widget, GType template_type, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), template_type, name);

  if (child == NULL)
    child = find_template_child (GTK_WIDGET (widget), name);
  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static void
saved_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  nd_profile_store_save_finish (ND_PROFILE_STORE (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

NdProfile *
nd_display_test_add_profile (const char *name, const char *pg_dsn, gboolean read_only)
{
  NdProfileStore *store = nd_application_get_profiles (nd_display_test_app ());
  g_autoptr(NdProfile) profile = g_object_new (ND_TYPE_PROFILE,
                                               "name", name, "pg-dsn", pg_dsn,
                                               "read-only", read_only, "color", "teal",
                                               NULL);
  gboolean done = FALSE;

  nd_profile_store_save_async (store, profile, NULL, NULL, NULL, NULL, saved_cb, &done);
  nd_display_test_wait (flag_set, &done, 10, "the profile to save");
  return nd_profile_store_lookup (store, nd_profile_get_id (profile));
}

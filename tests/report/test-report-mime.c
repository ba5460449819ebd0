/* test-report-mime.c — a double-click on a report opens NewAPI Desk: the
 * desktop file declares the report's MIME type, and the shared MIME
 * database built from data/ recognises a report by its name and, renamed,
 * by its application id (a facts store, also SQLite, stays SQLite)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "nd-test-gateway.h"
#include "nd-test.h"

static char *mime_dir;

static void
test_desktop_file (void)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) types = NULL;

  g_key_file_load_from_file (kf, ND_DESKTOP_FILE, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  types = g_key_file_get_string_list (kf, "Desktop Entry", "MimeType", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) types, ND_REPORT_MIME_TYPE));
  /* The file manager passes the file: Exec takes files. */
  {
    g_autofree char *exec = g_key_file_get_string (kf, "Desktop Entry", "Exec", NULL);

    g_assert_nonnull (strstr (exec, "%F"));
  }
}

static char *
guess (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  g_assert_nonnull (info);
  return g_strdup (g_file_info_get_content_type (info));
}

static void
test_detected (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autofree char *renamed = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *by_magic = NULL;
  g_autofree char *store = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (!nd_test_require (mime_dir != NULL, "update-mime-database (shared-mime-info)"))
    return;
  gw_fx_setup (&fx);
  renamed = g_build_filename (fx.dir, "report-copy.bin", NULL);
  g_assert_true (g_file_get_contents (fx.path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (renamed, data, (gssize) len, NULL));
  by_name = guess (fx.path);
  by_magic = guess (renamed);
  store = guess (fx.store_path);
  g_assert_cmpstr (by_name, ==, ND_REPORT_MIME_TYPE);
  g_assert_cmpstr (by_magic, ==, ND_REPORT_MIME_TYPE);
  g_assert_cmpstr (store, !=, ND_REPORT_MIME_TYPE);
}

/* A private MIME database of the system's types and ours, before GIO
 * loads one. */
static char *
build_mime_dir (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nd-mime-XXXXXX", NULL);
  g_autofree char *packages = g_build_filename (dir, "mime", "packages", NULL);
  g_autofree char *ours = g_build_filename (packages, "newapi-desk.xml", NULL);
  g_autofree char *theirs = g_build_filename (packages, "freedesktop.org.xml", NULL);
  g_autofree char *db = g_build_filename (dir, "mime", NULL);
  g_autofree char *text = NULL;
  const char *argv[] = { ND_UPDATE_MIME_DATABASE, db, NULL };
  int status = -1;

  if (*ND_UPDATE_MIME_DATABASE == '\0' ||
      !g_file_get_contents ("/usr/share/mime/packages/freedesktop.org.xml", &text, NULL, NULL))
    return NULL;
  g_mkdir_with_parents (packages, 0700);
  g_assert_true (g_file_set_contents (theirs, text, -1, NULL));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (ND_MIME_XML, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (ours, text, -1, NULL));
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                     &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_steal_pointer (&dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  mime_dir = build_mime_dir ();
  if (mime_dir != NULL)
    {
      g_setenv ("XDG_DATA_DIRS", mime_dir, TRUE);
      g_setenv ("XDG_DATA_HOME", mime_dir, TRUE);
    }
  g_test_add_func ("/report/mime/desktop-file", test_desktop_file);
  g_test_add_func ("/report/mime/detected", test_detected);
  status = g_test_run ();
  if (mime_dir != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", mime_dir);

      g_assert_cmpint (system (cmd), ==, 0);
    }
  return status;
}

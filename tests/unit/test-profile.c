/* test-profile.c — profiles keep settings in GSettings, secrets elsewhere
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "nd-error.h"
#include "pg/nd-pg-conn.h"
#include "nd-profile.h"
#include "nd-test.h"

/* A macro: the call must run before `error` is read. */
#define assert_invalid(expr)                                    \
  G_STMT_START {                                                \
    gboolean ok_ = (expr);                                      \
    g_assert_false (ok_);                                       \
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);   \
  } G_STMT_END

static void
test_validators (void)
{
  GError *error = NULL;
  gint64 id = -1;

  g_assert_true (nd_profile_validate_name ("Production", NULL));
  assert_invalid (nd_profile_validate_name ("   ", &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_name ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &error));
  g_clear_error (&error);

  g_assert_true (nd_profile_validate_dsn ("postgresql://postgres@db:5432/newapi", TRUE, NULL));
  g_assert_true (nd_profile_validate_dsn ("host=db user=newapi dbname=newapi", TRUE, NULL));
  g_assert_true (nd_profile_validate_dsn ("", FALSE, NULL));
  assert_invalid (nd_profile_validate_dsn ("", TRUE, &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_dsn ("postgresql://[broken", TRUE, &error));
  g_assert_nonnull (strstr (error->message, "not valid"));
  g_clear_error (&error);
  assert_invalid (nd_profile_validate_dsn ("colour=blue", TRUE, &error)); g_clear_error (&error);

  g_assert_true (nd_profile_validate_url ("https://gateway.example.com", NULL));
  g_assert_true (nd_profile_validate_url ("http://127.0.0.1:3000/", NULL));
  assert_invalid (nd_profile_validate_url ("ftp://gateway.example.com", &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_url ("gateway.example.com", &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_url ("https://", &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_url ("https://a.example/?p=1", &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_url ("https://root:s3cret@a.example", &error)); g_clear_error (&error);

  g_assert_true (nd_profile_validate_user_id (" 42 ", &id, NULL));
  g_assert_cmpint (id, ==, 42);
  assert_invalid (nd_profile_validate_user_id ("abc", &id, &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_user_id ("0", &id, &error)); g_clear_error (&error);
  assert_invalid (nd_profile_validate_user_id ("-3", &id, &error)); g_clear_error (&error);

  g_assert_true (nd_profile_url_is_insecure ("http://gateway.example.com"));
  g_assert_false (nd_profile_url_is_insecure ("http://127.0.0.1:3000"));
  g_assert_false (nd_profile_url_is_insecure ("http://localhost:3000"));
  g_assert_false (nd_profile_url_is_insecure ("https://gateway.example.com"));
}

static void
test_profile_rules (void)
{
  g_autoptr(NdProfile) p = nd_profile_new (NULL);
  GError *error = NULL;

  g_assert_nonnull (nd_profile_get_id (p));
  g_object_set (p, "name", "Staging", NULL);
  /* Neither a database nor an API: nothing to connect to. */
  assert_invalid (nd_profile_validate (p, &error)); g_clear_error (&error);
  g_object_set (p, "api-url", "https://gw.example.com", NULL);
  /* A URL needs the user id that owns the access token. */
  assert_invalid (nd_profile_validate (p, &error)); g_clear_error (&error);
  g_object_set (p, "api-user-id", (gint64) 1, NULL);
  g_assert_true (nd_profile_validate (p, NULL));
  g_object_set (p, "log-dsn", "host=logs dbname=logs", NULL);
  assert_invalid (nd_profile_validate (p, &error)); g_clear_error (&error);
  g_object_set (p, "color", "chartreuse", NULL);
  g_object_set (p, "log-dsn", "", NULL);
  assert_invalid (nd_profile_validate (p, &error)); g_clear_error (&error);
}

static gboolean
settings_mention (GSettings *s, const char *needle)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (s, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) v = g_settings_get_value (s, keys[i]);
      g_autofree char *text = g_variant_print (v, FALSE);

      if (strstr (text, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_save_load (void)
{
  g_autoptr(GSettings) app = g_settings_new (ND_APP_SCHEMA_ID);
  g_autoptr(NdSecretStore) secrets = nd_secret_store_new_memory ();
  g_autoptr(NdProfileStore) store = nd_profile_store_new (app, secrets);
  g_autoptr(NdProfileStore) again = NULL;
  g_autoptr(NdProfile) p = nd_profile_new (NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) res2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) ps = NULL;
  g_autofree char *path = NULL;
  g_autofree char *secret = NULL;
  NdProfile *loaded;

  g_assert_cmpuint (g_list_model_get_n_items (nd_profile_store_get_model (store)), ==, 0);

  g_object_set (p, "name", "Production", "color", "purple",
                "pg-dsn", "postgresql://newapi:hunter2-s3cret@db.example.com:5432/newapi",
                "log-dsn", "host=logs.example.com dbname=logs user=reader password=l0gs-s3cret",
                "api-url", "https://gw.example.com", "api-user-id", (gint64) 1,
                "act-as", (gint64) 7, "read-only", FALSE, NULL);
  nd_profile_store_save_async (store, p, NULL, NULL, "tok-s3cret-token-value", NULL,
                               nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_true (nd_profile_store_save_finish (store, res, &error));
  g_assert_no_error (error);

  /* Nothing secret reaches GSettings, in any key. */
  path = g_strdup_printf ("/io/github/newapidesk/NewApiDesk/profiles/%s/", nd_profile_get_id (p));
  ps = g_settings_new_with_path (ND_PROFILE_SCHEMA_ID, path);
  g_assert_false (settings_mention (ps, "hunter2"));
  g_assert_false (settings_mention (ps, "l0gs-s3cret"));
  g_assert_false (settings_mention (ps, "tok-s3cret"));
  g_assert_false (settings_mention (app, "s3cret"));
  g_assert_true (settings_mention (ps, "db.example.com"));

  /* A fresh store reads the same profile back. */
  again = nd_profile_store_new (app, secrets);
  g_assert_cmpuint (g_list_model_get_n_items (nd_profile_store_get_model (again)), ==, 1);
  loaded = nd_profile_store_lookup (again, nd_profile_get_id (p));
  g_assert_nonnull (loaded);
  g_assert_cmpstr (nd_profile_get_name (loaded), ==, "Production");
  g_assert_cmpstr (nd_profile_get_color (loaded), ==, "purple");
  g_assert_cmpstr (nd_profile_get_api_url (loaded), ==, "https://gw.example.com");
  g_assert_cmpint (nd_profile_get_api_user_id (loaded), ==, 1);
  g_assert_cmpint (nd_profile_get_act_as (loaded), ==, 7);
  g_assert_false (nd_profile_get_read_only (loaded));
  g_assert_null (strstr (nd_profile_get_pg_dsn (loaded), "hunter2"));
  g_assert_nonnull (strstr (nd_profile_get_pg_dsn (loaded), "db.example.com"));
  g_assert_true (nd_profile_store_get_active (again) == loaded);

  /* …and the passwords come from the secret store. */
  nd_secret_store_lookup_async (secrets, nd_profile_get_id (p), ND_SECRET_PG_PASSWORD, NULL,
                                nd_test_store_result, &res2);
  nd_test_wait (&res2);
  secret = nd_secret_store_lookup_finish (secrets, res2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "hunter2-s3cret");

  /* Removing forgets the profile and its secrets. */
  nd_profile_store_remove (again, loaded);
  g_assert_cmpuint (g_list_model_get_n_items (nd_profile_store_get_model (again)), ==, 0);
  {
    g_autoptr(GAsyncResult) r3 = NULL;
    g_autofree char *gone = NULL;

    nd_secret_store_lookup_async (secrets, nd_profile_get_id (p), ND_SECRET_API_TOKEN, NULL,
                                  nd_test_store_result, &r3);
    nd_test_wait (&r3);
    gone = nd_secret_store_lookup_finish (secrets, r3, NULL);
    g_assert_null (gone);
  }
}

static void
test_save_rejects_invalid (void)
{
  g_autoptr(GSettings) app = g_settings_new (ND_APP_SCHEMA_ID);
  g_autoptr(NdSecretStore) secrets = nd_secret_store_new_memory ();
  g_autoptr(NdProfileStore) store = nd_profile_store_new (app, secrets);
  g_autoptr(NdProfile) p = nd_profile_new (NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  guint before = g_list_model_get_n_items (nd_profile_store_get_model (store));

  g_object_set (p, "name", "Bad", "pg-dsn", "postgresql://[", NULL);
  nd_profile_store_save_async (store, p, NULL, NULL, NULL, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_false (nd_profile_store_save_finish (store, res, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  /* Nothing was written. */
  g_assert_cmpuint (g_list_model_get_n_items (nd_profile_store_get_model (store)), ==, before);
}

static void
test_dsn_strip (void)
{
  g_autofree char *pw = NULL;
  g_autofree char *clean = nd_pg_dsn_strip_password ("postgresql://u:p%40ss@h:5/d", &pw, NULL);
  g_autofree char *pw2 = NULL;
  g_autofree char *same = nd_pg_dsn_strip_password ("host=h dbname=d", &pw2, NULL);

  g_assert_cmpstr (pw, ==, "p@ss");
  g_assert_null (strstr (clean, "p@ss"));
  g_assert_nonnull (strstr (clean, "host='h'"));
  g_assert_null (pw2);
  g_assert_cmpstr (same, ==, "host=h dbname=d");
}

/* Known secrets, fed through every path; none may come out anywhere. */
static const char * const planted[] = {
  "Pw-Main-7731", "Ssl-Main-4417", "Pw-Log-5521", "Ssl-Log-8812", "tok-Api-9934-secret",
};

static void
assert_clean (const char *where, const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (planted); i++)
    if (text != NULL && strstr (text, planted[i]) != NULL)
      g_error ("%s shows the secret %s:\n%s", where, planted[i], text);
}

static char *
lookup_secret (NdSecretStore *secrets, const char *id, const char *kind)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  nd_secret_store_lookup_async (secrets, id, kind, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  secret = nd_secret_store_lookup_finish (secrets, res, &error);
  g_assert_no_error (error);
  return secret;
}

/* Every secret keyword of both DSNs (password, sslpassword) and the token
 * leave the profile before it is saved: the settings file on disk holds
 * none of them, the keyring holds all of them, and connecting gets them
 * back. */
static void
test_secrets_never_saved (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nd-profile-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "keyfile", NULL);
  g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (file, "/", NULL);
  g_autoptr(GSettings) app = g_settings_new_with_backend (ND_APP_SCHEMA_ID, backend);
  g_autoptr(NdSecretStore) secrets = nd_secret_store_new_memory ();
  g_autoptr(NdProfileStore) store = nd_profile_store_new (app, secrets);
  g_autoptr(NdProfile) p = nd_profile_new (NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *text = NULL, *describe = NULL, *pw = NULL, *opts = NULL;
  g_autofree char *log_pw = NULL, *log_opts = NULL, *token = NULL, *merged = NULL;
  g_autofree char *ssl = NULL;
  const char *id = nd_profile_get_id (p);

  g_object_set (p, "name", "Production",
                "pg-dsn", "postgresql://newapi:Pw-Main-7731@db.example.com:5432/newapi"
                          "?sslpassword=Ssl-Main-4417&sslmode=require",
                "log-dsn", "host=logs.example.com dbname=logs user=reader password=Pw-Log-5521 "
                           "sslpassword='Ssl-Log-8812'",
                "api-url", "https://gw.example.com", "api-user-id", (gint64) 1, NULL);
  nd_profile_store_save_async (store, p, NULL, NULL, "tok-Api-9934-secret", NULL,
                               nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_true (nd_profile_store_save_finish (store, res, &error));
  g_assert_no_error (error);

  /* What reached the disk. */
  g_settings_sync ();
  g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
  assert_clean ("the settings file", text);
  g_assert_nonnull (strstr (text, "db.example.com"));   /* the profile is there … */
  g_assert_nonnull (strstr (text, "logs.example.com"));
  g_assert_nonnull (strstr (text, "sslmode"));          /* … and lost nothing else */

  /* What the window shows. */
  assert_clean ("the profile's DSN", nd_profile_get_pg_dsn (p));
  assert_clean ("the profile's log DSN", nd_profile_get_log_dsn (p));
  describe = nd_profile_describe (p);
  assert_clean ("the profile header", describe);

  /* All of it is in the keyring … */
  pw = lookup_secret (secrets, id, ND_SECRET_PG_PASSWORD);
  opts = lookup_secret (secrets, id, ND_SECRET_PG_OPTIONS);
  log_pw = lookup_secret (secrets, id, ND_SECRET_LOG_PG_PASSWORD);
  log_opts = lookup_secret (secrets, id, ND_SECRET_LOG_PG_OPTIONS);
  token = lookup_secret (secrets, id, ND_SECRET_API_TOKEN);
  g_assert_cmpstr (pw, ==, "Pw-Main-7731");
  g_assert_cmpstr (log_pw, ==, "Pw-Log-5521");
  g_assert_cmpstr (token, ==, "tok-Api-9934-secret");
  g_assert_nonnull (opts);
  g_assert_nonnull (log_opts);
  g_assert_nonnull (strstr (log_opts, "Ssl-Log-8812"));

  /* … and connecting puts it back, in memory only. */
  merged = nd_pg_dsn_merge (nd_profile_get_pg_dsn (p), opts);
  ssl = nd_pg_dsn_get (merged, "sslpassword");
  g_assert_cmpstr (ssl, ==, "Ssl-Main-4417");
  g_clear_pointer (&ssl, g_free);
  ssl = nd_pg_dsn_get (merged, "host");
  g_assert_cmpstr (ssl, ==, "db.example.com");

  g_unlink (file);
  g_rmdir (dir);
}

/* libpq's parse errors quote the whole string; ours never do. */
static void
test_dsn_errors_never_echo (void)
{
  static const struct { const char *dsn; const char *secret; } bad[] = {
    { "postgresql://u:Pw%ZZ-Main-7731@h/db", "Main-7731" },      /* bad percent escape */
    { "postgresql://u:Pw-Main-7731@[::1/db", "Pw-Main-7731" },   /* unclosed IPv6 */
    { "host=h password='Pw-Main-7731", "Pw-Main-7731" },         /* unclosed quote */
    { "host=h password=Pw-Main-7731 port", "Pw-Main-7731" },     /* missing = */
    { "host=h sslpassword=Ssl-Main-4417 colour=blue", "Ssl-Main-4417" },
    /* An unencoded "@" or "/" puts part of the password in the host or
     * database name, and from there in every connection error. */
    { "postgresql://u:Pw@Main-7731@h/db", "Main-7731" },
    { "postgresql://u:Pw/Main-7731@h/db", "Main-7731" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *describe = nd_pg_dsn_describe (bad[i].dsn);

      g_assert_false (nd_profile_validate_dsn (bad[i].dsn, TRUE, &error));
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
      if (strstr (error->message, bad[i].secret) != NULL)
        g_error ("the error for %s shows the secret: %s", bad[i].dsn, error->message);
      g_assert_null (strstr (describe, bad[i].secret));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/validators", test_validators);
  g_test_add_func ("/profile/rules", test_profile_rules);
  g_test_add_func ("/profile/save-load", test_save_load);
  g_test_add_func ("/profile/save-rejects-invalid", test_save_rejects_invalid);
  g_test_add_func ("/profile/dsn-strip", test_dsn_strip);
  g_test_add_func ("/profile/secrets-never-saved", test_secrets_never_saved);
  g_test_add_func ("/profile/dsn-errors-never-echo", test_dsn_errors_never_echo);
  return g_test_run ();
}

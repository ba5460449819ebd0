/* nd-pg-dsn.c — connection strings without their secrets
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-secure-string.h"
#include "nd-pg-dsn.h"

const char * const *
nd_pg_secret_keywords (void)
{
  static GStrv keywords;

  /* libpq knows which of its keywords are secrets; a newer libpq may add
   * one, so ask it instead of keeping a list. */
  if (g_once_init_enter (&keywords))
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      PQconninfoOption *defaults = PQconndefaults ();

      for (PQconninfoOption *o = defaults; o != NULL && o->keyword != NULL; o++)
        if (o->dispchar != NULL && strchr (o->dispchar, '*') != NULL)
          g_strv_builder_add (b, o->keyword);
      if (defaults == NULL)
        {
          /* Out of memory in libpq: keep the ones we know. */
          g_strv_builder_add (b, "password");
          g_strv_builder_add (b, "sslpassword");
        }
      PQconninfoFree (defaults);
      g_once_init_leave (&keywords, g_strv_builder_end (b));
    }
  return (const char * const *) keywords;
}

static gboolean
is_secret (const char *keyword)
{
  return g_strv_contains (nd_pg_secret_keywords (), keyword);
}

static const char *
find_value (PQconninfoOption *opts, const char *key)
{
  for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, key))
      return o->val;
  return NULL;
}

static gboolean
is_uri (const char *conninfo)
{
  return g_str_has_prefix (conninfo, "postgresql://") || g_str_has_prefix (conninfo, "postgres://");
}

/* libpq takes the user info of a URL up to the first "@" before the first
 * "/". An "@" after that (a password with an unencoded "@" or "/") lands in
 * the host or database name, and from there in messages. */
static gboolean
uri_has_misplaced_at (const char *conninfo)
{
  const char *p = strstr (conninfo, "://") + 3;
  const char *slash = strchr (p, '/');
  const char *auth_end = slash ? slash : p + strlen (p);
  const char *at = memchr (p, '@', auth_end - p);
  const char *rest = at ? at + 1 : p;
  const char *query = strchr (rest, '?');
  const char *rest_end = query ? query : rest + strlen (rest);

  return memchr (rest, '@', rest_end - rest) != NULL;
}

gboolean
nd_pg_dsn_validate (const char *conninfo, GError **error)
{
  char *errmsg = NULL;
  PQconninfoOption *opts;

  if (conninfo == NULL || *conninfo == '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The PostgreSQL connection string is empty"));
      return FALSE;
    }
  opts = PQconninfoParse (conninfo, &errmsg);
  /* libpq's message quotes the string, password and all: never shown. */
  if (errmsg != NULL)
    {
      nd_secure_wipe (errmsg);
      PQfreemem (errmsg);
    }
  if (opts == NULL && is_uri (conninfo))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The PostgreSQL connection URL is not valid. Write it as "
                     "postgresql://user@host:port/database; in the user name and password "
                     "write %% as %%25, @ as %%40 and / as %%2F."));
      return FALSE;
    }
  if (opts == NULL)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The PostgreSQL connection string is not valid. Write it as key=value "
                     "pairs such as “host=db.example.com dbname=newapi user=newapi”, with "
                     "single quotes around values that contain spaces."));
      return FALSE;
    }
  PQconninfoFree (opts);
  if (is_uri (conninfo) && uri_has_misplaced_at (conninfo))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The PostgreSQL connection URL has an “@” in the wrong place. If the "
                     "password contains @, / or %%, write them as %%40, %%2F and %%25."));
      return FALSE;
    }
  return TRUE;
}

static void
append_kv (GString *s, const char *key, const char *value)
{
  if (s->len > 0)
    g_string_append_c (s, ' ');
  g_string_append_printf (s, "%s='", key);
  for (const char *p = value; *p; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '\'');
}

char *
nd_pg_dsn_strip_secrets (const char *conninfo, char **password, char **other_secrets,
                         GError **error)
{
  PQconninfoOption *opts;
  GString *out, *others;
  gboolean any = FALSE;

  if (password != NULL)
    *password = NULL;
  if (other_secrets != NULL)
    *other_secrets = NULL;
  if (!nd_pg_dsn_validate (conninfo, error))
    return NULL;

  opts = PQconninfoParse (conninfo, NULL);
  out = g_string_new (NULL);
  others = g_string_new (NULL);
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (!is_secret (o->keyword))
        append_kv (out, o->keyword, o->val);
      else if (g_str_equal (o->keyword, "password"))
        {
          any = TRUE;
          if (password != NULL)
            *password = g_strdup (o->val);
        }
      else
        {
          any = TRUE;
          append_kv (others, o->keyword, o->val);
        }
    }
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    nd_secure_wipe (o->val);
  PQconninfoFree (opts);

  if (other_secrets != NULL && others->len > 0)
    *other_secrets = g_strdup (others->str);
  nd_secure_wipe (others->str);
  g_string_free (others, TRUE);
  if (!any)
    {
      /* Keep the user's own spelling (URL or key=value) when nothing changes. */
      g_string_free (out, TRUE);
      return g_strdup (conninfo);
    }
  return g_string_free (out, FALSE);
}

char *
nd_pg_dsn_strip_password (const char *conninfo, char **password, GError **error)
{
  return nd_pg_dsn_strip_secrets (conninfo, password, NULL, error);
}

char *
nd_pg_dsn_merge (const char *conninfo, const char *fragment)
{
  PQconninfoOption *base, *extra;
  GString *out;

  if (fragment == NULL || *fragment == '\0')
    return g_strdup (conninfo);
  base = PQconninfoParse (conninfo ? conninfo : "", NULL);
  extra = PQconninfoParse (fragment, NULL);
  if (base == NULL || extra == NULL)
    {
      /* The caller validated @conninfo; a damaged keyring entry is dropped. */
      g_clear_pointer (&base, PQconninfoFree);
      g_clear_pointer (&extra, PQconninfoFree);
      return g_strdup (conninfo);
    }
  out = g_string_new (NULL);
  for (PQconninfoOption *o = base; o->keyword != NULL; o++)
    if (o->val != NULL && find_value (extra, o->keyword) == NULL)
      append_kv (out, o->keyword, o->val);
  for (PQconninfoOption *o = extra; o->keyword != NULL; o++)
    if (o->val != NULL)
      append_kv (out, o->keyword, o->val);
  PQconninfoFree (base);
  PQconninfoFree (extra);
  return g_string_free (out, FALSE);
}

char *
nd_pg_dsn_get (const char *conninfo, const char *keyword)
{
  PQconninfoOption *opts = conninfo ? PQconninfoParse (conninfo, NULL) : NULL;
  char *value = g_strdup (find_value (opts, keyword));

  if (opts != NULL)
    PQconninfoFree (opts);
  return value;
}

char *
nd_pg_dsn_describe (const char *conninfo)
{
  PQconninfoOption *opts;
  const char *user, *host, *port, *db;
  char *desc;

  if (conninfo == NULL || !nd_pg_dsn_validate (conninfo, NULL) ||
      (opts = PQconninfoParse (conninfo, NULL)) == NULL)
    return g_strdup (_("(invalid connection string)"));
  user = find_value (opts, "user");
  host = find_value (opts, "host");
  port = find_value (opts, "port");
  db = find_value (opts, "dbname");
  desc = g_strdup_printf ("%s%s%s%s%s/%s",
                          user ? user : "", user ? "@" : "",
                          host ? host : "localhost",
                          port ? ":" : "", port ? port : "",
                          db ? db : (user ? user : ""));
  PQconninfoFree (opts);
  return desc;
}

char *
nd_pg_redact (PGconn *pg, const char *text)
{
  PQconninfoOption *opts = pg ? PQconninfo (pg) : NULL;
  char *out = g_strdup (text ? text : "");

  for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
    {
      /* Shorter values would blank out ordinary words; libpq never quotes
       * a password, so these only catch one that landed in a host name. */
      if (o->val == NULL || strlen (o->val) < 4 || !is_secret (o->keyword))
        continue;
      if (strstr (out, o->val) != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (out, o->val, -1);

          nd_secure_free (out);
          out = g_strjoinv ("***", parts);
        }
    }
  if (opts != NULL)
    PQconninfoFree (opts);
  return out;
}

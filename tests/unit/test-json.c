/* test-json.c — bounded parsing and checked reading of NewAPI's JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-error.h"
#include "nd-json.h"

static char *
nested (guint depth, const char *inner)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  g_string_append (s, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static void
assert_refused (const char *text, gssize len, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = nd_json_parse_bounded (text, len, &error);

  g_assert_null (node);
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” not in “%s”", fragment, error->message);
}

static void
assert_parses (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = nd_json_parse_bounded (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
}

static void
test_depth (void)
{
  g_autofree char *deep = nested (100000, "1");
  g_autofree char *limit = nested (ND_JSON_MAX_DEPTH, "1");
  g_autofree char *over = nested (ND_JSON_MAX_DEPTH + 1, "1");
  g_autofree char *objects = NULL;
  GString *o = g_string_new (NULL);

  /* json-glib alone recurses 100 000 times here and the process dies. */
  assert_refused (deep, -1, "nested more than");
  assert_parses (limit);
  assert_refused (over, -1, "nested more than");
  for (int i = 0; i <= ND_JSON_MAX_DEPTH; i++)
    g_string_append (o, "{\"a\":");
  g_string_append (o, "1");
  for (int i = 0; i <= ND_JSON_MAX_DEPTH; i++)
    g_string_append_c (o, '}');
  objects = g_string_free (o, FALSE);
  assert_refused (objects, -1, "nested more than");
  /* Brackets inside strings are text, escaped quotes do not end them. */
  {
    g_autofree char *brackets = g_strnfill (5000, '[');
    g_autofree char *text = g_strdup_printf ("{\"other\":\"\\\"%s\",\"n\":[1]}", brackets);

    assert_parses (text);
  }
  /* A wide reply is not a deep one. */
  {
    GString *wide = g_string_new ("[");

    for (int i = 0; i < 10000; i++)
      g_string_append (wide, i ? ",[{\"a\":[1]}]" : "[{\"a\":[1]}]");
    g_string_append_c (wide, ']');
    assert_parses (wide->str);
    g_string_free (wide, TRUE);
  }
}

static void
test_foreign_syntax (void)
{
  g_autofree char *deep = nested (1000, "1");
  g_autofree char *hidden = g_strdup_printf ("/* \" */ %s", deep);

  /* json-glib accepts comments and single quotes; a quote inside a comment
   * would hide nesting from a scan that did not refuse them. */
  assert_refused (hidden, -1, "malformed");
  assert_refused ("['a']", -1, "malformed");
  /* Numbers Go never writes, which json-glib reads its own way. */
  assert_refused ("[0x10]", -1, "malformed");
  assert_refused ("[0777]", -1, "malformed");
  assert_refused ("[$10]", -1, "malformed");
  assert_refused ("[tru]", -1, "malformed");
  assert_refused ("<html></html>", -1, "malformed");
  /* json-glib keeps the first of two values and drops the second. */
  assert_refused ("{\"a\":1}{\"a\":2}", -1, "malformed");
  assert_refused ("[1] [2]", -1, "malformed");
  assert_refused ("1 2", -1, "malformed");
  assert_parses ("  {\"a\":[1,{\"b\":\"}\"}]}  \n");
  assert_parses ("\"text\"");
  assert_parses ("[true, false, null, -0, 1.5e3, -2.25E-2, \"\\u00e9\"]");
}

static void
test_big_integers (void)
{
  /* json-glib wraps these into plausible values (…617 reads as 1). */
  assert_refused ("{\"quota\":18446744073709551617}", -1, "too large");
  assert_refused ("[9223372036854775808]", -1, "too large");
  assert_refused ("[-9223372036854775809]", -1, "too large");
  assert_parses ("[9223372036854775807, -9223372036854775807]");
  /* Doubles are not wrapped: they are judged when read. */
  assert_parses ("[1e999]");
}

static void
test_malformed (void)
{
  static const char nul[] = "{\"a\":1}\0[[[";

  assert_refused ("", -1, "empty");
  assert_refused ("  \n", -1, "empty");
  assert_refused ("{\"success\":true,\"data\":{\"items\":[{\"id\":1,\"created_at\":176", -1,
                  "cut off");
  assert_refused ("[1,,2]", -1, "malformed");
  assert_refused (nul, sizeof nul - 1, NULL);
}

static JsonObject *
object (const char *text, JsonNode **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = nd_json_parse_bounded (text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (*keep);
}

static void
test_read_int (void)
{
  g_autoptr(JsonNode) n = NULL;
  JsonObject *o = object ("{\"id\":7,\"s\":\"12\",\"d\":3.0,\"neg\":-5,\"huge\":9223372036854775807,"
                          "\"dhuge\":1e300,\"obj\":{},\"arr\":[],\"b\":true,\"text\":\"abc\","
                          "\"nul\":null,\"t\":-1,\"half\":\"12abc\"}", &n);
  GError *error = NULL;

  g_assert_cmpint (nd_json_read_int (o, "id", ND_JSON_ID, 0, &error), ==, 7);
  g_assert_cmpint (nd_json_read_int (o, "s", ND_JSON_COUNT, 0, &error), ==, 12);
  g_assert_cmpint (nd_json_read_int (o, "d", ND_JSON_COUNT, 0, &error), ==, 3);
  g_assert_cmpint (nd_json_read_int (o, "neg", ND_JSON_AMOUNT, 0, &error), ==, -5);
  g_assert_cmpint (nd_json_read_int (o, "t", ND_JSON_TIME, 0, &error), ==, -1);
  g_assert_cmpint (nd_json_read_int (o, "absent", ND_JSON_ID, 42, &error), ==, 42);
  g_assert_cmpint (nd_json_read_int (o, "nul", ND_JSON_ID, 43, &error), ==, 43);
  g_assert_no_error (error);

  /* Out of range: the server's error, named as such. */
  g_assert_cmpint (nd_json_read_int (o, "neg", ND_JSON_COUNT, 0, &error), ==, 0);
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "impossible"));
  g_assert_nonnull (strstr (error->message, "“neg”"));
  /* Sticky: later reads do nothing and keep the first error. */
  g_assert_cmpint (nd_json_read_int (o, "id", ND_JSON_ID, 99, &error), ==, 99);
  g_assert_nonnull (strstr (error->message, "“neg”"));
  g_clear_error (&error);

  {
    static const char * const bad[] = { "huge", "dhuge", "obj", "arr", "b", "text", "half", NULL };

    for (guint i = 0; bad[i]; i++)
      {
        g_assert_cmpint (nd_json_read_int (o, bad[i], ND_JSON_AMOUNT, -7, &error), ==, -7);
        g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
        g_assert_nonnull (strstr (error->message, bad[i]));
        g_clear_error (&error);
      }
  }
  g_assert_false (nd_json_check_range ("created_at", -2, ND_JSON_TIME, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_true (nd_json_check_range ("created_at", 1767225600, ND_JSON_TIME, &error));
  g_assert_false (nd_json_check_range ("type", 1000001, ND_JSON_CODE, NULL));
}

static void
test_read_other (void)
{
  g_autoptr(JsonNode) n = NULL;
  JsonObject *o = object ("{\"r\":1.5,\"ri\":2,\"rs\":\"0.25\",\"inf\":1e999,\"name\":\"gpt\","
                          "\"num\":5,\"list\":[1],\"yes\":true,\"one\":1,\"two\":2,"
                          "\"sf\":\"false\"}", &n);
  GError *error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *num = NULL;

  g_assert_cmpfloat (nd_json_read_double (o, "r", 0, 10, 0, &error), ==, 1.5);
  g_assert_cmpfloat (nd_json_read_double (o, "ri", 0, 10, 0, &error), ==, 2);
  g_assert_cmpfloat (nd_json_read_double (o, "rs", 0, 10, 0, &error), ==, 0.25);
  name = nd_json_read_str (o, "name", &error);
  num = nd_json_read_str (o, "num", &error);
  g_assert_true (nd_json_read_bool (o, "yes", &error));
  g_assert_true (nd_json_read_bool (o, "one", &error));
  g_assert_false (nd_json_read_bool (o, "sf", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "gpt");
  g_assert_cmpstr (num, ==, "5");

  g_assert_cmpfloat (nd_json_read_double (o, "inf", 0, 1e12, -1, &error), ==, -1);
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_cmpfloat (nd_json_read_double (o, "r", 2, 10, -1, &error), ==, -1);
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (nd_json_read_str (o, "list", &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (nd_json_read_bool (o, "two", &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);
}

static void
test_lenient_doubles (void)
{
  g_autoptr(JsonNode) n = NULL;
  JsonObject *o = object ("{\"big\":1e300,\"neg\":-1e300,\"ok\":12.9}", &n);

  /* A cast of 1e300 to 64 bits is undefined: the fallback instead. */
  g_assert_cmpint (nd_json_int (o, "big", -3), ==, -3);
  g_assert_cmpint (nd_json_int (o, "neg", -3), ==, -3);
  g_assert_cmpint (nd_json_int (o, "ok", -3), ==, 12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/foreign-syntax", test_foreign_syntax);
  g_test_add_func ("/json/big-integers", test_big_integers);
  g_test_add_func ("/json/malformed", test_malformed);
  g_test_add_func ("/json/read-int", test_read_int);
  g_test_add_func ("/json/read-other", test_read_other);
  g_test_add_func ("/json/lenient-doubles", test_lenient_doubles);
  return g_test_run ();
}

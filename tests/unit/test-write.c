/* test-write.c — the checks every write request passes before any source
 * sees it (nd-write.h): one case per rule, each naming its field
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-error.h"
#include "nd-write.h"

static void
assert_invalid (NdWrite *write, const char *want_field, const char *in_message)
{
  g_autoptr(NdWrite) owned = write;
  g_autoptr(GError) error = NULL;
  const char *field = "unset";

  g_assert_false (nd_write_validate (write, &field, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  g_assert_cmpstr (field, ==, want_field);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, in_message);
}

static void
assert_valid (NdWrite *write)
{
  g_autoptr(NdWrite) owned = write;
  g_autoptr(GError) error = NULL;

  g_assert_true (nd_write_validate (write, NULL, &error));
  g_assert_no_error (error);
}

static NdChannelEdit *
channel (NdChannelField mask)
{
  NdChannelEdit *e = nd_channel_edit_new ();

  e->mask = mask;
  e->name = g_strdup ("OpenAI main");
  e->type = 1;
  e->key = g_strdup ("sk-0123456789abcdef0123456789abcdef");
  e->group = g_strdup ("default,vip");
  e->models = g_strdup ("gpt-4o,gpt-4o-mini");
  return e;
}

#define CREATE_FIELDS (ND_CHANNEL_FIELD_NAME | ND_CHANNEL_FIELD_TYPE | ND_CHANNEL_FIELD_KEY | \
                       ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_MODELS)

static void
test_channels (void)
{
  NdChannelEdit *e;
  gint64 ids[] = { 3, 3, 5 };
  g_autoptr(NdWrite) dedup = nd_write_channel_status_new (ids, 3, 2, NULL);

  assert_valid (nd_write_channel_create_new (channel (CREATE_FIELDS)));
  assert_invalid (nd_write_channel_create_new (channel (CREATE_FIELDS & ~ND_CHANNEL_FIELD_KEY)),
                  "key", NULL);
  e = channel (CREATE_FIELDS);
  e->type = 3;   /* Azure has no default address */
  assert_invalid (nd_write_channel_create_new (e), "base_url", "Azure");
  e = channel (CREATE_FIELDS | ND_CHANNEL_FIELD_BASE_URL);
  e->base_url = g_strdup ("ftp://example.com");
  assert_invalid (nd_write_channel_create_new (e), "base_url", "http");
  e = channel (ND_CHANNEL_FIELD_MODEL_MAPPING);
  e->model_mapping = g_strdup ("{\n  \"a\": \"b\",\n  \"c\" \"d\"\n}");
  assert_invalid (nd_write_channel_update_new (1, e), "model_mapping", "line 3");
  e = channel (ND_CHANNEL_FIELD_STATUS_CODE_MAPPING);
  e->status_code_mapping = g_strdup ("42");
  assert_invalid (nd_write_channel_update_new (1, e), "status_code_mapping", "JSON object");
  e = channel (ND_CHANNEL_FIELD_GROUP);
  g_free (e->group);
  e->group = g_strnfill (65, 'g');
  assert_invalid (nd_write_channel_update_new (1, e), "group", "64");
  e = channel (ND_CHANNEL_FIELD_GROUP);
  g_free (e->group);
  e->group = g_strnfill (64, 'g');
  assert_valid (nd_write_channel_update_new (1, e));
  e = channel (ND_CHANNEL_FIELD_MODELS);
  g_free (e->models);
  e->models = g_strdup (" ,, ");
  assert_invalid (nd_write_channel_update_new (1, e), "models", NULL);
  e = channel (ND_CHANNEL_FIELD_WEIGHT);
  e->weight = -1;
  assert_invalid (nd_write_channel_update_new (1, e), "weight", NULL);
  assert_invalid (nd_write_channel_update_new (1, channel (0)), NULL, NULL);
  /* Status changes have their own action. */
  assert_invalid (nd_write_channel_update_new (1, channel (ND_CHANNEL_FIELD_STATUS)), "status", NULL);
  assert_invalid (nd_write_channel_status_new (ids, 1, 3, NULL), "status", NULL);
  assert_invalid (nd_write_channel_status_new (NULL, 0, 2, NULL), NULL, NULL);
  assert_invalid (nd_write_channel_key_status_new (1, -1, 2), "key_index", NULL);
  g_assert_cmpuint (dedup->ids->len, ==, 2);
}

static void
test_users (void)
{
  NdUserEdit *u;

  u = nd_user_edit_new ();
  u->username = g_strdup ("alice");
  u->password = g_strdup ("correct horse");
  assert_valid (nd_write_user_create_new (u));
  u = nd_user_edit_new ();
  u->username = g_strdup ("alice");
  u->password = g_strdup ("short");
  assert_invalid (nd_write_user_create_new (u), "password", NULL);
  u = nd_user_edit_new ();
  u->username = g_strdup ("a-name-longer-than-twenty");
  u->password = g_strdup ("long enough");
  assert_invalid (nd_write_user_create_new (u), "username", "20");
  u = nd_user_edit_new ();
  u->mask = ND_USER_FIELD_ROLE;
  u->role = 100;
  assert_invalid (nd_write_user_update_new (2, u), "role", NULL);
  assert_invalid (nd_write_user_quota_new (2, ND_QUOTA_ADD, 0, NULL), "amount", NULL);
  assert_invalid (nd_write_user_quota_new (2, ND_QUOTA_SUBTRACT, -5, NULL), "amount", NULL);
  /* A negative balance is only ever reached by subtracting. */
  assert_invalid (nd_write_user_quota_new (2, ND_QUOTA_SET, -5, "correction"), "amount", "zero");
  assert_valid (nd_write_user_quota_new (2, ND_QUOTA_SET, 0, "correction"));
  assert_invalid (nd_write_user_quota_new (2, ND_QUOTA_SET, G_MAXINT64, NULL), "amount", NULL);
  /* NewAPI creates users in "default", without a remark. */
  u = nd_user_edit_new ();
  u->mask = ND_USER_FIELD_GROUP;
  u->username = g_strdup ("alice");
  u->password = g_strdup ("long enough");
  u->group = g_strdup ("vip");
  assert_invalid (nd_write_user_create_new (u), "group", "default");
  u = nd_user_edit_new ();
  u->mask = ND_USER_FIELD_GROUP;
  u->group = g_strnfill (65, 'g');
  assert_invalid (nd_write_user_update_new (2, u), "group", "64");
  u = nd_user_edit_new ();
  u->mask = ND_USER_FIELD_USERNAME;
  u->username = g_strdup ("renamed");
  assert_invalid (nd_write_user_update_new (2, u), "username", NULL);
  u = nd_user_edit_new ();
  u->mask = ND_USER_FIELD_DISPLAY_NAME;
  u->display_name = g_strdup ("显示名称显示名称显示名称显示名称显示名称显");
  assert_invalid (nd_write_user_update_new (2, u), "display_name", "20");
}

static void
test_tokens_and_codes (void)
{
  NdTokenEdit *t;
  NdRedemptionEdit *r;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  t = nd_token_edit_new ();
  t->name = g_strdup ("ci");
  t->mask = ND_TOKEN_FIELD_ALLOW_IPS | ND_TOKEN_FIELD_EXPIRED_TIME;
  t->allow_ips = g_strdup ("10.0.0.1\n192.168.0.0/16\n");
  t->expired_time = now + 3600;
  assert_valid (nd_write_token_create_new (t));
  t = nd_token_edit_new ();
  t->name = g_strdup ("ci");
  t->mask = ND_TOKEN_FIELD_ALLOW_IPS;
  t->allow_ips = g_strdup ("10.0.0.1\nnot-an-ip");
  assert_invalid (nd_write_token_create_new (t), "allow_ips", "not-an-ip");
  t = nd_token_edit_new ();
  t->mask = ND_TOKEN_FIELD_EXPIRED_TIME;
  t->expired_time = now - 10;
  assert_invalid (nd_write_token_update_new (4, t), "expired_time", NULL);

  r = nd_redemption_edit_new ();
  r->name = g_strdup ("spring");
  r->count = 100;
  r->quota = 500000;
  assert_valid (nd_write_redemption_create_new (r));
  r = nd_redemption_edit_new ();
  r->name = g_strdup ("spring");
  r->count = 101;
  r->quota = 500000;
  assert_invalid (nd_write_redemption_create_new (r), "count", NULL);
  r = nd_redemption_edit_new ();
  r->name = g_strdup ("a name of twenty-one!");
  r->quota = 1;
  assert_invalid (nd_write_redemption_create_new (r), "name", NULL);
  r = nd_redemption_edit_new ();
  r->name = g_strdup ("x");
  r->quota = -1;
  assert_invalid (nd_write_redemption_create_new (r), "quota", NULL);
  r = nd_redemption_edit_new ();
  r->name = g_strdup ("x");
  r->quota = 1;
  r->expired_time = now - 1;
  assert_invalid (nd_write_redemption_create_new (r), "expired_time", NULL);
}

static void
test_prices (void)
{
  NdPriceEdit *p = nd_price_edit_new ();

  p->name = g_strdup ("gpt-4o");
  p->ratio = 1.25;
  p->completion_ratio = 4;
  assert_valid (nd_write_model_price_new (p));
  p = nd_price_edit_new ();
  p->name = g_strdup ("gpt-4o");
  p->ratio = -1;
  assert_invalid (nd_write_model_price_new (p), "ratio", NULL);
  p = nd_price_edit_new ();
  p->name = g_strdup ("dall-e-3");
  p->per_call = TRUE;
  p->price = NAN;
  assert_invalid (nd_write_model_price_new (p), "price", NULL);
  assert_invalid (nd_write_group_ratio_new ("vip", INFINITY), "ratio", NULL);
  assert_valid (nd_write_group_ratio_new ("vip", 0.8));
}

/* A copy owns its own secrets. */
static void
test_copy (void)
{
  NdChannelEdit *e = channel (CREATE_FIELDS);
  g_autoptr(NdWrite) write = nd_write_channel_create_new (e);
  g_autoptr(NdWrite) copy = nd_write_copy (write);

  g_assert_true (copy->channel != write->channel);
  g_assert_true (copy->channel->key != write->channel->key);
  g_assert_cmpstr (copy->channel->key, ==, write->channel->key);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/write/channels", test_channels);
  g_test_add_func ("/write/users", test_users);
  g_test_add_func ("/write/tokens-and-codes", test_tokens_and_codes);
  g_test_add_func ("/write/prices", test_prices);
  g_test_add_func ("/write/copy", test_copy);
  return g_test_run ();
}

/* nd-write-validate.c — the checks every write passes before a source sees it
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only what needs no server: NewAPI's own limits (reference §1.3, §1.6a,
 * §2.2–2.5). Checks that need the database or the API (duplicate names, a
 * role below the operator's, re-enabling an exhausted token) are the
 * source's.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "nd-error.h"
#include "nd-write.h"

/* NewAPI's own limits on PostgreSQL (reference §1.3). */
#define GROUP_MAX_CHARS 64
#define STATUS_CODE_MAPPING_MAX_CHARS 1024
#define REMARK_MAX_CHARS 255
/* Channel types are 1 … 60; 61 is upstream's sentinel count (§2.6). */
#define CHANNEL_TYPE_MAX 60

/* ---- validation -------------------------------------------------------- */

static gboolean
invalid (GError **error, const char **field, const char *name, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
invalid (GError **error, const char **field, const char *name, const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (field != NULL)
    *field = name;
  g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID_INPUT, message);
  return FALSE;
}

gboolean
nd_write_validate_json_object (const char *text, const char *label, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (text == NULL || *text == '\0')
    return TRUE;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, &parse_error))
    {
      /* json-glib says "<data>:LINE:COL: Parse error: …"; keep the position
       * and the reason, drop the "<data>" that means nothing to people. */
      const char *msg = parse_error->message;
      int line = 0, col = 0;

      if (sscanf (msg, "<data>:%d:%d:", &line, &col) == 2)
        {
          const char *reason = strstr (msg, ": ");

          reason = reason ? strstr (reason + 2, ": ") : NULL;
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("%s is not valid JSON (line %d, column %d): %s"), label, line, col,
                       reason ? reason + 2 : msg);
        }
      else
        g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                     _("%s is not valid JSON: %s"), label, msg);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("%s must be a JSON object ({…})"), label);
      return FALSE;
    }
  return TRUE;
}

static gboolean
blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static gboolean
models_empty (const char *models)
{
  g_auto(GStrv) parts = nd_split_commas (models);

  for (guint i = 0; parts[i] != NULL; i++)
    if (!blank (parts[i]))
      return FALSE;
  return TRUE;
}

static gboolean
base_url_required (int type)
{
  /* Azure, Custom and another New API have no default address (§2.6). */
  return type == 3 || type == 8 || type == 60;
}

static gboolean
validate_channel (const NdChannelEdit *e, gboolean create, const char **field, GError **error)
{
  struct { NdChannelField bit; const char *text; const char *name; const char *label; } json[] = {
    { ND_CHANNEL_FIELD_MODEL_MAPPING, e->model_mapping, "model_mapping", _("Model mapping") },
    { ND_CHANNEL_FIELD_STATUS_CODE_MAPPING, e->status_code_mapping, "status_code_mapping",
      _("Status code mapping") },
    { ND_CHANNEL_FIELD_SETTING, e->setting, "setting", _("Channel settings") },
    { ND_CHANNEL_FIELD_PARAM_OVERRIDE, e->param_override, "param_override",
      _("Parameter override") },
    { ND_CHANNEL_FIELD_HEADER_OVERRIDE, e->header_override, "header_override",
      _("Header override") },
    { ND_CHANNEL_FIELD_SETTINGS, e->settings, "settings", _("Other settings") },
  };
  NdChannelField mask = e->mask;

  if (create)
    {
      NdChannelField need = ND_CHANNEL_FIELD_NAME | ND_CHANNEL_FIELD_TYPE | ND_CHANNEL_FIELD_KEY |
                            ND_CHANNEL_FIELD_GROUP | ND_CHANNEL_FIELD_MODELS;

      if ((mask & need) != need)
        return invalid (error, field, (mask & ND_CHANNEL_FIELD_NAME) == 0 ? "name"
                                      : (mask & ND_CHANNEL_FIELD_KEY) == 0 ? "key"
                                      : (mask & ND_CHANNEL_FIELD_MODELS) == 0 ? "models"
                                      : (mask & ND_CHANNEL_FIELD_GROUP) == 0 ? "group" : "type",
                        _("A new channel needs a name, a type, a key, groups and models"));
    }
  else if (mask == 0)
    return invalid (error, field, NULL, _("Nothing to change"));

  if ((mask & ND_CHANNEL_FIELD_NAME) && blank (e->name))
    return invalid (error, field, "name", _("The channel needs a name"));
  if ((mask & ND_CHANNEL_FIELD_TYPE) && (e->type < 1 || e->type > CHANNEL_TYPE_MAX))
    return invalid (error, field, "type", _("Unknown channel type %d"), e->type);
  if ((mask & ND_CHANNEL_FIELD_KEY) && blank (e->key))
    return invalid (error, field, "key", _("The key cannot be empty"));
  if (mask & ND_CHANNEL_FIELD_BASE_URL)
    {
      if (!blank (e->base_url))
        {
          g_autoptr(GUri) uri = g_uri_parse (e->base_url, G_URI_FLAGS_NONE, NULL);
          const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

          if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
              (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
            return invalid (error, field, "base_url",
                            _("The base URL must be an http:// or https:// address"));
        }
      else if ((mask & ND_CHANNEL_FIELD_TYPE) && base_url_required (e->type))
        return invalid (error, field, "base_url",
                        _("Channels of type %s need a base URL"), nd_channel_type_name (e->type));
    }
  else if (create && base_url_required (e->type))
    return invalid (error, field, "base_url",
                    _("Channels of type %s need a base URL"), nd_channel_type_name (e->type));
  if (mask & ND_CHANNEL_FIELD_GROUP)
    {
      if (blank (e->group))
        return invalid (error, field, "group", _("The channel needs at least one group"));
      if (g_utf8_strlen (e->group, -1) > GROUP_MAX_CHARS)
        return invalid (error, field, "group",
                        _("The group list is %ld characters long; NewAPI stores at most %d "
                          "(varchar(64))"),
                        g_utf8_strlen (e->group, -1), GROUP_MAX_CHARS);
    }
  if ((mask & ND_CHANNEL_FIELD_MODELS) && models_empty (e->models))
    return invalid (error, field, "models", _("The channel needs at least one model"));
  if ((mask & ND_CHANNEL_FIELD_WEIGHT) && e->weight < 0)
    return invalid (error, field, "weight", _("The weight cannot be negative"));
  if ((mask & ND_CHANNEL_FIELD_AUTO_BAN) && e->auto_ban != 0 && e->auto_ban != 1)
    return invalid (error, field, "auto_ban", _("Automatic disabling is either on or off"));
  if ((mask & ND_CHANNEL_FIELD_REMARK) && e->remark != NULL &&
      g_utf8_strlen (e->remark, -1) > REMARK_MAX_CHARS)
    return invalid (error, field, "remark", _("The remark is longer than %d characters"),
                    REMARK_MAX_CHARS);
  if ((mask & ND_CHANNEL_FIELD_STATUS_CODE_MAPPING) && e->status_code_mapping != NULL &&
      g_utf8_strlen (e->status_code_mapping, -1) > STATUS_CODE_MAPPING_MAX_CHARS)
    return invalid (error, field, "status_code_mapping",
                    _("The status code mapping is longer than %d characters"),
                    STATUS_CODE_MAPPING_MAX_CHARS);
  if ((mask & ND_CHANNEL_FIELD_STATUS) &&
      e->status != ND_CHANNEL_STATUS_ENABLED && e->status != ND_CHANNEL_STATUS_MANUALLY_DISABLED)
    return invalid (error, field, "status", _("A channel is either enabled or disabled"));
  for (guint i = 0; i < G_N_ELEMENTS (json); i++)
    if ((mask & json[i].bit) && !nd_write_validate_json_object (json[i].text, json[i].label, error))
      {
        if (field != NULL)
          *field = json[i].name;
        return FALSE;
      }
  return TRUE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
validate_user (const NdUserEdit *e, gboolean create, const char **field, GError **error)
{
  NdUserField mask = create ? (e->mask | ND_USER_FIELD_USERNAME | ND_USER_FIELD_PASSWORD) : e->mask;

  if (!create && mask == 0)
    return invalid (error, field, NULL, _("Nothing to change"));
  /* NewAPI's own create takes neither (POST /api/user/): a new user starts
   * in the group "default", without a remark. */
  if (create && (mask & (ND_USER_FIELD_GROUP | ND_USER_FIELD_REMARK)))
    return invalid (error, field, (mask & ND_USER_FIELD_GROUP) ? "group" : "remark",
                    _("A new user starts in the group “default” without a remark, as NewAPI "
                      "creates users; change them once the user exists"));
  if (!create && (mask & ND_USER_FIELD_USERNAME))
    return invalid (error, field, "username", _("A username cannot be changed here"));
  if ((mask & ND_USER_FIELD_USERNAME) &&
      (blank (e->username) || g_utf8_strlen (e->username, -1) > 20))
    return invalid (error, field, "username", _("A username has 1 to 20 characters"));
  if ((mask & ND_USER_FIELD_PASSWORD) &&
      (e->password == NULL || g_utf8_strlen (e->password, -1) < 8 ||
       g_utf8_strlen (e->password, -1) > 20))
    return invalid (error, field, "password", _("A password has 8 to 20 characters"));
  if ((mask & ND_USER_FIELD_DISPLAY_NAME) && e->display_name != NULL &&
      g_utf8_strlen (e->display_name, -1) > 20)
    return invalid (error, field, "display_name",
                    _("A display name has at most 20 characters"));
  if ((mask & ND_USER_FIELD_ROLE) && e->role != 1 && e->role != 10)
    return invalid (error, field, "role",
                    _("A user is either a common user or an administrator; there is only one "
                      "root"));
  if ((mask & ND_USER_FIELD_GROUP) && blank (e->group))
    return invalid (error, field, "group", _("A user needs a group"));
  if ((mask & ND_USER_FIELD_GROUP) && g_utf8_strlen (e->group, -1) > GROUP_MAX_CHARS)
    return invalid (error, field, "group",
                    _("A group name has at most %d characters (varchar(64))"), GROUP_MAX_CHARS);
  if ((mask & ND_USER_FIELD_REMARK) && e->remark != NULL &&
      g_utf8_strlen (e->remark, -1) > REMARK_MAX_CHARS)
    return invalid (error, field, "remark", _("The remark is longer than %d characters"),
                    REMARK_MAX_CHARS);
  return TRUE;
}

static gboolean
valid_ip_list (const char *list, char **bad)
{
  g_auto(GStrv) lines = g_strsplit_set (list ? list : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GInetAddressMask) mask = NULL;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      mask = g_inet_address_mask_new_from_string (line, NULL);
      if (mask == NULL)
        {
          *bad = g_strdup (line);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate_token (const NdTokenEdit *e, gboolean create, const char **field, GError **error)
{
  NdTokenField mask = create ? (e->mask | ND_TOKEN_FIELD_NAME) : e->mask;
  g_autofree char *bad = NULL;

  if (!create && mask == 0)
    return invalid (error, field, NULL, _("Nothing to change"));
  if ((mask & ND_TOKEN_FIELD_NAME) && (blank (e->name) || g_utf8_strlen (e->name, -1) > 50))
    return invalid (error, field, "name", _("A token name has 1 to 50 characters"));
  if ((mask & ND_TOKEN_FIELD_EXPIRED_TIME) && e->expired_time != -1 &&
      e->expired_time <= now_seconds ())
    return invalid (error, field, "expired_time", _("The expiry is in the past"));
  if ((mask & ND_TOKEN_FIELD_REMAIN_QUOTA) && e->remain_quota < 0)
    return invalid (error, field, "remain_quota", _("The quota cannot be negative"));
  if ((mask & ND_TOKEN_FIELD_ALLOW_IPS) && !valid_ip_list (e->allow_ips, &bad))
    return invalid (error, field, "allow_ips",
                    _("“%s” is not an IP address or a network (CIDR)"), bad);
  return TRUE;
}

static gboolean
validate_redemption (const NdRedemptionEdit *e, gboolean create, const char **field,
                     GError **error)
{
  if (blank (e->name) || g_utf8_strlen (e->name, -1) > 20)
    return invalid (error, field, "name", _("A code name has 1 to 20 characters"));
  if (create && (e->count < 1 || e->count > 100))
    return invalid (error, field, "count", _("Between 1 and 100 codes can be made at once"));
  if (e->quota <= 0)
    return invalid (error, field, "quota", _("Each code must add some quota"));
  if (e->expired_time != 0 && e->expired_time <= now_seconds ())
    return invalid (error, field, "expired_time", _("The expiry is in the past"));
  return TRUE;
}

static gboolean
valid_number (double v)
{
  return isfinite (v) && v >= 0;
}

static gboolean
validate_price (const NdPriceEdit *e, gboolean group, const char **field, GError **error)
{
  if (e == NULL || blank (e->name))
    return invalid (error, field, "name", group ? _("Which group?") : _("Which model?"));
  if (!group && e->per_call)
    {
      if (!valid_number (e->price))
        return invalid (error, field, "price", _("A price is a number of 0 or more"));
      return TRUE;
    }
  if (!valid_number (e->ratio))
    return invalid (error, field, "ratio", _("A ratio is a number of 0 or more"));
  if (!group && !isnan (e->completion_ratio) && !valid_number (e->completion_ratio))
    return invalid (error, field, "completion_ratio",
                    _("A completion ratio is a number of 0 or more"));
  return TRUE;
}

/* Quota amounts beyond this cannot be real (2^53: exact in every client). */
#define QUOTA_AMOUNT_MAX G_GINT64_CONSTANT (9007199254740992)

gboolean
nd_write_validate (const NdWrite *write, const char **field, GError **error)
{
  g_return_val_if_fail (write != NULL, FALSE);

  if (field != NULL)
    *field = NULL;

  switch (write->kind)
    {
    case ND_WRITE_CHANNEL_CREATE:
      if (write->channel == NULL)
        return invalid (error, field, NULL, _("Nothing to create"));
      return validate_channel (write->channel, TRUE, field, error);
    case ND_WRITE_USER_CREATE:
      if (write->user == NULL)
        return invalid (error, field, NULL, _("Nothing to create"));
      return validate_user (write->user, TRUE, field, error);
    case ND_WRITE_TOKEN_CREATE:
      if (write->token == NULL)
        return invalid (error, field, NULL, _("Nothing to create"));
      return validate_token (write->token, TRUE, field, error);
    case ND_WRITE_REDEMPTION_CREATE:
      if (write->redemption == NULL)
        return invalid (error, field, NULL, _("Nothing to create"));
      return validate_redemption (write->redemption, TRUE, field, error);
    case ND_WRITE_REDEMPTION_DELETE_INVALID:
      return TRUE;
    case ND_WRITE_MODEL_PRICE:
      return validate_price (write->price, FALSE, field, error);
    case ND_WRITE_GROUP_RATIO:
      return validate_price (write->price, TRUE, field, error);
    default:
      break;
    }

  if (write->ids->len == 0)
    return invalid (error, field, NULL, _("Nothing was chosen"));
  for (guint i = 0; i < write->ids->len; i++)
    if (g_array_index (write->ids, gint64, i) <= 0)
      return invalid (error, field, NULL, _("Ids are positive numbers"));

  switch (write->kind)
    {
    case ND_WRITE_CHANNEL_STATUS:
      if (write->status != ND_CHANNEL_STATUS_ENABLED &&
          write->status != ND_CHANNEL_STATUS_MANUALLY_DISABLED)
        return invalid (error, field, "status",
                        _("A channel can only be enabled or disabled by hand"));
      return TRUE;
    case ND_WRITE_CHANNEL_UPDATE:
      if (write->channel == NULL)
        return invalid (error, field, NULL, _("Nothing to change"));
      if (write->channel->mask & ND_CHANNEL_FIELD_STATUS)
        return invalid (error, field, "status",
                        _("Enable or disable a channel with its own action, not an edit"));
      return validate_channel (write->channel, FALSE, field, error);
    case ND_WRITE_CHANNEL_KEY_STATUS:
      if (write->key_index < 0)
        return invalid (error, field, "key_index", _("Keys are numbered from 0"));
      if (write->status != ND_CHANNEL_STATUS_ENABLED &&
          write->status != ND_CHANNEL_STATUS_MANUALLY_DISABLED)
        return invalid (error, field, "status", _("A key can only be enabled or disabled"));
      return TRUE;
    case ND_WRITE_CHANNEL_TEST_RESULT:
      if (write->response_ms < 0 || write->test_time <= 0)
        return invalid (error, field, NULL, _("A test result needs its time and duration"));
      return TRUE;
    case ND_WRITE_CHANNEL_BALANCE:
      if (!isfinite (write->balance) || write->balance_time <= 0)
        return invalid (error, field, NULL, _("A balance needs a number and its time"));
      return TRUE;
    case ND_WRITE_USER_UPDATE:
      if (write->user == NULL)
        return invalid (error, field, NULL, _("Nothing to change"));
      return validate_user (write->user, FALSE, field, error);
    case ND_WRITE_USER_STATUS:
    case ND_WRITE_TOKEN_STATUS:
    case ND_WRITE_REDEMPTION_STATUS:
      if (write->status != 1 && write->status != 2)
        return invalid (error, field, "status", _("It can only be enabled or disabled"));
      return TRUE;
    case ND_WRITE_USER_QUOTA:
      if (write->amount > QUOTA_AMOUNT_MAX || write->amount < -QUOTA_AMOUNT_MAX)
        return invalid (error, field, "amount", _("That quota is too large to be real"));
      if (write->quota_mode != ND_QUOTA_SET && write->amount <= 0)
        return invalid (error, field, "amount",
                        _("Add or subtract a positive amount of quota"));
      /* NewAPI's override takes any number; a balance set below zero is
       * never what an admin means (subtract goes below zero if it must). */
      if (write->quota_mode == ND_QUOTA_SET && write->amount < 0)
        return invalid (error, field, "amount", _("A balance cannot be set below zero"));
      if (write->ids->len != 1)
        return invalid (error, field, NULL, _("Quota is changed for one user at a time"));
      if (write->reason != NULL && g_utf8_strlen (write->reason, -1) > REMARK_MAX_CHARS)
        return invalid (error, field, "reason", _("The reason is longer than %d characters"),
                        REMARK_MAX_CHARS);
      return TRUE;
    case ND_WRITE_TOKEN_UPDATE:
      if (write->token == NULL)
        return invalid (error, field, NULL, _("Nothing to change"));
      return validate_token (write->token, FALSE, field, error);
    case ND_WRITE_REDEMPTION_UPDATE:
      if (write->redemption == NULL)
        return invalid (error, field, NULL, _("Nothing to change"));
      return validate_redemption (write->redemption, FALSE, field, error);
    case ND_WRITE_CHANNEL_DELETE:
    case ND_WRITE_CHANNEL_TAG:
    case ND_WRITE_CHANNEL_COPY:
    case ND_WRITE_CHANNEL_CREATE:
    default:
      return TRUE;
    }
}

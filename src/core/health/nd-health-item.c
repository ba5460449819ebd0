/* nd-health-item.c — one channel in a health run
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-health-item.h"

struct _NdHealthItem
{
  GObject parent_instance;

  gint64 id;
  char *name;
  int type;
  NdHealthState state;
  gint64 latency_ms;
  char *message;
  int error_code;
  char *upstream_code;
  double balance;
  gint64 balance_time;
  gboolean recorded;
  gboolean disabled;
  char *write_error;
};

G_DEFINE_FINAL_TYPE (NdHealthItem, nd_health_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_STATE,
  PROP_LATENCY_MS,
  PROP_MESSAGE,
  PROP_BALANCE,
  PROP_BALANCE_TIME,
  PROP_RECORDED,
  PROP_DISABLED,
  PROP_WRITE_ERROR,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

const char *
nd_health_state_nick (NdHealthState state)
{
  switch (state)
    {
    case ND_HEALTH_WAITING: return "waiting";
    case ND_HEALTH_RUNNING: return "running";
    case ND_HEALTH_OK: return "ok";
    case ND_HEALTH_FAILED: return "failed";
    case ND_HEALTH_SKIPPED: return "skipped";
    case ND_HEALTH_CANCELLED: return "cancelled";
    default: return "unknown";
    }
}

static void
nd_health_item_finalize (GObject *object)
{
  NdHealthItem *self = ND_HEALTH_ITEM (object);

  g_free (self->name);
  g_free (self->message);
  g_free (self->upstream_code);
  g_free (self->write_error);
  G_OBJECT_CLASS (nd_health_item_parent_class)->finalize (object);
}

static void
nd_health_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdHealthItem *self = ND_HEALTH_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_STATE: g_value_set_int (value, self->state); break;
    case PROP_LATENCY_MS: g_value_set_int64 (value, self->latency_ms); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case PROP_BALANCE: g_value_set_double (value, self->balance); break;
    case PROP_BALANCE_TIME: g_value_set_int64 (value, self->balance_time); break;
    case PROP_RECORDED: g_value_set_boolean (value, self->recorded); break;
    case PROP_DISABLED: g_value_set_boolean (value, self->disabled); break;
    case PROP_WRITE_ERROR: g_value_set_string (value, self->write_error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_health_item_class_init (NdHealthItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = nd_health_item_finalize;
  object_class->get_property = nd_health_item_get_property;
  props[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /* An NdHealthState. */
  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, ND_HEALTH_WAITING,
                                        ND_HEALTH_CANCELLED, ND_HEALTH_WAITING, flags);
  props[PROP_LATENCY_MS] = g_param_spec_int64 ("latency-ms", NULL, NULL, -1, G_MAXINT64, -1,
                                               flags);
  props[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  props[PROP_BALANCE] = g_param_spec_double ("balance", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                                             flags);
  props[PROP_BALANCE_TIME] = g_param_spec_int64 ("balance-time", NULL, NULL, 0, G_MAXINT64, 0,
                                                 flags);
  props[PROP_RECORDED] = g_param_spec_boolean ("recorded", NULL, NULL, FALSE, flags);
  props[PROP_DISABLED] = g_param_spec_boolean ("disabled", NULL, NULL, FALSE, flags);
  props[PROP_WRITE_ERROR] = g_param_spec_string ("write-error", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
nd_health_item_init (NdHealthItem *self)
{
  self->latency_ms = -1;
  self->balance = NAN;
}

NdHealthItem *
_nd_health_item_new (gint64 id, const char *name, int type)
{
  NdHealthItem *self = g_object_new (ND_TYPE_HEALTH_ITEM, NULL);

  self->id = id;
  self->name = g_strdup (name);
  self->type = type;
  return self;
}

#define GETTER(type, name, field) \
  type nd_health_item_get_##name (NdHealthItem *self) \
  { \
    g_return_val_if_fail (ND_IS_HEALTH_ITEM (self), (type) 0); \
    return self->field; \
  }

GETTER (gint64, id, id)
GETTER (const char *, name, name)
GETTER (int, channel_type, type)
GETTER (NdHealthState, state, state)
GETTER (gint64, latency_ms, latency_ms)
GETTER (const char *, message, message)
GETTER (int, error_code, error_code)
GETTER (const char *, upstream_code, upstream_code)
GETTER (double, balance, balance)
GETTER (gint64, balance_time, balance_time)
GETTER (gboolean, recorded, recorded)
GETTER (gboolean, disabled, disabled)
GETTER (const char *, write_error, write_error)

gboolean
nd_health_item_is_done (NdHealthItem *self)
{
  g_return_val_if_fail (ND_IS_HEALTH_ITEM (self), FALSE);
  return self->state != ND_HEALTH_WAITING && self->state != ND_HEALTH_RUNNING;
}

static void
set_string (NdHealthItem *self, char **field, const char *value, int prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_state (NdHealthItem *self, NdHealthState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

void
_nd_health_item_set_running (NdHealthItem *self)
{
  set_state (self, ND_HEALTH_RUNNING);
}

void
_nd_health_item_finish (NdHealthItem *self, NdHealthState state, gint64 latency_ms,
                        const char *message, int error_code, const char *upstream_code)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->latency_ms != latency_ms)
    {
      self->latency_ms = latency_ms;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LATENCY_MS]);
    }
  set_string (self, &self->message, message, PROP_MESSAGE);
  self->error_code = error_code;
  g_free (self->upstream_code);
  self->upstream_code = g_strdup (upstream_code);
  g_object_thaw_notify (G_OBJECT (self));
  set_state (self, state);
}

void
_nd_health_item_set_balance (NdHealthItem *self, double balance, gint64 time)
{
  self->balance = balance;
  self->balance_time = time;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BALANCE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BALANCE_TIME]);
}

void
_nd_health_item_set_written (NdHealthItem *self, gboolean recorded, gboolean disabled,
                             const char *write_error)
{
  if (self->recorded != recorded)
    {
      self->recorded = recorded;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RECORDED]);
    }
  if (self->disabled != disabled)
    {
      self->disabled = disabled;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISABLED]);
    }
  set_string (self, &self->write_error, write_error, PROP_WRITE_ERROR);
}

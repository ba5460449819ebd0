/* nd-channel-keys.h — the keys of a multi-key channel: masked previews,
 * each key's status and why, and a switch per key
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-records.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_KEYS (nd_channel_keys_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelKeys, nd_channel_keys, ND, CHANNEL_KEYS, GtkWidget)

GtkWidget *nd_channel_keys_new         (void);
/* Shows @keys (NdChannelKey; NULL or empty shows nothing). */
void       nd_channel_keys_set_keys    (NdChannelKeys *self, GPtrArray *keys, gint64 now);
/* Greys the switches with @reason; NULL makes them usable. */
void       nd_channel_keys_set_blocked (NdChannelKeys *self, const char *reason);
/* The switch of key @index, or NULL (for tests). */
GtkSwitch *nd_channel_keys_get_switch  (NdChannelKeys *self, int index);

G_END_DECLS

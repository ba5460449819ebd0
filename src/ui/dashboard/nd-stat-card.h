/* nd-stat-card.h — one overview figure: a title, the figure, a dim line
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ND_TYPE_STAT_CARD (nd_stat_card_get_type ())
G_DECLARE_FINAL_TYPE (NdStatCard, nd_stat_card, ND, STAT_CARD, GtkWidget)

void nd_stat_card_set (NdStatCard *self, const char *value, const char *detail);

G_END_DECLS

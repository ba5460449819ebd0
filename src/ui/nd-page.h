/* nd-page.h — what every sidebar page shares: the session it shows
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-session.h"

G_BEGIN_DECLS

#define ND_TYPE_PAGE (nd_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (NdPage, nd_page, ND, PAGE, AdwBin)

struct _NdPageClass
{
  AdwBinClass parent_class;

  /* Called after the session changed; @old may be NULL. */
  void (*session_changed) (NdPage *self, NdSession *old);

  gpointer padding[4];
};

NdSession *nd_page_get_session (NdPage *self);
void       nd_page_set_session (NdPage *self, NdSession *session);

/* The app's settings, or NULL where its schema is not installed (pages
 * built by tests outside the app). */
GSettings *nd_page_settings_new (void);

/* Adds the stylesheet at @resource (under RESOURCE_BASE) to the display,
 * once per process, for a page that keeps its own CSS. */
void       nd_page_add_css     (const char *resource);

/* For a page's session_changed: stops listening to @old, and calls
 * @state_changed (@self) now and whenever the session's state or info
 * changes. */
void       nd_page_follow_session (NdPage *self, NdSession *old, GCallback state_changed);

G_END_DECLS

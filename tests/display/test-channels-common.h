/* test-channels-common.h — what the Channels page tests share: a fixture
 * gateway, a window on its Channels page, and ways to reach the rows
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-channel-editor.h"
#include "nd-channel-item.h"
#include "nd-channels-page.h"
#include "nd-display-test.h"
#include "nd-test.h"
#include "nd-window.h"

G_BEGIN_DECLS

#define PAGE_CHILD(page, name) nd_display_test_child ((page), ND_TYPE_CHANNELS_PAGE, (name))
#define EDITOR_CHILD(editor, name) nd_display_test_child ((editor), ND_TYPE_CHANNEL_EDITOR, (name))

typedef struct {
  NdTestPg *pg;
  const char *db;
  GtkWidget *window;
  NdChannelsPage *page;
  NdChannelEditor *editor;
} ChannelsWindow;

/* nd_display_test_init, and a user data dir of its own for the facts
 * store (never the real $HOME's). */
void           channels_tests_init       (int *argc, char ***argv);
/* g_test_run, then removes that directory. */
int            channels_tests_run        (void);

/* A fixture database @db (logs up to this hour) with @extra more channels,
 * a profile on it, a window on the Channels page with the list loaded.
 * FALSE (skipped) without PostgreSQL. */
gboolean       channels_window_open      (ChannelsWindow *w, const char *db, guint extra,
                                          gboolean read_only);
void           channels_window_close     (ChannelsWindow *w);
/* Spins until the page and its editor are idle. */
void           channels_window_settle    (ChannelsWindow *w);
/* The row item (NdChannelItem) at @pos of the table, referenced. */
NdChannelItem *channels_row_item         (ChannelsWindow *w, guint pos);
guint          channels_n_rows           (ChannelsWindow *w);
/* The position of channel @id in the table, or -1. */
int            channels_find             (ChannelsWindow *w, gint64 id);
/* Selects exactly the rows of @ids (as a click and ctrl-clicks would). */
void           channels_select           (ChannelsWindow *w, const gint64 *ids, guint n);
/* Opens channel @id in the editor and waits for its detail. */
void           channels_open             (ChannelsWindow *w, gint64 id);
/* The first label under @widget whose text contains @text, or NULL. */
GtkWidget     *channels_find_label       (GtkWidget *widget, const char *text);
/* The message dialog on screen, or NULL. */
AdwMessageDialog *channels_dialog        (void);
/* Sets the window width as a user would (the screen may cap it). */
void           channels_set_width        (ChannelsWindow *w, int width);
/* Runs one SQL scalar on the fixture. */
gint64         channels_sql              (ChannelsWindow *w, const char *sql);
char          *channels_sql_text         (ChannelsWindow *w, const char *sql);
/* Waits for @usage (an NdChannelUsage) to load after a sync, and asserts
 * that both ranges count the requests (type 2 and 5) the logs hold with
 * @column = @id, and that there are some. */
void           channels_check_usage      (ChannelsWindow *w, GtkWidget *usage,
                                          const char *column, gint64 id);

G_END_DECLS

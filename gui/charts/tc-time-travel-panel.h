/* tc-time-travel-panel.h — the program's state at the session cursor
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_TIME_TRAVEL_PANEL (tc_time_travel_panel_get_type ())

G_DECLARE_FINAL_TYPE (TcTimeTravelPanel, tc_time_travel_panel, TC, TIME_TRAVEL_PANEL, GtkWidget)

GtkWidget *tc_time_travel_panel_new          (TcViewerSession   *session);
/* The snapshot shown (index into the document's snapshots), or -1. */
gint       tc_time_travel_panel_get_snapshot (TcTimeTravelPanel *self);
/* "name = repr" of every local shown, with a leading "*" when changed
 * (for the tests). */
GStrv      tc_time_travel_panel_dup_locals   (TcTimeTravelPanel *self);

G_END_DECLS

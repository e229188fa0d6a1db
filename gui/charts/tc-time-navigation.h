/* tc-time-navigation.h — the same zoom, pan and selection on every time chart
 *
 * SPDX-License-Identifier: MIT
 *
 * Attaches event controllers to a widget whose plot area spans
 * [TC_CHART_LEFT, width - TC_CHART_RIGHT] and shows the session's visible
 * range: Ctrl+wheel and pinch zoom around the pointer, horizontal wheel or
 * Shift+wheel pans, W/S zoom, A/D and ←/→ pan, ↑/↓ zoom, Escape and 0 reset;
 * a drag selects a range (Enter zooms to it), a click moves the cursor.
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-viewer-session.h"

G_BEGIN_DECLS

void   tc_time_navigation_attach      (GtkWidget       *widget,
                                       TcViewerSession *session);
/* Zoom the visible range by `factor` (> 1 zooms in) keeping the instant at
 * plot x `anchor` in place.  Used by the controllers and the tests. */
void   tc_time_navigation_zoom        (TcViewerSession *session,
                                       double           factor,
                                       double           anchor,
                                       double           plot_width);
/* Pan by a fraction of the visible span (negative = earlier). */
void   tc_time_navigation_pan         (TcViewerSession *session,
                                       double           fraction);
/* Plot width of a widget using the shared margins. */
double tc_time_navigation_plot_width  (GtkWidget       *widget);

G_END_DECLS

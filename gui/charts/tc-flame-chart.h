/* tc-flame-chart.h — time-ordered call lanes per thread
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_FLAME_CHART (tc_flame_chart_get_type ())

G_DECLARE_FINAL_TYPE (TcFlameChart, tc_flame_chart, TC, FLAME_CHART, GtkWidget)

#define TC_FLAME_CHART_ROW    16.0
#define TC_FLAME_CHART_HEADER 20.0

GtkWidget *tc_flame_chart_new          (TcViewerSession *session);
/* Shows one thread's lane only (0 = every thread). */
void       tc_flame_chart_set_thread   (TcFlameChart    *self,
                                        guint            thread_id);
/* TRUE once the spans of the visible range are loaded. */
gboolean   tc_flame_chart_get_ready    (TcFlameChart    *self);
/* Spans loaded for a thread (TcSpan sorted by depth, start), or NULL. */
GArray    *tc_flame_chart_get_spans    (TcFlameChart    *self,
                                        guint            thread_id);
/* The span under a widget point, or NULL. */
const TcSpan *tc_flame_chart_span_at   (TcFlameChart    *self,
                                        double           x,
                                        double           y,
                                        guint           *thread_id);

G_END_DECLS

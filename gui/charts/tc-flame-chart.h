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

/* Highlights the functions whose name contains `query` (case-folded) and
 * dims the others; a worker counts every matching call of the recording
 * (tc-call-search.h), then "search-ready" turns TRUE.  NULL or "" ends the
 * search. */
void          tc_flame_chart_set_search        (TcFlameChart *self,
                                                const char   *query);
gboolean      tc_flame_chart_get_search_ready  (TcFlameChart *self);
/* Matching calls, and their summed time (nested matches counted once). */
guint64       tc_flame_chart_get_n_matches     (TcFlameChart *self,
                                                gint64       *matched_ns);
/* Index (in start order) of the match last jumped to, or -1. */
gint64        tc_flame_chart_get_current_match (TcFlameChart *self);
/* That match's call; FALSE before the first jump. */
gboolean      tc_flame_chart_get_current_call  (TcFlameChart *self,
                                                gint64       *start_ns,
                                                gint64       *end_ns,
                                                guint        *thread_id);
/* Pans and zooms the session to the next (or previous) match, wrapping
 * around; FALSE when there is none. */
gboolean      tc_flame_chart_jump_to_match     (TcFlameChart *self,
                                                gboolean      forward);

G_END_DECLS

/* tc-flame-view.h — a flame graph with its thread choice, search and
 * breadcrumbs: the body of the flame graph and sample profile pages
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-flame-graph.h"
#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_FLAME_VIEW (tc_flame_view_get_type ())

G_DECLARE_FINAL_TYPE (TcFlameView, tc_flame_view, TC, FLAME_VIEW, GtkWidget)

typedef enum
{
  TC_FLAME_SOURCE_CALLS,     /* the recorded call trees */
  TC_FLAME_SOURCE_SAMPLES,   /* stack samples (sample mode) */
} TcFlameSource;

GtkWidget    *tc_flame_view_new             (TcViewerSession *session,
                                             TcFlameSource    source);
TcFlameGraph *tc_flame_view_get_graph       (TcFlameView     *self);
/* Rebuilds the tree: thread 0 = all threads; reversed = callers view. */
void          tc_flame_view_set_thread      (TcFlameView     *self,
                                             guint            thread_id);
void          tc_flame_view_set_reversed    (TcFlameView     *self,
                                             gboolean         reversed);
void          tc_flame_view_set_search      (TcFlameView     *self,
                                             const char      *query);
/* "12.5 % of the time in 3 functions matching “parse”" or "". */
const char   *tc_flame_view_get_share_text  (TcFlameView     *self);
gboolean      tc_flame_view_start_search    (TcFlameView     *self);

G_END_DECLS

/* tc-variable-timeline.h — one lane per variable (function, name)
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_VARIABLE_TIMELINE (tc_variable_timeline_get_type ())

G_DECLARE_FINAL_TYPE (TcVariableTimeline, tc_variable_timeline, TC, VARIABLE_TIMELINE, GtkWidget)

#define TC_VAR_LANE_TITLE  18.0
#define TC_VAR_LANE_TICKS  22.0
#define TC_VAR_LANE_NUMBER 40.0

GtkWidget      *tc_variable_timeline_new          (TcViewerSession    *session);
guint           tc_variable_timeline_get_n_lanes  (TcVariableTimeline *self);
const TcDocVar *tc_variable_timeline_get_var      (TcVariableTimeline *self,
                                                   guint               lane);
/* Numbers are drawn as step charts, anything else as change ticks. */
gboolean        tc_variable_timeline_lane_numeric (TcVariableTimeline *self,
                                                   guint               lane);
/* Lane under widget y, or -1. */
gint            tc_variable_timeline_lane_at      (TcVariableTimeline *self,
                                                   double              y);
void            tc_variable_timeline_select       (TcVariableTimeline *self,
                                                   gint                lane);
const TcDocVar *tc_variable_timeline_get_selected (TcVariableTimeline *self);
/* Moves the session cursor to the selected variable's previous (-1) or next
 * (+1) change; FALSE when there is none. */
gboolean        tc_variable_timeline_step_change  (TcVariableTimeline *self,
                                                   int                 direction);

G_END_DECLS

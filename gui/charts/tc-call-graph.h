/* tc-call-graph.h — callers → function → callees, with call counts
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-document.h"

G_BEGIN_DECLS

#define TC_TYPE_CALL_GRAPH (tc_call_graph_get_type ())

G_DECLARE_FINAL_TYPE (TcCallGraph, tc_call_graph, TC, CALL_GRAPH, GtkWidget)

GtkWidget  *tc_call_graph_new         (TcDocument  *doc);
/* The function in the middle (a TcDocCode display name). */
void        tc_call_graph_set_center  (TcCallGraph *self,
                                       const char  *function);
const char *tc_call_graph_get_center  (TcCallGraph *self);
guint       tc_call_graph_get_n_callers (TcCallGraph *self);
guint       tc_call_graph_get_n_callees (TcCallGraph *self);
/* The function whose box is at a widget point, or NULL. */
const char *tc_call_graph_function_at (TcCallGraph *self,
                                       double       x,
                                       double       y);

G_END_DECLS

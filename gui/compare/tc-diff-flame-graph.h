/* tc-diff-flame-graph.h — the differential flame graph widget
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-comparison.h"

G_BEGIN_DECLS

#define TC_TYPE_DIFF_FLAME_GRAPH (tc_diff_flame_graph_get_type ())

G_DECLARE_FINAL_TYPE (TcDiffFlameGraph, tc_diff_flame_graph, TC, DIFF_FLAME_GRAPH, GtkWidget)

GtkWidget *tc_diff_flame_graph_new        (TcComparison     *comparison);
/* Zooms into a node's subtree (0 = the whole tree). */
void       tc_diff_flame_graph_set_focus  (TcDiffFlameGraph *self,
                                           guint32           node);
guint32    tc_diff_flame_graph_get_focus  (TcDiffFlameGraph *self);
/* Relayout after tc_comparison_set_flame_view() (focus back to the root). */
void       tc_diff_flame_graph_reload     (TcDiffFlameGraph *self);
/* The node drawn at (x, y) in widget coordinates, or TC_FLAME_NONE. */
guint32    tc_diff_flame_graph_node_at    (TcDiffFlameGraph *self,
                                           double            x,
                                           double            y);
/* Tooltip text of a node (transfer full). */
char      *tc_diff_flame_graph_describe   (TcDiffFlameGraph *self,
                                           guint32           node);

G_END_DECLS

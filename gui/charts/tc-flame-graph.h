/* tc-flame-graph.h — the zoomable flame graph widget
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-chart-draw.h"
#include "tc-flame-tree.h"

G_BEGIN_DECLS

#define TC_TYPE_FLAME_GRAPH (tc_flame_graph_get_type ())

G_DECLARE_FINAL_TYPE (TcFlameGraph, tc_flame_graph, TC, FLAME_GRAPH, GtkWidget)

#define TC_FLAME_ROW_HEIGHT 20.0

GtkWidget   *tc_flame_graph_new              (void);
/* Shows `tree` (names and colours from `doc`), focused on its root.  Big
 * trees are laid out in a worker thread: "ready" turns TRUE when done. */
void         tc_flame_graph_set_tree         (TcFlameGraph *self,
                                              TcDocument   *doc,
                                              TcFlameTree  *tree);
TcFlameTree *tc_flame_graph_get_tree         (TcFlameGraph *self);
gboolean     tc_flame_graph_get_ready        (TcFlameGraph *self);
/* Blocks until no flame graph of the process is painting in a worker
 * (before exit: see tc-flame-graph.c). */
void         tc_flame_graph_wait_for_painters (void);
GArray      *tc_flame_graph_get_boxes        (TcFlameGraph *self);
/* Click-to-zoom: the node drawn full width (its ancestors above it). */
void         tc_flame_graph_set_focus        (TcFlameGraph *self,
                                              guint32       node);
guint32      tc_flame_graph_get_focus        (TcFlameGraph *self);
/* Node indices from the root to the focus, for breadcrumbs. */
GArray      *tc_flame_graph_get_focus_path   (TcFlameGraph *self);
gboolean     tc_flame_graph_zoom_out         (TcFlameGraph *self);
/* Horizontal zoom inside the focus: the visible part, 0..1. */
void         tc_flame_graph_set_view         (TcFlameGraph *self,
                                              double        x0,
                                              double        x1);
void         tc_flame_graph_get_view         (TcFlameGraph *self,
                                              double       *x0,
                                              double       *x1);
/* Zooms by `factor` (> 1 in) keeping the point at widget x `anchor` still. */
void         tc_flame_graph_zoom_view        (TcFlameGraph *self,
                                              double        factor,
                                              double        anchor);
void         tc_flame_graph_set_icicle       (TcFlameGraph *self,
                                              gboolean      icicle);
/* Highlights the matching functions; returns their share of the total. */
double       tc_flame_graph_set_search       (TcFlameGraph *self,
                                              const char   *query);
double       tc_flame_graph_get_search_share (TcFlameGraph *self);
const guint8*tc_flame_graph_get_matches      (TcFlameGraph *self);
/* Hit test in widget coordinates: a node index or TC_FLAME_NONE. */
guint32      tc_flame_graph_node_at          (TcFlameGraph *self,
                                              double        x,
                                              double        y);
char        *tc_flame_graph_describe_node    (TcFlameGraph *self,
                                              guint32       node);
/* Switches the session view holding the graph to the functions page and
 * selects `code_id`'s row (the context menu's "Show in Function Table"). */
gboolean     tc_flame_graph_show_function    (TcFlameGraph *self,
                                              guint32       code_id);
/* Draws the current state on any cairo_t (the PDF export). */
void         tc_flame_graph_draw             (TcFlameGraph      *self,
                                              cairo_t           *cr,
                                              const TcDrawStyle *style,
                                              double             width,
                                              double             height);

G_END_DECLS

/* tc-diff-flame-graph.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-compare-draw.h"
#include "tc-units.h"

#include "tc-diff-flame-graph.h"

/* Room for the legend above the rows. */
#define LEGEND_HEIGHT 22.0
/* Boxes under this fraction of the width are left out. */
#define MIN_WIDTH     0.001

struct _TcDiffFlameGraph
{
  GtkWidget     parent_instance;

  TcComparison *comparison;
  GArray       *boxes;
  guint32       focus;
  guint         n_rows;
};

G_DEFINE_FINAL_TYPE (TcDiffFlameGraph, tc_diff_flame_graph, GTK_TYPE_WIDGET)

static void
relayout (TcDiffFlameGraph *self)
{
  g_clear_pointer (&self->boxes, g_array_unref);
  self->boxes = tc_flame_layout (tc_comparison_get_flame_tree (self->comparison), self->focus, MIN_WIDTH);
  self->n_rows = 0;
  for (guint i = 0; i < self->boxes->len; i++)
    self->n_rows = MAX (self->n_rows, g_array_index (self->boxes, TcFlameBox, i).depth + 1);

  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
pressed_cb (TcDiffFlameGraph *self,
            int               n_press,
            double            x,
            double            y,
            GtkGestureClick  *gesture)
{
  guint32 node = tc_diff_flame_graph_node_at (self, x, y);

  /* Click a box to zoom into it; click the focused box (or the legend) to
   * zoom back out to the whole tree. */
  if (node == TC_FLAME_NONE || node == self->focus)
    tc_diff_flame_graph_set_focus (self, 0);
  else
    tc_diff_flame_graph_set_focus (self, node);
}

static gboolean
tc_diff_flame_graph_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard,
                                   GtkTooltip *tooltip)
{
  TcDiffFlameGraph *self = TC_DIFF_FLAME_GRAPH (widget);
  guint32 node = tc_diff_flame_graph_node_at (self, x, y);
  g_autofree char *text = NULL;

  if (node == TC_FLAME_NONE)
    return FALSE;

  text = tc_diff_flame_graph_describe (self, node);
  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
draw (TcDiffFlameGraph *self,
      cairo_t          *cr,
      double            width)
{
  TcDrawStyle style;

  tc_draw_style_init_for_widget (&style, GTK_WIDGET (self));
  tc_diff_flame_draw_legend (cr, &style, 0, 0);
  cairo_translate (cr, 0, LEGEND_HEIGHT);
  tc_diff_flame_draw (cr, &style, self->comparison, self->boxes, width);
}

static void
tc_diff_flame_graph_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  TcDiffFlameGraph *self = TC_DIFF_FLAME_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->boxes == NULL || width <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw (self, cr, width);
  cairo_destroy (cr);
}

static void
tc_diff_flame_graph_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  TcDiffFlameGraph *self = TC_DIFF_FLAME_GRAPH (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 200;
  else
    *minimum = *natural = (int)ceil (LEGEND_HEIGHT + self->n_rows * TC_DIFF_FLAME_ROW);
}

static void
tc_diff_flame_graph_dispose (GObject *object)
{
  TcDiffFlameGraph *self = (TcDiffFlameGraph *)object;

  g_clear_pointer (&self->boxes, g_array_unref);
  g_clear_object (&self->comparison);

  G_OBJECT_CLASS (tc_diff_flame_graph_parent_class)->dispose (object);
}

static void
tc_diff_flame_graph_class_init (TcDiffFlameGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_diff_flame_graph_dispose;
  widget_class->snapshot = tc_diff_flame_graph_snapshot;
  widget_class->measure = tc_diff_flame_graph_measure;
  widget_class->query_tooltip = tc_diff_flame_graph_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "diffflamegraph");
}

static void
tc_diff_flame_graph_init (TcDiffFlameGraph *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
tc_diff_flame_graph_new (TcComparison *comparison)
{
  TcDiffFlameGraph *self;

  g_return_val_if_fail (TC_IS_COMPARISON (comparison), NULL);

  self = g_object_new (TC_TYPE_DIFF_FLAME_GRAPH, NULL);
  self->comparison = g_object_ref (comparison);
  relayout (self);

  return GTK_WIDGET (self);
}

void
tc_diff_flame_graph_set_focus (TcDiffFlameGraph *self,
                               guint32           node)
{
  g_return_if_fail (TC_IS_DIFF_FLAME_GRAPH (self));
  g_return_if_fail (node < tc_flame_tree_get_n_nodes (tc_comparison_get_flame_tree (self->comparison)));

  if (self->focus == node)
    return;

  self->focus = node;
  relayout (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* After the comparison's flame view changed: the old nodes are gone, so
 * back to the whole (new) tree. */
void
tc_diff_flame_graph_reload (TcDiffFlameGraph *self)
{
  g_return_if_fail (TC_IS_DIFF_FLAME_GRAPH (self));

  self->focus = 0;
  relayout (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint32
tc_diff_flame_graph_get_focus (TcDiffFlameGraph *self)
{
  g_return_val_if_fail (TC_IS_DIFF_FLAME_GRAPH (self), 0);

  return self->focus;
}

guint32
tc_diff_flame_graph_node_at (TcDiffFlameGraph *self,
                             double            x,
                             double            y)
{
  int width;
  gint index;

  g_return_val_if_fail (TC_IS_DIFF_FLAME_GRAPH (self), TC_FLAME_NONE);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  if (self->boxes == NULL || width <= 0 || y < LEGEND_HEIGHT)
    return TC_FLAME_NONE;

  index = tc_flame_layout_find (self->boxes, (guint)((y - LEGEND_HEIGHT) / TC_DIFF_FLAME_ROW), x / width);

  return index >= 0 ? g_array_index (self->boxes, TcFlameBox, index).node : TC_FLAME_NONE;
}

char *
tc_diff_flame_graph_describe (TcDiffFlameGraph *self,
                              guint32           node)
{
  const TcFlameNode *fn;
  gint64 before;
  g_autofree char *after_text = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *calls = NULL;

  g_return_val_if_fail (TC_IS_DIFF_FLAME_GRAPH (self), NULL);

  fn = tc_flame_tree_get_node (tc_comparison_get_flame_tree (self->comparison), node);
  before = tc_comparison_get_node_before (self->comparison, node);
  after_text = tc_units_format_ms (tc_ns_to_ms (fn->total));
  /* The count goes in as a string: a G_GUINT64_FORMAT inside _() never
   * reaches the translators. */
  calls = tc_units_format_count (fn->calls);

  if (before < 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\nNew: %s, %s call", "%s\nNew: %s, %s calls",
                                         tc_units_plural_n (fn->calls)),
                            tc_comparison_node_name (self->comparison, node), after_text, calls);

  before_text = tc_units_format_ms (tc_ns_to_ms (before));
  if (before == 0)
    return g_strdup_printf (_("%s\n%s → %s"), tc_comparison_node_name (self->comparison, node),
                            before_text, after_text);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n%s → %s (%+.0f %%), %s call now",
                                       "%s\n%s → %s (%+.0f %%), %s calls now", tc_units_plural_n (fn->calls)),
                          tc_comparison_node_name (self->comparison, node), before_text, after_text,
                          ((double)fn->total - (double)before) / (double)before * 100.0, calls);
}

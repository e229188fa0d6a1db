/* tc-call-graph.c — a butterfly view of the call graph
 *
 * SPDX-License-Identifier: MIT
 *
 * The recording's caller → callee edges (tc_analysis_callgraph, all threads)
 * around one function: its callers on the left, its callees on the right,
 * edge widths by call count.  Clicking a caller or callee moves it to the
 * middle, so the whole graph can be walked.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-chart-draw.h"
#include "tc-units.h"

#include "tc-call-graph.h"

#define MAX_SIDE 14
#define BOX_H    28.0
#define ROW_H    38.0
#define PAD      20.0

typedef struct
{
  const TcCallEdge *edge;
  const char       *function;  /* the other end */
  graphene_rect_t   box;
} Peer;

struct _TcCallGraph
{
  GtkWidget        parent_instance;

  TcDocument      *doc;
  GArray          *edges;      /* TcCallEdge */
  GHashTable      *codes;      /* display → TcDocCode */
  char            *center;
  GArray          *callers;    /* Peer */
  GArray          *callees;
  graphene_rect_t  center_box;
  guint64          max_count;
};

enum {
  CENTER_CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (TcCallGraph, tc_call_graph, GTK_TYPE_WIDGET)

static guint signals [N_SIGNALS];

static int
compare_peer (gconstpointer a,
              gconstpointer b)
{
  const Peer *pa = a;
  const Peer *pb = b;

  return (pa->edge->count < pb->edge->count) - (pa->edge->count > pb->edge->count);
}

static void
layout (TcCallGraph *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double col = MAX ((width - 4 * PAD) * 0.27, 120);
  double height = MAX (self->callers->len, self->callees->len) * ROW_H;
  double mid;

  height = MAX (height, ROW_H);
  mid = PAD + height / 2;
  graphene_rect_init (&self->center_box, width / 2 - col / 2, mid - BOX_H / 2, col, BOX_H);
  for (guint side = 0; side < 2; side++)
    {
      GArray *peers = side == 0 ? self->callers : self->callees;
      double x = side == 0 ? PAD : width - PAD - col;
      double top = mid - peers->len * ROW_H / 2;

      for (guint i = 0; i < peers->len; i++)
        graphene_rect_init (&g_array_index (peers, Peer, i).box, x, top + i * ROW_H + (ROW_H - BOX_H) / 2,
                            col, BOX_H);
    }
}

static void
rebuild (TcCallGraph *self)
{
  g_array_set_size (self->callers, 0);
  g_array_set_size (self->callees, 0);
  self->max_count = 1;

  for (guint i = 0; self->center != NULL && i < self->edges->len; i++)
    {
      const TcCallEdge *e = &g_array_index (self->edges, TcCallEdge, i);
      Peer peer = { e, NULL, GRAPHENE_RECT_INIT (0, 0, 0, 0) };

      if (g_strcmp0 (e->callee, self->center) == 0)
        {
          peer.function = e->caller;
          g_array_append_val (self->callers, peer);
        }
      else if (g_strcmp0 (e->caller, self->center) == 0)
        {
          peer.function = e->callee;
          g_array_append_val (self->callees, peer);
        }
      else
        continue;
      self->max_count = MAX (self->max_count, e->count);
    }
  g_array_sort (self->callers, compare_peer);
  g_array_sort (self->callees, compare_peer);
  if (self->callers->len > MAX_SIDE)
    g_array_set_size (self->callers, MAX_SIDE);
  if (self->callees->len > MAX_SIDE)
    g_array_set_size (self->callees, MAX_SIDE);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
draw_box (TcCallGraph           *self,
          cairo_t               *cr,
          const TcDrawStyle     *style,
          const graphene_rect_t *box,
          const char            *function,
          gboolean               center)
{
  const TcDocCode *code = g_hash_table_lookup (self->codes, function);
  static const GdkRGBA black = { 0, 0, 0, 0.85 };
  GdkRGBA color;

  tc_chart_module_color (code != NULL ? code->module : NULL, &color);
  gdk_cairo_set_source_rgba (cr, &color);
  tc_draw_rounded_rect (cr, box->origin.x, box->origin.y, box->size.width, box->size.height, 6);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, center ? 0.6 : 0.15);
  cairo_set_line_width (cr, center ? 2 : 1);
  cairo_stroke (cr);
  tc_chart_draw_text (cr, style, &black, box->origin.x + box->size.width / 2, box->origin.y + 6, 0.5,
                      box->size.width - 12, function);
}

static void
draw_edge (TcCallGraph           *self,
           cairo_t               *cr,
           const TcDrawStyle     *style,
           const graphene_rect_t *from,
           const graphene_rect_t *to,
           const TcCallEdge      *edge)
{
  double x1 = from->origin.x + from->size.width;
  double y1 = from->origin.y + from->size.height / 2;
  double x2 = to->origin.x;
  double y2 = to->origin.y + to->size.height / 2;
  double w = 1.0 + 7.0 * log1p ((double) edge->count) / log1p ((double) self->max_count);
  g_autofree char *count = tc_units_format_count (edge->count);
  g_autofree char *label = g_strdup_printf ("×%s", count);
  const GdkRGBA *c = &style->dim;

  cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.45);
  cairo_set_line_width (cr, w);
  cairo_move_to (cr, x1, y1);
  cairo_curve_to (cr, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
  cairo_stroke (cr);
  tc_chart_draw_text (cr, style, &style->foreground, (x1 + x2) / 2, (y1 + y2) / 2 - 16, 0.5, -1, label);
}

static void
tc_call_graph_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  TcCallGraph *self = TC_CALL_GRAPH (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 500;
  else
    *minimum = *natural = (int) (2 * PAD + MAX (MAX (self->callers->len, self->callees->len), 1) * ROW_H);
}

static void
tc_call_graph_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  TcCallGraph *self = TC_CALL_GRAPH (widget);
  TcDrawStyle style;
  cairo_t *cr;

  if (self->center == NULL)
    return;
  layout (self);
  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                 gtk_widget_get_height (widget)));
  for (guint i = 0; i < self->callers->len; i++)
    {
      const Peer *p = &g_array_index (self->callers, Peer, i);
      draw_edge (self, cr, &style, &p->box, &self->center_box, p->edge);
    }
  for (guint i = 0; i < self->callees->len; i++)
    {
      const Peer *p = &g_array_index (self->callees, Peer, i);
      draw_edge (self, cr, &style, &self->center_box, &p->box, p->edge);
    }
  for (guint i = 0; i < self->callers->len; i++)
    draw_box (self, cr, &style, &g_array_index (self->callers, Peer, i).box,
              g_array_index (self->callers, Peer, i).function, FALSE);
  for (guint i = 0; i < self->callees->len; i++)
    draw_box (self, cr, &style, &g_array_index (self->callees, Peer, i).box,
              g_array_index (self->callees, Peer, i).function, FALSE);
  draw_box (self, cr, &style, &self->center_box, self->center, TRUE);
  cairo_destroy (cr);
}

static const Peer *
peer_at (TcCallGraph *self,
         double       x,
         double       y)
{
  layout (self);
  for (guint side = 0; side < 2; side++)
    {
      GArray *peers = side == 0 ? self->callers : self->callees;

      for (guint i = 0; i < peers->len; i++)
        if (graphene_rect_contains_point (&g_array_index (peers, Peer, i).box, &GRAPHENE_POINT_INIT (x, y)))
          return &g_array_index (peers, Peer, i);
    }
  return NULL;
}

static void
pressed_cb (TcCallGraph *self,
            int          n_press,
            double       x,
            double       y)
{
  const Peer *peer = peer_at (self, x, y);

  if (peer != NULL)
    tc_call_graph_set_center (self, peer->function);
}

static gboolean
query_tooltip_cb (TcCallGraph *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  const Peer *peer = peer_at (self, x, y);
  g_autofree char *count = NULL;
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;

  if (peer == NULL)
    return FALSE;
  count = tc_units_format_count (peer->edge->count);
  time = tc_units_format_ms (tc_ns_to_ms (peer->edge->total_ns));
  text = g_strdup_printf (_("%s → %s\n%s calls, %s in the callee\nClick to center it"),
                          peer->edge->caller, peer->edge->callee, count, time);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
tc_call_graph_dispose (GObject *object)
{
  TcCallGraph *self = (TcCallGraph *)object;

  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->callers, g_array_unref);
  g_clear_pointer (&self->callees, g_array_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->center, g_free);
  g_clear_object (&self->doc);

  G_OBJECT_CLASS (tc_call_graph_parent_class)->dispose (object);
}

static void
tc_call_graph_class_init (TcCallGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_call_graph_dispose;
  widget_class->measure = tc_call_graph_measure;
  widget_class->snapshot = tc_call_graph_snapshot;

  signals [CENTER_CHANGED] =
    g_signal_new ("center-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "callgraph");
}

static void
tc_call_graph_init (TcCallGraph *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->callers = g_array_new (FALSE, FALSE, sizeof (Peer));
  self->callees = g_array_new (FALSE, FALSE, sizeof (Peer));
  self->codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
tc_call_graph_new (TcDocument *doc)
{
  TcCallGraph *self;
  GPtrArray *codes;

  g_return_val_if_fail (TC_IS_DOCUMENT (doc), NULL);

  self = g_object_new (TC_TYPE_CALL_GRAPH, NULL);
  self->doc = g_object_ref (doc);
  self->edges = tc_analysis_callgraph (doc, 1, NULL, NULL);
  codes = tc_document_get_codes (doc);
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      g_hash_table_insert (self->codes, (gpointer) code->display, (gpointer) code);
    }
  return GTK_WIDGET (self);
}

void
tc_call_graph_set_center (TcCallGraph *self,
                          const char  *function)
{
  g_return_if_fail (TC_IS_CALL_GRAPH (self));

  if (g_strcmp0 (self->center, function) == 0)
    return;
  g_free (self->center);
  self->center = g_strdup (function);
  rebuild (self);
  g_signal_emit (self, signals [CENTER_CHANGED], 0);
}

const char *
tc_call_graph_get_center (TcCallGraph *self)
{
  return self->center;
}

guint
tc_call_graph_get_n_callers (TcCallGraph *self)
{
  return self->callers->len;
}

guint
tc_call_graph_get_n_callees (TcCallGraph *self)
{
  return self->callees->len;
}

const char *
tc_call_graph_function_at (TcCallGraph *self,
                           double       x,
                           double       y)
{
  const Peer *peer = peer_at (self, x, y);

  if (peer != NULL)
    return peer->function;
  if (self->center != NULL && graphene_rect_contains_point (&self->center_box, &GRAPHENE_POINT_INIT (x, y)))
    return self->center;
  return NULL;
}

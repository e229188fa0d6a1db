/* tc-flame-graph.c — the zoomable flame graph widget
 *
 * SPDX-License-Identifier: MIT
 *
 * Layout (tc_flame_layout) is width-independent and made once per tree and
 * focus, in a worker thread for big trees.  Small layouts are recorded into
 * a render node that is reused until the size, view, search or theme
 * change.  Big ones are painted with cairo in a worker thread, a little
 * wider than the view so that panning finds them ready; frames show the
 * last painting moved and scaled to the view (a texture node: nothing to
 * rasterize on the main thread) until the next one arrives.  The hover
 * outline is drawn on top each frame.
 *
 * The widget scrolls itself vertically (GtkScrollable): it is allocated the
 * page and draws the whole graph (every render and painting above covers
 * all the rows) shifted by the adjustment's value.  In a GtkViewport, the
 * place of the rows is the viewport's allocation of its child, made only
 * while the viewport is allocated: a value set after that (the adjustment's
 * notifications are held until then) moved the scrollbar but not the rows
 * until the next scroll, so a graph could not open at its roots.  Here the
 * value is chosen in size_allocate, before anything is drawn: the page
 * stays on the roots' end (the bottom, or the top for an icicle) through
 * new trees and size changes, unless it was scrolled away from it.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-functions-section.h"
#include "tc-session-view.h"
#include "tc-units.h"

#include "tc-flame-graph.h"

/* Trees with more nodes than this are laid out off the main thread. */
#define ASYNC_NODES 20000
/* Boxes narrower than this fraction of the focus are left out of the
 * layout: far below a pixel even when zoomed in 1000×. */
#define MIN_BOX_FRACTION 1e-7
/* While the view keeps changing (a zoom or pan gesture), frames reuse the
 * last render scaled and shifted; the graph is drawn afresh once the view
 * rests this long, or sooner when the reused one drifts too far. */
#define SETTLE_MS        120
#define MAX_REUSE_SCALE  2.0
/* Above this many boxes the graph is painted in a worker into a texture:
 * building and replaying tens of thousands of colour nodes costs the main
 * thread more than a frame. */
#define TEXTURE_BOXES    5000
/* The worker paints this much of the view's width again on either side, at
 * most MAX_PAINT_PX wide in all, and paints again once the view's scale
 * drifts from the painting's by more than REPAINT_DRIFT. */
#define PAINT_MARGIN     0.5
#define MAX_PAINT_PX     4096
#define REPAINT_DRIFT    0.002

struct _TcFlameGraph
{
  GtkWidget      parent_instance;

  TcDocument    *doc;
  TcFlameTree   *tree;
  GArray        *boxes;
  guint32        focus;
  guint          layout_serial;
  GCancellable  *cancellable;

  double         view_x0;
  double         view_x1;
  gboolean       icicle;

  GByteArray    *matches;
  char          *query;
  double         share;

  guint32        hover;
  GskRenderNode *cached;
  GdkTexture    *cached_texture;
  double         cached_x0;
  double         cached_x1;
  guint          content_serial;   /* bumped by everything but the view */
  guint          texture_serial;   /* content_serial the texture shows */
  GCancellable  *paint_cancellable;
  guint          painting : 1;
  guint          settle_id;
  GHashTable    *labels;
  GArray        *colors;
  double         zoom_begin_span;
  double         zoom_begin_x0;
  double         zoom_anchor;
  GtkWidget     *menu;
  guint32        menu_node;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  guint          at_roots : 1;      /* the page shows the roots' end: keep it there */
  guint          configuring : 1;   /* the value moves with the page, not the user */
};

enum {
  PROP_0,
  PROP_FOCUS,
  PROP_READY,
  PROP_SEARCH_SHARE,
  N_PROPS,
  /* GtkScrollable's */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

G_DEFINE_FINAL_TYPE_WITH_CODE (TcFlameGraph, tc_flame_graph, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static GParamSpec *properties [N_PROPS];

/* All the rows, from the top of the first to the bottom of the last. */
static double
content_height (TcFlameGraph *self)
{
  return self->tree != NULL ? (tc_flame_tree_get_max_depth (self->tree) + 1) * TC_FLAME_ROW_HEIGHT : 0;
}

/* What is drawn (and painted by the worker): the rows, or the whole widget
 * where it is taller than they are. */
static double
drawn_height (TcFlameGraph *self)
{
  return MAX (content_height (self), gtk_widget_get_height (GTK_WIDGET (self)));
}

/* How far the rows are scrolled up, in whole pixels (crisp text). */
static double
scroll_y (TcFlameGraph *self)
{
  return self->vadjustment != NULL ? round (gtk_adjustment_get_value (self->vadjustment)) : 0;
}

static gboolean
painted_in_worker (TcFlameGraph *self)
{
  return self->boxes != NULL && self->boxes->len > TEXTURE_BOXES;
}

/* The content changed.  A worker's painting stays on screen, stale, until
 * the next one replaces it: better than an empty frame. */
static void
invalidate (TcFlameGraph *self)
{
  self->content_serial++;
  g_clear_handle_id (&self->settle_id, g_source_remove);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  if (!painted_in_worker (self))
    g_clear_object (&self->cached_texture);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
settle_cb (gpointer data)
{
  TcFlameGraph *self = data;

  self->settle_id = 0;
  invalidate (self);
  return G_SOURCE_REMOVE;
}

/* The view moved: reuse the last render, transformed, until it settles. */
static void
view_changed (TcFlameGraph *self)
{
  double scale;

  if (painted_in_worker (self))
    {
      /* The snapshot asks the worker for a new painting when needed. */
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (self->cached == NULL)
    {
      invalidate (self);
      return;
    }
  scale = (self->cached_x1 - self->cached_x0) / (self->view_x1 - self->view_x0);
  if (scale > MAX_REUSE_SCALE || scale < 1.0 / MAX_REUSE_SCALE ||
      self->view_x0 >= self->cached_x1 || self->view_x1 <= self->cached_x0)
    {
      invalidate (self);
      return;
    }
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->settle_id = g_timeout_add (SETTLE_MS, settle_cb, self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
fill_params (TcFlameGraph *self,
             TcFlameDraw  *params,
             double        width)
{
  params->tree = self->tree;
  params->doc = self->doc;
  params->boxes = self->boxes;
  params->width = width;
  params->row_height = TC_FLAME_ROW_HEIGHT;
  params->n_rows = self->tree != NULL ? tc_flame_tree_get_max_depth (self->tree) + 1 : 0;
  params->view_x0 = self->view_x0;
  params->view_x1 = self->view_x1;
  params->icicle = self->icicle;
  params->matches = self->query != NULL ? self->matches->data : NULL;
  params->hover = TC_FLAME_NONE;
  params->colors = self->colors;
}

/* ---- layout ---------------------------------------------------------- */

typedef struct
{
  TcFlameTree *tree;
  guint32      focus;
  guint        serial;
} LayoutJob;

static void
layout_job_free (gpointer data)
{
  LayoutJob *job = data;

  tc_flame_tree_unref (job->tree);
  g_free (job);
}

static void
layout_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LayoutJob *job = task_data;

  g_task_return_pointer (task, tc_flame_layout (job->tree, job->focus, MIN_BOX_FRACTION),
                         (GDestroyNotify) g_array_unref);
}

static void
set_boxes (TcFlameGraph *self,
           GArray       *boxes)
{
  g_clear_pointer (&self->boxes, g_array_unref);
  self->boxes = boxes;
  self->hover = TC_FLAME_NONE;
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_READY]);
}

static void
layout_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  LayoutJob *job = g_task_get_task_data (G_TASK (result));
  GArray *boxes = g_task_propagate_pointer (G_TASK (result), NULL);
  TcFlameGraph *self = TC_FLAME_GRAPH (object);

  if (boxes == NULL)
    return;
  if (job->serial != self->layout_serial)
    {
      g_array_unref (boxes);
      return;
    }
  set_boxes (self, boxes);
}

static void
relayout (TcFlameGraph *self)
{
  LayoutJob *job;
  g_autoptr(GTask) task = NULL;

  self->layout_serial++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->tree == NULL)
    {
      set_boxes (self, NULL);
      return;
    }

  if (tc_flame_tree_get_n_nodes (self->tree) < ASYNC_NODES)
    {
      set_boxes (self, tc_flame_layout (self->tree, self->focus, MIN_BOX_FRACTION));
      return;
    }

  /* Keep drawing the old layout until the new one is ready. */
  self->cancellable = g_cancellable_new ();
  job = g_new0 (LayoutJob, 1);
  job->tree = tc_flame_tree_ref (self->tree);
  job->focus = self->focus;
  job->serial = self->layout_serial;
  task = g_task_new (self, self->cancellable, layout_done, NULL);
  g_task_set_task_data (task, job, layout_job_free);
  g_task_run_in_thread (task, layout_worker);
}

/* ---- painting in a worker --------------------------------------------- */

/* Painters in flight, process-wide.  A worker still shaping labels when
 * the process exits runs into HarfBuzz's exit-time cleanup and crashes
 * (seen as a segfault after a test's last case): the application waits
 * for them when it shuts down, and so do the tests. */
static GMutex painters_lock;
static GCond painters_done;
static guint painters;

static void
painter_started (void)
{
  g_mutex_lock (&painters_lock);
  painters++;
  g_mutex_unlock (&painters_lock);
}

static void
painter_finished (void)
{
  g_mutex_lock (&painters_lock);
  if (--painters == 0)
    g_cond_broadcast (&painters_done);
  g_mutex_unlock (&painters_lock);
}

void
tc_flame_graph_wait_for_painters (void)
{
  g_mutex_lock (&painters_lock);
  while (painters > 0)
    g_cond_wait (&painters_done, &painters_lock);
  g_mutex_unlock (&painters_lock);
}

typedef struct
{
  TcFlameDraw  params;
  TcDrawStyle  style;
  guint8      *matches;
  int          scale;
  int          height;
  guint        serial;
  cairo_surface_t *surface;
} PaintJob;

static void
paint_job_free (gpointer data)
{
  PaintJob *job = data;

  tc_flame_tree_unref ((TcFlameTree *) job->params.tree);
  g_clear_object (&job->params.doc);
  g_array_unref (job->params.boxes);
  g_clear_pointer (&job->params.colors, g_array_unref);
  g_free (job->matches);
  g_clear_pointer (&job->surface, cairo_surface_destroy);
  g_free (job);
}

static void
paint_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  PaintJob *job = task_data;
  cairo_t *cr;

  job->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                             (int) job->params.width * job->scale,
                                             job->height * job->scale);
  cr = cairo_create (job->surface);
  cairo_scale (cr, job->scale, job->scale);
  tc_draw_flame_graph (cr, &job->style, &job->params);
  cairo_destroy (cr);
  cairo_surface_flush (job->surface);
  painter_finished ();
  g_task_return_boolean (task, TRUE);
}

static void request_paint (TcFlameGraph *self);

static void
paint_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  PaintJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GBytes) bytes = NULL;
  TcFlameGraph *self;
  cairo_surface_t *surface;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  self = TC_FLAME_GRAPH (object);
  self->painting = FALSE;

  /* The texture takes the surface's pixels over without a copy. */
  surface = g_steal_pointer (&job->surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) *
                                      cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  g_clear_object (&self->cached_texture);
  self->cached_texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                                 cairo_image_surface_get_height (surface),
                                                 GDK_MEMORY_DEFAULT, bytes,
                                                 cairo_image_surface_get_stride (surface));
  self->cached_x0 = job->params.view_x0;
  self->cached_x1 = job->params.view_x1;
  self->texture_serial = job->serial;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Does the worker's painting show the current content at the current
 * scale, covering the whole view? */
static gboolean
painting_current (TcFlameGraph *self,
                  double        width)
{
  double span = self->view_x1 - self->view_x0;
  double texture_span = self->cached_x1 - self->cached_x0;
  double drift;

  if (self->cached_texture == NULL || self->texture_serial != self->content_serial || span <= 0)
    return FALSE;
  drift = (gdk_texture_get_width (self->cached_texture) / (double) gtk_widget_get_scale_factor (GTK_WIDGET (self))) /
          texture_span * span / width;
  return fabs (drift - 1.0) <= REPAINT_DRIFT &&
         self->cached_x0 <= self->view_x0 + 1e-12 && self->cached_x1 >= self->view_x1 - 1e-12;
}

/* One painting at a time: when it lands the next frame asks again if the
 * view has moved on meanwhile. */
static void
request_paint (TcFlameGraph *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double width = gtk_widget_get_width (widget);
  double span = self->view_x1 - self->view_x0;
  double margin = span * PAINT_MARGIN;
  g_autoptr(GTask) task = NULL;
  PaintJob *job;
  double x0, x1;

  if (self->painting || width <= 0 || span <= 0 || self->boxes == NULL)
    return;

  /* The margins, as far as the texture size allows. */
  margin = MIN (margin, (MAX_PAINT_PX / width - 1.0) * span / 2);
  margin = MAX (margin, 0.0);
  x0 = MAX (0.0, self->view_x0 - margin);
  x1 = MIN (1.0, self->view_x1 + margin);

  job = g_new0 (PaintJob, 1);
  fill_params (self, &job->params, round ((x1 - x0) / span * width));
  job->params.view_x0 = x0;
  job->params.view_x1 = x1;
  job->params.tree = tc_flame_tree_ref (self->tree);
  if (self->doc != NULL)
    g_object_ref (self->doc);
  g_array_ref (job->params.boxes);
  if (job->params.colors != NULL)
    g_array_ref (job->params.colors);
  if (job->params.matches != NULL)
    job->params.matches = job->matches = g_memdup2 (self->matches->data, self->matches->len);
  tc_draw_style_init_for_widget (&job->style, widget);
  job->scale = gtk_widget_get_scale_factor (widget);
  job->height = (int) ceil (drawn_height (self));
  job->serial = self->content_serial;

  self->painting = TRUE;
  g_clear_object (&self->paint_cancellable);
  self->paint_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->paint_cancellable, paint_done, NULL);
  g_task_set_task_data (task, job, paint_job_free);
  painter_started ();
  g_task_run_in_thread (task, paint_worker);
}

/* ---- drawing --------------------------------------------------------- */

static void
tc_flame_graph_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  TcFlameGraph *self = TC_FLAME_GRAPH (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 200;
  else
    *minimum = *natural = self->tree != NULL
      ? (int) ((tc_flame_tree_get_max_depth (self->tree) + 1) * TC_FLAME_ROW_HEIGHT)
      : 0;
}

/* The roots' end of the scroll range: the bottom, or the top for an icicle. */
static gboolean
value_at_roots (TcFlameGraph  *self,
                GtkAdjustment *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);

  if (self->icicle)
    return value <= gtk_adjustment_get_lower (adjustment) + 0.5;
  return value >= gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 0.5;
}

static void
tc_flame_graph_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  TcFlameGraph *self = TC_FLAME_GRAPH (widget);
  double upper = MAX (content_height (self), height);

  invalidate (self);

  /* Set here, before the frame is drawn: the page shown is the one the
   * scrollbar says. */
  self->configuring = TRUE;
  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, width * 0.1, width * 0.9, width);
  if (self->vadjustment != NULL)
    {
      double value = gtk_adjustment_get_value (self->vadjustment);

      if (self->at_roots)
        value = self->icicle ? 0 : upper - height;
      gtk_adjustment_configure (self->vadjustment, value, 0, upper, height * 0.1, height * 0.9, height);
    }
  self->configuring = FALSE;
}

static void
vadjustment_value_changed_cb (GtkAdjustment *adjustment,
                              TcFlameGraph  *self)
{
  /* Scrolled by the user (or a program): follow the roots again only once
   * back at their end, like a terminal following its output. */
  if (!self->configuring)
    self->at_roots = value_at_roots (self, adjustment);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (TcFlameGraph   *self,
                GtkOrientation  orientation,
                GtkAdjustment  *adjustment)
{
  GtkAdjustment **slot = orientation == GTK_ORIENTATION_VERTICAL ? &self->vadjustment : &self->hadjustment;

  if (adjustment == *slot)
    return;
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_func (*slot, vadjustment_value_changed_cb, self);
  g_clear_object (slot);
  if (adjustment != NULL)
    {
      *slot = g_object_ref_sink (adjustment);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        g_signal_connect (adjustment, "value-changed", G_CALLBACK (vadjustment_value_changed_cb), self);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
}

static void
tc_flame_graph_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  TcFlameGraph *self = TC_FLAME_GRAPH (widget);
  double width = gtk_widget_get_width (widget);
  double height = drawn_height (self);
  TcDrawStyle style;
  TcFlameDraw params;

  if (self->tree == NULL || self->boxes == NULL || width <= 0)
    return;

  /* Everything below is in the graph's own coordinates, all rows. */
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, gtk_widget_get_height (widget)));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, -scroll_y (self)));

  tc_draw_style_init_for_widget (&style, widget);
  fill_params (self, &params, width);

  if (painted_in_worker (self))
    {
      if (!painting_current (self, width))
        request_paint (self);
    }
  else if (self->cached == NULL)
    {
      g_autoptr(GtkSnapshot) sub = gtk_snapshot_new ();

      /* Colour and text nodes, not a cairo image: the renderer batches
       * them, and nothing full-size is rasterized per frame while zooming. */
      gtk_snapshot_push_clip (sub, &GRAPHENE_RECT_INIT (0, 0, width, height));
      tc_snapshot_flame_graph (sub, widget, &style, &params, self->labels);
      gtk_snapshot_pop (sub);
      self->cached = gtk_snapshot_free_to_node (g_steal_pointer (&sub));
      self->cached_x0 = self->view_x0;
      self->cached_x1 = self->view_x1;

    }
  if (self->cached_texture != NULL)
    {
      double span = self->view_x1 - self->view_x0;
      double sx = (self->cached_x1 - self->cached_x0) / span;
      double tx = (self->cached_x0 - self->view_x0) / span * width;
      double th = gdk_texture_get_height (self->cached_texture) / (double) gtk_widget_get_scale_factor (widget);

      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      gtk_snapshot_append_texture (snapshot, self->cached_texture,
                                   &GRAPHENE_RECT_INIT (tx, 0, width * sx, th));
      gtk_snapshot_pop (snapshot);
    }
  else if (self->cached != NULL && self->cached_x0 == self->view_x0 && self->cached_x1 == self->view_x1)
    gtk_snapshot_append_node (snapshot, self->cached);
  else if (self->cached != NULL)
    {
      /* x_now = x_then · (span_then / span_now) + (x0_then − x0_now) / span_now · width */
      double span = self->view_x1 - self->view_x0;
      double sx = (self->cached_x1 - self->cached_x0) / span;
      double tx = (self->cached_x0 - self->view_x0) / span * width;

      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (tx, 0));
      gtk_snapshot_scale (snapshot, sx, 1);
      gtk_snapshot_append_node (snapshot, self->cached);
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_pop (snapshot);
    }

  if (self->hover != TC_FLAME_NONE)
    {
      const TcFlameBox *boxes = (const TcFlameBox *) (gpointer) self->boxes->data;
      double scale = width / (self->view_x1 - self->view_x0);

      for (guint i = 0; i < self->boxes->len; i++)
        if (boxes[i].node == self->hover)
          {
            double x = (boxes[i].x - self->view_x0) * scale;
            double w = MAX (boxes[i].width * scale, 3.0);
            double y = tc_flame_draw_row_y (&params, boxes[i].depth);
            GskRoundedRect outline;
            GdkRGBA c = style.foreground;
            float widths[4] = { 2, 2, 2, 2 };
            GdkRGBA colors[4] = { c, c, c, c };

            gsk_rounded_rect_init_from_rect (&outline,
                                             &GRAPHENE_RECT_INIT (x, y, w - 1, TC_FLAME_ROW_HEIGHT - 1), 0);
            gtk_snapshot_append_border (snapshot, &outline, widths, colors);
            break;
          }
    }

  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

/* ---- input ----------------------------------------------------------- */

static void
motion_cb (TcFlameGraph             *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  guint32 node = tc_flame_graph_node_at (self, x, y);

  if (node != self->hover)
    {
      self->hover = node;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (TcFlameGraph *self)
{
  if (self->hover != TC_FLAME_NONE)
    {
      self->hover = TC_FLAME_NONE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
click_cb (TcFlameGraph    *self,
          int              n_press,
          double           x,
          double           y,
          GtkGestureClick *click)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (click));
  guint32 node = tc_flame_graph_node_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (button == GDK_BUTTON_SECONDARY)
    {
      if (node == TC_FLAME_NONE || node == 0)
        return;
      self->menu_node = node;
      gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { x, y, 1, 1 });
      gtk_popover_popup (GTK_POPOVER (self->menu));
      return;
    }

  /* Click re-roots the graph at the box; empty space goes back out. */
  tc_flame_graph_set_focus (self, node != TC_FLAME_NONE ? node : 0);
}

static gboolean
scroll_cb (TcFlameGraph             *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *scroll)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double span = self->view_x1 - self->view_x0;
  double x;

  if (gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL)
    {
      dx *= 40;
      dy *= 40;
    }

  /* Ctrl+wheel zooms around the pointer; horizontal (or Shift) scroll pans;
   * plain vertical scroll is left to the scrolled window. */
  if (state & GDK_CONTROL_MASK)
    {
      x = self->zoom_anchor;
      tc_flame_graph_zoom_view (self, pow (1.005, -dy), x);
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    dx = dx != 0 ? dx : dy;
  if (dx != 0 && width > 0)
    {
      double shift = dx / width * span;
      double x0 = CLAMP (self->view_x0 + shift, 0.0, 1.0 - span);

      tc_flame_graph_set_view (self, x0, x0 + span);
      return TRUE;
    }
  return FALSE;
}

static void
pointer_cb (TcFlameGraph             *self,
            double                    x,
            double                    y,
            GtkEventControllerMotion *motion)
{
  self->zoom_anchor = x;
}

static void
zoom_begin_cb (TcFlameGraph   *self,
               GdkEventSequence *sequence,
               GtkGestureZoom *zoom)
{
  double cx, cy;

  self->zoom_begin_span = self->view_x1 - self->view_x0;
  self->zoom_begin_x0 = self->view_x0;
  if (gtk_gesture_get_bounding_box_center (GTK_GESTURE (zoom), &cx, &cy))
    self->zoom_anchor = cx;
}

static void
zoom_scale_cb (TcFlameGraph   *self,
               double          scale,
               GtkGestureZoom *zoom)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double span, at, x0;

  if (scale <= 0 || width <= 0)
    return;
  span = CLAMP (self->zoom_begin_span / scale, 1e-6, 1.0);
  at = self->zoom_begin_x0 + self->zoom_anchor / width * self->zoom_begin_span;
  x0 = CLAMP (at - self->zoom_anchor / width * span, 0.0, 1.0 - span);
  tc_flame_graph_set_view (self, x0, x0 + span);
}

static gboolean
key_cb (TcFlameGraph          *self,
        guint                  keyval,
        guint                  keycode,
        GdkModifierType        state,
        GtkEventControllerKey *key)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double span = self->view_x1 - self->view_x0;

  switch (keyval)
    {
    case GDK_KEY_Escape:
    case GDK_KEY_BackSpace:
      return tc_flame_graph_zoom_out (self);
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_w:
      tc_flame_graph_zoom_view (self, 1.25, width / 2);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_s:
      tc_flame_graph_zoom_view (self, 0.8, width / 2);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_a:
      tc_flame_graph_set_view (self, MAX (0.0, self->view_x0 - span * 0.1),
                               MAX (0.0, self->view_x0 - span * 0.1) + span);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_d:
      tc_flame_graph_set_view (self, MIN (1.0 - span, self->view_x0 + span * 0.1),
                               MIN (1.0 - span, self->view_x0 + span * 0.1) + span);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
query_tooltip_cb (TcFlameGraph *self,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip)
{
  guint32 node = tc_flame_graph_node_at (self, x, y);
  g_autofree char *text = NULL;

  if (node == TC_FLAME_NONE)
    return FALSE;
  text = tc_flame_graph_describe_node (self, node);
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

/* "Show in Function Table": the functions page, with the row selected and
 * scrolled to. */
gboolean
tc_flame_graph_show_function (TcFlameGraph *self,
                              guint32       code_id)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (self), TC_TYPE_SESSION_VIEW);
  TcSection *section;

  if (view == NULL || !tc_session_view_show_section (TC_SESSION_VIEW (view), "functions"))
    return FALSE;
  section = tc_session_view_get_section (TC_SESSION_VIEW (view), "functions");
  return TC_IS_FUNCTIONS_SECTION (section) &&
         tc_functions_section_select_code (TC_FUNCTIONS_SECTION (section), code_id);
}

static void
menu_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TcFlameGraph *self = TC_FLAME_GRAPH (widget);
  const TcFlameNode *node;
  const TcDocCode *code;

  if (self->tree == NULL || self->menu_node == TC_FLAME_NONE)
    return;
  node = tc_flame_tree_get_node (self->tree, self->menu_node);
  code = self->doc != NULL ? tc_document_get_code (self->doc, node->code_id) : NULL;

  if (g_str_equal (action_name, "flame.focus"))
    tc_flame_graph_set_focus (self, self->menu_node);
  else if (g_str_equal (action_name, "flame.show-function"))
    {
      tc_flame_graph_show_function (self, node->code_id);
    }
  else if (g_str_equal (action_name, "flame.open-source") && code != NULL && code->file_id != 0)
    {
      /* The annotated source page when the viewer has it, else the file in
       * the desktop's editor. */
      if (!gtk_widget_activate_action (widget, "view.show-source", "(uu)", code->file_id, code->first_line))
        {
          const TcDocFile *file = tc_document_get_file (self->doc, code->file_id);
          g_autoptr(GFile) gfile = NULL;
          g_autofree char *uri = NULL;

          if (file == NULL)
            return;
          gfile = g_file_new_for_path (file->path);
          uri = g_file_get_uri (gfile);
          g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
        }
    }
}

/* ---- object ---------------------------------------------------------- */

static void
tc_flame_graph_dispose (GObject *object)
{
  TcFlameGraph *self = (TcFlameGraph *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->paint_cancellable);
  g_clear_object (&self->paint_cancellable);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  set_adjustment (self, GTK_ORIENTATION_HORIZONTAL, NULL);
  set_adjustment (self, GTK_ORIENTATION_VERTICAL, NULL);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  g_clear_object (&self->cached_texture);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_clear_pointer (&self->colors, g_array_unref);
  g_clear_pointer (&self->boxes, g_array_unref);
  g_clear_pointer (&self->tree, tc_flame_tree_unref);
  g_clear_pointer (&self->matches, g_byte_array_unref);
  g_clear_pointer (&self->query, g_free);
  g_clear_object (&self->doc);

  G_OBJECT_CLASS (tc_flame_graph_parent_class)->dispose (object);
}

static void
tc_flame_graph_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TcFlameGraph *self = TC_FLAME_GRAPH (object);

  switch (prop_id)
    {
    case PROP_FOCUS:
      g_value_set_uint (value, self->focus);
      break;

    case PROP_READY:
      g_value_set_boolean (value, tc_flame_graph_get_ready (self));
      break;

    case PROP_SEARCH_SHARE:
      g_value_set_double (value, self->share);
      break;

    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;

    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;

    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;

    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_flame_graph_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TcFlameGraph *self = TC_FLAME_GRAPH (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      set_adjustment (self, GTK_ORIENTATION_HORIZONTAL, g_value_get_object (value));
      break;

    case PROP_VADJUSTMENT:
      set_adjustment (self, GTK_ORIENTATION_VERTICAL, g_value_get_object (value));
      break;

    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;

    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_flame_graph_class_init (TcFlameGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_flame_graph_dispose;
  object_class->get_property = tc_flame_graph_get_property;
  object_class->set_property = tc_flame_graph_set_property;

  widget_class->measure = tc_flame_graph_measure;
  widget_class->size_allocate = tc_flame_graph_size_allocate;
  widget_class->snapshot = tc_flame_graph_snapshot;

  properties [PROP_FOCUS] =
    g_param_spec_uint ("focus", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_SEARCH_SHARE] =
    g_param_spec_double ("search-share", NULL, NULL, 0, 1, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_install_action (widget_class, "flame.focus", NULL, menu_action);
  gtk_widget_class_install_action (widget_class, "flame.show-function", NULL, menu_action);
  gtk_widget_class_install_action (widget_class, "flame.open-source", NULL, menu_action);
  gtk_widget_class_set_css_name (widget_class, "flamegraph");
}

static void
tc_flame_graph_init (TcFlameGraph *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;
  g_autoptr(GMenu) menu = g_menu_new ();

  self->focus = 0;
  self->view_x0 = 0.0;
  self->view_x1 = 1.0;
  self->hover = TC_FLAME_NONE;
  self->menu_node = TC_FLAME_NONE;
  self->at_roots = TRUE;
  self->matches = g_byte_array_new ();
  self->labels = tc_flame_labels_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (pointer_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect_swapped (gesture, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (gesture, "begin", G_CALLBACK (zoom_begin_cb), self);
  g_signal_connect_swapped (gesture, "scale-changed", G_CALLBACK (zoom_scale_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_menu_append (menu, _("_Zoom to This Function"), "flame.focus");
  g_menu_append (menu, _("Show in _Function Table"), "flame.show-function");
  g_menu_append (menu, _("_Open Source"), "flame.open-source");
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
}

/* ---- public API ------------------------------------------------------ */

GtkWidget *
tc_flame_graph_new (void)
{
  return g_object_new (TC_TYPE_FLAME_GRAPH, NULL);
}

void
tc_flame_graph_set_tree (TcFlameGraph *self,
                         TcDocument   *doc,
                         TcFlameTree  *tree)
{
  g_return_if_fail (TC_IS_FLAME_GRAPH (self));

  if (g_set_object (&self->doc, doc) || self->colors == NULL)
    {
      g_clear_pointer (&self->colors, g_array_unref);
      self->colors = tc_chart_code_colors (doc);
      g_hash_table_remove_all (self->labels);
    }
  if (tree != NULL)
    tc_flame_tree_ref (tree);
  g_clear_pointer (&self->tree, tc_flame_tree_unref);
  self->tree = tree;
  self->focus = 0;
  self->view_x0 = 0;
  self->view_x1 = 1;
  /* A new graph opens at its roots. */
  self->at_roots = TRUE;
  g_clear_pointer (&self->boxes, g_array_unref);

  if (self->query != NULL && tree != NULL)
    {
      g_autofree char *query = g_steal_pointer (&self->query);
      tc_flame_graph_set_search (self, query);
    }

  relayout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FOCUS]);
}

TcFlameTree *
tc_flame_graph_get_tree (TcFlameGraph *self)
{
  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), NULL);

  return self->tree;
}

gboolean
tc_flame_graph_get_ready (TcFlameGraph *self)
{
  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), FALSE);

  return self->boxes != NULL;
}

GArray *
tc_flame_graph_get_boxes (TcFlameGraph *self)
{
  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), NULL);

  return self->boxes;
}

void
tc_flame_graph_set_focus (TcFlameGraph *self,
                          guint32       node)
{
  g_return_if_fail (TC_IS_FLAME_GRAPH (self));

  if (self->tree == NULL || node >= tc_flame_tree_get_n_nodes (self->tree))
    return;
  if (node == self->focus && self->view_x0 == 0 && self->view_x1 == 1)
    return;

  self->focus = node;
  self->view_x0 = 0;
  self->view_x1 = 1;
  relayout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FOCUS]);
}

guint32
tc_flame_graph_get_focus (TcFlameGraph *self)
{
  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), 0);

  return self->focus;
}

GArray *
tc_flame_graph_get_focus_path (TcFlameGraph *self)
{
  GArray *path = g_array_new (FALSE, FALSE, sizeof (guint32));

  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), path);

  if (self->tree == NULL)
    return path;
  for (guint32 at = self->focus; at != TC_FLAME_NONE;
       at = tc_flame_tree_get_node (self->tree, at)->parent)
    g_array_prepend_val (path, at);
  return path;
}

gboolean
tc_flame_graph_zoom_out (TcFlameGraph *self)
{
  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), FALSE);

  if (self->tree == NULL)
    return FALSE;
  if (self->view_x0 > 0 || self->view_x1 < 1)
    {
      tc_flame_graph_set_view (self, 0, 1);
      return TRUE;
    }
  if (self->focus == 0)
    return FALSE;
  tc_flame_graph_set_focus (self, tc_flame_tree_get_node (self->tree, self->focus)->parent);
  return TRUE;
}

void
tc_flame_graph_set_view (TcFlameGraph *self,
                         double        x0,
                         double        x1)
{
  g_return_if_fail (TC_IS_FLAME_GRAPH (self));

  x0 = CLAMP (x0, 0.0, 1.0);
  x1 = CLAMP (x1, 0.0, 1.0);
  if (x1 - x0 < 1e-6)
    return;
  if (x0 == self->view_x0 && x1 == self->view_x1)
    return;
  self->view_x0 = x0;
  self->view_x1 = x1;
  view_changed (self);
}

void
tc_flame_graph_get_view (TcFlameGraph *self,
                         double       *x0,
                         double       *x1)
{
  *x0 = self->view_x0;
  *x1 = self->view_x1;
}

void
tc_flame_graph_zoom_view (TcFlameGraph *self,
                          double        factor,
                          double        anchor)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double span = self->view_x1 - self->view_x0;
  double at, new_span, x0;

  g_return_if_fail (TC_IS_FLAME_GRAPH (self));

  if (width <= 0 || factor <= 0)
    return;
  anchor = CLAMP (anchor, 0, width);
  at = self->view_x0 + anchor / width * span;
  new_span = CLAMP (span / factor, 1e-6, 1.0);
  x0 = CLAMP (at - anchor / width * new_span, 0.0, 1.0 - new_span);
  tc_flame_graph_set_view (self, x0, x0 + new_span);
}

void
tc_flame_graph_set_icicle (TcFlameGraph *self,
                           gboolean      icicle)
{
  g_return_if_fail (TC_IS_FLAME_GRAPH (self));

  if (self->icicle == !!icicle)
    return;
  self->icicle = !!icicle;
  /* Flipped: the page goes to where the roots now are (set when allocated).
   * A resize, not just an allocation: once a tooltip (a native window
   * parented to this widget) had been shown, a queued allocation alone was
   * seen never to come (GTK 4.8: "Trying to snapshot TcFlameGraph without a
   * current allocation", an empty graph). */
  self->at_roots = TRUE;
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

double
tc_flame_graph_set_search (TcFlameGraph *self,
                           const char   *query)
{
  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), 0.0);

  g_clear_pointer (&self->query, g_free);
  self->share = 0;
  if (query != NULL && *query != '\0' && self->tree != NULL)
    {
      self->query = g_strdup (query);
      self->share = tc_flame_tree_search (self->tree, self->doc, query, self->matches);
    }
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEARCH_SHARE]);

  return self->share;
}

double
tc_flame_graph_get_search_share (TcFlameGraph *self)
{
  return self->share;
}

const guint8 *
tc_flame_graph_get_matches (TcFlameGraph *self)
{
  return self->query != NULL ? self->matches->data : NULL;
}

guint32
tc_flame_graph_node_at (TcFlameGraph *self,
                        double        x,
                        double        y)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  TcFlameDraw params;
  gint row, index;

  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), TC_FLAME_NONE);

  if (self->boxes == NULL || width <= 0)
    return TC_FLAME_NONE;

  fill_params (self, &params, width);
  row = tc_flame_draw_row_at (&params, y + scroll_y (self));
  if (row < 0)
    return TC_FLAME_NONE;
  index = tc_flame_layout_find (self->boxes, row,
                                self->view_x0 + x / width * (self->view_x1 - self->view_x0));
  if (index < 0)
    return TC_FLAME_NONE;
  return g_array_index (self->boxes, TcFlameBox, index).node;
}

char *
tc_flame_graph_describe_node (TcFlameGraph *self,
                              guint32       index)
{
  const TcFlameNode *node;
  const TcFlameNode *root;
  const TcDocCode *code;
  const TcDocFile *file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *where = NULL;
  g_autofree char *total = NULL;
  g_autofree char *self_text = NULL;
  g_autofree char *calls = NULL;
  gboolean samples;

  g_return_val_if_fail (TC_IS_FLAME_GRAPH (self), NULL);

  if (self->tree == NULL || index >= tc_flame_tree_get_n_nodes (self->tree))
    return NULL;

  node = tc_flame_tree_get_node (self->tree, index);
  root = tc_flame_tree_get_node (self->tree, 0);
  code = self->doc != NULL ? tc_document_get_code (self->doc, node->code_id) : NULL;
  samples = tc_flame_tree_get_unit (self->tree) == TC_FLAME_UNIT_SAMPLES;
  if (code != NULL)
    file = tc_document_get_file (self->doc, code->file_id);

  if (node->code_id == 0)
    name = g_strdup (_("All"));
  else if (self->doc == NULL)
    name = g_strdup_printf ("#%u", node->code_id);
  else
    name = g_markup_escape_text (tc_document_code_name (self->doc, node->code_id), -1);
  if (file != NULL)
    where = g_markup_printf_escaped ("\n%s:%u", file->basename, code->first_line);
  else if (code != NULL && *code->module)
    where = g_markup_printf_escaped ("\n%s", code->module);

  if (samples)
    {
      /* Counts go in as strings: a G_GINT64_FORMAT inside a translatable
       * string never reaches the translators. */
      g_autofree char *count = tc_units_format_count ((guint64) node->total);

      total = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s sample", "%s samples",
                                            tc_units_plural_n ((guint64) node->total)),
                               count);
      self_text = g_strdup_printf ("%'" G_GINT64_FORMAT, node->self);
    }
  else
    {
      total = tc_units_format_ms (tc_ns_to_ms (node->total));
      self_text = tc_units_format_ms (tc_ns_to_ms (node->self));
    }

  /* Samples have no call counts: a sample only says the frame was there. */
  if (samples)
    return g_strdup_printf (_("<b>%s</b>%s\n"
                              "Inclusive: %s (%.1f %%)\nSelf: %s (%.1f %%)"),
                            name, where ? where : "",
                            total, root->total > 0 ? 100.0 * node->total / root->total : 0.0,
                            self_text, root->total > 0 ? 100.0 * node->self / root->total : 0.0);
  calls = tc_units_format_count (node->calls);
  return g_strdup_printf (_("<b>%s</b>%s\nCalls: %s\n"
                            "Inclusive: %s (%.1f %%)\nSelf: %s (%.1f %%)"),
                          name, where ? where : "", calls,
                          total, root->total > 0 ? 100.0 * node->total / root->total : 0.0,
                          self_text, root->total > 0 ? 100.0 * node->self / root->total : 0.0);
}

void
tc_flame_graph_draw (TcFlameGraph      *self,
                     cairo_t           *cr,
                     const TcDrawStyle *style,
                     double             width,
                     double             height)
{
  TcFlameDraw params;

  g_return_if_fail (TC_IS_FLAME_GRAPH (self));

  if (self->tree == NULL || self->boxes == NULL)
    return;
  fill_params (self, &params, width);
  tc_draw_flame_graph (cr, style, &params);
}

/* tc-process-lanes.c — one lane group per process on a shared time axis
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-chart-draw.h"
#include "tc-draw.h"

#include "tc-process-lanes.h"

#define GUTTER      150.0   /* thread names left of the plots */
#define RULER        24.0
#define HEADER       32.0
#define ROW          14.0
#define MAX_ROWS      6     /* call levels drawn per thread lane */
#define MAX_TRUNK    64
#define GROUP_GAP     8.0
#define LANE_PAD      4.0

typedef struct
{
  guint     member;
  guint32   thread_id;
  char     *name;
  GArray   *spans;          /* TcSpan, member clock, depth < MAX_ROWS */
  guint     n_rows;         /* levels drawn: the thread's depth, at most MAX_ROWS */
  guint     skip;           /* trunk levels folded away (see collect_spans) */
} Lane;

struct _TcProcessLanes
{
  GtkWidget     parent_instance;

  TcProcessSet *set;
  char         *current_path;
  GPtrArray    *lanes;      /* Lane*, in member order */
  gint64        begin_ns;   /* visible range on the parent's clock */
  gint64        end_ns;
  gboolean      dirty;      /* spans to collect for the visible range */
  double        pointer_x;
  GtkAdjustment *vadjustment; /* of the scrolled window around, or NULL */
};

enum { MEMBER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TcProcessLanes, tc_process_lanes, GTK_TYPE_WIDGET)

static void
lane_free (gpointer data)
{
  Lane *lane = data;

  g_free (lane->name);
  g_array_unref (lane->spans);
  g_free (lane);
}

static double
lane_height (const Lane *lane)
{
  return MAX (lane->n_rows, 1) * ROW + LANE_PAD;
}

static double
plot_width (TcProcessLanes *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  /* Before the first allocation: a typical page width. */
  return MAX ((width > 0 ? width : 1000) - GUTTER - TC_CHART_RIGHT, 1.0);
}

/* Calls of every lane in the visible range, skipping those shorter than
 * half a pixel (level of detail). */
static void
collect_spans (TcProcessLanes *self)
{
  gint64 min_ns = (gint64) ((self->end_ns - self->begin_ns) / (2.0 * plot_width (self)));

  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, i);
      const TcProcessMember *m = tc_process_set_get_member (self->set, lane->member);
      g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      gint64 longest[MAX_TRUNK] = { 0 };
      gint64 first = G_MAXINT64, last = G_MININT64;
      guint skip = 0, used = 0;

      g_array_set_size (lane->spans, 0);
      if (!tc_document_collect_spans (m->document, lane->thread_id, self->begin_ns - m->offset_ns,
                                      self->end_ns - m->offset_ns, min_ns, all, NULL))
        continue;
      /* The trunk (runpy, spawn_main, Process.run …: levels whose longest
       * call spans most of the lane and holds the next level's longest
       * call) is folded to its innermost level, so the rows show where the
       * work branches, not the same enclosing frames. */
      for (guint k = 0; k < all->len; k++)
        {
          const TcSpan *s = &g_array_index (all, TcSpan, k);
          guint d = MIN (s->depth, MAX_TRUNK - 1);
          longest[d] = MAX (longest[d], s->end_ns - s->start_ns);
          first = MIN (first, s->start_ns);
          last = MAX (last, s->end_ns);
        }
      while (skip + 1 < MAX_TRUNK && longest[skip] > 0 && longest[skip] >= 0.5 * (last - first)
             && longest[skip + 1] >= 0.75 * longest[skip])
        skip++;
      /* The first collection (the whole run) decides the folding and the
       * lane's height; zooming in keeps both. */
      if (lane->n_rows == 0)
        lane->skip = skip;
      skip = lane->skip;
      for (guint k = 0; k < all->len; k++)
        {
          TcSpan s = g_array_index (all, TcSpan, k);
          if (s.depth >= skip && s.depth - skip < MAX_ROWS)
            {
              s.depth -= skip;
              used = MAX (used, s.depth + 1);
              g_array_append_val (lane->spans, s);
            }
        }
      if (lane->n_rows == 0)
        lane->n_rows = MAX (used, 1);
      for (guint k = lane->spans->len; k > 0; k--)
        if (g_array_index (lane->spans, TcSpan, k - 1).depth >= lane->n_rows)
          g_array_remove_index_fast (lane->spans, k - 1);
      g_array_sort (lane->spans, tc_span_compare);
    }
  self->dirty = FALSE;
}

static double
group_height (TcProcessLanes *self,
              guint           member)
{
  double h = HEADER + GROUP_GAP;

  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, i);
      if (lane->member == member)
        h += lane_height (lane);
    }
  return h;
}

static void
status_color (const TcDrawStyle *style,
              const char        *status,
              GdkRGBA           *color)
{
  if (g_str_has_prefix (status, "crashed") || g_str_has_prefix (status, "unreadable"))
    *color = style->error;
  else if (g_strcmp0 (status, "ok") == 0)
    *color = style->success;
  else
    *color = style->warning;
}

static void
draw_header (TcProcessLanes        *self,
             cairo_t               *cr,
             const TcDrawStyle     *style,
             const TcProcessMember *m,
             double                 y,
             double                 width,
             gboolean               current)
{
  g_autofree char *status = tc_process_member_status (m);
  g_autofree char *command = tc_process_member_command (m);
  g_autofree char *file = g_path_get_basename (m->path);
  g_autofree char *title = NULL;
  double plot = plot_width (self);
  GdkRGBA band = style->accent, color;
  double x = 6 + 12 * MIN (m->depth, 6);
  double x0, x1;

  band.alpha = current ? 0.16 : 0.06;
  gdk_cairo_set_source_rgba (cr, &band);
  cairo_rectangle (cr, 0, y, width, HEADER);
  cairo_fill (cr);

  /* "├" marks a child under its parent, like the CLI's indented tree. */
  title = g_strdup_printf ("%s%" G_GINT64_FORMAT "  %s", m->depth > 0 ? "└ " : "", m->pid, m->role);
  x += tc_chart_draw_text (cr, style, &style->foreground, x, y + 3, 0, 0, title) + 12;
  /* A -c program spans lines: one line here. */
  g_strdelimit (command, "\n\r\t", ' ');
  status_color (style, status, &color);
  x += tc_chart_draw_text (cr, style, &color, x, y + 3, 0, 0, status) + 12;
  tc_chart_draw_text (cr, style, &style->dim, x, y + 3, 0, MAX (width - x - 8, 0),
                      *command != '\0' ? command : file);

  if (m->document == NULL)
    return;
  /* The process's lifetime on the shared axis. */
  x0 = GUTTER + tc_chart_time_to_x (m->start_ns, self->begin_ns, self->end_ns, plot);
  x1 = GUTTER + tc_chart_time_to_x (m->end_ns, self->begin_ns, self->end_ns, plot);
  x0 = CLAMP (x0, GUTTER, GUTTER + plot);
  x1 = CLAMP (x1, GUTTER, GUTTER + plot);
  color.alpha = 0.8;
  gdk_cairo_set_source_rgba (cr, &color);
  tc_draw_rounded_rect (cr, x0, y + HEADER - 9, MAX (x1 - x0, 2.0), 6, 3);
  cairo_fill (cr);
}

static void
draw_crash (TcProcessLanes        *self,
            cairo_t               *cr,
            const TcDrawStyle     *style,
            const TcProcessMember *m,
            double                 top,
            double                 bottom)
{
  const TcDocCrash *crash = m->document != NULL ? tc_document_get_crash (m->document) : NULL;
  double plot = plot_width (self);
  double x;

  if (crash == NULL)
    return;
  x = GUTTER + tc_chart_time_to_x (crash->time_ns + m->offset_ns, self->begin_ns, self->end_ns, plot);
  if (x < GUTTER || x > GUTTER + plot)
    return;
  gdk_cairo_set_source_rgba (cr, &style->error);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, x, top);
  cairo_line_to (cr, x, bottom);
  cairo_stroke (cr);
  /* The label on the side with room for it. */
  if (x > GUTTER + plot - 120)
    tc_chart_draw_text (cr, style, &style->error, x - 4, top + 2, 1, 0,
                        crash->exc_type != NULL ? crash->exc_type : _("crash"));
  else
    tc_chart_draw_text (cr, style, &style->error, x + 4, top + 2, 0, 0,
                        crash->exc_type != NULL ? crash->exc_type : _("crash"));
}

static void
tc_process_lanes_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TcProcessLanes *self = TC_PROCESS_LANES (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot = plot_width (self);
  TcDrawStyle style;
  cairo_t *cr;
  double y = RULER;
  guint lane_index = 0;

  if (self->set == NULL || self->end_ns <= self->begin_ns)
    return;
  if (self->dirty)
    collect_spans (self);
  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  cairo_save (cr);
  cairo_translate (cr, GUTTER, 0);
  tc_draw_time_grid (cr, &style, plot, height, self->begin_ns, self->end_ns);
  cairo_restore (cr);

  for (guint i = 0; i < tc_process_set_get_n_members (self->set); i++)
    {
      const TcProcessMember *m = tc_process_set_get_member (self->set, i);
      gboolean current = g_strcmp0 (m->path, self->current_path) == 0;
      double top = y;

      draw_header (self, cr, &style, m, y, width, current);
      y += HEADER;
      for (; lane_index < self->lanes->len; lane_index++)
        {
          Lane *lane = g_ptr_array_index (self->lanes, lane_index);
          double h = lane_height (lane);
          double x0, x1;
          GdkRGBA shade = style.grid;

          if (lane->member != i)
            break;
          tc_chart_draw_text (cr, &style, &style.dim, 6 + 12 * MIN (m->depth, 6) + 12, y + 1, 0,
                              GUTTER - 24 - 12 * MIN (m->depth, 6), lane->name);
          cairo_save (cr);
          cairo_rectangle (cr, GUTTER, y, plot, h);
          cairo_clip (cr);
          cairo_translate (cr, GUTTER, 0);
          /* Before the process started and after it ended: shaded. */
          x0 = tc_chart_time_to_x (m->start_ns, self->begin_ns, self->end_ns, plot);
          x1 = tc_chart_time_to_x (m->end_ns, self->begin_ns, self->end_ns, plot);
          shade.alpha = 0.12;
          gdk_cairo_set_source_rgba (cr, &shade);
          if (x0 > 0)
            cairo_rectangle (cr, 0, y, x0, h);
          if (x1 < plot)
            cairo_rectangle (cr, MAX (x1, 0), y, plot - MAX (x1, 0), h);
          cairo_fill (cr);
          tc_draw_flame_chart_lane (cr, &style, m->document, lane->spans, y + LANE_PAD / 2, plot, ROW,
                                    self->begin_ns - m->offset_ns, self->end_ns - m->offset_ns);
          cairo_restore (cr);
          y += h;
        }
      draw_crash (self, cr, &style, m, top + HEADER, y);
      gdk_cairo_set_source_rgba (cr, &style.grid);
      cairo_rectangle (cr, 0, y + GROUP_GAP / 2, width, 1);
      cairo_fill (cr);
      y += GROUP_GAP;
    }

  /* The axis stays at the top of what the scrolled window shows. */
  {
    double top = self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
    /* The page's background, light or dark as the text is dark or light. */
    GdkRGBA background = style.foreground;

    background.red = background.green = background.blue = background.red > 0.5 ? 0.14 : 0.98;
    background.alpha = 1;
    gdk_cairo_set_source_rgba (cr, &background);
    cairo_rectangle (cr, 0, top, width, RULER);
    cairo_fill (cr);
    cairo_save (cr);
    cairo_translate (cr, GUTTER, top);
    tc_draw_time_axis (cr, &style, plot, RULER, self->begin_ns, self->end_ns);
    cairo_restore (cr);
  }
  cairo_destroy (cr);
}

static void
tc_process_lanes_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  TcProcessLanes *self = TC_PROCESS_LANES (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) GUTTER + 200;
      *natural = 900;
      return;
    }
  *minimum = *natural = (int) RULER;
  for (guint i = 0; self->set != NULL && i < tc_process_set_get_n_members (self->set); i++)
    *minimum = *natural = *natural + (int) group_height (self, i);
}

static void
tc_process_lanes_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  /* The level of detail depends on the width. */
  TC_PROCESS_LANES (widget)->dirty = TRUE;
}

static void
on_click (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          TcProcessLanes  *self)
{
  int member = tc_process_lanes_member_at (self, y);
  double top = self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;

  /* The axis drawn over the lanes is not a process. */
  if (member >= 0 && y >= top + RULER)
    g_signal_emit (self, signals[MEMBER_ACTIVATED], 0, (guint) member);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           TcProcessLanes           *self)
{
  self->pointer_x = x;
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           TcProcessLanes           *self)
{
  double plot = plot_width (self);
  double fx = CLAMP ((self->pointer_x - GUTTER) / plot, 0.0, 1.0);
  gint64 span = self->end_ns - self->begin_ns;
  double factor = dy > 0 ? 1.25 : 0.8;
  gint64 new_span = MAX ((gint64) (span * factor), 1000);
  gint64 anchor = self->begin_ns + (gint64) (fx * span);

  /* Plain wheel scrolls the page; Ctrl+wheel zooms the time axis. */
  if (dy == 0 || !(gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll))
                   & GDK_CONTROL_MASK))
    return FALSE;
  tc_process_lanes_set_range (self, anchor - (gint64) (fx * new_span),
                              anchor - (gint64) (fx * new_span) + new_span);
  return TRUE;
}

static void
tc_process_lanes_dispose (GObject *object)
{
  TcProcessLanes *self = TC_PROCESS_LANES (object);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->set);
  g_clear_pointer (&self->current_path, g_free);
  g_clear_pointer (&self->lanes, g_ptr_array_unref);
  G_OBJECT_CLASS (tc_process_lanes_parent_class)->dispose (object);
}

static void
tc_process_lanes_class_init (TcProcessLanesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_process_lanes_dispose;
  widget_class->snapshot = tc_process_lanes_snapshot;
  widget_class->measure = tc_process_lanes_measure;
  widget_class->size_allocate = tc_process_lanes_size_allocate;

  signals[MEMBER_ACTIVATED] = g_signal_new ("member-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "processlanes");
}

static void
tc_process_lanes_init (TcProcessLanes *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

  self->lanes = g_ptr_array_new_with_free_func (lane_free);
  g_signal_connect (click, "released", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
}

GtkWidget *
tc_process_lanes_new (void)
{
  return g_object_new (TC_TYPE_PROCESS_LANES, NULL);
}

void
tc_process_lanes_set_set (TcProcessLanes *self,
                          TcProcessSet   *set,
                          const char     *current_path)
{
  g_return_if_fail (TC_IS_PROCESS_LANES (self));

  g_set_object (&self->set, set);
  g_free (self->current_path);
  self->current_path = current_path != NULL ? g_canonicalize_filename (current_path, NULL) : NULL;
  g_ptr_array_set_size (self->lanes, 0);
  for (guint i = 0; set != NULL && i < tc_process_set_get_n_members (set); i++)
    {
      const TcProcessMember *m = tc_process_set_get_member (set, i);
      GPtrArray *threads;

      if (m->document == NULL)
        continue;
      threads = tc_document_get_threads (m->document);
      /* Threads without calls (the recorder's own) get no lane. */
      for (guint k = 0; k < threads->len; k++)
        {
          const TcDocThread *t = g_ptr_array_index (threads, k);
          Lane *lane;

          if (t->n_events == 0)
            continue;
          lane = g_new0 (Lane, 1);
          lane->member = i;
          lane->thread_id = t->id;
          lane->name = g_strdup (t->name != NULL && *t->name != '\0' ? t->name : "thread");
          lane->spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
          lane->n_rows = 0;   /* set by the first collect_spans */
          g_ptr_array_add (self->lanes, lane);
        }
    }
  if (set != NULL)
    tc_process_set_get_time_range (set, &self->begin_ns, &self->end_ns);
  /* Collected now, for the whole run: that sizes every lane. */
  if (self->end_ns > self->begin_ns)
    collect_spans (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
tc_process_lanes_set_vadjustment (TcProcessLanes *self,
                                  GtkAdjustment  *adjustment)
{
  g_return_if_fail (TC_IS_PROCESS_LANES (self));

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_set_object (&self->vadjustment, adjustment);
  if (adjustment != NULL)
    g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (gtk_widget_queue_draw), self);
}

int
tc_process_lanes_member_at (TcProcessLanes *self,
                            double          y)
{
  double top = RULER;

  g_return_val_if_fail (TC_IS_PROCESS_LANES (self), -1);
  for (guint i = 0; self->set != NULL && i < tc_process_set_get_n_members (self->set); i++)
    {
      double h = group_height (self, i);
      if (y >= top && y < top + h)
        return (int) i;
      top += h;
    }
  return -1;
}

void
tc_process_lanes_get_range (TcProcessLanes *self,
                            gint64         *begin_ns,
                            gint64         *end_ns)
{
  *begin_ns = self->begin_ns;
  *end_ns = self->end_ns;
}

void
tc_process_lanes_set_range (TcProcessLanes *self,
                            gint64          begin_ns,
                            gint64          end_ns)
{
  gint64 lo = 0, hi = 0;

  g_return_if_fail (TC_IS_PROCESS_LANES (self));
  if (self->set != NULL)
    tc_process_set_get_time_range (self->set, &lo, &hi);
  /* Never wider than the whole run, never outside it. */
  if (end_ns - begin_ns >= hi - lo)
    begin_ns = lo, end_ns = hi;
  else if (begin_ns < lo)
    end_ns += lo - begin_ns, begin_ns = lo;
  else if (end_ns > hi)
    begin_ns -= end_ns - hi, end_ns = hi;
  self->begin_ns = begin_ns;
  self->end_ns = end_ns;
  self->dirty = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
tc_process_lanes_get_n_spans (TcProcessLanes *self,
                              guint           member)
{
  guint n = 0;

  if (self->dirty)
    collect_spans (self);
  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, i);
      if (lane->member == member)
        n += lane->spans->len;
    }
  return n;
}

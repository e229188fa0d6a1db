/* tc-process-lanes.c — one lane group per process on a shared time axis
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-chart-draw.h"
#include "tc-draw.h"
#include "tc-units.h"

#include "tc-process-lanes.h"

#define RULER 24.0

struct _TcProcessLanes
{
  GtkWidget      parent_instance;

  TcProcessDraw  draw;          /* set, lanes, visible range, sizes */
  char          *current_path;
  gboolean       dirty;         /* spans to collect for the visible range */
  double         pointer_x;
  GtkAdjustment *vadjustment;   /* of the scrolled window around, or NULL */
};

enum { MEMBER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TcProcessLanes, tc_process_lanes, GTK_TYPE_WIDGET)

/* The drawing parameters for the widget's width now. */
static TcProcessDraw *
params (TcProcessLanes *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  /* Before the first allocation: a typical page width. */
  self->draw.width = width > 0 ? width : 1000;
  self->draw.current_path = self->current_path;
  return &self->draw;
}

static void
collect (TcProcessLanes *self)
{
  tc_process_draw_collect (params (self));
  self->dirty = FALSE;
}

static double
scroll_top (TcProcessLanes *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

static void
tc_process_lanes_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TcProcessLanes *self = TC_PROCESS_LANES (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  TcProcessDraw *p = params (self);
  TcDrawStyle style;
  cairo_t *cr;
  double y = RULER;

  if (p->set == NULL || p->end_ns <= p->begin_ns)
    return;
  if (self->dirty)
    collect (self);
  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  tc_draw_process_grid (cr, &style, p, 0, height);
  for (guint i = 0; i < tc_process_set_get_n_members (p->set); i++)
    y += tc_draw_process_group (cr, &style, p, i, y);
  /* The axis stays at the top of what the scrolled window shows. */
  tc_draw_process_axis (cr, &style, p, scroll_top (self), RULER);
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
      *minimum = (int) self->draw.gutter + 200;
      *natural = 900;
      return;
    }
  *minimum = *natural = (int) (RULER + tc_process_draw_height (&self->draw));
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

/* What lies under a point of the widget; FALSE on the axis or below the
 * last group. */
static gboolean
hit_at (TcProcessLanes *self,
        double          x,
        double          y,
        TcProcessHit   *hit)
{
  /* The axis drawn over the lanes is not a process. */
  if (y < scroll_top (self) + RULER)
    return FALSE;
  if (self->dirty)
    collect (self);
  return tc_process_draw_hit (params (self), x, y - RULER, hit);
}

static char *
process_tooltip (TcProcessLanes        *self,
                 const TcProcessMember *m)
{
  g_autofree char *status = tc_process_member_status (m);
  g_autofree char *command = tc_process_member_command (m);
  g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, m->pid);
  g_autofree char *start = tc_units_format_seconds (m->start_ns);
  g_autofree char *end = tc_units_format_seconds (m->end_ns);
  g_autofree char *duration = tc_units_format_ms (tc_ns_to_ms (m->end_ns - m->start_ns));
  GString *text = g_string_new (NULL);

  g_strdelimit (command, "\n\r\t", ' ');
  if (m->parent_pid != 0)
    {
      g_autofree char *parent = g_strdup_printf ("%" G_GINT64_FORMAT, m->parent_pid);
      g_string_append_printf (text, _("<b>Process %s</b> (%s), started by process %s"), pid, m->role, parent);
    }
  else
    g_string_append_printf (text, _("<b>Process %s</b> (%s)"), pid, m->role);
  g_string_append_c (text, '\n');
  if (*command != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (command, -1);
      g_string_append_printf (text, _("Command: %s"), escaped);
      g_string_append_c (text, '\n');
    }
  if (m->document != NULL)
    {
      g_string_append_printf (text, _("Ran from %s to %s (%s)"), start, end, duration);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Exit status: %s"), status);
    }
  else
    {
      g_autofree char *error = g_markup_escape_text (m->error != NULL ? m->error : status, -1);
      g_string_append_printf (text, _("Not loaded: %s"), error);
    }
  if (m->document != NULL)
    {
      g_string_append (text, "\n\n");
      g_string_append (text, g_strcmp0 (m->path, self->current_path) == 0
                             ? _("This is the recording open in this tab.")
                             : _("Click to open this process’s report in a tab."));
    }
  return g_string_free (text, FALSE);
}

/* Says what lies under the point: which process (pid, role, command,
 * lifetime, exit status) and, on a lane, the thread and call, on the crash
 * marker the exception, then what a click does. */
static char *
tooltip_text (TcProcessLanes *self,
              double          x,
              double          y)
{
  TcProcessHit hit;
  const TcProcessMember *m;
  g_autofree char *process = NULL;
  g_autofree char *first = NULL;

  if (!hit_at (self, x, y, &hit) || hit.member < 0)
    return NULL;
  m = tc_process_set_get_member (self->draw.set, hit.member);
  process = process_tooltip (self, m);
  if (hit.crash)
    {
      const TcDocCrash *crash = tc_document_get_crash (m->document);
      g_autofree char *type = g_markup_escape_text (crash->exc_type != NULL ? crash->exc_type : "?", -1);
      g_autofree char *message = g_markup_escape_text (crash->message != NULL ? crash->message : "", -1);
      g_autofree char *when = tc_units_format_seconds (crash->time_ns + m->offset_ns);

      first = g_strdup_printf (_("<b>Crashed with %s</b> at %s: %s"), type, when, message);
    }
  else if (hit.span != NULL)
    {
      const TcProcessLane *lane = g_ptr_array_index (self->draw.lanes, hit.lane);
      g_autofree char *name = g_markup_escape_text (tc_document_code_name (m->document, hit.span->code_id), -1);
      g_autofree char *thread = g_markup_escape_text (lane->name, -1);
      g_autofree char *duration = tc_units_format_ms (tc_ns_to_ms (hit.span->end_ns - hit.span->start_ns));
      g_autofree char *start = tc_units_format_seconds (hit.span->start_ns + m->offset_ns);

      first = g_strdup_printf (_("<b>%s</b> in thread %s\n%s at %s"), name, thread, duration, start);
    }
  else if (hit.lane >= 0)
    {
      const TcProcessLane *lane = g_ptr_array_index (self->draw.lanes, hit.lane);
      g_autofree char *thread = g_markup_escape_text (lane->name, -1);

      first = g_strdup_printf (_("Thread <b>%s</b>"), thread);
    }
  return first != NULL ? g_strdup_printf ("%s\n\n%s", first, process) : g_steal_pointer (&process);
}

static gboolean
query_tooltip_cb (TcProcessLanes *self,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip)
{
  g_autofree char *text = keyboard ? NULL : tooltip_text (self, x, y);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static void
on_click (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          TcProcessLanes  *self)
{
  TcProcessHit hit;

  if (hit_at (self, x, y, &hit) && hit.member >= 0)
    g_signal_emit (self, signals[MEMBER_ACTIVATED], 0, (guint) hit.member);
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
  TcProcessDraw *p = params (self);
  double fx = CLAMP ((self->pointer_x - p->gutter) / tc_process_draw_plot_width (p), 0.0, 1.0);
  gint64 span = p->end_ns - p->begin_ns;
  double factor = dy > 0 ? 1.25 : 0.8;
  gint64 new_span = MAX ((gint64) (span * factor), 1000);
  gint64 anchor = p->begin_ns + (gint64) (fx * span);

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
  g_clear_object (&self->draw.set);
  g_clear_pointer (&self->current_path, g_free);
  g_clear_pointer (&self->draw.lanes, g_ptr_array_unref);
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

  tc_process_draw_init (&self->draw, NULL, tc_process_draw_lanes_new (NULL), 1000);
  g_signal_connect (click, "released", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
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
  GPtrArray *lanes;

  g_return_if_fail (TC_IS_PROCESS_LANES (self));

  g_clear_pointer (&self->draw.lanes, g_ptr_array_unref);
  g_clear_object (&self->draw.set);
  lanes = tc_process_draw_lanes_new (set);
  tc_process_draw_init (&self->draw, set != NULL ? g_object_ref (set) : NULL, lanes, self->draw.width);
  g_free (self->current_path);
  self->current_path = current_path != NULL ? g_canonicalize_filename (current_path, NULL) : NULL;
  /* Collected now, for the whole run: that sizes every lane. */
  if (self->draw.end_ns > self->draw.begin_ns)
    collect (self);
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
  TcProcessHit hit;

  g_return_val_if_fail (TC_IS_PROCESS_LANES (self), -1);
  return tc_process_draw_hit (&self->draw, 0, y - RULER, &hit) ? hit.member : -1;
}

void
tc_process_lanes_get_range (TcProcessLanes *self,
                            gint64         *begin_ns,
                            gint64         *end_ns)
{
  *begin_ns = self->draw.begin_ns;
  *end_ns = self->draw.end_ns;
}

void
tc_process_lanes_set_range (TcProcessLanes *self,
                            gint64          begin_ns,
                            gint64          end_ns)
{
  gint64 lo = 0, hi = 0;

  g_return_if_fail (TC_IS_PROCESS_LANES (self));
  if (self->draw.set != NULL)
    tc_process_set_get_time_range (self->draw.set, &lo, &hi);
  /* Never wider than the whole run, never outside it. */
  if (end_ns - begin_ns >= hi - lo)
    begin_ns = lo, end_ns = hi;
  else if (begin_ns < lo)
    end_ns += lo - begin_ns, begin_ns = lo;
  else if (end_ns > hi)
    begin_ns -= end_ns - hi, end_ns = hi;
  self->draw.begin_ns = begin_ns;
  self->draw.end_ns = end_ns;
  self->dirty = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
tc_process_lanes_get_n_spans (TcProcessLanes *self,
                              guint           member)
{
  guint n = 0;

  if (self->dirty)
    collect (self);
  for (guint i = 0; i < self->draw.lanes->len; i++)
    {
      const TcProcessLane *lane = g_ptr_array_index (self->draw.lanes, i);

      if (lane->member == member)
        n += lane->spans->len;
    }
  return n;
}

/**
 * tc_process_lanes_get_tooltip_text:
 *
 * Returns: (transfer full) (nullable): the tooltip's markup at (@x, @y)
 */
char *
tc_process_lanes_get_tooltip_text (TcProcessLanes *self,
                                   double          x,
                                   double          y)
{
  g_return_val_if_fail (TC_IS_PROCESS_LANES (self), NULL);
  return tooltip_text (self, x, y);
}

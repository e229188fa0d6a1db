/* tc-variable-timeline.c — variable histories on the session's time axis
 *
 * SPDX-License-Identifier: MIT
 *
 * Each lane has a title row (the variable's display key, its type and number
 * of changes) over a strip: numbers are step charts (a value holds until the
 * next capture), other values are ticks where the repr changed, with the
 * value at the pointer in the tooltip.  Clicking a lane selects it; [ and ]
 * (or N/P) jump to its previous/next change.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-chart-draw.h"
#include "tc-time-navigation.h"
#include "tc-time-scrubber.h"
#include "tc-units.h"

#include "tc-variable-timeline.h"

typedef struct
{
  const TcDocVar *var;
  gboolean        numeric;
  gint64         *times;
  double         *values;
  const char     *type_name;
  double          y;
  double          height;
} Lane;

struct _TcVariableTimeline
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  GArray          *lanes;
  gint             selected;
};

G_DEFINE_FINAL_TYPE (TcVariableTimeline, tc_variable_timeline, GTK_TYPE_WIDGET)

static void
lane_clear (gpointer data)
{
  Lane *lane = data;

  g_free (lane->times);
  g_free (lane->values);
}

static void
build_lanes (TcVariableTimeline *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  GPtrArray *vars = doc != NULL ? tc_document_get_vars (doc) : NULL;
  double y = 0;

  for (guint i = 0; vars != NULL && i < vars->len; i++)
    {
      const TcDocVar *var = g_ptr_array_index (vars, i);
      Lane lane = { var, FALSE, NULL, NULL, "", 0, 0 };
      guint n_numbers = 0;

      if (var->history->len == 0)
        continue;

      lane.times = g_new (gint64, var->history->len);
      lane.values = g_new (double, var->history->len);
      for (guint k = 0; k < var->history->len; k++)
        {
          const TcDocVarPoint *p = &g_array_index (var->history, TcDocVarPoint, k);

          lane.times[k] = p->time_ns;
          lane.values[k] = p->local != NULL ? tc_value_to_double (&p->local->value) : NAN;
          if (isfinite (lane.values[k]))
            n_numbers++;
          if (p->local != NULL && *p->local->type_name)
            lane.type_name = p->local->type_name;
        }
      /* A number lane when (nearly) every capture is a number; a variable
       * that was None first and a float later still reads as a number. */
      lane.numeric = n_numbers > 0 && n_numbers * 10 >= var->history->len * 9 && var->n_changes > 1;
      lane.y = y;
      lane.height = TC_VAR_LANE_TITLE + (lane.numeric ? TC_VAR_LANE_NUMBER : TC_VAR_LANE_TICKS) + 6;
      y += lane.height;
      g_array_append_val (self->lanes, lane);
    }
}

static void
draw_ticks (cairo_t           *cr,
            const TcDrawStyle *style,
            const Lane        *lane,
            double             width,
            gint64             begin,
            gint64             end)
{
  const TcDocVar *var = lane->var;
  const GdkRGBA *a = &style->accent;
  double last_x = -10;
  double top = lane->y + TC_VAR_LANE_TITLE;

  /* The lifetime of the variable as a thin bar… */
  {
    double x1 = tc_chart_time_to_x (lane->times[0], begin, end, width);
    double x2 = tc_chart_time_to_x (lane->times[var->history->len - 1], begin, end, width);

    cairo_set_source_rgba (cr, a->red, a->green, a->blue, 0.25);
    cairo_rectangle (cr, MAX (x1, 0), top + TC_VAR_LANE_TICKS / 2 - 2, MAX (MIN (x2, width) - MAX (x1, 0), 1), 4);
    cairo_fill (cr);
  }

  /* …and a tick per change, one per pixel. */
  cairo_set_source_rgba (cr, a->red, a->green, a->blue, 0.95);
  for (guint k = 0; k < var->history->len; k++)
    {
      const TcDocVarPoint *p = &g_array_index (var->history, TcDocVarPoint, k);
      double x;

      if (!p->changed)
        continue;
      x = floor (tc_chart_time_to_x (p->time_ns, begin, end, width));
      if (x < 0 || x > width || x == last_x)
        continue;
      last_x = x;
      cairo_rectangle (cr, x, top + 2, 2, TC_VAR_LANE_TICKS - 4);
    }
  cairo_fill (cr);
}

static void
tc_variable_timeline_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  TcVariableTimeline *self = TC_VARIABLE_TIMELINE (widget);
  const Lane *last;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = 300;
      return;
    }
  last = self->lanes->len > 0 ? &g_array_index (self->lanes, Lane, self->lanes->len - 1) : NULL;
  *minimum = *natural = last != NULL ? (int) (last->y + last->height) : 0;
}

static void
tc_variable_timeline_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  TcVariableTimeline *self = TC_VARIABLE_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot = tc_time_navigation_plot_width (widget);
  gint64 begin = tc_viewer_session_get_visible_begin (self->session);
  gint64 end = tc_viewer_session_get_visible_end (self->session);
  gint64 cursor = tc_viewer_session_get_cursor (self->session);
  TcDrawStyle style;
  cairo_t *cr;

  if (self->lanes->len == 0 || end <= begin)
    return;

  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint i = 0; i < self->lanes->len; i++)
    {
      const Lane *lane = &g_array_index (self->lanes, Lane, i);
      const TcDocVarPoint *now = cursor >= 0 ? tc_time_travel_value_at (lane->var, cursor) : NULL;
      g_autofree char *title = NULL;

      if ((gint) i == self->selected)
        {
          cairo_set_source_rgba (cr, style.accent.red, style.accent.green, style.accent.blue, 0.10);
          cairo_rectangle (cr, 0, lane->y, width, lane->height - 2);
          cairo_fill (cr);
        }

      /* Whole sentences, with and without the value at the cursor: a
       * plural with pieces glued on cannot be translated. */
      if (now != NULL)
        title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s  ·  %s  ·  %u change  ·  = %s",
                                              "%s  ·  %s  ·  %u changes  ·  = %s", lane->var->n_changes),
                                 lane->var->display, lane->type_name, lane->var->n_changes,
                                 now->local != NULL ? now->local->repr : "");
      else
        title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s  ·  %s  ·  %u change",
                                              "%s  ·  %s  ·  %u changes", lane->var->n_changes),
                                 lane->var->display, lane->type_name, lane->var->n_changes);
      tc_chart_draw_text (cr, &style, &style.foreground, TC_CHART_LEFT, lane->y + 2, 0.0,
                          plot, title);

      cairo_save (cr);
      cairo_translate (cr, TC_CHART_LEFT, 0);
      cairo_rectangle (cr, 0, lane->y, plot, lane->height);
      cairo_clip (cr);
      if (lane->numeric)
        {
          TcSeriesScale scale = { begin, end, 0, 0, plot, TC_VAR_LANE_NUMBER };
          TcSeriesDraw series = { lane->times, lane->values, lane->var->history->len,
                                  TC_SERIES_STEP, style.accent, TRUE, FALSE, 0, "", NAN, -1 };
          TcSeriesStats stats;

          tc_series_stats (lane->values, lane->var->history->len, &stats);
          tc_series_nice_range (&stats, FALSE, &scale.y_min, &scale.y_max);
          cairo_translate (cr, 0, lane->y + TC_VAR_LANE_TITLE);
          tc_draw_value_axis (cr, &style, &scale, "");
          tc_draw_series (cr, &style, &scale, &series);
        }
      else
        draw_ticks (cr, &style, lane, plot, begin, end);
      cairo_restore (cr);
    }

  cairo_translate (cr, TC_CHART_LEFT, 0);
  cairo_rectangle (cr, 0, 0, plot, height);
  cairo_clip (cr);
  tc_draw_time_overlay (cr, &style, plot, height, begin, end, cursor,
                        tc_viewer_session_get_has_selection (self->session),
                        tc_viewer_session_get_selected_begin (self->session),
                        tc_viewer_session_get_selected_end (self->session));
  cairo_destroy (cr);
}

static gboolean
query_tooltip_cb (TcVariableTimeline *self,
                  int                 x,
                  int                 y,
                  gboolean            keyboard,
                  GtkTooltip         *tooltip)
{
  gint i = tc_variable_timeline_lane_at (self, y);
  const TcDocVarPoint *p;
  g_autofree char *at = NULL;
  g_autofree char *text = NULL;
  gint64 t;

  if (i < 0 || x < TC_CHART_LEFT)
    return FALSE;
  t = tc_chart_x_to_time (x - TC_CHART_LEFT, tc_viewer_session_get_visible_begin (self->session),
                          tc_viewer_session_get_visible_end (self->session),
                          tc_time_navigation_plot_width (GTK_WIDGET (self)));
  p = tc_time_travel_value_at (g_array_index (self->lanes, Lane, i).var, t);
  if (p == NULL || p->local == NULL)
    return FALSE;
  at = tc_units_format_seconds (p->time_ns);
  text = g_strdup_printf (_("%s = %s\n(%s, captured at %s)"), g_array_index (self->lanes, Lane, i).var->display,
                          p->local->repr, p->local->type_name, at);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
pressed_cb (TcVariableTimeline *self,
            int                 n_press,
            double              x,
            double              y)
{
  tc_variable_timeline_select (self, tc_variable_timeline_lane_at (self, y));
}

static gboolean
key_cb (TcVariableTimeline *self,
        guint               keyval,
        guint               keycode,
        GdkModifierType     state)
{
  switch (keyval)
    {
    case GDK_KEY_bracketleft: case GDK_KEY_p: case GDK_KEY_P:
      return tc_variable_timeline_step_change (self, -1);
    case GDK_KEY_bracketright: case GDK_KEY_n: case GDK_KEY_N:
      return tc_variable_timeline_step_change (self, +1);
    default:
      return FALSE;
    }
}

static void
redraw_cb (TcVariableTimeline *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tc_variable_timeline_dispose (GObject *object)
{
  TcVariableTimeline *self = (TcVariableTimeline *)object;

  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_variable_timeline_parent_class)->dispose (object);
}

static void
tc_variable_timeline_class_init (TcVariableTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_variable_timeline_dispose;
  widget_class->measure = tc_variable_timeline_measure;
  widget_class->snapshot = tc_variable_timeline_snapshot;
  gtk_widget_class_set_css_name (widget_class, "variabletimeline");
}

static void
tc_variable_timeline_init (TcVariableTimeline *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *key = gtk_event_controller_key_new ();

  self->selected = -1;
  self->lanes = g_array_new (FALSE, FALSE, sizeof (Lane));
  g_array_set_clear_func (self->lanes, lane_clear);

  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
tc_variable_timeline_new (TcViewerSession *session)
{
  TcVariableTimeline *self;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  self = g_object_new (TC_TYPE_VARIABLE_TIMELINE, NULL);
  self->session = g_object_ref (session);
  build_lanes (self);
  g_signal_connect_object (session, "notify", G_CALLBACK (redraw_cb), self, G_CONNECT_SWAPPED);
  tc_time_navigation_attach (GTK_WIDGET (self), session);

  return GTK_WIDGET (self);
}

guint
tc_variable_timeline_get_n_lanes (TcVariableTimeline *self)
{
  return self->lanes->len;
}

const TcDocVar *
tc_variable_timeline_get_var (TcVariableTimeline *self,
                              guint               lane)
{
  g_return_val_if_fail (lane < self->lanes->len, NULL);

  return g_array_index (self->lanes, Lane, lane).var;
}

gboolean
tc_variable_timeline_lane_numeric (TcVariableTimeline *self,
                                   guint               lane)
{
  g_return_val_if_fail (lane < self->lanes->len, FALSE);

  return g_array_index (self->lanes, Lane, lane).numeric;
}

gint
tc_variable_timeline_lane_at (TcVariableTimeline *self,
                              double              y)
{
  guint lo = 0, hi = self->lanes->len;

  /* Lanes are stacked in order: binary search on their tops. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->lanes, Lane, mid).y <= y)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return -1;
  lo--;
  if (y >= g_array_index (self->lanes, Lane, lo).y + g_array_index (self->lanes, Lane, lo).height)
    return -1;
  return (gint) lo;
}

void
tc_variable_timeline_select (TcVariableTimeline *self,
                             gint                lane)
{
  g_return_if_fail (TC_IS_VARIABLE_TIMELINE (self));

  self->selected = lane >= 0 && (guint) lane < self->lanes->len ? lane : -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const TcDocVar *
tc_variable_timeline_get_selected (TcVariableTimeline *self)
{
  return self->selected >= 0 ? g_array_index (self->lanes, Lane, self->selected).var : NULL;
}

gboolean
tc_variable_timeline_step_change (TcVariableTimeline *self,
                                  int                 direction)
{
  const TcDocVar *var = tc_variable_timeline_get_selected (self);
  gint64 cursor = tc_viewer_session_get_cursor (self->session);
  gint64 t;

  if (var == NULL)
    return FALSE;
  if (direction < 0)
    t = tc_time_travel_previous_change (var, cursor < 0 ? G_MAXINT64 : cursor);
  else
    t = tc_time_travel_next_change (var, cursor);
  if (t < 0)
    return FALSE;

  tc_viewer_session_set_cursor (self->session, t);
  /* Keep the change in view. */
  if (t < tc_viewer_session_get_visible_begin (self->session) ||
      t > tc_viewer_session_get_visible_end (self->session))
    {
      gint64 span = tc_viewer_session_get_visible_end (self->session) -
                    tc_viewer_session_get_visible_begin (self->session);
      tc_viewer_session_set_visible_range (self->session, MAX (0, t - span / 2), MAX (0, t - span / 2) + span);
    }
  return TRUE;
}

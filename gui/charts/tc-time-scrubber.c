/* tc-time-scrubber.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Unlike the time charts, the scrubber always shows the whole recording (it
 * is how one travels), with the visible range as a window on it, the
 * snapshots as ticks and the cursor as a handle.  Dragging anywhere moves
 * the cursor; ←/→ step from snapshot to snapshot.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-chart-draw.h"
#include "tc-units.h"

#include "tc-time-scrubber.h"

#define SCRUBBER_HEIGHT 40

struct _TcTimeScrubber
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  GArray          *markers;
};

G_DEFINE_FINAL_TYPE (TcTimeScrubber, tc_time_scrubber, GTK_TYPE_WIDGET)

/* ---- lookups --------------------------------------------------------- */

gint
tc_time_travel_snapshot_at (TcDocument *doc,
                            gint64      time_ns)
{
  GArray *snaps = tc_document_get_snapshots (doc);
  guint lo = 0, hi = snaps != NULL ? snaps->len : 0;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (snaps, TcDocSnapshot, mid).time_ns <= time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return (gint) lo - 1;
}

gint64
tc_time_travel_snap_to_snapshot (TcDocument *doc,
                                 gint64      time_ns,
                                 gint64      within_ns)
{
  GArray *snaps = tc_document_get_snapshots (doc);
  gint before = tc_time_travel_snapshot_at (doc, time_ns);
  gint64 best = time_ns, best_distance = within_ns;

  /* The last snapshot at or before the instant and the first after it. */
  for (gint i = MAX (before, 0); snaps != NULL && i <= before + 1 && (guint) i < snaps->len; i++)
    {
      gint64 t = g_array_index (snaps, TcDocSnapshot, i).time_ns;

      if (ABS (t - time_ns) <= best_distance)
        {
          best = t;
          best_distance = ABS (t - time_ns);
        }
    }
  return best;
}

/* Number of points at or before time_ns. */
static guint
points_until (const TcDocVar *var,
              gint64          time_ns)
{
  guint lo = 0, hi = var->history->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (var->history, TcDocVarPoint, mid).time_ns <= time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

const TcDocVarPoint *
tc_time_travel_value_at (const TcDocVar *var,
                         gint64          time_ns)
{
  guint n = points_until (var, time_ns);

  return n > 0 ? &g_array_index (var->history, TcDocVarPoint, n - 1) : NULL;
}

gint64
tc_time_travel_previous_change (const TcDocVar *var,
                                gint64          time_ns)
{
  for (guint i = points_until (var, time_ns - 1); i > 0; i--)
    {
      const TcDocVarPoint *p = &g_array_index (var->history, TcDocVarPoint, i - 1);

      if (p->changed && p->time_ns < time_ns)
        return p->time_ns;
    }
  return -1;
}

gint64
tc_time_travel_next_change (const TcDocVar *var,
                            gint64          time_ns)
{
  for (guint i = points_until (var, time_ns); i < var->history->len; i++)
    {
      const TcDocVarPoint *p = &g_array_index (var->history, TcDocVarPoint, i);

      if (p->changed && p->time_ns > time_ns)
        return p->time_ns;
    }
  return -1;
}

/* ---- widget ---------------------------------------------------------- */

static double
plot_width (TcTimeScrubber *self)
{
  return MAX (1.0, gtk_widget_get_width (GTK_WIDGET (self)) - TC_CHART_LEFT - TC_CHART_RIGHT);
}

static void
tc_time_scrubber_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : SCRUBBER_HEIGHT;
}

static void
tc_time_scrubber_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TcTimeScrubber *self = TC_TIME_SCRUBBER (widget);
  gint64 duration = tc_viewer_session_get_duration (self->session);
  gint64 cursor = tc_viewer_session_get_cursor (self->session);
  double width = gtk_widget_get_width (widget);
  double plot = plot_width (self);
  const GdkRGBA *a;
  TcDrawStyle style;
  cairo_t *cr;
  double x1, x2;

  if (duration <= 0)
    return;

  tc_draw_style_init_for_widget (&style, widget);
  a = &style.accent;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, SCRUBBER_HEIGHT));

  if (cursor >= 0)
    {
      g_autofree char *at = tc_units_format_seconds (cursor);
      tc_chart_draw_text (cr, &style, &style.foreground, TC_CHART_LEFT - 6, 12, 1.0, TC_CHART_LEFT - 4, at);
    }

  cairo_translate (cr, TC_CHART_LEFT, 0);

  /* The track, and the visible range as a window on it. */
  cairo_set_source_rgba (cr, style.grid.red, style.grid.green, style.grid.blue, style.grid.alpha * 1.5);
  tc_draw_rounded_rect (cr, 0, 8, plot, SCRUBBER_HEIGHT - 16, 4);
  cairo_fill (cr);
  x1 = tc_chart_time_to_x (tc_viewer_session_get_visible_begin (self->session), 0, duration, plot);
  x2 = tc_chart_time_to_x (tc_viewer_session_get_visible_end (self->session), 0, duration, plot);
  cairo_set_source_rgba (cr, a->red, a->green, a->blue, 0.18);
  tc_draw_rounded_rect (cr, x1, 8, MAX (x2 - x1, 2), SCRUBBER_HEIGHT - 16, 4);
  cairo_fill (cr);

  tc_draw_markers (cr, &style, self->markers, plot, SCRUBBER_HEIGHT - 6, 0, duration);

  if (cursor >= 0)
    {
      double x = tc_chart_time_to_x (cursor, 0, duration, plot);

      cairo_set_source_rgba (cr, a->red, a->green, a->blue, 1.0);
      tc_draw_rounded_rect (cr, x - 3, 2, 6, SCRUBBER_HEIGHT - 4, 3);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

static void
drag_begin_cb (TcTimeScrubber *self,
               double          x,
               double          y)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  tc_time_scrubber_scrub_to (self, x);
  g_object_set_data (G_OBJECT (self), "drag-x", GINT_TO_POINTER ((int) x));
}

static void
drag_update_cb (TcTimeScrubber *self,
                double          dx,
                double          dy)
{
  tc_time_scrubber_scrub_to (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "drag-x")) + dx);
}

static gboolean
key_cb (TcTimeScrubber *self,
        guint           keyval,
        guint           keycode,
        GdkModifierType state)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  GArray *snaps = doc != NULL ? tc_document_get_snapshots (doc) : NULL;
  gint64 cursor = tc_viewer_session_get_cursor (self->session);
  gint i;

  if (snaps == NULL || snaps->len == 0)
    return FALSE;
  i = tc_time_travel_snapshot_at (doc, cursor);

  /* From snapshot to snapshot: what the recording knows changes there. */
  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_a)
    i = (cursor >= 0 && i >= 0 && g_array_index (snaps, TcDocSnapshot, i).time_ns == cursor) ? i - 1 : i;
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_d)
    i = i + 1;
  else if (keyval == GDK_KEY_Home)
    i = 0;
  else if (keyval == GDK_KEY_End)
    i = snaps->len - 1;
  else
    return FALSE;

  i = CLAMP (i, 0, (gint) snaps->len - 1);
  tc_viewer_session_set_cursor (self->session, g_array_index (snaps, TcDocSnapshot, i).time_ns);
  return TRUE;
}

static void
redraw_cb (TcTimeScrubber *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tc_time_scrubber_dispose (GObject *object)
{
  TcTimeScrubber *self = (TcTimeScrubber *)object;

  g_clear_pointer (&self->markers, g_array_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_time_scrubber_parent_class)->dispose (object);
}

static void
tc_time_scrubber_class_init (TcTimeScrubberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_time_scrubber_dispose;
  widget_class->measure = tc_time_scrubber_measure;
  widget_class->snapshot = tc_time_scrubber_snapshot;
  gtk_widget_class_set_css_name (widget_class, "timescrubber");
}

static void
tc_time_scrubber_init (TcTimeScrubber *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *key = gtk_event_controller_key_new ();

  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "col-resize");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Drag to travel in time; ←/→ step between snapshots"));
}

GtkWidget *
tc_time_scrubber_new (TcViewerSession *session)
{
  TcTimeScrubber *self;
  TcDocument *doc;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  self = g_object_new (TC_TYPE_TIME_SCRUBBER, NULL);
  self->session = g_object_ref (session);
  doc = tc_viewer_session_get_document (session);
  if (doc != NULL)
    self->markers = tc_chart_collect_markers (doc);
  g_signal_connect_object (session, "notify", G_CALLBACK (redraw_cb), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

void
tc_time_scrubber_scrub_to (TcTimeScrubber *self,
                           double          x)
{
  gint64 duration = tc_viewer_session_get_duration (self->session);
  gint64 t = tc_chart_x_to_time (x - TC_CHART_LEFT, 0, duration, plot_width (self));
  TcDocument *doc = tc_viewer_session_get_document (self->session);

  if (doc != NULL)
    t = tc_time_travel_snap_to_snapshot (doc, t, (gint64) (TC_SNAP_SLOP_PX * duration / plot_width (self)));
  tc_viewer_session_set_cursor (self->session, CLAMP (t, 0, duration));
}

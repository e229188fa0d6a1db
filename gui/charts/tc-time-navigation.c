/* tc-time-navigation.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include "tc-chart-draw.h"
#include "tc-time-scrubber.h"

#include "tc-time-navigation.h"

/* A press that moves less than this is a click (cursor), not a selection. */
#define CLICK_SLOP 3.0
/* The narrowest range zooming reaches. */
#define MIN_SPAN_NS 1000

typedef struct
{
  GtkWidget       *widget;
  TcViewerSession *session;
  double           pointer_x;
  double           drag_x;
  gboolean         panning;
  gint64           drag_begin;
  gint64           drag_end;
  gint64           pinch_begin;
  gint64           pinch_end;
  double           pinch_anchor;
} Navigation;

static void
navigation_free (gpointer data)
{
  Navigation *nav = data;

  g_clear_weak_pointer (&nav->session);
  g_free (nav);
}

double
tc_time_navigation_plot_width (GtkWidget *widget)
{
  return MAX (1.0, gtk_widget_get_width (widget) - TC_CHART_LEFT - TC_CHART_RIGHT);
}

static void
set_range (TcViewerSession *session,
           gint64           begin,
           gint64           end)
{
  gint64 duration = tc_viewer_session_get_duration (session);
  gint64 span = end - begin;

  if (duration <= 0)
    return;
  span = CLAMP (span, MIN (MIN_SPAN_NS, duration), duration);
  begin = CLAMP (begin, 0, duration - span);
  tc_viewer_session_set_visible_range (session, begin, begin + span);
}

void
tc_time_navigation_zoom (TcViewerSession *session,
                         double           factor,
                         double           anchor,
                         double           plot_width)
{
  gint64 begin = tc_viewer_session_get_visible_begin (session);
  gint64 end = tc_viewer_session_get_visible_end (session);
  double frac, span, new_span;
  gint64 at;

  if (factor <= 0 || plot_width <= 0 || end <= begin)
    return;
  frac = CLAMP (anchor / plot_width, 0.0, 1.0);
  span = (double) (end - begin);
  at = begin + (gint64) (frac * span);
  new_span = MAX (span / factor, MIN_SPAN_NS);
  set_range (session, at - (gint64) (frac * new_span), at - (gint64) (frac * new_span) + (gint64) new_span);
}

void
tc_time_navigation_pan (TcViewerSession *session,
                        double           fraction)
{
  gint64 begin = tc_viewer_session_get_visible_begin (session);
  gint64 end = tc_viewer_session_get_visible_end (session);
  gint64 shift = (gint64) (fraction * (double) (end - begin));

  set_range (session, begin + shift, end + shift);
}

static gint64
time_at (Navigation *nav,
         double      x)
{
  return tc_chart_x_to_time (x - TC_CHART_LEFT,
                             tc_viewer_session_get_visible_begin (nav->session),
                             tc_viewer_session_get_visible_end (nav->session),
                             tc_time_navigation_plot_width (nav->widget));
}

static void
motion_cb (Navigation *nav,
           double      x,
           double      y)
{
  nav->pointer_x = x;
}

static gboolean
scroll_cb (Navigation               *nav,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *scroll)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double width = tc_time_navigation_plot_width (nav->widget);
  gboolean wheel = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL;

  if (nav->session == NULL)
    return FALSE;

  if (state & GDK_CONTROL_MASK)
    {
      tc_time_navigation_zoom (nav->session, pow (wheel ? 1.25 : 1.01, -dy),
                               nav->pointer_x - TC_CHART_LEFT, width);
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    dx = dx != 0 ? dx : dy;
  if (dx != 0)
    {
      tc_time_navigation_pan (nav->session, wheel ? dx * 0.1 : dx / width);
      return TRUE;
    }
  return FALSE;
}

static void
pinch_begin_cb (Navigation       *nav,
                GdkEventSequence *sequence,
                GtkGesture       *gesture)
{
  double cx, cy;

  nav->pinch_begin = tc_viewer_session_get_visible_begin (nav->session);
  nav->pinch_end = tc_viewer_session_get_visible_end (nav->session);
  nav->pinch_anchor = gtk_gesture_get_bounding_box_center (gesture, &cx, &cy)
    ? cx - TC_CHART_LEFT : tc_time_navigation_plot_width (nav->widget) / 2;
}

static void
pinch_cb (Navigation     *nav,
          double          scale,
          GtkGestureZoom *gesture)
{
  double width = tc_time_navigation_plot_width (nav->widget);
  double frac = CLAMP (nav->pinch_anchor / width, 0.0, 1.0);
  double span = (double) (nav->pinch_end - nav->pinch_begin) / MAX (scale, 0.01);
  gint64 at = nav->pinch_begin + (gint64) (frac * (double) (nav->pinch_end - nav->pinch_begin));

  set_range (nav->session, at - (gint64) (frac * span), at - (gint64) (frac * span) + (gint64) span);
}

static void
drag_begin_cb (Navigation     *nav,
               double          x,
               double          y,
               GtkGestureDrag *drag)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (drag));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (drag));

  gtk_widget_grab_focus (nav->widget);
  nav->drag_x = x;
  nav->panning = button == GDK_BUTTON_MIDDLE || (state & GDK_SHIFT_MASK) != 0;
  nav->drag_begin = tc_viewer_session_get_visible_begin (nav->session);
  nav->drag_end = tc_viewer_session_get_visible_end (nav->session);
}

static void
drag_update_cb (Navigation     *nav,
                double          dx,
                double          dy,
                GtkGestureDrag *drag)
{
  double width = tc_time_navigation_plot_width (nav->widget);
  gint64 a, b;

  if (nav->panning)
    {
      gint64 shift = (gint64) (-dx / width * (double) (nav->drag_end - nav->drag_begin));

      set_range (nav->session, nav->drag_begin + shift, nav->drag_end + shift);
      return;
    }
  if (fabs (dx) < CLICK_SLOP)
    return;
  a = time_at (nav, nav->drag_x);
  b = time_at (nav, nav->drag_x + dx);
  tc_viewer_session_select_range (nav->session, MAX (0, MIN (a, b)), MAX (a, b));
}

static void
drag_end_cb (Navigation     *nav,
             double          dx,
             double          dy,
             GtkGestureDrag *drag)
{
  TcDocument *doc = tc_viewer_session_get_document (nav->session);
  gint64 t, pixel_ns;

  if (nav->panning || fabs (dx) >= CLICK_SLOP || nav->drag_x < TC_CHART_LEFT)
    return;
  t = MAX (0, time_at (nav, nav->drag_x));
  pixel_ns = (gint64) ((tc_viewer_session_get_visible_end (nav->session)
                        - tc_viewer_session_get_visible_begin (nav->session))
                       / tc_time_navigation_plot_width (nav->widget));
  if (doc != NULL)
    t = tc_time_travel_snap_to_snapshot (doc, t, TC_SNAP_SLOP_PX * pixel_ns);
  tc_viewer_session_set_cursor (nav->session, t);
}

static gboolean
key_cb (Navigation            *nav,
        guint                  keyval,
        guint                  keycode,
        GdkModifierType        state)
{
  double width = tc_time_navigation_plot_width (nav->widget);

  switch (keyval)
    {
    case GDK_KEY_w: case GDK_KEY_W: case GDK_KEY_Up: case GDK_KEY_plus: case GDK_KEY_equal:
      tc_time_navigation_zoom (nav->session, 1.25, width / 2, width);
      return TRUE;
    case GDK_KEY_s: case GDK_KEY_S: case GDK_KEY_Down: case GDK_KEY_minus:
      tc_time_navigation_zoom (nav->session, 0.8, width / 2, width);
      return TRUE;
    case GDK_KEY_a: case GDK_KEY_A: case GDK_KEY_Left:
      tc_time_navigation_pan (nav->session, -0.1);
      return TRUE;
    case GDK_KEY_d: case GDK_KEY_D: case GDK_KEY_Right:
      tc_time_navigation_pan (nav->session, 0.1);
      return TRUE;
    case GDK_KEY_Return: case GDK_KEY_KP_Enter:
      if (!tc_viewer_session_get_has_selection (nav->session))
        return FALSE;
      tc_viewer_session_zoom_to_selection (nav->session);
      return TRUE;
    case GDK_KEY_Escape: case GDK_KEY_0:
      tc_viewer_session_clear_selection (nav->session);
      tc_viewer_session_reset_zoom (nav->session);
      return TRUE;
    default:
      return FALSE;
    }
}

void
tc_time_navigation_attach (GtkWidget       *widget,
                           TcViewerSession *session)
{
  Navigation *nav = g_new0 (Navigation, 1);
  GtkEventController *controller;
  GtkGesture *gesture;

  nav->widget = widget;
  g_set_weak_pointer (&nav->session, session);
  g_object_set_data_full (G_OBJECT (widget), "tc-time-navigation", nav, navigation_free);
  gtk_widget_set_focusable (widget, TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), nav);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), nav);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (gesture, "begin", G_CALLBACK (pinch_begin_cb), nav);
  g_signal_connect_swapped (gesture, "scale-changed", G_CALLBACK (pinch_cb), nav);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), nav);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (drag_update_cb), nav);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (drag_end_cb), nav);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_cb), nav);
  gtk_widget_add_controller (widget, controller);
}

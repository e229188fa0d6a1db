/* tc-time-ruler.c — the time axis above the time charts of a page
 *
 * SPDX-License-Identifier: MIT
 *
 * Shows the session's visible range with adaptive tick labels, the markers
 * of the recording (snapshots, warnings, checkpoints and blocks, the crash),
 * the selection and the cursor; zooms, pans and selects like every chart.
 */
#include "config.h"

#include "tc-chart-draw.h"
#include "tc-time-navigation.h"

#include "tc-time-ruler.h"

#define RULER_HEIGHT 46

struct _TcTimeRuler
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  GArray          *markers;
};

G_DEFINE_FINAL_TYPE (TcTimeRuler, tc_time_ruler, GTK_TYPE_WIDGET)

static void
session_changed_cb (TcTimeRuler *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);

  if (self->markers == NULL && doc != NULL)
    self->markers = tc_chart_collect_markers (doc);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tc_time_ruler_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : RULER_HEIGHT;
}

static void
tc_time_ruler_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  TcTimeRuler *self = TC_TIME_RULER (widget);
  double width = gtk_widget_get_width (widget);
  double plot = MAX (1.0, width - TC_CHART_LEFT - TC_CHART_RIGHT);
  gint64 begin = tc_viewer_session_get_visible_begin (self->session);
  gint64 end = tc_viewer_session_get_visible_end (self->session);
  TcDrawStyle style;
  cairo_t *cr;

  if (end <= begin)
    return;

  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, RULER_HEIGHT));
  cairo_translate (cr, TC_CHART_LEFT, 0);
  cairo_rectangle (cr, 0, 0, plot, RULER_HEIGHT);
  cairo_clip (cr);
  tc_draw_time_axis (cr, &style, plot, 22, begin, end);
  tc_draw_markers (cr, &style, self->markers, plot, RULER_HEIGHT, begin, end);
  tc_draw_time_overlay (cr, &style, plot, RULER_HEIGHT, begin, end,
                        tc_viewer_session_get_cursor (self->session),
                        tc_viewer_session_get_has_selection (self->session),
                        tc_viewer_session_get_selected_begin (self->session),
                        tc_viewer_session_get_selected_end (self->session));
  cairo_destroy (cr);
}

static gboolean
query_tooltip_cb (TcTimeRuler *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  double plot = MAX (1.0, gtk_widget_get_width (GTK_WIDGET (self)) - TC_CHART_LEFT - TC_CHART_RIGHT);
  gint64 begin = tc_viewer_session_get_visible_begin (self->session);
  gint64 end = tc_viewer_session_get_visible_end (self->session);
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->markers == NULL || y < 22)
    return FALSE;

  /* Every point marker within 4 px of the pointer. */
  for (guint i = 0; i < self->markers->len && text->len < 400; i++)
    {
      const TcMarker *m = &g_array_index (self->markers, TcMarker, i);
      double mx = TC_CHART_LEFT + tc_chart_time_to_x (m->time_ns, begin, end, plot);
      double mx2 = TC_CHART_LEFT + tc_chart_time_to_x (m->time_ns + m->duration_ns, begin, end, plot);

      if (x >= mx - 4 && x <= MAX (mx2, mx) + 4)
        {
          g_autofree char *at = tc_time_tick_label (m->time_ns, 1000000);

          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append_printf (text, "%s  %s", at, m->label);
        }
    }
  if (text->len == 0)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text->str);
  return TRUE;
}

static void
tc_time_ruler_dispose (GObject *object)
{
  TcTimeRuler *self = (TcTimeRuler *)object;

  g_clear_pointer (&self->markers, g_array_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_time_ruler_parent_class)->dispose (object);
}

static void
tc_time_ruler_class_init (TcTimeRulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_time_ruler_dispose;
  widget_class->measure = tc_time_ruler_measure;
  widget_class->snapshot = tc_time_ruler_snapshot;
  gtk_widget_class_set_css_name (widget_class, "timeruler");
}

static void
tc_time_ruler_init (TcTimeRuler *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
tc_time_ruler_new (TcViewerSession *session)
{
  TcTimeRuler *self;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  self = g_object_new (TC_TYPE_TIME_RULER, NULL);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  tc_time_navigation_attach (GTK_WIDGET (self), session);
  session_changed_cb (self);

  return GTK_WIDGET (self);
}

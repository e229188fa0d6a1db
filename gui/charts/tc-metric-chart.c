/* tc-metric-chart.c — one time series on the session's time axis
 *
 * SPDX-License-Identifier: MIT
 *
 * A title line (name, last value, mean ± σ, anomaly count) above a plot
 * whose x axis is the session's visible range, so every chart of a page
 * zooms and pans together.  The series shape (line, steps or dots) is
 * chosen from the data.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-time-navigation.h"
#include "tc-units.h"

#include "tc-metric-chart.h"

#define TITLE_HEIGHT 24.0
#define PLOT_PAD     7.0   /* room for an anomaly ring (5.5) on the plot's edge */

struct _TcMetricChart
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  char            *title;
  char            *unit;
  gint64          *times;
  double          *values;
  guint            n;
  TcSeriesStats    stats;
  TcSeriesShape    shape;
  GArray          *anomalies;
  double           threshold;
  double           peak;
  GdkRGBA          color;
  int              plot_height;
  gint             hover;
  guint            show_stats : 1;
  guint            fill : 1;
};

G_DEFINE_FINAL_TYPE (TcMetricChart, tc_metric_chart, GTK_TYPE_WIDGET)

static void
update_anomalies (TcMetricChart *self)
{
  g_clear_pointer (&self->anomalies, g_array_unref);
  self->anomalies = self->threshold > 0 ? tc_series_anomalies (self->values, self->n, self->threshold)
                                        : g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
fill_series (TcMetricChart *self,
             TcSeriesDraw  *s)
{
  s->times = self->times;
  s->values = self->values;
  s->n = self->n;
  s->shape = self->shape;
  s->color = self->color;
  s->fill = self->fill;
  s->show_stats = self->show_stats;
  s->threshold = self->show_stats ? self->threshold : 0;
  s->unit = self->unit;
  s->peak = self->peak;
  s->hover = self->hover;
}

static void
scale_for (TcMetricChart *self,
           double         width,
           TcSeriesScale *scale)
{
  scale->begin_ns = tc_viewer_session_get_visible_begin (self->session);
  scale->end_ns = tc_viewer_session_get_visible_end (self->session);
  scale->width = MAX (1.0, width - TC_CHART_LEFT - TC_CHART_RIGHT);
  scale->height = self->plot_height;
  tc_series_nice_range (&self->stats, self->show_stats, &scale->y_min, &scale->y_max);
  if (isfinite (self->peak))
    scale->y_max = MAX (scale->y_max, self->peak * 1.08);
}

static void
draw_title (TcMetricChart     *self,
            cairo_t           *cr,
            const TcDrawStyle *style,
            double             width)
{
  g_autofree char *last = tc_series_format_value (self->n ? self->values[self->n - 1] : NAN, self->unit);
  g_autofree char *mean = tc_series_format_value (self->stats.mean, self->unit);
  g_autofree char *sigma = tc_series_format_value (self->stats.sigma, self->unit);
  g_autofree char *info = NULL;
  double x;

  if (self->show_stats)
    info = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "last %s · mean %s ± %s · %u anomaly at |z| ≥ %.1f",
                                         "last %s · mean %s ± %s · %u anomalies at |z| ≥ %.1f",
                                         self->anomalies->len),
                            last, mean, sigma, self->anomalies->len, self->threshold);
  else if (isfinite (self->peak))
    {
      g_autofree char *peak = tc_series_format_value (self->peak, self->unit);
      info = g_strdup_printf (_("last %s · peak %s"), last, peak);
    }
  else
    info = g_strdup_printf (_("last %s · mean %s"), last, mean);

  {
    PangoFontDescription *desc;
    TcDrawStyle bold = *style;
    g_autofree char *font = NULL;

    desc = pango_font_description_from_string (style->font ? style->font : "Sans 9");
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
    font = pango_font_description_to_string (desc);
    pango_font_description_free (desc);
    bold.font = font;
    x = TC_CHART_LEFT + tc_chart_draw_text (cr, &bold, &style->foreground, TC_CHART_LEFT, 4, 0.0,
                                            width / 2, self->title);
  }
  tc_chart_draw_text (cr, style, &style->dim, x + 12, 4, 0.0, width - x - 12 - TC_CHART_RIGHT, info);
}

static void
draw_all (TcMetricChart     *self,
          cairo_t           *cr,
          const TcDrawStyle *style,
          double             width)
{
  TcSeriesScale scale;
  TcSeriesDraw series;

  scale_for (self, width, &scale);
  fill_series (self, &series);

  draw_title (self, cr, style, width);
  cairo_save (cr);
  cairo_translate (cr, TC_CHART_LEFT, TITLE_HEIGHT + PLOT_PAD);
  tc_draw_value_axis (cr, style, &scale, self->unit);
  tc_draw_time_grid (cr, style, scale.width, scale.height, scale.begin_ns, scale.end_ns);
  cairo_rectangle (cr, 0, 0, scale.width, scale.height);
  cairo_set_source_rgba (cr, style->grid.red, style->grid.green, style->grid.blue, style->grid.alpha);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  tc_draw_series (cr, style, &scale, &series);
  tc_draw_time_overlay (cr, style, scale.width, scale.height, scale.begin_ns, scale.end_ns,
                        tc_viewer_session_get_cursor (self->session),
                        tc_viewer_session_get_has_selection (self->session),
                        tc_viewer_session_get_selected_begin (self->session),
                        tc_viewer_session_get_selected_end (self->session));
  cairo_restore (cr);
}

static void
tc_metric_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  TcMetricChart *self = TC_METRIC_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 300;
  else
    *minimum = *natural = (int) (TITLE_HEIGHT + 2 * PLOT_PAD + self->plot_height);
}

static void
tc_metric_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  TcMetricChart *self = TC_METRIC_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  TcDrawStyle style;
  cairo_t *cr;

  if (self->n == 0)
    return;
  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_all (self, cr, &style, width);
  cairo_destroy (cr);
}

static void
motion_cb (TcMetricChart *self,
           double         x,
           double         y)
{
  gint hover = tc_metric_chart_point_at (self, x);

  if (hover != self->hover)
    {
      self->hover = hover;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (TcMetricChart *self)
{
  self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
query_tooltip_cb (TcMetricChart *self,
                  int            x,
                  int            y,
                  gboolean       keyboard,
                  GtkTooltip    *tooltip)
{
  gint i = tc_metric_chart_point_at (self, x);
  g_autofree char *value = NULL;
  g_autofree char *at = NULL;
  g_autofree char *text = NULL;

  if (i < 0)
    return FALSE;
  value = tc_series_format_value (self->values[i], self->unit);
  at = tc_units_format_seconds (self->times[i]);
  if (self->show_stats && self->stats.sigma > 0)
    text = g_strdup_printf (_("%s at %s\nz = %+.2f"), value, at,
                            (self->values[i] - self->stats.mean) / self->stats.sigma);
  else
    text = g_strdup_printf (_("%s at %s"), value, at);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
redraw_cb (TcMetricChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tc_metric_chart_dispose (GObject *object)
{
  TcMetricChart *self = (TcMetricChart *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->times, g_free);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->anomalies, g_array_unref);

  G_OBJECT_CLASS (tc_metric_chart_parent_class)->dispose (object);
}

static void
tc_metric_chart_class_init (TcMetricChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_metric_chart_dispose;
  widget_class->measure = tc_metric_chart_measure;
  widget_class->snapshot = tc_metric_chart_snapshot;
  gtk_widget_class_set_css_name (widget_class, "metricchart");
}

static void
tc_metric_chart_init (TcMetricChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover = -1;
  self->threshold = 3.0;
  self->peak = NAN;
  self->plot_height = 110;
  self->show_stats = TRUE;
  gdk_rgba_parse (&self->color, "#3584e4");

  g_signal_connect_swapped (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
tc_metric_chart_new (TcViewerSession   *session,
                     const TcDocSeries *series,
                     const char        *title)
{
  TcMetricChart *self;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);
  g_return_val_if_fail (series != NULL, NULL);

  self = g_object_new (TC_TYPE_METRIC_CHART, NULL);
  self->session = g_object_ref (session);
  self->title = g_strdup (title ? title : series->name);
  self->unit = g_strdup (series->unit);
  self->n = series->points->len;
  self->times = g_new (gint64, MAX (self->n, 1));
  self->values = g_new (double, MAX (self->n, 1));
  for (guint i = 0; i < self->n; i++)
    {
      const TcDocPoint *p = &g_array_index (series->points, TcDocPoint, i);

      self->times[i] = p->time_ns;
      self->values[i] = p->value;
    }
  tc_series_stats (self->values, self->n, &self->stats);
  self->shape = tc_series_choose_shape (self->values, self->n);
  update_anomalies (self);

  g_signal_connect_object (session, "notify", G_CALLBACK (redraw_cb), self, G_CONNECT_SWAPPED);
  tc_time_navigation_attach (GTK_WIDGET (self), session);

  return GTK_WIDGET (self);
}

void
tc_metric_chart_set_threshold (TcMetricChart *self,
                               double         threshold)
{
  g_return_if_fail (TC_IS_METRIC_CHART (self));

  self->threshold = threshold;
  update_anomalies (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tc_metric_chart_set_show_stats (TcMetricChart *self,
                                gboolean       show_stats)
{
  self->show_stats = !!show_stats;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tc_metric_chart_set_fill (TcMetricChart *self,
                          gboolean       fill)
{
  self->fill = !!fill;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tc_metric_chart_set_peak (TcMetricChart *self,
                          double         peak)
{
  self->peak = peak;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tc_metric_chart_set_color (TcMetricChart *self,
                           const char    *color)
{
  gdk_rgba_parse (&self->color, color);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tc_metric_chart_set_plot_height (TcMetricChart *self,
                                 int            height)
{
  self->plot_height = height;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

GArray *
tc_metric_chart_get_anomalies (TcMetricChart *self)
{
  return self->anomalies;
}

void
tc_metric_chart_get_scale (TcMetricChart *self,
                           TcSeriesScale *scale)
{
  scale_for (self, gtk_widget_get_width (GTK_WIDGET (self)), scale);
}

TcSeriesShape
tc_metric_chart_get_shape (TcMetricChart *self)
{
  return self->shape;
}

void
tc_metric_chart_get_plot_origin (TcMetricChart *self,
                                 double        *x,
                                 double        *y)
{
  *x = TC_CHART_LEFT;
  *y = TITLE_HEIGHT + PLOT_PAD;
}

gint
tc_metric_chart_point_at (TcMetricChart *self,
                          double         x)
{
  TcSeriesScale scale;
  gint i;

  if (self->n == 0 || x < TC_CHART_LEFT)
    return -1;
  tc_metric_chart_get_scale (self, &scale);
  i = tc_series_nearest (&scale, self->times, self->n, x - TC_CHART_LEFT);
  /* Only a point within reach of the pointer. */
  if (i < 0 || fabs (tc_series_x (&scale, self->times[i]) - (x - TC_CHART_LEFT)) > 24)
    return -1;
  return i;
}

void
tc_metric_chart_draw (TcMetricChart     *self,
                      cairo_t           *cr,
                      const TcDrawStyle *style,
                      double             width,
                      double             height)
{
  g_return_if_fail (TC_IS_METRIC_CHART (self));

  if (self->n > 0)
    draw_all (self, cr, style, width);
}

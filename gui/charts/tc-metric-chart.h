/* tc-metric-chart.h — one time series on the session's time axis
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-chart-draw.h"
#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_METRIC_CHART (tc_metric_chart_get_type ())

G_DECLARE_FINAL_TYPE (TcMetricChart, tc_metric_chart, TC, METRIC_CHART, GtkWidget)

/* A metric or counter series of the session's document.  Metrics show the
 * mean, the ±σ band and the anomalies; resource plots fill the area and
 * may show a peak. */
GtkWidget *tc_metric_chart_new            (TcViewerSession   *session,
                                           const TcDocSeries *series,
                                           const char        *title);
void       tc_metric_chart_set_threshold  (TcMetricChart     *self,
                                           double             threshold);
void       tc_metric_chart_set_show_stats (TcMetricChart     *self,
                                           gboolean           show_stats);
void       tc_metric_chart_set_fill       (TcMetricChart     *self,
                                           gboolean           fill);
void       tc_metric_chart_set_peak       (TcMetricChart     *self,
                                           double             peak);
void       tc_metric_chart_set_color      (TcMetricChart     *self,
                                           const char        *color);
void       tc_metric_chart_set_plot_height(TcMetricChart     *self,
                                           int                height);
/* Points with |z| ≥ threshold (indices into the series, time order). */
GArray    *tc_metric_chart_get_anomalies  (TcMetricChart     *self);
/* The scale of the plot area for the current size and visible range. */
void       tc_metric_chart_get_scale      (TcMetricChart     *self,
                                           TcSeriesScale     *scale);
TcSeriesShape tc_metric_chart_get_shape   (TcMetricChart     *self);
/* Plot-area origin inside the widget. */
void       tc_metric_chart_get_plot_origin(TcMetricChart     *self,
                                           double            *x,
                                           double            *y);
/* Index of the point under the pointer (hover), or -1. */
gint       tc_metric_chart_point_at       (TcMetricChart     *self,
                                           double             x);
void       tc_metric_chart_draw           (TcMetricChart     *self,
                                           cairo_t           *cr,
                                           const TcDrawStyle *style,
                                           double             width,
                                           double             height);

G_END_DECLS

/* tc-bar-chart.h — ranked horizontal bars (hot lines and the like)
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-chart-draw.h"

G_BEGIN_DECLS

#define TC_TYPE_BAR_CHART (tc_bar_chart_get_type ())

G_DECLARE_FINAL_TYPE (TcBarChart, tc_bar_chart, TC, BAR_CHART, GtkWidget)

#define TC_BAR_ROW_HEIGHT 24.0

typedef struct
{
  char   *label;        /* "train.py:9" */
  char   *value_text;   /* "7.00 s · 1,000 hits" */
  double  value;        /* bar length relative to the largest */
  GdkRGBA color;
} TcBar;

/* Draws one row per bar: label on the left (`label_width`), the bar, the
 * value text at its end; `hover` outlined (-1 = none). */
void       tc_draw_bars             (cairo_t           *cr,
                                     const TcDrawStyle *style,
                                     const TcBar       *bars,
                                     guint              n_bars,
                                     double             width,
                                     double             label_width,
                                     gint               hover);

GtkWidget *tc_bar_chart_new         (void);
/* Takes a GArray of TcBar (labels freed with it). */
void       tc_bar_chart_set_bars    (TcBarChart *self,
                                     GArray     *bars);
GArray    *tc_bar_chart_get_bars    (TcBarChart *self);
gint       tc_bar_chart_bar_at      (TcBarChart *self,
                                     double      y);

G_END_DECLS

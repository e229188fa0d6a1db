/* tc-heatmap.h — numeric variables and metrics as rows of coloured cells
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-chart-draw.h"
#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_HEATMAP (tc_heatmap_get_type ())

G_DECLARE_FINAL_TYPE (TcHeatmap, tc_heatmap, TC, HEATMAP, GtkWidget)

#define TC_HEATMAP_ROW 20.0

typedef struct
{
  char   *name;
  gint64 *times;
  double *values;
  guint   n;
} TcHeatmapRow;

/* The value of a row over [begin, end): the mean of the points inside, or
 * the last value before it (values hold until the next capture); NaN when
 * nothing is known yet. */
double     tc_heatmap_cell_value (const TcHeatmapRow *row,
                                  gint64              begin_ns,
                                  gint64              end_ns);
/* A colour from the sequential palette for a fraction in [0, 1]. */
void       tc_heatmap_color      (double              fraction,
                                  GdkRGBA            *color);
/* Rows with one cell per `cell_width` units across [begin, end]. */
void       tc_draw_heatmap       (cairo_t            *cr,
                                  const TcDrawStyle  *style,
                                  const TcHeatmapRow *rows,
                                  guint               n_rows,
                                  double              width,
                                  double              cell_width,
                                  gint64              begin_ns,
                                  gint64              end_ns);

GtkWidget *tc_heatmap_new        (TcViewerSession    *session);
guint      tc_heatmap_get_n_rows (TcHeatmap          *self);
const TcHeatmapRow *tc_heatmap_get_row (TcHeatmap    *self,
                                        guint         index);

gboolean   tc_heatmap_row_range  (const TcHeatmapRow *row,
                                  double             *min,
                                  double             *max);
gboolean   tc_heatmap_set_variable (TcHeatmap        *self,
                                    const char       *name);

G_END_DECLS

/* tc-draw.h — drawing helpers shared by the screen and the PDF export
 *
 * SPDX-License-Identifier: MIT
 *
 * Everything here draws on a cairo_t, so a widget calls it inside
 * gtk_snapshot_append_cairo() and the PDF exporter on a cairo PDF surface.
 */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

#include "tc-durations.h"

G_BEGIN_DECLS

typedef struct
{
  GdkRGBA foreground;
  GdkRGBA dim;          /* secondary text, axes */
  GdkRGBA grid;
  GdkRGBA accent;
  GdkRGBA warning;
  GdkRGBA error;
  GdkRGBA success;
  const char *font;     /* Pango font description for labels */
} TcDrawStyle;

#define TC_HISTOGRAM_MAX_BINS 128

typedef struct
{
  guint    n_bins;
  gboolean log_scale;   /* bins are equal in log(duration) */
  double   lo_ms;       /* left edge of the first bin */
  double   hi_ms;       /* right edge of the last bin */
  guint    max_count;
  guint    counts[TC_HISTOGRAM_MAX_BINS];
} TcHistogramBins;

/* A moment of the recording on the overview's strip. */
typedef enum
{
  TC_MOMENT_SNAPSHOT,
  TC_MOMENT_BLOCK,      /* a profile_block/checkpoint span */
  TC_MOMENT_WARNING,
  TC_MOMENT_ERROR,      /* an ERROR-level warning */
  TC_MOMENT_CRASH,
} TcMomentKind;

typedef struct
{
  gint64       time_ns;
  gint64       duration_ns;  /* spans only */
  TcMomentKind kind;
} TcMoment;

void   tc_draw_style_init_light      (TcDrawStyle           *style);
void   tc_draw_style_init_for_widget (TcDrawStyle           *style,
                                      GtkWidget             *widget);
void   tc_draw_rounded_rect          (cairo_t               *cr,
                                      double                 x,
                                      double                 y,
                                      double                 width,
                                      double                 height,
                                      double                 radius);
void   tc_draw_inline_bar            (cairo_t               *cr,
                                      double                 x,
                                      double                 y,
                                      double                 width,
                                      double                 height,
                                      double                 fraction,
                                      const GdkRGBA         *color);
void   tc_histogram_bins_compute     (TcHistogramBins       *bins,
                                      const TcDurations     *durations,
                                      guint                  n_bins);
double tc_histogram_bins_edge_ms     (const TcHistogramBins *bins,
                                      guint                  edge);
int    tc_histogram_bins_at_x        (const TcHistogramBins *bins,
                                      double                 width,
                                      double                 x);
void   tc_draw_histogram             (cairo_t               *cr,
                                      const TcDrawStyle     *style,
                                      double                 width,
                                      double                 height,
                                      const TcHistogramBins *bins,
                                      const double          *markers_ms,
                                      const char * const    *marker_labels,
                                      guint                  n_markers);

double tc_draw_moments_x             (double                 width,
                                      gint64                 duration_ns,
                                      gint64                 time_ns);
gint64 tc_draw_moments_time_at       (double                 width,
                                      gint64                 duration_ns,
                                      double                 x);
void   tc_draw_moments               (cairo_t               *cr,
                                      const TcDrawStyle     *style,
                                      double                 width,
                                      double                 height,
                                      gint64                 duration_ns,
                                      const TcMoment        *moments,
                                      guint                  n_moments);

G_END_DECLS

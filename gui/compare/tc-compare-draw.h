/* tc-compare-draw.h — cairo drawing of the comparison charts
 *
 * SPDX-License-Identifier: MIT
 *
 * The compare page draws these inside gtk_snapshot_append_cairo() and the
 * PDF export on a cairo PDF surface: same code, same pictures.  Nothing here
 * needs a display.
 */
#pragma once

#include <cairo.h>

#include "tc-comparison.h"
#include "tc-draw.h"

G_BEGIN_DECLS

/* Height of one flame row in the differential flame graph. */
#define TC_DIFF_FLAME_ROW 18.0

/* Colour of a call path that took `after` ns now and `before` ns before
 * (-1: it is new): green when faster, red when slower, saturating at ±50%;
 * grey within ±5%; blue for new code. */
void   tc_diff_flame_color      (gint64             before,
                                 gint64             after,
                                 GdkRGBA           *color);
/* Draws `boxes` (tc_flame_layout() of the comparison's tree) in rows of
 * TC_DIFF_FLAME_ROW from the top, across `width`. */
void   tc_diff_flame_draw       (cairo_t           *cr,
                                 const TcDrawStyle *style,
                                 TcComparison      *comparison,
                                 GArray            *boxes,
                                 double             width);
/* The faster/same/slower/new key; returns the width used. */
double tc_diff_flame_draw_legend (cairo_t           *cr,
                                  const TcDrawStyle *style,
                                  double             x,
                                  double             y);

/* A time series chart on a relative time axis (seconds since each
 * recording's start) from 0 to `t_max_s`: `after` as a solid accent line,
 * `before` (nullable) dashed grey, with a y axis, ticks and a legend. */
void   tc_overlay_chart_draw    (cairo_t           *cr,
                                 const TcDrawStyle *style,
                                 const char        *title,
                                 const TcDocSeries *before,
                                 const TcDocSeries *after,
                                 double             t_max_s,
                                 double             width,
                                 double             height);

G_END_DECLS

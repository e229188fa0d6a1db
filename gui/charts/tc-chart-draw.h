/* tc-chart-draw.h — the charts' drawing helpers (screen and PDF)
 *
 * SPDX-License-Identifier: MIT
 *
 * Every function draws on a cairo_t in user units (pixels on screen, points
 * in a PDF), so the widgets call them inside gtk_snapshot_append_cairo() and
 * the PDF export on its own surface.  The scaling helpers are plain maths,
 * shared by drawing and hit-testing (and asserted by the tests).
 */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

#include "tc-document.h"
#include "tc-draw.h"
#include "tc-flame-tree.h"
#include "tc-process-set.h"

G_BEGIN_DECLS

/* Room left of every time-based plot for its value labels, so that stacked
 * charts share the same x for the same instant. */
#define TC_CHART_LEFT   64.0
#define TC_CHART_RIGHT  12.0

/* ---- colours and text (tc-chart-draw.c) -------------------------------- */

/* A stable colour for a module's top-level package ("model" for
 * "model.net"): the same package gets the same colour in every recording. */
void   tc_chart_module_color   (const char        *module,
                                GdkRGBA           *color);
void   tc_chart_code_color     (TcDocument        *doc,
                                guint32            code_id,
                                GdkRGBA           *color);
/* Draws `text` with its top at y; xalign 0 left, 0.5 centred, 1 right.
 * With max_width > 0 the text is ellipsized to fit.  Returns its width. */
double tc_chart_draw_text      (cairo_t           *cr,
                                const TcDrawStyle *style,
                                const GdkRGBA     *color,
                                double             x,
                                double             y,
                                double             xalign,
                                double             max_width,
                                const char        *text);
double tc_chart_text_width     (cairo_t           *cr,
                                const TcDrawStyle *style,
                                const char        *text);

/* ---- time scale and axis (tc-chart-draw.c) ----------------------------- */

static inline double
tc_chart_time_to_x (gint64 t, gint64 begin, gint64 end, double width)
{
  return end > begin ? (double) (t - begin) * width / (double) (end - begin) : 0.0;
}

static inline gint64
tc_chart_x_to_time (double x, gint64 begin, gint64 end, double width)
{
  return width > 0 ? begin + (gint64) (x * (double) (end - begin) / width) : begin;
}

typedef struct
{
  gint64 step_ns;        /* 1, 2 or 5 × 10^k ns */
  gint64 first_ns;       /* first tick at or after begin */
  guint  n;              /* ticks inside [begin, end] */
} TcTimeTicks;

/* Ticks at least `min_spacing` apart for `width` units showing [begin, end]. */
void   tc_time_ticks_compute   (TcTimeTicks       *ticks,
                                gint64             begin_ns,
                                gint64             end_ns,
                                double             width,
                                double             min_spacing);
/* "1.5 s", "250 ms", "12.40 ms", "800 µs": as many decimals as the step needs. */
char  *tc_time_tick_label      (gint64             time_ns,
                                gint64             step_ns);
/* Tick marks and labels along the top of a `height` tall strip. */
void   tc_draw_time_axis       (cairo_t           *cr,
                                const TcDrawStyle *style,
                                double             width,
                                double             height,
                                gint64             begin_ns,
                                gint64             end_ns);
void   tc_draw_time_grid       (cairo_t           *cr,
                                const TcDrawStyle *style,
                                double             width,
                                double             height,
                                gint64             begin_ns,
                                gint64             end_ns);

typedef enum
{
  TC_MARKER_SNAPSHOT,
  TC_MARKER_WARNING,
  TC_MARKER_ERROR,
  TC_MARKER_CHECKPOINT,
  TC_MARKER_BLOCK,
  TC_MARKER_CRASH,
} TcMarkerKind;

typedef struct
{
  gint64        time_ns;
  gint64        duration_ns;
  TcMarkerKind  kind;
  const char   *label;
} TcMarker;

/* Snapshots, warnings, checkpoints/blocks and the crash of a document, in
 * time order (GArray of TcMarker; labels owned by the document). */
GArray *tc_chart_collect_markers (TcDocument      *doc);
void    tc_draw_markers          (cairo_t           *cr,
                                  const TcDrawStyle *style,
                                  GArray            *markers,
                                  double             width,
                                  double             height,
                                  gint64             begin_ns,
                                  gint64             end_ns);
/* A vertical line for the cursor and a shaded selected range. */
void    tc_draw_time_overlay     (cairo_t           *cr,
                                  const TcDrawStyle *style,
                                  double             width,
                                  double             height,
                                  gint64             begin_ns,
                                  gint64             end_ns,
                                  gint64             cursor_ns,
                                  gboolean           has_selection,
                                  gint64             sel_begin_ns,
                                  gint64             sel_end_ns);

/* ---- flame graph and flame chart (tc-flame-draw.c) --------------------- */

typedef struct
{
  const TcFlameTree *tree;
  TcDocument        *doc;
  GArray            *boxes;          /* tc_flame_layout() */
  double             width;
  double             row_height;
  guint              n_rows;         /* rows drawn: max depth + 1 */
  double             view_x0;        /* visible window of the layout, 0..1 */
  double             view_x1;
  gboolean           icicle;         /* root on top instead of at the bottom */
  const guint8      *matches;        /* search hits per node, or NULL */
  guint32            hover;          /* node outlined, or TC_FLAME_NONE */
  GArray            *colors;         /* GdkRGBA by code id (tc_chart_code_colors), or NULL */
} TcFlameDraw;

/* Every code's colour indexed by code id: one array lookup per box instead
 * of a hash lookup in the document. */
GArray *tc_chart_code_colors (TcDocument *doc);

double  tc_flame_draw_row_y      (const TcFlameDraw *params,
                                  guint              depth);
/* The row under y, or -1. */
gint    tc_flame_draw_row_at     (const TcFlameDraw *params,
                                  double             y);
void    tc_draw_flame_graph      (cairo_t           *cr,
                                  const TcDrawStyle *style,
                                  const TcFlameDraw *params);

/* The same on a GtkSnapshot (the screen): colour and text nodes.  `labels`
 * (text → PangoLayout, owned by the caller; NULL = none) keeps shaped
 * labels between frames. */
GHashTable *tc_flame_labels_new  (void);
/* A box label of at most `max_width` pixels from the `labels` cache (shaped
 * like `base`): the whole text, a prefix + "…", or NULL when not even one
 * character and "…" fit.  The layout belongs to the cache. */
PangoLayout *tc_flame_label_fit  (GHashTable        *labels,
                                  PangoLayout       *base,
                                  const char        *text,
                                  double             max_width);
void    tc_snapshot_flame_graph  (GtkSnapshot       *snapshot,
                                  GtkWidget         *widget,
                                  const TcDrawStyle *style,
                                  const TcFlameDraw *params,
                                  GHashTable        *labels);

/* Orders TcSpans by (depth, start): the order the lane drawing and its
 * hit-testing expect. */
int     tc_span_compare          (gconstpointer      a,
                                  gconstpointer      b);
/* One thread lane of a flame chart: spans (TcSpan, sorted by
 * tc_span_compare) drawn by depth from `y`, `row_height` per level. */
void    tc_draw_flame_chart_lane (cairo_t           *cr,
                                  const TcDrawStyle *style,
                                  TcDocument        *doc,
                                  GArray            *spans,
                                  double             y,
                                  double             width,
                                  double             row_height,
                                  gint64             begin_ns,
                                  gint64             end_ns);
void    tc_snapshot_flame_chart_lane (GtkSnapshot       *snapshot,
                                      GtkWidget         *widget,
                                      const TcDrawStyle *style,
                                      TcDocument        *doc,
                                      GArray            *spans,
                                      double             y,
                                      double             width,
                                      double             row_height,
                                      gint64             begin_ns,
                                      gint64             end_ns,
                                      GHashTable        *labels,
                                      /* by code id: highlighted when set,
                                       * the others dimmed; NULL = no search */
                                      const guint8      *matches,
                                      guint              n_matches);

/* ---- process lanes (tc-process-draw.c) -------------------------------- */

typedef struct
{
  guint     member;         /* index in the set */
  guint32   thread_id;
  char     *name;
  GArray   *spans;          /* TcSpan on the member's clock, trunk folded, by tc_span_compare */
  guint     n_rows;         /* levels drawn; 0 until the first collection */
  guint     skip;           /* trunk levels folded away */
} TcProcessLane;

typedef struct
{
  TcProcessSet *set;
  GPtrArray    *lanes;          /* TcProcessLane*, in member order */
  const char   *current_path;   /* the member drawn highlighted, or NULL */
  gint64        begin_ns;       /* visible range on the parent's clock */
  gint64        end_ns;
  double        width;          /* thread names and plots */
  double        gutter;         /* thread names left of the plots */
  double        row_height;     /* one call level */
  double        header_height;  /* a process's title line and lifetime bar */
} TcProcessDraw;

typedef struct
{
  int           member;         /* -1: none */
  int           lane;           /* index in lanes, -1: the header */
  const TcSpan *span;           /* the call under the point, or NULL */
  gboolean      crash;          /* on the member's crash marker */
} TcProcessHit;

GPtrArray *tc_process_draw_lanes_new    (TcProcessSet        *set);
/* The screen's sizes and the whole run as the visible range. */
void       tc_process_draw_init         (TcProcessDraw       *params,
                                         TcProcessSet        *set,
                                         GPtrArray           *lanes,
                                         double               width);
double     tc_process_draw_plot_width   (const TcProcessDraw *params);
void       tc_process_draw_collect      (const TcProcessDraw *params);
double     tc_process_draw_group_height (const TcProcessDraw *params,
                                         guint                member);
double     tc_process_draw_height       (const TcProcessDraw *params);
void       tc_process_draw_status_color (const TcDrawStyle   *style,
                                         const char          *status,
                                         GdkRGBA             *color);
double     tc_draw_process_group        (cairo_t             *cr,
                                         const TcDrawStyle   *style,
                                         const TcProcessDraw *params,
                                         guint                member,
                                         double               y);
void       tc_draw_process_grid         (cairo_t             *cr,
                                         const TcDrawStyle   *style,
                                         const TcProcessDraw *params,
                                         double               y,
                                         double               height);
void       tc_draw_process_axis         (cairo_t             *cr,
                                         const TcDrawStyle   *style,
                                         const TcProcessDraw *params,
                                         double               y,
                                         double               height);
gboolean   tc_process_draw_hit          (const TcProcessDraw *params,
                                         double               x,
                                         double               y,
                                         TcProcessHit        *hit);

/* ---- series (tc-series-draw.c) ---------------------------------------- */

typedef enum
{
  TC_SERIES_LINE,
  TC_SERIES_STEP,
  TC_SERIES_DOTS,
} TcSeriesShape;

typedef struct
{
  gint64 begin_ns;
  gint64 end_ns;
  double y_min;
  double y_max;
  double width;          /* plot area, origin at its top left */
  double height;
} TcSeriesScale;

static inline double
tc_series_x (const TcSeriesScale *s, gint64 t)
{
  return tc_chart_time_to_x (t, s->begin_ns, s->end_ns, s->width);
}

static inline double
tc_series_y (const TcSeriesScale *s, double v)
{
  return s->y_max > s->y_min ? s->height - (v - s->y_min) * s->height / (s->y_max - s->y_min)
                             : s->height / 2.0;
}

typedef struct
{
  double  mean;
  double  sigma;         /* population σ of the finite values */
  double  min;
  double  max;
  guint   n_finite;
} TcSeriesStats;

void          tc_series_stats        (const double  *values,
                                      guint          n,
                                      TcSeriesStats *stats);
/* Line for many varying points, step for counters that hold integer levels,
 * dots for a handful of points. */
TcSeriesShape tc_series_choose_shape (const double  *values,
                                      guint          n);
/* A y range with a little headroom that includes the ±σ band (or 0 for
 * non-negative data that starts near it). */
void          tc_series_nice_range   (const TcSeriesStats *stats,
                                      gboolean       with_band,
                                      double        *y_min,
                                      double        *y_max);

typedef struct
{
  const gint64   *times;
  const double   *values;
  guint           n;
  TcSeriesShape   shape;
  GdkRGBA         color;
  gboolean        fill;          /* area under the line */
  gboolean        show_stats;    /* mean line and ±σ band */
  double          threshold;     /* anomaly markers at |z| >= threshold; <= 0: none */
  const char     *unit;          /* for the value labels */
  double          peak;          /* a dashed "peak" line when finite */
  gint            hover;         /* index of the hovered point, or -1 */
} TcSeriesDraw;

/* Draws grid, band, series and markers in the plot area of `scale`. */
void    tc_draw_series          (cairo_t             *cr,
                                 const TcDrawStyle   *style,
                                 const TcSeriesScale *scale,
                                 const TcSeriesDraw  *series);
/* The value labels left of a plot area that starts at x = TC_CHART_LEFT. */
void    tc_draw_value_axis      (cairo_t             *cr,
                                 const TcDrawStyle   *style,
                                 const TcSeriesScale *scale,
                                 const char          *unit);
/* Indices of the points with |z| >= threshold (GArray of guint). */
GArray *tc_series_anomalies     (const double        *values,
                                 guint                n,
                                 double               threshold);
/* The point nearest to x (binary search on time), or -1. */
gint    tc_series_nearest       (const TcSeriesScale *scale,
                                 const gint64        *times,
                                 guint                n,
                                 double               x);
char   *tc_series_format_value  (double               value,
                                 const char          *unit);

G_END_DECLS

/* tc-draw.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "tc-units.h"

#include "tc-draw.h"

/* Histogram plot margins: room for the count axis on the left, the
 * duration ticks below and the percentile labels above. */
#define HIST_LEFT   44.0
#define HIST_RIGHT  12.0
#define HIST_TOP    42.0
#define HIST_BOTTOM 22.0

/* Durations spanning more than this ratio get logarithmic bins: a few slow
 * outliers would otherwise squeeze every fast call into the first bin. */
#define HIST_LOG_RATIO 50.0

static void
set_rgba (cairo_t       *cr,
          const GdkRGBA *rgba,
          double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

static PangoLayout *
create_layout (cairo_t           *cr,
               const TcDrawStyle *style,
               const char        *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (style->font ? style->font : "Sans 8");

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);

  return layout;
}

/* Draws text with its anchor at (x, y): xalign 0 = left, 0.5 = centered,
 * 1 = right; the text's top is at y. */
static void
draw_text (cairo_t           *cr,
           const TcDrawStyle *style,
           const GdkRGBA     *color,
           double             x,
           double             y,
           double             xalign,
           const char        *text)
{
  PangoLayout *layout = create_layout (cr, style, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  set_rgba (cr, color, 1.0);
  cairo_move_to (cr, x - w * xalign, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

void
tc_draw_style_init_light (TcDrawStyle *style)
{
  g_return_if_fail (style != NULL);

  /* The libadwaita light palette, so a PDF looks like the light app. */
  gdk_rgba_parse (&style->foreground, "rgba(0,0,0,0.8)");
  gdk_rgba_parse (&style->dim, "rgba(0,0,0,0.55)");
  gdk_rgba_parse (&style->grid, "rgba(0,0,0,0.12)");
  gdk_rgba_parse (&style->accent, "#3584e4");
  gdk_rgba_parse (&style->warning, "#e5a50a");
  gdk_rgba_parse (&style->error, "#e01b24");
  gdk_rgba_parse (&style->success, "#2ec27e");
  style->font = "Sans 8";
}

void
tc_draw_style_init_for_widget (TcDrawStyle *style,
                               GtkWidget   *widget)
{
  GtkStyleContext *context;
  GdkRGBA color;

  g_return_if_fail (style != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  tc_draw_style_init_light (style);

  /* gtk_widget_get_color() is GTK 4.10; the style context is the 4.8 way. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &style->foreground);
  style->dim = style->foreground;
  style->dim.alpha *= 0.6;
  style->grid = style->foreground;
  style->grid.alpha *= 0.15;
  if (gtk_style_context_lookup_color (context, "accent_bg_color", &color))
    style->accent = color;
  if (gtk_style_context_lookup_color (context, "warning_color", &color))
    style->warning = color;
  if (gtk_style_context_lookup_color (context, "error_color", &color))
    style->error = color;
  if (gtk_style_context_lookup_color (context, "success_color", &color))
    style->success = color;
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void
tc_draw_rounded_rect (cairo_t *cr,
                      double   x,
                      double   y,
                      double   width,
                      double   height,
                      double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2.0);

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/**
 * tc_draw_inline_bar:
 *
 * A table cell's bar: a faint full-width track and a filled part for
 * @fraction (clamped to [0, 1]).
 */
void
tc_draw_inline_bar (cairo_t       *cr,
                    double         x,
                    double         y,
                    double         width,
                    double         height,
                    double         fraction,
                    const GdkRGBA *color)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (color != NULL);

  if (!isfinite (fraction))
    fraction = 0.0;
  fraction = CLAMP (fraction, 0.0, 1.0);

  tc_draw_rounded_rect (cr, x, y, width, height, height / 2.0);
  set_rgba (cr, color, 0.15);
  cairo_fill (cr);

  if (fraction * width >= 1.0)
    {
      tc_draw_rounded_rect (cr, x, y, MAX (fraction * width, height), height, height / 2.0);
      set_rgba (cr, color, 0.85);
      cairo_fill (cr);
    }
}

/**
 * tc_histogram_bins_compute:
 * @durations: (nullable): the durations, or %NULL for none
 *
 * Bins durations into @n_bins bins between the shortest and the longest,
 * logarithmic when they span more than HIST_LOG_RATIO.
 */
void
tc_histogram_bins_compute (TcHistogramBins   *bins,
                           const TcDurations *durations,
                           guint              n_bins)
{
  guint n = durations ? tc_durations_get_n (durations) : 0;
  gint64 run[512];
  double lo, hi;

  g_return_if_fail (bins != NULL);

  memset (bins, 0, sizeof *bins);
  bins->n_bins = CLAMP (n_bins, 1, TC_HISTOGRAM_MAX_BINS);

  if (n == 0)
    {
      bins->lo_ms = 0.0;
      bins->hi_ms = 1.0;
      return;
    }

  lo = tc_durations_get (durations, 0) / 1e6;
  hi = tc_durations_get (durations, n - 1) / 1e6;

  if (hi <= lo)
    {
      /* All calls took the same time: one visible bar in the middle. */
      double pad = MAX (lo * 0.05, 1e-6);

      lo -= pad;
      hi += pad;
    }

  bins->log_scale = lo > 0.0 && hi / lo > HIST_LOG_RATIO;
  bins->lo_ms = lo;
  bins->hi_ms = hi;

  /* Copied out in runs: one call per run, not per duration (a function
   * can have tens of millions). */
  for (guint first = 0; first < n; first += G_N_ELEMENTS (run))
    {
      guint got = tc_durations_copy (durations, first, run, G_N_ELEMENTS (run));

      for (guint i = 0; i < got; i++)
        {
          double v = run[i] / 1e6;
          double f;
          guint b;

          if (bins->log_scale)
            f = (log (MAX (v, lo)) - log (lo)) / (log (hi) - log (lo));
          else
            f = (v - lo) / (hi - lo);

          b = (guint) CLAMP (f * bins->n_bins, 0.0, bins->n_bins - 1.0);
          bins->counts[b]++;
          bins->max_count = MAX (bins->max_count, bins->counts[b]);
        }
    }
}

/* Fraction of the plot width at which a duration lies. */
static double
bins_position (const TcHistogramBins *bins,
               double                 ms)
{
  if (bins->log_scale)
    return (log (MAX (ms, bins->lo_ms)) - log (bins->lo_ms)) / (log (bins->hi_ms) - log (bins->lo_ms));
  return (ms - bins->lo_ms) / (bins->hi_ms - bins->lo_ms);
}

/**
 * tc_histogram_bins_edge_ms:
 * @edge: 0 … n_bins
 *
 * Returns: the duration at the left edge of bin @edge
 */
double
tc_histogram_bins_edge_ms (const TcHistogramBins *bins,
                           guint                  edge)
{
  double f;

  g_return_val_if_fail (bins != NULL, 0.0);

  f = (double) MIN (edge, bins->n_bins) / bins->n_bins;
  if (bins->log_scale)
    return exp (log (bins->lo_ms) + f * (log (bins->hi_ms) - log (bins->lo_ms)));
  return bins->lo_ms + f * (bins->hi_ms - bins->lo_ms);
}

/**
 * tc_histogram_bins_at_x:
 *
 * Returns: the bin under x in a histogram drawn @width wide, or -1
 */
int
tc_histogram_bins_at_x (const TcHistogramBins *bins,
                        double                 width,
                        double                 x)
{
  double plot_w = width - HIST_LEFT - HIST_RIGHT;
  double f;

  g_return_val_if_fail (bins != NULL, -1);

  if (plot_w <= 0 || x < HIST_LEFT || x >= HIST_LEFT + plot_w)
    return -1;

  f = (x - HIST_LEFT) / plot_w;
  return MIN ((int)(f * bins->n_bins), (int)bins->n_bins - 1);
}

/**
 * tc_draw_histogram:
 * @markers_ms: (array length=n_markers): durations to mark (p50, p95, …)
 *
 * Draws the duration histogram of one function: bars, the count axis, the
 * duration ticks and dashed percentile markers.
 */
void
tc_draw_histogram (cairo_t               *cr,
                   const TcDrawStyle     *style,
                   double                 width,
                   double                 height,
                   const TcHistogramBins *bins,
                   const double          *markers_ms,
                   const char * const    *marker_labels,
                   guint                  n_markers)
{
  double plot_x = HIST_LEFT;
  double plot_y = HIST_TOP;
  double plot_w = width - HIST_LEFT - HIST_RIGHT;
  double plot_h = height - HIST_TOP - HIST_BOTTOM;
  double bar_w;
  char count_text[32];

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (bins != NULL);

  if (plot_w < 20 || plot_h < 20 || bins->n_bins == 0)
    return;

  cairo_save (cr);

  /* Horizontal grid at quarter counts. */
  cairo_set_line_width (cr, 1.0);
  set_rgba (cr, &style->grid, 1.0);
  for (guint i = 0; i <= 4; i++)
    {
      double y = round (plot_y + plot_h * i / 4.0) + 0.5;

      cairo_move_to (cr, plot_x, y);
      cairo_line_to (cr, plot_x + plot_w, y);
    }
  cairo_stroke (cr);

  g_snprintf (count_text, sizeof count_text, "%u", bins->max_count);
  draw_text (cr, style, &style->dim, plot_x - 6, plot_y - 6, 1.0, count_text);
  draw_text (cr, style, &style->dim, plot_x - 6, plot_y + plot_h - 6, 1.0, "0");

  /* Bars. */
  bar_w = plot_w / bins->n_bins;
  set_rgba (cr, &style->accent, 0.85);
  for (guint i = 0; i < bins->n_bins; i++)
    {
      double h;

      if (bins->counts[i] == 0 || bins->max_count == 0)
        continue;

      /* Keep single calls visible: at least 2 px. */
      h = MAX (2.0, plot_h * bins->counts[i] / bins->max_count);
      tc_draw_rounded_rect (cr,
                            plot_x + i * bar_w + (bar_w > 4 ? 1 : 0),
                            plot_y + plot_h - h,
                            MAX (1.0, bar_w - (bar_w > 4 ? 2 : 0)),
                            h,
                            MIN (3.0, bar_w / 4));
      cairo_fill (cr);
    }

  /* Duration ticks at the edges of every quarter of the bins. */
  for (guint i = 0; i <= 4; i++)
    {
      guint edge = bins->n_bins * i / 4;
      g_autofree char *text = tc_units_format_ms (tc_histogram_bins_edge_ms (bins, edge));
      double x = plot_x + plot_w * edge / bins->n_bins;

      draw_text (cr, style, &style->dim, x, plot_y + plot_h + 4,
                 i == 0 ? 0.0 : i == 4 ? 1.0 : 0.5, text);
    }

  /* Percentile markers, labels staggered so close markers stay readable. */
  for (guint i = 0; i < n_markers; i++)
    {
      double f = bins_position (bins, markers_ms[i]);
      double x;
      static const double dashes[] = { 4.0, 3.0 };
      g_autofree char *value = NULL;
      g_autofree char *label = NULL;

      if (!isfinite (f))
        continue;

      x = round (plot_x + plot_w * CLAMP (f, 0.0, 1.0)) + 0.5;
      set_rgba (cr, i == 0 ? &style->success : i == 1 ? &style->warning : &style->error, 1.0);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_move_to (cr, x, plot_y);
      cairo_line_to (cr, x, plot_y + plot_h);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      value = tc_units_format_ms (markers_ms[i]);
      label = g_strdup_printf ("%s %s", marker_labels ? marker_labels[i] : "", value);
      draw_text (cr, style, i == 0 ? &style->success : i == 1 ? &style->warning : &style->error,
                 x, plot_y - 40 + (i % 3) * 13,
                 f > 0.85 ? 1.0 : f < 0.15 ? 0.0 : 0.5, label);
    }

  cairo_restore (cr);
}

/* Moments strip: margins so the end labels and marks fit. */
#define STRIP_SIDE 16.0

/**
 * tc_draw_moments_x:
 *
 * Returns: where @time_ns lies on a strip drawn @width wide
 */
double
tc_draw_moments_x (double width,
                   gint64 duration_ns,
                   gint64 time_ns)
{
  double f = duration_ns > 0 ? (double)time_ns / (double)duration_ns : 0.0;

  return STRIP_SIDE + CLAMP (f, 0.0, 1.0) * MAX (width - 2 * STRIP_SIDE, 1.0);
}

/**
 * tc_draw_moments_time_at:
 *
 * Returns: the moment of the recording under @x (clamped to it)
 */
gint64
tc_draw_moments_time_at (double width,
                         gint64 duration_ns,
                         double x)
{
  double f = (x - STRIP_SIDE) / MAX (width - 2 * STRIP_SIDE, 1.0);

  return (gint64)(CLAMP (f, 0.0, 1.0) * duration_ns);
}

/**
 * tc_draw_moments:
 *
 * The recording at a glance: a time axis from 0 to the end, snapshots as
 * thin ticks, blocks as bands, warnings as triangles (red for errors) and
 * the crash as a red bar, with the start, middle and end times below.
 */
void
tc_draw_moments (cairo_t           *cr,
                 const TcDrawStyle *style,
                 double             width,
                 double             height,
                 gint64             duration_ns,
                 const TcMoment    *moments,
                 guint              n_moments)
{
  double axis_y = height - 22.0;
  double top = 6.0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (n_moments == 0 || moments != NULL);

  if (width < 4 * STRIP_SIDE || height < 40)
    return;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);

  /* Blocks first, as faint bands behind everything. */
  for (guint i = 0; i < n_moments; i++)
    {
      double x0, x1;

      if (moments[i].kind != TC_MOMENT_BLOCK)
        continue;

      x0 = tc_draw_moments_x (width, duration_ns, moments[i].time_ns);
      x1 = tc_draw_moments_x (width, duration_ns, moments[i].time_ns + moments[i].duration_ns);
      set_rgba (cr, &style->accent, 0.15);
      cairo_rectangle (cr, x0, top, MAX (x1 - x0, 1.0), axis_y - top);
      cairo_fill (cr);
    }

  /* The axis. */
  set_rgba (cr, &style->grid, 1.0);
  cairo_move_to (cr, STRIP_SIDE, round (axis_y) + 0.5);
  cairo_line_to (cr, width - STRIP_SIDE, round (axis_y) + 0.5);
  cairo_stroke (cr);

  /* Snapshot ticks rise from the axis. */
  set_rgba (cr, &style->dim, 0.6);
  for (guint i = 0; i < n_moments; i++)
    {
      double x;

      if (moments[i].kind != TC_MOMENT_SNAPSHOT)
        continue;

      x = round (tc_draw_moments_x (width, duration_ns, moments[i].time_ns)) + 0.5;
      cairo_move_to (cr, x, axis_y);
      cairo_line_to (cr, x, axis_y - (axis_y - top) * 0.35);
    }
  cairo_stroke (cr);

  /* Warnings and the crash on top. */
  for (guint i = 0; i < n_moments; i++)
    {
      double x = tc_draw_moments_x (width, duration_ns, moments[i].time_ns);
      double y = top + (axis_y - top) * 0.35;

      switch (moments[i].kind)
        {
        case TC_MOMENT_WARNING:
        case TC_MOMENT_ERROR:
          set_rgba (cr, moments[i].kind == TC_MOMENT_ERROR ? &style->error : &style->warning, 1.0);
          cairo_move_to (cr, x, y - 6);
          cairo_line_to (cr, x + 6, y + 5);
          cairo_line_to (cr, x - 6, y + 5);
          cairo_close_path (cr);
          cairo_fill (cr);
          cairo_move_to (cr, round (x) + 0.5, y + 5);
          cairo_line_to (cr, round (x) + 0.5, axis_y);
          cairo_stroke (cr);
          break;

        case TC_MOMENT_CRASH:
          set_rgba (cr, &style->error, 1.0);
          cairo_rectangle (cr, x - 1.5, top, 3.0, axis_y - top);
          cairo_fill (cr);
          break;

        case TC_MOMENT_SNAPSHOT:
        case TC_MOMENT_BLOCK:
        default:
          break;
        }
    }

  /* Time labels: start, middle, end. */
  for (guint i = 0; i <= 2; i++)
    {
      gint64 t = duration_ns * i / 2;
      g_autofree char *label = tc_units_format_ms (t / 1e6);

      draw_text (cr, style, &style->dim, tc_draw_moments_x (width, duration_ns, t), axis_y + 4,
                 i == 0 ? 0.0 : i == 2 ? 1.0 : 0.5, i == 0 ? "0" : label);
    }

  cairo_restore (cr);
}

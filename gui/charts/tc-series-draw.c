/* tc-series-draw.c — time series: statistics, scaling and drawing
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-chart-draw.h"

void
tc_series_stats (const double  *values,
                 guint          n,
                 TcSeriesStats *stats)
{
  double sum = 0, sq = 0;

  memset (stats, 0, sizeof *stats);
  stats->min = INFINITY;
  stats->max = -INFINITY;

  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (values[i]))
        continue;
      sum += values[i];
      stats->min = MIN (stats->min, values[i]);
      stats->max = MAX (stats->max, values[i]);
      stats->n_finite++;
    }
  if (stats->n_finite == 0)
    {
      stats->min = stats->max = 0;
      return;
    }
  stats->mean = sum / stats->n_finite;
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      sq += (values[i] - stats->mean) * (values[i] - stats->mean);
  /* Population σ, as the anomaly z-scores of the analysis use. */
  stats->sigma = sqrt (sq / stats->n_finite);
}

TcSeriesShape
tc_series_choose_shape (const double *values,
                        guint         n)
{
  g_autoptr(GHashTable) levels = NULL;
  guint n_finite = 0;

  if (n <= 12)
    return TC_SERIES_DOTS;

  levels = g_hash_table_new (g_double_hash, g_double_equal);
  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (values[i]))
        continue;
      n_finite++;
      if (values[i] != floor (values[i]))
        return TC_SERIES_LINE;
      if (g_hash_table_size (levels) <= 32)
        g_hash_table_add (levels, (gpointer) &values[i]);
    }

  /* Integer levels that repeat (threads, open files, epochs): a value holds
   * until the next sample, so steps tell the truth where a slope would not. */
  if (g_hash_table_size (levels) <= 12 && g_hash_table_size (levels) * 3 <= n_finite)
    return TC_SERIES_STEP;
  return TC_SERIES_LINE;
}

void
tc_series_nice_range (const TcSeriesStats *stats,
                      gboolean             with_band,
                      double              *y_min,
                      double              *y_max)
{
  double lo = stats->min;
  double hi = stats->max;

  if (with_band && stats->n_finite > 1)
    {
      lo = MIN (lo, stats->mean - stats->sigma);
      hi = MAX (hi, stats->mean + stats->sigma);
    }
  if (hi <= lo)
    {
      double pad = fabs (lo) > 0 ? fabs (lo) * 0.1 : 1.0;

      /* A constant count (2 threads) gets whole numbers around it, not
       * 1.9 … 2.2. */
      if (lo == floor (lo) && pad < 1.0)
        pad = 1.0;

      lo -= pad;
      hi += pad;
    }
  else if (stats->min >= 0 && lo < (hi - lo) * 0.5)
    lo = MAX (0.0, MIN (lo, 0.0));
  if (stats->min >= 0 && lo < 0)
    lo = 0;

  hi += (hi - lo) * 0.08;
  *y_min = lo;
  *y_max = hi;
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint ua = *(const guint *) a;
  guint ub = *(const guint *) b;

  return (ua > ub) - (ua < ub);
}

GArray *
tc_series_anomalies (const double *values,
                     guint         n,
                     double        threshold)
{
  g_autoptr(GArray) found = tc_analysis_anomalies_of (values, n, threshold);
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; found != NULL && i < found->len; i++)
    g_array_append_val (indices, g_array_index (found, TcAnomaly, i).index);
  /* The analysis sorts by z; the chart wants time order. */
  g_array_sort (indices, compare_uint);
  return indices;
}

gint
tc_series_nearest (const TcSeriesScale *scale,
                   const gint64        *times,
                   guint                n,
                   double               x)
{
  gint64 t = tc_chart_x_to_time (x, scale->begin_ns, scale->end_ns, scale->width);
  guint lo = 0, hi = n;

  if (n == 0)
    return -1;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (times[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == n)
    return n - 1;
  if (lo > 0 && t - times[lo - 1] < times[lo] - t)
    return lo - 1;
  return lo;
}

char *
tc_series_format_value (double      value,
                        const char *unit)
{
  if (!isfinite (value))
    return g_strdup ("—");
  if (unit != NULL && strcmp (unit, "%") == 0)
    return g_strdup_printf ("%.1f %%", value);
  /* %.4g writes 12920 as "1.292e+04" (an axis label read "1e+04"):
   * large values in full, without decimals. */
  if (fabs (value) >= 1e4 && fabs (value) < 1e12)
    return unit != NULL && *unit ? g_strdup_printf ("%.0f %s", value, unit) : g_strdup_printf ("%.0f", value);
  if (unit != NULL && *unit)
    return g_strdup_printf ("%.4g %s", value, unit);
  return g_strdup_printf ("%.4g", value);
}

static double
nice_step (double range,
           guint  n)
{
  double raw = range / MAX (n, 1);
  double mag = pow (10, floor (log10 (raw)));
  double f = raw / mag;

  /* The nearest of 1, 2, 5 and 10 × mag, not the next larger: rounding up
   * left a low chart (CPU between 80 and 98 %) one label. */
  if (f < 1.5)
    return mag;
  if (f < 3.5)
    return 2 * mag;
  if (f < 7.5)
    return 5 * mag;
  return 10 * mag;
}

void
tc_draw_value_axis (cairo_t             *cr,
                    const TcDrawStyle   *style,
                    const TcSeriesScale *scale,
                    const char          *unit)
{
  double step;

  if (!(scale->y_max > scale->y_min))
    return;
  step = nice_step (scale->y_max - scale->y_min, scale->height >= 100 ? 5 : 3);

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  for (double v = ceil (scale->y_min / step) * step; v <= scale->y_max; v += step)
    {
      double y = round (tc_series_y (scale, v)) + 0.5;
      g_autofree char *label = tc_series_format_value (fabs (v) < step * 1e-6 ? 0 : v, unit);

      cairo_set_source_rgba (cr, style->grid.red, style->grid.green, style->grid.blue, style->grid.alpha);
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, scale->width, y);
      cairo_stroke (cr);
      if (y > 4 && y < scale->height - 4)
        tc_chart_draw_text (cr, style, &style->dim, -6, y - 7, 1.0, -1, label);
    }
  cairo_restore (cr);
}

/* First index with times[i] >= t. */
static guint
lower_bound (const gint64 *times,
             guint         n,
             gint64        t)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (times[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Emits the path of points [first, last).  Lines keep one column per pixel:
 * the first, lowest, highest and last value of the points falling in it, so
 * a million points cost a few thousand segments and no spike is lost. */
static void
path_series (cairo_t             *cr,
             const TcSeriesScale *scale,
             const TcSeriesDraw  *s,
             guint                first,
             guint                last,
             double              *x_first,
             double              *x_last)
{
  gboolean started = FALSE;
  double prev_y = 0;
  double column = -G_MAXDOUBLE;
  double col_x = 0, col_first = 0, col_min = 0, col_max = 0, col_last = 0;
  gboolean col_open = FALSE;

  *x_first = *x_last = 0;
  for (guint i = first; i < last; i++)
    {
      double x, y;

      if (!isfinite (s->values[i]))
        continue;
      x = tc_series_x (scale, s->times[i]);
      y = tc_series_y (scale, s->values[i]);

      if (!started)
        {
          cairo_move_to (cr, x, y);
          *x_first = x;
          started = TRUE;
        }
      else if (s->shape == TC_SERIES_STEP)
        {
          cairo_line_to (cr, x, prev_y);
          cairo_line_to (cr, x, y);
        }
      else if (floor (x) == column)
        {
          col_min = MIN (col_min, y);
          col_max = MAX (col_max, y);
          col_last = y;
          col_x = x;
          prev_y = y;
          *x_last = x;
          continue;
        }
      else
        {
          if (col_open)
            {
              cairo_line_to (cr, col_x, col_first);
              cairo_line_to (cr, col_x, col_min);
              cairo_line_to (cr, col_x, col_max);
              cairo_line_to (cr, col_x, col_last);
            }
          cairo_line_to (cr, x, y);
        }

      column = floor (x);
      col_open = FALSE;
      if (s->shape != TC_SERIES_STEP)
        {
          col_open = TRUE;
          col_x = x;
          col_first = col_min = col_max = col_last = y;
        }
      prev_y = y;
      *x_last = x;
    }

  if (col_open)
    {
      cairo_line_to (cr, col_x, col_min);
      cairo_line_to (cr, col_x, col_max);
      cairo_line_to (cr, col_x, col_last);
    }
  if (started && s->shape == TC_SERIES_STEP && last < s->n)
    {
      double x = MIN (tc_series_x (scale, s->times[last]), scale->width);
      cairo_line_to (cr, x, prev_y);
      *x_last = x;
    }
}

void
tc_draw_series (cairo_t             *cr,
                const TcDrawStyle   *style,
                const TcSeriesScale *scale,
                const TcSeriesDraw  *s)
{
  const GdkRGBA *c = &s->color;
  guint first, last;
  TcSeriesStats stats;

  if (s->n == 0 || scale->width <= 0)
    return;

  /* The visible points plus one on each side so lines enter and leave. */
  first = lower_bound (s->times, s->n, scale->begin_ns);
  last = lower_bound (s->times, s->n, scale->end_ns + 1);
  first = first > 0 ? first - 1 : 0;
  last = MIN (last + 1, s->n);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, scale->width, scale->height);
  cairo_clip (cr);

  tc_series_stats (s->values, s->n, &stats);

  if (s->show_stats && stats.n_finite > 1)
    {
      double y1 = tc_series_y (scale, stats.mean + stats.sigma);
      double y2 = tc_series_y (scale, stats.mean - stats.sigma);
      double ym = round (tc_series_y (scale, stats.mean)) + 0.5;
      static const double dash[] = { 4.0, 3.0 };

      cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.10);
      cairo_rectangle (cr, 0, y1, scale->width, y2 - y1);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.6);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, 0, ym);
      cairo_line_to (cr, scale->width, ym);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (isfinite (s->peak))
    {
      double y = round (tc_series_y (scale, s->peak)) + 0.5;
      static const double dash[] = { 2.0, 2.0 };
      g_autofree char *value = tc_series_format_value (s->peak, s->unit);
      g_autofree char *label = g_strdup_printf (_("peak %s"), value);

      cairo_set_source_rgba (cr, style->error.red, style->error.green, style->error.blue, 0.7);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, scale->width, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      /* Above the line, or below it when the peak is at the top of the
       * plot (no room above: the line would strike the text through). */
      tc_chart_draw_text (cr, style, &style->error, scale->width - 4, y >= 15 ? y - 15 : y + 2, 1.0, -1, label);
    }

  if (s->shape == TC_SERIES_DOTS)
    {
      for (guint i = first; i < last; i++)
        {
          if (!isfinite (s->values[i]))
            continue;
          /* Without a new sub-path cairo_arc() joins each dot to the last. */
          cairo_new_sub_path (cr);
          cairo_arc (cr, tc_series_x (scale, s->times[i]), tc_series_y (scale, s->values[i]),
                     3.0, 0, 2 * G_PI);
          cairo_close_path (cr);
        }
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.9);
      cairo_fill (cr);
    }
  else
    {
      double x_first, x_last;

      path_series (cr, scale, s, first, last, &x_first, &x_last);
      if (s->fill)
        {
          cairo_path_t *path = cairo_copy_path (cr);

          cairo_line_to (cr, x_last, scale->height);
          cairo_line_to (cr, x_first, scale->height);
          cairo_close_path (cr);
          cairo_set_source_rgba (cr, c->red, c->green, c->blue, 0.22);
          cairo_fill (cr);
          cairo_append_path (cr, path);
          cairo_path_destroy (path);
        }
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
    }

  if (s->threshold > 0)
    {
      g_autoptr(GArray) anomalies = tc_series_anomalies (s->values, s->n, s->threshold);

      for (guint k = 0; k < anomalies->len; k++)
        {
          guint i = g_array_index (anomalies, guint, k);
          double x = tc_series_x (scale, s->times[i]);
          double y = tc_series_y (scale, s->values[i]);

          if (x < -6 || x > scale->width + 6)
            continue;
          cairo_arc (cr, x, y, 5.5, 0, 2 * G_PI);
          cairo_set_source_rgba (cr, style->error.red, style->error.green, style->error.blue, 0.35);
          cairo_fill_preserve (cr);
          cairo_set_source_rgba (cr, style->error.red, style->error.green, style->error.blue, 1.0);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }

  if (s->hover >= 0 && (guint) s->hover < s->n && isfinite (s->values[s->hover]))
    {
      double x = tc_series_x (scale, s->times[s->hover]);
      double y = tc_series_y (scale, s->values[s->hover]);

      cairo_set_source_rgba (cr, style->foreground.red, style->foreground.green,
                             style->foreground.blue, 0.35);
      cairo_rectangle (cr, round (x), 0, 1, scale->height);
      cairo_fill (cr);
      cairo_arc (cr, x, y, 4.0, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, 1.0);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 1, 1, 1, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}

/* tc-compare-draw.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "charts/tc-chart-draw.h"
#include "tc-units.h"

#include "tc-compare-draw.h"

/* Below this change a path counts as unchanged (timer noise). */
#define SAME_FRACTION  0.05
/* At this change the colour is fully saturated. */
#define FULL_FRACTION  0.50

#define CHART_TOP      22.0
#define CHART_BOTTOM   18.0

static void
set_rgba (cairo_t       *cr,
          const GdkRGBA *rgba,
          double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

static void
mix (GdkRGBA       *out,
     const GdkRGBA *a,
     const GdkRGBA *b,
     double         t)
{
  out->red = a->red + (b->red - a->red) * t;
  out->green = a->green + (b->green - a->green) * t;
  out->blue = a->blue + (b->blue - a->blue) * t;
  out->alpha = 1.0;
}

void
tc_diff_flame_color (gint64   before,
                     gint64   after,
                     GdkRGBA *color)
{
  static const GdkRGBA neutral = { 0.80, 0.80, 0.78, 1.0 };
  static const GdkRGBA faster = { 0.15, 0.64, 0.41, 1.0 };  /* libadwaita green 5 */
  static const GdkRGBA slower = { 0.88, 0.11, 0.14, 1.0 };  /* red 3 */
  static const GdkRGBA added = { 0.38, 0.21, 0.51, 1.0 };   /* purple 4 */
  double change, t;

  g_return_if_fail (color != NULL);

  if (before < 0)
    {
      *color = added;
      return;
    }

  change = before > 0 ? ((double)after - (double)before) / (double)before : 1.0;
  if (fabs (change) < SAME_FRACTION)
    {
      *color = neutral;
      return;
    }

  t = MIN (1.0, 0.35 + 0.65 * (fabs (change) - SAME_FRACTION) / (FULL_FRACTION - SAME_FRACTION));
  mix (color, &neutral, change < 0 ? &faster : &slower, t);
}

void
tc_diff_flame_draw (cairo_t           *cr,
                    const TcDrawStyle *style,
                    TcComparison      *comparison,
                    GArray            *boxes,
                    double             width)
{
  TcFlameTree *tree;
  static const GdkRGBA dark_text = { 0, 0, 0, 0.85 };
  static const GdkRGBA light_text = { 1, 1, 1, 0.95 };

  g_return_if_fail (cr != NULL);
  g_return_if_fail (TC_IS_COMPARISON (comparison));
  g_return_if_fail (boxes != NULL);

  tree = tc_comparison_get_flame_tree (comparison);

  cairo_save (cr);
  for (guint i = 0; i < boxes->len; i++)
    {
      const TcFlameBox *box = &g_array_index (boxes, TcFlameBox, i);
      const TcFlameNode *node = tc_flame_tree_get_node (tree, box->node);
      gint64 before = tc_comparison_get_node_before (comparison, box->node);
      double x = box->x * width;
      double w = box->width * width;
      double y = box->depth * TC_DIFF_FLAME_ROW;
      GdkRGBA color;

      if (w < 0.25)
        continue;

      tc_diff_flame_color (before, node->total, &color);
      set_rgba (cr, &color, 1.0);
      cairo_rectangle (cr, x, y, MAX (0.5, w - (w > 3 ? 1 : 0)), TC_DIFF_FLAME_ROW - 1);
      cairo_fill (cr);

      if (w > 30)
        {
          const char *name = tc_comparison_node_name (comparison, box->node);
          g_autofree char *label = NULL;
          gboolean dark = (color.red * 0.3 + color.green * 0.59 + color.blue * 0.11) < 0.5;

          if (before > 0 && box->node != 0)
            label = g_strdup_printf ("%s  %+.0f%%", name,
                                     ((double)node->total - before) / before * 100.0);
          else if (before < 0)
            label = g_strdup_printf ("%s  (%s)", name, _("new"));
          else
            label = g_strdup (name);

          cairo_save (cr);
          cairo_rectangle (cr, x, y, w, TC_DIFF_FLAME_ROW);
          cairo_clip (cr);
          tc_chart_draw_text (cr, style, dark ? &light_text : &dark_text, x + 3, y + 2, 0.0, w - 6, label);
          cairo_restore (cr);
        }
    }
  cairo_restore (cr);
}

double
tc_diff_flame_draw_legend (cairo_t           *cr,
                           const TcDrawStyle *style,
                           double             x,
                           double             y)
{
  struct { gint64 before; gint64 after; const char *label; } keys[] = {
    { 100, 40, N_("faster") },
    { 100, 80, N_("a little faster") },
    { 100, 100, N_("unchanged") },
    { 100, 120, N_("a little slower") },
    { 100, 200, N_("slower") },
    { -1, 100, N_("new code") },
  };
  double x0 = x;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GdkRGBA color;

      tc_diff_flame_color (keys[i].before, keys[i].after, &color);
      set_rgba (cr, &color, 1.0);
      tc_draw_rounded_rect (cr, x, y + 2, 12, 10, 2);
      cairo_fill (cr);
      x += 16;
      x += tc_chart_draw_text (cr, style, &style->foreground, x, y, 0.0, -1, _(keys[i].label)) + 14;
    }

  return x - x0;
}

/* Times and values of a series as the chart helpers take them. */
static void
series_arrays (const TcDocSeries *series,
               GArray            *times,
               GArray            *values)
{
  g_array_set_size (times, 0);
  g_array_set_size (values, 0);
  for (guint i = 0; series != NULL && i < series->points->len; i++)
    {
      const TcDocPoint *p = &g_array_index (series->points, TcDocPoint, i);

      g_array_append_val (times, p->time_ns);
      g_array_append_val (values, p->value);
    }
}

static void
draw_one (cairo_t             *cr,
          const TcDrawStyle   *style,
          const TcSeriesScale *scale,
          const TcDocSeries   *series,
          const GdkRGBA       *color,
          gboolean             fill)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  TcSeriesDraw draw = { 0 };

  series_arrays (series, times, values);
  draw.times = (const gint64 *)(gpointer)times->data;
  draw.values = (const double *)(gpointer)values->data;
  draw.n = times->len;
  draw.shape = tc_series_choose_shape (draw.values, draw.n);
  draw.color = *color;
  draw.fill = fill;
  draw.peak = NAN;
  draw.hover = -1;
  tc_draw_series (cr, style, scale, &draw);
}

static void
legend_entry (cairo_t           *cr,
              const TcDrawStyle *style,
              const GdkRGBA     *color,
              double            *x,
              const char        *label)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
  cairo_set_line_width (cr, 2.0);
  cairo_move_to (cr, *x, 9);
  cairo_line_to (cr, *x + 18, 9);
  cairo_stroke (cr);
  *x += 22 + tc_chart_draw_text (cr, style, &style->dim, *x + 22, 2, 0.0, -1, label) + 12;
}

void
tc_overlay_chart_draw (cairo_t           *cr,
                       const TcDrawStyle *style,
                       const char        *title,
                       const TcDocSeries *before,
                       const TcDocSeries *after,
                       double             t_max_s,
                       double             width,
                       double             height)
{
  const TcDocSeries *both[2] = { before, after };
  TcSeriesScale scale = { 0 };
  TcSeriesStats stats = { 0 };
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  GdkRGBA before_color;
  double lx;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  scale.width = width - TC_CHART_LEFT - TC_CHART_RIGHT;
  scale.height = height - CHART_TOP - CHART_BOTTOM;
  if (scale.width < 40 || scale.height < 20)
    return;

  /* One value range for both runs, so the lines compare. */
  for (guint k = 0; k < 2; k++)
    for (guint i = 0; both[k] != NULL && i < both[k]->points->len; i++)
      g_array_append_val (values, g_array_index (both[k]->points, TcDocPoint, i).value);
  tc_series_stats ((const double *)(gpointer)values->data, values->len, &stats);
  tc_series_nice_range (&stats, FALSE, &scale.y_min, &scale.y_max);
  scale.begin_ns = 0;
  scale.end_ns = (gint64)(MAX (t_max_s, 1e-3) * 1e9);

  before_color = style->dim;
  before_color.alpha = MIN (1.0, before_color.alpha * 1.3);

  cairo_save (cr);

  lx = TC_CHART_LEFT + tc_chart_draw_text (cr, style, &style->foreground, TC_CHART_LEFT, 2, 0.0,
                                           scale.width / 2, title) + 16;
  if (before != NULL && after != NULL)
    {
      legend_entry (cr, style, &before_color, &lx, _("before"));
      legend_entry (cr, style, &style->accent, &lx, _("after"));
    }

  cairo_translate (cr, TC_CHART_LEFT, CHART_TOP);
  tc_draw_value_axis (cr, style, &scale, after ? after->unit : before->unit);
  if (before != NULL)
    draw_one (cr, style, &scale, before, &before_color, FALSE);
  if (after != NULL)
    draw_one (cr, style, &scale, after, &style->accent, before == NULL);

  /* Seconds since each recording's start, below the plot. */
  cairo_translate (cr, 0, scale.height);
  tc_draw_time_axis (cr, style, scale.width, CHART_BOTTOM, scale.begin_ns, scale.end_ns);

  cairo_restore (cr);
}

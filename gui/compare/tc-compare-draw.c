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

#define CHART_LEFT     52.0
#define CHART_RIGHT    12.0
#define CHART_TOP      22.0
#define CHART_BOTTOM   20.0

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

static void
series_range (const TcDocSeries *series,
              double            *lo,
              double            *hi)
{
  for (guint i = 0; series != NULL && i < series->points->len; i++)
    {
      double v = g_array_index (series->points, TcDocPoint, i).value;

      if (!isfinite (v))
        continue;
      *lo = MIN (*lo, v);
      *hi = MAX (*hi, v);
    }
}

static void
plot_series (cairo_t           *cr,
             const TcDocSeries *series,
             double             x0,
             double             y0,
             double             w,
             double             h,
             double             t_max_s,
             double             lo,
             double             hi)
{
  gboolean pen_down = FALSE;

  for (guint i = 0; i < series->points->len; i++)
    {
      const TcDocPoint *p = &g_array_index (series->points, TcDocPoint, i);
      double x, y;

      if (!isfinite (p->value))
        {
          pen_down = FALSE;
          continue;
        }

      x = x0 + w * CLAMP (tc_ns_to_s (p->time_ns) / t_max_s, 0.0, 1.0);
      y = y0 + h - h * (p->value - lo) / (hi - lo);
      if (pen_down)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen_down = TRUE;
    }

  /* A single point still shows. */
  if (series->points->len == 1)
    cairo_rel_line_to (cr, 1, 0);
  cairo_stroke (cr);
}

static char *
format_value (double v)
{
  return g_strdup_printf (fabs (v) >= 1000 || v == floor (v) ? "%.0f" : "%.3g", v);
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
  double lo = INFINITY, hi = -INFINITY;
  double px = CHART_LEFT, py = CHART_TOP;
  double pw = width - CHART_LEFT - CHART_RIGHT, ph = height - CHART_TOP - CHART_BOTTOM;
  static const double dashes[] = { 5.0, 3.0 };
  double lx;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  if (pw < 40 || ph < 20)
    return;

  series_range (before, &lo, &hi);
  series_range (after, &lo, &hi);
  if (!isfinite (lo))
    {
      lo = 0;
      hi = 1;
    }
  if (hi - lo < 1e-12)
    {
      hi += fabs (hi) * 0.05 + 0.5;
      lo -= fabs (lo) * 0.05 + 0.5;
    }
  if (t_max_s <= 0)
    t_max_s = 1;

  cairo_save (cr);

  /* Title and legend on one line above the plot. */
  lx = px + tc_chart_draw_text (cr, style, &style->foreground, px, 2, 0.0, pw / 2, title) + 16;
  if (before != NULL)
    {
      set_rgba (cr, &style->dim, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dashes, 2, 0);
      cairo_move_to (cr, lx, 9);
      cairo_line_to (cr, lx + 18, 9);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      lx += 22 + tc_chart_draw_text (cr, style, &style->dim, lx + 22, 2, 0.0, -1, _("before")) + 12;
    }
  if (after != NULL && before != NULL)
    {
      set_rgba (cr, &style->accent, 1.0);
      cairo_set_line_width (cr, 2.0);
      cairo_move_to (cr, lx, 9);
      cairo_line_to (cr, lx + 18, 9);
      cairo_stroke (cr);
      tc_chart_draw_text (cr, style, &style->foreground, lx + 22, 2, 0.0, -1, _("after"));
    }

  /* Grid with the value at each quarter. */
  cairo_set_line_width (cr, 1.0);
  for (guint i = 0; i <= 4; i++)
    {
      double y = round (py + ph * i / 4.0) + 0.5;
      g_autofree char *label = format_value (hi - (hi - lo) * i / 4.0);

      set_rgba (cr, &style->grid, 1.0);
      cairo_move_to (cr, px, y);
      cairo_line_to (cr, px + pw, y);
      cairo_stroke (cr);
      tc_chart_draw_text (cr, style, &style->dim, px - 6, y - 6, 1.0, -1, label);
    }

  /* Time ticks: seconds since each recording's start. */
  for (guint i = 0; i <= 4; i++)
    {
      double t = t_max_s * i / 4.0;
      g_autofree char *label = g_strdup_printf ("%.*f s", t_max_s < 4 ? 2 : 1, t);

      tc_chart_draw_text (cr, style, &style->dim, px + pw * i / 4.0, py + ph + 4,
                 i == 0 ? 0.0 : i == 4 ? 1.0 : 0.5, -1, label);
    }

  cairo_rectangle (cr, px, py - 1, pw, ph + 2);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (before != NULL)
    {
      set_rgba (cr, &style->dim, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dashes, 2, 0);
      plot_series (cr, before, px, py, pw, ph, t_max_s, lo, hi);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  if (after != NULL)
    {
      set_rgba (cr, &style->accent, 1.0);
      cairo_set_line_width (cr, 2.0);
      plot_series (cr, after, px, py, pw, ph, t_max_s, lo, hi);
    }

  cairo_restore (cr);
}

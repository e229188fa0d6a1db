/* tc-flame-draw.c — drawing flame graphs and flame chart lanes on cairo
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-chart-draw.h"

/* Boxes narrower than this many pixels get no label. */
#define MIN_LABEL_WIDTH 28.0

static const GdkRGBA label_color = { 0, 0, 0, 0.85 };

double
tc_flame_draw_row_y (const TcFlameDraw *params,
                     guint              depth)
{
  if (params->icicle)
    return depth * params->row_height;
  return ((double) params->n_rows - 1 - depth) * params->row_height;
}

gint
tc_flame_draw_row_at (const TcFlameDraw *params,
                      double             y)
{
  gint row;

  if (y < 0 || params->row_height <= 0)
    return -1;
  row = (gint) floor (y / params->row_height);
  if (row >= (gint) params->n_rows)
    return -1;
  return params->icicle ? row : (gint) params->n_rows - 1 - row;
}

/* Lighter where little of the time is the function's own: the eye finds the
 * frames that do the work. */
static void
shade (GdkRGBA *color,
       double   self_fraction,
       gboolean dimmed)
{
  double k = 0.30 * (1.0 - CLAMP (self_fraction, 0.0, 1.0));

  color->red = color->red + (1 - color->red) * k;
  color->green = color->green + (1 - color->green) * k;
  color->blue = color->blue + (1 - color->blue) * k;
  if (dimmed)
    {
      double grey = (color->red + color->green + color->blue) / 3.0;

      color->red = color->green = color->blue = 0.5 + grey * 0.4;
      color->alpha = 0.45;
    }
}

static void
node_name (const TcFlameDraw *params,
           const TcFlameNode *node,
           char              *buf,
           gsize              len)
{
  if (node->code_id == 0)
    g_strlcpy (buf, _("all"), len);
  else if (params->doc == NULL)
    g_snprintf (buf, len, "#%u", node->code_id);
  else
    g_strlcpy (buf, tc_document_code_name (params->doc, node->code_id), len);
}

static void
draw_box (cairo_t           *cr,
          const TcDrawStyle *style,
          const TcFlameDraw *params,
          const TcFlameBox  *box,
          double             x0,
          double             x1,
          double             y)
{
  const TcFlameNode *node = tc_flame_tree_get_node (params->tree, box->node);
  gboolean dimmed = params->matches != NULL && !params->matches[box->node];
  double w = x1 - x0;
  GdkRGBA color;

  if (node->code_id == 0)
    gdk_rgba_parse (&color, "#deddda");
  else
    tc_chart_code_color (params->doc, node->code_id, &color);
  shade (&color, node->total > 0 ? (double) node->self / (double) node->total : 0.0, dimmed);

  gdk_cairo_set_source_rgba (cr, &color);
  cairo_rectangle (cr, x0, y, MAX (w - (w > 3 ? 1 : 0), 1.0), params->row_height - 1);
  cairo_fill (cr);

  if (params->matches != NULL && params->matches[box->node])
    {
      cairo_set_line_width (cr, 1.0);
      cairo_set_source_rgba (cr, style->foreground.red, style->foreground.green,
                             style->foreground.blue, 0.8);
      cairo_rectangle (cr, x0 + 0.5, y + 0.5, MAX (w - 2, 1.0), params->row_height - 2);
      cairo_stroke (cr);
    }

  if (w >= MIN_LABEL_WIDTH)
    {
      char name[256];

      node_name (params, node, name, sizeof name);
      cairo_save (cr);
      cairo_rectangle (cr, x0, y, w, params->row_height);
      cairo_clip (cr);
      tc_chart_draw_text (cr, style, &label_color, MAX (x0, 0) + 4,
                          y + (params->row_height - 14) / 2, 0.0,
                          MIN (x1, params->width) - MAX (x0, 0) - 8, name);
      cairo_restore (cr);
    }
}

void
tc_draw_flame_graph (cairo_t           *cr,
                     const TcDrawStyle *style,
                     const TcFlameDraw *params)
{
  const TcFlameBox *boxes;
  double span = params->view_x1 - params->view_x0;
  double scale;

  g_return_if_fail (params->tree != NULL && params->boxes != NULL);

  if (span <= 0 || params->width <= 0)
    return;
  scale = params->width / span;
  boxes = (const TcFlameBox *) (gpointer) params->boxes->data;

  for (guint depth = 0; depth < params->n_rows; depth++)
    {
      double y = tc_flame_draw_row_y (params, depth);
      guint i = tc_flame_layout_row_start (params->boxes, depth, params->view_x0);
      double column = -1;
      const TcFlameBox *best = NULL;
      double best_w = 0;

      for (; i < params->boxes->len && boxes[i].depth == depth; i++)
        {
          const TcFlameBox *box = &boxes[i];
          double x0 = (box->x - params->view_x0) * scale;
          double x1 = (box->x + box->width - params->view_x0) * scale;

          if (x0 > params->width)
            break;

          if (x1 - x0 >= 1.0)
            {
              draw_box (cr, style, params, box, x0, x1, y);
              continue;
            }

          /* Narrower than a pixel: one column per pixel, drawn as its
           * widest box, so a thousand tiny calls stay one visible sliver. */
          if (floor (x0) != column)
            {
              if (best != NULL)
                draw_box (cr, style, params, best, column, column + 1, y);
              column = floor (x0);
              best = NULL;
              best_w = 0;
            }
          if (x1 - x0 > best_w)
            {
              best = box;
              best_w = x1 - x0;
            }
        }
      if (best != NULL)
        draw_box (cr, style, params, best, column, column + 1, y);
    }

  if (params->hover != TC_FLAME_NONE)
    {
      for (guint i = 0; i < params->boxes->len; i++)
        if (boxes[i].node == params->hover)
          {
            double x0 = (boxes[i].x - params->view_x0) * scale;
            double w = MAX (boxes[i].width * scale, 1.0);
            double y = tc_flame_draw_row_y (params, boxes[i].depth);

            cairo_set_line_width (cr, 2.0);
            cairo_set_source_rgba (cr, style->foreground.red, style->foreground.green,
                                   style->foreground.blue, 0.9);
            cairo_rectangle (cr, x0 + 1, y + 1, MAX (w - 3, 1.0), params->row_height - 3);
            cairo_stroke (cr);
            break;
          }
    }
}

int
tc_span_compare (gconstpointer a,
                 gconstpointer b)
{
  const TcSpan *sa = a;
  const TcSpan *sb = b;

  if (sa->depth != sb->depth)
    return sa->depth < sb->depth ? -1 : 1;
  return (sa->start_ns > sb->start_ns) - (sa->start_ns < sb->start_ns);
}

void
tc_draw_flame_chart_lane (cairo_t           *cr,
                          const TcDrawStyle *style,
                          TcDocument        *doc,
                          GArray            *spans,
                          double             y,
                          double             width,
                          double             row_height,
                          gint64             begin_ns,
                          gint64             end_ns)
{
  guint last_depth = G_MAXUINT;
  double column = -1;

  if (spans == NULL || spans->len == 0 || end_ns <= begin_ns)
    return;

  for (guint i = 0; i < spans->len; i++)
    {
      const TcSpan *s = &g_array_index (spans, TcSpan, i);
      double x0 = tc_chart_time_to_x (s->start_ns, begin_ns, end_ns, width);
      double x1 = tc_chart_time_to_x (s->end_ns, begin_ns, end_ns, width);
      double ry = y + s->depth * row_height;
      GdkRGBA color;

      if (x1 < 0 || x0 > width)
        continue;
      x0 = MAX (x0, -1);
      x1 = MIN (x1, width + 1);

      if (s->depth != last_depth)
        {
          last_depth = s->depth;
          column = -1;
        }

      if (x1 - x0 < 1.0)
        {
          /* One sliver per pixel column and level. */
          if (floor (x0) == column)
            continue;
          column = floor (x0);
          x0 = column;
          x1 = column + 1;
        }

      tc_chart_code_color (doc, s->code_id, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x0, ry, MAX (x1 - x0 - (x1 - x0 > 3 ? 1 : 0), 1.0), row_height - 1);
      cairo_fill (cr);

      if (x1 - x0 >= MIN_LABEL_WIDTH)
        {
          cairo_save (cr);
          cairo_rectangle (cr, x0, ry, x1 - x0, row_height);
          cairo_clip (cr);
          tc_chart_draw_text (cr, style, &label_color, MAX (x0, 0) + 4, ry + (row_height - 14) / 2,
                              0.0, MIN (x1, width) - MAX (x0, 0) - 8,
                              tc_document_code_name (doc, s->code_id));
          cairo_restore (cr);
        }
    }
}

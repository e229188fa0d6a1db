/* tc-flame-draw.c — drawing flame graphs and flame chart lanes
 *
 * SPDX-License-Identifier: MIT
 *
 * One drawing routine per chart, written against a tiny painter (filled
 * rectangle, outline, clipped label) with two back ends: cairo, for the PDF
 * and any cairo_t, and GtkSnapshot, for the screen, where thousands of
 * boxes become colour nodes the GPU renderer batches instead of a full-size
 * image rasterized and uploaded every frame.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "tc-chart-draw.h"

/* Boxes narrower than this many pixels get no label (the label itself then
 * decides: whole, cut with "…", or left out when not even "x…" fits). */
#define MIN_LABEL_WIDTH 16.0
/* Shaped labels kept between frames, at most. */
#define MAX_CACHED_LABELS 20000

static const GdkRGBA label_color = { 0, 0, 0, 0.85 };

/* ---- painters -------------------------------------------------------- */

typedef struct _Painter Painter;

struct _Painter
{
  void (*rect)    (Painter *p, double x, double y, double w, double h, const GdkRGBA *color);
  void (*outline) (Painter *p, double x, double y, double w, double h, double line, const GdkRGBA *color);
  /* Text left-aligned at x, clipped to [x0, x0 + w) × [y0, y0 + h). */
  void (*label)   (Painter *p, const TcDrawStyle *style, double x, double y, double max_width,
                   double clip_x, double clip_y, double clip_w, double clip_h, const char *text);
  cairo_t     *cr;
  GtkSnapshot *snapshot;
  GtkWidget   *widget;
  PangoLayout *layout;
  GHashTable  *labels;   /* text → PangoLayout, kept by the widget */
};

static void
cairo_rect (Painter *p, double x, double y, double w, double h, const GdkRGBA *color)
{
  gdk_cairo_set_source_rgba (p->cr, color);
  cairo_rectangle (p->cr, x, y, w, h);
  cairo_fill (p->cr);
}

static void
cairo_outline (Painter *p, double x, double y, double w, double h, double line, const GdkRGBA *color)
{
  gdk_cairo_set_source_rgba (p->cr, color);
  cairo_set_line_width (p->cr, line);
  cairo_rectangle (p->cr, x + line / 2, y + line / 2, MAX (w - line, 1), MAX (h - line, 1));
  cairo_stroke (p->cr);
}

static void
cairo_label (Painter *p, const TcDrawStyle *style, double x, double y, double max_width,
             double clip_x, double clip_y, double clip_w, double clip_h, const char *text)
{
  cairo_save (p->cr);
  cairo_rectangle (p->cr, clip_x, clip_y, clip_w, clip_h);
  cairo_clip (p->cr);
  tc_chart_draw_text (p->cr, style, &label_color, x, y, 0.0, max_width, text);
  cairo_restore (p->cr);
}

static void
cairo_painter_init (Painter *p,
                    cairo_t *cr)
{
  p->rect = cairo_rect;
  p->outline = cairo_outline;
  p->label = cairo_label;
  p->cr = cr;
}

static void
snapshot_rect (Painter *p, double x, double y, double w, double h, const GdkRGBA *color)
{
  gtk_snapshot_append_color (p->snapshot, color, &GRAPHENE_RECT_INIT (x, y, w, h));
}

static void
snapshot_outline (Painter *p, double x, double y, double w, double h, double line, const GdkRGBA *color)
{
  GskRoundedRect r;
  float widths[4] = { line, line, line, line };
  GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&r, &GRAPHENE_RECT_INIT (x, y, MAX (w, 1), MAX (h, 1)), 0);
  gtk_snapshot_append_border (p->snapshot, &r, widths, colors);
}

static PangoLayout *
cached_layout (Painter    *p,
               const char *text)
{
  PangoLayout *layout = g_hash_table_lookup (p->labels, text);

  if (layout == NULL)
    {
      layout = pango_layout_copy (p->layout);
      pango_layout_set_width (layout, -1);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
      pango_layout_set_text (layout, text, -1);
      g_hash_table_insert (p->labels, g_strdup (text), layout);
    }
  return layout;
}

/* The label for `max_width` pixels: the whole text, its longest prefix that
 * fits followed by "…", or NULL when not even one character and "…" fit.
 * The cut is measured on the shaped whole text, and each cut text is shaped
 * once: while zooming, widths change every frame but the cuts rarely. */
PangoLayout *
tc_flame_label_fit (GHashTable  *labels,
                    PangoLayout *base,
                    const char  *text,
                    double       max_width)
{
  Painter p = { .labels = labels, .layout = base };
  PangoLayout *whole, *dots;
  int w, h, dots_w, index = 0, trailing = 0;
  g_autofree char *cut = NULL;

  /* Emptied before any lookup: a layout handed out stays valid for this
   * call's drawing. */
  if (g_hash_table_size (labels) > MAX_CACHED_LABELS)
    g_hash_table_remove_all (labels);
  whole = cached_layout (&p, text);
  dots = cached_layout (&p, "…");

  pango_layout_get_pixel_size (whole, &w, &h);
  if (w <= max_width)
    return whole;
  pango_layout_get_pixel_size (dots, &dots_w, &h);
  if (max_width - dots_w < 1 ||
      !pango_layout_xy_to_index (whole, (int) ((max_width - dots_w) * PANGO_SCALE), 0, &index, &trailing))
    {
      /* Past the end (cannot be: it is wider) or before the start. */
      if (max_width - dots_w < 1 || index <= 0)
        return NULL;
    }
  /* xy_to_index gives the character under x: it does not fit whole. */
  if (index <= 0)
    return NULL;
  cut = g_strdup_printf ("%.*s…", index, text);
  return cached_layout (&p, cut);
}

static void
snapshot_label (Painter *p, const TcDrawStyle *style, double x, double y, double max_width,
                double clip_x, double clip_y, double clip_w, double clip_h, const char *text)
{
  PangoLayout *layout;

  if (p->labels != NULL)
    layout = tc_flame_label_fit (p->labels, p->layout, text, max_width);
  else
    {
      /* No cache: Pango ellipsizes, one shaping per label. */
      layout = p->layout;
      pango_layout_set_text (layout, text, -1);
      pango_layout_set_width (layout, (int) (MAX (max_width, 1) * PANGO_SCALE));
    }
  if (layout == NULL)
    return;
  gtk_snapshot_push_clip (p->snapshot, &GRAPHENE_RECT_INIT (clip_x, clip_y, MAX (clip_w - 3, 1), clip_h));
  gtk_snapshot_save (p->snapshot);
  gtk_snapshot_translate (p->snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (p->snapshot, layout, &label_color);
  gtk_snapshot_restore (p->snapshot);
  gtk_snapshot_pop (p->snapshot);
}

static void
snapshot_painter_init (Painter           *p,
                       GtkSnapshot       *snapshot,
                       GtkWidget         *widget,
                       const TcDrawStyle *style,
                       GHashTable        *labels)
{
  PangoFontDescription *desc = pango_font_description_from_string (style->font ? style->font : "Sans 8");

  p->rect = snapshot_rect;
  p->outline = snapshot_outline;
  p->label = snapshot_label;
  p->snapshot = snapshot;
  p->widget = widget;
  p->labels = labels;
  p->layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_font_description (p->layout, desc);
  pango_layout_set_ellipsize (p->layout, PANGO_ELLIPSIZE_END);
  pango_font_description_free (desc);
}

GHashTable *
tc_flame_labels_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
painter_clear (Painter *p)
{
  g_clear_object (&p->layout);
}

/* ---- flame graph ----------------------------------------------------- */

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
draw_box (Painter           *p,
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
    color = (GdkRGBA) { 0.871, 0.867, 0.855, 1.0 };
  else if (params->colors != NULL && node->code_id < params->colors->len &&
           g_array_index (params->colors, GdkRGBA, node->code_id).alpha > 0)
    color = g_array_index (params->colors, GdkRGBA, node->code_id);
  else
    tc_chart_code_color (params->doc, node->code_id, &color);
  shade (&color, node->total > 0 ? (double) node->self / (double) node->total : 0.0, dimmed);

  p->rect (p, x0, y, MAX (w - (w > 3 ? 1 : 0), 1.0), params->row_height - 1, &color);

  if (params->matches != NULL && params->matches[box->node])
    {
      GdkRGBA fg = style->foreground;

      fg.alpha = 0.8;
      p->outline (p, x0, y, MAX (w - 1, 1.0), params->row_height - 1, 1.0, &fg);
    }

  if (w >= MIN_LABEL_WIDTH)
    {
      char name[256];
      double lx = MAX (x0, 0);
      double rx = MIN (x1, params->width);

      node_name (params, node, name, sizeof name);
      p->label (p, style, lx + 4, y + (params->row_height - 14) / 2, rx - lx - 8,
                x0, y, w, params->row_height, name);
    }
}

static void
draw_flame_graph (Painter           *p,
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
              draw_box (p, style, params, box, x0, x1, y);
              continue;
            }

          /* Narrower than a pixel: one column per pixel, drawn as its
           * widest box, so a thousand tiny calls stay one visible sliver. */
          if (floor (x0) != column)
            {
              if (best != NULL)
                draw_box (p, style, params, best, column, column + 1, y);
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
        draw_box (p, style, params, best, column, column + 1, y);
    }

  if (params->hover != TC_FLAME_NONE)
    {
      for (guint i = 0; i < params->boxes->len; i++)
        if (boxes[i].node == params->hover)
          {
            GdkRGBA fg = style->foreground;

            fg.alpha = 0.9;
            p->outline (p, (boxes[i].x - params->view_x0) * scale, tc_flame_draw_row_y (params, boxes[i].depth),
                        MAX (boxes[i].width * scale, 3.0) - 1, params->row_height - 1, 2.0, &fg);
            break;
          }
    }
}

void
tc_draw_flame_graph (cairo_t           *cr,
                     const TcDrawStyle *style,
                     const TcFlameDraw *params)
{
  Painter p = { 0 };

  cairo_painter_init (&p, cr);
  draw_flame_graph (&p, style, params);
}

void
tc_snapshot_flame_graph (GtkSnapshot       *snapshot,
                         GtkWidget         *widget,
                         const TcDrawStyle *style,
                         const TcFlameDraw *params,
                         GHashTable        *labels)
{
  Painter p = { 0 };

  snapshot_painter_init (&p, snapshot, widget, style, labels);
  draw_flame_graph (&p, style, params);
  painter_clear (&p);
}

/* ---- flame chart ----------------------------------------------------- */

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

static void
draw_lane (Painter           *p,
           const TcDrawStyle *style,
           TcDocument        *doc,
           GArray            *spans,
           double             y,
           double             width,
           double             row_height,
           gint64             begin_ns,
           gint64             end_ns,
           const guint8      *matches,
           guint              n_matches)
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
      if (matches != NULL)
        {
          gboolean hit = s->code_id < n_matches && matches[s->code_id];

          shade (&color, 1.0, !hit);
          p->rect (p, x0, ry, MAX (x1 - x0 - (x1 - x0 > 3 ? 1 : 0), 1.0), row_height - 1, &color);
          if (hit)
            {
              GdkRGBA fg = style->foreground;

              fg.alpha = 0.8;
              p->outline (p, x0, ry, MAX (x1 - x0 - 1, 1.0), row_height - 1, 1.0, &fg);
            }
        }
      else
        p->rect (p, x0, ry, MAX (x1 - x0 - (x1 - x0 > 3 ? 1 : 0), 1.0), row_height - 1, &color);

      if (x1 - x0 >= MIN_LABEL_WIDTH)
        {
          double lx = MAX (x0, 0);
          double rx = MIN (x1, width);

          p->label (p, style, lx + 4, ry + (row_height - 14) / 2, rx - lx - 8,
                    x0, ry, x1 - x0, row_height, tc_document_code_name (doc, s->code_id));
        }
    }
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
  Painter p = { 0 };

  cairo_painter_init (&p, cr);
  draw_lane (&p, style, doc, spans, y, width, row_height, begin_ns, end_ns, NULL, 0);
}

void
tc_snapshot_flame_chart_lane (GtkSnapshot       *snapshot,
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
                              const guint8      *matches,
                              guint              n_matches)
{
  Painter p = { 0 };

  snapshot_painter_init (&p, snapshot, widget, style, labels);
  draw_lane (&p, style, doc, spans, y, width, row_height, begin_ns, end_ns, matches, n_matches);
  painter_clear (&p);
}

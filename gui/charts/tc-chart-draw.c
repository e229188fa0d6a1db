/* tc-chart-draw.c — colours, text, the time axis and markers
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "tc-chart-draw.h"

/* Light, saturated colours that keep black labels readable; red is left out
 * because it means "error" everywhere else in the report. */
static const char *palette[] = {
  "#62a0ea", "#57e389", "#f6d32d", "#ffa348", "#c061cb",
  "#cdab8f", "#5bc8af", "#99c1f1", "#8ff0a4", "#dc8add",
};

void
tc_chart_module_color (const char *module,
                       GdkRGBA    *color)
{
  static GdkRGBA parsed[G_N_ELEMENTS (palette) + 1];
  static gsize initialized;
  guint32 hash = 5381;

  /* Parsed once: this runs for every box of every frame. */
  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
        gdk_rgba_parse (&parsed[i], palette[i]);
      gdk_rgba_parse (&parsed[G_N_ELEMENTS (palette)], "#c0bfbc");
      g_once_init_leave (&initialized, 1);
    }

  if (module == NULL || *module == '\0' || strcmp (module, "builtins") == 0)
    {
      *color = parsed[G_N_ELEMENTS (palette)];
      return;
    }

  /* djb2 over the top-level package, written out: g_str_hash's value is
   * not promised to stay the same between GLib versions, and the colours
   * should. */
  for (const char *p = module; *p && *p != '.'; p++)
    hash = hash * 33 + (guchar) *p;
  *color = parsed[hash % G_N_ELEMENTS (palette)];
}

void
tc_chart_code_color (TcDocument *doc,
                     guint32     code_id,
                     GdkRGBA    *color)
{
  const TcDocCode *code = doc != NULL ? tc_document_get_code (doc, code_id) : NULL;

  tc_chart_module_color (code != NULL ? code->module : NULL, color);
}

/* One PangoLayout per cairo_t, kept on the context: charts draw hundreds of
 * labels per frame, and creating a layout (and parsing the font) for each
 * one costs more than drawing the boxes. */
static cairo_user_data_key_t layout_key;

typedef struct
{
  PangoLayout *layout;
  char        *font;
  double       min_width;   /* of "x…" in `font`: narrower, no label */
} LayoutCache;

static void
layout_cache_free (gpointer data)
{
  LayoutCache *cache = data;

  g_object_unref (cache->layout);
  g_free (cache->font);
  g_free (cache);
}

GArray *
tc_chart_code_colors (TcDocument *doc)
{
  GArray *colors = g_array_new (FALSE, TRUE, sizeof (GdkRGBA));
  GPtrArray *codes = doc != NULL ? tc_document_get_codes (doc) : NULL;

  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);

      if (code->id >= colors->len)
        g_array_set_size (colors, code->id + 1);
      tc_chart_module_color (code->module, &g_array_index (colors, GdkRGBA, code->id));
    }
  return colors;
}

static PangoLayout *
get_layout (cairo_t           *cr,
            const TcDrawStyle *style,
            const char        *text,
            double             max_width)
{
  const char *font = style->font ? style->font : "Sans 8";
  LayoutCache *cache = cairo_get_user_data (cr, &layout_key);

  if (cache == NULL)
    {
      cache = g_new0 (LayoutCache, 1);
      cache->layout = pango_cairo_create_layout (cr);
      cairo_set_user_data (cr, &layout_key, cache, layout_cache_free);
    }
  else
    pango_cairo_update_layout (cr, cache->layout);

  if (g_strcmp0 (cache->font, font) != 0)
    {
      PangoFontDescription *desc = pango_font_description_from_string (font);

      pango_layout_set_font_description (cache->layout, desc);
      pango_font_description_free (desc);
      g_free (cache->font);
      cache->font = g_strdup (font);
      cache->min_width = 0;
    }

  if (cache->min_width <= 0)
    {
      int w, h;

      pango_layout_set_width (cache->layout, -1);
      pango_layout_set_ellipsize (cache->layout, PANGO_ELLIPSIZE_NONE);
      pango_layout_set_text (cache->layout, "x…", -1);
      pango_layout_get_pixel_size (cache->layout, &w, &h);
      cache->min_width = MAX (w, 1);
    }
  /* Where not even "x…" fits the label is left out: a lone "…" says
   * nothing. */
  if (max_width > 0 && max_width < cache->min_width)
    return NULL;

  pango_layout_set_text (cache->layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (cache->layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (cache->layout, PANGO_ELLIPSIZE_END);
    }
  else
    {
      pango_layout_set_width (cache->layout, -1);
      pango_layout_set_ellipsize (cache->layout, PANGO_ELLIPSIZE_NONE);
    }
  return cache->layout;
}

double
tc_chart_draw_text (cairo_t           *cr,
                    const TcDrawStyle *style,
                    const GdkRGBA     *color,
                    double             x,
                    double             y,
                    double             xalign,
                    double             max_width,
                    const char        *text)
{
  PangoLayout *layout = get_layout (cr, style, text, max_width);
  int w, h;

  if (layout == NULL)
    return 0;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
  cairo_move_to (cr, x - w * xalign, y);
  pango_cairo_show_layout (cr, layout);

  return w;
}

double
tc_chart_text_width (cairo_t           *cr,
                     const TcDrawStyle *style,
                     const char        *text)
{
  PangoLayout *layout = get_layout (cr, style, text, -1);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

/* ---- time axis ------------------------------------------------------- */

void
tc_time_ticks_compute (TcTimeTicks *ticks,
                       gint64       begin_ns,
                       gint64       end_ns,
                       double       width,
                       double       min_spacing)
{
  static const gint64 mantissas[] = { 1, 2, 5 };
  double wanted;
  gint64 step = 1;

  memset (ticks, 0, sizeof *ticks);
  if (end_ns <= begin_ns || width <= 0)
    return;

  wanted = (double) (end_ns - begin_ns) * min_spacing / width;
  for (gint64 decade = 1; decade <= G_GINT64_CONSTANT (1000000000000000); decade *= 10)
    {
      for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
        if ((double) (mantissas[i] * decade) >= wanted)
          {
            step = mantissas[i] * decade;
            goto found;
          }
    }
found:
  ticks->step_ns = step;
  ticks->first_ns = (begin_ns + step - 1) / step * step;
  if (begin_ns < 0)
    ticks->first_ns = begin_ns / step * step;
  ticks->n = ticks->first_ns <= end_ns ? (guint) ((end_ns - ticks->first_ns) / step + 1) : 0;
}

char *
tc_time_tick_label (gint64 time_ns,
                    gint64 step_ns)
{
  double unit;
  const char *name;
  int decimals;

  if (step_ns >= 100000000)
    unit = 1e9, name = _("s");
  else if (step_ns >= 100000)
    unit = 1e6, name = _("ms");
  else if (step_ns >= 100)
    unit = 1e3, name = _("µs");
  else
    unit = 1, name = _("ns");

  decimals = (int) ceil (-log10 ((double) step_ns / unit) - 1e-9);
  decimals = CLAMP (decimals, 0, 9);

  return g_strdup_printf ("%.*f %s", decimals, (double) time_ns / unit, name);
}

void
tc_draw_time_axis (cairo_t           *cr,
                   const TcDrawStyle *style,
                   double             width,
                   double             height,
                   gint64             begin_ns,
                   gint64             end_ns)
{
  TcTimeTicks ticks;

  tc_time_ticks_compute (&ticks, begin_ns, end_ns, width, 90.0);

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgba (cr, style->grid.red, style->grid.green, style->grid.blue, style->grid.alpha * 2);
  cairo_move_to (cr, 0, height - 0.5);
  cairo_line_to (cr, width, height - 0.5);
  cairo_stroke (cr);

  for (guint i = 0; i < ticks.n; i++)
    {
      gint64 t = ticks.first_ns + (gint64) i * ticks.step_ns;
      double x = round (tc_chart_time_to_x (t, begin_ns, end_ns, width)) + 0.5;
      g_autofree char *label = tc_time_tick_label (t, ticks.step_ns);

      cairo_set_source_rgba (cr, style->dim.red, style->dim.green, style->dim.blue, style->dim.alpha);
      cairo_move_to (cr, x, height - 6);
      cairo_line_to (cr, x, height);
      cairo_stroke (cr);
      tc_chart_draw_text (cr, style, &style->dim, x + 3, 2, 0.0, -1, label);
    }
  cairo_restore (cr);
}

void
tc_draw_time_grid (cairo_t           *cr,
                   const TcDrawStyle *style,
                   double             width,
                   double             height,
                   gint64             begin_ns,
                   gint64             end_ns)
{
  TcTimeTicks ticks;

  tc_time_ticks_compute (&ticks, begin_ns, end_ns, width, 90.0);

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgba (cr, style->grid.red, style->grid.green, style->grid.blue, style->grid.alpha);
  for (guint i = 0; i < ticks.n; i++)
    {
      double x = round (tc_chart_time_to_x (ticks.first_ns + (gint64) i * ticks.step_ns,
                                            begin_ns, end_ns, width)) + 0.5;
      cairo_move_to (cr, x, 0);
      cairo_line_to (cr, x, height);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* ---- markers --------------------------------------------------------- */

static int
compare_marker (gconstpointer a,
                gconstpointer b)
{
  const TcMarker *ma = a;
  const TcMarker *mb = b;

  return (ma->time_ns > mb->time_ns) - (ma->time_ns < mb->time_ns);
}

GArray *
tc_chart_collect_markers (TcDocument *doc)
{
  GArray *markers = g_array_new (FALSE, FALSE, sizeof (TcMarker));
  GArray *snaps = tc_document_get_snapshots (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  GArray *marks = tc_document_get_marks (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);

  for (guint i = 0; snaps != NULL && i < snaps->len; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);
      TcMarker m = { s->time_ns, 0, TC_MARKER_SNAPSHOT, *s->label ? s->label : s->evt };

      if (s->kind == TC_SNAPSHOT_CRASH)
        continue;
      g_array_append_val (markers, m);
    }
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);
      TcMarker m = { w->time_ns, 0, w->level == TC_LEVEL_ERROR ? TC_MARKER_ERROR : TC_MARKER_WARNING,
                     w->message };
      g_array_append_val (markers, m);
    }
  for (guint i = 0; marks != NULL && i < marks->len; i++)
    {
      const TcDocMark *k = &g_array_index (marks, TcDocMark, i);
      TcMarker m = { k->time_ns, k->duration_ns,
                     k->kind == TC_MARK_BLOCK ? TC_MARKER_BLOCK : TC_MARKER_CHECKPOINT, k->name };
      g_array_append_val (markers, m);
    }
  if (crash != NULL)
    {
      TcMarker m = { crash->time_ns, 0, TC_MARKER_CRASH, crash->exc_type };
      g_array_append_val (markers, m);
    }

  g_array_sort (markers, compare_marker);
  return markers;
}

static const GdkRGBA *
marker_color (const TcDrawStyle *style,
              TcMarkerKind       kind)
{
  switch (kind)
    {
    case TC_MARKER_WARNING:
      return &style->warning;
    case TC_MARKER_ERROR:
    case TC_MARKER_CRASH:
      return &style->error;
    case TC_MARKER_CHECKPOINT:
    case TC_MARKER_BLOCK:
      return &style->success;
    case TC_MARKER_SNAPSHOT:
    default:
      return &style->accent;
    }
}

/* Marker layers, bottom to top: bands, then point marks, the crash last. */
static const struct
{
  TcMarkerKind kind;
  gboolean     bands;
  double       alpha;
} marker_layers[] = {
  { TC_MARKER_CHECKPOINT, TRUE, 0.55 },
  { TC_MARKER_BLOCK, TRUE, 0.55 },
  { TC_MARKER_SNAPSHOT, FALSE, 0.6 },
  { TC_MARKER_CHECKPOINT, FALSE, 0.9 },
  { TC_MARKER_BLOCK, FALSE, 0.9 },
  { TC_MARKER_WARNING, FALSE, 0.9 },
  { TC_MARKER_ERROR, FALSE, 0.9 },
  { TC_MARKER_CRASH, FALSE, 0.9 },
};

/* What one layer keeps of the visible markers: one point mark per pixel,
 * bands that touch within a pixel merged, so that it stays as small as
 * the plot is wide whatever the number of markers. */
typedef struct
{
  GArray *xs;        /* double: a point's x, or a band's x0 and x1 */
  double  last_x;    /* pixel of the last point */
  double  run_x0, run_x1;
} MarkerLayer;

static int
marker_layer (const TcMarker *m)
{
  for (guint k = 0; k < G_N_ELEMENTS (marker_layers); k++)
    if (marker_layers[k].kind == m->kind && marker_layers[k].bands == (m->duration_ns > 0))
      return k;
  return -1;
}

static void
layer_add_band (MarkerLayer *layer,
                double       x,
                double       x2,
                double       width)
{
  x = MAX (x, 0);
  x2 = MAX (MIN (x2, width), x + 1.0);
  if (x <= layer->run_x1 + 1.0)
    {
      layer->run_x1 = MAX (layer->run_x1, x2);
      return;
    }
  if (layer->run_x1 > layer->run_x0)
    {
      g_array_append_val (layer->xs, layer->run_x0);
      g_array_append_val (layer->xs, layer->run_x1);
    }
  layer->run_x0 = x;
  layer->run_x1 = x2;
}

static void
path_point_marker (cairo_t      *cr,
                   TcMarkerKind  kind,
                   double        x,
                   double        height)
{
  switch (kind)
    {
    case TC_MARKER_SNAPSHOT:
      cairo_rectangle (cr, floor (x), height - 14, 1, 5);
      break;

    case TC_MARKER_WARNING:
    case TC_MARKER_ERROR:
      cairo_move_to (cr, x, height - 10);
      cairo_line_to (cr, x - 4.5, height - 18);
      cairo_line_to (cr, x + 4.5, height - 18);
      cairo_close_path (cr);
      break;

    case TC_MARKER_CRASH:
      cairo_rectangle (cr, floor (x) - 0.5, 0, 2, height);
      cairo_new_sub_path (cr);
      cairo_arc (cr, x + 0.5, height - 14, 5, 0, 2 * G_PI);
      cairo_close_path (cr);
      break;

    case TC_MARKER_CHECKPOINT:
    case TC_MARKER_BLOCK:
    default:
      cairo_rectangle (cr, floor (x), height - 8, 1, 8);
      break;
    }
}

/* Index of the first of the (time-ordered) markers after t_ns. */
static guint
first_marker_after (const TcMarker *markers,
                    guint           n,
                    gint64          t_ns)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (markers[mid].time_ns <= t_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* A long recording has hundreds of thousands of markers (a checkpoint or
 * a block every few steps): they are read once per frame, not once per
 * layer, and not past the end of the view (they are in time order). */
void
tc_draw_markers (cairo_t           *cr,
                 const TcDrawStyle *style,
                 GArray            *markers,
                 double             width,
                 double             height,
                 gint64             begin_ns,
                 gint64             end_ns)
{
  MarkerLayer layers[G_N_ELEMENTS (marker_layers)];
  const TcMarker *all;
  guint hi;

  if (markers == NULL || markers->len == 0 || end_ns <= begin_ns)
    return;

  /* Up to the plot's right edge, with a pixel's slack for rounding. */
  all = (const TcMarker *) (gpointer) markers->data;
  hi = first_marker_after (all, markers->len, end_ns + (gint64) ((end_ns - begin_ns) / MAX (width, 1.0)));
  for (guint k = 0; k < G_N_ELEMENTS (layers); k++)
    layers[k] = (MarkerLayer) { g_array_new (FALSE, FALSE, sizeof (double)), -G_MAXDOUBLE, 0, -G_MAXDOUBLE };
  for (guint i = 0; i < hi; i++)
    {
      const TcMarker *m = &all[i];
      int k;
      double x, x2;

      x = tc_chart_time_to_x (m->time_ns, begin_ns, end_ns, width);
      x2 = tc_chart_time_to_x (m->time_ns + m->duration_ns, begin_ns, end_ns, width);
      if (x2 < 0 || x > width || (k = marker_layer (m)) < 0)
        continue;
      if (marker_layers[k].bands)
        layer_add_band (&layers[k], x, x2, width);
      else if (floor (x) != layers[k].last_x)
        {
          layers[k].last_x = floor (x);
          g_array_append_val (layers[k].xs, x);
        }
    }

  cairo_save (cr);
  for (guint k = 0; k < G_N_ELEMENTS (layers); k++)
    {
      const GdkRGBA *c = marker_color (style, marker_layers[k].kind);
      const double *xs = (const double *) (gpointer) layers[k].xs->data;
      guint n = layers[k].xs->len;

      cairo_new_path (cr);
      if (marker_layers[k].bands)
        {
          double band_y = marker_layers[k].kind == TC_MARKER_BLOCK ? height - 4 : height - 8;

          for (guint j = 0; j + 1 < n; j += 2)
            cairo_rectangle (cr, xs[j], band_y, xs[j + 1] - xs[j], 3);
          if (layers[k].run_x1 > layers[k].run_x0)
            cairo_rectangle (cr, layers[k].run_x0, band_y, layers[k].run_x1 - layers[k].run_x0, 3);
        }
      else
        for (guint j = 0; j < n; j++)
          path_point_marker (cr, marker_layers[k].kind, xs[j], height);
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, marker_layers[k].alpha);
      cairo_fill (cr);
      g_array_unref (layers[k].xs);
    }
  cairo_restore (cr);
}

void
tc_draw_time_overlay (cairo_t           *cr,
                      const TcDrawStyle *style,
                      double             width,
                      double             height,
                      gint64             begin_ns,
                      gint64             end_ns,
                      gint64             cursor_ns,
                      gboolean           has_selection,
                      gint64             sel_begin_ns,
                      gint64             sel_end_ns)
{
  const GdkRGBA *a = &style->accent;

  cairo_save (cr);
  if (has_selection && sel_end_ns > sel_begin_ns)
    {
      double x1 = CLAMP (tc_chart_time_to_x (sel_begin_ns, begin_ns, end_ns, width), -1, width + 1);
      double x2 = CLAMP (tc_chart_time_to_x (sel_end_ns, begin_ns, end_ns, width), -1, width + 1);

      cairo_set_source_rgba (cr, a->red, a->green, a->blue, 0.15);
      cairo_rectangle (cr, x1, 0, x2 - x1, height);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, a->red, a->green, a->blue, 0.7);
      cairo_rectangle (cr, round (x1), 0, 1, height);
      cairo_rectangle (cr, round (x2), 0, 1, height);
      cairo_fill (cr);
    }
  if (cursor_ns >= 0 && cursor_ns >= begin_ns && cursor_ns <= end_ns)
    {
      double x = round (tc_chart_time_to_x (cursor_ns, begin_ns, end_ns, width));

      cairo_set_source_rgba (cr, a->red, a->green, a->blue, 1.0);
      cairo_rectangle (cr, x - 0.5, 0, 2, height);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

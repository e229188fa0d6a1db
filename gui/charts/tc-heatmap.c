/* tc-heatmap.c — numeric variables and metrics as rows of coloured cells
 *
 * SPDX-License-Identifier: MIT
 *
 * Each row is normalized to its own range, so a loss of 0.1…8 and an epoch
 * of 0…20 read alike: dark = low, bright = high.  Columns follow the
 * session's visible range, like every time chart.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-time-navigation.h"
#include "tc-units.h"

#include "tc-heatmap.h"

#define CELL 6.0
/* Below a single variable's row: its colour scale with min and max. */
#define LEGEND_HEIGHT 30.0
#define LEGEND_WIDTH  240.0

struct _TcHeatmap
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  GArray          *rows;     /* TcHeatmapRow */
  char            *variable; /* the one row shown, with a legend; NULL = all */
};

G_DEFINE_FINAL_TYPE (TcHeatmap, tc_heatmap, GTK_TYPE_WIDGET)

/* viridis at five stops */
static const double stops[5][3] = {
  { 0.267, 0.005, 0.329 }, { 0.231, 0.322, 0.545 }, { 0.129, 0.569, 0.549 },
  { 0.369, 0.788, 0.384 }, { 0.992, 0.906, 0.145 },
};

void
tc_heatmap_color (double   fraction,
                  GdkRGBA *color)
{
  double f = CLAMP (fraction, 0.0, 1.0) * 4.0;
  guint i = MIN ((guint) f, 3);
  double t = f - i;

  color->red = stops[i][0] + (stops[i + 1][0] - stops[i][0]) * t;
  color->green = stops[i][1] + (stops[i + 1][1] - stops[i][1]) * t;
  color->blue = stops[i][2] + (stops[i + 1][2] - stops[i][2]) * t;
  color->alpha = 1.0;
}

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

double
tc_heatmap_cell_value (const TcHeatmapRow *row,
                       gint64              begin_ns,
                       gint64              end_ns)
{
  guint first = lower_bound (row->times, row->n, begin_ns);
  guint last = lower_bound (row->times, row->n, end_ns);
  double sum = 0;
  guint n = 0;

  for (guint i = first; i < last; i++)
    if (isfinite (row->values[i]))
      {
        sum += row->values[i];
        n++;
      }
  if (n > 0)
    return sum / n;
  for (guint i = first; i > 0; i--)
    if (isfinite (row->values[i - 1]))
      return row->values[i - 1];
  return NAN;
}

void
tc_draw_heatmap (cairo_t            *cr,
                 const TcDrawStyle  *style,
                 const TcHeatmapRow *rows,
                 guint               n_rows,
                 double              width,
                 double              cell_width,
                 gint64              begin_ns,
                 gint64              end_ns)
{
  guint n_cells = (guint) MAX (1, ceil (width / cell_width));
  static const GdkRGBA white = { 1, 1, 1, 0.95 };

  for (guint r = 0; r < n_rows; r++)
    {
      const TcHeatmapRow *row = &rows[r];
      double y = r * TC_HEATMAP_ROW;
      double min = INFINITY, max = -INFINITY;

      for (guint i = 0; i < row->n; i++)
        if (isfinite (row->values[i]))
          {
            min = MIN (min, row->values[i]);
            max = MAX (max, row->values[i]);
          }

      for (guint c = 0; c < n_cells; c++)
        {
          gint64 t0 = tc_chart_x_to_time (c * cell_width, begin_ns, end_ns, width);
          gint64 t1 = tc_chart_x_to_time ((c + 1) * cell_width, begin_ns, end_ns, width);
          double v = tc_heatmap_cell_value (row, t0, MAX (t1, t0 + 1));
          GdkRGBA color;

          if (!isfinite (v))
            continue;
          tc_heatmap_color (max > min ? (v - min) / (max - min) : 0.5, &color);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, c * cell_width, y, cell_width + 0.5, TC_HEATMAP_ROW - 1);
          cairo_fill (cr);
        }

      /* The name on a dark plate, readable over any colour. */
      {
        double w = tc_chart_text_width (cr, style, row->name);

        cairo_set_source_rgba (cr, 0, 0, 0, 0.45);
        tc_draw_rounded_rect (cr, 2, y + 2, MIN (w + 8, width - 4), TC_HEATMAP_ROW - 5, 3);
        cairo_fill (cr);
        tc_chart_draw_text (cr, style, &white, 6, y + 3, 0.0, width - 12, row->name);
      }
    }
}

static void
row_clear (gpointer data)
{
  TcHeatmapRow *row = data;

  g_free (row->name);
  g_free (row->times);
  g_free (row->values);
}

static void
add_series (TcHeatmap  *self,
            const char *name,
            GArray     *times,
            GArray     *values)
{
  TcHeatmapRow row = { g_strdup (name), NULL, NULL, times->len };
  guint finite = 0;

  for (guint i = 0; i < values->len; i++)
    finite += isfinite (g_array_index (values, double, i));
  if (finite < 2)
    {
      g_free (row.name);
      return;
    }
  row.times = g_memdup2 (times->data, sizeof (gint64) * times->len);
  row.values = g_memdup2 (values->data, sizeof (double) * values->len);
  g_array_append_val (self->rows, row);
}

static void
build_rows (TcHeatmap *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  GPtrArray *metrics = tc_document_get_metrics (doc);
  GPtrArray *vars = tc_document_get_vars (doc);

  for (guint i = 0; metrics != NULL && i < metrics->len; i++)
    {
      const TcDocSeries *s = g_ptr_array_index (metrics, i);

      g_array_set_size (times, 0);
      g_array_set_size (values, 0);
      for (guint k = 0; k < s->points->len; k++)
        {
          const TcDocPoint *p = &g_array_index (s->points, TcDocPoint, k);
          g_array_append_val (times, p->time_ns);
          g_array_append_val (values, p->value);
        }
      add_series (self, s->name, times, values);
    }
  for (guint i = 0; vars != NULL && i < vars->len; i++)
    {
      const TcDocVar *var = g_ptr_array_index (vars, i);

      if (var->n_changes < 2)
        continue;
      g_array_set_size (times, 0);
      g_array_set_size (values, 0);
      for (guint k = 0; k < var->history->len; k++)
        {
          const TcDocVarPoint *p = &g_array_index (var->history, TcDocVarPoint, k);
          double v = p->local != NULL ? tc_value_to_double (&p->local->value) : NAN;

          g_array_append_val (times, p->time_ns);
          g_array_append_val (values, v);
        }
      {
        /* "train.loss": a metric and a local often share a name. */
        g_autofree char *name = g_strdup_printf ("%s.%s", tc_document_code_name (doc, var->code_id), var->name);
        add_series (self, name, times, values);
      }
    }
}

/* The smallest and largest finite value of a row: the ends of its scale. */
gboolean
tc_heatmap_row_range (const TcHeatmapRow *row,
                      double             *min,
                      double             *max)
{
  *min = INFINITY;
  *max = -INFINITY;
  for (guint i = 0; i < row->n; i++)
    if (isfinite (row->values[i]))
      {
        *min = MIN (*min, row->values[i]);
        *max = MAX (*max, row->values[i]);
      }
  return *min <= *max;
}

static void
draw_legend (cairo_t            *cr,
             const TcDrawStyle  *style,
             const TcHeatmapRow *row,
             double              y,
             double              width)
{
  double w = MIN (LEGEND_WIDTH, width - 8);
  double min, max;
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;

  if (w < 40 || !tc_heatmap_row_range (row, &min, &max))
    return;
  for (guint i = 0; i < 48; i++)
    {
      GdkRGBA color;

      tc_heatmap_color (i / 47.0, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, 4 + i * w / 48, y + 4, w / 48 + 0.5, 8);
      cairo_fill (cr);
    }
  lo = g_strdup_printf ("%.4g", min);
  hi = g_strdup_printf ("%.4g", max);
  tc_chart_draw_text (cr, style, &style->dim, 4, y + 14, 0.0, w / 2 - 4, lo);
  tc_chart_draw_text (cr, style, &style->dim, 4 + w, y + 14, 1.0, w / 2 - 4, hi);
}

static void
tc_heatmap_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  TcHeatmap *self = TC_HEATMAP (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 300;
  else
    *minimum = *natural = (int) (self->rows->len * TC_HEATMAP_ROW +
                                 (self->variable != NULL && self->rows->len > 0 ? LEGEND_HEIGHT : 0));
}

static void
tc_heatmap_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  TcHeatmap *self = TC_HEATMAP (widget);
  double plot = tc_time_navigation_plot_width (widget);
  gint64 begin = tc_viewer_session_get_visible_begin (self->session);
  gint64 end = tc_viewer_session_get_visible_end (self->session);
  TcDrawStyle style;
  cairo_t *cr;

  if (self->rows->len == 0 || end <= begin)
    return;
  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                 gtk_widget_get_height (widget)));
  cairo_translate (cr, TC_CHART_LEFT, 0);
  cairo_rectangle (cr, 0, 0, plot, gtk_widget_get_height (widget));
  cairo_clip (cr);
  tc_draw_heatmap (cr, &style, (const TcHeatmapRow *) (gpointer) self->rows->data, self->rows->len,
                   plot, CELL, begin, end);
  if (self->variable != NULL)
    draw_legend (cr, &style, &g_array_index (self->rows, TcHeatmapRow, 0), self->rows->len * TC_HEATMAP_ROW, plot);
  tc_draw_time_overlay (cr, &style, plot, gtk_widget_get_height (widget), begin, end,
                        tc_viewer_session_get_cursor (self->session),
                        tc_viewer_session_get_has_selection (self->session),
                        tc_viewer_session_get_selected_begin (self->session),
                        tc_viewer_session_get_selected_end (self->session));
  cairo_destroy (cr);
}

static gboolean
query_tooltip_cb (TcHeatmap  *self,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  double plot = tc_time_navigation_plot_width (GTK_WIDGET (self));
  gint64 begin = tc_viewer_session_get_visible_begin (self->session);
  gint64 end = tc_viewer_session_get_visible_end (self->session);
  guint r = (guint) (y / TC_HEATMAP_ROW);
  double cx = floor ((x - TC_CHART_LEFT) / CELL) * CELL;
  const TcHeatmapRow *row;
  gint64 t0, t1;
  double v;
  g_autofree char *at = NULL;
  g_autofree char *text = NULL;

  if (x < TC_CHART_LEFT || y < 0 || r >= self->rows->len)
    return FALSE;
  row = &g_array_index (self->rows, TcHeatmapRow, r);
  t0 = tc_chart_x_to_time (cx, begin, end, plot);
  t1 = tc_chart_x_to_time (cx + CELL, begin, end, plot);
  v = tc_heatmap_cell_value (row, t0, MAX (t1, t0 + 1));
  at = tc_units_format_seconds (t0);
  text = g_strdup_printf ("%s ≈ %.4g\n%s", row->name, v, at);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
redraw_cb (TcHeatmap *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
tc_heatmap_dispose (GObject *object)
{
  TcHeatmap *self = (TcHeatmap *)object;

  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->variable, g_free);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_heatmap_parent_class)->dispose (object);
}

static void
tc_heatmap_class_init (TcHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_heatmap_dispose;
  widget_class->measure = tc_heatmap_measure;
  widget_class->snapshot = tc_heatmap_snapshot;
  gtk_widget_class_set_css_name (widget_class, "heatmap");
}

static void
tc_heatmap_init (TcHeatmap *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (TcHeatmapRow));
  g_array_set_clear_func (self->rows, row_clear);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
tc_heatmap_new (TcViewerSession *session)
{
  TcHeatmap *self;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  self = g_object_new (TC_TYPE_HEATMAP, NULL);
  self->session = g_object_ref (session);
  build_rows (self);
  g_signal_connect_object (session, "notify", G_CALLBACK (redraw_cb), self, G_CONNECT_SWAPPED);
  tc_time_navigation_attach (GTK_WIDGET (self), session);
  return GTK_WIDGET (self);
}

guint
tc_heatmap_get_n_rows (TcHeatmap *self)
{
  return self->rows->len;
}

const TcHeatmapRow *
tc_heatmap_get_row (TcHeatmap *self,
                    guint      index)
{
  g_return_val_if_fail (index < self->rows->len, NULL);

  return &g_array_index (self->rows, TcHeatmapRow, index);
}

/* Shows only the row named `name` (a variable "function.name" or a metric),
 * with its colour legend; NULL shows every row again.  FALSE when there is
 * no such row (nothing is shown then). */
gboolean
tc_heatmap_set_variable (TcHeatmap  *self,
                         const char *name)
{
  g_return_val_if_fail (TC_IS_HEATMAP (self), FALSE);

  g_free (self->variable);
  self->variable = g_strdup (name);
  g_array_set_size (self->rows, 0);
  build_rows (self);
  if (name != NULL)
    for (guint i = self->rows->len; i > 0; i--)
      if (!g_str_equal (g_array_index (self->rows, TcHeatmapRow, i - 1).name, name))
        g_array_remove_index (self->rows, i - 1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  return name == NULL || self->rows->len == 1;
}

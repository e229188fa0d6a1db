/* tc-histogram.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-units.h"

#include "tc-histogram.h"

/* About one bar per 8 px, within these bounds. */
#define MIN_BINS 8
#define PX_PER_BIN 8

struct _TcHistogram
{
  GtkWidget        parent_instance;

  TcDurations     *durations;      /* shared with the document, not copied */
  guint            n;
  double           markers[3];
  TcHistogramBins  bins;
  int              binned_width;
};

G_DEFINE_FINAL_TYPE (TcHistogram, tc_histogram, GTK_TYPE_WIDGET)

static void
tc_histogram_rebin (TcHistogram *self,
                    int          width)
{
  guint n_bins = CLAMP (width / PX_PER_BIN, MIN_BINS, TC_HISTOGRAM_MAX_BINS);

  /* Few calls make few bars: about 2·√n bins (40 calls → 13), so the
   * shape shows instead of a comb of single calls. */
  if (self->n > 0)
    n_bins = MIN (n_bins, MAX (MIN_BINS, (guint)(2.0 * sqrt ((double)self->n))));

  tc_histogram_bins_compute (&self->bins, self->durations, n_bins);
  self->binned_width = width;
}

static void
tc_histogram_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TcHistogram *self = (TcHistogram *)widget;
  static const char *labels[] = { "p50", "p95", "p99" };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  TcDrawStyle style;
  cairo_t *cr;

  if (self->n == 0 || width <= 0 || height <= 0)
    return;

  if (width != self->binned_width)
    tc_histogram_rebin (self, width);

  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  tc_draw_histogram (cr, &style, width, height, &self->bins,
                     self->markers, labels, G_N_ELEMENTS (self->markers));
  cairo_destroy (cr);
}

static gboolean
tc_histogram_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard,
                            GtkTooltip *tooltip)
{
  TcHistogram *self = (TcHistogram *)widget;
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;
  g_autofree char *text = NULL;
  int bin;

  if (self->n == 0)
    return FALSE;

  bin = tc_histogram_bins_at_x (&self->bins, gtk_widget_get_width (widget), x);
  if (bin < 0)
    return FALSE;

  lo = tc_units_format_ms (tc_histogram_bins_edge_ms (&self->bins, bin));
  hi = tc_units_format_ms (tc_histogram_bins_edge_ms (&self->bins, bin + 1));
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u call took %s – %s",
                                       "%u calls took %s – %s", self->bins.counts[bin]),
                          self->bins.counts[bin], lo, hi);
  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
tc_histogram_finalize (GObject *object)
{
  TcHistogram *self = (TcHistogram *)object;

  g_clear_pointer (&self->durations, tc_durations_unref);

  G_OBJECT_CLASS (tc_histogram_parent_class)->finalize (object);
}

static void
tc_histogram_class_init (TcHistogramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tc_histogram_finalize;

  widget_class->snapshot = tc_histogram_snapshot;
  widget_class->query_tooltip = tc_histogram_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "histogram");
}

static void
tc_histogram_init (TcHistogram *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 240, 160);
}

GtkWidget *
tc_histogram_new (void)
{
  return g_object_new (TC_TYPE_HISTOGRAM, NULL);
}

/**
 * tc_histogram_set_durations:
 * @durations: (nullable): per-call durations (kept: a reference, not a copy)
 *
 * Shows the distribution of one function's call durations with its p50,
 * p95 and p99 marked.
 */
void
tc_histogram_set_durations (TcHistogram  *self,
                            TcDurations  *durations,
                            double        p50_ms,
                            double        p95_ms,
                            double        p99_ms)
{
  g_return_if_fail (TC_IS_HISTOGRAM (self));

  if (durations != NULL)
    tc_durations_ref (durations);
  g_clear_pointer (&self->durations, tc_durations_unref);
  self->durations = durations;
  self->n = durations ? tc_durations_get_n (durations) : 0;
  self->markers[0] = p50_ms;
  self->markers[1] = p95_ms;
  self->markers[2] = p99_ms;

  tc_histogram_rebin (self, MAX (gtk_widget_get_width (GTK_WIDGET (self)), 240));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * tc_histogram_get_bins:
 *
 * Returns: (transfer none): the bins as last computed
 */
const TcHistogramBins *
tc_histogram_get_bins (TcHistogram *self)
{
  g_return_val_if_fail (TC_IS_HISTOGRAM (self), NULL);

  return &self->bins;
}

/* test-widgets.c — drawing helpers and small widgets of the viewer
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>

#include "tc-bar-cell.h"
#include "tc-draw.h"
#include "tc-histogram.h"
#include "tc-units.h"

#define MS G_GINT64_CONSTANT (1000000)

static void
test_histogram_bins_linear (void)
{
  /* 1, 2, 3, 10 ms in 3 bins of 3 ms: [1,4) [4,7) [7,10]. */
  static const gint64 durations[] = { 1 * MS, 2 * MS, 3 * MS, 10 * MS };
  g_autoptr (TcDurations) sorted = tc_durations_new (durations, G_N_ELEMENTS (durations));
  TcHistogramBins bins;

  tc_histogram_bins_compute (&bins, sorted, 3);
  g_assert_false (bins.log_scale);
  g_assert_cmpuint (bins.n_bins, ==, 3);
  g_assert_cmpuint (bins.counts[0], ==, 3);
  g_assert_cmpuint (bins.counts[1], ==, 0);
  g_assert_cmpuint (bins.counts[2], ==, 1);
  g_assert_cmpuint (bins.max_count, ==, 3);
  g_assert_cmpfloat_with_epsilon (tc_histogram_bins_edge_ms (&bins, 0), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tc_histogram_bins_edge_ms (&bins, 1), 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tc_histogram_bins_edge_ms (&bins, 3), 10.0, 1e-9);
}

static void
test_histogram_bins_log (void)
{
  /* 0.01 ms … 100 ms spans 10⁴: log bins, one decade per bin with 4 bins;
   * the values sit inside the decades, away from the edges. */
  static const gint64 durations[] = { 10000, 300000, 300000, 3 * MS, 30 * MS, 100 * MS };
  g_autoptr (TcDurations) sorted = tc_durations_new (durations, G_N_ELEMENTS (durations));
  TcHistogramBins bins;

  tc_histogram_bins_compute (&bins, sorted, 4);
  g_assert_true (bins.log_scale);
  g_assert_cmpuint (bins.counts[0], ==, 1);
  g_assert_cmpuint (bins.counts[1], ==, 2);
  g_assert_cmpuint (bins.counts[2], ==, 1);
  g_assert_cmpuint (bins.counts[3], ==, 2);
  g_assert_cmpfloat_with_epsilon (tc_histogram_bins_edge_ms (&bins, 2), 1.0, 1e-9);

  /* Hit testing maps the plot's x back to the bins, -1 outside. */
  g_assert_cmpint (tc_histogram_bins_at_x (&bins, 400, 5), ==, -1);
  g_assert_cmpint (tc_histogram_bins_at_x (&bins, 400, 50), ==, 0);
  g_assert_cmpint (tc_histogram_bins_at_x (&bins, 400, 385), ==, 3);
  g_assert_cmpint (tc_histogram_bins_at_x (&bins, 400, 399), ==, -1);
}

static void
test_histogram_bins_single (void)
{
  static const gint64 durations[] = { 5 * MS, 5 * MS, 5 * MS };
  g_autoptr (TcDurations) sorted = tc_durations_new (durations, G_N_ELEMENTS (durations));
  TcHistogramBins bins;
  guint sum = 0;

  tc_histogram_bins_compute (&bins, sorted, 8);
  for (guint i = 0; i < bins.n_bins; i++)
    sum += bins.counts[i];
  g_assert_cmpuint (sum, ==, 3);
  g_assert_cmpfloat (bins.lo_ms, <, 5.0);
  g_assert_cmpfloat (bins.hi_ms, >, 5.0);

  tc_histogram_bins_compute (&bins, NULL, 8);
  g_assert_cmpuint (bins.max_count, ==, 0);
}

/* The same drawing code renders on a PDF surface (the export) and pixels. */
static void
test_histogram_draw (void)
{
  static const gint64 durations[] = { 1 * MS, 2 * MS, 2 * MS, 3 * MS, 10 * MS };
  g_autoptr (TcDurations) sorted = tc_durations_new (durations, G_N_ELEMENTS (durations));
  static const double markers[] = { 2.0, 3.0, 10.0 };
  static const char *labels[] = { "p50", "p95", "p99" };
  g_autofree char *pdf_path = g_build_filename (g_get_tmp_dir (), "tc-test-histogram.pdf", NULL);
  g_autofree char *pdf = NULL;
  TcHistogramBins bins;
  TcDrawStyle style;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint8 *data;
  int stride;
  guint painted = 0;
  gsize len;

  tc_draw_style_init_light (&style);
  tc_histogram_bins_compute (&bins, sorted, 3);
  g_assert_cmpuint (bins.counts[0], ==, 4);

  surface = cairo_pdf_surface_create (pdf_path, 400, 200);
  cr = cairo_create (surface);
  tc_draw_histogram (cr, &style, 400, 200, &bins, markers, labels, 3);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &len, NULL));
  g_assert_cmpuint (len, >, 500);
  g_assert_true (g_str_has_prefix (pdf, "%PDF"));
  g_unlink (pdf_path);

  /* On pixels: the tallest bar (four calls in [1, 4) ms, bin 0) reaches the
   * top of the plot; the short bar of bin 2 stays below the middle. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 200);
  cr = cairo_create (surface);
  tc_draw_histogram (cr, &style, 400, 200, &bins, NULL, NULL, 0);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int x = 0; x < 400; x++)
    {
      guint32 pixel = *(guint32 *)(data + 100 * stride + x * 4);

      if ((pixel >> 24) > 0x80)
        painted++;
    }
  /* Only bin 0 (≈ 112 px of the 344 px plot) crosses y = 100. */
  g_assert_cmpuint (painted, >, 100);
  g_assert_cmpuint (painted, <, 120);
  cairo_surface_destroy (surface);
}

static void
test_units (void)
{
  g_autofree char *ns = tc_units_format_ms (0.0005);
  g_autofree char *us = tc_units_format_ms (0.25);
  g_autofree char *ms = tc_units_format_ms (1.5);
  g_autofree char *s = tc_units_format_ms (2500);
  g_autofree char *t = tc_units_format_seconds (G_GINT64_CONSTANT (1234500000));

  g_assert_cmpstr (ns, ==, "500 ns");
  g_assert_cmpstr (us, ==, "250 µs");
  g_assert_cmpstr (ms, ==, "1.50 ms");
  g_assert_cmpstr (s, ==, "2.50 s");
  g_assert_cmpstr (t, ==, "1.2345 s");
}

static void
test_bar_cell (void)
{
  GtkWidget *cell = g_object_ref_sink (tc_bar_cell_new ());
  int minimum, natural;

  tc_bar_cell_set_text (TC_BAR_CELL (cell), "12.5 ms");
  tc_bar_cell_set_fraction (TC_BAR_CELL (cell), 0.25);
  g_assert_cmpfloat (tc_bar_cell_get_fraction (TC_BAR_CELL (cell)), ==, 0.25);

  /* Room for the text and the bar. */
  gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, >, 64);

  g_object_unref (cell);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/Tc/Gui/draw/histogram-bins-linear", test_histogram_bins_linear);
  g_test_add_func ("/Tc/Gui/draw/histogram-bins-log", test_histogram_bins_log);
  g_test_add_func ("/Tc/Gui/draw/histogram-bins-single", test_histogram_bins_single);
  g_test_add_func ("/Tc/Gui/draw/histogram-draw", test_histogram_draw);
  g_test_add_func ("/Tc/Gui/units/format", test_units);
  g_test_add_func ("/Tc/Gui/widgets/bar-cell", test_bar_cell);

  return g_test_run ();
}

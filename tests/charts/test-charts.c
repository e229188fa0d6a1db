/* test-charts.c — time axis, series scaling and anomaly markers, time
 * navigation, flame chart spans
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "tc-chart-draw.h"
#include "tc-flame-chart.h"
#include "tc-time-navigation.h"

#include "tc-chart-fixture.h"

#define MS G_GINT64_CONSTANT (1000000)

static TcDocument *
fixture_document (guint steps)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "tc-test-charts.tc", NULL);
  g_autoptr(GError) error = NULL;
  TcDocument *doc;

  g_assert_true (tc_chart_fixture_write (path, steps, FALSE, &error));
  g_assert_no_error (error);
  doc = tc_document_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  return doc;
}

static TcViewerSession *
fixture_session (guint steps)
{
  g_autoptr(TcDocument) doc = fixture_document (steps);
  TcViewerSession *session = tc_viewer_session_new (NULL);

  tc_viewer_session_set_document (session, doc);
  return session;
}

static void
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done (data));
}

static void
test_ticks (void)
{
  TcTimeTicks ticks;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  /* 1 s over 1000 px with ≥ 90 px between ticks: every 100 ms. */
  tc_time_ticks_compute (&ticks, 0, 1000 * MS, 1000, 90);
  g_assert_cmpint (ticks.step_ns, ==, 100 * MS);
  g_assert_cmpint (ticks.first_ns, ==, 0);
  g_assert_cmpuint (ticks.n, ==, 11);

  /* Zoomed into 3 ms starting at 12.3456 ms over 600 px: 500 µs steps. */
  tc_time_ticks_compute (&ticks, 12345600, 15345600, 600, 90);
  g_assert_cmpint (ticks.step_ns, ==, 500000);
  g_assert_cmpint (ticks.first_ns, ==, 12500000);
  g_assert_cmpuint (ticks.n, ==, 6);

  a = tc_time_tick_label (1500 * MS, 100 * MS);
  b = tc_time_tick_label (12500000, 500000);
  c = tc_time_tick_label (250 * MS, 50 * MS);
  d = tc_time_tick_label (4000, 2000);
  g_assert_cmpstr (a, ==, "1.5 s");
  g_assert_cmpstr (b, ==, "12.5 ms");
  g_assert_cmpstr (c, ==, "250 ms");
  g_assert_cmpstr (d, ==, "4 µs");
}

static void
test_series_scale (void)
{
  TcSeriesScale scale = { 0, 10000 * MS, 0.0, 100.0, 500.0, 200.0 };
  const gint64 times[] = { 0, 2500 * MS, 5000 * MS, 10000 * MS };

  g_assert_cmpfloat_with_epsilon (tc_series_x (&scale, 5000 * MS), 250.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tc_series_y (&scale, 25.0), 150.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tc_series_y (&scale, 100.0), 0.0, 1e-9);
  g_assert_cmpint (tc_series_nearest (&scale, times, 4, 120.0), ==, 1);
  g_assert_cmpint (tc_series_nearest (&scale, times, 4, 190.0), ==, 2);
  g_assert_cmpint (tc_series_nearest (&scale, times, 4, 499.0), ==, 3);
}

static void
test_series_stats_and_shape (void)
{
  const double floats[] = { 1.5, 2.25, 1.75, 3.5, 2.5, 2.0, 1.0, 2.75, 3.25, 1.25, 2.5, 3.0, 1.5 };
  const double levels[] = { 2, 2, 3, 3, 3, 2, 2, 2, 4, 4, 2, 2, 2, 3, 3 };
  const double few[] = { 1, 5, 2 };
  TcSeriesStats stats;
  double lo, hi;

  tc_series_stats (few, 3, &stats);
  g_assert_cmpfloat_with_epsilon (stats.mean, 8.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (stats.sigma, sqrt ((pow (1 - 8.0 / 3, 2) + pow (5 - 8.0 / 3, 2) + pow (2 - 8.0 / 3, 2)) / 3), 1e-12);
  g_assert_cmpint (tc_series_choose_shape (few, 3), ==, TC_SERIES_DOTS);
  g_assert_cmpint (tc_series_choose_shape (floats, G_N_ELEMENTS (floats)), ==, TC_SERIES_LINE);
  g_assert_cmpint (tc_series_choose_shape (levels, G_N_ELEMENTS (levels)), ==, TC_SERIES_STEP);

  /* Non-negative data near 0 starts at 0; the range has headroom. */
  tc_series_nice_range (&stats, TRUE, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0.0);
  g_assert_cmpfloat (hi, >, 5.0);

  /* Large values in full, small ones with four significant digits. */
  {
    g_autofree char *big = tc_series_format_value (12920.53, NULL);
    g_autofree char *tick = tc_series_format_value (10000, "MB");
    g_autofree char *small = tc_series_format_value (0.902469, NULL);

    g_assert_cmpstr (big, ==, "12921");
    g_assert_cmpstr (tick, ==, "10000 MB");
    g_assert_cmpstr (small, ==, "0.9025");
  }

  /* A constant count spans whole numbers around it; a constant fraction
   * a tenth of itself. */
  {
    const double threads[] = { 2, 2, 2, 2 };
    const double ratio[] = { 0.5, 0.5 };

    tc_series_stats (threads, G_N_ELEMENTS (threads), &stats);
    tc_series_nice_range (&stats, FALSE, &lo, &hi);
    g_assert_cmpfloat (lo, <=, 1.0);
    g_assert_cmpfloat (hi, >=, 3.0);
    tc_series_stats (ratio, G_N_ELEMENTS (ratio), &stats);
    tc_series_nice_range (&stats, FALSE, &lo, &hi);
    g_assert_cmpfloat_with_epsilon (lo, 0.45, 1e-9);
    g_assert_cmpfloat (hi, <, 0.6);
  }
}

static void
test_anomaly_markers (void)
{
  const double values[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 10 };
  gint64 times[10];
  g_autoptr(GArray) found = NULL;
  g_autoptr(GArray) none = NULL;
  TcSeriesScale scale = { 0, 9 * MS, 0, 12, 900, 100 };

  for (guint i = 0; i < 10; i++)
    times[i] = i * MS;

  /* μ = 1.9, σ = 2.7: the spike has z = 3.0 */
  found = tc_series_anomalies (values, 10, 2.5);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpuint (g_array_index (found, guint, 0), ==, 9);
  /* Where the chart draws the marker: the last point, at the right edge,
   * 10/12 of the way up. */
  g_assert_cmpfloat_with_epsilon (tc_series_x (&scale, times[9]), 900.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tc_series_y (&scale, values[9]), 100.0 - 1000.0 / 12.0, 1e-9);

  none = tc_series_anomalies (values, 10, 3.5);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_fixture_anomaly (void)
{
  g_autoptr(TcDocument) doc = fixture_document (200);
  const TcDocSeries *loss = tc_document_get_metric (doc, "loss");
  g_autofree double *values = NULL;
  g_autoptr(GArray) found = NULL;

  g_assert_nonnull (loss);
  g_assert_cmpuint (loss->points->len, ==, 200 / FIX_SNAP_EVERY);
  values = g_new (double, loss->points->len);
  for (guint i = 0; i < loss->points->len; i++)
    values[i] = g_array_index (loss->points, TcDocPoint, i).value;
  found = tc_series_anomalies (values, loss->points->len, 3.0);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpuint (g_array_index (found, guint, 0), ==, FIX_SPIKE_SNAP);
}

/* The pixel at (x, y) of a marker test surface: 'b' blue (snapshot), 'g'
 * green (checkpoint, block), 'r' red (error, crash), ' ' nothing. */
static char
marker_pixel (cairo_surface_t *surface,
              int              x,
              int              y)
{
  const guchar *row = cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface);
  guint32 p = *(const guint32 *) (gconstpointer) (row + x * 4);
  guint a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

  if (a < 64)
    return ' ';
  return b > r && b > g ? 'b' : g > r ? 'g' : 'r';
}

static int
compare_marker_time (gconstpointer a,
                     gconstpointer b)
{
  const TcMarker *x = a, *y = b;

  return (x->time_ns > y->time_ns) - (x->time_ns < y->time_ns);
}

/* The ruler's and scrubber's markers: a band begun before the view drawn
 * from its left edge, bands apart and bands merged, one mark a pixel out
 * of 100 000, a marker at the
 * very end of the view drawn and those past it not, the crash above a
 * snapshot at the same time — with markers far past the view. */
static void
test_markers (void)
{
  const double width = 200, height = 24;   /* 1 µs a pixel */
  TcDrawStyle style = { .accent = { 0, 0, 1, 1 }, .success = { 0, 1, 0, 1 },
                        .error = { 1, 0, 0, 1 }, .warning = { 1, 1, 0, 1 } };
  g_autoptr(GArray) markers = g_array_new (FALSE, FALSE, sizeof (TcMarker));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 220, (int) height);
  cairo_t *cr = cairo_create (surface);
  TcMarker bands[] = {
    { -30000, 50000, TC_MARKER_CHECKPOINT, "epoch" },
    { 30000, 10000, TC_MARKER_CHECKPOINT, "epoch" },
    { 40500, 10000, TC_MARKER_CHECKPOINT, "epoch" },   /* within a pixel: one band */
    { 70000, 5000, TC_MARKER_CHECKPOINT, "epoch" },
  };

  g_array_append_vals (markers, bands, G_N_ELEMENTS (bands));
  for (gint64 t = 0; t < 100000; t++)
    {
      TcMarker m = { 100000 + t, 0, TC_MARKER_BLOCK, "step" };   /* pixels 100–199 */

      g_array_append_val (markers, m);
    }
  {
    TcMarker at[] = {
      { 50500, 0, TC_MARKER_SNAPSHOT, "s" },
      { 60000, 0, TC_MARKER_SNAPSHOT, "s" },
      { 60000, 0, TC_MARKER_CRASH, "boom" },
      { 200000, 0, TC_MARKER_SNAPSHOT, "end" },
      { 201500, 0, TC_MARKER_SNAPSHOT, "past" },
      { 210000, 0, TC_MARKER_ERROR, "past" },
    };

    g_array_append_vals (markers, at, G_N_ELEMENTS (at));
  }
  for (guint i = 0; i < 50000; i++)
    {
      TcMarker m = { 300000 + i, 0, TC_MARKER_SNAPSHOT, "later" };

      g_array_append_val (markers, m);
    }
  g_array_sort (markers, compare_marker_time);
  tc_draw_markers (cr, &style, markers, width, height, 0, 200000);
  cairo_surface_flush (surface);

  /* The bands: rows height-8 to height-6, x 0–20, 30–50.5 and 70–75. */
  {
    const char *row = "gggggggggggggggggggg          gggggggggggggggggggg";

    for (int x = 0; row[x] != '\0'; x++)
      g_assert_cmpint (marker_pixel (surface, x, (int) height - 7), ==, row[x]);
    g_assert_cmpint (marker_pixel (surface, 55, (int) height - 7), ==, ' ');
    g_assert_cmpint (marker_pixel (surface, 72, (int) height - 7), ==, 'g');
    g_assert_cmpint (marker_pixel (surface, 78, (int) height - 7), ==, ' ');
  }
  /* Every pixel 100–199 has its block mark (full height of the mark). */
  for (int x = 100; x < 200; x++)
    g_assert_cmpint (marker_pixel (surface, x, (int) height - 2), ==, 'g');
  g_assert_cmpint (marker_pixel (surface, 99, (int) height - 2), ==, ' ');
  /* Snapshots; the crash drawn over the one at its time. */
  g_assert_cmpint (marker_pixel (surface, 50, (int) height - 12), ==, 'b');
  g_assert_cmpint (marker_pixel (surface, 51, (int) height - 12), ==, ' ');
  g_assert_cmpint (marker_pixel (surface, 60, (int) height - 12), ==, 'r');
  g_assert_cmpint (marker_pixel (surface, 60, 2), ==, 'r');
  /* At the end of the view: drawn; past it: not. */
  g_assert_cmpint (marker_pixel (surface, 200, (int) height - 12), ==, 'b');
  g_assert_cmpint (marker_pixel (surface, 201, (int) height - 12), ==, ' ');
  g_assert_cmpint (marker_pixel (surface, 210, (int) height - 14), ==, ' ');

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_navigation (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (100);
  gint64 duration = tc_viewer_session_get_duration (session);
  gint64 begin, end;

  g_assert_cmpint (duration, >, 1000 * MS);

  /* ×2 around the middle keeps the middle where it was. */
  tc_time_navigation_zoom (session, 2.0, 500, 1000);
  begin = tc_viewer_session_get_visible_begin (session);
  end = tc_viewer_session_get_visible_end (session);
  g_assert_cmpint (ABS (end - begin - duration / 2), <=, 2);
  g_assert_cmpint (ABS ((begin + end) / 2 - duration / 2), <=, 2);

  /* Anchored at the left edge: the start stays. */
  tc_time_navigation_zoom (session, 2.0, 0, 1000);
  g_assert_cmpint (tc_viewer_session_get_visible_begin (session), ==, begin);
  g_assert_cmpint (ABS (tc_viewer_session_get_visible_end (session) - begin - duration / 4), <=, 2);

  /* Panning stops at the ends of the recording. */
  tc_time_navigation_pan (session, -10.0);
  g_assert_cmpint (tc_viewer_session_get_visible_begin (session), ==, 0);
  tc_time_navigation_pan (session, 100.0);
  g_assert_cmpint (tc_viewer_session_get_visible_end (session), ==, duration);

  /* Zooming out never goes past the whole recording. */
  tc_time_navigation_zoom (session, 0.01, 500, 1000);
  g_assert_cmpint (tc_viewer_session_get_visible_begin (session), ==, 0);
  g_assert_cmpint (tc_viewer_session_get_visible_end (session), ==, duration);
}

static gboolean
chart_ready (gpointer data)
{
  return tc_flame_chart_get_ready (data);
}

static void
test_flame_chart (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (100);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = tc_flame_chart_new (session);
  GArray *spans;
  const TcSpan *span;
  guint thread = 0;
  double plot, x, y = 0;
  gboolean found_parse = FALSE;

  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000 + TC_CHART_LEFT + TC_CHART_RIGHT, 300);
  gtk_window_present (GTK_WINDOW (window));

  /* The first two steps: 2 ms … 22 ms. */
  tc_viewer_session_set_visible_range (session, 0, 30 * MS);
  wait_until (chart_ready, chart);
  spans = tc_flame_chart_get_spans (TC_FLAME_CHART (chart), 1);
  g_assert_nonnull (spans);
  for (guint i = 0; i < spans->len; i++)
    {
      const TcSpan *s = &g_array_index (spans, TcSpan, i);

      g_assert_cmpint (s->end_ns, >=, 0);
      g_assert_cmpint (s->start_ns, <=, 30 * MS);
      if (i > 0)
        g_assert_cmpint (tc_span_compare (&g_array_index (spans, TcSpan, i - 1), s), <=, 0);
      if (s->code_id == FIX_PARSE && s->start_ns == 2 * MS + MS / 5)
        {
          found_parse = TRUE;
          g_assert_cmpint (s->end_ns, ==, 2 * MS + MS / 5 + MS / 2);
        }
    }
  g_assert_true (found_parse);

  /* Hit test the first parse: x of 2.45 ms, row of its depth in lane 1. */
  while (gtk_widget_get_width (chart) <= 0)
    g_main_context_iteration (NULL, TRUE);
  plot = tc_time_navigation_plot_width (chart);
  x = TC_CHART_LEFT + tc_chart_time_to_x (2450000, 0, 30 * MS, plot);
  for (guint i = 0; i < spans->len; i++)
    if (g_array_index (spans, TcSpan, i).code_id == FIX_PARSE)
      {
        y = TC_FLAME_CHART_HEADER + g_array_index (spans, TcSpan, i).depth * TC_FLAME_CHART_ROW + 4;
        break;
      }
  span = tc_flame_chart_span_at (TC_FLAME_CHART (chart), x, y, &thread);
  g_assert_nonnull (span);
  g_assert_cmpuint (span->code_id, ==, FIX_PARSE);
  g_assert_cmpuint (thread, ==, 1);
  /* Between the two parses there is nothing at that depth. */
  x = TC_CHART_LEFT + tc_chart_time_to_x (3 * MS, 0, 30 * MS, plot);
  g_assert_null (tc_flame_chart_span_at (TC_FLAME_CHART (chart), x, y, NULL));

  /* Zoomed out to everything, spans under half a pixel are left out. */
  tc_viewer_session_reset_zoom (session);
  wait_until (chart_ready, chart);
  spans = tc_flame_chart_get_spans (TC_FLAME_CHART (chart), 1);
  for (guint i = 0; i < spans->len; i++)
    g_assert_cmpuint (g_array_index (spans, TcSpan, i).code_id, !=, FIX_PARSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
search_ready (gpointer data)
{
  return tc_flame_chart_get_search_ready (data);
}

static void
test_flame_chart_search (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (100);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = tc_flame_chart_new (session);
  TcFlameChart *fc = TC_FLAME_CHART (chart);
  gint64 matched = 0, start, end, last_start;
  guint thread = 0;

  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000 + TC_CHART_LEFT + TC_CHART_RIGHT, 300);
  gtk_window_present (GTK_WINDOW (window));

  /* Two parses of 0.5 ms per step, all found though most are far under a
   * pixel at this zoom (and none is loaded for drawing). */
  tc_flame_chart_set_search (fc, "PARSE");
  wait_until (search_ready, chart);
  g_assert_cmpuint (tc_flame_chart_get_n_matches (fc, &matched), ==, 200);
  g_assert_cmpint (matched, ==, 200 * MS / 2);
  g_assert_cmpint (tc_flame_chart_get_current_match (fc), ==, -1);

  /* "Net." matches step and the forward and backward inside it: 300 calls,
   * the nested ones add no time (7.7 ms per step). */
  tc_flame_chart_set_search (fc, "Net.");
  wait_until (search_ready, chart);
  g_assert_cmpuint (tc_flame_chart_get_n_matches (fc, &matched), ==, 300);
  g_assert_cmpint (matched, ==, 100 * 7700000);

  /* Next from the whole view is the first step; the view zooms to it with
   * the cursor at its start. */
  g_assert_true (tc_flame_chart_jump_to_match (fc, TRUE));
  g_assert_cmpint (tc_flame_chart_get_current_match (fc), ==, 0);
  g_assert_true (tc_flame_chart_get_current_call (fc, &start, &end, &thread));
  g_assert_cmpint (start, ==, 2 * MS + 2 * MS + MS / 5);
  g_assert_cmpint (end - start, ==, 7700000);
  g_assert_cmpuint (thread, ==, 1);
  g_assert_cmpint (tc_viewer_session_get_cursor (session), ==, start);
  g_assert_cmpint (tc_viewer_session_get_visible_begin (session), <, start);
  g_assert_cmpint (tc_viewer_session_get_visible_end (session), >, end);
  g_assert_cmpint (tc_viewer_session_get_visible_end (session) - tc_viewer_session_get_visible_begin (session),
                   <=, 3 * (end - start));

  /* Then forward inside it; previous twice wraps round to the last. */
  g_assert_true (tc_flame_chart_jump_to_match (fc, TRUE));
  g_assert_cmpint (tc_flame_chart_get_current_match (fc), ==, 1);
  g_assert_true (tc_flame_chart_get_current_call (fc, &start, &end, NULL));
  g_assert_cmpint (start, ==, 2 * MS + 2 * MS + MS / 2);
  g_assert_true (tc_flame_chart_jump_to_match (fc, FALSE));
  g_assert_true (tc_flame_chart_jump_to_match (fc, FALSE));
  g_assert_cmpint (tc_flame_chart_get_current_match (fc), ==, 299);
  g_assert_true (tc_flame_chart_get_current_call (fc, &last_start, &end, NULL));
  g_assert_cmpint (tc_viewer_session_get_cursor (session), ==, last_start);

  /* No match, and the end of the search. */
  tc_flame_chart_set_search (fc, "no such function");
  wait_until (search_ready, chart);
  g_assert_cmpuint (tc_flame_chart_get_n_matches (fc, NULL), ==, 0);
  g_assert_false (tc_flame_chart_jump_to_match (fc, TRUE));
  tc_flame_chart_set_search (fc, NULL);
  g_assert_true (tc_flame_chart_get_search_ready (fc));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/tc/charts/time/ticks", test_ticks);
  g_test_add_func ("/tc/charts/series/scale", test_series_scale);
  g_test_add_func ("/tc/charts/series/stats-shape", test_series_stats_and_shape);
  g_test_add_func ("/tc/charts/series/anomaly-markers", test_anomaly_markers);
  g_test_add_func ("/tc/charts/series/fixture-anomaly", test_fixture_anomaly);
  g_test_add_func ("/tc/charts/time/navigation", test_navigation);
  g_test_add_func ("/tc/charts/time/markers", test_markers);
  g_test_add_func ("/tc/charts/flame-chart/spans", test_flame_chart);
  g_test_add_func ("/tc/charts/flame-chart/search", test_flame_chart_search);

  return g_test_run ();
}

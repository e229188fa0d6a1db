/* test-pages.c — the chart pages on a known recording: scrubber state at
 * given times, time travel panel, variable lanes, metric anomalies and
 * threshold, resource plots
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "tc-bar-chart.h"
#include "tc-call-graph.h"
#include "tc-chart-sections.h"
#include "tc-flame-graph-section.h"
#include "tc-flame-graph.h"
#include "tc-functions-section.h"
#include "tc-item.h"
#include "tc-session-view.h"
#include "tc-heatmap.h"
#include "tc-metric-chart.h"
#include "tc-time-scrubber.h"
#include "tc-time-travel-panel.h"
#include "tc-variable-timeline.h"

#include "tc-chart-fixture.h"

#define MS G_GINT64_CONSTANT (1000000)
/* Snapshot k of the fixture: step 5k+4, 7 ms into it. */
#define SNAP_NS(k) (2 * MS + (5 * (k) + 4) * FIX_STEP_NS + 7 * MS)

static TcViewerSession *
fixture_session (guint steps)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "tc-test-pages.tc", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) doc = NULL;
  TcViewerSession *session = tc_viewer_session_new (NULL);

  g_assert_true (tc_chart_fixture_write (path, steps, FALSE, &error));
  doc = tc_document_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  tc_viewer_session_set_document (session, doc);
  return session;
}

static const TcDocVar *
var_named (TcDocument *doc,
           const char *name)
{
  const TcDocVar *var = tc_document_find_var (doc, name);

  g_assert_nonnull (var);
  return var;
}

static void
test_scrubber_lookups (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (200);
  TcDocument *doc = tc_viewer_session_get_document (session);
  const TcDocVar *lr = var_named (doc, "lr");
  const TcDocVar *loss = var_named (doc, "loss");
  const TcDocVarPoint *p;

  g_assert_cmpint (tc_time_travel_snapshot_at (doc, SNAP_NS (0) - 1), ==, -1);
  g_assert_cmpint (tc_time_travel_snapshot_at (doc, SNAP_NS (0)), ==, 0);
  g_assert_cmpint (tc_time_travel_snapshot_at (doc, SNAP_NS (1) - 1), ==, 0);
  g_assert_cmpint (tc_time_travel_snapshot_at (doc, SNAP_NS (1)), ==, 1);
  g_assert_cmpint (tc_time_travel_snapshot_at (doc, G_MAXINT64 / 2), ==, 39);

  /* lr is 0.1 during the warm-up (steps < 100), 0.01 from snapshot 20. */
  p = tc_time_travel_value_at (lr, SNAP_NS (20) - 1);
  g_assert_cmpstr (p->local->repr, ==, "0.1");
  p = tc_time_travel_value_at (lr, SNAP_NS (20));
  g_assert_cmpstr (p->local->repr, ==, "0.01");
  g_assert_null (tc_time_travel_value_at (lr, SNAP_NS (0) - 1));

  g_assert_cmpint (tc_time_travel_next_change (lr, SNAP_NS (0)), ==, SNAP_NS (20));
  g_assert_cmpint (tc_time_travel_next_change (lr, SNAP_NS (20)), ==, -1);
  g_assert_cmpint (tc_time_travel_previous_change (lr, SNAP_NS (20)), ==, SNAP_NS (0));
  g_assert_cmpint (tc_time_travel_previous_change (lr, SNAP_NS (0)), ==, -1);
  /* loss changes at every snapshot. */
  g_assert_cmpint (tc_time_travel_next_change (loss, SNAP_NS (3) + 1), ==, SNAP_NS (4));
}

static void
wait_for_width (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (gtk_widget_get_width (widget) <= 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
test_scrubber_widget (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (200);
  TcDocument *doc = tc_viewer_session_get_document (session);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrubber = tc_time_scrubber_new (session);
  GtkWidget *panel = tc_time_travel_panel_new (session);
  gint64 duration = tc_viewer_session_get_duration (session);
  double plot;
  g_auto(GStrv) locals = NULL;

  gtk_widget_set_size_request (panel, -1, 300);
  gtk_box_append (GTK_BOX (box), scrubber);
  gtk_box_append (GTK_BOX (box), panel);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1076, 400);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_width (scrubber);

  /* No cursor yet: nothing to show. */
  g_assert_cmpint (tc_time_travel_panel_get_snapshot (TC_TIME_TRAVEL_PANEL (panel)), ==, -1);

  /* Scrubbing to the middle of the track puts the cursor mid-recording
   * (or on a snapshot's marker, when one is within TC_SNAP_SLOP_PX). */
  plot = gtk_widget_get_width (scrubber) - TC_CHART_LEFT - TC_CHART_RIGHT;
  tc_time_scrubber_scrub_to (TC_TIME_SCRUBBER (scrubber), TC_CHART_LEFT + plot / 2);
  g_assert_cmpint (ABS (tc_viewer_session_get_cursor (session) - duration / 2), <=,
                   (TC_SNAP_SLOP_PX + 1) * duration / plot + 1);
  g_assert_cmpint (tc_time_travel_panel_get_snapshot (TC_TIME_TRAVEL_PANEL (panel)), ==,
                   tc_time_travel_snapshot_at (doc, tc_viewer_session_get_cursor (session)));

  /* A click two pixels before snapshot 20's marker means snapshot 20, not
   * the instant before it (snapshot 19); ten pixels before, it does not. */
  tc_time_scrubber_scrub_to (TC_TIME_SCRUBBER (scrubber),
                             TC_CHART_LEFT + tc_chart_time_to_x (SNAP_NS (20), 0, duration, plot) - 2);
  g_assert_cmpint (tc_viewer_session_get_cursor (session), ==, SNAP_NS (20));
  g_assert_cmpint (tc_time_travel_panel_get_snapshot (TC_TIME_TRAVEL_PANEL (panel)), ==, 20);
  tc_time_scrubber_scrub_to (TC_TIME_SCRUBBER (scrubber),
                             TC_CHART_LEFT + tc_chart_time_to_x (SNAP_NS (20), 0, duration, plot) - 10);
  g_assert_cmpint (tc_viewer_session_get_cursor (session), <, SNAP_NS (20));
  g_assert_cmpint (tc_time_travel_panel_get_snapshot (TC_TIME_TRAVEL_PANEL (panel)), ==, 19);

  /* At snapshot 20 the warm-up ends: lr, epoch and status changed. */
  tc_viewer_session_set_cursor (session, SNAP_NS (20) + MS);
  g_assert_cmpint (tc_time_travel_panel_get_snapshot (TC_TIME_TRAVEL_PANEL (panel)), ==, 20);
  locals = tc_time_travel_panel_dup_locals (TC_TIME_TRAVEL_PANEL (panel));
  g_assert_true (g_strv_contains ((const char * const *) locals, "*lr = 0.01"));
  g_assert_true (g_strv_contains ((const char * const *) locals, "*epoch = 2"));
  g_assert_true (g_strv_contains ((const char * const *) locals, "*status = training"));
  g_assert_true (g_strv_contains ((const char * const *) locals, "url = 'https://example.org/data'"));
  g_assert_true (g_strv_contains ((const char * const *) locals, "*batch = [3328, 3329, 3330, …]"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_variable_timeline (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (200);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *timeline = tc_variable_timeline_new (session);
  TcVariableTimeline *vt = TC_VARIABLE_TIMELINE (timeline);
  gint lr_lane = -1, batch_lane = -1;

  gtk_window_set_child (GTK_WINDOW (window), timeline);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_width (timeline);

  /* One lane per (function, name); numbers as steps, the rest as ticks. */
  g_assert_cmpuint (tc_variable_timeline_get_n_lanes (vt), ==, 7);
  for (guint i = 0; i < tc_variable_timeline_get_n_lanes (vt); i++)
    {
      const TcDocVar *var = tc_variable_timeline_get_var (vt, i);

      if (g_str_equal (var->name, "lr"))
        lr_lane = i;
      if (g_str_equal (var->name, "batch"))
        batch_lane = i;
    }
  g_assert_cmpint (lr_lane, >=, 0);
  g_assert_true (tc_variable_timeline_lane_numeric (vt, lr_lane));
  g_assert_false (tc_variable_timeline_lane_numeric (vt, batch_lane));
  g_assert_cmpint (tc_variable_timeline_lane_at (vt, 1), ==, 0);
  g_assert_cmpint (tc_variable_timeline_lane_at (vt, -1), ==, -1);
  g_assert_cmpint (tc_variable_timeline_lane_at (vt, 1e6), ==, -1);

  /* Keyboard steps through the selected variable's changes. */
  g_assert_false (tc_variable_timeline_step_change (vt, +1));
  tc_variable_timeline_select (vt, lr_lane);
  tc_viewer_session_set_cursor (session, 0);
  g_assert_true (tc_variable_timeline_step_change (vt, +1));
  g_assert_cmpint (tc_viewer_session_get_cursor (session), ==, SNAP_NS (0));
  g_assert_true (tc_variable_timeline_step_change (vt, +1));
  g_assert_cmpint (tc_viewer_session_get_cursor (session), ==, SNAP_NS (20));
  g_assert_false (tc_variable_timeline_step_change (vt, +1));
  g_assert_true (tc_variable_timeline_step_change (vt, -1));
  g_assert_cmpint (tc_viewer_session_get_cursor (session), ==, SNAP_NS (0));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_metric_chart (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (200);
  TcDocument *doc = tc_viewer_session_get_document (session);
  const TcDocSeries *loss = tc_document_get_metric (doc, "loss");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = tc_metric_chart_new (session, loss, NULL);
  TcMetricChart *mc = TC_METRIC_CHART (chart);
  TcSeriesScale scale;
  GArray *anomalies;
  double ox, oy, x;

  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 1076, 200);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_width (chart);

  anomalies = tc_metric_chart_get_anomalies (mc);
  g_assert_cmpuint (anomalies->len, ==, 1);
  g_assert_cmpuint (g_array_index (anomalies, guint, 0), ==, FIX_SPIKE_SNAP);

  /* The marker sits at the spike's time and value in the plot area, and
   * hovering there finds the spike. */
  tc_metric_chart_get_scale (mc, &scale);
  tc_metric_chart_get_plot_origin (mc, &ox, &oy);
  g_assert_cmpfloat_with_epsilon (scale.width, gtk_widget_get_width (chart) - TC_CHART_LEFT - TC_CHART_RIGHT, 1e-9);
  x = tc_series_x (&scale, SNAP_NS (FIX_SPIKE_SNAP));
  g_assert_cmpfloat_with_epsilon (x, (double) SNAP_NS (FIX_SPIKE_SNAP) * scale.width / tc_viewer_session_get_duration (session), 1e-6);
  g_assert_cmpfloat (scale.y_max, >=, 8.0);
  g_assert_cmpfloat (tc_series_y (&scale, 8.0), <, scale.height * 0.2);
  g_assert_cmpint (tc_metric_chart_point_at (mc, ox + x), ==, FIX_SPIKE_SNAP);
  g_assert_cmpint (tc_metric_chart_get_shape (mc), ==, TC_SERIES_LINE);

  /* A lower threshold flags more points; zooming re-scales x. */
  tc_metric_chart_set_threshold (mc, 0.5);
  g_assert_cmpuint (tc_metric_chart_get_anomalies (mc)->len, >, 1);
  tc_viewer_session_set_visible_range (session, SNAP_NS (FIX_SPIKE_SNAP) - 100 * MS, SNAP_NS (FIX_SPIKE_SNAP) + 100 * MS);
  tc_metric_chart_get_scale (mc, &scale);
  g_assert_cmpfloat_with_epsilon (tc_series_x (&scale, SNAP_NS (FIX_SPIKE_SNAP)), scale.width / 2, 1e-6);

  gtk_window_destroy (GTK_WINDOW (window));
}

static TcSection *
load_section (TcViewerSession *session,
              GType            type)
{
  TcSection *section = g_object_new (type, "session", session, NULL);

  g_object_ref_sink (section);
  tc_section_load (section);
  return section;
}

static void
test_sections (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (200);
  g_autoptr(TcSection) metrics = load_section (session, TC_TYPE_METRICS_SECTION);
  g_autoptr(TcSection) resources = load_section (session, TC_TYPE_RESOURCES_SECTION);
  g_autoptr(TcSection) flame = load_section (session, TC_TYPE_FLAME_GRAPH_SECTION);
  g_autoptr(TcSection) variables = load_section (session, TC_TYPE_VARIABLES_SECTION);
  g_auto(GStrv) plotted = NULL;
  guint at3;

  g_assert_true (tc_section_get_has_data (metrics));
  g_assert_true (tc_section_get_has_data (resources));
  g_assert_true (tc_section_get_has_data (flame));
  g_assert_true (tc_section_get_has_data (variables));

  /* Two metrics: the loss spike (and the accuracy dip) at |z| ≥ 3. */
  at3 = tc_metrics_section_get_n_anomalies (TC_METRICS_SECTION (metrics));
  g_assert_cmpuint (at3, ==, 2);
  tc_metrics_section_set_threshold (TC_METRICS_SECTION (metrics), 1.0);
  g_assert_cmpuint (tc_metrics_section_get_n_anomalies (TC_METRICS_SECTION (metrics)), >, at3);
  tc_metrics_section_set_threshold (TC_METRICS_SECTION (metrics), 3.0);
  g_assert_cmpuint (tc_metrics_section_get_n_anomalies (TC_METRICS_SECTION (metrics)), ==, at3);

  plotted = tc_resources_section_dup_plotted (TC_RESOURCES_SECTION (resources));
  g_assert_cmpuint (g_strv_length (plotted), ==, 6);
  g_assert_cmpstr (plotted[0], ==, "ram_mb");
  g_assert_cmpstr (plotted[1], ==, "cpu_pct");
}

/* The first widget of `type` inside `widget`; with `placeholder`, the
 * first one showing that placeholder text. */
static GtkWidget *
find_child (GtkWidget  *widget,
            GType       type,
            const char *placeholder)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      g_autofree char *text = NULL;

      if (placeholder != NULL)
        g_object_get (widget, "placeholder-text", &text, NULL);
      if (g_strcmp0 (text, placeholder) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, type, placeholder);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The chart fixture (200 steps) opened in a session view in `window`, as
 * the viewer opens a file, its report loaded. */
static TcSessionView *
open_fixture_view (const char *name,
                   GtkWidget  *window)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcViewerSession) session = NULL;
  TcSessionView *view;

  g_assert_true (tc_chart_fixture_write (path, 200, FALSE, &error));
  session = tc_viewer_session_new (file);
  view = tc_session_view_new (session);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  tc_session_view_load (view);
  while (g_strcmp0 (tc_session_view_get_state (view), "loading") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_unlink (path);
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");
  return view;
}

static void
test_show_in_function_table (void)
{
  GtkWidget *window = gtk_window_new ();
  TcSessionView *view = open_fixture_view ("tc-test-show-function.tc", window);
  TcSection *flame, *functions;
  TcFlameGraph *graph;
  gpointer item;

  g_assert_true (tc_session_view_show_section (view, "flamegraph"));
  flame = tc_session_view_get_section (view, "flamegraph");
  graph = tc_flame_graph_section_get_graph (TC_FLAME_GRAPH_SECTION (flame));
  g_assert_nonnull (graph);

  /* A filter that hides parse() is cleared; the page switches and the row
   * of parse() is the selected one. */
  g_assert_true (tc_session_view_show_section (view, "functions"));
  functions = tc_session_view_get_section (view, "functions");
  tc_functions_section_set_filter (TC_FUNCTIONS_SECTION (functions), "backward");
  g_assert_true (tc_session_view_show_section (view, "flamegraph"));
  g_assert_true (tc_flame_graph_show_function (graph, FIX_PARSE));
  g_assert_true (tc_session_view_get_visible_section (view) == functions);
  item = gtk_single_selection_get_selected_item (
    GTK_SINGLE_SELECTION (tc_functions_section_get_model (TC_FUNCTIONS_SECTION (functions))));
  g_assert_nonnull (item);
  g_assert_cmpuint (((const TcFunctionStats *) tc_item_get_data (TC_ITEM (item)))->code_id, ==, FIX_PARSE);

  /* Then another one, and a code that has no row. */
  g_assert_true (tc_flame_graph_show_function (graph, FIX_BACKWARD));
  item = gtk_single_selection_get_selected_item (
    GTK_SINGLE_SELECTION (tc_functions_section_get_model (TC_FUNCTIONS_SECTION (functions))));
  g_assert_cmpuint (((const TcFunctionStats *) tc_item_get_data (TC_ITEM (item)))->code_id, ==, FIX_BACKWARD);
  g_assert_false (tc_flame_graph_show_function (graph, 99999));

  /* Activating a row (Enter, double click) opens its source: train() is in
   * train.py, whose text the recording embeds. */
  g_assert_true (tc_flame_graph_show_function (graph, FIX_TRAIN));
  g_assert_true (tc_session_view_is_section_enabled (view, "source"));
  g_signal_emit_by_name (find_child (GTK_WIDGET (functions), GTK_TYPE_COLUMN_VIEW, NULL), "activate",
                         gtk_single_selection_get_selected (
                           GTK_SINGLE_SELECTION (tc_functions_section_get_model (TC_FUNCTIONS_SECTION (functions)))));
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "source");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
wait_for_label (GtkWidget  *label,
                const char *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), prefix))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* The timeline's search as typed: the count, then where Enter and
 * Shift+Ctrl+G went among the calls ("1 of 400", wrapping to "400 of 400"). */
static void
test_timeline_search (void)
{
  GtkWidget *window = gtk_window_new ();
  TcSessionView *view = open_fixture_view ("tc-test-timeline-search.tc", window);
  TcViewerSession *session = tc_session_view_get_session (view);
  GtkWidget *entry, *result;
  gint64 start, end;

  g_assert_true (tc_session_view_show_section (view, "flamegraph"));
  entry = find_child (GTK_WIDGET (tc_session_view_get_section (view, "flamegraph")), GTK_TYPE_SEARCH_ENTRY,
                      "Find calls in the timeline");
  g_assert_nonnull (entry);
  result = gtk_widget_get_prev_sibling (entry);
  g_assert_true (GTK_IS_LABEL (result));

  /* Two parses of 0.5 ms a step. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "parse");
  wait_for_label (result, "400 calls, 200");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (result)), "1 of 400 calls, "));
  start = tc_viewer_session_get_cursor (session);
  g_signal_emit_by_name (entry, "next-match");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (result)), "2 of 400 calls, "));
  g_assert_cmpint (tc_viewer_session_get_cursor (session), >, start);
  g_signal_emit_by_name (entry, "previous-match");
  g_signal_emit_by_name (entry, "previous-match");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (result)), "400 of 400 calls, "));
  end = tc_viewer_session_get_cursor (session);
  g_assert_cmpint (end, >, start);

  /* A new query starts over. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "no such call");
  wait_for_label (result, "No calls");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_hot_lines_and_call_graph (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (200);
  TcDocument *doc = tc_viewer_session_get_document (session);
  g_autoptr(TcSection) hot = load_section (session, TC_TYPE_HOT_LINES_SECTION);
  GtkWidget *graph = tc_call_graph_new (doc);
  GArray *bars;

  /* By hits, backward's line (5 per step) leads; by time, train.py:9
   * (the whole step, 7 ms per step) does. */
  bars = tc_hot_lines_section_get_bars (TC_HOT_LINES_SECTION (hot));
  g_assert_nonnull (bars);
  g_assert_cmpstr (g_array_index (bars, TcBar, 0).label, ==, "net.py:41");
  g_assert_cmpfloat (g_array_index (bars, TcBar, 0).value, ==, 1000.0);
  tc_hot_lines_section_set_by_time (TC_HOT_LINES_SECTION (hot), TRUE);
  bars = tc_hot_lines_section_get_bars (TC_HOT_LINES_SECTION (hot));
  g_assert_cmpstr (g_array_index (bars, TcBar, 0).label, ==, "train.py:9");

  /* train is called by main and calls load_batch and Net.step. */
  g_object_ref_sink (graph);
  tc_call_graph_set_center (TC_CALL_GRAPH (graph), "train");
  g_assert_cmpuint (tc_call_graph_get_n_callers (TC_CALL_GRAPH (graph)), ==, 1);
  g_assert_cmpuint (tc_call_graph_get_n_callees (TC_CALL_GRAPH (graph)), ==, 2);
  tc_call_graph_set_center (TC_CALL_GRAPH (graph), "parse");
  g_assert_cmpuint (tc_call_graph_get_n_callers (TC_CALL_GRAPH (graph)), ==, 1);
  g_assert_cmpuint (tc_call_graph_get_n_callees (TC_CALL_GRAPH (graph)), ==, 0);
  g_object_unref (graph);
}

static void
test_heatmap (void)
{
  g_autoptr(TcViewerSession) session = fixture_session (200);
  GtkWidget *heatmap = tc_heatmap_new (session);
  gint64 times[] = { 10, 20, 30, 40 };
  double values[] = { 1.0, 3.0, NAN, 5.0 };
  TcHeatmapRow row = { (char *) "x", times, values, 4 };
  gboolean has_lr = FALSE, has_batch = FALSE;
  GdkRGBA lo, hi;

  g_object_ref_sink (heatmap);
  /* Metrics (2) and numeric variables that change (epoch, loss, lr,
   * n_fetched); batch and status are not numbers, url never changes. */
  g_assert_cmpuint (tc_heatmap_get_n_rows (TC_HEATMAP (heatmap)), ==, 6);
  for (guint i = 0; i < tc_heatmap_get_n_rows (TC_HEATMAP (heatmap)); i++)
    {
      has_lr |= g_str_equal (tc_heatmap_get_row (TC_HEATMAP (heatmap), i)->name, "train.lr");
      has_batch |= g_str_equal (tc_heatmap_get_row (TC_HEATMAP (heatmap), i)->name, "train.batch");
    }
  g_assert_true (has_lr);
  g_assert_false (has_batch);

  /* Mean of the points inside, else the value that holds. */
  g_assert_cmpfloat (tc_heatmap_cell_value (&row, 10, 25), ==, 2.0);
  g_assert_cmpfloat (tc_heatmap_cell_value (&row, 21, 29), ==, 3.0);
  g_assert_cmpfloat (tc_heatmap_cell_value (&row, 30, 35), ==, 3.0);
  g_assert_true (isnan (tc_heatmap_cell_value (&row, 0, 5)));
  tc_heatmap_color (0.0, &lo);
  tc_heatmap_color (1.0, &hi);
  g_assert_cmpfloat (lo.red + lo.green + lo.blue, <, hi.red + hi.green + hi.blue);

  /* One variable alone, its scale from its smallest to its largest value
   * (lr: 0.1 decaying), then every row again. */
  {
    const TcHeatmapRow *lr;
    double min, max;
    int h_all, h_one, dummy;

    gtk_widget_measure (heatmap, GTK_ORIENTATION_VERTICAL, -1, &h_all, &dummy, NULL, NULL);
    g_assert_true (tc_heatmap_set_variable (TC_HEATMAP (heatmap), "train.lr"));
    g_assert_cmpuint (tc_heatmap_get_n_rows (TC_HEATMAP (heatmap)), ==, 1);
    lr = tc_heatmap_get_row (TC_HEATMAP (heatmap), 0);
    g_assert_cmpstr (lr->name, ==, "train.lr");
    g_assert_true (tc_heatmap_row_range (lr, &min, &max));
    g_assert_cmpfloat (min, <, max);
    for (guint i = 0; i < lr->n; i++)
      if (isfinite (lr->values[i]))
        {
          g_assert_cmpfloat (lr->values[i], >=, min);
          g_assert_cmpfloat (lr->values[i], <=, max);
        }
    /* One row and the legend below it. */
    gtk_widget_measure (heatmap, GTK_ORIENTATION_VERTICAL, -1, &h_one, &dummy, NULL, NULL);
    g_assert_cmpint (h_one, >, TC_HEATMAP_ROW);
    g_assert_cmpint (h_one, <, h_all);
    g_assert_false (tc_heatmap_set_variable (TC_HEATMAP (heatmap), "no.such"));
    g_assert_cmpuint (tc_heatmap_get_n_rows (TC_HEATMAP (heatmap)), ==, 0);
    g_assert_true (tc_heatmap_set_variable (TC_HEATMAP (heatmap), NULL));
    g_assert_cmpuint (tc_heatmap_get_n_rows (TC_HEATMAP (heatmap)), ==, 6);
  }

  /* The variables page offers it: choosing a name shows that heatmap. */
  {
    g_autoptr(TcSection) variables = load_section (session, TC_TYPE_VARIABLES_SECTION);
    GtkWidget *page_map = tc_variables_section_get_heatmap (TC_VARIABLES_SECTION (variables));

    g_assert_false (gtk_widget_get_visible (page_map));
    g_assert_true (tc_variables_section_show_heatmap (TC_VARIABLES_SECTION (variables), "train.loss"));
    g_assert_true (gtk_widget_get_visible (page_map));
    g_assert_cmpuint (tc_heatmap_get_n_rows (TC_HEATMAP (page_map)), ==, 1);
    g_assert_cmpstr (tc_heatmap_get_row (TC_HEATMAP (page_map), 0)->name, ==, "train.loss");
    g_assert_true (tc_variables_section_show_heatmap (TC_VARIABLES_SECTION (variables), NULL));
    g_assert_false (gtk_widget_get_visible (page_map));
  }
  g_object_unref (heatmap);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/tc/charts/scrubber/lookups", test_scrubber_lookups);
  g_test_add_func ("/tc/charts/scrubber/widget", test_scrubber_widget);
  g_test_add_func ("/tc/charts/variables/timeline", test_variable_timeline);
  g_test_add_func ("/tc/charts/metrics/chart", test_metric_chart);
  g_test_add_func ("/tc/charts/pages/sections", test_sections);
  g_test_add_func ("/tc/charts/pages/hot-lines-call-graph", test_hot_lines_and_call_graph);
  g_test_add_func ("/tc/charts/pages/heatmap", test_heatmap);
  g_test_add_func ("/tc/charts/pages/show-in-function-table", test_show_in_function_table);
  g_test_add_func ("/tc/charts/pages/timeline-search", test_timeline_search);

  status = g_test_run ();
  tc_flame_graph_wait_for_painters ();   /* before HarfBuzz's exit cleanup */
  return status;
}

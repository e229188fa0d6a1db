/* test-viewer.c — the viewer on real recordings: window, tabs, pages
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tc-analysis.h"
#include "tc-async-section.h"
#include "tc-crash-section.h"
#include "tc-functions-section.h"
#include "tc-histogram.h"
#include "tc-item.h"
#include "tc-moments-strip.h"
#include "tc-overview-section.h"
#include "tc-return-values-section.h"
#include "tc-snapshots-section.h"
#include "tc-suggestions-section.h"
#include "tc-test-recordings.h"
#include "tc-test-window.h"
#include "tc-warnings-section.h"
#include "tc-window-private.h"

static TcApplication *app;

static TcWindow *
new_window (void)
{
  TcWindow *window = tc_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
test_open_recording (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TcWindow *window = new_window ();
  TcSessionView *view = tc_window_open_file (window, file);
  TcViewerSession *session = tc_session_view_get_session (view);
  TcFunctionsSection *functions;
  GListModel *model;
  g_autoptr(TcItem) first = NULL;
  g_autoptr(TcItem) second = NULL;
  const TcFunctionStats *stats;
  const TcHistogramBins *bins;
  guint sum = 0;

  /* The file loads in a worker thread: the tab shows the progress page
   * first, and the window stays responsive meanwhile. */
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "loading");
  g_assert_true (tc_viewer_session_get_loading (session));
  tc_test_wait_loaded (view);
  g_assert_false (tc_viewer_session_get_loading (session));
  g_assert_cmpfloat (tc_viewer_session_get_progress (session), ==, 1.0);

  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");
  g_assert_nonnull (tc_viewer_session_get_document (session));
  g_assert_false (tc_session_view_get_banner_revealed (view));
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 1);

  /* Sections with data are enabled, the others are not. */
  g_assert_true (tc_session_view_is_section_enabled (view, "overview"));
  g_assert_true (tc_session_view_is_section_enabled (view, "warnings"));
  g_assert_true (tc_session_view_is_section_enabled (view, "functions"));
  g_assert_true (tc_session_view_is_section_enabled (view, "return-values"));
  g_assert_true (tc_session_view_is_section_enabled (view, "snapshots"));
  g_assert_true (tc_session_view_is_section_enabled (view, "suggestions"));
  g_assert_false (tc_session_view_is_section_enabled (view, "crash"));
  g_assert_false (tc_session_view_is_section_enabled (view, "async"));
  g_assert_false (tc_session_view_show_section (view, "crash"));
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "overview");

  /* Function table: main, work, fib, worker; slowest total first. */
  functions = TC_FUNCTIONS_SECTION (tc_session_view_get_section (view, "functions"));
  model = tc_functions_section_get_model (functions);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  first = g_list_model_get_item (model, 0);
  second = g_list_model_get_item (model, 1);
  g_assert_cmpstr (((const TcFunctionStats *)tc_item_get_data (first))->name, ==, "main");
  g_assert_cmpfloat (((const TcFunctionStats *)tc_item_get_data (first))->total_ms, >=,
                     ((const TcFunctionStats *)tc_item_get_data (second))->total_ms);

  /* The filter box (case-insensitive) narrows it to work() and worker(),
   * still slowest first. */
  tc_functions_section_set_filter (functions, "fib");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  tc_functions_section_set_filter (functions, "WORK");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  tc_functions_section_select (functions, 0);
  g_clear_object (&first);
  first = g_list_model_get_item (model, 0);
  stats = tc_item_get_data (first);
  g_assert_cmpstr (stats->name, ==, "work");
  g_assert_cmpuint (stats->calls, ==, 4);

  /* The histogram shows work's 4 calls (1, 2, 3, 10 ms). */
  bins = tc_histogram_get_bins (TC_HISTOGRAM (tc_functions_section_get_histogram (functions)));
  for (guint i = 0; i < bins->n_bins; i++)
    sum += bins->counts[i];
  g_assert_cmpuint (sum, ==, 4);
  g_assert_cmpfloat_with_epsilon (bins->lo_ms, 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (bins->hi_ms, 10.0, 1e-9);
  g_assert_cmpuint (bins->counts[bins->n_bins - 1], ==, 1);
  tc_functions_section_set_filter (functions, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  /* Ctrl+F focuses the page's filter. */
  g_assert_true (tc_session_view_show_section (view, "functions"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));

  /* Other pages are populated from the same document. */
  g_assert_cmpuint (g_list_model_get_n_items (tc_warnings_section_get_model (
                      TC_WARNINGS_SECTION (tc_session_view_get_section (view, "warnings")))), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (tc_return_values_section_get_model (
                      TC_RETURN_VALUES_SECTION (tc_session_view_get_section (view, "return-values")))), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tc_snapshots_section_get_model (
                      TC_SNAPSHOTS_SECTION (tc_session_view_get_section (view, "snapshots")))), ==, 10);
  /* REPEATED_CALL fired twice: the report suggests looking at it, and the
   * overview says so. */
  g_assert_cmpuint (tc_suggestions_section_get_n_suggestions (
                      TC_SUGGESTIONS_SECTION (tc_session_view_get_section (view, "suggestions"))), ==, 1);
  {
    GtkWidget *row = tc_overview_section_get_suggestions_row (
      TC_OVERVIEW_SECTION (tc_session_view_get_section (view, "overview")));

    g_assert_nonnull (row);
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "1 optimization suggestion");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                     "REPEATED_CALL fired 2× — systematic issue");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_warning_jump (void)
{
  g_autofree char *path = tc_test_write_timings ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);
  TcViewerSession *session = tc_session_view_get_session (view);
  TcSnapshotsSection *snapshots = TC_SNAPSHOTS_SECTION (tc_session_view_get_section (view, "snapshots"));
  TcWarningsSection *warnings = TC_WARNINGS_SECTION (tc_session_view_get_section (view, "warnings"));
  GListModel *snaps = tc_snapshots_section_get_model (snapshots);
  g_autoptr(TcItem) selected = NULL;
  guint position;

  g_assert_true (tc_session_view_show_section (view, "warnings"));

  /* The second warning fired at t = 4 s. */
  tc_warnings_section_jump (warnings, 1);
  g_assert_cmpint (tc_viewer_session_get_cursor (session), ==, 4 * G_GINT64_CONSTANT (1000000000));
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "snapshots");

  /* The timeline selected the last snapshot taken at or before then. */
  position = tc_snapshots_section_get_selected (snapshots);
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  selected = g_list_model_get_item (snaps, position);
  g_assert_cmpint (((const TcDocSnapshot *)tc_item_get_data (selected))->time_ns, <=, 4 * G_GINT64_CONSTANT (1000000000));
  if (position + 1 < g_list_model_get_n_items (snaps))
    {
      g_autoptr(TcItem) next = g_list_model_get_item (snaps, position + 1);

      g_assert_cmpint (((const TcDocSnapshot *)tc_item_get_data (next))->time_ns, >, 4 * G_GINT64_CONSTANT (1000000000));
    }
  g_assert_cmpuint (tc_snapshots_section_get_n_locals (snapshots), >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_crash (void)
{
  g_autofree char *path = tc_test_write_crash ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);
  TcCrashSection *crash;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *line = NULL;

  g_assert_true (tc_session_view_is_section_enabled (view, "crash"));
  g_assert_true (tc_session_view_show_section (view, "crash"));
  crash = TC_CRASH_SECTION (tc_session_view_get_section (view, "crash"));

  /* work():9 then main():5, raising frame first. */
  g_assert_cmpuint (tc_crash_section_get_n_frames (crash), ==, 2);

  /* The crash line is highlighted in the embedded source. */
  buffer = tc_crash_section_get_source_buffer (crash);
  g_assert_cmpint (tc_crash_section_get_crash_line (crash), >=, 0);
  gtk_text_buffer_get_iter_at_line (buffer, &start, tc_crash_section_get_crash_line (crash));
  end = start;
  gtk_text_iter_forward_to_line_end (&end);
  line = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_true (g_str_has_prefix (line, "►   9  "));
  g_assert_true (gtk_text_iter_has_tag (&start, gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "crash-line")));

  /* Locals of the raising frame (i = 3), none in main's frame. */
  g_assert_cmpuint (tc_crash_section_get_n_locals (crash), ==, 1);
  tc_crash_section_select_frame (crash, 1);
  g_assert_cmpuint (tc_crash_section_get_n_locals (crash), ==, 0);

  /* IndexError has three fix hints. */
  g_assert_cmpuint (tc_crash_section_get_n_checklist (crash), ==, 3);
  /* Nothing to suggest in crash.tc: the overview has no suggestions row. */
  g_assert_null (tc_overview_section_get_suggestions_row (
    TC_OVERVIEW_SECTION (tc_session_view_get_section (view, "overview"))));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_truncated (void)
{
  g_autofree char *path = tc_test_write_truncated ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);

  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");
  g_assert_true (tc_viewer_session_get_truncated (tc_session_view_get_session (view)));
  g_assert_true (tc_session_view_get_banner_revealed (view));
  g_assert_nonnull (strstr (tc_session_view_get_banner_text (view), "truncated"));
  g_assert_true (tc_session_view_is_section_enabled (view, "functions"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_corrupt (void)
{
  g_autofree char *garbage = g_build_filename (tc_test_dir (), "garbage.tc", NULL);
  g_autofree char *png = g_build_filename (tc_test_dir (), "picture.tc", NULL);
  g_autofree char *missing = g_build_filename (tc_test_dir (), "missing.tc", NULL);
  static const char png_data[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
  char noise[4096];
  TcWindow *window = new_window ();
  TcSessionView *view;

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (char)g_random_int ();
  g_assert_true (g_file_set_contents (garbage, noise, sizeof noise, NULL));
  g_assert_true (g_file_set_contents (png, png_data, sizeof png_data, NULL));

  view = tc_test_open_path (window, garbage);
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "error");
  g_assert_nonnull (tc_session_view_get_error_text (view));
  g_assert_cmpuint (strlen (tc_session_view_get_error_text (view)), >, 10);
  g_assert_null (tc_viewer_session_get_document (tc_session_view_get_session (view)));

  view = tc_test_open_path (window, png);
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "error");

  view = tc_test_open_path (window, missing);
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "error");

  /* Export and zoom are off for a tab without a recording. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export"));
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 3);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
drop_files (GtkDropTarget *target,
            GFile         *first,
            GFile         *second)
{
  GValue value = G_VALUE_INIT;
  GSList *files = g_slist_append (NULL, first);
  gboolean handled = FALSE;

  if (second != NULL)
    files = g_slist_append (files, second);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_slist_free (files);

  return handled;
}

static void
test_drop_files (void)
{
  g_autofree char *timings = tc_test_write_timings ();
  g_autofree char *crash = tc_test_write_crash ();
  g_autoptr(GFile) a = g_file_new_for_path (timings);
  g_autoptr(GFile) b = g_file_new_for_path (crash);
  TcWindow *window = new_window ();
  GtkDropTarget *target = tc_window_get_drop_target (window);
  TcSessionView *view;

  g_assert_true (GTK_IS_DROP_TARGET (target));
  g_assert_true (g_type_is_a (gtk_drop_target_get_gtypes (target, NULL)[0], GDK_TYPE_FILE_LIST));

  /* Each dropped recording opens in its own tab of the same window. */
  g_assert_true (drop_files (target, a, NULL));
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 1);
  tc_test_wait_loaded (tc_window_get_current_view (window));
  g_assert_true (drop_files (target, b, NULL));
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 2);
  view = tc_window_get_current_view (window);
  tc_test_wait_loaded (view);
  g_assert_true (g_file_equal (tc_viewer_session_get_file (tc_session_view_get_session (view)), b));
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");

  /* Dropping a file that is open again selects its tab. */
  g_assert_true (drop_files (target, a, NULL));
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 2);
  view = tc_window_get_current_view (window);
  g_assert_true (g_file_equal (tc_viewer_session_get_file (tc_session_view_get_session (view)), a));

  /* Something that is not a file list is refused. */
  {
    GValue text = G_VALUE_INIT;
    gboolean handled = TRUE;

    g_value_init (&text, G_TYPE_STRING);
    g_value_set_string (&text, "/tmp/x.tc");
    g_signal_emit_by_name (target, "drop", &text, 10.0, 10.0, &handled);
    g_assert_false (handled);
    g_value_unset (&text);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_zoom_actions (void)
{
  g_autofree char *path = tc_test_write_timings ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);
  TcViewerSession *session = tc_session_view_get_session (view);
  gint64 duration = tc_viewer_session_get_duration (session);
  gint64 span;

  g_assert_cmpint (duration, >, 0);
  g_assert_cmpint (tc_viewer_session_get_visible_begin (session), ==, 0);
  g_assert_cmpint (tc_viewer_session_get_visible_end (session), ==, duration);

  tc_viewer_session_set_cursor (session, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL));
  span = tc_viewer_session_get_visible_end (session) - tc_viewer_session_get_visible_begin (session);
  g_assert_cmpint (span, <, duration);
  g_assert_cmpint (ABS (span - (gint64)(duration / 1.5)), <=, 2);
  /* Zooming in around the middle keeps the middle. */
  g_assert_cmpint (ABS ((tc_viewer_session_get_visible_begin (session) + span / 2) - duration / 2), <=, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-out", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-out", NULL));
  /* Never wider than the recording. */
  g_assert_cmpint (tc_viewer_session_get_visible_begin (session), ==, 0);
  g_assert_cmpint (tc_viewer_session_get_visible_end (session), ==, duration);

  tc_viewer_session_select_range (session, duration / 4, duration / 2);
  tc_viewer_session_zoom_to_selection (session);
  g_assert_cmpint (tc_viewer_session_get_visible_begin (session), ==, duration / 4);
  g_assert_cmpint (tc_viewer_session_get_visible_end (session), ==, duration / 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-reset", NULL));
  g_assert_cmpint (tc_viewer_session_get_visible_end (session), ==, duration);

  /* Ctrl+W closes the tab. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-tab", NULL));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 0);
  /* … and the start page is back. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "empty");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_recent_files (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_auto(GStrv) recent = NULL;
  TcWindow *window = new_window ();

  g_settings_reset (tc_application_get_settings (app), "recent-files");
  tc_test_open_path (window, path);

  /* Opening a recording successfully puts it first in the recent list. */
  recent = tc_application_dup_recent_uris (app);
  g_assert_nonnull (recent);
  g_assert_cmpstr (recent[0], ==, uri);

  /* With the tab closed, the start page lists it; activating the row opens it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-tab", NULL));
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "empty");
  g_assert_true (gtk_widget_get_visible (window->recent_group));
  {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (window->recent_list, 0);

    g_assert_nonnull (row);
    g_signal_emit_by_name (window->recent_list, "row-activated", row);
  }
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 1);
  tc_test_wait_loaded (tc_window_get_current_view (window));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_application_open (void)
{
  g_autofree char *timings = tc_test_write_timings ();
  g_autofree char *crash = tc_test_write_crash ();
  GFile *files[2];
  TcWindow *window = new_window ();

  files[0] = g_file_new_for_path (timings);
  files[1] = g_file_new_for_path (crash);

  /* What a second `timecapsule-viewer FILE…` (or a double-click) does in
   * the running instance: the files become tabs of the active window. */
  g_application_open (G_APPLICATION (app), files, 1, "");
  g_assert_true (TC_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))) == window);
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 1);
  tc_test_wait_loaded (tc_window_get_current_view (window));
  g_application_open (G_APPLICATION (app), &files[1], 1, "");
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 2);
  tc_test_wait_loaded (tc_window_get_current_view (window));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);

  g_object_unref (files[0]);
  g_object_unref (files[1]);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_app_actions (void)
{
  TcWindow *window = new_window ();
  AdwStyleManager *style = adw_style_manager_get_default ();
  gboolean found_about = FALSE;
  GListModel *toplevels;

  /* F1 opens the shortcuts window loaded from the resource base path. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");

    g_assert_true (g_strv_contains ((const char * const *)accels, "F1"));
  }

  /* Dark and light, remembered in the settings. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "style-variant", g_variant_new_string ("dark"));
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_cmpint (g_settings_get_enum (tc_application_get_settings (app), "style-variant"), ==, 2);
  g_action_group_activate_action (G_ACTION_GROUP (app), "style-variant", g_variant_new_string ("light"));
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_action_group_activate_action (G_ACTION_GROUP (app), "style-variant", g_variant_new_string ("default"));
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);

  /* The About window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  toplevels = gtk_window_get_toplevels ();  /* transfer none */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (toplevel))
        {
          g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (toplevel)), ==, "org.timecapsule.Viewer");
          found_about = TRUE;
          gtk_window_destroy (GTK_WINDOW (toplevel));
          break;
        }
    }
  g_assert_true (found_about);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A recording of two asyncio tasks, written here with the format writer:
 * snapshots caught "fetch" three times and "parse" once. */
static char *
write_async_recording (void)
{
  char *path = g_build_filename (tc_test_dir (), "async.tc", NULL);
  static const char *tasks[] = { "fetch", "fetch", "parse", "fetch" };
  TcWriterOptions options = { "a5c0ffee", "timecapsule-gui-tests", 0, 0 };
  TcKeyValue items[] = { { TC_STR ("src"), TC_STR ("/tmp/aio.py") }, { TC_STR ("mode"), TC_STR ("full") } };
  TcSession session = { items, G_N_ELEMENTS (items) };
  TcThreadDef thread = { 1, 10, 20, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcFileDef file_def = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/aio.py") };
  TcCodeDef code = { 1, 1, 1, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_COROUTINE,
                     TC_STR ("worker"), TC_STR ("worker"), TC_STR ("__main__") };
  TcStackFrame stack[] = { { 1, 3 } };
  TcEndFixed end = { 0 };
  TcError error = { 0 };
  TcWriter *writer;

  g_remove (path);
  writer = tc_writer_open (path, &options, &error);
  g_assert_nonnull (writer);
  g_assert_cmpint (tc_writer_write_session (writer, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (writer, 0, &thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (writer, 0, &file_def), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_code (writer, 0, &code), ==, TC_OK);

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      TcThreadCapture capture = { 1, 0, stack, 1, NULL, 0 };
      TcSnapshot snap = { 0 };

      snap.index = i;
      snap.kind = TC_SNAPSHOT_TIMER;
      snap.origin_thread = 1;
      snap.time_ns = (i + 1) * G_GINT64_CONSTANT (100000000);
      snap.evt = TC_STR ("TIMER");
      snap.async_task = (TcStr) { tasks[i], (uint32_t) strlen (tasks[i]) };
      snap.async_coro = TC_STR ("worker");
      snap.threads = &capture;
      snap.n_threads = 1;
      g_assert_cmpint (tc_writer_write_snapshot (writer, &snap), ==, TC_OK);
    }

  g_assert_cmpint (tc_writer_close (writer, &end, &error), ==, TC_OK);
  return path;
}

static void
test_async_tasks (void)
{
  g_autofree char *path = write_async_recording ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);

  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");
  g_assert_true (tc_session_view_is_section_enabled (view, "async"));
  g_assert_false (tc_session_view_is_section_enabled (view, "functions"));
  g_assert_cmpuint (tc_async_section_get_n_tasks (TC_ASYNC_SECTION (tc_session_view_get_section (view, "async"))), ==, 2);
  /* The coroutine is defined but never ran: no coroutine rows. */
  g_assert_cmpuint (g_list_model_get_n_items (tc_async_section_get_model (TC_ASYNC_SECTION (tc_session_view_get_section (view, "async")))), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static const TcAsyncCode *
async_row (GListModel *model, guint position)
{
  g_autoptr(TcItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  return tc_item_get_data (item);
}

/* A recording of coroutines without a single snapshot in a task: the
 * section is there, from the events, sorted by running time. */
static void
test_async_coroutines (void)
{
  g_autofree char *path = tc_test_write_coroutines ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);
  TcAsyncSection *section;
  GListModel *model;

  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");
  g_assert_true (tc_session_view_is_section_enabled (view, "async"));
  g_assert_true (tc_session_view_show_section (view, "async"));
  section = TC_ASYNC_SECTION (tc_session_view_get_section (view, "async"));
  g_assert_cmpuint (tc_async_section_get_n_tasks (section), ==, 0);

  model = tc_async_section_get_model (section);
  /* The rows come from a worker thread. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (g_list_model_get_n_items (model) == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpstr (async_row (model, 0)->name, ==, "handle");
  g_assert_cmpuint (async_row (model, 0)->started, ==, 3);
  g_assert_cmpuint (async_row (model, 0)->threads->len, ==, 2);
  g_assert_cmpint (async_row (model, 0)->running_ns, ==, 14000000);
  g_assert_cmpstr (async_row (model, 1)->name, ==, "fetch");

  tc_async_section_set_filter (section, "FET");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (async_row (model, 0)->name, ==, "fetch");
  tc_async_section_set_filter (section, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_export (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autofree char *text_path = g_build_filename (tc_test_dir (), "report.txt", NULL);
  g_autofree char *json_path = g_build_filename (tc_test_dir (), "report.json", NULL);
  g_autoptr(GFile) text_file = g_file_new_for_path (text_path);
  g_autoptr(GFile) json_file = g_file_new_for_path (json_path);
  g_autofree char *trace_path = g_build_filename (tc_test_dir (), "report-trace.json", NULL);
  g_autoptr(GFile) trace_file = g_file_new_for_path (trace_path);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *trace = NULL;
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);
  TcDocument *document = tc_viewer_session_get_document (tc_session_view_get_session (view));

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export"));

  /* The text report, without terminal colours. */
  g_assert_true (_tc_window_export_document (document, "text", text_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (text_path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "FUNCTION PERFORMANCE"));
  g_assert_null (strchr (text, '\033'));

  g_assert_true (_tc_window_export_document (document, "json", json_file, &error));
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"snapshots\""));

  g_assert_false (_tc_window_export_document (document, "bmp", json_file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* From the window: in a worker, the answer when the main loop turns. */
  g_unlink (trace_path);
  _tc_window_export_document_async (window, document, "chrome", trace_file, export_done, &result);
  g_assert_null (result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (_tc_window_export_document_finish (window, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (g_file_get_contents (trace_path, &trace, NULL, NULL));
  g_assert_true (g_str_has_prefix (trace, "{\"traceEvents\":["));
  _tc_window_export_document_async (window, document, "bmp", trace_file, export_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (_tc_window_export_document_finish (window, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_object (&result);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_size_saved (void)
{
  GSettings *settings = tc_application_get_settings (app);
  TcWindow *window = new_window ();

  gtk_window_set_default_size (GTK_WINDOW (window), 987, 654);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 987);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 654);

  /* The next window starts at that size. */
  window = new_window ();
  {
    int width, height;

    gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
    g_assert_cmpint (width, ==, 987);
    g_assert_cmpint (height, ==, 654);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_moments_strip (void)
{
  g_autofree char *path = tc_test_write_crash ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);
  TcViewerSession *session = tc_session_view_get_session (view);
  TcOverviewSection *overview = TC_OVERVIEW_SECTION (tc_session_view_get_section (view, "overview"));
  TcMomentsStrip *strip = TC_MOMENTS_STRIP (tc_overview_section_get_moments_strip (overview));
  const TcMoment *moments;
  guint n, n_snapshots = 0, n_errors = 0, n_crash = 0;
  double width;

  /* crash.tc: 3 snapshots, one NAN_DETECTED error at 0.4 s, the crash at 0.5 s. */
  moments = tc_moments_strip_get_moments (strip, &n);
  for (guint i = 0; i < n; i++)
    {
      n_snapshots += moments[i].kind == TC_MOMENT_SNAPSHOT;
      n_errors += moments[i].kind == TC_MOMENT_ERROR;
      n_crash += moments[i].kind == TC_MOMENT_CRASH;
    }
  g_assert_cmpuint (n_snapshots, ==, 3);
  g_assert_cmpuint (n_errors, ==, 1);
  g_assert_cmpuint (n_crash, ==, 1);
  g_assert_cmpint (moments[0].kind, ==, TC_MOMENT_ERROR);

  /* A click on the error's mark jumps to that moment in the timeline. */
  width = gtk_widget_get_width (GTK_WIDGET (strip));
  g_assert_cmpfloat (width, >, 100);
  tc_moments_strip_activate_at (strip, tc_draw_moments_x (width, tc_viewer_session_get_duration (session),
                                                          moments[0].time_ns) + 2);
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "snapshots");
  g_assert_cmpint (tc_viewer_session_get_cursor (session), <=, moments[0].time_ns);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A sidebar row by its page id. */
static gboolean
is_sidebar_row (GtkWidget     *widget,
                gconstpointer  id)
{
  return GTK_IS_LIST_BOX_ROW (widget) && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "section-id"), id) == 0;
}

/* Opening the source from another page moves the sidebar's selection and
 * its keyboard cursor with the page: the row of the page left (Compare,
 * clicked last) is neither selected nor focused after it. */
static void
test_show_source_selection (void)
{
  g_autofree char *path = tc_test_write_timings ();
  TcWindow *window = new_window ();
  TcSessionView *view = tc_test_open_path (window, path);
  TcDocument *doc = tc_viewer_session_get_document (tc_session_view_get_session (view));
  const TcDocFile *file = g_ptr_array_index (tc_document_get_files (doc), 0);
  GtkWidget *compare = tc_test_find (GTK_WIDGET (view), is_sidebar_row, "compare");
  GtkWidget *source = tc_test_find (GTK_WIDGET (view), is_sidebar_row, "source");

  g_assert_nonnull (compare);
  g_assert_nonnull (source);
  g_assert_true (tc_session_view_is_section_enabled (view, "source"));

  /* A click on the Compare row: it gets the focus and the selection. */
  g_assert_true (gtk_widget_grab_focus (compare));
  g_assert_true (tc_session_view_show_section (view, "compare"));
  g_assert_cmpstr (tc_session_view_get_selected_id (view), ==, "compare");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.show-source", "(uu)", file->id, 2));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "source");
  g_assert_cmpstr (tc_session_view_get_selected_id (view), ==, "source");
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == source);

  /* Back to Compare: the page comes to the front again. */
  g_assert_true (tc_session_view_show_section (view, "compare"));
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "compare");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  app = tc_test_init (&argc, &argv);
  g_assert_nonnull (tc_application_get_settings (app));

  g_test_add_func ("/Tc/Gui/viewer/open-recording", test_open_recording);
  g_test_add_func ("/Tc/Gui/viewer/warning-jump", test_warning_jump);
  g_test_add_func ("/Tc/Gui/viewer/open-crash", test_open_crash);
  g_test_add_func ("/Tc/Gui/viewer/open-truncated", test_open_truncated);
  g_test_add_func ("/Tc/Gui/viewer/open-corrupt", test_open_corrupt);
  g_test_add_func ("/Tc/Gui/viewer/drop-files", test_drop_files);
  g_test_add_func ("/Tc/Gui/viewer/zoom-actions", test_zoom_actions);
  g_test_add_func ("/Tc/Gui/viewer/recent-files", test_recent_files);
  g_test_add_func ("/Tc/Gui/viewer/application-open", test_application_open);
  g_test_add_func ("/Tc/Gui/viewer/app-actions", test_app_actions);
  g_test_add_func ("/Tc/Gui/viewer/async-tasks", test_async_tasks);
  g_test_add_func ("/Tc/Gui/viewer/async-coroutines", test_async_coroutines);
  g_test_add_func ("/Tc/Gui/viewer/export", test_export);
  g_test_add_func ("/Tc/Gui/viewer/moments-strip", test_moments_strip);
  g_test_add_func ("/Tc/Gui/viewer/window-size-saved", test_window_size_saved);
  g_test_add_func ("/Tc/Gui/viewer/show-source-selection", test_show_source_selection);

  return g_test_run ();
}

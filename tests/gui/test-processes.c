/* test-processes.c — the Processes page of a multi-process recording
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "charts/tc-process-lanes.h"
#include "tc-processes-section.h"
#include "tc-test-recordings.h"
#include "tc-test-window.h"
#include "tc-window-private.h"

static TcApplication *app;

static gboolean
set_loaded (gpointer section)
{
  return tc_processes_section_get_set (section) != NULL;
}

static void
test_processes_page (void)
{
  g_autofree char *parent = tc_test_write_process ("app.tc", "100", "", "", 3, 0, 0);
  g_autofree char *child = tc_test_write_process ("app.200.tc", "200", "100", "spawn-child", 5, 0, 0);
  g_autofree char *grandchild = tc_test_write_process ("app.300.tc", "300", "200", "subprocess", 2,
                                                       128 + 15, TC_END_FLAG_SIGNAL);
  TcWindow *window = tc_window_new (app);
  TcSessionView *view;
  TcProcessesSection *section;
  TcProcessSet *set;
  GtkWidget *lanes;
  gint64 begin, end;
  int member;
  double y;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  view = tc_test_open_path (window, parent);
  g_assert_true (tc_session_view_is_section_enabled (view, "processes"));
  g_assert_true (tc_session_view_show_section (view, "processes"));
  section = TC_PROCESSES_SECTION (tc_session_view_get_section (view, "processes"));
  tc_test_wait_for (set_loaded, section);

  set = tc_processes_section_get_set (section);
  g_assert_cmpuint (tc_process_set_get_n_members (set), ==, 3);
  /* The open document is reused, not loaded twice. */
  g_assert_true (tc_process_set_get_member (set, 0)->document
                 == tc_viewer_session_get_document (tc_session_view_get_session (view)));

  lanes = tc_test_find_widget (GTK_WIDGET (section), TC_TYPE_PROCESS_LANES);
  g_assert_nonnull (lanes);
  g_assert_cmpuint (tc_process_lanes_get_n_spans (TC_PROCESS_LANES (lanes), 0), ==, 3);
  g_assert_cmpuint (tc_process_lanes_get_n_spans (TC_PROCESS_LANES (lanes), 1), ==, 5);
  g_assert_cmpuint (tc_process_lanes_get_n_spans (TC_PROCESS_LANES (lanes), 2), ==, 2);
  tc_process_lanes_get_range (TC_PROCESS_LANES (lanes), &begin, &end);
  g_assert_cmpint (begin, ==, 0);
  g_assert_cmpint (end, >=, 10 * 1000000);

  /* Zoomed to the first 3 ms, the parent shows its first call only. */
  tc_process_lanes_set_range (TC_PROCESS_LANES (lanes), 0, 3 * 1000000 - 1);
  g_assert_cmpuint (tc_process_lanes_get_n_spans (TC_PROCESS_LANES (lanes), 0), ==, 1);
  tc_process_lanes_set_range (TC_PROCESS_LANES (lanes), G_MININT64 / 4, G_MAXINT64 / 4);
  tc_process_lanes_get_range (TC_PROCESS_LANES (lanes), &begin, &end);
  g_assert_cmpint (begin, ==, 0);

  /* Hit-testing walks down the groups in tree order. */
  g_assert_cmpint (tc_process_lanes_member_at (TC_PROCESS_LANES (lanes), 1), ==, -1);
  for (y = 0, member = -1; y < 2000 && member != 2; y += 4)
    member = tc_process_lanes_member_at (TC_PROCESS_LANES (lanes), y);
  g_assert_cmpint (member, ==, 2);

  /* Hovering a process's header says which process it is and what a
   * click does; hovering a call names it, its thread and its process. */
  {
    g_autofree char *header = NULL;
    g_autofree char *call = NULL;
    /* Not allocated yet, the lanes lay out for 1000 pixels. */
    double width = gtk_widget_get_width (lanes) > 0 ? gtk_widget_get_width (lanes) : 1000;

    for (y = 0; y < 2000 && tc_process_lanes_member_at (TC_PROCESS_LANES (lanes), y) != 2; y += 1)
      ;
    header = tc_process_lanes_get_tooltip_text (TC_PROCESS_LANES (lanes), 20, y + 2);
    g_assert_nonnull (header);
    g_assert_nonnull (strstr (header, "Process 300"));
    g_assert_nonnull (strstr (header, "subprocess"));
    g_assert_nonnull (strstr (header, "(subprocess), started by process 200"));
    g_assert_nonnull (strstr (header, "signal 15"));
    g_assert_nonnull (strstr (header, "Click to open"));
    /* The axis over the lanes is no process. */
    g_assert_null (tc_process_lanes_get_tooltip_text (TC_PROCESS_LANES (lanes), 20, 2));

    for (y = 0; y < 2000 && call == NULL; y += 2)
      for (double x = 160; x < width && call == NULL; x += 4)
        {
          g_autofree char *text = tc_process_lanes_get_tooltip_text (TC_PROCESS_LANES (lanes), x, y);

          if (text != NULL && strstr (text, " in thread ") != NULL)
            call = g_steal_pointer (&text);
        }
    g_assert_nonnull (call);
    g_assert_nonnull (strstr (call, "<b>Process "));
  }

  /* Activating a process opens its own report in a tab. */
  g_signal_emit_by_name (lanes, "member-activated", 1u);
  g_assert_cmpuint (tc_window_get_n_views (window), ==, 2);
  {
    TcSessionView *other = tc_window_get_current_view (window);
    g_autofree char *path = g_file_get_path (tc_viewer_session_get_file (tc_session_view_get_session (other)));
    g_assert_cmpstr (path, ==, tc_process_set_get_member (set, 1)->path);
    tc_test_wait_loaded (other);
    /* A member's own tab shows the same set. */
    g_assert_true (tc_session_view_is_section_enabled (other, "processes"));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (child);
  g_remove (grandchild);
}

static void
test_single_recording (void)
{
  g_autofree char *path = tc_test_write_timings ();
  TcWindow *window = tc_window_new (app);
  TcSessionView *view;

  gtk_window_present (GTK_WINDOW (window));
  view = tc_test_open_path (window, path);
  g_assert_false (tc_session_view_is_section_enabled (view, "processes"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  app = tc_test_init (&argc, &argv);

  g_test_add_func ("/Tc/Gui/processes/page", test_processes_page);
  g_test_add_func ("/Tc/Gui/processes/single", test_single_recording);
  return g_test_run ();
}

/* tc-open-benchmark.c — how long a big recording takes to a usable page
 *
 * SPDX-License-Identifier: MIT
 *
 * Not a test: `tc-open-benchmark RECORDING.tc [RUNS]` (under Xvfb or on a
 * desktop) opens the recording in a real window, as a double-click does,
 * and prints the time from the open request to the first frame painted
 * (the loading page), to the first frame with the recording's summary
 * beside the progress bar, to the report's first page, and the document
 * load alone.  Make a 10-million-event recording with
 * `build/bench/bench-report --events 10000000 --keep`.  With TC_OPEN_ONLY=1
 * in the environment the separate load is skipped (for profiling the open).
 */
#include <sys/resource.h>

#include <adwaita.h>

#include "tc-window.h"

static gboolean painted;
static guint n_frames;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
  n_frames++;
}

/* CPU time of the whole process (all threads), in ms: on a busy machine
 * wall time says more about the neighbours than about the viewer. */
static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3
       + usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

/* The kernel's share (page faults, mostly). */
static double
sys_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TcApplication) app = NULL;
  g_autoptr(GFile) file = NULL;
  int runs = argc > 2 ? atoi (argv[2]) : 3;

  if (argc < 2)
    {
      g_printerr ("usage: %s RECORDING.tc [RUNS]\n", argv[0]);
      return 2;
    }

  adw_init ();
  app = tc_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  file = g_file_new_for_commandline_arg (argv[1]);

  for (int run = 0; run < MAX (runs, 1); run++)
    {
      TcWindow *window = tc_window_new (app);
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(TcDocument) document = NULL;
      TcSessionView *view;
      GdkFrameClock *clock;
      gint64 start;
      double loaded_ms, report_ms, painted_ms, load_only_ms = 0, first_ms, summary_ms, summary_cpu_ms;
      TcViewerSession *session;
      double cpu_start, load_cpu_ms = 0, open_cpu_ms, sys_start, load_sys_ms = 0, open_sys_ms, loaded_cpu_ms;
      gulong id;

      /* The document load alone, in this thread. */
      if (g_getenv ("TC_OPEN_ONLY") != NULL)
        goto open;
      start = g_get_monotonic_time ();
      cpu_start = cpu_ms ();
      sys_start = sys_ms ();
      document = tc_document_load (path, NULL, NULL, NULL, &error);
      load_only_ms = ms_since (start);
      load_cpu_ms = cpu_ms () - cpu_start;
      load_sys_ms = sys_ms () - sys_start;
      if (document == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_clear_object (&document);

    open:
      gtk_window_present (GTK_WINDOW (window));
      while (g_main_context_iteration (NULL, FALSE))
        ;

      clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
      /* Frames painted while loading (the progress bar): each costs CPU
       * beside the loader under a software renderer such as Xvfb's. */
      n_frames = 0;
      id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
      start = g_get_monotonic_time ();
      cpu_start = cpu_ms ();
      sys_start = sys_ms ();
      view = tc_window_open_file (window, file);
      session = tc_session_view_get_session (view);

      /* The window with the loading page, then with the recording's
       * summary (session, threads, events) beside the progress bar. */
      painted = FALSE;
      while (!painted)
        g_main_context_iteration (NULL, TRUE);
      first_ms = ms_since (start);
      while (tc_viewer_session_get_summary (session) == NULL
             && g_strcmp0 (tc_session_view_get_state (view), "loading") == 0)
        g_main_context_iteration (NULL, TRUE);
      painted = FALSE;
      while (!painted)
        g_main_context_iteration (NULL, TRUE);
      summary_ms = ms_since (start);
      summary_cpu_ms = cpu_ms () - cpu_start;

      while (g_strcmp0 (tc_session_view_get_state (view), "loading") == 0)
        g_main_context_iteration (NULL, TRUE);
      report_ms = ms_since (start);
      loaded_ms = report_ms;
      loaded_cpu_ms = cpu_ms () - cpu_start;

      painted = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (window));
      while (!painted)
        g_main_context_iteration (NULL, TRUE);
      painted_ms = ms_since (start);
      open_cpu_ms = cpu_ms () - cpu_start;
      open_sys_ms = sys_ms () - sys_start;
      g_signal_handler_disconnect (clock, id);

      g_print ("run %d: state=%s  load alone %.0f ms (CPU %.0f ms, kernel %.0f)  open→first frame %.0f ms  "
               "open→summary shown %.0f ms (CPU %.0f ms)  open→report %.0f ms "
               "(CPU %.0f ms, %u frames painted)  open→first frame of the report %.0f ms (CPU %.0f ms, kernel %.0f)\n",
               run + 1, tc_session_view_get_state (view), load_only_ms, load_cpu_ms, load_sys_ms,
               first_ms, summary_ms, summary_cpu_ms,
               loaded_ms, loaded_cpu_ms, n_frames, painted_ms, open_cpu_ms, open_sys_ms);

      gtk_window_destroy (GTK_WINDOW (window));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  return 0;
}

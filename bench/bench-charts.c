/* bench-charts.c — frame times of the flame graph and flame chart while
 * zooming and panning a 10-million-event recording
 *
 * SPDX-License-Identifier: MIT
 *
 * Writes a recording with the chart fixture (about 13.6 events per training
 * step), loads it, shows a flame graph (the recording's call tree, then a
 * synthetic tree of --nodes nodes) above a time ruler and a flame chart, and
 * drives zoom-in, pan and zoom-out from the frame clock.  Each frame's work
 * is timed from the clock's "update" to the end of "after-paint"; p50/p95
 * and the maximum are printed, with the load time and the process memory,
 * how many frames showed new flame chart spans (its worker loads those of
 * the view after each step, one load at a time), how long after the last
 * step it showed the final view's, how long finding every call of a
 * function in the timeline took, and a step from one of them to the next.
 * Not a test: run it by hand, e.g.
 *   xvfb-run -a -s '-screen 0 1400x900x24' build/bench/bench-charts --steps 735000
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>
#include <epoxy/gl.h>
#include <glib/gstdio.h>

#include "tc-flame-chart.h"
#include "tc-flame-graph.h"
#include "tc-time-navigation.h"
#include "tc-time-ruler.h"

#include "tc-chart-fixture.h"

static guint    opt_steps = 735000;
static guint    opt_frames = 240;
static guint    opt_nodes = 200000;
static guint    opt_snap_every = 500;
static gboolean opt_crash;
static gboolean opt_write_only;
static char    *opt_keep;
static char    *opt_search;

typedef struct
{
  TcViewerSession *session;
  TcFlameGraph    *graph;
  TcFlameChart    *chart;
  GtkWidget       *window;
  GArray          *frame_us;      /* double per frame: wall time */
  GArray          *cpu_us;        /* double per frame: main thread CPU time */
  gint64           frame_start;
  double           cpu_start;
  guint            frame;
  guint            phase;         /* 0: call tree, 1: synthetic tree */
  guint            n_refreshed;   /* frames showing newly loaded chart spans */
  GArray          *shown_spans;   /* the main thread's, at the last frame */
  gint64           settle_start;  /* the motion ended; 0: moving */
  gint64           shown_at;      /* the first tick */
  gboolean         first_view;    /* the chart has shown its first view */
  TcDocument      *doc;
  GMainLoop       *loop;
} Bench;

static double
status_mb (const char *key)
{
  g_autofree char *text = NULL;
  const char *at;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return NAN;
  at = strstr (text, key);
  return at != NULL ? g_ascii_strtod (at + strlen (key) + 1, NULL) / 1024.0 : NAN;
}

/* Which GL drew the frames: llvmpipe under Xvfb, a GPU's driver where the
 * display has one (a figure means little without it). */
static char *
gl_renderer_name (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autoptr (GdkGLContext) context = gdk_surface_create_gl_context (surface, NULL);
  char *name;

  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return g_strdup ("no GL");
  gdk_gl_context_make_current (context);
  name = g_strdup_printf ("%s, %s", (const char *) glGetString (GL_VENDOR),
                          (const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return name;
}

static double
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

static void
report_times (GArray     *t,
              const char *what)
{
  double sum = 0;

  if (t->len == 0)
    return;

  g_array_sort (t, compare_double);
  for (guint i = 0; i < t->len; i++)
    sum += g_array_index (t, double, i);
  printf ("%-58s frames %4u  p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms  mean %6.2f ms\n", what, t->len,
          g_array_index (t, double, t->len / 2) / 1000.0,
          g_array_index (t, double, MIN (t->len - 1, (guint) (t->len * 0.95))) / 1000.0,
          g_array_index (t, double, t->len - 1) / 1000.0, sum / t->len / 1000.0);
  g_array_set_size (t, 0);
}

static void
report (Bench      *b,
        const char *what)
{
  g_autofree char *wall = g_strdup_printf ("%s, wall", what);
  g_autofree char *cpu = g_strdup_printf ("%s, main-thread CPU", what);
  guint frames = b->frame_us->len;

  report_times (b->frame_us, wall);
  report_times (b->cpu_us, cpu);
  printf ("%-58s %u of %u frames; the final view's %.0f ms after the last\n", "flame chart, new spans shown",
          b->n_refreshed, frames, (g_get_monotonic_time () - b->settle_start) / 1000.0);
  b->n_refreshed = 0;
  b->settle_start = 0;
}

static void
update_cb (GdkFrameClock *clock,
           Bench         *b)
{
  b->frame_start = g_get_monotonic_time ();
  b->cpu_start = thread_cpu_us ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  double us;

  if (b->frame_start == 0)
    return;
  us = (double) (g_get_monotonic_time () - b->frame_start);
  /* The first frames lay out and realize everything: not zoom frames. */
  if (b->frame > 2 && b->settle_start == 0)
    {
      GArray *spans = tc_flame_chart_get_spans (b->chart, 1);

      b->n_refreshed += spans != b->shown_spans;
      b->shown_spans = spans;
      double cpu = thread_cpu_us () - b->cpu_start;

      g_array_append_val (b->frame_us, us);
      g_array_append_val (b->cpu_us, cpu);
    }
  b->frame_start = 0;
}

static TcFlameTree *
synthetic_tree (guint n_nodes)
{
  TcFlameTree *tree = tc_flame_tree_new (TC_FLAME_UNIT_NS);
  GRand *rand = g_rand_new_with_seed (42);
  guint32 path[24];

  /* Random paths over 400 functions, depth 3–24: wide and deep enough that
   * most boxes are far below a pixel. */
  for (guint added = 0; tc_flame_tree_get_n_nodes (tree) < n_nodes && added < n_nodes * 4; added++)
    {
      guint depth = g_rand_int_range (rand, 3, 25);

      for (guint d = 0; d < depth; d++)
        path[d] = g_rand_int_range (rand, 1, d < 2 ? 8 : 400);
      tc_flame_tree_add_path (tree, path, depth, g_rand_int_range (rand, 1000, 5000000), 1);
    }
  tc_flame_tree_finish (tree);
  g_rand_free (rand);
  return tree;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *b = user_data;
  guint third = opt_frames / 3;
  double width = tc_time_navigation_plot_width (widget);
  guint i = b->frame++;

  /* Zoom once the first view is shown, as a person would. */
  if (b->shown_at == 0)
    b->shown_at = g_get_monotonic_time ();
  if (b->phase == 0 && !b->first_view)
    {
      b->frame = 0;
      if (!tc_flame_chart_get_ready (b->chart))
        return G_SOURCE_CONTINUE;
      printf ("flame chart: the first view's spans %.0f ms after the first frame\n",
              (g_get_monotonic_time () - b->shown_at) / 1000.0);
      b->first_view = TRUE;
      return G_SOURCE_CONTINUE;
    }
  if (i < third)
    {
      tc_time_navigation_zoom (b->session, 1.06, width * 0.37, width);
      tc_flame_graph_zoom_view (b->graph, 1.04, gtk_widget_get_width (GTK_WIDGET (b->graph)) * 0.37);
    }
  else if (i < 2 * third)
    {
      double x0, x1;

      tc_time_navigation_pan (b->session, (i / 20) % 2 ? -0.03 : 0.03);
      tc_flame_graph_get_view (b->graph, &x0, &x1);
      tc_flame_graph_set_view (b->graph, x0 + ((i / 20) % 2 ? -0.2 : 0.2) * (x1 - x0) / 10,
                               x1 + ((i / 20) % 2 ? -0.2 : 0.2) * (x1 - x0) / 10);
    }
  else if (i < opt_frames)
    {
      tc_time_navigation_zoom (b->session, 1.0 / 1.06, width * 0.5, width);
      tc_flame_graph_zoom_view (b->graph, 1.0 / 1.04, gtk_widget_get_width (GTK_WIDGET (b->graph)) * 0.5);
    }
  else if (b->settle_start == 0 || !tc_flame_chart_get_ready (b->chart))
    {
      /* Still: wait for the chart's spans of the final view. */
      if (b->settle_start == 0)
        b->settle_start = g_get_monotonic_time ();
      b->frame--;
    }
  else
    {
      if (b->phase == 0)
        {
          g_autoptr(TcFlameTree) tree = NULL;
          gint64 t0;

          report (b, "call tree graph + flame chart");
          tree = synthetic_tree (opt_nodes);
          t0 = g_get_monotonic_time ();
          tc_flame_graph_set_tree (b->graph, b->doc, tree);
          printf ("synthetic tree: %u nodes, set_tree (layout started) %.1f ms\n",
                  tc_flame_tree_get_n_nodes (tree), (g_get_monotonic_time () - t0) / 1000.0);
          tc_viewer_session_reset_zoom (b->session);
          b->phase = 1;
          b->frame = 0;
          return G_SOURCE_CONTINUE;
        }
      report (b, "synthetic-tree graph + flame chart");
      g_main_loop_quit (b->loop);
      return G_SOURCE_REMOVE;
    }

  /* Wait for the worker-thread layout of the big tree before timing. */
  if (b->phase == 1 && !tc_flame_graph_get_ready (b->graph))
    b->frame = 0;
  return G_SOURCE_CONTINUE;
}

static void
map_cb (GtkWidget *window,
        Bench     *b)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "update", G_CALLBACK (update_cb), b);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), b);
  gtk_widget_add_tick_callback (window, tick_cb, b, NULL);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "steps", 0, 0, G_OPTION_ARG_INT, &opt_steps, "training steps (13.6 events each)", "N" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "frames per phase", "N" },
    { "nodes", 0, 0, G_OPTION_ARG_INT, &opt_nodes, "nodes of the synthetic tree", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &opt_keep, "write the recording here and keep it", "FILE" },
    { "snap-every", 0, 0, G_OPTION_ARG_INT, &opt_snap_every, "a snapshot every N steps (500)", "N" },
    { "crash", 0, 0, G_OPTION_ARG_NONE, &opt_crash, "end the recording with a crash", NULL },
    { "write-only", 0, 0, G_OPTION_ARG_NONE, &opt_write_only, "only write the recording (with --keep)", NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &opt_search, "the timeline search's query (parse)", "TEXT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— chart frame times");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *gl_name = NULL;
  g_autoptr(TcFlameTree) tree = NULL;
  GtkWidget *box, *scroller;
  Bench b = { 0 };
  gint64 t0;
  guint64 events = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  path = opt_keep != NULL ? g_strdup (opt_keep) : g_build_filename (g_get_tmp_dir (), "bench-charts.tc", NULL);
  t0 = g_get_monotonic_time ();
  if (!tc_chart_fixture_write_full (path, opt_steps, MAX (opt_snap_every, 1), opt_crash, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("wrote %s in %.2f s\n", path, (g_get_monotonic_time () - t0) / 1e6);
  if (opt_write_only)
    return 0;
  gtk_init ();
  adw_init ();

  t0 = g_get_monotonic_time ();
  b.doc = tc_document_load (path, NULL, NULL, NULL, &error);
  if (b.doc == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < tc_document_get_threads (b.doc)->len; i++)
    events += ((TcDocThread *) g_ptr_array_index (tc_document_get_threads (b.doc), i))->n_events;
  printf ("loaded %'" G_GUINT64_FORMAT " events (%.1f MB file) in %.2f s; RSS %.0f MB "
          "(decoded events would be %.0f MB)\n",
          events, tc_document_get_file_size (b.doc) / 1048576.0, (g_get_monotonic_time () - t0) / 1e6,
          status_mb ("VmRSS:"), events * 16.0 / 1048576.0);
  if (opt_keep == NULL)
    g_unlink (path);

  b.session = tc_viewer_session_new (NULL);
  tc_viewer_session_set_document (b.session, b.doc);
  b.frame_us = g_array_new (FALSE, FALSE, sizeof (double));
  b.cpu_us = g_array_new (FALSE, FALSE, sizeof (double));
  b.loop = g_main_loop_new (NULL, FALSE);

  b.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1400, 900);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  b.graph = TC_FLAME_GRAPH (tc_flame_graph_new ());
  gtk_widget_set_size_request (GTK_WIDGET (b.graph), -1, 300);
  /* What the flame graph page does on the main thread on first show: the
   * tree comes from the loader's per-thread call trees, not the events. */
  t0 = g_get_monotonic_time ();
  tree = tc_flame_tree_new_from_threads (b.doc, 0);
  tc_flame_graph_set_tree (b.graph, b.doc, tree);
  printf ("flame graph tree on first show: %u nodes in %.2f ms\n", tc_flame_tree_get_n_nodes (tree),
          (g_get_monotonic_time () - t0) / 1000.0);
  scroller = gtk_scrolled_window_new ();
  b.chart = TC_FLAME_CHART (tc_flame_chart_new (b.session));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (b.chart));
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (b.graph));
  gtk_box_append (GTK_BOX (box), tc_time_ruler_new (b.session));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_window_set_child (GTK_WINDOW (b.window), box);
  g_signal_connect (b.window, "map", G_CALLBACK (map_cb), &b);
  gtk_window_present (GTK_WINDOW (b.window));

  g_main_loop_run (b.loop);

  /* Find every call of a function in the timeline (a full pass). */
  {
    const char *query = opt_search != NULL ? opt_search : "parse";
    double peak_before = status_mb ("VmHWM:");
    gint64 matched_ns = 0;
    guint64 n;

    t0 = g_get_monotonic_time ();
    tc_flame_chart_set_search (b.chart, query);
    while (!tc_flame_chart_get_search_ready (b.chart))
      g_main_context_iteration (NULL, TRUE);
    n = tc_flame_chart_get_n_matches (b.chart, &matched_ns);
    printf ("flame chart search \"%s\": %'" G_GUINT64_FORMAT " calls in %.0f ms; peak RSS %.0f → %.0f MB\n",
            query, n, (g_get_monotonic_time () - t0) / 1000.0, peak_before, status_mb ("VmHWM:"));

    /* Stepping through the matches: from the middle of the recording,
     * then on, then back. */
    if (n > 0)
      {
        g_autoptr (GArray) step_us = g_array_new (FALSE, FALSE, sizeof (double));
        gint64 begin, end;

        tc_document_get_time_range (b.doc, &begin, &end);
        tc_viewer_session_set_visible_range (b.session, begin + (end - begin) / 2, end);
        for (guint i = 0; i < 200; i++)
          {
            double us;

            t0 = g_get_monotonic_time ();
            tc_flame_chart_jump_to_match (b.chart, i < 100);
            us = (double) (g_get_monotonic_time () - t0);
            g_array_append_val (step_us, us);
          }
        report_times (step_us, "flame chart search, a step to the next/previous call");
      }
  }

  gl_name = gl_renderer_name (b.window);
  printf ("renderer %s (GL: %s); RSS at the end %.0f MB, peak %.0f MB\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (b.window))),
          gl_name, status_mb ("VmRSS:"), status_mb ("VmHWM:"));
  gtk_window_destroy (GTK_WINDOW (b.window));
  g_object_unref (b.session);
  g_object_unref (b.doc);
  return 0;
}

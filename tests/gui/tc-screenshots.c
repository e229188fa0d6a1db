/* tc-screenshots.c — render the viewer's pages to PNG for docs/screenshots
 *
 * SPDX-License-Identifier: MIT
 *
 * Not a test: `tc-screenshots OUTDIR RECORDING.tc [CRASH.tc] [TRUNCATED.tc]`
 * opens the recordings in a real window (run it under Xvfb or on a desktop),
 * shows each page and saves what GTK drew, header bar included, as
 * OUTDIR/<page>.png, plus a dark-style overview and the start page.
 *
 * `tc-screenshots --pages ID,ID… [--prefix P] OUTDIR RECORDING.tc` saves
 * only those pages, as OUTDIR/<P><id>.png, in a 1400 × 900 window: the chart
 * pages are `--pages metrics,resources,variables,hot-lines,samples,callgraph
 * --prefix charts- --center train --cursor 1.2` on bench-charts' recording
 * (`bench-charts --steps 300 --snap-every 6 --crash --write-only --keep F`).
 */
#include <adwaita.h>

#include "charts/tc-call-graph.h"
#include "tc-functions-section.h"
#include "tc-item.h"
#include "tc-test-window.h"

/* Only the pages asked for. */
static int
save_pages (TcApplication *app,
            const char    *dir,
            const char    *path,
            char         **ids,
            const char    *prefix,
            const char    *center,
            double         cursor)
{
  TcWindow *window = tc_window_new (app);
  TcSessionView *view;
  int missing = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  tc_test_settle (500);
  view = tc_test_open_path (window, path);
  /* The time-travel panel shows the program's state at the cursor. */
  if (cursor >= 0)
    tc_viewer_session_set_cursor (tc_session_view_get_session (view), (gint64) (cursor * 1e9));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *name = g_strconcat (prefix, ids[i], NULL);

      if (!tc_session_view_show_section (view, ids[i]))
        {
          g_printerr ("%s: no page “%s” with data\n", path, ids[i]);
          missing++;
          continue;
        }
      if (center != NULL && g_str_equal (ids[i], "callgraph"))
        tc_call_graph_set_center (TC_CALL_GRAPH (tc_test_find_widget (GTK_WIDGET (view), TC_TYPE_CALL_GRAPH)),
                                  center);
      /* Pages that fill in a worker (flame graphs, the call graph). */
      tc_test_settle (1500);
      tc_test_save_window (GTK_WIDGET (window), dir, name);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  return missing > 0 ? 1 : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *pages_arg = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *center = NULL;
  double cursor = -1;
  GOptionEntry entries[] = {
    { "center", 0, 0, G_OPTION_ARG_STRING, &center, "the call graph's function (with --pages)", "NAME" },
    { "cursor", 0, 0, G_OPTION_ARG_DOUBLE, &cursor, "the time cursor, in seconds (with --pages)", "S" },
    { "pages", 0, 0, G_OPTION_ARG_STRING, &pages_arg, "only these pages (comma separated ids)", "ID,…" },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix, "before each file name (with --pages)", "P" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("OUTDIR RECORDING.tc [CRASH.tc] [TRUNCATED.tc]");
  g_autoptr(GError) error = NULL;
  static const char *pages[] = { "overview", "warnings", "functions", "return-values",
                                 "suggestions", "snapshots" };
  g_autoptr(TcApplication) app = NULL;
  g_autoptr(GFile) file = NULL;
  const char *dir;
  TcSessionView *view;
  TcWindow *window;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 3)
    {
      g_printerr ("usage: %s [--pages ID,… [--prefix P]] OUTDIR RECORDING.tc [CRASH.tc] [TRUNCATED.tc]\n", argv[0]);
      return 2;
    }
  dir = argv[1];

  adw_init ();
  /* No crossfades half-way through a picture. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  app = tc_test_app_new ();
  if (pages_arg != NULL)
    {
      g_auto(GStrv) ids = g_strsplit (pages_arg, ",", -1);

      return save_pages (app, dir, argv[2], ids, prefix != NULL ? prefix : "", center, cursor);
    }

  window = tc_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  gtk_window_present (GTK_WINDOW (window));
  tc_test_settle (500);

  file = g_file_new_for_commandline_arg (argv[2]);
  view = tc_window_open_file (window, file);
  tc_test_wait_loaded (view);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      if (!tc_session_view_show_section (view, pages[i]))
        continue;

      /* The function with the most calls among the top rows makes the
       * more telling histogram. */
      if (g_str_equal (pages[i], "functions"))
        {
          TcFunctionsSection *functions = TC_FUNCTIONS_SECTION (tc_session_view_get_section (view, "functions"));
          GListModel *model = tc_functions_section_get_model (functions);
          guint best = 0;
          guint64 best_calls = 0;

          for (guint j = 0; j < MIN (3, g_list_model_get_n_items (model)); j++)
            {
              g_autoptr(GObject) item = g_list_model_get_item (model, j);
              const TcFunctionStats *stats = tc_item_get_data (TC_ITEM (item));

              if (stats->calls > best_calls)
                {
                  best = j;
                  best_calls = stats->calls;
                }
            }
          tc_functions_section_select (functions, best);
        }

      tc_test_save_window (GTK_WIDGET (window), dir, pages[i]);
    }

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  tc_session_view_show_section (view, "functions");
  tc_test_save_window (GTK_WIDGET (window), dir, "functions-dark");
  tc_session_view_show_section (view, "overview");
  tc_test_save_window (GTK_WIDGET (window), dir, "overview-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* A narrow window folds the sidebar away. */
  {
    TcWindow *narrow = tc_window_new (app);
    TcSessionView *narrow_view;

    gtk_window_set_default_size (GTK_WINDOW (narrow), 520, 820);
    gtk_window_present (GTK_WINDOW (narrow));
    narrow_view = tc_window_open_file (narrow, file);
    tc_test_wait_loaded (narrow_view);
    tc_session_view_show_section (narrow_view, "warnings");
    tc_test_save_window (GTK_WIDGET (narrow), dir, "narrow");
    gtk_window_destroy (GTK_WINDOW (narrow));
  }

  for (int i = 3; i < argc; i++)
    {
      g_autoptr(GFile) other = g_file_new_for_commandline_arg (argv[i]);

      view = tc_window_open_file (window, other);
      tc_test_wait_loaded (view);
      if (tc_session_view_show_section (view, "crash"))
        tc_test_save_window (GTK_WIDGET (window), dir, "crash");
      else if (tc_session_view_get_banner_revealed (view))
        tc_test_save_window (GTK_WIDGET (window), dir, "truncated");
      else if (g_strcmp0 (tc_session_view_get_state (view), "error") == 0)
        tc_test_save_window (GTK_WIDGET (window), dir, "error");
    }

  /* The start page again, now listing the recordings just opened. */
  {
    AdwTabView *tabs = tc_window_get_tab_view (window);

    while (adw_tab_view_get_n_pages (tabs) > 0)
      adw_tab_view_close_page (tabs, adw_tab_view_get_nth_page (tabs, 0));
    tc_test_save_window (GTK_WIDGET (window), dir, "start");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* tc-screenshots.c — render the viewer's pages to PNG for docs/screenshots
 *
 * SPDX-License-Identifier: MIT
 *
 * Not a test: `tc-screenshots OUTDIR RECORDING.tc [CRASH.tc] [TRUNCATED.tc]`
 * opens the recordings in a real window (run it under Xvfb or on a desktop),
 * shows each page and saves what GTK drew, header bar included, as
 * OUTDIR/<page>.png, plus a dark-style overview and the start page.
 */
#include <adwaita.h>

#include "tc-functions-section.h"
#include "tc-item.h"
#include "tc-test-window.h"

int
main (int   argc,
      char *argv[])
{
  static const char *pages[] = { "overview", "warnings", "functions", "return-values",
                                 "suggestions", "snapshots" };
  g_autoptr(TcApplication) app = NULL;
  g_autoptr(GFile) file = NULL;
  const char *dir;
  TcSessionView *view;
  TcWindow *window;

  if (argc < 3)
    {
      g_printerr ("usage: %s OUTDIR RECORDING.tc [CRASH.tc] [TRUNCATED.tc]\n", argv[0]);
      return 2;
    }
  dir = argv[1];

  adw_init ();
  /* No crossfades half-way through a picture. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  app = tc_test_app_new ();

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

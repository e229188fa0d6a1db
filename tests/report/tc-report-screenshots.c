/* tc-report-screenshots.c — render the compare and source pages to PNG
 *
 * SPDX-License-Identifier: MIT
 *
 * Not a test: `tc-report-screenshots OUTDIR BEFORE.tc AFTER.tc` opens the
 * two recordings as a comparison in a real window (run it under Xvfb or on
 * a desktop) and saves OUTDIR/compare-*.png and OUTDIR/source-*.png.
 */
#include <adwaita.h>

#include "compare/tc-compare-section.h"
#include "source/tc-source-section.h"
#include "tc-test-window.h"

/* The first executable line with the most hits, to jump to. */
static guint
hottest_line (TcSourceSection *source)
{
  TcLineGutter *gutter = tc_source_section_get_gutter (source);
  GtkTextBuffer *buffer = tc_source_section_get_buffer (source);

  for (guint line = 1; line <= (guint)gtk_text_buffer_get_line_count (buffer); line++)
    if (tc_line_gutter_get_heat (gutter, line) >= 1.0)
      return line;

  return 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TcApplication) app = NULL;
  g_autoptr(GFile) before = NULL;
  g_autoptr(GFile) after = NULL;
  TcSessionView *view;
  TcCompareSection *compare;
  TcSourceSection *source;
  TcWindow *window;
  const char *dir;

  if (argc < 4)
    {
      g_printerr ("usage: %s OUTDIR BEFORE.tc AFTER.tc\n", argv[0]);
      return 2;
    }
  dir = argv[1];

  adw_init ();
  app = tc_test_app_new ();

  window = tc_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  gtk_window_present (GTK_WINDOW (window));
  tc_test_settle (500);

  before = g_file_new_for_commandline_arg (argv[2]);
  after = g_file_new_for_commandline_arg (argv[3]);
  tc_compare_open_in_window (window, before, after);
  view = tc_window_get_current_view (window);
  compare = TC_COMPARE_SECTION (tc_session_view_get_section (view, "compare"));
  while (tc_compare_section_get_comparison (compare) == NULL)
    {
      if (g_strcmp0 (tc_session_view_get_state (view), "error") == 0)
        {
          g_printerr ("%s: %s\n", argv[3], tc_session_view_get_error_text (view));
          return 1;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  tc_test_settle (500);
  tc_test_save_window (GTK_WIDGET (window), dir, "compare-verdicts");

  /* A tall window shows the whole comparison at once. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 2200);
  tc_test_settle (800);
  tc_test_save_window (GTK_WIDGET (window), dir, "compare-full");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  tc_test_settle (500);

  source = TC_SOURCE_SECTION (tc_session_view_get_section (view, "source"));
  gtk_widget_activate_action (GTK_WIDGET (compare), "view.show-source", "(uu)",
                              tc_source_section_get_file_id (source), hottest_line (source));
  tc_test_save_window (GTK_WIDGET (window), dir, "source-coverage");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  tc_test_save_window (GTK_WIDGET (window), dir, "source-coverage-dark");
  tc_session_view_show_section (view, "compare");
  tc_test_save_window (GTK_WIDGET (window), dir, "compare-verdicts-dark");

  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}

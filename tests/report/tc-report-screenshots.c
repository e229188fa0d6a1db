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
#include "tc-window.h"

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

static void
save_window (GtkWidget  *window,
             const char *dir,
             const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  int width, height;

  settle (500);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  if (!gdk_texture_save_to_png (texture, path))
    g_printerr ("could not write %s\n", path);
  else
    g_print ("%s\n", path);
}

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
  app = tc_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);

  window = tc_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  gtk_window_present (GTK_WINDOW (window));
  settle (500);

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
  settle (500);
  save_window (GTK_WIDGET (window), dir, "compare-verdicts");

  /* A tall window shows the whole comparison at once. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 2200);
  settle (800);
  save_window (GTK_WIDGET (window), dir, "compare-full");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  settle (500);

  source = TC_SOURCE_SECTION (tc_session_view_get_section (view, "source"));
  gtk_widget_activate_action (GTK_WIDGET (compare), "view.show-source", "(uu)",
                              tc_source_section_get_file_id (source), hottest_line (source));
  save_window (GTK_WIDGET (window), dir, "source-coverage");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_window (GTK_WIDGET (window), dir, "source-coverage-dark");
  /* Through another page: after view.show-source the sidebar may still
   * have the compare row selected, and selecting it again changes nothing. */
  tc_session_view_show_section (view, "overview");
  settle (200);
  tc_session_view_show_section (view, "compare");
  save_window (GTK_WIDGET (window), dir, "compare-verdicts-dark");

  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}

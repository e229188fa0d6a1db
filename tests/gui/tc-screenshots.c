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
wait_loaded (TcSessionView *view)
{
  while (g_strcmp0 (tc_session_view_get_state (view), "loading") == 0)
    g_main_context_iteration (NULL, TRUE);
  settle (300);
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
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  settle (400);
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
  app = tc_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);

  window = tc_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  gtk_window_present (GTK_WINDOW (window));
  settle (500);

  file = g_file_new_for_commandline_arg (argv[2]);
  view = tc_window_open_file (window, file);
  wait_loaded (view);

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

      save_window (GTK_WIDGET (window), dir, pages[i]);
    }

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  tc_session_view_show_section (view, "functions");
  save_window (GTK_WIDGET (window), dir, "functions-dark");
  tc_session_view_show_section (view, "overview");
  save_window (GTK_WIDGET (window), dir, "overview-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* A narrow window folds the sidebar away. */
  {
    TcWindow *narrow = tc_window_new (app);
    TcSessionView *narrow_view;

    gtk_window_set_default_size (GTK_WINDOW (narrow), 520, 820);
    gtk_window_present (GTK_WINDOW (narrow));
    narrow_view = tc_window_open_file (narrow, file);
    wait_loaded (narrow_view);
    tc_session_view_show_section (narrow_view, "warnings");
    save_window (GTK_WIDGET (narrow), dir, "narrow");
    gtk_window_destroy (GTK_WINDOW (narrow));
  }

  for (int i = 3; i < argc; i++)
    {
      g_autoptr(GFile) other = g_file_new_for_commandline_arg (argv[i]);

      view = tc_window_open_file (window, other);
      wait_loaded (view);
      if (tc_session_view_show_section (view, "crash"))
        save_window (GTK_WIDGET (window), dir, "crash");
      else if (tc_session_view_get_banner_revealed (view))
        save_window (GTK_WIDGET (window), dir, "truncated");
      else if (g_strcmp0 (tc_session_view_get_state (view), "error") == 0)
        save_window (GTK_WIDGET (window), dir, "error");
    }

  /* The start page again, now listing the recordings just opened. */
  {
    AdwTabView *tabs = tc_window_get_tab_view (window);

    while (adw_tab_view_get_n_pages (tabs) > 0)
      adw_tab_view_close_page (tabs, adw_tab_view_get_nth_page (tabs, 0));
    save_window (GTK_WIDGET (window), dir, "start");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

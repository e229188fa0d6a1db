/* tc-test-window.c — see tc-test-window.h
 *
 * SPDX-License-Identifier: MIT
 */
#include "tc-test-window.h"

TcApplication *
tc_test_app_new (void)
{
  TcApplication *app = tc_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}

TcApplication *
tc_test_init (int    *argc,
              char ***argv)
{
  g_test_init (argc, argv, NULL);
  adw_init ();
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
  return tc_test_app_new ();
}

void
tc_test_settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
tc_test_wait_for (gboolean (*done) (gpointer),
                  gpointer   data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (30, timeout_cb, &timed_out);

  while (!timed_out && !done (data))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
view_loaded (gpointer view)
{
  return g_strcmp0 (tc_session_view_get_state (view), "loading") != 0;
}

void
tc_test_wait_loaded (TcSessionView *view)
{
  tc_test_wait_for (view_loaded, view);
}

TcSessionView *
tc_test_open_path (TcWindow   *window,
                   const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  TcSessionView *view = tc_window_open_file (window, file);

  g_assert_nonnull (view);
  tc_test_wait_loaded (view);
  return view;
}

GtkWidget *
tc_test_find (GtkWidget      *root,
              gboolean      (*match) (GtkWidget *, gconstpointer),
              gconstpointer   data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = tc_test_find (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
tc_test_find_widget (GtkWidget *root,
                     GType      type)
{
  return tc_test_find (root, is_type, GSIZE_TO_POINTER (type));
}

gboolean
tc_test_save_window (GtkWidget  *window,
                     const char *dir,
                     const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  int width, height;

  /* Animations and size changes done, the size read after them. */
  tc_test_settle (500);
  paintable = gtk_widget_paintable_new (window);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_printerr ("could not write %s\n", path);
      return FALSE;
    }
  g_print ("%s\n", path);
  return TRUE;
}

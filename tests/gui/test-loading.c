/* test-loading.c — what the window shows while a recording loads, and
 * that it does not repaint for nothing
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>

#include "tc-test-recordings.h"
#include "tc-test-window.h"

static TcApplication *app;

static gboolean
summary_or_loaded (gpointer data)
{
  TcSessionView *view = data;

  return tc_viewer_session_get_summary (tc_session_view_get_session (view)) != NULL
         || g_strcmp0 (tc_session_view_get_state (view), "loading") != 0;
}

/* The value label of a fact row (tc_ui_fact_row_new(): the dimmed one). */
static GtkWidget *
find_value_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "dim-label"))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_value_label (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The value of the fact row titled `title` in `list`, or NULL. */
static const char *
fact_value (GtkWidget  *list,
            const char *title)
{
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row)
        && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      {
        GtkWidget *label = find_value_label (row);

        return label ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
      }
  return NULL;
}

static gboolean
has_fact (GtkWidget  *list,
          const char *title)
{
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row)
        && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      return TRUE;
  return FALSE;
}

/* The loading page shows the recording's summary beside the progress bar
 * before the full load ends, then the report replaces it. */
static void
test_summary_while_loading (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TcWindow *window = tc_window_new (app);
  TcSessionView *view;
  TcViewerSession *session;
  TcDocument *summary;
  GtkWidget *page, *list;

  gtk_window_present (GTK_WINDOW (window));
  view = tc_window_open_file (window, file);
  session = tc_session_view_get_session (view);
  g_assert_null (tc_viewer_session_get_summary (session));

  /* The full load starts once the summary is read: it is always shown
   * (this small file then loads at once: look before anything else runs). */
  while (!summary_or_loaded (view))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "loading");
  summary = tc_viewer_session_get_summary (session);
  g_assert_nonnull (summary);
  g_assert_true (tc_document_get_summary_only (summary));
  g_assert_null (tc_viewer_session_get_document (session));

  page = tc_test_find_widget (GTK_WIDGET (view), ADW_TYPE_STATUS_PAGE);
  list = tc_test_find_widget (page, GTK_TYPE_LIST_BOX);
  g_assert_nonnull (list);
  g_assert_true (gtk_widget_get_visible (list));
  g_assert_cmpstr (fact_value (list, "Script"), ==, "demo_src.py");
  g_assert_cmpstr (fact_value (list, "Threads"), ==, "2");
  g_assert_nonnull (fact_value (list, "Call events"));
  g_assert_cmpstr (fact_value (list, "Call events"), !=, "0");
  g_assert_cmpstr (fact_value (list, "Duration"), ==, "9.000000 s");
  /* Nothing that needs the events themselves. */
  g_assert_false (has_fact (list, "Snapshots"));
  g_assert_false (has_fact (list, "RAM peak"));
  g_assert_nonnull (adw_status_page_get_description (ADW_STATUS_PAGE (page)));

  tc_test_wait_loaded (view);
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");
  g_assert_null (tc_viewer_session_get_summary (session));
  g_assert_nonnull (tc_viewer_session_get_document (session));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
after_paint_cb (GdkFrameClock *clock,
                guint         *n_frames)
{
  (*n_frames)++;
}

/* A window showing a report paints when something changes, not all the
 * time: a spinner on a hidden page used to repaint it ~40 times a second,
 * which a big load paid for in CPU. */
static void
test_idle_window_does_not_paint (void)
{
  g_autofree char *path = tc_test_write_timings ();
  TcWindow *window = tc_window_new (app);
  GdkFrameClock *clock;
  guint n_frames = 0;
  gulong id;

  gtk_window_present (GTK_WINDOW (window));
  tc_test_open_path (window, path);
  tc_test_settle (1000);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &n_frames);
  tc_test_settle (1000);
  g_signal_handler_disconnect (clock, id);
  g_assert_cmpuint (n_frames, <=, 3);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  app = tc_test_init (&argc, &argv);

  g_test_add_func ("/Tc/Gui/loading/summary-while-loading", test_summary_while_loading);
  g_test_add_func ("/Tc/Gui/loading/idle-window-does-not-paint", test_idle_window_does_not_paint);

  return g_test_run ();
}

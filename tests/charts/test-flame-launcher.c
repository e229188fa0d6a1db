/* test-flame-launcher.c — after `timecapsule run script.py` the flame
 * graph's root is the script's <module>, not runpy's run_path →
 * _run_module_code → _run_code that launched it (whole recording and a
 * time range), and the flame chart's top row is that <module> too (rows,
 * lane height, search); a program's own runpy call deeper down stays.
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tc-chart-fixture.h"
#include "tc-flame-chart.h"
#include "tc-flame-tree.h"
#include "tc-test-window.h"

enum { RUN_PATH = 1, RUN_MODULE_CODE, RUN_CODE, MODULE, WORK, NESTED_RUN_CODE };

static char *
write_recording (const char *dir)
{
  char *path = g_build_filename (dir, "run.tc", NULL);
  TcError err = { 0 };
  TcFileDef runpy = { 1, 0, 0, 0, TC_STR ("<frozen runpy>") };
  TcFileDef app = { 2, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/app.py") };
  TcCodeDef codes[] = {
    { RUN_PATH, 1, 262, 0, TC_STR ("run_path"), TC_STR ("run_path"), TC_STR ("") },
    { RUN_MODULE_CODE, 1, 92, 0, TC_STR ("_run_module_code"), TC_STR ("_run_module_code"), TC_STR ("") },
    { RUN_CODE, 1, 65, 0, TC_STR ("_run_code"), TC_STR ("_run_code"), TC_STR ("") },
    { MODULE, 2, 1, TC_CODE_FLAG_TRACKED, TC_STR ("<module>"), TC_STR ("<module>"), TC_STR ("") },
    { WORK, 2, 3, TC_CODE_FLAG_TRACKED, TC_STR ("work"), TC_STR ("work"), TC_STR ("") },
    { NESTED_RUN_CODE, 1, 65, 0, TC_STR ("_run_code"), TC_STR ("_run_code"), TC_STR ("") },
  };
  /* run_path > _run_module_code > _run_code > <module> > work > _run_code */
  TcEvent events[] = {
    { 1000, RUN_PATH, TC_EVENT_CALL }, { 2000, RUN_MODULE_CODE, TC_EVENT_CALL },
    { 3000, RUN_CODE, TC_EVENT_CALL }, { 4000, MODULE, TC_EVENT_CALL },
    { 5000, WORK, TC_EVENT_CALL }, { 6000, NESTED_RUN_CODE, TC_EVENT_CALL },
    { 7000, 0, TC_EVENT_RETURN }, { 8000, 0, TC_EVENT_RETURN }, { 9000, 0, TC_EVENT_RETURN },
    { 10000, 0, TC_EVENT_RETURN }, { 11000, 0, TC_EVENT_RETURN }, { 12000, 0, TC_EVENT_RETURN },
  };
  TcEndFixed end = { 0 };
  TcWriter *w = tc_chart_fixture_open_script (path, "/tmp/tc-tests/app.py");

  g_assert_cmpint (tc_writer_write_file (w, 0, &runpy), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &app), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpint (tc_writer_write_code (w, 0, &codes[i]), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, 1, events, G_N_ELEMENTS (events)), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

/* The codes from the root down the heaviest path. */
static void
assert_path (TcFlameTree *tree, const guint32 *expect, guint n)
{
  guint32 node = 0;

  for (guint i = 0; i < n; i++)
    {
      node = tc_flame_tree_get_node (tree, node)->first_child;
      g_assert_cmpuint (node, !=, TC_FLAME_NONE);
      g_assert_cmpuint (tc_flame_tree_get_node (tree, node)->code_id, ==, expect[i]);
    }
  g_assert_cmpuint (tc_flame_tree_get_node (tree, node)->first_child, ==, TC_FLAME_NONE);
}

static void
test_launcher_left_out (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tc-flame-launcher-XXXXXX", NULL);
  g_autofree char *path = write_recording (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, &error);
  const guint32 expect[] = { MODULE, WORK, NESTED_RUN_CODE };
  TcFlameTree *tree;

  g_assert_no_error (error);
  tree = tc_flame_tree_new_from_threads (doc, 0);
  assert_path (tree, expect, G_N_ELEMENTS (expect));
  tc_flame_tree_unref (tree);

  tree = tc_flame_tree_new_from_range (doc, 0, 0, 20000, &error);
  g_assert_no_error (error);
  assert_path (tree, expect, G_N_ELEMENTS (expect));
  tc_flame_tree_unref (tree);

  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
chart_ready (gpointer chart)
{
  return tc_flame_chart_get_ready (chart);
}

static gboolean
search_ready (gpointer chart)
{
  return tc_flame_chart_get_search_ready (chart);
}

static void
test_chart_starts_at_the_script (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tc-flame-launcher-XXXXXX", NULL);
  g_autofree char *path = write_recording (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, &error);
  g_autoptr(TcViewerSession) session = tc_viewer_session_new (NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart;
  const struct { guint32 code; guint depth; gint64 start, end; } expect[] = {
    { MODULE, 0, 4000, 9000 }, { WORK, 1, 5000, 8000 }, { NESTED_RUN_CODE, 2, 6000, 7000 },
  };
  GArray *spans;
  int height, natural;

  g_assert_no_error (error);
  tc_viewer_session_set_document (session, doc);
  chart = tc_flame_chart_new (session);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 300);
  gtk_window_present (GTK_WINDOW (window));
  tc_viewer_session_set_visible_range (session, 0, 20000);
  tc_test_wait_for (chart_ready, chart);

  /* Depth 0 is the script's <module>; no row for run_path & co. */
  spans = tc_flame_chart_get_spans (TC_FLAME_CHART (chart), 1);
  g_assert_nonnull (spans);
  g_assert_cmpuint (spans->len, ==, G_N_ELEMENTS (expect));
  for (guint i = 0; i < spans->len; i++)
    {
      const TcSpan *s = &g_array_index (spans, TcSpan, i);

      g_assert_cmpuint (s->code_id, ==, expect[i].code);
      g_assert_cmpuint (s->depth, ==, expect[i].depth);
      g_assert_cmpint (s->start_ns, ==, expect[i].start);
      g_assert_cmpint (s->end_ns, ==, expect[i].end);
    }
  /* The lane is as tall as the program's stack (3 levels, and the one
   * spare row every lane has), not the launcher's 6. */
  gtk_widget_measure (chart, GTK_ORIENTATION_VERTICAL, -1, &height, &natural, NULL, NULL);
  g_assert_cmpint (height, ==, (int) (TC_FLAME_CHART_HEADER + 4 * TC_FLAME_CHART_ROW + 6));

  /* Searching finds only what is drawn: the program's own _run_code. */
  tc_flame_chart_set_search (TC_FLAME_CHART (chart), "_run_code");
  tc_test_wait_for (search_ready, chart);
  g_assert_cmpuint (tc_flame_chart_get_n_matches (TC_FLAME_CHART (chart), NULL), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/tc/charts/flame/launcher", test_launcher_left_out);
  g_test_add_func ("/tc/charts/flame/chart-launcher", test_chart_starts_at_the_script);
  return g_test_run ();
}

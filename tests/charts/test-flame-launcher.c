/* test-flame-launcher.c — after `timecapsule run script.py` the flame
 * graph's root is the script's <module>, not runpy's run_path →
 * _run_module_code → _run_code that launched it (whole recording and a
 * time range); a program's own runpy call deeper down stays.
 *
 * SPDX-License-Identifier: MIT
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tc-flame-tree.h"

enum { RUN_PATH = 1, RUN_MODULE_CODE, RUN_CODE, MODULE, WORK, NESTED_RUN_CODE };

static char *
write_recording (const char *dir)
{
  char *path = g_build_filename (dir, "run.tc", NULL);
  TcWriterOptions opts = { "0a0b0c0d", "timecapsule-tests", 0, 0 };
  TcError err = { 0 };
  TcKeyValue items[] = { { TC_STR ("src"), TC_STR ("/tmp/tc-tests/app.py") } };
  TcSession session = { items, 1 };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
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
  TcWriter *w = tc_writer_open (path, &opts, &err);

  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &main_thread), ==, TC_OK);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/charts/flame/launcher", test_launcher_left_out);
  return g_test_run ();
}

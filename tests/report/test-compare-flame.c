/* SPDX-License-Identifier: MIT
 *
 * test-compare-flame.c — the compare page's flame view: threads matched by
 * name, "CPU only" (blocking calls and idle threads left out), and the bar
 * that switches it, on two recordings written here with known times.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "compare/tc-compare-flame-bar.h"
#include "compare/tc-compare-flame.h"
#include "tc-format.h"

#define MS (1000000ull)

enum { CODE_MAIN = 1, CODE_COMPUTE, CODE_LOGGER, CODE_WORKER, CODE_CRUNCH, CODE_WAIT, CODE_GET, CODE_OWN_GET };
enum { T_MAIN = 1, T_LOGGER, T_WORKER };

static const char source[] =
  "def main():\n"                    /* 1 */
  "    for i in range(3):\n"         /* 2 */
  "        compute(i)\n"             /* 3 */
  "def compute(i):\n"                /* 4 */
  "    return sum(range(i))\n"       /* 5 */
  "def worker():\n"                  /* 6 */
  "    crunch(jobs.get())\n"         /* 7 */
  "def logger():\n"                  /* 8 */
  "    while True:\n"                /* 9 */
  "        time.sleep(0.1)\n"        /* 10 */
  "def crunch(job):\n"               /* 11 */
  "    return job * 2\n";            /* 12 */

static char *dir;

static void
add (GArray *events, guint64 ms, TcEventKind kind, guint32 code)
{
  TcEvent e = { ms * MS, code, kind };

  g_array_append_val (events, e);
}

/* MainThread: main [0, 10 + 3c + 50]: compute ×3 (c ms each), then
 *   threading Event.wait for 50 ms; main's self time 10 ms.
 * logger: logger() for 250 ms, all of it self (its time.sleep is a C call
 *   the recorder does not see); 4 of the 5 snapshots find it on line 10, so
 *   CPU only counts 1/5 of it: 50 ms.
 * worker: worker() [0, 500]: queue Queue.get [0, 400], crunch [400, 500].
 * c = 10 before, 4 after. */
static char *
write_recording (const char *name,
                 guint64     c)
{
  char *path = g_build_filename (dir, name, NULL);
  TcError err = { 0 };
  TcWriterOptions opts = { "f1a3e000", "timecapsule-tests", 0, 0 };
  TcKeyValue items[] = { { TC_STR ("argv"), TC_STR ("app.py") }, { TC_STR ("mode"), TC_STR ("full") } };
  TcSession session = { items, G_N_ELEMENTS (items) };
  TcThreadDef threads[] = {
    { T_MAIN, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") },
    { T_LOGGER, 101, 201, TC_THREAD_FLAG_DAEMON, TC_STR ("logger") },
    { T_WORKER, 102, 202, 0, TC_STR ("worker") },
    { 4, 103, 203, TC_THREAD_FLAG_RECORDER, TC_STR ("tc-writer") },
  };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/app.py") };
  TcFileDef queue_file = { 2, 0, 0, 0, TC_STR ("/usr/lib/python3.11/queue.py") };
  TcCodeDef codes[] = {
    { CODE_MAIN, 1, 1, TC_CODE_FLAG_TRACKED, TC_STR ("main"), TC_STR ("main"), TC_STR ("__main__") },
    { CODE_COMPUTE, 1, 4, TC_CODE_FLAG_TRACKED, TC_STR ("compute"), TC_STR ("compute"), TC_STR ("__main__") },
    { CODE_WORKER, 1, 6, TC_CODE_FLAG_TRACKED, TC_STR ("worker"), TC_STR ("worker"), TC_STR ("__main__") },
    { CODE_LOGGER, 1, 8, TC_CODE_FLAG_TRACKED, TC_STR ("logger"), TC_STR ("logger"), TC_STR ("__main__") },
    { CODE_CRUNCH, 1, 11, TC_CODE_FLAG_TRACKED, TC_STR ("crunch"), TC_STR ("crunch"), TC_STR ("__main__") },
    { CODE_WAIT, 0, 600, 0, TC_STR ("Event.wait"), TC_STR ("wait"), TC_STR ("threading") },
    /* As the recorder writes them: no module name, the module's file. */
    { CODE_GET, 2, 154, 0, TC_STR ("Queue.get"), TC_STR ("get"), TC_STR ("") },
    /* The program's own Queue.get is not the standard library's. */
    { CODE_OWN_GET, 1, 1, TC_CODE_FLAG_TRACKED, TC_STR ("Queue.get"), TC_STR ("get"), TC_STR ("") },
  };
  g_autoptr(GArray) main_events = g_array_new (FALSE, FALSE, sizeof (TcEvent));
  g_autoptr(GArray) worker_events = g_array_new (FALSE, FALSE, sizeof (TcEvent));
  g_autoptr(GArray) logger_events = g_array_new (FALSE, FALSE, sizeof (TcEvent));
  TcEndFixed end = { 0 };
  TcWriter *w;
  guint64 t = 10;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpint (tc_writer_write_thread (w, 0, &threads[i]), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &queue_file), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_source (w, 0, 1, source, strlen (source)), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpint (tc_writer_write_code (w, 0, &codes[i]), ==, TC_OK);

  add (main_events, 0, TC_EVENT_CALL, CODE_MAIN);
  for (guint i = 0; i < 3; i++, t += c)
    {
      add (main_events, t, TC_EVENT_CALL, CODE_COMPUTE);
      add (main_events, t + c, TC_EVENT_RETURN, 0);
    }
  add (main_events, t, TC_EVENT_CALL, CODE_WAIT);
  add (main_events, t + 50, TC_EVENT_RETURN, 0);
  add (main_events, t + 50, TC_EVENT_RETURN, 0);
  add (logger_events, 0, TC_EVENT_CALL, CODE_LOGGER);
  add (logger_events, 250, TC_EVENT_RETURN, 0);
  add (worker_events, 0, TC_EVENT_CALL, CODE_WORKER);
  add (worker_events, 0, TC_EVENT_CALL, CODE_GET);
  add (worker_events, 400, TC_EVENT_RETURN, 0);
  add (worker_events, 400, TC_EVENT_CALL, CODE_CRUNCH);
  add (worker_events, 500, TC_EVENT_RETURN, 0);
  add (worker_events, 500, TC_EVENT_RETURN, 0);
  g_assert_cmpint (tc_writer_write_events (w, T_MAIN, (TcEvent *)main_events->data, main_events->len), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, T_LOGGER, (TcEvent *)logger_events->data, logger_events->len), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, T_WORKER, (TcEvent *)worker_events->data, worker_events->len), ==, TC_OK);

  for (guint i = 0; i < 5; i++)
    {
      TcStackFrame main_stack[] = { { CODE_MAIN, 3 } };
      TcStackFrame logger_stack[] = { { CODE_LOGGER, i == 0 ? 9 : 10 } };
      TcStackFrame worker_stack[] = { { CODE_CRUNCH, 12 }, { CODE_WORKER, 7 } };
      TcThreadCapture caps[] = {
        { T_MAIN, 0, main_stack, 1, NULL, 0 },
        { T_LOGGER, 0, logger_stack, 1, NULL, 0 },
        { T_WORKER, 0, worker_stack, 2, NULL, 0 },
      };
      TcSnapshot snap = { 0 };

      snap.index = i;
      snap.kind = TC_SNAPSHOT_TIMER;
      snap.origin_thread = T_MAIN;
      snap.time_ns = (i + 1) * 100 * MS;
      snap.evt = TC_STR ("TIMER");
      snap.threads = caps;
      snap.n_threads = G_N_ELEMENTS (caps);
      g_assert_cmpint (tc_writer_write_snapshot (w, &snap), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

static TcDocument *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  TcDocument *doc = tc_document_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return doc;
}

static TcComparison *
new_comparison (void)
{
  g_autofree char *before_path = write_recording ("before.tc", 10);
  g_autofree char *after_path = write_recording ("after.tc", 4);
  g_autoptr(TcDocument) before = load (before_path);
  g_autoptr(TcDocument) after = load (after_path);

  return tc_comparison_new (before, after);
}

/* The node of the comparison's tree at `path` (names, outermost first). */
static guint32
find (TcComparison *comparison,
      const char   *first,
      const char   *second)
{
  TcFlameTree *tree = tc_comparison_get_flame_tree (comparison);
  TcDocument *doc = tc_comparison_get_after (comparison);
  guint32 path[2];
  guint n = 0;
  GPtrArray *codes = tc_document_get_codes (doc);

  for (guint k = 0; k < 2; k++)
    {
      const char *name = k == 0 ? first : second;

      if (name == NULL)
        break;
      for (guint i = 0; i < codes->len; i++)
        if (g_str_equal (((const TcDocCode *)g_ptr_array_index (codes, i))->qualname, name))
          path[n++] = ((const TcDocCode *)g_ptr_array_index (codes, i))->id;
    }
  return tc_flame_tree_find_path (tree, path, n);
}

static void
test_blocking_and_idle (void)
{
  g_autoptr(TcComparison) comparison = new_comparison ();
  TcDocument *doc = tc_comparison_get_after (comparison);
  GPtrArray *threads = tc_document_get_threads (doc);

  g_assert_true (tc_compare_code_is_blocking (doc, tc_document_get_code (doc, CODE_WAIT)));
  g_assert_true (tc_compare_code_is_blocking (doc, tc_document_get_code (doc, CODE_GET)));
  g_assert_false (tc_compare_code_is_blocking (doc, tc_document_get_code (doc, CODE_COMPUTE)));
  g_assert_false (tc_compare_code_is_blocking (doc, tc_document_get_code (doc, CODE_OWN_GET)));
  g_assert_false (tc_compare_code_is_blocking (doc, NULL));

  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);

      /* Most snapshots find the logger on `time.sleep(0.1)`. */
      g_assert_cmpint (tc_compare_thread_is_idle (doc, thread), ==, thread->id == T_LOGGER);
    }
}

static void
test_thread_names (void)
{
  g_autoptr(TcComparison) comparison = new_comparison ();
  GPtrArray *names = tc_comparison_get_thread_names (comparison);

  /* Busiest first by CPU-only time: worker 100 ms, logger 50 ms, main
   * 22 ms; the recorder's own thread is not a choice. */
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "worker");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "logger");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "MainThread");
}

static void
test_views (void)
{
  g_autoptr(TcComparison) comparison = new_comparison ();
  guint32 node;

  /* Default: all threads, CPU only.  After: main 10 + 3 × 4 = 22 ms (the
   * 50 ms Event.wait left out), worker's crunch 100 ms (Queue.get left
   * out), the logger's 50 ms of work: 172 ms; before 40 + 100 + 50 = 190. */
  g_assert_null (tc_comparison_get_flame_thread (comparison));
  g_assert_true (tc_comparison_get_cpu_only (comparison));
  g_assert_cmpint (tc_flame_tree_get_total (tc_comparison_get_flame_tree (comparison)), ==, 172 * MS);
  g_assert_cmpint (tc_comparison_get_node_before (comparison, 0), ==, 190 * MS);
  g_assert_cmpuint (find (comparison, "main", "Event.wait"), ==, TC_FLAME_NONE);
  g_assert_cmpint (tc_flame_tree_get_node (tc_comparison_get_flame_tree (comparison),
                                           find (comparison, "logger", NULL))->total, ==, 50 * MS);
  node = find (comparison, "main", "compute");
  g_assert_cmpuint (node, !=, TC_FLAME_NONE);
  g_assert_cmpint (tc_flame_tree_get_node (tc_comparison_get_flame_tree (comparison), node)->total, ==, 12 * MS);
  g_assert_cmpint (tc_comparison_get_node_before (comparison, node), ==, 30 * MS);
  g_assert_cmpint (tc_comparison_get_node_before (comparison, find (comparison, "main", NULL)), ==, 40 * MS);

  /* Wall time, all threads: 72 + 250 + 500 ms. */
  tc_comparison_set_flame_view (comparison, NULL, FALSE);
  g_assert_cmpint (tc_flame_tree_get_total (tc_comparison_get_flame_tree (comparison)), ==, 822 * MS);
  node = find (comparison, "main", "Event.wait");
  g_assert_cmpuint (node, !=, TC_FLAME_NONE);
  g_assert_cmpint (tc_comparison_get_node_before (comparison, node), ==, 50 * MS);

  /* One thread by name, matched in both: the main thread, CPU only. */
  tc_comparison_set_flame_view (comparison, "MainThread", TRUE);
  g_assert_cmpstr (tc_comparison_get_flame_thread (comparison), ==, "MainThread");
  {
    g_autofree char *text = tc_comparison_describe_flame_view (comparison);

    g_assert_cmpstr (text, ==, "Thread “MainThread”, CPU only (blocking calls left out)");
  }
  g_assert_cmpint (tc_flame_tree_get_total (tc_comparison_get_flame_tree (comparison)), ==, 22 * MS);
  g_assert_cmpint (tc_comparison_get_node_before (comparison, 0), ==, 40 * MS);
  g_assert_cmpuint (find (comparison, "worker", NULL), ==, TC_FLAME_NONE);

  /* The logger alone: CPU only without the 4/5 of logger()'s self time
   * the snapshots caught in time.sleep, then all of it. */
  tc_comparison_set_flame_view (comparison, "logger", TRUE);
  g_assert_cmpint (tc_flame_tree_get_total (tc_comparison_get_flame_tree (comparison)), ==, 50 * MS);
  tc_comparison_set_flame_view (comparison, "logger", FALSE);
  g_assert_cmpint (tc_flame_tree_get_total (tc_comparison_get_flame_tree (comparison)), ==, 250 * MS);
}

static void
test_bar (void)
{
  g_autoptr(TcComparison) comparison = new_comparison ();
  GtkWidget *graph = g_object_ref_sink (tc_diff_flame_graph_new (comparison));
  GtkWidget *bar = g_object_ref_sink (tc_compare_flame_bar_new (comparison, TC_DIFF_FLAME_GRAPH (graph)));

  g_assert_nonnull (strstr (tc_compare_flame_bar_get_caption (TC_COMPARE_FLAME_BAR (bar)), "(logger) shrink"));

  /* Zoomed in, then another view: back to the root of the new tree. */
  tc_diff_flame_graph_set_focus (TC_DIFF_FLAME_GRAPH (graph), find (comparison, "main", NULL));
  tc_compare_flame_bar_set_view (TC_COMPARE_FLAME_BAR (bar), "worker", FALSE);
  g_assert_cmpstr (tc_comparison_get_flame_thread (comparison), ==, "worker");
  g_assert_false (tc_comparison_get_cpu_only (comparison));
  g_assert_cmpuint (tc_diff_flame_graph_get_focus (TC_DIFF_FLAME_GRAPH (graph)), ==, 0);
  g_assert_cmpint (tc_flame_tree_get_total (tc_comparison_get_flame_tree (comparison)), ==, 500 * MS);
  g_assert_true (g_str_has_prefix (tc_compare_flame_bar_get_caption (TC_COMPARE_FLAME_BAR (bar)), "Wall time"));

  /* An unknown name falls back to all threads. */
  tc_compare_flame_bar_set_view (TC_COMPARE_FLAME_BAR (bar), "no-such-thread", TRUE);
  g_assert_null (tc_comparison_get_flame_thread (comparison));
  g_assert_cmpint (tc_flame_tree_get_total (tc_comparison_get_flame_tree (comparison)), ==, 172 * MS);

  g_object_unref (bar);
  g_object_unref (graph);
}

static void
remove_dir (void)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("LC_ALL", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("tc-compare-flame-XXXXXX", NULL);
  g_test_add_func ("/tc/report/compare-flame/blocking-and-idle", test_blocking_and_idle);
  g_test_add_func ("/tc/report/compare-flame/thread-names", test_thread_names);
  g_test_add_func ("/tc/report/compare-flame/views", test_views);
  g_test_add_func ("/tc/report/compare-flame/bar", test_bar);
  status = g_test_run ();
  remove_dir ();
  g_free (dir);
  return status;
}

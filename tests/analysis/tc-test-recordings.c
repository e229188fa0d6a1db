/* SPDX-License-Identifier: MIT
 *
 * tc-test-recordings.c — see tc-test-recordings.h.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tc-format.h"
#include "tc-test-recordings.h"

#define MS (1000000ull)
#define S  (1000000000ull)

const char tc_test_source[] =
  "import timecapsule as tc\n"           /* 1 */
  "\n"                                   /* 2 */
  "def main():\n"                        /* 3 */
  "    for i in range(4):\n"             /* 4 */
  "        work(i)\n"                    /* 5 */
  "    fib(3)\n"                         /* 6 */
  "\n"                                   /* 7 */
  "def work(x):\n"                       /* 8 */
  "    return data[x]\n"                 /* 9 */
  "\n"                                   /* 10 */
  "def fib(n):\n"                        /* 11 */
  "    return n if n < 2 else fib(n-1)\n"/* 12 */
  "\n"                                   /* 13 */
  "def unused():\n"                      /* 14 */
  "    pass\n"                           /* 15 */
  "\n"                                   /* 16 */
  "def worker():\n"                      /* 17 */
  "    pass\n";                          /* 18 */

static char *test_dir;

static void
remove_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (test_dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (test_dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (test_dir);
}

const char *
tc_test_dir (void)
{
  if (test_dir == NULL)
    {
      /* TC_TEST_DIR: write the fixtures there and keep them (the Python
       * tests use them through tc-write-fixtures). */
      if (g_getenv ("TC_TEST_DIR"))
        test_dir = g_strdup (g_getenv ("TC_TEST_DIR"));
      else
        {
          test_dir = g_dir_make_tmp ("tc-analysis-XXXXXX", NULL);
          g_assert_nonnull (test_dir);
          atexit (remove_dir);
        }
    }
  return test_dir;
}

enum { CODE_MAIN = 1, CODE_WORK, CODE_FIB, CODE_WORKER, CODE_UNUSED_NEVER };
enum { VAR_A = 1, VAR_B, VAR_X_MAIN, VAR_X_WORK, VAR_I };
enum { METRIC_LOSS = 1 };
enum { COUNTER_RAM = 1, COUNTER_FDS = 2 };

static TcWriter *
open_writer (const char *path)
{
  TcError err = { 0 };
  TcWriterOptions opts = { "5e55104f", "timecapsule-tests", 0, 0 };
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  return w;
}

static void
write_definitions (TcWriter *w, gboolean with_source)
{
  TcKeyValue items[] = {
    { TC_STR ("argv"), TC_STR ("demo_src.py") },
    { TC_STR ("argv"), TC_STR ("--fast") },
    { TC_STR ("src"), TC_STR ("/tmp/tc-tests/demo_src.py") },
    { TC_STR ("python"), TC_STR ("3.11.7 (main) [GCC 12.2.0]") },
    { TC_STR ("platform"), TC_STR ("linux") },
    { TC_STR ("pid"), TC_STR ("4242") },
    { TC_STR ("mode"), TC_STR ("full") },
    { TC_STR ("backend"), TC_STR ("setprofile") },
    { TC_STR ("option.api_token"), TC_STR ("hunter2-secret") },
  };
  TcSession session = { items, G_N_ELEMENTS (items) };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcThreadDef worker_thread = { 2, 101, 201, 0, TC_STR ("worker-1") };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/demo_src.py") };
  TcCodeDef codes[] = {
    { CODE_MAIN, 1, 3, TC_CODE_FLAG_TRACKED, TC_STR ("main"), TC_STR ("main"), TC_STR ("__main__") },
    { CODE_WORK, 1, 8, TC_CODE_FLAG_TRACKED, TC_STR ("work"), TC_STR ("work"), TC_STR ("__main__") },
    { CODE_FIB, 1, 11, TC_CODE_FLAG_TRACKED, TC_STR ("fib"), TC_STR ("fib"), TC_STR ("__main__") },
    { CODE_WORKER, 1, 17, TC_CODE_FLAG_TRACKED, TC_STR ("worker"), TC_STR ("worker"), TC_STR ("__main__") },
  };
  TcVarDef vars[] = {
    { VAR_A, CODE_MAIN, TC_STR ("a") },
    { VAR_B, CODE_MAIN, TC_STR ("b") },
    { VAR_X_MAIN, CODE_MAIN, TC_STR ("x") },
    { VAR_X_WORK, CODE_WORK, TC_STR ("x") },
    { VAR_I, CODE_WORK, TC_STR ("i") },
  };
  TcMetricDef loss = { METRIC_LOSS, TC_STR ("loss") };
  TcCounterDef ram = { COUNTER_RAM, TC_STR ("ram_mb"), TC_STR ("MB"), TC_STR ("process RSS") };
  TcCounterDef fds = { COUNTER_FDS, TC_STR ("open_fds"), TC_STR (""), TC_STR ("open fds") };

  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &main_thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &worker_thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  if (with_source)
    g_assert_cmpint (tc_writer_write_source (w, 0, 1, tc_test_source, strlen (tc_test_source)), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpint (tc_writer_write_code (w, 0, &codes[i]), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_assert_cmpint (tc_writer_write_var (w, 0, &vars[i]), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_metric_def (w, 0, &loss), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_counter_def (w, 0, &ram), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_counter_def (w, 0, &fds), ==, TC_OK);
}

#define EV(t, kind, code) ((TcEvent) { (t), (code), (kind) })

/* main [0, 31 ms]: work 1→2, 3→5, 6→9, 10→20 ms; fib 21→30 ⊃ 22→26 ⊃ 23→24.
 * Expected: work calls 4, total 16, avg 4, p50 3, p95 3, p99 3, min 1,
 * max 10, σ 3.5355; fib calls 3, total 14, self 9, depth 3; main total 31,
 * self 6.  Thread 2: worker 2→7 ms. */
static void
write_events (TcWriter *w, guint64 work_scale)
{
  TcEvent main_events[] = {
    EV (0, TC_EVENT_CALL, CODE_MAIN),
    EV (1 * MS, TC_EVENT_CALL, CODE_WORK), EV (1 * MS + 1 * MS * work_scale, TC_EVENT_RETURN, 0),
    EV (3 * MS * work_scale, TC_EVENT_CALL, CODE_WORK), EV (5 * MS * work_scale, TC_EVENT_RETURN, 0),
    EV (6 * MS * work_scale, TC_EVENT_CALL, CODE_WORK), EV (9 * MS * work_scale, TC_EVENT_RETURN, 0),
    EV (10 * MS * work_scale, TC_EVENT_CALL, CODE_WORK), EV (20 * MS * work_scale, TC_EVENT_RETURN, 0),
    EV (21 * MS * work_scale, TC_EVENT_CALL, CODE_FIB),
    EV (21 * MS * work_scale + 1 * MS, TC_EVENT_CALL, CODE_FIB),
    EV (21 * MS * work_scale + 2 * MS, TC_EVENT_CALL, CODE_FIB),
    EV (21 * MS * work_scale + 3 * MS, TC_EVENT_RETURN, 0),
    EV (21 * MS * work_scale + 5 * MS, TC_EVENT_RETURN, 0),
    EV (21 * MS * work_scale + 9 * MS, TC_EVENT_RETURN, 0),
    EV (21 * MS * work_scale + 10 * MS, TC_EVENT_RETURN, 0),
  };
  TcEvent worker_events[] = {
    EV (2 * MS, TC_EVENT_CALL, CODE_WORKER), EV (7 * MS, TC_EVENT_RETURN, 0),
  };

  /* Two blocks on the main thread: the second starts inside main(), so
   * lazy decoding has to start from a saved stack. */
  g_assert_cmpint (tc_writer_write_events (w, 1, main_events, 9), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, 2, worker_events, G_N_ELEMENTS (worker_events)), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, 1, main_events + 9, G_N_ELEMENTS (main_events) - 9), ==, TC_OK);
}

static TcValue
int_value (gint64 v)
{
  TcValue value = { .kind = TC_VALUE_INT };

  value.i = v;
  return value;
}

/* Snapshot i at t = i s in main (line 4): a = i², x(main) = i (changes
 * every time), b = 10 - i from i = 5; metric loss's current value. */
static void
write_snapshots (TcWriter *w)
{
  for (guint i = 0; i < 10; i++)
    {
      char a_repr[16], b_repr[16], x_repr[16];
      TcLocal locals[3];
      guint n = 0;
      TcStackFrame stack[] = { { CODE_MAIN, 4 } };
      TcThreadCapture cap = { 1, 0, stack, 1, locals, 0 };
      TcCounterValue sys[] = { { COUNTER_RAM, 100.0 + 0.5 * i }, { COUNTER_FDS, 5 + i } };
      TcMetricValue mets[] = { { METRIC_LOSS, { .kind = TC_VALUE_FLOAT, .f = 1.0 } } };
      TcStr tags[] = { TC_STR ("phase1") };
      TcSnapshot snap = { 0 };
      char evt[32];

      g_snprintf (a_repr, sizeof a_repr, "%u", i * i);
      g_snprintf (b_repr, sizeof b_repr, "%u", 10 - i);
      g_snprintf (x_repr, sizeof x_repr, "%u", i);
      locals[n++] = (TcLocal) { VAR_A, TC_LOCAL_CHANGED, { a_repr, strlen (a_repr) }, TC_STR ("int"), 28, int_value (i * i) };
      locals[n++] = (TcLocal) { VAR_X_MAIN, TC_LOCAL_CHANGED, { x_repr, strlen (x_repr) }, TC_STR ("int"), 28, int_value (i) };
      if (i >= 5)
        locals[n++] = (TcLocal) { VAR_B, TC_LOCAL_CHANGED, { b_repr, strlen (b_repr) }, TC_STR ("int"), 28, int_value (10 - i) };
      cap.n_locals = n;

      snap.index = i;
      snap.kind = i == 0 ? TC_SNAPSHOT_RECORD_START : i == 5 ? TC_SNAPSHOT_SNAP : TC_SNAPSHOT_TIMER;
      snap.origin_thread = 1;
      snap.time_ns = i * S;
      g_snprintf (evt, sizeof evt, "%s", i == 0 ? "SNAP:record_start" : i == 5 ? "SNAP:halfway" : "TIMER");
      snap.evt = (TcStr) { evt, strlen (evt) };
      snap.label = i == 5 ? TC_STR ("halfway") : i == 0 ? TC_STR ("_tc_init") : (TcStr) { NULL, 0 };
      snap.tags = i == 5 ? tags : NULL;
      snap.n_tags = i == 5 ? 1 : 0;
      snap.metrics = mets;
      snap.n_metrics = 1;
      snap.system = sys;
      snap.n_system = 2;
      snap.threads = &cap;
      snap.n_threads = 1;
      g_assert_cmpint (tc_writer_write_snapshot (w, &snap), ==, TC_OK);
      g_assert_cmpint (tc_writer_write_system (w, i * S, sys, 2), ==, TC_OK);
    }
}

/* loss: 20 points at t = 0.45·k s, 1.0 except 50.0 at k = 10:
 * μ = 3.45, σ = 10.6793, z(spike) = 4.36. */
static void
write_metrics (TcWriter *w)
{
  for (guint k = 0; k < 20; k++)
    {
      TcMetricPoint p = { METRIC_LOSS, k * 450 * MS, { .kind = TC_VALUE_FLOAT, .f = k == 10 ? 50.0 : 1.0 } };

      g_assert_cmpint (tc_writer_write_metrics (w, p.time_ns, &p, 1), ==, TC_OK);
    }
}

static void
write_misc (TcWriter *w)
{
  TcWarning w1 = { TC_LEVEL_WARN, TC_STR ("REPEATED_CALL"), TC_STR ("'fib' called ×50"), TC_STR ("fib"), NULL, 0 };
  TcWarning w2 = { TC_LEVEL_WARN, TC_STR ("REPEATED_CALL"), TC_STR ("'work' called ×50"), TC_STR ("work"), NULL, 0 };
  TcMark block = { TC_MARK_BLOCK, 250 * MS, TC_STR (""), TC_STR ("main_loop"), TC_STR ("") };
  TcLineHit lines1[] = { { 4, 5, 1000 }, { 5, 4, 16 * MS } };
  TcLineHit lines2[] = { { 5, 0, 0 }, { 9, 4, 15 * MS }, { 12, 3, 9 * MS } };
  TcLineHits h1 = { 1, lines1, G_N_ELEMENTS (lines1) };
  TcLineHits h2 = { 1, lines2, G_N_ELEMENTS (lines2) };
  TcReturnValue rv = { CODE_WORK, TC_STR ("42"), TC_STR ("int"), int_value (42) };

  g_assert_cmpint (tc_writer_write_warning (w, 1, 3 * S, &w1), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_warning (w, 1, 4 * S, &w2), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_mark (w, 1, 1 * S, &block), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_line_hits (w, 2 * S, &h1), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_line_hits (w, 3 * S, &h2), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_return_value (w, 1, 2 * MS, &rv), ==, TC_OK);

  /* The recorder adds a second SESSION frame at stop (final metrics): it
   * must not erase the first one's argv. */
  {
    TcKeyValue items[] = { { TC_STR ("final_metric.loss"), TC_STR ("1.0") } };
    TcSession s = { items, 1 };

    g_assert_cmpint (tc_writer_write_session (w, 9 * S, &s), ==, TC_OK);
  }
}

static void
close_writer (TcWriter *w)
{
  TcEndFixed end = { 0 };
  TcError err = { 0 };

  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
}

char *
tc_test_write_timings (void)
{
  char *path = g_build_filename (tc_test_dir (), "timings.tc", NULL);
  TcWriter *w = open_writer (path);

  write_definitions (w, TRUE);
  write_events (w, 1);
  write_snapshots (w);
  write_metrics (w);
  write_misc (w);
  close_writer (w);
  return path;
}

/* work scaled ×2 (avg 8 ms); i in work: 0 (t=0.1 s), 0 (0.2 s), 3 (0.3 s);
 * crash at t = 0.5 s in work():9 with i = 3. */
char *
tc_test_write_crash (void)
{
  char *path = g_build_filename (tc_test_dir (), "crash.tc", NULL);
  TcWriter *w = open_writer (path);
  TcStackFrame stack[] = { { CODE_WORK, 9 }, { CODE_MAIN, 5 } };
  static const char *i_reprs[] = { "0", "0", "3" };
  TcLocal crash_locals[] = {
    { VAR_I, 0, TC_STR ("3"), TC_STR ("int"), 28, { .kind = TC_VALUE_INT, .i = 3 } },
  };
  TcCrashFrame frames[] = { { CODE_WORK, 9, crash_locals, 1 }, { CODE_MAIN, 5, NULL, 0 } };
  TcCrash crash = { TC_STR ("IndexError"), TC_STR ("builtins"), TC_STR ("list index out of range"),
                    TC_STR ("Traceback (most recent call last):\n  File \"demo_src.py\", line 9, in work\nIndexError: list index out of range\n"),
                    TC_STR (""), frames, 2, NULL, 0 };
  TcWarning nan = { TC_LEVEL_ERROR, TC_STR ("NAN_DETECTED"), TC_STR ("'loss' is NaN at t=0.400s"), TC_STR ("loss"), NULL, 0 };

  write_definitions (w, TRUE);
  write_events (w, 2);
  for (guint k = 0; k < 3; k++)
    {
      TcLocal local = { VAR_I, TC_LOCAL_CHANGED, { i_reprs[k], 1 }, TC_STR ("int"), 28,
                        { .kind = TC_VALUE_INT, .i = i_reprs[k][0] - '0' } };
      TcThreadCapture cap = { 1, 0, stack, 2, &local, 1 };
      TcSnapshot snap = { 0 };

      snap.index = k;
      snap.kind = TC_SNAPSHOT_TIMER;
      snap.origin_thread = 1;
      snap.time_ns = (k + 1) * 100 * MS;
      snap.evt = TC_STR ("TIMER");
      snap.threads = &cap;
      snap.n_threads = 1;
      g_assert_cmpint (tc_writer_write_snapshot (w, &snap), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_write_warning (w, 1, 400 * MS, &nan), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_crash (w, 1, 500 * MS, &crash), ==, TC_OK);
  close_writer (w);
  return path;
}

char *
tc_test_write_truncated (void)
{
  g_autofree char *full = tc_test_write_timings ();
  char *path = g_build_filename (tc_test_dir (), "truncated.tc", NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (full, &data, &len, NULL));
  /* Keep a bit more than half: definitions and events, some snapshots. */
  g_assert_true (g_file_set_contents (path, data, len * 6 / 10, NULL));
  return path;
}

/* One process: `calls` calls of work() of `call_ns` each (one as long
 * between them) on the main thread, then END (tc-test-recordings.h). */
char *
tc_test_write_process_calls (const char *name,
                             const char *pid,
                             const char *parent_pid,
                             const char *role,
                             guint       calls,
                             guint64     call_ns,
                             gint32      exit_status,
                             guint32     end_flags)
{
  char *path = g_build_filename (tc_test_dir (), name, NULL);
  TcWriterOptions opts = { "5e55104f", "timecapsule-tests", 0, 0 };
  TcError err = { 0 };
  TcKeyValue items[] = {
    { TC_STR ("argv"), TC_STR ("-c") },
    { TC_STR ("argv"), { name, (uint32_t) strlen (name) } },
    { TC_STR ("pid"), { pid, (uint32_t) strlen (pid) } },
    { TC_STR ("parent_pid"), { parent_pid, (uint32_t) strlen (parent_pid) } },
    { TC_STR ("process_role"), { role, (uint32_t) strlen (role) } },
  };
  /* The parent has neither parent_pid nor a role. */
  TcSession session = { items, role[0] != '\0' ? G_N_ELEMENTS (items) : 3 };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/p.py") };
  TcCodeDef code = { 1, 1, 3, TC_CODE_FLAG_TRACKED, TC_STR ("work"), TC_STR ("work"), TC_STR ("__main__") };
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (TcEvent));
  TcEndFixed end = { 0 };
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &main_thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_code (w, 0, &code), ==, TC_OK);
  for (guint i = 0; i < calls; i++)
    {
      TcEvent call = { (2 * i + 1) * call_ns, 1, TC_EVENT_CALL };
      TcEvent ret = { (2 * i + 2) * call_ns, 0, TC_EVENT_RETURN };
      g_array_append_val (events, call);
      g_array_append_val (events, ret);
    }
  if (calls > 0)
    g_assert_cmpint (tc_writer_write_events (w, 1, (TcEvent *) events->data, events->len), ==, TC_OK);
  end.exit_status = exit_status;
  end.flags = end_flags;
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

char *
tc_test_write_line_hits (const char    *path,
                         const char    *file_name,
                         const char    *source,
                         TcLineHit     *hits,
                         guint32        n_hits,
                         gboolean       first_hit)
{
  TcWriterOptions opts = { "11e5a11e", "timecapsule-tests", 0, 0 };
  TcError err = { 0 };
  TcKeyValue items[] = {
    { TC_STR ("src"), TC_STR (file_name) },
    { TC_STR ("mode"), TC_STR ("full") },
    { TC_STR ("line_hits"), TC_STR ("first") },
  };
  TcSession session = { items, first_hit ? 3 : 2 };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR (file_name) };
  TcLineHits h = { 1, hits, n_hits };
  TcEndFixed end = { 0 };
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_source (w, 0, 1, source, strlen (source)), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_line_hits (w, 1000, &h), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return g_strdup (path);
}

enum { ACODE_MAIN = 1, ACODE_HANDLE, ACODE_FETCH, ACODE_LEN, ACODE_GEN, ACODE_TICKER };
/* A coroutine defined with an id no event can name (a hostile or damaged
 * file): the analysis must not size anything by it (a fuzzer's find). */
#define ACODE_FAR 0xffffff00u

/* Thread 1 (MainThread), an event loop in main [0, 20 ms]: two instances
 * of the coroutine handle interleave, A awaiting fetch.
 *   1 A starts, 2 fetch starts, 3 fetch and A suspend;
 *   4 B starts, 5–6 a C call, 7 B suspends;
 *   10 A and fetch resume, 12 fetch returns, 13 A returns;
 *   14 B resumes, 15–16 a plain generator runs, 17 B unwinds.
 * handle: started 2, ended 2 (1 unwound), suspended 2, resumed 2, running
 * 2 + 3 + 3 + 3 = 11 ms, from 1 to 17 ms; fetch: 1, 1, 1, 1, 1 + 2 = 3 ms,
 * from 2 to 12 ms.
 * Thread 2 (loop-2): instance C of handle starts at 2, suspends at 4,
 * resumes at 8, returns at 9: 1, 1, 1, 1, 3 ms.
 * Totals: handle started 3, ended 3 (1 unwound), suspended 3, resumed 3,
 * 14 ms, 2.0 segments per instance, threads 1 and 2; then fetch.  The
 * async generator ticker never runs; gen is a plain generator; the
 * coroutine "far" (ACODE_FAR) never runs either. */
char *
tc_test_write_coroutines (void)
{
  char *path = g_build_filename (tc_test_dir (), "coroutines.tc", NULL);
  TcKeyValue items[] = { { TC_STR ("src"), TC_STR ("/tmp/tc-tests/aio.py") }, { TC_STR ("mode"), TC_STR ("full") } };
  TcSession session = { items, G_N_ELEMENTS (items) };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcThreadDef loop_thread = { 2, 101, 201, 0, TC_STR ("loop-2") };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/aio.py") };
  TcCodeDef codes[] = {
    { ACODE_MAIN, 1, 1, TC_CODE_FLAG_TRACKED, TC_STR ("main"), TC_STR ("main"), TC_STR ("__main__") },
    { ACODE_HANDLE, 1, 5, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_COROUTINE, TC_STR ("handle"), TC_STR ("handle"), TC_STR ("__main__") },
    { ACODE_FETCH, 1, 9, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_COROUTINE, TC_STR ("fetch"), TC_STR ("fetch"), TC_STR ("__main__") },
    { ACODE_LEN, 0, 0, TC_CODE_FLAG_C_FUNCTION, TC_STR ("len"), TC_STR ("len"), TC_STR ("builtins") },
    { ACODE_GEN, 1, 13, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_GENERATOR, TC_STR ("gen"), TC_STR ("gen"), TC_STR ("__main__") },
    { ACODE_TICKER, 1, 17, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_ASYNC_GEN, TC_STR ("ticker"), TC_STR ("ticker"), TC_STR ("__main__") },
    { ACODE_FAR, 1, 21, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_COROUTINE, TC_STR ("far"), TC_STR ("far"), TC_STR ("__main__") },
  };
  TcEvent loop1[] = {
    EV (0, TC_EVENT_CALL, ACODE_MAIN),
    EV (1 * MS, TC_EVENT_CALL, ACODE_HANDLE),
    EV (2 * MS, TC_EVENT_CALL, ACODE_FETCH),
    EV (3 * MS, TC_EVENT_YIELD, 0),
    EV (3 * MS, TC_EVENT_YIELD, 0),
    EV (4 * MS, TC_EVENT_CALL, ACODE_HANDLE),
    EV (5 * MS, TC_EVENT_C_CALL, ACODE_LEN),
    EV (6 * MS, TC_EVENT_C_RETURN, 0),
    EV (7 * MS, TC_EVENT_YIELD, 0),
    EV (10 * MS, TC_EVENT_RESUME, ACODE_HANDLE),
    EV (10 * MS, TC_EVENT_RESUME, ACODE_FETCH),
    EV (12 * MS, TC_EVENT_RETURN, 0),
    EV (13 * MS, TC_EVENT_RETURN, 0),
    EV (14 * MS, TC_EVENT_RESUME, ACODE_HANDLE),
    EV (15 * MS, TC_EVENT_CALL, ACODE_GEN),
    EV (16 * MS, TC_EVENT_YIELD, 0),
    EV (17 * MS, TC_EVENT_UNWIND, 0),
    EV (20 * MS, TC_EVENT_RETURN, 0),
  };
  TcEvent loop2[] = {
    EV (2 * MS, TC_EVENT_CALL, ACODE_HANDLE),
    EV (4 * MS, TC_EVENT_YIELD, 0),
    EV (8 * MS, TC_EVENT_RESUME, ACODE_HANDLE),
    EV (9 * MS, TC_EVENT_RETURN, 0),
  };
  TcEndFixed end = { 0 };
  TcError err = { 0 };
  TcWriter *w = open_writer (path);

  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &main_thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &loop_thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpint (tc_writer_write_code (w, 0, &codes[i]), ==, TC_OK);
  /* Thread 1 in two blocks, the second starting inside A's resumed run. */
  g_assert_cmpint (tc_writer_write_events (w, 1, loop1, 10), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, 2, loop2, G_N_ELEMENTS (loop2)), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, 1, loop1 + 10, G_N_ELEMENTS (loop1) - 10), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

/* Thread t (1–3) writes blocks b ≡ t − 1 (mod 3); codes f1…f40, every
 * third untracked.  Depth walks at random (3 to 60), a quarter of the
 * events at the time before, and every tenth block opens with 70 returns. */
char *
tc_test_write_many_blocks (const char *name,
                           guint       n_blocks,
                           gboolean    hostile)
{
  char *path = g_build_filename (tc_test_dir (), name, NULL);
  TcWriterOptions opts = { "p", "t", 0, 0 };
  TcError err = { 0 };
  TcEndFixed end = { 0 };
  guint64 rng = 0x9e3779b97f4a7c15ull, t[4] = { 0 };
  guint depth[4] = { 0 };
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  for (guint32 id = 1; id <= 3; id++)
    {
      TcThreadDef def = { id, id, id, id == 1 ? TC_THREAD_FLAG_MAIN : 0, TC_STR ("worker") };

      g_assert_cmpint (tc_writer_write_thread (w, 0, &def), ==, TC_OK);
    }
  for (guint32 id = 1; id <= 40; id++)
    {
      char q[32];
      TcCodeDef def = { id, 0, id, id % 3 ? TC_CODE_FLAG_TRACKED : 0, { q, 0 }, { q, 0 }, TC_STR ("m") };

      def.qualname.len = def.name.len = g_snprintf (q, sizeof q, "f%u", id);
      g_assert_cmpint (tc_writer_write_code (w, 0, &def), ==, TC_OK);
    }
  for (guint b = 0; b < n_blocks; b++)
    {
      guint32 thread = 1 + b % 3;
      TcEvent events[400];

      for (guint i = 0; i < G_N_ELEMENTS (events); i++)
        {
          guint r;

          rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
          r = rng % 100;
          /* A quarter of the events at the time of the one before. */
          t[thread] += r % 4 == 0 ? 0 : 1 + (rng >> 40) % 5000;
          /* Now and then a run of returns closes everything the earlier
           * blocks left open and more (returns with nothing open). */
          if (b % 10 == 5 && i < 70)
            {
              events[i] = (TcEvent) { t[thread], 0, TC_EVENT_RETURN };
              depth[thread] -= depth[thread] > 0;
            }
          else if (depth[thread] < 3 || (r < 52 && depth[thread] < 60))
            {
              events[i] = (TcEvent) { t[thread], 1 + (rng >> 20) % 40, r < 8 ? TC_EVENT_RESUME : TC_EVENT_CALL };
              depth[thread]++;
            }
          else
            {
              events[i] = (TcEvent) { t[thread], 0, r < 60 ? TC_EVENT_YIELD : r < 64 ? TC_EVENT_UNWIND : TC_EVENT_RETURN };
              depth[thread]--;
            }
        }
      /* Two bad blocks: the error must name the first one however many
       * blocks the workers decoded ahead. */
      if (hostile && (b == 70 || b == 75))
        events[200].code_id = 1u << 30, events[200].kind = TC_EVENT_CALL;
      g_assert_cmpint (tc_writer_write_events (w, thread, events, G_N_ELEMENTS (events)), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

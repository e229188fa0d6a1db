/* tc-report-fixture.c — see tc-report-fixture.h
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <glib/gstdio.h>

#include "tc-format.h"
#include "tc-report-fixture.h"

#define US (1000ull)
#define MS (1000000ull)

static const char source_before[] =
  "import timecapsule as tc\n"              /* 1 */
  "\n"                                      /* 2 */
  "def main():\n"                           /* 3 */
  "    for i in range(3):\n"                /* 4 */
  "        work(i)\n"                       /* 5 */
  "    helper()\n"                          /* 6 */
  "    old_fn()\n"                          /* 7 */
  "\n"                                      /* 8 */
  "def work(x):\n"                          /* 9 */
  "    return sum(range(x * 100000))\n"     /* 10 */
  "\n"                                      /* 11 */
  "def helper():\n"                         /* 12 */
  "    return 1\n"                          /* 13 */
  "\n"                                      /* 14 */
  "def old_fn():\n"                         /* 15 */
  "    pass\n"                              /* 16 */
  "\n"                                      /* 17 */
  "def unused():\n"                         /* 18 */
  "    pass\n";                             /* 19 */

static const char source_after[] =
  "# app.py, after the change:\n"           /* 1 */
  "# work() caches its table\n"             /* 2 */
  "import timecapsule as tc\n"              /* 3 */
  "\n"                                      /* 4 */
  "def main():\n"                           /* 5 */
  "    for i in range(3):\n"                /* 6 */
  "        work(i)\n"                       /* 7 */
  "    helper()\n"                          /* 8 */
  "    new_fn(); new_fn()\n"                /* 9 */
  "\n"                                      /* 10 */
  "def work(x):\n"                          /* 11 */
  "    return TABLE[x]\n"                   /* 12 */
  "\n"                                      /* 13 */
  "def helper():\n"                         /* 14 */
  "    return 1\n"                          /* 15 */
  "\n"                                      /* 16 */
  "def new_fn():\n"                         /* 17 */
  "    pass\n"                              /* 18 */
  "\n"                                      /* 19 */
  "def unused():\n"                         /* 20 */
  "    pass\n";                             /* 21 */

enum { CODE_MAIN = 1, CODE_WORK, CODE_HELPER, CODE_OLD, CODE_NEW };
enum { METRIC_LOSS = 1 };
enum { VAR_X = 1 };
enum { COUNTER_RAM = 1 };

#define CHECK(expr) g_assert_cmpint ((expr), ==, TC_OK)
#define EV(t, kind, code) ((TcEvent) { (t), (code), (kind) })

static void
write_definitions (TcWriter   *w,
                   const char *script,
                   gboolean    after)
{
  g_autofree char *path = g_build_filename ("/home/user/project", script, NULL);
  const char *source = after ? source_after : source_before;
  TcKeyValue items[] = {
    { TC_STR ("argv"), { script, strlen (script) } },
    { TC_STR ("src"), { path, strlen (path) } },
    { TC_STR ("python"), TC_STR ("3.11.7 (main) [GCC 12.2.0]") },
    { TC_STR ("platform"), TC_STR ("linux") },
    { TC_STR ("pid"), TC_STR ("4242") },
    { TC_STR ("mode"), TC_STR ("full") },
    { TC_STR ("backend"), TC_STR ("setprofile") },
  };
  TcSession session = { items, G_N_ELEMENTS (items) };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, { path, strlen (path) } };
  guint32 shift = after ? 2 : 0;
  TcCodeDef codes[] = {
    { CODE_MAIN, 1, 3 + shift, TC_CODE_FLAG_TRACKED, TC_STR ("main"), TC_STR ("main"), TC_STR ("__main__") },
    { CODE_WORK, 1, 9 + shift, TC_CODE_FLAG_TRACKED, TC_STR ("work"), TC_STR ("work"), TC_STR ("__main__") },
    { CODE_HELPER, 1, 12 + shift, TC_CODE_FLAG_TRACKED, TC_STR ("helper"), TC_STR ("helper"), TC_STR ("__main__") },
    { after ? CODE_NEW : CODE_OLD, 1, 15 + shift, TC_CODE_FLAG_TRACKED,
      after ? TC_STR ("new_fn") : TC_STR ("old_fn"), after ? TC_STR ("new_fn") : TC_STR ("old_fn"),
      TC_STR ("__main__") },
  };
  TcMetricDef loss = { METRIC_LOSS, TC_STR ("loss") };
  TcCounterDef ram = { COUNTER_RAM, TC_STR ("ram_mb"), TC_STR ("MB"), TC_STR ("process RSS") };

  CHECK (tc_writer_write_session (w, 0, &session));
  CHECK (tc_writer_write_thread (w, 0, &main_thread));
  CHECK (tc_writer_write_file (w, 0, &file));
  CHECK (tc_writer_write_source (w, 0, 1, source, strlen (source)));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    CHECK (tc_writer_write_code (w, 0, &codes[i]));
  CHECK (tc_writer_write_metric_def (w, 0, &loss));
  CHECK (tc_writer_write_counter_def (w, 0, &ram));
  {
    TcVarDef x = { VAR_X, CODE_WORK, TC_STR ("x") };

    CHECK (tc_writer_write_var (w, 0, &x));
  }
}

/* One snapshot in each work() call: x = 0, 1, 2. */
static void
write_snapshots (TcWriter *w,
                 gboolean  after)
{
  guint64 step = after ? 4 * MS : 10 * MS;

  for (guint i = 0; i < 3; i++)
    {
      char repr[8];
      TcValue value = { .kind = TC_VALUE_INT };
      TcStackFrame stack[] = { { CODE_WORK, after ? 12 : 10 }, { CODE_MAIN, after ? 7 : 5 } };
      TcLocal local;
      TcThreadCapture capture = { 1, 0, stack, G_N_ELEMENTS (stack), &local, 1 };
      TcSnapshot snap = { 0 };

      g_snprintf (repr, sizeof repr, "%u", i);
      value.i = i;
      local = (TcLocal) { VAR_X, TC_LOCAL_CHANGED, { repr, strlen (repr) }, TC_STR ("int"), 28, value };
      snap.index = i;
      snap.kind = TC_SNAPSHOT_TIMER;
      snap.origin_thread = 1;
      snap.time_ns = 500 * US + i * step + step / 2;
      snap.evt = TC_STR ("TIMER");
      snap.threads = &capture;
      snap.n_threads = 1;
      CHECK (tc_writer_write_snapshot (w, &snap));
    }
}

/* See the table in the header. */
static guint64
write_events (TcWriter *w,
              gboolean  after)
{
  guint64 step = after ? 4 * MS : 10 * MS;
  guint64 t = 500 * US;
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (TcEvent));
  TcEvent e;

  e = EV (0, TC_EVENT_CALL, CODE_MAIN);
  g_array_append_val (events, e);
  for (guint i = 0; i < 3; i++, t += step)
    {
      e = EV (t, TC_EVENT_CALL, CODE_WORK);
      g_array_append_val (events, e);
      e = EV (t + step, TC_EVENT_RETURN, 0);
      g_array_append_val (events, e);
    }
  e = EV (t, TC_EVENT_CALL, CODE_HELPER);
  g_array_append_val (events, e);
  t += 2 * MS;
  e = EV (t, TC_EVENT_RETURN, 0);
  g_array_append_val (events, e);
  for (guint i = 0; i < (after ? 2u : 1u); i++, t += MS)
    {
      e = EV (t, TC_EVENT_CALL, after ? CODE_NEW : CODE_OLD);
      g_array_append_val (events, e);
      e = EV (t + MS, TC_EVENT_RETURN, 0);
      g_array_append_val (events, e);
    }
  t += 500 * US;
  e = EV (t, TC_EVENT_RETURN, 0);
  g_array_append_val (events, e);

  CHECK (tc_writer_write_events (w, 1, (TcEvent *)(gpointer)events->data, events->len));

  return t;
}

static void
write_series (TcWriter *w,
              gboolean  after,
              guint64   end)
{
  for (guint i = 0; i <= 10; i++)
    {
      guint64 t = end * i / 10;
      TcCounterValue ram = { COUNTER_RAM, 100.0 + (after ? 10.0 : 50.0) * i / 10.0 };
      TcMetricPoint loss = { METRIC_LOSS, t, { .kind = TC_VALUE_FLOAT } };

      loss.value.f = 1.0 - (after ? 0.75 : 0.5) * i / 10.0;
      CHECK (tc_writer_write_system (w, t, &ram, 1));
      CHECK (tc_writer_write_metrics (w, t, &loss, 1));
    }
}

static void
write_warnings (TcWriter *w,
                gboolean  after)
{
  if (after)
    {
      TcWarning nan = { TC_LEVEL_ERROR, TC_STR ("NAN_DETECTED"), TC_STR ("loss is NaN"), TC_STR ("loss"), NULL, 0 };

      CHECK (tc_writer_write_warning (w, 1, 9 * MS, &nan));
    }
  else
    {
      TcWarning slow = { TC_LEVEL_WARN, TC_STR ("SLOW_CALL"), TC_STR ("work() took 10 ms"), TC_STR (""), NULL, 0 };

      CHECK (tc_writer_write_warning (w, 1, 11 * MS, &slow));
      CHECK (tc_writer_write_warning (w, 1, 21 * MS, &slow));
    }
}

static void
write_line_hits (TcWriter *w,
                 gboolean  after,
                 guint64   end)
{
  /* Before: the same lines two higher, work's body 10 ms a call. */
  guint32 shift = after ? 0 : 2;
  guint64 work_ms = after ? 4 : 10;
  TcLineHit after_lines[] = {
    { FIX_AFTER_LINE_LOOP - shift, 4, 0 },
    { FIX_AFTER_LINE_CALL_WORK - shift, 3, 3 * work_ms * MS },
    { 8 - shift, 1, 2 * MS },
    { 9 - shift, 1, 2 * MS },
    { FIX_AFTER_LINE_WORK_BODY - shift, 3, 3 * work_ms * MS },
    { FIX_AFTER_LINE_HELPER_BODY - shift, 1, 2 * MS },
    { FIX_AFTER_LINE_NEW_BODY - shift, after ? 2 : 1, (after ? 2 : 1) * MS },
  };
  TcLineHits hits = { 1, after_lines, G_N_ELEMENTS (after_lines) };

  CHECK (tc_writer_write_line_hits (w, end, &hits));
}

static void
write_crash (TcWriter *w,
             guint64   t)
{
  TcCrashFrame frames[] = { { CODE_WORK, 10, NULL, 0 }, { CODE_MAIN, 5, NULL, 0 } };
  TcCrash crash = {
    TC_STR ("IndexError"), TC_STR ("builtins"), TC_STR ("list index out of range"),
    TC_STR ("Traceback (most recent call last):\n  File \"app.py\", line 10, in work\nIndexError: list index out of range\n"),
    TC_STR (""), frames, G_N_ELEMENTS (frames), NULL, 0,
  };

  CHECK (tc_writer_write_crash (w, 1, t, &crash));
}

static char *
write_fixture (const char *dir,
               const char *name,
               const char *script,
               gboolean    after,
               gboolean    line_hits)
{
  char *path = g_build_filename (dir, name, NULL);
  TcWriterOptions options = { after ? "af7e0002" : "bef00001", "timecapsule-tests", 0, 0 };
  TcError error = { 0 };
  TcEndFixed end = { 0 };
  TcWriter *w;
  guint64 t_end;

  g_remove (path);
  w = tc_writer_open (path, &options, &error);
  g_assert_nonnull (w);

  write_definitions (w, script, after);
  t_end = write_events (w, after);
  write_snapshots (w, after);
  write_series (w, after, t_end);
  write_warnings (w, after);
  if (line_hits)
    write_line_hits (w, after, t_end);
  if (!after)
    write_crash (w, t_end);

  end.flags = after ? 0 : TC_END_FLAG_CRASHED;
  CHECK (tc_writer_close (w, &end, &error));

  return path;
}

char *
tc_report_fixture_write (const char *dir,
                         const char *name,
                         const char *script,
                         gboolean    after)
{
  return write_fixture (dir, name, script, after, TRUE);
}

char *
tc_report_fixture_write_no_lines (const char *dir,
                                  const char *name)
{
  return write_fixture (dir, name, "app.py", TRUE, FALSE);
}

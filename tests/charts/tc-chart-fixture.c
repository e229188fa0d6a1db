/* tc-chart-fixture.c — a known recording written with libtc-format
 *
 * SPDX-License-Identifier: MIT
 *
 * A small training program: main → train → (load_batch → parse ×2,
 * Net.step → forward, backward) per step on the main thread, and a worker
 * thread that fetches (with time.sleep inside).  Snapshots, metrics (loss
 * with one spike), system samples, warnings, marks, stack samples, line hits
 * and embedded source, so every chart page has something to show.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tc-format.h"

#include "tc-chart-fixture.h"

#define MS G_GINT64_CONSTANT (1000000)
#define CHUNK 60000

static const char train_source[] =
  "import time\n"
  "from data.loader import load_batch\n"
  "from model.net import Net\n"
  "\n"
  "def train(net, steps):\n"
  "    lr = 0.1\n"
  "    for step in range(steps):\n"
  "        batch = load_batch(step)\n"
  "        loss = net.step(batch, lr)\n"
  "        epoch = step // 50\n"
  "    return loss\n"
  "\n"
  "def main():\n"
  "    train(Net(), 1000)\n";

static TcStr
S (const char *s)
{
  TcStr str = { s, (uint32_t) strlen (s) };
  return str;
}

typedef struct
{
  TcWriter *w;
  GArray   *events[3];   /* per thread id 1, 2 */
  TcStatus  status;
} Fixture;

static void
ev (Fixture *f, guint thread, gint64 t, guint kind, guint code)
{
  TcEvent e = { (uint64_t) t, code, kind };

  g_array_append_val (f->events[thread], e);
  if (f->events[thread]->len >= CHUNK)
    {
      if (f->status == TC_OK)
        f->status = tc_writer_write_events (f->w, thread,
                                            (TcEvent *) (gpointer) f->events[thread]->data,
                                            f->events[thread]->len);
      g_array_set_size (f->events[thread], 0);
    }
}

static void
flush_events (Fixture *f)
{
  for (guint t = 1; t <= 2; t++)
    if (f->events[t]->len > 0 && f->status == TC_OK)
      {
        f->status = tc_writer_write_events (f->w, t, (TcEvent *) (gpointer) f->events[t]->data,
                                            f->events[t]->len);
        g_array_set_size (f->events[t], 0);
      }
}

static void
write_definitions (Fixture *f)
{
  static const struct { guint id; guint file; guint line; guint flags; const char *qual, *name, *module; } codes[] = {
    { FIX_MAIN, 1, 13, TC_CODE_FLAG_TRACKED, "main", "main", "__main__" },
    { FIX_TRAIN, 1, 5, TC_CODE_FLAG_TRACKED, "train", "train", "__main__" },
    { FIX_LOAD, 2, 3, TC_CODE_FLAG_TRACKED, "load_batch", "load_batch", "data.loader" },
    { FIX_PARSE, 2, 10, TC_CODE_FLAG_TRACKED, "parse", "parse", "data.loader" },
    { FIX_STEP, 3, 20, TC_CODE_FLAG_TRACKED, "Net.step", "step", "model.net" },
    { FIX_FORWARD, 3, 30, TC_CODE_FLAG_TRACKED, "Net.forward", "forward", "model.net" },
    { FIX_BACKWARD, 3, 40, TC_CODE_FLAG_TRACKED, "Net.backward", "backward", "model.net" },
    { FIX_SLEEP, 0, 0, TC_CODE_FLAG_C_FUNCTION, "sleep", "sleep", "time" },
    { FIX_WORKER, 1, 20, TC_CODE_FLAG_TRACKED, "worker", "worker", "__main__" },
    { FIX_FETCH, 4, 5, TC_CODE_FLAG_TRACKED, "fetch", "fetch", "net.http" },
  };
  static const char *files[] = { NULL, "/home/user/proj/train.py", "/home/user/proj/data/loader.py",
                                 "/home/user/proj/model/net.py", "/home/user/proj/net/http.py" };
  static const char *vars[][2] = { { NULL, NULL }, { "2", "epoch" }, { "2", "loss" }, { "2", "lr" },
                                   { "2", "batch" }, { "2", "status" }, { "9", "url" }, { "9", "n_fetched" } };
  static const struct { const char *name, *unit; } counters[] = {
    { NULL, NULL }, { "ram_mb", "MB" }, { "ram_peak_mb", "MB" }, { "cpu_pct", "%" },
    { "threads", "" }, { "open_fds", "" }, { "gpu_mb", "MB" }, { "gpu_util_pct", "%" },
  };
  TcKeyValue kv[] = {
    { S ("src"), S ("/home/user/proj/train.py") }, { S ("mode"), S ("full") },
    { S ("python"), S ("3.12.1") }, { S ("argv"), S ("train.py") },
  };
  TcSession session = { kv, G_N_ELEMENTS (kv) };
  TcThreadDef t1 = { 1, 4001, 140001, TC_THREAD_FLAG_MAIN, S ("MainThread") };
  TcThreadDef t2 = { 2, 4002, 140002, 0, S ("fetcher") };

  tc_writer_write_session (f->w, 0, &session);
  tc_writer_write_thread (f->w, 0, &t1);
  tc_writer_write_thread (f->w, 0, &t2);
  for (guint i = 1; i < G_N_ELEMENTS (files); i++)
    {
      TcFileDef def = { i, TC_FILE_FLAG_TRACKED, 0, 0, S (files[i]) };
      tc_writer_write_file (f->w, 0, &def);
    }
  tc_writer_write_source (f->w, 0, 1, train_source, strlen (train_source));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      TcCodeDef def = { codes[i].id, codes[i].file, codes[i].line, codes[i].flags,
                        S (codes[i].qual), S (codes[i].name), S (codes[i].module) };
      tc_writer_write_code (f->w, 0, &def);
    }
  for (guint i = 1; i < G_N_ELEMENTS (vars); i++)
    {
      TcVarDef def = { i, (uint32_t) atoi (vars[i][0]), S (vars[i][1]) };
      tc_writer_write_var (f->w, 0, &def);
    }
  {
    TcMetricDef loss = { 1, S ("loss") };
    TcMetricDef acc = { 2, S ("accuracy") };
    tc_writer_write_metric_def (f->w, 0, &loss);
    tc_writer_write_metric_def (f->w, 0, &acc);
  }
  for (guint i = 1; i < G_N_ELEMENTS (counters); i++)
    {
      TcCounterDef def = { i, S (counters[i].name), S (counters[i].unit), S ("") };
      tc_writer_write_counter_def (f->w, 0, &def);
    }
}

static double
fixture_loss (guint k)
{
  if (k == FIX_SPIKE_SNAP)
    return 8.0;
  return 2.0 * exp (-(double) k / 20.0) + 0.1 + 0.02 * (double) (k % 3);
}

static void
write_snapshot (Fixture *f, guint k, guint step, gint64 t)
{
  char epoch[32], loss[32], lr[32], batch[64], nf[32];
  const char *status = step < 100 ? "warmup" : "training";
  double lr_v = step < 100 ? 0.1 : 0.01;
  double loss_v = fixture_loss (k);
  static char prev[8][64];
  TcLocal locals[5], wlocals[2];
  TcStackFrame stack[3] = { { FIX_STEP, 22 }, { FIX_TRAIN, 9 }, { FIX_MAIN, 14 } };
  TcStackFrame wstack[2] = { { FIX_FETCH, 7 }, { FIX_WORKER, 22 } };
  TcThreadCapture caps[2];
  TcCounterValue sys[7];
  TcMetricValue mv[2];
  TcMetricPoint mp[2];
  TcSnapshot snap = { 0 };
  const char *reprs[7];

  g_snprintf (epoch, sizeof epoch, "%u", step / 50);
  g_snprintf (loss, sizeof loss, "%.4f", loss_v);
  g_snprintf (lr, sizeof lr, "%g", lr_v);
  g_snprintf (batch, sizeof batch, "[%u, %u, %u, …]", step * 32, step * 32 + 1, step * 32 + 2);
  g_snprintf (nf, sizeof nf, "%u", (guint) (t / (25 * MS)));
  reprs[0] = epoch; reprs[1] = loss; reprs[2] = lr; reprs[3] = batch; reprs[4] = status;
  reprs[5] = "'https://example.org/data'"; reprs[6] = nf;

  for (guint i = 0; i < 7; i++)
    {
      TcLocal *l = i < 5 ? &locals[i] : &wlocals[i - 5];
      gboolean changed = strcmp (prev[i], reprs[i]) != 0;

      memset (l, 0, sizeof *l);
      l->var_id = i + 1;
      l->flags = changed ? TC_LOCAL_CHANGED : 0;
      l->repr = S (reprs[i]);
      l->size = 28 + 8 * i;
      g_strlcpy (prev[i], reprs[i], sizeof prev[i]);
      switch (i)
        {
        case 0: case 6:
          l->type_name = S ("int");
          l->value.kind = TC_VALUE_INT;
          l->value.i = g_ascii_strtoll (reprs[i], NULL, 10);
          break;
        case 1: case 2:
          l->type_name = S ("float");
          l->value.kind = TC_VALUE_FLOAT;
          l->value.f = i == 1 ? loss_v : lr_v;
          break;
        case 3:
          l->type_name = S ("list");
          l->size = 8056;
          l->value.kind = TC_VALUE_REPR_ONLY;
          break;
        default:
          l->type_name = S ("str");
          l->value.kind = TC_VALUE_STR;
          l->value.s = S (reprs[i]);
        }
    }

  caps[0] = (TcThreadCapture) { 1, 1, stack, 3, locals, 5 };
  caps[1] = (TcThreadCapture) { 2, 1, wstack, 2, wlocals, 2 };

  sys[0] = (TcCounterValue) { 1, 100.0 + k * 0.8 - (k % 20 == 19 ? 6.0 : 0.0) };
  sys[1] = (TcCounterValue) { 2, 100.0 + k * 0.8 };
  sys[2] = (TcCounterValue) { 3, 80.0 + (k * 7) % 20 };
  sys[3] = (TcCounterValue) { 4, 2 };
  sys[4] = (TcCounterValue) { 5, 5 + k % 7 };
  sys[5] = (TcCounterValue) { 6, 1000.0 + k * 3.0 };
  sys[6] = (TcCounterValue) { 7, 50.0 + (k * 37) % 50 };

  mv[0].metric_id = 1; mv[0].value.kind = TC_VALUE_FLOAT; mv[0].value.f = loss_v;
  mv[1].metric_id = 2; mv[1].value.kind = TC_VALUE_FLOAT; mv[1].value.f = MAX (0.0, 1.0 - loss_v / 3.0);
  mp[0] = (TcMetricPoint) { 1, (uint64_t) t, mv[0].value };
  mp[1] = (TcMetricPoint) { 2, (uint64_t) t, mv[1].value };

  snap.index = k;
  snap.kind = TC_SNAPSHOT_TIMER;
  snap.origin_thread = 1;
  snap.time_ns = (uint64_t) t;
  snap.evt = S ("TIMER");
  snap.label = S ("");
  snap.metrics = mv;
  snap.n_metrics = 2;
  snap.system = sys;
  snap.n_system = 7;
  snap.threads = caps;
  snap.n_threads = 2;

  if (f->status == TC_OK)
    f->status = tc_writer_write_snapshot (f->w, &snap);
  tc_writer_write_metrics (f->w, (uint64_t) t, mp, 2);
  tc_writer_write_system (f->w, (uint64_t) t, sys, 7);

  if (k == FIX_SPIKE_SNAP)
    {
      TcWarning warn = { TC_LEVEL_WARN, S ("ANOMALY"), S ("loss jumped to 8.0 (z ≥ 3)"), S ("loss"), NULL, 0 };
      tc_writer_write_warning (f->w, 1, (uint64_t) t, &warn);
    }
}

static void
write_samples (Fixture *f, guint n_steps)
{
  guint n = MIN (n_steps, 200) * 10;
  g_autofree TcStackSample *samples = g_new0 (TcStackSample, n);
  g_autofree TcStackFrame *frames = g_new0 (TcStackFrame, n * 4);

  for (guint i = 0; i < n; i++)
    {
      guint phase = i % 10;
      TcStackFrame *fr = frames + i * 4;

      samples[i].time_ns = (uint64_t) (2 * MS + (gint64) i * MS + MS / 2);
      samples[i].stack = fr;
      /* innermost first: 0-1 parse, 2-5 forward, 6-9 backward */
      fr[0] = (TcStackFrame) { phase < 2 ? FIX_PARSE : phase < 5 ? FIX_FORWARD : FIX_BACKWARD, 11 };
      fr[1] = (TcStackFrame) { phase < 2 ? FIX_LOAD : FIX_STEP, 5 };
      fr[2] = (TcStackFrame) { FIX_TRAIN, 8 };
      fr[3] = (TcStackFrame) { FIX_MAIN, 14 };
      samples[i].n_stack = 4;
    }
  tc_writer_write_samples (f->w, 1, samples, n);
}

static void
write_line_hits (Fixture *f, guint n_steps)
{
  TcLineHit train[] = { { 5, 1, 0 }, { 6, 1, 0 }, { 7, n_steps, 0 }, { 8, n_steps, 2 * MS * n_steps },
                        { 9, n_steps, 7 * MS * n_steps }, { 10, n_steps, 0 }, { 14, 1, 0 } };
  TcLineHit loader[] = { { 4, n_steps, 0 }, { 5, 2 * n_steps, MS * n_steps }, { 11, 2 * n_steps, MS * n_steps } };
  TcLineHit net[] = { { 21, n_steps, 0 }, { 22, n_steps, 3 * MS * n_steps }, { 23, n_steps, 4 * MS * n_steps },
                      { 31, 3 * n_steps, 3 * MS * n_steps }, { 41, 5 * n_steps, 4 * MS * n_steps } };
  TcLineHits h1 = { 1, train, G_N_ELEMENTS (train) };
  TcLineHits h2 = { 2, loader, G_N_ELEMENTS (loader) };
  TcLineHits h3 = { 3, net, G_N_ELEMENTS (net) };

  tc_writer_write_line_hits (f->w, 0, &h1);
  tc_writer_write_line_hits (f->w, 0, &h2);
  tc_writer_write_line_hits (f->w, 0, &h3);
}

gboolean
tc_chart_fixture_write (const char *path,
                        guint       n_steps,
                        gboolean    crash,
                        GError    **error)
{
  return tc_chart_fixture_write_full (path, n_steps, FIX_SNAP_EVERY, crash, error);
}

gboolean
tc_chart_fixture_write_full (const char *path,
                             guint       n_steps,
                             guint       snap_every,
                             gboolean    crash,
                             GError    **error)
{
  Fixture f = { 0 };
  TcError err = { 0 };
  TcEndFixed end = { 0 };
  gint64 t_end = 2 * MS + (gint64) n_steps * FIX_STEP_NS;
  gint64 t;
  guint k = 0;

  g_unlink (path);
  f.w = tc_writer_open (path, NULL, &err);
  if (f.w == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write %s: %s", path, err.message);
      return FALSE;
    }
  for (guint i = 1; i <= 2; i++)
    f.events[i] = g_array_new (FALSE, FALSE, sizeof (TcEvent));

  write_definitions (&f);

  ev (&f, 1, 1 * MS, TC_EVENT_CALL, FIX_MAIN);
  ev (&f, 1, 1 * MS + MS / 2, TC_EVENT_CALL, FIX_TRAIN);

  for (guint s = 0; s < n_steps; s++)
    {
      gint64 t0 = 2 * MS + (gint64) s * FIX_STEP_NS;

      ev (&f, 1, t0, TC_EVENT_CALL, FIX_LOAD);
      ev (&f, 1, t0 + MS / 5, TC_EVENT_CALL, FIX_PARSE);
      ev (&f, 1, t0 + MS / 5 + MS / 2, TC_EVENT_RETURN, 0);
      ev (&f, 1, t0 + MS + MS / 5, TC_EVENT_CALL, FIX_PARSE);
      ev (&f, 1, t0 + MS + MS / 5 + MS / 2, TC_EVENT_RETURN, 0);
      ev (&f, 1, t0 + 2 * MS, TC_EVENT_RETURN, 0);
      ev (&f, 1, t0 + 2 * MS + MS / 5, TC_EVENT_CALL, FIX_STEP);
      ev (&f, 1, t0 + 2 * MS + MS / 2, TC_EVENT_CALL, FIX_FORWARD);
      ev (&f, 1, t0 + 5 * MS + MS / 2, TC_EVENT_RETURN, 0);
      ev (&f, 1, t0 + 5 * MS + 7 * MS / 10, TC_EVENT_CALL, FIX_BACKWARD);
      ev (&f, 1, t0 + 9 * MS + 7 * MS / 10, TC_EVENT_RETURN, 0);
      ev (&f, 1, t0 + 9 * MS + 9 * MS / 10, TC_EVENT_RETURN, 0);

      if (s % snap_every == snap_every - 1)
        {
          flush_events (&f);
          write_snapshot (&f, k++, s, t0 + 7 * MS);
        }
      if (s < 100 && s % 10 == 0)
        {
          TcMark mark = { TC_MARK_BLOCK, 2 * MS, S (""), S ("load"), S ("") };
          tc_writer_write_mark (f.w, 1, (uint64_t) t0, &mark);
        }
      if (s % 50 == 49)
        {
          TcMark mark = { TC_MARK_CHECKPOINT, 50 * FIX_STEP_NS, S (""), S ("epoch"), S ("") };
          tc_writer_write_mark (f.w, 1, (uint64_t) (t0 - 49 * FIX_STEP_NS), &mark);
        }
    }

  /* The worker: fetch every 25 ms, 15 ms each, sleeping 10 ms in C. */
  ev (&f, 2, 3 * MS, TC_EVENT_CALL, FIX_WORKER);
  for (t = 4 * MS; t + 25 * MS < t_end; t += 25 * MS)
    {
      ev (&f, 2, t, TC_EVENT_CALL, FIX_FETCH);
      ev (&f, 2, t + 2 * MS, TC_EVENT_C_CALL, FIX_SLEEP);
      ev (&f, 2, t + 12 * MS, TC_EVENT_C_RETURN, 0);
      ev (&f, 2, t + 15 * MS, TC_EVENT_RETURN, 0);
    }
  ev (&f, 2, t_end - MS / 2, TC_EVENT_RETURN, 0);

  if (crash)
    {
      TcLocal local = { 0 };
      TcCrashFrame frames[4] = { { FIX_PARSE, 12, &local, 1 }, { FIX_LOAD, 5, NULL, 0 },
                                 { FIX_TRAIN, 8, NULL, 0 }, { FIX_MAIN, 14, NULL, 0 } };
      TcCrash c = { S ("IndexError"), S ("builtins"), S ("list index out of range"),
                    S ("Traceback (most recent call last): …"), S (""), frames, 4, NULL, 0 };

      local.var_id = 4;
      local.repr = S ("[]");
      local.type_name = S ("list");
      ev (&f, 1, t_end, TC_EVENT_CALL, FIX_LOAD);
      ev (&f, 1, t_end + MS / 5, TC_EVENT_CALL, FIX_PARSE);
      ev (&f, 1, t_end + MS / 2, TC_EVENT_UNWIND, 0);
      ev (&f, 1, t_end + MS / 2, TC_EVENT_UNWIND, 0);
      ev (&f, 1, t_end + MS / 2, TC_EVENT_UNWIND, 0);
      ev (&f, 1, t_end + MS / 2, TC_EVENT_UNWIND, 0);
      flush_events (&f);
      tc_writer_write_crash (f.w, 1, (uint64_t) (t_end + MS / 2), &c);
      end.flags = TC_END_FLAG_CRASHED;
      end.exit_status = 1;
    }
  else
    {
      ev (&f, 1, t_end, TC_EVENT_RETURN, 0);
      ev (&f, 1, t_end + MS / 2, TC_EVENT_RETURN, 0);
      flush_events (&f);
    }

  write_samples (&f, n_steps);
  write_line_hits (&f, n_steps);

  for (guint i = 1; i <= 2; i++)
    g_array_unref (f.events[i]);

  if (f.status != TC_OK)
    {
      tc_writer_abandon (f.w);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "writing %s failed (status %d)", path, f.status);
      return FALSE;
    }
  if (tc_writer_close (f.w, &end, &err) != TC_OK)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "closing %s failed: %s", path, err.message);
      return FALSE;
    }
  return TRUE;
}

TcWriter *
tc_chart_fixture_open_script (const char *path,
                              const char *src)
{
  TcWriterOptions opts = { "0a0b0c0d", "timecapsule-tests", 0, 0 };
  TcError err = { 0 };
  TcKeyValue items[] = { { S ("src"), S (src) } };
  TcSession session = { items, 1 };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, S ("MainThread") };
  TcWriter *w = tc_writer_open (path, &opts, &err);

  if (w == NULL)
    g_error ("cannot write %s: %s", path, err.message);
  if (tc_writer_write_session (w, 0, &session) != TC_OK || tc_writer_write_thread (w, 0, &main_thread) != TC_OK)
    g_error ("cannot write the session of %s", path);
  return w;
}

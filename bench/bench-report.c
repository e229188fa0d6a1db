/* SPDX-License-Identifier: MIT
 *
 * bench-report.c — load a recording of N call/return events (default 10
 * million) and render the full text report, as `timecapsule file.tc` does.
 * Prints wall and CPU time of each step and the peak RSS.  Not a test.
 *
 * The recording is generated first (not timed): 400 Python functions in 20
 * files, each calling 1–6 callees defined after it (so the call tree is deep
 * and bushy), 1–3 iterations per call site, a few recursive functions, 200
 * snapshots with locals, metrics and RSS samples, line hits and warnings.
 *
 *   bench-report [--events N] [--keep] [--text OUT.txt] [FILE.tc]
 *
 * With FILE.tc (an existing recording) nothing is generated.  --text writes
 * the report there (to check that a faster load gives the same report).
 * TC_LOAD_THREADS=N sets the loader's decode workers (0: one thread).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tc-report.h"

#define N_CODES 400
#define N_FILES 20
#define BATCH   65536

static guint64 rng_state = 0x2545f4914f6cdd1dull;

static guint64
rng (void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The loading thread alone: with the decode workers on other cores, an
 * idle machine's wall time is about max(this, process CPU / cores). */
static double
thread_cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

typedef struct
{
  guint32 callees[6];
  guint32 n_callees;
  guint32 loops[6];
} Fn;

typedef struct
{
  TcWriter *w;
  TcEvent   batch[BATCH];
  gsize     n;
  guint64   t;
  guint64   written;
  guint64   target;
  Fn       *fns;
} Gen;

static void
emit (Gen *g, guint32 kind, guint32 code)
{
  g->t += 50 + rng () % 1500;
  g->batch[g->n++] = (TcEvent) { g->t, code, kind };
  g->written++;
  if (g->n == BATCH)
    {
      if (tc_writer_write_events (g->w, 1, g->batch, g->n) != TC_OK)
        g_error ("write failed");
      g->n = 0;
    }
}

static void
call (Gen *g, guint32 f, guint depth)
{
  const Fn *fn = &g->fns[f];

  emit (g, TC_EVENT_CALL, f + 1);
  if (depth < 40)
    for (guint s = 0; s < fn->n_callees && g->written + 2 * depth + 4 < g->target; s++)
      for (guint k = 0; k < fn->loops[s] && g->written + 2 * depth + 4 < g->target; k++)
        call (g, fn->callees[s], depth + 1);
  emit (g, TC_EVENT_RETURN, 0);
}

static char *
generate (const char *dir, guint64 n_events)
{
  char *path = g_strdup_printf ("%s/bench-report-%d.tc", dir, (int) getpid ());
  TcWriterOptions options = { "bench", "bench-report", 0, 0 };
  TcError error;
  Gen *g = g_new0 (Gen, 1);
  Fn fns[N_CODES];
  TcEndFixed end = { 0 };

  unlink (path);
  g->w = tc_writer_open (path, &options, &error);
  if (g->w == NULL)
    g_error ("%s", error.message);
  g->fns = fns;
  g->target = n_events;

  {
    TcKeyValue items[] = { { TC_STR ("src"), TC_STR ("/bench/main.py") }, { TC_STR ("argv"), TC_STR ("main.py") },
                           { TC_STR ("mode"), TC_STR ("full") }, { TC_STR ("backend"), TC_STR ("bench") } };
    TcSession s = { items, G_N_ELEMENTS (items) };
    TcThreadDef t = { 1, 1, 1, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
    TcCounterDef ram = { 1, TC_STR ("ram_mb"), TC_STR ("MB"), TC_STR ("") };
    TcMetricDef loss = { 1, TC_STR ("loss") };

    tc_writer_write_session (g->w, 0, &s);
    tc_writer_write_thread (g->w, 0, &t);
    tc_writer_write_counter_def (g->w, 0, &ram);
    tc_writer_write_metric_def (g->w, 0, &loss);
  }
  for (guint f = 0; f < N_FILES; f++)
    {
      char p[64];
      TcFileDef def = { f + 1, TC_FILE_FLAG_TRACKED, 0, 0, { p, 0 } };

      def.path.len = g_snprintf (p, sizeof p, "/bench/module_%02u.py", f);
      tc_writer_write_file (g->w, 0, &def);
    }
  for (guint c = 0; c < N_CODES; c++)
    {
      char q[64];
      TcCodeDef def = { c + 1, c % N_FILES + 1, 10 + c, TC_CODE_FLAG_TRACKED, { q, 0 }, { q, 0 }, TC_STR ("bench") };
      guint rest = N_CODES - c - 1;

      def.qualname.len = def.name.len = g_snprintf (q, sizeof q, "Worker%u.step_%u", c % 17, c);
      tc_writer_write_code (g->w, 0, &def);
      /* Callees defined after it: a layered program; the last ones are leaves. */
      fns[c].n_callees = rest == 0 ? 0 : 1 + rng () % MIN (6, rest);
      for (guint s = 0; s < fns[c].n_callees; s++)
        {
          fns[c].callees[s] = c + 1 + (guint) (rng () % MIN (rest, 40));
          fns[c].loops[s] = 1 + rng () % 3;
        }
    }

  while (g->written + 200 < n_events)
    call (g, rng () % (N_CODES / 2), 0);
  if (g->n > 0)
    tc_writer_write_events (g->w, 1, g->batch, g->n);

  for (guint i = 0; i < 200; i++)
    {
      guint64 t = g->t / 200 * i;
      char repr[32];
      TcLocal loc = { 1, TC_LOCAL_CHANGED, { repr, 0 }, TC_STR ("int"), 28, { .kind = TC_VALUE_INT, .i = i } };
      TcStackFrame stack[] = { { 1, 12 } };
      TcThreadCapture cap = { 1, 0, stack, 1, &loc, 1 };
      TcCounterValue ram = { 1, 100 + i * 0.1 };
      TcMetricPoint p = { 1, t, { .kind = TC_VALUE_FLOAT, .f = 1.0 / (i + 1) } };
      TcSnapshot s = { 0 };
      TcVarDef var = { 1, 1, TC_STR ("i") };

      if (i == 0)
        tc_writer_write_var (g->w, t, &var);
      loc.repr.len = g_snprintf (repr, sizeof repr, "%u", i);
      s.index = i;
      s.kind = TC_SNAPSHOT_TIMER;
      s.origin_thread = 1;
      s.time_ns = t;
      s.evt = TC_STR ("TIMER");
      s.threads = &cap;
      s.n_threads = 1;
      s.system = &ram;
      s.n_system = 1;
      tc_writer_write_snapshot (g->w, &s);
      tc_writer_write_metrics (g->w, t, &p, 1);
      tc_writer_write_system (g->w, t, &ram, 1);
    }
  tc_writer_close (g->w, &end, &error);
  g_free (g);
  return path;
}

/* Every number the loader derives, exactly (%.17g), after the report: two
 * loaders that agree here give the same answers to every analysis. */
static void
dump_model (TcDocument *doc, GString *out)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  GPtrArray *codes = tc_document_get_codes (doc);

  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      const TcFunctionStats *s = tc_document_get_stats_for (doc, code->id);
      guint64 hash = 1469598103934665603ull;

      if (s == NULL)
        continue;
      for (guint k = 0; k < tc_durations_get_n (s->durations); k++)
        hash = (hash ^ (guint64) tc_durations_get (s->durations, k)) * 1099511628211ull;
      g_string_append_printf (out, "fn %u %s calls=%" G_GUINT64_FORMAT " total=%.17g self=%.17g avg=%.17g "
                              "p50=%.17g p95=%.17g p99=%.17g min=%.17g max=%.17g std=%.17g depth=%u "
                              "late=%.17g durations=%016" G_GINT64_MODIFIER "x\n",
                              s->code_id, s->name, s->calls, s->total_ms, s->self_ms, s->avg_ms,
                              s->p50_ms, s->p95_ms, s->p99_ms, s->min_ms, s->max_ms, s->std_ms,
                              s->max_depth, s->late_early_ratio, hash);
    }
  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *t = g_ptr_array_index (threads, i);
      guint64 hash = 1469598103934665603ull;

      for (guint k = 0; k < t->call_tree->len; k++)
        {
          const TcCallNode *n = &g_array_index (t->call_tree, TcCallNode, k);
          guint64 fields[] = { n->code_id, n->parent, n->first_child, n->next_sibling, n->depth,
                               n->calls, (guint64) n->total_ns, (guint64) n->self_ns };

          for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
            hash = (hash ^ fields[f]) * 1099511628211ull;
        }
      g_string_append_printf (out, "thread %u events=%" G_GUINT64_FORMAT " first=%" G_GINT64_FORMAT
                              " last=%" G_GINT64_FORMAT " depth=%u nodes=%u blocks=%u tree=%016"
                              G_GINT64_MODIFIER "x\n", t->id, t->n_events, t->first_ns, t->last_ns,
                              t->max_depth, t->call_tree->len, t->blocks->len, hash);
    }
  g_string_append_printf (out, "total calls %" G_GUINT64_FORMAT "\n", tc_document_get_total_calls (doc));
}

int
main (int argc, char **argv)
{
  guint64 n_events = 10 * 1000 * 1000;
  gboolean keep = FALSE;
  const char *file = NULL;
  const char *text_out = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcDocument) doc = NULL;
  TcReportOptions options = { { 100, FALSE }, 15, FALSE, NULL };
  double t0, c0, m0, t1, c1, m1, t2, c2;
  char *text;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--events") && i + 1 < argc)
        n_events = g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--keep"))
        keep = TRUE;
      else if (g_str_equal (argv[i], "--text") && i + 1 < argc)
        text_out = argv[++i];
      else if (argv[i][0] != '-')
        file = argv[i];
      else
        {
          fprintf (stderr, "usage: %s [--events N] [--keep] [--text OUT.txt] [FILE.tc]\n", argv[0]);
          return 2;
        }
    }
  if (file)
    path = g_strdup (file);
  else
    {
      path = generate (g_get_tmp_dir (), n_events);
      printf ("generated %s\n", path);
    }

  /* What a viewer shows while the full load runs. */
  t0 = now_s ();
  c0 = cpu_s ();
  {
    g_autoptr (TcDocument) summary = tc_document_load_summary (path, &error);

    if (summary == NULL)
      {
        fprintf (stderr, "%s\n", error->message);
        return 1;
      }
    printf ("summary     : %.3f s wall, %.3f s cpu (%" G_GUINT64_FORMAT " events, %u threads)\n",
            now_s () - t0, cpu_s () - c0, tc_document_get_n_events (summary),
            tc_document_get_threads (summary)->len);
  }

  t0 = now_s ();
  c0 = cpu_s ();
  m0 = thread_cpu_s ();
  doc = tc_document_load (path, NULL, NULL, NULL, &error);
  if (doc == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  t1 = now_s ();
  c1 = cpu_s ();
  m1 = thread_cpu_s ();
  text = tc_report_render (doc, &options);
  t2 = now_s ();
  c2 = cpu_s ();

  printf ("file        : %.1f MB, %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " calls, %u functions\n",
          tc_document_get_file_size (doc) / 1e6, ((const TcDocThread *) g_ptr_array_index (tc_document_get_threads (doc), 0))->n_events,
          tc_document_get_total_calls (doc), tc_document_get_function_stats (doc)->len);
  printf ("load        : %.3f s wall, %.3f s cpu (loading thread %.3f s, %u cores)\n",
          t1 - t0, c1 - c0, m1 - m0, g_get_num_processors ());
  printf ("report      : %.3f s wall, %.3f s cpu (%zu bytes of text)\n", t2 - t1, c2 - c1, strlen (text));
  printf ("total       : %.3f s wall\n", t2 - t0);
  printf ("peak RSS    : %ld MB\n", peak_rss_mb ());
  if (text_out)
    {
      g_autoptr (GString) all = g_string_new (text);

      dump_model (doc, all);
      if (!g_file_set_contents (text_out, all->str, all->len, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
    }
  g_free (text);
  if (!file && !keep)
    unlink (path);
  return 0;
}

/* SPDX-License-Identifier: MIT
 *
 * test-analyses.c — the analyses of spec §2 on the recordings of
 * tc-test-recordings.c, with hand-computed expectations.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tc-analysis.h"
#include "tc-baseline.h"
#include "tc-export.h"
#include "tc-report.h"
#include "tc-test-recordings.h"

static TcDocument *timings_doc, *crash_doc;

static TcDocument *
load (char *path)
{
  g_autoptr (GError) error = NULL;
  TcDocument *doc = tc_document_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_free (path);
  return doc;
}

static void
test_anomalies (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) found = tc_analysis_anomalies (timings_doc, "loss", 2.5, NULL, out);
  const TcAnomaly *a;
  const double few[] = { 1, 100 };
  g_autoptr (GArray) none = tc_analysis_anomalies_of (few, 2, 0.1);

  /* μ = 3.45, σ = 10.6793 → z(50) = 4.3589 → 4.36; z(1) = −0.23. */
  g_assert_cmpuint (found->len, ==, 1);
  a = &g_array_index (found, TcAnomaly, 0);
  g_assert_cmpuint (a->index, ==, 10);
  g_assert_cmpfloat (a->value, ==, 50.0);
  g_assert_cmpfloat_with_epsilon (a->z, 4.36, 1e-9);
  g_assert_cmpint (a->time_ns, ==, 4500000000);
  g_assert_nonnull (strstr (out->str, "[TC] anomalies in 'loss' (z>2.5) → 1 found"));
  g_assert_nonnull (strstr (out->str, "t=4.5000s  value=50  z=4.36  ████████"));
  /* Fewer than 3 points: nothing. */
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_regression_and_pearson (void)
{
  const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 3, 5, 7, 9, 11 }, flat[] = { 2, 2, 2, 2, 2 };
  const double noisy[] = { 1, 3, 2, 5, 4 };
  double slope, intercept, r2;

  tc_linear_regression (x, y, 5, &slope, &intercept, &r2);
  g_assert_cmpfloat_with_epsilon (slope, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (intercept, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (r2, 1.0, 1e-12);
  /* x vs 1,3,2,5,4: sxy = 8, sxx = syy = 10 → r = 0.8, r² = 0.64. */
  g_assert_cmpfloat_with_epsilon (tc_pearson (x, noisy, 5), 0.8, 1e-12);
  tc_linear_regression (x, noisy, 5, &slope, NULL, &r2);
  g_assert_cmpfloat_with_epsilon (slope, 0.8, 1e-12);
  g_assert_cmpfloat_with_epsilon (r2, 0.64, 1e-12);
  g_assert_true (isnan (tc_pearson (x, flat, 5)));
  g_assert_true (isnan (tc_pearson (x, y, 2)));
}

static void
test_memory (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  TcLeakResult leak = tc_analysis_memory_leak (timings_doc, 5.0, NULL, out);
  g_autoptr (GArray) map = tc_analysis_memory_map (timings_doc);
  TcLeakResult none = tc_analysis_memory_leak (crash_doc, 5.0, NULL, NULL);

  /* ram_mb = 100 + 0.5·t: 0.5 MB/s = 30 MB/min, R² = 1. */
  g_assert_false (leak.insufficient);
  g_assert_cmpfloat_with_epsilon (leak.slope_mb_per_s, 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (leak.growth_mb_per_min, 30.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (leak.r_squared, 1.0, 1e-9);
  g_assert_true (leak.leak_detected);
  g_assert_cmpstr (leak.verdict, ==, "LEAK");
  g_assert_nonnull (strstr (out->str, "slope=0.5000MB/s (30.00MB/min)"));
  g_assert_nonnull (strstr (out->str, "LIKELY MEMORY LEAK"));
  g_assert_true (none.insufficient);
  g_assert_false (none.leak_detected);

  g_assert_cmpuint (map->len, ==, 3);
  for (guint i = 0; i < map->len; i++)
    {
      const TcMemoryEntry *e = &g_array_index (map, TcMemoryEntry, i);

      g_assert_cmpuint (e->max_bytes, ==, 28);
      if (g_str_equal (e->name, "b"))
        g_assert_cmpuint (e->n_seen, ==, 5);
      else
        g_assert_cmpuint (e->n_seen, ==, 10);
    }
}

static void
test_correlations (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) found = tc_analysis_correlations (timings_doc, 0.9, NULL, out);
  gboolean seen = FALSE;

  /* a = i² every second, b = 10 − i from i = 5: aligned by time the pairs
   * are (25,5) (36,4) (49,3) (64,2) (81,1) → r = −0.99645.  By index (the
   * seed) they would be (0,5) … (16,1). */
  for (guint i = 0; i < found->len; i++)
    {
      const TcCorrelation *c = &g_array_index (found, TcCorrelation, i);

      if ((g_str_equal (c->a, "a") && g_str_equal (c->b, "b")) || (g_str_equal (c->a, "b") && g_str_equal (c->b, "a")))
        {
          seen = TRUE;
          g_assert_cmpuint (c->n, ==, 5);
          g_assert_cmpfloat_with_epsilon (c->r, -0.9964475909, 1e-9);
        }
    }
  g_assert_true (seen);
  g_assert_nonnull (strstr (out->str, "very strong negative"));
}

static void
test_stats_views (void)
{
  g_autoptr (GArray) slow = tc_analysis_slowest (timings_doc, 3);
  g_autoptr (GArray) hot = tc_analysis_hotlines (timings_doc);
  g_autoptr (GArray) blocks = tc_analysis_block_timings (timings_doc);
  const TcFunctionStats *work = NULL;
  GPtrArray *stats = tc_document_get_function_stats (timings_doc);

  g_assert_cmpuint (slow->len, ==, 3);
  g_assert_cmpstr (g_array_index (slow, TcSlowCall, 0).name, ==, "main");
  g_assert_cmpfloat (g_array_index (slow, TcSlowCall, 1).ms, ==, 10.0);
  g_assert_cmpstr (g_array_index (slow, TcSlowCall, 2).name, ==, "fib");
  g_assert_cmpuint (hot->len, ==, 4);
  g_assert_cmpuint (g_array_index (hot, TcHotLine, 0).line, ==, 4);
  g_assert_cmpuint (g_array_index (hot, TcHotLine, 0).hits, ==, 5);
  g_assert_cmpuint (blocks->len, ==, 1);
  g_assert_cmpstr (g_array_index (blocks, TcBlockStats, 0).name, ==, "block:main_loop");
  g_assert_cmpfloat (g_array_index (blocks, TcBlockStats, 0).total_ms, ==, 250.0);
  for (guint i = 0; i < stats->len; i++)
    if (g_str_equal (((TcFunctionStats *) stats->pdata[i])->name, "work"))
      work = stats->pdata[i];
  /* 4 calls over 9 s. */
  g_assert_cmpfloat_with_epsilon (tc_analysis_rate (timings_doc, work), 4.0 / 9.0, 1e-12);
}

static void
test_callgraph (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) edges = tc_analysis_callgraph (timings_doc, 1, NULL, out);
  guint64 main_work = 0, main_fib = 0;

  for (guint i = 0; i < edges->len; i++)
    {
      const TcCallEdge *e = &g_array_index (edges, TcCallEdge, i);

      g_assert_cmpstr (e->caller, !=, e->callee);  /* recursion is not an edge */
      if (g_str_equal (e->caller, "main") && g_str_equal (e->callee, "work"))
        main_work = e->count;
      if (g_str_equal (e->caller, "main") && g_str_equal (e->callee, "fib"))
        main_fib = e->count;
    }
  /* + <module> → main and <thread worker-1> → worker: where each thread's
   * recorded calls start. */
  g_assert_cmpuint (edges->len, ==, 4);
  g_assert_cmpuint (main_work, ==, 4);
  g_assert_cmpuint (main_fib, ==, 1);
  g_assert_nonnull (strstr (out->str, "  <module>\n  └── main  ×1  31.000ms avg  31.00ms total\n"));
  g_assert_nonnull (strstr (out->str, "├── work  ×4  4.000ms avg  16.00ms total"));
  g_assert_nonnull (strstr (out->str, "  <thread worker-1>\n  └── worker  ×1"));
  g_assert_nonnull (strstr (out->str, "3 callers  4 callees"));
}

static void
test_coverage_and_deadcode (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  TcCoverage *cov = tc_analysis_coverage (timings_doc, NULL, NULL, NULL, out);
  TcDeadcode *dead = tc_analysis_deadcode (timings_doc, NULL, NULL);

  g_assert_nonnull (cov);
  g_assert_cmpuint (cov->n_lines, ==, 18);
  /* The def lines (and the import) are top-level code that ran before the
   * recording: not judged (the seed called them "never reached"). */
  g_assert_cmpuint (cov->n_executable, ==, 7);
  g_assert_cmpuint (cov->n_before, ==, 6);
  g_assert_cmpuint (cov->n_hit, ==, 4);
  g_assert_cmpuint (g_array_index (cov->lines, TcCoverageLine, 3).hits, ==, 5);
  g_assert_nonnull (strstr (out->str, "4/7 executable lines hit (57.1%) | 3 executable lines never reached"));
  tc_coverage_free (cov);

  g_assert_cmpuint (dead->never_called->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (dead->never_called, 0), ==, "unused  (demo_src.py:14)");
  g_assert_cmpuint (dead->called_once->len, ==, 2);  /* main, worker */
  g_assert_cmpuint (dead->hot->len, ==, 0);
  tc_deadcode_free (dead);
}

static void
test_exception_chain (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  TcExceptionChain *chain = tc_analysis_exception_chain (crash_doc, NULL, out);
  TcExceptionChain *none = tc_analysis_exception_chain (timings_doc, NULL, NULL);

  /* i: 0 (0.1 s), 0 (0.2 s), 3 (0.3 s), crash with 3 at 0.5 s. */
  g_assert_true (chain->has_crash);
  g_assert_true (chain->has_root_cause);
  g_assert_cmpstr (chain->bad_var, ==, "i");
  g_assert_cmpstr (chain->bad_value, ==, "3");
  g_assert_cmpint (chain->introduced_ns, ==, 300000000);
  g_assert_cmpstr (chain->introduced_in, ==, "work");
  g_assert_nonnull (strstr (out->str, "i: 0 → 0 → 3 → 3 (CRASH)"));
  g_assert_nonnull (strstr (out->str, "return data[x]"));
  g_assert_false (none->has_crash);
  tc_exception_chain_free (chain);
  tc_exception_chain_free (none);
  g_assert_cmpstr (tc_exception_friendly ("Nope"), ==, "An unexpected Nope occurred.");
}

static void
test_loops (void)
{
  g_autoptr (GArray) found = tc_analysis_loops (timings_doc, NULL, NULL);
  const TcLoopFinding *f;

  /* 8 timer snapshots, all at main():4 → TIGHT; fib depth 3 → no REC. */
  g_assert_cmpuint (found->len, ==, 1);
  f = &g_array_index (found, TcLoopFinding, 0);
  g_assert_cmpstr (f->type, ==, "TIGHT");
  g_assert_cmpstr (f->fn, ==, "main");
  g_assert_cmpuint (f->line, ==, 4);
  g_assert_cmpstr (f->evidence, ==, "8/8 timer snaps on this line");
}

static gboolean
has_finding (GArray *findings, const char *tag, const char *text)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const TcPatchFinding *f = &g_array_index (findings, TcPatchFinding, i);

      if (g_str_equal (f->tag, tag) && strstr (f->text, text))
        return TRUE;
    }
  return FALSE;
}

static void
test_patch_summary (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) f = tc_analysis_patch_summary (timings_doc, crash_doc, NULL, out);
  g_autoptr (GArray) same = tc_analysis_patch_summary (timings_doc, timings_doc, NULL, NULL);

  g_assert_true (has_finding (f, "SLOWER", "work()  4.000→8.000 ms (+100%)"));
  g_assert_true (has_finding (f, "BROKE", "NEW CRASH: IndexError: list index out of range"));
  g_assert_true (has_finding (f, "NEW WRN", "NAN_DETECTED"));
  g_assert_true (has_finding (f, "FIX WRN", "Fixed: REPEATED_CALL"));
  g_assert_true (has_finding (f, "FASTER", "Total 9.000s"));
  g_assert_nonnull (strstr (out->str, "[SLOWER ]  work()"));
  g_assert_cmpuint (same->len, ==, 0);
}

/* A function of a fraction of a µs a call: its averages in µs, not as
 * "0.000→0.000 ms". */
static void
test_patch_summary_short_calls (void)
{
  g_autoptr (TcDocument) before = load (tc_test_write_process_calls ("short-before.tc", "1", "", "", 20000, 200, 0, 0));
  g_autoptr (TcDocument) after = load (tc_test_write_process_calls ("short-after.tc", "1", "", "", 20000, 100, 0, 0));
  g_autoptr (GArray) f = tc_analysis_patch_summary (before, after, NULL, NULL);

  g_assert_true (has_finding (f, "FASTER", "work()  0.200→0.100 µs (-50%)"));
}

static void
test_search_and_heatmap (void)
{
  g_autoptr (GArray) label = tc_analysis_search (timings_doc, "  HALFWAY ", TC_SEARCH_ALL);
  g_autoptr (GArray) tag = tc_analysis_search (timings_doc, "phase1", TC_SEARCH_TAGS);
  g_autoptr (GArray) empty = tc_analysis_search (timings_doc, " ", TC_SEARCH_ALL);
  g_autoptr (GArray) value = tc_analysis_search (timings_doc, "81", TC_SEARCH_LOCALS);
  g_autoptr (GString) heat = g_string_new (NULL);

  g_assert_cmpuint (label->len, ==, 1);
  g_assert_cmpuint (g_array_index (label, guint, 0), ==, 5);
  g_assert_cmpuint (tag->len, ==, 1);
  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (value->len, ==, 1);  /* a = 81 at i = 9 */
  g_assert_cmpuint (g_array_index (value, guint, 0), ==, 9);

  tc_analysis_heatmap (timings_doc, NULL, 30, NULL, heat);
  g_assert_nonnull (strstr (heat->str, "VARIABLE HEATMAP"));
  g_assert_nonnull (strstr (heat->str, "0…81 μ=28.5"));
  g_assert_nonnull (strstr (heat->str, "t=0"));
}

static void
test_exports (void)
{
  g_autofree char *json_path = g_build_filename (tc_test_dir (), "out.json", NULL);
  g_autofree char *trace = g_build_filename (tc_test_dir (), "out_flame.json", NULL);
  g_autofree char *folded = g_build_filename (tc_test_dir (), "out.folded", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tc_export_json (timings_doc, json_path, &error));
  g_assert_true (g_file_get_contents (json_path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\n  \"meta\": {\n    \"ver\": \"6.0\""));
  g_assert_nonnull (strstr (text, "\"snapshots\": ["));
  g_clear_pointer (&text, g_free);

  g_assert_true (tc_export_chrome_trace (timings_doc, trace, &error));
  g_assert_true (g_file_get_contents (trace, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "{\"traceEvents\":["));
  /* fib 21→30 ms on thread 1: ts 21000 µs, dur 9000 µs. */
  g_assert_nonnull (strstr (text, "{\"name\":\"fib\",\"cat\":\"function\",\"ph\":\"X\",\"ts\":21000,\"dur\":9000,\"pid\":4242,\"tid\":1"));
  g_clear_pointer (&text, g_free);

  g_assert_true (tc_export_collapsed (timings_doc, folded, &error));
  g_assert_true (g_file_get_contents (folded, &text, NULL, NULL));
  /* Self times in µs per distinct stack. */
  g_assert_cmpstr (text, ==,
                   "main 6000\n"
                   "main;fib 5000\n"
                   "main;fib;fib 3000\n"
                   "main;fib;fib;fib 1000\n"
                   "main;work 16000\n"
                   "worker 5000\n");
}

/* `ns` as microseconds, the way printf would: 21000, 1234.5, 0.007. */
static char *
us_text (gint64 ns)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  g_ascii_formatd (buf, sizeof buf, "%.3f", ns / 1000.0);
  end = buf + strlen (buf);
  while (end[-1] == '0')
    *--end = '\0';
  if (end[-1] == '.')
    end[-1] = '\0';
  return g_strdup (buf);
}

static guint64
count_in (const char *text,
          gsize       len,
          const char *needle)
{
  guint64 n = 0;

  for (const char *p = text; (p = g_strstr_len (p, len - (p - text), needle)) != NULL; p++)
    n++;
  return n;
}

/* The reference the speedscope export's stretches must add up to: a walk
 * of the whole thread from its first event, each call's frame opened and
 * closed in event order (a return with nothing open skipped), what is
 * still open closed at the thread's end, innermost first. */
typedef struct
{
  GString *out;
  GArray  *stack;      /* guint32 code ids */
  gint64   last_ns;
} SpeedscopeReference;

static void
reference_event (SpeedscopeReference *ref,
                 char                 type,
                 guint32              code_id,
                 gint64               ns)
{
  g_autofree char *at = us_text (ns);

  /* The fixtures define codes 1, 2, … in order: frame n is code n + 1. */
  g_string_append_printf (ref->out, "%s{\"type\":\"%c\",\"frame\":%u,\"at\":%s}",
                          ref->out->str[ref->out->len - 1] == '[' ? "" : ",", type, code_id - 1, at);
}

static gboolean
reference_walk (const TcEvent *ev,
                gpointer       data)
{
  SpeedscopeReference *ref = data;
  guint32 code_id;

  if (ev->kind == TC_EVENT_CALL || ev->kind == TC_EVENT_RESUME)
    {
      g_array_append_val (ref->stack, ev->code_id);
      reference_event (ref, 'O', ev->code_id, ev->time_ns);
    }
  else if (ref->stack->len > 0)
    {
      code_id = g_array_index (ref->stack, guint32, ref->stack->len - 1);
      g_array_set_size (ref->stack, ref->stack->len - 1);
      reference_event (ref, 'C', code_id, ev->time_ns);
    }
  else
    return TRUE;
  ref->last_ns = ev->time_ns;
  return TRUE;
}

/* `"events":[…],"endValue":` of the thread's profile. */
static char *
speedscope_reference (TcDocument *doc,
                      guint32     thread_id)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint32));
  SpeedscopeReference ref = { g_string_new ("\"events\":["), stack, 0 };
  g_autofree char *end = NULL;

  g_assert_true (tc_document_foreach_event (doc, thread_id, 0, G_MAXINT64, reference_walk, &ref, NULL));
  /* Frames still open at the end of the fixture: closed by the export. */
  g_assert_cmpuint (stack->len, >, 0);
  while (stack->len > 0)
    {
      reference_event (&ref, 'C', g_array_index (stack, guint32, stack->len - 1), ref.last_ns);
      g_array_set_size (stack, stack->len - 1);
    }
  end = us_text (ref.last_ns);
  g_string_append_printf (ref.out, "],\"endValue\":%s}", end);
  return g_string_free (ref.out, FALSE);
}

/* Threads of 80 000 events: the calls are formatted in stretches on every
 * core and written in order, each call once, as a walk of the whole thread
 * would give them. */
/* Code ids another writer (or damage) left sparse, past a million: each
 * call still carries its function's name in both trace exports. */
static void
test_exports_sparse_code_ids (void)
{
  g_autofree char *path = g_build_filename (tc_test_dir (), "exports-sparse.tc", NULL);
  g_autofree char *trace = g_build_filename (tc_test_dir (), "exports-sparse.json", NULL);
  g_autofree char *speedscope = g_build_filename (tc_test_dir (), "exports-sparse-speedscope.json", NULL);
  const guint32 ids[] = { 7, (1u << 20) + 5, 3000000 };
  const char *names[] = { "dense", "sparse", "sparser" };
  TcWriterOptions opts = { "p", "t", 0, 0 };
  TcThreadDef main_thread = { 1, 1, 1, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcError err = { 0 };
  TcEndFixed end = { 0 };
  TcEvent events[6];
  g_autoptr (TcDocument) doc = NULL;
  g_autoptr (GError) error = NULL;
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &main_thread), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      TcCodeDef def = { ids[i], 0, 10 + i, TC_CODE_FLAG_TRACKED, { names[i], strlen (names[i]) },
                        { names[i], strlen (names[i]) }, TC_STR ("m") };

      g_assert_cmpint (tc_writer_write_code (w, 0, &def), ==, TC_OK);
      events[2 * i] = (TcEvent) { 1000 * (2 * i + 1), ids[i], TC_EVENT_CALL };
      events[2 * i + 1] = (TcEvent) { 1000 * (2 * i + 2), 0, TC_EVENT_RETURN };
    }
  g_assert_cmpint (tc_writer_write_events (w, 1, events, G_N_ELEMENTS (events)), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);

  doc = tc_document_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tc_export_chrome_trace (doc, trace, &error));
  g_assert_true (tc_export_speedscope (doc, speedscope, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *event = g_strdup_printf ("{\"name\":\"%s\",\"cat\":\"function\",\"ph\":\"X\","
                                                "\"ts\":%u,\"dur\":1,", names[i], 2 * i + 1);
      g_autofree char *frame = g_strdup_printf ("{\"name\":\"%s\",\"line\":%u}", names[i], 10 + i);
      g_autofree char *open = g_strdup_printf ("{\"type\":\"O\",\"frame\":%u,\"at\":%u}", i, 2 * i + 1);
      gsize len;

      g_assert_true (g_file_get_contents (trace, &text, &len, NULL));
      g_assert_nonnull (g_strstr_len (text, len, event));
      g_clear_pointer (&text, g_free);
      g_assert_true (g_file_get_contents (speedscope, &text, &len, NULL));
      g_assert_nonnull (g_strstr_len (text, len, frame));
      g_assert_nonnull (g_strstr_len (text, len, open));
    }
}

static void
test_exports_many_stretches (void)
{
  g_autofree char *path = tc_test_write_many_blocks ("exports-many.tc", 600, FALSE);
  g_autofree char *trace = g_build_filename (tc_test_dir (), "exports-many.json", NULL);
  g_autofree char *speedscope = g_build_filename (tc_test_dir (), "exports-many-speedscope.json", NULL);
  g_autoptr (TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  const char *at;
  guint64 n_calls = 0, n_written = 0, opens = 0, closes = 0;
  gsize len;

  g_assert_nonnull (doc);
  g_assert_true (tc_export_chrome_trace (doc, trace, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (trace, &text, &len, NULL));
  g_assert_true (g_str_has_suffix (text, "}\n"));
  at = text;
  for (guint32 id = 1; id <= 3; id++)
    {
      g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      guint closed = 0;

      g_assert_cmpuint (tc_document_get_thread (doc, id)->n_events, ==, 200 * 400);
      g_assert_true (tc_document_collect_spans (doc, id, 0, G_MAXINT64, 0, spans, NULL));
      while (closed < spans->len && !(g_array_index (spans, TcSpan, closed).flags & TC_SPAN_OPEN_END))
        closed++;
      g_assert_cmpuint (closed, <, spans->len);
      for (guint i = 0; i < spans->len; i++)
        {
          /* Those still running at the end come innermost first. */
          const TcSpan *s = &g_array_index (spans, TcSpan, i < closed ? i : spans->len - 1 - (i - closed));
          g_autofree char *ts = us_text (s->start_ns);
          g_autofree char *dur = us_text (s->end_ns - s->start_ns);
          g_autofree char *event = g_strdup_printf (
            "{\"name\":\"f%u\",\"cat\":\"function\",\"ph\":\"X\",\"ts\":%s,\"dur\":%s,"
            "\"pid\":1,\"tid\":%u,\"args\":{\"line\":%u,\"depth\":%u}}",
            s->code_id, ts, dur, id, s->code_id, s->depth);

          /* g_strstr_len(): libc's strstr() under ASan measures all the
           * rest of the text each time. */
          at = g_strstr_len (at, len - (at - text), event);
          g_assert_nonnull (at);
          at++;
        }
      n_calls += spans->len;
    }
  n_written = count_in (text, len, "\"cat\":\"function\"");
  g_assert_cmpuint (n_written, ==, n_calls);
  g_clear_pointer (&text, g_free);

  /* speedscope: the stretches of each thread, formatted on every core
   * from the stack their first block saved, add up to the walk of the
   * whole thread, byte for byte (stretches start where a block's first
   * events share their time with the block before's last). */
  g_assert_true (tc_export_speedscope (doc, speedscope, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (speedscope, &text, &len, NULL));
  g_assert_cmpuint (len, >, 4 << 20);
  g_assert_true (g_str_has_prefix (text, "{\"$schema\":"));
  g_assert_true (g_str_has_suffix (text, "]}\n"));
  at = text;
  for (guint32 id = 1; id <= 3; id++)
    {
      g_autofree char *name = g_strdup_printf ("{\"type\":\"evented\",\"name\":\"worker (%u)\"", id);
      g_autofree char *events = speedscope_reference (doc, id);

      at = g_strstr_len (at, len - (at - text), name);
      g_assert_nonnull (at);
      at = g_strstr_len (at, len - (at - text), "\"events\":[");
      g_assert_nonnull (at);
      g_assert_true (strncmp (at, events, strlen (events)) == 0);
      at += strlen (events);
    }
  g_assert_cmpstr (at, ==, "]}\n");
  opens = count_in (text, len, "{\"type\":\"O\"");
  closes = count_in (text, len, "{\"type\":\"C\"");
  g_assert_cmpuint (opens, >, 100000);
  g_assert_cmpuint (opens, ==, closes);
}

static void
test_redaction (void)
{
  g_autofree char *a = tc_redact_text ("GET /api?token=abc123&page=2");
  g_autofree char *b = tc_redact_text ("{'password': 'hunter2', 'user': 'bob'}");
  g_autofree char *c = tc_redact_text ("Authorization: Bearer eyJhbGciOi.xyz");
  g_autofree char *llm = tc_export_for_llm_string (timings_doc, 50);

  g_assert_true (tc_name_is_secret ("api_token"));
  g_assert_true (tc_name_is_secret ("dbPassword"));
  g_assert_true (tc_name_is_secret ("AWS_SECRET_ACCESS_KEY"));
  g_assert_false (tc_name_is_secret ("monkey"));
  g_assert_false (tc_name_is_secret ("total"));
  g_assert_cmpstr (a, ==, "GET /api?token=[REDACTED]&page=2");
  g_assert_cmpstr (b, ==, "{'password': [REDACTED], 'user': 'bob'}");
  g_assert_null (strstr (c, "eyJ"));
  g_assert_true (g_str_has_prefix (llm, "TIMECAPSULE RECORDING — FOR CLAUDE ANALYSIS\n"));
  g_assert_nonnull (strstr (llm, "  WARNINGS (2)\n"));
  g_assert_nonnull (strstr (llm, "  FUNCTION PERFORMANCE\n"));
  g_assert_nonnull (strstr (llm, "  VARIABLE TIMELINES\n"));
  g_assert_nonnull (strstr (llm, "  SNAPSHOTS (first 10 of 10)\n"));
  g_assert_nonnull (strstr (llm, "  HINTS FOR CLAUDE\n"));
  g_assert_null (strstr (llm, "hunter2"));  /* the session's option.api_token */
}

static void
test_baselines (void)
{
  g_autofree char *state = g_build_filename (tc_test_dir (), "state", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *json = NULL;
  g_autofree char *lookup = NULL;
  TcBaselineDiff *diff;
  TcRegressionOptions o = { .max_slowdown_pct = 20.0, .max_ram_growth_mb = 50.0,
                            .max_gpu_growth_mb = 100.0, .fail_on_crash = TRUE };
  int status;

  g_setenv ("XDG_STATE_HOME", state, TRUE);
  {
    g_autofree char *dir = tc_baseline_dir ();
    g_autofree char *expect = g_build_filename (state, "timecapsule", "baselines", NULL);
    g_assert_cmpstr (dir, ==, expect);
  }

  /* No baseline yet: a failure with a message, never a pass. */
  g_assert_false (tc_regression_check (timings_doc, &o, failures, NULL, out, &error));
  g_assert_error (error, TC_BASELINE_ERROR, TC_BASELINE_ERROR_NOT_FOUND);
  g_assert_cmpstr (g_ptr_array_index (failures, 0), ==, "NO BASELINE");
  g_assert_nonnull (strstr (out->str, "✗ NO BASELINE"));
  g_clear_error (&error);
  g_ptr_array_set_size (failures, 0);

  json = tc_baseline_save (timings_doc, "default", NULL, out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"project\": \"demo_src.py\""));
  g_assert_nonnull (strstr (json, "\"work\": {\n      \"calls\": 4,\n      \"avg_ms\": 4,"));
  g_assert_nonnull (strstr (out->str, "[TC] baseline saved → demo_src.py::default"));

  /* Same recording: passes. */
  g_assert_true (tc_regression_check (timings_doc, &o, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  /* The crash run: crash, main 31 → 52 ms (+68%), work 4 → 8 ms (+100%). */
  g_assert_false (tc_regression_check (crash_doc, &o, failures, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (failures->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (failures, 0), ==, "CRASH: IndexError: list index out of range");
  g_assert_cmpstr (g_ptr_array_index (failures, 1), ==, "SLOW: main() +68% (31.000→52.000 ms)");
  g_assert_cmpstr (g_ptr_array_index (failures, 2), ==, "SLOW: work() +100% (4.000→8.000 ms)");

  diff = tc_baseline_diff (crash_doc, NULL, NULL, 10.0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (diff->verdict, ==, "REGRESSION");
  g_assert_cmpuint (diff->regressions->len, ==, 2);
  /* Largest Δ first. */
  g_assert_cmpstr (g_array_index (diff->regressions, TcBaselineDelta, 0).name, ==, "work");
  g_assert_cmpfloat (g_array_index (diff->regressions, TcBaselineDelta, 0).delta_pct, ==, 100.0);
  tc_baseline_diff_free (diff);

  /* Another project never falls back to this one. */
  g_assert_null (tc_baseline_diff (crash_doc, NULL, "other-project", 10.0, NULL, NULL, &error));
  g_assert_error (error, TC_BASELINE_ERROR, TC_BASELINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Eight concurrent writers (CI jobs): every entry survives. */
  for (int i = 0; i < 8; i++)
    {
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          char name[16];
          GError *e = NULL;
          char *r;

          g_snprintf (name, sizeof name, "job%d", i);
          for (int k = 0; k < 5; k++)
            {
              r = tc_baseline_save (timings_doc, name, "ci", NULL, &e);
              if (r == NULL)
                _exit (1);
              g_free (r);
            }
          _exit (0);
        }
    }
  for (int i = 0; i < 8; i++)
    {
      g_assert_cmpint (wait (&status), >, 0);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }
  for (int i = 0; i < 8; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "job%d", i);
      lookup = tc_baseline_lookup ("ci", name, &error);
      g_assert_no_error (error);
      g_assert_nonnull (lookup);
      g_clear_pointer (&lookup, g_free);
    }
}

static void
assert_async_row (const TcAsyncCode *row, guint32 thread_id, guint64 started, guint64 finished,
                  guint64 unwound, guint64 suspended, guint64 resumed, gint64 running_ms,
                  gint64 first_ms, gint64 last_ms)
{
  g_assert_cmpuint (row->thread_id, ==, thread_id);
  g_assert_cmpuint (row->started, ==, started);
  g_assert_cmpuint (row->finished, ==, finished);
  g_assert_cmpuint (row->unwound, ==, unwound);
  g_assert_cmpuint (row->suspended, ==, suspended);
  g_assert_cmpuint (row->resumed, ==, resumed);
  g_assert_cmpint (row->running_ns, ==, running_ms * 1000000);
  g_assert_cmpint (row->first_ns, ==, first_ms * 1000000);
  g_assert_cmpint (row->last_ns, ==, last_ms * 1000000);
}

/* Coroutine activity from the events (numbers derived in
 * tc-test-recordings.c): interleaved instances on one loop, one on
 * another, a C call and a plain generator inside, an async generator that
 * never ran. */
static void
test_async (void)
{
  g_autoptr (TcDocument) doc = load (tc_test_write_coroutines ());
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) narrow = g_string_new (NULL);
  TcTextStyle wide = { 120, FALSE }, small = { 80, FALSE };
  g_autoptr (GArray) rows = tc_analysis_async (doc, 0, &wide, out);
  g_autoptr (GArray) none = tc_analysis_async (timings_doc, 0, NULL, NULL);
  const TcAsyncCode *handle, *fetch;

  g_assert_true (tc_analysis_has_async (doc));
  g_assert_false (tc_analysis_has_async (timings_doc));
  g_assert_cmpuint (none->len, ==, 0);

  /* gen is a plain generator, ticker never ran: neither is listed. */
  g_assert_cmpuint (rows->len, ==, 2);
  handle = &g_array_index (rows, TcAsyncCode, 0);
  fetch = &g_array_index (rows, TcAsyncCode, 1);
  g_assert_cmpstr (handle->name, ==, "handle");
  g_assert_cmpstr (fetch->name, ==, "fetch");
  g_assert_false (handle->async_gen);

  assert_async_row (handle, 0, 3, 3, 1, 3, 3, 14, 1, 17);
  g_assert_cmpfloat (tc_async_code_segments_per_instance (handle), ==, 2.0);
  g_assert_cmpuint (handle->threads->len, ==, 2);
  assert_async_row (&g_array_index (handle->threads, TcAsyncCode, 0), 1, 2, 2, 1, 2, 2, 11, 1, 17);
  assert_async_row (&g_array_index (handle->threads, TcAsyncCode, 1), 2, 1, 1, 0, 1, 1, 3, 2, 9);
  g_assert_null (g_array_index (handle->threads, TcAsyncCode, 0).threads);

  assert_async_row (fetch, 0, 1, 1, 0, 1, 1, 3, 2, 12);
  g_assert_cmpuint (fetch->threads->len, ==, 1);
  g_assert_cmpuint (g_array_index (fetch->threads, TcAsyncCode, 0).thread_id, ==, 1);

  /* The table: thread names at 120 columns, a count at 80. */
  g_assert_nonnull (strstr (out->str, "STARTED   ENDED   AWAITS  RESUMES     RUNNING SEG/INST THREADS\n"));
  g_assert_nonnull (strstr (out->str, "       3       3        3        3     14.00ms      2.0 MainThread, loop-2\n"));
  g_assert_nonnull (strstr (out->str, "       1       1        1        1      3.00ms      2.0 MainThread\n"));
  g_array_unref (tc_analysis_async (doc, 1, &small, narrow));
  g_assert_nonnull (strstr (narrow->str, "     14.00ms      2.0    2\n"));
  g_assert_nonnull (strstr (narrow->str, "… 1 more coroutines"));
  g_assert_null (strstr (narrow->str, "MainThread"));
  {
    g_auto (GStrv) lines = g_strsplit (narrow->str, "\n", -1);

    for (guint i = 0; lines[i]; i++)
      g_assert_cmpint (g_utf8_strlen (lines[i], -1), <=, 80);
  }
}

static gpointer
ask_async (gpointer doc)
{
  return tc_analysis_async (doc, 0, NULL, NULL);
}

/* The pass runs once per document: askers on two threads at once (the
 * viewer's page worker and a PDF export) get the same rows. */
static void
test_async_once (void)
{
  g_autoptr (TcDocument) doc = load (tc_test_write_coroutines ());
  GThread *other = g_thread_new ("asker", ask_async, doc);
  g_autoptr (GArray) mine = tc_analysis_async (doc, 0, NULL, NULL);
  g_autoptr (GArray) theirs = g_thread_join (other);
  g_autoptr (GArray) later = tc_analysis_async (doc, 0, NULL, NULL);

  g_assert_cmpuint (mine->len, ==, 2);
  g_assert_true (theirs == mine);
  g_assert_true (later == mine);
}

int
main (int argc, char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);
  timings_doc = load (tc_test_write_timings ());
  crash_doc = load (tc_test_write_crash ());
  g_test_add_func ("/tc/analysis/anomalies", test_anomalies);
  g_test_add_func ("/tc/analysis/regression-and-pearson", test_regression_and_pearson);
  g_test_add_func ("/tc/analysis/memory", test_memory);
  g_test_add_func ("/tc/analysis/correlations", test_correlations);
  g_test_add_func ("/tc/analysis/stats-views", test_stats_views);
  g_test_add_func ("/tc/analysis/callgraph", test_callgraph);
  g_test_add_func ("/tc/analysis/async", test_async);
  g_test_add_func ("/tc/analysis/async-once", test_async_once);
  g_test_add_func ("/tc/analysis/coverage-and-deadcode", test_coverage_and_deadcode);
  g_test_add_func ("/tc/analysis/exception-chain", test_exception_chain);
  g_test_add_func ("/tc/analysis/loops", test_loops);
  g_test_add_func ("/tc/analysis/patch-summary", test_patch_summary);
  g_test_add_func ("/tc/analysis/patch-summary-short-calls", test_patch_summary_short_calls);
  g_test_add_func ("/tc/analysis/search-and-heatmap", test_search_and_heatmap);
  g_test_add_func ("/tc/analysis/exports", test_exports);
  g_test_add_func ("/tc/analysis/exports/many-stretches", test_exports_many_stretches);
  g_test_add_func ("/tc/analysis/exports/sparse-code-ids", test_exports_sparse_code_ids);
  g_test_add_func ("/tc/analysis/redaction", test_redaction);
  g_test_add_func ("/tc/analysis/baselines", test_baselines);
  result = g_test_run ();
  g_object_unref (timings_doc);
  g_object_unref (crash_doc);
  return result;
}

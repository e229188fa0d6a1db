/* SPDX-License-Identifier: MIT
 *
 * test-document.c — loading recordings into TcDocument: model, call trees,
 * per-function distributions, lazy spans, truncated and invalid files, and
 * the multi-threaded load giving the same answers as the one-thread one.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tc-document-private.h"
#include "tc-test-document.h"
#include "tc-test-recordings.h"

static TcDocument *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  TcDocument *doc = tc_document_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

static void
test_module_from_path (void)
{
  static const char *cases[][2] = {
    { "/usr/lib/python3.11/asyncio/base_events.py", "asyncio.base_events" },
    { "/root/.pyenv/versions/3.12.1/lib/python3.12/json/__init__.py", "json" },
    { "/usr/lib/python3.11/threading.py", "threading" },
    { "/usr/lib/python3/dist-packages/numpy/core/numeric.py", "numpy.core.numeric" },
    { "/home/u/venv/lib/python3.11/site-packages/torch/nn/modules/linear.py", "torch.nn.modules.linear" },
    { "<frozen importlib._bootstrap>", "importlib._bootstrap" },
    { "<frozen runpy>", "runpy" },
    { "<string>", "" },
    { "/home/u/project/train.py", "train" },
    { "/home/u/project/mypkg/__init__.py", "mypkg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *module = tc_document_module_from_path (cases[i][0]);

      g_assert_cmpstr (module, ==, cases[i][1]);
    }
}

static void
test_session (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr (TcDocument) doc = load (path);
  const TcDocSession *s = tc_document_get_session (doc);

  g_assert_false (tc_document_get_truncated (doc));
  g_assert_cmpstr (s->script, ==, "demo_src.py");
  g_assert_cmpstr (s->session_id, ==, "5e55104f");
  g_assert_cmpstr (s->argv[0], ==, "demo_src.py");
  g_assert_cmpstr (s->argv[1], ==, "--fast");
  g_assert_null (s->argv[2]);
  g_assert_cmpint (s->pid, ==, 4242);
  g_assert_cmpstr (s->backend, ==, "setprofile");
  g_assert_cmpuint (tc_document_get_threads (doc)->len, ==, 2);
  g_assert_cmpstr (tc_document_get_thread (doc, 2)->name, ==, "worker-1");
  /* Last frame is the ram sample / snapshot at 9 s. */
  g_assert_cmpfloat_with_epsilon (tc_document_get_duration (doc), 9.0, 1e-9);
}

static void
test_function_stats (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr (TcDocument) doc = load (path);
  const TcFunctionStats *work = tc_test_function_stats (doc, "work");
  const TcFunctionStats *fib = tc_test_function_stats (doc, "fib");
  const TcFunctionStats *main_ = tc_test_function_stats (doc, "main");
  GPtrArray *all = tc_document_get_function_stats (doc);

  g_assert_cmpuint (work->calls, ==, 4);
  g_assert_cmpfloat_with_epsilon (work->total_ms, 16.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (work->avg_ms, 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (work->p50_ms, 3.0, 1e-9);  /* ms[4/2] */
  g_assert_cmpfloat_with_epsilon (work->p95_ms, 3.0, 1e-9);  /* ms[int(3.8)-1] */
  g_assert_cmpfloat_with_epsilon (work->p99_ms, 3.0, 1e-9);  /* ms[int(3.96)-1] */
  g_assert_cmpfloat_with_epsilon (work->min_ms, 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (work->max_ms, 10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (work->std_ms, sqrt (12.5), 1e-9);
  g_assert_cmpuint (work->max_depth, ==, 1);

  g_assert_cmpuint (fib->calls, ==, 3);
  g_assert_cmpfloat_with_epsilon (fib->total_ms, 14.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fib->self_ms, 9.0, 1e-9);
  g_assert_cmpuint (fib->max_depth, ==, 3);

  g_assert_cmpfloat_with_epsilon (main_->total_ms, 31.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (main_->self_ms, 6.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tc_test_function_stats (doc, "worker")->total_ms, 5.0, 1e-9);

  /* Sorted by total descending. */
  g_assert_cmpstr (((TcFunctionStats *) g_ptr_array_index (all, 0))->name, ==, "main");
  g_assert_cmpstr (((TcFunctionStats *) g_ptr_array_index (all, 1))->name, ==, "work");
  g_assert_cmpuint (tc_document_get_total_calls (doc), ==, 9);
}

static void
test_call_tree (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr (TcDocument) doc = load (path);
  const TcDocThread *t = tc_document_get_thread (doc, 1);
  const TcCallNode *nodes = (const TcCallNode *) t->call_tree->data;
  const TcCallNode *root = &nodes[0], *main_, *child;
  guint32 fib_depth = 0;

  g_assert_cmpuint (t->n_events, ==, 16);
  g_assert_cmpuint (t->max_depth, ==, 4);
  g_assert_cmpuint (t->blocks->len, ==, 2);
  main_ = &nodes[root->first_child];
  g_assert_cmpuint (main_->code_id, ==, 1);
  g_assert_cmpuint (main_->next_sibling, ==, TC_CALL_NODE_NONE);
  g_assert_cmpint (main_->total_ns, ==, 31000000);
  g_assert_cmpint (main_->self_ns, ==, 6000000);
  for (guint32 c = main_->first_child; c != TC_CALL_NODE_NONE; c = nodes[c].next_sibling)
    {
      child = &nodes[c];
      if (child->code_id == 2)
        {
          g_assert_cmpuint (child->calls, ==, 4);
          g_assert_cmpint (child->total_ns, ==, 16000000);
          g_assert_cmpint (child->self_ns, ==, 16000000);
        }
      else
        {
          /* fib → fib → fib: inclusive 9, 4, 1 ms; self 5, 3, 1 ms. */
          const gint64 total[] = { 9000000, 4000000, 1000000 }, self[] = { 5000000, 3000000, 1000000 };

          for (guint32 f = c; f != TC_CALL_NODE_NONE; f = nodes[f].first_child, fib_depth++)
            {
              g_assert_cmpuint (nodes[f].code_id, ==, 3);
              g_assert_cmpint (nodes[f].total_ns, ==, total[fib_depth]);
              g_assert_cmpint (nodes[f].self_ns, ==, self[fib_depth]);
              g_assert_cmpuint (nodes[f].depth, ==, 2 + fib_depth);
            }
        }
    }
  g_assert_cmpuint (fib_depth, ==, 3);
}

static void
test_spans (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr (TcDocument) doc = load (path);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
  g_autoptr (GError) error = NULL;
  gboolean saw_main = FALSE;

  /* [21.5, 23.5] ms lies in the second block only: main and the first two
   * fibs started before it and must come from the block's saved stack. */
  g_assert_true (tc_document_collect_spans (doc, 1, 21500000, 23500000, 0, spans, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < spans->len; i++)
    {
      const TcSpan *s = &g_array_index (spans, TcSpan, i);

      if (s->code_id == 1)
        {
          saw_main = TRUE;
          g_assert_cmpint (s->start_ns, ==, 0);
          g_assert_cmpuint (s->depth, ==, 0);
          g_assert_true (s->flags & TC_SPAN_OPEN_END);
        }
    }
  g_assert_true (saw_main);
  /* main, fib ×3 (the innermost one 23→24 ms overlaps). */
  g_assert_cmpuint (spans->len, ==, 4);

  /* Whole range, min 2 ms: work 1 and 2 ms? 2 ms only (≥), 3, 10; fib 9, 4; main 31. */
  g_array_set_size (spans, 0);
  g_assert_true (tc_document_collect_spans (doc, 1, 0, G_MAXINT64, 2000000, spans, &error));
  g_assert_cmpuint (spans->len, ==, 6);
}

static void
test_series_and_vars (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr (TcDocument) doc = load (path);
  const TcDocSeries *loss = tc_document_get_metric (doc, "loss");
  const TcDocSeries *ram = tc_document_get_counter (doc, "ram_mb");
  const TcDocVar *b = tc_document_find_var (doc, "b");
  const TcDocVar *xm = tc_document_find_var (doc, "main.x");
  const TcDocPoint *final;

  g_assert_nonnull (loss);
  g_assert_cmpuint (loss->points->len, ==, 20);   /* METRICS frames, not snapshot copies */
  g_assert_cmpint (g_array_index (loss->points, TcDocPoint, 10).time_ns, ==, 4500000000);
  final = g_hash_table_lookup (tc_document_get_final_metrics (doc), "loss");
  g_assert_cmpfloat (final->value, ==, 1.0);
  g_assert_cmpuint (ram->points->len, ==, 10);
  g_assert_cmpstr (ram->unit, ==, "MB");
  g_assert_cmpfloat_with_epsilon (tc_document_get_ram_peak_mb (doc), 104.5, 1e-9);
  g_assert_cmpfloat (tc_document_get_fd_peak (doc), ==, 14);

  g_assert_nonnull (b);
  g_assert_cmpuint (b->history->len, ==, 5);
  g_assert_cmpint (g_array_index (b->history, TcDocVarPoint, 0).time_ns, ==, 5000000000);
  g_assert_cmpint (g_array_index (b->history, TcDocVarPoint, 0).local->value.i, ==, 5);
  /* x exists in main and work: identity is (code, name). */
  g_assert_nonnull (xm);
  g_assert_cmpstr (xm->display, ==, "main.x");
  g_assert_cmpuint (xm->n_changes, ==, 10);
  g_assert_cmpuint (tc_document_get_snapshots (doc)->len, ==, 10);
  g_assert_cmpuint (tc_document_get_marks (doc)->len, ==, 1);
  g_assert_cmpstr (g_array_index (tc_document_get_marks (doc), TcDocMark, 0).name, ==, "block:main_loop");
  g_assert_null (tc_document_get_crash (doc));
}

static void
test_line_hits_and_source (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autoptr (TcDocument) doc = load (path);
  const TcDocFile *file = tc_document_get_file (doc, 1);
  const TcLineHit *hits;

  g_assert_nonnull (file->source);
  g_assert_cmpstr (file->source, ==, tc_test_source);
  g_assert_cmpstr (file->basename, ==, "demo_src.py");
  /* Increments are summed: line 5 got 4 + 0. */
  g_assert_cmpuint (file->line_hits->len, ==, 4);
  hits = (const TcLineHit *) file->line_hits->data;
  g_assert_cmpuint (hits[0].line, ==, 4);
  g_assert_cmpuint (hits[1].line, ==, 5);
  g_assert_cmpuint (hits[1].hits, ==, 4);
}

static void
test_crash (void)
{
  g_autofree char *path = tc_test_write_crash ();
  g_autoptr (TcDocument) doc = load (path);
  const TcDocCrash *crash = tc_document_get_crash (doc);

  g_assert_nonnull (crash);
  g_assert_cmpstr (crash->exc_type, ==, "IndexError");
  g_assert_cmpuint (crash->n_frames, ==, 2);
  g_assert_cmpuint (crash->frames[0].line, ==, 9);
  g_assert_cmpstr (crash->frames[0].locals[0].repr, ==, "3");
  g_assert_cmpint (crash->time_ns, ==, 500000000);
  g_assert_cmpfloat_with_epsilon (tc_test_function_stats (doc, "work")->avg_ms, 8.0, 1e-9);
}

static void
test_truncated (void)
{
  g_autofree char *path = tc_test_write_truncated ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (tc_document_get_truncated (doc));
  g_assert_cmpstr (tc_document_get_state_message (doc), !=, "");
  /* The events were written before the cut. */
  g_assert_cmpuint (tc_test_function_stats (doc, "work")->calls, ==, 4);
}

/* A file of format version 1.0 (event blocks in the head planes layout,
 * tests/data, made by test-format-compat) still loads. */
static void
test_format_v1_0 (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "events-v1.0.tc", NULL);
  g_autoptr (TcDocument) doc = load (path);

  g_assert_false (tc_document_get_truncated (doc));
  g_assert_cmpuint (tc_document_get_n_events (doc), ==, 4001);
  /* 1593 CALL (thread 2's, still open, among them), 149 C_CALL, 259 RESUME. */
  g_assert_cmpuint (tc_document_get_total_calls (doc), ==, 2001);
  /* Its return value is a RETURN_VALUE frame of its own (1.1 batches them). */
  g_assert_cmpuint (tc_document_get_return_values (doc)->len, ==, 1);
  g_assert_cmpstr (g_array_index (tc_document_get_return_values (doc), TcDocReturn, 0).repr, ==, "42");
}

static void
test_errors (void)
{
  g_autofree char *text = g_build_filename (tc_test_dir (), "notes.tc", NULL);
  g_autofree char *gz = g_build_filename (tc_test_dir (), "seed.tc", NULL);
  g_autofree char *missing = g_build_filename (tc_test_dir (), "missing.tc", NULL);
  const char gzip_magic[] = "\x1f\x8b\x08\x00 pickle inside";
  GError *error = NULL;

  g_assert_true (g_file_set_contents (text, "hello, not a recording\n", -1, NULL));
  g_assert_true (g_file_set_contents (gz, gzip_magic, sizeof gzip_magic, NULL));

  g_assert_null (tc_document_load (text, NULL, NULL, NULL, &error));
  g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_NOT_TC);
  g_clear_error (&error);
  g_assert_null (tc_document_load (gz, NULL, NULL, NULL, &error));
  g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_SEED_FORMAT);
  g_assert_nonnull (strstr (error->message, "timecapsule convert"));
  g_clear_error (&error);
  g_assert_null (tc_document_load (missing, NULL, NULL, NULL, &error));
  g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_IO);
  g_clear_error (&error);
}

/* A hostile event stream (huge code id) is one clear error, not an
 * allocation of gigabytes. */
static void
test_hostile_code_id (void)
{
  g_autofree char *path = g_build_filename (tc_test_dir (), "hostile.tc", NULL);
  TcWriterOptions opts = { "h", "t", 0, 0 };
  TcError err = { 0 };
  TcEndFixed end = { 0 };
  TcEvent events[] = { { 10, 3000000000u, TC_EVENT_CALL }, { 20, 0, TC_EVENT_RETURN } };
  TcWriter *w;
  GError *error = NULL;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_events (w, 1, events, 2), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  g_assert_null (tc_document_load (path, NULL, NULL, NULL, &error));
  g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "code id out of range"));
  g_error_free (error);
}

/* Calls that never return, over many blocks: deeper than the loader's
 * limit in the 26th. */
static char *
write_deep (const char *name)
{
  char *path = g_build_filename (tc_test_dir (), name, NULL);
  TcWriterOptions opts = { "p", "t", 0, 0 };
  TcError err = { 0 };
  TcEndFixed end = { 0 };
  TcCodeDef def = { 1, 0, 1, TC_CODE_FLAG_TRACKED, TC_STR ("f"), TC_STR ("f"), TC_STR ("m") };
  g_autofree TcEvent *events = g_new (TcEvent, 4000);
  guint64 t = 0;
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_code (w, 0, &def), ==, TC_OK);
  for (guint b = 0; b < 30; b++)
    {
      for (guint i = 0; i < 4000; i++)
        events[i] = (TcEvent) { ++t, 1, i % 50 == 49 ? TC_EVENT_RETURN : TC_EVENT_CALL };
      g_assert_cmpint (tc_writer_write_events (w, 1, events, 4000), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

static TcDocument *
load_with_threads (const char *path, int workers, GError **error)
{
  TcDocument *doc;

  tc_document_set_load_threads (workers);
  doc = tc_document_load (path, NULL, NULL, NULL, error);
  tc_document_set_load_threads (-1);
  return doc;
}

/* Decoding in worker threads and sorting in parallel must not change one
 * bit of what the loader derives, nor which error a bad file gives. */
static void
test_parallel_load (void)
{
  g_autofree char *path = tc_test_write_many_blocks ("many-blocks.tc", 120, FALSE);
  g_autofree char *bad = tc_test_write_many_blocks ("many-blocks-bad.tc", 120, TRUE);
  g_autoptr (TcDocument) serial = load_with_threads (path, 0, NULL);
  const int workers[] = { 1, 3 };

  g_assert_nonnull (serial);
  g_assert_cmpuint (tc_document_get_function_stats (serial)->len, >, 10);
  for (guint w = 0; w < G_N_ELEMENTS (workers); w++)
    {
      g_autoptr (TcDocument) par = load_with_threads (path, workers[w], NULL);
      GPtrArray *a = tc_document_get_function_stats (serial), *b = tc_document_get_function_stats (par);
      g_autoptr (GArray) spans_a = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      g_autoptr (GArray) spans_b = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      g_autoptr (GError) error_a = NULL, error_b = NULL;

      g_assert_nonnull (par);
      g_assert_cmpuint (tc_document_get_total_calls (par), ==, tc_document_get_total_calls (serial));
      g_assert_cmpuint (a->len, ==, b->len);
      for (guint32 id = 1; id <= 40; id++)
        {
          const TcFunctionStats *x = tc_document_get_stats_for (serial, id);
          const TcFunctionStats *y = tc_document_get_stats_for (par, id);

          g_assert_true ((x == NULL) == (y == NULL));
          if (x == NULL)
            continue;
          g_assert_cmpstr (x->name, ==, y->name);
          g_assert_cmpuint (x->calls, ==, y->calls);
          g_assert_cmpuint (x->max_depth, ==, y->max_depth);
          g_assert_true (x->total_ms == y->total_ms && x->self_ms == y->self_ms && x->avg_ms == y->avg_ms
                         && x->p50_ms == y->p50_ms && x->p95_ms == y->p95_ms && x->p99_ms == y->p99_ms
                         && x->min_ms == y->min_ms && x->max_ms == y->max_ms && x->std_ms == y->std_ms
                         && x->late_early_ratio == y->late_early_ratio);
          g_assert_cmpuint (tc_durations_get_n (x->durations), ==, tc_durations_get_n (y->durations));
          g_assert_true (tc_durations_is_compact (x->durations) == tc_durations_is_compact (y->durations));
          for (guint k = 0; k < tc_durations_get_n (x->durations); k++)
            g_assert_cmpint (tc_durations_get (x->durations, k), ==, tc_durations_get (y->durations, k));
        }
      for (guint i = 0; i < a->len; i++)
        g_assert_cmpuint (((TcFunctionStats *) g_ptr_array_index (a, i))->code_id, ==,
                          ((TcFunctionStats *) g_ptr_array_index (b, i))->code_id);
      for (guint32 id = 1; id <= 3; id++)
        {
          const TcDocThread *x = tc_document_get_thread (serial, id), *y = tc_document_get_thread (par, id);

          g_assert_cmpuint (x->n_events, ==, 40 * 400);
          g_assert_cmpuint (y->n_events, ==, x->n_events);
          g_assert_cmpint (y->first_ns, ==, x->first_ns);
          g_assert_cmpint (y->last_ns, ==, x->last_ns);
          g_assert_cmpuint (y->max_depth, ==, x->max_depth);
          g_assert_cmpuint (y->blocks->len, ==, 40);
          g_assert_cmpmem (x->call_tree->data, x->call_tree->len * sizeof (TcCallNode),
                           y->call_tree->data, y->call_tree->len * sizeof (TcCallNode));
        }
      /* The blocks' starting stacks: spans from the middle of a thread. */
      g_assert_true (tc_document_collect_spans (serial, 2, 5000000, 9000000, 0, spans_a, &error_a));
      g_assert_true (tc_document_collect_spans (par, 2, 5000000, 9000000, 0, spans_b, &error_b));
      g_assert_cmpuint (spans_a->len, >, 100);
      g_assert_cmpmem (spans_a->data, spans_a->len * sizeof (TcSpan), spans_b->data, spans_b->len * sizeof (TcSpan));
    }

  for (guint w = 0; w < G_N_ELEMENTS (workers); w++)
    {
      g_autoptr (GError) error_a = NULL, error_b = NULL;

      g_assert_null (load_with_threads (bad, 0, &error_a));
      g_assert_null (load_with_threads (bad, workers[w], &error_b));
      g_assert_error (error_a, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error_a->message, "code id out of range"));
      g_assert_cmpstr (error_b->message, ==, error_a->message);
    }

  /* The stack limit: the merge knows the depth only from the blocks
   * before, and must stop at the same block. */
  {
    g_autofree char *deep = write_deep ("deep.tc");

    for (guint w = 0; w < G_N_ELEMENTS (workers); w++)
      {
        g_autoptr (GError) error_a = NULL, error_b = NULL;

        g_assert_null (load_with_threads (deep, 0, &error_a));
        g_assert_null (load_with_threads (deep, workers[w], &error_b));
        g_assert_error (error_a, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT);
        g_assert_nonnull (strstr (error_a->message, "call stack too deep"));
        g_assert_cmpstr (error_b->message, ==, error_a->message);
      }
  }
}

/* The summary a viewer shows while the full load runs says what the full
 * load says about the session, the threads and the span. */
typedef struct
{
  TcDocument *doc;
  guint32     thread_id;
  gint64      start_ns, end_ns, min_ns;
  GArray     *spans;
} SpanAsk;

static gpointer
span_ask_run (gpointer data)
{
  SpanAsk *ask = data;

  g_assert_true (tc_document_collect_spans (ask->doc, ask->thread_id, ask->start_ns, ask->end_ns,
                                            ask->min_ns, ask->spans, NULL));
  return NULL;
}

static void
assert_same_spans (TcDocument *doc, guint32 thread_id, gint64 start_ns, gint64 end_ns, gint64 min_ns)
{
  g_autoptr (GArray) indexed = g_array_new (FALSE, FALSE, sizeof (TcSpan));
  g_autoptr (GArray) decoded = g_array_new (FALSE, FALSE, sizeof (TcSpan));

  g_assert_true (tc_document_collect_spans (doc, thread_id, start_ns, end_ns, min_ns, indexed, NULL));
  g_assert_true (tc_document_collect_spans_decoded (doc, thread_id, start_ns, end_ns, min_ns, decoded, NULL));
  if (indexed->len != decoded->len
      || (indexed->len > 0 && memcmp (indexed->data, decoded->data, indexed->len * sizeof (TcSpan)) != 0))
    g_error ("thread %u [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] min %" G_GINT64_FORMAT
             ": %u spans from the index, %u decoded", thread_id, start_ns, end_ns, min_ns,
             indexed->len, decoded->len);
}

/* Wide flame chart views come from the long-span index: span for span and
 * in the same order as decoding every block, from any range (inside,
 * across the ends, outside, reversed) and any minimum duration, while
 * other threads ask at the same time. */
static void
test_span_index (void)
{
  g_autofree char *path = tc_test_write_many_blocks ("span-index.tc", 2100, FALSE);
  g_autoptr (TcDocument) doc = load (path);
  guint64 rng = 0x2545f4914f6cdd1dull;

  for (guint32 id = 1; id <= 3; id++)
    {
      const TcDocThread *thread = tc_document_get_thread (doc, id);
      gint64 first = thread->first_ns, last = thread->last_ns, whole = last - first;
      SpanAsk asks[4];
      GThread *askers[4];

      g_assert_cmpuint (thread->n_events, >=, 1u << 18);
      g_assert_cmpuint (tc_document_span_index_size (doc, id), ==, 0);
      /* A view zoomed in decodes its blocks and builds nothing. */
      assert_same_spans (doc, id, first + whole / 2, first + whole / 2 + whole / 1000, whole / 1000 / 2800);
      g_assert_cmpuint (tc_document_span_index_size (doc, id), ==, 0);
      /* The first wide request builds the index; three more wait for it. */
      for (guint k = 0; k < G_N_ELEMENTS (asks); k++)
        {
          asks[k] = (SpanAsk) { doc, id, first + k * whole / 8, last - k * whole / 8, whole / 2800,
                                g_array_new (FALSE, FALSE, sizeof (TcSpan)) };
          askers[k] = g_thread_new ("asker", span_ask_run, &asks[k]);
        }
      for (guint k = 0; k < G_N_ELEMENTS (asks); k++)
        {
          g_autoptr (GArray) decoded = g_array_new (FALSE, FALSE, sizeof (TcSpan));

          g_thread_join (askers[k]);
          g_assert_true (tc_document_collect_spans_decoded (doc, id, asks[k].start_ns, asks[k].end_ns,
                                                            asks[k].min_ns, decoded, NULL));
          g_assert_cmpuint (asks[k].spans->len, >, 0);
          g_assert_cmpuint (asks[k].spans->len, ==, decoded->len);
          g_assert_cmpmem (asks[k].spans->data, asks[k].spans->len * sizeof (TcSpan),
                           decoded->data, decoded->len * sizeof (TcSpan));
          g_array_unref (asks[k].spans);
        }
      /* Every level of the index holds at least the thread's long
       * activations; the finest one more than the widest view shows. */
      g_assert_cmpuint (tc_document_span_index_size (doc, id), >, 1000);

      assert_same_spans (doc, id, G_MININT64, G_MAXINT64, whole / 2800);
      assert_same_spans (doc, id, first, last, whole / 65536);
      assert_same_spans (doc, id, first, last, whole / 65536 + 1);
      assert_same_spans (doc, id, first, last, whole / 4096);
      assert_same_spans (doc, id, first, last, whole);
      assert_same_spans (doc, id, last - whole / 3, last + whole, whole / 1000);
      assert_same_spans (doc, id, last + 1, last + whole, whole / 1000);
      assert_same_spans (doc, id, first - whole, first - 1, whole / 1000);
      assert_same_spans (doc, id, last, first, whole / 1000);
      assert_same_spans (doc, id, last, last, whole / 100000);
      for (guint i = 0; i < 400; i++)
        {
          gint64 a, b, min;

          rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
          a = first - whole / 20 + (gint64) (rng % (guint64) (whole + whole / 10));
          b = a + (gint64) ((rng >> 32) % (guint64) (whole / (1 + i % 50)));
          /* Half a pixel of a chart 200 to 3 000 pixels wide, and odd ones. */
          min = i % 5 == 4 ? (gint64) ((rng >> 16) % (guint64) (whole / 1000)) : (b - a) / (400 + (gint64) ((rng >> 8) % 5600));
          assert_same_spans (doc, id, a, b, min);
        }
      /* Ranges ending where a long activation returns (it returned in the
       * range), and ones cutting one so that exactly the minimum is left. */
      {
        g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (TcSpan));

        g_assert_true (tc_document_collect_spans_decoded (doc, id, G_MININT64, G_MAXINT64, whole / 4096, all, NULL));
        g_assert_cmpuint (all->len, >, 20);
        for (guint i = 0; i < all->len; i += all->len / 20)
          {
            const TcSpan *s = &g_array_index (all, TcSpan, i);
            gint64 part = (s->end_ns - s->start_ns) / 2;

            assert_same_spans (doc, id, s->start_ns, s->end_ns, whole / 4096);
            assert_same_spans (doc, id, first, s->end_ns, whole / 4096);
            assert_same_spans (doc, id, s->start_ns, s->start_ns + part, part);
            assert_same_spans (doc, id, first, s->start_ns + part, part);
          }
      }
      /* Built by any number of workers, each from its own first block:
       * every activation once, those returning at a share's first event
       * included. */
      for (int workers = 1; workers <= 16; workers += 5)
        {
          tc_document_set_load_threads (workers);
          tc_document_clear_span_indexes (doc);
          assert_same_spans (doc, id, G_MININT64, G_MAXINT64, whole / 65536 + 1);
          g_assert_cmpuint (tc_document_span_index_size (doc, id), >, 1000);
          tc_document_set_load_threads (-1);
        }
    }
}

static void
assert_summary_matches (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcDocument) full = load (path);
  g_autoptr (TcDocument) sum = tc_document_load_summary (path, &error);
  const TcDocSession *a = tc_document_get_session (full), *b;
  GPtrArray *ta = tc_document_get_threads (full), *tb;
  gint64 a0, a1, b0, b1;

  g_assert_no_error (error);
  g_assert_true (tc_document_get_summary_only (sum));
  g_assert_false (tc_document_get_summary_only (full));
  b = tc_document_get_session (sum);
  g_assert_cmpstr (b->script, ==, a->script);
  g_assert_cmpstr (b->session_id, ==, a->session_id);
  g_assert_cmpstr (b->python, ==, a->python);
  g_assert_cmpstr (b->backend, ==, a->backend);
  g_assert_cmpint (b->pid, ==, a->pid);
  g_assert_cmpint (b->start_wall_ns, ==, a->start_wall_ns);
  g_assert_cmpuint (g_strv_length (b->argv), ==, g_strv_length (a->argv));
  g_assert_cmpuint (tc_document_get_n_events (sum), ==, tc_document_get_n_events (full));
  g_assert_cmpuint (tc_document_get_n_events (sum), >, 0);
  tb = tc_document_get_threads (sum);
  g_assert_cmpuint (tb->len, ==, ta->len);
  for (guint i = 0; i < ta->len; i++)
    {
      const TcDocThread *x = g_ptr_array_index (ta, i), *y = g_ptr_array_index (tb, i);

      g_assert_cmpuint (y->id, ==, x->id);
      g_assert_cmpstr (y->name, ==, x->name);
      g_assert_cmpuint (y->n_events, ==, x->n_events);
      g_assert_cmpint (y->first_ns, ==, x->first_ns);
      g_assert_cmpint (y->last_ns, ==, x->last_ns);
    }
  tc_document_get_time_range (full, &a0, &a1);
  tc_document_get_time_range (sum, &b0, &b1);
  g_assert_cmpint (b0, ==, a0);
  g_assert_cmpint (b1, ==, a1);
  g_assert_true (tc_document_get_truncated (sum) == tc_document_get_truncated (full));
  g_assert_cmpstr (tc_document_get_state_message (sum), ==, tc_document_get_state_message (full));
  g_assert_cmpuint (tc_document_get_file_size (sum), ==, tc_document_get_file_size (full));
  g_assert_cmpuint (tc_document_get_function_stats (sum)->len, ==, 0);
}

static void
test_summary (void)
{
  g_autofree char *timings = tc_test_write_timings ();
  g_autofree char *truncated = tc_test_write_truncated ();
  g_autofree char *crash = tc_test_write_crash ();
  g_autofree char *blocks = tc_test_write_many_blocks ("summary-blocks.tc", 120, FALSE);

  assert_summary_matches (timings);
  assert_summary_matches (truncated);
  assert_summary_matches (crash);
  assert_summary_matches (blocks);
}

static void
progress_cb (double fraction, gpointer data)
{
  double *last = data;

  g_assert_cmpfloat (fraction, >=, *last);
  *last = fraction;
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  TcDocument **out = data;
  g_autoptr (GError) error = NULL;

  *out = tc_document_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *path = tc_test_write_timings ();
  TcDocument *doc = NULL;
  double last = 0;

  tc_document_load_async (path, progress_cb, &last, NULL, loaded_cb, &doc);
  while (doc == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Progress idles may still be queued after the result: drain them. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpfloat (last, ==, 1.0);
  g_assert_cmpuint (tc_document_get_function_stats (doc)->len, ==, 4);
  g_object_unref (doc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/analysis/document/module-from-path", test_module_from_path);
  g_test_add_func ("/tc/analysis/document/session", test_session);
  g_test_add_func ("/tc/analysis/document/function-stats", test_function_stats);
  g_test_add_func ("/tc/analysis/document/call-tree", test_call_tree);
  g_test_add_func ("/tc/analysis/document/spans", test_spans);
  g_test_add_func ("/tc/analysis/document/series-and-vars", test_series_and_vars);
  g_test_add_func ("/tc/analysis/document/line-hits-and-source", test_line_hits_and_source);
  g_test_add_func ("/tc/analysis/document/crash", test_crash);
  g_test_add_func ("/tc/analysis/document/truncated", test_truncated);
  g_test_add_func ("/tc/analysis/document/errors", test_errors);
  g_test_add_func ("/tc/analysis/document/format-v1.0", test_format_v1_0);
  g_test_add_func ("/tc/analysis/document/async", test_async);
  g_test_add_func ("/tc/analysis/document/hostile-code-id", test_hostile_code_id);
  g_test_add_func ("/tc/analysis/document/parallel-load", test_parallel_load);
  g_test_add_func ("/tc/analysis/document/summary", test_summary);
  g_test_add_func ("/tc/analysis/document/span-index", test_span_index);
  return g_test_run ();
}

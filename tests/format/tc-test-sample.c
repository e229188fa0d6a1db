/* SPDX-License-Identifier: MIT
 *
 * tc-test-sample.c — see tc-test-sample.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc-test-sample.h"

static TcSample sample;
static bool sample_ready;

/* Storage the fixture's pointers point into. */
static TcKeyValue session_items[8];
static TcEncoder value_bytes[6];
static TcStr tags[2];
static TcKeyValue snap_extras[2];
static TcMetricValue snap_metrics[2];
static TcThreadCapture snap_threads[2];
static TcThreadCapture big_threads[1];
static TcStackFrame stack_main[3];
static TcStackFrame stack_worker[1];
static TcLocal locals_main[3];
static TcLocal locals_big[64];
static char big_reprs[64][96];
static TcKeyValue warning_extras[1];
static TcCrashFrame crash_frames[2];
static TcLocal crash_locals[2];
static TcLineHit line_hits[4];
static TcStackFrame sample_stacks[2][2];
static TcEvent events[600];

static const char source_text[] =
  "# SPDX-License-Identifier: MIT\n"
  "import time\n"
  "\n"
  "def work(x):\n"
  "    items = [i * i for i in range(x)]\n"
  "    return sum(items)\n"
  "\n"
  "class Worker:\n"
  "    def run(self):\n"
  "        for i in range(3):\n"
  "            yield work(i)\n"
  "\n"
  "async def agen():\n"
  "    yield 1\n"
  "\n"
  "if __name__ == '__main__':\n"
  "    print(list(Worker().run()))\n";

static TcStr
s (const char *text)
{
  return (TcStr) { text, (uint32_t) strlen (text) };
}

/* A container value whose items are encoded into value_bytes[slot]. */
static TcValue
container (int slot, TcValueKind kind, uint32_t count)
{
  TcValue v;

  memset (&v, 0, sizeof v);
  v.kind = kind;
  v.items.data = value_bytes[slot].data;
  v.items.len = value_bytes[slot].len;
  v.items.count = count;
  return v;
}

static void
encode_scalar_int (TcEncoder *enc, int64_t i)
{
  TcValue v = { .kind = TC_VALUE_INT, .i = i };

  tc_encode_value (enc, &v);
}

static void
encode_scalar_str (TcEncoder *enc, TcValueKind kind, const char *text, uint32_t len)
{
  TcValue v = { .kind = kind, .s = { text, len } };

  tc_encode_value (enc, &v);
}

static void
build_values (void)
{
  TcValue v;

  for (int i = 0; i < 6; i++)
    tc_encoder_init (&value_bytes[i]);

  /* [0]: tuple (1, -2) */
  encode_scalar_int (&value_bytes[0], 1);
  encode_scalar_int (&value_bytes[0], -2);
  /* [1]: dict {"a": b"\0\xff", "n": None} */
  encode_scalar_str (&value_bytes[1], TC_VALUE_STR, "a", 1);
  encode_scalar_str (&value_bytes[1], TC_VALUE_BYTES, "\0\xff", 2);
  encode_scalar_str (&value_bytes[1], TC_VALUE_STR, "n", 1);
  v = (TcValue) { .kind = TC_VALUE_NONE };
  tc_encode_value (&value_bytes[1], &v);
  /* [2]: list [INT64_MIN, "two", 3.5, True, (1, -2), {…}, 123…890 (bigint),
   *            1.5+2j, frozenset()] */
  encode_scalar_int (&value_bytes[2], INT64_MIN);
  encode_scalar_str (&value_bytes[2], TC_VALUE_STR, "two", 3);
  v = (TcValue) { .kind = TC_VALUE_FLOAT, .f = 3.5 };
  tc_encode_value (&value_bytes[2], &v);
  v = (TcValue) { .kind = TC_VALUE_BOOL, .b = true };
  tc_encode_value (&value_bytes[2], &v);
  v = container (0, TC_VALUE_TUPLE, 2);
  tc_encode_value (&value_bytes[2], &v);
  v = container (1, TC_VALUE_DICT, 2);
  tc_encode_value (&value_bytes[2], &v);
  encode_scalar_str (&value_bytes[2], TC_VALUE_BIGINT, "123456789012345678901234567890", 30);
  v = (TcValue) { .kind = TC_VALUE_COMPLEX, .c = { 1.5, 2.0 } };
  tc_encode_value (&value_bytes[2], &v);
  v = container (3, TC_VALUE_FROZENSET, 0);  /* slot 3 stays empty */
  tc_encode_value (&value_bytes[2], &v);
  /* [4]: set {7, 8} */
  encode_scalar_int (&value_bytes[4], 7);
  encode_scalar_int (&value_bytes[4], 8);
}

static void
build_events (void)
{
  /* Deterministic nested call pattern on thread 1: LCG-driven, with every
   * event kind, a zero delta, a huge delta and an EXTENDED event. */
  uint64_t t = 1000, rng = 42;
  uint32_t stack[64];
  size_t depth = 0, n = 0;

  while (n < sizeof events / sizeof events[0] - 8)
    {
      TcEvent *e = &events[n++];

      rng = rng * 6364136223846793005ull + 1442695040888963407ull;
      t += (rng >> 33) % 3000;
      e->time_ns = t;
      if (depth > 0 && (depth >= 60 || ((rng >> 20) & 3) == 0))
        {
          uint32_t code = stack[--depth];

          e->kind = code == 4 ? TC_EVENT_C_RETURN
                  : code == 3 ? TC_EVENT_YIELD
                  : ((rng >> 12) & 15) == 0 ? TC_EVENT_UNWIND : TC_EVENT_RETURN;
        }
      else
        {
          uint32_t code = 1 + (uint32_t) ((rng >> 40) % 5);

          e->code_id = code;
          e->kind = code == 4 ? TC_EVENT_C_CALL : code == 3 ? TC_EVENT_RESUME : TC_EVENT_CALL;
          stack[depth++] = code;
        }
    }
  events[n++] = (TcEvent) { t, 0, TC_EVENT_RETURN };          /* zero delta */
  t += (uint64_t) 1 << 40;
  events[n++] = (TcEvent) { t, 3, TC_EVENT_EXTENDED };        /* sub-kind 3 */
  t += 1;
  events[n++] = (TcEvent) { t, UINT32_MAX, TC_EVENT_CALL };   /* biggest code id */
  events[n++] = (TcEvent) { t + 5, 0, TC_EVENT_RETURN };
  sample.events = events;
  sample.n_events = n;
}

static void
build (void)
{
  TcSample *x = &sample;

  build_values ();

  session_items[0] = (TcKeyValue) { s ("argv"), s ("prog.py") };
  session_items[1] = (TcKeyValue) { s ("argv"), s ("--fast") };
  session_items[2] = (TcKeyValue) { s ("python"), s ("3.11.7") };
  session_items[3] = (TcKeyValue) { s ("pid"), s ("4242") };
  session_items[4] = (TcKeyValue) { s ("platform"), s ("linux") };
  session_items[5] = (TcKeyValue) { s ("option.interval"), s ("0.5") };
  session_items[6] = (TcKeyValue) { s ("watch_expr.d\xc3\xa9j\xc3\xa0"), s ("x * 2") };
  session_items[7] = (TcKeyValue) { s ("empty"), s ("") };
  x->session = (TcSession) { session_items, 8 };

  x->threads[0] = (TcThreadDef) { 1, 1001, 140001, TC_THREAD_FLAG_MAIN, s ("MainThread") };
  x->threads[1] = (TcThreadDef) { 2, UINT64_MAX, 140002, TC_THREAD_FLAG_DAEMON, s ("worker-1") };

  x->source = source_text;
  x->source_len = sizeof source_text - 1;
  x->file = (TcFileDef) { 1, TC_FILE_FLAG_TRACKED, tc_fnv1a64 (source_text, sizeof source_text - 1),
                          sizeof source_text - 1, s ("/home/u/prog.py") };

  x->codes[0] = (TcCodeDef) { 1, 1, 1, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_MODULE, s ("<module>"), s ("<module>"), s ("__main__") };
  x->codes[1] = (TcCodeDef) { 2, 1, 4, TC_CODE_FLAG_TRACKED, s ("work"), s ("work"), s ("__main__") };
  x->codes[2] = (TcCodeDef) { 3, 1, 9, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_GENERATOR, s ("Worker.run"), s ("run"), s ("__main__") };
  x->codes[3] = (TcCodeDef) { 4, 0, 0, TC_CODE_FLAG_C_FUNCTION, s ("builtins.len"), s ("len"), s ("") };
  x->codes[4] = (TcCodeDef) { 5, 1, 13, TC_CODE_FLAG_TRACKED | TC_CODE_FLAG_ASYNC_GEN, s ("agen"), s ("agen"), s ("__main__") };

  x->vars[0] = (TcVarDef) { 1, 2, s ("x") };
  x->vars[1] = (TcVarDef) { 2, 2, s ("items") };
  x->metric_defs[0] = (TcMetricDef) { 1, s ("loss") };
  x->metric_defs[1] = (TcMetricDef) { 2, s ("accuracy") };
  x->counter_defs[0] = (TcCounterDef) { 1, s ("ram_mb"), s ("MB"), s ("process RSS") };
  x->counter_defs[1] = (TcCounterDef) { 2, s ("cpu_pct"), s ("%"), s ("") };

  build_events ();

  x->system[0] = (TcCounterValue) { 1, 123.25 };
  x->system[1] = (TcCounterValue) { 2, -0.0 };

  /* Small snapshot: two threads, nested values. */
  stack_main[0] = (TcStackFrame) { 2, 5 };
  stack_main[1] = (TcStackFrame) { 3, 11 };
  stack_main[2] = (TcStackFrame) { 1, 17 };
  stack_worker[0] = (TcStackFrame) { 5, 14 };
  locals_main[0] = (TcLocal) { 1, TC_LOCAL_CHANGED, s ("3"), s ("int"), 28, { .kind = TC_VALUE_INT, .i = 3 } };
  locals_main[1] = (TcLocal) { 2, TC_LOCAL_TRUNCATED, s ("[-9223372036854775808, 'two', …]"), s ("list"), 120,
                               container (2, TC_VALUE_LIST, 9) };
  locals_main[2] = (TcLocal) { 2, TC_LOCAL_ERROR | TC_LOCAL_EXPR, s ("ValueError('boom')"), s (""), 0,
                               { .kind = TC_VALUE_REPR_ONLY } };
  snap_threads[0] = (TcThreadCapture) { 1, 0, stack_main, 3, locals_main, 3 };
  snap_threads[1] = (TcThreadCapture) { 2, 0, stack_worker, 1, NULL, 0 };
  tags[0] = s ("epoch");
  tags[1] = s ("");
  snap_extras[0] = (TcKeyValue) { s ("trace_fn"), s ("work") };
  snap_extras[1] = (TcKeyValue) { s ("trace_args"), s ("x=3") };
  snap_metrics[0] = (TcMetricValue) { 1, { .kind = TC_VALUE_FLOAT, .f = 0.125 } };
  snap_metrics[1] = (TcMetricValue) { 2, container (4, TC_VALUE_SET, 2) };
  x->snapshot_small = (TcSnapshot) {
    .index = 7, .kind = TC_SNAPSHOT_TRACE_CALL, .origin_thread = 1, .time_ns = 5000,
    .evt = s ("TRACE:call:work"), .label = s ("first"), .tags = tags, .n_tags = 2,
    .extras = snap_extras, .n_extras = 2, .metrics = snap_metrics, .n_metrics = 2,
    .system = x->system, .n_system = 2, .async_task = s ("Task-1"), .async_coro = s ("agen"),
    .threads = snap_threads, .n_threads = 2,
  };

  /* Big snapshot: 64 similar locals, compresses well, so it is zlib'd. */
  for (int i = 0; i < 64; i++)
    {
      snprintf (big_reprs[i], sizeof big_reprs[i], "'value number %d of a long and repetitive repr string'", i);
      locals_big[i] = (TcLocal) { (uint32_t) (i % 2) + 1, 0, s (big_reprs[i]), s ("str"), 80 + (uint64_t) i,
                                  { .kind = TC_VALUE_STR, .s = s (big_reprs[i]) } };
    }
  big_threads[0] = (TcThreadCapture) { 2, 0, stack_worker, 1, locals_big, 64 };
  x->snapshot_big = (TcSnapshot) {
    .index = 8, .kind = TC_SNAPSHOT_TIMER, .origin_thread = 2, .time_ns = 6000,
    .evt = s ("TIMER"), .label = s (""), .async_task = s (""), .async_coro = s (""),
    .threads = big_threads, .n_threads = 1,
  };

  x->metrics[0] = (TcMetricPoint) { 1, 7000, { .kind = TC_VALUE_FLOAT, .f = 0.5 } };
  x->metrics[1] = (TcMetricPoint) { 1, 6500, { .kind = TC_VALUE_FLOAT, .f = __builtin_nan ("") } };
  x->metrics[2] = (TcMetricPoint) { 2, 7100, { .kind = TC_VALUE_INT, .i = INT64_MAX } };
  x->metrics[3] = (TcMetricPoint) { 2, 7200, { .kind = TC_VALUE_BIGINT, .s = s ("-99999999999999999999") } };

  warning_extras[0] = (TcKeyValue) { s ("metric"), s ("loss") };
  x->warning = (TcWarning) { TC_LEVEL_WARN, s ("NAN_DETECTED"), s ("loss became NaN"), s ("loss"), warning_extras, 1 };

  crash_locals[0] = (TcLocal) { 1, 0, s ("10"), s ("int"), 28, { .kind = TC_VALUE_INT, .i = 10 } };
  crash_locals[1] = (TcLocal) { 2, TC_LOCAL_CHANGED, s ("[]"), s ("list"), 56, container (3, TC_VALUE_LIST, 0) };
  crash_frames[0] = (TcCrashFrame) { 2, 6, crash_locals, 2 };
  crash_frames[1] = (TcCrashFrame) { 1, 17, NULL, 0 };
  x->crash = (TcCrash) {
    s ("IndexError"), s ("builtins"), s ("list index out of range"),
    s ("Traceback (most recent call last):\n  File \"/home/u/prog.py\", line 17\n"), s (""),
    crash_frames, 2, x->system, 2,
  };

  x->mark = (TcMark) { TC_MARK_BLOCK, 2500, s ("profile"), s ("load"), s ("loading data") };

  line_hits[0] = (TcLineHit) { 4, 3, 900 };
  line_hits[1] = (TcLineHit) { 5, 3, 12000 };
  line_hits[2] = (TcLineHit) { 6, 3, 300 };
  line_hits[3] = (TcLineHit) { UINT32_MAX, UINT64_MAX, 0 };
  x->line_hits = (TcLineHits) { 1, line_hits, 4 };

  x->return_value = (TcReturnValue) { 2, s ("{'a': b'\\x00\\xff', 'n': None}"), s ("dict"), container (1, TC_VALUE_DICT, 2) };

  sample_stacks[0][0] = (TcStackFrame) { 2, 5 };
  sample_stacks[0][1] = (TcStackFrame) { 1, 17 };
  sample_stacks[1][0] = (TcStackFrame) { 1, 16 };
  x->samples[0] = (TcStackSample) { 8000, sample_stacks[0], 2 };
  x->samples[1] = (TcStackSample) { 7990, sample_stacks[1], 1 };  /* out of order on purpose */

  for (size_t i = 0; i < sizeof x->unknown_payload; i++)
    x->unknown_payload[i] = (uint8_t) (0xa0 + i);

  x->end = (TcEndFixed) { .n_dropped = 3, .exit_status = 1, .flags = TC_END_FLAG_CRASHED };
}

const TcSample *
tc_test_sample (void)
{
  if (!sample_ready)
    {
      build ();
      sample_ready = true;
    }
  return &sample;
}

#define TRY(call)            \
  do {                       \
    status = (call);         \
    if (status != TC_OK)     \
      goto fail;             \
  } while (0)

TcStatus
tc_test_write_sample (const char *path, bool close, TcError *error)
{
  const TcSample *x = tc_test_sample ();
  TcWriterOptions options = { "3fa91c0e", "timecapsule-tests", 4096, 0 };
  TcStatus status = TC_OK;
  TcWriter *w;

  w = tc_writer_open (path, &options, error);
  if (w == NULL)
    return error ? error->code : TC_ERR_IO;

  TRY (tc_writer_write_session (w, 10, &x->session));
  for (int i = 0; i < 2; i++)
    TRY (tc_writer_write_thread (w, 20, &x->threads[i]));
  TRY (tc_writer_write_file (w, 30, &x->file));
  TRY (tc_writer_write_source (w, 30, x->file.file_id, x->source, x->source_len));
  for (int i = 0; i < 5; i++)
    TRY (tc_writer_write_code (w, 40, &x->codes[i]));
  for (int i = 0; i < 2; i++)
    TRY (tc_writer_write_var (w, 50, &x->vars[i]));
  for (int i = 0; i < 2; i++)
    TRY (tc_writer_write_metric_def (w, 60, &x->metric_defs[i]));
  for (int i = 0; i < 2; i++)
    TRY (tc_writer_write_counter_def (w, 70, &x->counter_defs[i]));
  TRY (tc_writer_flush (w, false));
  TRY (tc_writer_write_events (w, 1, x->events, x->n_events / 2));
  TRY (tc_writer_write_raw (w, TC_SAMPLE_UNKNOWN_TYPE, 0, 1, 4000, x->unknown_payload, sizeof x->unknown_payload));
  TRY (tc_writer_write_snapshot (w, &x->snapshot_small));
  TRY (tc_writer_write_snapshot (w, &x->snapshot_big));
  TRY (tc_writer_write_metrics (w, 6500, x->metrics, 4));
  TRY (tc_writer_write_system (w, 6600, x->system, 2));
  TRY (tc_writer_write_warning (w, 1, 6700, &x->warning));
  TRY (tc_writer_write_mark (w, 1, 6800, &x->mark));
  TRY (tc_writer_write_line_hits (w, 6900, &x->line_hits));
  TRY (tc_writer_write_return_value (w, 1, 7000, &x->return_value));
  TRY (tc_writer_write_samples (w, 2, x->samples, 2));
  TRY (tc_writer_write_crash (w, 1, 7500, &x->crash));
  TRY (tc_writer_write_events (w, 1, x->events + x->n_events / 2, x->n_events - x->n_events / 2));
  TRY (tc_writer_flush (w, false));
  if (!close)
    {
      tc_writer_abandon (w);
      return TC_OK;
    }
  return tc_writer_close (w, &x->end, error);

fail:
  if (error != NULL)
    {
      error->code = status;
      snprintf (error->message, sizeof error->message, "writing the sample failed: %s",
                tc_status_to_string (status));
    }
  tc_writer_abandon (w);
  return status;
}

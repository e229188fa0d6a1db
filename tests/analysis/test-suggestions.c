/* SPDX-License-Identifier: MIT
 *
 * test-suggestions.c — tc_analysis_suggestions() and tc_exception_checklist()
 * on a recording written to fire every suggestion rule once or twice, with
 * numbers worked out by hand, and the text report built from them.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tc-format.h"
#include "tc-report.h"
#include "tc-test-recordings.h"

#define US (1000ull)
#define MS (1000000ull)
#define S  (1000000000ull)

enum { CODE_HOT = 1, CODE_SLOW, CODE_VARY, CODE_DEEP, CODE_MID };
enum { COUNTER_RAM = 1 };

#define N_SNAPS 5001

static void
add_event (GArray *events, guint64 time_ns, TcEventKind kind, guint32 code)
{
  TcEvent e = { time_ns, code, kind };

  g_array_append_val (events, e);
}

static guint64
add_call (GArray *events, guint64 start_ns, guint64 duration_ns, guint32 code)
{
  add_event (events, start_ns, TC_EVENT_CALL, code);
  add_event (events, start_ns + duration_ns, TC_EVENT_RETURN, 0);
  return start_ns + duration_ns;
}

/* `depth` nested calls of `code` 10 µs apart: level k (0 = outermost) lasts
 * 20·(depth − k) µs, so the total is 20 µs · depth(depth+1)/2. */
static void
add_recursion (GArray *events, guint64 start_ns, guint depth, guint32 code)
{
  for (guint k = 0; k < depth; k++)
    add_event (events, start_ns + k * 10 * US, TC_EVENT_CALL, code);
  for (guint k = 0; k < depth; k++)
    add_event (events, start_ns + (depth + k) * 10 * US, TC_EVENT_RETURN, 0);
}

/* On thread 1, one after the other:
 *   slow()  2 × 150 ms                     → avg 150 ms: SLOW
 *   hot()  60 × 12 ms (total 720 ms)        → PERF (> 50 calls, > 10 ms)
 *   vary() 9 × 1 ms + 1 × 31 ms             → avg 4, σ 9 (225 %): VARY
 *   deep() 22 deep (total 5.06 ms)           → REC HIGH
 *   mid()   7 deep (total 0.56 ms)           → REC MEDIUM
 * ram_mb 100 → 600 → 160: grew 60 MB, peak 600 MB: MEM twice.
 * Warnings A, B, A, C, A, C: A fired 3×, C 2× (in that order), B once.
 * No metrics, 5001 unlabelled snapshots over 5 s in mode "full": 3 tips. */
static char *
write_suggestions_recording (void)
{
  char *path = g_build_filename (tc_test_dir (), "suggestions.tc", NULL);
  TcError err = { 0 };
  TcWriterOptions opts = { "5u66e57s", "timecapsule-tests", 0, 0 };
  TcKeyValue items[] = {
    { TC_STR ("argv"), TC_STR ("busy.py") },
    { TC_STR ("src"), TC_STR ("/tmp/tc-tests/busy.py") },
    { TC_STR ("mode"), TC_STR ("full") },
  };
  TcSession session = { items, G_N_ELEMENTS (items) };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/busy.py") };
  TcCodeDef codes[] = {
    { CODE_HOT, 1, 1, TC_CODE_FLAG_TRACKED, TC_STR ("hot"), TC_STR ("hot"), TC_STR ("__main__") },
    { CODE_SLOW, 1, 4, TC_CODE_FLAG_TRACKED, TC_STR ("slow"), TC_STR ("slow"), TC_STR ("__main__") },
    { CODE_VARY, 1, 7, TC_CODE_FLAG_TRACKED, TC_STR ("vary"), TC_STR ("vary"), TC_STR ("__main__") },
    { CODE_DEEP, 1, 10, TC_CODE_FLAG_TRACKED, TC_STR ("deep"), TC_STR ("deep"), TC_STR ("__main__") },
    { CODE_MID, 1, 13, TC_CODE_FLAG_TRACKED, TC_STR ("mid"), TC_STR ("mid"), TC_STR ("__main__") },
  };
  TcCounterDef ram = { COUNTER_RAM, TC_STR ("ram_mb"), TC_STR ("MB"), TC_STR ("process RSS") };
  static const char *codes_fired[] = { "A_CODE", "B_CODE", "A_CODE", "C_CODE", "A_CODE", "C_CODE" };
  static const double ram_mb[] = { 100, 600, 160 };
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (TcEvent));
  TcEndFixed end = { 0 };
  guint64 t = 0;
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &main_thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpint (tc_writer_write_code (w, 0, &codes[i]), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_counter_def (w, 0, &ram), ==, TC_OK);

  for (guint i = 0; i < 2; i++)
    t = add_call (events, t, 150 * MS, CODE_SLOW);
  for (guint i = 0; i < 60; i++)
    t = add_call (events, t, 12 * MS, CODE_HOT);
  for (guint i = 0; i < 10; i++)
    t = add_call (events, t, (i == 4 ? 31 : 1) * MS, CODE_VARY);
  add_recursion (events, 1100 * MS, 22, CODE_DEEP);
  add_recursion (events, 1200 * MS, 7, CODE_MID);
  g_assert_cmpint (tc_writer_write_events (w, 1, (TcEvent *) events->data, events->len), ==, TC_OK);

  for (guint i = 0; i < G_N_ELEMENTS (ram_mb); i++)
    {
      TcCounterValue v = { COUNTER_RAM, ram_mb[i] };

      g_assert_cmpint (tc_writer_write_system (w, i * S, &v, 1), ==, TC_OK);
    }
  for (guint i = 0; i < G_N_ELEMENTS (codes_fired); i++)
    {
      TcWarning warning = { TC_LEVEL_WARN, { codes_fired[i], strlen (codes_fired[i]) }, TC_STR ("fired"),
                            TC_STR (""), NULL, 0 };

      g_assert_cmpint (tc_writer_write_warning (w, 1, (i + 1) * 100 * MS, &warning), ==, TC_OK);
    }
  for (guint i = 0; i < N_SNAPS; i++)
    {
      TcSnapshot snap = { 0 };

      snap.index = i;
      snap.kind = TC_SNAPSHOT_TIMER;
      snap.origin_thread = 1;
      snap.time_ns = i * MS;
      snap.evt = TC_STR ("TIMER");
      g_assert_cmpint (tc_writer_write_snapshot (w, &snap), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

static TcDocument *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  TcDocument *doc = tc_document_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return doc;
}

typedef struct
{
  TcSuggestionKind kind;
  const char      *tag;
  const char      *severity;
  const char      *subject;
  guint32          code_id;
  const char      *text;
} Expected;

static void
test_every_rule (void)
{
  static const Expected expected[] = {
    { TC_SUGGESTION_PERF, "PERF", "MEDIUM", "hot", CODE_HOT, "hot() called 60× at 12.0ms avg (720ms total) — hot path" },
    { TC_SUGGESTION_SLOW, "SLOW", "HIGH", "slow", CODE_SLOW, "slow() avg 150.0ms — cache results or profile internals" },
    { TC_SUGGESTION_VARY, "VARY", "MEDIUM", "vary", CODE_VARY, "vary() σ=9.0ms (225% of avg) — inconsistent, check for cold paths" },
    { TC_SUGGESTION_MEM, "MEM", "MEDIUM", NULL, 0, "RAM grew 60MB — check for unbounded lists/caches" },
    { TC_SUGGESTION_MEM, "MEM", "MEDIUM", NULL, 0, "RAM peak 600MB — consider chunked processing or generators" },
    { TC_SUGGESTION_REC, "REC", "HIGH", "deep", CODE_DEEP, "deep() depth 22 — stack overflow risk, use iteration" },
    { TC_SUGGESTION_REC, "REC", "MEDIUM", "mid", CODE_MID, "mid() depth 7 — consider memoization" },
    { TC_SUGGESTION_WARN, "WARN", "MEDIUM", "A_CODE", 0, "A_CODE fired 3× — systematic issue" },
    { TC_SUGGESTION_WARN, "WARN", "MEDIUM", "C_CODE", 0, "C_CODE fired 2× — systematic issue" },
    { TC_SUGGESTION_TIP, "TIP", "LOW", NULL, 0, "add tc.metric('name', value) to track progress over time" },
    { TC_SUGGESTION_TIP, "TIP", "LOW", NULL, 0, "add tc.snap('label') at key points to name moments in the timeline" },
    { TC_SUGGESTION_TIP, "TIP", "LOW", NULL, 0, "5001 snapshots — consider mode='sample' for lower overhead" },
  };
  g_autofree char *path = write_suggestions_recording ();
  g_autoptr (TcDocument) doc = load (path);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GArray) found = tc_analysis_suggestions (doc, NULL, text);
  g_autoptr (GString) lines = g_string_new (NULL);
  TcReportOptions options = { { 120, FALSE }, 15, FALSE, NULL };
  g_autofree char *report = NULL;

  g_assert_cmpuint (found->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < found->len; i++)
    {
      const TcSuggestion *s = &g_array_index (found, TcSuggestion, i);

      g_test_message ("%u: [%s] %s", i, s->tag, s->text);
      g_assert_cmpint (s->kind, ==, expected[i].kind);
      g_assert_cmpstr (s->tag, ==, expected[i].tag);
      g_assert_cmpstr (s->severity, ==, expected[i].severity);
      g_assert_cmpstr (s->subject, ==, expected[i].subject);
      g_assert_cmpuint (s->code_id, ==, expected[i].code_id);
      g_assert_cmpstr (s->text, ==, expected[i].text);
      g_string_append_printf (lines, "  [%-4s]  %s\n", expected[i].tag, expected[i].text);
    }
  /* The text is the report's section 13, tags padded to 4 columns. */
  g_assert_cmpstr (text->str, ==, lines->str);
  g_assert_true (g_str_has_prefix (text->str, "  [PERF]  hot() called 60×"));
  g_assert_nonnull (strstr (text->str, "\n  [MEM ]  RAM grew 60MB"));

  report = tc_report_render (doc, &options);
  g_assert_nonnull (strstr (report, lines->str));
  g_assert_nonnull (strstr (report, "OPTIMIZATION SUGGESTIONS"));
  g_assert_null (strstr (report, "No obvious optimizations"));
}

static void
test_colours (void)
{
  g_autofree char *path = g_build_filename (tc_test_dir (), "suggestions.tc", NULL);
  g_autoptr (TcDocument) doc = NULL;
  TcTextStyle style = { 100, TRUE };
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GArray) found = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_free (write_suggestions_recording ());
  doc = load (path);
  found = tc_analysis_suggestions (doc, &style, text);
  g_assert_cmpuint (found->len, ==, 12);
  /* HIGH red, MEDIUM yellow, uneven timings magenta, tips cyan. */
  g_assert_nonnull (strstr (text->str, "  \033[31m[SLOW]\033[0m  slow()"));
  g_assert_nonnull (strstr (text->str, "  \033[33m[PERF]\033[0m  hot()"));
  g_assert_nonnull (strstr (text->str, "  \033[35m[VARY]\033[0m  vary()"));
  g_assert_nonnull (strstr (text->str, "  \033[31m[REC ]\033[0m  deep()"));
  g_assert_nonnull (strstr (text->str, "  \033[33m[REC ]\033[0m  mid()"));
  g_assert_nonnull (strstr (text->str, "  \033[36m[TIP ]\033[0m  add tc.metric"));
}

/* timings.tc fires one rule (REPEATED_CALL twice); crash.tc none. */
static void
test_fixtures (void)
{
  g_autofree char *timings_path = tc_test_write_timings ();
  g_autofree char *crash_path = tc_test_write_crash ();
  g_autoptr (TcDocument) timings = load (timings_path);
  g_autoptr (TcDocument) crash = load (crash_path);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GArray) found = tc_analysis_suggestions (timings, NULL, NULL);
  g_autoptr (GArray) none = tc_analysis_suggestions (crash, NULL, text);
  const TcSuggestion *s;

  g_assert_cmpuint (found->len, ==, 1);
  s = &g_array_index (found, TcSuggestion, 0);
  g_assert_cmpint (s->kind, ==, TC_SUGGESTION_WARN);
  g_assert_cmpstr (s->text, ==, "REPEATED_CALL fired 2× — systematic issue");
  g_assert_cmpstr (s->subject, ==, "REPEATED_CALL");

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpstr (text->str, ==, "  ✓ No obvious optimizations detected.\n");
}

static void
test_checklist (void)
{
  const char * const *index_error = tc_exception_checklist ("IndexError");
  const char * const *unknown = tc_exception_checklist ("NoSuchError");
  g_autofree char *path = tc_test_write_crash ();
  g_autoptr (TcDocument) doc = load (path);
  TcReportOptions options = { { 120, FALSE }, 15, FALSE, NULL };
  g_autofree char *report = tc_report_render (doc, &options);
  g_autoptr (GString) lines = g_string_new ("\n  Fix checklist:\n");

  g_assert_nonnull (index_error[0]);
  g_assert_null (unknown[0]);
  g_assert_null (tc_exception_checklist (NULL)[0]);
  for (guint i = 0; index_error[i]; i++)
    g_string_append_printf (lines, "    ☐ %s\n", index_error[i]);
  /* The report's checklist is this list, in order. */
  g_assert_nonnull (strstr (report, lines->str));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/analysis/suggestions/every-rule", test_every_rule);
  g_test_add_func ("/tc/analysis/suggestions/colours", test_colours);
  g_test_add_func ("/tc/analysis/suggestions/fixtures", test_fixtures);
  g_test_add_func ("/tc/analysis/suggestions/checklist", test_checklist);
  return g_test_run ();
}

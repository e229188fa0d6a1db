/* SPDX-License-Identifier: MIT
 *
 * test-report.c — the 15-section report, summary and explain: titles,
 * numbers, marker placement, widths, colour.
 */
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

static char *
render (TcDocument *doc, int width, gboolean color)
{
  TcReportOptions o = { { width, color }, 15, FALSE, "timings.tc" };

  return tc_report_render (doc, &o);
}

/* The text with every run of whitespace as one space (wrapped paragraphs). */
static char *
flat (const char *text)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_string_append_printf (out, "%s%s", out->len ? " " : "", words[i]);
  return g_string_free (out, FALSE);
}

static void
test_sections (void)
{
  g_autofree char *text = render (timings_doc, 100, FALSE);
  g_autofree char *crash = render (crash_doc, 100, FALSE);
  static const char *titles[] = {
    "  TIMECAPSULE v6 REPORT\n", "  WHAT YOUR CODE DID\n", "  WARNINGS  (2 total)\n",
    "  FUNCTION PERFORMANCE\n", "  METRICS  (1 tracked)\n", "  MEMORY\n", "  VARIABLE TIMELINES\n",
    "  HOT LINES\n", "  RETURN VALUES  (last 1)\n", "  OPTIMIZATION SUGGESTIONS\n",
    "  ASCII FLAME GRAPH  (total time by function)\n", "  SNAPSHOT TIMELINE  (10 total)\n",
    "  Generated: ",
  };
  const char *at = text;

  /* In order. */
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      const char *found = strstr (at, titles[i]);

      g_assert_nonnull (found);
      at = found;
    }
  g_assert_null (strstr (text, "CRASH FORENSICS"));
  g_assert_null (strstr (text, "STACK SAMPLE PROFILE"));
  g_assert_nonnull (strstr (text, "Source: timings.tc   timecapsule v6.0\n"));

  /* Numbers. */
  g_assert_nonnull (strstr (text, "  duration : 9.000000s\n"));
  g_assert_nonnull (strstr (text, "  snapshots: 10   variables: 3\n"));
  g_assert_nonnull (strstr (text, "  RAM peak : 104.5MB   FD peak: 14\n"));
  g_assert_nonnull (strstr (text, "  ⚠ 2 warning(s)\n"));
  {
    g_autofree char *story = flat (text);

    g_assert_nonnull (strstr (story, "demo_src.py ran for 9.000s capturing 10 snapshots across 3 variables. "
                                     "Dominant function: work() × 4 avg 4.00ms/call. Final metrics: loss=1. "
                                     "RAM grew 100→104MB (+4MB). 2 automatic warning(s) detected. No crashes."));
  }
  g_assert_nonnull (strstr (text, "  [WARN]   t=3.000s  REPEATED_CALL  var=fib\n         'fib' called ×50\n"));
  g_assert_nonnull (strstr (text, "       4     16.00ms   4.000ms   3.000ms   3.000ms   3.000ms"));
  g_assert_nonnull (strstr (text, "  Total: 9 calls  66.0ms  1 calls/s\n"));
  g_assert_nonnull (strstr (text, "  fib                            max depth = 3\n"));
  g_assert_nonnull (strstr (text, "  [WARN]  REPEATED_CALL fired 2× — systematic issue\n"));
  g_assert_nonnull (strstr (text, "  b  (5 changes)\n    t=5.0000s  5  [int]\n    t=6.0000s  5 → 4  [int]\n"));
  g_assert_nonnull (strstr (text, "  #0005  t=5.0000s  [SNAP:halfway]  main():4  halfway #phase1\n"));
  /* _tc labels are hidden. */
  g_assert_null (strstr (text, "_tc_init"));

  g_assert_nonnull (strstr (crash, "  CRASH FORENSICS\n"));
  g_assert_nonnull (strstr (crash, "  ⚠ CRASH IndexError: list index out of range\n"));
  g_assert_nonnull (strstr (crash, "  location: demo_src.py  fn=work()  line=9  t=0.5000s\n"));
  g_assert_nonnull (strstr (crash, "Tried to access list index out of range."));
  g_assert_nonnull (strstr (crash, "\n  ►      9      return data[x]\n"));
  g_assert_nonnull (strstr (crash, "\n         8  def work(x):\n"));
  g_assert_nonnull (strstr (crash, "    ☐ Check: if idx < len(lst)\n"));
  g_assert_nonnull (strstr (crash, "    → work()  demo_src.py:9  [__main__]\n"));
  g_assert_nonnull (strstr (crash, "⚠ 1 ERROR warning(s)  + 0 WARN"));
}

/* The anomaly marker sits under the first sparkline cell showing the
 * anomalous value (the seed's padding put it elsewhere). */
static void
test_anomaly_marker (void)
{
  g_autofree char *text = render (timings_doc, 80, FALSE);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean checked = FALSE;

  for (guint i = 0; lines[i] && lines[i + 1]; i++)
    {
      glong caret;
      gunichar cell;

      if (!g_str_has_prefix (lines[i], "  ▕") || !strstr (lines[i + 1], "← anomalies (z>2.5)"))
        continue;
      /* W = 80 → 30 cells; cell c shows value c·20/30; value 10 first at c = 15. */
      caret = g_utf8_pointer_to_offset (lines[i + 1], strchr (lines[i + 1], '^'));
      g_assert_cmpint (caret, ==, 3 + 15);
      g_assert_null (strchr (strchr (lines[i + 1], '^') + 1, '^'));
      cell = g_utf8_get_char (g_utf8_offset_to_pointer (lines[i], caret));
      g_assert_cmpint (cell, ==, 0x2588); /* █: the maximum */
      cell = g_utf8_get_char (g_utf8_offset_to_pointer (lines[i], caret - 1));
      g_assert_cmpint (cell, ==, 0x2581); /* ▁ before it */
      checked = TRUE;
    }
  g_assert_true (checked);
}

static void
test_widths_and_colour (void)
{
  const int widths[] = { 80, 120 };

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (guint d = 0; d < 2; d++)
      {
        g_autofree char *plain = render (d ? crash_doc : timings_doc, widths[w], FALSE);
        g_autofree char *colour = render (d ? crash_doc : timings_doc, widths[w], TRUE);
        g_autofree char *stripped = tc_strip_ansi (colour);
        g_auto (GStrv) lines = g_strsplit (plain, "\n", -1);
        char *generated;

        g_assert_null (strchr (plain, '\033'));
        g_assert_nonnull (strchr (colour, '\033'));
        /* Same text apart from the clock in the footer. */
        generated = strstr (stripped, "Generated:");
        g_assert_nonnull (generated);
        g_assert_cmpint (generated - stripped, ==, strstr (plain, "Generated:") - plain);
        g_assert_true (strncmp (stripped, plain, generated - stripped) == 0);
        for (guint i = 0; lines[i]; i++)
          if (tc_utf8_width (lines[i]) > (gsize) widths[w])
            g_error ("line %u is %zu columns wide at W=%d: %s", i, tc_utf8_width (lines[i]), widths[w], lines[i]);
      }
}

static void
test_summary_and_explain (void)
{
  g_autofree char *line = tc_report_summary_line (timings_doc, NULL);
  g_autofree char *crash = tc_report_summary_line (crash_doc, NULL);
  g_autoptr (GPtrArray) sentences = tc_report_explain_sentences (timings_doc);
  g_autofree char *verbose = tc_report_explain (timings_doc, TRUE, NULL);

  g_assert_cmpstr (line, ==, "✓ clean demo_src.py | 10 snaps | 9.000s | 3 vars | 2 warn | work×4, fib×3, main×1");
  g_assert_true (g_str_has_prefix (crash, "💥 CRASH demo_src.py | 3 snaps | 0.500s | 1 vars | 1 warn"));
  g_assert_cmpstr (g_ptr_array_index (sentences, 0), ==, "demo_src.py ran for 9.000s, recording 10 snapshots across 3 variables.");
  g_assert_cmpstr (g_ptr_array_index (sentences, 1), ==, "Dominant operation: work() × 4 (avg 4.000ms/call).");
  g_assert_cmpstr (g_ptr_array_index (sentences, 2), ==, "Final metrics: loss=1.");
  g_assert_cmpstr (g_ptr_array_index (sentences, 3), ==, "Most-tracked: a, main.x, b.");
  g_assert_cmpstr (g_ptr_array_index (sentences, 4), ==, "Named checkpoints: 'halfway'.");
  g_assert_cmpstr (g_ptr_array_index (sentences, 5), ==, "Slowest: main() 31.000ms avg, 31.000ms total.");
  g_assert_cmpstr (g_ptr_array_index (sentences, 6), ==, "RAM grew 100→104MB (+4MB).");
  g_assert_cmpstr (g_ptr_array_index (sentences, 7), ==, "2 warning(s): REPEATED_CALL.");
  g_assert_cmpstr (g_ptr_array_index (sentences, 8), ==, "No crashes.");
  g_assert_cmpuint (sentences->len, ==, 9);
  g_assert_true (g_str_has_prefix (verbose, "╔═════"));
  g_assert_nonnull (strstr (verbose, "║ 1. demo_src.py ran for 9.000s"));
}

static void
test_helpers (void)
{
  const double values[] = { 0, 7 };
  g_autofree char *spark = tc_sparkline (values, 2, 4, NULL);
  g_autofree char *empty = tc_sparkline (NULL, 0, 3, NULL);
  g_autofree char *bar = tc_heat_bar (5, 10, 4);
  g_autofree char *big = tc_format_thousands (1234567);
  g_autofree char *plain = tc_strip_ansi ("\033[1mbold\033[0m and \033[31mred\033[0m");

  g_assert_cmpstr (spark, ==, "▁▁██");
  g_assert_cmpstr (empty, ==, "───");
  g_assert_cmpstr (bar, ==, "██░░");
  g_assert_cmpstr (big, ==, "1,234,567");
  g_assert_cmpstr (plain, ==, "bold and red");
}

static void
test_dump (void)
{
  g_autofree char *dump = tc_report_dump (crash_doc, NULL, NULL);

  g_assert_nonnull (strstr (dump, "[0002] t=0.300000s TIMER\n       work():9  demo_src.py\n       i = 3 [int 28B] [CHG]\n"));
  g_assert_nonnull (strstr (dump, "CRASH REPORT"));
  g_assert_nonnull (strstr (dump, "WHAT THIS MEANS"));
  g_assert_nonnull (strstr (dump, "TRACEBACK\nTraceback (most recent call last):"));
}

/* Section 12 from the events: a recording of coroutines without a
 * snapshot inside a task still has the section, with the coroutine table,
 * within 80 and 120 columns. */
static void
test_async_section (void)
{
  g_autoptr (TcDocument) doc = load (tc_test_write_coroutines ());
  const int widths[] = { 80, 120 };

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      g_autofree char *text = render (doc, widths[w], FALSE);
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      const char *section = strstr (text, "  ASYNC / COROUTINE ACTIVITY\n");

      g_assert_nonnull (section);
      g_assert_true (section < strstr (text, "  OPTIMIZATION SUGGESTIONS\n"));
      g_assert_nonnull (strstr (section, "\n  handle "));
      g_assert_nonnull (strstr (section, "       3       3        3        3     14.00ms      2.0 "));
      g_assert_nonnull (strstr (section, "\n  fetch "));
      g_assert_null (strstr (section, "ticker"));
      g_assert_true ((strstr (text, "MainThread, loop-2\n") != NULL) == (widths[w] == 120));
      for (guint i = 0; lines[i]; i++)
        g_assert_cmpuint (tc_utf8_width (lines[i]), <=, (gsize) widths[w]);
    }
  /* Without coroutines or snapshot tasks there is no section. */
  {
    g_autofree char *text = render (timings_doc, 100, FALSE);

    g_assert_null (strstr (text, "ASYNC / COROUTINE ACTIVITY"));
  }
}

int
main (int argc, char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);
  timings_doc = load (tc_test_write_timings ());
  crash_doc = load (tc_test_write_crash ());
  g_test_add_func ("/tc/analysis/report/sections", test_sections);
  g_test_add_func ("/tc/analysis/report/anomaly-marker", test_anomaly_marker);
  g_test_add_func ("/tc/analysis/report/widths-and-colour", test_widths_and_colour);
  g_test_add_func ("/tc/analysis/report/summary-and-explain", test_summary_and_explain);
  g_test_add_func ("/tc/analysis/report/helpers", test_helpers);
  g_test_add_func ("/tc/analysis/report/dump", test_dump);
  g_test_add_func ("/tc/analysis/report/async", test_async_section);
  result = g_test_run ();
  g_object_unref (timings_doc);
  g_object_unref (crash_doc);
  return result;
}

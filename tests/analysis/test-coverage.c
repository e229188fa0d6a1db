/* SPDX-License-Identifier: MIT
 *
 * test-coverage.c — line coverage says what the data is: first-hit line
 * hits (SESSION line_hits=first) are "ran / never ran", never counts or a
 * hot-lines ranking; docstrings, comments and continuation lines are not
 * code; top-level lines above record(), and the lines of the function that
 * called record() above the call, are "before recording", not dead.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tc-analysis.h"
#include "tc-report.h"
#include "tc-test-recordings.h"

static const char source[] =
  "\"\"\"A module docstring\n"            /* 1 */
  "on two lines.\"\"\"\n"                 /* 2 */
  "import os\n"                           /* 3  top, before record() */
  "\n"                                    /* 4 */
  "def work(n):\n"                        /* 5  top, before record() */
  "    '''Docstring of work.'''\n"        /* 6  not code */
  "    total = sum(\n"                    /* 7  ran */
  "        range(n))\n"                   /* 8  continuation: not code */
  "    # a comment\n"                     /* 9  not code */
  "    if total < 0:\n"                   /* 10 ran */
  "        total = 0\n"                   /* 11 never ran */
  "    else:\n"                           /* 12 no line event: not code */
  "        total += 1\n"                  /* 13 ran */
  "    return total\n"                    /* 14 ran */
  "\n"                                    /* 15 */
  "class Box:\n"                          /* 16 top, before record() */
  "    size = 3\n"                        /* 17 class body: before record() */
  "    def get(self):\n"                  /* 18 class body: before record() */
  "        return self.size\n"            /* 19 never ran */
  "\n"                                    /* 20 */
  "import timecapsule as tc\n"            /* 21 top, before record() */
  "tc.record()\n"                         /* 22 top, running: before */
  "x = work(40)\n"                        /* 23 top, ran */
  "print(x)\n"                            /* 24 top, never ran (crashed?) */
  "s = \"\"\"text\n"                      /* 25 top, ran */
  "more\"\"\"\n"                          /* 26 continuation */
  "def main():\n"                         /* 27 top, ran (defined) */
  "    setup = 1\n"                       /* 28 main() was running: before */
  "    tc.record()\n"                     /* 29 before */
  "    work(3)\n"                         /* 30 ran */
  "    return setup\n";                   /* 31 never ran */

static char *
write_recording (gboolean first_hit)
{
  g_autofree char *path = g_build_filename (tc_test_dir (), first_hit ? "cov-first.tc" : "cov-count.tc", NULL);
  /* Counted data: work() ran 40 times.  First-hit data: each line once. */
  guint64 n = first_hit ? 1 : 40;
  TcLineHit hits[] = { { 7, n, 0 }, { 10, n, 0 }, { 13, n, 0 }, { 14, n, 0 }, { 23, 1, 0 }, { 25, 1, 0 }, { 27, 1, 0 }, { 30, 1, 0 } };

  return tc_test_write_line_hits (path, "/tmp/tc-tests/cov.py", source,
                                  hits, G_N_ELEMENTS (hits), first_hit);
}

static TcDocument *
load (gboolean first_hit)
{
  g_autofree char *path = write_recording (first_hit);
  g_autoptr (GError) error = NULL;
  TcDocument *doc = tc_document_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return doc;
}

static guint
state_of (TcCoverage *cov, guint line)
{
  return g_array_index (cov->lines, TcCoverageLine, line - 1).state;
}

static void
test_code_lines (void)
{
  g_autoptr (TcDocument) doc = load (TRUE);
  TcCoverage *cov = tc_analysis_coverage (doc, NULL, NULL, NULL, NULL);
  const guint not_code[] = { 1, 2, 4, 6, 8, 9, 12, 15, 20, 26 };
  const guint before[] = { 3, 5, 16, 17, 18, 21, 22, 28, 29 };
  const guint ran[] = { 7, 10, 13, 14, 23, 25, 27, 30 };
  const guint never[] = { 11, 19, 24, 31 };

  g_assert_nonnull (cov);
  g_assert_cmpuint (cov->n_lines, ==, 31);
  for (guint i = 0; i < G_N_ELEMENTS (not_code); i++)
    g_assert_cmpuint (state_of (cov, not_code[i]), ==, TC_COVERAGE_NOT_CODE);
  for (guint i = 0; i < G_N_ELEMENTS (before); i++)
    g_assert_cmpuint (state_of (cov, before[i]), ==, TC_COVERAGE_BEFORE_RECORDING);
  for (guint i = 0; i < G_N_ELEMENTS (ran); i++)
    g_assert_cmpuint (state_of (cov, ran[i]), ==, TC_COVERAGE_RAN);
  for (guint i = 0; i < G_N_ELEMENTS (never); i++)
    g_assert_cmpuint (state_of (cov, never[i]), ==, TC_COVERAGE_NEVER_RAN);
  g_assert_cmpuint (cov->n_hit, ==, 8);
  g_assert_cmpuint (cov->n_executable, ==, 12);
  g_assert_cmpuint (cov->n_before, ==, 9);
  tc_coverage_free (cov);
}

static void
test_first_hit_is_not_a_count (void)
{
  g_autoptr (TcDocument) doc = load (TRUE);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) hot = tc_analysis_hotlines (doc);
  g_autofree char *report = NULL;
  TcReportOptions options = { { 0 }, 0, FALSE, NULL };
  TcCoverage *cov;

  g_assert_false (tc_analysis_line_hits_counted (doc));
  cov = tc_analysis_coverage (doc, NULL, NULL, NULL, out);
  g_assert_false (cov->counted);
  tc_coverage_free (cov);
  g_assert_nonnull (strstr (out->str, "knows which lines ran, not how often"));
  g_assert_nonnull (strstr (out->str, "8/12 executable lines ran (66.7%) | 4 never ran | 9 ran before recording (not judged)"));
  g_assert_nonnull (strstr (out->str, "← never ran"));
  g_assert_null (strstr (out->str, "HOT"));
  g_assert_null (strstr (out->str, "HITS"));
  /* No ranking of lines that all read 1. */
  g_assert_cmpuint (hot->len, ==, 0);
  report = tc_report_render (doc, &options);
  g_assert_nonnull (strstr (report, "HOT LINES"));
  g_assert_nonnull (strstr (report, "knows which lines ran, not how often"));
}

static void
test_counts_still_count (void)
{
  g_autoptr (TcDocument) doc = load (FALSE);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) hot = tc_analysis_hotlines (doc);
  TcCoverage *cov;

  g_assert_true (tc_analysis_line_hits_counted (doc));
  cov = tc_analysis_coverage (doc, NULL, NULL, NULL, out);
  g_assert_true (cov->counted);
  g_assert_cmpuint (g_array_index (cov->lines, TcCoverageLine, 6).hits, ==, 40);
  tc_coverage_free (cov);
  g_assert_nonnull (strstr (out->str, "8/12 executable lines hit (66.7%) | 4 executable lines never reached"));
  g_assert_cmpuint (hot->len, ==, 8);
  g_assert_cmpuint (g_array_index (hot, TcHotLine, 0).hits, ==, 40);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/analysis/coverage/code-lines", test_code_lines);
  g_test_add_func ("/tc/analysis/coverage/first-hit", test_first_hit_is_not_a_count);
  g_test_add_func ("/tc/analysis/coverage/counts", test_counts_still_count);
  return g_test_run ();
}

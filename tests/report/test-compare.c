/* test-compare.c — the differential model on two recordings with known
 * differences (see tc-report-fixture.h)
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "compare/tc-comparison.h"
#include "tc-report-fixture.h"

static char *tmp_dir;

static TcComparison *
load_pair (const char *before_script,
           const char *after_script)
{
  g_autofree char *before_path = tc_report_fixture_write (tmp_dir, "before.tc", before_script, FALSE);
  g_autofree char *after_path = tc_report_fixture_write (tmp_dir, "after.tc", after_script, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) before = tc_document_load (before_path, NULL, NULL, NULL, &error);
  g_autoptr(TcDocument) after = NULL;

  g_assert_no_error (error);
  after = tc_document_load (after_path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  return tc_comparison_new (before, after);
}

static void
test_rows (void)
{
  g_autoptr(TcComparison) cmp = load_pair ("app.py", "app.py");
  GArray *rows = tc_comparison_get_rows (cmp);
  const TcCompareRow *work, *helper, *old_fn, *new_fn, *first;

  g_assert_cmpuint (rows->len, ==, 5);

  /* Biggest change first: work() lost 18 ms, main() 17 ms. */
  first = &g_array_index (rows, TcCompareRow, 0);
  g_assert_cmpstr (first->name, ==, "work");

  work = tc_comparison_find_row (cmp, "work");
  g_assert_nonnull (work);
  g_assert_cmpint (work->status, ==, TC_COMPARE_BOTH);
  g_assert_cmpuint (work->calls_before, ==, 3);
  g_assert_cmpuint (work->calls_after, ==, 3);
  g_assert_cmpfloat_with_epsilon (work->total_before_ms, 30.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (work->total_after_ms, 12.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (tc_compare_row_delta_ms (work), -18.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (tc_compare_row_delta_pct (work), -60.0, 1e-6);
  /* Matched although it moved two lines down. */
  g_assert_cmpuint (work->line_before, ==, 9);
  g_assert_cmpuint (work->line_after, ==, FIX_AFTER_LINE_WORK);
  g_assert_cmpstr (work->file, ==, "app.py");

  helper = tc_comparison_find_row (cmp, "helper");
  g_assert_cmpfloat_with_epsilon (tc_compare_row_delta_ms (helper), 0.0, 1e-6);

  old_fn = tc_comparison_find_row (cmp, "old_fn");
  g_assert_cmpint (old_fn->status, ==, TC_COMPARE_REMOVED);
  g_assert_cmpuint (old_fn->calls_after, ==, 0);
  g_assert_true (isnan (tc_compare_row_delta_pct (tc_comparison_find_row (cmp, "new_fn"))));

  new_fn = tc_comparison_find_row (cmp, "new_fn");
  g_assert_cmpint (new_fn->status, ==, TC_COMPARE_NEW);
  g_assert_cmpuint (new_fn->calls_after, ==, 2);
  g_assert_cmpfloat_with_epsilon (new_fn->total_after_ms, 2.0, 1e-6);
}

/* The recorded script was renamed between the runs: functions still match
 * by qualified name. */
static void
test_renamed_script (void)
{
  g_autoptr(TcComparison) cmp = load_pair ("app.py", "app_v2.py");
  const TcCompareRow *work = tc_comparison_find_row (cmp, "work");

  g_assert_cmpuint (tc_comparison_get_rows (cmp)->len, ==, 5);
  g_assert_cmpint (work->status, ==, TC_COMPARE_BOTH);
  g_assert_cmpfloat_with_epsilon (tc_compare_row_delta_pct (work), -60.0, 1e-6);
}

static gboolean
has_finding (GArray     *findings,
             const char *tag,
             const char *text)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const TcPatchFinding *f = &g_array_index (findings, TcPatchFinding, i);

      if (g_str_equal (f->tag, tag) && strstr (f->text, text) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_verdicts (void)
{
  g_autoptr(TcComparison) cmp = load_pair ("app.py", "app.py");
  GArray *findings = tc_comparison_get_findings (cmp);
  GArray *warnings = tc_comparison_get_warnings (cmp);
  gboolean saw_slow = FALSE, saw_nan = FALSE;

  g_assert_true (has_finding (findings, "FASTER", "work()"));
  g_assert_true (has_finding (findings, "FASTER", "Total"));
  g_assert_true (has_finding (findings, "REMOVED", "old_fn()"));
  g_assert_true (has_finding (findings, "NEW FN", "new_fn()"));
  g_assert_true (has_finding (findings, "FIXED", "IndexError"));
  g_assert_true (has_finding (findings, "LESS RAM", "150.0→110.0"));
  g_assert_true (has_finding (findings, "NEW WRN", "NAN_DETECTED"));
  g_assert_true (has_finding (findings, "FIX WRN", "SLOW_CALL"));
  g_assert_false (has_finding (findings, "SLOWER", ""));
  g_assert_nonnull (strstr (tc_comparison_get_summary_text (cmp), "PATCH SUMMARY"));

  g_assert_cmpint (tc_comparison_get_crash_verdict (cmp), ==, TC_CRASH_VERDICT_FIXED);

  for (guint i = 0; i < warnings->len; i++)
    {
      const TcWarningDelta *w = &g_array_index (warnings, TcWarningDelta, i);

      if (g_str_equal (w->code, "SLOW_CALL"))
        {
          saw_slow = TRUE;
          g_assert_cmpuint (w->n_before, ==, 2);
          g_assert_cmpuint (w->n_after, ==, 0);
        }
      else if (g_str_equal (w->code, "NAN_DETECTED"))
        {
          saw_nan = TRUE;
          g_assert_cmpuint (w->n_before, ==, 0);
          g_assert_cmpuint (w->n_after, ==, 1);
        }
    }
  g_assert_true (saw_slow && saw_nan);

  g_assert_cmpfloat_with_epsilon (tc_comparison_get_ram_peak (cmp, FALSE), 150.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (tc_comparison_get_ram_peak (cmp, TRUE), 110.0, 1e-6);
}

static void
test_flame (void)
{
  g_autoptr(TcComparison) cmp = load_pair ("app.py", "app.py");
  TcFlameTree *tree = tc_comparison_get_flame_tree (cmp);
  TcDocument *after = tc_comparison_get_after (cmp);
  guint32 path[2] = { 0, 0 };
  GPtrArray *codes = tc_document_get_codes (after);
  guint32 main_id = 0, work_id = 0, new_id = 0, node;

  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);

      if (g_str_equal (code->qualname, "main"))
        main_id = code->id;
      else if (g_str_equal (code->qualname, "work"))
        work_id = code->id;
      else if (g_str_equal (code->qualname, "new_fn"))
        new_id = code->id;
    }

  /* Width from "after", colour from the same path "before". */
  path[0] = main_id;
  path[1] = work_id;
  node = tc_flame_tree_find_path (tree, path, 2);
  g_assert_cmpuint (node, !=, TC_FLAME_NONE);
  g_assert_cmpint (tc_flame_tree_get_node (tree, node)->total, ==, 12 * 1000000);
  g_assert_cmpint (tc_comparison_get_node_before (cmp, node), ==, 30 * 1000000);
  g_assert_cmpstr (tc_comparison_node_name (cmp, node), ==, "work");

  node = tc_flame_tree_find_path (tree, path, 1);
  g_assert_cmpint (tc_comparison_get_node_before (cmp, node), ==, 34 * 1000000);

  path[1] = new_id;
  node = tc_flame_tree_find_path (tree, path, 2);
  g_assert_cmpuint (node, !=, TC_FLAME_NONE);
  g_assert_cmpint (tc_comparison_get_node_before (cmp, node), ==, -1);
}

static void
test_series (void)
{
  g_autoptr(TcComparison) cmp = load_pair ("app.py", "app.py");
  GPtrArray *names = tc_comparison_get_series_names (cmp);
  const TcDocSeries *before, *after;
  gboolean has_ram = FALSE, has_loss = FALSE;

  for (guint i = 0; i < names->len; i++)
    {
      has_ram |= g_str_equal (g_ptr_array_index (names, i), "ram_mb");
      has_loss |= g_str_equal (g_ptr_array_index (names, i), "loss");
    }
  g_assert_true (has_ram && has_loss);

  before = tc_comparison_get_series (cmp, "loss", FALSE);
  after = tc_comparison_get_series (cmp, "loss", TRUE);
  g_assert_cmpuint (before->points->len, ==, 11);
  g_assert_cmpfloat_with_epsilon (g_array_index (after->points, TcDocPoint, 10).value, 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (before->points, TcDocPoint, 10).value, 0.5, 1e-9);
}

static void
remove_tmp_dir (void)
{
  const char *names[] = { "before.tc", "after.tc" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (tmp_dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("tc-compare-XXXXXX", NULL);

  g_test_add_func ("/tc/compare/rows", test_rows);
  g_test_add_func ("/tc/compare/renamed-script", test_renamed_script);
  g_test_add_func ("/tc/compare/verdicts", test_verdicts);
  g_test_add_func ("/tc/compare/flame", test_flame);
  g_test_add_func ("/tc/compare/series", test_series);

  ret = g_test_run ();
  remove_tmp_dir ();
  g_free (tmp_dir);

  return ret;
}

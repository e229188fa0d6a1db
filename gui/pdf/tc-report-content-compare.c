/* tc-report-content-compare.c — the comparison pages of the printed report
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "compare/tc-compare-draw.h"
#include "tc-units.h"

#include "tc-report-pages-private.h"

#define MAX_ROWS 60

typedef struct
{
  TcComparison *comparison;
  GArray       *boxes;
  const char   *series;     /* overlay charts */
} CompareChart;

static void
compare_chart_free (gpointer data)
{
  CompareChart *chart = data;

  g_object_unref (chart->comparison);
  g_clear_pointer (&chart->boxes, g_array_unref);
  g_free (chart);
}

static void
draw_diff_flame (cairo_t           *cr,
                 const TcDrawStyle *style,
                 double             width,
                 double             height,
                 gpointer           data)
{
  CompareChart *chart = data;

  tc_diff_flame_draw_legend (cr, style, 0, 0);
  cairo_translate (cr, 0, 20);
  tc_diff_flame_draw (cr, style, chart->comparison, chart->boxes, width);
}

static void
draw_overlay (cairo_t           *cr,
              const TcDrawStyle *style,
              double             width,
              double             height,
              gpointer           data)
{
  CompareChart *chart = data;
  double t_max = MAX (tc_comparison_get_duration (chart->comparison, FALSE),
                      tc_comparison_get_duration (chart->comparison, TRUE));

  tc_overlay_chart_draw (cr, style, chart->series,
                         tc_comparison_get_series (chart->comparison, chart->series, FALSE),
                         tc_comparison_get_series (chart->comparison, chart->series, TRUE),
                         t_max, width, height);
}

static char *
signed_ms (double value)
{
  g_autofree char *text = tc_units_format_ms (fabs (value));

  return g_strdup_printf ("%s%s", value < 0 ? "−" : value > 0 ? "+" : "", text);
}

static char *
percent (double value)
{
  return isfinite (value) ? g_strdup_printf ("%+.0f%%", value) : g_strdup ("—");
}

void
_tc_report_build_comparison (TcReportPages *self,
                             TcComparison  *comparison)
{
  TcDocument *before = tc_comparison_get_before (comparison);
  TcDocument *after = tc_comparison_get_after (comparison);
  g_autofree char *before_name = g_path_get_basename (tc_document_get_path (before));
  g_autofree char *after_name = g_path_get_basename (tc_document_get_path (after));
  GArray *findings = tc_comparison_get_findings (comparison);
  GArray *rows = tc_comparison_get_rows (comparison);
  GArray *warnings = tc_comparison_get_warnings (comparison);
  GPtrArray *series = tc_comparison_get_series_names (comparison);
  TcReportTable *table;
  CompareChart *chart;
  guint max_depth = 0;

  _tc_report_section (self, _("Comparison"));
  _tc_report_textf (self, _("Before: %s, %.3f s. After: %s, %.3f s."),
                    before_name, tc_comparison_get_duration (comparison, FALSE),
                    after_name, tc_comparison_get_duration (comparison, TRUE));

  _tc_report_heading (self, _("Verdicts"));
  if (findings->len == 0)
    _tc_report_text (self, _("No significant differences (>10% threshold)."));
  else
    {
      table = _tc_report_table (self, "Verdict:0.16|Finding:0.84");
      for (guint i = 0; i < findings->len; i++)
        {
          const TcPatchFinding *f = &g_array_index (findings, TcPatchFinding, i);
          gboolean good = tc_patch_finding_tone (f) > 0;
          gboolean bad = tc_patch_finding_tone (f) < 0;

          _tc_report_row (self, table, good ? TC_ROW_GOOD : bad ? TC_ROW_BAD : 0,
                          g_strdup (f->tag), g_strdup (f->text));
        }
    }

  switch (tc_comparison_get_crash_verdict (comparison))
    {
    case TC_CRASH_VERDICT_FIXED:
      _tc_report_textf (self, "<span foreground='#26a269'><b>%s</b></span> %s: %s", _("Crash fixed."),
                        tc_document_get_crash (before)->exc_type, tc_document_get_crash (before)->message);
      break;
    case TC_CRASH_VERDICT_NEW:
      _tc_report_textf (self, "<span foreground='#e01b24'><b>%s</b></span> %s: %s", _("New crash."),
                        tc_document_get_crash (after)->exc_type, tc_document_get_crash (after)->message);
      break;
    case TC_CRASH_VERDICT_STILL:
      _tc_report_textf (self, "<b>%s</b> %s: %s", _("Still crashes."),
                        tc_document_get_crash (after)->exc_type, tc_document_get_crash (after)->message);
      break;
    case TC_CRASH_VERDICT_NONE:
    default:
      break;
    }

  chart = g_new0 (CompareChart, 1);
  chart->comparison = g_object_ref (comparison);
  chart->boxes = tc_flame_layout (tc_comparison_get_flame_tree (comparison), 0, 1.0 / 500.0);
  for (guint i = 0; i < chart->boxes->len; i++)
    max_depth = MAX (max_depth, g_array_index (chart->boxes, TcFlameBox, i).depth);
  _tc_report_heading (self, _("Differential flame graph"));
  {
    g_autofree char *view = tc_comparison_describe_flame_view (comparison);

    _tc_report_textf (self, _("%s. Width is the time after the change; colour says how the same call path changed."),
                      view);
  }
  _tc_report_chart (self, 24 + MIN (40, max_depth + 1) * TC_DIFF_FLAME_ROW, draw_diff_flame, chart, compare_chart_free);

  _tc_report_heading (self, _("Functions"));
  table = _tc_report_table (self, "Function:0.25|Calls before:0.13r|Calls after:0.12r|Before:0.13r|After:0.13r|Δ:0.13r|Δ %:0.11r");
  for (guint i = 0; i < MIN (rows->len, MAX_ROWS); i++)
    {
      const TcCompareRow *row = &g_array_index (rows, TcCompareRow, i);
      double delta = tc_compare_row_delta_ms (row);
      g_autofree char *name = row->status == TC_COMPARE_NEW ? g_strdup_printf ("%s (new)", row->name) :
                              row->status == TC_COMPARE_REMOVED ? g_strdup_printf ("%s (gone)", row->name) :
                              g_strdup (row->name);

      _tc_report_row (self, table, delta < 0 ? TC_ROW_GOOD : delta > 0 ? TC_ROW_BAD : 0,
                      g_steal_pointer (&name),
                      tc_units_format_count (row->calls_before), tc_units_format_count (row->calls_after),
                      tc_units_format_ms (row->total_before_ms), tc_units_format_ms (row->total_after_ms),
                      signed_ms (delta), percent (tc_compare_row_delta_pct (row)));
    }

  if (warnings->len > 0)
    {
      _tc_report_heading (self, _("Warnings"));
      table = _tc_report_table (self, "Code:0.4|Before:0.15r|After:0.15r|Verdict:0.3");
      for (guint i = 0; i < warnings->len; i++)
        {
          const TcWarningDelta *w = &g_array_index (warnings, TcWarningDelta, i);

          _tc_report_row (self, table, w->n_after == 0 ? TC_ROW_GOOD : w->n_before == 0 ? TC_ROW_BAD : 0,
                          g_strdup (w->code), g_strdup_printf ("%u", w->n_before), g_strdup_printf ("%u", w->n_after),
                          g_strdup (w->n_after == 0 ? _("fixed") : w->n_before == 0 ? _("new") : _("still there")));
        }
    }

  if (series->len > 0)
    {
      _tc_report_heading (self, _("Metrics and resources, before and after"));
      for (guint i = 0; i < series->len; i++)
        {
          chart = g_new0 (CompareChart, 1);
          chart->comparison = g_object_ref (comparison);
          chart->series = g_ptr_array_index (series, i);
          _tc_report_chart (self, 120, draw_overlay, chart, compare_chart_free);
        }
    }
}

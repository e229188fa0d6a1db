/* tc-comparison.h — what changed between two recordings (the "patch" view)
 *
 * SPDX-License-Identifier: MIT
 *
 * TcComparison is the differential model behind the compare page and the
 * comparison pages of the PDF: per-function before/after numbers, the
 * differential flame tree (the "after" tree with the "before" weight of each
 * call path), warnings fixed and new, the crash verdict, and the seed's
 * patch_summary findings from libtc-analysis.  Plain GLib: the headless PDF
 * export uses it without a display.
 *
 * Functions are matched by qualified name and file basename, never by line,
 * so a function whose lines moved is still the same function; when a name
 * lives in one file on each side (the script was renamed between the runs)
 * the qualified name alone matches.
 */
#pragma once

#include "tc-analysis.h"
#include "charts/tc-flame-tree.h"

G_BEGIN_DECLS

#define TC_TYPE_COMPARISON (tc_comparison_get_type ())

G_DECLARE_FINAL_TYPE (TcComparison, tc_comparison, TC, COMPARISON, GObject)

typedef enum
{
  TC_COMPARE_BOTH,     /* ran in both recordings */
  TC_COMPARE_NEW,      /* only after */
  TC_COMPARE_REMOVED,  /* only before */
} TcCompareStatus;

typedef struct
{
  const char      *name;          /* qualified name */
  const char      *file;          /* basename of its file ("" for builtins) */
  guint32          line_before;   /* first line (0 = absent) */
  guint32          line_after;
  guint32          file_id_after; /* for "show source" in the after recording */
  TcCompareStatus  status;
  guint64          calls_before;
  guint64          calls_after;
  double           total_before_ms;
  double           total_after_ms;
  double           self_before_ms;
  double           self_after_ms;
  double           avg_before_ms;
  double           avg_after_ms;
} TcCompareRow;

typedef enum
{
  TC_CRASH_VERDICT_NONE,      /* neither crashed */
  TC_CRASH_VERDICT_FIXED,     /* before crashed, after did not */
  TC_CRASH_VERDICT_NEW,       /* after crashed, before did not */
  TC_CRASH_VERDICT_STILL,     /* both crashed */
} TcCrashVerdict;

typedef struct
{
  const char *code;
  guint       n_before;
  guint       n_after;
} TcWarningDelta;

TcComparison       *tc_comparison_new               (TcDocument   *before,
                                                     TcDocument   *after);
TcDocument         *tc_comparison_get_before        (TcComparison *self);
TcDocument         *tc_comparison_get_after         (TcComparison *self);

/* TcCompareRow, biggest |Δ total| first. */
GArray             *tc_comparison_get_rows          (TcComparison *self);
const TcCompareRow *tc_comparison_find_row          (TcComparison *self,
                                                     const char   *name);
double              tc_compare_row_delta_ms         (const TcCompareRow *row);
/* Change of the total time in percent of before; NaN when before is 0. */
double              tc_compare_row_delta_pct        (const TcCompareRow *row);

/* The patch_summary findings of libtc-analysis (GArray of TcPatchFinding)
 * and their text, as the CLI prints them (no colour). */
GArray             *tc_comparison_get_findings      (TcComparison *self);
const char         *tc_comparison_get_summary_text  (TcComparison *self);
/* +1 when a finding is good news (FASTER, FIXED, LESS RAM, LESS GPU, FIX
 * WRN), -1 when bad (SLOWER, BROKE, MORE RAM, MORE GPU, NEW WRN), 0
 * otherwise (NEW FN, REMOVED). */
int                 tc_patch_finding_tone           (const TcPatchFinding *finding);

/* Warning codes new in "after" (n_before = 0) and fixed (n_after = 0), and
 * those in both with their counts: GArray of TcWarningDelta by code. */
GArray             *tc_comparison_get_warnings      (TcComparison *self);
TcCrashVerdict      tc_comparison_get_crash_verdict (TcComparison *self);

/* Durations in seconds and RAM peaks. */
double              tc_comparison_get_duration      (TcComparison *self,
                                                     gboolean      after);
double              tc_comparison_get_ram_peak      (TcComparison *self,
                                                     gboolean      after);

/* The differential flame tree: the "after" recording's tree, and per node
 * the inclusive ns of the same call path before (-1 when the path did not
 * exist before: new code).  Which threads and whether waiting counts is the
 * flame view: at first all threads, CPU only (idle threads and the time in
 * blocking calls left out, see tc-compare-flame.h). */
void                tc_comparison_set_flame_view    (TcComparison *self,
                                                     const char   *thread_name,
                                                     gboolean      cpu_only);
const char         *tc_comparison_get_flame_thread  (TcComparison *self);
gboolean            tc_comparison_get_cpu_only      (TcComparison *self);
GPtrArray          *tc_comparison_get_thread_names  (TcComparison *self);
char               *tc_comparison_describe_flame_view (TcComparison *self);
TcFlameTree        *tc_comparison_get_flame_tree    (TcComparison *self);
gint64              tc_comparison_get_node_before   (TcComparison *self,
                                                     guint32       node);
/* Display name of a flame node's function (from the after recording). */
const char         *tc_comparison_node_name         (TcComparison *self,
                                                     guint32       node);

/* Series (metric or system counter) present in both recordings with more
 * than one point on at least one side, by name
 * (GPtrArray of const char*, sorted: counters first, then metrics). */
GPtrArray          *tc_comparison_get_series_names  (TcComparison *self);
const TcDocSeries  *tc_comparison_get_series        (TcComparison *self,
                                                     const char   *name,
                                                     gboolean      after);

G_END_DECLS

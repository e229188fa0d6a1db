/* SPDX-License-Identifier: MIT
 *
 * tc-baseline.h — performance baselines for CI (spec §7.7, with its bugs
 * fixed): one store per project (a GKeyFile, one group per baseline name)
 * under $XDG_STATE_HOME/timecapsule/baselines/<project>.baseline (default
 * ~/.local/state/...), written atomically under an exclusive flock() so
 * concurrent CI jobs never lose or tear a write.  Records are returned as
 * JSON text.  Lookups never fall back to
 * another project's baseline, and a regression check with no matching
 * baseline fails loudly.
 */
#pragma once

#include "tc-analysis.h"

G_BEGIN_DECLS

#define TC_BASELINE_ERROR (tc_baseline_error_quark ())
typedef enum
{
  TC_BASELINE_ERROR_NOT_FOUND,  /* no baseline for this project/name */
  TC_BASELINE_ERROR_STORE,      /* store unreadable or unwritable */
} TcBaselineError;
GQuark tc_baseline_error_quark (void);

/* Directory of the stores (created on demand). */
char *tc_baseline_dir (void);
/* Project name: explicit, else the recorded script's basename. */
char *tc_baseline_project (TcDocument *doc, const char *project);

/* Saves the record and returns it as JSON text (NULL + error on failure);
 * prints `[TC] baseline saved → <proj>::<name>  (<src>  <dur>s)` to `out`. */
char *tc_baseline_save (TcDocument *doc, const char *name, const char *project,
                        GString *out, GError **error);
/* The stored record as JSON text, NULL + TC_BASELINE_ERROR_NOT_FOUND. */
char *tc_baseline_lookup (const char *project, const char *name, GError **error);

typedef struct
{
  char       *name;
  double      base_ms;
  double      cur_ms;
  double      delta_pct;
} TcBaselineDelta;

typedef struct
{
  const char *verdict;          /* "REGRESSION", "IMPROVEMENT", "NEUTRAL" (static) */
  char       *key;              /* "<project>::<name>" compared against */
  GArray     *regressions;      /* TcBaselineDelta, Δ descending */
  GArray     *improvements;     /* TcBaselineDelta, Δ ascending */
  double      base_duration;
  double      cur_duration;
} TcBaselineDiff;

/* NULL + error when there is no baseline for this project/name. */
TcBaselineDiff *tc_baseline_diff (TcDocument *doc, const char *name, const char *project,
                                  double threshold_pct, const TcTextStyle *style,
                                  GString *out, GError **error);
void            tc_baseline_diff_free (TcBaselineDiff *diff);

typedef struct
{
  double   max_slowdown_pct;    /* 20 */
  double   max_ram_growth_mb;   /* 50 */
  double   max_gpu_growth_mb;   /* 100: allocators and contexts move by MBs */
  gboolean fail_on_crash;       /* TRUE */
  const char *baseline_path;    /* a .tc to compare with; NULL = the store */
  const char *name;             /* store entry name; NULL = "default" */
  const char *project;          /* NULL = the script's basename */
} TcRegressionOptions;

/* Returns TRUE when every check passes.  No matching baseline is a failure
 * (FALSE, with `error` set) — never a silent pass.  Prints ✓/✗ lines. */
gboolean tc_regression_check (TcDocument *doc, const TcRegressionOptions *options,
                              GPtrArray *failures, const TcTextStyle *style,
                              GString *out, GError **error);

G_END_DECLS

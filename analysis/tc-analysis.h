/* SPDX-License-Identifier: MIT
 *
 * tc-analysis.h — the analyses of spec §2 on a loaded TcDocument.
 *
 * Pattern: each analysis computes a plain result (struct or GArray, owned by
 * the caller, freed with the matching *_free or g_array_unref) and, when `out`
 * is not NULL, appends the text the seed printed for it to `out`, styled by
 * `style` (NULL = 80 columns, no colour).  The CLI, the Python API and the
 * viewer share these functions, so their numbers always agree.
 *
 * Functions are keyed by TcDocCode.display, variables by TcDocVar.display.
 */
#pragma once

#include "tc-document.h"

G_BEGIN_DECLS

typedef struct
{
  int      width;   /* columns; <= 0 means 100 */
  gboolean color;   /* ANSI escapes (only when writing to a terminal) */
} TcTextStyle;

/* ---- timings (tc-analysis-stats.c) -------------------------------------- */

typedef struct { double ms; guint32 code_id; const char *name; } TcSlowCall;

/* The top_n slowest individual calls, slowest first (GArray of TcSlowCall). */
GArray *tc_analysis_slowest (TcDocument *doc, guint top_n);
/* calls / duration (a duration of 0 counts as 1 s, as the seed did). */
double  tc_analysis_rate    (TcDocument *doc, const TcFunctionStats *stats);

typedef struct { guint32 file_id; const char *file; guint32 line; guint64 hits; gint64 time_ns; } TcHotLine;
/* Every (file, line) with hits, most hits first (GArray of TcHotLine).
 * Empty when the hits are first-hit data (tc_analysis_line_hits_counted). */
GArray *tc_analysis_hotlines (TcDocument *doc);

typedef struct { const char *name; double total_ms; double avg_ms; double min_ms; double max_ms; guint calls; } TcBlockStats;
/* block:<name> and checkpoint:<name> marks aggregated, by total descending. */
GArray *tc_analysis_block_timings (TcDocument *doc);

/* Recursion depth per function (rec_max) is TcFunctionStats.max_depth. */

/* ---- anomalies (tc-analysis-anomalies.c) -------------------------------- */

typedef struct
{
  guint   index;      /* position in the series */
  gint64  time_ns;
  double  value;
  double  z;          /* rounded to 2 dp, as the seed */
} TcAnomaly;

/* z-scores of a metric's points (population μ and σ; σ = 0 becomes 1e-9);
 * keeps |z| >= threshold.  Non-finite values are excluded (an Inf would make
 * μ infinite and every z NaN).  Needs >= 3 points, else empty.  Sorted by z
 * descending.  Prints the CLI's --anomaly rows to `out`. */
GArray *tc_analysis_anomalies (TcDocument *doc, const char *metric, double z_threshold,
                               const TcTextStyle *style, GString *out);
/* Same on raw values (the report's sparkline markers use it). */
GArray *tc_analysis_anomalies_of (const double *values, guint n, double z_threshold);

/* ---- memory (tc-analysis-memory.c) -------------------------------------- */

typedef struct
{
  const char *name;   /* TcDocVar.display */
  const char *type_name;
  double      avg_bytes;
  guint64     max_bytes;
  guint       n_seen;
} TcMemoryEntry;

/* Per variable: sizes of the captures where it changed (size > 0); sorted by
 * max_bytes descending (GArray of TcMemoryEntry). */
GArray *tc_analysis_memory_map (TcDocument *doc);

typedef struct
{
  gboolean    insufficient;       /* fewer than 4 RSS points */
  gboolean    leak_detected;
  double      slope_mb_per_s;
  double      growth_mb_per_min;
  double      r_squared;
  double      intercept_mb;
  guint       n_points;
  const char *verdict;            /* "LEAK", "GROWING", "STABLE" (static) */
} TcLeakResult;

TcLeakResult tc_analysis_memory_leak (TcDocument *doc, double growth_threshold_mb,
                                      const TcTextStyle *style, GString *out);

/* The GPU memory a run peaked at, by each counter that can tell it, the most
 * telling first: this process's (NVML's process list), torch's allocated
 * peak, the whole device's.  Two runs are compared by the first one both
 * recorded. */
enum { TC_GPU_PEAKS = 3 };
typedef struct
{
  double peak_mb[TC_GPU_PEAKS];   /* NaN where the run has no such counter */
} TcGpuPeaks;

extern const char *const tc_gpu_peak_counters[TC_GPU_PEAKS];  /* "gpu_process_mb", … */
extern const char *const tc_gpu_peak_labels[TC_GPU_PEAKS];    /* "this process", … */
void tc_analysis_gpu_peaks (TcDocument *doc, TcGpuPeaks *peaks);
/* The counter two runs share (an index into the tables above), or -1. */
int  tc_gpu_peaks_common   (const TcGpuPeaks *a, const TcGpuPeaks *b);

/* ---- correlations (tc-analysis-correlations.c) -------------------------- */

typedef struct { char *a; char *b; double r; guint n; } TcCorrelation;

/* Pearson r between numeric variable/metric series aligned by time (each
 * series sampled as its last value at or before each snapshot time of the
 * other; only instants where both exist count).  Keeps |r| >= min_r, sorted
 * by |r| descending.  GArray of TcCorrelation (clear func frees strings). */
GArray *tc_analysis_correlations (TcDocument *doc, double min_r,
                                  const TcTextStyle *style, GString *out);
/* Plain Pearson r; NaN when n < 3 or a series has no variance. */
double  tc_pearson (const double *x, const double *y, guint n);

/* Least squares y = slope·x + intercept; r² = 1 − SSres/SStot (0 when SStot = 0). */
void    tc_linear_regression (const double *x, const double *y, guint n,
                              double *slope, double *intercept, double *r_squared);

/* ---- crash (tc-analysis-exception.c) ------------------------------------ */

typedef struct
{
  gboolean    has_crash;
  gboolean    has_root_cause;
  char       *bad_var;
  char       *bad_value;
  gint64      introduced_ns;
  char       *introduced_in;
} TcExceptionChain;

TcExceptionChain *tc_analysis_exception_chain (TcDocument *doc, const TcTextStyle *style, GString *out);
void              tc_exception_chain_free     (TcExceptionChain *chain);
/* The seed's plain-English text for an exception type (never NULL). */
const char       *tc_exception_friendly       (const char *exc_type);
/* The fix checklist for an exception type: what to check, in order (the
 * report's "Fix checklist", the viewer's crash page).  NULL-terminated,
 * static; empty for types without a list. */
const char * const *tc_exception_checklist    (const char *exc_type);

/* ---- loops (tc-analysis-loops.c) ---------------------------------------- */

typedef struct
{
  const char *type;      /* "STUCK", "TIGHT", "O(N²)", "DEEP_REC", "REC" (static) */
  const char *severity;  /* "HIGH", "MEDIUM", "LOW" (static) */
  char       *fn;
  guint       line;
  char       *evidence;
} TcLoopFinding;

GArray *tc_analysis_loops (TcDocument *doc, const TcTextStyle *style, GString *out);

/* ---- suggestions (tc-analysis-suggestions.c) ---------------------------- */

typedef enum
{
  TC_SUGGESTION_SLOW,   /* a function averaging > 100 ms */
  TC_SUGGESTION_PERF,   /* > 50 calls averaging > 10 ms: a hot path */
  TC_SUGGESTION_VARY,   /* > 5 calls averaging > 1 ms with σ > 1.5 × the mean */
  TC_SUGGESTION_MEM,    /* RAM grew > 50 MB, or peaked > 500 MB */
  TC_SUGGESTION_REC,    /* recursion deeper than 5 (HIGH deeper than 20) */
  TC_SUGGESTION_WARN,   /* one warning code fired more than once */
  TC_SUGGESTION_TIP,    /* recording advice: metrics, labels, sample mode */
} TcSuggestionKind;

typedef struct
{
  TcSuggestionKind kind;
  const char      *tag;       /* "SLOW", "PERF", "VARY", "MEM", "REC", "WARN", "TIP" (static) */
  const char      *severity;  /* "HIGH", "MEDIUM", "LOW" (static) */
  char            *text;      /* the sentence, e.g. "f() avg 120.0ms — cache results or …" */
  char            *subject;   /* the function (TcFunctionStats.name) or warning code; NULL else */
  guint32          code_id;   /* the function's code id; 0 when not about a function */
} TcSuggestion;

/* The optimization suggestions (report section 13), in the report's order:
 * function rules per function by total time, then memory, recursion,
 * repeated warnings, tips.  Prints the section's lines (no banner) to `out`:
 * "  [TAG ]  text" per suggestion, or "  ✓ No obvious optimizations
 * detected." when there are none.  GArray of TcSuggestion (its clear func
 * frees the strings). */
GArray *tc_analysis_suggestions (TcDocument *doc, const TcTextStyle *style, GString *out);

/* ---- comparing two recordings (tc-analysis-patch.c) --------------------- */

typedef struct
{
  const char *tag;       /* "FASTER", "SLOWER", "REMOVED", "NEW FN", "FIXED", "BROKE",
                            "LESS RAM", "MORE RAM", "LESS GPU", "MORE GPU",
                            "NEW WRN", "FIX WRN" (static) */
  char       *text;
} TcPatchFinding;

/* Prints the seed's patch summary to `out`; returns the findings. */
GArray *tc_analysis_patch_summary (TcDocument *before, TcDocument *after,
                                   const TcTextStyle *style, GString *out);

/* ---- structure (tc-analysis-callgraph.c, -coverage.c, -deadcode.c) ------ */

typedef struct { const char *caller; const char *callee; guint64 count; gint64 total_ns; } TcCallEdge;

/* caller → callee call counts from the recorded call trees (all threads,
 * self edges skipped), edges below min_calls dropped, by caller then count. */
GArray *tc_analysis_callgraph (TcDocument *doc, guint64 min_calls,
                               const TcTextStyle *style, GString *out);

/* What coverage can say about one line of source. */
typedef enum
{
  TC_COVERAGE_NOT_CODE = 0,     /* blank, comment, docstring, continuation */
  TC_COVERAGE_RAN,              /* ran while recording */
  TC_COVERAGE_NEVER_RAN,        /* code that did not run while recording */
  TC_COVERAGE_BEFORE_RECORDING, /* ran before record(), cannot be known: the
                                   top level above it, imported modules'
                                   definitions, the caller's lines above the
                                   call: not judged */
} TcCoverageState;

/* "ran", "never ran", "before recording"; NULL for TC_COVERAGE_NOT_CODE:
 * the words of the text report and of the Python API for first-hit data. */
const char *tc_coverage_state_name (TcCoverageState state);

typedef struct { guint32 line; guint64 hits; gint64 time_ns; guint32 state; } TcCoverageLine;

typedef struct
{
  guint32     file_id;
  const char *path;
  gboolean    counted;          /* hits are counts; FALSE: 1 = "ran at least once" */
  guint       n_lines;          /* lines of source */
  guint       n_executable;     /* code lines judged: ran + never ran */
  guint       n_hit;            /* code lines that ran */
  guint       n_before;         /* TC_COVERAGE_BEFORE_RECORDING lines */
  GArray     *lines;            /* TcCoverageLine, by line */
} TcCoverage;

/* Whether the line hits of `doc` are counts (old files, converted seed
 * recordings) or only say that a line ran at least once (SESSION key
 * `line_hits` = `first`: the recorder stops listening to a line after its
 * first run).  First-hit data is never a ranking. */
gboolean    tc_analysis_line_hits_counted (TcDocument *doc);

/* Coverage of one file (by path or basename; NULL = the recorded script),
 * per file, never summed across files.  Uses the embedded source, else the
 * file on disk (`source_path` overrides).  NULL when the file is unknown.
 * Code lines come from a scan of the source (statements; docstrings,
 * comments, continuation lines and `else:`/`try:`/`finally:` are not code)
 * plus every line that ran. */
TcCoverage *tc_analysis_coverage (TcDocument *doc, const char *file, const char *source_path,
                                  const TcTextStyle *style, GString *out);
void        tc_coverage_free     (TcCoverage *coverage);

typedef struct
{
  GPtrArray *never_called;  /* char*: functions defined in tracked files that never ran */
  GPtrArray *called_once;   /* char* */
  GPtrArray *hot;           /* char*: > 100 calls, most first */
  GArray    *hot_calls;     /* guint64, parallel to hot */
} TcDeadcode;

TcDeadcode *tc_analysis_deadcode (TcDocument *doc, const TcTextStyle *style, GString *out);
void        tc_deadcode_free     (TcDeadcode *deadcode);

/* ---- coroutines (tc-analysis-async.c) ----------------------------------- */

/* One coroutine or async generator code: every thread together
 * (thread_id 0, `threads` holding the per-thread rows) or one thread (a
 * row of `threads`, whose own `threads` is NULL).  Events name the code,
 * not the instance: per-instance lifetimes are not known. */
typedef struct
{
  guint32     code_id;
  const char *name;        /* TcDocCode.display */
  guint32     thread_id;   /* 0 in the totals */
  gboolean    async_gen;   /* an async generator, else a coroutine */
  guint64     started;     /* CALL: instances first started while recording */
  guint64     finished;    /* RETURN or UNWIND: instances that ended */
  guint64     unwound;     /* of those, by an exception (cancellation included) */
  guint64     suspended;   /* YIELD: suspensions at an await */
  guint64     resumed;     /* RESUME (a throw() included) */
  gint64      running_ns;  /* Σ of its run segments, inclusive */
  gint64      first_ns;    /* first start or resume */
  gint64      last_ns;     /* last activity (a start, resume or leave) */
  GArray     *threads;     /* TcAsyncCode per thread that ran it, by thread id */
} TcAsyncCode;

/* Whether any thread ran a coroutine or async generator (from the call
 * trees: cheap, no event is decoded). */
gboolean tc_analysis_has_async (TcDocument *doc);
/* The coroutine and async generator codes that ran, by running time
 * descending (then name): one pass over the events of the threads that ran
 * one.  Plain generators are not included.  Prints the report's coroutine
 * table (top_n rows, 0 = all; no banner) to `out` when there are any.
 * GArray of TcAsyncCode (its clear func frees `threads`), made once per
 * document and shared: unref it, do not change it.  Thread-safe. */
GArray  *tc_analysis_async     (TcDocument *doc, guint top_n,
                                const TcTextStyle *style, GString *out);
/* (started + resumed) / started: run segments per instance started while
 * recording; 0 when none started. */
double   tc_async_code_segments_per_instance (const TcAsyncCode *row);

/* ---- variables (tc-analysis-vars.c) ------------------------------------- */

/* Snapshot indices matching `query` (case-insensitive substring; empty query
 * → none) in the given fields: a mask of TC_SEARCH_*. */
enum
{
  TC_SEARCH_LOCALS = 1 << 0, TC_SEARCH_LABEL = 1 << 1, TC_SEARCH_TAGS = 1 << 2,
  TC_SEARCH_EVT    = 1 << 3, TC_SEARCH_FN    = 1 << 4, TC_SEARCH_METRICS = 1 << 5,
  TC_SEARCH_ALL    = 0x3f,
};
GArray *tc_analysis_search (TcDocument *doc, const char *query, guint fields); /* guint */

/* The function a snapshot was taken in (its origin thread's captured frame). */
const char *tc_snapshot_fn   (TcDocument *doc, const TcDocSnapshot *snap);
guint32     tc_snapshot_line (const TcDocSnapshot *snap);
const char *tc_snapshot_file (TcDocument *doc, const TcDocSnapshot *snap, gboolean basename);
/* "fn():ln", with " (file.py)" when codes of other files share the name;
 * "(no frame)" when none was captured. */
char       *tc_snapshot_where (TcDocument *doc, const TcDocSnapshot *snap);
/* The same for one frame: a code at a line. */
char       *tc_code_place     (TcDocument *doc, guint32 code_id, guint32 line);
const TcDocCapture *tc_snapshot_origin (const TcDocSnapshot *snap);

/* Heatmap of numeric variables and metrics (or one, by name): one row of
 * `width` cells per series resampled by time. */
void tc_analysis_heatmap (TcDocument *doc, const char *var_name, guint width,
                          const TcTextStyle *style, GString *out);

G_END_DECLS

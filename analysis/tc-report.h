/* SPDX-License-Identifier: MIT
 *
 * tc-report.h — the text views of a recording: the 15-section report of
 * spec §3A, the one-line summary, explain() and the raw dump.
 */
#pragma once

#include "tc-analysis.h"

G_BEGIN_DECLS

typedef struct
{
  TcTextStyle style;         /* width <= 0: 100 columns */
  guint       top_n;         /* row limit (0 = 15) */
  gboolean    full;          /* no row limits */
  const char *source_label;  /* footer "Source:"; NULL = the document path */
} TcReportOptions;

/* The whole report as one string (ANSI escapes only when style.color). */
char *tc_report_render (TcDocument *doc, const TcReportOptions *options);

/* `[✓ clean | 💥 CRASH] <script> | <n> snaps | <dur>s | <nvars> vars | <nwarn> warn | f×c, …` */
char *tc_report_summary_line (TcDocument *doc, const TcTextStyle *style);

/* explain(): the sentences, in order (GPtrArray of char*). */
GPtrArray *tc_report_explain_sentences (TcDocument *doc);
/* The printed explain text: with `verbose` the framed numbered list first,
 * then the paragraph. */
char      *tc_report_explain (TcDocument *doc, gboolean verbose, const TcTextStyle *style);

typedef struct
{
  gboolean show_vars, show_sys, show_stack, show_warnings, show_timings, show_returns, show_blocks;
  guint    max_snaps;        /* 0 = all */
} TcDumpOptions;

/* The raw 72-column dump (seed dump()). */
char *tc_report_dump (TcDocument *doc, const TcDumpOptions *options, const TcTextStyle *style);

/* ---- text helpers shared by the text views ------------------------------- */

/* Sparkline of `values` over `width` cells (▁▂▃▄▅▆▇█): cell i shows value
 * int(i·n/width), so a long series is sampled and a short one stretched
 * (never padded: the seed's padding misplaced its markers).  Non-finite
 * values are drawn as spaces.  When `cells` is not NULL it receives, per
 * cell, the index of the value shown there, so markers line up. */
char *tc_sparkline (const double *values, guint n, guint width, int *cells);
/* `int(min(1, v/max) × width)` cells of █, the rest ░. */
char *tc_heat_bar  (double value, double max, guint width);
/* Remove ANSI CSI escapes (for --export). */
char *tc_strip_ansi (const char *text);
/* Format a count with thousands separators: 1,496. */
char *tc_format_thousands (guint64 value);
/* The display width of a UTF-8 string (code points; the report's glyphs
 * are all one column). */
gsize tc_utf8_width (const char *text);

G_END_DECLS

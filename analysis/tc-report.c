/* SPDX-License-Identifier: MIT
 *
 * tc-report.c — the 15-section text report of spec §3A.
 *
 * Tables adapt to the width: the function name column takes what the
 * numbers leave, and narrow terminals drop the bar, then P50/P99, instead of
 * wrapping (the seed's table was wider than its own rule).
 */
#include <math.h>

#include "tc-report-private.h"

typedef struct
{
  TcDocument        *doc;
  const TcTextStyle *style;
  GString           *out;
  int                W;
  guint              limit;   /* rows per table */
  guint              top_n;
  gboolean           full;
} Ctx;

#define C(code) tc_c (ctx->style, code)
#define R()     tc_r (ctx->style)

static void
more_rows (Ctx *ctx, guint shown, guint total, const char *what)
{
  if (total > shown)
    g_string_append_printf (ctx->out, "  %s... %u more %s (use full=True)%s\n", C (TC_DIM), total - shown, what, R ());
}

/* ---- 1 header ------------------------------------------------------------ */

static void
section_header (Ctx *ctx)
{
  TcDocument *doc = ctx->doc;
  const TcDocSession *s = tc_document_get_session (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  g_autofree char *saved = NULL;
  g_autofree char *python = g_strndup (s->python, strcspn (s->python, " "));
  g_autofree char *metrics = tc_report_final_metrics (doc, 8, "   ", FALSE);
  GString *argv = g_string_new (NULL);
  guint errors = 0;
  gint64 end_ns;

  tc_document_get_time_range (doc, NULL, &end_ns);
  saved = tc_wall_time (doc, end_ns, TRUE);
  for (guint i = 0; s->argv[i] && i < 6; i++)
    g_string_append_printf (argv, "%s%s", i ? " " : "", s->argv[i]);
  for (guint i = 0; i < warnings->len; i++)
    errors += g_array_index (warnings, TcDocWarning, i).level == TC_LEVEL_ERROR;

  tc_text_banner (ctx->out, ctx->style, "TIMECAPSULE v6 REPORT");
  g_string_append_printf (ctx->out, "  script   : %s\n", s->script);
  g_string_append_printf (ctx->out, "  session  : %s   saved: %s\n", s->session_id, saved);
  g_string_append_printf (ctx->out, "  python   : %s   platform: %s   pid: %" G_GINT64_FORMAT "\n",
                          *python ? python : "?", *s->platform ? s->platform : "?", s->pid);
  g_string_append_printf (ctx->out, "  backend  : %s   mode: %s\n", *s->backend ? s->backend : "?",
                          *s->mode ? s->mode : "?");
  g_string_append_printf (ctx->out, "  argv     : %s\n\n", argv->str);
  g_string_append_printf (ctx->out, "  duration : %.6fs\n", tc_document_get_duration (doc));
  g_string_append_printf (ctx->out, "  snapshots: %u   variables: %u\n", tc_document_get_snapshots (doc)->len,
                          tc_report_n_vars (doc));
  g_string_append_printf (ctx->out, "  RAM peak : %.1fMB   FD peak: %.0f\n", tc_document_get_ram_peak_mb (doc),
                          tc_document_get_fd_peak (doc));
  if (metrics)
    g_string_append_printf (ctx->out, "  metrics  : %s\n", metrics);
  g_string_append_c (ctx->out, '\n');
  if (tc_document_get_truncated (doc))
    g_string_append_printf (ctx->out, "  %s⚠ TRUNCATED recording: %s%s\n", C (TC_YELLOW), tc_document_get_state_message (doc), R ());
  if (crash)
    {
      g_autofree char *msg = tc_text_head (crash->message, 60);
      g_string_append_printf (ctx->out, "  %s⚠ CRASH %s: %s%s\n", C (TC_RED TC_BOLD), crash->exc_type, msg, R ());
    }
  else
    g_string_append_printf (ctx->out, "  %s✓ No crash%s\n", C (TC_GREEN), R ());
  if (errors > 0)
    g_string_append_printf (ctx->out, "  %s⚠ %u ERROR warning(s)  + %u WARN%s\n", C (TC_RED), errors, warnings->len - errors, R ());
  else if (warnings->len > 0)
    g_string_append_printf (ctx->out, "  %s⚠ %u warning(s)%s\n", C (TC_YELLOW), warnings->len, R ());
  else
    g_string_append_printf (ctx->out, "  %s✓ No warnings%s\n", C (TC_GREEN), R ());
  g_string_free (argv, TRUE);
}

/* ---- 2 what your code did ------------------------------------------------ */

static void
section_story (Ctx *ctx)
{
  TcDocument *doc = ctx->doc;
  const TcDocSession *s = tc_document_get_session (doc);
  const TcFunctionStats *dom = tc_report_dominant (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  g_autofree char *finals = tc_report_final_metrics (doc, 5, ", ", TRUE);
  g_autofree char *ram = tc_report_ram_sentence (doc);
  GString *p = g_string_new (NULL);
  gboolean error = FALSE;

  g_string_append_printf (p, "%s ran for %.3fs capturing %u snapshots across %u variables.", s->script,
                          tc_document_get_duration (doc), tc_document_get_snapshots (doc)->len,
                          tc_report_n_vars (doc));
  if (dom)
    g_string_append_printf (p, " Dominant function: %s() × %" G_GUINT64_FORMAT " avg %.*fms/call.", dom->name,
                            dom->calls, dom->avg_ms < 0.1 ? 3 : 2, dom->avg_ms);
  if (finals)
    g_string_append_printf (p, " Final metrics: %s.", finals);
  if (ram)
    g_string_append_printf (p, " %s.", ram);
  for (guint i = 0; i < warnings->len; i++)
    error |= g_array_index (warnings, TcDocWarning, i).level == TC_LEVEL_ERROR;
  if (warnings->len)
    g_string_append_printf (p, " %s%u automatic warning(s) detected.", error ? "⚠ " : "", warnings->len);
  else
    g_string_append (p, " No warnings detected.");
  if (crash)
    {
      guint32 line;
      const char *fn = tc_report_crash_fn (doc, &line);
      g_autofree char *msg = tc_text_head (crash->message, 60);

      g_string_append_printf (p, " ⚠ CRASH: %s — %s in %s():%u.", crash->exc_type, msg, fn, line);
    }
  else
    g_string_append (p, " No crashes.");

  tc_text_banner (ctx->out, ctx->style, "WHAT YOUR CODE DID");
  tc_text_wrap (ctx->out, p->str, ctx->W - 2, 2);
  g_string_free (p, TRUE);
}

/* ---- 3 warnings ---------------------------------------------------------- */

static void
section_warnings (Ctx *ctx)
{
  GArray *warnings = tc_document_get_warnings (ctx->doc);
  g_autofree char *title = NULL;

  if (warnings->len == 0)
    return;
  title = g_strdup_printf ("WARNINGS  (%u total)", warnings->len);
  tc_text_banner (ctx->out, ctx->style, title);
  for (guint i = 0; i < warnings->len; i++)
    {
      const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);
      gboolean error = w->level == TC_LEVEL_ERROR;

      g_string_append_printf (ctx->out, "  %s%s%s  t=%.3fs  %s%s%s", C (error ? TC_RED : TC_YELLOW),
                              error ? "[ERROR]" : "[WARN] ", R (), tc_ns_to_s (w->time_ns), C (TC_BOLD), w->code, R ());
      if (*w->var)
        g_string_append_printf (ctx->out, "  var=%s", w->var);
      g_string_append_printf (ctx->out, "\n         %s\n", w->message);
    }
}

/* ---- 4 crash ------------------------------------------------------------- */

static void
section_crash (Ctx *ctx)
{
  TcDocument *doc = ctx->doc;
  const TcDocCrash *crash = tc_document_get_crash (doc);
  const TcDocCrashFrame *frame;
  const char * const *checklist;
  g_auto (GStrv) friendly = NULL;

  if (crash == NULL)
    return;
  frame = crash->n_frames ? &crash->frames[0] : NULL;
  tc_text_banner (ctx->out, ctx->style, "CRASH FORENSICS");
  g_string_append_printf (ctx->out, "  %s⚠  %s: %s%s\n", C (TC_RED TC_BOLD), crash->exc_type, crash->message, R ());
  if (frame)
    {
      const TcDocCode *code = tc_document_get_code (doc, frame->code_id);
      const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;

      g_string_append_printf (ctx->out, "  location: %s  fn=%s()  line=%u  t=%.4fs\n",
                              file ? file->basename : "?", tc_document_code_name (doc, frame->code_id),
                              frame->line, tc_ns_to_s (crash->time_ns));
    }
  if (*crash->cause)
    g_string_append_printf (ctx->out, "  chained from: %s\n", crash->cause);
  g_string_append (ctx->out, "\n  What this means:\n");
  friendly = g_strsplit (tc_exception_friendly (crash->exc_type), "\n", -1);
  for (guint i = 0; friendly[i]; i++)
    g_string_append_printf (ctx->out, "    %s\n", g_strstrip (friendly[i]));
  if (frame)
    {
      g_string_append (ctx->out, "\n  Source context:\n");
      tc_text_source_context (ctx->out, doc, frame->code_id, frame->line, 5, "►", ctx->style);
      g_string_append (ctx->out, "\n  Variables at crash:\n");
      for (guint i = 0; i < frame->n_locals; i++)
        {
          const TcDocLocal *loc = &frame->locals[i];
          const TcDocVar *var = tc_document_get_var (doc, loc->var_id);
          g_autofree char *type = tc_text_head (loc->type_name, 10);
          g_autofree char *repr = tc_text_head (loc->repr, MAX (20, ctx->W - 40));
          g_autofree char *tt = g_strdup_printf ("[%s]", type);

          if (var && g_str_has_prefix (var->name, "__"))
            continue;
          g_string_append (ctx->out, "    ");
          tc_text_pad (ctx->out, var ? var->name : "?", 22, FALSE);
          g_string_append_c (ctx->out, ' ');
          tc_text_pad (ctx->out, tt, 12, FALSE);
          g_string_append_printf (ctx->out, " = %s\n", repr);
        }
    }
  checklist = tc_exception_checklist (crash->exc_type);
  if (checklist[0])
    {
      g_string_append (ctx->out, "\n  Fix checklist:\n");
      for (guint i = 0; checklist[i]; i++)
        g_string_append_printf (ctx->out, "    ☐ %s\n", checklist[i]);
    }
  g_string_append (ctx->out, "\n  Call stack:\n");
  for (guint i = 0; i < MIN (6, crash->n_frames); i++)
    {
      const TcDocCode *code = tc_document_get_code (doc, crash->frames[i].code_id);
      const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;

      g_string_append_printf (ctx->out, "    → %s()  %s:%u  [%s]\n", tc_document_code_name (doc, crash->frames[i].code_id),
                              file ? file->basename : "?", crash->frames[i].line,
                              code && *code->module ? code->module : "?");
    }
  if (*crash->traceback)
    {
      g_auto (GStrv) lines = g_strsplit (crash->traceback, "\n", -1);

      g_string_append (ctx->out, "\n  Full traceback:\n");
      for (guint i = 0; lines[i]; i++)
        if (*lines[i])
          g_string_append_printf (ctx->out, "    %s%s%s\n", C (TC_DIM), lines[i], R ());
    }
}

/* ---- 5 function performance --------------------------------------------- */

static const char *
avg_colour (double avg_ms)
{
  return avg_ms < 1 ? TC_GREEN : avg_ms < 10 ? TC_YELLOW : avg_ms < 100 ? TC_MAGENTA : TC_RED;
}

static void
cell_ms (GString *out, double ms, int decimals, int width)
{
  g_autofree char *v = g_strdup_printf ("%.*fms", decimals, ms);

  g_string_append_c (out, ' ');
  tc_text_pad (out, v, width, TRUE);
}

static void
section_functions (Ctx *ctx)
{
  TcDocument *doc = ctx->doc;
  GPtrArray *stats = tc_document_get_function_stats (doc);
  gboolean bar = TRUE, p50_p99 = TRUE;
  int fixed, col;
  double max_total = 0, sum_total = 0, duration;
  guint64 sum_calls = 0;
  guint n;

  if (stats->len == 0)
    return;
  /* calls 8, total 12, avg/p50/p95/p99 10 each, bar 16. */
  fixed = 8 + 12 + 40 + 16;
  if (ctx->W - 2 - fixed < 22)
    {
      bar = FALSE;
      fixed -= 16;
    }
  if (ctx->W - 2 - fixed < 16)
    {
      p50_p99 = FALSE;
      fixed -= 20;
    }
  col = MAX (16, ctx->W - 2 - fixed);

  tc_text_banner (ctx->out, ctx->style, "FUNCTION PERFORMANCE");
  g_string_append (ctx->out, "  ");
  tc_text_pad (ctx->out, "FUNCTION", col, FALSE);
  g_string_append_printf (ctx->out, " %7s %11s %9s", "CALLS", "TOTAL", "AVG");
  if (p50_p99)
    g_string_append_printf (ctx->out, " %9s", "P50");
  g_string_append_printf (ctx->out, " %9s", "P95");
  if (p50_p99)
    g_string_append_printf (ctx->out, " %9s", "P99");
  g_string_append (ctx->out, bar ? "  BAR\n" : "\n");
  tc_text_rule (ctx->out, ctx->style, "─");

  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      max_total = MAX (max_total, s->total_ms);
      sum_total += s->total_ms;
      sum_calls += s->calls;
    }
  n = MIN (ctx->limit, stats->len);
  for (guint i = 0; i < n; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);
      g_autofree char *name = tc_text_ellipsize_start (s->name, col);

      g_string_append (ctx->out, "  ");
      tc_text_pad (ctx->out, name, col, FALSE);
      g_string_append_printf (ctx->out, " %7" G_GUINT64_FORMAT, s->calls);
      cell_ms (ctx->out, s->total_ms, 2, 11);
      cell_ms (ctx->out, s->avg_ms, 3, 9);
      if (p50_p99)
        cell_ms (ctx->out, s->p50_ms, 3, 9);
      cell_ms (ctx->out, s->p95_ms, 3, 9);
      if (p50_p99)
        cell_ms (ctx->out, s->p99_ms, 3, 9);
      if (bar)
        {
          g_autofree char *b = tc_heat_bar (s->total_ms, max_total, 14);
          g_string_append_printf (ctx->out, "  %s%s%s", C (avg_colour (s->avg_ms)), b, R ());
        }
      g_string_append_c (ctx->out, '\n');
    }
  more_rows (ctx, n, stats->len, "functions");

  duration = tc_document_get_duration (doc);
  g_string_append_printf (ctx->out, "\n  Total: %" G_GUINT64_FORMAT " calls  %.1fms  %.0f calls/s\n", sum_calls,
                          sum_total, sum_calls / (duration > 0 ? duration : 1));

  {
    g_autoptr (GArray) slow = tc_analysis_slowest (doc, 5);

    g_string_append (ctx->out, "\n  Slowest individual calls:\n");
    for (guint i = 0; i < slow->len; i++)
      {
        const TcSlowCall *c = &g_array_index (slow, TcSlowCall, i);
        g_string_append_printf (ctx->out, "  %12.3fms  %s\n", c->ms, c->name);
      }
  }
  {
    g_autoptr (GArray) blocks = tc_analysis_block_timings (doc);
    int bcol = MAX (16, MIN (36, ctx->W - 2 - 7 - 4 * 11));

    if (blocks->len > 0)
      {
        g_string_append (ctx->out, "\n  Block & checkpoint timings:\n  ");
        tc_text_pad (ctx->out, "NAME", bcol, FALSE);
        g_string_append_printf (ctx->out, " %6s %10s %10s %10s %10s\n", "CALLS", "TOTAL", "AVG", "MIN", "MAX");
        tc_text_rule (ctx->out, ctx->style, "─");
        for (guint i = 0; i < MIN (ctx->limit, blocks->len); i++)
          {
            const TcBlockStats *b = &g_array_index (blocks, TcBlockStats, i);
            g_autofree char *name = tc_text_ellipsize_start (b->name, bcol);

            g_string_append (ctx->out, "  ");
            tc_text_pad (ctx->out, name, bcol, FALSE);
            g_string_append_printf (ctx->out, " %6u", b->calls);
            cell_ms (ctx->out, b->total_ms, 2, 10);
            cell_ms (ctx->out, b->avg_ms, 2, 10);
            cell_ms (ctx->out, b->min_ms, 2, 10);
            cell_ms (ctx->out, b->max_ms, 2, 10);
            g_string_append_c (ctx->out, '\n');
          }
      }
  }
  {
    gboolean header = FALSE;

    for (guint i = 0; i < stats->len; i++)
      {
        const TcFunctionStats *s = g_ptr_array_index (stats, i);
        g_autofree char *name = NULL;

        if (s->max_depth <= 1)
          continue;
        if (!header)
          g_string_append (ctx->out, "\n  Recursion depths:\n");
        header = TRUE;
        name = tc_text_ellipsize_start (s->name, 30);
        g_string_append (ctx->out, "  ");
        tc_text_pad (ctx->out, name, 30, FALSE);
        g_string_append_printf (ctx->out, " %smax depth = %u%s\n",
                                C (s->max_depth > 20 ? TC_RED : s->max_depth > 5 ? TC_YELLOW : TC_GREEN),
                                s->max_depth, R ());
      }
  }
}

/* ---- 6 metrics ----------------------------------------------------------- */

static void
section_metrics (Ctx *ctx)
{
  GPtrArray *metrics = tc_document_get_metrics (ctx->doc);
  guint width = MAX (20, ctx->W - 50);
  g_autofree char *title = NULL;
  guint shown = 0;
  int name_col = ctx->W >= 100 ? 22 : 14, cur_col = ctx->W >= 100 ? 16 : 12;

  for (guint i = 0; i < metrics->len; i++)
    shown += ((TcDocSeries *) g_ptr_array_index (metrics, i))->points->len > 0;
  if (shown == 0)
    return;
  title = g_strdup_printf ("METRICS  (%u tracked)", shown);
  tc_text_banner (ctx->out, ctx->style, title);

  for (guint i = 0; i < metrics->len; i++)
    {
      const TcDocSeries *m = g_ptr_array_index (metrics, i);
      g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) anomalies = NULL;
      g_autofree int *cells = g_new (int, width);
      g_autofree char *spark = NULL, *cur = NULL, *lo_s = NULL, *hi_s = NULL, *mu_s = NULL, *sd_s = NULL;
      double lo = INFINITY, hi = -INFINITY, sum = 0, var = 0, mean, sigma;
      g_autofree gboolean *marked = NULL;
      const TcDocPoint *last;
      guint n;

      for (guint p = 0; p < m->points->len; p++)
        {
          const TcDocPoint *pt = &g_array_index (m->points, TcDocPoint, p);

          if (tc_value_is_number (&pt->raw) && isfinite (pt->value))
            g_array_append_val (values, pt->value);
        }
      n = values->len;
      if (m->points->len == 0)
        continue;
      last = &g_array_index (m->points, TcDocPoint, m->points->len - 1);
      cur = tc_report_metric_value (&last->raw);
      for (guint k = 0; k < n; k++)
        {
          double v = g_array_index (values, double, k);

          lo = MIN (lo, v);
          hi = MAX (hi, v);
          sum += v;
        }
      mean = n ? sum / n : 0;
      for (guint k = 0; k < n; k++)
        var += pow (g_array_index (values, double, k) - mean, 2);
      sigma = n ? sqrt (var / n) : 0;

      g_string_append (ctx->out, "  ");
      {
        g_autofree char *name = tc_text_ellipsize_start (m->name, name_col);
        tc_text_pad (ctx->out, name, name_col, FALSE);
      }
      if (n == 0)
        {
          g_string_append_printf (ctx->out, " cur=%s  (not numeric)\n\n", cur);
          continue;
        }
      lo_s = tc_fmt_g (lo, 4);
      hi_s = tc_fmt_g (hi, 4);
      mu_s = tc_fmt_g (mean, 4);
      sd_s = tc_fmt_g (sigma, 4);
      {
        g_autofree char *c = g_strdup_printf ("cur=%s", cur);
        g_string_append_c (ctx->out, ' ');
        tc_text_pad (ctx->out, c, cur_col, FALSE);
      }
      g_string_append_printf (ctx->out, " min=%s  max=%s  μ=%s  σ=%s  n=%u\n", lo_s, hi_s, mu_s, sd_s, n);

      spark = tc_sparkline ((double *) values->data, n, width, cells);
      g_string_append_printf (ctx->out, "  ▕%s%s%s▏  %s…%s\n", C (TC_CYAN), spark, R (), lo_s, hi_s);

      /* Markers under the cells that show an anomalous value: the first
       * cell of each value's run, so they line up with the sparkline. */
      anomalies = tc_analysis_anomalies_of ((double *) values->data, n, 2.5);
      if (sigma > 0 && anomalies->len > 0)
        {
          marked = g_new0 (gboolean, n);
          for (guint a = 0; a < anomalies->len; a++)
            marked[g_array_index (anomalies, TcAnomaly, a).index] = TRUE;
          g_string_append (ctx->out, "   ");
          for (guint c = 0; c < width; c++)
            {
              gboolean first = c == 0 || cells[c] != cells[c - 1];
              g_string_append (ctx->out, cells[c] >= 0 && first && marked[cells[c]] ? "^" : " ");
            }
          g_string_append_printf (ctx->out, "  %s← anomalies (z>2.5)%s\n", C (TC_RED), R ());
        }
      g_string_append_c (ctx->out, '\n');
    }
}

/* ---- 7 memory ------------------------------------------------------------ */

static void
counter_row (Ctx *ctx, const char *counter, const char *label, const char *unit, gboolean always)
{
  const TcDocSeries *s = tc_document_get_counter (ctx->doc, counter);
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  guint width = MAX (20, ctx->W - 40);
  double lo = INFINITY, hi = -INFINITY, first, last;
  g_autofree char *spark = NULL;

  for (guint i = 0; s && i < s->points->len; i++)
    {
      double v = g_array_index (s->points, TcDocPoint, i).value;

      if (isfinite (v))
        {
          g_array_append_val (values, v);
          lo = MIN (lo, v);
          hi = MAX (hi, v);
        }
    }
  if (values->len == 0)
    {
      if (always)
        g_string_append_printf (ctx->out, "  %s: no data\n\n", label);
      return;
    }
  first = g_array_index (values, double, 0);
  last = g_array_index (values, double, values->len - 1);
  g_string_append_printf (ctx->out, "  %s: peak=%.1f%s  start=%.1f  end=%.1f  growth=%+.1f\n", label, hi, unit, first,
                          last, last - first);
  spark = tc_sparkline ((double *) values->data, values->len, width, NULL);
  g_string_append_printf (ctx->out, "  ▕%s%s%s▏  %.1f…%.1f%s\n\n", C (TC_BLUE), spark, R (), lo, hi, unit);
}

static void
section_memory (Ctx *ctx)
{
  g_autoptr (GArray) audit = tc_analysis_memory_map (ctx->doc);
  double max = 0;
  int vcol = MAX (14, MIN (24, ctx->W - 70));

  tc_text_banner (ctx->out, ctx->style, "MEMORY");
  counter_row (ctx, "ram_mb", "RAM (MB)", "MB", TRUE);
  counter_row (ctx, "cpu_pct", "CPU (%)", "%", TRUE);
  counter_row (ctx, "gpu_mb", "GPU (MB)", "MB", FALSE);
  counter_row (ctx, "gpu_util_pct", "GPU util (%)", "%", FALSE);
  /* Beside NVML's whole-device figure: this process's part of it, and its
   * torch tensors. */
  counter_row (ctx, "gpu_process_mb", "GPU this process (MB)", "MB", FALSE);
  counter_row (ctx, "gpu_alloc_mb", "torch alloc (MB)", "MB", FALSE);
  counter_row (ctx, "gpu_reserved_mb", "torch reserved (MB)", "MB", FALSE);
  counter_row (ctx, "threads", "Threads", "", FALSE);

  if (audit->len == 0)
    return;
  for (guint i = 0; i < audit->len; i++)
    max = MAX (max, g_array_index (audit, TcMemoryEntry, i).max_bytes);
  g_string_append (ctx->out, "  Variable size audit:\n  ");
  tc_text_pad (ctx->out, "VARIABLE", vcol, FALSE);
  g_string_append (ctx->out, " ");
  tc_text_pad (ctx->out, "TYPE", 14, FALSE);
  g_string_append_printf (ctx->out, " %12s %10s %6s  BAR\n", "MAX", "AVG", "SEEN");
  tc_text_rule (ctx->out, ctx->style, "─");
  for (guint i = 0; i < MIN (ctx->limit, audit->len); i++)
    {
      const TcMemoryEntry *e = &g_array_index (audit, TcMemoryEntry, i);
      g_autofree char *name = tc_text_ellipsize_start (e->name, vcol);
      g_autofree char *type = tc_text_head (e->type_name, 14);
      g_autofree char *mx = tc_format_thousands (e->max_bytes);
      g_autofree char *avg = tc_format_thousands ((guint64) llround (e->avg_bytes));
      g_autofree char *bar = tc_heat_bar (e->max_bytes, max, 12);

      g_string_append (ctx->out, "  ");
      tc_text_pad (ctx->out, name, vcol, FALSE);
      g_string_append_c (ctx->out, ' ');
      tc_text_pad (ctx->out, type, 14, FALSE);
      g_string_append_printf (ctx->out, " %12s %10s %6u  %s%s%s\n", mx, avg, e->n_seen, C (TC_MAGENTA), bar, R ());
    }
  more_rows (ctx, MIN (ctx->limit, audit->len), audit->len, "variables");
}

/* ---- 8 variable timelines ------------------------------------------------ */

static int
compare_changes (gconstpointer a, gconstpointer b)
{
  const TcDocVar *x = *(TcDocVar * const *) a, *y = *(TcDocVar * const *) b;

  if (x->n_changes != y->n_changes)
    return x->n_changes < y->n_changes ? 1 : -1;
  return strcmp (x->display, y->display);
}

static void
section_timelines (Ctx *ctx)
{
  g_autoptr (GPtrArray) vars = g_ptr_array_copy (tc_document_get_vars (ctx->doc), NULL, NULL);
  guint shown = 0;
  int newlen = MAX (20, MIN (60, ctx->W - 60));
  /* g_ptr_array_copy keeps the document's free func: never free its records. */
  g_ptr_array_set_free_func (vars, NULL);

  tc_text_banner (ctx->out, ctx->style, "VARIABLE TIMELINES");
  g_ptr_array_sort (vars, compare_changes);
  for (guint i = 0; i < vars->len && shown < ctx->limit; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);
      const char *prev = NULL;
      guint rows = 0;

      if (v->n_changes == 0 || g_str_has_prefix (v->name, "__"))
        continue;
      shown++;
      g_string_append_printf (ctx->out, "  %s%s%s  (%u changes)\n", C (TC_BOLD), v->display, R (), v->n_changes);
      for (guint p = 0; p < v->history->len; p++)
        {
          const TcDocVarPoint *pt = &g_array_index (v->history, TcDocVarPoint, p);

          if (!pt->changed)
            continue;
          if (rows < 5)
            {
              g_autofree char *nw = tc_text_head (pt->local->repr, newlen);

              if (prev == NULL)
                g_string_append_printf (ctx->out, "    t=%.4fs  %s  %s[%s]%s\n", tc_ns_to_s (pt->time_ns), nw,
                                        C (TC_DIM), pt->local->type_name, R ());
              else
                {
                  g_autofree char *old = tc_text_head (prev, 20);
                  g_string_append_printf (ctx->out, "    t=%.4fs  %s → %s  %s[%s]%s\n", tc_ns_to_s (pt->time_ns),
                                          old, nw, C (TC_DIM), pt->local->type_name, R ());
                }
            }
          rows++;
          prev = pt->local->repr;
        }
      if (rows > 5)
        g_string_append_printf (ctx->out, "    %s... %u more%s\n", C (TC_DIM), rows - 5, R ());
      g_string_append_c (ctx->out, '\n');
    }
  if (shown == 0)
    g_string_append (ctx->out, "  (no variables captured)\n");
}

/* ---- 9 hot lines, 10 return values ---------------------------------------- */

static gboolean
has_line_hits (TcDocument *doc)
{
  GPtrArray *files = tc_document_get_files (doc);

  for (guint i = 0; i < files->len; i++)
    if (((const TcDocFile *) g_ptr_array_index (files, i))->line_hits->len > 0)
      return TRUE;
  return FALSE;
}

static void
section_hotlines (Ctx *ctx)
{
  g_autoptr (GArray) hot = tc_analysis_hotlines (ctx->doc);
  guint64 max;

  if (hot->len == 0 && !tc_analysis_line_hits_counted (ctx->doc) && has_line_hits (ctx->doc))
    {
      tc_text_banner (ctx->out, ctx->style, "HOT LINES");
      g_string_append (ctx->out, "  This recording knows which lines ran, not how often (the recorder stops\n"
                                 "  listening to a line after its first run), so it has no line ranking:\n"
                                 "  see COVERAGE for the lines that ran and FUNCTIONS for where the time went.\n");
      return;
    }
  if (hot->len == 0)
    return;
  max = g_array_index (hot, TcHotLine, 0).hits;
  tc_text_banner (ctx->out, ctx->style, "HOT LINES");
  g_string_append_printf (ctx->out, "  %8s  %-30s %6s  BAR\n", "HITS", "FILE", "LINE");
  tc_text_rule (ctx->out, ctx->style, "─");
  for (guint i = 0; i < MIN (ctx->limit, hot->len); i++)
    {
      const TcHotLine *h = &g_array_index (hot, TcHotLine, i);
      g_autofree char *file = tc_text_ellipsize_start (h->file, 30);
      g_autofree char *bar = tc_heat_bar (h->hits, max, 20);

      g_string_append_printf (ctx->out, "  %8" G_GUINT64_FORMAT "  ", h->hits);
      tc_text_pad (ctx->out, file, 30, FALSE);
      g_string_append_printf (ctx->out, " %6u  %s%s%s\n", h->line, C (TC_CYAN), bar, R ());
    }
  more_rows (ctx, MIN (ctx->limit, hot->len), hot->len, "lines");
}

static void
section_returns (Ctx *ctx)
{
  GArray *rets = tc_document_get_return_values (ctx->doc);
  g_autofree char *title = NULL;
  guint k = MIN (10, rets->len);

  if (rets->len == 0)
    return;
  title = g_strdup_printf ("RETURN VALUES  (last %u)", k);
  tc_text_banner (ctx->out, ctx->style, title);
  for (guint i = rets->len - k; i < rets->len; i++)
    {
      const TcDocReturn *r = &g_array_index (rets, TcDocReturn, i);
      g_autofree char *v = tc_text_head (r->repr, 60);

      g_string_append_printf (ctx->out, "  t=%.4fs  %s() → %s  %s[%s]%s\n", tc_ns_to_s (r->time_ns),
                              tc_document_code_name (ctx->doc, r->code_id), v, C (TC_DIM), r->type_name, R ());
    }
}

/* ---- 11 samples, 12 async ------------------------------------------------ */

typedef struct { const char *file; const char *fn; guint32 line; guint count; } SampleRow;

static int
compare_sample_rows (gconstpointer a, gconstpointer b)
{
  const SampleRow *x = a, *y = b;

  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return strcmp (x->fn, y->fn);
}

static void
section_samples (Ctx *ctx)
{
  GArray *samples = tc_document_get_samples (ctx->doc);
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (SampleRow));
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (samples->len == 0)
    return;
  for (guint i = 0; i < samples->len; i++)
    {
      const TcDocSample *s = &g_array_index (samples, TcDocSample, i);
      g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint f = 0; f < s->n_stack; f++)
        {
          const TcDocCode *code = tc_document_get_code (ctx->doc, s->stack[f].code_id);
          const TcDocFile *file = code ? tc_document_get_file (ctx->doc, code->file_id) : NULL;
          char *key = g_strdup_printf ("%u:%u", s->stack[f].code_id, s->stack[f].line);
          gpointer pos;

          /* Inclusive: a frame counts once per sample, even when recursive. */
          if (g_hash_table_contains (seen, key))
            {
              g_free (key);
              continue;
            }
          if (!g_hash_table_lookup_extended (index, key, NULL, &pos))
            {
              SampleRow row = { file ? file->basename : "?", tc_document_code_name (ctx->doc, s->stack[f].code_id),
                                s->stack[f].line, 0 };

              g_array_append_val (rows, row);
              pos = GUINT_TO_POINTER (rows->len - 1);
              g_hash_table_insert (index, g_strdup (key), pos);
            }
          g_array_index (rows, SampleRow, GPOINTER_TO_UINT (pos)).count++;
          g_hash_table_add (seen, key);
        }
    }
  g_array_sort (rows, compare_sample_rows);

  tc_text_banner (ctx->out, ctx->style, "STACK SAMPLE PROFILE");
  g_string_append_printf (ctx->out, "  %s(mode=sample — zero per-call overhead, statistical profiling; %u samples, "
                          "%% = share of samples where the frame was on the stack)%s\n",
                          C (TC_DIM), samples->len, R ());
  g_string_append_printf (ctx->out, "  %-22s %-26s %5s %8s %6s  BAR\n", "FILE", "FN", "LINE", "SAMPLES", "%");
  tc_text_rule (ctx->out, ctx->style, "─");
  for (guint i = 0; i < MIN (ctx->limit, rows->len); i++)
    {
      const SampleRow *r = &g_array_index (rows, SampleRow, i);
      double pct = 100.0 * r->count / samples->len;
      g_autofree char *file = tc_text_tail (r->file, 22);
      g_autofree char *fn = tc_text_tail (r->fn, 26);
      g_autofree char *bar = tc_heat_bar (pct, 100, 20);

      g_string_append (ctx->out, "  ");
      tc_text_pad (ctx->out, file, 22, FALSE);
      g_string_append_c (ctx->out, ' ');
      tc_text_pad (ctx->out, fn, 26, FALSE);
      g_string_append_printf (ctx->out, " %5u %8u %5.1f%%  %s%s%s\n", r->line, r->count, pct,
                              C (pct < 50 ? TC_GREEN : pct < 80 ? TC_YELLOW : TC_RED), bar, R ());
    }
}

static void
section_async (Ctx *ctx)
{
  GArray *snaps = tc_document_get_snapshots (ctx->doc);
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GList) keys = NULL;
  g_autoptr (GString) table = g_string_new (NULL);
  g_autoptr (GArray) coroutines = NULL;

  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);

      if (*s->async_task)
        g_hash_table_insert (counts, (char *) s->async_task,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, s->async_task)) + 1));
    }
  /* The coroutines the events show ran (an asyncio program rarely has a
   * snapshot taken inside a task), below the seed's task lines. */
  coroutines = tc_analysis_async (ctx->doc, ctx->limit, ctx->style, table);
  if (g_hash_table_size (counts) == 0 && coroutines->len == 0)
    return;
  tc_text_banner (ctx->out, ctx->style, "ASYNC / COROUTINE ACTIVITY");
  keys = g_hash_table_get_keys (counts);
  /* Most snapshots first. */
  for (GList *a = keys; a; a = a->next)
    for (GList *b = a->next; b; b = b->next)
      if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, b->data)) > GPOINTER_TO_UINT (g_hash_table_lookup (counts, a->data)))
        {
          gpointer t = a->data;
          a->data = b->data;
          b->data = t;
        }
  for (GList *l = keys; l; l = l->next)
    {
      g_string_append (ctx->out, "  ");
      tc_text_pad (ctx->out, l->data, 30, FALSE);
      g_string_append_printf (ctx->out, " %u snapshots\n", GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->data)));
    }
  if (coroutines->len > 0 && keys != NULL)
    g_string_append_c (ctx->out, '\n');
  g_string_append_len (ctx->out, table->str, table->len);
}

/* ---- 13 suggestions ------------------------------------------------------ */

static void
section_suggestions (Ctx *ctx)
{
  tc_text_banner (ctx->out, ctx->style, "OPTIMIZATION SUGGESTIONS");
  g_array_unref (tc_analysis_suggestions (ctx->doc, ctx->style, ctx->out));
}

/* ---- 14 flame bars ------------------------------------------------------- */

/* The time covered by every thread's outermost recorded frames: what a
 * flame graph's full width stands for. */
static double
recorded_ms (TcDocument *doc)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  gint64 ns = 0;

  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);
      const TcCallNode *nodes;
      guint32 child;

      if (thread->call_tree == NULL || thread->call_tree->len == 0)
        continue;
      nodes = (const TcCallNode *) (gconstpointer) thread->call_tree->data;
      for (child = nodes[0].first_child; child != TC_CALL_NODE_NONE; child = nodes[child].next_sibling)
        ns += nodes[child].total_ns;
    }
  return tc_ns_to_ms (ns);
}

static void
section_flame (Ctx *ctx)
{
  GPtrArray *stats = tc_document_get_function_stats (ctx->doc);
  /* name 30, total 13, percent 7, gaps: the bar takes the rest. */
  guint width = MAX (10, ctx->W - 54);
  double wall;

  if (stats->len == 0)
    return;
  /* Share of the recorded time, so an inclusive total reads like the width
   * of a flame-graph box (the seed divided by Σ totals, counting nested
   * time twice).  Not Σ self times: the list holds only the tracked code,
   * whose self times leave out the library calls in between. */
  wall = recorded_ms (ctx->doc);
  tc_text_banner (ctx->out, ctx->style, "ASCII FLAME GRAPH  (total time by function)");
  for (guint i = 0; i < MIN (20, stats->len); i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);
      double pct = wall > 0 ? MIN (100.0, 100.0 * s->total_ms / wall) : 0;
      guint filled = (guint) (pct / 100 * width);
      g_autofree char *name = tc_text_ellipsize_start (s->name, 30);
      const char *colour = pct < 5 ? TC_GREEN : pct < 20 ? TC_YELLOW : pct < 50 ? TC_MAGENTA : TC_RED;

      g_string_append (ctx->out, "  ");
      tc_text_pad (ctx->out, name, 30, FALSE);
      g_string_append_printf (ctx->out, " %10.2fms %5.1f%%  %s", s->total_ms, pct, C (colour));
      for (guint c = 0; c < width; c++)
        g_string_append (ctx->out, c < filled ? "█" : "░");
      g_string_append_printf (ctx->out, "%s\n", R ());
    }
}

/* ---- 15 snapshot timeline ------------------------------------------------ */

static const char *
evt_colour (const TcDocSnapshot *s)
{
  if (s->kind == TC_SNAPSHOT_CRASH || g_str_has_prefix (s->evt, "CRASH"))
    return TC_RED TC_BOLD;
  if (g_str_has_prefix (s->evt, "SNAP"))
    return TC_GREEN;
  if (g_str_has_prefix (s->evt, "TRACE"))
    return TC_CYAN;
  if (g_str_has_prefix (s->evt, "LINE"))
    return TC_DIM;
  return TC_YELLOW;
}

static const char *
counter_of (TcDocument *doc, const TcDocSnapshot *s, const char *name, double *value)
{
  for (guint c = 0; c < s->n_system; c++)
    {
      GPtrArray *counters = tc_document_get_counters (doc);

      for (guint k = 0; k < counters->len; k++)
        {
          const TcDocSeries *series = g_ptr_array_index (counters, k);

          if (series->id == s->system[c].counter_id && g_str_equal (series->name, name))
            {
              *value = s->system[c].value;
              return series->name;
            }
        }
    }
  return NULL;
}

static void
section_snapshots (Ctx *ctx)
{
  TcDocument *doc = ctx->doc;
  GArray *snaps = tc_document_get_snapshots (doc);
  GPtrArray *metrics = tc_document_get_metrics (doc);
  guint limit = ctx->full ? snaps->len : MIN (snaps->len, 3 * ctx->top_n);
  g_autofree char *title = g_strdup_printf ("SNAPSHOT TIMELINE  (%u total)", snaps->len);
  int rlen = MAX (30, MIN (80, ctx->W - 40));

  tc_text_banner (ctx->out, ctx->style, title);
  for (guint i = 0; i < limit; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);
      const TcDocCapture *cap = tc_snapshot_origin (s);
      double v;

      {
        g_autofree char *where = tc_snapshot_where (doc, s);
        g_autofree char *head = g_strdup_printf ("  #%04" G_GUINT64_FORMAT "  t=%.4fs  [%s]  %s", s->index,
                                                 tc_ns_to_s (s->time_ns), s->evt, where);
        GString *extra = g_string_new (NULL);

        if (*s->label && !g_str_has_prefix (s->label, "_tc"))
          g_string_append_printf (extra, "%s%s%s", C (TC_BOLD), s->label, R ());
        for (guint t = 0; s->tags[t]; t++)
          if (!g_str_equal (s->tags[t], "_internal"))
            g_string_append_printf (extra, "%s%s#%s%s", extra->len ? " " : "", C (TC_MAGENTA), s->tags[t], R ());
        g_string_append_printf (ctx->out, "  #%04" G_GUINT64_FORMAT "  t=%.4fs  %s[%s]%s  %s", s->index,
                                tc_ns_to_s (s->time_ns), C (evt_colour (s)), s->evt, R (), where);
        /* Label and tags follow on the line when they fit, else below. */
        if (extra->len && (int) (tc_utf8_width (head) + 2 + tc_utf8_width (extra->str)) <= ctx->W)
          g_string_append_printf (ctx->out, "  %s", extra->str);
        else if (extra->len)
          g_string_append_printf (ctx->out, "\n         %s", extra->str);
        g_string_append_c (ctx->out, '\n');
        g_string_free (extra, TRUE);
      }

      if (cap && s->kind == TC_SNAPSHOT_LINE)
        {
          guint rows = 0;

          for (guint l = 0; l < cap->n_locals && rows < 4; l++)
            {
              const TcDocVar *var = tc_document_get_var (doc, cap->locals[l].var_id);
              g_autofree char *r = tc_text_head (cap->locals[l].repr, 50);

              if (!(cap->locals[l].flags & TC_LOCAL_CHANGED))
                continue;
              g_string_append_printf (ctx->out, "       ~ %s = %s\n", var ? var->name : "?", r);
              rows++;
            }
        }
      else if (cap)
        {
          guint rows = 0, total = 0;

          for (guint l = 0; l < cap->n_locals; l++)
            {
              const TcDocVar *var = tc_document_get_var (doc, cap->locals[l].var_id);
              g_autofree char *r = NULL, *type = NULL;

              if (var && g_str_has_prefix (var->name, "__"))
                continue;
              total++;
              if (rows >= 3)
                continue;
              r = tc_text_head (cap->locals[l].repr, rlen);
              type = tc_text_head (cap->locals[l].type_name, 8);
              g_string_append_printf (ctx->out, "       · %s = %s  %s[%s]%s\n", var ? var->name : "?", r, C (TC_DIM),
                                      type, R ());
              rows++;
            }
          if (total > rows)
            g_string_append_printf (ctx->out, "       %s... %u more vars%s\n", C (TC_DIM), total - rows, R ());
        }
      if (s->n_metrics > 0)
        {
          g_string_append (ctx->out, "       mets:");
          for (guint m = 0; m < MIN (4, s->n_metrics); m++)
            {
              g_autofree char *val = tc_report_metric_value (&s->metrics[m].value);
              const char *name = "?";

              for (guint k = 0; k < metrics->len; k++)
                if (((TcDocSeries *) g_ptr_array_index (metrics, k))->id == s->metrics[m].metric_id)
                  name = ((TcDocSeries *) g_ptr_array_index (metrics, k))->name;
              g_string_append_printf (ctx->out, " %s=%s", name, val);
            }
          g_string_append_c (ctx->out, '\n');
        }
      if (s->n_system > 0)
        {
          GString *sys = g_string_new (NULL);

          if (counter_of (doc, s, "ram_mb", &v))
            g_string_append_printf (sys, "  RAM=%.2fMB", v);
          if (counter_of (doc, s, "cpu_pct", &v))
            g_string_append_printf (sys, "  CPU=%.1f%%", v);
          if (counter_of (doc, s, "gpu_mb", &v))
            g_string_append_printf (sys, "  GPU=%.0fMB", v);
          if (counter_of (doc, s, "threads", &v))
            g_string_append_printf (sys, "  thr=%.0f", v);
          if (sys->len)
            g_string_append_printf (ctx->out, "       %ssys:%s%s\n", C (TC_DIM), sys->str, R ());
          g_string_free (sys, TRUE);
        }
    }
  if (limit < snaps->len)
    g_string_append_printf (ctx->out, "\n  %s... %u more snapshots (use full=True)%s\n", C (TC_DIM), snaps->len - limit, R ());
}

static void
footer (Ctx *ctx, const char *source)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");

  int room = ctx->W - (int) strlen ("  Generated: 2000-01-01 00:00:00   Source:    timecapsule v6.0");
  g_autofree char *tail = tc_text_tail (source, MAX (room, 10) - 1);
  g_autofree char *src = (int) g_utf8_strlen (source, -1) > MAX (room, 10)
                         ? g_strconcat ("…", tail, NULL) : g_strdup (source);

  g_string_append_c (ctx->out, '\n');
  tc_text_rule (ctx->out, ctx->style, "═");
  g_string_append_printf (ctx->out, "  Generated: %s   Source: %s   timecapsule v6.0\n", when, src);
  tc_text_rule (ctx->out, ctx->style, "═");
}

char *
tc_report_render (TcDocument *doc, const TcReportOptions *options)
{
  static const TcReportOptions defaults = { { 100, FALSE }, 15, FALSE, NULL };
  Ctx ctx;

  if (options == NULL)
    options = &defaults;
  ctx.doc = doc;
  ctx.style = &options->style;
  ctx.out = g_string_new (NULL);
  ctx.W = tc_width (&options->style);
  ctx.top_n = options->top_n ? options->top_n : 15;
  ctx.full = options->full;
  ctx.limit = options->full ? G_MAXUINT : ctx.top_n;

  section_header (&ctx);
  section_story (&ctx);
  section_warnings (&ctx);
  section_crash (&ctx);
  section_functions (&ctx);
  section_metrics (&ctx);
  section_memory (&ctx);
  section_timelines (&ctx);
  section_hotlines (&ctx);
  section_returns (&ctx);
  section_samples (&ctx);
  section_async (&ctx);
  section_suggestions (&ctx);
  section_flame (&ctx);
  section_snapshots (&ctx);
  footer (&ctx, options->source_label ? options->source_label : tc_document_get_path (doc));
  /* Whatever the data (long labels, huge numbers), no line wraps. */
  tc_text_clip_lines (ctx.out, ctx.W, options->style.color);
  return g_string_free (ctx.out, FALSE);
}

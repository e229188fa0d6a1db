/* tc-report-content.c — the sections of the printed report, from the
 * document, in the order of the text report (spec §3A)
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "charts/tc-chart-draw.h"
#include "source/tc-source-lines.h"
#include "tc-report.h"
#include "tc-units.h"

#include "tc-report-pages-private.h"

#define MAX_FUNCTIONS   200
#define MAX_SNAPSHOTS    45   /* the text report's 3 × top_n */
#define MAX_VARIABLES    15
#define MAX_SOURCE_LINES 400
#define FLAME_ROW        14.0

static char *
ms (double value)
{
  return tc_units_format_ms (value);
}

static char *
secs (gint64 ns)
{
  return tc_units_format_seconds (ns);
}

static char *
count (guint64 value)
{
  return tc_units_format_count (value);
}

/* ---- charts ------------------------------------------------------------- */

typedef struct
{
  TcDocument        *doc;
  const TcDocSeries *series;
  char              *title;
  double             threshold;
  double             peak;
} SeriesChart;

static void
series_chart_free (gpointer data)
{
  SeriesChart *chart = data;

  g_object_unref (chart->doc);
  g_free (chart->title);
  g_free (chart);
}

static void
draw_series_chart (cairo_t           *cr,
                   const TcDrawStyle *style,
                   double             width,
                   double             height,
                   gpointer           data)
{
  SeriesChart *chart = data;
  GArray *points = chart->series->points;
  g_autofree gint64 *times = g_new (gint64, points->len + 1);
  g_autofree double *values = g_new (double, points->len + 1);
  TcSeriesScale scale = { 0 };
  TcSeriesStats stats;
  TcSeriesDraw draw = { 0 };
  gint64 begin, end;

  for (guint i = 0; i < points->len; i++)
    {
      times[i] = g_array_index (points, TcDocPoint, i).time_ns;
      values[i] = g_array_index (points, TcDocPoint, i).value;
    }

  tc_document_get_time_range (chart->doc, &begin, &end);
  tc_series_stats (values, points->len, &stats);
  scale.begin_ns = 0;
  scale.end_ns = MAX (end, 1);
  scale.width = width - TC_CHART_LEFT - TC_CHART_RIGHT;
  scale.height = height - 40;
  tc_series_nice_range (&stats, chart->threshold > 0, &scale.y_min, &scale.y_max);
  /* Room above the peak line for the series and the line's label, as on
   * screen (tc-metric-chart.c). */
  if (isfinite (chart->peak))
    scale.y_max = MAX (scale.y_max, chart->peak * 1.08);

  draw.times = times;
  draw.values = values;
  draw.n = points->len;
  draw.shape = tc_series_choose_shape (values, points->len);
  draw.color = style->accent;
  /* An area under a handful of dots reads as a shape that is not there. */
  draw.fill = chart->threshold <= 0 && draw.shape != TC_SERIES_DOTS;
  draw.show_stats = chart->threshold > 0;
  draw.threshold = chart->threshold;
  draw.unit = chart->series->unit;
  draw.peak = chart->peak;
  draw.hover = -1;

  tc_chart_draw_text (cr, style, &style->foreground, TC_CHART_LEFT, 0, 0.0, -1, chart->title);
  cairo_save (cr);
  cairo_translate (cr, TC_CHART_LEFT, 14);
  tc_draw_value_axis (cr, style, &scale, chart->series->unit);
  tc_draw_series (cr, style, &scale, &draw);
  cairo_translate (cr, 0, scale.height);
  tc_draw_time_axis (cr, style, scale.width, 18, scale.begin_ns, scale.end_ns);
  cairo_restore (cr);
}

static void
add_series_chart (TcReportPages     *self,
                  TcDocument        *doc,
                  const TcDocSeries *series,
                  const char        *title,
                  double             threshold,
                  double             peak)
{
  SeriesChart *chart;

  /* One sample is a number, not a chart. */
  if (series->points->len < 2)
    {
      const TcDocPoint *p = &g_array_index (series->points, TcDocPoint, 0);
      g_autofree char *value = tc_series_format_value (p->value, series->unit);
      g_autofree char *t = tc_units_format_seconds (p->time_ns);

      _tc_report_textf (self, _("%s: %s (one sample, at %s)"), title, value, t);
      return;
    }

  chart = g_new0 (SeriesChart, 1);

  chart->doc = g_object_ref (doc);
  chart->series = series;
  chart->title = g_strdup (title);
  chart->threshold = threshold;
  chart->peak = peak;
  _tc_report_chart (self, 130, draw_series_chart, chart, series_chart_free);
}

typedef struct
{
  TcDocument  *doc;
  TcFlameTree *tree;
  GArray      *boxes;
} FlameChart;

static void
flame_chart_free (gpointer data)
{
  FlameChart *chart = data;

  g_object_unref (chart->doc);
  tc_flame_tree_unref (chart->tree);
  g_array_unref (chart->boxes);
  g_free (chart);
}

static void
draw_flame_chart (cairo_t           *cr,
                  const TcDrawStyle *style,
                  double             width,
                  double             height,
                  gpointer           data)
{
  FlameChart *chart = data;
  TcFlameDraw params = { 0 };
  guint max_depth = 0;

  for (guint i = 0; i < chart->boxes->len; i++)
    max_depth = MAX (max_depth, g_array_index (chart->boxes, TcFlameBox, i).depth);

  params.tree = chart->tree;
  params.doc = chart->doc;
  params.boxes = chart->boxes;
  params.width = width;
  params.row_height = FLAME_ROW;
  params.n_rows = max_depth + 1;
  params.view_x0 = 0.0;
  params.view_x1 = 1.0;
  params.icicle = FALSE;
  params.hover = TC_FLAME_NONE;

  /* Root at the bottom of the drawing area. */
  cairo_translate (cr, 0, height - params.n_rows * FLAME_ROW);
  tc_draw_flame_graph (cr, style, &params);
}

static void
add_flame_chart (TcReportPages *self,
                 TcDocument    *doc,
                 TcFlameTree   *tree)
{
  FlameChart *chart = g_new0 (FlameChart, 1);
  guint max_depth = 0;

  chart->doc = g_object_ref (doc);
  chart->tree = tree;
  /* Boxes under 1/500 of the width would be under a point on paper. */
  chart->boxes = tc_flame_layout (tree, 0, 1.0 / 500.0);
  for (guint i = 0; i < chart->boxes->len; i++)
    max_depth = MAX (max_depth, g_array_index (chart->boxes, TcFlameBox, i).depth);

  _tc_report_chart (self, MIN (40, max_depth + 1) * FLAME_ROW, draw_flame_chart, chart, flame_chart_free);
}

/* ---- sections ----------------------------------------------------------- */

void
_tc_report_build_title (TcReportPages *self,
                        TcDocument    *doc,
                        TcComparison  *comparison)
{
  const TcDocSession *session = tc_document_get_session (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  g_autoptr(GDateTime) started = g_date_time_new_from_unix_local (session->start_wall_ns / 1000000000);
  g_autofree char *date = started ? g_date_time_format (started, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
  g_autofree char *subtitle = NULL;
  g_autofree char *status = NULL;
  g_autofree char *duration = g_strdup_printf ("%.6f s", tc_document_get_duration (doc));
  g_autofree char *snaps = count (tc_document_get_snapshots (doc)->len);
  g_autofree char *vars = count (tc_document_get_vars (doc)->len);
  g_autofree char *ram = tc_units_format_mb (tc_document_get_ram_peak_mb (doc));
  g_autofree char *fds = g_strdup_printf ("%.0f", tc_document_get_fd_peak (doc));
  g_autofree char *argv = session->argv ? g_strjoinv (" ", session->argv) : g_strdup ("");
  g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT, session->pid);
  g_autofree char *backend = g_strdup_printf ("%s / %s", session->backend, session->mode);
  g_autofree char *path = g_strdup (tc_document_get_path (doc));
  guint n_error = 0;

  for (guint i = 0; i < warnings->len; i++)
    n_error += g_array_index (warnings, TcDocWarning, i).level == TC_LEVEL_ERROR;

  subtitle = g_markup_printf_escaped (_("Recorded %s · session %s · %s"), date, session->session_id, path);
  if (crash != NULL)
    status = g_markup_printf_escaped ("<span foreground='#e01b24'>⚠ %s: %s</span>",
                                      crash->exc_type, crash->message);
  else
    status = g_strdup_printf ("<span foreground='#26a269'>✓ %s</span>", _("No crash"));
  {
    g_autofree char *old = status;

    if (warnings->len == 0)
      status = g_strdup_printf ("%s\n<span foreground='#26a269'>✓ %s</span>", old, _("No warnings"));
    else
      status = g_strdup_printf ("%s\n<span foreground='#c64600'>⚠ %u warning(s), %u error(s)</span>",
                                old, warnings->len, n_error);
  }

  _tc_report_set_title (self, *session->script ? session->script : _("Recording"), subtitle, status);
  _tc_report_add_fact (self, _("Python"), session->python);
  _tc_report_add_fact (self, _("Platform"), session->platform);
  _tc_report_add_fact (self, _("PID"), pid);
  _tc_report_add_fact (self, _("Backend / mode"), backend);
  _tc_report_add_fact (self, _("Arguments"), argv);
  _tc_report_add_fact (self, _("Duration"), duration);
  _tc_report_add_fact (self, _("Snapshots"), snaps);
  _tc_report_add_fact (self, _("Variables"), vars);
  _tc_report_add_fact (self, _("RAM peak"), ram);
  _tc_report_add_fact (self, _("Open files peak"), fds);
  if (tc_document_get_truncated (doc))
    _tc_report_add_fact (self, _("State"), tc_document_get_state_message (doc));
  if (comparison != NULL)
    {
      g_autofree char *before = g_path_get_basename (tc_document_get_path (tc_comparison_get_before (comparison)));

      _tc_report_add_fact (self, _("Compared with"), before);
    }
}

static void
build_overview (TcReportPages *self,
                TcDocument    *doc)
{
  g_autoptr(GPtrArray) sentences = tc_report_explain_sentences (doc);
  g_autoptr(GString) text = g_string_new (NULL);

  _tc_report_section (self, _("What Your Code Did"));
  for (guint i = 0; i < sentences->len; i++)
    g_string_append_printf (text, "%s%s", i ? " " : "", (char *)g_ptr_array_index (sentences, i));
  _tc_report_textf (self, "%s", text->str);
}

static void
build_warnings (TcReportPages *self,
                TcDocument    *doc)
{
  GArray *warnings = tc_document_get_warnings (doc);
  TcReportTable *table;

  if (warnings->len == 0)
    return;

  _tc_report_section (self, _("Warnings"));
  table = _tc_report_table (self, "Level:0.08|Time:0.1r|Code:0.2|Variable:0.12|Message:0.5");
  for (guint i = 0; i < warnings->len; i++)
    {
      const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);

      _tc_report_row (self, table, w->level == TC_LEVEL_ERROR ? TC_ROW_BAD : 0,
                      g_strdup (w->level == TC_LEVEL_ERROR ? "ERROR" : w->level == TC_LEVEL_WARN ? "WARN" : "INFO"),
                      secs (w->time_ns), g_strdup (w->code), g_strdup (w->var), g_strdup (w->message));
    }
}

static void
build_crash (TcReportPages *self,
             TcDocument    *doc)
{
  const TcDocCrash *crash = tc_document_get_crash (doc);
  const char * const *checklist;

  if (crash == NULL)
    return;

  _tc_report_section (self, _("Crash Forensics"));
  _tc_report_textf (self, "<b><span foreground='#e01b24' size='large'>%s: %s</span></b>",
                    crash->exc_type, crash->message);
  if (crash->n_frames > 0)
    {
      const TcDocCrashFrame *frame = &crash->frames[0];
      const TcDocCode *code = tc_document_get_code (doc, frame->code_id);
      const TcDocFile *file = code && code->file_id ? tc_document_get_file (doc, code->file_id) : NULL;
      g_autofree char *t = secs (crash->time_ns);

      _tc_report_textf (self, _("In %s() at %s:%u, t = %s"), tc_document_code_name (doc, frame->code_id),
                        file ? file->basename : "?", frame->line, t);
      _tc_report_heading (self, _("What this means"));
      _tc_report_textf (self, "%s", tc_exception_friendly (crash->exc_type));

      if (file != NULL && file->source != NULL)
        {
          g_auto(GStrv) lines = g_strsplit (file->source, "\n", -1);
          guint n = g_strv_length (lines);
          TcReportTable *table;

          _tc_report_heading (self, _("Source context"));
          table = _tc_report_table (self, "Line:0.08rm|Source:0.92m");
          for (guint l = frame->line > 5 ? frame->line - 5 : 1; l <= MIN (n, frame->line + 5); l++)
            _tc_report_row (self, table, l == frame->line ? TC_ROW_HIGHLIGHT | TC_ROW_BOLD : 0,
                            g_strdup_printf ("%u", l), g_strdup (lines[l - 1]));
        }
    }

  for (guint f = 0; f < crash->n_frames; f++)
    {
      const TcDocCrashFrame *frame = &crash->frames[f];
      g_autofree char *title = NULL;
      TcReportTable *table;

      if (frame->n_locals == 0)
        continue;
      title = g_strdup_printf (_("Variables in %s() (line %u)"), tc_document_code_name (doc, frame->code_id), frame->line);
      _tc_report_heading (self, title);
      table = _tc_report_table (self, "Name:0.22|Type:0.15|Value:0.63m");
      for (guint i = 0; i < frame->n_locals; i++)
        {
          const TcDocLocal *local = &frame->locals[i];
          const TcDocVar *var = tc_document_get_var (doc, local->var_id);

          _tc_report_row (self, table, 0, g_strdup (var ? var->name : "?"),
                          g_strdup (local->type_name), g_strdup (local->repr));
        }
    }

  checklist = tc_exception_checklist (crash->exc_type);
  if (checklist[0] != NULL)
    {
      _tc_report_heading (self, _("Fix checklist"));
      for (guint i = 0; checklist[i] != NULL; i++)
        _tc_report_textf (self, "☐ %s", checklist[i]);
    }

  if (*crash->traceback)
    {
      _tc_report_heading (self, _("Traceback"));
      _tc_report_mono (self, crash->traceback);
    }
}

static void
build_functions (TcReportPages *self,
                 TcDocument    *doc)
{
  GPtrArray *stats = tc_document_get_function_stats (doc);
  g_autoptr(GArray) slowest = NULL;
  g_autoptr(GArray) blocks = NULL;
  TcReportTable *table;
  g_autofree char *calls = NULL;

  if (stats->len == 0)
    return;

  _tc_report_section (self, _("Function Performance"));
  calls = count (tc_document_get_total_calls (doc));
  _tc_report_textf (self, _("%s calls of %u functions. Times are inclusive (children included); "
                            "self time excludes the children."), calls, stats->len);
  table = _tc_report_table (self, "Function:0.3|Calls:0.09r|Total:0.1r|Self:0.1r|Avg:0.1r|P50:0.1r|P95:0.1r|P99:0.11r");
  for (guint i = 0; i < MIN (stats->len, MAX_FUNCTIONS); i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      _tc_report_row (self, table, 0, g_strdup (s->name), count (s->calls), ms (s->total_ms),
                      ms (s->self_ms), ms (s->avg_ms), ms (s->p50_ms), ms (s->p95_ms), ms (s->p99_ms));
    }
  if (stats->len > MAX_FUNCTIONS)
    _tc_report_textf (self, _("… and %u more functions."), stats->len - MAX_FUNCTIONS);

  slowest = tc_analysis_slowest (doc, 5);
  if (slowest->len > 0)
    {
      _tc_report_heading (self, _("Slowest individual calls"));
      table = _tc_report_table (self, "Function:0.7|Duration:0.3r");
      for (guint i = 0; i < slowest->len; i++)
        {
          const TcSlowCall *call = &g_array_index (slowest, TcSlowCall, i);

          _tc_report_row (self, table, 0, g_strdup (call->name), ms (call->ms));
        }
    }

  blocks = tc_analysis_block_timings (doc);
  if (blocks->len > 0)
    {
      _tc_report_heading (self, _("Blocks and checkpoints"));
      table = _tc_report_table (self, "Name:0.4|Calls:0.12r|Total:0.12r|Avg:0.12r|Min:0.12r|Max:0.12r");
      for (guint i = 0; i < blocks->len; i++)
        {
          const TcBlockStats *b = &g_array_index (blocks, TcBlockStats, i);

          _tc_report_row (self, table, 0, g_strdup (b->name), g_strdup_printf ("%u", b->calls),
                          ms (b->total_ms), ms (b->avg_ms), ms (b->min_ms), ms (b->max_ms));
        }
    }
}

static void
build_metrics (TcReportPages *self,
               TcDocument    *doc)
{
  GPtrArray *metrics = tc_document_get_metrics (doc);
  gboolean any = FALSE;

  for (guint i = 0; i < metrics->len; i++)
    any |= ((TcDocSeries *)g_ptr_array_index (metrics, i))->points->len > 0;
  if (!any)
    return;

  _tc_report_section (self, _("Metrics"));
  _tc_report_text (self, _("Each metric with its mean and ±σ band; points with |z| ≥ 2.5 are marked as anomalies."));
  for (guint i = 0; i < metrics->len; i++)
    {
      const TcDocSeries *series = g_ptr_array_index (metrics, i);

      if (series->points->len > 0)
        add_series_chart (self, doc, series, series->name, 2.5, NAN);
    }
}

static void
build_memory (TcReportPages *self,
              TcDocument    *doc)
{
  static const struct { const char *name; const char *title; } counters[] = {
    { "ram_mb", N_("RAM (MB)") },
    { "cpu_pct", N_("CPU (%)") },
    { "gpu_mb", N_("GPU memory (MB)") },
    { "gpu_util_pct", N_("GPU utilization (%)") },
    { "gpu_process_mb", N_("GPU memory of this process (MB)") },
    { "gpu_alloc_mb", N_("GPU memory allocated by PyTorch (MB)") },
    { "gpu_reserved_mb", N_("GPU memory reserved by PyTorch (MB)") },
    { "threads", N_("Threads") },
    { "open_fds", N_("Open files") },
  };
  g_autoptr(GArray) map = tc_analysis_memory_map (doc);
  TcReportTable *table;

  _tc_report_section (self, _("Memory and Resources"));
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      const TcDocSeries *series = tc_document_get_counter (doc, counters[i].name);

      if (series != NULL && series->points->len > 0)
        add_series_chart (self, doc, series, _(counters[i].title), 0,
                          i == 0 ? tc_document_get_ram_peak_mb (doc) : NAN);
    }

  if (map->len > 0)
    {
      _tc_report_heading (self, _("Variable size audit"));
      table = _tc_report_table (self, "Variable:0.35|Type:0.2|Max:0.15r|Average:0.15r|Seen:0.15r");
      for (guint i = 0; i < MIN (map->len, 30); i++)
        {
          const TcMemoryEntry *e = &g_array_index (map, TcMemoryEntry, i);

          _tc_report_row (self, table, 0, g_strdup (e->name), g_strdup (e->type_name),
                          g_format_size (e->max_bytes), g_format_size ((guint64)e->avg_bytes),
                          g_strdup_printf ("%u", e->n_seen));
        }
    }
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const TcDocVar *va = *(const TcDocVar * const *)a, *vb = *(const TcDocVar * const *)b;

  return va->n_changes == vb->n_changes ? 0 : va->n_changes < vb->n_changes ? 1 : -1;
}

static void
build_variables (TcReportPages *self,
                 TcDocument    *doc)
{
  GPtrArray *all = tc_document_get_vars (doc);
  g_autoptr(GPtrArray) vars = g_ptr_array_sized_new (all->len);
  TcReportTable *table;
  guint shown = 0;

  /* A view of the document's array: g_ptr_array_copy() would take its
   * free function along and free the document's variables. */
  for (guint i = 0; i < all->len; i++)
    g_ptr_array_add (vars, g_ptr_array_index (all, i));
  if (vars->len == 0)
    return;

  g_ptr_array_sort (vars, compare_changes);
  _tc_report_section (self, _("Variable Timelines"));
  table = _tc_report_table (self, "Variable:0.2|Time:0.12r|Value:0.52m|Type:0.16");
  for (guint i = 0; i < vars->len && shown < MAX_VARIABLES; i++)
    {
      const TcDocVar *var = g_ptr_array_index (vars, i);
      guint rows = 0;

      if (g_str_has_prefix (var->name, "__") || var->history->len == 0)
        continue;
      shown++;
      for (guint k = 0; k < var->history->len && rows < 5; k++)
        {
          const TcDocVarPoint *p = &g_array_index (var->history, TcDocVarPoint, k);

          if (k > 0 && !p->changed)
            continue;
          _tc_report_row (self, table, rows == 0 ? TC_ROW_BOLD : 0,
                          rows == 0 ? g_strdup_printf ("%s (%u)", var->display, var->n_changes) : g_strdup (""),
                          secs (p->time_ns), g_strdup (p->local->repr), g_strdup (p->local->type_name));
          rows++;
        }
    }
}

static void
build_hot_lines (TcReportPages *self,
                 TcDocument    *doc)
{
  g_autoptr(GArray) lines = tc_analysis_hotlines (doc);
  TcReportTable *table;

  if (lines->len == 0)
    {
      GPtrArray *files = tc_document_get_files (doc);
      gboolean any = FALSE;

      for (guint i = 0; i < files->len && !any; i++)
        any = ((const TcDocFile *) g_ptr_array_index (files, i))->line_hits->len > 0;
      /* First-hit data: say why there is no ranking rather than rank 1s. */
      if (any && !tc_analysis_line_hits_counted (doc))
        {
          _tc_report_section (self, _("Hot Lines"));
          _tc_report_text (self, _("This recording knows which lines ran, not how often: the recorder stops "
                                   "listening to a line after its first run to keep its overhead low. "
                                   "Source Coverage shows the lines that ran; Functions shows where the time went."));
        }
      return;
    }

  _tc_report_section (self, _("Hot Lines"));
  table = _tc_report_table (self, "File:0.5|Line:0.15r|Hits:0.17r|Time:0.18r");
  for (guint i = 0; i < MIN (lines->len, 30); i++)
    {
      const TcHotLine *l = &g_array_index (lines, TcHotLine, i);

      _tc_report_row (self, table, 0, g_path_get_basename (l->file), g_strdup_printf ("%u", l->line),
                      count (l->hits), ms (tc_ns_to_ms (l->time_ns)));
    }
}

static void
build_returns (TcReportPages *self,
               TcDocument    *doc)
{
  GArray *returns = tc_document_get_return_values (doc);
  TcReportTable *table;

  if (returns->len == 0)
    return;

  _tc_report_section (self, _("Return Values"));
  table = _tc_report_table (self, "Time:0.12r|Function:0.25|Value:0.48m|Type:0.15");
  for (guint i = returns->len > 10 ? returns->len - 10 : 0; i < returns->len; i++)
    {
      const TcDocReturn *r = &g_array_index (returns, TcDocReturn, i);

      _tc_report_row (self, table, 0, secs (r->time_ns), g_strdup (tc_document_code_name (doc, r->code_id)),
                      g_strdup (r->repr), g_strdup (r->type_name));
    }
}

static void
build_samples (TcReportPages *self,
               TcDocument    *doc)
{
  GArray *samples = tc_document_get_samples (doc);

  if (samples == NULL || samples->len == 0)
    return;

  _tc_report_section (self, _("Stack Sample Profile"));
  _tc_report_textf (self, _("%u stack samples; width is the share of samples."), samples->len);
  add_flame_chart (self, doc, tc_flame_tree_new_from_samples (doc, 0));
}

static void
build_async (TcReportPages *self,
             TcDocument    *doc)
{
  GArray *snaps = tc_document_get_snapshots (doc);
  g_autoptr(GHashTable) tasks = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) coroutines = tc_analysis_async (doc, 0, NULL, NULL);
  TcReportTable *table;
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);

      if (*s->async_task)
        g_hash_table_insert (tasks, (char *)s->async_task,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (tasks, s->async_task)) + 1));
    }
  if (g_hash_table_size (tasks) == 0 && coroutines->len == 0)
    return;

  _tc_report_section (self, _("Async and Coroutine Activity"));
  if (coroutines->len > 0)
    {
      /* The coroutines the events show ran, as the viewer's table. */
      _tc_report_text (self, _("Running is the time spent inside a coroutine (the sum of its run segments); "
                               "events name the coroutine, not the instance, so instance lifetimes are not known."));
      table = _tc_report_table (self, "Coroutine:0.3|Threads:0.1r|Started:0.1r|Ended:0.09r|"
                                      "Awaits:0.09r|Resumes:0.1r|Running:0.1r|Runs/inst.:0.12r");
      for (guint i = 0; i < coroutines->len; i++)
        {
          const TcAsyncCode *row = &g_array_index (coroutines, TcAsyncCode, i);

          _tc_report_row (self, table, 0, g_strdup (row->name),
                          g_strdup_printf ("%u", row->threads->len),
                          g_strdup_printf ("%" G_GUINT64_FORMAT, row->started),
                          g_strdup_printf ("%" G_GUINT64_FORMAT, row->finished),
                          g_strdup_printf ("%" G_GUINT64_FORMAT, row->suspended),
                          g_strdup_printf ("%" G_GUINT64_FORMAT, row->resumed),
                          tc_units_format_ms (tc_ns_to_ms (row->running_ns)),
                          row->started > 0 ? g_strdup_printf ("%.1f", tc_async_code_segments_per_instance (row))
                                           : g_strdup ("—"));
        }
    }
  if (g_hash_table_size (tasks) == 0)
    return;
  table = _tc_report_table (self, "Task:0.7|Snapshots:0.3r");
  g_hash_table_iter_init (&iter, tasks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    _tc_report_row (self, table, 0, g_strdup (key), g_strdup_printf ("%u", GPOINTER_TO_UINT (value)));
}

static void
build_suggestions (TcReportPages *self,
                   TcDocument    *doc)
{
  g_autoptr(GArray) suggestions = tc_analysis_suggestions (doc, NULL, NULL);
  TcReportTable *table;

  _tc_report_section (self, _("Optimization Suggestions"));
  if (suggestions->len == 0)
    {
      _tc_report_text (self, _("✓ No obvious optimizations detected."));
      return;
    }

  table = _tc_report_table (self, "Kind:0.12|Suggestion:0.88");
  for (guint i = 0; i < suggestions->len; i++)
    {
      const TcSuggestion *s = &g_array_index (suggestions, TcSuggestion, i);

      _tc_report_row (self, table, 0, g_strdup (s->tag), g_strdup (s->text));
    }
}

static void
build_flame (TcReportPages *self,
             TcDocument    *doc)
{
  if (tc_document_get_function_stats (doc)->len == 0)
    return;

  _tc_report_section (self, _("Flame Graph"));
  _tc_report_text (self, _("All threads. Width is inclusive time; each bar's children stand on it, "
                           "colours by package."));
  add_flame_chart (self, doc, tc_flame_tree_new_from_threads (doc, 0));
}

static void
build_snapshots (TcReportPages *self,
                 TcDocument    *doc)
{
  GArray *snaps = tc_document_get_snapshots (doc);
  TcReportTable *table;

  if (snaps->len == 0)
    return;

  _tc_report_section (self, _("Snapshot Timeline"));
  table = _tc_report_table (self, "#:0.07r|Time:0.12r|Event:0.25|Where:0.3|Label:0.26");
  for (guint i = 0; i < MIN (snaps->len, MAX_SNAPSHOTS); i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);

      _tc_report_row (self, table, s->kind == TC_SNAPSHOT_CRASH ? TC_ROW_BAD : 0,
                      g_strdup_printf ("%" G_GUINT64_FORMAT, s->index), secs (s->time_ns), g_strdup (s->evt),
                      tc_snapshot_where (doc, s),
                      g_strdup (s->label));
    }
  if (snaps->len > MAX_SNAPSHOTS)
    _tc_report_textf (self, _("… %u more snapshots."), snaps->len - MAX_SNAPSHOTS);
}

void
_tc_report_build_sections (TcReportPages *self,
                           TcDocument    *doc)
{
  build_overview (self, doc);
  _tc_report_build_processes (self, doc);
  build_warnings (self, doc);
  build_crash (self, doc);
  build_functions (self, doc);
  build_metrics (self, doc);
  build_memory (self, doc);
  build_variables (self, doc);
  build_hot_lines (self, doc);
  build_returns (self, doc);
  build_samples (self, doc);
  build_async (self, doc);
  build_suggestions (self, doc);
  build_flame (self, doc);
  build_snapshots (self, doc);
}

/* Annotated source coverage: every embedded file with hits and time. */
void
_tc_report_build_source (TcReportPages *self,
                         TcDocument    *doc)
{
  GPtrArray *files = tc_document_get_files (doc);
  gboolean started = FALSE;

  for (guint f = 0; f < files->len; f++)
    {
      const TcDocFile *file = g_ptr_array_index (files, f);
      g_autoptr(TcSourceLines) annotations = NULL;
      GArray *hits;
      g_auto(GStrv) lines = NULL;
      TcReportTable *table;
      guint n, next = 0;
      guint64 max_hits = 0;

      if (file->source == NULL || !(file->flags & TC_FILE_FLAG_TRACKED))
        continue;
      annotations = tc_source_lines_new (doc, file);
      hits = annotations->lines;

      if (!started)
        {
          _tc_report_section (self, _("Source Coverage"));
          started = TRUE;
        }

      _tc_report_heading (self, file->basename);
      if (annotations->per_function)
        _tc_report_textf (self, _("No per-line data in this recording: the calls and inclusive time of "
                                  "each of the %u functions that ran are shown at its first line."),
                          annotations->n_functions);
      else
        {
          _tc_report_textf (self, _("%u of %u executable lines ran (%.0f%%). Lines that never ran are dimmed."),
                            annotations->n_hit, annotations->n_executable,
                            annotations->n_executable ? 100.0 * annotations->n_hit / annotations->n_executable : 0.0);
          if (!annotations->counted)
            _tc_report_text (self, _("This recording knows which lines ran (✓), not how often."));
          if (annotations->n_before > 0)
            _tc_report_textf (self, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u line ran before recording started (–): not judged.",
                                                 "%u lines ran before recording started (–): not judged.",
                                                 annotations->n_before),
                              annotations->n_before);
        }

      for (guint i = 0; i < hits->len; i++)
        max_hits = MAX (max_hits, g_array_index (hits, TcCoverageLine, i).hits);

      lines = g_strsplit (file->source, "\n", -1);
      n = MIN (g_strv_length (lines), MAX_SOURCE_LINES);
      table = annotations->counted
              ? _tc_report_table (self, "Line:0.07rm|Hits:0.1rm|Time:0.11rm|Source:0.72m")
              : _tc_report_table (self, "Line:0.07rm|Ran:0.06m|Source:0.87m");
      for (guint l = 1; l <= n; l++)
        {
          const TcCoverageLine *hit = NULL;
          guint state;

          while (next < hits->len && g_array_index (hits, TcCoverageLine, next).line < l)
            next++;
          if (next < hits->len && g_array_index (hits, TcCoverageLine, next).line == l)
            hit = &g_array_index (hits, TcCoverageLine, next);
          state = hit ? hit->state : TC_COVERAGE_NOT_CODE;

          if (!annotations->counted)
            _tc_report_row (self, table, state == TC_COVERAGE_NEVER_RAN ? TC_ROW_DIM : 0,
                            g_strdup_printf ("%u", l),
                            g_strdup (state == TC_COVERAGE_RAN ? "✓" : state == TC_COVERAGE_BEFORE_RECORDING ? "–" : ""),
                            g_strdup (lines[l - 1]));
          else
            _tc_report_row (self, table,
                            hit && hit->hits > 0 && hit->hits * 10 >= max_hits * 8 ? TC_ROW_HIGHLIGHT :
                            state == TC_COVERAGE_NEVER_RAN && !annotations->per_function ? TC_ROW_DIM : 0,
                            g_strdup_printf ("%u", l),
                            hit && hit->hits ? count (hit->hits) : g_strdup (""),
                            hit && hit->time_ns ? ms (tc_ns_to_ms (hit->time_ns)) : g_strdup (""),
                            g_strdup (lines[l - 1]));
        }
      if (g_strv_length (lines) > MAX_SOURCE_LINES)
        _tc_report_textf (self, _("… %u more lines."), g_strv_length (lines) - MAX_SOURCE_LINES);
    }
}

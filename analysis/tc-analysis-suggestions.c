/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-suggestions.c — the optimization suggestions (report section
 * 13) as data.  The rules are the seed's: slow and hot functions, uneven
 * timings, RAM growth and peak, deep recursion, warnings that fire again and
 * again, and recording tips.  The text report, the viewer's pages, the PDF
 * and the Python API all take them from here, so they cannot drift apart.
 */
#include "tc-report-private.h"

typedef struct
{
  GArray            *result;
  const TcTextStyle *style;
  GString           *out;
} Ctx;

static void
suggestion_clear (gpointer data)
{
  TcSuggestion *s = data;

  g_free (s->text);
  g_free (s->subject);
}

/* The report's colour: the severity, except that uneven timings and tips
 * keep the seed's own colours. */
static const char *
colour_of (const TcSuggestion *s)
{
  if (s->kind == TC_SUGGESTION_VARY)
    return TC_MAGENTA;
  if (s->kind == TC_SUGGESTION_TIP)
    return TC_CYAN;
  return g_str_equal (s->severity, "HIGH") ? TC_RED : TC_YELLOW;
}

static void
add (Ctx *ctx, TcSuggestionKind kind, const char *severity, const char *subject, guint32 code_id,
     char *text)
{
  static const char * const tags[] = { "SLOW", "PERF", "VARY", "MEM", "REC", "WARN", "TIP" };
  TcSuggestion s = { kind, tags[kind], severity, text, g_strdup (subject), code_id };

  g_array_append_val (ctx->result, s);
  if (ctx->out)
    g_string_append_printf (ctx->out, "  %s[%-4s]%s  %s\n", tc_c (ctx->style, colour_of (&s)), s.tag,
                            tc_r (ctx->style), s.text);
}

static void
function_rules (Ctx *ctx, GPtrArray *stats)
{
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      if (s->avg_ms > 100)
        add (ctx, TC_SUGGESTION_SLOW, "HIGH", s->name, s->code_id,
             g_strdup_printf ("%s() avg %.1fms — cache results or profile internals", s->name, s->avg_ms));
      else if (s->avg_ms > 10 && s->calls > 50)
        add (ctx, TC_SUGGESTION_PERF, "MEDIUM", s->name, s->code_id,
             g_strdup_printf ("%s() called %" G_GUINT64_FORMAT "× at %.1fms avg (%.0fms total) — hot path",
                              s->name, s->calls, s->avg_ms, s->total_ms));
      if (s->calls > 5 && s->avg_ms > 1 && s->std_ms / s->avg_ms > 1.5)
        add (ctx, TC_SUGGESTION_VARY, "MEDIUM", s->name, s->code_id,
             g_strdup_printf ("%s() σ=%.1fms (%.0f%% of avg) — inconsistent, check for cold paths",
                              s->name, s->std_ms, s->std_ms / s->avg_ms * 100));
    }
}

static void
memory_rules (Ctx *ctx, TcDocument *doc)
{
  const TcDocSeries *ram = tc_document_get_counter (doc, "ram_mb");
  double peak = tc_document_get_ram_peak_mb (doc);

  if (ram && ram->points->len > 1)
    {
      double first = g_array_index (ram->points, TcDocPoint, 0).value;
      double last = g_array_index (ram->points, TcDocPoint, ram->points->len - 1).value;

      if (last - first > 50)
        add (ctx, TC_SUGGESTION_MEM, "MEDIUM", NULL, 0,
             g_strdup_printf ("RAM grew %.0fMB — check for unbounded lists/caches", last - first));
    }
  if (peak > 500)
    add (ctx, TC_SUGGESTION_MEM, "MEDIUM", NULL, 0,
         g_strdup_printf ("RAM peak %.0fMB — consider chunked processing or generators", peak));
}

static void
recursion_rules (Ctx *ctx, GPtrArray *stats)
{
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      if (s->max_depth > 20)
        add (ctx, TC_SUGGESTION_REC, "HIGH", s->name, s->code_id,
             g_strdup_printf ("%s() depth %u — stack overflow risk, use iteration", s->name, s->max_depth));
      else if (s->max_depth > 5)
        add (ctx, TC_SUGGESTION_REC, "MEDIUM", s->name, s->code_id,
             g_strdup_printf ("%s() depth %u — consider memoization", s->name, s->max_depth));
    }
}

/* Codes that fired more than once, in the order they first fired. */
static void
warning_rules (Ctx *ctx, GArray *warnings)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < warnings->len; i++)
    {
      const char *code = g_array_index (warnings, TcDocWarning, i).code;
      guint c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, code));

      if (c == 0)
        g_ptr_array_add (order, (char *) code);
      g_hash_table_insert (counts, (char *) code, GUINT_TO_POINTER (c + 1));
    }
  for (guint i = 0; i < order->len; i++)
    {
      const char *code = order->pdata[i];
      guint c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, code));

      if (c > 1)
        add (ctx, TC_SUGGESTION_WARN, "MEDIUM", code, 0, g_strdup_printf ("%s fired %u× — systematic issue", code, c));
    }
}

static void
tip_rules (Ctx *ctx, TcDocument *doc)
{
  const TcDocSession *session = tc_document_get_session (doc);
  g_autoptr (GPtrArray) labels = tc_report_user_labels (doc);
  guint n_snaps = tc_document_get_snapshots (doc)->len;

  if (tc_document_get_metrics (doc)->len == 0 && tc_document_get_duration (doc) > 2)
    add (ctx, TC_SUGGESTION_TIP, "LOW", NULL, 0, g_strdup ("add tc.metric('name', value) to track progress over time"));
  if (labels->len == 0 && n_snaps > 20)
    add (ctx, TC_SUGGESTION_TIP, "LOW", NULL, 0,
         g_strdup ("add tc.snap('label') at key points to name moments in the timeline"));
  if (g_str_equal (session->mode, "full") && n_snaps > 5000)
    add (ctx, TC_SUGGESTION_TIP, "LOW", NULL, 0,
         g_strdup_printf ("%u snapshots — consider mode='sample' for lower overhead", n_snaps));
}

GArray *
tc_analysis_suggestions (TcDocument *doc, const TcTextStyle *style, GString *out)
{
  GPtrArray *stats = tc_document_get_function_stats (doc);
  Ctx ctx = { g_array_new (FALSE, FALSE, sizeof (TcSuggestion)), tc_style_or_default (style), out };

  g_array_set_clear_func (ctx.result, suggestion_clear);
  function_rules (&ctx, stats);
  memory_rules (&ctx, doc);
  recursion_rules (&ctx, stats);
  warning_rules (&ctx, tc_document_get_warnings (doc));
  tip_rules (&ctx, doc);
  if (out && ctx.result->len == 0)
    g_string_append_printf (out, "  %s✓ No obvious optimizations detected.%s\n", tc_c (ctx.style, TC_GREEN),
                            tc_r (ctx.style));
  return ctx.result;
}

/* SPDX-License-Identifier: MIT
 *
 * tc-report-text.c — summary(), explain() and dump(), and the helpers the
 * report sections share with them.
 */
#include <math.h>

#include "tc-report-private.h"

guint
tc_report_n_vars (TcDocument *doc)
{
  GPtrArray *vars = tc_document_get_vars (doc);
  guint n = 0;

  for (guint i = 0; i < vars->len; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);

      if (v->history->len > 0 && !g_str_has_prefix (v->name, "__"))
        n++;
    }
  return n;
}

static gboolean
is_noise_fn (const char *name)
{
  return strstr (name, "<genexpr>") || strstr (name, "<listcomp>") || strstr (name, "<dictcomp>")
         || strstr (name, "<lambda>") || strstr (name, "<module>");
}

const TcFunctionStats *
tc_report_dominant (TcDocument *doc)
{
  GPtrArray *stats = tc_document_get_function_stats (doc);
  const TcFunctionStats *best = NULL;

  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      if (is_noise_fn (s->name))
        continue;
      if (best == NULL || s->calls > best->calls)
        best = s;
    }
  return best;
}

char *
tc_report_ram_sentence (TcDocument *doc)
{
  const TcDocSeries *ram = tc_document_get_counter (doc, "ram_mb");
  double first, last, peak = -INFINITY;

  if (ram == NULL || ram->points->len == 0)
    return NULL;
  first = g_array_index (ram->points, TcDocPoint, 0).value;
  last = g_array_index (ram->points, TcDocPoint, ram->points->len - 1).value;
  for (guint i = 0; i < ram->points->len; i++)
    peak = MAX (peak, g_array_index (ram->points, TcDocPoint, i).value);
  if (fabs (last - first) < 2)
    return g_strdup_printf ("RAM stable ~%.0fMB", last);
  if (last > first)
    return g_strdup_printf ("RAM grew %.0f→%.0fMB (+%.0fMB)", first, last, last - first);
  return g_strdup_printf ("RAM peaked %.0fMB, dropped to %.0fMB", peak, last);
}

char *
tc_report_metric_value (const TcValue *value)
{
  if (value->kind == TC_VALUE_FLOAT)
    return tc_fmt_g (value->f, 4);
  return tc_value_repr (value, 40);
}

char *
tc_report_final_metrics (TcDocument *doc, guint max, const char *sep, gboolean numeric_only)
{
  GPtrArray *metrics = tc_document_get_metrics (doc);
  GHashTable *finals = tc_document_get_final_metrics (doc);
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; i < metrics->len && n < max; i++)
    {
      const TcDocSeries *m = g_ptr_array_index (metrics, i);
      const TcDocPoint *p = g_hash_table_lookup (finals, m->name);
      g_autofree char *v = NULL;

      if (p == NULL || (numeric_only && !tc_value_is_number (&p->raw)))
        continue;
      v = tc_report_metric_value (&p->raw);
      g_string_append_printf (out, "%s%s=%s", n ? sep : "", m->name, v);
      n++;
    }
  return g_string_free (out, n == 0);
}

GPtrArray *
tc_report_user_labels (TcDocument *doc)
{
  GArray *snaps = tc_document_get_snapshots (doc);
  GPtrArray *labels = g_ptr_array_new ();

  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);

      if (*s->label && !g_str_has_prefix (s->label, "_tc"))
        g_ptr_array_add (labels, (char *) s->label);
    }
  return labels;
}

const char *
tc_report_crash_fn (TcDocument *doc, guint32 *line)
{
  const TcDocCrash *crash = tc_document_get_crash (doc);

  if (line)
    *line = 0;
  if (crash == NULL || crash->n_frames == 0)
    return "?";
  if (line)
    *line = crash->frames[0].line;
  return tc_document_code_name (doc, crash->frames[0].code_id);
}

/* ---- summary ------------------------------------------------------------ */

static int
compare_calls (gconstpointer a, gconstpointer b)
{
  const TcFunctionStats *x = *(TcFunctionStats * const *) a, *y = *(TcFunctionStats * const *) b;

  if (x->calls != y->calls)
    return x->calls < y->calls ? 1 : -1;
  return strcmp (x->name, y->name);
}

char *
tc_report_summary_line (TcDocument *doc, const TcTextStyle *style)
{
  const TcDocSession *session = tc_document_get_session (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  g_autoptr (GPtrArray) by_calls = g_ptr_array_copy (stats, NULL, NULL);
  GString *out = g_string_new (NULL);
  /* g_ptr_array_copy keeps the document's free func: never free its records. */
  g_ptr_array_set_free_func (by_calls, NULL);

  if (tc_document_get_crash (doc))
    g_string_append_printf (out, "%s💥 CRASH%s", tc_c (style, TC_RED TC_BOLD), tc_r (style));
  else
    g_string_append_printf (out, "%s✓ clean%s", tc_c (style, TC_GREEN), tc_r (style));
  g_string_append_printf (out, " %s | %u snaps | %.3fs | %u vars | %u warn", session->script,
                          tc_document_get_snapshots (doc)->len, tc_document_get_duration (doc),
                          tc_report_n_vars (doc), tc_document_get_warnings (doc)->len);
  if (tc_document_get_truncated (doc))
    g_string_append (out, " | truncated");
  g_ptr_array_sort (by_calls, compare_calls);
  for (guint i = 0; i < MIN (3, by_calls->len); i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (by_calls, i);

      g_string_append_printf (out, "%s%s×%" G_GUINT64_FORMAT, i ? ", " : " | ", s->name, s->calls);
    }
  return g_string_free (out, FALSE);
}

/* ---- explain --------------------------------------------------------------- */

static const char *iteration_metrics[] = { "iteration", "step", "epoch", "i", "batch", "idx", "count" };

static int
compare_presence (gconstpointer a, gconstpointer b)
{
  const TcDocVar *x = *(TcDocVar * const *) a, *y = *(TcDocVar * const *) b;

  if (x->history->len != y->history->len)
    return x->history->len < y->history->len ? 1 : -1;
  return strcmp (x->display, y->display);
}

GPtrArray *
tc_report_explain_sentences (TcDocument *doc)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const TcDocSession *session = tc_document_get_session (doc);
  const TcFunctionStats *dom = tc_report_dominant (doc);
  GHashTable *finals = tc_document_get_final_metrics (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);
  g_autoptr (GPtrArray) labels = tc_report_user_labels (doc);
  g_autoptr (GPtrArray) vars = g_ptr_array_copy (tc_document_get_vars (doc), NULL, NULL);
  g_autofree char *finals_text = tc_report_final_metrics (doc, 5, ", ", TRUE);
  char *ram;
  /* g_ptr_array_copy keeps the document's free func: never free its records. */
  g_ptr_array_set_free_func (vars, NULL);

  g_ptr_array_add (out, g_strdup_printf ("%s ran for %.3fs, recording %u snapshots across %u variables.",
                                         session->script, tc_document_get_duration (doc),
                                         tc_document_get_snapshots (doc)->len, tc_report_n_vars (doc)));
  if (dom)
    {
      const char *dot = strrchr (dom->name, '.');

      g_ptr_array_add (out, g_strdup_printf ("Dominant operation: %s() × %" G_GUINT64_FORMAT " (avg %.3fms/call).",
                                             dot ? dot + 1 : dom->name, dom->calls, dom->avg_ms));
    }
  for (guint i = 0; i < G_N_ELEMENTS (iteration_metrics); i++)
    {
      const TcDocPoint *p = g_hash_table_lookup (finals, iteration_metrics[i]);

      /* Non-numeric values are skipped (the seed raised on them). */
      if (p && tc_value_is_number (&p->raw) && isfinite (p->value))
        {
          g_ptr_array_add (out, g_strdup_printf ("Iterated %" G_GINT64_FORMAT " %ss.",
                                                 (gint64) p->value + 1, iteration_metrics[i]));
          break;
        }
    }
  if (finals_text)
    g_ptr_array_add (out, g_strdup_printf ("Final metrics: %s.", finals_text));

  g_ptr_array_sort (vars, compare_presence);
  {
    GString *s = g_string_new (NULL);
    guint n = 0;

    for (guint i = 0; i < vars->len && n < 3; i++)
      {
        const TcDocVar *v = g_ptr_array_index (vars, i);

        if (v->history->len == 0 || g_str_has_prefix (v->name, "__")
            || g_strv_contains ((const char *[]) { "i", "j", "k", "_", "__", NULL }, v->name))
          continue;
        g_string_append_printf (s, "%s%s", n++ ? ", " : "", v->display);
      }
    if (n > 0)
      g_ptr_array_add (out, g_strdup_printf ("Most-tracked: %s.", s->str));
    g_string_free (s, TRUE);
  }
  if (labels->len > 0)
    {
      GString *s = g_string_new ("Named checkpoints: ");

      for (guint i = 0; i < MIN (5, labels->len); i++)
        g_string_append_printf (s, "%s'%s'", i ? ", " : "", (char *) g_ptr_array_index (labels, i));
      if (labels->len > 5)
        g_string_append_printf (s, " (+%u more)", labels->len - 5);
      g_string_append_c (s, '.');
      g_ptr_array_add (out, g_string_free (s, FALSE));
    }
  if (stats->len > 0)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, 0);

      g_ptr_array_add (out, g_strdup_printf ("Slowest: %s() %.3fms avg, %.3fms total.", s->name, s->avg_ms, s->total_ms));
    }
  ram = tc_report_ram_sentence (doc);
  if (ram)
    g_ptr_array_add (out, g_strconcat (ram, ".", NULL));
  g_free (ram);
  if (warnings->len > 0)
    {
      gboolean error = FALSE;
      GString *codes = g_string_new (NULL);

      for (guint i = 0; i < warnings->len; i++)
        error |= g_array_index (warnings, TcDocWarning, i).level == TC_LEVEL_ERROR;
      for (guint i = 0; i < MIN (3, warnings->len); i++)
        {
          const char *code = g_array_index (warnings, TcDocWarning, i).code;

          if (!strstr (codes->str, code))
            g_string_append_printf (codes, "%s%s", codes->len ? ", " : "", code);
        }
      g_ptr_array_add (out, g_strdup_printf ("%s%u warning(s): %s.", error ? "⚠ " : "", warnings->len, codes->str));
      g_string_free (codes, TRUE);
    }
  else
    g_ptr_array_add (out, g_strdup ("No warnings."));
  if (crash)
    {
      guint32 line;
      const char *fn = tc_report_crash_fn (doc, &line);
      g_autofree char *msg = tc_text_head (crash->message, 60);

      g_ptr_array_add (out, g_strdup_printf ("⚠ CRASH: %s — %s in %s():%u.", crash->exc_type, msg, fn, line));
    }
  else
    g_ptr_array_add (out, g_strdup ("No crashes."));
  if (tc_document_get_truncated (doc))
    g_ptr_array_add (out, g_strdup_printf ("The recording is truncated (%s).", tc_document_get_state_message (doc)));
  return out;
}

char *
tc_report_explain (TcDocument *doc, gboolean verbose, const TcTextStyle *style)
{
  g_autoptr (GPtrArray) sentences = tc_report_explain_sentences (doc);
  GString *out = g_string_new (NULL);
  GString *para = g_string_new (NULL);

  if (verbose)
    {
      g_string_append (out, "╔═════════════════════════════════════════════════════════════════╗\n");
      g_string_append_printf (out, "║  %sWHAT YOUR CODE DID%s%*s║\n", tc_c (style, TC_BOLD), tc_r (style), 47, "");
      g_string_append (out, "╠═════════════════════════════════════════════════════════════════╣\n");
      for (guint i = 0; i < sentences->len; i++)
        {
          g_autofree char *line = g_strdup_printf ("%2u. %s", i + 1, (char *) g_ptr_array_index (sentences, i));
          GString *wrapped = g_string_new (NULL);
          g_auto (GStrv) rows = NULL;

          tc_text_wrap (wrapped, line, 63, 0);
          rows = g_strsplit (wrapped->str, "\n", -1);
          for (guint r = 0; rows[r] && *rows[r]; r++)
            {
              g_string_append (out, "║ ");
              tc_text_pad (out, rows[r], 63, FALSE);
              g_string_append (out, " ║\n");
            }
          g_string_free (wrapped, TRUE);
        }
      g_string_append (out, "╚═════════════════════════════════════════════════════════════════╝\n\n");
    }
  for (guint i = 0; i < sentences->len; i++)
    g_string_append_printf (para, "%s%s", i ? " " : "", (char *) g_ptr_array_index (sentences, i));
  tc_text_wrap (out, para->str, tc_width (style), 0);
  g_string_free (para, TRUE);
  return g_string_free (out, FALSE);
}

/* ---- dump ------------------------------------------------------------------ */

static void
dump_rule (GString *out, const char *glyph)
{
  for (int i = 0; i < 72; i++)
    g_string_append (out, glyph);
  g_string_append_c (out, '\n');
}

static const char *
counter_name (TcDocument *doc, guint32 id)
{
  GPtrArray *counters = tc_document_get_counters (doc);

  for (guint i = 0; i < counters->len; i++)
    if (((TcDocSeries *) g_ptr_array_index (counters, i))->id == id)
      return ((TcDocSeries *) g_ptr_array_index (counters, i))->name;
  return "?";
}

static const char *
metric_name (TcDocument *doc, guint32 id)
{
  GPtrArray *metrics = tc_document_get_metrics (doc);

  for (guint i = 0; i < metrics->len; i++)
    if (((TcDocSeries *) g_ptr_array_index (metrics, i))->id == id)
      return ((TcDocSeries *) g_ptr_array_index (metrics, i))->name;
  return "?";
}

char *
tc_report_dump (TcDocument *doc, const TcDumpOptions *o, const TcTextStyle *style)
{
  static const TcDumpOptions defaults = { TRUE, TRUE, FALSE, TRUE, TRUE, FALSE, TRUE, 0 };
  const TcDocSession *session = tc_document_get_session (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);
  GString *out = g_string_new (NULL);
  g_autofree char *saved = NULL;
  g_autofree char *argv = g_strjoinv (" ", session->argv);
  g_autofree char *mets = tc_report_final_metrics (doc, 100, "  ", FALSE);
  guint n;

  gint64 end_ns;

  if (o == NULL)
    o = &defaults;
  tc_document_get_time_range (doc, NULL, &end_ns);
  saved = tc_wall_time (doc, end_ns, TRUE);
  dump_rule (out, "═");
  g_string_append_printf (out, "  %sTIMECAPSULE DUMP%s  %s\n", tc_c (style, TC_BOLD), tc_r (style), tc_document_get_path (doc));
  dump_rule (out, "═");
  g_string_append_printf (out, "  script    : %s\n  session   : %s\n  backend   : %s   mode: %s\n", session->src,
                          session->session_id, session->backend, session->mode);
  g_string_append_printf (out, "  python    : %s\n  platform  : %s   pid: %" G_GINT64_FORMAT "\n", session->python,
                          session->platform, session->pid);
  g_string_append_printf (out, "  argv      : %s\n  saved     : %s\n  duration  : %.6fs\n", argv, saved,
                          tc_document_get_duration (doc));
  g_string_append_printf (out, "  snapshots : %u   vars: %u\n", snaps->len, tc_report_n_vars (doc));
  g_string_append_printf (out, "  RAM peak  : %.1fMB   FD peak: %.0f\n", tc_document_get_ram_peak_mb (doc),
                          tc_document_get_fd_peak (doc));
  g_string_append_printf (out, "  warnings  : %u   crash: %s\n", warnings->len,
                          crash ? crash->exc_type : "no");
  g_string_append_printf (out, "  metrics   : %s\n", mets ? mets : "-");
  if (tc_document_get_truncated (doc))
    g_string_append_printf (out, "  state     : truncated — %s\n", tc_document_get_state_message (doc));

  n = o->max_snaps ? MIN (o->max_snaps, snaps->len) : snaps->len;
  for (guint i = 0; i < n; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);
      const TcDocCapture *cap = tc_snapshot_origin (s);

      g_string_append_c (out, '\n');
      dump_rule (out, "─");
      g_string_append_printf (out, "[%04" G_GUINT64_FORMAT "] t=%.6fs %s\n", s->index, tc_ns_to_s (s->time_ns), s->evt);
      g_string_append_printf (out, "       %s():%u  %s\n", tc_snapshot_fn (doc, s), tc_snapshot_line (s),
                              tc_snapshot_file (doc, s, TRUE));
      if (*s->label)
        g_string_append_printf (out, "       label: %s\n", s->label);
      if (s->tags[0])
        {
          g_autofree char *tags = g_strjoinv (", ", s->tags);
          g_string_append_printf (out, "       tags: %s\n", tags);
        }
      for (guint l = 0; o->show_vars && cap && l < cap->n_locals; l++)
        {
          const TcDocLocal *loc = &cap->locals[l];
          const TcDocVar *var = tc_document_get_var (doc, loc->var_id);

          if (loc->flags & TC_LOCAL_EXPR)
            g_string_append_printf (out, "       expr[%s] = %s\n", var ? var->name : "?", loc->repr);
          else
            g_string_append_printf (out, "       %s = %s [%s %" G_GUINT64_FORMAT "B]%s\n", var ? var->name : "?",
                                    loc->repr, loc->type_name, loc->size,
                                    (loc->flags & TC_LOCAL_CHANGED) ? " [CHG]" : "");
        }
      if (o->show_sys && s->n_system > 0)
        {
          g_string_append (out, "       sys:");
          for (guint c = 0; c < s->n_system; c++)
            {
              g_autofree char *v = tc_fmt_g (s->system[c].value, 6);
              g_string_append_printf (out, " %s=%s", counter_name (doc, s->system[c].counter_id), v);
            }
          g_string_append_c (out, '\n');
        }
      if (s->n_metrics > 0)
        {
          g_string_append (out, "       mets:");
          for (guint m = 0; m < s->n_metrics; m++)
            {
              g_autofree char *v = tc_report_metric_value (&s->metrics[m].value);
              g_string_append_printf (out, " %s=%s", metric_name (doc, s->metrics[m].metric_id), v);
            }
          g_string_append_c (out, '\n');
        }
      if (o->show_stack && cap)
        {
          g_string_append (out, "       stack:");
          for (guint f = 0; f < MIN (4, cap->n_stack); f++)
            g_string_append_printf (out, "%s%s:%u", f ? " → " : " ",
                                    tc_document_code_name (doc, cap->stack[f].code_id), cap->stack[f].line);
          g_string_append_c (out, '\n');
        }
    }

  if (o->show_warnings && warnings->len > 0)
    {
      g_string_append (out, "\nWARNINGS\n");
      dump_rule (out, "─");
      for (guint i = 0; i < warnings->len; i++)
        {
          const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);

          g_string_append_printf (out, "  [%s] t=%.4fs %s: %s\n", w->level == TC_LEVEL_ERROR ? "ERROR" : "WARN",
                                  tc_ns_to_s (w->time_ns), w->code, w->message);
        }
    }
  if (o->show_timings)
    {
      GPtrArray *stats = tc_document_get_function_stats (doc);

      g_string_append (out, "\nFUNCTION TIMINGS\n");
      dump_rule (out, "─");
      for (guint i = 0; i < stats->len; i++)
        {
          const TcFunctionStats *s = g_ptr_array_index (stats, i);

          g_string_append_printf (out, "  %-30s calls=%-6" G_GUINT64_FORMAT " total=%.3fms avg=%.3fms p95=%.3fms\n",
                                  s->name, s->calls, s->total_ms, s->avg_ms, s->p95_ms);
        }
    }
  if (o->show_blocks)
    {
      g_autoptr (GArray) blocks = tc_analysis_block_timings (doc);

      if (blocks->len > 0)
        {
          g_string_append (out, "\nBLOCK TIMINGS\n");
          dump_rule (out, "─");
          for (guint i = 0; i < blocks->len; i++)
            {
              const TcBlockStats *b = &g_array_index (blocks, TcBlockStats, i);
              g_string_append_printf (out, "  %-30s calls=%-6u total=%.3fms avg=%.3fms\n", b->name, b->calls,
                                      b->total_ms, b->avg_ms);
            }
        }
    }
  if (o->show_returns)
    {
      GArray *rets = tc_document_get_return_values (doc);

      g_string_append (out, "\nRETURN VALUES\n");
      dump_rule (out, "─");
      for (guint i = 0; i < MIN (20, rets->len); i++)
        {
          const TcDocReturn *r = &g_array_index (rets, TcDocReturn, i);
          g_string_append_printf (out, "  t=%.4fs %s() → %s [%s]\n", tc_ns_to_s (r->time_ns),
                                  tc_document_code_name (doc, r->code_id), r->repr, r->type_name);
        }
    }
  if (crash)
    {
      guint32 line;
      const char *fn = tc_report_crash_fn (doc, &line);

      g_string_append (out, "\nCRASH REPORT\n");
      dump_rule (out, "─");
      g_string_append_printf (out, "  %s: %s\n  in %s():%u at t=%.4fs\n\n", crash->exc_type, crash->message, fn, line,
                              tc_ns_to_s (crash->time_ns));
      if (crash->n_frames > 0)
        tc_text_source_context (out, doc, crash->frames[0].code_id, line, 5, "►", style);
      g_string_append_printf (out, "\nWHAT THIS MEANS\n  %s\n", tc_exception_friendly (crash->exc_type));
      g_string_append (out, "\nVARIABLES AT CRASH\n");
      for (guint i = 0; crash->n_frames > 0 && i < crash->frames[0].n_locals; i++)
        {
          const TcDocLocal *loc = &crash->frames[0].locals[i];
          const TcDocVar *var = tc_document_get_var (doc, loc->var_id);

          g_string_append_printf (out, "  %s = %s [%s]\n", var ? var->name : "?", loc->repr, loc->type_name);
        }
      g_string_append_printf (out, "\nTRACEBACK\n%s\n", crash->traceback);
    }
  return g_string_free (out, FALSE);
}

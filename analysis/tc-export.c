/* SPDX-License-Identifier: MIT
 *
 * tc-export.c — the JSON export (spec §7.10); the profilers' formats are
 * in tc-export-trace.c.
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-export.h"
#include "tc-json-private.h"
#include "tc-report-private.h"

/* ---- JSON (seed shape) ------------------------------------------------------ */

static void
json_value (TcJson *json, const TcValue *value, const char *repr)
{
  switch (value->kind)
    {
    case TC_VALUE_NONE: tc_json_null (json); break;
    case TC_VALUE_BOOL: tc_json_bool (json, value->b); break;
    case TC_VALUE_INT: tc_json_int (json, value->i); break;
    case TC_VALUE_FLOAT:
      if (isfinite (value->f))
        tc_json_double (json, value->f);
      else
        {
          g_autofree char *r = tc_value_repr (value, 0);
          tc_json_string (json, r);
        }
      break;
    case TC_VALUE_STR: tc_json_string_len (json, value->s.ptr, value->s.len); break;
    case TC_VALUE_REPR_ONLY:
      tc_json_string (json, repr ? repr : "");
      break;
    default:
      {
        g_autofree char *r = tc_value_repr (value, 0);
        tc_json_string (json, r);
      }
    }
}

static void
json_locals (TcJson *json, TcDocument *doc, const TcDocLocal *locals, guint n)
{
  tc_json_begin_object (json);
  for (guint i = 0; i < n; i++)
    {
      const TcDocVar *var = tc_document_get_var (doc, locals[i].var_id);

      tc_json_kv_string (json, var ? var->name : "?", locals[i].repr);
    }
  tc_json_end_object (json);
}

static void
json_sys (TcJson *json, TcDocument *doc, const TcCounterValue *values, guint n)
{
  GPtrArray *counters = tc_document_get_counters (doc);

  tc_json_begin_object (json);
  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < counters->len; k++)
      if (((TcDocSeries *) g_ptr_array_index (counters, k))->id == values[i].counter_id)
        tc_json_kv_double (json, ((TcDocSeries *) g_ptr_array_index (counters, k))->name, values[i].value);
  tc_json_end_object (json);
}

char *
tc_export_json_string (TcDocument *doc)
{
  const TcDocSession *s = tc_document_get_session (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  GPtrArray *metrics = tc_document_get_metrics (doc);
  GPtrArray *vars = tc_document_get_vars (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);
  g_autoptr (GArray) blocks = tc_analysis_block_timings (doc);
  GArray *rets = tc_document_get_return_values (doc);
  GString *out = g_string_new (NULL);
  g_autofree char *saved = NULL;
  TcJson json;
  gint64 end_ns;

  tc_document_get_time_range (doc, NULL, &end_ns);
  saved = tc_wall_time (doc, end_ns, TRUE);
  tc_json_init (&json, out, TRUE);
  tc_json_begin_object (&json);

  tc_json_key (&json, "meta");
  tc_json_begin_object (&json);
  tc_json_kv_string (&json, "ver", "6.0");
  tc_json_kv_string (&json, "backend", s->backend);
  tc_json_kv_string (&json, "mode", s->mode);
  tc_json_kv_string (&json, "session_id", s->session_id);
  tc_json_kv_string (&json, "src", s->src);
  tc_json_kv_string (&json, "python", s->python);
  tc_json_kv_string (&json, "platform", s->platform);
  tc_json_kv_int (&json, "pid", s->pid);
  tc_json_kv_double (&json, "duration", round (tc_document_get_duration (doc) * 1e6) / 1e6);
  tc_json_kv_int (&json, "n", snaps->len);
  tc_json_key (&json, "all_vars");
  tc_json_begin_array (&json);
  for (guint i = 0; i < vars->len; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);

      if (v->history->len > 0 && !g_str_has_prefix (v->name, "__"))
        tc_json_string (&json, v->display);
    }
  tc_json_end_array (&json);
  tc_json_kv_double (&json, "ram_peak", tc_document_get_ram_peak_mb (doc));
  tc_json_kv_string (&json, "saved_at", saved);
  tc_json_kv_bool (&json, "truncated", tc_document_get_truncated (doc));
  tc_json_end_object (&json);

  tc_json_key (&json, "crash");
  if (crash)
    {
      guint32 line;
      const char *fn = tc_report_crash_fn (doc, &line);

      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "exc", crash->exc_type);
      tc_json_kv_string (&json, "msg", crash->message);
      tc_json_kv_string (&json, "tb", crash->traceback);
      tc_json_kv_double (&json, "t", round (tc_ns_to_s (crash->time_ns) * 1e4) / 1e4);
      tc_json_kv_string (&json, "fn", fn);
      tc_json_kv_int (&json, "ln", line);
      tc_json_key (&json, "loc");
      if (crash->n_frames)
        json_locals (&json, doc, crash->frames[0].locals, crash->frames[0].n_locals);
      else
        tc_json_null (&json);
      tc_json_kv_string (&json, "friendly", tc_exception_friendly (crash->exc_type));
      tc_json_end_object (&json);
    }
  else
    tc_json_null (&json);

  tc_json_key (&json, "warnings");
  tc_json_begin_array (&json);
  for (guint i = 0; i < warnings->len; i++)
    {
      const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);

      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "code", w->code);
      tc_json_kv_string (&json, "msg", w->message);
      tc_json_kv_double (&json, "t", round (tc_ns_to_s (w->time_ns) * 1e4) / 1e4);
      tc_json_kv_string (&json, "level", w->level == TC_LEVEL_ERROR ? "ERROR" : w->level == TC_LEVEL_INFO ? "INFO" : "WARN");
      if (*w->var)
        tc_json_kv_string (&json, "var", w->var);
      for (guint e = 0; e < w->n_extras; e++)
        tc_json_kv_string (&json, w->extras[e].key, w->extras[e].value);
      tc_json_end_object (&json);
    }
  tc_json_end_array (&json);

  tc_json_key (&json, "fn_calls");
  tc_json_begin_object (&json);
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);
      tc_json_kv_int (&json, st->name, st->calls);
    }
  tc_json_end_object (&json);

  tc_json_key (&json, "timings");
  tc_json_begin_object (&json);
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);

      tc_json_key (&json, st->name);
      tc_json_begin_object (&json);
      tc_json_kv_int (&json, "calls", st->calls);
#define R4(x) (round ((x) * 1e4) / 1e4)
      tc_json_kv_double (&json, "total_ms", R4 (st->total_ms));
      tc_json_kv_double (&json, "avg_ms", R4 (st->avg_ms));
      tc_json_kv_double (&json, "p50_ms", R4 (st->p50_ms));
      tc_json_kv_double (&json, "p95_ms", R4 (st->p95_ms));
      tc_json_kv_double (&json, "p99_ms", R4 (st->p99_ms));
      tc_json_kv_double (&json, "min_ms", R4 (st->min_ms));
      tc_json_kv_double (&json, "max_ms", R4 (st->max_ms));
      tc_json_kv_double (&json, "std_ms", R4 (st->std_ms));
      tc_json_kv_double (&json, "self_ms", R4 (st->self_ms));
      tc_json_end_object (&json);
    }
  tc_json_end_object (&json);

  tc_json_key (&json, "block_timings");
  tc_json_begin_object (&json);
  for (guint i = 0; i < blocks->len; i++)
    {
      const TcBlockStats *b = &g_array_index (blocks, TcBlockStats, i);

      tc_json_key (&json, b->name);
      tc_json_begin_object (&json);
      tc_json_kv_int (&json, "calls", b->calls);
      tc_json_kv_double (&json, "total_ms", R4 (b->total_ms));
      tc_json_kv_double (&json, "avg_ms", R4 (b->avg_ms));
      tc_json_end_object (&json);
    }
  tc_json_end_object (&json);

  tc_json_key (&json, "ret_vals");
  tc_json_begin_array (&json);
  for (guint i = 0; i < rets->len; i++)
    {
      const TcDocReturn *r = &g_array_index (rets, TcDocReturn, i);

      tc_json_begin_object (&json);
      tc_json_kv_double (&json, "t", R4 (tc_ns_to_s (r->time_ns)));
      tc_json_kv_string (&json, "fn", tc_document_code_name (doc, r->code_id));
      tc_json_kv_string (&json, "val", r->repr);
      tc_json_kv_string (&json, "type", r->type_name);
      tc_json_end_object (&json);
    }
  tc_json_end_array (&json);

  tc_json_key (&json, "snapshots");
  tc_json_begin_array (&json);
  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *sn = &g_array_index (snaps, TcDocSnapshot, i);
      const TcDocCapture *cap = tc_snapshot_origin (sn);
      g_autofree char *wt = tc_wall_time (doc, sn->time_ns, TRUE);

      tc_json_begin_object (&json);
      tc_json_kv_int (&json, "i", sn->index);
      tc_json_kv_double (&json, "t", round (tc_ns_to_s (sn->time_ns) * 1e6) / 1e6);
      tc_json_kv_string (&json, "wt", strchr (wt, 'T') ? strchr (wt, 'T') + 1 : wt);
      tc_json_kv_string (&json, "evt", sn->evt);
      tc_json_kv_string (&json, "fn", tc_snapshot_fn (doc, sn));
      tc_json_kv_int (&json, "ln", tc_snapshot_line (sn));
      tc_json_kv_string (&json, "file", tc_snapshot_file (doc, sn, TRUE));
      tc_json_key (&json, "label");
      if (*sn->label)
        tc_json_string (&json, sn->label);
      else
        tc_json_null (&json);
      tc_json_key (&json, "tags");
      tc_json_begin_array (&json);
      for (guint t = 0; sn->tags[t]; t++)
        tc_json_string (&json, sn->tags[t]);
      tc_json_end_array (&json);
      tc_json_key (&json, "vars");
      if (cap)
        json_locals (&json, doc, cap->locals, cap->n_locals);
      else
        {
          tc_json_begin_object (&json);
          tc_json_end_object (&json);
        }
      tc_json_key (&json, "sys");
      json_sys (&json, doc, sn->system, sn->n_system);
      tc_json_key (&json, "mets");
      tc_json_begin_object (&json);
      for (guint m = 0; m < sn->n_metrics; m++)
        for (guint k = 0; k < metrics->len; k++)
          if (((TcDocSeries *) g_ptr_array_index (metrics, k))->id == sn->metrics[m].metric_id)
            {
              tc_json_key (&json, ((TcDocSeries *) g_ptr_array_index (metrics, k))->name);
              json_value (&json, &sn->metrics[m].value, NULL);
            }
      tc_json_end_object (&json);
      tc_json_end_object (&json);
    }
  tc_json_end_array (&json);
  tc_json_end_object (&json);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

gboolean
tc_export_json (TcDocument *doc, const char *out_path, GError **error)
{
  g_autofree char *text = tc_export_json_string (doc);

  return tc_write_file_atomic (out_path, text, -1, error);
}

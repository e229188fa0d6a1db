/* SPDX-License-Identifier: MIT
 *
 * tc-export.c — JSON export (spec §7.10) and the profiler formats: Chrome
 * Trace Event / Perfetto, speedscope, collapsed stacks.  The seed's
 * "flamegraph" put every call at ts = 0 without stacks; here every call is
 * an "X" event at its real start, nested by time on its thread's track.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "tc-document-private.h"
#include "tc-export.h"
#include "tc-json-private.h"
#include "tc-report-private.h"

gboolean
tc_write_file_atomic (const char *path, const char *contents, gssize len, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd;
  gsize done = 0;

  if (len < 0)
    len = strlen (contents);
  fd = g_mkstemp (tmpl);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot write %s: %s", path, g_strerror (e));
      return FALSE;
    }
  while (done < (gsize) len)
    {
      gssize n = write (fd, contents + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          close (fd);
          g_unlink (tmpl);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot write %s: %s", path, g_strerror (e));
          return FALSE;
        }
      done += n;
    }
  fchmod (fd, 0644);
  if (fsync (fd) != 0 || close (fd) != 0 || g_rename (tmpl, path) != 0)
    {
      int e = errno;
      g_unlink (tmpl);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot write %s: %s", path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_string (const char *path, GString *text, GError **error)
{
  gboolean ok = tc_write_file_atomic (path, text->str, text->len, error);

  g_string_free (text, TRUE);
  return ok;
}

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

/* ---- Chrome Trace Event ------------------------------------------------------ */

static void
chrome_event (TcJson *json, const char *name, const char *cat, const char *ph, double ts_us,
              double dur_us, gint64 pid, guint32 tid)
{
  tc_json_begin_object (json);
  tc_json_kv_string (json, "name", name);
  tc_json_kv_string (json, "cat", cat);
  tc_json_kv_string (json, "ph", ph);
  tc_json_kv_double (json, "ts", ts_us);
  if (dur_us >= 0)
    tc_json_kv_double (json, "dur", dur_us);
  tc_json_kv_int (json, "pid", pid);
  tc_json_kv_int (json, "tid", tid);
}

gboolean
tc_export_chrome_trace (TcDocument *doc, const char *out_path, GError **error)
{
  const TcDocSession *s = tc_document_get_session (doc);
  GPtrArray *threads = tc_document_get_threads (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  GArray *marks = tc_document_get_marks (doc);
  GPtrArray *counters = tc_document_get_counters (doc);
  GPtrArray *metrics = tc_document_get_metrics (doc);
  GString *out = g_string_new (NULL);
  gint64 pid = s->pid ? s->pid : 1;
  TcJson json;

  tc_json_init (&json, out, FALSE);
  tc_json_begin_object (&json);
  tc_json_key (&json, "traceEvents");
  tc_json_begin_array (&json);

  tc_json_begin_object (&json);
  tc_json_kv_string (&json, "name", "process_name");
  tc_json_kv_string (&json, "ph", "M");
  tc_json_kv_int (&json, "pid", pid);
  tc_json_key (&json, "args");
  tc_json_begin_object (&json);
  tc_json_kv_string (&json, "name", s->script);
  tc_json_end_object (&json);
  tc_json_end_object (&json);

  for (guint t = 0; t < threads->len; t++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, t);
      g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      g_autofree char *tname = g_strdup_printf ("%s (%u)", *thread->name ? thread->name : "thread", thread->id);

      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "name", "thread_name");
      tc_json_kv_string (&json, "ph", "M");
      tc_json_kv_int (&json, "pid", pid);
      tc_json_kv_int (&json, "tid", thread->id);
      tc_json_key (&json, "args");
      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "name", tname);
      tc_json_end_object (&json);
      tc_json_end_object (&json);

      if (!tc_document_collect_spans (doc, thread->id, 0, G_MAXINT64, 0, spans, error))
        {
          g_string_free (out, TRUE);
          return FALSE;
        }
      for (guint i = 0; i < spans->len; i++)
        {
          const TcSpan *sp = &g_array_index (spans, TcSpan, i);
          const TcDocCode *code = tc_document_get_code (doc, sp->code_id);
          const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;

          chrome_event (&json, tc_document_code_name (doc, sp->code_id), "function", "X",
                        sp->start_ns / 1000.0, (sp->end_ns - sp->start_ns) / 1000.0, pid, thread->id);
          tc_json_key (&json, "args");
          tc_json_begin_object (&json);
          if (file)
            tc_json_kv_string (&json, "file", file->path);
          if (code)
            tc_json_kv_int (&json, "line", code->first_line);
          tc_json_kv_int (&json, "depth", sp->depth);
          tc_json_end_object (&json);
          tc_json_end_object (&json);
        }
    }

  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *sn = &g_array_index (snaps, TcDocSnapshot, i);

      chrome_event (&json, sn->evt, "snapshot", "i", sn->time_ns / 1000.0, -1, pid, sn->origin_thread);
      tc_json_kv_string (&json, "s", "t");
      tc_json_key (&json, "args");
      tc_json_begin_object (&json);
      tc_json_kv_int (&json, "i", sn->index);
      tc_json_kv_string (&json, "fn", tc_snapshot_fn (doc, sn));
      tc_json_kv_int (&json, "ln", tc_snapshot_line (sn));
      if (*sn->label)
        tc_json_kv_string (&json, "label", sn->label);
      tc_json_end_object (&json);
      tc_json_end_object (&json);
    }
  for (guint i = 0; i < marks->len; i++)
    {
      const TcDocMark *m = &g_array_index (marks, TcDocMark, i);

      chrome_event (&json, m->name, "mark", m->duration_ns > 0 ? "X" : "i", m->time_ns / 1000.0,
                    m->duration_ns > 0 ? m->duration_ns / 1000.0 : -1, pid, m->thread_id);
      if (m->duration_ns <= 0)
        tc_json_kv_string (&json, "s", "t");
      tc_json_end_object (&json);
    }
  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *series_list = pass == 0 ? counters : metrics;

      for (guint c = 0; c < series_list->len; c++)
        {
          const TcDocSeries *series = g_ptr_array_index (series_list, c);

          for (guint p = 0; p < series->points->len; p++)
            {
              const TcDocPoint *pt = &g_array_index (series->points, TcDocPoint, p);

              if (!isfinite (pt->value))
                continue;
              chrome_event (&json, series->name, pass == 0 ? "system" : "metric", "C", pt->time_ns / 1000.0, -1, pid, 0);
              tc_json_key (&json, "args");
              tc_json_begin_object (&json);
              tc_json_kv_double (&json, "value", pt->value);
              tc_json_end_object (&json);
              tc_json_end_object (&json);
            }
        }
    }
  tc_json_end_array (&json);
  tc_json_kv_string (&json, "displayTimeUnit", "ms");
  tc_json_key (&json, "otherData");
  tc_json_begin_object (&json);
  tc_json_kv_string (&json, "producer", "timecapsule");
  tc_json_kv_string (&json, "session_id", s->session_id);
  tc_json_end_object (&json);
  tc_json_end_object (&json);
  g_string_append_c (out, '\n');
  return write_string (out_path, out, error);
}

/* ---- speedscope ---------------------------------------------------------- */

typedef struct
{
  TcJson     *json;
  GHashTable *frames;    /* code id → frame index + 1 */
  GArray     *stack;     /* guint32 frame indices */
  gint64      last_ns;
} SpeedscopeWalk;

static gboolean
speedscope_event (const TcEvent *ev, gpointer data)
{
  SpeedscopeWalk *w = data;
  gboolean enter = ev->kind == TC_EVENT_CALL || ev->kind == TC_EVENT_C_CALL || ev->kind == TC_EVENT_RESUME;
  gboolean leave = ev->kind == TC_EVENT_RETURN || ev->kind == TC_EVENT_C_RETURN
                   || ev->kind == TC_EVENT_YIELD || ev->kind == TC_EVENT_UNWIND;
  guint32 frame;

  if (enter)
    {
      frame = GPOINTER_TO_UINT (g_hash_table_lookup (w->frames, GUINT_TO_POINTER (ev->code_id))) - 1;
      g_array_append_val (w->stack, frame);
    }
  else if (leave && w->stack->len > 0)
    {
      frame = g_array_index (w->stack, guint32, w->stack->len - 1);
      g_array_set_size (w->stack, w->stack->len - 1);
    }
  else
    return TRUE;
  tc_json_begin_object (w->json);
  tc_json_kv_string (w->json, "type", enter ? "O" : "C");
  tc_json_kv_int (w->json, "frame", frame);
  tc_json_kv_double (w->json, "at", ev->time_ns / 1000.0);
  tc_json_end_object (w->json);
  w->last_ns = ev->time_ns;
  return TRUE;
}

gboolean
tc_export_speedscope (TcDocument *doc, const char *out_path, GError **error)
{
  const TcDocSession *s = tc_document_get_session (doc);
  GPtrArray *threads = tc_document_get_threads (doc);
  GPtrArray *codes = tc_document_get_codes (doc);
  g_autoptr (GHashTable) frames = g_hash_table_new (NULL, NULL);
  GString *out = g_string_new (NULL);
  TcJson json;
  gint64 start_ns, end_ns;

  tc_document_get_time_range (doc, &start_ns, &end_ns);
  tc_json_init (&json, out, FALSE);
  tc_json_begin_object (&json);
  tc_json_kv_string (&json, "$schema", "https://www.speedscope.app/file-format-schema.json");
  tc_json_kv_string (&json, "name", s->script);
  tc_json_kv_string (&json, "exporter", "timecapsule");
  tc_json_kv_int (&json, "activeProfileIndex", 0);
  tc_json_key (&json, "shared");
  tc_json_begin_object (&json);
  tc_json_key (&json, "frames");
  tc_json_begin_array (&json);
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      const TcDocFile *file = tc_document_get_file (doc, code->file_id);

      g_hash_table_insert (frames, GUINT_TO_POINTER (code->id), GUINT_TO_POINTER (i + 1));
      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "name", code->display);
      if (file && *file->path)
        tc_json_kv_string (&json, "file", file->path);
      if (code->first_line)
        tc_json_kv_int (&json, "line", code->first_line);
      tc_json_end_object (&json);
    }
  tc_json_end_array (&json);
  tc_json_end_object (&json);

  tc_json_key (&json, "profiles");
  tc_json_begin_array (&json);
  for (guint t = 0; t < threads->len; t++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, t);
      SpeedscopeWalk walk = { &json, frames, g_array_new (FALSE, FALSE, sizeof (guint32)), 0 };
      g_autofree char *name = g_strdup_printf ("%s (%u)", *thread->name ? thread->name : "thread", thread->id);
      gint64 last;

      if (thread->n_events == 0)
        {
          g_array_unref (walk.stack);
          continue;
        }
      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "type", "evented");
      tc_json_kv_string (&json, "name", name);
      tc_json_kv_string (&json, "unit", "microseconds");
      tc_json_kv_double (&json, "startValue", thread->first_ns / 1000.0);
      tc_json_key (&json, "events");
      tc_json_begin_array (&json);
      if (!tc_document_foreach_event (doc, thread->id, 0, G_MAXINT64, speedscope_event, &walk, error))
        {
          g_array_unref (walk.stack);
          g_string_free (out, TRUE);
          return FALSE;
        }
      /* Close what is still open so the profile stays balanced. */
      last = MAX (walk.last_ns, thread->last_ns);
      while (walk.stack->len > 0)
        {
          guint32 frame = g_array_index (walk.stack, guint32, walk.stack->len - 1);

          g_array_set_size (walk.stack, walk.stack->len - 1);
          tc_json_begin_object (&json);
          tc_json_kv_string (&json, "type", "C");
          tc_json_kv_int (&json, "frame", frame);
          tc_json_kv_double (&json, "at", last / 1000.0);
          tc_json_end_object (&json);
        }
      tc_json_end_array (&json);
      tc_json_kv_double (&json, "endValue", last / 1000.0);
      tc_json_end_object (&json);
      g_array_unref (walk.stack);
    }
  tc_json_end_array (&json);
  tc_json_end_object (&json);
  g_string_append_c (out, '\n');
  return write_string (out_path, out, error);
}

/* ---- collapsed stacks ------------------------------------------------------ */

static int
compare_strv (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

gboolean
tc_export_collapsed (TcDocument *doc, const char *out_path, GError **error)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  g_autoptr (GHashTable) totals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GString *out = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  for (guint t = 0; t < threads->len; t++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, t);
      const TcCallNode *nodes = (const TcCallNode *) thread->call_tree->data;

      for (guint n = 1; n < thread->call_tree->len; n++)
        {
          GPtrArray *parts = g_ptr_array_new ();
          GString *path = g_string_new (NULL);
          guint64 us = (guint64) llround (nodes[n].self_ns / 1000.0);
          gpointer old;

          if (us == 0)
            {
              g_ptr_array_unref (parts);
              g_string_free (path, TRUE);
              continue;
            }
          for (guint32 c = n; c != 0 && c != TC_CALL_NODE_NONE; c = nodes[c].parent)
            g_ptr_array_add (parts, (char *) tc_document_code_name (doc, nodes[c].code_id));
          for (guint i = parts->len; i > 0; i--)
            {
              /* ';' separates frames and ' ' the count: keep names clean. */
              g_autofree char *clean = g_strdup (g_ptr_array_index (parts, i - 1));

              g_strdelimit (clean, "; ", '_');
              g_string_append_printf (path, "%s%s", i < parts->len ? ";" : "", clean);
            }
          old = g_hash_table_lookup (totals, path->str);
          g_hash_table_insert (totals, g_string_free (path, FALSE), GSIZE_TO_POINTER (GPOINTER_TO_SIZE (old) + us));
          g_ptr_array_unref (parts);
        }
    }
  g_hash_table_iter_init (&iter, totals);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strv);
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (out, "%s %" G_GSIZE_FORMAT "\n", (char *) g_ptr_array_index (keys, i),
                            GPOINTER_TO_SIZE (g_hash_table_lookup (totals, g_ptr_array_index (keys, i))));
  return write_string (out_path, out, error);
}

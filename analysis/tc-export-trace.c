/* SPDX-License-Identifier: MIT
 *
 * tc-export-trace.c — the profilers' formats: Chrome Trace Event /
 * Perfetto, speedscope and collapsed stacks.  The seed's "flamegraph" put
 * every call at ts = 0 without stacks; here every call is an "X" event at
 * its real start, nested by time on its thread's track.
 *
 * A 100 M-event recording makes 7.8 GB of Chrome JSON: the calls are
 * formatted in stretches of the threads split between the cores and each
 * stretch's text goes to the file as soon as the ones before it have
 * (it held every call and all the text before: 8.7 GB, 122 s).  Each
 * function's part of an event is made once, numbers without printf.
 */
#include <math.h>
#include <string.h>

#include "tc-analysis.h"
#include "tc-document-private.h"
#include "tc-export.h"
#include "tc-json-private.h"
#include "tc-parallel.h"

/* Text a stretch's events go into before the file; a stretch of 32 768
 * events is about 2.5 MB of Chrome JSON. */
#define STRETCH_EVENTS  32768
#define SPILL_BYTES     (1 << 20)

/* ---- numbers ------------------------------------------------------------ */

static void
append_uint (GString  *out,
             guint64   value)
{
  char digits[24];
  int n = 0;

  do
    digits[n++] = (char) ('0' + value % 10);
  while ((value /= 10) > 0);
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

/* Nanoseconds as microseconds, exactly: 21000, 1234.5, 0.007. */
static void
append_us (GString *out,
           gint64   ns)
{
  guint64 v = ns < 0 ? -(guint64) ns : (guint64) ns;
  guint frac = v % 1000;

  if (ns < 0)
    g_string_append_c (out, '-');
  append_uint (out, v / 1000);
  if (frac == 0)
    return;
  g_string_append_c (out, '.');
  g_string_append_c (out, (char) ('0' + frac / 100));
  if (frac % 100 != 0)
    g_string_append_c (out, (char) ('0' + frac / 10 % 10));
  if (frac % 10 != 0)
    g_string_append_c (out, (char) ('0' + frac % 10));
}

/* ---- Chrome Trace Event --------------------------------------------------- */

/* A function's parts of its events, JSON-escaped once. */
typedef struct
{
  GString *head;   /* {"name":…,"cat":"function","ph":"X","ts": */
  GString *args;   /* "file":…,"line":N, */
} ChromeCode;

static void
chrome_code_free (gpointer data)
{
  ChromeCode *code = data;

  if (code == NULL)
    return;
  g_string_free (code->head, TRUE);
  g_string_free (code->args, TRUE);
  g_free (code);
}

static ChromeCode *
chrome_code_new (TcDocument *doc,
                 guint32     code_id)
{
  const TcDocCode *code = tc_document_get_code (doc, code_id);
  const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;
  ChromeCode *cc = g_new0 (ChromeCode, 1);
  TcJson json;

  cc->head = g_string_new (NULL);
  tc_json_init (&json, cc->head, FALSE);
  tc_json_begin_object (&json);
  tc_json_kv_string (&json, "name", tc_document_code_name (doc, code_id));
  tc_json_kv_string (&json, "cat", "function");
  tc_json_kv_string (&json, "ph", "X");
  tc_json_key (&json, "ts");

  cc->args = g_string_new (NULL);
  if (file != NULL)
    {
      tc_json_escape (cc->args, "file", -1);
      g_string_append_c (cc->args, ':');
      tc_json_escape (cc->args, file->path, -1);
      g_string_append_c (cc->args, ',');
    }
  if (code != NULL)
    {
      g_string_append (cc->args, "\"line\":");
      append_uint (cc->args, code->first_line);
      g_string_append_c (cc->args, ',');
    }
  return cc;
}

typedef struct
{
  TcDocument *doc;
  GPtrArray  *codes;     /* ChromeCode*, by code id (NULL: unknown) */
  ChromeCode *unknown;
} ChromeCodes;

static const ChromeCode *
chrome_code (const ChromeCodes *codes,
             guint32            code_id)
{
  const ChromeCode *cc = code_id < codes->codes->len ? g_ptr_array_index (codes->codes, code_id) : NULL;

  return cc != NULL ? cc : codes->unknown;
}

/* One stretch of a thread, formatted by one of the cores. */
typedef struct
{
  const ChromeCodes *codes;
  const TcDocThread *thread;
  const GString     *thread_part;  /* ,"pid":P,"tid":T,"args":{ */
  gint64             begin_ns, end_ns;
  gboolean           first, last;  /* of its thread */
  GString           *text;
  GError            *error;
} ChromeStretch;

static void
chrome_span (const TcSpan  *span,
             const guint32 *codes,
             gpointer       data)
{
  ChromeStretch *stretch = data;
  const ChromeCode *cc;
  GString *out = stretch->text;

  /* Each call where it returns; those still running at the thread's end
   * in its last stretch. */
  if ((span->flags & TC_SPAN_OPEN_END) && !stretch->last)
    return;
  cc = chrome_code (stretch->codes, span->code_id);
  g_string_append_c (out, ',');
  g_string_append_len (out, cc->head->str, cc->head->len);
  append_us (out, span->start_ns);
  g_string_append (out, ",\"dur\":");
  append_us (out, span->end_ns - span->start_ns);
  g_string_append_len (out, stretch->thread_part->str, stretch->thread_part->len);
  g_string_append_len (out, cc->args->str, cc->args->len);
  g_string_append (out, "\"depth\":");
  append_uint (out, span->depth);
  g_string_append (out, "}}");
}

/* One core's share of a round: every `step`-th stretch from `first` on. */
typedef struct
{
  ChromeStretch *stretches;
  guint          n, first, step;
} ChromeShare;

static gpointer
chrome_share_run (gpointer data)
{
  ChromeShare *share = data;

  for (guint i = share->first; i < share->n; i += share->step)
    {
      ChromeStretch *stretch = &share->stretches[i];

      stretch->text = g_string_sized_new (STRETCH_EVENTS * 80);
      tc_document_foreach_span (stretch->codes->doc, stretch->thread->id, stretch->begin_ns, stretch->end_ns,
                                chrome_span, stretch, &stretch->error);
    }
  return NULL;
}

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

static void
chrome_thread_name (TcJson            *json,
                    const TcDocThread *thread,
                    gint64             pid)
{
  g_autofree char *name = g_strdup_printf ("%s (%u)", *thread->name ? thread->name : "thread", thread->id);

  tc_json_begin_object (json);
  tc_json_kv_string (json, "name", "thread_name");
  tc_json_kv_string (json, "ph", "M");
  tc_json_kv_int (json, "pid", pid);
  tc_json_kv_int (json, "tid", thread->id);
  tc_json_key (json, "args");
  tc_json_begin_object (json);
  tc_json_kv_string (json, "name", name);
  tc_json_end_object (json);
  tc_json_end_object (json);
}

static void
free_string (gpointer data)
{
  g_string_free (data, TRUE);
}

/* Every thread's name, then its calls, stretch after stretch: a round of
 * stretches is formatted on every core, then written in order. */
static gboolean
chrome_calls (TcDocument   *doc,
              TcAtomicFile *file,
              TcJson       *json,
              gint64        pid,
              GError      **error)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  GPtrArray *doc_codes = tc_document_get_codes (doc);
  g_autoptr (GArray) stretches = g_array_new (FALSE, TRUE, sizeof (ChromeStretch));
  g_autoptr (GPtrArray) thread_parts = g_ptr_array_new_with_free_func (free_string);
  guint n_workers = MAX (g_get_num_processors (), 1);
  g_autofree ChromeShare *shares = g_new0 (ChromeShare, n_workers);
  ChromeCodes codes = { doc, g_ptr_array_new_with_free_func (chrome_code_free), chrome_code_new (doc, G_MAXUINT32) };
  gboolean ok = TRUE;

  /* Code ids are dense (the recorder numbers them), but a damaged file's
   * may not be: those beyond a million get no name of their own. */
  for (guint i = 0; i < doc_codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (doc_codes, i);

      if (code->id >= (1u << 20))
        continue;
      if (code->id >= codes.codes->len)
        g_ptr_array_set_size (codes.codes, code->id + 1);
      g_ptr_array_index (codes.codes, code->id) = chrome_code_new (doc, code->id);
    }

  for (guint t = 0; t < threads->len; t++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, t);
      gint64 begin = MIN (thread->first_ns, 0), end = MAX (thread->last_ns, begin);
      GString *part = g_string_new (",\"pid\":");
      g_autofree gint64 *bounds = NULL;
      guint n;

      append_uint (part, pid);
      g_string_append (part, ",\"tid\":");
      append_uint (part, thread->id);
      g_string_append (part, ",\"args\":{");
      g_ptr_array_add (thread_parts, part);
      bounds = tc_document_thread_stretches (thread, STRETCH_EVENTS, begin, end, &n);
      for (guint k = 0; k < n; k++)
        {
          ChromeStretch stretch = { &codes, thread, part, bounds[k], tc_document_stretch_end (bounds, n, k),
                                    k == 0, k + 1 == n, NULL, NULL };

          g_array_append_val (stretches, stretch);
        }
    }

  for (guint done = 0; ok && done < stretches->len;)
    {
      ChromeStretch *round = &g_array_index (stretches, ChromeStretch, done);
      guint n = MIN (stretches->len - done, 4 * n_workers);

      for (guint w = 0; w < n_workers; w++)
        shares[w] = (ChromeShare) { round, n, w, n_workers };
      tc_parallel_run (chrome_share_run, shares, sizeof (ChromeShare), MIN (n_workers, n), "tc-export");
      for (guint i = 0; i < n; i++)
        {
          if (ok && round[i].error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&round[i].error));
              ok = FALSE;
            }
          if (ok && round[i].first)
            chrome_thread_name (json, round[i].thread, pid);
          ok = ok && tc_atomic_file_spill (file, json->out, 0, error)
               && tc_atomic_file_write (file, round[i].text->str, round[i].text->len, error);
          g_string_free (round[i].text, TRUE);
          g_clear_error (&round[i].error);
        }
      done += n;
    }
  g_ptr_array_unref (codes.codes);
  chrome_code_free (codes.unknown);
  return ok;
}

gboolean
tc_export_chrome_trace (TcDocument *doc, const char *out_path, GError **error)
{
  const TcDocSession *s = tc_document_get_session (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  GArray *marks = tc_document_get_marks (doc);
  GPtrArray *counters = tc_document_get_counters (doc);
  GPtrArray *metrics = tc_document_get_metrics (doc);
  g_autoptr (TcAtomicFile) file = tc_atomic_file_new (out_path, error);
  g_autoptr (GString) out = g_string_new (NULL);
  gint64 pid = s->pid ? s->pid : 1;
  TcJson json;

  if (file == NULL)
    return FALSE;
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

  if (!chrome_calls (doc, file, &json, pid, error))
    return FALSE;

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
      if (!tc_atomic_file_spill (file, out, SPILL_BYTES, error))
        return FALSE;
    }
  for (guint i = 0; i < marks->len; i++)
    {
      const TcDocMark *m = &g_array_index (marks, TcDocMark, i);

      chrome_event (&json, m->name, "mark", m->duration_ns > 0 ? "X" : "i", m->time_ns / 1000.0,
                    m->duration_ns > 0 ? m->duration_ns / 1000.0 : -1, pid, m->thread_id);
      if (m->duration_ns <= 0)
        tc_json_kv_string (&json, "s", "t");
      tc_json_end_object (&json);
      if (!tc_atomic_file_spill (file, out, SPILL_BYTES, error))
        return FALSE;
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
              chrome_event (&json, series->name, pass == 0 ? "system" : "metric", "C", pt->time_ns / 1000.0, -1,
                            pid, 0);
              tc_json_key (&json, "args");
              tc_json_begin_object (&json);
              tc_json_kv_double (&json, "value", pt->value);
              tc_json_end_object (&json);
              tc_json_end_object (&json);
            }
          if (!tc_atomic_file_spill (file, out, SPILL_BYTES, error))
            return FALSE;
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
  return tc_atomic_file_spill (file, out, 0, error) && tc_atomic_file_commit (g_steal_pointer (&file), error);
}

/* ---- speedscope ---------------------------------------------------------- */

typedef struct
{
  TcAtomicFile *file;
  GString      *out;
  GHashTable   *frames;    /* code id → frame index + 1 */
  GArray       *stack;     /* guint32 frame indices */
  gint64        last_ns;
  gboolean      any;       /* an event of the profile was written */
} SpeedscopeWalk;

static void
speedscope_append (SpeedscopeWalk *w,
                   gboolean        open,
                   guint32         frame,
                   gint64          ns)
{
  if (w->any)
    g_string_append_c (w->out, ',');
  w->any = TRUE;
  g_string_append (w->out, open ? "{\"type\":\"O\",\"frame\":" : "{\"type\":\"C\",\"frame\":");
  append_uint (w->out, frame);
  g_string_append (w->out, ",\"at\":");
  append_us (w->out, ns);
  g_string_append_c (w->out, '}');
}

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
  speedscope_append (w, enter, frame, ev->time_ns);
  w->last_ns = ev->time_ns;
  /* A write error ends the walk; the caller reports it. */
  return w->out->len < SPILL_BYTES || tc_atomic_file_spill (w->file, w->out, 0, NULL);
}

gboolean
tc_export_speedscope (TcDocument *doc, const char *out_path, GError **error)
{
  const TcDocSession *s = tc_document_get_session (doc);
  GPtrArray *threads = tc_document_get_threads (doc);
  GPtrArray *codes = tc_document_get_codes (doc);
  g_autoptr (GHashTable) frames = g_hash_table_new (NULL, NULL);
  g_autoptr (TcAtomicFile) file = tc_atomic_file_new (out_path, error);
  g_autoptr (GString) out = g_string_new (NULL);
  TcJson json;

  if (file == NULL)
    return FALSE;
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
      const TcDocFile *f = tc_document_get_file (doc, code->file_id);

      g_hash_table_insert (frames, GUINT_TO_POINTER (code->id), GUINT_TO_POINTER (i + 1));
      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "name", code->display);
      if (f && *f->path)
        tc_json_kv_string (&json, "file", f->path);
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
      g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint32));
      SpeedscopeWalk walk = { file, out, frames, stack, 0, FALSE };
      g_autofree char *name = g_strdup_printf ("%s (%u)", *thread->name ? thread->name : "thread", thread->id);
      gint64 last;

      if (thread->n_events == 0)
        continue;
      tc_json_begin_object (&json);
      tc_json_kv_string (&json, "type", "evented");
      tc_json_kv_string (&json, "name", name);
      tc_json_kv_string (&json, "unit", "microseconds");
      tc_json_kv_double (&json, "startValue", thread->first_ns / 1000.0);
      tc_json_key (&json, "events");
      tc_json_begin_array (&json);
      if (!tc_document_foreach_event (doc, thread->id, 0, G_MAXINT64, speedscope_event, &walk, error)
          || !tc_atomic_file_spill (file, out, 0, error))
        return FALSE;
      /* Close what is still open so the profile stays balanced. */
      last = MAX (walk.last_ns, thread->last_ns);
      for (guint d = stack->len; d-- > 0;)
        speedscope_append (&walk, FALSE, g_array_index (stack, guint32, d), last);
      tc_json_end_array (&json);
      tc_json_kv_double (&json, "endValue", last / 1000.0);
      tc_json_end_object (&json);
    }
  tc_json_end_array (&json);
  tc_json_end_object (&json);
  g_string_append_c (out, '\n');
  return tc_atomic_file_spill (file, out, 0, error) && tc_atomic_file_commit (g_steal_pointer (&file), error);
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
  g_autoptr (GString) out = g_string_new (NULL);
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
  return tc_write_file_atomic (out_path, out->str, out->len, error);
}

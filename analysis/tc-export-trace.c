/* SPDX-License-Identifier: MIT
 *
 * tc-export-trace.c — the profilers' formats: Chrome Trace Event /
 * Perfetto, speedscope and collapsed stacks.  The seed's "flamegraph" put
 * every call at ts = 0 without stacks; here every call is an "X" event at
 * its real start, nested by time on its thread's track.
 *
 * A 100 M-event recording makes 7.8 GB of Chrome JSON and 4 GB of
 * speedscope: both formats' events are formatted in stretches of the
 * threads split between the cores and each stretch's text goes to the
 * file as soon as the ones before it have (Chrome held every call and
 * all the text before: 8.7 GB, 122 s).  Each function's part of a Chrome
 * event is made once, numbers without printf.
 */
#include <math.h>
#include <string.h>

#include "tc-analysis.h"
#include "tc-document-private.h"
#include "tc-export.h"
#include "tc-json-private.h"
#include "tc-parallel.h"

/* Text a stretch's events go into before the file; a stretch of 32 768
 * events is about 2.5 MB of Chrome JSON, 1.4 MB of speedscope. */
#define STRETCH_EVENTS  32768
#define SPILL_BYTES     (1 << 20)

/* ---- numbers ------------------------------------------------------------ */

/* An event's numbers and the pieces between them are made in a buffer and
 * copied into the text at once: a call to g_string_append_len() costs
 * more than writing a number. */
#define put_literal(p, s) ((char *) memcpy ((p), "" s, sizeof (s) - 1) + sizeof (s) - 1)

/* Writes `value` at `p` (20 bytes at most); returns the end. */
static char *
put_uint (char    *p,
          guint64  value)
{
  char digits[20];
  char *d = digits + sizeof digits;

  do
    *--d = (char) ('0' + value % 10);
  while ((value /= 10) > 0);
  memcpy (p, d, digits + sizeof digits - d);
  return p + (digits + sizeof digits - d);
}

/* Writes nanoseconds as microseconds, exactly: 21000, 1234.5, 0.007 (22
 * bytes at most); returns the end. */
static char *
put_us (char   *p,
        gint64  ns)
{
  guint64 v = ns < 0 ? -(guint64) ns : (guint64) ns;
  guint frac = v % 1000;

  if (ns < 0)
    *p++ = '-';
  p = put_uint (p, v / 1000);
  if (frac == 0)
    return p;
  *p++ = '.';
  *p++ = (char) ('0' + frac / 100);
  if (frac % 100 != 0)
    *p++ = (char) ('0' + frac / 10 % 10);
  if (frac % 10 != 0)
    *p++ = (char) ('0' + frac % 10);
  return p;
}

static void
append_uint (GString  *out,
             guint64   value)
{
  char text[20];

  g_string_append_len (out, text, put_uint (text, value) - text);
}

/* ---- stretches of the threads -------------------------------------------- */

/* How both formats name a thread: "name (id)". */
static char *
thread_label (const TcDocThread *thread)
{
  return g_strdup_printf ("%s (%u)", *thread->name ? thread->name : "thread", thread->id);
}

/* One stretch of a thread's events, formatted by one of the cores; an
 * export's own stretch type starts with one. */
typedef struct
{
  const TcDocThread *thread;
  gint64             begin_ns, end_ns;
  gboolean           first, last;  /* of its thread */
  GString           *text;
  GError            *error;
} Stretch;

/* An export made of stretches: `format` fills a stretch's text on any
 * core; `write` puts it into the file with what goes around it, in the
 * calling thread and in order.  Its stretches are `size` bytes. */
typedef struct
{
  gsize      size;
  void     (*format) (Stretch *stretch, gpointer data);
  gboolean (*write)  (Stretch *stretch, gpointer data, GError **error);
  gpointer   data;
} StretchExport;

/* One core's share of a round: every `step`-th stretch from `first` on. */
typedef struct
{
  const StretchExport *export;
  gpointer             stretches;
  guint                n, first, step;
} StretchShare;

static Stretch *
stretch_at (const StretchExport *export,
            gpointer             stretches,
            guint                i)
{
  return (Stretch *) (gpointer) ((guint8 *) stretches + (gsize) i * export->size);
}

static gpointer
stretch_share_run (gpointer data)
{
  StretchShare *share = data;

  for (guint i = share->first; i < share->n; i += share->step)
    share->export->format (stretch_at (share->export, share->stretches, i), share->export->data);
  return NULL;
}

/* Every thread cut into stretches of whole blocks, in order (one empty
 * stretch for a thread without events); the export's own fields zero. */
static GArray *
stretches_new (TcDocument          *doc,
               const StretchExport *export)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  GArray *stretches = g_array_new (FALSE, TRUE, export->size);

  for (guint t = 0; t < threads->len; t++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, t);
      gint64 begin = MIN (thread->first_ns, 0), end = MAX (thread->last_ns, begin);
      g_autofree gint64 *bounds = NULL;
      guint n;

      bounds = tc_document_thread_stretches (thread, STRETCH_EVENTS, begin, end, &n);
      for (guint k = 0; k < n; k++)
        {
          g_array_set_size (stretches, stretches->len + 1);
          *stretch_at (export, stretches->data, stretches->len - 1)
            = (Stretch) { thread, bounds[k], tc_document_stretch_end (bounds, n, k), k == 0, k + 1 == n, NULL, NULL };
        }
    }
  return stretches;
}

/* Every thread's events, stretch after stretch: a round of stretches is
 * formatted on every core, then written in order, so that only a round's
 * text is held whatever the size of the recording. */
static gboolean
stretches_export (TcDocument          *doc,
                  const StretchExport *export,
                  GError             **error)
{
  g_autoptr (GArray) stretches = stretches_new (doc, export);
  guint n_workers = MAX (g_get_num_processors (), 1);
  g_autofree StretchShare *shares = g_new0 (StretchShare, n_workers);
  gboolean ok = TRUE;

  for (guint done = 0; ok && done < stretches->len;)
    {
      gpointer round = stretch_at (export, stretches->data, done);
      guint n = MIN (stretches->len - done, 4 * n_workers);

      for (guint w = 0; w < n_workers; w++)
        shares[w] = (StretchShare) { export, round, n, w, n_workers };
      tc_parallel_run (stretch_share_run, shares, sizeof (StretchShare), MIN (n_workers, n), "tc-export");
      for (guint i = 0; i < n; i++)
        {
          Stretch *stretch = stretch_at (export, round, i);

          if (ok && stretch->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&stretch->error));
              ok = FALSE;
            }
          ok = ok && export->write (stretch, export->data, error);
          g_string_free (stretch->text, TRUE);
          g_clear_error (&stretch->error);
        }
      done += n;
    }
  return ok;
}

/* What the JSON writer holds (the text that goes before a stretch), then
 * the stretch's text from byte `skip`. */
static gboolean
write_stretch (TcAtomicFile  *file,
               TcJson        *json,
               const GString *text,
               gsize          skip,
               GError       **error)
{
  return tc_atomic_file_spill (file, json->out, 0, error)
         && tc_atomic_file_write (file, text->str + skip, text->len - skip, error);
}

/* ---- codes by id ---------------------------------------------------------- */

/* Each code id's index in the document's codes, the last if a damaged file
 * defines an id twice, or G_MAXUINT32.  Ids are dense (the recorder numbers
 * them) but another writer's need not be; the load fails on an event naming
 * an id from TC_MAX_CODE_ID up, so a table to the largest id defined below
 * that (4 bytes an id) answers every event. */
typedef struct
{
  guint32 *index;
  guint32  n_ids;
} CodeIndex;

static void
code_index_init (CodeIndex  *table,
                 TcDocument *doc)
{
  GPtrArray *codes = tc_document_get_codes (doc);

  table->n_ids = 0;
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);

      if (code->id < TC_MAX_CODE_ID)
        table->n_ids = MAX (table->n_ids, code->id + 1);
    }
  table->index = g_new (guint32, MAX (table->n_ids, 1));
  memset (table->index, 0xff, sizeof (guint32) * table->n_ids);
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);

      if (code->id < TC_MAX_CODE_ID)
        table->index[code->id] = i;
    }
}

static guint32
code_index_of (const CodeIndex *table,
               guint32          code_id)
{
  return code_id < table->n_ids ? table->index[code_id] : G_MAXUINT32;
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

/* Read by every core at once: built before, never changed while read. */
typedef struct
{
  TcDocument *doc;
  CodeIndex   by_id;
  GPtrArray  *codes;     /* ChromeCode*, in the document's order */
  ChromeCode *unknown;
} ChromeCodes;

static const ChromeCode *
chrome_code (const ChromeCodes *codes,
             guint32            code_id)
{
  guint32 i = code_index_of (&codes->by_id, code_id);

  return i != G_MAXUINT32 ? g_ptr_array_index (codes->codes, i) : codes->unknown;
}

typedef struct
{
  ChromeCodes   codes;
  gint64        pid;
  TcAtomicFile *file;
  TcJson       *json;
} ChromeExport;

/* A stretch's calls on their way into its text. */
typedef struct
{
  const ChromeCodes *codes;
  const Stretch     *stretch;
  const GString     *thread_part;  /* ,"pid":P,"tid":T,"args":{ */
} ChromeWalk;

static void
chrome_span (const TcSpan  *span,
             const guint32 *codes,
             gpointer       data)
{
  ChromeWalk *walk = data;
  const ChromeCode *cc;
  GString *out = walk->stretch->text;
  char text[22 + 7 + 22], *p;

  /* Each call where it returns; those still running at the thread's end
   * in its last stretch. */
  if ((span->flags & TC_SPAN_OPEN_END) && !walk->stretch->last)
    return;
  cc = chrome_code (walk->codes, span->code_id);
  g_string_append_c (out, ',');
  g_string_append_len (out, cc->head->str, cc->head->len);
  p = put_us (text, span->start_ns);
  p = put_literal (p, ",\"dur\":");
  p = put_us (p, span->end_ns - span->start_ns);
  g_string_append_len (out, text, p - text);
  g_string_append_len (out, walk->thread_part->str, walk->thread_part->len);
  g_string_append_len (out, cc->args->str, cc->args->len);
  p = put_literal (text, "\"depth\":");
  p = put_uint (p, span->depth);
  p = put_literal (p, "}}");
  g_string_append_len (out, text, p - text);
}

static void
chrome_format (Stretch  *stretch,
               gpointer  data)
{
  const ChromeExport *export = data;
  g_autoptr (GString) part = g_string_new (",\"pid\":");
  ChromeWalk walk = { &export->codes, stretch, part };

  append_uint (part, export->pid);
  g_string_append (part, ",\"tid\":");
  append_uint (part, stretch->thread->id);
  g_string_append (part, ",\"args\":{");
  stretch->text = g_string_sized_new (STRETCH_EVENTS * 80);
  tc_document_foreach_span (export->codes.doc, stretch->thread->id, stretch->begin_ns, stretch->end_ns,
                            chrome_span, &walk, &stretch->error);
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
  g_autofree char *name = thread_label (thread);

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

/* Each thread's name before its calls. */
static gboolean
chrome_write (Stretch   *stretch,
              gpointer   data,
              GError   **error)
{
  ChromeExport *export = data;

  if (stretch->first)
    chrome_thread_name (export->json, stretch->thread, export->pid);
  return write_stretch (export->file, export->json, stretch->text, 0, error);
}

static gboolean
chrome_calls (TcDocument   *doc,
              TcAtomicFile *file,
              TcJson       *json,
              gint64        pid,
              GError      **error)
{
  GPtrArray *doc_codes = tc_document_get_codes (doc);
  ChromeExport export = { { doc, { NULL, 0 }, g_ptr_array_new_with_free_func (chrome_code_free),
                            chrome_code_new (doc, G_MAXUINT32) },
                          pid, file, json };
  StretchExport stretches = { sizeof (Stretch), chrome_format, chrome_write, &export };
  gboolean ok;

  code_index_init (&export.codes.by_id, doc);
  for (guint i = 0; i < doc_codes->len; i++)
    g_ptr_array_add (export.codes.codes,
                     chrome_code_new (doc, ((const TcDocCode *) g_ptr_array_index (doc_codes, i))->id));
  ok = stretches_export (doc, &stretches, error);
  g_free (export.codes.by_id.index);
  g_ptr_array_unref (export.codes.codes);
  chrome_code_free (export.codes.unknown);
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

/* A stretch of a thread's "O"/"C" events. */
typedef struct
{
  Stretch base;
  gint64  at_ns;   /* its last event's time, 0 without; in the thread's last
                    * stretch the profile's end, where what is open closes */
} SpeedscopeStretch;

typedef struct
{
  TcDocument   *doc;
  CodeIndex     frames;    /* a code's frame: its index in the document */
  TcAtomicFile *file;
  TcJson       *json;
  gboolean      any;       /* an event of the profile was written */
} SpeedscopeExport;

/* A stretch's walk: from the stack its first block saved, the events of
 * that block before the stretch (the one before wrote them) only bring
 * the stack to where the stretch starts. */
typedef struct
{
  const SpeedscopeExport *export;
  SpeedscopeStretch      *stretch;
  GArray                 *stack;   /* TcOpenFrame */
} SpeedscopeWalk;

/* A code no frame stands for gets -1 as an unsigned number. */
static guint32
speedscope_frame (const SpeedscopeExport *export,
                  guint32                 code_id)
{
  return code_index_of (&export->frames, code_id);
}

/* Every event with a comma before it (the first of a profile is written
 * without), made whole before the one copy into `out`. */
static void
speedscope_append (GString  *out,
                   gboolean  open,
                   guint32   frame,
                   gint64    ns)
{
  char text[21 + 20 + 6 + 22 + 1];
  char *p = open ? put_literal (text, ",{\"type\":\"O\",\"frame\":") : put_literal (text, ",{\"type\":\"C\",\"frame\":");

  p = put_uint (p, frame);
  p = put_literal (p, ",\"at\":");
  p = put_us (p, ns);
  *p++ = '}';
  g_string_append_len (out, text, p - text);
}

static gboolean
speedscope_event (const TcEvent *ev,
                  gpointer       data)
{
  SpeedscopeWalk *walk = data;
  gboolean enter = tc_event_is_enter (ev->kind);
  TcOpenFrame top = { ev->code_id, 0, 0, 0 };

  if (enter)
    g_array_append_val (walk->stack, top);
  else if (tc_event_is_leave (ev->kind) && walk->stack->len > 0)
    {
      top = g_array_index (walk->stack, TcOpenFrame, walk->stack->len - 1);
      g_array_set_size (walk->stack, walk->stack->len - 1);
    }
  else
    return TRUE;
  /* The stretch before wrote it. */
  if ((gint64) ev->time_ns < walk->stretch->base.begin_ns)
    return TRUE;
  speedscope_append (walk->stretch->base.text, enter, speedscope_frame (walk->export, top.code_id), ev->time_ns);
  walk->stretch->at_ns = ev->time_ns;
  return TRUE;
}

static void
speedscope_format (Stretch  *stretch,
                   gpointer  data)
{
  SpeedscopeStretch *own = (SpeedscopeStretch *) stretch;
  const SpeedscopeExport *export = data;
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (TcOpenFrame));
  SpeedscopeWalk walk = { export, own, stack };

  stretch->text = g_string_sized_new (STRETCH_EVENTS * 48);
  if (!tc_document_walk_blocks (export->doc, stretch->thread->id, stretch->begin_ns, stretch->end_ns,
                                speedscope_event, &walk, stack, &stretch->error)
      || !stretch->last)
    return;
  /* Close what is still open so the profile stays balanced, at the
   * thread's last event (none of the stretches before is later). */
  own->at_ns = MAX (own->at_ns, stretch->thread->last_ns);
  for (guint d = stack->len; d-- > 0;)
    speedscope_append (stretch->text, FALSE, speedscope_frame (export, g_array_index (stack, TcOpenFrame, d).code_id),
                       own->at_ns);
}

static void
speedscope_profile_begin (TcJson            *json,
                          const TcDocThread *thread)
{
  g_autofree char *name = thread_label (thread);

  tc_json_begin_object (json);
  tc_json_kv_string (json, "type", "evented");
  tc_json_kv_string (json, "name", name);
  tc_json_kv_string (json, "unit", "microseconds");
  tc_json_kv_double (json, "startValue", thread->first_ns / 1000.0);
  tc_json_key (json, "events");
  tc_json_begin_array (json);
}

/* A profile for each thread with events: its start, its stretches' events
 * (the first without its comma), its end. */
static gboolean
speedscope_write (Stretch   *stretch,
                  gpointer   data,
                  GError   **error)
{
  SpeedscopeExport *export = data;
  gsize skip;

  if (stretch->thread->n_events == 0)
    return TRUE;
  if (stretch->first)
    {
      speedscope_profile_begin (export->json, stretch->thread);
      export->any = FALSE;
    }
  skip = !export->any && stretch->text->len > 0;
  export->any = export->any || stretch->text->len > 0;
  if (!write_stretch (export->file, export->json, stretch->text, skip, error))
    return FALSE;
  if (stretch->last)
    {
      tc_json_end_array (export->json);
      tc_json_kv_double (export->json, "endValue", ((SpeedscopeStretch *) stretch)->at_ns / 1000.0);
      tc_json_end_object (export->json);
    }
  return TRUE;
}

/* The shared frames, the codes in the document's order: an event's frame
 * is its code's index there. */
static void
speedscope_frames (TcDocument *doc,
                   TcJson     *json)
{
  GPtrArray *codes = tc_document_get_codes (doc);

  tc_json_key (json, "frames");
  tc_json_begin_array (json);
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      const TcDocFile *f = tc_document_get_file (doc, code->file_id);

      tc_json_begin_object (json);
      tc_json_kv_string (json, "name", code->display);
      if (f && *f->path)
        tc_json_kv_string (json, "file", f->path);
      if (code->first_line)
        tc_json_kv_int (json, "line", code->first_line);
      tc_json_end_object (json);
    }
  tc_json_end_array (json);
}

gboolean
tc_export_speedscope (TcDocument *doc, const char *out_path, GError **error)
{
  const TcDocSession *s = tc_document_get_session (doc);
  g_autoptr (TcAtomicFile) file = tc_atomic_file_new (out_path, error);
  g_autoptr (GString) out = g_string_new (NULL);
  TcJson json;
  SpeedscopeExport export = { doc, { NULL, 0 }, file, &json, FALSE };
  gboolean ok;
  StretchExport stretches = { sizeof (SpeedscopeStretch), speedscope_format, speedscope_write, &export };

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
  speedscope_frames (doc, &json);
  tc_json_end_object (&json);

  tc_json_key (&json, "profiles");
  tc_json_begin_array (&json);
  code_index_init (&export.frames, doc);
  ok = stretches_export (doc, &stretches, error);
  g_free (export.frames.index);
  if (!ok)
    return FALSE;
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

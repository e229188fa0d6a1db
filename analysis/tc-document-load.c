/* SPDX-License-Identifier: MIT
 *
 * tc-document-load.c — one pass over the frames of a recording that builds
 * the TcDocument model: definitions, snapshots and variable histories,
 * series, warnings, crash, marks, line hits, sources, and (through
 * TcCallBuilder) the call trees and timing distributions.
 */
#include <math.h>

#include "tc-document-load.h"

const char *
tc_document_intern (TcDocument *self, TcStr s)
{
  if (s.ptr == NULL || s.len == 0)
    return "";
  return g_string_chunk_insert_len (self->strings, s.ptr, s.len);
}

const char *
tc_document_intern_c (TcDocument *self, const char *s)
{
  if (s == NULL || *s == '\0')
    return "";
  return g_string_chunk_insert_const (self->strings, s);
}

static gpointer
arena_dup (TcDocument *self, gconstpointer data, gsize size)
{
  gpointer p;

  if (size == 0)
    return NULL;
  p = tc_arena_alloc (self->arena, size);
  if (p == NULL)
    g_error ("out of memory decoding a recording");
  memcpy (p, data, size);
  return p;
}

/* ---- model lifetime ------------------------------------------------------ */

static void
thread_free (TcDocThread *thread)
{
  g_array_unref (thread->call_tree);
  g_array_unref (thread->blocks);
  g_free (thread);
}

static void
file_free (TcDocFile *file)
{
  g_array_unref (file->line_hits);
  g_free (file);
}

static void
var_free (TcDocVar *var)
{
  g_array_unref (var->history);
  g_free (var);
}

static void
series_free (TcDocSeries *series)
{
  g_array_unref (series->points);
  g_free (series);
}

void
tc_document_clear_model (TcDocument *self)
{
  g_mutex_lock (&self->async_lock);
  g_clear_pointer (&self->async_rows, g_array_unref);
  g_mutex_unlock (&self->async_lock);
  tc_document_clear_span_indexes (self);
  g_clear_pointer (&self->stats_by_code, g_hash_table_unref);
  g_clear_pointer (&self->stats, g_ptr_array_unref);
  g_clear_pointer (&self->untracked_stats, g_ptr_array_unref);
  g_clear_pointer (&self->final_metrics, g_hash_table_unref);
  g_clear_pointer (&self->code_by_id, g_hash_table_unref);
  g_clear_pointer (&self->file_by_id, g_hash_table_unref);
  g_clear_pointer (&self->var_by_id, g_hash_table_unref);
  g_clear_pointer (&self->thread_by_id, g_hash_table_unref);
  g_clear_pointer (&self->metric_by_id, g_hash_table_unref);
  g_clear_pointer (&self->counter_by_id, g_hash_table_unref);
  g_clear_pointer (&self->threads, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->vars, g_ptr_array_unref);
  g_clear_pointer (&self->metrics, g_ptr_array_unref);
  g_clear_pointer (&self->counters, g_ptr_array_unref);
  g_clear_pointer (&self->snapshots, g_array_unref);
  g_clear_pointer (&self->warnings, g_array_unref);
  g_clear_pointer (&self->marks, g_array_unref);
  g_clear_pointer (&self->returns, g_array_unref);
  g_clear_pointer (&self->samples, g_array_unref);
  g_clear_pointer (&self->session.items, g_array_unref);
  g_clear_pointer (&self->session.argv, g_free);
  g_clear_pointer (&self->session.include_files, g_free);
  g_clear_pointer (&self->state_message, g_free);
  g_clear_pointer (&self->arena, tc_arena_free);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  self->crash = NULL;
  memset (&self->session, 0, sizeof self->session);
  memset (&self->end, 0, sizeof self->end);
  self->has_end = FALSE;
}

static void
init_model (TcDocument *self)
{
  self->arena = tc_arena_new ();
  self->strings = g_string_chunk_new (64 * 1024);
  self->threads = g_ptr_array_new_with_free_func ((GDestroyNotify) thread_free);
  self->codes = g_ptr_array_new_with_free_func (g_free);
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_free);
  self->vars = g_ptr_array_new_with_free_func ((GDestroyNotify) var_free);
  self->metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  self->counters = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  self->code_by_id = g_hash_table_new (NULL, NULL);
  self->file_by_id = g_hash_table_new (NULL, NULL);
  self->var_by_id = g_hash_table_new (NULL, NULL);
  self->thread_by_id = g_hash_table_new (NULL, NULL);
  self->metric_by_id = g_hash_table_new (NULL, NULL);
  self->counter_by_id = g_hash_table_new (NULL, NULL);
  self->snapshots = g_array_new (FALSE, TRUE, sizeof (TcDocSnapshot));
  self->warnings = g_array_new (FALSE, TRUE, sizeof (TcDocWarning));
  self->marks = g_array_new (FALSE, TRUE, sizeof (TcDocMark));
  self->returns = g_array_new (FALSE, TRUE, sizeof (TcDocReturn));
  self->samples = g_array_new (FALSE, TRUE, sizeof (TcDocSample));
  self->final_metrics = g_hash_table_new (g_str_hash, g_str_equal);
  self->session.items = g_array_new (FALSE, TRUE, sizeof (TcDocKeyValue));
  self->start_ns = G_MAXINT64;
  self->end_ns = 0;
}

/* ---- definitions --------------------------------------------------------- */

static TcDocThread *
ensure_thread (TcDocument *self, guint32 id)
{
  TcDocThread *thread = g_hash_table_lookup (self->thread_by_id, GUINT_TO_POINTER (id));
  TcCallNode root = { 0 };

  if (thread != NULL)
    return thread;
  thread = g_new0 (TcDocThread, 1);
  thread->id = id;
  thread->name = id == 1 ? "MainThread" : "";
  thread->first_ns = -1;
  thread->last_ns = -1;
  thread->call_tree = g_array_new (FALSE, TRUE, sizeof (TcCallNode));
  root.parent = TC_CALL_NODE_NONE;
  root.first_child = TC_CALL_NODE_NONE;
  root.next_sibling = TC_CALL_NODE_NONE;
  g_array_append_val (thread->call_tree, root);
  thread->blocks = g_array_new (FALSE, TRUE, sizeof (TcDocEventBlock));
  g_ptr_array_add (self->threads, thread);
  g_hash_table_insert (self->thread_by_id, GUINT_TO_POINTER (id), thread);
  return thread;
}

static TcDocSeries *
ensure_series (TcDocument *self, GPtrArray *array, GHashTable *by_id, guint32 id, const char *name)
{
  TcDocSeries *series = g_hash_table_lookup (by_id, GUINT_TO_POINTER (id));

  if (series != NULL)
    return series;
  series = g_new0 (TcDocSeries, 1);
  series->id = id;
  series->name = name ? name : tc_document_intern_c (self, "?");
  series->unit = "";
  series->points = g_array_new (FALSE, TRUE, sizeof (TcDocPoint));
  g_ptr_array_add (array, series);
  g_hash_table_insert (by_id, GUINT_TO_POINTER (id), series);
  return series;
}

static void
add_session (TcDocument *self, TcSession *s)
{
  GPtrArray *argv = g_ptr_array_new ();
  GPtrArray *include = g_ptr_array_new ();
  TcDocSession *session = &self->session;

  for (guint i = 0; i < s->n_items; i++)
    {
      TcDocKeyValue kv = { tc_document_intern (self, s->items[i].key),
                           tc_document_intern (self, s->items[i].value) };

      g_array_append_val (session->items, kv);
      if (strcmp (kv.key, "argv") == 0)
        g_ptr_array_add (argv, (char *) kv.value);
      else if (strcmp (kv.key, "include_files") == 0)
        g_ptr_array_add (include, (char *) kv.value);
      else if (strcmp (kv.key, "src") == 0)
        session->src = kv.value;
      else if (strcmp (kv.key, "python") == 0)
        session->python = kv.value;
      else if (strcmp (kv.key, "python_impl") == 0)
        session->python_impl = kv.value;
      else if (strcmp (kv.key, "platform") == 0)
        session->platform = kv.value;
      else if (strcmp (kv.key, "hostname") == 0)
        session->hostname = kv.value;
      else if (strcmp (kv.key, "cwd") == 0)
        session->cwd = kv.value;
      else if (strcmp (kv.key, "mode") == 0)
        session->mode = kv.value;
      else if (strcmp (kv.key, "backend") == 0)
        session->backend = kv.value;
      else if (strcmp (kv.key, "recorder_version") == 0)
        session->recorder_version = kv.value;
      else if (strcmp (kv.key, "session_id") == 0)
        session->session_id = kv.value;
      else if (strcmp (kv.key, "pid") == 0)
        session->pid = g_ascii_strtoll (kv.value, NULL, 10);
    }
  /* A recording may carry several SESSION frames (the recorder adds final
   * metrics at stop): a later frame only replaces the lists it repeats. */
  if (argv->len > 0 || session->argv == NULL)
    {
      g_ptr_array_add (argv, NULL);
      g_free (session->argv);
      session->argv = (char **) g_ptr_array_free (argv, FALSE);
    }
  else
    g_ptr_array_free (argv, TRUE);
  if (include->len > 0 || session->include_files == NULL)
    {
      g_ptr_array_add (include, NULL);
      g_free (session->include_files);
      session->include_files = (char **) g_ptr_array_free (include, FALSE);
    }
  else
    g_ptr_array_free (include, TRUE);
}

static void
finish_session (TcDocument *self)
{
  const TcFileHeader *header = tc_reader_header (self->reader);
  TcDocSession *s = &self->session;
  char buf[64];

#define DEFAULT(field) if (s->field == NULL) s->field = ""
  DEFAULT (src);
  DEFAULT (python);
  DEFAULT (python_impl);
  DEFAULT (platform);
  DEFAULT (hostname);
  DEFAULT (cwd);
  DEFAULT (mode);
  DEFAULT (backend);
  DEFAULT (recorder_version);
#undef DEFAULT
  if (s->session_id == NULL || *s->session_id == '\0')
    {
      g_strlcpy (buf, header->session_id, MIN (sizeof buf, sizeof header->session_id + 1));
      s->session_id = tc_document_intern_c (self, buf);
    }
  g_strlcpy (buf, header->producer, MIN (sizeof buf, sizeof header->producer + 1));
  s->producer = tc_document_intern_c (self, buf);
  s->start_wall_ns = header->start_wall_ns;
  {
    g_autofree char *base = g_path_get_basename (*s->src ? s->src : "?");
    s->script = tc_document_intern_c (self, base);
  }
  if (s->argv == NULL)
    s->argv = g_new0 (char *, 1);
  if (s->include_files == NULL)
    s->include_files = g_new0 (char *, 1);
}

static void
add_code (TcDocument *self, const TcCodeDef *def)
{
  TcDocCode *code = g_hash_table_lookup (self->code_by_id, GUINT_TO_POINTER (def->code_id));

  if (code == NULL)
    {
      code = g_new0 (TcDocCode, 1);
      g_ptr_array_add (self->codes, code);
      g_hash_table_insert (self->code_by_id, GUINT_TO_POINTER (def->code_id), code);
    }
  code->id = def->code_id;
  code->file_id = def->file_id;
  code->first_line = def->first_line;
  code->flags = def->flags;
  code->qualname = tc_document_intern (self, def->qualname);
  code->name = tc_document_intern (self, def->name);
  code->module = tc_document_intern (self, def->module);
  if (*code->qualname == '\0')
    code->qualname = *code->name ? code->name : "?";
  if (*code->name == '\0')
    code->name = code->qualname;
  code->display = code->qualname;
}

static TcDocFile *
ensure_file (TcDocument *self, guint32 id)
{
  TcDocFile *file = g_hash_table_lookup (self->file_by_id, GUINT_TO_POINTER (id));

  if (file != NULL)
    return file;
  file = g_new0 (TcDocFile, 1);
  file->id = id;
  file->path = "";
  file->basename = "";
  file->line_hits = g_array_new (FALSE, TRUE, sizeof (TcLineHit));
  g_ptr_array_add (self->files, file);
  g_hash_table_insert (self->file_by_id, GUINT_TO_POINTER (id), file);
  return file;
}

static void
add_file (TcDocument *self, const TcFileDef *def)
{
  TcDocFile *file = ensure_file (self, def->file_id);
  g_autofree char *base = NULL;

  file->flags = def->flags;
  file->path = tc_document_intern (self, def->path);
  base = g_path_get_basename (*file->path ? file->path : "?");
  file->basename = tc_document_intern_c (self, base);
  file->source_hash = def->source_hash;
}

static void
add_var (TcDocument *self, const TcVarDef *def)
{
  TcDocVar *var = g_hash_table_lookup (self->var_by_id, GUINT_TO_POINTER (def->var_id));

  if (var == NULL)
    {
      var = g_new0 (TcDocVar, 1);
      var->history = g_array_new (FALSE, TRUE, sizeof (TcDocVarPoint));
      g_ptr_array_add (self->vars, var);
      g_hash_table_insert (self->var_by_id, GUINT_TO_POINTER (def->var_id), var);
    }
  var->id = def->var_id;
  var->code_id = def->code_id;
  var->name = tc_document_intern (self, def->name);
  var->display = var->name;
}

/* ---- recorded data ------------------------------------------------------- */

static TcDocKeyValue *
convert_kvs (TcDocument *self, const TcKeyValue *items, guint32 n)
{
  TcDocKeyValue *out;

  if (n == 0)
    return NULL;
  out = tc_arena_alloc (self->arena, sizeof (TcDocKeyValue) * n);
  for (guint32 i = 0; i < n; i++)
    {
      out[i].key = tc_document_intern (self, items[i].key);
      out[i].value = tc_document_intern (self, items[i].value);
    }
  return out;
}

static TcDocLocal *
convert_locals (TcDocument *self, const TcLocal *locals, guint32 n)
{
  TcDocLocal *out;

  if (n == 0)
    return NULL;
  out = tc_arena_alloc (self->arena, sizeof (TcDocLocal) * n);
  for (guint32 i = 0; i < n; i++)
    {
      out[i].var_id = locals[i].var_id;
      out[i].flags = locals[i].flags;
      out[i].repr = tc_document_intern (self, locals[i].repr);
      out[i].type_name = tc_document_intern (self, locals[i].type_name);
      out[i].size = locals[i].size;
      out[i].value = locals[i].value;
    }
  return out;
}

static void
add_snapshot (TcDocument *self, const TcSnapshot *s)
{
  TcDocSnapshot snap = { 0 };
  GPtrArray *tags = g_ptr_array_new ();

  snap.index = s->index;
  snap.kind = s->kind;
  snap.origin_thread = s->origin_thread;
  snap.time_ns = (gint64) s->time_ns;
  snap.evt = tc_document_intern (self, s->evt);
  snap.label = tc_document_intern (self, s->label);
  for (guint32 i = 0; i < s->n_tags; i++)
    g_ptr_array_add (tags, (char *) tc_document_intern (self, s->tags[i]));
  g_ptr_array_add (tags, NULL);
  snap.tags = arena_dup (self, tags->pdata, sizeof (char *) * tags->len);
  g_ptr_array_unref (tags);
  snap.extras = convert_kvs (self, s->extras, s->n_extras);
  snap.n_extras = s->n_extras;
  if (s->n_metrics > 0)
    {
      snap.metrics = tc_arena_alloc (self->arena, sizeof (TcDocMetricValue) * s->n_metrics);
      for (guint32 i = 0; i < s->n_metrics; i++)
        {
          snap.metrics[i].metric_id = s->metrics[i].metric_id;
          snap.metrics[i].value = s->metrics[i].value;
        }
    }
  snap.n_metrics = s->n_metrics;
  snap.system = arena_dup (self, s->system, sizeof (TcCounterValue) * s->n_system);
  snap.n_system = s->n_system;
  snap.async_task = tc_document_intern (self, s->async_task);
  snap.async_coro = tc_document_intern (self, s->async_coro);
  if (s->n_threads > 0)
    {
      snap.threads = tc_arena_alloc (self->arena, sizeof (TcDocCapture) * s->n_threads);
      for (guint32 i = 0; i < s->n_threads; i++)
        {
          const TcThreadCapture *in = &s->threads[i];
          TcDocCapture *cap = &snap.threads[i];

          cap->thread_id = in->thread_id;
          cap->locals_depth = in->locals_depth;
          cap->stack = arena_dup (self, in->stack, sizeof (TcStackFrame) * in->n_stack);
          cap->n_stack = in->n_stack;
          cap->locals = convert_locals (self, in->locals, in->n_locals);
          cap->n_locals = in->n_locals;
        }
    }
  snap.n_threads = s->n_threads;
  g_array_append_val (self->snapshots, snap);
}

static void
add_point (TcDocSeries *series, gint64 t, double value, const TcValue *raw)
{
  TcDocPoint point = { t, value, { 0 } };

  if (raw)
    point.raw = *raw;
  else
    {
      point.raw.kind = TC_VALUE_FLOAT;
      point.raw.f = value;
    }
  g_array_append_val (series->points, point);
}

static void
add_warning (TcDocument *self, const TcFrame *frame, const TcWarning *w)
{
  TcDocWarning warning = { 0 };

  warning.time_ns = (gint64) frame->header->time_ns;
  warning.thread_id = frame->header->thread_id;
  warning.level = w->level;
  warning.code = tc_document_intern (self, w->code);
  warning.message = tc_document_intern (self, w->message);
  warning.var = tc_document_intern (self, w->var);
  warning.extras = convert_kvs (self, w->extras, w->n_extras);
  warning.n_extras = w->n_extras;
  g_array_append_val (self->warnings, warning);
}

static void
add_crash (TcDocument *self, const TcFrame *frame, const TcCrash *c)
{
  TcDocCrash *crash = tc_arena_alloc (self->arena, sizeof (TcDocCrash));

  memset (crash, 0, sizeof *crash);
  crash->time_ns = (gint64) frame->header->time_ns;
  crash->thread_id = frame->header->thread_id;
  crash->exc_type = tc_document_intern (self, c->exc_type);
  crash->exc_module = tc_document_intern (self, c->exc_module);
  crash->message = tc_document_intern (self, c->message);
  crash->traceback = tc_document_intern (self, c->traceback);
  crash->cause = tc_document_intern (self, c->cause);
  if (c->n_frames > 0)
    {
      crash->frames = tc_arena_alloc (self->arena, sizeof (TcDocCrashFrame) * c->n_frames);
      for (guint32 i = 0; i < c->n_frames; i++)
        {
          crash->frames[i].code_id = c->frames[i].code_id;
          crash->frames[i].line = c->frames[i].line;
          crash->frames[i].locals = convert_locals (self, c->frames[i].locals, c->frames[i].n_locals);
          crash->frames[i].n_locals = c->frames[i].n_locals;
        }
    }
  crash->n_frames = c->n_frames;
  crash->system = arena_dup (self, c->system, sizeof (TcCounterValue) * c->n_system);
  crash->n_system = c->n_system;
  /* The first crash is the one that ended the program's main path. */
  if (self->crash == NULL)
    self->crash = crash;
}

static void
add_mark (TcDocument *self, const TcFrame *frame, const TcMark *m)
{
  TcDocMark mark = { 0 };
  g_autofree char *name = g_strndup (m->name.ptr ? m->name.ptr : "", m->name.len);

  mark.time_ns = (gint64) frame->header->time_ns;
  mark.duration_ns = m->duration_ns;
  mark.thread_id = frame->header->thread_id;
  mark.kind = m->kind;
  mark.group = tc_document_intern (self, m->group);
  mark.message = tc_document_intern (self, m->message);
  /* Keep the seed's block_timings keys. */
  if (m->kind == TC_MARK_BLOCK && !g_str_has_prefix (name, "block:"))
    {
      g_autofree char *full = g_strconcat ("block:", name, NULL);
      mark.name = tc_document_intern_c (self, full);
    }
  else if (m->kind == TC_MARK_CHECKPOINT && !g_str_has_prefix (name, "checkpoint:"))
    {
      g_autofree char *full = g_strconcat ("checkpoint:", name, NULL);
      mark.name = tc_document_intern_c (self, full);
    }
  else
    mark.name = tc_document_intern_c (self, name);
  g_array_append_val (self->marks, mark);
  /* Both come from the file: a hostile time plus duration must not overflow. */
  gint64 mark_end_ns;
  if (__builtin_add_overflow (mark.time_ns, MAX (0, mark.duration_ns), &mark_end_ns))
    mark_end_ns = G_MAXINT64;
  self->end_ns = MAX (self->end_ns, mark_end_ns);
}

static int
compare_line_hit (gconstpointer a, gconstpointer b)
{
  const TcLineHit *x = a, *y = b;

  return (x->line > y->line) - (x->line < y->line);
}

/* LINE_HITS frames are increments since the previous frame of that file
 * (docs/FORMAT.md); they are summed per line. */
static void
add_line_hits (TcDocument *self, const TcLineHits *hits, GHashTable *line_index)
{
  TcDocFile *file = ensure_file (self, hits->file_id);

  for (guint32 i = 0; i < hits->n_lines; i++)
    {
      guint64 key = ((guint64) hits->file_id << 32) | hits->lines[i].line;
      gpointer pos;

      if (g_hash_table_lookup_extended (line_index, &key, NULL, &pos))
        {
          TcLineHit *hit = &g_array_index (file->line_hits, TcLineHit, GPOINTER_TO_UINT (pos));

          hit->hits += hits->lines[i].hits;
          hit->time_ns += hits->lines[i].time_ns;
        }
      else
        {
          guint64 *k = g_new (guint64, 1);

          *k = key;
          g_array_append_val (file->line_hits, hits->lines[i]);
          g_hash_table_insert (line_index, k, GUINT_TO_POINTER (file->line_hits->len - 1));
        }
    }
}

typedef struct
{
  guint8 *data;
  gsize   len;       /* the total the file claims */
  gsize   filled;    /* bytes [0, filled) are present */
  gsize   cap;
  gsize   received;
} SourceBuf;

static void
add_source_chunk (GHashTable *sources, const TcSourceChunk *chunk)
{
  SourceBuf *buf = g_hash_table_lookup (sources, GUINT_TO_POINTER (chunk->file_id));

  gsize end;

  if (chunk->total_len > G_MAXUINT32 || chunk->offset + chunk->len > chunk->total_len)
    return;
  if (buf == NULL || buf->len != chunk->total_len)
    {
      if (buf == NULL)
        {
          buf = g_new0 (SourceBuf, 1);
          g_hash_table_insert (sources, GUINT_TO_POINTER (chunk->file_id), buf);
        }
      g_clear_pointer (&buf->data, g_free);
      buf->len = chunk->total_len;
      buf->filled = buf->cap = buf->received = 0;
    }
  /* Chunks arrive in order: the buffer grows with the bytes actually
   * present, never to the total the file claims (a 4 KB hostile file
   * could otherwise ask for 4 GiB up front), and a gap is ignored. */
  if (chunk->offset > buf->filled)
    return;
  end = chunk->offset + chunk->len;
  if (end + 1 > buf->cap)
    {
      gsize cap = MAX (end + 1, MIN (buf->cap * 2, buf->len + 1));

      buf->data = g_realloc (buf->data, cap);
      memset (buf->data + buf->cap, 0, cap - buf->cap);
      buf->cap = cap;
    }
  memcpy (buf->data + chunk->offset, chunk->data, chunk->len);
  buf->filled = MAX (buf->filled, end);
  buf->received += chunk->len;
}

static void
source_buf_free (SourceBuf *buf)
{
  g_free (buf->data);
  g_free (buf);
}

/* ---- finishing --------------------------------------------------------- */

static int
compare_snapshots (gconstpointer a, gconstpointer b)
{
  const TcDocSnapshot *x = a, *y = b;

  if (x->time_ns != y->time_ns)
    return (x->time_ns > y->time_ns) - (x->time_ns < y->time_ns);
  return (x->index > y->index) - (x->index < y->index);
}

static int
compare_time_warning (gconstpointer a, gconstpointer b)
{
  const TcDocWarning *x = a, *y = b;
  return (x->time_ns > y->time_ns) - (x->time_ns < y->time_ns);
}

static int
compare_time_mark (gconstpointer a, gconstpointer b)
{
  const TcDocMark *x = a, *y = b;
  return (x->time_ns > y->time_ns) - (x->time_ns < y->time_ns);
}

static int
compare_point (gconstpointer a, gconstpointer b)
{
  const TcDocPoint *x = a, *y = b;
  return (x->time_ns > y->time_ns) - (x->time_ns < y->time_ns);
}

static int
compare_series_name (gconstpointer a, gconstpointer b)
{
  const TcDocSeries *x = *(TcDocSeries * const *) a, *y = *(TcDocSeries * const *) b;
  return strcmp (x->name, y->name);
}

static int
compare_by_id (gconstpointer a, gconstpointer b)
{
  /* TcDocCode, TcDocFile, TcDocVar and TcDocThread all start with `id`. */
  guint32 x = **(guint32 * const *) a, y = **(guint32 * const *) b;
  return (x > y) - (x < y);
}

char *
tc_document_module_from_path (const char *path)
{
  static const char *roots[] = { "/site-packages/", "/dist-packages/" };
  const char *rest = NULL;
  GString *module;

  /* "<frozen importlib._bootstrap>": frozen stdlib modules name themselves. */
  if (g_str_has_prefix (path, "<frozen ") && g_str_has_suffix (path, ">"))
    return g_strndup (path + 8, strlen (path) - 9);
  if (*path == '<' || *path == '\0')
    return g_strdup ("");

  /* Below an import root the path is the dotted name; the last root
   * wins (a virtualenv inside a project). */
  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      const char *at = g_strrstr (path, roots[i]);

      if (at != NULL && (rest == NULL || at + strlen (roots[i]) > rest))
        rest = at + strlen (roots[i]);
    }
  if (rest == NULL)
    {
      /* The standard library: …/lib/python3.11/asyncio/base_events.py. */
      const char *lib = g_strrstr (path, "/lib/python");
      const char *slash = lib != NULL ? strchr (lib + 11, '/') : NULL;

      if (slash != NULL && strstr (slash, "/site-packages/") == NULL)
        rest = slash + 1;
    }
  if (rest == NULL)
    {
      /* The program's own files: without the package layout (the files may
       * not be on this machine), the module is the file's name. */
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);

      if (g_str_equal (base, "__init__.py"))
        return g_path_get_basename (dir);
      if (g_str_has_suffix (base, ".py"))
        base[strlen (base) - 3] = '\0';
      return g_steal_pointer (&base);
    }

  module = g_string_new (rest);
  if (g_str_has_suffix (module->str, "/__init__.py"))
    g_string_truncate (module, module->len - strlen ("/__init__.py"));
  else if (g_str_has_suffix (module->str, ".py"))
    g_string_truncate (module, module->len - 3);
  g_strdelimit (module->str, "/", '.');
  return g_string_free (module, FALSE);
}

/* The recorder leaves a code's module empty (a code object does not know
 * it: only its frame's globals do): named from its file's path, so the
 * charts colour by package and the tooltips say where code lives. */
static void
fill_modules (TcDocument *self)
{
  for (guint i = 0; i < self->codes->len; i++)
    {
      TcDocCode *code = g_ptr_array_index (self->codes, i);
      const TcDocFile *file = tc_document_get_file (self, code->file_id);
      g_autofree char *module = NULL;

      if (*code->module != '\0' || file == NULL || *file->path == '\0')
        continue;
      module = tc_document_module_from_path (file->path);
      code->module = tc_document_intern_c (self, module);
    }
}

static void
make_display_names (TcDocument *self)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->codes->len; i++)
    {
      TcDocCode *code = g_ptr_array_index (self->codes, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, code->qualname));

      g_hash_table_insert (counts, (char *) code->qualname, GUINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < self->codes->len; i++)
    {
      TcDocCode *code = g_ptr_array_index (self->codes, i);
      const TcDocFile *file = tc_document_get_file (self, code->file_id);
      g_autofree char *display = NULL;

      if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, code->qualname)) < 2)
        continue;
      display = g_strdup_printf ("%s (%s:%u)", code->qualname,
                                 file && *file->basename ? file->basename : "?", code->first_line);
      code->display = tc_document_intern_c (self, display);
    }

  g_hash_table_remove_all (counts);
  for (guint i = 0; i < self->vars->len; i++)
    {
      TcDocVar *var = g_ptr_array_index (self->vars, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, var->name));

      g_hash_table_insert (counts, (char *) var->name, GUINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < self->vars->len; i++)
    {
      TcDocVar *var = g_ptr_array_index (self->vars, i);
      g_autofree char *display = NULL;

      if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, var->name)) < 2)
        continue;
      display = g_strdup_printf ("%s.%s", tc_document_code_name (self, var->code_id), var->name);
      var->display = tc_document_intern_c (self, display);
    }
}

static void
build_var_histories (TcDocument *self)
{
  for (guint s = 0; s < self->snapshots->len; s++)
    {
      const TcDocSnapshot *snap = &g_array_index (self->snapshots, TcDocSnapshot, s);

      for (guint t = 0; t < snap->n_threads; t++)
        {
          const TcDocCapture *cap = &snap->threads[t];

          for (guint l = 0; l < cap->n_locals; l++)
            {
              const TcDocLocal *local = &cap->locals[l];
              TcDocVar *var = g_hash_table_lookup (self->var_by_id, GUINT_TO_POINTER (local->var_id));
              TcDocVarPoint point;

              if (var == NULL)
                {
                  TcVarDef def = { local->var_id, 0, TC_STR ("?") };

                  add_var (self, &def);
                  var = g_hash_table_lookup (self->var_by_id, GUINT_TO_POINTER (local->var_id));
                }
              point.time_ns = snap->time_ns;
              point.snapshot = s;
              point.local = local;
              point.changed = var->history->len == 0
                              || strcmp (g_array_index (var->history, TcDocVarPoint,
                                                        var->history->len - 1).local->repr,
                                         local->repr) != 0;
              if (point.changed)
                var->n_changes++;
              g_array_append_val (var->history, point);
            }
        }
    }
}

/* Metrics recorded only inside snapshots (no METRICS frames) still get a
 * series, from the snapshot values. */
static void
metrics_from_snapshots (TcDocument *self)
{
  g_autoptr (GHashTable) has_points = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < self->metrics->len; i++)
    {
      TcDocSeries *series = g_ptr_array_index (self->metrics, i);

      if (series->points->len > 0)
        g_hash_table_add (has_points, series);
    }
  for (guint s = 0; s < self->snapshots->len; s++)
    {
      const TcDocSnapshot *snap = &g_array_index (self->snapshots, TcDocSnapshot, s);

      for (guint m = 0; m < snap->n_metrics; m++)
        {
          TcDocSeries *series = ensure_series (self, self->metrics, self->metric_by_id,
                                               snap->metrics[m].metric_id, NULL);
          TcDocPoint *last;

          if (g_hash_table_contains (has_points, series))
            continue;
          last = series->points->len
                 ? &g_array_index (series->points, TcDocPoint, series->points->len - 1) : NULL;
          if (last && last->time_ns == snap->time_ns)
            continue;
          add_point (series, snap->time_ns, tc_value_to_double (&snap->metrics[m].value),
                     &snap->metrics[m].value);
        }
    }
}

/* The recorder writes a SYSTEM frame about once a second and a system sample
 * with every snapshot: a counter's series is the union of both, so a short
 * run (one SYSTEM frame at stop) still gets a point per snapshot, and a
 * sample written both ways (same time) counts once.  The series are sorted
 * by time in finish_model(). */
static void
counters_from_snapshots (TcDocument *self)
{
  /* series → set of the times it already has */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);

  for (guint i = 0; i < self->counters->len; i++)
    {
      TcDocSeries *series = g_ptr_array_index (self->counters, i);
      GHashTable *times = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

      for (guint p = 0; p < series->points->len; p++)
        g_hash_table_add (times, g_memdup2 (&g_array_index (series->points, TcDocPoint, p).time_ns, sizeof (gint64)));
      g_hash_table_insert (seen, series, times);
    }
  for (guint s = 0; s < self->snapshots->len; s++)
    {
      const TcDocSnapshot *snap = &g_array_index (self->snapshots, TcDocSnapshot, s);

      for (guint c = 0; c < snap->n_system; c++)
        {
          TcDocSeries *series = ensure_series (self, self->counters, self->counter_by_id,
                                               snap->system[c].counter_id, NULL);
          GHashTable *times = g_hash_table_lookup (seen, series);

          if (times && g_hash_table_contains (times, &snap->time_ns))
            continue;
          add_point (series, snap->time_ns, snap->system[c].value, NULL);
        }
    }
}

/* The recording's span: its frames' and its threads' events. */
static void
finish_time_range (TcDocument *self)
{
  if (self->start_ns == G_MAXINT64)
    self->start_ns = 0;
  for (guint i = 0; i < self->threads->len; i++)
    {
      TcDocThread *thread = g_ptr_array_index (self->threads, i);

      if (thread->last_ns > self->end_ns)
        self->end_ns = thread->last_ns;
      if (thread->first_ns >= 0 && thread->first_ns < self->start_ns)
        self->start_ns = thread->first_ns;
    }
}

static void
finish_state (TcDocument *self)
{
  switch (tc_reader_state (self->reader))
    {
    case TC_STATE_COMPLETE:
      self->truncated = !self->has_end;
      break;
    case TC_STATE_TRUNCATED:
      self->truncated = TRUE;
      break;
    case TC_STATE_CORRUPT:
      self->truncated = TRUE;
      self->corrupt = TRUE;
      break;
    }
  self->state_message = g_strdup (self->truncated ? tc_reader_state_message (self->reader) : "");
}

static void
finish_model (TcDocument *self)
{
  finish_session (self);
  g_ptr_array_sort (self->codes, compare_by_id);
  g_ptr_array_sort (self->files, compare_by_id);
  g_ptr_array_sort (self->vars, compare_by_id);
  g_ptr_array_sort (self->threads, compare_by_id);

  g_array_sort (self->snapshots, compare_snapshots);
  g_array_sort (self->warnings, compare_time_warning);
  g_array_sort (self->marks, compare_time_mark);

  build_var_histories (self);
  metrics_from_snapshots (self);
  counters_from_snapshots (self);
  fill_modules (self);
  make_display_names (self);

  for (guint i = 0; i < self->files->len; i++)
    {
      TcDocFile *file = g_ptr_array_index (self->files, i);

      g_array_sort (file->line_hits, compare_line_hit);
    }
  for (guint i = 0; i < self->metrics->len; i++)
    {
      TcDocSeries *series = g_ptr_array_index (self->metrics, i);

      g_array_sort (series->points, compare_point);
      if (series->points->len > 0)
        g_hash_table_insert (self->final_metrics, (char *) series->name,
                             &g_array_index (series->points, TcDocPoint, series->points->len - 1));
    }
  g_ptr_array_sort (self->metrics, compare_series_name);

  self->ram_peak_mb = 0;
  self->fd_peak = 0;
  for (guint i = 0; i < self->counters->len; i++)
    {
      TcDocSeries *series = g_ptr_array_index (self->counters, i);
      gboolean ram = strcmp (series->name, "ram_mb") == 0 || strcmp (series->name, "ram_peak_mb") == 0;
      gboolean fds = strcmp (series->name, "open_fds") == 0;

      g_array_sort (series->points, compare_point);
      for (guint p = 0; p < series->points->len; p++)
        {
          double v = g_array_index (series->points, TcDocPoint, p).value;

          if (ram && isfinite (v))
            self->ram_peak_mb = MAX (self->ram_peak_mb, v);
          if (fds && isfinite (v))
            self->fd_peak = MAX (self->fd_peak, v);
        }
    }

  finish_time_range (self);
}

/* ---- the pass ------------------------------------------------------------ */

static gboolean
corrupt_frame (const TcFrame *frame, const char *what, GError **error)
{
  g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT,
               "corrupt %s frame at offset %" G_GUINT64_FORMAT, what, frame->offset);
  return FALSE;
}

#define DECODE(call, what) \
  G_STMT_START { if ((call) != TC_OK) return corrupt_frame (frame, what, error); } G_STMT_END

static gboolean
add_thread (TcDocument *self, const TcFrame *frame, GError **error)
{
  TcThreadDef def;
  TcDocThread *thread;

  DECODE (tc_decode_thread (frame, &def), "thread");
  thread = ensure_thread (self, def.thread_id ? def.thread_id : frame->header->thread_id);
  thread->native_id = def.native_id;
  thread->python_ident = def.python_ident;
  thread->flags = def.flags;
  if (def.name.len > 0)
    thread->name = tc_document_intern (self, def.name);
  return TRUE;
}

/* Frame times that are not event times stretch the recording's span. */
static void
note_frame_time (TcDocument *self, const TcFrame *frame)
{
  gint64 t = (gint64) frame->header->time_ns;

  if (frame->header->type != TC_FRAME_INDEX && frame->header->type != TC_FRAME_END
      && frame->header->type != TC_FRAME_EVENTS)
    {
      self->start_ns = MIN (self->start_ns, t);
      self->end_ns = MAX (self->end_ns, t);
    }
}

static gboolean
is_recorder_thread (const TcDocThread *thread)
{
  return (thread->flags & TC_THREAD_FLAG_RECORDER) || g_str_equal (thread->name, "tc-timer")
         || g_str_equal (thread->name, "tc-sampler") || g_str_equal (thread->name, "tc-writer");
}

/* A RETURN_VALUE frame (1.0) or one item of a RETURN_VALUES batch (1.1). */
static void
add_return_value (TcDocument *self, gint64 t, guint32 thread_id, const TcReturnValue *rv)
{
  TcDocReturn ret = { 0 };

  ret.time_ns = t;
  ret.thread_id = thread_id;
  ret.code_id = rv->code_id;
  ret.repr = tc_document_intern (self, rv->repr);
  ret.type_name = tc_document_intern (self, rv->type_name);
  ret.value = rv->value;
  g_array_append_val (self->returns, ret);
}

static gboolean
handle_frame (TcDocument     *self,
              const TcFrame  *frame,
              TcCallBuilder  *builder,
              GHashTable     *line_index,
              GHashTable     *sources,
              GError        **error)
{
  gint64 t = (gint64) frame->header->time_ns;

  note_frame_time (self, frame);
  switch ((TcFrameType) frame->header->type)
    {
    case TC_FRAME_SESSION:
      {
        TcSession s;
        DECODE (tc_decode_session (frame, self->arena, &s), "session");
        add_session (self, &s);
        break;
      }
    case TC_FRAME_THREAD:
      return add_thread (self, frame, error);
    case TC_FRAME_FILE:
      {
        TcFileDef def;
        DECODE (tc_decode_file (frame, &def), "file");
        add_file (self, &def);
        break;
      }
    case TC_FRAME_CODE:
      {
        TcCodeDef def;
        DECODE (tc_decode_code (frame, &def), "code");
        add_code (self, &def);
        break;
      }
    case TC_FRAME_VAR:
      {
        TcVarDef def;
        DECODE (tc_decode_var (frame, &def), "variable");
        add_var (self, &def);
        break;
      }
    case TC_FRAME_METRIC_DEF:
      {
        TcMetricDef def;
        TcDocSeries *series;
        DECODE (tc_decode_metric_def (frame, &def), "metric definition");
        series = ensure_series (self, self->metrics, self->metric_by_id, def.metric_id, NULL);
        series->name = tc_document_intern (self, def.name);
        break;
      }
    case TC_FRAME_COUNTER_DEF:
      {
        TcCounterDef def;
        TcDocSeries *series;
        DECODE (tc_decode_counter_def (frame, &def), "counter definition");
        series = ensure_series (self, self->counters, self->counter_by_id, def.counter_id, NULL);
        series->name = tc_document_intern (self, def.name);
        series->unit = tc_document_intern (self, def.unit);
        break;
      }
    case TC_FRAME_EVENTS:
      {
        TcDocThread *thread = ensure_thread (self, frame->header->thread_id);

        /* The recorder's own threads are not the program. */
        if (is_recorder_thread (thread))
          return TRUE;
        return tc_call_builder_add (builder, thread, frame, error);
      }
    case TC_FRAME_SNAPSHOT:
      {
        TcSnapshot s;
        DECODE (tc_decode_snapshot (frame, self->arena, &s), "snapshot");
        add_snapshot (self, &s);
        break;
      }
    case TC_FRAME_METRICS:
      {
        TcMetricPoint *points;
        size_t n;
        DECODE (tc_decode_metrics (frame, self->arena, &points, &n), "metrics");
        for (size_t i = 0; i < n; i++)
          {
            TcDocSeries *series = ensure_series (self, self->metrics, self->metric_by_id,
                                                 points[i].metric_id, NULL);
            add_point (series, (gint64) points[i].time_ns, tc_value_to_double (&points[i].value),
                       &points[i].value);
            self->end_ns = MAX (self->end_ns, (gint64) points[i].time_ns);
          }
        break;
      }
    case TC_FRAME_SYSTEM:
      {
        TcCounterValue *values;
        size_t n;
        DECODE (tc_decode_system (frame, self->arena, &values, &n), "system");
        for (size_t i = 0; i < n; i++)
          {
            TcDocSeries *series = ensure_series (self, self->counters, self->counter_by_id,
                                                 values[i].counter_id, NULL);
            add_point (series, t, values[i].value, NULL);
          }
        break;
      }
    case TC_FRAME_WARNING:
      {
        TcWarning w;
        DECODE (tc_decode_warning (frame, self->arena, &w), "warning");
        add_warning (self, frame, &w);
        break;
      }
    case TC_FRAME_CRASH:
      {
        TcCrash c;
        DECODE (tc_decode_crash (frame, self->arena, &c), "crash");
        add_crash (self, frame, &c);
        break;
      }
    case TC_FRAME_MARK:
      {
        TcMark m;
        DECODE (tc_decode_mark (frame, &m), "mark");
        add_mark (self, frame, &m);
        break;
      }
    case TC_FRAME_LINE_HITS:
      {
        TcLineHits hits;
        DECODE (tc_decode_line_hits (frame, self->arena, &hits), "line hits");
        add_line_hits (self, &hits, line_index);
        break;
      }
    case TC_FRAME_SOURCE:
      {
        TcSourceChunk chunk;
        DECODE (tc_decode_source (frame, self->arena, &chunk), "source");
        add_source_chunk (sources, &chunk);
        break;
      }
    case TC_FRAME_RETURN_VALUE:
      {
        TcReturnValue rv;
        DECODE (tc_decode_return_value (frame, &rv), "return value");
        add_return_value (self, t, frame->header->thread_id, &rv);
        break;
      }
    case TC_FRAME_RETURN_VALUES:
      {
        TcReturnValueItem *items;
        size_t n;
        DECODE (tc_decode_return_values (frame, self->arena, &items, &n), "return values");
        for (size_t i = 0; i < n; i++)
          add_return_value (self, (gint64) items[i].time_ns, items[i].thread_id, &items[i].rv);
        break;
      }
    case TC_FRAME_SAMPLES:
      {
        TcStackSample *samples;
        size_t n;
        DECODE (tc_decode_samples (frame, self->arena, &samples, &n), "samples");
        for (size_t i = 0; i < n; i++)
          {
            TcDocSample sample = { (gint64) samples[i].time_ns, frame->header->thread_id,
                                   samples[i].stack, samples[i].n_stack };
            g_array_append_val (self->samples, sample);
            self->end_ns = MAX (self->end_ns, sample.time_ns);
          }
        break;
      }
    case TC_FRAME_END:
      DECODE (tc_decode_end (frame, &self->end), "end");
      self->has_end = TRUE;
      self->end_ns = MAX (self->end_ns, t);
      break;
    case TC_FRAME_INDEX:
    default:
      break; /* unknown types are skipped by design */
    }
  return TRUE;
}

gboolean
tc_document_build_model (TcDocument     *self,
                         TcProgressFunc  progress,
                         gpointer        progress_data,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr (GHashTable) line_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) sources = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) source_buf_free);
  TcCallBuilder *builder;
  TcFrameIter iter;
  TcFrame frame;
  guint64 size = MAX (1, tc_reader_valid_end (self->reader));
  guint64 n = 0, reported = 0;
  GHashTableIter hiter;
  gpointer key, value;

  init_model (self);
  builder = tc_call_builder_new (self, size);

  tc_frame_iter_init (&iter, self->reader);
  while (tc_frame_iter_next (&iter, &frame))
    {
      if (!handle_frame (self, &frame, builder, line_index, sources, error))
        {
          GError *earlier = NULL;

          /* Event blocks still queued come first in the file: their error
           * is the one a one-thread load reports. */
          if (!tc_call_builder_flush (builder, &earlier))
            {
              g_clear_error (error);
              g_propagate_error (error, earlier);
            }
          tc_call_builder_free (builder);
          return FALSE;
        }
      if ((++n & 255) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          tc_call_builder_free (builder);
          return FALSE;
        }
      /* Every half percent of the file (a big recording has only a few
       * thousand frames: every 256th was a fifth of the file).  The pass
       * is ~90 % of the load, the statistics the rest. */
      if (progress && frame.offset - reported >= size / 200)
        {
          reported = frame.offset;
          progress (0.9 * frame.offset / size, progress_data);
        }
    }

  if (!tc_call_builder_flush (builder, error))
    {
      tc_call_builder_free (builder);
      return FALSE;
    }
  if (progress)
    progress (0.9, progress_data);
  tc_call_builder_finish (builder);
  tc_call_builder_free (builder);

  g_hash_table_iter_init (&hiter, sources);
  while (g_hash_table_iter_next (&hiter, &key, &value))
    {
      SourceBuf *buf = value;
      TcDocFile *file = ensure_file (self, GPOINTER_TO_UINT (key));

      if (buf->received >= buf->len && buf->filled == buf->len && buf->data != NULL)
        {
          file->source = g_string_chunk_insert_len (self->strings, (const char *) buf->data, buf->len);
          file->source_len = buf->len;
        }
    }

  finish_model (self);

  finish_state (self);
  if (progress)
    progress (1.0, progress_data);
  return TRUE;
}

/* The summary pass: only the frames that say what the recording is
 * (session, threads, the event blocks' headers, the span), none of the
 * event streams.  Milliseconds where the full load takes seconds. */
static gboolean
summary_frame (TcDocument *self, const TcFrame *frame, GError **error)
{
  switch ((TcFrameType) frame->header->type)
    {
    case TC_FRAME_SESSION:
    case TC_FRAME_THREAD:
    case TC_FRAME_METRICS:
    case TC_FRAME_SAMPLES:
    case TC_FRAME_END:
      /* Small frames, read as the full load reads them. */
      return handle_frame (self, frame, NULL, NULL, NULL, error);
    case TC_FRAME_EVENTS:
      {
        TcDocThread *thread = ensure_thread (self, frame->header->thread_id);
        const TcEventsFixed *fixed = (const TcEventsFixed *) frame->payload;

        if (is_recorder_thread (thread))
          break;
        if (frame->payload_len < sizeof (TcEventsFixed))
          return corrupt_frame (frame, "event", error);
        if (fixed->n_events == 0)
          break;
        thread->n_events += fixed->n_events;
        if (thread->first_ns < 0)
          thread->first_ns = (gint64) frame->header->time_ns;
        thread->last_ns = MAX (thread->last_ns, (gint64) fixed->last_time_ns);
        break;
      }
    default:
      note_frame_time (self, frame);
      break;
    }
  return TRUE;
}

gboolean
tc_document_build_summary (TcDocument  *self,
                           GError     **error)
{
  TcFrameIter iter;
  TcFrame frame;

  init_model (self);
  tc_frame_iter_init (&iter, self->reader);
  while (tc_frame_iter_next (&iter, &frame))
    if (!summary_frame (self, &frame, error))
      return FALSE;
  finish_session (self);
  g_ptr_array_sort (self->threads, compare_by_id);
  finish_time_range (self);
  finish_state (self);
  /* Empty, not missing: a getter asked anyway answers "nothing". */
  self->stats = g_ptr_array_new ();
  self->untracked_stats = g_ptr_array_new ();
  self->stats_by_code = g_hash_table_new (NULL, NULL);
  self->summary_only = TRUE;
  return TRUE;
}

const char *
tc_document_source_text (TcDocument *self, const TcDocFile *file, gsize *len)
{
  g_autoptr(GMutexLocker) locker = NULL;

  if (file == NULL)
    return NULL;
  locker = g_mutex_locker_new (&self->source_lock);
  if (file->source == NULL && *file->path)
    {
      g_autofree char *contents = NULL;
      gsize n = 0;

      /* Not embedded: the file may still be where it was recorded. */
      if (g_file_get_contents (file->path, &contents, &n, NULL))
        {
          TcDocFile *mut = (TcDocFile *) file;

          mut->source = g_string_chunk_insert_len (self->strings, contents, n);
          mut->source_len = n;
        }
    }
  if (len)
    *len = file->source_len;
  return file->source;
}

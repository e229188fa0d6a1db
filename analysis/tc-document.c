/* SPDX-License-Identifier: MIT
 *
 * tc-document.c — the TcDocument object: lifetime, async loading, getters.
 * Decoding lives in tc-document-load.c, event blocks in tc-document-events.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "tc-document-load.h"
#include "tc-document-private.h"

G_DEFINE_FINAL_TYPE (TcDocument, tc_document, G_TYPE_OBJECT)

G_DEFINE_QUARK (tc-document-error-quark, tc_document_error)

static void
tc_document_finalize (GObject *object)
{
  TcDocument *self = TC_DOCUMENT (object);

  tc_document_clear_model (self);
  g_mutex_clear (&self->async_lock);
  g_mutex_clear (&self->span_index_lock);
  g_mutex_clear (&self->source_lock);
  g_clear_pointer (&self->reader, tc_reader_free);
  g_clear_pointer (&self->path, g_free);
  G_OBJECT_CLASS (tc_document_parent_class)->finalize (object);
}

static void
tc_document_class_init (TcDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_document_finalize;
}

static void
tc_document_init (TcDocument *self)
{
  g_mutex_init (&self->async_lock);
  g_mutex_init (&self->span_index_lock);
  g_mutex_init (&self->source_lock);
}

/* ---- loading --------------------------------------------------------------- */

static gboolean
looks_like_gzip (const char *path)
{
  guint8 magic[2] = { 0, 0 };
  FILE *f = fopen (path, "rb");
  gboolean gz;

  if (f == NULL)
    return FALSE;
  gz = fread (magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  fclose (f);
  return gz;
}

static gboolean
open_reader (TcDocument *self, GError **error)
{
  TcError err = { 0 };

  self->reader = tc_reader_open (self->path, &err);
  if (self->reader != NULL)
    return TRUE;

  switch (err.code)
    {
    case TC_ERR_IO:
      g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_IO,
                   "%s: %s", self->path, g_strerror (err.sys_errno ? err.sys_errno : EIO));
      break;
    case TC_ERR_NOT_TC:
      if (looks_like_gzip (self->path))
        g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_SEED_FORMAT,
                     "%s: an old timecapsule 6 (gzip+pickle) recording; "
                     "convert it with `timecapsule convert %s`", self->path, self->path);
      else
        g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_NOT_TC,
                     "%s: not a timecapsule recording", self->path);
      break;
    case TC_ERR_VERSION:
      g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_VERSION,
                   "%s: %s", self->path, err.message[0] ? err.message : "unsupported format version");
      break;
    default:
      g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT,
                   "%s: corrupt recording (%s)", self->path,
                   err.message[0] ? err.message : tc_status_to_string (err.code));
      break;
    }
  return FALSE;
}

static TcDocument *
document_open (const char *path, GError **error)
{
  g_autoptr (TcDocument) self = g_object_new (TC_TYPE_DOCUMENT, NULL);

  self->path = g_strdup (path);
  if (!open_reader (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

TcDocument *
tc_document_load (const char     *path,
                  TcProgressFunc  progress,
                  gpointer        progress_data,
                  GCancellable   *cancellable,
                  GError        **error)
{
  g_autoptr (TcDocument) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = document_open (path, error);
  if (self == NULL || !tc_document_build_model (self, progress, progress_data, cancellable, error))
    return NULL;
  return g_steal_pointer (&self);
}

TcDocument *
tc_document_load_summary (const char  *path,
                          GError     **error)
{
  g_autoptr (TcDocument) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = document_open (path, error);
  if (self == NULL || !tc_document_build_summary (self, error))
    return NULL;
  /* Nothing more is read: the mapping would only double the resident
   * memory of a viewer that loads the same file in full beside it. */
  self->summary_file_size = tc_reader_file_size (self->reader);
  g_clear_pointer (&self->reader, tc_reader_free);
  return g_steal_pointer (&self);
}

gboolean
tc_document_get_summary_only (TcDocument *self)
{
  g_return_val_if_fail (TC_IS_DOCUMENT (self), FALSE);
  return self->summary_only;
}

guint64
tc_document_get_n_events (TcDocument *self)
{
  guint64 n = 0;

  g_return_val_if_fail (TC_IS_DOCUMENT (self), 0);
  for (guint i = 0; i < self->threads->len; i++)
    n += ((const TcDocThread *) g_ptr_array_index (self->threads, i))->n_events;
  return n;
}

typedef struct
{
  char           *path;
  TcProgressFunc  progress;
  gpointer        progress_data;
  GMainContext   *context;
  gint64          last_report_us;
} LoadTask;

typedef struct
{
  TcProgressFunc progress;
  gpointer       progress_data;
  double         fraction;
} ProgressIdle;

static void
load_task_free (LoadTask *task)
{
  g_free (task->path);
  g_clear_pointer (&task->context, g_main_context_unref);
  g_free (task);
}

static gboolean
progress_idle_cb (gpointer data)
{
  ProgressIdle *p = data;

  p->progress (p->fraction, p->progress_data);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: hop to the caller's context, at most 4 times a
 * second.  Each report repaints the caller's progress bar, and a repaint
 * of a whole window costs tens of milliseconds of CPU beside the loader
 * under a software renderer (llvmpipe, Xvfb). */
static void
load_task_progress (double fraction, gpointer data)
{
  LoadTask *task = data;
  gint64 now = g_get_monotonic_time ();
  ProgressIdle *p;

  if (task->progress == NULL)
    return;
  if (fraction < 1.0 && now - task->last_report_us < 250000)
    return;
  task->last_report_us = now;
  p = g_new (ProgressIdle, 1);
  p->progress = task->progress;
  p->progress_data = task->progress_data;
  p->fraction = fraction;
  g_main_context_invoke_full (task->context, G_PRIORITY_DEFAULT, progress_idle_cb, p, g_free);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadTask *data = task_data;
  GError *error = NULL;
  TcDocument *doc;

  doc = tc_document_load (data->path, load_task_progress, data, cancellable, &error);
  if (doc == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, doc, g_object_unref);
}

void
tc_document_load_async (const char          *path,
                        TcProgressFunc       progress,
                        gpointer             progress_data,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  LoadTask *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (LoadTask, 1);
  data->path = g_strdup (path);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_document_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_task_free);
  g_task_run_in_thread (task, load_thread);
}

TcDocument *
tc_document_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
tc_document_refresh (TcDocument *self, gboolean *changed, GError **error)
{
  TcError err = { 0 };
  gboolean grew;

  g_return_val_if_fail (TC_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (!self->summary_only, FALSE);

  if (changed)
    *changed = FALSE;
  grew = tc_reader_refresh (self->reader, &err);
  if (err.code != TC_OK)
    {
      g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_IO, "%s: %s", self->path,
                   err.message[0] ? err.message : tc_status_to_string (err.code));
      return FALSE;
    }
  if (!grew)
    return TRUE;

  /* Rebuilding from the (already mapped and scanned) reader is simpler than
   * patching every derived statistic, and fast enough for a live tail. */
  tc_document_clear_model (self);
  if (!tc_document_build_model (self, NULL, NULL, NULL, error))
    return FALSE;
  if (changed)
    *changed = TRUE;
  return TRUE;
}

/* ---- getters ----------------------------------------------------------- */

const char *
tc_document_get_path (TcDocument *self)
{
  return self->path;
}

guint64
tc_document_get_file_size (TcDocument *self)
{
  return self->reader != NULL ? tc_reader_file_size (self->reader) : self->summary_file_size;
}

gboolean
tc_document_get_truncated (TcDocument *self)
{
  return self->truncated;
}

gboolean
tc_document_get_corrupt (TcDocument *self)
{
  return self->corrupt;
}

const char *
tc_document_get_state_message (TcDocument *self)
{
  return self->state_message ? self->state_message : "";
}

const TcEndFixed *
tc_document_get_end (TcDocument *self)
{
  return &self->end;
}

void
tc_document_get_time_range (TcDocument *self, gint64 *start_ns, gint64 *end_ns)
{
  if (start_ns)
    *start_ns = self->start_ns;
  if (end_ns)
    *end_ns = self->end_ns;
}

double
tc_document_get_duration (TcDocument *self)
{
  return tc_ns_to_s (self->end_ns);
}

const TcDocSession *
tc_document_get_session (TcDocument *self)
{
  return &self->session;
}

GPtrArray *
tc_document_get_threads (TcDocument *self)
{
  return self->threads;
}

const TcDocThread *
tc_document_get_thread (TcDocument *self, guint32 thread_id)
{
  return g_hash_table_lookup (self->thread_by_id, GUINT_TO_POINTER (thread_id));
}

GPtrArray *
tc_document_get_codes (TcDocument *self)
{
  return self->codes;
}

const TcDocCode *
tc_document_get_code (TcDocument *self, guint32 code_id)
{
  return g_hash_table_lookup (self->code_by_id, GUINT_TO_POINTER (code_id));
}

const char *
tc_document_code_name (TcDocument *self, guint32 code_id)
{
  const TcDocCode *code = tc_document_get_code (self, code_id);

  return code ? code->display : "?";
}

GPtrArray *
tc_document_get_files (TcDocument *self)
{
  return self->files;
}

const TcDocFile *
tc_document_get_file (TcDocument *self, guint32 file_id)
{
  return g_hash_table_lookup (self->file_by_id, GUINT_TO_POINTER (file_id));
}

GPtrArray *
tc_document_get_vars (TcDocument *self)
{
  return self->vars;
}

const TcDocVar *
tc_document_get_var (TcDocument *self, guint32 var_id)
{
  return g_hash_table_lookup (self->var_by_id, GUINT_TO_POINTER (var_id));
}

const TcDocVar *
tc_document_find_var (TcDocument *self, const char *name)
{
  const TcDocVar *by_name = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  for (guint i = 0; i < self->vars->len; i++)
    {
      const TcDocVar *var = g_ptr_array_index (self->vars, i);

      if (strcmp (var->display, name) == 0)
        return var;
      /* Prefer the bare-name variable that was actually captured. */
      if (strcmp (var->name, name) == 0
          && (by_name == NULL || (by_name->history->len == 0 && var->history->len > 0)))
        by_name = var;
    }
  return by_name;
}

GArray *
tc_document_get_snapshots (TcDocument *self)
{
  return self->snapshots;
}

GPtrArray *
tc_document_get_metrics (TcDocument *self)
{
  return self->metrics;
}

static const TcDocSeries *
find_series (GPtrArray *array, const char *name)
{
  for (guint i = 0; i < array->len; i++)
    {
      const TcDocSeries *series = g_ptr_array_index (array, i);

      if (strcmp (series->name, name) == 0)
        return series;
    }
  return NULL;
}

const TcDocSeries *
tc_document_get_metric (TcDocument *self, const char *name)
{
  return find_series (self->metrics, name);
}

GPtrArray *
tc_document_get_counters (TcDocument *self)
{
  return self->counters;
}

const TcDocSeries *
tc_document_get_counter (TcDocument *self, const char *name)
{
  return find_series (self->counters, name);
}

GArray *
tc_document_get_warnings (TcDocument *self)
{
  return self->warnings;
}

GArray *
tc_document_get_marks (TcDocument *self)
{
  return self->marks;
}

GArray *
tc_document_get_return_values (TcDocument *self)
{
  return self->returns;
}

GArray *
tc_document_get_samples (TcDocument *self)
{
  return self->samples;
}

const TcDocCrash *
tc_document_get_crash (TcDocument *self)
{
  return self->crash;
}

GHashTable *
tc_document_get_final_metrics (TcDocument *self)
{
  return self->final_metrics;
}

GPtrArray *
tc_document_get_function_stats (TcDocument *self)
{
  return self->stats;
}

const TcFunctionStats *
tc_document_get_stats_for (TcDocument *self, guint32 code_id)
{
  return g_hash_table_lookup (self->stats_by_code, GUINT_TO_POINTER (code_id));
}

guint64
tc_document_get_total_calls (TcDocument *self)
{
  return self->total_calls;
}

double
tc_doc_series_max (const TcDocSeries *series)
{
  double max = NAN;

  for (guint i = 0; series != NULL && i < series->points->len; i++)
    {
      double v = g_array_index (series->points, TcDocPoint, i).value;

      if (isfinite (v) && (!isfinite (max) || v > max))
        max = v;
    }
  return max;
}

double
tc_document_get_ram_peak_mb (TcDocument *self)
{
  return self->ram_peak_mb;
}

double
tc_document_get_fd_peak (TcDocument *self)
{
  return self->fd_peak;
}

/* ---- value helpers (declared in tc-model.h) ------------------------------ */

gboolean
tc_value_is_number (const TcValue *value)
{
  return value->kind == TC_VALUE_BOOL || value->kind == TC_VALUE_INT
         || value->kind == TC_VALUE_FLOAT || value->kind == TC_VALUE_BIGINT;
}

double
tc_value_to_double (const TcValue *value)
{
  switch (value->kind)
    {
    case TC_VALUE_BOOL:
      return value->b ? 1.0 : 0.0;
    case TC_VALUE_INT:
      return (double) value->i;
    case TC_VALUE_FLOAT:
      return value->f;
    case TC_VALUE_BIGINT:
      {
        g_autofree char *text = g_strndup (value->s.ptr, value->s.len);
        char *end = NULL;
        double d = g_ascii_strtod (text, &end);

        return (end && *end == '\0' && end != text) ? d : NAN;
      }
    default:
      return NAN;
    }
}

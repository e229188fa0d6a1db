/* tc-viewer-session.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-viewer-session.h"

/* The narrowest visible range zooming may reach: below a microsecond the
 * recorder's clock has nothing more to show. */
#define MIN_VISIBLE_NS 1000

struct _TcViewerSession
{
  GObject     parent_instance;

  GFile      *file;
  char       *title;
  TcDocument *document;
  TcDocument *summary;
  char       *error_message;

  double      progress;
  gint64      duration;
  gint64      visible_begin;
  gint64      visible_end;
  gint64      selected_begin;
  gint64      selected_end;
  gint64      cursor;
  guint       selected_thread;

  guint       loading : 1;
  guint       has_selection : 1;
};

enum {
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  PROP_DOCUMENT,
  PROP_SUMMARY,
  PROP_LOADING,
  PROP_PROGRESS,
  PROP_ERROR_MESSAGE,
  PROP_TRUNCATED,
  PROP_DURATION,
  PROP_VISIBLE_BEGIN,
  PROP_VISIBLE_END,
  PROP_HAS_SELECTION,
  PROP_SELECTED_BEGIN,
  PROP_SELECTED_END,
  PROP_CURSOR,
  PROP_SELECTED_THREAD,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TcViewerSession, tc_viewer_session, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static void
tc_viewer_session_set_loading (TcViewerSession *self,
                        gboolean   loading)
{
  g_assert (TC_IS_VIEWER_SESSION (self));

  loading = !!loading;
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
}

static void
tc_viewer_session_progress_cb (double   fraction,
                        gpointer user_data)
{
  TcViewerSession *self = user_data;

  g_assert (TC_IS_VIEWER_SESSION (self));

  fraction = CLAMP (fraction, 0.0, 1.0);
  /* A notification repaints the progress bar: whole percents are all it
   * shows. */
  if (fraction == self->progress
      || (fraction < 1.0 && floor (fraction * 100.0) == floor (self->progress * 100.0)))
    return;

  self->progress = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PROGRESS]);
}

static void
tc_viewer_session_load_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TcDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  TcViewerSession *self = g_task_get_source_object (task);

  g_assert (TC_IS_VIEWER_SESSION (self));

  document = tc_document_load_finish (result, &error);

  /* The document (or the error) is in place before "loading" drops, so
   * whoever watches "loading" sees the outcome. */
  if (document == NULL)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ERROR_MESSAGE]);
      tc_viewer_session_set_loading (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  tc_viewer_session_progress_cb (1.0, self);
  tc_viewer_session_set_document (self, document);
  tc_viewer_session_set_loading (self, FALSE);
  if (self->summary != NULL)
    {
      g_clear_object (&self->summary);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SUMMARY]);
    }
  g_task_return_boolean (task, TRUE);
}

static void
tc_viewer_session_summary_thread (GTask        *task,
                                  gpointer      source_object,
                                  gpointer      task_data,
                                  GCancellable *cancellable)
{
  GError *error = NULL;
  TcDocument *summary = tc_document_load_summary (task_data, &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, g_object_unref);
}

/* The summary is read first (milliseconds, and it brings the file into
 * the page cache for the full load), then the full load starts. */
static void
tc_viewer_session_summary_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  TcViewerSession *self = TC_VIEWER_SESSION (object);
  GTask *task = user_data;
  g_autoptr(TcDocument) summary = g_task_propagate_pointer (G_TASK (result), NULL);

  /* A file the summary cannot read fails the full load too, which says
   * why. */
  if (summary != NULL)
    {
      g_set_object (&self->summary, summary);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SUMMARY]);
    }

  /* The task holds a reference on self, which keeps progress_data alive
   * until the callback ran, as the loader requires. */
  tc_document_load_async (g_task_get_task_data (task),
                          tc_viewer_session_progress_cb,
                          self,
                          g_task_get_cancellable (task),
                          tc_viewer_session_load_cb,
                          task);
}

static void
tc_viewer_session_finalize (GObject *object)
{
  TcViewerSession *self = (TcViewerSession *)object;

  g_clear_object (&self->file);
  g_clear_object (&self->document);
  g_clear_object (&self->summary);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (tc_viewer_session_parent_class)->finalize (object);
}

static void
tc_viewer_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TcViewerSession *self = TC_VIEWER_SESSION (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_SUMMARY:
      g_value_set_object (value, self->summary);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_TRUNCATED:
      g_value_set_boolean (value, tc_viewer_session_get_truncated (self));
      break;

    case PROP_DURATION:
      g_value_set_int64 (value, self->duration);
      break;

    case PROP_VISIBLE_BEGIN:
      g_value_set_int64 (value, self->visible_begin);
      break;

    case PROP_VISIBLE_END:
      g_value_set_int64 (value, self->visible_end);
      break;

    case PROP_HAS_SELECTION:
      g_value_set_boolean (value, self->has_selection);
      break;

    case PROP_SELECTED_BEGIN:
      g_value_set_int64 (value, self->selected_begin);
      break;

    case PROP_SELECTED_END:
      g_value_set_int64 (value, self->selected_end);
      break;

    case PROP_CURSOR:
      g_value_set_int64 (value, self->cursor);
      break;

    case PROP_SELECTED_THREAD:
      g_value_set_uint (value, self->selected_thread);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_viewer_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TcViewerSession *self = TC_VIEWER_SESSION (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      if (self->file != NULL)
        self->title = g_file_get_basename (self->file);
      break;

    case PROP_DOCUMENT:
      tc_viewer_session_set_document (self, g_value_get_object (value));
      break;

    case PROP_CURSOR:
      tc_viewer_session_set_cursor (self, g_value_get_int64 (value));
      break;

    case PROP_SELECTED_THREAD:
      tc_viewer_session_set_selected_thread (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_viewer_session_class_init (TcViewerSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tc_viewer_session_finalize;
  object_class->get_property = tc_viewer_session_get_property;
  object_class->set_property = tc_viewer_session_set_property;

  properties [PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, TC_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* While loading: what the recording is (tc_document_load_summary()),
   * read in milliseconds, for a first page before the full load ends. */
  properties [PROP_SUMMARY] =
    g_param_spec_object ("summary", NULL, NULL, TC_TYPE_DOCUMENT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_TRUNCATED] =
    g_param_spec_boolean ("truncated", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_VISIBLE_BEGIN] =
    g_param_spec_int64 ("visible-begin", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_VISIBLE_END] =
    g_param_spec_int64 ("visible-end", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_HAS_SELECTION] =
    g_param_spec_boolean ("has-selection", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_SELECTED_BEGIN] =
    g_param_spec_int64 ("selected-begin", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_SELECTED_END] =
    g_param_spec_int64 ("selected-end", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* The instant the user looks at (a warning, a snapshot, the scrubber);
   * -1 when none. */
  properties [PROP_CURSOR] =
    g_param_spec_int64 ("cursor", NULL, NULL, -1, G_MAXINT64, -1,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* 0 = all threads */
  properties [PROP_SELECTED_THREAD] =
    g_param_spec_uint ("selected-thread", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tc_viewer_session_init (TcViewerSession *self)
{
  self->cursor = -1;
}

TcViewerSession *
tc_viewer_session_new (GFile *file)
{
  g_return_val_if_fail (!file || G_IS_FILE (file), NULL);

  return g_object_new (TC_TYPE_VIEWER_SESSION,
                       "file", file,
                       NULL);
}

/**
 * tc_viewer_session_get_file:
 *
 * Returns: (transfer none) (nullable): the recording's file
 */
GFile *
tc_viewer_session_get_file (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), NULL);

  return self->file;
}

const char *
tc_viewer_session_get_title (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), NULL);

  return self->title;
}

/**
 * tc_viewer_session_get_document:
 *
 * Returns: (transfer none) (nullable): the loaded document, %NULL while
 *   loading or after a failure
 */
TcDocument *
tc_viewer_session_get_document (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), NULL);

  return self->document;
}

/**
 * tc_viewer_session_set_document:
 *
 * Sets an already loaded document (tests, the PDF exporter) and resets the
 * time ranges to the whole recording.
 */
void
tc_viewer_session_set_document (TcViewerSession  *self,
                         TcDocument *document)
{
  gint64 begin_ns = 0;
  gint64 end_ns = 0;

  g_return_if_fail (TC_IS_VIEWER_SESSION (self));
  g_return_if_fail (!document || TC_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  if (document != NULL)
    tc_document_get_time_range (document, &begin_ns, &end_ns);

  /* Time zero is the recording start, so the whole range starts at 0 even
   * when the first frame came later. */
  self->duration = MAX (end_ns, 0);
  self->visible_begin = 0;
  self->visible_end = self->duration;
  self->has_selection = FALSE;
  self->selected_begin = 0;
  self->selected_end = 0;
  self->cursor = -1;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DURATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VISIBLE_BEGIN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VISIBLE_END]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HAS_SELECTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CURSOR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TRUNCATED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DOCUMENT]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tc_viewer_session_load_async:
 *
 * Loads the session's file in a worker thread; #TcViewerSession:progress follows
 * the loader and #TcViewerSession:document is set on success.
 */
void
tc_viewer_session_load_async (TcViewerSession           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (TC_IS_VIEWER_SESSION (self));
  g_return_if_fail (self->file != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tc_viewer_session_load_async);

  path = g_file_get_path (self->file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->file);

      self->error_message = g_strdup_printf (_("“%s” is not a local file"), uri);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ERROR_MESSAGE]);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s", self->error_message);
      return;
    }

  g_clear_pointer (&self->error_message, g_free);
  self->progress = 0.0;
  tc_viewer_session_set_loading (self, TRUE);

  /* First the few frames that say what the recording is: a big
   * recording's window shows them (and the load's progress) in a fraction
   * of a second instead of after the whole load. */
  g_task_set_task_data (task, g_strdup (path), g_free);
  {
    g_autoptr(GTask) summary_task = g_task_new (self, cancellable, tc_viewer_session_summary_cb,
                                                g_steal_pointer (&task));

    g_task_set_source_tag (summary_task, tc_viewer_session_summary_cb);
    g_task_set_task_data (summary_task, g_strdup (path), g_free);
    g_task_run_in_thread (summary_task, tc_viewer_session_summary_thread);
  }
}

gboolean
tc_viewer_session_load_finish (TcViewerSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tc_viewer_session_get_summary:
 *
 * Returns: (transfer none) (nullable): while loading, a summary of the
 *   recording (tc_document_load_summary()) once it is read
 */
TcDocument *
tc_viewer_session_get_summary (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), NULL);

  return self->summary;
}

gboolean
tc_viewer_session_get_loading (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), FALSE);

  return self->loading;
}

double
tc_viewer_session_get_progress (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), 0.0);

  return self->progress;
}

const char *
tc_viewer_session_get_error_message (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), NULL);

  return self->error_message;
}

gboolean
tc_viewer_session_get_truncated (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), FALSE);

  return self->document != NULL && tc_document_get_truncated (self->document);
}

gint64
tc_viewer_session_get_duration (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), 0);

  return self->duration;
}

gint64
tc_viewer_session_get_visible_begin (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), 0);

  return self->visible_begin;
}

gint64
tc_viewer_session_get_visible_end (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), 0);

  return self->visible_end;
}

/**
 * tc_viewer_session_set_visible_range:
 *
 * Sets the range every chart shows.  It is clamped to the recording and
 * kept at least a microsecond wide.
 */
void
tc_viewer_session_set_visible_range (TcViewerSession *self,
                              gint64     begin_ns,
                              gint64     end_ns)
{
  gint64 span;

  g_return_if_fail (TC_IS_VIEWER_SESSION (self));

  if (end_ns < begin_ns)
    {
      gint64 tmp = begin_ns;
      begin_ns = end_ns;
      end_ns = tmp;
    }

  span = MIN (MAX (end_ns - begin_ns, MIN_VISIBLE_NS), MAX (self->duration, MIN_VISIBLE_NS));
  begin_ns = CLAMP (begin_ns, 0, MAX (0, self->duration - span));
  end_ns = begin_ns + span;

  if (begin_ns == self->visible_begin && end_ns == self->visible_end)
    return;

  self->visible_begin = begin_ns;
  self->visible_end = end_ns;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VISIBLE_BEGIN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_VISIBLE_END]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
tc_viewer_session_get_has_selection (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), FALSE);

  return self->has_selection;
}

gint64
tc_viewer_session_get_selected_begin (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), 0);

  return self->selected_begin;
}

gint64
tc_viewer_session_get_selected_end (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), 0);

  return self->selected_end;
}

void
tc_viewer_session_select_range (TcViewerSession *self,
                         gint64     begin_ns,
                         gint64     end_ns)
{
  g_return_if_fail (TC_IS_VIEWER_SESSION (self));

  if (end_ns < begin_ns)
    {
      gint64 tmp = begin_ns;
      begin_ns = end_ns;
      end_ns = tmp;
    }

  begin_ns = CLAMP (begin_ns, 0, self->duration);
  end_ns = CLAMP (end_ns, 0, self->duration);

  if (self->has_selection &&
      begin_ns == self->selected_begin &&
      end_ns == self->selected_end)
    return;

  self->selected_begin = begin_ns;
  self->selected_end = end_ns;
  self->has_selection = TRUE;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED_BEGIN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED_END]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HAS_SELECTION]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
tc_viewer_session_clear_selection (TcViewerSession *self)
{
  g_return_if_fail (TC_IS_VIEWER_SESSION (self));

  if (!self->has_selection)
    return;

  self->has_selection = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HAS_SELECTION]);
}

gint64
tc_viewer_session_get_cursor (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), -1);

  return self->cursor;
}

void
tc_viewer_session_set_cursor (TcViewerSession *self,
                       gint64     time_ns)
{
  g_return_if_fail (TC_IS_VIEWER_SESSION (self));

  if (time_ns >= 0)
    time_ns = MIN (time_ns, self->duration);
  else
    time_ns = -1;

  if (time_ns == self->cursor)
    return;

  self->cursor = time_ns;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CURSOR]);
}

guint
tc_viewer_session_get_selected_thread (TcViewerSession *self)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (self), 0);

  return self->selected_thread;
}

void
tc_viewer_session_set_selected_thread (TcViewerSession *self,
                                guint      thread_id)
{
  g_return_if_fail (TC_IS_VIEWER_SESSION (self));

  if (thread_id == self->selected_thread)
    return;

  self->selected_thread = thread_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED_THREAD]);
}

/**
 * tc_viewer_session_zoom:
 * @factor: > 1 zooms in, < 1 zooms out
 *
 * Scales the visible range around the cursor when it is visible, else
 * around the middle (Ctrl+plus / Ctrl+minus).
 */
void
tc_viewer_session_zoom (TcViewerSession *self,
                 double     factor)
{
  gint64 span;
  gint64 center;
  gint64 new_span;
  double ratio = 0.5;

  g_return_if_fail (TC_IS_VIEWER_SESSION (self));
  g_return_if_fail (factor > 0.0);

  span = self->visible_end - self->visible_begin;
  center = self->visible_begin + span / 2;

  if (self->cursor >= self->visible_begin && self->cursor <= self->visible_end && span > 0)
    {
      center = self->cursor;
      ratio = (double)(self->cursor - self->visible_begin) / (double)span;
    }

  new_span = (gint64)((double)span / factor);
  tc_viewer_session_set_visible_range (self,
                                center - (gint64)(new_span * ratio),
                                center + (gint64)(new_span * (1.0 - ratio)));
}

void
tc_viewer_session_zoom_to_selection (TcViewerSession *self)
{
  g_return_if_fail (TC_IS_VIEWER_SESSION (self));

  if (self->has_selection)
    tc_viewer_session_set_visible_range (self, self->selected_begin, self->selected_end);
}

void
tc_viewer_session_reset_zoom (TcViewerSession *self)
{
  g_return_if_fail (TC_IS_VIEWER_SESSION (self));

  tc_viewer_session_set_visible_range (self, 0, self->duration);
}

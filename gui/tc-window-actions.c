/* tc-window-actions.c — the win.* actions
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pdf/tc-report-print.h"
#include "tc-export.h"
#include "tc-report.h"
#include "tc-window-private.h"

/* Ctrl+plus/minus zoom the shared time range by this factor. */
#define ZOOM_STEP 1.5

static TcViewerSession *
current_session (TcWindow *self)
{
  TcSessionView *view = tc_window_get_current_view (self);

  return view ? tc_session_view_get_session (view) : NULL;
}

static void
chooser_response_cb (TcWindow             *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_assert (TC_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          tc_window_open_file (self, file);
        }
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

static void
open_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  TcWindow *self = user_data;
  g_autoptr(GtkFileFilter) recordings = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  g_assert (TC_IS_WINDOW (self));

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  gtk_file_filter_set_name (recordings, _("Timecapsule Recordings"));
  gtk_file_filter_add_mime_type (recordings, "application/x-timecapsule");
  gtk_file_filter_add_suffix (recordings, "tc");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  /* GtkFileDialog is GTK 4.10; the native chooser uses the portal in a
   * sandbox all the same. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  self->chooser = gtk_file_chooser_native_new (_("Open Recording"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"),
                                               _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), recordings);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  G_GNUC_END_IGNORE_DEPRECATIONS

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
close_tab_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  TcWindow *self = user_data;
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);

  /* With nothing open, Ctrl+W closes the window like in other GNOME apps. */
  if (page == NULL)
    gtk_window_close (GTK_WINDOW (self));
  else
    adw_tab_view_close_page (self->tab_view, page);
}

static void
search_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  TcWindow *self = user_data;
  TcSessionView *view = tc_window_get_current_view (self);

  if (view != NULL)
    tc_session_view_start_search (view);
}

static void
zoom_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  TcWindow *self = user_data;
  TcViewerSession *session = current_session (self);
  const char *name = g_action_get_name (G_ACTION (action));

  if (session == NULL || tc_viewer_session_get_document (session) == NULL)
    return;

  if (g_str_equal (name, "zoom-in"))
    tc_viewer_session_zoom (session, ZOOM_STEP);
  else if (g_str_equal (name, "zoom-out"))
    tc_viewer_session_zoom (session, 1.0 / ZOOM_STEP);
  else
    tc_viewer_session_reset_zoom (session);
}

/* The formats of the Export menu: target, file suffix. */
static const struct {
  const char *format;
  const char *suffix;
} export_formats[] = {
  { "text", ".txt" },
  { "json", ".json" },
  { "chrome", ".trace.json" },
  { "speedscope", ".speedscope.json" },
  { "collapsed", ".folded" },
  { "llm", ".llm.txt" },
  { "pdf", ".pdf" },
};

static const char *
export_suffix (const char *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    if (g_str_equal (format, export_formats[i].format))
      return export_formats[i].suffix;

  return NULL;
}

/**
 * _tc_window_export_document:
 * @format: "text", "json", "chrome", "speedscope", "collapsed" or "llm"
 *
 * Writes @document to @file in @format (what the Export menu does once the
 * save dialog answered).
 */
gboolean
_tc_window_export_document (TcDocument  *document,
                            const char  *format,
                            GFile       *file,
                            GError     **error)
{
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be written"));
      return FALSE;
    }

  if (g_str_equal (format, "text"))
    {
      TcReportOptions options = { { 100, FALSE }, 0, FALSE, NULL };
      g_autofree char *report = tc_report_render (document, &options);

      return tc_write_file_atomic (path, report, -1, error);
    }
  if (g_str_equal (format, "json"))
    return tc_export_json (document, path, error);
  if (g_str_equal (format, "chrome"))
    return tc_export_chrome_trace (document, path, error);
  if (g_str_equal (format, "speedscope"))
    return tc_export_speedscope (document, path, error);
  if (g_str_equal (format, "collapsed"))
    return tc_export_collapsed (document, path, error);
  if (g_str_equal (format, "llm"))
    return tc_export_for_llm (document, path, 0, error);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown export format “%s”", format);
  return FALSE;
}

typedef struct
{
  TcWindow  *self;
  TcViewerSession *session;
  char      *format;
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->session);
  g_clear_pointer (&request->format, g_free);
  g_free (request);
}

typedef struct
{
  TcDocument *document;
  char       *format;
  GFile      *file;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_object_unref (job->document);
  g_free (job->format);
  g_object_unref (job->file);
  g_free (job);
}

static void
export_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;

  if (_tc_window_export_document (job->document, job->format, job->file, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The export in a worker thread: a trace of a big recording takes seconds
 * (20 s for 100 M events) and the window stays usable meanwhile. */
void
_tc_window_export_document_async (TcWindow            *self,
                                  TcDocument          *document,
                                  const char          *format,
                                  GFile               *file,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  ExportJob *job = g_new0 (ExportJob, 1);

  job->document = g_object_ref (document);
  job->format = g_strdup (format);
  job->file = g_object_ref (file);
  g_task_set_task_data (task, job, export_job_free);
  g_task_set_source_tag (task, _tc_window_export_document_async);
  g_task_run_in_thread (task, export_worker);
}

gboolean
_tc_window_export_document_finish (TcWindow      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
show_export_result (TcWindow *self,
                    GFile    *file,
                    GError   *error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (error == NULL)
    message = g_strdup_printf (_("Exported to “%s”"), name);
  else
    message = g_strdup_printf (_("Export failed: %s"), error->message);
  _tc_window_show_toast (self, message);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;

  _tc_window_export_document_finish (TC_WINDOW (object), result, &error);
  show_export_result (TC_WINDOW (object), file, error);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  ExportRequest *request = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_file_get_path (file);
      TcSessionView *view = tc_window_get_current_view (request->self);

      /* The PDF is the whole report, with the comparison when one is open
       * (drawn from the widgets, so here); the rest from the recording. */
      if (g_str_equal (request->format, "pdf") && view != NULL && path != NULL)
        {
          tc_report_export_pdf_for_view (view, path, &error);
          show_export_result (request->self, file, error);
        }
      else
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("Exporting “%s”…"), name);

          _tc_window_show_toast (request->self, message);
          _tc_window_export_document_async (request->self, tc_viewer_session_get_document (request->session),
                                            request->format, file, export_done_cb, g_object_ref (file));
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  export_request_free (request);
}

static void
export_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  TcWindow *self = user_data;
  TcViewerSession *session = current_session (self);
  const char *format = g_variant_get_string (param, NULL);
  const char *suffix = export_suffix (format);
  g_autofree char *suggested = NULL;
  g_autofree char *stem = NULL;
  GtkFileChooserNative *chooser;
  ExportRequest *request;

  if (session == NULL || tc_viewer_session_get_document (session) == NULL || suffix == NULL)
    return;

  stem = g_strdup (tc_viewer_session_get_title (session));
  if (g_str_has_suffix (stem, ".tc"))
    stem[strlen (stem) - 3] = 0;
  suggested = g_strdup_printf ("%s%s", stem, suffix);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (_("Export Report"),
                                         GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"),
                                         _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  G_GNUC_END_IGNORE_DEPRECATIONS

  request = g_new0 (ExportRequest, 1);
  request->self = g_object_ref (self);
  request->session = g_object_ref (session);
  request->format = g_strdup (format);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
print_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  TcWindow *self = user_data;
  TcSessionView *view = tc_window_get_current_view (self);

  if (view != NULL)
    tc_report_print_view (view, GTK_WINDOW (self));
}

static const GActionEntry win_actions[] = {
  { "open", open_action },
  { "close-tab", close_tab_action },
  { "search", search_action },
  { "zoom-in", zoom_action },
  { "zoom-out", zoom_action },
  { "zoom-reset", zoom_action },
  { "export", export_action, "s" },
  { "print", print_action },
};

void
_tc_window_actions_init (TcWindow *self)
{
  g_assert (TC_IS_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  _tc_window_actions_update (self);
}

/* Actions that need a loaded recording are off while none is shown. */
void
_tc_window_actions_update (TcWindow *self)
{
  static const char *need_document[] = { "search", "zoom-in", "zoom-out", "zoom-reset", "export", "print" };
  TcViewerSession *session;
  gboolean loaded;

  g_assert (TC_IS_WINDOW (self));

  session = current_session (self);
  loaded = session != NULL && tc_viewer_session_get_document (session) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (need_document); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), need_document[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), loaded);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), loaded);
}

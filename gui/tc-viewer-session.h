/* tc-viewer-session.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "tc-document.h"

G_BEGIN_DECLS

#define TC_TYPE_VIEWER_SESSION (tc_viewer_session_get_type ())

G_DECLARE_FINAL_TYPE (TcViewerSession, tc_viewer_session, TC, VIEWER_SESSION, GObject)

TcViewerSession  *tc_viewer_session_new                  (GFile               *file);
GFile      *tc_viewer_session_get_file             (TcViewerSession           *self);
const char *tc_viewer_session_get_title            (TcViewerSession           *self);
TcDocument *tc_viewer_session_get_document         (TcViewerSession           *self);
void        tc_viewer_session_set_document         (TcViewerSession           *self,
                                             TcDocument          *document);
void        tc_viewer_session_load_async           (TcViewerSession           *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    tc_viewer_session_load_finish          (TcViewerSession           *self,
                                             GAsyncResult        *result,
                                             GError             **error);
TcDocument *tc_viewer_session_get_summary         (TcViewerSession           *self);
gboolean    tc_viewer_session_get_loading          (TcViewerSession           *self);
double      tc_viewer_session_get_progress         (TcViewerSession           *self);
const char *tc_viewer_session_get_error_message    (TcViewerSession           *self);
gboolean    tc_viewer_session_get_truncated        (TcViewerSession           *self);
gint64      tc_viewer_session_get_duration         (TcViewerSession           *self);
gint64      tc_viewer_session_get_visible_begin    (TcViewerSession           *self);
gint64      tc_viewer_session_get_visible_end      (TcViewerSession           *self);
void        tc_viewer_session_set_visible_range    (TcViewerSession           *self,
                                             gint64               begin_ns,
                                             gint64               end_ns);
gboolean    tc_viewer_session_get_has_selection    (TcViewerSession           *self);
gint64      tc_viewer_session_get_selected_begin   (TcViewerSession           *self);
gint64      tc_viewer_session_get_selected_end     (TcViewerSession           *self);
void        tc_viewer_session_select_range         (TcViewerSession           *self,
                                             gint64               begin_ns,
                                             gint64               end_ns);
void        tc_viewer_session_clear_selection      (TcViewerSession           *self);
gint64      tc_viewer_session_get_cursor           (TcViewerSession           *self);
void        tc_viewer_session_set_cursor           (TcViewerSession           *self,
                                             gint64               time_ns);
guint       tc_viewer_session_get_selected_thread  (TcViewerSession           *self);
void        tc_viewer_session_set_selected_thread  (TcViewerSession           *self,
                                             guint                thread_id);
void        tc_viewer_session_zoom                 (TcViewerSession           *self,
                                             double               factor);
void        tc_viewer_session_zoom_to_selection    (TcViewerSession           *self);
void        tc_viewer_session_reset_zoom           (TcViewerSession           *self);

G_END_DECLS

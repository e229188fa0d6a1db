/* tc-session-view.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-section.h"
#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_SESSION_VIEW (tc_session_view_get_type ())

G_DECLARE_FINAL_TYPE (TcSessionView, tc_session_view, TC, SESSION_VIEW, GtkWidget)

TcSessionView *tc_session_view_new                 (TcViewerSession     *session);
TcViewerSession     *tc_session_view_get_session         (TcSessionView *self);
void           tc_session_view_load                (TcSessionView *self);
const char    *tc_session_view_get_state           (TcSessionView *self);
TcSection     *tc_session_view_get_section         (TcSessionView *self,
                                                    const char    *id);
TcSection     *tc_session_view_get_visible_section (TcSessionView *self);
/* The id of the page selected in the sidebar, or NULL. */
const char    *tc_session_view_get_selected_id     (TcSessionView *self);
gboolean       tc_session_view_show_section        (TcSessionView *self,
                                                    const char    *id);
gboolean       tc_session_view_is_section_enabled  (TcSessionView *self,
                                                    const char    *id);
gboolean       tc_session_view_get_banner_revealed (TcSessionView *self);
const char    *tc_session_view_get_banner_text     (TcSessionView *self);
const char    *tc_session_view_get_error_text      (TcSessionView *self);
gboolean       tc_session_view_start_search        (TcSessionView *self);

G_END_DECLS

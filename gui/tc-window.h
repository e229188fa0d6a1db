/* tc-window.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "tc-application.h"
#include "tc-session-view.h"

G_BEGIN_DECLS

#define TC_TYPE_WINDOW (tc_window_get_type ())

G_DECLARE_FINAL_TYPE (TcWindow, tc_window, TC, WINDOW, AdwApplicationWindow)

TcWindow      *tc_window_new              (TcApplication *application);
TcSessionView *tc_window_open_file        (TcWindow      *self,
                                           GFile         *file);
TcSessionView *tc_window_get_current_view (TcWindow      *self);
AdwTabView    *tc_window_get_tab_view     (TcWindow      *self);
guint          tc_window_get_n_views      (TcWindow      *self);
GtkDropTarget *tc_window_get_drop_target  (TcWindow      *self);

G_END_DECLS

/* tc-window-private.h — shared by tc-window.c, tc-window-actions.c and
 * tc-window-dnd.c
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-window.h"

G_BEGIN_DECLS

struct _TcWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkStack             *main_stack;
  AdwStatusPage        *empty_page;
  GtkWidget            *recent_group;
  GtkListBox           *recent_list;
  AdwTabView           *tab_view;
  AdwTabBar            *tab_bar;
  GtkMenuButton        *export_button;
  GtkWidget            *search_button;
  AdwToastOverlay      *toast_overlay;

  /* Owned */
  GtkFileChooserNative *chooser;

  /* Borrowed */
  GtkDropTarget        *drop_target;
};

void _tc_window_actions_init   (TcWindow   *self);
void _tc_window_actions_update (TcWindow   *self);
void _tc_window_dnd_init       (TcWindow   *self);
void _tc_window_show_toast     (TcWindow   *self,
                                const char *message);
gboolean _tc_window_export_document (TcDocument  *document,
                                     const char  *format,
                                     GFile       *file,
                                     GError     **error);
void     _tc_window_export_document_async  (TcWindow            *self,
                                            TcDocument          *document,
                                            const char          *format,
                                            GFile               *file,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean _tc_window_export_document_finish (TcWindow      *self,
                                            GAsyncResult  *result,
                                            GError       **error);

G_END_DECLS

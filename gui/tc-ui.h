/* tc-ui.h — small widget builders shared by the pages
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "tc-model.h"

G_BEGIN_DECLS

GtkWidget  *tc_ui_fact_row_new      (const char  *title,
                                     const char  *value);
GtkWidget  *tc_ui_pill_new          (const char  *text,
                                     const char  *css_class);
const char *tc_ui_level_icon_name   (TcLevel      level);
const char *tc_ui_level_css_class   (TcLevel      level);
const char *tc_ui_snapshot_kind_css (TcSnapshotKind kind);
GtkWidget  *tc_ui_empty_label_new   (const char  *text);
void        tc_ui_clear_box         (GtkWidget   *box);

G_END_DECLS

G_BEGIN_DECLS

typedef void (*TcUiBindFunc) (GtkListItem *list_item,
                              gpointer     item,
                              gpointer     user_data);

GtkColumnViewColumn *tc_ui_column_new       (const char   *title,
                                             GtkWidget  *(*create) (void),
                                             TcUiBindFunc  bind,
                                             gpointer      user_data);
/* Appends a resizable column to `view`, sorted by `sorter` (taken). */
void                 tc_ui_column_view_append (GtkColumnView *view,
                                               const char    *title,
                                               GtkWidget    *(*create) (void),
                                               TcUiBindFunc   bind,
                                               gpointer       user_data,
                                               GtkSorter     *sorter,
                                               gboolean       expand);
/* A table's search: `*filter_text` becomes `text` casefolded (NULL when
 * empty) and `filter` runs again. */
void                 tc_ui_filter_text_set  (char           **filter_text,
                                             const char      *text,
                                             GtkCustomFilter *filter);
GtkWidget           *tc_ui_cell_label_new   (void);
GtkWidget           *tc_ui_cell_number_new  (void);
GtkWidget           *tc_ui_cell_mono_new    (void);

G_END_DECLS

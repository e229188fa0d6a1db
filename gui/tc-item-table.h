/* tc-item-table.h — a searchable column view of a document's records
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"
#include "tc-ui.h"

G_BEGIN_DECLS

#define TC_TYPE_ITEM_TABLE (tc_item_table_get_type ())

G_DECLARE_FINAL_TYPE (TcItemTable, tc_item_table, TC, ITEM_TABLE, GObject)

/* Whether a record matches the search text (already casefolded). */
typedef gboolean (*TcItemTableMatchFunc) (TcSection     *section,
                                          gconstpointer  record,
                                          const char    *casefolded);
/* The moment a record stands for: where its row's locate button goes. */
typedef gint64   (*TcItemTableTimeFunc)  (gconstpointer  record);

TcItemTable *tc_item_table_new             (TcSection            *section,
                                            GtkColumnView        *column_view,
                                            GtkSearchEntry       *search_entry,
                                            TcItemTableMatchFunc  match,
                                            TcItemTableTimeFunc   time_of);
void         tc_item_table_add_column      (TcItemTable          *self,
                                            const char           *title,
                                            GtkWidget          *(*create) (void),
                                            TcUiBindFunc          bind,
                                            gboolean              expand);
void         tc_item_table_add_jump_column (TcItemTable          *self);
void         tc_item_table_set_records     (TcItemTable          *self,
                                            GArray               *records);
GListModel  *tc_item_table_get_model       (TcItemTable          *self);
void         tc_item_table_jump            (TcItemTable          *self,
                                            guint                 position);
gboolean     tc_item_table_text_matches    (const char           *text,
                                            const char           *casefolded);

G_END_DECLS

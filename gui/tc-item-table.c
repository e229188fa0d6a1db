/* tc-item-table.c — a searchable column view of a document's records
 *
 * SPDX-License-Identifier: MIT
 *
 * The warnings and return values pages are the same table: one row per
 * record of a document array (a TcItem pointing at it), a search entry that
 * filters the rows, resizable columns, and a locate button that moves the
 * session's cursor to the record's moment and opens the snapshot timeline
 * there.  The pages bring their columns and say what "matches" means.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tc-item.h"

#include "tc-item-table.h"

struct _TcItemTable
{
  GObject               parent_instance;

  TcSection            *section;       /* not owned: the section owns us */
  GtkColumnView        *column_view;   /* not owned: the section's template child */
  TcItemTableMatchFunc  match;
  TcItemTableTimeFunc   time_of;

  GListStore           *store;
  GtkCustomFilter      *filter;
  GtkNoSelection       *selection;
  char                 *filter_text;   /* casefolded; NULL shows every row */
};

G_DEFINE_FINAL_TYPE (TcItemTable, tc_item_table, G_TYPE_OBJECT)

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  TcItemTable *self = user_data;

  return self->filter_text == NULL
         || self->match (self->section, tc_item_get_data (TC_ITEM (item)), self->filter_text);
}

static void
search_changed_cb (TcItemTable    *self,
                   GtkSearchEntry *entry)
{
  tc_ui_filter_text_set (&self->filter_text, gtk_editable_get_text (GTK_EDITABLE (entry)), self->filter);
}

static void
jump_to (TcItemTable   *self,
         gconstpointer  record)
{
  tc_viewer_session_set_cursor (tc_section_get_session (self->section), self->time_of (record));
  tc_section_show_section (self->section, "snapshots");
}

static void
jump_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  TcItemTable *self = g_object_get_data (G_OBJECT (button), "tc-item-table");
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  gpointer item = list_item ? gtk_list_item_get_item (list_item) : NULL;

  if (self != NULL && item != NULL)
    jump_to (self, tc_item_get_data (TC_ITEM (item)));
}

static GtkWidget *
create_jump (void)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("find-location-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Show the snapshot at this moment"));
  g_signal_connect (button, "clicked", G_CALLBACK (jump_clicked_cb), NULL);

  return button;
}

static void
bind_jump (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  GObject *button = G_OBJECT (gtk_list_item_get_child (list_item));

  g_object_set_data (button, "list-item", list_item);
  g_object_set_data (button, "tc-item-table", user_data);
}

static void
tc_item_table_dispose (GObject *object)
{
  TcItemTable *self = (TcItemTable *)object;

  /* The column view may keep the filter model a little longer than us. */
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_pointer (&self->filter_text, g_free);

  G_OBJECT_CLASS (tc_item_table_parent_class)->dispose (object);
}

static void
tc_item_table_class_init (TcItemTableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tc_item_table_dispose;
}

static void
tc_item_table_init (TcItemTable *self)
{
}

/**
 * tc_item_table_new:
 * @section: the page that owns the table (bind functions get it as user data)
 * @match: whether a record matches the search text
 * @time_of: (nullable): the moment of a record, for the locate column
 *
 * Gives @column_view a model of #TcItem rows filtered by @search_entry.
 *
 * Returns: (transfer full): the table
 */
TcItemTable *
tc_item_table_new (TcSection            *section,
                   GtkColumnView        *column_view,
                   GtkSearchEntry       *search_entry,
                   TcItemTableMatchFunc  match,
                   TcItemTableTimeFunc   time_of)
{
  TcItemTable *self = g_object_new (TC_TYPE_ITEM_TABLE, NULL);
  GtkFilterListModel *filtered;

  self->section = section;
  self->column_view = column_view;
  self->match = match;
  self->time_of = time_of;
  self->store = g_list_store_new (TC_TYPE_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)), GTK_FILTER (self->filter));
  self->selection = gtk_no_selection_new (G_LIST_MODEL (filtered));
  gtk_column_view_set_model (column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (search_entry, "search-changed", G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

/* A resizable column; @bind gets the section as its user data. */
void
tc_item_table_add_column (TcItemTable   *self,
                          const char    *title,
                          GtkWidget   *(*create) (void),
                          TcUiBindFunc   bind,
                          gboolean       expand)
{
  g_autoptr(GtkColumnViewColumn) column = tc_ui_column_new (title, create, bind, self->section);

  g_return_if_fail (TC_IS_ITEM_TABLE (self));

  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
}

/* The last column: a locate button per row (see tc_item_table_jump()). */
void
tc_item_table_add_jump_column (TcItemTable *self)
{
  g_autoptr(GtkColumnViewColumn) column = tc_ui_column_new (NULL, create_jump, bind_jump, self);

  g_return_if_fail (TC_IS_ITEM_TABLE (self));
  g_return_if_fail (self->time_of != NULL);

  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
}

/* One row per element of @records, in order; the rows point into the
 * array, which the document keeps alive as long as the page. */
void
tc_item_table_set_records (TcItemTable *self,
                           GArray      *records)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint size;

  g_return_if_fail (TC_IS_ITEM_TABLE (self));

  size = g_array_get_element_size (records);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (items, tc_item_new (i, records->data + (gsize)i * size));
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
}

/**
 * tc_item_table_get_model:
 *
 * Returns: (transfer none): the rows shown (#TcItem), after the search
 */
GListModel *
tc_item_table_get_model (TcItemTable *self)
{
  g_return_val_if_fail (TC_IS_ITEM_TABLE (self), NULL);

  return G_LIST_MODEL (self->selection);
}

/* What the locate button of the shown row @position does: moves the
 * session's cursor to the record's moment and shows the snapshot timeline. */
void
tc_item_table_jump (TcItemTable *self,
                    guint        position)
{
  g_autoptr(TcItem) item = NULL;

  g_return_if_fail (TC_IS_ITEM_TABLE (self));
  g_return_if_fail (self->time_of != NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item != NULL)
    jump_to (self, tc_item_get_data (item));
}

/* Whether @text contains @casefolded, ignoring case. */
gboolean
tc_item_table_text_matches (const char *text,
                            const char *casefolded)
{
  g_autofree char *folded = g_utf8_casefold (text ? text : "", -1);

  return strstr (folded, casefolded) != NULL;
}

/* tc-return-values-section.c — report section 10: return values
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-item.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-return-values-section.h"

struct _TcReturnValuesSection
{
  TcSection        parent_instance;

  GListStore      *store;
  GtkCustomFilter *filter;
  GtkNoSelection  *selection;
  char            *filter_text;

  GtkSearchEntry  *search_entry;
  GtkLabel        *summary_label;
  GtkColumnView   *column_view;
};

G_DEFINE_FINAL_TYPE (TcReturnValuesSection, tc_return_values_section, TC_TYPE_SECTION)

static const TcDocReturn *
item_return (gpointer item)
{
  return tc_item_get_data (TC_ITEM (item));
}

static TcDocument *
get_document (TcReturnValuesSection *self)
{
  return tc_viewer_session_get_document (tc_section_get_session (TC_SECTION (self)));
}

static void
bind_time (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  g_autofree char *text = tc_units_format_seconds (item_return (item)->time_ns);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
bind_function (GtkListItem *list_item,
               gpointer     item,
               gpointer     user_data)
{
  TcReturnValuesSection *self = user_data;
  g_autofree char *text = g_strdup_printf ("%s()", tc_document_code_name (get_document (self),
                                                                          item_return (item)->code_id));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
bind_value (GtkListItem *list_item,
            gpointer     item,
            gpointer     user_data)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);

  gtk_label_set_text (GTK_LABEL (label), item_return (item)->repr);
  gtk_widget_set_tooltip_text (label, item_return (item)->repr);
}

static void
bind_type (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), item_return (item)->type_name);
}

static void
jump_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  GtkWidget *section = gtk_widget_get_ancestor (GTK_WIDGET (button), TC_TYPE_RETURN_VALUES_SECTION);
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  gpointer item = list_item ? gtk_list_item_get_item (list_item) : NULL;

  if (section == NULL || item == NULL)
    return;

  /* The snapshot timeline at the moment the value was returned. */
  tc_viewer_session_set_cursor (tc_section_get_session (TC_SECTION (section)), item_return (item)->time_ns);
  tc_section_show_section (TC_SECTION (section), "snapshots");
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
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (list_item)), "list-item", list_item);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  TcReturnValuesSection *self = user_data;
  g_autofree char *name = NULL;
  g_autofree char *repr = NULL;

  if (self->filter_text == NULL)
    return TRUE;

  name = g_utf8_casefold (tc_document_code_name (get_document (self), item_return (item)->code_id), -1);
  repr = g_utf8_casefold (item_return (item)->repr, -1);

  return strstr (name, self->filter_text) || strstr (repr, self->filter_text);
}

static void
search_changed_cb (TcReturnValuesSection *self,
                   GtkSearchEntry        *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->filter_text, g_free);
  if (*text)
    self->filter_text = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
add_column (TcReturnValuesSection *self,
            const char            *title,
            GtkWidget           *(*create) (void),
            TcUiBindFunc           bind,
            gboolean               expand)
{
  g_autoptr(GtkColumnViewColumn) column = tc_ui_column_new (title, create, bind, self);

  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
}

static gboolean
tc_return_values_section_has_data (TcSection *section,
                                   TcViewerSession *session)
{
  return tc_document_get_return_values (tc_viewer_session_get_document (session))->len > 0;
}

static void
tc_return_values_section_load (TcSection *section,
                               TcViewerSession *session)
{
  TcReturnValuesSection *self = (TcReturnValuesSection *)section;
  GArray *returns = tc_document_get_return_values (tc_viewer_session_get_document (session));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *summary = NULL;

  for (guint i = 0; i < returns->len; i++)
    g_ptr_array_add (items, tc_item_new (i, &g_array_index (returns, TcDocReturn, i)));
  g_list_store_splice (self->store, 0, 0, items->pdata, items->len);

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u return value recorded",
                                          "%u return values recorded", returns->len),
                             returns->len);
  gtk_label_set_text (self->summary_label, summary);
}

static gboolean
tc_return_values_section_start_search (TcSection *section)
{
  return gtk_widget_grab_focus (GTK_WIDGET (TC_RETURN_VALUES_SECTION (section)->search_entry));
}

static void
tc_return_values_section_dispose (GObject *object)
{
  TcReturnValuesSection *self = (TcReturnValuesSection *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_RETURN_VALUES_SECTION);

  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_pointer (&self->filter_text, g_free);

  G_OBJECT_CLASS (tc_return_values_section_parent_class)->dispose (object);
}

static void
tc_return_values_section_class_init (TcReturnValuesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_return_values_section_dispose;

  section_class->has_data = tc_return_values_section_has_data;
  section_class->load = tc_return_values_section_load;
  section_class->start_search = tc_return_values_section_start_search;
  tc_section_class_set_info (section_class, "return-values", _("Return Values"), "mail-reply-sender-symbolic");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-return-values-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcReturnValuesSection, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TcReturnValuesSection, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TcReturnValuesSection, column_view);
}

static void
tc_return_values_section_init (TcReturnValuesSection *self)
{
  GtkFilterListModel *filtered;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (TC_TYPE_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                        GTK_FILTER (self->filter));
  self->selection = gtk_no_selection_new (G_LIST_MODEL (filtered));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_column (self, _("Time"), tc_ui_cell_number_new, bind_time, FALSE);
  add_column (self, _("Function"), tc_ui_cell_label_new, bind_function, FALSE);
  add_column (self, _("Value"), tc_ui_cell_mono_new, bind_value, TRUE);
  add_column (self, _("Type"), tc_ui_cell_label_new, bind_type, FALSE);
  add_column (self, NULL, create_jump, bind_jump, FALSE);

  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * tc_return_values_section_get_model:
 *
 * Returns: (transfer none): the rows shown (#TcItem → #TcDocReturn)
 */
GListModel *
tc_return_values_section_get_model (TcReturnValuesSection *self)
{
  g_return_val_if_fail (TC_IS_RETURN_VALUES_SECTION (self), NULL);

  return G_LIST_MODEL (self->selection);
}

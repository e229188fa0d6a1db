/* tc-return-values-section.c — report section 10: return values
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-item.h"
#include "tc-item-table.h"
#include "tc-units.h"

#include "tc-return-values-section.h"

struct _TcReturnValuesSection
{
  TcSection        parent_instance;

  TcItemTable     *table;

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

static gint64
return_time (gconstpointer record)
{
  return ((const TcDocReturn *)record)->time_ns;
}

static gboolean
match_return (TcSection     *section,
              gconstpointer  record,
              const char    *casefolded)
{
  const TcDocReturn *ret = record;

  return tc_item_table_text_matches (tc_document_code_name (get_document (TC_RETURN_VALUES_SECTION (section)),
                                                            ret->code_id), casefolded)
         || tc_item_table_text_matches (ret->repr, casefolded);
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
  g_autofree char *summary = NULL;

  tc_item_table_set_records (self->table, returns);

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

  g_clear_object (&self->table);

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
  gtk_widget_init_template (GTK_WIDGET (self));

  self->table = tc_item_table_new (TC_SECTION (self), self->column_view, self->search_entry,
                                   match_return, return_time);
  tc_item_table_add_column (self->table, _("Time"), tc_ui_cell_number_new, bind_time, FALSE);
  tc_item_table_add_column (self->table, _("Function"), tc_ui_cell_label_new, bind_function, FALSE);
  tc_item_table_add_column (self->table, _("Value"), tc_ui_cell_mono_new, bind_value, TRUE);
  tc_item_table_add_column (self->table, _("Type"), tc_ui_cell_label_new, bind_type, FALSE);
  tc_item_table_add_jump_column (self->table);
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

  return tc_item_table_get_model (self->table);
}

/* tc-warnings-section.c — report section 3: automatic warnings
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-item.h"
#include "tc-item-table.h"
#include "tc-units.h"

#include "tc-warnings-section.h"

struct _TcWarningsSection
{
  TcSection           parent_instance;

  TcItemTable        *table;

  /* Template widgets */
  GtkSearchEntry     *search_entry;
  GtkLabel           *summary_label;
  GtkColumnView      *column_view;
};

G_DEFINE_FINAL_TYPE (TcWarningsSection, tc_warnings_section, TC_TYPE_SECTION)

static const TcDocWarning *
item_warning (gpointer item)
{
  return tc_item_get_data (TC_ITEM (item));
}

static GtkWidget *
create_level (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), tc_ui_pill_new ("", NULL));

  return box;
}

static void
bind_level (GtkListItem *list_item,
            gpointer     item,
            gpointer     user_data)
{
  const TcDocWarning *warning = item_warning (item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *pill = gtk_widget_get_next_sibling (image);

  gtk_image_set_from_icon_name (GTK_IMAGE (image), tc_ui_level_icon_name (warning->level));
  gtk_label_set_text (GTK_LABEL (pill),
                      warning->level == TC_LEVEL_ERROR ? _("ERROR")
                      : warning->level == TC_LEVEL_WARN ? _("WARN") : _("INFO"));
  /* Rows are recycled: drop the previous row's level first. */
  for (TcLevel level = TC_LEVEL_INFO; level <= TC_LEVEL_ERROR; level++)
    {
      gtk_widget_remove_css_class (pill, tc_ui_level_css_class (level));
      gtk_widget_remove_css_class (image, tc_ui_level_css_class (level));
    }
  gtk_widget_add_css_class (pill, tc_ui_level_css_class (warning->level));
  gtk_widget_add_css_class (image, tc_ui_level_css_class (warning->level));
}

static void
bind_time (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  g_autofree char *text = tc_units_format_seconds (item_warning (item)->time_ns);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
bind_code (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));

  gtk_label_set_text (label, item_warning (item)->code);
  gtk_widget_add_css_class (GTK_WIDGET (label), "heading");
}

static void
bind_var (GtkListItem *list_item,
          gpointer     item,
          gpointer     user_data)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), item_warning (item)->var);
}

static void
bind_message (GtkListItem *list_item,
              gpointer     item,
              gpointer     user_data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));

  gtk_label_set_text (label, item_warning (item)->message);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), item_warning (item)->message);
}

static gint64
warning_time (gconstpointer record)
{
  return ((const TcDocWarning *)record)->time_ns;
}

static gboolean
match_warning (TcSection     *section,
               gconstpointer  record,
               const char    *casefolded)
{
  const TcDocWarning *warning = record;

  return tc_item_table_text_matches (warning->code, casefolded)
         || tc_item_table_text_matches (warning->message, casefolded)
         || tc_item_table_text_matches (warning->var, casefolded);
}

static gboolean
tc_warnings_section_has_data (TcSection *section,
                              TcViewerSession *session)
{
  return tc_document_get_warnings (tc_viewer_session_get_document (session))->len > 0;
}

static void
tc_warnings_section_load (TcSection *section,
                          TcViewerSession *session)
{
  TcWarningsSection *self = (TcWarningsSection *)section;
  GArray *warnings = tc_document_get_warnings (tc_viewer_session_get_document (session));
  g_autofree char *summary = NULL;
  guint n_errors = 0;

  for (guint i = 0; i < warnings->len; i++)
    if (g_array_index (warnings, TcDocWarning, i).level == TC_LEVEL_ERROR)
      n_errors++;
  /* Insertion (time) order, as the text report. */
  tc_item_table_set_records (self->table, warnings);

  summary = g_strdup_printf (_("%u warnings, %u of them errors"), warnings->len, n_errors);
  gtk_label_set_text (self->summary_label, summary);
}

static gboolean
tc_warnings_section_start_search (TcSection *section)
{
  return gtk_widget_grab_focus (GTK_WIDGET (TC_WARNINGS_SECTION (section)->search_entry));
}

static void
tc_warnings_section_dispose (GObject *object)
{
  TcWarningsSection *self = (TcWarningsSection *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_WARNINGS_SECTION);

  g_clear_object (&self->table);

  G_OBJECT_CLASS (tc_warnings_section_parent_class)->dispose (object);
}

static void
tc_warnings_section_class_init (TcWarningsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_warnings_section_dispose;

  section_class->has_data = tc_warnings_section_has_data;
  section_class->load = tc_warnings_section_load;
  section_class->start_search = tc_warnings_section_start_search;
  tc_section_class_set_info (section_class, "warnings", _("Warnings"), "dialog-warning-symbolic");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-warnings-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcWarningsSection, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TcWarningsSection, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TcWarningsSection, column_view);
}

static void
tc_warnings_section_init (TcWarningsSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->table = tc_item_table_new (TC_SECTION (self), self->column_view, self->search_entry,
                                   match_warning, warning_time);
  tc_item_table_add_column (self->table, _("Level"), create_level, bind_level, FALSE);
  tc_item_table_add_column (self->table, _("Time"), tc_ui_cell_number_new, bind_time, FALSE);
  tc_item_table_add_column (self->table, _("Code"), tc_ui_cell_label_new, bind_code, FALSE);
  tc_item_table_add_column (self->table, _("Variable"), tc_ui_cell_mono_new, bind_var, FALSE);
  tc_item_table_add_column (self->table, _("Message"), tc_ui_cell_label_new, bind_message, TRUE);
  tc_item_table_add_jump_column (self->table);
}

/**
 * tc_warnings_section_get_model:
 *
 * Returns: (transfer none): the rows shown (#TcItem → #TcDocWarning)
 */
GListModel *
tc_warnings_section_get_model (TcWarningsSection *self)
{
  g_return_val_if_fail (TC_IS_WARNINGS_SECTION (self), NULL);

  return tc_item_table_get_model (self->table);
}

/**
 * tc_warnings_section_jump:
 *
 * What the row's locate button does: moves the session's cursor to the
 * warning's moment and shows the snapshot timeline there.
 */
void
tc_warnings_section_jump (TcWarningsSection *self,
                          guint              position)
{
  g_return_if_fail (TC_IS_WARNINGS_SECTION (self));

  tc_item_table_jump (self->table, position);
}

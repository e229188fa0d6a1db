/* tc-warnings-section.c — report section 3: automatic warnings
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-item.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-warnings-section.h"

struct _TcWarningsSection
{
  TcSection           parent_instance;

  GListStore         *store;
  GtkCustomFilter    *filter;
  GtkNoSelection     *selection;
  char               *filter_text;

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

static void
jump_to_warning (TcWarningsSection  *self,
                 const TcDocWarning *warning)
{
  TcViewerSession *session = tc_section_get_session (TC_SECTION (self));

  tc_viewer_session_set_cursor (session, warning->time_ns);
  tc_section_show_section (TC_SECTION (self), "snapshots");
}

static void
jump_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  TcWarningsSection *self = TC_WARNINGS_SECTION (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                          TC_TYPE_WARNINGS_SECTION));
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  gpointer item = list_item ? gtk_list_item_get_item (list_item) : NULL;

  if (self != NULL && item != NULL)
    jump_to_warning (self, item_warning (item));
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
  TcWarningsSection *self = user_data;
  const TcDocWarning *warning = item_warning (item);
  g_autofree char *text = NULL;

  if (self->filter_text == NULL)
    return TRUE;

  text = g_utf8_casefold (warning->code, -1);
  if (strstr (text, self->filter_text))
    return TRUE;
  g_free (text);
  text = g_utf8_casefold (warning->message, -1);
  if (strstr (text, self->filter_text))
    return TRUE;
  g_free (text);
  text = g_utf8_casefold (warning->var, -1);

  return strstr (text, self->filter_text) != NULL;
}

static void
search_changed_cb (TcWarningsSection *self,
                   GtkSearchEntry    *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->filter_text, g_free);
  if (*text)
    self->filter_text = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
add_column (TcWarningsSection *self,
            const char        *title,
            GtkWidget       *(*create) (void),
            TcUiBindFunc       bind,
            gboolean           expand)
{
  g_autoptr(GtkColumnViewColumn) column = tc_ui_column_new (title, create, bind, self);

  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
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
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *summary = NULL;
  guint n_errors = 0;

  /* Insertion (time) order, as the text report. */
  for (guint i = 0; i < warnings->len; i++)
    {
      const TcDocWarning *warning = &g_array_index (warnings, TcDocWarning, i);

      g_ptr_array_add (items, tc_item_new (i, warning));
      if (warning->level == TC_LEVEL_ERROR)
        n_errors++;
    }
  g_list_store_splice (self->store, 0, 0, items->pdata, items->len);

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

  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_pointer (&self->filter_text, g_free);

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
  GtkFilterListModel *filtered;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (TC_TYPE_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                        GTK_FILTER (self->filter));
  self->selection = gtk_no_selection_new (G_LIST_MODEL (filtered));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_column (self, _("Level"), create_level, bind_level, FALSE);
  add_column (self, _("Time"), tc_ui_cell_number_new, bind_time, FALSE);
  add_column (self, _("Code"), tc_ui_cell_label_new, bind_code, FALSE);
  add_column (self, _("Variable"), tc_ui_cell_mono_new, bind_var, FALSE);
  add_column (self, _("Message"), tc_ui_cell_label_new, bind_message, TRUE);
  add_column (self, NULL, create_jump, bind_jump, FALSE);

  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);
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

  return G_LIST_MODEL (self->selection);
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
  g_autoptr(TcItem) item = NULL;

  g_return_if_fail (TC_IS_WARNINGS_SECTION (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item != NULL)
    jump_to_warning (self, item_warning (item));
}

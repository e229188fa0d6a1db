/* tc-suggestions-section.c — report section 13: optimization suggestions
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-report-adapter.h"
#include "tc-ui.h"

#include "tc-suggestions-section.h"

struct _TcSuggestionsSection
{
  TcSection   parent_instance;

  guint       n_suggestions;

  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (TcSuggestionsSection, tc_suggestions_section, TC_TYPE_SECTION)

static const struct {
  const char *tag;
  const char *icon_name;
  const char *css_class;
} tag_styles[] = {
  { "SLOW", "power-profile-performance-symbolic", "error" },
  { "PERF", "power-profile-performance-symbolic", "warning" },
  { "VARY", "view-continuous-symbolic", "warning" },
  { "MEM", "drive-harddisk-symbolic", "error" },
  { "REC", "view-refresh-symbolic", "warning" },
  { "WARN", "dialog-warning-symbolic", "warning" },
  { "TIP", "dialog-information-symbolic", "accent" },
};

static void
tc_suggestions_section_load (TcSection *section,
                             TcViewerSession *session)
{
  TcSuggestionsSection *self = (TcSuggestionsSection *)section;
  g_autoptr(GPtrArray) suggestions = _tc_report_adapter_suggestions (tc_viewer_session_get_document (session));

  for (guint i = 0; i < suggestions->len; i++)
    {
      const TcSuggestion *suggestion = g_ptr_array_index (suggestions, i);
      const char *icon_name = "dialog-information-symbolic";
      const char *css_class = "accent";
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *image;

      for (guint j = 0; j < G_N_ELEMENTS (tag_styles); j++)
        if (g_str_equal (tag_styles[j].tag, suggestion->tag))
          {
            icon_name = tag_styles[j].icon_name;
            css_class = tag_styles[j].css_class;
          }

      image = gtk_image_new_from_icon_name (icon_name);
      gtk_widget_add_css_class (image, css_class);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), suggestion->text);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tc_ui_pill_new (suggestion->tag, css_class));
      gtk_list_box_append (self->list, row);
    }

  if (suggestions->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *image = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

      gtk_widget_add_css_class (image, "success");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No obvious optimizations detected"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
      gtk_list_box_append (self->list, row);
    }

  self->n_suggestions = suggestions->len;
}

static void
tc_suggestions_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TC_TYPE_SUGGESTIONS_SECTION);

  G_OBJECT_CLASS (tc_suggestions_section_parent_class)->dispose (object);
}

static void
tc_suggestions_section_class_init (TcSuggestionsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_suggestions_section_dispose;

  /* Always shown, like the text report's section 13. */
  section_class->load = tc_suggestions_section_load;
  tc_section_class_set_info (section_class, "suggestions", _("Suggestions"), "dialog-information-symbolic");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-suggestions-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcSuggestionsSection, list);
}

static void
tc_suggestions_section_init (TcSuggestionsSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

guint
tc_suggestions_section_get_n_suggestions (TcSuggestionsSection *self)
{
  g_return_val_if_fail (TC_IS_SUGGESTIONS_SECTION (self), 0);

  return self->n_suggestions;
}

/* tc-suggestions-section.c — report section 13: optimization suggestions
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-ui.h"

#include "tc-suggestions-section.h"

struct _TcSuggestionsSection
{
  TcSection   parent_instance;

  guint       n_suggestions;

  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (TcSuggestionsSection, tc_suggestions_section, TC_TYPE_SECTION)

/* Indexed by TcSuggestionKind. */
static const char * const kind_icons[] = {
  "power-profile-performance-symbolic",   /* SLOW */
  "power-profile-performance-symbolic",   /* PERF */
  "view-continuous-symbolic",             /* VARY */
  "drive-harddisk-symbolic",              /* MEM */
  "view-refresh-symbolic",                /* REC */
  "dialog-warning-symbolic",              /* WARN */
  "dialog-information-symbolic",          /* TIP */
};
G_STATIC_ASSERT (G_N_ELEMENTS (kind_icons) == TC_SUGGESTION_TIP + 1);

/* The colour says how much it matters, as the text report's does. */
static const char *
severity_css_class (const TcSuggestion *suggestion)
{
  if (g_str_equal (suggestion->severity, "HIGH"))
    return "error";
  if (g_str_equal (suggestion->severity, "MEDIUM"))
    return "warning";
  return "accent";
}

/* A button to what the suggestion is about: the function's source, or the
 * warnings page for a warning that keeps firing; NULL when there is none. */
static GtkWidget *
target_button_new (TcDocument         *document,
                   const TcSuggestion *suggestion)
{
  GtkWidget *button;

  if (suggestion->kind == TC_SUGGESTION_WARN)
    {
      button = gtk_button_new_with_label (_("Warnings"));
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "warnings");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "view.show-section");
    }
  else
    {
      const TcDocCode *code = suggestion->code_id ? tc_document_get_code (document, suggestion->code_id) : NULL;
      const TcDocFile *file = code && code->file_id ? tc_document_get_file (document, code->file_id) : NULL;

      if (file == NULL || file->source == NULL)
        return NULL;
      button = gtk_button_new_with_label (_("Source"));
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(uu)", file->id, code->first_line);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "view.show-source");
    }

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
tc_suggestions_section_load (TcSection *section,
                             TcViewerSession *session)
{
  TcSuggestionsSection *self = (TcSuggestionsSection *)section;
  TcDocument *document = tc_viewer_session_get_document (session);
  g_autoptr(GArray) suggestions = tc_analysis_suggestions (document, NULL, NULL);

  for (guint i = 0; i < suggestions->len; i++)
    {
      const TcSuggestion *suggestion = &g_array_index (suggestions, TcSuggestion, i);
      const char *css_class = severity_css_class (suggestion);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *image = gtk_image_new_from_icon_name (kind_icons[suggestion->kind]);
      GtkWidget *button = target_button_new (document, suggestion);

      gtk_widget_add_css_class (image, css_class);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), suggestion->text);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tc_ui_pill_new (suggestion->tag, css_class));
      if (button != NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
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

/* tc-variables-section.c — variable timelines with the time scrubber and the
 * state at the cursor
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-time-ruler.h"
#include "tc-time-scrubber.h"
#include "tc-time-travel-panel.h"
#include "tc-heatmap.h"
#include "tc-variable-timeline.h"

#include "tc-variables-section.h"

struct _TcVariablesSection
{
  TcSection  parent_instance;

  GtkWidget *timeline;
  GtkWidget *heatmap;
  GtkWidget *heatmap_choice;
};

G_DEFINE_FINAL_TYPE (TcVariablesSection, tc_variables_section, TC_TYPE_SECTION)

static void
previous_cb (TcVariablesSection *self)
{
  tc_variable_timeline_step_change (TC_VARIABLE_TIMELINE (self->timeline), -1);
}

static void
next_cb (TcVariablesSection *self)
{
  tc_variable_timeline_step_change (TC_VARIABLE_TIMELINE (self->timeline), +1);
}

/* The toolbar's choice: the first entry hides the heatmap. */
static void
heatmap_choice_cb (GtkDropDown *choice,
                   GParamSpec  *pspec,
                   TcHeatmap   *heatmap)
{
  guint selected = gtk_drop_down_get_selected (choice);
  GtkStringObject *item = GTK_STRING_OBJECT (gtk_drop_down_get_selected_item (choice));

  gtk_widget_set_visible (GTK_WIDGET (heatmap), selected > 0 && item != NULL);
  if (selected > 0 && item != NULL)
    tc_heatmap_set_variable (heatmap, gtk_string_object_get_string (item));
}

static gboolean
tc_variables_section_has_data (TcSection       *section,
                               TcViewerSession *session)
{
  GPtrArray *vars = tc_document_get_vars (tc_viewer_session_get_document (session));

  for (guint i = 0; vars != NULL && i < vars->len; i++)
    if (((const TcDocVar *) g_ptr_array_index (vars, i))->history->len > 0)
      return TRUE;
  return FALSE;
}

static void
tc_variables_section_load (TcSection       *section,
                           TcViewerSession *session)
{
  TcVariablesSection *self = TC_VARIABLES_SECTION (section);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *prev = gtk_button_new_from_icon_name ("media-seek-backward-symbolic");
  GtkWidget *next = gtk_button_new_from_icon_name ("media-seek-forward-symbolic");
  GtkWidget *hint = gtk_label_new (_("Select a variable, then step through its changes with [ and ]"));
  GtkWidget *panel = tc_time_travel_panel_new (session);

  gtk_widget_add_css_class (toolbar, "toolbar");
  gtk_widget_set_tooltip_text (prev, _("Previous change of the selected variable ([)"));
  gtk_widget_set_tooltip_text (next, _("Next change of the selected variable (])"));
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (toolbar), prev);
  gtk_box_append (GTK_BOX (toolbar), next);
  gtk_box_append (GTK_BOX (toolbar), hint);

  /* A heatmap of one variable's values over time, with its colour scale:
   * chosen from the numbers that change. */
  {
    GtkWidget *heatmap = tc_heatmap_new (session);
    g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
    GtkWidget *choice;
    GtkWidget *spacer = gtk_label_new (NULL);

    gtk_string_list_append (names, _("No heatmap"));
    for (guint i = 0; i < tc_heatmap_get_n_rows (TC_HEATMAP (heatmap)); i++)
      gtk_string_list_append (names, tc_heatmap_get_row (TC_HEATMAP (heatmap), i)->name);
    choice = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
    gtk_widget_set_tooltip_text (choice, _("Heatmap of a variable's values over time"));
    gtk_widget_set_hexpand (spacer, TRUE);
    gtk_widget_set_visible (heatmap, FALSE);
    gtk_widget_set_margin_top (heatmap, 6);
    g_signal_connect_object (choice, "notify::selected", G_CALLBACK (heatmap_choice_cb), heatmap, 0);
    gtk_box_append (GTK_BOX (toolbar), spacer);
    gtk_box_append (GTK_BOX (toolbar), choice);
    self->heatmap = heatmap;
    self->heatmap_choice = choice;
  }

  self->timeline = tc_variable_timeline_new (session);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->timeline);
  gtk_widget_set_vexpand (scroller, TRUE);
  /* The scrubber sits right above the charts so that, zoomed out, its
   * handle and the cursor line share the same x. */
  gtk_box_append (GTK_BOX (left), tc_time_scrubber_new (session));
  gtk_box_append (GTK_BOX (left), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (left), tc_time_ruler_new (session));
  gtk_box_append (GTK_BOX (left), scroller);
  gtk_box_append (GTK_BOX (left), self->heatmap);

  gtk_paned_set_start_child (GTK_PANED (paned), left);
  gtk_paned_set_end_child (GTK_PANED (paned), panel);
  gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_size_request (panel, 320, -1);
  gtk_widget_set_vexpand (paned, TRUE);

  gtk_box_append (GTK_BOX (box), toolbar);
  gtk_box_append (GTK_BOX (box), paned);
  gtk_widget_set_parent (box, GTK_WIDGET (self));

  g_signal_connect_swapped (prev, "clicked", G_CALLBACK (previous_cb), self);
  g_signal_connect_swapped (next, "clicked", G_CALLBACK (next_cb), self);
}

static void
tc_variables_section_class_init (TcVariablesSectionClass *klass)
{
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  section_class->has_data = tc_variables_section_has_data;
  section_class->load = tc_variables_section_load;
  tc_section_class_set_info (section_class, "variables", _("Variables and Time Travel"),
                             "preferences-system-time-symbolic");
}

static void
tc_variables_section_init (TcVariablesSection *self)
{
}

/* Chooses the variable of the page's heatmap by name (NULL hides it).
 * FALSE when the page has no such numeric variable. */
gboolean
tc_variables_section_show_heatmap (TcVariablesSection *self,
                                   const char         *name)
{
  GListModel *names;

  g_return_val_if_fail (TC_IS_VARIABLES_SECTION (self), FALSE);

  if (self->heatmap_choice == NULL)
    return FALSE;
  names = gtk_drop_down_get_model (GTK_DROP_DOWN (self->heatmap_choice));
  for (guint i = 1; name != NULL && i < g_list_model_get_n_items (names); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name))
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->heatmap_choice), i);
        return TRUE;
      }
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->heatmap_choice), 0);
  return name == NULL;
}

/* The page's heatmap widget (hidden while none is chosen), once loaded. */
GtkWidget *
tc_variables_section_get_heatmap (TcVariablesSection *self)
{
  g_return_val_if_fail (TC_IS_VARIABLES_SECTION (self), NULL);

  return self->heatmap;
}

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
#include "tc-variable-timeline.h"

#include "tc-variables-section.h"

struct _TcVariablesSection
{
  TcSection  parent_instance;

  GtkWidget *timeline;
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

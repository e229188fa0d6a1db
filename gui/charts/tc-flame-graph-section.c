/* tc-flame-graph-section.c — the aggregated call tree as a flame graph
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-flame-chart.h"
#include "tc-flame-view.h"
#include "tc-time-navigation.h"
#include "tc-time-ruler.h"
#include "tc-units.h"

#include "tc-flame-graph-section.h"

struct _TcFlameGraphSection
{
  TcSection  parent_instance;

  GtkWidget *paned;
  GtkWidget *view;
  GtkWidget *chart;
  GtkWidget *search;
  GtkWidget *search_result;
};

G_DEFINE_FINAL_TYPE (TcFlameGraphSection, tc_flame_graph_section, TC_TYPE_SECTION)

static void
zoom_by (TcFlameGraphSection *self,
         double               factor)
{
  double width = tc_time_navigation_plot_width (self->chart);

  tc_time_navigation_zoom (tc_section_get_session (TC_SECTION (self)), factor, width / 2, width);
}

static void
zoom_in_cb (TcFlameGraphSection *self)
{
  zoom_by (self, 1.5);
}

static void
zoom_out_cb (TcFlameGraphSection *self)
{
  zoom_by (self, 1 / 1.5);
}

static void
chart_search_changed_cb (TcFlameGraphSection *self)
{
  tc_flame_chart_set_search (TC_FLAME_CHART (self->chart), gtk_editable_get_text (GTK_EDITABLE (self->search)));
}

static void
chart_search_ready_cb (TcFlameGraphSection *self)
{
  TcFlameChart *chart = TC_FLAME_CHART (self->chart);
  TcDocument *doc = tc_viewer_session_get_document (tc_section_get_session (TC_SECTION (self)));
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search));
  g_autofree char *text = NULL;
  g_autofree char *time = NULL;
  g_autofree char *count = NULL;
  gint64 matched = 0, begin = 0, end = 0;
  guint64 n;

  if (*query == '\0')
    text = g_strdup ("");
  else if (!tc_flame_chart_get_search_ready (chart))
    text = g_strdup (_("Searching…"));
  else if ((n = tc_flame_chart_get_n_matches (chart, &matched)) == 0)
    text = g_strdup (_("No calls"));
  else
    {
      gint64 current = tc_flame_chart_get_current_match (chart);
      double share;

      if (doc != NULL)
        tc_document_get_time_range (doc, &begin, &end);
      share = end > begin ? 100.0 * matched / (end - begin) : 0.0;
      time = tc_units_format_ms (tc_ns_to_ms (matched));
      count = tc_units_format_count (n);
      if (current >= 0)
        {
          g_autofree char *at = tc_units_format_count ((guint64) current + 1);

          /* Where the view is, like a text editor's "3 of 12". */
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s call, %s (%.1f %%)",
                                               "%s of %s calls, %s (%.1f %%)", tc_units_plural_n (n)),
                                  at, count, time, share);
        }
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s call, %s (%.1f %%)",
                                             "%s calls, %s (%.1f %%)", tc_units_plural_n (n)),
                                count, time, share);
    }
  gtk_label_set_text (GTK_LABEL (self->search_result), text);
}

static void
next_match_cb (TcFlameGraphSection *self)
{
  tc_flame_chart_jump_to_match (TC_FLAME_CHART (self->chart), TRUE);
  chart_search_ready_cb (self);
}

static void
previous_match_cb (TcFlameGraphSection *self)
{
  tc_flame_chart_jump_to_match (TC_FLAME_CHART (self->chart), FALSE);
  chart_search_ready_cb (self);
}

/* Once the page has a size: the graph gets what it needs, up to 60 %. */
static void
fit_split_cb (TcFlameGraphSection *self)
{
  int max = 0;
  int min_h, nat_h;

  g_object_get (self->paned, "max-position", &max, NULL);
  if (max <= 100 || g_object_get_data (G_OBJECT (self), "split-fitted"))
    return;
  gtk_widget_measure (self->view, GTK_ORIENTATION_VERTICAL, -1, &min_h, &nat_h, NULL, NULL);
  gtk_paned_set_position (GTK_PANED (self->paned), MIN (nat_h + 8, max * 6 / 10));
  g_object_set_data (G_OBJECT (self), "split-fitted", GINT_TO_POINTER (1));
}

static gboolean
tc_flame_graph_section_has_data (TcSection       *section,
                                 TcViewerSession *session)
{
  GPtrArray *threads = tc_document_get_threads (tc_viewer_session_get_document (session));

  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);

      if (thread->call_tree != NULL && thread->call_tree->len > 1)
        return TRUE;
    }
  return FALSE;
}

static void
thread_changed_cb (TcFlameGraphSection *self,
                   GParamSpec          *pspec,
                   TcViewerSession     *session)
{
  tc_flame_chart_set_thread (TC_FLAME_CHART (self->chart), tc_viewer_session_get_selected_thread (session));
}

static void
tc_flame_graph_section_load (TcSection       *section,
                             TcViewerSession *session)
{
  TcFlameGraphSection *self = TC_FLAME_GRAPH_SECTION (section);

  GtkWidget *timeline = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *title = gtk_label_new (_("Timeline"));

  /* The aggregated graph answers "where does the time go", the timeline
   * below it "when": both on one page, the split adjustable. */
  self->view = tc_flame_view_new (session, TC_FLAME_SOURCE_CALLS);
  self->chart = tc_flame_chart_new (session);
  tc_flame_chart_set_thread (TC_FLAME_CHART (self->chart), tc_viewer_session_get_selected_thread (session));
  g_signal_connect_object (session, "notify::selected-thread", G_CALLBACK (thread_changed_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_set_margin_start (title, 12);
  gtk_widget_set_margin_top (title, 6);
  gtk_widget_set_tooltip_text (title, _("Drag to select a range, Enter to zoom to it; "
                                        "Ctrl+scroll or W/S to zoom, A/D to pan, Escape to reset"));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->chart);
  gtk_widget_set_vexpand (scroller, TRUE);
  {
    GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *zoom_in = gtk_button_new_from_icon_name ("zoom-in-symbolic");
    GtkWidget *zoom_out = gtk_button_new_from_icon_name ("zoom-out-symbolic");
    GtkWidget *to_selection = gtk_button_new_from_icon_name ("zoom-fit-best-symbolic");
    GtkWidget *reset = gtk_button_new_from_icon_name ("zoom-original-symbolic");

    gtk_widget_set_hexpand (title, TRUE);
    gtk_widget_set_tooltip_text (zoom_in, _("Zoom In (W)"));
    gtk_widget_set_tooltip_text (zoom_out, _("Zoom Out (S)"));
    gtk_widget_set_tooltip_text (to_selection, _("Zoom to Selection (Enter)"));
    gtk_widget_set_tooltip_text (reset, _("Whole Recording (Escape)"));
    g_object_bind_property (session, "has-selection", to_selection, "sensitive", G_BINDING_SYNC_CREATE);
    g_signal_connect_object (zoom_in, "clicked", G_CALLBACK (zoom_in_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (zoom_out, "clicked", G_CALLBACK (zoom_out_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (to_selection, "clicked", G_CALLBACK (tc_viewer_session_zoom_to_selection), session,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (reset, "clicked", G_CALLBACK (tc_viewer_session_reset_zoom), session,
                             G_CONNECT_SWAPPED);
    GtkWidget *buttons[] = { zoom_in, zoom_out, to_selection, reset };
    GtkWidget *previous = gtk_button_new_from_icon_name ("go-up-symbolic");
    GtkWidget *next = gtk_button_new_from_icon_name ("go-down-symbolic");

    /* Search in time: every call of the matching functions, the count and
     * their time, and jumps from one to the next. */
    self->search = gtk_search_entry_new ();
    g_object_set (self->search, "placeholder-text", _("Find calls in the timeline"), NULL);
    gtk_editable_set_width_chars (GTK_EDITABLE (self->search), 22);
    self->search_result = gtk_label_new (NULL);
    gtk_widget_add_css_class (self->search_result, "dim-label");
    gtk_widget_set_tooltip_text (previous, _("Previous Call (Shift+Ctrl+G)"));
    gtk_widget_set_tooltip_text (next, _("Next Call (Enter)"));
    g_signal_connect_object (self->search, "search-changed", G_CALLBACK (chart_search_changed_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->search, "activate", G_CALLBACK (next_match_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->search, "next-match", G_CALLBACK (next_match_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->search, "previous-match", G_CALLBACK (previous_match_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (next, "clicked", G_CALLBACK (next_match_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (previous, "clicked", G_CALLBACK (previous_match_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->chart, "notify::search-ready", G_CALLBACK (chart_search_ready_cb), self,
                             G_CONNECT_SWAPPED);
    gtk_widget_add_css_class (previous, "flat");
    gtk_widget_add_css_class (next, "flat");

    gtk_widget_set_margin_end (header, 12);
    gtk_box_append (GTK_BOX (header), title);
    gtk_box_append (GTK_BOX (header), self->search_result);
    gtk_box_append (GTK_BOX (header), self->search);
    gtk_box_append (GTK_BOX (header), previous);
    gtk_box_append (GTK_BOX (header), next);
    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      {
        gtk_widget_add_css_class (buttons[i], "flat");
        gtk_box_append (GTK_BOX (header), buttons[i]);
      }
    gtk_box_append (GTK_BOX (timeline), header);
  }
  gtk_box_append (GTK_BOX (timeline), tc_time_ruler_new (session));
  gtk_box_append (GTK_BOX (timeline), scroller);

  self->paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  gtk_paned_set_start_child (GTK_PANED (self->paned), self->view);
  gtk_paned_set_end_child (GTK_PANED (self->paned), timeline);
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_position (GTK_PANED (self->paned), 320);
  g_signal_connect_object (self->paned, "notify::max-position", G_CALLBACK (fit_split_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
}

static gboolean
tc_flame_graph_section_start_search (TcSection *section)
{
  TcFlameGraphSection *self = TC_FLAME_GRAPH_SECTION (section);

  return self->view != NULL && tc_flame_view_start_search (TC_FLAME_VIEW (self->view));
}

static void
tc_flame_graph_section_class_init (TcFlameGraphSectionClass *klass)
{
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  section_class->has_data = tc_flame_graph_section_has_data;
  section_class->load = tc_flame_graph_section_load;
  section_class->start_search = tc_flame_graph_section_start_search;
  tc_section_class_set_info (section_class, "flamegraph", _("Flame Graph"),
                             "power-profile-performance-symbolic");
}

static void
tc_flame_graph_section_init (TcFlameGraphSection *self)
{
}

TcFlameGraph *
tc_flame_graph_section_get_graph (TcFlameGraphSection *self)
{
  g_return_val_if_fail (TC_IS_FLAME_GRAPH_SECTION (self), NULL);

  return self->view != NULL ? tc_flame_view_get_graph (TC_FLAME_VIEW (self->view)) : NULL;
}

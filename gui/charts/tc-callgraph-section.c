/* tc-callgraph-section.c — walk the call graph one function at a time
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-call-graph.h"

#include "tc-callgraph-section.h"

struct _TcCallgraphSection
{
  TcSection      parent_instance;

  GtkDropDown   *functions;
  GtkStringList *names;
  GtkWidget     *graph;
};

G_DEFINE_FINAL_TYPE (TcCallgraphSection, tc_callgraph_section, TC_TYPE_SECTION)

static void
selected_cb (TcCallgraphSection *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->functions);

  if (item != NULL)
    tc_call_graph_set_center (TC_CALL_GRAPH (self->graph), gtk_string_object_get_string (item));
}

static void
center_changed_cb (TcCallgraphSection *self)
{
  const char *center = tc_call_graph_get_center (TC_CALL_GRAPH (self->graph));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->names));

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->names, i), center) == 0)
      {
        gtk_drop_down_set_selected (self->functions, i);
        break;
      }
}

static gboolean
tc_callgraph_section_has_data (TcSection       *section,
                               TcViewerSession *session)
{
  return tc_document_get_total_calls (tc_viewer_session_get_document (session)) > 0;
}

static void
tc_callgraph_section_load (TcSection       *section,
                           TcViewerSession *session)
{
  TcCallgraphSection *self = TC_CALLGRAPH_SECTION (section);
  TcDocument *doc = tc_viewer_session_get_document (session);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *hint = gtk_label_new (_("Callers on the left, callees on the right; click one to move to it"));

  /* Functions by total time, so the dropdown starts with the busy ones. */
  self->names = gtk_string_list_new (NULL);
  for (guint i = 0; i < stats->len; i++)
    gtk_string_list_append (self->names, ((const TcFunctionStats *) g_ptr_array_index (stats, i))->name);
  self->functions = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->names)),
                                                      gtk_property_expression_new (GTK_TYPE_STRING_OBJECT,
                                                                                   NULL, "string")));
  gtk_drop_down_set_enable_search (self->functions, TRUE);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (toolbar, "toolbar");
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->functions));
  gtk_box_append (GTK_BOX (toolbar), hint);

  self->graph = tc_call_graph_new (doc);
  gtk_widget_set_valign (self->graph, GTK_ALIGN_START);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->graph);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), toolbar);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_parent (box, GTK_WIDGET (self));

  g_signal_connect_swapped (self->functions, "notify::selected", G_CALLBACK (selected_cb), self);
  g_signal_connect_swapped (self->graph, "center-changed", G_CALLBACK (center_changed_cb), self);

  /* Start at the busiest function that has callers and callees: the
   * outermost one (main) only shows half of the butterfly. */
  for (guint i = 0; i < stats->len; i++)
    {
      tc_call_graph_set_center (TC_CALL_GRAPH (self->graph),
                                ((const TcFunctionStats *) g_ptr_array_index (stats, i))->name);
      if (tc_call_graph_get_n_callers (TC_CALL_GRAPH (self->graph)) > 0 &&
          tc_call_graph_get_n_callees (TC_CALL_GRAPH (self->graph)) > 0)
        break;
    }
  if (stats->len > 0 && tc_call_graph_get_n_callees (TC_CALL_GRAPH (self->graph)) == 0)
    selected_cb (self);
}

static void
tc_callgraph_section_dispose (GObject *object)
{
  TcCallgraphSection *self = (TcCallgraphSection *)object;

  g_clear_object (&self->names);

  G_OBJECT_CLASS (tc_callgraph_section_parent_class)->dispose (object);
}

static void
tc_callgraph_section_class_init (TcCallgraphSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_callgraph_section_dispose;
  section_class->has_data = tc_callgraph_section_has_data;
  section_class->load = tc_callgraph_section_load;
  tc_section_class_set_info (section_class, "callgraph", _("Call Graph"), "network-workgroup-symbolic");
}

static void
tc_callgraph_section_init (TcCallgraphSection *self)
{
}

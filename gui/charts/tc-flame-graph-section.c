/* tc-flame-graph-section.c — the aggregated call tree as a flame graph
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-flame-view.h"

#include "tc-flame-graph-section.h"

struct _TcFlameGraphSection
{
  TcSection  parent_instance;

  GtkWidget *view;
};

G_DEFINE_FINAL_TYPE (TcFlameGraphSection, tc_flame_graph_section, TC_TYPE_SECTION)

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
tc_flame_graph_section_load (TcSection       *section,
                             TcViewerSession *session)
{
  TcFlameGraphSection *self = TC_FLAME_GRAPH_SECTION (section);

  self->view = tc_flame_view_new (session, TC_FLAME_SOURCE_CALLS);
  gtk_widget_set_parent (self->view, GTK_WIDGET (self));
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

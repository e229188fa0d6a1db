/* tc-samples-section.c — the stack samples of sample mode as their own
 * flame graph (widths are sample counts, not measured time)
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-flame-view.h"

#include "tc-samples-section.h"

struct _TcSamplesSection
{
  TcSection  parent_instance;

  GtkWidget *view;
};

G_DEFINE_FINAL_TYPE (TcSamplesSection, tc_samples_section, TC_TYPE_SECTION)

static gboolean
tc_samples_section_has_data (TcSection       *section,
                             TcViewerSession *session)
{
  GArray *samples = tc_document_get_samples (tc_viewer_session_get_document (session));

  return samples != NULL && samples->len > 0;
}

static void
tc_samples_section_load (TcSection       *section,
                         TcViewerSession *session)
{
  TcSamplesSection *self = TC_SAMPLES_SECTION (section);

  self->view = tc_flame_view_new (session, TC_FLAME_SOURCE_SAMPLES);
  gtk_widget_set_parent (self->view, GTK_WIDGET (self));
}

static gboolean
tc_samples_section_start_search (TcSection *section)
{
  TcSamplesSection *self = TC_SAMPLES_SECTION (section);

  return self->view != NULL && tc_flame_view_start_search (TC_FLAME_VIEW (self->view));
}

static void
tc_samples_section_class_init (TcSamplesSectionClass *klass)
{
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  section_class->has_data = tc_samples_section_has_data;
  section_class->load = tc_samples_section_load;
  section_class->start_search = tc_samples_section_start_search;
  tc_section_class_set_info (section_class, "samples", _("Stack Samples"), "applications-science-symbolic");
}

static void
tc_samples_section_init (TcSamplesSection *self)
{
}

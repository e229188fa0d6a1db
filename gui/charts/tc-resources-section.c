/* tc-resources-section.c — resource plots stacked on one time axis, with the
 * call lanes below to see which code was running
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-flame-chart.h"
#include "tc-metric-chart.h"
#include "tc-time-ruler.h"

#include "tc-resources-section.h"

/* The counters worth a plot, in the order a reader looks for them.  Beside
 * NVML's whole device, gpu_process_mb is this process's part of it and
 * gpu_alloc_mb and gpu_reserved_mb its torch tensors (tc-recorder-gpu.c). */
static const struct
{
  const char *name;
  const char *title;
  const char *color;
  const char *peak;     /* counter whose maximum is drawn as the peak line
                         * (the plot's own where none records the peak) */
} plots[] = {
  { "ram_mb",       N_("Memory (RSS)"),    "#9141ac", "ram_peak_mb" },
  { "cpu_pct",      N_("CPU"),             "#3584e4", NULL },
  { "gpu_mb",       N_("GPU Memory"),      "#2ec27e", "gpu_peak_mb" },
  { "gpu_util_pct", N_("GPU Utilization"), "#26a269", NULL },
  { "gpu_process_mb", N_("GPU Memory of This Process"), "#8ff0a4", "gpu_process_mb" },
  { "gpu_alloc_mb", N_("GPU Memory Allocated by PyTorch"), "#33d17a", "gpu_alloc_peak_mb" },
  { "gpu_reserved_mb", N_("GPU Memory Reserved by PyTorch"), "#57e389", "gpu_reserved_mb" },
  { "threads",      N_("Threads"),         "#e66100", NULL },
  { "open_fds",     N_("Open Files"),      "#986a44", NULL },
};

struct _TcResourcesSection
{
  TcSection  parent_instance;

  GPtrArray *plotted;
};

G_DEFINE_FINAL_TYPE (TcResourcesSection, tc_resources_section, TC_TYPE_SECTION)

static gboolean
tc_resources_section_has_data (TcSection       *section,
                               TcViewerSession *session)
{
  TcDocument *doc = tc_viewer_session_get_document (session);

  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      const TcDocSeries *series = tc_document_get_counter (doc, plots[i].name);

      if (series != NULL && series->points->len > 0)
        return TRUE;
    }
  return FALSE;
}

static void
tc_resources_section_load (TcSection       *section,
                           TcViewerSession *session)
{
  TcResourcesSection *self = TC_RESOURCES_SECTION (section);
  TcDocument *doc = tc_viewer_session_get_document (session);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *lanes_title = gtk_label_new (_("Running Code"));
  GtkWidget *chart;

  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      const TcDocSeries *series = tc_document_get_counter (doc, plots[i].name);
      double peak;

      if (series == NULL || series->points->len == 0)
        continue;
      chart = tc_metric_chart_new (session, series, _(plots[i].title));
      tc_metric_chart_set_show_stats (TC_METRIC_CHART (chart), FALSE);
      tc_metric_chart_set_fill (TC_METRIC_CHART (chart), TRUE);
      tc_metric_chart_set_color (TC_METRIC_CHART (chart), plots[i].color);
      tc_metric_chart_set_plot_height (TC_METRIC_CHART (chart), 80);
      if (plots[i].peak != NULL)
        {
          peak = tc_doc_series_max (tc_document_get_counter (doc, plots[i].peak));
          if (!isfinite (peak))
            peak = tc_doc_series_max (series);
          tc_metric_chart_set_peak (TC_METRIC_CHART (chart), peak);
        }
      g_ptr_array_add (self->plotted, g_strdup (plots[i].name));
      gtk_box_append (GTK_BOX (list), chart);
    }

  /* Which code ran when the memory grew: the call lanes on the same axis. */
  gtk_widget_add_css_class (lanes_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (lanes_title), 0.0f);
  gtk_widget_set_margin_start (lanes_title, 12);
  gtk_widget_set_margin_top (lanes_title, 12);
  gtk_box_append (GTK_BOX (list), lanes_title);
  chart = tc_flame_chart_new (session);
  gtk_box_append (GTK_BOX (list), chart);

  gtk_widget_set_margin_top (list, 6);
  gtk_widget_set_margin_bottom (list, 12);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_widget_set_vexpand (scroller, TRUE);

  gtk_box_append (GTK_BOX (box), tc_time_ruler_new (session));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_parent (box, GTK_WIDGET (self));
}

static void
tc_resources_section_finalize (GObject *object)
{
  TcResourcesSection *self = (TcResourcesSection *)object;

  g_clear_pointer (&self->plotted, g_ptr_array_unref);

  G_OBJECT_CLASS (tc_resources_section_parent_class)->finalize (object);
}

static void
tc_resources_section_class_init (TcResourcesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->finalize = tc_resources_section_finalize;
  section_class->has_data = tc_resources_section_has_data;
  section_class->load = tc_resources_section_load;
  tc_section_class_set_info (section_class, "resources", _("Memory and Resources"), "drive-harddisk-symbolic");
}

static void
tc_resources_section_init (TcResourcesSection *self)
{
  self->plotted = g_ptr_array_new_with_free_func (g_free);
}

GStrv
tc_resources_section_dup_plotted (TcResourcesSection *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv strv;

  for (guint i = 0; i < self->plotted->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->plotted, i));
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

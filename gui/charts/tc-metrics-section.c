/* tc-metrics-section.c — metric charts with mean, ±σ and anomalies
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-heatmap.h"
#include "tc-metric-chart.h"
#include "tc-time-ruler.h"

#include "tc-metrics-section.h"

/* The analysis' default for --anomaly. */
#define DEFAULT_THRESHOLD 3.0

struct _TcMetricsSection
{
  TcSection       parent_instance;

  GPtrArray      *charts;
  GtkSpinButton  *threshold;
  GtkLabel       *summary;
};

G_DEFINE_FINAL_TYPE (TcMetricsSection, tc_metrics_section, TC_TYPE_SECTION)

static void
update_summary (TcMetricsSection *self)
{
  guint n = tc_metrics_section_get_n_anomalies (self);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u anomaly", "%u anomalies", n), n);

  gtk_label_set_text (self->summary, text);
}

static void
threshold_changed_cb (TcMetricsSection *self)
{
  tc_metrics_section_set_threshold (self, gtk_spin_button_get_value (self->threshold));
}

static gboolean
tc_metrics_section_has_data (TcSection       *section,
                             TcViewerSession *session)
{
  GPtrArray *metrics = tc_document_get_metrics (tc_viewer_session_get_document (session));

  return metrics != NULL && metrics->len > 0;
}

static void
tc_metrics_section_load (TcSection       *section,
                         TcViewerSession *session)
{
  TcMetricsSection *self = TC_METRICS_SECTION (section);
  GPtrArray *metrics = tc_document_get_metrics (tc_viewer_session_get_document (session));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *label = gtk_label_new_with_mnemonic (_("Anomaly _threshold |z| ≥"));

  self->threshold = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1.0, 10.0, 0.5));
  gtk_spin_button_set_digits (self->threshold, 1);
  gtk_spin_button_set_value (self->threshold, DEFAULT_THRESHOLD);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->threshold));
  self->summary = GTK_LABEL (gtk_label_new (""));
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  gtk_widget_add_css_class (toolbar, "toolbar");
  gtk_box_append (GTK_BOX (toolbar), label);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->threshold));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->summary));

  for (guint i = 0; i < metrics->len; i++)
    {
      const TcDocSeries *series = g_ptr_array_index (metrics, i);
      GtkWidget *chart;

      if (series->points->len == 0)
        continue;
      chart = tc_metric_chart_new (session, series, NULL);
      tc_metric_chart_set_threshold (TC_METRIC_CHART (chart), DEFAULT_THRESHOLD);
      g_ptr_array_add (self->charts, chart);
      gtk_box_append (GTK_BOX (list), chart);
    }

  /* All numeric series at once, each on its own scale: what moved
   * together, and when. */
  {
    GtkWidget *heatmap = tc_heatmap_new (session);
    GtkWidget *title = gtk_label_new (_("Heatmap of Metrics and Numeric Variables"));

    if (tc_heatmap_get_n_rows (TC_HEATMAP (heatmap)) > 0)
      {
        gtk_widget_add_css_class (title, "heading");
        gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
        gtk_widget_set_margin_start (title, 12);
        gtk_widget_set_margin_top (title, 12);
        gtk_box_append (GTK_BOX (list), title);
        gtk_box_append (GTK_BOX (list), heatmap);
      }
    else
      g_object_ref_sink (heatmap), g_object_unref (heatmap);
  }

  gtk_widget_set_margin_top (list, 6);
  gtk_widget_set_margin_bottom (list, 12);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_widget_set_vexpand (scroller, TRUE);

  gtk_box_append (GTK_BOX (box), toolbar);
  gtk_box_append (GTK_BOX (box), tc_time_ruler_new (session));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_parent (box, GTK_WIDGET (self));

  g_signal_connect_swapped (self->threshold, "value-changed", G_CALLBACK (threshold_changed_cb), self);
  update_summary (self);
}

static void
tc_metrics_section_finalize (GObject *object)
{
  TcMetricsSection *self = (TcMetricsSection *)object;

  g_clear_pointer (&self->charts, g_ptr_array_unref);

  G_OBJECT_CLASS (tc_metrics_section_parent_class)->finalize (object);
}

static void
tc_metrics_section_class_init (TcMetricsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->finalize = tc_metrics_section_finalize;
  section_class->has_data = tc_metrics_section_has_data;
  section_class->load = tc_metrics_section_load;
  tc_section_class_set_info (section_class, "metrics", _("Metrics"), "x-office-presentation-symbolic");
}

static void
tc_metrics_section_init (TcMetricsSection *self)
{
  self->charts = g_ptr_array_new ();
}

void
tc_metrics_section_set_threshold (TcMetricsSection *self,
                                  double            threshold)
{
  g_return_if_fail (TC_IS_METRICS_SECTION (self));

  for (guint i = 0; i < self->charts->len; i++)
    tc_metric_chart_set_threshold (g_ptr_array_index (self->charts, i), threshold);
  if (self->threshold != NULL && gtk_spin_button_get_value (self->threshold) != threshold)
    gtk_spin_button_set_value (self->threshold, threshold);
  if (self->summary != NULL)
    update_summary (self);
}

guint
tc_metrics_section_get_n_anomalies (TcMetricsSection *self)
{
  guint n = 0;

  for (guint i = 0; i < self->charts->len; i++)
    n += tc_metric_chart_get_anomalies (g_ptr_array_index (self->charts, i))->len;
  return n;
}

/* tc-compare-flame-bar.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Above the differential flame graph: which threads it shows (all, or one
 * name matched between the two recordings) and whether waiting counts.  It
 * opens on all threads, CPU only: a patch is about the work the program
 * does (in any thread, so not just the busiest one), and a thread sleeping
 * in the background would otherwise take most of the width.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-compare-flame.h"

#include "tc-compare-flame-bar.h"

struct _TcCompareFlameBar
{
  GtkBox            parent_instance;

  TcComparison     *comparison;
  TcDiffFlameGraph *graph;
  GtkDropDown      *threads;
  GtkCheckButton   *cpu_only;
  GtkLabel         *caption;
  gboolean          updating;
};

G_DEFINE_FINAL_TYPE (TcCompareFlameBar, tc_compare_flame_bar, GTK_TYPE_BOX)

/* Threads of the "after" recording left out as idle, comma separated. */
static char *
idle_thread_names (TcDocument *doc)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);

      if (thread->call_tree == NULL || thread->call_tree->len < 2 || !tc_compare_thread_is_idle (doc, thread))
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, thread->name);
    }
  return g_string_free (g_steal_pointer (&names), names->len == 0);
}

static void
update_caption (TcCompareFlameBar *self)
{
  const char *thread = tc_comparison_get_flame_thread (self->comparison);
  g_autofree char *idle = NULL;
  g_autofree char *text = NULL;

  if (!tc_comparison_get_cpu_only (self->comparison))
    text = g_strdup (_("Wall time: waiting in sleeps, locks, queues and I/O counts like work."));
  else if (thread == NULL && (idle = idle_thread_names (tc_comparison_get_after (self->comparison))) != NULL)
    text = g_strdup_printf (_("CPU only: time in blocking calls (sleep, locks, queues, select, I/O) is left "
                              "out, so threads that mostly wait (%s) shrink to their work."), idle);
  else
    text = g_strdup (_("CPU only: time in blocking calls (sleep, locks, queues, select, I/O) is left out."));
  gtk_label_set_text (self->caption, text);
}

static void
apply (TcCompareFlameBar *self)
{
  guint selected = gtk_drop_down_get_selected (self->threads);
  GPtrArray *names = tc_comparison_get_thread_names (self->comparison);
  const char *thread = selected > 0 && selected <= names->len ? g_ptr_array_index (names, selected - 1) : NULL;

  if (self->updating)
    return;
  tc_comparison_set_flame_view (self->comparison, thread, gtk_check_button_get_active (self->cpu_only));
  tc_diff_flame_graph_reload (self->graph);
  update_caption (self);
}

static void
tc_compare_flame_bar_dispose (GObject *object)
{
  TcCompareFlameBar *self = (TcCompareFlameBar *)object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->comparison);

  G_OBJECT_CLASS (tc_compare_flame_bar_parent_class)->dispose (object);
}

static void
tc_compare_flame_bar_class_init (TcCompareFlameBarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tc_compare_flame_bar_dispose;
}

static void
tc_compare_flame_bar_init (TcCompareFlameBar *self)
{
}

GtkWidget *
tc_compare_flame_bar_new (TcComparison     *comparison,
                          TcDiffFlameGraph *graph)
{
  TcCompareFlameBar *self;
  GPtrArray *names;
  g_autoptr(GtkStringList) items = gtk_string_list_new (NULL);
  GtkWidget *row, *label;

  g_return_val_if_fail (TC_IS_COMPARISON (comparison), NULL);
  g_return_val_if_fail (TC_IS_DIFF_FLAME_GRAPH (graph), NULL);

  self = g_object_new (TC_TYPE_COMPARE_FLAME_BAR, "orientation", GTK_ORIENTATION_VERTICAL, "spacing", 6, NULL);
  self->comparison = g_object_ref (comparison);
  self->graph = graph;

  names = tc_comparison_get_thread_names (comparison);
  gtk_string_list_append (items, _("All threads"));
  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (items, g_ptr_array_index (names, i));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  label = gtk_label_new_with_mnemonic (_("_Threads"));
  self->threads = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&items)), NULL));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->threads));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->threads),
                               _("Threads are matched by name between the two recordings"));
  self->cpu_only = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_CPU only")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cpu_only),
                               _("Leave out time spent waiting: sleeps, locks, queues, joins, select/poll, "
                                 "socket receives"));
  gtk_check_button_set_active (self->cpu_only, tc_comparison_get_cpu_only (comparison));
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->threads));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->cpu_only));
  gtk_box_append (GTK_BOX (self), row);

  self->caption = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->caption), "dim-label");
  gtk_label_set_xalign (self->caption, 0);
  gtk_label_set_wrap (self->caption, TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->caption));
  update_caption (self);

  g_signal_connect_object (self->threads, "notify::selected", G_CALLBACK (apply), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cpu_only, "toggled", G_CALLBACK (apply), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

void
tc_compare_flame_bar_set_view (TcCompareFlameBar *self,
                               const char        *thread_name,
                               gboolean           cpu_only)
{
  GPtrArray *names;
  guint selected = 0;

  g_return_if_fail (TC_IS_COMPARE_FLAME_BAR (self));

  names = tc_comparison_get_thread_names (self->comparison);
  for (guint i = 0; thread_name != NULL && i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), thread_name))
      selected = i + 1;

  /* One rebuild for both changes. */
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->threads, selected);
  gtk_check_button_set_active (self->cpu_only, cpu_only);
  self->updating = FALSE;
  apply (self);
}

const char *
tc_compare_flame_bar_get_caption (TcCompareFlameBar *self)
{
  g_return_val_if_fail (TC_IS_COMPARE_FLAME_BAR (self), NULL);

  return gtk_label_get_text (self->caption);
}

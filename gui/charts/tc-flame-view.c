/* tc-flame-view.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-units.h"

#include "tc-flame-view.h"

struct _TcFlameView
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  TcFlameSource    source;
  guint            thread_id;
  gboolean         reversed;

  GtkWidget       *toolbar;
  GtkDropDown     *threads;
  GtkWidget       *search;
  GtkLabel        *share;
  GtkLabel        *range;
  guint            serial;
  guint            selection_idle;
  GtkWidget       *crumbs;
  TcFlameGraph    *graph;
  GArray          *thread_ids;
  char            *share_text;
};

G_DEFINE_FINAL_TYPE (TcFlameView, tc_flame_view, GTK_TYPE_WIDGET)

static void
update_share (TcFlameView *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search));
  double share = tc_flame_graph_get_search_share (self->graph);

  g_clear_pointer (&self->share_text, g_free);
  if (query == NULL || *query == '\0')
    self->share_text = g_strdup ("");
  else
    /* Translators: "12.5 % match “parse”" */
    self->share_text = g_strdup_printf (_("%.1f %% match “%s”"), share * 100.0, query);
  gtk_label_set_text (self->share, self->share_text);
}

static void
show_tree (TcFlameView *self,
           TcFlameTree *tree)
{
  if (self->reversed)
    {
      g_autoptr(TcFlameTree) reversed = tc_flame_tree_new_reversed (tree);

      tc_flame_graph_set_tree (self->graph, tc_viewer_session_get_document (self->session), reversed);
    }
  else
    tc_flame_graph_set_tree (self->graph, tc_viewer_session_get_document (self->session), tree);
  /* The search applies to the new tree. */
  tc_flame_graph_set_search (self->graph, gtk_editable_get_text (GTK_EDITABLE (self->search)));
  update_share (self);
}

typedef struct
{
  TcDocument *doc;
  guint       thread_id;
  gint64      begin;
  gint64      end;
  guint       serial;
} RangeJob;

static void
range_job_free (gpointer data)
{
  RangeJob *job = data;

  g_object_unref (job->doc);
  g_free (job);
}

static void
range_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  RangeJob *job = task_data;
  GError *error = NULL;
  TcFlameTree *tree = tc_flame_tree_new_from_range (job->doc, job->thread_id, job->begin, job->end, &error);

  if (tree == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tree, (GDestroyNotify) tc_flame_tree_unref);
}

static void
range_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TcFlameView *self = TC_FLAME_VIEW (object);
  RangeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(TcFlameTree) tree = g_task_propagate_pointer (G_TASK (result), &error);

  if (tree == NULL)
    {
      g_warning ("flame graph of the selection: %s", error->message);
      return;
    }
  if (job->serial == self->serial)
    show_tree (self, tree);
}

static void
rebuild (TcFlameView *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  g_autoptr(TcFlameTree) tree = NULL;

  if (doc == NULL)
    return;
  self->serial++;

  /* A selected time range narrows the graph to the calls made in it (the
   * recorded events of the range, decoded in a worker thread). */
  if (self->source == TC_FLAME_SOURCE_CALLS && tc_viewer_session_get_has_selection (self->session))
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, range_done, NULL);
      RangeJob *job = g_new0 (RangeJob, 1);
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;
      g_autofree char *text = NULL;

      job->doc = g_object_ref (doc);
      job->thread_id = self->thread_id;
      job->begin = tc_viewer_session_get_selected_begin (self->session);
      job->end = tc_viewer_session_get_selected_end (self->session);
      job->serial = self->serial;
      from = tc_units_format_seconds (job->begin);
      to = tc_units_format_seconds (job->end);
      text = g_strdup_printf (_("Selection %s – %s"), from, to);
      gtk_label_set_text (self->range, text);
      g_task_set_task_data (task, job, range_job_free);
      g_task_run_in_thread (task, range_worker);
      return;
    }

  gtk_label_set_text (self->range, "");
  if (self->source == TC_FLAME_SOURCE_SAMPLES)
    tree = tc_flame_tree_new_from_samples (doc, self->thread_id);
  else
    tree = tc_flame_tree_new_from_threads (doc, self->thread_id);
  show_tree (self, tree);
}

static gboolean
selection_idle_cb (gpointer data)
{
  TcFlameView *self = data;

  self->selection_idle = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Dragging a selection changes it on every motion: rebuild once it rests. */
static void
selection_changed_cb (TcFlameView *self)
{
  g_clear_handle_id (&self->selection_idle, g_source_remove);
  self->selection_idle = g_timeout_add (150, selection_idle_cb, self);
}

static void
crumb_clicked_cb (GtkButton   *button,
                  TcFlameView *self)
{
  tc_flame_graph_set_focus (self->graph,
                            GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "node")));
}

static void
update_crumbs (TcFlameView *self)
{
  g_autoptr(GArray) path = tc_flame_graph_get_focus_path (self->graph);
  TcFlameTree *tree = tc_flame_graph_get_tree (self->graph);
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->crumbs)))
    gtk_box_remove (GTK_BOX (self->crumbs), child);

  for (guint i = 0; tree != NULL && i < path->len; i++)
    {
      guint32 node = g_array_index (path, guint32, i);
      const TcFlameNode *n = tc_flame_tree_get_node (tree, node);
      GtkWidget *button = gtk_button_new_with_label (n->code_id == 0 ? _("All")
                                                     : tc_document_code_name (doc, n->code_id));

      if (i > 0)
        gtk_box_append (GTK_BOX (self->crumbs), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_sensitive (button, i + 1 < path->len);
      g_object_set_data (G_OBJECT (button), "node", GUINT_TO_POINTER (node));
      g_signal_connect (button, "clicked", G_CALLBACK (crumb_clicked_cb), self);
      gtk_box_append (GTK_BOX (self->crumbs), button);
    }
}

static void
search_changed_cb (TcFlameView *self)
{
  tc_flame_graph_set_search (self->graph, gtk_editable_get_text (GTK_EDITABLE (self->search)));
  update_share (self);
}

static void
thread_selected_cb (TcFlameView *self)
{
  guint pos = gtk_drop_down_get_selected (self->threads);

  if (pos == GTK_INVALID_LIST_POSITION || pos >= self->thread_ids->len)
    return;
  tc_viewer_session_set_selected_thread (self->session, g_array_index (self->thread_ids, guint, pos));
}

static void
session_thread_cb (TcFlameView *self)
{
  guint thread_id = tc_viewer_session_get_selected_thread (self->session);

  for (guint i = 0; i < self->thread_ids->len; i++)
    if (g_array_index (self->thread_ids, guint, i) == thread_id)
      gtk_drop_down_set_selected (self->threads, i);
  tc_flame_view_set_thread (self, thread_id);
}

static void
reverse_toggled_cb (TcFlameView     *self,
                    GtkToggleButton *button)
{
  tc_flame_view_set_reversed (self, gtk_toggle_button_get_active (button));
}

static void
icicle_toggled_cb (TcFlameView     *self,
                   GtkToggleButton *button)
{
  tc_flame_graph_set_icicle (self->graph, gtk_toggle_button_get_active (button));
}

static void
fill_threads (TcFlameView *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GPtrArray *threads;
  guint all = 0;

  g_array_set_size (self->thread_ids, 0);
  g_array_append_val (self->thread_ids, all);
  gtk_string_list_append (names, _("All Threads"));
  if (doc != NULL)
    {
      threads = tc_document_get_threads (doc);
      for (guint i = 0; i < threads->len; i++)
        {
          const TcDocThread *t = g_ptr_array_index (threads, i);
          g_autofree char *label = g_strdup_printf ("%s (%u)", *t->name ? t->name : _("Thread"), t->id);

          g_array_append_val (self->thread_ids, t->id);
          gtk_string_list_append (names, label);
        }
    }
  gtk_drop_down_set_model (self->threads, G_LIST_MODEL (names));
}

static void
tc_flame_view_dispose (GObject *object)
{
  TcFlameView *self = (TcFlameView *)object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_handle_id (&self->selection_idle, g_source_remove);
  self->serial++;
  g_clear_object (&self->session);
  g_clear_pointer (&self->thread_ids, g_array_unref);
  g_clear_pointer (&self->share_text, g_free);

  G_OBJECT_CLASS (tc_flame_view_parent_class)->dispose (object);
}

static void
tc_flame_view_class_init (TcFlameViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_flame_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tc_flame_view_init (TcFlameView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *reverse = gtk_toggle_button_new_with_label (_("Callers"));
  GtkWidget *icicle = gtk_toggle_button_new ();

  self->thread_ids = g_array_new (FALSE, FALSE, sizeof (guint));
  self->share_text = g_strdup ("");

  self->toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (self->toolbar, "toolbar");
  self->threads = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->threads), _("Thread"));
  gtk_widget_set_tooltip_text (reverse, _("Reverse the graph: the functions where the time is spent at the base, their callers above"));
  gtk_button_set_icon_name (GTK_BUTTON (icicle), "object-flip-vertical-symbolic");
  gtk_widget_set_tooltip_text (icicle, _("Icicle: draw the callers at the top"));
  self->search = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->search, TRUE);
  gtk_widget_set_halign (self->search, GTK_ALIGN_END);
  g_object_set (self->search, "placeholder-text", _("Highlight functions"), NULL);
  self->share = GTK_LABEL (gtk_label_new (""));
  gtk_widget_add_css_class (GTK_WIDGET (self->share), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->share), "numeric");

  gtk_box_append (GTK_BOX (self->toolbar), GTK_WIDGET (self->threads));
  gtk_box_append (GTK_BOX (self->toolbar), reverse);
  gtk_box_append (GTK_BOX (self->toolbar), icicle);
  gtk_box_append (GTK_BOX (self->toolbar), self->search);
  gtk_box_append (GTK_BOX (self->toolbar), GTK_WIDGET (self->share));
  self->range = GTK_LABEL (gtk_label_new (""));
  gtk_widget_add_css_class (GTK_WIDGET (self->range), "accent");

  self->crumbs = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_margin_start (self->crumbs, 6);

  self->graph = TC_FLAME_GRAPH (tc_flame_graph_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->graph), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->graph), GTK_ALIGN_END);
  gtk_widget_set_margin_start (GTK_WIDGET (self->graph), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->graph), 6);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->graph));
  /* As tall as the graph (up to the page): a shallow graph sits right under
   * its toolbar instead of at the bottom of an empty page. */
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_set_valign (scroller, GTK_ALIGN_START);

  gtk_box_append (GTK_BOX (box), self->toolbar);
  {
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_widget_set_hexpand (self->crumbs, TRUE);
    gtk_widget_set_margin_end (GTK_WIDGET (self->range), 12);
    gtk_box_append (GTK_BOX (row), self->crumbs);
    gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->range));
    gtk_box_append (GTK_BOX (box), row);
  }
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_parent (box, GTK_WIDGET (self));

  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (reverse, "toggled", G_CALLBACK (reverse_toggled_cb), self);
  g_signal_connect_swapped (icicle, "toggled", G_CALLBACK (icicle_toggled_cb), self);
  g_signal_connect_swapped (self->graph, "notify::focus", G_CALLBACK (update_crumbs), self);
  g_signal_connect_swapped (self->graph, "notify::ready", G_CALLBACK (update_crumbs), self);
}

GtkWidget *
tc_flame_view_new (TcViewerSession *session,
                   TcFlameSource    source)
{
  TcFlameView *self;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  self = g_object_new (TC_TYPE_FLAME_VIEW, NULL);
  self->session = g_object_ref (session);
  self->source = source;
  self->thread_id = tc_viewer_session_get_selected_thread (session);

  fill_threads (self);
  g_signal_connect_object (self->threads, "notify::selected", G_CALLBACK (thread_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::selected-thread", G_CALLBACK (session_thread_cb), self,
                           G_CONNECT_SWAPPED);
  if (source == TC_FLAME_SOURCE_CALLS)
    {
      g_signal_connect_object (session, "notify::has-selection", G_CALLBACK (selection_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::selected-begin", G_CALLBACK (selection_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::selected-end", G_CALLBACK (selection_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  rebuild (self);

  return GTK_WIDGET (self);
}

TcFlameGraph *
tc_flame_view_get_graph (TcFlameView *self)
{
  g_return_val_if_fail (TC_IS_FLAME_VIEW (self), NULL);

  return self->graph;
}

void
tc_flame_view_set_thread (TcFlameView *self,
                          guint        thread_id)
{
  g_return_if_fail (TC_IS_FLAME_VIEW (self));

  if (self->thread_id == thread_id)
    return;
  self->thread_id = thread_id;
  rebuild (self);
}

void
tc_flame_view_set_reversed (TcFlameView *self,
                            gboolean     reversed)
{
  g_return_if_fail (TC_IS_FLAME_VIEW (self));

  if (self->reversed == !!reversed)
    return;
  self->reversed = !!reversed;
  rebuild (self);
}

void
tc_flame_view_set_search (TcFlameView *self,
                          const char  *query)
{
  g_return_if_fail (TC_IS_FLAME_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search), query ? query : "");
  search_changed_cb (self);
}

const char *
tc_flame_view_get_share_text (TcFlameView *self)
{
  return self->share_text;
}

gboolean
tc_flame_view_start_search (TcFlameView *self)
{
  return gtk_widget_grab_focus (self->search);
}

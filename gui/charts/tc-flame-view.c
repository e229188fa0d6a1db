/* tc-flame-view.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

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
  GtkWidget       *crumbs;
  TcFlameGraph    *graph;
  GArray          *thread_ids;
  char            *share_text;
};

G_DEFINE_FINAL_TYPE (TcFlameView, tc_flame_view, GTK_TYPE_WIDGET)

static void
rebuild (TcFlameView *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  g_autoptr(TcFlameTree) tree = NULL;

  if (doc == NULL)
    return;
  if (self->source == TC_FLAME_SOURCE_SAMPLES)
    tree = tc_flame_tree_new_from_samples (doc, self->thread_id);
  else
    tree = tc_flame_tree_new_from_threads (doc, self->thread_id);
  if (self->reversed)
    {
      TcFlameTree *reversed = tc_flame_tree_new_reversed (tree);

      tc_flame_tree_unref (tree);
      tree = reversed;
    }
  tc_flame_graph_set_tree (self->graph, doc, tree);
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
  gtk_box_append (GTK_BOX (box), self->crumbs);
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

/* tc-snapshots-section.c — report section 15: the snapshot timeline
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-item.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-snapshots-section.h"

struct _TcSnapshotsSection
{
  TcSection           parent_instance;

  GListStore         *store;
  GtkSingleSelection *selection;
  GHashTable         *counters;   /* counter id → TcDocSeries */
  GHashTable         *metrics;    /* metric id → TcDocSeries */
  guint               n_locals;

  GtkListView        *list_view;
  GtkBox             *details_box;
};

G_DEFINE_FINAL_TYPE (TcSnapshotsSection, tc_snapshots_section, TC_TYPE_SECTION)

static TcDocument *
get_document (TcSnapshotsSection *self)
{
  return tc_viewer_session_get_document (tc_section_get_session (TC_SECTION (self)));
}

static const TcDocSnapshot *
item_snapshot (gpointer item)
{
  return tc_item_get_data (TC_ITEM (item));
}

/* Row: "#12  0.1234 s  [SNAP]" over "fn():ln  label". */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *index = gtk_label_new (NULL);
  GtkWidget *time = gtk_label_new (NULL);
  GtkWidget *where = tc_ui_cell_label_new ();

  gtk_widget_add_css_class (index, "dim-label");
  gtk_widget_add_css_class (index, "numeric");
  gtk_widget_add_css_class (time, "numeric");
  gtk_widget_set_hexpand (time, TRUE);
  gtk_label_set_xalign (GTK_LABEL (time), 0.0f);
  gtk_widget_add_css_class (where, "caption");

  gtk_box_append (GTK_BOX (top), index);
  gtk_box_append (GTK_BOX (top), time);
  gtk_box_append (GTK_BOX (top), tc_ui_pill_new ("", NULL));
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), where);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  gtk_list_item_set_child (list_item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             TcSnapshotsSection       *self)
{
  const TcDocSnapshot *snap = item_snapshot (gtk_list_item_get_item (list_item));
  TcDocument *document = get_document (self);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *top = gtk_widget_get_first_child (box);
  GtkWidget *index = gtk_widget_get_first_child (top);
  GtkWidget *time = gtk_widget_get_next_sibling (index);
  GtkWidget *pill = gtk_widget_get_next_sibling (time);
  GtkWidget *where = gtk_widget_get_next_sibling (top);
  g_autofree char *index_text = g_strdup_printf ("#%04" G_GUINT64_FORMAT, snap->index);
  g_autofree char *time_text = tc_units_format_seconds (snap->time_ns);
  g_autofree char *evt = g_strndup (snap->evt, strcspn (snap->evt, ":"));
  g_autofree char *location = tc_snapshot_where (document, snap);
  g_autofree char *where_text = NULL;
  static const char *pill_classes[] = { "crash", "good", "accent", "warning" };

  /* Labels starting with _tc are the recorder's own (hidden by the seed). */
  where_text = g_strdup_printf ("%s%s%s", location,
                                *snap->label && !g_str_has_prefix (snap->label, "_tc") ? "  " : "",
                                *snap->label && !g_str_has_prefix (snap->label, "_tc") ? snap->label : "");

  gtk_label_set_text (GTK_LABEL (index), index_text);
  gtk_label_set_text (GTK_LABEL (time), time_text);
  gtk_label_set_text (GTK_LABEL (pill), evt);
  gtk_label_set_text (GTK_LABEL (where), where_text);

  for (guint i = 0; i < G_N_ELEMENTS (pill_classes); i++)
    gtk_widget_remove_css_class (pill, pill_classes[i]);
  if (tc_ui_snapshot_kind_css (snap->kind))
    gtk_widget_add_css_class (pill, tc_ui_snapshot_kind_css (snap->kind));
}

static GtkWidget *
add_group (TcSnapshotsSection *self,
           const char         *title,
           const char         *subtitle)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *list = gtk_list_box_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  if (subtitle != NULL)
    {
      GtkWidget *sub = gtk_label_new (subtitle);

      gtk_label_set_xalign (GTK_LABEL (sub), 0.0f);
      gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_box_append (GTK_BOX (box), sub);
    }
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (self->details_box, box);

  return list;
}

static void
add_value_row (GtkWidget  *list,
               const char *title,
               const char *subtitle,
               const char *value,
               gboolean    changed)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_set_tooltip_text (label, value);
  gtk_widget_add_css_class (label, "tc-value");
  if (changed)
    {
      gtk_widget_add_css_class (label, "tc-changed");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("document-edit-symbolic"));
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
}

static void
show_header (TcSnapshotsSection  *self,
             TcDocument          *document,
             const TcDocSnapshot *snap)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, snap->index);
  g_autofree char *title = g_strdup_printf (_("Snapshot #%s at %.4f s"),
                                            number, tc_ns_to_s (snap->time_ns));
  g_autofree char *place = tc_snapshot_where (document, snap);
  /* The file after the place, unless the place names it already (a name
   * several files share) or there is none ("(no frame)"). */
  g_autofree char *where = g_str_has_suffix (place, ")")
                           ? g_strdup (place)
                           : g_strdup_printf ("%s  %s", place, tc_snapshot_file (document, snap, TRUE));
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *where_label = gtk_label_new (where);

  gtk_widget_add_css_class (title_label, "title-3");
  gtk_box_append (GTK_BOX (top), title_label);
  gtk_box_append (GTK_BOX (top), tc_ui_pill_new (snap->evt, tc_ui_snapshot_kind_css (snap->kind)));
  gtk_box_append (GTK_BOX (box), top);

  gtk_label_set_xalign (GTK_LABEL (where_label), 0.0f);
  gtk_label_set_selectable (GTK_LABEL (where_label), TRUE);
  gtk_widget_add_css_class (where_label, "tc-value");
  gtk_box_append (GTK_BOX (box), where_label);

  /* Labels starting with _tc are the recorder's own: hidden, as the seed did. */
  if ((*snap->label && !g_str_has_prefix (snap->label, "_tc")) ||
      (snap->tags && snap->tags[0]) || *snap->async_task)
    {
      g_autoptr(GString) extra = g_string_new (NULL);
      GtkWidget *label;

      if (*snap->label && !g_str_has_prefix (snap->label, "_tc"))
        g_string_append_printf (extra, _("Label: %s"), snap->label);
      for (guint i = 0; snap->tags && snap->tags[i]; i++)
        if (!g_str_equal (snap->tags[i], "_internal"))
          g_string_append_printf (extra, "%s#%s", extra->len ? "  " : "", snap->tags[i]);
      if (*snap->async_task)
        g_string_append_printf (extra, _("%sTask: %s"), extra->len ? "  " : "", snap->async_task);

      if (extra->len > 0)
        {
          label = gtk_label_new (extra->str);
          gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_widget_add_css_class (label, "dim-label");
          gtk_box_append (GTK_BOX (box), label);
        }
    }

  gtk_box_append (self->details_box, box);
}

static void
show_thread (TcSnapshotsSection *self,
             TcDocument         *document,
             const TcDocCapture *capture)
{
  const TcDocThread *thread = tc_document_get_thread (document, capture->thread_id);
  g_autofree char *title = g_strdup_printf (_("Thread “%s”"), thread && *thread->name ? thread->name : "?");
  g_autoptr(GString) stack = g_string_new (NULL);
  GtkWidget *list;
  guint n = 0;

  for (guint i = 0; i < capture->n_stack; i++)
    {
      g_autofree char *place = tc_code_place (document, capture->stack[i].code_id, capture->stack[i].line);

      g_string_append_printf (stack, "%s%s", i ? " ← " : "", place);
    }

  list = add_group (self, title, stack->len ? stack->str : NULL);

  for (guint i = 0; i < capture->n_locals; i++)
    {
      const TcDocLocal *local = &capture->locals[i];
      const TcDocVar *var = tc_document_get_var (document, local->var_id);
      g_autofree char *size = NULL;
      g_autofree char *subtitle = NULL;

      if (var == NULL)
        continue;

      size = local->size ? g_format_size (local->size) : NULL;
      subtitle = size ? g_strdup_printf ("%s · %s", local->type_name, size)
                      : g_strdup (local->type_name);
      add_value_row (list, var->name, subtitle, local->repr, (local->flags & TC_LOCAL_CHANGED) != 0);
      n++;
    }

  if (n == 0)
    gtk_list_box_append (GTK_LIST_BOX (list), tc_ui_empty_label_new (_("No locals captured")));

  self->n_locals += n;
}

static void
show_snapshot (TcSnapshotsSection  *self,
               const TcDocSnapshot *snap)
{
  TcDocument *document = get_document (self);
  GtkWidget *list;

  tc_ui_clear_box (GTK_WIDGET (self->details_box));
  self->n_locals = 0;

  if (snap == NULL)
    return;

  show_header (self, document, snap);

  for (guint i = 0; i < snap->n_threads; i++)
    show_thread (self, document, &snap->threads[i]);

  if (snap->n_metrics > 0)
    {
      list = add_group (self, _("Metrics"), NULL);
      for (guint i = 0; i < snap->n_metrics; i++)
        {
          const TcDocSeries *series = g_hash_table_lookup (self->metrics, GUINT_TO_POINTER (snap->metrics[i].metric_id));
          double v = tc_value_to_double (&snap->metrics[i].value);
          g_autofree char *value = isnan (v) ? g_strdup ("—") : g_strdup_printf ("%.6g", v);

          add_value_row (list, series ? series->name : "?", NULL, value, FALSE);
        }
    }

  if (snap->n_system > 0)
    {
      list = add_group (self, _("System"), NULL);
      for (guint i = 0; i < snap->n_system; i++)
        {
          const TcDocSeries *series = g_hash_table_lookup (self->counters, GUINT_TO_POINTER (snap->system[i].counter_id));
          g_autofree char *value = g_strdup_printf ("%.6g %s", snap->system[i].value,
                                                    series && series->unit ? series->unit : "");

          add_value_row (list, series ? series->name : "?", NULL, value, FALSE);
        }
    }

  for (guint i = 0; i < snap->n_extras; i++)
    {
      if (i == 0)
        list = add_group (self, _("Details"), NULL);
      add_value_row (list, snap->extras[i].key, NULL, snap->extras[i].value, FALSE);
    }
}

static void
selection_changed_cb (TcSnapshotsSection *self)
{
  gpointer item = gtk_single_selection_get_selected_item (self->selection);
  const TcDocSnapshot *snap = item ? item_snapshot (item) : NULL;

  show_snapshot (self, snap);

  if (snap != NULL)
    tc_viewer_session_set_cursor (tc_section_get_session (TC_SECTION (self)), snap->time_ns);
}

/* Follows the session's cursor (a warning's "jump", later the scrubber):
 * selects the last snapshot taken at or before it. */
static void
cursor_changed_cb (TcSnapshotsSection *self)
{
  TcViewerSession *session = tc_section_get_session (TC_SECTION (self));
  TcDocument *document = tc_viewer_session_get_document (session);
  gint64 cursor = tc_viewer_session_get_cursor (session);
  GArray *snapshots;
  guint lo = 0, hi;
  gpointer item;

  if (document == NULL || cursor < 0 || g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    return;

  item = gtk_single_selection_get_selected_item (self->selection);
  if (item != NULL && item_snapshot (item)->time_ns == cursor)
    return;

  snapshots = tc_document_get_snapshots (document);
  hi = snapshots->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (snapshots, TcDocSnapshot, mid).time_ns <= cursor)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo > 0)
    {
      gtk_single_selection_set_selected (self->selection, lo - 1);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", lo - 1);
    }
}

static gboolean
tc_snapshots_section_has_data (TcSection *section,
                               TcViewerSession *session)
{
  return tc_document_get_snapshots (tc_viewer_session_get_document (session))->len > 0;
}

static void
tc_snapshots_section_load (TcSection *section,
                           TcViewerSession *session)
{
  TcSnapshotsSection *self = (TcSnapshotsSection *)section;
  TcDocument *document = tc_viewer_session_get_document (session);
  GArray *snapshots = tc_document_get_snapshots (document);
  GPtrArray *counters = tc_document_get_counters (document);
  GPtrArray *metrics = tc_document_get_metrics (document);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 cursor;

  for (guint i = 0; i < counters->len; i++)
    {
      const TcDocSeries *series = g_ptr_array_index (counters, i);

      g_hash_table_insert (self->counters, GUINT_TO_POINTER (series->id), (gpointer)series);
    }
  for (guint i = 0; i < metrics->len; i++)
    {
      const TcDocSeries *series = g_ptr_array_index (metrics, i);

      g_hash_table_insert (self->metrics, GUINT_TO_POINTER (series->id), (gpointer)series);
    }

  /* The page may be filled after a jump set the cursor (pages load when
   * first shown): keep that moment rather than the first snapshot's. */
  cursor = tc_viewer_session_get_cursor (session);

  for (guint i = 0; i < snapshots->len; i++)
    g_ptr_array_add (items, tc_item_new (i, &g_array_index (snapshots, TcDocSnapshot, i)));
  g_list_store_splice (self->store, 0, 0, items->pdata, items->len);

  g_signal_connect_object (session, "notify::cursor",
                           G_CALLBACK (cursor_changed_cb), self,
                           G_CONNECT_SWAPPED);

  if (cursor >= 0)
    {
      tc_viewer_session_set_cursor (session, cursor);
      cursor_changed_cb (self);
    }
}

static void
tc_snapshots_section_dispose (GObject *object)
{
  TcSnapshotsSection *self = (TcSnapshotsSection *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_SNAPSHOTS_SECTION);

  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_pointer (&self->counters, g_hash_table_unref);
  g_clear_pointer (&self->metrics, g_hash_table_unref);

  G_OBJECT_CLASS (tc_snapshots_section_parent_class)->dispose (object);
}

static void
tc_snapshots_section_class_init (TcSnapshotsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_snapshots_section_dispose;

  section_class->has_data = tc_snapshots_section_has_data;
  section_class->load = tc_snapshots_section_load;
  tc_section_class_set_info (section_class, "snapshots", _("Snapshot Timeline"), "camera-photo-symbolic");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-snapshots-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcSnapshotsSection, list_view);
  gtk_widget_class_bind_template_child (widget_class, TcSnapshotsSection, details_box);
}

static void
tc_snapshots_section_init (TcSnapshotsSection *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->counters = g_hash_table_new (NULL, NULL);
  self->metrics = g_hash_table_new (NULL, NULL);
  self->store = g_list_store_new (TC_TYPE_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->store)));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * tc_snapshots_section_get_model:
 *
 * Returns: (transfer none): the timeline's rows (#TcItem → #TcDocSnapshot)
 */
GListModel *
tc_snapshots_section_get_model (TcSnapshotsSection *self)
{
  g_return_val_if_fail (TC_IS_SNAPSHOTS_SECTION (self), NULL);

  return G_LIST_MODEL (self->selection);
}

guint
tc_snapshots_section_get_selected (TcSnapshotsSection *self)
{
  g_return_val_if_fail (TC_IS_SNAPSHOTS_SECTION (self), GTK_INVALID_LIST_POSITION);

  return gtk_single_selection_get_selected (self->selection);
}

void
tc_snapshots_section_select (TcSnapshotsSection *self,
                             guint               position)
{
  g_return_if_fail (TC_IS_SNAPSHOTS_SECTION (self));

  gtk_single_selection_set_selected (self->selection, position);
}

/**
 * tc_snapshots_section_get_n_locals:
 *
 * Returns: locals shown for the selected snapshot, all threads together
 */
guint
tc_snapshots_section_get_n_locals (TcSnapshotsSection *self)
{
  g_return_val_if_fail (TC_IS_SNAPSHOTS_SECTION (self), 0);

  return self->n_locals;
}

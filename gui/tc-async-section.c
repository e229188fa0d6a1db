/* tc-async-section.c — report section 12: async / coroutine activity
 *
 * SPDX-License-Identifier: MIT
 *
 * Two parts: the coroutines the events show ran (tc_analysis_async: how
 * many instances started, ended, awaited, resumed, how long they ran, on
 * which threads), a sortable table; and below it the seed's list of the
 * asyncio tasks that snapshots caught, which an asyncio program rarely has.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-bar-cell.h"
#include "tc-item.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-async-section.h"

struct _TcAsyncSection
{
  TcSection   parent_instance;

  guint               n_tasks;
  GArray             *coroutines;   /* TcAsyncCode, by running time */
  gint64              max_running_ns;
  TcDocument         *document;     /* for thread names */
  GCancellable       *cancellable;  /* the coroutine pass in its worker */
  char               *filter_text;  /* casefolded; NULL shows every row */
  GtkCustomFilter    *filter;
  GtkSingleSelection *selection;
  GListStore         *store;        /* owned by the selection's model chain */

  /* Template widgets */
  GtkWidget          *coroutines_box;
  GtkSearchEntry     *search_entry;
  GtkLabel           *total_label;
  GtkColumnView      *column_view;
  GtkWidget          *tasks_scroller;
  GtkListBox         *list;
};

typedef struct
{
  const char *name;
  const char *coro;
  guint       count;
  gint64      first_ns;
  gint64      last_ns;
} TaskActivity;

G_DEFINE_FINAL_TYPE (TcAsyncSection, tc_async_section, TC_TYPE_SECTION)

static int
compare_tasks (gconstpointer a,
               gconstpointer b)
{
  const TaskActivity *x = *(const TaskActivity **)a;
  const TaskActivity *y = *(const TaskActivity **)b;

  /* Most snapshots first, as the text report; then by name. */
  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return g_strcmp0 (x->name, y->name);
}

static gboolean
tc_async_section_has_data (TcSection *section,
                           TcViewerSession *session)
{
  TcDocument *document = tc_viewer_session_get_document (session);
  GArray *snapshots = tc_document_get_snapshots (document);

  for (guint i = 0; i < snapshots->len; i++)
    if (*g_array_index (snapshots, TcDocSnapshot, i).async_task)
      return TRUE;

  /* From the call trees: no event is decoded until the page opens. */
  return tc_analysis_has_async (document);
}

/* ---- the coroutine table ------------------------------------------------ */

static const TcAsyncCode *
item_row (gconstpointer item)
{
  return tc_item_get_data (TC_ITEM ((gpointer)item));
}

static char *
thread_list (TcDocument        *document,
             const TcAsyncCode *row)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < row->threads->len; i++)
    {
      const TcAsyncCode *part = &g_array_index (row->threads, TcAsyncCode, i);
      const TcDocThread *thread = tc_document_get_thread (document, part->thread_id);

      if (i > 0)
        g_string_append (text, ", ");
      if (thread != NULL && *thread->name)
        g_string_append (text, thread->name);
      else
        g_string_append_printf (text, "#%u", part->thread_id);
    }
  return g_string_free (text, FALSE);
}

static void
bind_name (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  const TcAsyncCode *row = item_row (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *tooltip = g_strdup_printf (row->async_gen ? _("%s (async generator)") : _("%s (coroutine)"),
                                              row->name);

  gtk_label_set_text (label, row->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);
}

/* The per-thread numbers, for the threads cell's tooltip. */
static char *
thread_breakdown (TcDocument        *document,
                  const TcAsyncCode *row)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < row->threads->len; i++)
    {
      const TcAsyncCode *part = &g_array_index (row->threads, TcAsyncCode, i);
      const TcDocThread *thread = tc_document_get_thread (document, part->thread_id);
      g_autofree char *running = tc_units_format_ms (tc_ns_to_ms (part->running_ns));
      g_autofree char *started = tc_units_format_count (part->started);
      g_autofree char *finished = tc_units_format_count (part->finished);

      /* TRANSLATORS: thread name: instances started, ended, running time */
      g_string_append_printf (text, _("%s%s: %s started, %s ended, %s running"),
                              i > 0 ? "\n" : "", thread != NULL && *thread->name ? thread->name : "?",
                              started, finished, running);
    }
  return g_string_free (text, FALSE);
}

static void
bind_threads (GtkListItem *list_item,
              gpointer     item,
              gpointer     user_data)
{
  TcAsyncSection *self = user_data;
  const TcAsyncCode *row = item_row (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *tooltip = thread_breakdown (self->document, row);
  g_autofree char *text = NULL;

  /* The first thread's name, then how many more: the tooltip has them all,
   * with their numbers. */
  if (row->threads->len > 1)
    {
      const TcDocThread *thread = tc_document_get_thread (self->document,
                                                          g_array_index (row->threads, TcAsyncCode, 0).thread_id);

      text = g_strdup_printf ("%s +%u", thread != NULL && *thread->name ? thread->name : "?",
                              row->threads->len - 1);
    }
  else
    text = thread_list (self->document, row);

  gtk_label_set_text (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);
}

/* The count columns share one bind: the field's offset is the user data. */
static void
bind_count (GtkListItem *list_item,
            gpointer     item,
            gpointer     user_data)
{
  guint64 count = G_STRUCT_MEMBER (guint64, item_row (item), GPOINTER_TO_SIZE (user_data));
  g_autofree char *text = tc_units_format_count (count);
  g_autofree char *tooltip = NULL;

  /* Ended: how many of them by an exception. */
  if (GPOINTER_TO_SIZE (user_data) == G_STRUCT_OFFSET (TcAsyncCode, finished))
    {
      g_autofree char *unwound = tc_units_format_count (item_row (item)->unwound);

      tooltip = g_strdup_printf (_("%s ended by an exception (cancellation included)"), unwound);
    }
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (list_item), tooltip);
}

static void
bind_running (GtkListItem *list_item,
              gpointer     item,
              gpointer     user_data)
{
  TcAsyncSection *self = user_data;
  const TcAsyncCode *row = item_row (item);
  TcBarCell *cell = TC_BAR_CELL (gtk_list_item_get_child (list_item));
  g_autofree char *text = tc_units_format_ms (tc_ns_to_ms (row->running_ns));

  tc_bar_cell_set_text (cell, text);
  tc_bar_cell_set_fraction (cell, self->max_running_ns > 0
                                  ? (double)row->running_ns / self->max_running_ns : 0);
}

static void
bind_segments (GtkListItem *list_item,
               gpointer     item,
               gpointer     user_data)
{
  const TcAsyncCode *row = item_row (item);
  g_autofree char *text = row->started > 0
                          ? g_strdup_printf ("%.1f", tc_async_code_segments_per_instance (row))
                          : g_strdup ("—");

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
bind_active (GtkListItem *list_item,
             gpointer     item,
             gpointer     user_data)
{
  const TcAsyncCode *row = item_row (item);
  g_autofree char *first = tc_units_format_seconds (row->first_ns);
  g_autofree char *last = tc_units_format_seconds (row->last_ns);
  g_autofree char *text = g_strdup_printf ("%s – %s", first, last);
  g_autofree char *tooltip = g_strdup_printf (_("First active at %s, last at %s"), first, last);

  gtk_widget_set_tooltip_text (gtk_list_item_get_child (list_item), tooltip);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static GtkWidget *
create_bar_cell (void)
{
  return tc_bar_cell_new ();
}

static int
compare_u64_field (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  guint64 x = G_STRUCT_MEMBER (guint64, item_row (a), GPOINTER_TO_SIZE (user_data));
  guint64 y = G_STRUCT_MEMBER (guint64, item_row (b), GPOINTER_TO_SIZE (user_data));

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_i64_field (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  gint64 x = G_STRUCT_MEMBER (gint64, item_row (a), GPOINTER_TO_SIZE (user_data));
  gint64 y = G_STRUCT_MEMBER (gint64, item_row (b), GPOINTER_TO_SIZE (user_data));

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_segments (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  double x = tc_async_code_segments_per_instance (item_row (a));
  double y = tc_async_code_segments_per_instance (item_row (b));

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_threads (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  guint x = item_row (a)->threads->len, y = item_row (b)->threads->len;

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_name (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  int cmp = g_utf8_collate (item_row (a)->name, item_row (b)->name);

  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  TcAsyncSection *self = user_data;
  g_autofree char *name = NULL;

  if (self->filter_text == NULL)
    return TRUE;
  name = g_utf8_casefold (item_row (item)->name, -1);
  return strstr (name, self->filter_text) != NULL;
}

static void
search_changed_cb (TcAsyncSection *self,
                   GtkSearchEntry *entry)
{
  tc_ui_filter_text_set (&self->filter_text, gtk_editable_get_text (GTK_EDITABLE (entry)), self->filter);
}

static void
setup_columns (TcAsyncSection *self)
{
  static const struct { const char *title; gsize offset; } counts[] = {
    { N_("Started"), G_STRUCT_OFFSET (TcAsyncCode, started) },
    { N_("Ended"), G_STRUCT_OFFSET (TcAsyncCode, finished) },
    { N_("Awaits"), G_STRUCT_OFFSET (TcAsyncCode, suspended) },
    { N_("Resumes"), G_STRUCT_OFFSET (TcAsyncCode, resumed) },
  };
  GtkColumnViewColumn *running_column;
  GListModel *columns;

  tc_ui_column_view_append (self->column_view, _("Coroutine"), tc_ui_cell_label_new, bind_name, NULL,
              GTK_SORTER (gtk_custom_sorter_new (compare_name, NULL, NULL)), TRUE);
  tc_ui_column_view_append (self->column_view, _("Threads"), tc_ui_cell_label_new, bind_threads, self,
              GTK_SORTER (gtk_custom_sorter_new (compare_threads, NULL, NULL)), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    tc_ui_column_view_append (self->column_view, _(counts[i].title), tc_ui_cell_number_new, bind_count,
                GSIZE_TO_POINTER (counts[i].offset),
                GTK_SORTER (gtk_custom_sorter_new (compare_u64_field,
                                                   GSIZE_TO_POINTER (counts[i].offset), NULL)), FALSE);
  tc_ui_column_view_append (self->column_view, _("Running"), create_bar_cell, bind_running, self,
              GTK_SORTER (gtk_custom_sorter_new (compare_i64_field,
                                                 GSIZE_TO_POINTER (G_STRUCT_OFFSET (TcAsyncCode, running_ns)),
                                                 NULL)), FALSE);
  tc_ui_column_view_append (self->column_view, _("Runs/Inst."), tc_ui_cell_number_new, bind_segments, NULL,
              GTK_SORTER (gtk_custom_sorter_new (compare_segments, NULL, NULL)), FALSE);
  tc_ui_column_view_append (self->column_view, _("Active"), tc_ui_cell_number_new, bind_active, NULL,
              GTK_SORTER (gtk_custom_sorter_new (compare_i64_field,
                                                 GSIZE_TO_POINTER (G_STRUCT_OFFSET (TcAsyncCode, first_ns)),
                                                 NULL)), FALSE);

  /* Longest running first, like the text report. */
  columns = gtk_column_view_get_columns (self->column_view);
  running_column = g_list_model_get_item (columns, 2 + G_N_ELEMENTS (counts));
  gtk_column_view_sort_by_column (self->column_view, running_column, GTK_SORT_DESCENDING);
  g_object_unref (running_column);
}

static void
show_coroutines (TcAsyncSection *self,
                 GArray         *coroutines)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) threads = g_hash_table_new (NULL, NULL);
  g_autofree char *summary = NULL;
  guint64 started = 0;

  self->coroutines = coroutines;
  for (guint i = 0; i < coroutines->len; i++)
    {
      const TcAsyncCode *row = &g_array_index (coroutines, TcAsyncCode, i);

      self->max_running_ns = MAX (self->max_running_ns, row->running_ns);
      started += row->started;
      for (guint t = 0; t < row->threads->len; t++)
        g_hash_table_add (threads, GUINT_TO_POINTER (g_array_index (row->threads, TcAsyncCode, t).thread_id));
      g_ptr_array_add (items, tc_item_new (i, row));
    }
  g_list_store_splice (self->store, 0, 0, items->pdata, items->len);

  {
    guint n_threads = g_hash_table_size (threads);
    g_autofree char *n_coroutines = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u coroutine", "%u coroutines",
                                                                  coroutines->len), coroutines->len);
    g_autofree char *on_threads = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "on %u thread", "on %u threads",
                                                                n_threads), n_threads);
    g_autofree char *started_text = tc_units_format_count (started);
    g_autofree char *n_started = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s instance started",
                                                               "%s instances started",
                                                               tc_units_plural_n (started)), started_text);

    summary = g_strdup_printf ("%s %s · %s", n_coroutines, on_threads, n_started);
  }
  gtk_label_set_text (self->total_label, summary);
  gtk_widget_set_visible (self->coroutines_box, coroutines->len > 0);
}

static void
coroutines_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_task_return_pointer (task, tc_analysis_async (task_data, 0, NULL, NULL), (GDestroyNotify)g_array_unref);
}

static void
coroutines_ready_cb (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GArray *coroutines = g_task_propagate_pointer (G_TASK (result), NULL);

  /* NULL: cancelled, the page is gone. */
  if (coroutines != NULL)
    show_coroutines (TC_ASYNC_SECTION (source_object), coroutines);
}

/* The pass over the events takes a while on a big recording (about a
 * second per 30 M events): it runs in a worker, the document being
 * immutable once loaded. */
static void
load_coroutines (TcAsyncSection *self,
                 TcDocument     *document)
{
  g_autoptr(GTask) task = NULL;

  self->document = document;
  if (!tc_analysis_has_async (document))
    {
      gtk_widget_set_visible (self->coroutines_box, FALSE);
      return;
    }
  gtk_label_set_text (self->total_label, _("Counting coroutine activity…"));
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, coroutines_ready_cb, NULL);
  g_task_set_source_tag (task, load_coroutines);
  g_task_set_task_data (task, g_object_ref (document), g_object_unref);
  g_task_run_in_thread (task, coroutines_worker);
}

/* ---- the tasks snapshots caught (the seed's section) ------------------- */

static void
load_tasks (TcAsyncSection *self,
            TcDocument     *document)
{
  GArray *snapshots = tc_document_get_snapshots (document);
  g_autoptr(GHashTable) tasks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  guint max_count = 0;
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < snapshots->len; i++)
    {
      const TcDocSnapshot *snap = &g_array_index (snapshots, TcDocSnapshot, i);
      TaskActivity *task;

      if (!*snap->async_task)
        continue;

      if (!(task = g_hash_table_lookup (tasks, snap->async_task)))
        {
          task = g_new0 (TaskActivity, 1);
          task->name = snap->async_task;
          task->coro = snap->async_coro;
          task->first_ns = snap->time_ns;
          g_hash_table_insert (tasks, (gpointer)task->name, task);
        }
      task->count++;
      task->last_ns = snap->time_ns;
      max_count = MAX (max_count, task->count);
    }

  g_hash_table_iter_init (&iter, tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_tasks);

  for (guint i = 0; i < sorted->len; i++)
    {
      const TaskActivity *task = g_ptr_array_index (sorted, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *bar = tc_bar_cell_new ();
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u snapshot", "%u snapshots",
                                                             task->count), task->count);
      g_autofree char *first = tc_units_format_seconds (task->first_ns);
      g_autofree char *last = tc_units_format_seconds (task->last_ns);
      g_autofree char *subtitle = g_strdup_printf (_("%s%sseen from %s to %s"),
                                                   *task->coro ? task->coro : "",
                                                   *task->coro ? " · " : "",
                                                   first, last);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), task->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("media-playlist-shuffle-symbolic"));
      tc_bar_cell_set_text (TC_BAR_CELL (bar), count);
      tc_bar_cell_set_fraction (TC_BAR_CELL (bar), max_count ? (double)task->count / max_count : 0);
      gtk_widget_set_size_request (bar, 220, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
      gtk_list_box_append (self->list, row);
    }

  self->n_tasks = sorted->len;
}

static void
tc_async_section_load (TcSection *section,
                       TcViewerSession *session)
{
  TcAsyncSection *self = (TcAsyncSection *)section;
  TcDocument *document = tc_viewer_session_get_document (session);

  load_coroutines (self, document);
  load_tasks (self, document);
  gtk_widget_set_visible (self->tasks_scroller, self->n_tasks > 0);
  /* Only tasks: their list takes the page. */
  if (!gtk_widget_get_visible (self->coroutines_box))
    {
      gtk_widget_set_vexpand (self->tasks_scroller, TRUE);
      gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->tasks_scroller), -1);
    }
}

static gboolean
tc_async_section_start_search (TcSection *section)
{
  TcAsyncSection *self = (TcAsyncSection *)section;

  if (!gtk_widget_get_visible (self->coroutines_box))
    return FALSE;
  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
tc_async_section_dispose (GObject *object)
{
  TcAsyncSection *self = (TcAsyncSection *)object;

  /* The column view may keep the filter model a little longer than us. */
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), TC_TYPE_ASYNC_SECTION);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->coroutines, g_array_unref);
  g_clear_pointer (&self->filter_text, g_free);

  G_OBJECT_CLASS (tc_async_section_parent_class)->dispose (object);
}

static void
tc_async_section_class_init (TcAsyncSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_async_section_dispose;

  section_class->has_data = tc_async_section_has_data;
  section_class->load = tc_async_section_load;
  section_class->start_search = tc_async_section_start_search;
  tc_section_class_set_info (section_class, "async", _("Async Tasks"), "media-playlist-shuffle-symbolic");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-async-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcAsyncSection, coroutines_box);
  gtk_widget_class_bind_template_child (widget_class, TcAsyncSection, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TcAsyncSection, total_label);
  gtk_widget_class_bind_template_child (widget_class, TcAsyncSection, column_view);
  gtk_widget_class_bind_template_child (widget_class, TcAsyncSection, tasks_scroller);
  gtk_widget_class_bind_template_child (widget_class, TcAsyncSection, list);
}

static void
tc_async_section_init (TcAsyncSection *self)
{
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (TC_TYPE_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->store), GTK_FILTER (self->filter));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                    g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  setup_columns (self);

  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
}

guint
tc_async_section_get_n_tasks (TcAsyncSection *self)
{
  g_return_val_if_fail (TC_IS_ASYNC_SECTION (self), 0);

  return self->n_tasks;
}

/**
 * tc_async_section_get_model:
 *
 * Returns: (transfer none): the coroutine table's rows, filtered and sorted
 *   as shown (items are #TcItem pointing at #TcAsyncCode)
 */
GListModel *
tc_async_section_get_model (TcAsyncSection *self)
{
  g_return_val_if_fail (TC_IS_ASYNC_SECTION (self), NULL);

  return G_LIST_MODEL (self->selection);
}

void
tc_async_section_set_filter (TcAsyncSection *self,
                             const char     *text)
{
  g_return_if_fail (TC_IS_ASYNC_SECTION (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* Now, not after the entry's search delay. */
  search_changed_cb (self, self->search_entry);
}

/* tc-async-section.c — report section 12: async / coroutine activity
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-bar-cell.h"
#include "tc-units.h"

#include "tc-async-section.h"

struct _TcAsyncSection
{
  TcSection   parent_instance;

  guint       n_tasks;

  GtkListBox *list;
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
  GArray *snapshots = tc_document_get_snapshots (tc_viewer_session_get_document (session));

  for (guint i = 0; i < snapshots->len; i++)
    if (*g_array_index (snapshots, TcDocSnapshot, i).async_task)
      return TRUE;

  return FALSE;
}

static void
tc_async_section_load (TcSection *section,
                       TcViewerSession *session)
{
  TcAsyncSection *self = (TcAsyncSection *)section;
  GArray *snapshots = tc_document_get_snapshots (tc_viewer_session_get_document (session));
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
tc_async_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TC_TYPE_ASYNC_SECTION);

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
  tc_section_class_set_info (section_class, "async", _("Async Tasks"), "media-playlist-shuffle-symbolic");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-async-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcAsyncSection, list);
}

static void
tc_async_section_init (TcAsyncSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

guint
tc_async_section_get_n_tasks (TcAsyncSection *self)
{
  g_return_val_if_fail (TC_IS_ASYNC_SECTION (self), 0);

  return self->n_tasks;
}

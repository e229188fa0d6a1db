/* tc-functions-section.c — report section 5: function performance
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stddef.h>

#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-bar-cell.h"
#include "tc-histogram.h"
#include "tc-item.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-functions-section.h"

/* As the text report: the slowest calls and the recursion list are short. */
#define N_SLOWEST 5

struct _TcFunctionsSection
{
  TcSection           parent_instance;

  GListStore         *store;
  GtkFilterListModel *filter_model;
  GtkCustomFilter    *filter;
  GtkSingleSelection *selection;
  char               *filter_text;
  double              max_total_ms;
  double              max_self_ms;

  /* Template widgets */
  GtkSearchEntry     *search_entry;
  GtkLabel           *total_label;
  GtkColumnView      *column_view;
  GtkLabel           *detail_title;
  GtkButton          *source_button;
  GtkLabel           *detail_subtitle;
  TcHistogram        *histogram;
  GtkBox             *side_box;
};

G_DEFINE_FINAL_TYPE (TcFunctionsSection, tc_functions_section, TC_TYPE_SECTION)

static const TcFunctionStats *
item_stats (gpointer item)
{
  return tc_item_get_data (TC_ITEM (item));
}

/* The text report colours by average: < 1 ms good, < 10 ms warning,
 * < 100 ms accent, else bad. */
static int
level_for_avg (double avg_ms)
{
  if (avg_ms < 1.0)
    return 1;
  if (avg_ms < 10.0)
    return 2;
  if (avg_ms < 100.0)
    return 0;
  return 3;
}

static void
bind_name (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  const TcFunctionStats *stats = item_stats (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));

  gtk_label_set_text (label, stats->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), stats->name);
}

static void
bind_calls (GtkListItem *list_item,
            gpointer     item,
            gpointer     user_data)
{
  g_autofree char *text = tc_units_format_count (item_stats (item)->calls);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
bind_total (GtkListItem *list_item,
            gpointer     item,
            gpointer     user_data)
{
  TcFunctionsSection *self = user_data;
  const TcFunctionStats *stats = item_stats (item);
  TcBarCell *cell = TC_BAR_CELL (gtk_list_item_get_child (list_item));
  g_autofree char *text = tc_units_format_ms (stats->total_ms);

  tc_bar_cell_set_text (cell, text);
  tc_bar_cell_set_fraction (cell, self->max_total_ms > 0 ? stats->total_ms / self->max_total_ms : 0);
  tc_bar_cell_set_level (cell, level_for_avg (stats->avg_ms));
}

static void
bind_self (GtkListItem *list_item,
           gpointer     item,
           gpointer     user_data)
{
  TcFunctionsSection *self = user_data;
  const TcFunctionStats *stats = item_stats (item);
  TcBarCell *cell = TC_BAR_CELL (gtk_list_item_get_child (list_item));
  g_autofree char *text = tc_units_format_ms (stats->self_ms);

  tc_bar_cell_set_text (cell, text);
  tc_bar_cell_set_fraction (cell, self->max_self_ms > 0 ? stats->self_ms / self->max_self_ms : 0);
}

/* The ms columns share one bind: the field's offset is the user data. */
static void
bind_ms_field (GtkListItem *list_item,
               gpointer     item,
               gpointer     user_data)
{
  const TcFunctionStats *stats = item_stats (item);
  double ms = G_STRUCT_MEMBER (double, stats, GPOINTER_TO_SIZE (user_data));
  g_autofree char *text = tc_units_format_ms (ms);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static GtkWidget *
create_bar_cell (void)
{
  return tc_bar_cell_new ();
}

static int
compare_ms_field (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  double x = G_STRUCT_MEMBER (double, item_stats ((gpointer)a), GPOINTER_TO_SIZE (user_data));
  double y = G_STRUCT_MEMBER (double, item_stats ((gpointer)b), GPOINTER_TO_SIZE (user_data));

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_calls (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  guint64 x = item_stats ((gpointer)a)->calls;
  guint64 y = item_stats ((gpointer)b)->calls;

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_name (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  int cmp = g_utf8_collate (item_stats ((gpointer)a)->name, item_stats ((gpointer)b)->name);

  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  TcFunctionsSection *self = user_data;
  g_autofree char *name = NULL;

  if (self->filter_text == NULL || *self->filter_text == 0)
    return TRUE;

  name = g_utf8_casefold (item_stats (item)->name, -1);

  return strstr (name, self->filter_text) != NULL;
}

static void
setup_columns (TcFunctionsSection *self)
{
  static const struct { const char *title; gsize offset; } ms_columns[] = {
    { N_("Avg"), G_STRUCT_OFFSET (TcFunctionStats, avg_ms) },
    { N_("P50"), G_STRUCT_OFFSET (TcFunctionStats, p50_ms) },
    { N_("P95"), G_STRUCT_OFFSET (TcFunctionStats, p95_ms) },
    { N_("P99"), G_STRUCT_OFFSET (TcFunctionStats, p99_ms) },
    { N_("Max"), G_STRUCT_OFFSET (TcFunctionStats, max_ms) },
  };
  GtkColumnViewColumn *total_column;
  GListModel *columns;

  tc_ui_column_view_append (self->column_view, _("Function"), tc_ui_cell_label_new, bind_name, NULL,
              GTK_SORTER (gtk_custom_sorter_new (compare_name, NULL, NULL)), TRUE);
  tc_ui_column_view_append (self->column_view, _("Calls"), tc_ui_cell_number_new, bind_calls, NULL,
              GTK_SORTER (gtk_custom_sorter_new (compare_calls, NULL, NULL)), FALSE);
  tc_ui_column_view_append (self->column_view, _("Total"), create_bar_cell, bind_total, self,
              GTK_SORTER (gtk_custom_sorter_new (compare_ms_field,
                                                 GSIZE_TO_POINTER (G_STRUCT_OFFSET (TcFunctionStats, total_ms)),
                                                 NULL)), FALSE);
  tc_ui_column_view_append (self->column_view, _("Self"), create_bar_cell, bind_self, self,
              GTK_SORTER (gtk_custom_sorter_new (compare_ms_field,
                                                 GSIZE_TO_POINTER (G_STRUCT_OFFSET (TcFunctionStats, self_ms)),
                                                 NULL)), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (ms_columns); i++)
    tc_ui_column_view_append (self->column_view, _(ms_columns[i].title), tc_ui_cell_number_new, bind_ms_field,
                GSIZE_TO_POINTER (ms_columns[i].offset),
                GTK_SORTER (gtk_custom_sorter_new (compare_ms_field,
                                                   GSIZE_TO_POINTER (ms_columns[i].offset),
                                                   NULL)), FALSE);

  /* Slowest total first, like the text report. */
  columns = gtk_column_view_get_columns (self->column_view);
  total_column = g_list_model_get_item (columns, 2);
  gtk_column_view_sort_by_column (self->column_view, total_column, GTK_SORT_DESCENDING);
  g_object_unref (total_column);
}

static void
show_function (TcFunctionsSection    *self,
               const TcFunctionStats *stats)
{
  TcDocument *document = tc_viewer_session_get_document (tc_section_get_session (TC_SECTION (self)));
  const TcDocCode *code;
  const TcDocFile *file = NULL;
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;
  g_autofree char *std = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *where = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->source_button), FALSE);

  if (stats == NULL)
    {
      gtk_label_set_text (self->detail_title, _("Select a function to see how long its calls took"));
      gtk_label_set_text (self->detail_subtitle, "");
      tc_histogram_set_durations (self->histogram, NULL, 0, 0, 0);
      return;
    }

  code = tc_document_get_code (document, stats->code_id);
  if (code != NULL && code->file_id != 0)
    file = tc_document_get_file (document, code->file_id);
  if (file != NULL)
    {
      where = g_strdup_printf ("%s:%u", file->basename, code->first_line);

      /* "view.show-source" is the annotated source page's (file, line). */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->source_button),
                                              g_variant_new ("(uu)", file->id, code->first_line));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->source_button), "view.show-source");
      gtk_widget_set_visible (GTK_WIDGET (self->source_button), file->source != NULL);
    }

  min = tc_units_format_ms (stats->min_ms);
  max = tc_units_format_ms (stats->max_ms);
  std = tc_units_format_ms (stats->std_ms);
  calls = tc_units_format_count (stats->calls);
  subtitle = g_strdup_printf (_("%s%s%s calls · min %s · max %s · σ %s · deepest recursion %u"),
                              where ? where : "", where ? " · " : "",
                              calls, min, max, std, stats->max_depth);

  gtk_label_set_text (self->detail_title, stats->name);
  gtk_label_set_text (self->detail_subtitle, subtitle);

  tc_histogram_set_durations (self->histogram, stats->durations,
                              stats->p50_ms, stats->p95_ms, stats->p99_ms);
}

static void
selection_changed_cb (TcFunctionsSection *self)
{
  gpointer item = gtk_single_selection_get_selected_item (self->selection);

  show_function (self, item ? item_stats (item) : NULL);
}

/* Enter or a double click on a row opens the function's source, like the
 * side panel's button (the annotated source page through
 * "view.show-source"). */
static void
row_activated_cb (TcFunctionsSection *self,
                  guint               position)
{
  gtk_single_selection_set_selected (self->selection, position);
  if (gtk_widget_get_visible (GTK_WIDGET (self->source_button)))
    gtk_widget_activate_action_variant (GTK_WIDGET (self), "view.show-source",
                                        gtk_actionable_get_action_target_value (GTK_ACTIONABLE (self->source_button)));
}

static void
search_changed_cb (TcFunctionsSection *self,
                   GtkSearchEntry     *entry)
{
  tc_functions_section_set_filter (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static GtkWidget *
side_group (TcFunctionsSection *self,
            const char         *title)
{
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *list = gtk_list_box_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "heading");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_box_append (self->side_box, label);
  gtk_box_append (self->side_box, list);

  return list;
}

static void
side_row (GtkWidget  *list,
          const char *title,
          const char *subtitle,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
}

static void
load_side (TcFunctionsSection *self,
           TcDocument         *document)
{
  g_autoptr(GArray) slowest = tc_analysis_slowest (document, N_SLOWEST);
  g_autoptr(GArray) blocks = tc_analysis_block_timings (document);
  GPtrArray *functions = tc_document_get_function_stats (document);
  GtkWidget *list;
  gboolean any_recursion = FALSE;

  if (slowest != NULL && slowest->len > 0)
    {
      list = side_group (self, _("Slowest Calls"));
      for (guint i = 0; i < slowest->len; i++)
        {
          const TcSlowCall *call = &g_array_index (slowest, TcSlowCall, i);
          g_autofree char *ms = tc_units_format_ms (call->ms);

          side_row (list, call->name, NULL, ms);
        }
    }

  if (blocks != NULL && blocks->len > 0)
    {
      list = side_group (self, _("Blocks and Checkpoints"));
      for (guint i = 0; i < blocks->len; i++)
        {
          const TcBlockStats *block = &g_array_index (blocks, TcBlockStats, i);
          g_autofree char *total = tc_units_format_ms (block->total_ms);
          g_autofree char *avg = tc_units_format_ms (block->avg_ms);
          g_autofree char *min = tc_units_format_ms (block->min_ms);
          g_autofree char *max = tc_units_format_ms (block->max_ms);
          g_autofree char *subtitle = g_strdup_printf (_("%u × avg %s (min %s, max %s)"),
                                                       block->calls, avg, min, max);

          side_row (list, block->name, subtitle, total);
        }
    }

  for (guint i = 0; i < functions->len; i++)
    {
      const TcFunctionStats *stats = g_ptr_array_index (functions, i);
      g_autofree char *depth = NULL;

      if (stats->max_depth <= 1)
        continue;

      if (!any_recursion)
        list = side_group (self, _("Recursion Depths"));
      any_recursion = TRUE;

      depth = g_strdup_printf ("%u", stats->max_depth);
      side_row (list, stats->name,
                stats->max_depth > 20 ? _("Stack overflow risk")
                : stats->max_depth > 5 ? _("Deep") : NULL,
                depth);
    }
}

static gboolean
tc_functions_section_has_data (TcSection *section,
                               TcViewerSession *session)
{
  return tc_document_get_function_stats (tc_viewer_session_get_document (session))->len > 0;
}

static void
tc_functions_section_load (TcSection *section,
                           TcViewerSession *session)
{
  TcFunctionsSection *self = (TcFunctionsSection *)section;
  TcDocument *document = tc_viewer_session_get_document (session);
  GPtrArray *functions = tc_document_get_function_stats (document);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *total_ms = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *summary = NULL;
  double sum_ms = 0;
  double duration;

  for (guint i = 0; i < functions->len; i++)
    {
      const TcFunctionStats *stats = g_ptr_array_index (functions, i);

      g_ptr_array_add (items, tc_item_new (i, stats));
      self->max_total_ms = MAX (self->max_total_ms, stats->total_ms);
      self->max_self_ms = MAX (self->max_self_ms, stats->self_ms);
      sum_ms += stats->total_ms;
    }

  g_list_store_splice (self->store, 0, 0, items->pdata, items->len);

  /* The text report's footer, with its calls/s (0 s counts as 1 s). */
  duration = tc_document_get_duration (document);
  total_ms = tc_units_format_ms (sum_ms);
  calls = tc_units_format_count (tc_document_get_total_calls (document));
  summary = g_strdup_printf (_("%s calls · %s in total · %.0f calls/s"),
                             calls, total_ms,
                             (double)tc_document_get_total_calls (document) / (duration > 0 ? duration : 1.0));
  gtk_label_set_text (self->total_label, summary);

  load_side (self, document);
  selection_changed_cb (self);
}

static gboolean
tc_functions_section_start_search (TcSection *section)
{
  TcFunctionsSection *self = (TcFunctionsSection *)section;

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
tc_functions_section_dispose (GObject *object)
{
  TcFunctionsSection *self = (TcFunctionsSection *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_FUNCTIONS_SECTION);

  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_pointer (&self->filter_text, g_free);

  G_OBJECT_CLASS (tc_functions_section_parent_class)->dispose (object);
}

static void
tc_functions_section_class_init (TcFunctionsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_functions_section_dispose;

  section_class->has_data = tc_functions_section_has_data;
  section_class->load = tc_functions_section_load;
  section_class->start_search = tc_functions_section_start_search;
  tc_section_class_set_info (section_class, "functions", _("Function Performance"), "power-profile-performance-symbolic");

  g_type_ensure (TC_TYPE_HISTOGRAM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-functions-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, total_label);
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, column_view);
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, detail_title);
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, source_button);
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, detail_subtitle);
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, histogram);
  gtk_widget_class_bind_template_child (widget_class, TcFunctionsSection, side_box);
}

static void
tc_functions_section_init (TcFunctionsSection *self)
{
  GtkSortListModel *sorted;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (TC_TYPE_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                                  GTK_FILTER (self->filter));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filter_model),
                                    g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  setup_columns (self);

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate",
                           G_CALLBACK (row_activated_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * tc_functions_section_get_model:
 *
 * Returns: (transfer none): the table's rows, filtered and sorted as shown
 *   (items are #TcItem pointing at #TcFunctionStats)
 */
GListModel *
tc_functions_section_get_model (TcFunctionsSection *self)
{
  g_return_val_if_fail (TC_IS_FUNCTIONS_SECTION (self), NULL);

  return G_LIST_MODEL (self->selection);
}

void
tc_functions_section_set_filter (TcFunctionsSection *self,
                                 const char         *text)
{
  g_return_if_fail (TC_IS_FUNCTIONS_SECTION (self));

  tc_ui_filter_text_set (&self->filter_text, text, self->filter);
}

void
tc_functions_section_select (TcFunctionsSection *self,
                             guint               position)
{
  g_return_if_fail (TC_IS_FUNCTIONS_SECTION (self));

  gtk_single_selection_set_selected (self->selection, position);
}

/* Selects the row of `code_id` (clearing a filter that hides it) and
 * scrolls it into view.  FALSE when the table has no such function. */
gboolean
tc_functions_section_select_code (TcFunctionsSection *self,
                                  guint32             code_id)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (TC_IS_FUNCTIONS_SECTION (self), FALSE);

  for (guint pass = 0; pass < 2; pass++)
    {
      model = G_LIST_MODEL (self->selection);
      n = g_list_model_get_n_items (model);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (model, i);

          if (item_stats (item)->code_id != code_id)
            continue;
          gtk_single_selection_set_selected (self->selection, i);
          /* gtk_column_view_scroll_to() is GTK 4.12. */
          gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item", "u", i);
          return TRUE;
        }
      if (self->filter_text == NULL)
        break;
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      tc_functions_section_set_filter (self, NULL);
    }
  return FALSE;
}

/**
 * tc_functions_section_get_histogram:
 *
 * Returns: (transfer none): the duration histogram of the selected function
 */
GtkWidget *
tc_functions_section_get_histogram (TcFunctionsSection *self)
{
  g_return_val_if_fail (TC_IS_FUNCTIONS_SECTION (self), NULL);

  return GTK_WIDGET (self->histogram);
}

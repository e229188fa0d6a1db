/* tc-ui.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "tc-ui.h"

/**
 * tc_ui_fact_row_new:
 *
 * A row "title … value" with the value selectable, for the fact lists.
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
tc_ui_fact_row_new (const char *title,
                    const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value && *value ? value : "—");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_widget_set_tooltip_text (label, value);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

/**
 * tc_ui_pill_new:
 * @css_class: (nullable): "error", "warning", "good", "accent", …
 *
 * Returns: (transfer floating): a rounded tag label
 */
GtkWidget *
tc_ui_pill_new (const char *text,
                const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "tc-pill");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (label, GTK_ALIGN_START);

  return label;
}

const char *
tc_ui_level_icon_name (TcLevel level)
{
  switch (level)
    {
    case TC_LEVEL_ERROR: return "dialog-error-symbolic";
    case TC_LEVEL_WARN: return "dialog-warning-symbolic";
    case TC_LEVEL_INFO:
    default: return "dialog-information-symbolic";
    }
}

const char *
tc_ui_level_css_class (TcLevel level)
{
  switch (level)
    {
    case TC_LEVEL_ERROR: return "error";
    case TC_LEVEL_WARN: return "warning";
    case TC_LEVEL_INFO:
    default: return "accent";
    }
}

/* The text report's EVT colours (§3A, section 15) as pill classes. */
const char *
tc_ui_snapshot_kind_css (TcSnapshotKind kind)
{
  switch (kind)
    {
    case TC_SNAPSHOT_CRASH:
    case TC_SNAPSHOT_ASSERT_FAIL:
      return "crash";
    case TC_SNAPSHOT_SNAP:
      return "good";
    case TC_SNAPSHOT_TRACE_CALL:
    case TC_SNAPSHOT_TRACE_RETURN:
      return "accent";
    case TC_SNAPSHOT_LINE:
      return NULL;
    default:
      return "warning";
    }
}

GtkWidget *
tc_ui_empty_label_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);

  return label;
}

void
tc_ui_clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)))
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else if (GTK_IS_BOX (box))
        gtk_box_remove (GTK_BOX (box), child);
      else if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else
        gtk_widget_unparent (child);
    }
}

typedef struct
{
  GtkWidget   *(*create) (void);
  TcUiBindFunc  bind;
  gpointer      user_data;
} ColumnFuncs;

static void
column_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ColumnFuncs              *funcs)
{
  gtk_list_item_set_child (list_item, funcs->create ());
}

static void
column_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                ColumnFuncs              *funcs)
{
  funcs->bind (list_item, gtk_list_item_get_item (list_item), funcs->user_data);
}

/**
 * tc_ui_column_new:
 * @create: makes the cell widget
 * @bind: fills it from the row's item
 *
 * A column view column from two functions instead of a factory's four
 * signals.
 *
 * Returns: (transfer full): the column
 */
GtkColumnViewColumn *
tc_ui_column_new (const char   *title,
                  GtkWidget  *(*create) (void),
                  TcUiBindFunc  bind,
                  gpointer      user_data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  ColumnFuncs *funcs = g_new0 (ColumnFuncs, 1);

  funcs->create = create;
  funcs->bind = bind;
  funcs->user_data = user_data;

  g_signal_connect (factory, "setup", G_CALLBACK (column_setup_cb), funcs);
  g_signal_connect (factory, "bind", G_CALLBACK (column_bind_cb), funcs);
  g_object_set_data_full (G_OBJECT (factory), "tc-column-funcs", funcs, g_free);

  return gtk_column_view_column_new (title, factory);
}

void
tc_ui_column_view_append (GtkColumnView *view,
                          const char    *title,
                          GtkWidget    *(*create) (void),
                          TcUiBindFunc   bind,
                          gpointer       user_data,
                          GtkSorter     *sorter,
                          gboolean       expand)
{
  g_autoptr(GtkColumnViewColumn) column = tc_ui_column_new (title, create, bind, user_data);

  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (sorter);
}

void
tc_ui_filter_text_set (char            **filter_text,
                       const char       *text,
                       GtkCustomFilter  *filter)
{
  g_clear_pointer (filter_text, g_free);
  if (text != NULL && *text != '\0')
    *filter_text = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (filter), GTK_FILTER_CHANGE_DIFFERENT);
}

GtkWidget *
tc_ui_cell_label_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);

  return label;
}

GtkWidget *
tc_ui_cell_number_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_add_css_class (label, "numeric");

  return label;
}

GtkWidget *
tc_ui_cell_mono_new (void)
{
  GtkWidget *label = tc_ui_cell_label_new ();

  gtk_widget_add_css_class (label, "tc-value");

  return label;
}

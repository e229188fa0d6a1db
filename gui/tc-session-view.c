/* tc-session-view.c — one open recording: loading, sidebar and pages
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-async-section.h"
#include "tc-crash-section.h"
#include "tc-functions-section.h"
#include "tc-overview-section.h"
#include "tc-processes-section.h"
#include "tc-return-values-section.h"
#include "tc-snapshots-section.h"
#include "tc-suggestions-section.h"
#include "tc-warnings-section.h"
#include "compare/tc-compare-section.h"
#include "source/tc-source-section.h"
#include "charts/tc-chart-sections.h"

#include "tc-session-view.h"

struct _TcSessionView
{
  GtkWidget       parent_instance;

  TcViewerSession      *session;
  GCancellable   *cancellable;
  GPtrArray      *sections;

  /* Template widgets */
  GtkStack       *state_stack;
  AdwStatusPage  *loading_page;
  GtkProgressBar *progress_bar;
  GtkListBox     *summary_list;
  AdwStatusPage  *error_page;
  GtkRevealer    *banner;
  GtkLabel       *banner_label;
  GtkButton      *banner_close;
  AdwLeaflet     *leaflet;
  GtkListBox     *sidebar;
  GtkStack       *section_stack;
  GtkRevealer    *back_revealer;
  GtkButton      *back_button;
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TcSessionView, tc_session_view, GTK_TYPE_WIDGET)

static GParamSpec *properties [N_PROPS];

/* The report's pages in the order of the text report's sections (spec §3A);
 * the chart pages of later issues slot in between. */
typedef GType (*SectionTypeFunc) (void);
static const SectionTypeFunc section_types[] = {
  tc_overview_section_get_type,        /* 1, 2 */
  tc_processes_section_get_type,       /* a multi-process recording's set */
  tc_warnings_section_get_type,        /* 3 */
  tc_crash_section_get_type,           /* 4 */
  tc_compare_section_get_type,
  tc_functions_section_get_type,       /* 5 */
  tc_flame_graph_section_get_type,
  tc_metrics_section_get_type,
  tc_resources_section_get_type,
  tc_variables_section_get_type,
  tc_hot_lines_section_get_type,
  tc_samples_section_get_type,
  tc_callgraph_section_get_type,
  tc_return_values_section_get_type,   /* 10 */
  tc_async_section_get_type,           /* 12 */
  tc_suggestions_section_get_type,     /* 13 */
  tc_snapshots_section_get_type,       /* 15 */
  tc_source_section_get_type,
};

static GtkListBoxRow *
find_row (TcSessionView *self,
          const char    *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) &&
          g_strcmp0 (g_object_get_data (G_OBJECT (child), "section-id"), id) == 0)
        return GTK_LIST_BOX_ROW (child);
    }

  return NULL;
}

static GtkWidget *
create_row (TcSection *section)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (tc_section_get_title (section));

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (tc_section_get_icon_name (section)));
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, tc_section_get_title (section));
  g_object_set_data_full (G_OBJECT (row), "section-id",
                          g_strdup (tc_section_get_id (section)), g_free);

  return row;
}

static void
sidebar_row_selected_cb (TcSessionView *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list)
{
  const char *id;

  g_assert (TC_IS_SESSION_VIEW (self));

  if (row == NULL)
    return;

  id = g_object_get_data (G_OBJECT (row), "section-id");
  tc_section_load (TC_SECTION (gtk_stack_get_child_by_name (self->section_stack, id)));
  gtk_stack_set_visible_child_name (self->section_stack, id);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
show_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  tc_session_view_show_section (TC_SESSION_VIEW (widget), g_variant_get_string (param, NULL));
}

/* "view.show-source" (file id, line): any page opens the annotated source. */
static void
show_source_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  TcSessionView *self = TC_SESSION_VIEW (widget);
  TcSection *section = tc_session_view_get_section (self, "source");
  guint32 file_id, line;

  g_variant_get (param, "(uu)", &file_id, &line);
  if (TC_IS_SOURCE_SECTION (section) && tc_session_view_show_section (self, "source"))
    tc_source_section_show_line (TC_SOURCE_SECTION (section), file_id, line);
}

static void
update_progress_cb (TcSessionView *self)
{
  double fraction = tc_viewer_session_get_progress (self->session);
  g_autofree char *text = g_strdup_printf ("%.0f %%", fraction * 100.0);

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* While a big recording loads: what it is, from its summary (the rest of
 * the report needs the whole load). */
static void
update_summary_cb (TcSessionView *self)
{
  TcDocument *summary = tc_viewer_session_get_summary (self->session);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list))) != NULL)
    gtk_list_box_remove (self->summary_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_list), summary != NULL);
  if (summary == NULL)
    return;
  tc_overview_section_fill_facts (self->summary_list, summary);
  adw_status_page_set_description (self->loading_page,
                                   _("The report opens once the call trees and statistics of every "
                                     "event are computed."));
}

static void
show_report (TcSessionView *self)
{
  TcDocument *document = tc_viewer_session_get_document (self->session);
  GtkListBoxRow *first = NULL;

  g_assert (TC_IS_SESSION_VIEW (self));
  g_assert (document != NULL);

  /* Only the question "any data?" is asked of every page now; a page is
   * filled when first shown (or asked for), so a big recording shows its
   * first page without paying for the others, and a slow page never blocks
   * the window unless the user goes there. */
  for (guint i = 0; i < self->sections->len; i++)
    {
      TcSection *section = g_ptr_array_index (self->sections, i);
      GtkListBoxRow *row = find_row (self, tc_section_get_id (section));
      gboolean has_data = tc_section_update_has_data (section);

      gtk_widget_set_sensitive (GTK_WIDGET (row), has_data);
      if (has_data && first == NULL)
        first = row;
    }

  if (tc_viewer_session_get_truncated (self->session))
    {
      g_autofree char *text = NULL;
      const char *state = tc_document_get_state_message (document);

      if (tc_document_get_corrupt (document))
        text = g_strdup_printf (_("This recording is damaged: %s. "
                                  "Everything recorded before the damage is shown."),
                                state);
      else
        text = g_strdup_printf (_("This recording is truncated: the program stopped before it "
                                  "finished recording (crash, kill, or still running). "
                                  "Everything saved up to then is shown. (%s)"),
                                state);
      gtk_label_set_text (self->banner_label, text);
      gtk_revealer_set_reveal_child (self->banner, TRUE);
    }

  if (first != NULL)
    gtk_list_box_select_row (self->sidebar, first);

  gtk_stack_set_visible_child_name (self->state_stack, "report");
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TcSessionView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tc_viewer_session_load_finish (TC_VIEWER_SESSION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->state_stack, "error");
      return;
    }

  show_report (self);
}

static void
back_clicked_cb (TcSessionView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
banner_close_cb (TcSessionView *self)
{
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

static void
tc_session_view_constructed (GObject *object)
{
  TcSessionView *self = (TcSessionView *)object;

  G_OBJECT_CLASS (tc_session_view_parent_class)->constructed (object);

  g_return_if_fail (self->session != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (section_types); i++)
    {
      TcSection *section = g_object_new (section_types[i] (),
                                         "session", self->session,
                                         NULL);
      GtkWidget *row = create_row (section);

      gtk_stack_add_named (self->section_stack, GTK_WIDGET (section), tc_section_get_id (section));
      gtk_list_box_append (self->sidebar, row);
      gtk_widget_set_sensitive (row, FALSE);
      g_ptr_array_add (self->sections, section);
    }

  g_signal_connect_object (self->session, "notify::progress",
                           G_CALLBACK (update_progress_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::summary",
                           G_CALLBACK (update_summary_cb), self,
                           G_CONNECT_SWAPPED);

  if (tc_viewer_session_get_title (self->session) != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Loading “%s”…"), tc_viewer_session_get_title (self->session));

      adw_status_page_set_title (self->loading_page, title);
    }
}

static void
tc_session_view_dispose (GObject *object)
{
  TcSessionView *self = (TcSessionView *)object;

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_SESSION_VIEW);

  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_session_view_parent_class)->dispose (object);
}

static void
tc_session_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TcSessionView *self = TC_SESSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_session_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TcSessionView *self = TC_SESSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_session_view_class_init (TcSessionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tc_session_view_constructed;
  object_class->dispose = tc_session_view_dispose;
  object_class->get_property = tc_session_view_get_property;
  object_class->set_property = tc_session_view_set_property;

  properties [PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         TC_TYPE_VIEWER_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-session-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, state_stack);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, loading_page);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, summary_list);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, error_page);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, banner);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, banner_label);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, banner_close);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, sidebar);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, section_stack);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, back_revealer);
  gtk_widget_class_bind_template_child (widget_class, TcSessionView, back_button);

  gtk_widget_class_install_action (widget_class, "view.show-section", "s", show_section_action);
  gtk_widget_class_install_action (widget_class, "view.show-source", "(uu)", show_source_action);
}

static void
tc_session_view_init (TcSessionView *self)
{
  self->sections = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->sidebar, "row-selected",
                           G_CALLBACK (sidebar_row_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->banner_close, "clicked",
                           G_CALLBACK (banner_close_cb), self,
                           G_CONNECT_SWAPPED);

  /* A narrow window folds the sidebar away: offer the way back to it. */
  g_object_bind_property (self->leaflet, "folded", self->back_revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->back_button, "clicked",
                           G_CALLBACK (back_clicked_cb), self,
                           G_CONNECT_SWAPPED);
}

TcSessionView *
tc_session_view_new (TcViewerSession *session)
{
  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  return g_object_new (TC_TYPE_SESSION_VIEW,
                       "session", session,
                       NULL);
}

/**
 * tc_session_view_get_session:
 *
 * Returns: (transfer none): the session shown
 */
TcViewerSession *
tc_session_view_get_session (TcSessionView *self)
{
  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), NULL);

  return self->session;
}

/**
 * tc_session_view_load:
 *
 * Loads the session's recording in a worker thread, showing progress, then
 * the report (or the error).  With a document already set, shows it at once.
 */
void
tc_session_view_load (TcSessionView *self)
{
  g_return_if_fail (TC_IS_SESSION_VIEW (self));

  if (tc_viewer_session_get_document (self->session) != NULL)
    {
      show_report (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->state_stack, "loading");
  update_progress_cb (self);
  tc_viewer_session_load_async (self->session,
                         self->cancellable,
                         load_cb,
                         g_object_ref (self));
}

/**
 * tc_session_view_get_state:
 *
 * Returns: "loading", "error" or "report"
 */
const char *
tc_session_view_get_state (TcSessionView *self)
{
  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->state_stack);
}

/**
 * tc_session_view_get_section:
 *
 * Once the recording is loaded, the page is filled before it is returned
 * (pages are otherwise filled when first shown).
 *
 * Returns: (transfer none) (nullable): the page with that id
 */
TcSection *
tc_session_view_get_section (TcSessionView *self,
                             const char    *id)
{
  GtkWidget *child;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  child = gtk_stack_get_child_by_name (self->section_stack, id);
  if (!TC_IS_SECTION (child))
    return NULL;

  /* Whoever asks for a page gets it filled. */
  if (tc_viewer_session_get_document (self->session) != NULL)
    tc_section_load (TC_SECTION (child));

  return TC_SECTION (child);
}

/**
 * tc_session_view_get_visible_section:
 *
 * Returns: (transfer none) (nullable): the page shown
 */
TcSection *
tc_session_view_get_visible_section (TcSessionView *self)
{
  GtkWidget *child;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), NULL);

  child = gtk_stack_get_visible_child (self->section_stack);

  return TC_IS_SECTION (child) ? TC_SECTION (child) : NULL;
}

/**
 * tc_session_view_get_selected_id:
 *
 * Returns: (nullable): the id of the sidebar's selected row
 */
const char *
tc_session_view_get_selected_id (TcSessionView *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), NULL);

  row = gtk_list_box_get_selected_row (self->sidebar);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "section-id") : NULL;
}

/**
 * tc_session_view_show_section:
 *
 * Shows the page @id when it has data.
 *
 * Returns: whether the page is now shown
 */
gboolean
tc_session_view_show_section (TcSessionView *self,
                              const char    *id)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  row = find_row (self, id);
  if (row == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row)))
    return FALSE;

  gtk_list_box_select_row (self->sidebar, row);
  /* Selecting leaves the list's cursor, and so the keyboard focus, on the
   * row clicked last: with focus in the sidebar it would stay drawn on that
   * page's row (Compare after opening the source from its table), and the
   * arrow keys would move from there. */
  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
    GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

    if (focus != NULL && focus != GTK_WIDGET (row) && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->sidebar)))
      gtk_widget_grab_focus (GTK_WIDGET (row));
  }

  return TRUE;
}

gboolean
tc_session_view_is_section_enabled (TcSessionView *self,
                                    const char    *id)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), FALSE);

  row = find_row (self, id);

  return row != NULL && gtk_widget_get_sensitive (GTK_WIDGET (row));
}

gboolean
tc_session_view_get_banner_revealed (TcSessionView *self)
{
  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->banner);
}

const char *
tc_session_view_get_banner_text (TcSessionView *self)
{
  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), NULL);

  return gtk_label_get_text (self->banner_label);
}

const char *
tc_session_view_get_error_text (TcSessionView *self)
{
  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), NULL);

  return adw_status_page_get_description (self->error_page);
}

/**
 * tc_session_view_start_search:
 *
 * Ctrl+F: focuses the shown page's search, or the function table's when the
 * page has none.
 */
gboolean
tc_session_view_start_search (TcSessionView *self)
{
  TcSection *section;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (self), FALSE);

  section = tc_session_view_get_visible_section (self);
  if (section != NULL && tc_section_start_search (section))
    return TRUE;

  if (tc_session_view_show_section (self, "functions"))
    return tc_section_start_search (tc_session_view_get_section (self, "functions"));

  return FALSE;
}

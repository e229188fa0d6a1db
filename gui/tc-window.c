/* tc-window.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-window-private.h"

G_DEFINE_FINAL_TYPE (TcWindow, tc_window, ADW_TYPE_APPLICATION_WINDOW)

static GSettings *
tc_window_get_settings (TcWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (TC_IS_APPLICATION (app))
    return tc_application_get_settings (TC_APPLICATION (app));

  return NULL;
}

static void
tc_window_recent_row_activated_cb (TcWindow      *self,
                                   GtkListBoxRow *row,
                                   GtkListBox    *list)
{
  const char *uri = g_object_get_data (G_OBJECT (row), "uri");
  g_autoptr(GFile) file = NULL;

  g_assert (TC_IS_WINDOW (self));

  if (uri == NULL)
    return;

  file = g_file_new_for_uri (uri);
  tc_window_open_file (self, file);
}

static void
tc_window_update_recent (TcWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_auto(GStrv) uris = NULL;
  GtkWidget *child;
  guint n = 0;

  g_assert (TC_IS_WINDOW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
    gtk_list_box_remove (self->recent_list, child);

  if (TC_IS_APPLICATION (app))
    uris = tc_application_dup_recent_uris (TC_APPLICATION (app));

  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uris[i]);
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *where = parent ? g_file_get_parse_name (parent) : NULL;
      GtkWidget *row;

      /* Recordings get deleted and moved; do not offer dead entries. */
      if (!g_file_query_exists (file, NULL))
        continue;

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where ? where : "");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("document-open-recent-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "uri", g_strdup (uris[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
      n++;
    }

  gtk_widget_set_visible (self->recent_group, n > 0);
}

static void
tc_window_update_title (TcWindow *self)
{
  TcSessionView *view = tc_window_get_current_view (self);
  TcViewerSession *session = view ? tc_session_view_get_session (view) : NULL;
  GFile *file = session ? tc_viewer_session_get_file (session) : NULL;

  g_assert (TC_IS_WINDOW (self));

  if (file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autofree char *where = parent ? g_file_get_parse_name (parent) : NULL;
      g_autofree char *title = g_strdup_printf ("%s — %s", tc_viewer_session_get_title (session), _("Timecapsule"));

      adw_window_title_set_title (self->window_title, tc_viewer_session_get_title (session));
      adw_window_title_set_subtitle (self->window_title, where ? where : "");
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("Timecapsule"));
      adw_window_title_set_subtitle (self->window_title, "");
      gtk_window_set_title (GTK_WINDOW (self), _("Timecapsule"));
    }
}

static void
tc_window_notify_selected_page_cb (TcWindow   *self,
                                   GParamSpec *pspec,
                                   AdwTabView *tab_view)
{
  g_assert (TC_IS_WINDOW (self));

  gtk_stack_set_visible_child_name (self->main_stack,
                                    adw_tab_view_get_n_pages (tab_view) > 0 ? "tabs" : "empty");
  if (adw_tab_view_get_n_pages (tab_view) == 0)
    tc_window_update_recent (self);

  tc_window_update_title (self);
  _tc_window_actions_update (self);
}

static AdwTabPage *
find_page_for_session (TcWindow        *self,
                       TcViewerSession *session)
{
  guint n = adw_tab_view_get_n_pages (self->tab_view);

  for (guint i = 0; i < n; i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      TcSessionView *view = TC_SESSION_VIEW (adw_tab_page_get_child (page));

      if (tc_session_view_get_session (view) == session)
        return page;
    }

  return NULL;
}

static void
tc_window_session_loading_cb (TcWindow        *self,
                              GParamSpec      *pspec,
                              TcViewerSession *session)
{
  AdwTabPage *page = find_page_for_session (self, session);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  g_assert (TC_IS_WINDOW (self));
  g_assert (TC_IS_VIEWER_SESSION (session));

  if (page != NULL)
    adw_tab_page_set_loading (page, tc_viewer_session_get_loading (session));

  /* Only recordings that opened go into the recent list. */
  if (!tc_viewer_session_get_loading (session) &&
      tc_viewer_session_get_document (session) != NULL &&
      TC_IS_APPLICATION (app))
    tc_application_add_recent (TC_APPLICATION (app), tc_viewer_session_get_file (session));

  _tc_window_actions_update (self);
}

static gboolean
tc_window_close_request (GtkWindow *window)
{
  TcWindow *self = (TcWindow *)window;
  GSettings *settings = tc_window_get_settings (self);

  if (settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window))
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
    }

  return GTK_WINDOW_CLASS (tc_window_parent_class)->close_request (window);
}

/* "application" is an ordinary property, set after constructed(): the
 * settings (window size, recent files) come with it. */
static void
tc_window_notify_application_cb (TcWindow *self)
{
  GSettings *settings = tc_window_get_settings (self);

  if (settings == NULL || g_object_get_data (G_OBJECT (self), "tc-settings-applied"))
    return;

  g_object_set_data (G_OBJECT (self), "tc-settings-applied", GINT_TO_POINTER (TRUE));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (settings, "changed::recent-files",
                           G_CALLBACK (tc_window_update_recent), self,
                           G_CONNECT_SWAPPED);
  tc_window_update_recent (self);
}

static void
tc_window_dispose (GObject *object)
{
  TcWindow *self = (TcWindow *)object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), TC_TYPE_WINDOW);

  G_OBJECT_CLASS (tc_window_parent_class)->dispose (object);
}

static void
tc_window_class_init (TcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tc_window_dispose;

  window_class->close_request = tc_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TcWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, TcWindow, toast_overlay);

  g_type_ensure (TC_TYPE_SESSION_VIEW);
}

static void
tc_window_init (TcWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->tab_view, "notify::selected-page",
                           G_CALLBACK (tc_window_notify_selected_page_cb), self,
                           G_CONNECT_SWAPPED);
  /* Closing the last tab unselects it before it is gone: the page count
   * says when the start page is due. */
  g_signal_connect_object (self->tab_view, "notify::n-pages",
                           G_CALLBACK (tc_window_notify_selected_page_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recent_list, "row-activated",
                           G_CALLBACK (tc_window_recent_row_activated_cb), self,
                           G_CONNECT_SWAPPED);

  _tc_window_actions_init (self);
  _tc_window_dnd_init (self);

  g_signal_connect (self, "notify::application",
                    G_CALLBACK (tc_window_notify_application_cb), NULL);

  tc_window_update_title (self);
}

TcWindow *
tc_window_new (TcApplication *application)
{
  g_return_val_if_fail (!application || TC_IS_APPLICATION (application), NULL);

  return g_object_new (TC_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * tc_window_open_file:
 *
 * Opens @file in a new tab, or selects the tab that already shows it.
 * Loading continues in the background; the tab shows its progress.
 *
 * Returns: (transfer none): the tab's view
 */
TcSessionView *
tc_window_open_file (TcWindow *self,
                     GFile    *file)
{
  g_autoptr(TcViewerSession) session = NULL;
  TcSessionView *view;
  AdwTabPage *page;
  guint n;

  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  n = adw_tab_view_get_n_pages (self->tab_view);
  for (guint i = 0; i < n; i++)
    {
      AdwTabPage *other = adw_tab_view_get_nth_page (self->tab_view, i);
      TcSessionView *other_view = TC_SESSION_VIEW (adw_tab_page_get_child (other));
      TcViewerSession *other_session = tc_session_view_get_session (other_view);

      if (g_file_equal (tc_viewer_session_get_file (other_session), file))
        {
          adw_tab_view_set_selected_page (self->tab_view, other);
          return other_view;
        }
    }

  session = tc_viewer_session_new (file);
  view = tc_session_view_new (session);

  page = adw_tab_view_append (self->tab_view, GTK_WIDGET (view));
  g_object_bind_property (session, "title", page, "title", G_BINDING_SYNC_CREATE);
  adw_tab_page_set_tooltip (page, g_file_peek_path (file));
  adw_tab_page_set_loading (page, TRUE);
  g_signal_connect_object (session, "notify::loading",
                           G_CALLBACK (tc_window_session_loading_cb), self,
                           G_CONNECT_SWAPPED);

  adw_tab_view_set_selected_page (self->tab_view, page);
  tc_session_view_load (view);

  return view;
}

/**
 * tc_window_get_current_view:
 *
 * Returns: (transfer none) (nullable): the selected tab's view
 */
TcSessionView *
tc_window_get_current_view (TcWindow *self)
{
  AdwTabPage *page;

  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  page = adw_tab_view_get_selected_page (self->tab_view);
  if (page == NULL)
    return NULL;

  return TC_SESSION_VIEW (adw_tab_page_get_child (page));
}

/**
 * tc_window_get_tab_view:
 *
 * Returns: (transfer none): the tab view holding one #TcSessionView per
 *   open recording
 */
AdwTabView *
tc_window_get_tab_view (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return self->tab_view;
}

guint
tc_window_get_n_views (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), 0);

  return adw_tab_view_get_n_pages (self->tab_view);
}

/**
 * tc_window_get_drop_target:
 *
 * Returns: (transfer none): the window's file drop target
 */
GtkDropTarget *
tc_window_get_drop_target (TcWindow *self)
{
  g_return_val_if_fail (TC_IS_WINDOW (self), NULL);

  return self->drop_target;
}

void
_tc_window_show_toast (TcWindow   *self,
                       const char *message)
{
  g_return_if_fail (TC_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

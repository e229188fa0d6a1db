/* tc-application.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "charts/tc-flame-graph.h"
#include "compare/tc-compare-section.h"
#include "tc-window.h"

#include "tc-application.h"

#define SCHEMA_ID APP_ID

struct _TcApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  gboolean        compare;    /* --compare: the two files opened next */
};

G_DEFINE_FINAL_TYPE (TcApplication, tc_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { "compare", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Compare two recordings: BEFORE.tc AFTER.tc"), NULL },
  { "export-pdf", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Write the report as PDF without a display and exit"), "OUT.pdf" },
  { NULL }
};

/* The installed schema when there is one; else the one compiled in the build
 * tree, so the viewer also runs uninstalled (ninja -C build && build/gui/…). */
static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) build_source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      build_source = g_settings_schema_source_new_from_directory (BUILD_SCHEMA_DIR, source, FALSE, NULL);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, SCHEMA_ID, TRUE);
    }

  if (schema == NULL)
    {
      g_warning ("GSettings schema %s is not installed; settings will not be saved", SCHEMA_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
tc_application_apply_style (TcApplication *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  g_assert (TC_IS_APPLICATION (self));

  if (self->settings != NULL)
    {
      switch (g_settings_get_enum (self->settings, "style-variant"))
        {
        case 1: scheme = ADW_COLOR_SCHEME_FORCE_LIGHT; break;
        case 2: scheme = ADW_COLOR_SCHEME_FORCE_DARK; break;
        default: break;
        }
    }

  adw_style_manager_set_color_scheme (manager, scheme);
}

static TcWindow *
tc_application_get_target_window (TcApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (TC_IS_WINDOW (window))
    return TC_WINDOW (window);

  return tc_window_new (self);
}

static void
tc_application_about_action (GSimpleAction *action,
                             GVariant      *param,
                             gpointer       user_data)
{
  TcApplication *self = user_data;
  static const char *developers[] = { "The timecapsule developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-icon", APP_ID,
                        "application-name", _("Timecapsule"),
                        "developer-name", _("The timecapsule developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("See what a recorded Python program did: every call with its timing, "
                                      "the values of its variables, metrics, warnings and crashes."),
                        "website", "https://github.com/timecapsule-py/timecapsule",
                        "issue-url", "https://github.com/timecapsule-py/timecapsule/issues",
                        "license-type", GTK_LICENSE_MIT_X11,
                        "copyright", "© 2026 The timecapsule developers",
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
tc_application_quit_action (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  TcApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Close (not destroy) so every window saves its state. */
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
tc_application_new_window_action (GSimpleAction *action,
                                  GVariant      *param,
                                  gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (tc_window_new (TC_APPLICATION (user_data))));
}

static const GActionEntry app_actions[] = {
  { "about", tc_application_about_action },
  { "quit", tc_application_quit_action },
  { "new-window", tc_application_new_window_action },
};

static int
tc_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("timecapsule-viewer %s\n", PACKAGE_VERSION);
      return 0;
    }

  /* Compare in this process: a running instance would not know the flag. */
  if (g_variant_dict_contains (options, "compare"))
    {
      TC_APPLICATION (app)->compare = TRUE;
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
tc_application_startup (GApplication *app)
{
  TcApplication *self = (TcApplication *)app;
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.close-tab", { "<Control>w", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.print", { "<Control>p", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
    { "win.zoom-out", { "<Control>minus", NULL } },
    { "win.zoom-reset", { "<Control>0", NULL } },
    { "win.show-help-overlay", { "F1", "<Control>question", NULL } },
  };

  g_application_set_resource_base_path (app, RESOURCE_PATH);

  G_APPLICATION_CLASS (tc_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  if (self->settings != NULL)
    {
      g_autoptr(GAction) style = g_settings_create_action (self->settings, "style-variant");

      g_action_map_add_action (G_ACTION_MAP (self), style);
      g_signal_connect_object (self->settings, "changed::style-variant",
                               G_CALLBACK (tc_application_apply_style), self,
                               G_CONNECT_SWAPPED);
    }

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  tc_application_apply_style (self);
}

static void
tc_application_activate (GApplication *app)
{
  TcApplication *self = (TcApplication *)app;

  gtk_window_present (GTK_WINDOW (tc_application_get_target_window (self)));
}

/* A second file opened while the viewer runs arrives here in the running
 * instance (GApplication forwards it over D-Bus) and becomes a new tab. */
static void
tc_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  TcApplication *self = (TcApplication *)app;
  TcWindow *window = tc_application_get_target_window (self);

  if (self->compare && n_files == 2)
    {
      self->compare = FALSE;
      tc_compare_open_in_window (window, files[0], files[1]);
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  for (int i = 0; i < n_files; i++)
    tc_window_open_file (window, files[i]);

  gtk_window_present (GTK_WINDOW (window));
}

static void
tc_application_shutdown (GApplication *app)
{
  tc_flame_graph_wait_for_painters ();

  G_APPLICATION_CLASS (tc_application_parent_class)->shutdown (app);
}

static void
tc_application_dispose (GObject *object)
{
  TcApplication *self = (TcApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tc_application_parent_class)->dispose (object);
}

static void
tc_application_class_init (TcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tc_application_dispose;

  app_class->handle_local_options = tc_application_handle_local_options;
  app_class->startup = tc_application_startup;
  app_class->activate = tc_application_activate;
  app_class->open = tc_application_open;
  app_class->shutdown = tc_application_shutdown;
}

static void
tc_application_init (TcApplication *self)
{
  self->settings = create_settings ();

  /* The recent-files manager refuses entries without an application name. */
  if (g_get_application_name () == NULL)
    g_set_application_name (_("Timecapsule"));

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE.tc…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Show timecapsule recordings of Python programs."));
}

TcApplication *
tc_application_new (void)
{
  return g_object_new (TC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * tc_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the viewer's settings, %NULL when the
 *   schema is not installed
 */
GSettings *
tc_application_get_settings (TcApplication *self)
{
  g_return_val_if_fail (TC_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * tc_application_add_recent:
 *
 * Puts @file first in the viewer's recent recordings (and in the desktop's
 * recent files, which file choosers show).
 */
void
tc_application_add_recent (TcApplication *self,
                           GFile         *file)
{
  g_autofree char *uri = NULL;
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint max, n = 1;

  g_return_if_fail (TC_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  uri = g_file_get_uri (file);

  /* Spelled out, so the entry opens with the viewer even when the process
   * has no program name (tests, tools). */
  {
    GtkRecentData data = {
      .display_name = NULL,
      .description = NULL,
      .mime_type = (char *)"application/x-timecapsule",
      .app_name = (char *)g_get_application_name (),
      .app_exec = (char *)"timecapsule-viewer %u",
      .groups = NULL,
      .is_private = FALSE,
    };

    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
  }

  if (self->settings == NULL)
    return;

  max = g_settings_get_uint (self->settings, "max-recent-files");
  if (max == 0)
    return;

  old = g_settings_get_strv (self->settings, "recent-files");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, uri);
  for (guint i = 0; old[i] != NULL && n < max; i++)
    {
      if (g_strcmp0 (old[i], uri) == 0)
        continue;
      g_strv_builder_add (builder, old[i]);
      n++;
    }

  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-files", (const char * const *)recent);
}

/**
 * tc_application_dup_recent_uris:
 *
 * Returns: (transfer full): the recent recordings' URIs, newest first
 */
char **
tc_application_dup_recent_uris (TcApplication *self)
{
  g_return_val_if_fail (TC_IS_APPLICATION (self), NULL);

  if (self->settings == NULL)
    return g_new0 (char *, 1);

  return g_settings_get_strv (self->settings, "recent-files");
}

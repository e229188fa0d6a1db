/* tc-overview-section.c — report sections 1 and 2: facts, status, explanation
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-moments-strip.h"
#include "tc-report.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-overview-section.h"

/* The seed shows the first 6 argv items and the first 8 final metrics. */
#define MAX_ARGV    6
#define MAX_METRICS 8

struct _TcOverviewSection
{
  TcSection   parent_instance;

  GtkBox     *cards_box;
  GtkFlowBox *tiles_box;
  TcMomentsStrip *moments_strip;
  GtkLabel   *explain_label;
  GtkListBox *facts_list;
  GtkWidget  *suggestions_row;    /* NULL without suggestions */
};

G_DEFINE_FINAL_TYPE (TcOverviewSection, tc_overview_section, TC_TYPE_SECTION)

static void
add_card (TcOverviewSection *self,
          const char        *icon_name,
          const char        *title,
          const char        *subtitle,
          const char        *css_class,
          const char        *button_label,
          const char        *target)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *image = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *subtitle_label = gtk_label_new (subtitle);

  gtk_widget_add_css_class (card, "tc-card");
  gtk_widget_add_css_class (card, css_class);
  gtk_image_set_pixel_size (GTK_IMAGE (image), 48);
  gtk_widget_set_valign (image, GTK_ALIGN_CENTER);

  gtk_widget_add_css_class (title_label, "tc-card-title");
  gtk_label_set_xalign (GTK_LABEL (title_label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (subtitle_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (subtitle_label), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);

  gtk_box_append (GTK_BOX (text), title_label);
  gtk_box_append (GTK_BOX (text), subtitle_label);
  gtk_box_append (GTK_BOX (card), image);
  gtk_box_append (GTK_BOX (card), text);

  if (button_label != NULL)
    {
      GtkWidget *button = gtk_button_new_with_label (button_label);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "pill");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "view.show-section");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
      gtk_box_append (GTK_BOX (card), button);
    }

  gtk_box_append (self->cards_box, card);
}

static void
add_tile (TcOverviewSection *self,
          const char        *value,
          const char        *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *value_label = gtk_label_new (value);
  GtkWidget *caption_label = gtk_label_new (caption);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_top (value_label, 12);
  gtk_widget_set_margin_bottom (caption_label, 12);
  gtk_widget_add_css_class (value_label, "title-2");
  gtk_widget_add_css_class (value_label, "numeric");
  gtk_widget_add_css_class (caption_label, "dim-label");
  gtk_widget_add_css_class (caption_label, "caption");
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_box_append (GTK_BOX (box), caption_label);
  gtk_flow_box_append (self->tiles_box, box);
}

static void
add_fact (GtkListBox *list,
          const char *title,
          const char *value)
{
  gtk_list_box_append (list, tc_ui_fact_row_new (title, value));
}

static void
load_status (TcOverviewSection *self,
             TcDocument        *document)
{
  const TcDocCrash *crash = tc_document_get_crash (document);
  GArray *warnings = tc_document_get_warnings (document);
  guint n_errors = 0;

  if (crash != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Crashed: %s"), crash->exc_type);

      add_card (self, "dialog-error-symbolic", title, crash->message, "bad",
                _("Crash Forensics"), "crash");
    }
  else
    {
      add_card (self, "emblem-ok-symbolic", _("No crash"),
                _("The program ran without an uncaught exception."),
                "good", NULL, NULL);
    }

  for (guint i = 0; i < warnings->len; i++)
    if (g_array_index (warnings, TcDocWarning, i).level == TC_LEVEL_ERROR)
      n_errors++;

  if (warnings->len == 0)
    {
      add_card (self, "emblem-ok-symbolic", _("No warnings"),
                _("None of the automatic checks fired."), "good", NULL, NULL);
    }
  else
    {
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings",
                                                             warnings->len),
                                                warnings->len);
      g_autofree char *subtitle = NULL;

      if (n_errors > 0)
        subtitle = g_strdup_printf (_("%u errors and %u other warnings"), n_errors, warnings->len - n_errors);
      else
        subtitle = g_strdup (_("No errors, only warnings."));

      add_card (self, n_errors ? "dialog-error-symbolic" : "dialog-warning-symbolic",
                title, subtitle, n_errors ? "bad" : "warn", _("Warnings"), "warnings");
    }
}

static guint
severity_rank (const TcSuggestion *suggestion)
{
  return g_str_equal (suggestion->severity, "HIGH") ? 0 : g_str_equal (suggestion->severity, "MEDIUM") ? 1 : 2;
}

/* Below the status cards: how many suggestions there are and the most
 * pressing one (the first of the highest severity), with the way to the
 * page.  Nothing when there is nothing to suggest. */
static void
load_suggestions (TcOverviewSection *self,
                  TcDocument        *document)
{
  g_autoptr(GArray) suggestions = tc_analysis_suggestions (document, NULL, NULL);
  const TcSuggestion *top = NULL;
  g_autofree char *title = NULL;
  GtkWidget *list, *row, *image, *button;

  for (guint i = 0; i < suggestions->len; i++)
    {
      const TcSuggestion *suggestion = &g_array_index (suggestions, TcSuggestion, i);

      if (top == NULL || severity_rank (suggestion) < severity_rank (top))
        top = suggestion;
    }
  if (top == NULL)
    return;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u optimization suggestion",
                                        "%u optimization suggestions", suggestions->len),
                           suggestions->len);
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), top->text);
  image = gtk_image_new_from_icon_name ("dialog-information-symbolic");
  gtk_widget_add_css_class (image, severity_rank (top) == 0 ? "error" : severity_rank (top) == 1 ? "warning" : "accent");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  button = gtk_button_new_with_label (_("Suggestions"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "suggestions");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "view.show-section");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_widget_insert_after (list, gtk_widget_get_parent (GTK_WIDGET (self->cards_box)),
                           GTK_WIDGET (self->cards_box));
  self->suggestions_row = row;
}

static void
load_tiles (TcOverviewSection *self,
            TcDocument        *document)
{
  g_autofree char *duration = tc_units_format_ms (tc_document_get_duration (document) * 1000.0);
  g_autofree char *calls = tc_units_format_count (tc_document_get_total_calls (document));
  g_autofree char *functions = tc_units_format_count (tc_document_get_function_stats (document)->len);
  g_autofree char *snapshots = tc_units_format_count (tc_document_get_snapshots (document)->len);
  g_autofree char *threads = tc_units_format_count (tc_document_get_threads (document)->len);
  g_autofree char *ram = tc_units_format_mb (tc_document_get_ram_peak_mb (document));

  add_tile (self, duration, _("Duration"));
  add_tile (self, calls, _("Calls"));
  add_tile (self, functions, _("Functions"));
  add_tile (self, snapshots, _("Snapshots"));
  add_tile (self, threads, _("Threads"));
  add_tile (self, tc_document_get_ram_peak_mb (document) > 0 ? ram : "—", _("RAM Peak"));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **)a, *(const char **)b);
}

static char *
format_final_metrics (TcDocument *document)
{
  GHashTable *final = tc_document_get_final_metrics (document);
  g_autofree const char **names = NULL;
  g_autoptr(GString) str = g_string_new (NULL);
  guint n = 0;

  if (final == NULL || g_hash_table_size (final) == 0)
    return NULL;

  names = (const char **)g_hash_table_get_keys_as_array (final, &n);
  qsort (names, n, sizeof (char *), compare_strings);

  for (guint i = 0; i < n && i < MAX_METRICS; i++)
    {
      const TcDocPoint *point = g_hash_table_lookup (final, names[i]);

      if (str->len > 0)
        g_string_append (str, ",  ");
      g_string_append_printf (str, "%s=%.4g", names[i], point->value);
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/**
 * tc_overview_section_fill_facts:
 *
 * Appends the "Session" rows of @document to @list.  For a summary
 * (tc_document_load_summary(), shown while the full load runs) only what
 * the summary knows, with the number of threads and call events instead of
 * what needs the events themselves (snapshots, variables, peaks, metrics).
 */
void
tc_overview_section_fill_facts (GtkListBox *list,
                                TcDocument *document)
{
  gboolean summary = tc_document_get_summary_only (document);
  g_autofree char *threads = NULL;
  g_autofree char *events = NULL;
  const TcDocSession *session = tc_document_get_session (document);
  g_autoptr(GString) argv = g_string_new (NULL);
  g_autofree char *saved = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *snapshots = NULL;
  g_autofree char *variables = NULL;
  g_autofree char *ram = NULL;
  g_autofree char *fds = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *size = NULL;

  if (session->start_wall_ns > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (session->start_wall_ns / G_GINT64_CONSTANT (1000000000));

      if (dt != NULL)
        saved = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
    }

  for (guint i = 0; session->argv != NULL && session->argv[i] != NULL && i < MAX_ARGV; i++)
    {
      if (i > 0)
        g_string_append_c (argv, ' ');
      g_string_append (argv, session->argv[i]);
    }

  pid = session->pid > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, session->pid) : NULL;
  backend = g_strdup_printf ("%s / %s",
                             *session->backend ? session->backend : "?",
                             *session->mode ? session->mode : "?");
  duration = g_strdup_printf (_("%.6f s"), tc_document_get_duration (document));
  size = g_format_size (tc_document_get_file_size (document));

  /* A summary leads with what the wait is for. */
  if (summary)
    {
      threads = tc_units_format_count (tc_document_get_threads (document)->len);
      events = tc_units_format_count (tc_document_get_n_events (document));
      add_fact (list, _("Call events"), events);
      add_fact (list, _("Threads"), threads);
      add_fact (list, _("Duration"), duration);
      add_fact (list, _("File size"), size);
    }
  add_fact (list, _("Script"), *session->script ? session->script : session->src);
  add_fact (list, _("Session"), session->session_id);
  add_fact (list, _("Recorded"), saved);
  add_fact (list, _("Python"), session->python);
  add_fact (list, _("Platform"), session->platform);
  add_fact (list, _("Process ID"), pid);
  add_fact (list, _("Backend / mode"), backend);
  add_fact (list, _("Arguments"), argv->str);
  if (!summary)
    {
      add_fact (list, _("Duration"), duration);
      snapshots = tc_units_format_count (tc_document_get_snapshots (document)->len);
      variables = tc_units_format_count (tc_document_get_vars (document)->len);
      ram = g_strdup_printf (_("%.1f MB"), tc_document_get_ram_peak_mb (document));
      fds = g_strdup_printf ("%.0f", tc_document_get_fd_peak (document));
      metrics = format_final_metrics (document);
      add_fact (list, _("Snapshots"), snapshots);
      add_fact (list, _("Variables"), variables);
      add_fact (list, _("RAM peak"), ram);
      add_fact (list, _("Open files peak"), fds);
      add_fact (list, _("Final metrics"), metrics);
    }
  add_fact (list, _("Recorder"), session->producer);
  add_fact (list, _("File"), tc_document_get_path (document));
  if (!summary)
    add_fact (list, _("File size"), size);
  add_fact (list, _("State"), tc_document_get_truncated (document)
                                ? tc_document_get_state_message (document)
                                : _("Complete"));
}

static void
tc_overview_section_load (TcSection *section,
                          TcViewerSession *session)
{
  TcOverviewSection *self = (TcOverviewSection *)section;
  TcDocument *document = tc_viewer_session_get_document (session);
  g_autoptr(GPtrArray) sentences = tc_report_explain_sentences (document);
  g_autoptr(GString) text = g_string_new (NULL);

  load_status (self, document);
  load_suggestions (self, document);
  load_tiles (self, document);
  tc_moments_strip_set_session (self->moments_strip, session);

  for (guint i = 0; sentences != NULL && i < sentences->len; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, g_ptr_array_index (sentences, i));
    }
  gtk_label_set_text (self->explain_label, text->str);

  tc_overview_section_fill_facts (self->facts_list, document);
}

static void
tc_overview_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TC_TYPE_OVERVIEW_SECTION);

  G_OBJECT_CLASS (tc_overview_section_parent_class)->dispose (object);
}

static void
tc_overview_section_class_init (TcOverviewSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_overview_section_dispose;

  section_class->load = tc_overview_section_load;
  tc_section_class_set_info (section_class, "overview", _("Overview"), "view-grid-symbolic");

  g_type_ensure (TC_TYPE_MOMENTS_STRIP);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-overview-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcOverviewSection, cards_box);
  gtk_widget_class_bind_template_child (widget_class, TcOverviewSection, tiles_box);
  gtk_widget_class_bind_template_child (widget_class, TcOverviewSection, moments_strip);
  gtk_widget_class_bind_template_child (widget_class, TcOverviewSection, explain_label);
  gtk_widget_class_bind_template_child (widget_class, TcOverviewSection, facts_list);
}

static void
tc_overview_section_init (TcOverviewSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self->explain_label), "body");
}

/**
 * tc_overview_section_get_moments_strip:
 *
 * Returns: (transfer none): the "at a glance" strip
 */
GtkWidget *
tc_overview_section_get_moments_strip (TcOverviewSection *self)
{
  g_return_val_if_fail (TC_IS_OVERVIEW_SECTION (self), NULL);

  return GTK_WIDGET (self->moments_strip);
}

/**
 * tc_overview_section_get_suggestions_row:
 *
 * Returns: (transfer none) (nullable): the row that names the number of
 *   optimization suggestions and the most pressing one, NULL without any
 */
GtkWidget *
tc_overview_section_get_suggestions_row (TcOverviewSection *self)
{
  g_return_val_if_fail (TC_IS_OVERVIEW_SECTION (self), NULL);

  return self->suggestions_row;
}

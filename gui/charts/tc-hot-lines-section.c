/* tc-hot-lines-section.c — the most executed lines (file:line) as bars,
 * by hits or by time; a click opens the annotated source at the line.
 * Recordings whose line hits only say "ran" get a page that says so.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-bar-chart.h"
#include "tc-units.h"

#include "tc-hot-lines-section.h"

/* The seed's report lists the top lines; more bars stop being readable. */
#define MAX_LINES 40

struct _TcHotLinesSection
{
  TcSection   parent_instance;

  GArray     *lines;      /* TcHotLine */
  GtkWidget  *chart;
  gboolean    by_time;
  gboolean    first_hit;  /* no counts: a status page says why */
};

G_DEFINE_FINAL_TYPE (TcHotLinesSection, tc_hot_lines_section, TC_TYPE_SECTION)

static int
compare_time (gconstpointer a,
              gconstpointer b)
{
  const TcHotLine *la = a;
  const TcHotLine *lb = b;

  if (la->time_ns != lb->time_ns)
    return la->time_ns > lb->time_ns ? -1 : 1;
  return (la->hits < lb->hits) - (la->hits > lb->hits);
}

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const TcHotLine *la = a;
  const TcHotLine *lb = b;

  if (la->hits != lb->hits)
    return la->hits > lb->hits ? -1 : 1;
  return (la->time_ns < lb->time_ns) - (la->time_ns > lb->time_ns);
}

static void
fill_bars (TcHotLinesSection *self)
{
  TcDocument *doc = tc_viewer_session_get_document (tc_section_get_session (TC_SECTION (self)));
  GArray *bars = g_array_new (FALSE, TRUE, sizeof (TcBar));

  g_array_sort (self->lines, self->by_time ? compare_time : compare_hits);
  for (guint i = 0; i < self->lines->len && i < MAX_LINES; i++)
    {
      const TcHotLine *line = &g_array_index (self->lines, TcHotLine, i);
      const TcDocFile *file = tc_document_get_file (doc, line->file_id);
      g_autofree char *hits = tc_units_format_count (line->hits);
      g_autofree char *time = tc_units_format_ms (tc_ns_to_ms (line->time_ns));
      TcBar bar = { 0 };

      bar.label = g_strdup_printf ("%s:%u", file != NULL ? file->basename : line->file, line->line);
      /* "1 hit", not "1 hits": the count is a formatted string, its plural
       * chosen by the number. */
      bar.value_text = line->time_ns > 0
                       ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s hit · %s", "%s hits · %s",
                                                       tc_units_plural_n (line->hits)), hits, time)
                       : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s hit", "%s hits",
                                                       tc_units_plural_n (line->hits)), hits);
      bar.value = self->by_time ? (double) line->time_ns : (double) line->hits;
      /* The colour of the file's functions in the flame graph: find the
       * module through any code object of the file. */
      gdk_rgba_parse (&bar.color, "#3584e4");
      {
        GPtrArray *codes = tc_document_get_codes (doc);

        for (guint c = 0; c < codes->len; c++)
          {
            const TcDocCode *code = g_ptr_array_index (codes, c);

            if (code->file_id == line->file_id)
              {
                tc_chart_module_color (code->module, &bar.color);
                break;
              }
          }
      }
      g_array_append_val (bars, bar);
    }
  tc_bar_chart_set_bars (TC_BAR_CHART (self->chart), bars);
}

static void
activated_cb (TcHotLinesSection *self,
              guint              index)
{
  const TcHotLine *line;

  if (index >= self->lines->len)
    return;
  line = &g_array_index (self->lines, TcHotLine, index);
  gtk_widget_activate_action (GTK_WIDGET (self), "view.show-source", "(uu)", line->file_id, line->line);
}

static void
order_toggled_cb (TcHotLinesSection *self,
                  GtkToggleButton   *button)
{
  tc_hot_lines_section_set_by_time (self, gtk_toggle_button_get_active (button));
}

/* Line hits that only say a line ran (every current recording): the page
 * says so instead of ranking lines that all read "1". */
static gboolean
is_first_hit_data (TcDocument *doc)
{
  GPtrArray *files = tc_document_get_files (doc);

  if (tc_analysis_line_hits_counted (doc))
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    if (((const TcDocFile *) g_ptr_array_index (files, i))->line_hits->len > 0)
      return TRUE;
  return FALSE;
}

static gboolean
tc_hot_lines_section_has_data (TcSection       *section,
                               TcViewerSession *session)
{
  TcDocument *doc = tc_viewer_session_get_document (session);
  g_autoptr(GArray) lines = tc_analysis_hotlines (doc);

  return (lines != NULL && lines->len > 0) || is_first_hit_data (doc);
}

static void
load_first_hit (TcHotLinesSection *self)
{
  GtkWidget *status = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "format-justify-left-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("No Line Counts"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("This recording knows which lines ran, not how often: the recorder stops "
                                     "listening to a line after its first run to keep its overhead low. "
                                     "Source Coverage shows the lines that ran; Functions and Flame Graph show "
                                     "where the time went."));
  gtk_widget_set_parent (status, GTK_WIDGET (self));
  self->first_hit = TRUE;
}

static void
tc_hot_lines_section_load (TcSection       *section,
                           TcViewerSession *session)
{
  TcHotLinesSection *self = TC_HOT_LINES_SECTION (section);
  GtkWidget *box;
  GtkWidget *toolbar;
  GtkWidget *hits;
  GtkWidget *time;
  GtkWidget *scroller;

  self->lines = tc_analysis_hotlines (tc_viewer_session_get_document (session));
  if (self->lines->len == 0 && is_first_hit_data (tc_viewer_session_get_document (session)))
    {
      load_first_hit (self);
      return;
    }
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  hits = gtk_toggle_button_new_with_label (_("By Hits"));
  time = gtk_toggle_button_new_with_label (_("By Time"));
  scroller = gtk_scrolled_window_new ();

  self->chart = tc_bar_chart_new ();
  gtk_widget_set_margin_start (self->chart, 12);
  gtk_widget_set_margin_end (self->chart, 12);
  gtk_widget_set_tooltip_text (self->chart, _("Click a line to open it in the annotated source"));

  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (time), GTK_TOGGLE_BUTTON (hits));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (hits), TRUE);
  gtk_widget_add_css_class (toolbar, "linked");
  gtk_widget_set_margin_start (toolbar, 12);
  gtk_widget_set_margin_top (toolbar, 12);
  gtk_widget_set_margin_bottom (toolbar, 12);
  gtk_widget_set_halign (toolbar, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (toolbar), hits);
  gtk_box_append (GTK_BOX (toolbar), time);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->chart);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), toolbar);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_parent (box, GTK_WIDGET (self));

  g_signal_connect_swapped (self->chart, "activated", G_CALLBACK (activated_cb), self);
  g_signal_connect_swapped (time, "toggled", G_CALLBACK (order_toggled_cb), self);
  fill_bars (self);
}

static void
tc_hot_lines_section_finalize (GObject *object)
{
  TcHotLinesSection *self = (TcHotLinesSection *)object;

  g_clear_pointer (&self->lines, g_array_unref);

  G_OBJECT_CLASS (tc_hot_lines_section_parent_class)->finalize (object);
}

static void
tc_hot_lines_section_class_init (TcHotLinesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->finalize = tc_hot_lines_section_finalize;
  section_class->has_data = tc_hot_lines_section_has_data;
  section_class->load = tc_hot_lines_section_load;
  tc_section_class_set_info (section_class, "hot-lines", _("Hot Lines"), "format-justify-left-symbolic");
}

static void
tc_hot_lines_section_init (TcHotLinesSection *self)
{
}

void
tc_hot_lines_section_set_by_time (TcHotLinesSection *self,
                                  gboolean           by_time)
{
  g_return_if_fail (TC_IS_HOT_LINES_SECTION (self));

  self->by_time = !!by_time;
  if (self->chart != NULL)
    fill_bars (self);
}

GArray *
tc_hot_lines_section_get_bars (TcHotLinesSection *self)
{
  return self->chart != NULL ? tc_bar_chart_get_bars (TC_BAR_CHART (self->chart)) : NULL;
}

gboolean
tc_hot_lines_section_is_first_hit (TcHotLinesSection *self)
{
  g_return_val_if_fail (TC_IS_HOT_LINES_SECTION (self), FALSE);

  return self->first_hit;
}

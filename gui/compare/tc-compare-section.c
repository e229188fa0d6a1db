/* tc-compare-section.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-compare-draw.h"
#include "tc-compare-flame-bar.h"
#include "tc-diff-flame-graph.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-compare-section.h"

#define MAX_ROWS 40

struct _TcCompareSection
{
  TcSection      parent_instance;

  GtkStack      *stack;
  AdwStatusPage *empty_page;
  GtkBox        *result_box;

  GFile         *pending;      /* before file set before the page loaded */
  gboolean       waiting;      /* for the session's document */
  GCancellable  *cancellable;
  TcComparison  *comparison;
  GtkWidget     *flame;        /* TcDiffFlameGraph */
  GtkWidget     *flame_bar;    /* TcCompareFlameBar */
};

G_DEFINE_FINAL_TYPE (TcCompareSection, tc_compare_section, TC_TYPE_SECTION)

static void
draw_overlay_cb (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  TcCompareSection *self = user_data;
  const char *name = g_object_get_data (G_OBJECT (area), "series");
  TcDrawStyle style;
  double t_max = MAX (tc_comparison_get_duration (self->comparison, FALSE),
                      tc_comparison_get_duration (self->comparison, TRUE));

  tc_draw_style_init_for_widget (&style, GTK_WIDGET (area));
  tc_overlay_chart_draw (cr, &style, name,
                         tc_comparison_get_series (self->comparison, name, FALSE),
                         tc_comparison_get_series (self->comparison, name, TRUE),
                         t_max, width, height);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "title-4");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 18);

  return label;
}

static GtkWidget *
cell (const char *text,
      gboolean    number,
      const char *css)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  if (css != NULL)
    gtk_widget_add_css_class (label, css);

  return label;
}

/* Functions that still exist open at their line in the annotated source. */
static GtkWidget *
name_cell (const TcCompareRow *row,
           const char         *name)
{
  GtkWidget *button;

  if (row->calls_after == 0 || row->file_id_after == 0)
    return cell (name, FALSE, NULL);

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), cell (name, FALSE, NULL));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, _("Show in the annotated source"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "view.show-source");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(uu)", row->file_id_after, row->line_after);

  return button;
}

static GtkWidget *
build_warnings (TcCompareSection *self)
{
  GArray *warnings = tc_comparison_get_warnings (self->comparison);
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  for (guint i = 0; i < warnings->len; i++)
    {
      const TcWarningDelta *w = &g_array_index (warnings, TcWarningDelta, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_escape_text (w->code, -1);
      g_autofree char *counts = g_strdup_printf (_("%u before, %u after"), w->n_before, w->n_after);
      const char *verdict = w->n_after == 0 ? _("fixed") : w->n_before == 0 ? _("new") : _("still there");
      GtkWidget *pill = tc_ui_pill_new (verdict, w->n_after == 0 ? "good" : w->n_before == 0 ? "error" : "warning");

      gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), counts);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), pill);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  return list;
}

/* One line on the crash: fixed, new, still there; NULL when neither run
 * crashed. */
static GtkWidget *
build_crash (TcCompareSection *self)
{
  TcDocument *before = tc_comparison_get_before (self->comparison);
  TcDocument *after = tc_comparison_get_after (self->comparison);
  const TcDocCrash *crash;
  g_autofree char *text = NULL;
  const char *css;
  GtkWidget *label;

  switch (tc_comparison_get_crash_verdict (self->comparison))
    {
    case TC_CRASH_VERDICT_FIXED:
      crash = tc_document_get_crash (before);
      text = g_strdup_printf (_("Crash fixed: before, it stopped with %s: %s"), crash->exc_type, crash->message);
      css = "success";
      break;
    case TC_CRASH_VERDICT_NEW:
      crash = tc_document_get_crash (after);
      text = g_strdup_printf (_("New crash: %s: %s"), crash->exc_type, crash->message);
      css = "error";
      break;
    case TC_CRASH_VERDICT_STILL:
      crash = tc_document_get_crash (after);
      text = g_strdup_printf (_("Still crashes: %s: %s"), crash->exc_type, crash->message);
      css = "warning";
      break;
    case TC_CRASH_VERDICT_NONE:
    default:
      return NULL;
    }

  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css);
  gtk_widget_add_css_class (label, "heading");

  return label;
}

static GtkWidget *
build_verdicts (TcCompareSection *self)
{
  GArray *findings = tc_comparison_get_findings (self->comparison);
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  for (guint i = 0; i < findings->len; i++)
    {
      const TcPatchFinding *f = &g_array_index (findings, TcPatchFinding, i);
      gboolean good = tc_patch_finding_tone (f) > 0;
      gboolean bad = tc_patch_finding_tone (f) < 0;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *pill = tc_ui_pill_new (f->tag, good ? "good" : bad ? "error" : "accent");
      g_autofree char *title = g_markup_escape_text (f->text, -1);

      gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), pill);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  if (findings->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No significant differences (>10% threshold)"));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  return list;
}

static GtkWidget *
build_table (TcCompareSection *self)
{
  GArray *rows = tc_comparison_get_rows (self->comparison);
  GtkWidget *grid = gtk_grid_new ();
  const char *titles[] = { N_("Function"), N_("Calls before"), N_("Calls after"), N_("Before"),
                           N_("After"), N_("Δ"), N_("Δ %") };

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (guint c = 0; c < G_N_ELEMENTS (titles); c++)
    gtk_grid_attach (GTK_GRID (grid), cell (_(titles[c]), c > 0, "heading"), c, 0, 1, 1);

  for (guint i = 0; i < MIN (rows->len, MAX_ROWS); i++)
    {
      const TcCompareRow *row = &g_array_index (rows, TcCompareRow, i);
      double delta = tc_compare_row_delta_ms (row);
      double pct = tc_compare_row_delta_pct (row);
      const char *css = delta < 0 ? "success" : delta > 0 ? "error" : NULL;
      g_autofree char *name = row->status == TC_COMPARE_NEW ? g_strdup_printf (_("%s (new)"), row->name) :
                              row->status == TC_COMPARE_REMOVED ? g_strdup_printf (_("%s (gone)"), row->name) :
                              g_strdup (row->name);
      g_autofree char *cb = tc_units_format_count (row->calls_before);
      g_autofree char *ca = tc_units_format_count (row->calls_after);
      g_autofree char *tb = tc_units_format_ms (row->total_before_ms);
      g_autofree char *ta = tc_units_format_ms (row->total_after_ms);
      g_autofree char *d = tc_units_format_ms (fabs (delta));
      g_autofree char *ds = g_strdup_printf ("%s%s", delta < 0 ? "−" : delta > 0 ? "+" : "", d);
      g_autofree char *p = isfinite (pct) ? g_strdup_printf ("%+.0f %%", pct) : g_strdup ("—");

      gtk_grid_attach (GTK_GRID (grid), name_cell (row, name), 0, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (cb, TRUE, NULL), 1, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (ca, TRUE, NULL), 2, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (tb, TRUE, NULL), 3, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (ta, TRUE, NULL), 4, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (ds, TRUE, css), 5, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (p, TRUE, css), 6, i + 1, 1, 1);
    }

  return grid;
}

static void
show_comparison (TcCompareSection *self)
{
  GPtrArray *series = tc_comparison_get_series_names (self->comparison);
  GtkWidget *child, *area;
  g_autofree char *title = NULL;
  TcDocument *before = tc_comparison_get_before (self->comparison);
  g_autofree char *name = g_path_get_basename (tc_document_get_path (before));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->result_box))))
    gtk_box_remove (self->result_box, child);

  title = g_strdup_printf (_("Compared with “%s”: %.3f s before, %.3f s now"), name,
                           tc_comparison_get_duration (self->comparison, FALSE),
                           tc_comparison_get_duration (self->comparison, TRUE));
  child = gtk_label_new (title);
  gtk_widget_add_css_class (child, "title-2");
  gtk_label_set_xalign (GTK_LABEL (child), 0);
  gtk_label_set_wrap (GTK_LABEL (child), TRUE);
  gtk_box_append (self->result_box, child);

  gtk_box_append (self->result_box, heading (_("Verdicts")));
  child = build_crash (self);
  if (child != NULL)
    gtk_box_append (self->result_box, child);
  gtk_box_append (self->result_box, build_verdicts (self));

  gtk_box_append (self->result_box, heading (_("Differential Flame Graph")));
  child = gtk_label_new (_("Width is the time after the change; the colour says how the same call path "
                           "changed. Click a box to zoom in, click it again to zoom out."));
  gtk_widget_add_css_class (child, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (child), 0);
  gtk_label_set_wrap (GTK_LABEL (child), TRUE);
  gtk_box_append (self->result_box, child);
  self->flame = tc_diff_flame_graph_new (self->comparison);
  self->flame_bar = tc_compare_flame_bar_new (self->comparison, TC_DIFF_FLAME_GRAPH (self->flame));
  gtk_box_append (self->result_box, self->flame_bar);
  gtk_box_append (self->result_box, self->flame);

  gtk_box_append (self->result_box, heading (_("Functions")));
  gtk_box_append (self->result_box, build_table (self));

  if (tc_comparison_get_warnings (self->comparison)->len > 0)
    {
      gtk_box_append (self->result_box, heading (_("Warnings")));
      gtk_box_append (self->result_box, build_warnings (self));
    }

  for (guint i = 0; i < series->len; i++)
    {
      if (i == 0)
        gtk_box_append (self->result_box, heading (_("Metrics and Resources")));
      area = gtk_drawing_area_new ();
      g_object_set_data (G_OBJECT (area), "series", g_ptr_array_index (series, i));
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 140);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_overlay_cb, self, NULL);
      gtk_box_append (self->result_box, area);
    }

  gtk_stack_set_visible_child_name (self->stack, "result");
}

static void
before_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TcCompareSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) before = tc_document_load_finish (result, &error);
  TcViewerSession *session = tc_section_get_session (TC_SECTION (self));
  GtkWidget *view;

  if (before == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_clear_object (&self->comparison);
  self->comparison = tc_comparison_new (before, tc_viewer_session_get_document (session));
  show_comparison (self);

  /* Straight to the view: an action activated from a page that was never
   * realized finds no action muxer. */
  view = gtk_widget_get_ancestor (GTK_WIDGET (self), TC_TYPE_SESSION_VIEW);
  if (view != NULL)
    tc_session_view_show_section (TC_SESSION_VIEW (view), "compare");
}

static void
start_loading (TcCompareSection *self)
{
  g_autoptr(GFile) file = g_steal_pointer (&self->pending);
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    return;
  gtk_stack_set_visible_child_name (self->stack, "loading");
  tc_document_load_async (path, NULL, NULL, self->cancellable, before_loaded_cb, g_object_ref (self));
}

/* Pages load when first shown, so a comparison asked for while the
 * recording loads starts as soon as the document is there. */
static void
document_notify_cb (TcCompareSection *self,
                    GParamSpec       *pspec,
                    TcViewerSession  *session)
{
  if (self->pending != NULL && tc_viewer_session_get_document (session) != NULL)
    start_loading (self);
}

static gboolean
drop_cb (TcCompareSection *self,
         const GValue     *value,
         double            x,
         double            y)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL || !G_IS_FILE (files->data))
    return FALSE;

  tc_compare_section_set_before_file (self, files->data);

  return TRUE;
}

static void
chooser_response_cb (TcCompareSection     *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      G_GNUC_END_IGNORE_DEPRECATIONS

      if (file != NULL)
        tc_compare_section_set_before_file (self, file);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
choose_clicked_cb (TcCompareSection *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (_("Compare With Recording"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Compare"), _("_Cancel"));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
tc_compare_section_load (TcSection       *section,
                         TcViewerSession *session)
{
  TcCompareSection *self = TC_COMPARE_SECTION (section);

  if (self->pending != NULL)
    start_loading (self);
}

static void
tc_compare_section_dispose (GObject *object)
{
  TcCompareSection *self = (TcCompareSection *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->pending);
  g_clear_object (&self->comparison);

  G_OBJECT_CLASS (tc_compare_section_parent_class)->dispose (object);
}

static void
tc_compare_section_class_init (TcCompareSectionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tc_compare_section_dispose;
  TC_SECTION_CLASS (klass)->load = tc_compare_section_load;

  tc_section_class_set_info (TC_SECTION_CLASS (klass), "compare", _("Compare"), "view-dual-symbolic");
}

static void
tc_compare_section_init (TcCompareSection *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Choose Recording…"));
  GtkWidget *spinner;
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  self->cancellable = g_cancellable_new ();
  self->stack = GTK_STACK (gtk_stack_new ());

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "view-dual-symbolic");
  adw_status_page_set_title (self->empty_page, _("Compare With an Earlier Run"));
  adw_status_page_set_description (self->empty_page,
                                   _("Drop the recording from before your change here, or choose it, "
                                     "to see what got faster or slower, which warnings and crashes "
                                     "were fixed, and how the metrics moved."));
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (choose_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_status_page_set_child (self->empty_page, button);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
  /* Spinning only while shown: a spinning GtkSpinner keeps the window's
   * frame clock running even on a stack page that is not visible, which
   * repainted the whole window ~30 times a second, while a recording
   * loads and after. */
  spinner = gtk_spinner_new ();
  g_signal_connect (spinner, "map", G_CALLBACK (gtk_spinner_start), NULL);
  g_signal_connect (spinner, "unmap", G_CALLBACK (gtk_spinner_stop), NULL);
  gtk_stack_add_named (self->stack, spinner, "loading");

  self->result_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 8));
  gtk_widget_set_margin_start (GTK_WIDGET (self->result_box), 24);
  gtk_widget_set_margin_end (GTK_WIDGET (self->result_box), 24);
  gtk_widget_set_margin_top (GTK_WIDGET (self->result_box), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->result_box), 24);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1100);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->result_box));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_stack_add_named (self->stack, scroller, "result");

  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  /* Dropping one recording onto this page compares with it. */
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

void
tc_compare_section_set_before_file (TcCompareSection *self,
                                    GFile            *before)
{
  TcViewerSession *session;

  g_return_if_fail (TC_IS_COMPARE_SECTION (self));
  g_return_if_fail (G_IS_FILE (before));

  g_set_object (&self->pending, before);
  session = tc_section_get_session (TC_SECTION (self));
  if (session == NULL)
    return;

  if (tc_viewer_session_get_document (session) != NULL)
    start_loading (self);
  else if (!self->waiting)
    {
      self->waiting = TRUE;
      g_signal_connect_object (session, "notify::document",
                               G_CALLBACK (document_notify_cb), self, G_CONNECT_SWAPPED);
    }
}

TcComparison *
tc_compare_section_get_comparison (TcCompareSection *self)
{
  g_return_val_if_fail (TC_IS_COMPARE_SECTION (self), NULL);

  return self->comparison;
}

GtkWidget *
tc_compare_section_get_flame_graph (TcCompareSection *self)
{
  g_return_val_if_fail (TC_IS_COMPARE_SECTION (self), NULL);

  return self->comparison != NULL ? self->flame : NULL;
}

GtkWidget *
tc_compare_section_get_flame_bar (TcCompareSection *self)
{
  g_return_val_if_fail (TC_IS_COMPARE_SECTION (self), NULL);

  return self->comparison != NULL ? self->flame_bar : NULL;
}

void
tc_compare_open_in_window (TcWindow *window,
                           GFile    *before,
                           GFile    *after)
{
  TcSessionView *view;
  TcSection *section;

  g_return_if_fail (TC_IS_WINDOW (window));

  /* Both recordings get a tab; the "after" one is selected, on its
   * compare page. */
  tc_window_open_file (window, before);
  view = tc_window_open_file (window, after);
  section = view ? tc_session_view_get_section (view, "compare") : NULL;
  if (TC_IS_COMPARE_SECTION (section))
    tc_compare_section_set_before_file (TC_COMPARE_SECTION (section), before);
}

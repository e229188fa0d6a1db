/* tc-time-travel-panel.c — the program's state at the session cursor
 *
 * SPDX-License-Identifier: MIT
 *
 * At the instant of the cursor, the last snapshot taken tells what the
 * program looked like: the stack of every thread, the locals (changed ones
 * highlighted), the metrics and the system sample.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-chart-draw.h"
#include "tc-time-scrubber.h"
#include "tc-units.h"

#include "tc-time-travel-panel.h"

struct _TcTimeTravelPanel
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  GtkWidget       *scroller;
  GtkWidget       *box;
  GPtrArray       *locals;
  gint             shown;
};

G_DEFINE_FINAL_TYPE (TcTimeTravelPanel, tc_time_travel_panel, GTK_TYPE_WIDGET)

static GtkWidget *
label (const char *text,
       const char *css_class,
       gboolean    selectable)
{
  GtkWidget *l = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (l), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (l), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (l), selectable);
  if (css_class != NULL)
    gtk_widget_add_css_class (l, css_class);
  return l;
}

static void
add_heading (TcTimeTravelPanel *self,
             const char        *text)
{
  GtkWidget *l = label (text, "heading", FALSE);

  gtk_widget_set_margin_top (l, 12);
  gtk_box_append (GTK_BOX (self->box), l);
}

static GtkWidget *
add_grid (TcTimeTravelPanel *self)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_box_append (GTK_BOX (self->box), grid);
  return grid;
}

static void
grid_row (GtkWidget  *grid,
          guint       row,
          const char *name,
          const char *value,
          gboolean    changed)
{
  GtkWidget *n = label (name, "dim-label", FALSE);
  GtkWidget *v = label (value, changed ? "accent" : NULL, TRUE);

  if (changed)
    gtk_widget_add_css_class (v, "heading");
  gtk_widget_set_valign (n, GTK_ALIGN_START);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_grid_attach (GTK_GRID (grid), n, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), v, 1, row, 1, 1);
}

static char *
frame_text (TcDocument         *doc,
            const TcStackFrame *frame)
{
  const TcDocCode *code = tc_document_get_code (doc, frame->code_id);
  const TcDocFile *file = code != NULL ? tc_document_get_file (doc, code->file_id) : NULL;

  if (file != NULL)
    return g_strdup_printf ("%s  (%s:%u)", tc_document_code_name (doc, frame->code_id),
                            file->basename, frame->line);
  return g_strdup (tc_document_code_name (doc, frame->code_id));
}

static const TcDocSeries *
counter_by_id (TcDocument *doc,
               guint32     id)
{
  GPtrArray *counters = tc_document_get_counters (doc);

  for (guint i = 0; counters != NULL && i < counters->len; i++)
    if (((const TcDocSeries *) g_ptr_array_index (counters, i))->id == id)
      return g_ptr_array_index (counters, i);
  return NULL;
}

static const TcDocSeries *
metric_by_id (TcDocument *doc,
              guint32     id)
{
  GPtrArray *metrics = tc_document_get_metrics (doc);

  for (guint i = 0; metrics != NULL && i < metrics->len; i++)
    if (((const TcDocSeries *) g_ptr_array_index (metrics, i))->id == id)
      return g_ptr_array_index (metrics, i);
  return NULL;
}

static void
rebuild (TcTimeTravelPanel *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  gint64 cursor = tc_viewer_session_get_cursor (self->session);
  gint index = doc != NULL && cursor >= 0 ? tc_time_travel_snapshot_at (doc, cursor) : -1;
  const TcDocSnapshot *snap;
  GtkWidget *child;
  g_autofree char *title = NULL;
  g_autofree char *at = NULL;
  g_autofree char *number = NULL;

  if (index == self->shown && gtk_widget_get_first_child (self->box) != NULL)
    return;
  self->shown = index;
  g_ptr_array_set_size (self->locals, 0);

  while ((child = gtk_widget_get_first_child (self->box)))
    gtk_box_remove (GTK_BOX (self->box), child);

  if (index < 0)
    {
      gtk_box_append (GTK_BOX (self->box),
                      label (_("Drag the time scrubber (or click a chart) to see the program’s "
                               "state at that instant."), "dim-label", FALSE));
      return;
    }

  snap = &g_array_index (tc_document_get_snapshots (doc), TcDocSnapshot, index);
  at = tc_units_format_seconds (snap->time_ns);
  /* A wrapped title keeps "1.1990 s" whole: no-break spaces inside it. */
  {
    g_auto(GStrv) words = g_strsplit (at, " ", -1);

    g_free (at);
    at = g_strjoinv ("\u00a0", words);
  }
  /* The index goes in as a string: a G_GUINT64_FORMAT inside _() never
   * reaches the translators. */
  number = g_strdup_printf ("%" G_GUINT64_FORMAT, snap->index);
  title = g_strdup_printf (_("Snapshot %s · %s · %s"), number,
                           *snap->label ? snap->label : snap->evt, at);
  gtk_box_append (GTK_BOX (self->box), label (title, "title-4", FALSE));

  for (guint t = 0; t < snap->n_threads; t++)
    {
      const TcDocCapture *cap = &snap->threads[t];
      const TcDocThread *thread = tc_document_get_thread (doc, cap->thread_id);
      g_autofree char *heading = g_strdup_printf (_("Thread “%s”"), thread != NULL && *thread->name
                                                  ? thread->name : "?");
      GtkWidget *grid;

      add_heading (self, heading);
      for (guint f = 0; f < cap->n_stack; f++)
        {
          g_autofree char *text = frame_text (doc, &cap->stack[f]);
          GtkWidget *l = label (text, f == cap->locals_depth ? NULL : "dim-label", TRUE);

          gtk_widget_add_css_class (l, "monospace");
          gtk_widget_set_margin_start (l, 6 * (cap->n_stack - 1 - f));
          gtk_box_append (GTK_BOX (self->box), l);
        }

      grid = add_grid (self);
      gtk_widget_set_margin_top (grid, 6);
      for (guint l = 0; l < cap->n_locals; l++)
        {
          const TcDocLocal *local = &cap->locals[l];
          const TcDocVar *var = tc_document_get_var (doc, local->var_id);
          gboolean changed = (local->flags & TC_LOCAL_CHANGED) != 0;
          const char *name = var != NULL ? var->name : "?";

          grid_row (grid, l, name, local->repr, changed);
          g_ptr_array_add (self->locals, g_strdup_printf ("%s%s = %s", changed ? "*" : "", name, local->repr));
        }
    }

  if (snap->n_metrics > 0)
    {
      GtkWidget *grid;

      add_heading (self, _("Metrics"));
      grid = add_grid (self);
      for (guint m = 0; m < snap->n_metrics; m++)
        {
          const TcDocSeries *series = metric_by_id (doc, snap->metrics[m].metric_id);
          g_autofree char *value = tc_series_format_value (tc_value_to_double (&snap->metrics[m].value), "");

          grid_row (grid, m, series != NULL ? series->name : "?", value, FALSE);
        }
    }

  if (snap->n_system > 0)
    {
      GtkWidget *grid;

      add_heading (self, _("System"));
      grid = add_grid (self);
      for (guint s = 0; s < snap->n_system; s++)
        {
          const TcDocSeries *series = counter_by_id (doc, snap->system[s].counter_id);
          g_autofree char *value = tc_series_format_value (snap->system[s].value, series ? series->unit : "");

          grid_row (grid, s, series != NULL ? series->name : "?", value, FALSE);
        }
    }
}

static void
tc_time_travel_panel_dispose (GObject *object)
{
  TcTimeTravelPanel *self = (TcTimeTravelPanel *)object;

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->locals, g_ptr_array_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_time_travel_panel_parent_class)->dispose (object);
}

static void
tc_time_travel_panel_class_init (TcTimeTravelPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_time_travel_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tc_time_travel_panel_init (TcTimeTravelPanel *self)
{
  self->shown = -2;
  self->locals = g_ptr_array_new_with_free_func (g_free);
  self->scroller = gtk_scrolled_window_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 12);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->box);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
tc_time_travel_panel_new (TcViewerSession *session)
{
  TcTimeTravelPanel *self;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  self = g_object_new (TC_TYPE_TIME_TRAVEL_PANEL, NULL);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::cursor", G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);

  return GTK_WIDGET (self);
}

gint
tc_time_travel_panel_get_snapshot (TcTimeTravelPanel *self)
{
  return self->shown;
}

GStrv
tc_time_travel_panel_dup_locals (TcTimeTravelPanel *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv strv;

  for (guint i = 0; i < self->locals->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->locals, i));
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

/* tc-processes-section.c — a multi-process recording: one lane group per
 * process on a shared time axis
 *
 * SPDX-License-Identifier: MIT
 *
 * Shown for a recording with children beside it (`<stem>.<pid>.tc`, from
 * `timecapsule run --subprocesses` or a fork): the page loads the whole set
 * in a worker thread (the open document is reused), draws it with
 * TcProcessLanes and opens a process's own report in a tab on click.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "charts/tc-process-lanes.h"
#include "tc-units.h"
#include "tc-window.h"

#include "tc-processes-section.h"

struct _TcProcessesSection
{
  TcSection     parent_instance;

  TcProcessSet *set;
  GCancellable *cancellable;

  GtkWidget    *box;
  GtkLabel     *summary;
  GtkWidget    *lanes;
};

G_DEFINE_FINAL_TYPE (TcProcessesSection, tc_processes_section, TC_TYPE_SECTION)

static char *
summary_text (TcProcessSet *set)
{
  guint n = tc_process_set_get_n_members (set);
  guint64 calls = 0;
  guint crashed = 0;
  gint64 lo, hi;
  g_autofree char *crash_text = NULL;
  g_autofree char *calls_text = NULL;

  for (guint i = 0; i < n; i++)
    {
      const TcProcessMember *m = tc_process_set_get_member (set, i);
      g_autofree char *status = tc_process_member_status (m);
      calls += tc_process_member_calls (m);
      crashed += g_str_has_prefix (status, "crashed");
    }
  tc_process_set_get_time_range (set, &lo, &hi);
  crash_text = crashed > 0 ? g_strdup_printf (ngettext (" · %u crashed", " · %u crashed", crashed), crashed)
                           : g_strdup ("");
  /* The count goes in as a string: a G_GUINT64_FORMAT inside _() never
   * reaches the translators. */
  calls_text = tc_units_format_count (calls);
  return g_strdup_printf (_("%u processes · %.3f s · %s calls%s — "
                            "click a process to open its report, Ctrl+scroll to zoom"),
                          n, (double) (hi - lo) / 1e9, calls_text, crash_text);
}

static void
on_member_activated (TcProcessLanes     *lanes,
                     guint               index,
                     TcProcessesSection *self)
{
  const TcProcessMember *m = tc_process_set_get_member (self->set, index);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GFile) file = g_file_new_for_path (m->path);

  if (m->document == NULL || !TC_IS_WINDOW (root))
    return;
  tc_window_open_file (TC_WINDOW (root), file);
}

static void
set_loaded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TcProcessesSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TcProcessSet) set = tc_process_set_load_finish (result, &error);
  TcViewerSession *session;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (set == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->summary, error->message);
      return;
    }
  session = tc_section_get_session (TC_SECTION (self));
  path = g_file_get_path (tc_viewer_session_get_file (session));
  g_set_object (&self->set, set);
  text = summary_text (set);
  gtk_label_set_text (self->summary, text);
  tc_process_lanes_set_set (TC_PROCESS_LANES (self->lanes), set, path);
}

static gboolean
tc_processes_section_has_data (TcSection       *section,
                               TcViewerSession *session)
{
  g_autofree char *path = g_file_get_path (tc_viewer_session_get_file (session));

  return path != NULL && tc_process_set_has_members (path);
}

static void
tc_processes_section_load (TcSection       *section,
                           TcViewerSession *session)
{
  TcProcessesSection *self = TC_PROCESSES_SECTION (section);
  g_autofree char *path = g_file_get_path (tc_viewer_session_get_file (session));

  gtk_label_set_text (self->summary, _("Loading the other processes' recordings…"));
  tc_process_set_load_async (path, tc_viewer_session_get_document (session), self->cancellable,
                             set_loaded, g_object_ref (self));
}

static void
tc_processes_section_dispose (GObject *object)
{
  TcProcessesSection *self = TC_PROCESSES_SECTION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->set);
  G_OBJECT_CLASS (tc_processes_section_parent_class)->dispose (object);
}

static void
tc_processes_section_class_init (TcProcessesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_processes_section_dispose;
  section_class->has_data = tc_processes_section_has_data;
  section_class->load = tc_processes_section_load;
  tc_section_class_set_info (section_class, "processes", _("Processes"), "view-list-symbolic");
}

static void
tc_processes_section_init (TcProcessesSection *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *title = gtk_label_new (_("Processes"));

  self->cancellable = g_cancellable_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (self->box, 12);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 12);
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary, 0);
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  self->lanes = tc_process_lanes_new ();
  g_signal_connect (self->lanes, "member-activated", G_CALLBACK (on_member_activated), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->lanes);
  tc_process_lanes_set_vadjustment (TC_PROCESS_LANES (self->lanes),
                                    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self->box), title);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->summary));
  gtk_box_append (GTK_BOX (self->box), scrolled);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

TcProcessSet *
tc_processes_section_get_set (TcProcessesSection *self)
{
  g_return_val_if_fail (TC_IS_PROCESSES_SECTION (self), NULL);
  return self->set;
}

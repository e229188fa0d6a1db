/* tc-source-section.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "tc-session-view.h"
#include "tc-source-lines.h"

#include "tc-source-section.h"

struct _TcSourceSection
{
  TcSection        parent_instance;

  GtkDropDown     *files;
  GtkLabel        *summary;
  GtkSourceView   *view;
  GtkSourceBuffer *buffer;
  TcLineGutter    *gutter;
  GtkListBox      *dead_list;
  GtkTextTag      *never_tag;
  GtkTextTag      *jump_tag;

  GArray          *file_ids;     /* guint: files with embedded source */
  GArray          *never_run;    /* guint lines */
  GPtrArray       *dead_code;    /* char* */
  GArray          *dead_lines;   /* guint: first lines of dead_code */
  guint            file_id;
};

G_DEFINE_FINAL_TYPE (TcSourceSection, tc_source_section, TC_TYPE_SECTION)

static TcDocument *
get_document (TcSourceSection *self)
{
  return tc_viewer_session_get_document (tc_section_get_session (TC_SECTION (self)));
}

static void
dead_row_activated_cb (TcSourceSection *self,
                       GtkListBoxRow   *row,
                       GtkListBox      *list)
{
  guint line = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "line"));

  tc_source_section_show_line (self, self->file_id, line);
}

/* deadcode() names "fn  (file.py:line)"; keep this file's. */
static void
fill_dead_code (TcSourceSection *self,
                TcDocument      *doc,
                const TcDocFile *file)
{
  TcDeadcode *dead;
  GtkWidget *child;
  g_autofree char *suffix = g_strdup_printf ("(%s:", file->basename);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->dead_list))))
    gtk_list_box_remove (self->dead_list, child);
  g_ptr_array_set_size (self->dead_code, 0);
  g_array_set_size (self->dead_lines, 0);

  dead = tc_analysis_deadcode (doc, NULL, NULL);
  for (guint i = 0; i < dead->never_called->len; i++)
    {
      const char *entry = g_ptr_array_index (dead->never_called, i);
      const char *where = strstr (entry, suffix);
      g_autofree char *name = NULL;
      guint line;
      GtkWidget *row;

      if (where == NULL)
        continue;
      line = (guint)g_ascii_strtoull (where + strlen (suffix), NULL, 10);
      name = g_strstrip (g_strndup (entry, where - entry));

      row = adw_action_row_new ();
      {
        g_autofree char *title = g_markup_escape_text (name, -1);

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      }
      {
        g_autofree char *subtitle = g_strdup_printf (_("line %u"), line);

        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      }
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "line", GUINT_TO_POINTER (line));
      gtk_list_box_append (self->dead_list, row);
      g_ptr_array_add (self->dead_code, g_strdup_printf ("%s (%u)", name, line));
      g_array_append_val (self->dead_lines, line);
    }
  tc_deadcode_free (dead);

  if (self->dead_code->len == 0)
    {
      GtkWidget *label = gtk_label_new (_("Every function in this file ran."));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_append (self->dead_list, label);
    }
}

static void
mark_line (TcSourceSection *self,
           guint            line)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &start, line - 1);
  end = start;
  gtk_text_iter_forward_to_line_end (&end);
  gtk_text_buffer_apply_tag (GTK_TEXT_BUFFER (self->buffer), self->never_tag, &start, &end);
  g_array_append_val (self->never_run, line);
}

static void
show_file (TcSourceSection *self,
           guint            file_id)
{
  TcDocument *doc = get_document (self);
  const TcDocFile *file = tc_document_get_file (doc, file_id);
  g_autoptr(TcSourceLines) annotations = NULL;
  g_autofree char *summary = NULL;

  if (file == NULL || file->source == NULL || self->file_id == file_id)
    return;

  self->file_id = file_id;
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), file->source, (int)file->source_len);

  annotations = tc_source_lines_new (doc, file);
  tc_line_gutter_set_lines (self->gutter, annotations->lines, annotations->counted);
  fill_dead_code (self, doc, file);

  g_array_set_size (self->never_run, 0);
  if (annotations->per_function)
    {
      /* Without line hits only whole functions are known not to have run. */
      for (guint i = 0; i < self->dead_lines->len; i++)
        mark_line (self, g_array_index (self->dead_lines, guint, i));
      summary = g_strdup_printf (_("No per-line data in this recording: calls and time of each function "
                                   "are shown at its first line · %u functions ran, %u never ran"),
                                 annotations->n_functions, self->dead_lines->len);
    }
  else
    {
      for (guint i = 0; i < annotations->lines->len; i++)
        {
          const TcCoverageLine *entry = &g_array_index (annotations->lines, TcCoverageLine, i);

          if (entry->state == TC_COVERAGE_NEVER_RAN)
            mark_line (self, entry->line);
        }
      /* Say what the data is: first-hit data knows which lines ran, not
       * how often; the top level above record() is not judged. */
      summary = g_strdup_printf (annotations->counted
                                 ? _("%u of %u executable lines ran (%.0f %%) · %u never ran")
                                 : _("%u of %u executable lines ran (%.0f %%) · %u never ran · "
                                     "the recording knows which lines ran (✓), not how often"),
                                 annotations->n_hit, annotations->n_executable,
                                 annotations->n_executable ? 100.0 * annotations->n_hit / annotations->n_executable : 0.0,
                                 self->never_run->len);
      if (annotations->n_before > 0)
        {
          g_autofree char *before = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                  "%u line ran before recording (–, not judged)",
                                                                  "%u lines ran before recording (–, not judged)",
                                                                  annotations->n_before),
                                                     annotations->n_before);
          char *joined = g_strjoin (" · ", summary, before, NULL);

          g_free (summary);
          summary = joined;
        }
    }
  gtk_label_set_text (self->summary, summary);
}

static void
files_selected_cb (TcSourceSection *self)
{
  guint index = gtk_drop_down_get_selected (self->files);

  if (index < self->file_ids->len)
    show_file (self, g_array_index (self->file_ids, guint, index));
}

static gboolean
tc_source_section_has_data (TcSection         *section,
                            TcViewerSession   *session)
{
  GPtrArray *files = tc_document_get_files (tc_viewer_session_get_document (session));

  for (guint i = 0; i < files->len; i++)
    if (((const TcDocFile *)g_ptr_array_index (files, i))->source != NULL)
      return TRUE;

  return FALSE;
}

static void
tc_source_section_load (TcSection       *section,
                        TcViewerSession *session)
{
  TcSourceSection *self = TC_SOURCE_SECTION (section);
  TcDocument *doc = tc_viewer_session_get_document (session);
  const TcDocSession *meta = tc_document_get_session (doc);
  GPtrArray *files = tc_document_get_files (doc);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint first = 0;

  for (guint i = 0; i < files->len; i++)
    {
      const TcDocFile *file = g_ptr_array_index (files, i);

      if (file->source == NULL)
        continue;
      /* The recorded script first. */
      if (g_strcmp0 (file->path, meta->src) == 0)
        first = self->file_ids->len;
      g_array_append_val (self->file_ids, file->id);
      gtk_string_list_append (names, file->basename);
    }

  gtk_drop_down_set_model (self->files, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->files, first);
  files_selected_cb (self);
}

static void
tc_source_section_dispose (GObject *object)
{
  TcSourceSection *self = (TcSourceSection *)object;

  g_clear_pointer (&self->file_ids, g_array_unref);
  g_clear_pointer (&self->never_run, g_array_unref);
  g_clear_pointer (&self->dead_code, g_ptr_array_unref);
  g_clear_pointer (&self->dead_lines, g_array_unref);

  G_OBJECT_CLASS (tc_source_section_parent_class)->dispose (object);
}

static void
tc_source_section_class_init (TcSourceSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_source_section_dispose;
  section_class->has_data = tc_source_section_has_data;
  section_class->load = tc_source_section_load;

  tc_section_class_set_info (section_class, "source", _("Source Coverage"), "text-x-generic-symbolic");
}

static GtkWidget *
build_side (TcSourceSection *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (_("Never Called"));
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  self->dead_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->dead_list), "boxed-list");
  gtk_list_box_set_selection_mode (self->dead_list, GTK_SELECTION_NONE);
  gtk_widget_set_valign (GTK_WIDGET (self->dead_list), GTK_ALIGN_START);
  g_signal_connect_object (self->dead_list, "row-activated",
                           G_CALLBACK (dead_row_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->dead_list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_set_size_request (box, 220, -1);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), scroller);

  return box;
}

static void
tc_source_section_init (TcSourceSection *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceGutter *gutter;

  self->file_ids = g_array_new (FALSE, FALSE, sizeof (guint));
  self->never_run = g_array_new (FALSE, FALSE, sizeof (guint));
  self->dead_code = g_ptr_array_new_with_free_func (g_free);
  self->dead_lines = g_array_new (FALSE, FALSE, sizeof (guint));

  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 8);
  gtk_widget_set_margin_bottom (bar, 8);
  self->files = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  g_signal_connect_object (self->files, "notify::selected",
                           G_CALLBACK (files_selected_cb), self, G_CONNECT_SWAPPED);
  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "dim-label");
  gtk_label_set_xalign (self->summary, 0);
  /* Wrapped, not cut: its last sentences say what the marks mean. */
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_label_set_wrap_mode (self->summary, PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (GTK_WIDGET (self->summary), TRUE);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->files));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->summary));

  self->buffer = gtk_source_buffer_new_with_language (gtk_source_language_manager_get_language (languages, "python3"));
  gtk_source_buffer_set_style_scheme (self->buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes, "Adwaita"));
  self->never_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->buffer), "never-ran",
                                                "paragraph-background", "rgba(224,27,36,0.10)",
                                                NULL);
  self->jump_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->buffer), "jump",
                                               "paragraph-background", "rgba(53,132,228,0.25)",
                                               NULL);
  self->view = GTK_SOURCE_VIEW (gtk_source_view_new_with_buffer (self->buffer));
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->view), TRUE);
  gtk_source_view_set_show_line_numbers (self->view, TRUE);
  gtk_source_view_set_highlight_current_line (self->view, FALSE);

  self->gutter = tc_line_gutter_new ();
  gutter = gtk_source_view_get_gutter (self->view, GTK_TEXT_WINDOW_LEFT);
  gtk_source_gutter_insert (gutter, GTK_SOURCE_GUTTER_RENDERER (self->gutter), 10);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->view));
  gtk_widget_set_hexpand (scroller, TRUE);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_paned_set_start_child (GTK_PANED (paned), scroller);
  gtk_paned_set_end_child (GTK_PANED (paned), build_side (self));
  gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);

  gtk_box_append (GTK_BOX (outer), bar);
  gtk_box_append (GTK_BOX (outer), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (outer), paned);
  gtk_widget_set_parent (outer, GTK_WIDGET (self));
}

gboolean
tc_source_section_show_line (TcSourceSection *self,
                             guint            file_id,
                             guint            line)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (TC_IS_SOURCE_SECTION (self), FALSE);

  for (guint i = 0; i < self->file_ids->len; i++)
    if (g_array_index (self->file_ids, guint, i) == file_id)
      {
        gtk_drop_down_set_selected (self->files, i);
        show_file (self, file_id);
        break;
      }
  if (self->file_id != file_id)
    return FALSE;

  buffer = GTK_TEXT_BUFFER (self->buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->jump_tag, &start, &end);
  if (line == 0)
    return TRUE;

  gtk_text_buffer_get_iter_at_line (buffer, &start, line - 1);
  end = start;
  gtk_text_iter_forward_to_line_end (&end);
  gtk_text_buffer_apply_tag (buffer, self->jump_tag, &start, &end);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->view), &start, 0.1, TRUE, 0.0, 0.3);

  return TRUE;
}

guint
tc_source_section_get_file_id (TcSourceSection *self)
{
  g_return_val_if_fail (TC_IS_SOURCE_SECTION (self), 0);

  return self->file_id;
}

guint
tc_source_section_get_n_files (TcSourceSection *self)
{
  g_return_val_if_fail (TC_IS_SOURCE_SECTION (self), 0);

  return self->file_ids->len;
}

TcLineGutter *
tc_source_section_get_gutter (TcSourceSection *self)
{
  g_return_val_if_fail (TC_IS_SOURCE_SECTION (self), NULL);

  return self->gutter;
}

GtkTextBuffer *
tc_source_section_get_buffer (TcSourceSection *self)
{
  g_return_val_if_fail (TC_IS_SOURCE_SECTION (self), NULL);

  return GTK_TEXT_BUFFER (self->buffer);
}

GArray *
tc_source_section_get_never_run (TcSourceSection *self)
{
  g_return_val_if_fail (TC_IS_SOURCE_SECTION (self), NULL);

  return self->never_run;
}

GPtrArray *
tc_source_section_get_dead_code (TcSourceSection *self)
{
  g_return_val_if_fail (TC_IS_SOURCE_SECTION (self), NULL);

  return self->dead_code;
}

/**
 * tc_source_jump:
 * @from: a widget inside the session view
 *
 * Opens the annotated source at @line of @file_id through the session
 * view's "view.show-source" action.
 */
void
tc_source_jump (GtkWidget *from,
                guint      file_id,
                guint      line)
{
  GtkWidget *view;

  g_return_if_fail (GTK_IS_WIDGET (from));

  /* Through the view itself: a widget that was never realized may have no
   * action muxer to find "view." actions with. */
  view = gtk_widget_get_ancestor (from, TC_TYPE_SESSION_VIEW);
  if (view != NULL)
    gtk_widget_activate_action (view, "view.show-source", "(uu)", file_id, line);
  else
    gtk_widget_activate_action (from, "view.show-source", "(uu)", file_id, line);
}

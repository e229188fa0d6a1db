/* tc-crash-section.c — report section 4: crash forensics
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tc-analysis.h"
#include "tc-ui.h"
#include "tc-units.h"

#include "tc-crash-section.h"

/* Lines of source shown above and below the frame's line (the text report
 * shows ±5; the page has room for more). */
#define CONTEXT_LINES 8

struct _TcCrashSection
{
  TcSection      parent_instance;

  int            crash_line;     /* buffer line of the highlighted line, -1 none */
  guint          n_checklist;

  /* Template widgets */
  GtkLabel      *exception_label;
  GtkLabel      *location_label;
  GtkLabel      *meaning_label;
  GtkLabel      *root_cause_label;
  GtkListBox    *stack_list;
  GtkLabel      *source_title;
  GtkTextView   *source_view;
  GtkLabel      *locals_title;
  GtkListBox    *locals_list;
  GtkWidget     *checklist_group;
  GtkListBox    *checklist;
  GtkLabel      *traceback_label;
};

G_DEFINE_FINAL_TYPE (TcCrashSection, tc_crash_section, TC_TYPE_SECTION)

static TcDocument *
get_document (TcCrashSection *self)
{
  return tc_viewer_session_get_document (tc_section_get_session (TC_SECTION (self)));
}

/* Start of line @line (1-based) in @text, or NULL past the end. */
static const char *
find_line (const char *text,
           guint       line)
{
  const char *p = text;

  for (guint i = 1; i < line && p != NULL; i++)
    {
      p = strchr (p, '\n');
      if (p != NULL)
        p++;
    }

  return p != NULL && *p ? p : NULL;
}

static void
show_source (TcCrashSection        *self,
             const TcDocCrashFrame *frame)
{
  TcDocument *document = get_document (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->source_view);
  const TcDocCode *code = tc_document_get_code (document, frame->code_id);
  const TcDocFile *file = code && code->file_id ? tc_document_get_file (document, code->file_id) : NULL;
  GtkTextIter iter;
  guint first, last;
  const char *p;

  gtk_text_buffer_set_text (buffer, "", 0);
  self->crash_line = -1;

  gtk_label_set_text (self->source_title, file ? file->path : _("Source"));

  if (file == NULL || file->source == NULL)
    {
      gtk_text_buffer_set_text (buffer, _("The source of this frame is not embedded in the recording."), -1);
      return;
    }

  first = frame->line > CONTEXT_LINES ? frame->line - CONTEXT_LINES : 1;
  last = frame->line + CONTEXT_LINES;
  p = find_line (file->source, first);

  gtk_text_buffer_get_end_iter (buffer, &iter);
  for (guint line = first; line <= last && p != NULL; line++)
    {
      const char *end = strchr (p, '\n');
      gsize len = end ? (gsize)(end - p) : strlen (p);
      g_autofree char *number = g_strdup_printf ("%s%4u  ", line == frame->line ? "►" : " ", line);

      if (line > first)
        gtk_text_buffer_insert (buffer, &iter, "\n", 1);

      if (line == frame->line)
        self->crash_line = gtk_text_iter_get_line (&iter);

      gtk_text_buffer_insert_with_tags_by_name (buffer, &iter, number, -1, "line-number", NULL);
      gtk_text_buffer_insert (buffer, &iter, p, len);

      p = end ? end + 1 : NULL;
    }

  if (self->crash_line >= 0)
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_line (buffer, &start, self->crash_line);
      end = start;
      gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag_by_name (buffer, "crash-line", &start, &end);
    }
}

static void
show_locals (TcCrashSection        *self,
             const TcDocCrashFrame *frame)
{
  TcDocument *document = get_document (self);
  g_autofree char *title = NULL;
  guint n = 0;

  tc_ui_clear_box (GTK_WIDGET (self->locals_list));

  for (guint i = 0; i < frame->n_locals; i++)
    {
      const TcDocLocal *local = &frame->locals[i];
      const TcDocVar *var = tc_document_get_var (document, local->var_id);
      GtkWidget *row;
      GtkWidget *value;

      /* The text report hides dunder names (__builtins__, __file__ …). */
      if (var == NULL || g_str_has_prefix (var->name, "__"))
        continue;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), var->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), local->type_name);
      value = gtk_label_new (local->repr);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (value), 60);
      gtk_label_set_xalign (GTK_LABEL (value), 1.0f);
      gtk_widget_set_tooltip_text (value, local->repr);
      gtk_widget_add_css_class (value, "tc-value");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
      gtk_list_box_append (self->locals_list, row);
      n++;
    }

  if (n == 0)
    gtk_list_box_append (self->locals_list, tc_ui_empty_label_new (_("No local variables were captured in this frame")));

  title = g_strdup_printf (_("Variables in %s()"), tc_document_code_name (document, frame->code_id));
  gtk_label_set_text (self->locals_title, title);
}

static void
stack_row_selected_cb (TcCrashSection *self,
                       GtkListBoxRow  *row,
                       GtkListBox     *list)
{
  const TcDocCrash *crash = tc_document_get_crash (get_document (self));
  int index;

  if (row == NULL || crash == NULL)
    return;

  index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint)index >= crash->n_frames)
    return;

  show_source (self, &crash->frames[index]);
  show_locals (self, &crash->frames[index]);
}

static void
load_stack (TcCrashSection   *self,
            TcDocument       *document,
            const TcDocCrash *crash)
{
  for (guint i = 0; i < crash->n_frames; i++)
    {
      const TcDocCrashFrame *frame = &crash->frames[i];
      const TcDocCode *code = tc_document_get_code (document, frame->code_id);
      const TcDocFile *file = code && code->file_id ? tc_document_get_file (document, code->file_id) : NULL;
      g_autofree char *title = g_strdup_printf ("%s()", tc_document_code_name (document, frame->code_id));
      g_autofree char *subtitle = g_strdup_printf ("%s:%u%s%s%s",
                                                   file ? file->basename : "?", frame->line,
                                                   code && *code->module ? "  [" : "",
                                                   code && *code->module ? code->module : "",
                                                   code && *code->module ? "]" : "");
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (i == 0 ? "dialog-error-symbolic"
                                                                      : "go-up-symbolic"));
      if (file != NULL && file->source != NULL)
        {
          GtkWidget *button = gtk_button_new_from_icon_name ("accessories-text-editor-symbolic");

          /* Opens the frame's line in the annotated source page. */
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, _("Show this line in the annotated source"));
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                                  g_variant_new ("(uu)", file->id, frame->line));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "view.show-source");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->stack_list, row);
    }

  if (crash->n_frames > 0)
    gtk_list_box_select_row (self->stack_list, gtk_list_box_get_row_at_index (self->stack_list, 0));
}

static gboolean
tc_crash_section_has_data (TcSection *section,
                           TcViewerSession *session)
{
  return tc_document_get_crash (tc_viewer_session_get_document (session)) != NULL;
}

static void
tc_crash_section_load (TcSection *section,
                       TcViewerSession *session)
{
  TcCrashSection *self = (TcCrashSection *)section;
  TcDocument *document = tc_viewer_session_get_document (session);
  const TcDocCrash *crash = tc_document_get_crash (document);
  const char * const *checklist;
  guint n_checklist;
  TcExceptionChain *chain = tc_analysis_exception_chain (document, NULL, NULL);
  g_autofree char *exception = g_strdup_printf ("%s: %s", crash->exc_type, crash->message);
  g_autofree char *location = NULL;
  const TcDocCode *code = crash->n_frames ? tc_document_get_code (document, crash->frames[0].code_id) : NULL;
  const TcDocFile *file = code && code->file_id ? tc_document_get_file (document, code->file_id) : NULL;

  gtk_label_set_text (self->exception_label, exception);

  location = g_strdup_printf (_("%s  fn=%s()  line=%u  t=%.4f s"),
                              file ? file->path : "?",
                              crash->n_frames ? tc_document_code_name (document, crash->frames[0].code_id) : "?",
                              crash->n_frames ? crash->frames[0].line : 0,
                              tc_ns_to_s (crash->time_ns));
  gtk_label_set_text (self->location_label, location);
  gtk_label_set_text (self->meaning_label, tc_exception_friendly (crash->exc_type));

  if (chain != NULL && chain->has_root_cause)
    {
      g_autofree char *text = g_strdup_printf (_("Likely root cause: %s became %s at t=%.4f s in %s"),
                                               chain->bad_var, chain->bad_value,
                                               tc_ns_to_s (chain->introduced_ns),
                                               chain->introduced_in);

      gtk_label_set_text (self->root_cause_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->root_cause_label), TRUE);
    }
  g_clear_pointer (&chain, tc_exception_chain_free);

  load_stack (self, document, crash);

  checklist = tc_exception_checklist (crash->exc_type);
  for (n_checklist = 0; checklist[n_checklist] != NULL; n_checklist++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), checklist[n_checklist]);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (self->checklist, row);
    }
  self->n_checklist = n_checklist;
  gtk_widget_set_visible (self->checklist_group, n_checklist > 0);

  gtk_label_set_text (self->traceback_label, crash->traceback);
}

static void
tc_crash_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TC_TYPE_CRASH_SECTION);

  G_OBJECT_CLASS (tc_crash_section_parent_class)->dispose (object);
}

static void
tc_crash_section_class_init (TcCrashSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  TcSectionClass *section_class = TC_SECTION_CLASS (klass);

  object_class->dispose = tc_crash_section_dispose;

  section_class->has_data = tc_crash_section_has_data;
  section_class->load = tc_crash_section_load;
  tc_section_class_set_info (section_class, "crash", _("Crash Forensics"), "dialog-error-symbolic");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tc-crash-section.ui");
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, exception_label);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, location_label);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, meaning_label);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, root_cause_label);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, stack_list);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, source_title);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, source_view);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, locals_title);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, locals_list);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, checklist_group);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, checklist);
  gtk_widget_class_bind_template_child (widget_class, TcCrashSection, traceback_label);
}

static void
tc_crash_section_init (TcCrashSection *self)
{
  GtkTextBuffer *buffer;

  self->crash_line = -1;

  gtk_widget_init_template (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (self->source_view);
  gtk_text_buffer_create_tag (buffer, "line-number",
                              "foreground-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 1.0 },
                              NULL);
  gtk_text_buffer_create_tag (buffer, "crash-line",
                              "paragraph-background-rgba", &(GdkRGBA) { 0.878, 0.106, 0.141, 0.22 },
                              "weight", PANGO_WEIGHT_BOLD,
                              NULL);

  g_signal_connect_object (self->stack_list, "row-selected",
                           G_CALLBACK (stack_row_selected_cb), self,
                           G_CONNECT_SWAPPED);
}

guint
tc_crash_section_get_n_frames (TcCrashSection *self)
{
  const TcDocCrash *crash;

  g_return_val_if_fail (TC_IS_CRASH_SECTION (self), 0);

  if (get_document (self) == NULL || !(crash = tc_document_get_crash (get_document (self))))
    return 0;

  return crash->n_frames;
}

void
tc_crash_section_select_frame (TcCrashSection *self,
                               guint           index)
{
  GtkListBoxRow *row;

  g_return_if_fail (TC_IS_CRASH_SECTION (self));

  row = gtk_list_box_get_row_at_index (self->stack_list, index);
  if (row != NULL)
    gtk_list_box_select_row (self->stack_list, row);
}

/**
 * tc_crash_section_get_source_buffer:
 *
 * Returns: (transfer none): the source context of the selected frame
 */
GtkTextBuffer *
tc_crash_section_get_source_buffer (TcCrashSection *self)
{
  g_return_val_if_fail (TC_IS_CRASH_SECTION (self), NULL);

  return gtk_text_view_get_buffer (self->source_view);
}

/**
 * tc_crash_section_get_crash_line:
 *
 * Returns: the buffer line highlighted as the frame's line, or -1
 */
int
tc_crash_section_get_crash_line (TcCrashSection *self)
{
  g_return_val_if_fail (TC_IS_CRASH_SECTION (self), -1);

  return self->crash_line;
}

guint
tc_crash_section_get_n_locals (TcCrashSection *self)
{
  guint n = 0;

  g_return_val_if_fail (TC_IS_CRASH_SECTION (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->locals_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child))
      n++;

  return n;
}

guint
tc_crash_section_get_n_checklist (TcCrashSection *self)
{
  g_return_val_if_fail (TC_IS_CRASH_SECTION (self), 0);

  return self->n_checklist;
}

/* test-source.c — the annotated source page on a known program: gutter
 * values, heat, never-run lines, never-called functions, jumping to a line
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "source/tc-source-section.h"
#include "tc-report-fixture.h"
#include "tc-viewer-session.h"

/* The source page of the recording at `path`, filled; it keeps the
 * session, which keeps the document. */
static TcSourceSection *
load_section (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TcViewerSession) session = tc_viewer_session_new (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, &error);
  TcSourceSection *section;

  g_assert_no_error (error);
  tc_viewer_session_set_document (session, doc);
  section = g_object_ref_sink (g_object_new (TC_TYPE_SOURCE_SECTION, "session", session, NULL));
  tc_section_load (TC_SECTION (section));
  return section;
}

static void
test_gutter (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tc-source-XXXXXX", NULL);
  g_autofree char *path = tc_report_fixture_write (dir, "after.tc", "app.py", TRUE);
  TcSourceSection *section = load_section (path);
  TcLineGutter *gutter;
  GArray *never;
  GPtrArray *dead;
  g_autofree char *loop = NULL;
  g_autofree char *body = NULL;
  g_autofree char *before = NULL;
  g_autofree char *never_text = NULL;
  GtkTextIter iter;
  gboolean never_unused = FALSE, never_body = FALSE, never_def = FALSE;

  g_assert_true (tc_section_get_has_data (TC_SECTION (section)));
  g_assert_cmpuint (tc_source_section_get_n_files (section), ==, 1);

  gutter = tc_source_section_get_gutter (section);
  loop = tc_line_gutter_dup_text (gutter, FIX_AFTER_LINE_LOOP);
  body = tc_line_gutter_dup_text (gutter, FIX_AFTER_LINE_WORK_BODY);
  before = tc_line_gutter_dup_text (gutter, FIX_AFTER_LINE_UNUSED);
  never_text = tc_line_gutter_dup_text (gutter, FIX_AFTER_LINE_UNUSED + 1);
  g_assert_cmpstr (loop, ==, "4×");
  g_assert_cmpstr (body, ==, "3× 12.0 ms");
  /* `def unused():` ran when the module was imported, before the
   * recording: not judged ("–"); its body never ran (""). */
  g_assert_cmpstr (before, ==, "–");
  g_assert_cmpstr (never_text, ==, "");
  g_assert_cmpfloat_with_epsilon (tc_line_gutter_get_heat (gutter, FIX_AFTER_LINE_LOOP), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tc_line_gutter_get_heat (gutter, FIX_AFTER_LINE_WORK_BODY), 0.75, 1e-9);

  /* unused() never ran: its lines are marked, it is listed as dead code. */
  never = tc_source_section_get_never_run (section);
  for (guint i = 0; i < never->len; i++)
    {
      never_unused |= g_array_index (never, guint, i) == FIX_AFTER_LINE_UNUSED + 1;
      never_def |= g_array_index (never, guint, i) == FIX_AFTER_LINE_UNUSED;
      never_body |= g_array_index (never, guint, i) == FIX_AFTER_LINE_WORK_BODY;
    }
  g_assert_true (never_unused);
  g_assert_false (never_def);
  g_assert_false (never_body);
  dead = tc_source_section_get_dead_code (section);
  g_assert_cmpuint (dead->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (dead, 0), ==, "unused (20)");

  /* Jumping puts the cursor on the line. */
  g_assert_true (tc_source_section_show_line (section, tc_source_section_get_file_id (section),
                                              FIX_AFTER_LINE_HELPER));
  gtk_text_buffer_get_iter_at_mark (tc_source_section_get_buffer (section), &iter,
                                    gtk_text_buffer_get_insert (tc_source_section_get_buffer (section)));
  g_assert_cmpint (gtk_text_iter_get_line (&iter), ==, FIX_AFTER_LINE_HELPER - 1);
  g_assert_false (tc_source_section_show_line (section, 999, 1));

  g_object_unref (section);
  g_unlink (path);
  g_rmdir (dir);
}

/* Without line hits: each function's calls and time at its first line. */
static void
test_per_function (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tc-source-XXXXXX", NULL);
  g_autofree char *path = tc_report_fixture_write_no_lines (dir, "after.tc");
  TcSourceSection *section = load_section (path);
  TcLineGutter *gutter;
  GArray *never;
  g_autofree char *work = NULL;
  g_autofree char *body = NULL;

  gutter = tc_source_section_get_gutter (section);
  work = tc_line_gutter_dup_text (gutter, FIX_AFTER_LINE_WORK);
  body = tc_line_gutter_dup_text (gutter, FIX_AFTER_LINE_WORK_BODY);
  g_assert_cmpstr (work, ==, "3× 12.0 ms");
  g_assert_cmpstr (body, ==, "");
  /* Heat follows calls: work() ×3 is the most called. */
  g_assert_cmpfloat_with_epsilon (tc_line_gutter_get_heat (gutter, FIX_AFTER_LINE_WORK), 1.0, 1e-9);

  /* Only unused()'s first line is known not to have run. */
  never = tc_source_section_get_never_run (section);
  g_assert_cmpuint (never->len, ==, 1);
  g_assert_cmpuint (g_array_index (never, guint, 0), ==, FIX_AFTER_LINE_UNUSED);

  g_object_unref (section);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/tc/source/gutter", test_gutter);
  g_test_add_func ("/tc/source/per-function", test_per_function);

  return g_test_run ();
}

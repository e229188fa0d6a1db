/* test-compare-page.c — the compare page in a session view: a recording
 * dropped on it is compared, function rows jump to the annotated source
 * through "view.show-source", and printing goes through GtkPrintOperation
 * with the same pages as the PDF export
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <string.h>

#include <glib/gstdio.h>

#include "compare/tc-compare-section.h"
#include "compare/tc-diff-flame-graph.h"
#include "pdf/tc-report-pages.h"
#include "pdf/tc-report-print.h"
#include "source/tc-source-section.h"
#include "tc-report-fixture.h"
#include "tc-session-view.h"
#include "tc-test-window.h"

static char *tmp_dir;
static char *before_path;
static char *after_path;

static TcSessionView *
open_view (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TcViewerSession) session = tc_viewer_session_new (file);
  TcSessionView *view = g_object_ref_sink (tc_session_view_new (session));

  tc_session_view_load (view);
  tc_test_wait_loaded (view);
  g_assert_cmpstr (tc_session_view_get_state (view), ==, "report");

  return view;
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

static gboolean
has_comparison (gpointer section)
{
  return tc_compare_section_get_comparison (section) != NULL;
}

static void
test_drop_and_jump (void)
{
  g_autoptr(TcSessionView) view = open_view (after_path);
  g_autoptr(GFile) before = g_file_new_for_path (before_path);
  TcCompareSection *compare = TC_COMPARE_SECTION (tc_session_view_get_section (view, "compare"));
  TcSourceSection *source = TC_SOURCE_SECTION (tc_session_view_get_section (view, "source"));
  GtkDropTarget *target;
  GValue value = G_VALUE_INIT;
  GSList *files = g_slist_append (NULL, before);
  gboolean handled = FALSE;
  const TcCompareRow *work;
  GtkTextIter iter;
  GtkTextBuffer *buffer;

  g_assert_true (tc_session_view_is_section_enabled (view, "compare"));
  g_assert_true (tc_session_view_is_section_enabled (view, "source"));
  g_assert_null (tc_compare_section_get_comparison (compare));

  /* Drop the "before" recording on the page. */
  target = find_drop_target (GTK_WIDGET (compare));
  g_assert_nonnull (target);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_slist_free (files);
  g_assert_true (handled);

  tc_test_wait_for (has_comparison, compare);
  work = tc_comparison_find_row (tc_compare_section_get_comparison (compare), "work");
  g_assert_nonnull (work);
  g_assert_cmpfloat_with_epsilon (tc_compare_row_delta_pct (work), -60.0, 1e-6);
  /* The page came to the front. */
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "compare");

  /* The differential flame graph describes the change of a call path and
   * zooms into it. */
  {
    TcDiffFlameGraph *flame = TC_DIFF_FLAME_GRAPH (tc_compare_section_get_flame_graph (compare));
    TcComparison *cmp = tc_compare_section_get_comparison (compare);
    TcFlameTree *tree = tc_comparison_get_flame_tree (cmp);
    guint32 path[2] = { 0, 0 };
    g_autofree char *text = NULL;
    guint32 node;

    for (guint i = 0; i < tc_document_get_codes (tc_comparison_get_after (cmp))->len; i++)
      {
        const TcDocCode *code = g_ptr_array_index (tc_document_get_codes (tc_comparison_get_after (cmp)), i);

        if (g_str_equal (code->qualname, "main"))
          path[0] = code->id;
        else if (g_str_equal (code->qualname, "work"))
          path[1] = code->id;
      }
    node = tc_flame_tree_find_path (tree, path, 2);
    g_assert_cmpuint (node, !=, TC_FLAME_NONE);
    text = tc_diff_flame_graph_describe (flame, node);
    g_assert_cmpstr (text, ==, "work\n30.0 ms → 12.0 ms (-60 %), 3 calls now");
    tc_diff_flame_graph_set_focus (flame, node);
    g_assert_cmpuint (tc_diff_flame_graph_get_focus (flame), ==, node);
  }

  /* A function row opens the source at its line ("view.show-source"). */
  tc_source_jump (GTK_WIDGET (compare), work->file_id_after, work->line_after);
  g_assert_cmpstr (tc_section_get_id (tc_session_view_get_visible_section (view)), ==, "source");
  buffer = tc_source_section_get_buffer (source);
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_line (&iter), ==, FIX_AFTER_LINE_WORK - 1);
}

static guint
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = NULL;
  g_autoptr(GError) error = NULL;
  const char *pages;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &info, NULL, &status, &error));
  g_assert_no_error (error);
  pages = strstr (info, "Pages:");
  g_assert_nonnull (pages);

  return (guint)g_ascii_strtoull (pages + strlen ("Pages:"), NULL, 10);
}

/* Printing and PDF export share TcReportPages: the comparison open in the
 * view is in both, and a printed A4 has as many pages as the export. */
static void
test_print (void)
{
  g_autoptr(TcSessionView) view = open_view (after_path);
  g_autoptr(GFile) before = g_file_new_for_path (before_path);
  TcCompareSection *compare = TC_COMPARE_SECTION (tc_session_view_get_section (view, "compare"));
  g_autofree char *printed = g_build_filename (tmp_dir, "printed.pdf", NULL);
  g_autofree char *exported = g_build_filename (tmp_dir, "exported.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcReportPages) pages = NULL;
  guint n;

  tc_compare_section_set_before_file (compare, before);
  tc_test_wait_for (has_comparison, compare);

  g_assert_true (tc_report_export_pdf_for_view (view, exported, &error));
  g_assert_no_error (error);
  pages = tc_report_pages_new (tc_comparison_get_after (tc_compare_section_get_comparison (compare)),
                               tc_compare_section_get_comparison (compare));
  g_assert_cmpuint (pdf_pages (exported), ==, tc_report_pages_get_n_pages (pages));
  g_assert_cmpstr (g_ptr_array_index (tc_report_pages_get_sections (pages), 0), ==, "Comparison");

  n = tc_report_print_view_export (view, printed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 2);
  g_assert_cmpuint (pdf_pages (printed), ==, n);

  g_unlink (printed);
  g_unlink (exported);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmp_dir = g_dir_make_tmp ("tc-compare-page-XXXXXX", NULL);
  before_path = tc_report_fixture_write (tmp_dir, "before.tc", "app.py", FALSE);
  after_path = tc_report_fixture_write (tmp_dir, "after.tc", "app.py", TRUE);

  g_test_add_func ("/tc/compare-page/drop-and-jump", test_drop_and_jump);
  g_test_add_func ("/tc/compare-page/print", test_print);

  ret = g_test_run ();

  g_unlink (before_path);
  g_unlink (after_path);
  g_rmdir (tmp_dir);

  return ret;
}

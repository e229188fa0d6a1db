/* test-pdf.c — the printed report: page count, every section title in the
 * text, pages that render, and the headless command line.  Runs with
 * DISPLAY and WAYLAND_DISPLAY unset: the PDF path must not need a display.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <glib/gstdio.h>

#include "pdf/tc-pdf-export.h"
#include "pdf/tc-report-pages.h"
#include "tc-report-fixture.h"
#include "tc-test-recordings.h"

static char *tmp_dir;
static char *before_path;
static char *after_path;

static char *
run (const char * const *argv,
     int                *status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, status, &error));
  g_assert_no_error (error);

  return out;
}

static guint
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = NULL;
  const char *pages;
  int status;

  info = run (argv, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  pages = strstr (info, "Pages:");
  g_assert_nonnull (pages);

  return (guint)g_ascii_strtoull (pages + strlen ("Pages:"), NULL, 10);
}

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };
  int status;
  char *text = run (argv, &status);

  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return text;
}

static TcDocument *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  TcDocument *doc = tc_document_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);

  return doc;
}

static void
test_export (void)
{
  g_autoptr(TcDocument) before = load (before_path);
  g_autoptr(TcDocument) after = load (after_path);
  g_autoptr(TcComparison) comparison = tc_comparison_new (before, after);
  g_autoptr(TcReportPages) pages = tc_report_pages_new (after, comparison);
  g_autofree char *pdf = g_build_filename (tmp_dir, "report.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sections = tc_report_pages_get_sections (pages);
  const char *expected[] = { "Comparison", "What Your Code Did", "Warnings", "Function Performance",
                             "Metrics", "Memory and Resources", "Variable Timelines", "Hot Lines",
                             "Optimization Suggestions", "Flame Graph", "Snapshot Timeline",
                             "Source Coverage" };

  g_assert_null (g_getenv ("DISPLAY"));
  g_assert_true (tc_pdf_export (after, comparison, pdf, &error));
  g_assert_no_error (error);

  /* Title page + the sections; the file says the same as the layout. */
  g_assert_cmpuint (tc_report_pages_get_n_pages (pages), >=, 4);
  g_assert_cmpuint (pdf_pages (pdf), ==, tc_report_pages_get_n_pages (pages));

  text = pdf_text (pdf);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gboolean listed = FALSE;

      for (guint k = 0; k < sections->len; k++)
        listed |= g_str_equal (g_ptr_array_index (sections, k), expected[i]);
      g_assert_true (listed);
      g_assert_nonnull (strstr (text, expected[i]));
    }
  /* Every section title of the layout is in the PDF, in page order. */
  for (guint k = 0; k < sections->len; k++)
    {
      g_assert_nonnull (strstr (text, g_ptr_array_index (sections, k)));
      if (k > 0)
        g_assert_cmpuint (tc_report_pages_get_section_page (pages, k), >=,
                          tc_report_pages_get_section_page (pages, k - 1));
    }

  /* Numbers from the data, not placeholders. */
  g_assert_nonnull (strstr (text, "Page 2 of"));
  g_assert_nonnull (strstr (text, "NAN_DETECTED"));
  g_assert_nonnull (strstr (text, "Crash FIXED"));
  g_assert_nonnull (strstr (text, "TABLE[x]"));
  g_assert_nonnull (strstr (text, "-60%"));
}

/* A long table breaks across pages and repeats its header. */
static void
test_pagination (void)
{
  g_autoptr(TcDocument) after = load (after_path);
  g_autoptr(TcReportPages) pages = tc_report_pages_new (after, NULL);
  guint a4 = tc_report_pages_get_n_pages (pages);
  guint small = tc_report_pages_paginate (pages, 300, 300);

  g_assert_cmpuint (small, >, a4);
  g_assert_cmpuint (tc_report_pages_get_n_pages (pages), ==, small);
}

static void
test_render (void)
{
  g_autofree char *pdf = g_build_filename (tmp_dir, "report.pdf", NULL);
  g_autofree char *prefix = g_build_filename (tmp_dir, "page", NULL);
  g_autofree char *png = g_build_filename (tmp_dir, "page-1.png", NULL);
  const char *argv[] = { "pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", pdf, prefix, NULL };
  g_autofree char *out = NULL;
  int status;

  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  out = run (argv, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));
  g_unlink (png);
}

/* A recording with children beside it gets a Processes section: the table
 * of the set (crash and signal statuses included) and the lanes chart; a
 * recording without any gets none. */
static void
test_processes (void)
{
  g_autofree char *parent = tc_test_write_process ("app.tc", "100", "", "", 3, 0, 0);
  g_autofree char *child = tc_test_write_process ("app.200.tc", "200", "100", "spawn-child", 5, 0, 0);
  g_autofree char *grandchild = tc_test_write_process ("app.300.tc", "300", "200", "subprocess", 2,
                                                       128 + 15, TC_END_FLAG_SIGNAL);
  g_autoptr(TcDocument) doc = load (parent);
  g_autoptr(TcReportPages) pages = tc_report_pages_new (doc, NULL);
  g_autoptr(TcDocument) single = load (after_path);
  g_autoptr(TcReportPages) single_pages = tc_report_pages_new (single, NULL);
  g_autofree char *pdf = g_build_filename (tmp_dir, "processes.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sections = tc_report_pages_get_sections (pages);
  gboolean listed = FALSE;
  const char *table;

  for (guint k = 0; k < sections->len; k++)
    listed |= g_str_equal (g_ptr_array_index (sections, k), "Processes");
  g_assert_true (listed);
  sections = tc_report_pages_get_sections (single_pages);
  for (guint k = 0; k < sections->len; k++)
    g_assert_cmpstr (g_ptr_array_index (sections, k), !=, "Processes");

  g_assert_true (tc_pdf_export (doc, NULL, pdf, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "one of a set of 3 processes"));
  /* The table, then the chart's headers (pid, role, status) and lanes. */
  table = strstr (text, "spawn-child");
  g_assert_nonnull (table);
  g_assert_nonnull (strstr (table, "signal 15"));
  g_assert_nonnull (strstr (strstr (table, "signal 15") + 1, "300"));
  g_assert_nonnull (strstr (table, "MainThread"));
  g_unlink (pdf);
  g_unlink (child);
  g_unlink (grandchild);
  g_unlink (parent);
}

/* Section 12 from the events: the coroutine table, on a recording
 * without a snapshot inside a task. */
static void
test_async (void)
{
  g_autofree char *path = tc_test_write_coroutines ();
  g_autoptr(TcDocument) doc = load (path);
  g_autoptr(TcReportPages) pages = tc_report_pages_new (doc, NULL);
  g_autofree char *pdf = g_build_filename (tmp_dir, "coroutines.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sections = tc_report_pages_get_sections (pages);
  gboolean listed = FALSE;
  const char *table;

  for (guint k = 0; k < sections->len; k++)
    listed |= g_str_equal (g_ptr_array_index (sections, k), "Async and Coroutine Activity");
  g_assert_true (listed);

  g_assert_true (tc_pdf_export (doc, NULL, pdf, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  table = strstr (text, "Runs/inst.");
  g_assert_nonnull (table);
  g_assert_nonnull (strstr (table, "handle"));
  g_assert_nonnull (strstr (table, "14.0 ms"));
  g_assert_nonnull (strstr (table, "fetch"));
  g_assert_null (strstr (table, "ticker"));
  g_unlink (pdf);
}

/* The real executable, with no display at all. */
static void
test_headless (void)
{
  const char *viewer = g_getenv ("TC_VIEWER");
  g_autofree char *pdf = g_build_filename (tmp_dir, "headless.pdf", NULL);
  g_autofree char *bad = g_build_filename (tmp_dir, "missing.tc", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  int status;

  if (viewer == NULL)
    {
      g_test_skip ("TC_VIEWER not set");
      return;
    }

  {
    const char *argv[] = { viewer, "--export-pdf", pdf, before_path, NULL };

    out = run (argv, &status);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_cmpuint (pdf_pages (pdf), >=, 3);
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Crash Forensics"));
  g_assert_nonnull (strstr (text, "IndexError"));
  g_unlink (pdf);

  /* Two recordings: the report of the second, compared with the first. */
  {
    const char *argv[] = { viewer, "--export-pdf", pdf, "--compare", before_path, after_path, NULL };
    g_autofree char *ignored = run (argv, &status);
    g_autofree char *compared = NULL;

    g_assert_true (g_spawn_check_wait_status (status, NULL));
    compared = pdf_text (pdf);
    g_assert_nonnull (strstr (compared, "Comparison"));
    g_assert_nonnull (strstr (compared, "Crash FIXED"));
    g_unlink (pdf);
  }

  {
    const char *argv[] = { viewer, "--export-pdf", pdf, bad, NULL };
    g_autofree char *ignored = run (argv, &status);

    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("tc-pdf-XXXXXX", NULL);
  before_path = tc_report_fixture_write (tmp_dir, "before.tc", "app.py", FALSE);
  after_path = tc_report_fixture_write (tmp_dir, "after.tc", "app.py", TRUE);

  g_test_add_func ("/tc/pdf/export", test_export);
  g_test_add_func ("/tc/pdf/pagination", test_pagination);
  g_test_add_func ("/tc/pdf/render", test_render);
  g_test_add_func ("/tc/pdf/headless", test_headless);
  g_test_add_func ("/tc/pdf/processes", test_processes);
  g_test_add_func ("/tc/pdf/async", test_async);

  ret = g_test_run ();

  {
    const char *names[] = { "before.tc", "after.tc", "report.pdf", "headless.pdf" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (tmp_dir, names[i], NULL);

        g_unlink (path);
      }
    g_rmdir (tmp_dir);
  }

  return ret;
}

/* tc-report-print.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "compare/tc-compare-section.h"
#include "tc-pdf-export.h"
#include "tc-report-pages.h"

#include "tc-report-print.h"

/* The comparison shown on the view's compare page, or NULL. */
static TcComparison *
view_comparison (TcSessionView *view)
{
  TcSection *section = tc_session_view_get_section (view, "compare");

  return TC_IS_COMPARE_SECTION (section) ? tc_compare_section_get_comparison (TC_COMPARE_SECTION (section)) : NULL;
}

gboolean
tc_report_export_pdf_for_view (TcSessionView  *view,
                               const char     *path,
                               GError        **error)
{
  TcDocument *document;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (view), FALSE);

  document = tc_viewer_session_get_document (tc_session_view_get_session (view));
  if (document == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The recording is still loading"));
      return FALSE;
    }

  return tc_pdf_export (document, view_comparison (view), path, error);
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                TcReportPages     *pages)
{
  guint n = tc_report_pages_paginate (pages,
                                      gtk_print_context_get_width (context),
                                      gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, (int)n);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              TcReportPages     *pages)
{
  tc_report_pages_draw_page (pages, gtk_print_context_get_cairo_context (context), (guint)page);
}

static GtkPrintOperation *
create_operation (TcSessionView *view)
{
  TcDocument *document = tc_viewer_session_get_document (tc_session_view_get_session (view));
  GtkPrintOperation *operation;
  TcReportPages *pages;

  if (document == NULL)
    return NULL;

  pages = tc_report_pages_new (document, view_comparison (view));
  operation = gtk_print_operation_new ();
  /* The pages are laid out in points, with their own margins. */
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_job_name (operation, tc_viewer_session_get_title (tc_session_view_get_session (view)));
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), pages);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), pages);
  g_object_set_data_full (G_OBJECT (operation), "tc-report-pages", pages, g_object_unref);

  return operation;
}

void
tc_report_print_view (TcSessionView *view,
                      GtkWindow     *parent)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TC_IS_SESSION_VIEW (view));

  operation = create_operation (view);
  if (operation == NULL)
    return;

  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, &error) ==
      GTK_PRINT_OPERATION_RESULT_ERROR)
    g_warning ("Printing failed: %s", error->message);
}

/**
 * tc_report_print_view_export:
 *
 * Prints without a dialog to a PDF file through GTK's print pipeline (the
 * same pages the printer gets); returns the number of pages printed, 0 on
 * error.
 */
guint
tc_report_print_view_export (TcSessionView  *view,
                             const char     *path,
                             GError        **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  int n_pages = 0;

  g_return_val_if_fail (TC_IS_SESSION_VIEW (view), 0);

  operation = create_operation (view);
  if (operation == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The recording is still loading"));
      return 0;
    }

  gtk_print_operation_set_export_filename (operation, path);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, error) ==
      GTK_PRINT_OPERATION_RESULT_ERROR)
    return 0;

  g_object_get (operation, "n-pages", &n_pages, NULL);

  return (guint)MAX (n_pages, 0);
}

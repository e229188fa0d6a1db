/* tc-report-print.h — the report from the viewer: PDF export and printing
 * of the recording shown in a session view (with its comparison, when one
 * is open), through the same TcReportPages as the headless export
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-session-view.h"

G_BEGIN_DECLS

gboolean tc_report_export_pdf_for_view (TcSessionView  *view,
                                        const char     *path,
                                        GError        **error);
/* Runs the print dialog (GtkPrintOperation) for the view's report. */
void     tc_report_print_view          (TcSessionView  *view,
                                        GtkWindow      *parent);

/* The same pages printed to a PDF file without a dialog; the number of
 * pages, 0 on error. */
guint    tc_report_print_view_export   (TcSessionView  *view,
                                        const char     *path,
                                        GError        **error);

G_END_DECLS

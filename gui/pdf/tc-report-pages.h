/* tc-report-pages.h — the printed report: pagination and page drawing
 *
 * SPDX-License-Identifier: MIT
 *
 * TcReportPages lays the whole report out on pages of a given size and
 * draws any page on a cairo_t whose user unit is one point.  It needs only
 * cairo, pango and the analysis library, never a GdkDisplay, so the same
 * object serves File → Export PDF (a cairo PDF surface), printing
 * (GtkPrintOperation's cairo context) and the headless
 * `timecapsule-viewer --export-pdf`.  The charts are drawn by the same
 * cairo helpers as the screen (gui/charts, gui/compare), as vectors.
 */
#pragma once

#include <cairo.h>

#include "compare/tc-comparison.h"

G_BEGIN_DECLS

#define TC_TYPE_REPORT_PAGES (tc_report_pages_get_type ())

G_DECLARE_FINAL_TYPE (TcReportPages, tc_report_pages, TC, REPORT_PAGES, GObject)

/* A4 in points. */
#define TC_REPORT_PAGE_WIDTH  595.0
#define TC_REPORT_PAGE_HEIGHT 842.0

/* `comparison` (nullable): add the comparison with the recording before. */
TcReportPages *tc_report_pages_new            (TcDocument    *document,
                                               TcComparison  *comparison);
/* Lays the report out on pages of width × height points (margins
 * included); returns the number of pages. */
guint          tc_report_pages_paginate       (TcReportPages *self,
                                               double         width,
                                               double         height);
guint          tc_report_pages_get_n_pages    (TcReportPages *self);
/* Draws page `page` (0-based) at the origin of `cr`. */
void           tc_report_pages_draw_page      (TcReportPages *self,
                                               cairo_t       *cr,
                                               guint          page);
/* The section titles in order (const char*), and the page each starts on. */
GPtrArray     *tc_report_pages_get_sections   (TcReportPages *self);
guint          tc_report_pages_get_section_page (TcReportPages *self,
                                                 guint          section);

G_END_DECLS

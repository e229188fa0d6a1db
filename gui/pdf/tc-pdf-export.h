/* tc-pdf-export.h — the report as a PDF file, with or without a display
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "compare/tc-comparison.h"

G_BEGIN_DECLS

/* Writes the whole report of `document` (and the comparison, nullable) to
 * `path` as vector PDF.  Needs no GdkDisplay. */
gboolean tc_pdf_export            (TcDocument    *document,
                                   TcComparison  *comparison,
                                   const char    *path,
                                   GError       **error);

/* `timecapsule-viewer --export-pdf OUT.pdf FILE.tc [--compare BEFORE.tc]`:
 * TRUE when argv asks for a headless export, which main() then runs with
 * tc_pdf_export_main() instead of starting GTK. */
gboolean tc_pdf_export_wanted     (int            argc,
                                   char         **argv);
int      tc_pdf_export_main       (int            argc,
                                   char         **argv);

G_END_DECLS

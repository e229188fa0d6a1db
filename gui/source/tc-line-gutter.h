/* tc-line-gutter.h — per-line hits and time beside the annotated source
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtksourceview/gtksource.h>

#include "tc-analysis.h"

G_BEGIN_DECLS

#define TC_TYPE_LINE_GUTTER (tc_line_gutter_get_type ())

G_DECLARE_FINAL_TYPE (TcLineGutter, tc_line_gutter, TC, LINE_GUTTER, GtkSourceGutterRendererText)

TcLineGutter *tc_line_gutter_new       (void);
/* The lines of one file (TcCoverageLine, by line; may be sparse), or NULL;
 * `counted`: the hits are counts, else they only say a line ran. */
void          tc_line_gutter_set_lines (TcLineGutter *self,
                                        GArray       *lines,
                                        gboolean      counted);
/* Text shown for 1-based `line` ("" when it never ran, "✓" when it ran in
 * first-hit data, "–" when it ran before recording) and its heat in [0, 1]
 * (hits relative to the file's hottest line; 0 for first-hit data). */
char         *tc_line_gutter_dup_text  (TcLineGutter *self,
                                        guint         line);
double        tc_line_gutter_get_heat  (TcLineGutter *self,
                                        guint         line);

G_END_DECLS

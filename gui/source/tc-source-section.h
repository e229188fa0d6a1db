/* tc-source-section.h — annotated source coverage
 *
 * SPDX-License-Identifier: MIT
 *
 * Other pages jump here with the session view's "view.show-source" action,
 * parameter "(uu)": the file id and the 1-based line (tc_source_jump()).
 */
#pragma once

#include "tc-section.h"
#include "tc-line-gutter.h"

G_BEGIN_DECLS

#define TC_TYPE_SOURCE_SECTION (tc_source_section_get_type ())

G_DECLARE_FINAL_TYPE (TcSourceSection, tc_source_section, TC, SOURCE_SECTION, TcSection)

/* Shows `file_id` scrolled to `line` with the line highlighted.  FALSE when
 * the recording has no embedded source for that file. */
gboolean      tc_source_section_show_line    (TcSourceSection *self,
                                              guint            file_id,
                                              guint            line);
guint         tc_source_section_get_file_id  (TcSourceSection *self);
guint         tc_source_section_get_n_files  (TcSourceSection *self);
TcLineGutter *tc_source_section_get_gutter   (TcSourceSection *self);
GtkTextBuffer *tc_source_section_get_buffer  (TcSourceSection *self);
/* Executable lines of the shown file that never ran, and the functions of
 * the file that never ran ("name (line)"), as shown in the page. */
GArray       *tc_source_section_get_never_run (TcSourceSection *self);
GPtrArray    *tc_source_section_get_dead_code (TcSourceSection *self);

/* From any widget inside a session view: open the source page at a line. */
void          tc_source_jump                 (GtkWidget       *from,
                                              guint            file_id,
                                              guint            line);

G_END_DECLS

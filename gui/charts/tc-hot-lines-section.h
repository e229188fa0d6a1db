/* tc-hot-lines-section.h — the most executed lines as bars
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_HOT_LINES_SECTION (tc_hot_lines_section_get_type ())

G_DECLARE_FINAL_TYPE (TcHotLinesSection, tc_hot_lines_section, TC, HOT_LINES_SECTION, TcSection)

/* Orders the bars by time spent instead of hits. */
void    tc_hot_lines_section_set_by_time (TcHotLinesSection *self,
                                          gboolean           by_time);
GArray *tc_hot_lines_section_get_bars    (TcHotLinesSection *self);
/* TRUE when the recording's line hits say only that a line ran, and the
 * page explains that instead of ranking lines. */
gboolean tc_hot_lines_section_is_first_hit (TcHotLinesSection *self);

G_END_DECLS

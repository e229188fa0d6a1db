/* tc-compare-section.h — the comparison page: this recording against one
 * from before a change
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"
#include "tc-window.h"
#include "tc-comparison.h"

G_BEGIN_DECLS

#define TC_TYPE_COMPARE_SECTION (tc_compare_section_get_type ())

G_DECLARE_FINAL_TYPE (TcCompareSection, tc_compare_section, TC, COMPARE_SECTION, TcSection)

/* Loads `before` in a worker thread and compares it with this page's
 * recording (the "after" one); the page comes to the front when done. */
void          tc_compare_section_set_before_file (TcCompareSection *self,
                                                  GFile            *before);
TcComparison *tc_compare_section_get_comparison  (TcCompareSection *self);
/* The TcDiffFlameGraph of the shown comparison, or NULL. */
GtkWidget    *tc_compare_section_get_flame_graph (TcCompareSection *self);
/* The thread / CPU-only controls above it (TcCompareFlameBar), NULL before. */
GtkWidget    *tc_compare_section_get_flame_bar   (TcCompareSection *self);

/* Opens both recordings in tabs of `window`, with `after` selected and
 * compared with `before`. */
void          tc_compare_open_in_window          (TcWindow         *window,
                                                  GFile            *before,
                                                  GFile            *after);

G_END_DECLS

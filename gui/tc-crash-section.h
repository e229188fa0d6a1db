/* tc-crash-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_CRASH_SECTION (tc_crash_section_get_type ())

G_DECLARE_FINAL_TYPE (TcCrashSection, tc_crash_section, TC, CRASH_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

guint          tc_crash_section_get_n_frames       (TcCrashSection *self);
void           tc_crash_section_select_frame       (TcCrashSection *self,
                                                    guint           index);
GtkTextBuffer *tc_crash_section_get_source_buffer  (TcCrashSection *self);
int            tc_crash_section_get_crash_line     (TcCrashSection *self);
guint          tc_crash_section_get_n_locals       (TcCrashSection *self);
guint          tc_crash_section_get_n_checklist    (TcCrashSection *self);

G_END_DECLS

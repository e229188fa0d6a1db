/* tc-warnings-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_WARNINGS_SECTION (tc_warnings_section_get_type ())

G_DECLARE_FINAL_TYPE (TcWarningsSection, tc_warnings_section, TC, WARNINGS_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

GListModel *tc_warnings_section_get_model (TcWarningsSection *self);
void        tc_warnings_section_jump      (TcWarningsSection *self,
                                           guint              position);

G_END_DECLS

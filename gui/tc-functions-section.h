/* tc-functions-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_FUNCTIONS_SECTION (tc_functions_section_get_type ())

G_DECLARE_FINAL_TYPE (TcFunctionsSection, tc_functions_section, TC, FUNCTIONS_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

GListModel  *tc_functions_section_get_model     (TcFunctionsSection *self);
void         tc_functions_section_set_filter    (TcFunctionsSection *self,
                                                 const char         *text);
void         tc_functions_section_select        (TcFunctionsSection *self,
                                                 guint               position);
gboolean     tc_functions_section_select_code   (TcFunctionsSection *self,
                                                 guint32             code_id);
GtkWidget   *tc_functions_section_get_histogram (TcFunctionsSection *self);

G_END_DECLS

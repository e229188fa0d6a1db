/* tc-variables-section.h — variable timelines and time travel
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_VARIABLES_SECTION (tc_variables_section_get_type ())

G_DECLARE_FINAL_TYPE (TcVariablesSection, tc_variables_section, TC, VARIABLES_SECTION, TcSection)

gboolean   tc_variables_section_show_heatmap (TcVariablesSection *self,
                                              const char         *name);
GtkWidget *tc_variables_section_get_heatmap  (TcVariablesSection *self);

G_END_DECLS

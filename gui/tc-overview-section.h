/* tc-overview-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_OVERVIEW_SECTION (tc_overview_section_get_type ())

G_DECLARE_FINAL_TYPE (TcOverviewSection, tc_overview_section, TC, OVERVIEW_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

GtkWidget *tc_overview_section_get_moments_strip   (TcOverviewSection *self);
GtkWidget *tc_overview_section_get_suggestions_row (TcOverviewSection *self);
void       tc_overview_section_fill_facts          (GtkListBox        *list,
                                                    TcDocument        *document);

G_END_DECLS

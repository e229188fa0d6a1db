/* tc-suggestions-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_SUGGESTIONS_SECTION (tc_suggestions_section_get_type ())

G_DECLARE_FINAL_TYPE (TcSuggestionsSection, tc_suggestions_section, TC, SUGGESTIONS_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

guint tc_suggestions_section_get_n_suggestions (TcSuggestionsSection *self);

G_END_DECLS

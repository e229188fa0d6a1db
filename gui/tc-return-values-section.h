/* tc-return-values-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_RETURN_VALUES_SECTION (tc_return_values_section_get_type ())

G_DECLARE_FINAL_TYPE (TcReturnValuesSection, tc_return_values_section, TC, RETURN_VALUES_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

GListModel *tc_return_values_section_get_model (TcReturnValuesSection *self);

G_END_DECLS

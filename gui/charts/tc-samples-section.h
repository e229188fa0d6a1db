/* tc-samples-section.h — the stack sample profile (sample mode)
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_SAMPLES_SECTION (tc_samples_section_get_type ())

G_DECLARE_FINAL_TYPE (TcSamplesSection, tc_samples_section, TC, SAMPLES_SECTION, TcSection)

G_END_DECLS

/* tc-resources-section.h — RAM, CPU, GPU, threads and open files over time
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_RESOURCES_SECTION (tc_resources_section_get_type ())

G_DECLARE_FINAL_TYPE (TcResourcesSection, tc_resources_section, TC, RESOURCES_SECTION, TcSection)

/* Names of the counters plotted, in order (for the tests). */
GStrv tc_resources_section_dup_plotted (TcResourcesSection *self);

G_END_DECLS

/* tc-processes-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"
#include "tc-process-set.h"

G_BEGIN_DECLS

#define TC_TYPE_PROCESSES_SECTION (tc_processes_section_get_type ())

G_DECLARE_FINAL_TYPE (TcProcessesSection, tc_processes_section, TC, PROCESSES_SECTION, TcSection)

/* The set once loaded (NULL before, or when it failed). */
TcProcessSet *tc_processes_section_get_set (TcProcessesSection *self);

G_END_DECLS

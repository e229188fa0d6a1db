/* tc-callgraph-section.h — the call graph page
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_CALLGRAPH_SECTION (tc_callgraph_section_get_type ())

G_DECLARE_FINAL_TYPE (TcCallgraphSection, tc_callgraph_section, TC, CALLGRAPH_SECTION, TcSection)

G_END_DECLS

/* tc-flame-graph-section.h — the flame graph page
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-flame-graph.h"
#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_FLAME_GRAPH_SECTION (tc_flame_graph_section_get_type ())

G_DECLARE_FINAL_TYPE (TcFlameGraphSection, tc_flame_graph_section, TC, FLAME_GRAPH_SECTION, TcSection)

/* The page's flame graph, once loaded (NULL before). */
TcFlameGraph *tc_flame_graph_section_get_graph (TcFlameGraphSection *self);

G_END_DECLS

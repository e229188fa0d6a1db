/* tc-chart-sections.h — the report pages built on the charts
 *
 * SPDX-License-Identifier: MIT
 *
 * One include for the session view's list of pages.
 */
#pragma once

#include "tc-flame-graph-section.h"
#include "tc-metrics-section.h"
#include "tc-resources-section.h"
#include "tc-variables-section.h"
#include "tc-hot-lines-section.h"
#include "tc-samples-section.h"
#include "tc-callgraph-section.h"

/* tc-metrics-section.h — one chart per tc.metric() series
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_METRICS_SECTION (tc_metrics_section_get_type ())

G_DECLARE_FINAL_TYPE (TcMetricsSection, tc_metrics_section, TC, METRICS_SECTION, TcSection)

void tc_metrics_section_set_threshold (TcMetricsSection *self,
                                       double            threshold);
/* Anomalies over all charts at the current threshold. */
guint tc_metrics_section_get_n_anomalies (TcMetricsSection *self);

G_END_DECLS

/* tc-histogram.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-draw.h"

G_BEGIN_DECLS

#define TC_TYPE_HISTOGRAM (tc_histogram_get_type ())

G_DECLARE_FINAL_TYPE (TcHistogram, tc_histogram, TC, HISTOGRAM, GtkWidget)

GtkWidget             *tc_histogram_new           (void);
void                   tc_histogram_set_durations (TcHistogram  *self,
                                                   TcDurations  *durations,
                                                   double        p50_ms,
                                                   double        p95_ms,
                                                   double        p99_ms);
const TcHistogramBins *tc_histogram_get_bins      (TcHistogram  *self);

G_END_DECLS

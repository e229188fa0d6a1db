/* tc-compare-flame-bar.h — thread choice and "CPU only" for the
 * differential flame graph
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-diff-flame-graph.h"

G_BEGIN_DECLS

#define TC_TYPE_COMPARE_FLAME_BAR (tc_compare_flame_bar_get_type ())

G_DECLARE_FINAL_TYPE (TcCompareFlameBar, tc_compare_flame_bar, TC, COMPARE_FLAME_BAR, GtkBox)

GtkWidget  *tc_compare_flame_bar_new         (TcComparison      *comparison,
                                              TcDiffFlameGraph  *graph);
/* What the user would pick: a thread by name (NULL: all threads) and the
 * CPU-only switch.  Unknown names select all threads. */
void        tc_compare_flame_bar_set_view    (TcCompareFlameBar *self,
                                              const char        *thread_name,
                                              gboolean           cpu_only);
/* The sentence under the controls that says what the graph leaves out. */
const char *tc_compare_flame_bar_get_caption (TcCompareFlameBar *self);

G_END_DECLS

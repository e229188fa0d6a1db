/* SPDX-License-Identifier: MIT
 *
 * tc-report-private.h — pieces shared by the report sections, explain(),
 * summary() and dump().
 */
#pragma once

#include "tc-document-private.h"
#include "tc-text-private.h"

G_BEGIN_DECLS

/* Variables that were captured at least once, names not starting "__". */
guint       tc_report_n_vars        (TcDocument *doc);
/* The most-called function, skipping <genexpr>/<listcomp>/<dictcomp>/
 * <lambda>/<module>; NULL when none. */
const TcFunctionStats *tc_report_dominant (TcDocument *doc);
/* "RAM stable ~30MB", "RAM grew 24→31MB (+7MB)", "RAM peaked …"; NULL
 * without RAM samples. */
char       *tc_report_ram_sentence  (TcDocument *doc);
/* A metric value as the seed printed it (floats .4g, ints plain). */
char       *tc_report_metric_value  (const TcValue *value);
/* "total=1819   loss=0.025" for the first `max` final metrics, numeric
 * ones only when `numeric_only`; NULL when there are none. */
char       *tc_report_final_metrics (TcDocument *doc, guint max, const char *sep, gboolean numeric_only);
/* Labels set by the user (not "_tc…"), in time order. */
GPtrArray  *tc_report_user_labels   (TcDocument *doc);
/* The crash location: function and line of the raising frame. */
const char *tc_report_crash_fn      (TcDocument *doc, guint32 *line);

G_END_DECLS

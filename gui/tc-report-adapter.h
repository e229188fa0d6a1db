/* tc-report-adapter.h — private adapter: pieces of the text report
 *
 * SPDX-License-Identifier: MIT
 *
 * libtc-analysis computes the optimization suggestions (report section 13)
 * and the crash fix checklist (section 4) only while rendering the text
 * report; it has no structured API for them yet.  Rather than write those
 * rules a second time, the pages take them from the rendered plain-text
 * report.  Replace with tc_analysis_suggestions()/tc_exception_checklist()
 * once libtc-analysis exposes them.
 */
#pragma once

#include "tc-document.h"

G_BEGIN_DECLS

typedef struct
{
  char *tag;    /* "SLOW", "PERF", "MEM", "TIP", … (trimmed) */
  char *text;
} TcSuggestion;

void       tc_suggestion_free          (TcSuggestion *suggestion);
GPtrArray *_tc_report_adapter_suggestions (TcDocument *document);
GPtrArray *_tc_report_adapter_checklist   (TcDocument *document);

G_END_DECLS

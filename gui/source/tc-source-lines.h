/* tc-source-lines.h — what to show beside each line of a recorded file
 *
 * SPDX-License-Identifier: MIT
 *
 * With line hits in the recording, that is the line coverage of
 * libtc-analysis.  Without (the recorder records calls, not lines, unless
 * asked to), it is each function's calls and inclusive time at the line
 * where the function starts, so the annotated source still shows where the
 * time went.  Plain GLib: the PDF uses it too.
 */
#pragma once

#include "tc-analysis.h"

G_BEGIN_DECLS

typedef struct
{
  GArray   *lines;          /* TcCoverageLine, by line */
  gboolean  per_function;   /* no line hits: calls/time at each def line */
  gboolean  counted;        /* hits are counts (else: 1 = ran at least once) */
  guint     n_executable;   /* line coverage only: code lines judged */
  guint     n_hit;
  guint     n_before;       /* lines that ran before recording: not judged */
  guint     n_functions;    /* functions of the file that ran */
} TcSourceLines;

TcSourceLines *tc_source_lines_new  (TcDocument      *doc,
                                     const TcDocFile *file);
void           tc_source_lines_free (TcSourceLines   *lines);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSourceLines, tc_source_lines_free)

G_END_DECLS

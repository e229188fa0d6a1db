/* SPDX-License-Identifier: MIT
 *
 * tc-durations.h — one function's per-call durations (exact ns), sorted
 * ascending, as TcFunctionStats.durations holds them.
 *
 * Stored in 4 bytes a call when every call of the function is shorter
 * than 2^32 ns (4.29 s), as nearly all are, else in 8: at 50 M calls that
 * is 200 MB less in a loaded document, and a 200 M-event recording stays
 * under the viewer's 2 GB.  Readers never see the width: they ask for
 * values by index (as gint64) or copy runs of them out.
 *
 * Immutable once made; reference counted so that a view (the histogram)
 * can keep one without copying it or holding the whole document.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TcDurations TcDurations;

TcDurations *tc_durations_new         (const gint64      *ns,
                                       guint              n);
TcDurations *tc_durations_ref         (TcDurations       *self);
void         tc_durations_unref       (TcDurations       *self);

guint        tc_durations_get_n       (const TcDurations *self);
gint64       tc_durations_get         (const TcDurations *self,
                                       guint              i);
guint        tc_durations_copy        (const TcDurations *self,
                                       guint              first,
                                       gint64            *out,
                                       guint              n_out);
gboolean     tc_durations_is_compact  (const TcDurations *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcDurations, tc_durations_unref)

G_END_DECLS

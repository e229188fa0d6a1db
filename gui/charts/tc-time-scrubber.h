/* tc-time-scrubber.h — the whole recording as a strip with a draggable
 * cursor, and the lookups of "what was true at that instant"
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_TIME_SCRUBBER (tc_time_scrubber_get_type ())

G_DECLARE_FINAL_TYPE (TcTimeScrubber, tc_time_scrubber, TC, TIME_SCRUBBER, GtkWidget)

GtkWidget *tc_time_scrubber_new            (TcViewerSession *session);
/* Moves the session cursor to where widget x falls on the whole recording. */
void       tc_time_scrubber_scrub_to       (TcTimeScrubber  *self,
                                            double           x);

/* Index of the last snapshot taken at or before `time_ns`, or -1. */
gint       tc_time_travel_snapshot_at      (TcDocument      *doc,
                                            gint64           time_ns);
/* A click is a few pixels wide: pointing at a snapshot's marker means that
 * snapshot, not the instant just before it (which would show the one
 * before).  How near, in pixels, a click must be to snap to it. */
#define TC_SNAP_SLOP_PX 4
/* The time of the snapshot nearest `time_ns` when it lies within
 * `within_ns`, else `time_ns`. */
gint64     tc_time_travel_snap_to_snapshot (TcDocument      *doc,
                                            gint64           time_ns,
                                            gint64           within_ns);
/* The value a variable had at `time_ns` (its last capture then), or NULL. */
const TcDocVarPoint *tc_time_travel_value_at (const TcDocVar *var,
                                              gint64          time_ns);
/* Time of the variable's previous / next change strictly before / after
 * `time_ns`; -1 when none. */
gint64     tc_time_travel_previous_change  (const TcDocVar  *var,
                                            gint64           time_ns);
gint64     tc_time_travel_next_change      (const TcDocVar  *var,
                                            gint64           time_ns);

G_END_DECLS

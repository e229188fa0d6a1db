/* tc-process-lanes.h — one lane group per process on a shared time axis
 *
 * SPDX-License-Identifier: MIT
 *
 * Draws a multi-process recording (TcProcessSet): for each process a header
 * (pid, role, status, command) over its lifetime, then one flame-chart lane
 * per thread with its calls, a crash marker where it crashed.  Every member
 * is put on the parent's clock.  Ctrl+scroll zooms around the pointer; a click on
 * a process emits ::member-activated with its index in the set; hovering
 * says which process, thread, call or crash lies there.  The drawing is
 * tc-process-draw.c's, shared with the PDF export.
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-process-set.h"

G_BEGIN_DECLS

#define TC_TYPE_PROCESS_LANES (tc_process_lanes_get_type ())

G_DECLARE_FINAL_TYPE (TcProcessLanes, tc_process_lanes, TC, PROCESS_LANES, GtkWidget)

GtkWidget *tc_process_lanes_new          (void);
void       tc_process_lanes_set_set      (TcProcessLanes *self,
                                          TcProcessSet   *set,
                                          const char     *current_path);
/* The scrolled window's vertical adjustment: the time axis is drawn at the
 * top of the visible part. */
void       tc_process_lanes_set_vadjustment (TcProcessLanes *self,
                                             GtkAdjustment  *adjustment);
/* The member whose lanes are under y (widget coordinates), or -1. */
int        tc_process_lanes_member_at    (TcProcessLanes *self,
                                          double          y);
void       tc_process_lanes_get_range    (TcProcessLanes *self,
                                          gint64         *begin_ns,
                                          gint64         *end_ns);
void       tc_process_lanes_set_range    (TcProcessLanes *self,
                                          gint64          begin_ns,
                                          gint64          end_ns);
/* The markup of the tooltip at (x, y), or NULL where there is none. */
char      *tc_process_lanes_get_tooltip_text (TcProcessLanes *self,
                                              double          x,
                                              double          y);
/* Calls drawn for a member (after the level-of-detail cut), for tests. */
guint      tc_process_lanes_get_n_spans  (TcProcessLanes *self,
                                          guint           member);

G_END_DECLS

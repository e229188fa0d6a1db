/* tc-moments-strip.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-draw.h"
#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_MOMENTS_STRIP (tc_moments_strip_get_type ())

G_DECLARE_FINAL_TYPE (TcMomentsStrip, tc_moments_strip, TC, MOMENTS_STRIP, GtkWidget)

GtkWidget      *tc_moments_strip_new         (void);
void            tc_moments_strip_set_session (TcMomentsStrip  *self,
                                              TcViewerSession *session);
const TcMoment *tc_moments_strip_get_moments (TcMomentsStrip  *self,
                                              guint           *n_moments);
void            tc_moments_strip_activate_at (TcMomentsStrip  *self,
                                              double           x);

G_END_DECLS

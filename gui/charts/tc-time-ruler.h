/* tc-time-ruler.h — time axis with markers, bound to a session
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_TIME_RULER (tc_time_ruler_get_type ())

G_DECLARE_FINAL_TYPE (TcTimeRuler, tc_time_ruler, TC, TIME_RULER, GtkWidget)

GtkWidget *tc_time_ruler_new (TcViewerSession *session);

G_END_DECLS

/* tc-test-window.h — the viewer in a real window, for the GUI tests and the
 * screenshot tools (tests/gui, tests/report)
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "tc-window.h"

G_BEGIN_DECLS

/* A GUI test program's start: GLib's test framework, libadwaita, warnings
 * and criticals fatal, and the application (tc_test_app_new()). */
TcApplication *tc_test_init             (int            *argc,
                                         char         ***argv);
/* A registered, non-unique application that takes files to open. */
TcApplication *tc_test_app_new          (void);
/* Runs the main loop for `ms` milliseconds (layout, painting, idles). */
void           tc_test_settle           (guint           ms);
/* Runs the main loop until `done (data)` (30 s at most, else the test
 * fails), then once more until idle, so that pages lay out. */
void           tc_test_wait_for         (gboolean      (*done) (gpointer),
                                         gpointer        data);
/* Waits until `view` left its loading page. */
void           tc_test_wait_loaded      (TcSessionView  *view);
/* Opens `path` in a tab of `window` and waits until it left its loading
 * page. */
TcSessionView *tc_test_open_path        (TcWindow       *window,
                                         const char     *path);
/* The first widget in `root`'s tree (depth first, `root` included) for
 * which `match (widget, data)` holds, or NULL. */
GtkWidget     *tc_test_find             (GtkWidget      *root,
                                         gboolean      (*match) (GtkWidget *, gconstpointer),
                                         gconstpointer   data);
/* The first widget of `type` in `root`'s tree, or NULL. */
GtkWidget     *tc_test_find_widget      (GtkWidget      *root,
                                         GType           type);
/* Saves what GTK draws of `window`, header bar included, as DIR/NAME.png. */
gboolean       tc_test_save_window      (GtkWidget      *window,
                                         const char     *dir,
                                         const char     *name);

G_END_DECLS

/* SPDX-License-Identifier: MIT
 *
 * tc-launcher.h — `timecapsule run`'s launching frames.
 *
 * `timecapsule run script.py` starts the script through runpy (run_path →
 * _run_module_code → _run_code → the script's <module>, or run_module →
 * _run_module_code → _run_code with -m): the program did not call those,
 * so the views that show call stacks from their root (flame graph, flame
 * chart) leave them out there and the script's <module> is the root.
 * Deeper down (a program's own runpy call) they stay.  The one rule for
 * every such view; the recorder's crash stacks apply the same rule to live
 * frames (timecapsule/_crash.py).
 */
#pragma once

#include "tc-document.h"

G_BEGIN_DECLS

/* Whether `code_id` is one of runpy's launching functions.  The recorder
 * names no module for them: the file is runpy.py, or "<frozen runpy>" on
 * 3.11+ where runpy is frozen. */
gboolean  tc_launcher_is_code        (TcDocument *doc,
                                      guint32     code_id);

/* For each node of a thread's call tree (TcCallNode), the number of
 * launching levels at or above it: a node is itself a launching frame
 * when its value equals its depth (the root, code 0, included); a
 * program's frame is shown `value` levels higher.  Free with g_free(). */
guint32  *tc_launcher_call_tree_lift (TcDocument *doc,
                                      GArray     *call_tree);

/* The thread's deepest call stack (TcDocThread.max_depth) without the
 * launching frames at its root. */
guint32   tc_launcher_max_depth      (TcDocument        *doc,
                                      const TcDocThread *thread);

/* By code id, 1 for runpy's launching functions (a GByteArray as long as
 * the highest such id + 1): for tc_launcher_stack_lift(). */
GByteArray *tc_launcher_codes        (TcDocument *doc);

/* How many frames at the root of the call stack codes[0..depth] are
 * launching frames: depth + 1 when codes[depth] itself is one (it is not
 * drawn); otherwise the frame is drawn that many levels higher. */
guint     tc_launcher_stack_lift     (const GByteArray *launcher,
                                      const guint32    *codes,
                                      guint             depth);

/* Drops the launching frames at the root of `spans` (TcSpan of one
 * thread, any order) and moves the spans under them up as many levels,
 * leaving the rest in start order.  Without a launching frame at the root
 * the spans are left as they are (no sort). */
void      tc_launcher_drop_spans     (TcDocument *doc,
                                      GArray     *spans);

G_END_DECLS

/* tc-compare-flame.h — the call tree a comparison draws: which threads, and
 * whether waiting counts
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "charts/tc-flame-tree.h"

G_BEGIN_DECLS

/* Whether `code` is a known blocking call (time.sleep, lock and condition
 * waits, queue get, thread and process join, select/poll, socket receive,
 * subprocess wait, future results …): its time is spent waiting, not on
 * the CPU.  Known by module and qualname; the module from the code's file
 * path when the recording names none. */
gboolean     tc_compare_code_is_blocking  (TcDocument        *doc,
                                           const TcDocCode   *code);
/* Whether a thread spent most of the recording waiting: at least half of
 * the timer snapshots that caught it (3 or more) found it in a blocking call or
 * on a source line that makes one (a logger in `time.sleep`, a worker in
 * `queue.get()`).  The recorder cannot see C calls such as time.sleep as
 * calls, so the snapshot's line is the evidence. */
gboolean     tc_compare_thread_is_idle    (TcDocument        *doc,
                                           const TcDocThread *thread);
/* The threads worth a choice: ones with calls, not the recorder's own, by
 * name (threads sharing a name are one choice).  GPtrArray of const char*,
 * busiest first (CPU-only time). */
GPtrArray   *tc_compare_thread_names      (TcDocument        *doc);
/* The merged call tree of the threads named `thread_name` (NULL: all).
 * With `cpu_only`, left out: the subtrees of blocking calls, and of each
 * function's self time the share the timer snapshots caught it on a line
 * that waits (a Python function calling time.sleep shows its sleep as self
 * time: the C call is not recorded).  An idle thread shrinks to its work. */
TcFlameTree *tc_compare_flame_tree_new    (TcDocument        *doc,
                                           const char        *thread_name,
                                           gboolean           cpu_only);

G_END_DECLS

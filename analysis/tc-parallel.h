/* SPDX-License-Identifier: MIT
 *
 * tc-parallel.h — one pass over a recording split between the cores.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Calls `func` on each of the `n` shares at `shares` (`share_size` bytes
 * apart): the first in the calling thread, each other one in a thread of
 * its own named `name`; returns once every call has. */
void tc_parallel_run (GThreadFunc  func,
                      gpointer     shares,
                      gsize        share_size,
                      guint        n,
                      const char  *name);

G_END_DECLS

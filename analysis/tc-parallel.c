/* SPDX-License-Identifier: MIT
 *
 * tc-parallel.c — one pass over a recording split between the cores: the
 * long-span index, the call search's count, the flame graph of a
 * selection and the Chrome export each decode their share of the blocks
 * side by side.
 */
#include "tc-parallel.h"

void
tc_parallel_run (GThreadFunc  func,
                 gpointer     shares,
                 gsize        share_size,
                 guint        n,
                 const char  *name)
{
  g_autofree GThread **threads = g_new0 (GThread *, MAX (n, 1));

  for (guint i = 1; i < n; i++)
    threads[i] = g_thread_new (name, func, (guint8 *) shares + i * share_size);
  if (n > 0)
    func (shares);
  for (guint i = 1; i < n; i++)
    g_thread_join (threads[i]);
}

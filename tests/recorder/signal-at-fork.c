/* SPDX-License-Identifier: MIT
 *
 * For the recorder tests: makes a signal reach every forked child at its
 * very first instruction, the way a parent's kill() does when the child has
 * not been scheduled yet (Pool.terminate() of a worker it has just forked).
 * A child handler registered with pthread_atfork before the recorder's own
 * runs first in the child, before any of the recorder's or CPython's
 * after-fork code.  Loaded with ctypes through TC_SIGNAL_AT_FORK.
 */
#include <pthread.h>
#include <signal.h>

int tc_test_signal_child_at_fork (int signum);

static int the_signal;

static void
in_child (void)
{
  raise (the_signal);
}

int
tc_test_signal_child_at_fork (int signum)
{
  the_signal = signum;
  return pthread_atfork (NULL, NULL, in_child);
}

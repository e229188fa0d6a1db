/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-signal-watch.c — a SIGTERM that record() handles is never lost.
 *
 * record() replaces SIGTERM's default action (the kernel ends the process)
 * by a Python handler that finishes the file first.  A Python handler runs
 * only when the main thread next checks for signals, and CPython has a
 * window in which a signal is noted but nobody looks again: one arriving
 * after the last check and before a blocking C call begins (a
 * multiprocessing worker entering sem_wait on its queue's lock) leaves the
 * call blocked for ever.  Pool.terminate() SIGTERMs its workers at any
 * moment, so a recorded Pool hung at exit about once in 30 runs, where the
 * same program without the recorder never does.
 *
 * So the C handler CPython installs is wrapped: the wrapper notes when the
 * signal came, then calls it.  The Python handler says it has run
 * (tc_rec_signal_handled); if it has not within WATCH_GRACE_NS, the writer
 * thread, which wakes five times a second, sends the signal again to the
 * main thread, whose blocking call then fails with EINTR and checks for
 * signals.  Only the kernel and the wrapper touch the noted state in signal
 * context, and only with atomics.
 */
#include "tc-recorder.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define WATCH_GRACE_NS (100u * 1000000u)

static struct sigaction chained;        /* CPython's own handler */
static int watched_signum;              /* 0: nothing watched */
static pthread_t main_thread;
static volatile sig_atomic_t pending;
static volatile pid_t pending_pid;      /* the process it came to */
static uint64_t pending_since_ns;       /* atomic: tc_rec_now(), which only
                                           reads the clock (signal-safe) */

static void
wrapper(int signum, siginfo_t *info, void *context)
{
    __atomic_store_n(&pending_since_ns, tc_rec_now(), __ATOMIC_RELAXED);
    pending_pid = getpid();
    pending = 1;
    if (chained.sa_flags & SA_SIGINFO) {
        chained.sa_sigaction(signum, info, context);
    }
    else if (chained.sa_handler != SIG_DFL && chained.sa_handler != SIG_IGN) {
        chained.sa_handler(signum);
    }
}

/* Called in the main thread right after signal.signal() installed the
 * Python handler for `signum` (signal.signal() replaces the C handler each
 * time, so after every such call). */
int
tc_rec_signal_watch(int signum)
{
    struct sigaction current, ours;
    if (sigaction(signum, NULL, &current) != 0) {
        return -1;
    }
    main_thread = pthread_self();
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == wrapper) {
        return 0;
    }
    if (!(current.sa_flags & SA_SIGINFO)
        && (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN))
    {
        return 0;   /* no Python handler: the kernel's action needs no watch */
    }
    chained = current;
    ours = current;
    ours.sa_sigaction = wrapper;
    ours.sa_flags |= SA_SIGINFO;
    pending = 0;
    watched_signum = signum;
    return sigaction(signum, &ours, NULL);
}

/* The Python handler has run: nothing to send again. */
void
tc_rec_signal_handled(void)
{
    pending = 0;
}

/* From the writer thread at each wake-up (never from the main thread). */
void
tc_rec_signal_watch_tick(void)
{
    if (!pending || watched_signum == 0) {
        return;
    }
    uint64_t since = __atomic_load_n(&pending_since_ns, __ATOMIC_RELAXED);
    if (tc_rec_now() - since < WATCH_GRACE_NS) {
        return;
    }
    /* The wrapper runs again in the main thread and restarts the grace. */
    __atomic_store_n(&pending_since_ns, tc_rec_now(), __ATOMIC_RELAXED);
    pthread_kill(main_thread, watched_signum);
}

/* In a forked child, from the forking thread (the child's main thread),
 * before CPython's own after-fork code: the wrapper is inherited with the
 * handler, but a signal noted in the parent is not the child's. */
void
tc_rec_signal_watch_after_fork(void)
{
    main_thread = pthread_self();
    if (pending_pid != getpid()) {
        pending = 0;
    }
}

/* Later in the child, from its Python after-fork hook, once CPython has
 * forgotten the signals it noted: one that came to this child is raised
 * again, and the handler runs at the next check. */
void
tc_rec_signal_watch_resend_in_child(void)
{
    if (pending && watched_signum != 0) {
        raise(watched_signum);
    }
}

/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-timer.c — the snapshot timer.
 *
 * A plain C thread, not a threading.Thread: the recorded program must not
 * see one more thread in threading.enumerate() or active_count().  It waits
 * on a condition variable (so stop() wakes it at once instead of waiting
 * out the interval), then takes the GIL with its own thread state and calls
 * the Python tick function.  The thread state is made at the first tick
 * and kept for the thread's whole life, so the hooks find the same
 * (ignored) recorder thread every tick.
 *
 * Until its first tick the thread never touches Python: record() does not
 * hand it the GIL at start, and stop() of a timer that never ticked (a
 * recording shorter than `every`) does not wait for it — stop() drops the
 * callback itself and the thread, detached, only frees its C memory.  Both
 * waits cost milliseconds of wall time under load.  Before fork() such a
 * thread is still joined (quickly: it needs no GIL to end), so that the
 * process forks with no other thread.
 *
 * Each start allocates its own TcRecTimer, owned by the thread and freed by
 * it: a tick that outlives stop()'s wait (a program's __repr__ that sleeps)
 * finishes on its own, detached, and can never be woken by a later timer.
 */
#include "tc-recorder.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;            /* on CLOCK_MONOTONIC */
    int stop;
    int entered;                    /* the thread has gone for the GIL */
    uint64_t interval_ns;
    PyObject *callback;             /* owned by the thread once entered */
} TcRecTimer;

static TcRecTimer *current;
static pthread_t current_thread;
/* Timer threads alive that have not entered Python, so are not among the
 * recorder threads the system counters leave out (tc_rec.recorder_native). */
static int outside;

static void
deadline_after(struct timespec *ts, uint64_t ns)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    uint64_t sum = (uint64_t)ts->tv_nsec + ns % 1000000000u;
    ts->tv_sec += (time_t)(ns / 1000000000u + sum / 1000000000u);
    ts->tv_nsec = (long)(sum % 1000000000u);
}

static void
tick(TcRecTimer *timer)
{
    PyObject *r = PyObject_CallObject(timer->callback, NULL);
    if (r == NULL) {
        /* The tick catches its own errors; anything left is reported, never
         * raised into the program. */
        PyErr_WriteUnraisable(timer->callback);
    }
    Py_XDECREF(r);
}

/* The first tick: the thread's own thread state (PyGILState_Ensure), and
 * the thread defined in the recording as a recorder thread.  Returns with
 * the GIL held. */
static PyGILState_STATE
enter_python(void)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    if (tc_rec.writer != NULL) {
        /* A recorder thread: defined with its name, and no events. */
        unsigned long ident = PyThread_get_thread_ident();
        if (tc_rec_thread_for_ident(ident, (uint64_t)syscall(SYS_gettid),
                                    "tc-timer", TC_THREAD_FLAG_RECORDER)
            == NULL) {
            PyErr_Clear();
        }
        tc_rec_thread_ignore_current();
    }
    __atomic_sub_fetch(&outside, 1, __ATOMIC_RELAXED);
    return gil;
}

static void *
timer_main(void *data)
{
    TcRecTimer *timer = data;
    PyGILState_STATE gil = PyGILState_UNLOCKED;
    PyThreadState *ts = NULL;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
#ifdef __linux__
    pthread_setname_np(pthread_self(), "tc-timer");
#endif

    pthread_mutex_lock(&timer->mutex);
    while (!timer->stop) {
        struct timespec deadline;
        deadline_after(&deadline, timer->interval_ns);
        int rc = 0;
        while (!timer->stop && rc != ETIMEDOUT) {
            rc = pthread_cond_timedwait(&timer->cond, &timer->mutex,
                                        &deadline);
        }
        if (timer->stop) {
            break;
        }
        /* Decided under the mutex: a stop() that sees `entered` waits for
         * this thread, one that does not has taken the callback back. */
        int first = !timer->entered;
        timer->entered = 1;
        pthread_mutex_unlock(&timer->mutex);
        if (first) {
            gil = enter_python();
        } else {
            PyEval_RestoreThread(ts);
        }
        if (!timer->stop) {
            tick(timer);
        }
        ts = PyEval_SaveThread();
        pthread_mutex_lock(&timer->mutex);
    }
    int entered = timer->entered;
    pthread_mutex_unlock(&timer->mutex);

    if (entered) {
        PyEval_RestoreThread(ts);
        Py_CLEAR(timer->callback);
        PyGILState_Release(gil);
    }
    else {
        __atomic_sub_fetch(&outside, 1, __ATOMIC_RELAXED);
    }
    pthread_cond_destroy(&timer->cond);
    pthread_mutex_destroy(&timer->mutex);
    free(timer);
    return NULL;
}

int
tc_rec_timer_start(double interval_s, PyObject *callback)
{
    if (current != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "timecapsule: the timer runs");
        return -1;
    }
    TcRecTimer *timer = calloc(1, sizeof(TcRecTimer));
    if (timer == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&timer->cond, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&timer->mutex, NULL);
    double ns = interval_s * 1e9;
    timer->interval_ns = ns < 1e6 ? 1000000u
                         : ns > 3.6e12 ? (uint64_t)3.6e12 : (uint64_t)ns;
    timer->callback = Py_NewRef(callback);
    __atomic_add_fetch(&outside, 1, __ATOMIC_RELAXED);
    if (pthread_create(&current_thread, NULL, timer_main, timer) != 0) {
        __atomic_sub_fetch(&outside, 1, __ATOMIC_RELAXED);
        Py_DECREF(timer->callback);
        pthread_cond_destroy(&timer->cond);
        pthread_mutex_destroy(&timer->mutex);
        free(timer);
        PyErr_SetString(PyExc_RuntimeError,
                        "timecapsule: cannot start the timer thread");
        return -1;
    }
    current = timer;
    return 0;
}

/* Wakes the thread and waits (GIL released) up to wait_s for the tick in
 * progress; a longer one finishes detached.  A thread that never ticked is
 * not waited for — it ends without touching Python — unless `join_idle`
 * (before fork(): no thread may be left, and this one needs no GIL to end).
 * Returns 1 when the thread has ended or will end without touching
 * Python. */
int
tc_rec_timer_stop(double wait_s, int join_idle)
{
    TcRecTimer *timer = current;
    if (timer == NULL) {
        return 1;
    }
    current = NULL;
    pthread_t thread = current_thread;
    pthread_mutex_lock(&timer->mutex);
    timer->stop = 1;
    int entered = timer->entered;
    /* Never ticked: the thread will not touch Python, so the callback is
     * dropped here (with the GIL) and nobody waits for the thread. */
    PyObject *callback = entered ? NULL : timer->callback;
    if (!entered) {
        timer->callback = NULL;
    }
    pthread_cond_signal(&timer->cond);
    pthread_mutex_unlock(&timer->mutex);
    /* From here on the thread may free `timer`. */
    if (!entered) {
        Py_XDECREF(callback);
        if (join_idle) {
            Py_BEGIN_ALLOW_THREADS
            pthread_join(thread, NULL);
            Py_END_ALLOW_THREADS
        }
        else {
            pthread_detach(thread);
        }
        return 1;
    }
    if (pthread_equal(thread, pthread_self())) {
        pthread_detach(thread);   /* stop() called by a tick */
        return 0;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    uint64_t sum = (uint64_t)deadline.tv_nsec
                   + (uint64_t)((wait_s - (double)(long)wait_s) * 1e9);
    deadline.tv_sec += (time_t)wait_s + (time_t)(sum / 1000000000u);
    deadline.tv_nsec = (long)(sum % 1000000000u);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = pthread_timedjoin_np(thread, NULL, &deadline);
    Py_END_ALLOW_THREADS
    if (rc != 0) {
        pthread_detach(thread);
        return 0;
    }
    return 1;
}

int
tc_rec_timer_threads_outside(void)
{
    return __atomic_load_n(&outside, __ATOMIC_RELAXED);
}

int
tc_rec_timer_running(void)
{
    return current != NULL;
}

/* After fork, in the child: the thread did not survive (its memory is
 * left alone, it may have been mid-tick). */
void
tc_rec_timer_forget(void)
{
    current = NULL;
    outside = 0;
}

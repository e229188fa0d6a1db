/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-own-call.c — the recorder's own API code runs unrecorded.
 *
 * The public API (tc.snap, @tc.trace at decoration and at its snapshots,
 * metric, assert_var, breakpoint, checkpoint, the analysis functions …)
 * runs Python code on the program's own thread while it is recorded.  Its
 * calls are not the program's: the standard library's
 * (threading.enumerate, inspect.signature, functools.wraps …) and also the
 * program code the API is handed or meets (a watch_expr, an assert_var or
 * breakpoint condition, a __repr__ a snapshot shows).  Those run from the
 * timer thread too, which is never recorded; recorded on the program's
 * thread they would make its call counts depend on how often snapshots
 * are taken.
 *
 * own_call(fn, *args, **kwargs) calls fn with the thread marked as running
 * a trace function (tstate->tracing raised, PyThreadState_EnterTracing),
 * the way CPython itself runs profile and trace callbacks.  No backend's
 * hook is called for any frame that starts or ends while it is raised:
 * sys.monitoring (3.12+) delivers no event, the PyEval_SetProfile function
 * and the coverage trace function (3.8–3.11) are not called, the PEP 523
 * eval hook (3.9–3.11) checks the same counter.  So nothing of the
 * recorder's per-thread state changes inside: the open calls around the
 * API call keep their entries and their own returns balance them, no
 * frame begun inside leaves a return behind (a generator begun inside and
 * resumed after comes back as a RESUME, and its exit balances that), the
 * 3.8–3.11 line-trace switch and 3.12+ LINE instrumentation are as they
 * were.  Nothing is added to the hooks' hot path.  It is a counter on the
 * calling thread: nesting and the other threads need nothing, and this C
 * call lowers it again on every way out, an exception included.
 *
 * Only while the hooks record: otherwise a debugger or a coverage tool
 * sees the API's code as it always did.  (While recording they do not see
 * it either: the thread is "tracing" for every tool, as inside a tracer.)
 */
#include "tc-recorder.h"

#if PY_VERSION_HEX < 0x03090000
#define PyObject_Vectorcall _PyObject_Vectorcall
#endif

static inline void
pause_thread(PyThreadState *ts)
{
#if PY_VERSION_HEX >= 0x030B0000
    PyThreadState_EnterTracing(ts);
#else
    ts->tracing++;   /* call_trace and the eval hook test it first */
#endif
}

static inline void
resume_thread(PyThreadState *ts)
{
#if PY_VERSION_HEX >= 0x030B0000
    PyThreadState_LeaveTracing(ts);
#else
    ts->tracing--;
#endif
}

PyObject *
tc_rec_own_call(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                PyObject *kwnames)
{
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError, "own_call(fn, *args, **kwargs)");
        return NULL;
    }
    PyThreadState *ts = NULL;
    if (atomic_load_explicit(&tc_rec.active, memory_order_relaxed)) {
        ts = PyThreadState_Get();
        pause_thread(ts);
    }
    /* Whether it was raised, not whether the hooks still record: the call
     * may stop the recording (stop(), record() replacing one). */
    PyObject *result = PyObject_Vectorcall(args[0], args + 1,
                                           (size_t)(nargs - 1), kwnames);
    if (ts != NULL) {
        resume_thread(ts);
    }
    return result;
}

/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-line-trace.c — line coverage of tracked code.
 *
 * A recording keeps, per tracked file, which lines ran ("hits" mean
 * covered, not how often: counting every execution doubles the cost of
 * loop-heavy code, docs/PERFORMANCE.md).  tc_rec_line_hit() is the one
 * place that notes a line: the 3.12+ LINE callback (tc-recorder-hooks.c,
 * which then disables that line) and the 3.8-3.11 trace function below.
 * Each code entry knows how many of its lines are left to cover
 * (rc->lines_left, counted at interning); when none are, 3.12+ switches the
 * code's LINE events off and 3.8-3.11 stop tracing its frames.
 *
 * 3.8-3.11 have no per-code line events, only a per-thread trace function
 * whose mere presence slows every instruction of the thread (the eval loop
 * leaves its fast dispatch).  So a C trace function (PyTrace_LINE only) is
 * installed on a thread only while the frame running there belongs to
 * tracked code that still has uncovered lines:
 *
 * - whether it is wanted is one thread-local (tc_rec_tls_lines), so the
 *   hooks' fast path pays one load and compare per call;
 * - at each frame entry the call hook (enter() in tc-recorder-hooks.c, for
 *   the PEP 523 eval hook and the profile function alike) switches it to
 *   what the entered code wants (TC_REC_CODE_LINES_WANTED);
 * - at each frame exit the caller's state comes back: the eval hook keeps
 *   it in its own C frame (tc_rec_line_trace_restore), the profile function
 *   asks the caller's code (tc_rec_line_trace_return);
 * - recording start switches it for the frame that called record(), stop
 *   removes it from every thread (tc_rec_line_trace_activate).
 *
 * A frame whose code becomes fully covered while it runs (recursion) may
 * get the trace function back from a callee's exit: its next line event
 * switches it off again.  Turning tracing on in the middle of a frame is
 * safe for coverage: the line running at that moment already ran (it was
 * traced before the call, or it is the call to record()), and CPython
 * reports the next line that starts.
 *
 * Switching writes the thread state the way PyEval_SetTrace does (3.8/3.9
 * also keep the interpreter's tracing_possible counter, which sends every
 * thread's eval loop through the tracing check while non-zero) but without
 * the "sys.settrace" audit event it raises on each call: the recorder's own
 * trace function is not the program's business, and sys.gettrace() keeps
 * returning None (c_traceobj stays NULL).
 *
 * Another tool's trace function (a debugger, coverage.py, sys.settrace in
 * the program) is never replaced or removed: while a thread has one, the
 * recorder takes no line coverage on that thread.  A sys.settrace() made
 * while the recorder's function is installed simply replaces it, as
 * PyEval_SetTrace always does.
 */
#include "tc-recorder.h"

#include <string.h>

#if PY_VERSION_HEX < 0x030C0000
#define Py_BUILD_CORE 1
#if PY_VERSION_HEX >= 0x030B0000
#include <internal/pycore_frame.h>
#elif PY_VERSION_HEX >= 0x03090000 && PY_VERSION_HEX < 0x030A0000
#undef _PyGC_FINALIZED   /* objimpl.h's, redefined by the core headers */
#include <internal/pycore_interp.h>
#elif PY_VERSION_HEX < 0x03090000
#include <internal/pycore_pystate.h>
#endif
#undef Py_BUILD_CORE
#endif

/* A line of tracked code ran.  Only its first hit takes the lock: the
 * coverage bitmap answers the later ones (on 3.12+ a line calls back again
 * only when it has several ranges; on 3.8-3.11 every traced line calls). */
void
tc_rec_line_hit(TcRecCode *rc, long line)
{
    if (!(rc->flags & TC_REC_CODE_TRACKED) || line <= 0 || line >= (1 << 24)) {
        return;
    }
    uint32_t bit = (uint32_t)line - rc->first_line;
    int in_map = (uint32_t)line >= rc->first_line && bit < rc->line_span;
    if (in_map && (rc->line_seen[bit / 8] & (1u << (bit % 8)))) {
        return;
    }
    pthread_mutex_lock(&tc_rec.lock);
    TcRecFile *rf = &tc_rec.files[rc->file_index];
    if ((uint32_t)line >= rf->n_lines) {
        uint32_t n = (uint32_t)line + 256;
        uint32_t *grown = realloc(rf->hits, n * sizeof(uint32_t));
        if (grown != NULL) {
            memset(grown + rf->n_lines, 0,
                   (n - rf->n_lines) * sizeof(uint32_t));
            rf->hits = grown;
            rf->n_lines = n;
        }
    }
    if ((uint32_t)line < rf->n_lines) {
        rf->hits[line]++;
        rf->dirty = 1;
    }
    pthread_mutex_unlock(&tc_rec.lock);
    if (in_map) {
        rc->line_seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
        if (rc->lines_left > 0 && --rc->lines_left == 0) {
            rc->flags = (rc->flags & ~(TC_REC_CODE_LINES_WANTED
                                       | TC_REC_CODE_LINES_AT_EXIT
                                       | TC_REC_CODE_LINES_EXIT_ONLY))
                        | TC_REC_CODE_LINES_DONE;
        }
    }
}

#if PY_VERSION_HEX < 0x030C0000

__thread uint64_t tc_rec_tls_lines TC_REC_TLS;

static int line_trace(PyObject *obj, PyFrameObject *frame, int what,
                      PyObject *arg);

/* tstate->use_tracing as CPython derives it from the two functions.  3.11
 * ignores tstate->tracing here: the eval hook switches while it holds
 * tracing raised for its own calls and lowers it without recomputing, and
 * CPython's own callers recompute on leaving their callback. */
static inline void
update_use_tracing(PyThreadState *ts)
{
    int on = ts->c_tracefunc != NULL || ts->c_profilefunc != NULL;
#if PY_VERSION_HEX >= 0x030B0000
    ts->cframe->use_tracing = on ? 255 : 0;
#elif PY_VERSION_HEX >= 0x030A0000
    ts->cframe->use_tracing = on;
#else
    ts->use_tracing = on;
#endif
}

/* PyEval_SetTrace's count of threads with a trace function (3.8/3.9). */
static inline void
tracing_possible_add(PyThreadState *ts, int delta)
{
#if PY_VERSION_HEX < 0x03090000
    (void)ts;
    _PyRuntime.ceval.tracing_possible += delta;
#elif PY_VERSION_HEX < 0x030A0000
    ts->interp->ceval.tracing_possible += delta;
#else
    (void)ts;
    (void)delta;
#endif
}

static void
install(PyThreadState *ts)
{
    if (ts->c_tracefunc != NULL) {
        return;   /* ours already, or another tool's: left alone */
    }
    tracing_possible_add(ts, 1);
    ts->c_traceobj = NULL;
    ts->c_tracefunc = line_trace;
    update_use_tracing(ts);
}

static void
uninstall(PyThreadState *ts)
{
    if (ts->c_tracefunc != line_trace) {
        return;
    }
    tracing_possible_add(ts, -1);
    ts->c_tracefunc = NULL;
    ts->c_traceobj = NULL;
    update_use_tracing(ts);
}

/* Wanted (on) or not for the frame running now.  "On" also puts the
 * function back where the program's sys.settrace(None) took it away. */
void
tc_rec_line_trace_switch(TcRecThread *t, int on)
{
    tc_rec_tls_lines = on ? tc_rec.generation : 0;
    PyThreadState *ts = PyThreadState_Get();
    if (on) {
        install(ts);
    }
    else {
        uninstall(ts);
    }
}

/* The eval hook, after a frame: the caller's state (kept in the hook's C
 * frame), when either wants lines. */
void
tc_rec_line_trace_restore(int on)
{
    tc_rec_line_trace_switch(NULL, on);
}

static int
code_wants_lines(PyObject *code)
{
    if (code == NULL) {
        return 0;
    }
    TcRecCode *rc = tc_rec_code_find(code);
    if (rc == NULL) {
        PyErr_Clear();
        return 0;
    }
    return (rc->flags & TC_REC_CODE_LINES_WANTED) != 0;
}

#if PY_VERSION_HEX >= 0x030B0000
/* The code of the frame that gets control back when `frame` returns (3.11
 * makes the caller's frame object only on demand: its interpreter frame is
 * read instead). */
static PyObject *
caller_code(PyFrameObject *frame)
{
    _PyInterpreterFrame *prev = frame->f_frame->previous;
    while (prev != NULL && _PyFrame_IsIncomplete(prev)) {
        prev = prev->previous;
    }
    return prev != NULL ? (PyObject *)prev->f_code : NULL;
}
#endif

/* Whether the frame that gets control back when `frame` returns wants the
 * trace function: its code has lines left to cover, and (3.8-3.10, where
 * the caller's frame object is at hand) one of them can still run in it,
 * as the line event that switched it off found (tc-recorder-line-flow.c). */
static int
caller_wants_lines(PyFrameObject *frame)
{
#if PY_VERSION_HEX >= 0x030B0000
    return code_wants_lines(caller_code(frame));
#else
    PyFrameObject *back = frame->f_back;
    if (back == NULL || !code_wants_lines((PyObject *)back->f_code)) {
        return 0;
    }
    TcRecCode *rc = tc_rec_code_find((PyObject *)back->f_code);
    return rc != NULL && !tc_rec_line_flow_done(rc, back, 0);
#endif
}

/* The profile function, at a frame's return: the caller's state. */
void
tc_rec_line_trace_return(PyFrameObject *frame)
{
    TcRecThread *t = tc_rec_tls_thread;
    if (t == NULL || tc_rec_tls_generation != tc_rec.generation
        || t->ignored) {
        return;
    }
    int want = caller_wants_lines(frame);
    if (want || tc_rec_line_trace_state()) {
        tc_rec_line_trace_switch(t, want);
    }
}

/* Whether the frame running `code` is the newest call the hooks opened on
 * this thread, so that its exit will be seen (not a frame older than the
 * recording, such as the one that called record()). */
static int
exit_seen(PyObject *code)
{
    TcRecThread *t = tc_rec_tls_thread;
    return t != NULL && tc_rec_tls_generation == tc_rec.generation
           && t->depth > 0 && t->open[t->depth - 1].code == code;
}

/* Whether this thread can have the recorder's trace function (no other
 * tool's): the lines the eval hook credits at a frame's exit are then the
 * ones the trace function would have reported. */
int
tc_rec_line_trace_usable(void)
{
    PyThreadState *ts = PyThreadState_Get();
    return ts->c_tracefunc == NULL || ts->c_tracefunc == line_trace;
}

/* The trace function.  CPython calls it for CALL, RETURN and EXCEPTION
 * too: only LINE matters. */
static int
line_trace(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    if (what != PyTrace_LINE) {
        return 0;
    }
    if (!atomic_load_explicit(&tc_rec.active, memory_order_relaxed)) {
        uninstall(PyThreadState_Get());   /* a fork child's leftover */
        return 0;
    }
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *code = (PyObject *)frame->f_frame->f_code;
    long line = PyFrame_GetLineNumber(frame);
#else
    PyObject *code = (PyObject *)frame->f_code;
    long line = frame->f_lineno;   /* set for the callback */
#endif
    TcRecCode *rc = tc_rec_code_find(code);
    if (rc == NULL) {
        PyErr_Clear();
        return 0;
    }
    if (rc->flags & TC_REC_CODE_LINES_WANTED) {
        tc_rec_line_hit(rc, line);
    }
    /* Covered by now (this hit, or a recursive call of the same code), or
     * none of the lines left can run in the rest of this frame (an error
     * branch it is past, tc-recorder-line-flow.c): the rest of this frame
     * runs untraced.  Other frames here (the recorder's own, a frame older
     * than the recording) only pass by. */
    uint32_t tracked = rc->flags & (TC_REC_CODE_TRACKED
                                    | TC_REC_CODE_LINES_WANTED);
    if (tracked == TC_REC_CODE_TRACKED
        || (tracked != 0 && tc_rec_line_flow_done(rc, frame,
                                                  exit_seen(code)))) {
        tc_rec_line_trace_switch(NULL, 0);
    }
    return 0;
}

/* The frame that called record() (the first one up the stack outside the
 * recorder) is running: its lines from here on are covered too. */
static void
start_current_thread(void)
{
    PyFrameObject *frame = PyEval_GetFrame();   /* borrowed */
    Py_XINCREF(frame);
    int want = 0;
    while (frame != NULL) {
        PyCodeObject *code = PyFrame_GetCode(frame);
        TcRecCode *rc = tc_rec_code_find((PyObject *)code);
        Py_DECREF(code);
        if (rc == NULL) {
            PyErr_Clear();
            break;
        }
        if (!(rc->flags & TC_REC_CODE_SKIP)) {
            want = (rc->flags & TC_REC_CODE_LINES_WANTED) != 0;
            break;
        }
        PyFrameObject *back = PyFrame_GetBack(frame);
        Py_DECREF(frame);
        frame = back;
    }
    Py_XDECREF(frame);
    TcRecThread *t = tc_rec_thread_current();
    if (t == NULL) {
        PyErr_Clear();
        return;
    }
    if (!t->ignored) {
        tc_rec_line_trace_switch(t, want);
    }
}

/* Recording on: the calling thread's frame.  Off: the trace function
 * leaves every thread (other tools' functions stay). */
void
tc_rec_line_trace_activate(int on)
{
    if (on) {
        if (tc_rec.want_lines) {
            tc_rec_line_flow_prepare();
            start_current_thread();
        }
        return;
    }
    PyInterpreterState *interp = PyThreadState_GetInterpreter(
        PyThreadState_Get());
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp);
         ts != NULL; ts = PyThreadState_Next(ts)) {
        uninstall(ts);
    }
}

#endif

/* For the tests: whose C trace function the calling thread has ("timecapsule",
 * "other" or None; sys.gettrace() cannot tell: it shows only Python-level
 * trace functions). */
PyObject *
tc_rec_line_trace_owner(PyObject *self, PyObject *unused)
{
    PyThreadState *ts = PyThreadState_Get();
#if PY_VERSION_HEX < 0x030C0000
    if (ts->c_tracefunc == line_trace) {
        return PyUnicode_FromString("timecapsule");
    }
#endif
    if (ts->c_tracefunc != NULL) {
        return PyUnicode_FromString("other");
    }
    Py_RETURN_NONE;
}

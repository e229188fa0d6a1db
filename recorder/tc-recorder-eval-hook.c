/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-eval-hook.c — full-mode call hook of CPython 3.9–3.11: a
 * PEP 523 frame-evaluation function instead of PyEval_SetProfile.
 *
 * Why: on 3.11 an empty C profile function alone costs ~4.5x on recursive
 * fib (every call goes through the tracing dispatch of the eval loop), an
 * eval function that only calls _PyEval_EvalFrameDefault ~1.5x, even though
 * with one installed 3.11 stops inlining Python-to-Python calls; on 3.10
 * the eval function costs nothing measurable where setprofile costs ~1.4x
 * (bench/bench-eval-hook.py, docs/PERFORMANCE.md).  3.11 passes the
 * internal _PyInterpreterFrame (read through Py_BUILD_CORE's
 * internal/pycore_frame.h, shipped with the headers), 3.9/3.10 a
 * PyFrameObject.  3.8 has no setter for the hook: it keeps setprofile.
 *
 * The hook is per interpreter, so every thread is covered (no threading
 * trampoline).  It records exactly what the profile function records, with
 * the same enter()/leave() of tc-recorder-hooks.c:
 *
 * - every evaluation of a frame is a call: CALL for a fresh frame, RESUME
 *   for a generator/coroutine frame that already ran or gets a throw();
 * - its end is RETURN, YIELD (the generator frame is left suspended) or
 *   UNWIND (the eval function returns NULL);
 * - the call that only builds a generator object (RETURN_GENERATOR, before
 *   the first traceable instruction) is not an event, as with setprofile
 *   and sys.monitoring;
 * - C functions are not events (the profile function ignores C_CALL too);
 * - calls made while a trace or profile function runs (tstate->tracing),
 *   including the recorder's own Python callbacks, are not recorded, as
 *   CPython never profiles them;
 * - coverage: enter() switches the line trace function to what the entered
 *   code wants; when the frame is done the hook gives the caller back the
 *   state it had (kept here, in the hook's C frame), the one place that
 *   sees every frame's end, skipped code's included.
 *
 * enter()/leave() find the frame they describe with PyEval_GetFrame() (for
 * @tc.trace and argument fingerprints), so the hook makes the frame the
 * thread's current one around those calls, standing on its RESUME at the
 * call, as it is when the interpreter calls a profile function.
 *
 * Politeness: when another tool already installed an eval function (a
 * debugger, a JIT), or TIMECAPSULE_HOOK=profile is set, the recorder keeps
 * PyEval_SetProfile; stop() puts back the default only if the hook is still
 * ours.
 */
#include "tc-recorder.h"
#include "tc-recorder-fast-path.h"

#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX >= 0x03090000 && PY_VERSION_HEX < 0x030C0000
#define TC_EVAL_HOOK 1
#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE
#include <opcode.h>
typedef _PyInterpreterFrame TcEvalFrame;
#elif defined(TC_EVAL_HOOK)
typedef PyFrameObject TcEvalFrame;
#endif

#ifdef TC_EVAL_HOOK

#define TC_GENLIKE_FLAGS (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)

static int eval_hook_installed;

/* enter()/leave() as CPython calls a profile function: with tstate->tracing
 * raised (calls they make are not recorded) and the pending exception of a
 * throw() or an unwind kept aside. */
static inline int
hook_enter(PyThreadState *ts, PyCodeObject *code, uint32_t kind,
           int throwflag)
{
    int skip;
    ts->tracing++;
    if (throwflag) {
        PyObject *et, *ev, *tb;
        PyErr_Fetch(&et, &ev, &tb);
        skip = tc_rec_hook_enter((PyObject *)code, kind);
        PyErr_Restore(et, ev, tb);
    }
    else {
        skip = tc_rec_hook_enter((PyObject *)code, kind);
    }
    ts->tracing--;
    return skip;
}

static inline void
hook_leave(PyThreadState *ts, PyCodeObject *code, uint32_t kind,
           PyObject *result)
{
    ts->tracing++;
    if (result == NULL) {
        PyObject *et, *ev, *tb;
        PyErr_Fetch(&et, &ev, &tb);
        tc_rec_hook_leave((PyObject *)code, TC_EVENT_UNWIND, NULL);
        PyErr_Restore(et, ev, tb);
    }
    else {
        tc_rec_hook_leave((PyObject *)code, kind, result);
    }
    ts->tracing--;
}

static inline int
hook_wanted(PyThreadState *ts)
{
    return atomic_load_explicit(&tc_rec.active, memory_order_relaxed)
           && !ts->tracing;
}

/* Coverage: the caller gets back the line trace state it had (the
 * entered frame switched it to its own, tc-recorder-line-trace.c). */
static inline void
restore_lines(int lines)
{
    if (__builtin_expect(lines | tc_rec_line_trace_state(), 0)) {
        tc_rec_line_trace_restore(lines);
    }
}

static inline int
same_recording(uint64_t generation)
{
    return tc_rec.generation == generation
           && atomic_load_explicit(&tc_rec.active, memory_order_relaxed);
}

#if PY_VERSION_HEX >= 0x030B0000

/* A fresh frame is "incomplete" until its first RESUME: PyEval_GetFrame()
 * and sys._getframe() skip it.  While enter() runs, the frame stands on its
 * RESUME, as it does when CPython calls a profile function.  A closure's
 * COPY_FREE_VARS is done first, the way _PyFrame_FastToLocalsWithError
 * does it for a frame that has not started, so locals read at the call see
 * the free variables. */
static inline _Py_CODEUNIT *
stand_on_resume(_PyInterpreterFrame *frame, PyCodeObject *code)
{
    _Py_CODEUNIT *first = _PyCode_CODE(code);
    if (code->co_nfreevars > 0 && frame->prev_instr < first
        && _Py_OPCODE(first[0]) == COPY_FREE_VARS) {
        PyObject *closure = frame->f_func->func_closure;
        int offset = code->co_nlocals + code->co_nplaincellvars;
        for (int i = 0; i < code->co_nfreevars; i++) {
            frame->localsplus[offset + i] = Py_NewRef(
                PyTuple_GET_ITEM(closure, i));
        }
        frame->prev_instr = first;   /* the interpreter goes on after it */
    }
    _Py_CODEUNIT *saved = frame->prev_instr;
    if (saved < first + code->_co_firsttraceable) {
        frame->prev_instr = first + code->_co_firsttraceable;
    }
    return saved;
}

/* Will the frame fail the recursion check _PyEval_EvalFrameDefault makes
 * before its first instruction (_Py_EnterRecursivePy)?  Then CPython
 * reports no call for it to a profile function, so the hook does not
 * either.  The same test as _Py_CheckRecursiveCall, one level deeper. */
static inline int
recursion_overflows(PyThreadState *ts)
{
    if (ts->recursion_remaining > 0) {
        return 0;
    }
    int depth = ts->recursion_limit - (ts->recursion_remaining - 1);
    return depth >= Py_GetRecursionLimit() && !ts->recursion_headroom;
}

static PyObject *
eval_frame(PyThreadState *ts, _PyInterpreterFrame *frame, int throwflag)
{
    if (!hook_wanted(ts) || recursion_overflows(ts)) {
        return _PyEval_EvalFrameDefault(ts, frame, throwflag);
    }
    PyCodeObject *code = frame->f_code;
    PyGenObject *gen = NULL;
    uint32_t kind = TC_EVENT_CALL;
    if (code->co_flags & TC_GENLIKE_FLAGS) {
        if (frame->owner != FRAME_OWNED_BY_GENERATOR) {
            /* Only builds the generator object. */
            return _PyEval_EvalFrameDefault(ts, frame, throwflag);
        }
        gen = _PyFrame_GetGenerator(frame);
        if (throwflag
            || _PyInterpreterFrame_LASTI(frame) >= code->_co_firsttraceable) {
            kind = TC_EVENT_RESUME;
        }
    }

    uint64_t generation = tc_rec.generation;
    int lines = 0;   /* the fast path runs only with the line trace off */
    int skip = 0;
    if (!tc_rec_fast_enter((PyObject *)code, kind)) {
        lines = tc_rec_line_trace_state();
        _PyCFrame *cframe = ts->cframe;
        _PyInterpreterFrame *caller = cframe->current_frame;
        /* _PyEval_EvalFrameDefault links the frame the same way first
         * thing. */
        frame->previous = caller;
        cframe->current_frame = frame;
        _Py_CODEUNIT *prev_instr = gen != NULL ? frame->prev_instr
                                               : stand_on_resume(frame, code);
        skip = hook_enter(ts, code, kind, throwflag);
        frame->prev_instr = prev_instr;
        cframe->current_frame = caller;
    }

    PyObject *result = _PyEval_EvalFrameDefault(ts, frame, throwflag);

    kind = result == NULL ? TC_EVENT_UNWIND
           : gen != NULL && gen->gi_frame_state == FRAME_SUSPENDED
           ? TC_EVENT_YIELD : TC_EVENT_RETURN;
    if (!skip && tc_rec_fast_leave((PyObject *)code, kind, result)) {
        restore_lines(lines);
        return result;
    }
    if (!same_recording(generation)) {
        return result;
    }
    if (!skip) {
        _PyCFrame *cframe = ts->cframe;
        _PyInterpreterFrame *caller = cframe->current_frame;
        cframe->current_frame = frame;
        hook_leave(ts, code, kind, result);
        cframe->current_frame = caller;
    }
    restore_lines(lines);
    return result;
}

#else   /* 3.9 and 3.10: the frame is a PyFrameObject */

/* As recursion_overflows above, for _Py_EnterRecursiveCall of 3.9/3.10. */
static inline int
recursion_overflows(PyThreadState *ts)
{
    if (ts->recursion_depth < Py_GetRecursionLimit()) {
        return 0;
    }
#if PY_VERSION_HEX >= 0x030A0000
    return !ts->recursion_headroom;
#else
    return !ts->recursion_critical && !ts->overflowed;
#endif
}

/* RETURN, UNWIND, or YIELD for a generator-like frame suspended anywhere
 * but on RETURN_VALUE (83). */
static inline uint32_t
exit_kind(PyCodeObject *code, PyFrameObject *frame, int genlike,
          PyObject *result)
{
    if (result == NULL) {
        return TC_EVENT_UNWIND;
    }
    if (genlike && frame->f_lasti >= 0) {
        const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(
            code->co_code);
#if PY_VERSION_HEX >= 0x030A0000
        int op = bytes[frame->f_lasti * 2];
#else
        int op = bytes[frame->f_lasti];
#endif
        if (op != 83) {
            return TC_EVENT_YIELD;
        }
    }
    return TC_EVENT_RETURN;
}

static PyObject *
eval_frame(PyThreadState *ts, PyFrameObject *frame, int throwflag)
{
    if (!hook_wanted(ts) || recursion_overflows(ts)) {
        return _PyEval_EvalFrameDefault(ts, frame, throwflag);
    }
    /* A generator object is built without evaluating its frame here: every
     * evaluation is a call, a resume once the frame ran (f_lasti, as the
     * profile path tells them apart). */
    PyCodeObject *code = frame->f_code;
    int genlike = (code->co_flags & TC_GENLIKE_FLAGS) != 0;
    uint32_t kind = genlike && frame->f_lasti != -1 ? TC_EVENT_RESUME
                                                    : TC_EVENT_CALL;
    uint64_t generation = tc_rec.generation;
    int lines = 0;   /* the fast path runs only with the line trace off */
    int skip = 0;
    if (!tc_rec_fast_enter((PyObject *)code, kind)) {
        lines = tc_rec_line_trace_state();
        PyFrameObject *caller = ts->frame;
        ts->frame = frame;   /* frame->f_back is the caller already */
        skip = hook_enter(ts, code, kind, throwflag);
        ts->frame = caller;
    }

    PyObject *result = _PyEval_EvalFrameDefault(ts, frame, throwflag);

    if (!skip) {
        kind = exit_kind(code, frame, genlike, result);
        if (tc_rec_fast_leave((PyObject *)code, kind, result)) {
            restore_lines(lines);
            return result;
        }
    }
    if (!same_recording(generation)) {
        return result;
    }
    if (!skip) {
        PyFrameObject *caller = ts->frame;
        ts->frame = frame;
        hook_leave(ts, code, kind, result);
        ts->frame = caller;
    }
    restore_lines(lines);
    return result;
}

#endif

int
tc_rec_eval_hook_usable(void)
{
    const char *want = getenv("TIMECAPSULE_HOOK");
    if (want != NULL && strcmp(want, "profile") == 0) {
        return 0;
    }
    PyInterpreterState *interp = PyThreadState_GetInterpreter(
        PyThreadState_Get());
    _PyFrameEvalFunction current = _PyInterpreterState_GetEvalFrameFunc(interp);
    /* Another tool's hook: use PyEval_SetProfile beside it. */
    return current == _PyEval_EvalFrameDefault || current == eval_frame;
}

int
tc_rec_eval_hook_install(void)
{
    if (!tc_rec_eval_hook_usable()) {
        return 0;
    }
    _PyInterpreterState_SetEvalFrameFunc(
        PyThreadState_GetInterpreter(PyThreadState_Get()), eval_frame);
    eval_hook_installed = 1;
    return 1;
}

void
tc_rec_eval_hook_remove(void)
{
    if (!eval_hook_installed) {
        return;
    }
    PyInterpreterState *interp = PyThreadState_GetInterpreter(
        PyThreadState_Get());
    if (_PyInterpreterState_GetEvalFrameFunc(interp) == eval_frame) {
        _PyInterpreterState_SetEvalFrameFunc(interp, _PyEval_EvalFrameDefault);
    }
    eval_hook_installed = 0;
}

int
tc_rec_eval_hook_active(void)
{
    return eval_hook_installed;
}

#else   /* 3.8 (no setter) and 3.12+ (sys.monitoring) */

int
tc_rec_eval_hook_usable(void)
{
    return 0;
}

int
tc_rec_eval_hook_install(void)
{
    return 0;
}

void
tc_rec_eval_hook_remove(void)
{
}

int
tc_rec_eval_hook_active(void)
{
    return 0;
}

#endif

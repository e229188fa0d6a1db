/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-hooks.c — the hot path.
 *
 * 3.12+: sys.monitoring callbacks written in C (vectorcall functions of
 * TcRecCallback objects, tc-recorder-callback.c), registered by the Python
 * side.  PY_START/PY_RESUME/PY_THROW enter a call,
 * PY_RETURN/PY_YIELD/PY_UNWIND leave it, so every call gets its exit.
 * 3.8–3.11: a C profile function (PyEval_SetProfile) on every thread, the
 * threads started later reach it through a threading.setprofile trampoline;
 * 3.9–3.11 use a PEP 523 eval hook instead where they can (much cheaper:
 * tc-recorder-eval-hook.c), which calls enter()/leave() below.
 * All produce the same events: generator and coroutine resumes are RESUME,
 * suspensions YIELD, exceptions leaving a frame UNWIND.
 *
 * Per event: find the thread (thread-local), find the code (extra slot), two
 * stores and a release store into the thread's buffer.  Exits of calls that
 * began before the recording are dropped, so the depth never goes negative.
 */
#include "tc-recorder.h"
#include "tc-recorder-fast-path.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#include <opcode.h>
#endif

#define TC_REC_DEEP_RECURSION 50
#define TC_REC_REPEATED_CALLS 50
#define TC_REC_MAX_FINGERPRINTED 20000
/* Fingerprints are taken in windows of TC_REC_FP_WINDOW calls.  A window
 * in which no call matched an earlier one is followed by a gap of calls
 * not fingerprinted, TC_REC_FP_WINDOW times 1, 4, 16, 64, then 64 again
 * (2^TC_REC_FP_MAX_GAP_LOG); a window with a match is followed by the
 * next at once, and the gaps start again from the shortest.  Reading
 * values costs several times what an address did (tc-recorder-call-
 * values.c: a method's self is read attribute by attribute), and most
 * functions are never called with the same arguments: those pay for 32
 * calls, and then for about one call in 65 (docs/PERFORMANCE.md,
 * "REPEATED_CALL by value").  The gaps are counted on the fast path (the
 * TC_REC_CODE_FP_GAP flag), so a call in a gap costs a decrement.  The
 * price is in detection: 50 repeats have to fall into the windows, so a
 * function whose calls all differed for a while and that then repeats
 * one call only in a burst shorter than a gap (~2 100 calls) can be
 * missed; one that keeps repeating is still found, later (the table keeps
 * its counts across the gaps, and a window with a match is followed by
 * the next at once).  Each counted call did have those arguments: gaps hide repeats,
 * they never make one up. */
#define TC_REC_FP_WINDOW 32
#define TC_REC_FP_MAX_GAP_LOG 6
#define TC_REC_MAX_FP_CALLS 4000000u
#define TC_REC_MAX_RETURN_VALUES 2000
#define TC_REC_MAX_RETURN_VALUES_PER_CODE 100

/* tc_rec_thread_current() sets the generation only together with a thread,
 * and a recording's generation is never 0: no NULL test needed. */
static inline TcRecThread *
current_thread(void)
{
    if (__builtin_expect(tc_rec_tls_generation == tc_rec.generation, 1)) {
        return tc_rec_tls_thread;
    }
    return tc_rec_thread_current();
}

/* Room for one more open call; -1 (nothing changed) when out of memory. */
static int __attribute__((noinline))
grow_open(TcRecThread *t)
{
    uint32_t cap = t->open_cap * 2;
    TcRecOpen *grown = realloc(t->open, sizeof(TcRecOpen) * cap);
    if (grown == NULL) {
        return -1;
    }
    t->open = grown;
    t->open_cap = cap;
    return 0;
}

static inline TcRecCode *
code_lookup(PyObject *code)
{
    TcRecCode *rc = tc_rec_code_cached(code);
    return rc != NULL ? rc : tc_rec_code_lookup((PyCodeObject *)code);
}

TcRecCode *
tc_rec_code_find(PyObject *code)
{
    return code_lookup(code);
}

/* Hand a full buffer to the writer and start a fresh one (a recycled one
 * when the writer has one: tc-recorder-buffers.c). */
static void __attribute__((noinline))
rotate(TcRecThread *t)
{
    pthread_mutex_lock(&tc_rec.lock);
    TcRecPending *p = tc_rec_buffers_take_locked();
    if (p == NULL) {
        /* Out of memory: write synchronously rather than lose events. */
        tc_rec_drain_locked();
        atomic_store_explicit(&t->len, 0, memory_order_release);
        t->consumed = 0;
        pthread_mutex_unlock(&tc_rec.lock);
        return;
    }
    TcEvent *fresh = p->buf;
    p->next = NULL;
    p->tid = t->tid;
    p->buf = t->buf;
    p->start = t->consumed;
    p->len = t->cap;
    if (tc_rec.pending_tail != NULL) {
        tc_rec.pending_tail->next = p;
    }
    else {
        tc_rec.pending_head = p;
    }
    tc_rec.pending_tail = p;
    t->buf = fresh;
    t->cap = TC_REC_BUFFER_EVENTS;
    t->consumed = 0;
    atomic_store_explicit(&t->len, 0, memory_order_release);
    pthread_cond_signal(&tc_rec.writer_cond);
    pthread_mutex_unlock(&tc_rec.lock);
}

/* Per event: one load and compare for a full buffer, the clock, three
 * stores and a release store.  Times are not clamped here: the writer makes
 * each thread's times non-decreasing when it converts them. */
static inline void
push(TcRecThread *t, uint32_t kind, uint32_t code_id)
{
    size_t n = atomic_load_explicit(&t->len, memory_order_relaxed);
    if (__builtin_expect(n == t->cap, 0)) {
        rotate(t);
        n = 0;
    }
    TcEvent *e = &t->buf[n];
    e->time_ns = tc_rec_event_time();
    e->code_id = code_id;
    e->kind = kind;
    atomic_store_explicit(&t->len, n + 1, memory_order_release);
}

void
tc_rec_event_push(TcRecThread *t, uint32_t kind, uint32_t code_id)
{
    push(t, kind, code_id);
}

/* Stop time: every open call gets its return. */
void
tc_rec_events_close_open_calls(void)
{
    for (TcRecThread *t = tc_rec.threads; t != NULL; t = t->next) {
        while (t->depth > 0) {
            push(t, TC_EVENT_RETURN, 0);
            t->depth--;
        }
    }
}

/* ---- Tracked code: warnings and return values (rare work, cheap checks) */

static void
warn(const char *code, const char *message, PyObject *var)
{
    if (tc_rec.warn_callback == NULL) {
        return;
    }
    PyObject *r = PyObject_CallFunction(tc_rec.warn_callback, "ssO", code,
                                        message, var);
    if (r == NULL) {
        PyErr_Clear();
    }
    Py_XDECREF(r);
}

static PyObject *
qualname_of(PyCodeObject *code)
{
#if PY_VERSION_HEX >= 0x030B0000
    return code->co_qualname;
#else
    return code->co_name;
#endif
}

/* A new deepest level of this code: the DEEP_RECURSION warning. */
static void __attribute__((noinline))
note_depth(TcRecCode *rc, PyCodeObject *code)
{
    rc->max_depth = rc->depth;
    if (rc->depth > TC_REC_DEEP_RECURSION && !rc->warned_depth) {
        rc->warned_depth = 1;
        const char *name = PyUnicode_AsUTF8(qualname_of(code));
        char msg[300];
        snprintf(msg, sizeof(msg), "'%s' depth %d", name ? name : "?",
                 rc->depth);
        warn("DEEP_RECURSION", msg, qualname_of(code));
    }
}

/* What a weak reference leads to (compared only, not kept). */
static inline PyObject *
weak_target(PyObject *ref)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *obj = NULL;
    if (PyWeakref_GetRef(ref, &obj) < 0) {
        PyErr_Clear();
    }
    Py_XDECREF(obj);   /* alive: the argument holds it */
    return obj;
#else
    return PyWeakref_GET_OBJECT(ref);
#endif
}

/* Whether slot `slot` was filled by this very fingerprint: the same hash,
 * and each argument it knows by identity still alive and the same object
 * (a weak reference that still leads to it; a dead one means the address
 * may now hold another object). */
static int
fp_pins_hold(const TcRecCode *rc, int slot, const TcRecFingerprint *fp)
{
    PyObject *const *pins = rc->fp_pins != NULL
                            ? &rc->fp_pins[slot * TC_REC_FP_PINS] : NULL;
    for (int k = 0; k < TC_REC_FP_PINS; k++) {
        PyObject *ref = pins != NULL ? pins[k] : NULL;
        if (k >= fp->n_pins) {
            if (ref != NULL) {
                return 0;
            }
            continue;
        }
        if (ref == NULL || weak_target(ref) != fp->pins[k]) {
            return 0;
        }
    }
    return 1;
}

/* Slot `slot` now holds `fp`: weak references to its identity-only
 * arguments replace the previous fingerprint's.  0 when one cannot be
 * made (the slot then holds nothing). */
static int
fp_pins_set(TcRecCode *rc, int slot, const TcRecFingerprint *fp)
{
    if (rc->fp_pins == NULL) {
        if (fp->n_pins == 0) {
            return 1;
        }
        rc->fp_pins = calloc(TC_REC_FP_SLOTS * TC_REC_FP_PINS, sizeof(PyObject *));
        if (rc->fp_pins == NULL) {
            return 0;
        }
    }
    PyObject **pins = &rc->fp_pins[slot * TC_REC_FP_PINS];
    int ok = 1;
    for (int k = 0; k < TC_REC_FP_PINS; k++) {
        PyObject *ref = NULL;
        if (k < fp->n_pins && ok) {
            ref = PyWeakref_NewRef(fp->pins[k], NULL);
            if (ref == NULL) {
                PyErr_Clear();
                ok = 0;
            }
        }
        Py_XSETREF(pins[k], ref);
    }
    return ok;
}

/* REPEATED_CALL: the arguments' fingerprint of a call, counted in a
 * space-saving table of TC_REC_FP_SLOTS slots.  `warned_repeat` also ends
 * the fingerprinting after a bounded number of calls, so the hot path
 * needs one test.  A call without a fingerprint (an argument that cannot
 * be read safely, tc-recorder-call-values.c) counts as a new argument. */
static void __attribute__((noinline))
fingerprint_call(TcRecCode *rc, PyCodeObject *code, PyFrameObject *frame)
{
    if (rc->n_fingerprinted >= TC_REC_MAX_FINGERPRINTED
        || rc->n_calls >= TC_REC_MAX_FP_CALLS) {
        rc->warned_repeat = 1;
        tc_rec_code_fp_pins_free(rc);
        return;
    }
    /* Making a weak reference can start a garbage collection, and a
     * finalizer can call this code again: that call is not fingerprinted
     * (the table is half updated, and a warning would free the pins). */
    if (rc->fp_busy) {
        return;
    }
    if (rc->fp_window_left == 0) {
        rc->fp_window_left = TC_REC_FP_WINDOW;
        rc->fp_window_matched = 0;
    }
    if (--rc->fp_window_left == 0) {
        /* This call ends the window (whatever it finds below counts for
         * the next one). */
        if (rc->fp_window_matched) {
            rc->fp_gap_log = 0;
        }
        else {
            /* The fast path counts the gap down and asks for the
             * fingerprints again at its end. */
            rc->flags = (rc->flags & ~(uint32_t)TC_REC_CODE_FINGERPRINT)
                        | TC_REC_CODE_FP_GAP;
            rc->fp_skip = (uint32_t)TC_REC_FP_WINDOW << rc->fp_gap_log;
            if (rc->fp_gap_log < TC_REC_FP_MAX_GAP_LOG) {
                rc->fp_gap_log += 2;
            }
        }
    }
#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030E0000
    if (frame == NULL) {
        frame = PyEval_GetFrame();
        if (frame == NULL) {
            return;
        }
    }
#endif
    rc->n_fingerprinted++;
    TcRecFingerprint fp;
    if (tc_rec_call_fingerprint(code, frame, &fp) < 0) {
        return;
    }
    rc->fp_busy = 1;
    uint64_t h = fp.hash;
    /* The slot holding this fingerprint, else the weakest: one of the
     * lowest count, the next one after the slot taken last (round robin).
     * Always the same one (the first of the lowest) let one new argument
     * after another evict each other's slot: f(a), f(x1), f(a), f(x2) …
     * never counted a twice once the table was full of single calls. */
    uint32_t match = 0;
    uint32_t tag = (uint32_t)(h >> 32);
#ifdef __SSE2__
    /* Four tags a compare: the candidates, then their whole hashes. */
    __m128i key = _mm_set1_epi32((int)tag);
    for (int i = 0; i < TC_REC_FP_SLOTS; i += 4) {
        __m128i v = _mm_loadu_si128((const __m128i *)&rc->fp_tag[i]);
        match |= (uint32_t)_mm_movemask_ps(
            _mm_castsi128_ps(_mm_cmpeq_epi32(v, key))) << i;
    }
#else
    for (int i = 0; i < TC_REC_FP_SLOTS; i++) {
        match |= (uint32_t)(rc->fp_tag[i] == tag) << i;
    }
#endif
    int slot = -1;
    while (match != 0) {
        int i = __builtin_ctz(match);
        if (rc->fp_count[i] != 0 && rc->fp_hash[i] == h) {
            slot = i;
            break;
        }
        match &= match - 1;
    }
    uint32_t weakest = rc->fp_weakest;
    int rescan = slot == (int)weakest;
    if (slot >= 0 && (fp.n_pins != 0 || rc->fp_pins != NULL)
        && !fp_pins_hold(rc, slot, &fp)) {
        /* The same address, another object: this slot's count was for an
         * argument that is gone.  Started again with this one. */
        rc->fp_count[slot] = 0;
        if (!fp_pins_set(rc, slot, &fp)) {
            slot = -2;
        }
        rescan = 1;
    }
    else if (slot < 0) {
        slot = (int)weakest;
        rescan = 1;
        rc->fp_hash[slot] = h;
        rc->fp_tag[slot] = tag;
        rc->fp_count[slot] = 0;
        if ((fp.n_pins != 0 || rc->fp_pins != NULL)
            && !fp_pins_set(rc, slot, &fp)) {
            slot = -2;   /* left empty: count 0 */
        }
    }
    if (slot >= 0 && ++rc->fp_count[slot] > 1) {
        rc->fp_window_matched = 1;
    }
    if (rescan) {
        uint32_t from = slot >= 0 ? (uint32_t)slot + 1 : weakest;
        weakest = from % TC_REC_FP_SLOTS;
        for (uint32_t k = 1; k < TC_REC_FP_SLOTS; k++) {
            uint32_t i = (from + k) % TC_REC_FP_SLOTS;
            if (rc->fp_count[i] < rc->fp_count[weakest]) {
                weakest = i;
            }
        }
        rc->fp_weakest = weakest;
    }
    rc->fp_busy = 0;
    if (slot >= 0 && rc->fp_count[slot] >= TC_REC_REPEATED_CALLS) {
        rc->warned_repeat = 1;
        tc_rec_code_fp_pins_free(rc);
        const char *name = PyUnicode_AsUTF8(qualname_of(code));
        char msg[300];
        snprintf(msg, sizeof(msg), "'%s' called \xc3\x97%d with the same arguments",
                 name ? name : "?", TC_REC_REPEATED_CALLS);
        warn("REPEATED_CALL", msg, qualname_of(code));
    }
}

static inline void
tracked_enter(TcRecCode *rc, PyCodeObject *code, PyFrameObject *frame,
              uint32_t kind)
{
    if (__builtin_expect(++rc->depth > rc->max_depth, 0)) {
        note_depth(rc, code);
    }
    /* Fewer than 50 calls cannot hold 50 identical ones. */
    if (kind == TC_EVENT_CALL && ++rc->n_calls >= TC_REC_REPEATED_CALLS
        && !rc->warned_repeat) {
        if (rc->fp_skip != 0) {
            /* a gap between windows (a call that took this path anyway) */
            if (--rc->fp_skip == 0) {
                rc->flags = (rc->flags & ~(uint32_t)TC_REC_CODE_FP_GAP)
                            | TC_REC_CODE_FINGERPRINT;
            }
        }
        else {
            fingerprint_call(rc, code, frame);
        }
    }
    if (rc->warned_repeat) {
        rc->flags &= ~(uint32_t)TC_REC_CODE_FINGERPRINT;   /* fast path */
    }
}

static inline void
tracked_exit(TcRecThread *t, TcRecCode *rc, uint32_t kind, PyObject *retval)
{
    if (rc->depth > 0) {
        rc->depth--;
    }
    if (kind == TC_EVENT_RETURN && retval != NULL
        && rc->n_return_values < TC_REC_MAX_RETURN_VALUES_PER_CODE
        && tc_rec.n_return_values < TC_REC_MAX_RETURN_VALUES) {
        tc_rec_return_value_record(t, rc, retval);
    }
    if (rc->n_return_values >= TC_REC_MAX_RETURN_VALUES_PER_CODE
        || tc_rec.n_return_values >= TC_REC_MAX_RETURN_VALUES) {
        rc->flags &= ~(uint32_t)TC_REC_CODE_RETVALS;   /* fast path */
    }
}

/* @tc.trace: the traced function's own frame at entry and at exit. */
static void __attribute__((noinline))
trace_callback(const char *event, PyFrameObject *frame, PyObject *value)
{
    if (tc_rec.trace_callback == NULL) {
        return;
    }
    if (frame == NULL) {
        frame = PyEval_GetFrame();
        if (frame == NULL) {
            return;
        }
    }
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    PyObject *r = PyObject_CallFunction(tc_rec.trace_callback, "sOO", event,
                                        (PyObject *)frame,
                                        value ? value : Py_None);
    if (r == NULL) {
        PyErr_Clear();
    }
    Py_XDECREF(r);
    PyErr_Restore(exc_type, exc_value, exc_tb);
}

/* Every line of `code` is covered: switch its LINE events off (from a
 * PY_START callback, where changing the code's instrumentation is safe, as
 * coverage.py does), so no INSTRUMENTED_LINE is left behind. */
static void __attribute__((noinline))
lines_off(TcRecCode *rc, PyObject *code)
{
    rc->flags &= ~(uint32_t)TC_REC_CODE_LINES_DONE;
    if (tc_rec.set_local_events == NULL) {
        return;
    }
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    PyObject *r = PyObject_CallFunction(tc_rec.set_local_events, "iOi", 2,
                                        code, 0);
    if (r == NULL) {
        PyErr_Clear();
    }
    Py_XDECREF(r);
    PyErr_Restore(exc_type, exc_value, exc_tb);
}

/* ---- Common enter/exit.  Return 1 when the code is never recorded. */

static inline __attribute__((always_inline)) int
enter(PyObject *code, PyFrameObject *frame, uint32_t kind_hint, int profile)
{
    TcRecThread *t = current_thread();
    if (t == NULL) {
        PyErr_Clear();
        return 0;
    }
    if (__builtin_expect(t->slow, 0)) {
        if (t->ignored) {
            return 0;
        }
        tc_rec_thread_try_name(t);
    }
    TcRecCode *rc = code_lookup(code);
    if (rc == NULL) {
        PyErr_Clear();
        return 0;
    }
#if PY_VERSION_HEX < 0x030C0000
    /* Coverage: the line trace function runs while this frame does only if
     * its code has uncovered lines (tc-recorder-line-trace.c). */
    uint32_t lines = rc->flags & TC_REC_CODE_LINES_WANTED;
    if (!profile && (rc->flags & TC_REC_CODE_LINES_EXIT_ONLY)) {
        lines = 0;   /* the eval hook credits them at the frame's exit */
    }
    if (lines || tc_rec_line_trace_state()) {
        tc_rec_line_trace_switch(t, lines != 0);
    }
#endif
    if (rc->flags & TC_REC_CODE_SKIP) {
        return 1;
    }
    uint32_t d = t->depth;
    if (__builtin_expect(d == t->open_cap, 0) && grow_open(t) < 0) {
        return 0;   /* out of memory: neither the call nor its exit */
    }
    uint32_t kind = kind_hint;
#if PY_VERSION_HEX < 0x030C0000
    if (profile && (rc->flags & TC_REC_CODE_GENLIKE)) {
        /* Started or resumed?  3.8–3.10: a fresh frame has f_lasti -1.
         * 3.11: a fresh frame stands on RESUME with oparg 0 (1–3 mark the
         * resume points after yield, yield from and await; a throw() stands
         * on the YIELD_VALUE it resumes). */
#if PY_VERSION_HEX >= 0x030B0000
        int lasti = PyFrame_GetLasti(frame);
        _Py_CODEUNIT unit = _PyCode_CODE((PyCodeObject *)code)[lasti / 2];
        int op = _Py_OPCODE(unit);   /* RESUME_QUICK once specialized */
        if (!(lasti >= 0 && (op == RESUME || op == RESUME_QUICK)
              && _Py_OPARG(unit) == 0)) {
            kind = TC_EVENT_RESUME;
        }
#else
        if (frame->f_lasti != -1) {
            kind = TC_EVENT_RESUME;
        }
#endif
    }
#endif
    push(t, kind, rc->code_id);
    t->open[d].code = code;
    t->open[d].rc = rc;
    t->depth = d + 1;
    if (rc->flags & (TC_REC_CODE_TRACKED | TC_REC_CODE_TRACED)) {
        if (rc->flags & TC_REC_CODE_TRACKED) {
            tracked_enter(rc, (PyCodeObject *)code, frame, kind);
            if (__builtin_expect(rc->flags & TC_REC_CODE_LINES_DONE, 0)) {
                lines_off(rc, code);
            }
        }
        if ((rc->flags & TC_REC_CODE_TRACED) && kind == TC_EVENT_CALL) {
            trace_callback("call", frame, NULL);
        }
    }
    return 0;
}

static inline __attribute__((always_inline)) int
leave(PyObject *code, PyFrameObject *frame, uint32_t kind_hint,
      PyObject *retval, int profile)
{
    TcRecThread *t = current_thread();
    if (t == NULL) {
        PyErr_Clear();
        return 0;
    }
    /* The exit of the newest open call: its entry is on the stack.
     * Anything else (a call that began before the recording, code never
     * recorded, an ignored thread, an exit the interpreter never
     * reported) looks the code up, as every exit did before. */
    uint32_t d = t->depth;
    TcRecCode *rc;
    if (__builtin_expect(d > 0 && t->open[d - 1].code == code, 1)) {
        rc = t->open[d - 1].rc;
    }
    else {
        if (t->ignored) {
            return 0;
        }
        rc = code_lookup(code);
        if (rc == NULL) {
            PyErr_Clear();
            return 0;
        }
        if (rc->flags & TC_REC_CODE_SKIP) {
            return 1;
        }
        if (d == 0) {
            return 0;   /* began before the recording */
        }
    }
    uint32_t kind = kind_hint;
#if PY_VERSION_HEX < 0x030C0000
    if (profile) {
        if (retval == NULL) {
            kind = TC_EVENT_UNWIND;
        }
        else if (rc->flags & TC_REC_CODE_GENLIKE) {
            /* A suspension stands anywhere but on RETURN_VALUE (83 on
             * 3.8–3.11). */
#if PY_VERSION_HEX >= 0x030B0000
            int lasti = PyFrame_GetLasti(frame);
            int op = lasti >= 0
                     ? _Py_OPCODE(_PyCode_CODE((PyCodeObject *)code)[lasti / 2])
                     : 0;
#elif PY_VERSION_HEX >= 0x030A0000
            const unsigned char *bytes = (const unsigned char *)
                PyBytes_AS_STRING(((PyCodeObject *)code)->co_code);
            int op = frame->f_lasti >= 0 ? bytes[frame->f_lasti * 2] : 0;
#else
            const unsigned char *bytes = (const unsigned char *)
                PyBytes_AS_STRING(((PyCodeObject *)code)->co_code);
            int op = frame->f_lasti >= 0 ? bytes[frame->f_lasti] : 0;
#endif
            if (op != 83) {
                kind = TC_EVENT_YIELD;
            }
        }
    }
#endif
    t->depth = d - 1;
    push(t, kind, 0);
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    if (!profile && (rc->flags & TC_REC_CODE_LINES_AT_EXIT)) {
        tc_rec_line_flow_exit(rc, code, kind == TC_EVENT_UNWIND);
    }
#endif
    if (rc->flags & (TC_REC_CODE_TRACKED | TC_REC_CODE_TRACED)) {
        if (rc->flags & TC_REC_CODE_TRACKED) {
            tracked_exit(t, rc, kind, retval);
        }
        if ((rc->flags & TC_REC_CODE_TRACED) && kind != TC_EVENT_YIELD) {
            trace_callback(kind == TC_EVENT_UNWIND ? "unwind" : "return",
                           frame, kind == TC_EVENT_UNWIND ? NULL : retval);
        }
    }
    return 0;
}

/* ---- PEP 523 eval hook (tc-recorder-eval-hook.c, 3.9–3.11): the general
 * way, after the hook's own inlined fast path said no. */

int
tc_rec_hook_enter(PyObject *code, uint32_t kind)
{
    return enter(code, NULL, kind, 0);
}

void
tc_rec_hook_leave(PyObject *code, uint32_t kind, PyObject *retval)
{
    leave(code, NULL, kind, retval, 0);
}

/* ---- sys.monitoring (3.12+) */

#if PY_VERSION_HEX >= 0x030C0000

static PyObject *
result(int disable, int can_disable)
{
    if (disable && can_disable && tc_rec.disable != NULL) {
        return Py_NewRef(tc_rec.disable);
    }
    Py_RETURN_NONE;
}

/* The general way, out of line, so the callbacks' fast path stays a leaf
 * (these are tail calls). */
static PyObject * __attribute__((noinline))
mon_enter_slow(PyObject *code, uint32_t kind, int can_disable)
{
    if (!atomic_load_explicit(&tc_rec.active, memory_order_relaxed)) {
        Py_RETURN_NONE;
    }
    return result(enter(code, NULL, kind, 0), can_disable);
}

static PyObject * __attribute__((noinline))
mon_leave_slow(PyObject *code, uint32_t kind, PyObject *retval,
               int can_disable)
{
    if (!atomic_load_explicit(&tc_rec.active, memory_order_relaxed)) {
        Py_RETURN_NONE;
    }
    return result(leave(code, NULL, kind, retval, 0), can_disable);
}

static PyObject *
mon_start(PyObject *callable, PyObject *const *args, size_t nargsf,
           PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 1) {
        Py_RETURN_NONE;
    }
    if (tc_rec_fast_enter(args[0], TC_EVENT_CALL)) {
        Py_RETURN_NONE;
    }
    return mon_enter_slow(args[0], TC_EVENT_CALL, 1);
}

static PyObject *
mon_resume(PyObject *callable, PyObject *const *args, size_t nargsf,
            PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 1) {
        Py_RETURN_NONE;
    }
    if (tc_rec_fast_enter(args[0], TC_EVENT_RESUME)) {
        Py_RETURN_NONE;
    }
    return mon_enter_slow(args[0], TC_EVENT_RESUME, 1);
}

static PyObject *
mon_throw(PyObject *callable, PyObject *const *args, size_t nargsf,
           PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 1) {
        Py_RETURN_NONE;
    }
    if (tc_rec_fast_enter(args[0], TC_EVENT_RESUME)) {
        Py_RETURN_NONE;
    }
    return mon_enter_slow(args[0], TC_EVENT_RESUME, 0);   /* cannot be disabled */
}

static PyObject *
mon_return(PyObject *callable, PyObject *const *args, size_t nargsf,
            PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 3) {
        Py_RETURN_NONE;
    }
    if (tc_rec_fast_leave(args[0], TC_EVENT_RETURN, args[2])) {
        Py_RETURN_NONE;
    }
    return mon_leave_slow(args[0], TC_EVENT_RETURN, args[2], 1);
}

static PyObject *
mon_yield(PyObject *callable, PyObject *const *args, size_t nargsf,
           PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 3) {
        Py_RETURN_NONE;
    }
    if (tc_rec_fast_leave(args[0], TC_EVENT_YIELD, NULL)) {
        Py_RETURN_NONE;
    }
    return mon_leave_slow(args[0], TC_EVENT_YIELD, NULL, 1);
}

static PyObject *
mon_unwind(PyObject *callable, PyObject *const *args, size_t nargsf,
            PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 1) {
        Py_RETURN_NONE;
    }
    if (tc_rec_fast_leave(args[0], TC_EVENT_UNWIND, NULL)) {
        Py_RETURN_NONE;
    }
    return mon_leave_slow(args[0], TC_EVENT_UNWIND, NULL, 0);   /* cannot be disabled */
}

static PyObject *
mon_line(PyObject *callable, PyObject *const *args, size_t nargsf,
          PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (!atomic_load_explicit(&tc_rec.active, memory_order_relaxed)
        || nargs < 2) {
        Py_RETURN_NONE;
    }
    TcRecCode *rc = code_lookup(args[0]);
    if (rc == NULL) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    tc_rec_line_hit(rc, PyLong_AsLong(args[1]));
    PyErr_Clear();
    return result(1, 1);
}

/* An empty callback: the floor the benchmark compares the hooks with. */
static PyObject *
mon_empty(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Py_RETURN_NONE;
}

#endif

/* ---- PyEval_SetProfile (3.8–3.11) */

static int
profile_func(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    if ((what != PyTrace_CALL && what != PyTrace_RETURN)
        || !atomic_load_explicit(&tc_rec.active, memory_order_relaxed)) {
        return 0;
    }
#if PY_VERSION_HEX >= 0x030B0000
    PyCodeObject *code = PyFrame_GetCode(frame);
    Py_DECREF(code);   /* the frame keeps it alive */
#else
    PyCodeObject *code = frame->f_code;
#endif
    if (what == PyTrace_CALL) {
        enter((PyObject *)code, frame, TC_EVENT_CALL, 1);
    }
    else {
        leave((PyObject *)code, frame, TC_EVENT_RETURN, arg, 1);
#if PY_VERSION_HEX < 0x030C0000
        tc_rec_line_trace_return(frame);   /* coverage: the caller's state */
#endif
    }
    return 0;
}

#if PY_VERSION_HEX < 0x030C0000
static void
set_profile_on(PyThreadState *ts, Py_tracefunc func)
{
#if PY_VERSION_HEX >= 0x03090000
    if (_PyEval_SetProfile(ts, func, NULL) < 0) {
        PyErr_Clear();
    }
#else
    PyObject *old = ts->c_profileobj;
    ts->c_profilefunc = func;
    ts->c_profileobj = NULL;
    ts->use_tracing = (func != NULL) || (ts->c_tracefunc != NULL);
    Py_XDECREF(old);
#endif
}
#endif

/* threading.setprofile trampoline: the first event of a new thread installs
 * the C profile function on that thread and is then handled by it. */
static PyObject *
profile_trampoline(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (tc_rec_eval_hook_active()) {
        PyEval_SetProfile(NULL, NULL);   /* the eval hook sees every thread */
        Py_RETURN_NONE;
    }
    PyEval_SetProfile(profile_func, NULL);
    if (nargs == 3 && PyFrame_Check(args[0]) && PyUnicode_Check(args[1])) {
        const char *event = PyUnicode_AsUTF8(args[1]);
        if (event != NULL && strcmp(event, "call") == 0) {
            profile_func(NULL, (PyFrameObject *)args[0], PyTrace_CALL, Py_None);
        }
    }
    PyErr_Clear();
    Py_RETURN_NONE;
}

static PyObject *
profile_install(PyObject *self, PyObject *unused)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyEval_SetProfileAllThreads(profile_func, NULL);
#else
    if (tc_rec_eval_hook_install()) {
        return PyUnicode_FromString("C+eval-hook");
    }
    PyInterpreterState *interp = PyThreadState_GetInterpreter(
        PyThreadState_Get());
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp);
         ts != NULL; ts = PyThreadState_Next(ts)) {
        set_profile_on(ts, profile_func);
    }
#endif
    return PyUnicode_FromString("C+setprofile");
}

/* The full-mode backend a recording started now would use. */
static PyObject *
hook_backend(PyObject *self, PyObject *unused)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyUnicode_FromString("C+monitoring");
#else
    return PyUnicode_FromString(tc_rec_eval_hook_usable() ? "C+eval-hook"
                                                          : "C+setprofile");
#endif
}

static PyObject *
profile_uninstall(PyObject *self, PyObject *unused)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyEval_SetProfileAllThreads(NULL, NULL);
#else
    tc_rec_eval_hook_remove();
    PyInterpreterState *interp = PyThreadState_GetInterpreter(
        PyThreadState_Get());
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp);
         ts != NULL; ts = PyThreadState_Next(ts)) {
        if (ts->c_profilefunc == profile_func) {
            set_profile_on(ts, NULL);
        }
    }
#endif
    Py_RETURN_NONE;
}

/* The sys.monitoring callbacks, as TcRecCallback objects
 * (tc-recorder-callback.c): CPython calls them without a PyCFunction in
 * between. */
int
tc_rec_hooks_add_callbacks(PyObject *module)
{
#if PY_VERSION_HEX >= 0x030C0000
    static const struct {
        const char *name;
        vectorcallfunc fn;
    } callbacks[] = {
        {"_mon_py_start", mon_start},
        {"_mon_py_resume", mon_resume},
        {"_mon_py_throw", mon_throw},
        {"_mon_py_return", mon_return},
        {"_mon_py_yield", mon_yield},
        {"_mon_py_unwind", mon_unwind},
        {"_mon_line", mon_line},
    };
    for (size_t i = 0; i < sizeof(callbacks) / sizeof(callbacks[0]); i++) {
        PyObject *cb = tc_rec_callback_new(callbacks[i].name,
                                           callbacks[i].fn);
        if (cb == NULL || PyModule_AddObject(module, callbacks[i].name,
                                             cb) < 0) {
            Py_XDECREF(cb);
            return -1;
        }
    }
#endif
    return 0;
}

PyMethodDef tc_rec_hook_methods[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {"_mon_empty", (PyCFunction)(void (*)(void))mon_empty, METH_FASTCALL,
     "Does nothing (benchmark baseline)."},
#endif
    {"_profile_trampoline", (PyCFunction)(void (*)(void))profile_trampoline,
     METH_FASTCALL, "threading.setprofile hook: installs the C profiler."},
    {"profile_install", profile_install, METH_NOARGS,
     "Install the 3.8-3.11 hook (3.9-3.11: PEP 523 eval hook if usable, else the "
     "C profile function on every thread); returns the backend's name."},
    {"line_trace_owner", tc_rec_line_trace_owner, METH_NOARGS,
     "Whose C trace function this thread has: 'timecapsule', 'other' or None."},
    {"hook_backend", hook_backend, METH_NOARGS,
     "The full-mode backend a recording started now would use."},
    {"profile_uninstall", profile_uninstall, METH_NOARGS,
     "Remove the C profile function from every thread."},
    {NULL, NULL, 0, NULL},
};

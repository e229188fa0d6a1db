/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-fast-path.h — the usual call event as straight-line code.
 *
 * Shared by the two hot hooks, the sys.monitoring callbacks
 * (tc-recorder-hooks.c) and the PEP 523 eval hook
 * (tc-recorder-eval-hook.c), and inlined into each: called across
 * translation units, twice per Python call, it cost the eval hook 16 more
 * instructions a call on 3.11's recursive fib (189 against 173 with it
 * inlined; docs/PERFORMANCE.md, "Sessions 9-10").  Anything unusual (a
 * new thread or code object, a full buffer, a code that wants its
 * warnings, return values, lines or @tc.trace) returns 0 before anything
 * changed, and the caller goes the general way (enter()/leave() of
 * tc-recorder-hooks.c, out of line).
 */
#ifndef TC_RECORDER_FAST_PATH_H
#define TC_RECORDER_FAST_PATH_H

#include "tc-recorder.h"

#if TC_REC_HAVE_TSC && PY_VERSION_HEX < 0x030E0000
#define TC_REC_FAST_PATH 1
#endif

static inline __attribute__((always_inline)) int
tc_rec_fast_enter(PyObject *code, uint32_t kind)
{
#ifdef TC_REC_FAST_PATH
    /* Also false while the hooks are off or the clock is not the TSC. */
    uint64_t generation = tc_rec.fast_generation;
    if (__builtin_expect(tc_rec_tls_generation != generation, 0)) {
        return 0;
    }
    TcRecThread *t = tc_rec_tls_thread;
    const TcCodeExtra *ex = ((PyCodeObject *)code)->co_extra;
    if (__builtin_expect(ex == NULL || tc_rec_extra_index >= ex->ce_size, 0)) {
        return 0;
    }
    TcRecCode *rc = ex->ce_extras[tc_rec_extra_index];
    if (__builtin_expect(rc == NULL || rc->generation != generation, 0)) {
        return 0;
    }
    uint32_t flags = rc->flags;
    uint32_t d = t->depth;
    size_t n = atomic_load_explicit(&t->len, memory_order_relaxed);
    if (__builtin_expect((flags & TC_REC_CODE_SLOW_ENTER) || t->slow
                         || d == t->open_cap || n == t->cap, 0)) {
        return 0;
    }
#if PY_VERSION_HEX < 0x030C0000
    /* The line trace function is wanted or must go: enter() sees to it. */
    if (__builtin_expect((flags & (TC_REC_CODE_LINES_WANTED
                                   | TC_REC_CODE_LINES_EXIT_ONLY))
                         == TC_REC_CODE_LINES_WANTED
                         || tc_rec_line_trace_state(), 0)) {
        return 0;
    }
#endif
    if (flags & TC_REC_CODE_TRACKED) {
        if (__builtin_expect(rc->depth >= rc->max_depth, 0)) {
            return 0;   /* a new deepest level: DEEP_RECURSION */
        }
        rc->depth++;
        /* A gap between REPEATED_CALL's windows: counted here, so that
         * the calls in it take this path. */
        if (__builtin_expect(flags & TC_REC_CODE_FP_GAP, 0)
            && kind == TC_EVENT_CALL && --rc->fp_skip == 0) {
            rc->flags = (flags & ~(uint32_t)TC_REC_CODE_FP_GAP)
                        | TC_REC_CODE_FINGERPRINT;
        }
    }
    TcEvent *e = &t->buf[n];
    e->time_ns = __rdtsc();
    e->code_id = rc->code_id;
    e->kind = kind;
    atomic_store_explicit(&t->len, n + 1, memory_order_release);
    t->open[d].code = code;
    t->open[d].rc = rc;
    t->depth = d + 1;
    return 1;
#else
    return 0;
#endif
}

static inline __attribute__((always_inline)) int
tc_rec_fast_leave(PyObject *code, uint32_t kind, PyObject *retval)
{
#ifdef TC_REC_FAST_PATH
    if (__builtin_expect(tc_rec_tls_generation != tc_rec.fast_generation,
                         0)) {
        return 0;
    }
    TcRecThread *t = tc_rec_tls_thread;
    uint32_t d = t->depth;
    if (__builtin_expect(d == 0 || t->open[d - 1].code != code, 0)) {
        return 0;
    }
    TcRecCode *rc = t->open[d - 1].rc;
    uint32_t flags = rc->flags;
    /* None is never stored as a return value (a function returning None
     * would otherwise never reach the bound and stay slow forever). */
    uint32_t slow = (kind == TC_EVENT_RETURN && retval != Py_None
                     ? TC_REC_CODE_SLOW_RETURN : TC_REC_CODE_TRACED)
                    | TC_REC_CODE_LINES_AT_EXIT;
    size_t n = atomic_load_explicit(&t->len, memory_order_relaxed);
    if (__builtin_expect((flags & slow) || n == t->cap, 0)) {
        return 0;
    }
    t->depth = d - 1;
    TcEvent *e = &t->buf[n];
    e->time_ns = __rdtsc();
    e->code_id = 0;
    e->kind = kind;
    atomic_store_explicit(&t->len, n + 1, memory_order_release);
    if (flags & TC_REC_CODE_TRACKED) {
        rc->depth -= rc->depth > 0;
    }
    return 1;
#else
    return 0;
#endif
}

#endif

/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-line-flow.c — on 3.8-3.11, when a frame no longer needs the
 * line trace function.
 *
 * The trace function runs while a frame of tracked code with uncovered
 * lines runs (tc-recorder-line-trace.c), and on 3.11 every instruction of
 * such a frame goes through the eval loop's tracing path, unspecialized.
 * A function whose error branch never ran therefore used to be traced for
 * every line of every call, its hot loop included: on the orders workload
 * (docs/PERFORMANCE.md, session 4) most of the recorder's cost on 3.11.
 *
 * Coverage only needs the lines that can still run.  So, at a line event in
 * a frame whose code still has uncovered lines, the frame keeps the trace
 * function only while one of those lines is reachable from where it stands
 * in the code's control flow; past the error branch (or in a loop that
 * cannot go back to it) it loses it for the rest of the frame, and the
 * eval hook's restore after each callee keeps it off there.  Every line
 * that runs is still reported: a line can only be reported by running an
 * instruction of it, and none can run in this frame any more.
 *
 * The flow comes from timecapsule._flow (dis, which knows each
 * interpreter's jumps): basic blocks, their lines and the blocks each can
 * go on to, exceptions included (3.11's exception table; on 3.8-3.10 the
 * SETUP_* that pushes a handler is an edge to it, and the handlers already
 * pushed are read from the frame's block stack here).  It is read once per
 * code, only for a code still traced after TC_REC_FLOW_AFTER line events
 * (most functions are all covered by then), from inside the trace function
 * (tstate->tracing is raised: dis runs untraced and unrecorded).
 *
 * Which blocks reach an uncovered line is propagated backwards from the
 * blocks holding one; it is recomputed at most every TC_REC_FLOW_RECOMPUTE
 * line events while lines are being covered.  Between two computations
 * the answer can only be "reachable" too often (lines are never uncovered
 * again): the frame is traced a little longer, never too short.
 *
 * 3.11 under the PEP 523 eval hook: blocks that can only end the frame
 * (no way on, not even an exception handler: a `return` or `raise` after
 * an error test, the `return` after a loop) need no tracing at all.  Such
 * a block is entered only at its start and left only by the frame's end,
 * so when the hook sees a frame end inside one (tc_rec_line_flow_exit,
 * from leave() in tc-recorder-hooks.c), every instruction from the block's
 * start to the one it ended on ran, and their lines are exactly what a
 * trace function would have been told.  So a frame whose exit the hook
 * sees keeps the trace function only while a line left to cover in some
 * other block can run, and a code whose lines left are all in such blocks
 * (TC_REC_CODE_LINES_EXIT_ONLY) starts its frames untraced: on the orders
 * workload, run()'s loop (its `return` after it) and handle()'s first
 * lines (the `return None` of a bad e-mail) ran traced, unspecialized.
 */
#include "tc-recorder.h"

#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE
#include <opcode.h>
#endif

struct TcRecFlow {
    uint32_t n_blocks;
    uint32_t left_at;               /* rc->lines_left when reach was computed */
    uint32_t stale_events;          /* line events since, while it differs */
    uint32_t *start;                /* byte offset of each block, ascending */
    uint32_t *succ_at;              /* n_blocks + 1: into succ */
    uint32_t *succ;
    uint32_t *line_at;              /* n_blocks + 1: into line_bit */
    uint32_t *line_bit;             /* the block's lines, as bitmap bits */
    uint8_t *reach;                 /* an uncovered line can run from here */
    uint8_t *live;                  /* one outside the blocks that end the
                                     * frame (== reach unless defer) */
    uint8_t defer;                  /* 3.11 eval hook: exits credit lines */
    uint8_t *mapped;                /* lines some block holds (rc's bitmap) */
};

void
tc_rec_line_flow_free(struct TcRecFlow *flow)
{
    if (flow == NULL) {
        return;
    }
    free(flow->start);
    free(flow->succ_at);
    free(flow->succ);
    free(flow->line_at);
    free(flow->line_bit);
    free(flow->reach);
    free(flow->live);
    free(flow->mapped);
    free(flow);
}

#if PY_VERSION_HEX < 0x030C0000

#define TC_REC_FLOW_AFTER 64
#define TC_REC_FLOW_RECOMPUTE 8

static PyObject *flow_blocks;   /* timecapsule._flow.blocks */

/* Recording start: the helper is imported here, not inside a trace
 * function. */
void
tc_rec_line_flow_prepare(void)
{
    if (flow_blocks != NULL) {
        return;
    }
    PyObject *mod = PyImport_ImportModule("timecapsule._flow");
    if (mod != NULL) {
        flow_blocks = PyObject_GetAttrString(mod, "blocks");
        Py_DECREF(mod);
    }
    if (flow_blocks == NULL) {
        PyErr_Clear();   /* frames are then traced until they end */
    }
}

/* The sizes of a tuple of tuples of ints, all checked; -1 if malformed. */
static Py_ssize_t
count_items(PyObject *outer, Py_ssize_t n)
{
    if (!PyTuple_Check(outer) || PyTuple_GET_SIZE(outer) != n) {
        return -1;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *inner = PyTuple_GET_ITEM(outer, i);
        if (!PyTuple_Check(inner)) {
            return -1;
        }
        total += PyTuple_GET_SIZE(inner);
    }
    return total;
}

/* Flattens a tuple of tuples of ints into at[n + 1] / items; a line
 * outside the bitmap (or a successor out of range) is dropped or refused. */
static int
flatten(PyObject *outer, Py_ssize_t n, uint32_t *at, uint32_t *items,
        const TcRecCode *rc, int as_lines)
{
    uint32_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *inner = PyTuple_GET_ITEM(outer, i);
        at[i] = k;
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(inner); j++) {
            long v = PyLong_AsLong(PyTuple_GET_ITEM(inner, j));
            if (v == -1 && PyErr_Occurred()) {
                return -1;
            }
            if (as_lines) {
                /* Lines coverage cannot report are no reason to trace. */
                if (v < (long)rc->first_line
                    || v - (long)rc->first_line >= (long)rc->line_span) {
                    continue;
                }
                v -= (long)rc->first_line;
            }
            else if (v < 0 || v >= n) {
                return -1;
            }
            items[k++] = (uint32_t)v;
        }
    }
    at[n] = k;
    return 0;
}

static struct TcRecFlow *
flow_new(const TcRecCode *rc, PyObject *code)
{
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    struct TcRecFlow *flow = NULL;
    PyObject *res = PyObject_CallFunctionObjArgs(flow_blocks, code, NULL);
    if (res == NULL || !PyTuple_Check(res) || PyTuple_GET_SIZE(res) != 3) {
        goto done;
    }
    PyObject *starts = PyTuple_GET_ITEM(res, 0);
    PyObject *lines = PyTuple_GET_ITEM(res, 1);
    PyObject *succ = PyTuple_GET_ITEM(res, 2);
    if (!PyTuple_Check(starts) || PyTuple_GET_SIZE(starts) == 0) {
        goto done;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(starts);
    Py_ssize_t n_lines = count_items(lines, n);
    Py_ssize_t n_succ = count_items(succ, n);
    if (n_lines < 0 || n_succ < 0 || n >= UINT32_MAX / 2) {
        goto done;
    }
    flow = calloc(1, sizeof(*flow));
    if (flow == NULL) {
        goto done;
    }
    flow->n_blocks = (uint32_t)n;
    flow->start = malloc(sizeof(uint32_t) * (size_t)n);
    flow->succ_at = malloc(sizeof(uint32_t) * (size_t)(n + 1));
    flow->succ = malloc(sizeof(uint32_t) * (size_t)(n_succ + 1));
    flow->line_at = malloc(sizeof(uint32_t) * (size_t)(n + 1));
    flow->line_bit = malloc(sizeof(uint32_t) * (size_t)(n_lines + 1));
    flow->reach = malloc((size_t)n);
    flow->live = malloc((size_t)n);
    flow->mapped = calloc(rc->line_span / 8 + 1, 1);
    if (flow->start == NULL || flow->succ_at == NULL || flow->succ == NULL
        || flow->line_at == NULL || flow->line_bit == NULL
        || flow->reach == NULL || flow->live == NULL || flow->mapped == NULL) {
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PyTuple_GET_ITEM(starts, i));
        if (v < 0 || (i > 0 && (uint32_t)v <= flow->start[i - 1])) {
            goto fail;   /* not ascending (or not an int) */
        }
        flow->start[i] = (uint32_t)v;
    }
    if (flatten(lines, n, flow->line_at, flow->line_bit, rc, 1) < 0
        || flatten(succ, n, flow->succ_at, flow->succ, rc, 0) < 0) {
        goto fail;
    }
    for (uint32_t k = 0; k < flow->line_at[n]; k++) {
        uint32_t bit = flow->line_bit[k];
        flow->mapped[bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
    goto done;
fail:
    tc_rec_line_flow_free(flow);
    flow = NULL;
done:
    Py_XDECREF(res);
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    return flow;
}

/* A block that can only end the frame: no way on, not even a handler. */
static inline int
ends_frame(const struct TcRecFlow *flow, uint32_t b)
{
    return flow->succ_at[b] == flow->succ_at[b + 1];
}

static int
block_uncovered(const struct TcRecFlow *flow, const TcRecCode *rc, uint32_t b)
{
    for (uint32_t k = flow->line_at[b]; k < flow->line_at[b + 1]; k++) {
        uint32_t bit = flow->line_bit[k];
        uint8_t mask = (uint8_t)(1u << (bit % 8));
        if ((rc->line_want[bit / 8] & mask)
            && !(rc->line_seen[bit / 8] & mask)) {
            return 1;
        }
    }
    return 0;
}

/* Backwards over the layout: most edges go forwards, so a pass or two more
 * than the loops' nesting settles it. */
static void
propagate(const struct TcRecFlow *flow, uint8_t *reach)
{
    uint32_t n = flow->n_blocks;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (uint32_t b = n; b-- > 0;) {
            if (reach[b]) {
                continue;
            }
            for (uint32_t k = flow->succ_at[b]; k < flow->succ_at[b + 1]; k++) {
                if (reach[flow->succ[k]]) {
                    reach[b] = 1;
                    changed = 1;
                    break;
                }
            }
        }
    }
}

/* reach[b]: a line still to cover is in block b or in one it leads to;
 * live[b]: the same without the blocks that end the frame (deferred). */
static void
compute_reach(struct TcRecFlow *flow, TcRecCode *rc)
{
    uint32_t n = flow->n_blocks;
    flow->left_at = rc->lines_left;
    flow->stale_events = 0;
    /* A line left to cover that no block holds (dis and the interpreter's
     * line numbers disagreeing): it could run anywhere, trace everything. */
    for (uint32_t i = 0; i < rc->line_span / 8; i++) {
        if (rc->line_want[i] & ~rc->line_seen[i] & ~flow->mapped[i]) {
            memset(flow->reach, 1, n);
            memset(flow->live, 1, n);
            return;
        }
    }
    for (uint32_t b = 0; b < n; b++) {
        flow->reach[b] = (uint8_t)block_uncovered(flow, rc, b);
        flow->live[b] = flow->reach[b] && !(flow->defer && ends_frame(flow, b));
    }
    propagate(flow, flow->reach);
    if (!flow->defer) {
        memcpy(flow->live, flow->reach, n);
        return;
    }
    propagate(flow, flow->live);
    if (rc->lines_left > 0) {
        rc->flags |= TC_REC_CODE_LINES_AT_EXIT;
        if (!flow->live[0]) {
            rc->flags |= TC_REC_CODE_LINES_EXIT_ONLY;
        }
    }
}

/* The block holding byte offset `off`. */
static uint32_t
block_of(const struct TcRecFlow *flow, uint32_t off)
{
    uint32_t lo = 0, hi = flow->n_blocks;   /* start[lo] <= off < start[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (flow->start[mid] <= off) {
            lo = mid;
        }
        else {
            hi = mid;
        }
    }
    return lo;
}

/* The byte offset of the instruction the frame stands on (the one whose
 * line is being reported). */
static uint32_t
frame_offset(PyFrameObject *frame)
{
#if PY_VERSION_HEX >= 0x030B0000
    int lasti = _PyInterpreterFrame_LASTI(frame->f_frame);
    return lasti > 0 ? (uint32_t)lasti * 2 : 0;
#elif PY_VERSION_HEX >= 0x030A0000
    return frame->f_lasti > 0 ? (uint32_t)frame->f_lasti * 2 : 0;
#else
    return frame->f_lasti > 0 ? (uint32_t)frame->f_lasti : 0;
#endif
}

int
tc_rec_line_flow_done(TcRecCode *rc, PyFrameObject *frame, int exit_seen)
{
    struct TcRecFlow *flow = rc->flow;
    if (flow == NULL) {
        if (rc->flow_failed || flow_blocks == NULL || rc->lines_left == 0
            || ++rc->line_events < TC_REC_FLOW_AFTER) {
            return 0;
        }
        /* dis may let another thread run: it must not read the flow of
         * this code at the same time, and a new recording may have
         * renewed the entry meanwhile. */
        uint64_t generation = rc->generation;
        rc->flow_failed = 1;
        PyCodeObject *code = PyFrame_GetCode(frame);
        flow = flow_new(rc, (PyObject *)code);
        Py_DECREF(code);
        if (flow == NULL || rc->generation != generation) {
            tc_rec_line_flow_free(flow);
            return 0;
        }
#if PY_VERSION_HEX >= 0x030B0000
        flow->defer = tc_rec_eval_hook_active()
                      && !(rc->flags & TC_REC_CODE_GENLIKE);
#endif
        rc->flow = flow;
        rc->flow_failed = 0;
        compute_reach(flow, rc);
    }
    else if (flow->left_at != rc->lines_left
             && ++flow->stale_events >= TC_REC_FLOW_RECOMPUTE) {
        compute_reach(flow, rc);
    }
    const uint8_t *reach = exit_seen ? flow->live : flow->reach;
    if (reach[block_of(flow, frame_offset(frame))]) {
        return 0;
    }
#if PY_VERSION_HEX < 0x030B0000
    /* The handlers this frame has pushed already (try, with). */
    for (int i = 0; i < frame->f_iblock; i++) {
        int handler = frame->f_blockstack[i].b_handler;
        if (handler < 0) {
            continue;   /* an except block being run */
        }
#if PY_VERSION_HEX >= 0x030A0000
        handler *= 2;   /* in instructions on 3.10 */
#endif
        if (flow->reach[block_of(flow, (uint32_t)handler)]) {
            return 0;
        }
    }
#endif
    return 1;
}

#if PY_VERSION_HEX >= 0x030B0000

/* The frame ended on the instruction at `last` with an exception: the
 * second half of a superinstruction ran too when it is the one that
 * failed (the eval loop leaves prev_instr on the first half; a trace
 * function, which runs them unspecialized, is told the second's line). */
static int
second_half_ran(_PyInterpreterFrame *f, PyCodeObject *code, int last)
{
    _Py_CODEUNIT unit = _PyCode_CODE(code)[last];
    switch (_Py_OPCODE(unit)) {
    case LOAD_CONST__LOAD_FAST:
    case STORE_FAST__LOAD_FAST:
        return 1;   /* the first half cannot fail */
    case LOAD_FAST__LOAD_FAST: {
        int oparg = _Py_OPARG(unit);
        if (last > 0 && _Py_OPCODE(_PyCode_CODE(code)[last - 1]) == EXTENDED_ARG) {
            oparg |= _Py_OPARG(_PyCode_CODE(code)[last - 1]) << 8;
        }
        return oparg < code->co_nlocalsplus && f->localsplus[oparg] != NULL;
    }
    default:
        return 0;
    }
}

#endif

/* The eval hook's exit of a frame of `code` (its frame is the thread's
 * current one): if it ended inside a block that can only end the frame,
 * the lines from the block's start to the instruction it ended on ran. */
void
tc_rec_line_flow_exit(TcRecCode *rc, PyObject *code, int unwound)
{
#if PY_VERSION_HEX >= 0x030B0000
    struct TcRecFlow *flow = rc->flow;
    if (flow == NULL || !flow->defer || rc->lines_left == 0
        || !tc_rec_line_trace_usable()) {
        return;
    }
    _PyInterpreterFrame *f = PyThreadState_Get()->cframe->current_frame;
    if (f == NULL || (PyObject *)f->f_code != code) {
        return;
    }
    PyCodeObject *co = (PyCodeObject *)code;
    int last = _PyInterpreterFrame_LASTI(f);
    if (last <= co->_co_firsttraceable) {
        return;
    }
    uint32_t b = block_of(flow, (uint32_t)last * 2);
    if (!ends_frame(flow, b) || !block_uncovered(flow, rc, b)) {
        return;
    }
    /* RESUME and what precedes it report no line. */
    int first = (int)(flow->start[b] / 2);
    if (first <= co->_co_firsttraceable) {
        first = co->_co_firsttraceable + 1;
    }
    if (unwound && last + 1 < (int)(Py_SIZE(co)) && second_half_ran(f, co, last)) {
        last++;
    }
    /* An instruction's caches and EXTENDED_ARGs carry its line.  Each
     * lookup is O(1): the code was traced (its flow is read from the trace
     * function), so CPython built its line array. */
    for (int u = first; u <= last; u++) {
        int line = PyCode_Addr2Line(co, u * (int)sizeof(_Py_CODEUNIT));
        if (line > 0) {
            tc_rec_line_hit(rc, line);
        }
    }
#else
    (void)rc;
    (void)code;
    (void)unwound;
#endif
}

#endif

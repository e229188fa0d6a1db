/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-sampler.c — sample mode: a C thread that ticks at
 * sample_rate_hz and has the Python stack of every thread (recorder
 * threads excluded) recorded as one TcStackSample per thread.  Samples are
 * batched per thread, and the writer thread writes full batches as SAMPLES
 * frames; no call hooks run in this mode.
 *
 * A tick is a pending call (Py_AddPendingCall): the thread running Python
 * takes the samples itself at its next eval-breaker check, so sampling
 * costs no hand-over of the GIL (two context switches per sample when the
 * sampler thread took it, up to 1 000 times a second).  When that call has
 * not run by the tick after next (the main thread waits in C with the GIL
 * released, e.g. in sleep, I/O or a join while other threads run), the
 * sampler thread takes the GIL and samples directly.  All batch state is
 * touched with the GIL held only.
 *
 * A sample is cheap (docs/PERFORMANCE.md, "session 4: sample mode"): the
 * frames are read from the interpreter's frame records (tc-recorder-stack.c:
 * no frame objects), each code's id comes from its co_extra slot, and the
 * line of each (code, instruction) from a cache, not from the code's line
 * table.
 */
#include "tc-recorder.h"

#include <signal.h>
#include <string.h>

#define TC_REC_SAMPLE_DEPTH 128
#define TC_REC_SAMPLE_BATCH 256
#define TC_REC_SAMPLE_THREADS 32

/* A thread's samples on their way to the file.  A full chunk is handed to
 * the writer thread, which encodes and writes it (a few thousand
 * instructions a sample: more than taking it) and keeps it for reuse. */
typedef struct SampleChunk {
    struct SampleChunk *next;
    uint32_t tid;
    size_t n;
    TcStackSample samples[TC_REC_SAMPLE_BATCH];
    TcStackFrame frames[TC_REC_SAMPLE_BATCH * TC_REC_SAMPLE_DEPTH];
} SampleChunk;

typedef struct {
    uint32_t tid;
    SampleChunk *chunk;             /* being filled; GIL held */
} SampleBatch;

static SampleBatch batches[TC_REC_SAMPLE_THREADS];
static size_t n_batches;

/* Under tc_rec.lock: full chunks in the order they filled, and written
 * ones for reuse. */
static SampleChunk *handed_head, *handed_tail;
static SampleChunk *spare;

static void
write_chunk_locked(SampleChunk *c)
{
    if (c->n > 0 && tc_rec.writer != NULL) {
        tc_writer_write_samples(tc_rec.writer, c->tid, c->samples, c->n);
    }
    c->n = 0;
}

void
tc_rec_sampler_write_locked(void)
{
    while (handed_head != NULL) {
        SampleChunk *c = handed_head;
        handed_head = c->next;
        write_chunk_locked(c);
        c->next = spare;
        spare = c;
    }
    handed_tail = NULL;
}

/* Hands the batch's full chunk over and takes an empty one. */
static void
hand_over(SampleBatch *b)
{
    SampleChunk *c = b->chunk;
    pthread_mutex_lock(&tc_rec.lock);
    SampleChunk *fresh = spare;
    if (fresh != NULL) {
        spare = fresh->next;
    }
    pthread_mutex_unlock(&tc_rec.lock);
    if (fresh == NULL) {
        fresh = malloc(sizeof(SampleChunk));
    }
    pthread_mutex_lock(&tc_rec.lock);
    if (fresh == NULL) {
        /* Out of memory: written here, after what was handed before. */
        tc_rec_sampler_write_locked();
        write_chunk_locked(c);
    }
    else {
        c->next = NULL;
        if (handed_tail != NULL) {
            handed_tail->next = c;
        }
        else {
            handed_head = c;
        }
        handed_tail = c;
        fresh->n = 0;
        fresh->tid = b->tid;
        b->chunk = fresh;
    }
    pthread_mutex_unlock(&tc_rec.lock);
}

static SampleBatch *
batch_for(uint32_t tid)
{
    for (size_t i = 0; i < n_batches; i++) {
        if (batches[i].tid == tid) {
            return &batches[i];
        }
    }
    if (n_batches == TC_REC_SAMPLE_THREADS) {
        return NULL;
    }
    SampleBatch *b = &batches[n_batches];
    b->chunk = malloc(sizeof(SampleChunk));
    if (b->chunk == NULL) {
        return NULL;
    }
    b->chunk->n = 0;
    b->chunk->tid = tid;
    b->tid = tid;
    n_batches++;
    return b;
}

/* The recorder's thread of each sampled thread state, so a sample costs no
 * lookup in threading (tc_rec_thread_for_ident asks it for the name):
 * dropped after a tick that did not see its state (a new thread may reuse
 * both the state's memory and the ident).  A thread threading does not
 * know yet (seen while its start was registering it) is asked about again
 * after 1, 2, 4 … ticks, at most every TC_REC_RENAME_TICKS: soon enough
 * for a thread that starts, without a call into Python on every tick for
 * a thread that threading never knows (a C library's). */
#define TC_REC_RENAME_TICKS 256

typedef struct {
    PyThreadState *ts;
    unsigned long ident;
    TcRecThread *t;
    uint64_t tick;
    uint64_t rename_at;
    uint32_t rename_every;
} KnownThread;

static KnownThread known[TC_REC_SAMPLE_THREADS];
static size_t n_known;
static uint64_t tick;

/* The entry of `ts` when it is known; calls nothing. */
static KnownThread *
known_of(PyThreadState *ts)
{
    for (size_t i = 0; i < n_known; i++) {
        KnownThread *k = &known[i];
        if (k->ts == ts && k->ident == ts->thread_id) {
            k->tick = tick;
            return k;
        }
    }
    return NULL;
}

static int
rename_due(const KnownThread *k)
{
    return !k->t->named && !k->t->ignored && tick >= k->rename_at;
}

/* Calls into Python: the recorder's thread of `ts` (thread `ident`) the
 * first time, or threading asked for the name of known thread `k` again.
 * `ts` is only kept for comparisons: it may be gone by the return. */
static TcRecThread *
thread_slow(PyThreadState *ts, unsigned long ident, KnownThread *k)
{
    if (k != NULL) {
        TcRecThread *t = k->t;
        if (k->rename_every < TC_REC_RENAME_TICKS) {
            k->rename_every *= 2;
        }
        k->rename_at = tick + k->rename_every;
        tc_rec_thread_try_name(t);
        return t;
    }
    TcRecThread *t = tc_rec_thread_for_ident(ident, 0, "", 0);
    if (t == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if (n_known < TC_REC_SAMPLE_THREADS) {
        known[n_known++] = (KnownThread){ts, ident, t, tick, tick + 1, 1};
    }
    return t;
}

static void
forget_unseen_threads(int complete)
{
    if (!complete) {
        tick++;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n_known; i++) {
        if (known[i].tick == tick) {
            known[k++] = known[i];
        }
    }
    n_known = k;
    tick++;
}

/* Lines by (code id, instruction offset).  PyCode_Addr2Line reads the
 * code's line table from its start (a module's or a long function's code:
 * thousands of instructions for one frame), and most frames of a sample
 * are where the last sample found them.  Direct-mapped; GIL held. */
#define TC_REC_LINE_CACHE 4096

typedef struct {
    uint32_t code_id;               /* 0: empty (ids start at 1) */
    int32_t offset;
    uint32_t line;
} LineEntry;

static LineEntry line_cache[TC_REC_LINE_CACHE];

static uint32_t
line_of(PyCodeObject *code, uint32_t code_id, int offset)
{
    uint32_t h = code_id * 0x9E3779B1u ^ (uint32_t)offset * 0x85EBCA77u;
    LineEntry *e = &line_cache[h >> 20];
    if (e->code_id != code_id || e->offset != offset) {
        e->code_id = code_id;
        e->offset = offset;
        e->line = (uint32_t)PyCode_Addr2Line(code, offset);
    }
    return e->line;
}

/* Frames read per sample: room for the kept depth and skipped frames. */
#define TC_REC_RAW_DEPTH (2 * TC_REC_SAMPLE_DEPTH)

/* Interns the codes of `raw` this recording has not seen, into `rcs`
 * (NULL where that failed).  Interning calls into Python, which may run
 * other threads and end their calls: the caller holds each code. */
static void
intern_codes(TcRecRawFrame *raw, TcRecCode **rcs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rcs[i] == NULL) {
            rcs[i] = tc_rec_code_lookup(raw[i].code);
            if (rcs[i] == NULL) {
                PyErr_Clear();
            }
        }
    }
}

/* With the GIL held: one sample of thread state `ts`.  Returns 1 when it
 * called into Python (a thread or a code seen the first time): other
 * threads may have run meanwhile. */
static int
sample_thread(PyThreadState *ts, uint64_t now)
{
    /* Read first: nothing is called before the frames are copied. */
    TcRecRawFrame raw[TC_REC_RAW_DEPTH];
    size_t n = tc_rec_stack_read(ts, raw, TC_REC_RAW_DEPTH);
    if (n == 0) {
        return 0;   /* no Python frames (a C thread between its calls) */
    }
    unsigned long ident = ts->thread_id;
    TcRecCode *rcs[TC_REC_RAW_DEPTH];
    int missing = 0;
    for (size_t i = 0; i < n; i++) {
        rcs[i] = tc_rec_code_cached((PyObject *)raw[i].code);
        missing |= rcs[i] == NULL;
    }
    KnownThread *k = known_of(ts);
    int slow_thread = k == NULL || rename_due(k);
    int called = missing || slow_thread;
    if (called) {
        /* Held until the lines are read: the calls into Python may let
         * the thread end these frames. */
        for (size_t i = 0; i < n; i++) {
            Py_INCREF(raw[i].code);
        }
    }
    if (missing) {
        intern_codes(raw, rcs, n);
    }
    TcRecThread *t = slow_thread ? thread_slow(ts, ident, k) : k->t;
    SampleBatch *b = NULL;
    if (t != NULL && !t->ignored) {
        b = batch_for(t->tid);
    }
    /* A full batch is rare: the batches are flushed after each tick. */
    SampleChunk *c = b != NULL ? b->chunk : NULL;
    if (c != NULL && c->n < TC_REC_SAMPLE_BATCH) {
        TcStackFrame *stack = c->frames + c->n * TC_REC_SAMPLE_DEPTH;
        uint32_t depth = 0;
        for (size_t i = 0; i < n && depth < TC_REC_SAMPLE_DEPTH; i++) {
            if (rcs[i] == NULL || (rcs[i]->flags & TC_REC_CODE_SKIP)) {
                continue;
            }
            stack[depth].code_id = rcs[i]->code_id;
            stack[depth].line = line_of(raw[i].code, rcs[i]->code_id,
                                        raw[i].offset);
            depth++;
        }
        if (depth > 0) {
            c->samples[c->n].time_ns = now;
            c->samples[c->n].stack = stack;
            c->samples[c->n].n_stack = depth;
            c->n++;
        }
    }
    if (called) {
        for (size_t i = 0; i < n; i++) {
            Py_DECREF(raw[i].code);
        }
    }
    return called;
}

/* The sampler thread's own thread state, kept for its whole life (a
 * fresh one per fallback tick would be created before the GIL is taken,
 * and the main thread's tick would find it). */
static PyThreadState *sampler_ts;

/* With the GIL held: one sample of every thread but the sampler's, then
 * the full batches written.  A call into Python may let other threads run
 * and end, which frees their thread states: the walk over them stops
 * there, and the threads after it are sampled from the next tick on. */
static void
sample_all(void)
{
    /* A call into Python during the sampler thread's tick may let the
     * main thread run its queued tick: one at a time (GIL held for both
     * the test and the set). */
    static int sampling;
    if (sampling || !atomic_load(&tc_rec.sampler_live)
        || !atomic_load(&tc_rec.active)) {
        return;
    }
    sampling = 1;
    uint64_t now = tc_rec_now();
    PyThreadState *self = PyThreadState_Get();
    PyInterpreterState *interp = PyThreadState_GetInterpreter(self);
    PyThreadState *t = PyInterpreterState_ThreadHead(interp);
    for (; t != NULL; t = PyThreadState_Next(t)) {
        if (t != sampler_ts && sample_thread(t, now)) {
            break;
        }
    }
    forget_unseen_threads(t == NULL);
    for (size_t i = 0; i < n_batches; i++) {
        if (batches[i].chunk->n == TC_REC_SAMPLE_BATCH) {
            hand_over(&batches[i]);
        }
    }
    sampling = 0;
}

/* Set by the sampler thread when it queues a tick, cleared when the tick
 * runs: at most one is queued. */
static _Atomic int tick_queued;

/* The pending call: runs in the interpreter's main thread, GIL held; the
 * running thread is sampled too. */
static int
pending_tick(void *unused)
{
    sample_all();
    atomic_store(&tick_queued, 0);
    return 0;
}

static void *
sampler_main(void *data)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    long period_ns = (long)(1e9 / (tc_rec.sample_rate_hz > 0
                                   ? tc_rec.sample_rate_hz : 1000.0));
    if (period_ns < 100000) {
        period_ns = 100000;
    }
    PyGILState_STATE gil = PyGILState_Ensure();
    sampler_ts = PyThreadState_Get();
    PyThreadState *ts = PyEval_SaveThread();
    /* Ticks on a fixed schedule: the wait for the GIL (up to the switch
     * interval) is part of the period, not added to it, or 1 kHz would
     * be ~500 Hz.  A tick missed by more than a period is skipped, not
     * made up in a burst. */
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    int missed = 0;
    while (!atomic_load(&tc_rec.sampler_stop)) {
        next.tv_nsec += period_ns;
        while (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        struct timespec now_ts;
        clock_gettime(CLOCK_MONOTONIC, &now_ts);
        if ((now_ts.tv_sec - next.tv_sec) * 1000000000L
            + (now_ts.tv_nsec - next.tv_nsec) > period_ns) {
            next = now_ts;
        }
        else {
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        }
        if (atomic_load(&tc_rec.sampler_stop)) {
            break;
        }
        if (!atomic_exchange(&tick_queued, 1)) {
            missed = 0;
            if (Py_AddPendingCall(pending_tick, NULL) < 0) {
                atomic_store(&tick_queued, 0);   /* queue full: no tick */
            }
            continue;
        }
        /* The last tick has not run.  Once is likely a main thread that
         * was not on a CPU (a loaded machine): it runs the tick soon, and
         * taking the GIL now would take a second sample and two context
         * switches.  Twice: nobody runs Python in the main thread (it
         * waits in C, or another thread runs), so the sampler takes the
         * GIL and samples itself. */
        if (++missed < 2) {
            continue;
        }
        PyEval_RestoreThread(ts);
        if (!atomic_load(&tc_rec.sampler_stop)
            && atomic_load(&tick_queued)) {
            sample_all();
        }
        ts = PyEval_SaveThread();
    }
    PyEval_RestoreThread(ts);
    sampler_ts = NULL;
    PyGILState_Release(gil);
    return NULL;
}

int
tc_rec_sampler_start(double rate_hz)
{
    tc_rec.sample_rate_hz = rate_hz;
    atomic_store(&tc_rec.sampler_stop, 0);
    atomic_store(&tick_queued, 0);
    /* Code ids start again with each recording. */
    memset(line_cache, 0, sizeof(line_cache));
    atomic_store(&tc_rec.sampler_live, 1);
    if (pthread_create(&tc_rec.sampler_thread, NULL, sampler_main, NULL)
        != 0) {
        return -1;
    }
    tc_rec.sampler_running = 1;
    return 0;
}

void
tc_rec_sampler_stop(void)
{
    if (!tc_rec.sampler_running) {
        return;
    }
    /* Called with the GIL held, so no tick runs meanwhile; a tick still
     * queued finds sampler_live off and does nothing. */
    atomic_store(&tc_rec.sampler_live, 0);
    atomic_store(&tc_rec.sampler_stop, 1);
    Py_BEGIN_ALLOW_THREADS
    pthread_join(tc_rec.sampler_thread, NULL);
    Py_END_ALLOW_THREADS
    tc_rec.sampler_running = 0;
    pthread_mutex_lock(&tc_rec.lock);
    tc_rec_sampler_write_locked();
    for (size_t i = 0; i < n_batches; i++) {
        write_chunk_locked(batches[i].chunk);
        free(batches[i].chunk);
    }
    while (spare != NULL) {
        SampleChunk *c = spare;
        spare = c->next;
        free(c);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    n_batches = 0;
    n_known = 0;
}

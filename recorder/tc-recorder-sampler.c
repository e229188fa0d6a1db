/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-sampler.c — sample mode: a C thread that ticks at
 * sample_rate_hz and has the Python stack of every thread (recorder
 * threads excluded) recorded as one TcStackSample per thread.  Samples are
 * batched per thread and written as SAMPLES frames; no call hooks run in
 * this mode.
 *
 * A tick is a pending call (Py_AddPendingCall): the thread running Python
 * takes the samples itself at its next eval-breaker check, so sampling
 * costs no hand-over of the GIL (two context switches per sample when the
 * sampler thread took it, up to 1 000 times a second).  When that call has
 * not run by the next tick (the main thread waits in C with the GIL
 * released, e.g. in sleep or I/O), the sampler thread takes the GIL, which
 * is then free, and samples directly.  All batch state is touched with the
 * GIL held only.
 */
#include "tc-recorder.h"

#include <signal.h>
#include <string.h>

#define TC_REC_SAMPLE_DEPTH 128
#define TC_REC_SAMPLE_BATCH 256
#define TC_REC_SAMPLE_THREADS 32

typedef struct {
    uint32_t tid;
    size_t n;
    TcStackSample samples[TC_REC_SAMPLE_BATCH];
    TcStackFrame *frames;       /* TC_REC_SAMPLE_BATCH × TC_REC_SAMPLE_DEPTH */
} SampleBatch;

static SampleBatch batches[TC_REC_SAMPLE_THREADS];
static size_t n_batches;

static void
flush_batch(SampleBatch *b)
{
    if (b->n == 0) {
        return;
    }
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        tc_writer_write_samples(tc_rec.writer, b->tid, b->samples, b->n);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    b->n = 0;
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
    b->frames = malloc(sizeof(TcStackFrame) * TC_REC_SAMPLE_BATCH
                       * TC_REC_SAMPLE_DEPTH);
    if (b->frames == NULL) {
        return NULL;
    }
    b->tid = tid;
    b->n = 0;
    n_batches++;
    return b;
}

/* The recorder's thread of each sampled thread state, so a sample costs no
 * lookup in threading (tc_rec_thread_for_ident asks it for the name):
 * kept once the thread is named, dropped after a tick that did not see its
 * state (a new thread may reuse both the state's memory and the ident). */
typedef struct {
    PyThreadState *ts;
    unsigned long ident;
    TcRecThread *t;
    uint64_t tick;
} KnownThread;

static KnownThread known[TC_REC_SAMPLE_THREADS];
static size_t n_known;
static uint64_t tick;

static TcRecThread *
thread_of(PyThreadState *ts)
{
    for (size_t i = 0; i < n_known; i++) {
        if (known[i].ts == ts && known[i].ident == ts->thread_id) {
            known[i].tick = tick;
            return known[i].t;
        }
    }
    TcRecThread *t = tc_rec_thread_for_ident(ts->thread_id, 0, "", 0);
    if (t == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if ((t->named || t->ignored) && n_known < TC_REC_SAMPLE_THREADS) {
        known[n_known++] = (KnownThread){ts, ts->thread_id, t, tick};
    }
    return t;
}

static void
forget_unseen_threads(void)
{
    size_t k = 0;
    for (size_t i = 0; i < n_known; i++) {
        if (known[i].tick == tick) {
            known[k++] = known[i];
        }
    }
    n_known = k;
    tick++;
}

/* With the GIL held: one sample of thread state `ts`. */
static void
sample_thread(PyThreadState *ts, uint64_t now)
{
    TcRecThread *t = thread_of(ts);
    if (t == NULL) {
        return;
    }
    if (t->ignored) {
        return;
    }
    SampleBatch *b = batch_for(t->tid);
    if (b == NULL) {
        return;
    }
    if (b->n == TC_REC_SAMPLE_BATCH) {
        /* Rare: the batches are flushed after each tick when full. */
        return;
    }
    TcStackFrame *stack = b->frames + b->n * TC_REC_SAMPLE_DEPTH;
    uint32_t depth = 0;
#if PY_VERSION_HEX >= 0x03090000
    PyFrameObject *f = PyThreadState_GetFrame(ts);
#else
    PyFrameObject *f = ts->frame;
    Py_XINCREF(f);
#endif
    while (f != NULL && depth < TC_REC_SAMPLE_DEPTH) {
        PyCodeObject *code = PyFrame_GetCode(f);
        TcRecCode *rc = tc_rec_code_lookup(code);
        if (rc == NULL) {
            PyErr_Clear();
        }
        else if (!(rc->flags & TC_REC_CODE_SKIP)) {
            stack[depth].code_id = rc->code_id;
            stack[depth].line = (uint32_t)PyFrame_GetLineNumber(f);
            depth++;
        }
        Py_DECREF(code);
        PyFrameObject *back = PyFrame_GetBack(f);
        Py_DECREF(f);
        f = back;
    }
    Py_XDECREF(f);
    if (depth == 0) {
        return;
    }
    b->samples[b->n].time_ns = now;
    b->samples[b->n].stack = stack;
    b->samples[b->n].n_stack = depth;
    b->n++;
}

/* With the GIL held: one sample of every thread but `skip`, then the full
 * batches written. */
static void
sample_all(PyThreadState *skip)
{
    if (!atomic_load(&tc_rec.sampler_live) || !atomic_load(&tc_rec.active)) {
        return;
    }
    uint64_t now = tc_rec_now();
    PyThreadState *self = PyThreadState_Get();
    PyInterpreterState *interp = PyThreadState_GetInterpreter(self);
    for (PyThreadState *t = PyInterpreterState_ThreadHead(interp);
         t != NULL; t = PyThreadState_Next(t)) {
        if (t != skip) {
            sample_thread(t, now);
        }
    }
    forget_unseen_threads();
    for (size_t i = 0; i < n_batches; i++) {
        if (batches[i].n == TC_REC_SAMPLE_BATCH) {
            flush_batch(&batches[i]);
        }
    }
}

/* Set by the sampler thread when it queues a tick, cleared when the tick
 * runs: at most one is queued. */
static _Atomic int tick_queued;

/* The pending call: runs in the interpreter's main thread, GIL held; the
 * running thread is sampled too. */
static int
pending_tick(void *unused)
{
    sample_all(NULL);
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
    /* Ticks on a fixed schedule: the wait for the GIL (up to the switch
     * interval) is part of the period, not added to it, or 1 kHz would
     * be ~500 Hz.  A tick missed by more than a period is skipped, not
     * made up in a burst. */
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
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
            if (Py_AddPendingCall(pending_tick, NULL) < 0) {
                atomic_store(&tick_queued, 0);   /* queue full: no tick */
            }
            continue;
        }
        /* The last tick has not run: nobody is running Python. */
        PyGILState_STATE gil = PyGILState_Ensure();
        if (!atomic_load(&tc_rec.sampler_stop)) {
            sample_all(PyThreadState_Get());
        }
        PyGILState_Release(gil);
    }
    return NULL;
}

int
tc_rec_sampler_start(double rate_hz)
{
    tc_rec.sample_rate_hz = rate_hz;
    atomic_store(&tc_rec.sampler_stop, 0);
    atomic_store(&tick_queued, 0);
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
    for (size_t i = 0; i < n_batches; i++) {
        flush_batch(&batches[i]);
        free(batches[i].frames);
    }
    n_batches = 0;
    n_known = 0;
}

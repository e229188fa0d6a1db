/* SPDX-License-Identifier: MIT
 *
 * tc-recorder.h — private state shared by the files of timecapsule._recorder.
 *
 * One recording at a time per process.  Everything reachable from the hooks
 * is plain C: the hot path is a few stores into the calling thread's event
 * buffer.  The writer (tc-recorder-writer.c) owns the TcWriter and is the only
 * code that calls into libtc-format; every caller takes `tc_rec.lock` first.
 *
 * The file follows PEP 7 (CPython's C style), as DESIGN.md asks for the
 * recorder.
 */
#ifndef TC_RECORDER_H
#define TC_RECORDER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "tc-format.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TC_REC_HAVE_TSC 1
#else
#define TC_REC_HAVE_TSC 0
#endif

/* The hooks read two thread-locals per event: the initial-exec model makes
 * that a plain %fs-relative load instead of a __tls_get_addr call (the
 * variables are small, so the static TLS surplus holds them even though the
 * extension is dlopen'ed). */
#define TC_REC_TLS __attribute__((tls_model("initial-exec")))

#define TC_REC_BUFFER_EVENTS 16384   /* 256 KiB per busy thread's buffer */
#define TC_REC_FIRST_BUFFER_EVENTS 512  /* 8 KiB: most threads stay small */
#define TC_REC_FIRST_OPEN_CALLS 64      /* open-call stack, grows by doubling */
#define TC_REC_MAX_PATTERNS 64

/* Per-code state, kept in the code object's extra slot so the hook finds it
 * with one load.  `generation` says which recording interned it: a code
 * object seen by an earlier recording is interned again in the new file. */
enum {
    TC_REC_CODE_TRACKED = 1 << 0,   /* locals, lines, aggregates */
    TC_REC_CODE_SKIP = 1 << 1,      /* no events at all (recorder, calls="tracked") */
    TC_REC_CODE_GENLIKE = 1 << 2,   /* generator, coroutine, async generator */
    TC_REC_CODE_TRACED = 1 << 3,    /* @tc.trace: call/return callbacks */
    TC_REC_CODE_LINES_DONE = 1 << 4,  /* 3.12+: every line covered, LINE off next */
    TC_REC_CODE_FINGERPRINT = 1 << 5, /* tracked: REPEATED_CALL still counting */
    TC_REC_CODE_RETVALS = 1 << 6,   /* tracked: return values still stored */
    /* (1 << 7 … 1 << 9: coverage, below) */
    TC_REC_CODE_FP_GAP = 1 << 10,   /* tracked: REPEATED_CALL between windows */
};

/* Calls whose entry the hooks' fast path hands to the slow one (the rest
 * of a tracked call is a depth counter). */
#define TC_REC_CODE_SLOW_ENTER (TC_REC_CODE_SKIP | TC_REC_CODE_TRACED \
                                | TC_REC_CODE_LINES_DONE \
                                | TC_REC_CODE_FINGERPRINT)
#define TC_REC_CODE_SLOW_RETURN (TC_REC_CODE_TRACED | TC_REC_CODE_RETVALS)

#define TC_REC_FP_SLOTS 16
/* Arguments known only by identity that one fingerprint may hold
 * (tc-recorder-call-values.c): each is kept as a weak reference. */
#define TC_REC_FP_PINS 2

typedef struct {
    uint64_t generation;
    uint32_t code_id;
    uint32_t file_index;            /* into tc_rec.files */
    uint32_t flags;                 /* TC_REC_CODE_* */
    int32_t depth;                  /* open calls of this code (all threads) */
    int32_t max_depth;
    uint32_t n_calls;
    uint32_t n_fingerprinted;
    uint32_t n_return_values;
    uint8_t warned_depth;
    uint8_t warned_repeat;
    uint64_t fp_hash[TC_REC_FP_SLOTS];
    uint32_t fp_count[TC_REC_FP_SLOTS];
    uint32_t fp_tag[TC_REC_FP_SLOTS];   /* fp_hash's high halves */
    uint32_t fp_weakest;            /* first slot of the lowest count */
    /* NULL, or TC_REC_FP_SLOTS x TC_REC_FP_PINS weak references (or NULL):
     * the identity-only arguments of each slot's fingerprint. */
    PyObject **fp_pins;
    uint32_t fp_skip;               /* calls left in the gap before a window */
    uint16_t fp_window_left;        /* fingerprints left in this window */
    uint8_t fp_window_matched;      /* a fingerprint matched in it */
    uint8_t fp_gap_log;             /* the next gap: window << this */
    uint8_t fp_busy;                /* a fingerprint of this code is being taken */
    /* 3.12+ coverage: a line that CPython reaches again from the same line
     * never calls back, so its LINE instrumentation would stay forever;
     * once every line is covered the code's LINE events are switched off. */
    uint32_t first_line;
    uint32_t lines_left;            /* 0: not counted (no LINE, no memory) */
    uint32_t line_span;             /* bits in line_seen: lines from first_line */
    uint8_t *line_seen;             /* covered lines (malloc'd, any length) */
    uint8_t *line_want;             /* the lines coverage can report */
    /* 3.8-3.11: the control flow that tells a frame none of its lines left
     * to cover can run any more (tc-recorder-line-flow.c), read once the
     * code had TC_REC_FLOW_AFTER line events. */
    struct TcRecFlow *flow;
    uint32_t line_events;
    uint8_t flow_failed;            /* no flow: unreadable, or being read */
} TcRecCode;

/* An open call: its exit finds the code entry here instead of looking the
 * code up again.  `code` is only compared, never dereferenced. */
typedef struct {
    PyObject *code;
    TcRecCode *rc;
} TcRecOpen;

/* Per-thread state, found through thread-local storage.  The fields the
 * hooks touch on every event come first (one cache line). */
typedef struct TcRecThread {
    int slow;                       /* ignored || !named: hooks' slow path */
    uint32_t depth;                 /* open calls recorded on this thread */
    uint32_t open_cap;
    TcRecOpen *open;                /* open[depth - 1]: the newest open call */
    TcEvent *buf;
    size_t cap;                     /* events buf holds */
    _Atomic size_t len;             /* stored by the owner with release */
    struct TcRecThread *next;
    uint32_t tid;
    unsigned long ident;            /* threading.get_ident() */
    uint64_t native_id;
    int ignored;                    /* a recorder thread: no events */
    size_t consumed;                /* writer side, under tc_rec.lock */
    uint64_t last_time;
    uint64_t last_written_ns;       /* writer side: converted times */
    /* The THREAD frame is written lazily, once the name is known (on 3.12+
     * a new thread's first events come before threading registers it) or
     * before anything refers to the thread id. */
    char name[96];
    uint32_t flags;
    int named;
    int defined;
    int exited;                     /* gone for Python and the kernel */
} TcRecThread;

/* A full buffer waiting for the writer. */
typedef struct TcRecPending {
    struct TcRecPending *next;
    uint32_t tid;
    TcEvent *buf;
    size_t start;
    size_t len;
} TcRecPending;

typedef struct {
    uint32_t file_id;
    int tracked;
    uint32_t n_lines;               /* capacity of hits */
    uint32_t *hits;                 /* coverage hits per line since the last drain */
    int dirty;
} TcRecFile;

typedef struct {
    /* Set once per recording, read by the hooks. */
    uint64_t generation;
    _Atomic int active;             /* hooks record events */
    /* The hooks' fast path runs on a thread whose generation equals this:
     * the generation while `active` with the TSC as the clock, else
     * TC_REC_NO_FAST_PATH (no thread's), so one compare stands for three.
     * Set with `active` (tc_rec_active_store). */
    uint64_t fast_generation;
    int backend;                    /* TC_REC_BACKEND_* */
    int calls_tracked_only;
    int want_lines;
    uint64_t start_ns;              /* CLOCK_MONOTONIC of the file start */
    unsigned long main_ident;

    /* Guards the writer, the thread list, pending buffers, metrics buffer. */
    pthread_mutex_t lock;
    TcWriter *writer;
    int writer_failed;
    TcRecThread *threads;
    TcRecPending *pending_head, *pending_tail;
    uint32_t next_tid;
    uint32_t next_code_id;
    uint32_t next_file_id;
    uint32_t next_var_id;
    uint32_t next_metric_id;
    uint64_t n_events;
    uint64_t n_snapshots;
    uint64_t n_dropped;

    /* Files, by index (file ids are index + 1). */
    TcRecFile *files;
    uint32_t n_files, cap_files;

    /* Python-side interning tables (created at open, cleared at close). */
    PyObject *file_map;             /* filename -> file index (int) */
    PyObject *var_map;              /* (code_id, name) -> var id */
    PyObject *metric_map;           /* name -> metric id */
    PyObject *counter_map;          /* name -> counter id */
    PyObject *warn_callback;        /* callable(code, message, var) */
    PyObject *trace_callback;       /* callable(event, frame, value) */
    PyObject *traced_codes;         /* set of code objects under @tc.trace */
    /* A subprocess child records from before its __main__ runs: the paths
     * its main module may run from (a set, or NULL), and the first
     * "<module>" code of one of them that ran (the stop snapshot shows its
     * variables). */
    PyObject *main_paths;
    PyObject *main_code;
    PyObject *disable;              /* sys.monitoring.DISABLE */
    PyObject *set_local_events;     /* sys.monitoring.set_local_events */
    int line_event;                 /* sys.monitoring.events.LINE */

    /* Include / exclude globs and the tracked source file. */
    char *src;
    char *own_dir;                  /* the timecapsule package: never recorded */
    char *include[TC_REC_MAX_PATTERNS];
    int n_include;
    char *exclude[TC_REC_MAX_PATTERNS];
    int n_exclude;
    int embed_source;

    /* Return values: bounded. */
    uint32_t n_return_values;

    /* Buffered metric points. */
    TcMetricPoint *metric_points;
    size_t n_metric_points, cap_metric_points;

    /* Writer thread. */
    pthread_t writer_thread;
    int writer_running;
    int writer_stop;
    pthread_cond_t writer_cond;
    uint32_t flush_interval_ms;
    uint64_t last_system_ns;

    /* Event clock: the invariant TSC where the CPU has one (a few cycles
     * instead of a clock_gettime call per event); events hold raw ticks
     * until the writer converts them to ns against CLOCK_MONOTONIC. */
    int use_tsc;
    uint64_t tsc0;
    uint64_t tsc0_ns;
    double ns_per_tick;

    uint64_t recorder_native[8];
    int n_recorder_native;

    /* Sampler (sample mode). */
    pthread_t sampler_thread;
    int sampler_running;
    _Atomic int sampler_stop;
    _Atomic int sampler_live;   /* ticks may sample (GIL held to change) */
    double sample_rate_hz;
} TcRecState;

enum {
    TC_REC_BACKEND_NONE = 0,
    TC_REC_BACKEND_MONITORING = 1,
    TC_REC_BACKEND_PROFILE = 2,
    TC_REC_BACKEND_SAMPLE = 3,
};

/* Hidden: the hooks reach them without a GOT load. */
extern TcRecState tc_rec __attribute__((visibility("hidden")));
extern Py_ssize_t tc_rec_extra_index __attribute__((visibility("hidden")));

#define TC_REC_NO_FAST_PATH UINT64_MAX

/* Hooks on or off; the fast path's generation follows (the generation and
 * the clock change only while the hooks are off). */
static inline void
tc_rec_active_store(int on)
{
    atomic_store(&tc_rec.active, on);
    tc_rec.fast_generation = on && tc_rec.use_tsc ? tc_rec.generation
                                                  : TC_REC_NO_FAST_PATH;
}

/* Clock. */
static inline uint64_t
tc_rec_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return now > tc_rec.start_ns ? now - tc_rec.start_ns : 0;
}

/* Time stamp of an event: raw TSC ticks or ns (see tc_rec.use_tsc). */
static inline uint64_t
tc_rec_event_time(void)
{
#if TC_REC_HAVE_TSC
    if (tc_rec.use_tsc) {
        return __rdtsc();
    }
#endif
    return tc_rec_now();
}

/* CPython's holder of the co_extra slots (Objects/codeobject.c, the same
 * from 3.8 to 3.13).  Reading it directly saves the API call, whose
 * interpreter-state lookup goes through __tls_get_addr: ~30 instructions on
 * every event. */
typedef struct {
    Py_ssize_t ce_size;
    void *ce_extras[1];
} TcCodeExtra;

/* The code's entry if this recording interned it already, else NULL (then
 * tc_rec_code_lookup interns it).  Calls nothing. */
static inline TcRecCode *
tc_rec_code_cached(PyObject *code)
{
#if PY_VERSION_HEX < 0x030E0000
    const TcCodeExtra *ex = ((PyCodeObject *)code)->co_extra;
    if (ex != NULL && tc_rec_extra_index < ex->ce_size) {
        TcRecCode *rc = ex->ce_extras[tc_rec_extra_index];
        if (rc != NULL && rc->generation == tc_rec.generation) {
            return rc;
        }
    }
#else
    void *extra = NULL;
    if (PyUnstable_Code_GetExtra(code, tc_rec_extra_index, &extra) == 0
        && extra != NULL
        && ((TcRecCode *)extra)->generation == tc_rec.generation) {
        return extra;
    }
#endif
    return NULL;
}

/* tc-recorder-intern.c */
TcRecCode *tc_rec_code_lookup(PyCodeObject *code);
void tc_rec_code_release(TcRecCode *rc);          /* what a code entry owns */       /* interns on first sight; NULL on error */
TcRecThread *tc_rec_thread_current(void);                 /* creates on first sight */
/* The running thread's record, valid while tc_rec_tls_generation equals
 * the recording's generation (set together by tc_rec_thread_current). */
extern __thread TcRecThread *tc_rec_tls_thread TC_REC_TLS;
extern __thread uint64_t tc_rec_tls_generation TC_REC_TLS;
TcRecThread *tc_rec_thread_for_ident(unsigned long ident, uint64_t native_id,
                                     const char *name, uint32_t flags);
void tc_rec_thread_ignore_current(void);
void tc_rec_thread_define_locked(TcRecThread *t);
void tc_rec_thread_try_name(TcRecThread *t);
int tc_rec_var_id(uint32_t code_id, PyObject *name, uint32_t *out);
int tc_rec_metric_id(PyObject *name, uint32_t *out);
int tc_rec_counter_id(const char *name, const char *unit, uint32_t *out);
void tc_rec_intern_reset(void);
const char *tc_rec_counter_name(uint32_t id);

/* Compatibility with 3.8 and 3.9. */
#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
Py_NewRef(PyObject *obj)
{
    Py_INCREF(obj);
    return obj;
}
#endif

#if PY_VERSION_HEX < 0x03090000
static inline PyCodeObject *
PyFrame_GetCode(PyFrameObject *frame)
{
    Py_INCREF(frame->f_code);
    return frame->f_code;
}

static inline PyInterpreterState *
PyThreadState_GetInterpreter(PyThreadState *ts)
{
    return ts->interp;
}

static inline PyFrameObject *
PyFrame_GetBack(PyFrameObject *frame)
{
    Py_XINCREF(frame->f_back);
    return frame->f_back;
}
#endif
int tc_rec_path_tracked(const char *path, int *skip);

/* tc-recorder-hooks.c */
int tc_rec_hooks_install(PyObject *module, int backend);
void tc_rec_hooks_remove(void);
void tc_rec_events_close_open_calls(void);
void tc_rec_event_push(TcRecThread *t, uint32_t kind, uint32_t code_id);
extern PyMethodDef tc_rec_hook_methods[];
int tc_rec_hooks_add_callbacks(PyObject *module);

#if PY_VERSION_HEX >= 0x030C0000
/* tc-recorder-callback.c: a callable with its own vectorcall slot. */
extern PyTypeObject TcRecCallback_Type;
PyObject *tc_rec_callback_new(const char *name, vectorcallfunc fn);
#endif
/* Entry points for the PEP 523 hook: the kind is decided, the frame is the
 * thread's current one.  tc_rec_hook_enter returns 1 for code never recorded.
 * The hook tries tc_rec_fast_enter/_leave (tc-recorder-fast-path.h) first. */
int tc_rec_hook_enter(PyObject *code, uint32_t kind);
void tc_rec_hook_leave(PyObject *code, uint32_t kind, PyObject *retval);

/* tc-recorder-call-values.c: what the hooks read from arguments and return
 * values, running none of the program's code.  The fingerprint's frame may
 * be NULL on 3.11/3.12: the thread's current (interpreter) frame. */
typedef struct {
    uint64_t hash;
    int n_pins;
    PyObject *pins[TC_REC_FP_PINS];   /* borrowed: the call's arguments */
} TcRecFingerprint;
void tc_rec_call_values_init(void);
/* -1: the call has no fingerprint (it cannot be told apart safely). */
int tc_rec_call_fingerprint(PyCodeObject *code, PyFrameObject *frame,
                            TcRecFingerprint *out);
void tc_rec_code_fp_pins_free(TcRecCode *rc);
void tc_rec_return_value_record(TcRecThread *t, TcRecCode *rc,
                                PyObject *value);
void tc_rec_call_values_set_redaction(PyObject *value_fn, PyObject *text_fn,
                                      PyObject *needles);

/* tc-recorder-eval-hook.c: the 3.9-3.11 full-mode hook (0 from install:
 * use PyEval_SetProfile). */
int tc_rec_eval_hook_usable(void);
int tc_rec_eval_hook_install(void);
void tc_rec_eval_hook_remove(void);
int tc_rec_eval_hook_active(void);

/* tc-recorder-line-trace.c: coverage.  The shared "a line ran" bookkeeping
 * (3.12+ LINE callbacks, the 3.8-3.11 trace function) and, on 3.8-3.11, a
 * C trace function installed on a thread only while a frame of tracked code
 * with uncovered lines runs (tc_rec_line_trace_state() says it is wanted). */
#define TC_REC_CODE_LINES_WANTED (1u << 7)   /* 3.8-3.11: lines left to cover */
/* 3.11 under the eval hook (tc-recorder-line-flow.c): the code has lines
 * left to cover in blocks that can only end the frame, which the hook's
 * exit credits (AT_EXIT); EXIT_ONLY: all its lines left are there, so its
 * frames start untraced. */
#define TC_REC_CODE_LINES_AT_EXIT (1u << 8)
#define TC_REC_CODE_LINES_EXIT_ONLY (1u << 9)
void tc_rec_line_hit(TcRecCode *rc, long line);
TcRecCode *tc_rec_code_find(PyObject *code);              /* hooks.c: the fast lookup */
PyObject *tc_rec_line_trace_owner(PyObject *self, PyObject *unused);
#if PY_VERSION_HEX < 0x030C0000
void tc_rec_line_trace_switch(TcRecThread *t, int on);
void tc_rec_line_trace_return(PyFrameObject *frame);
void tc_rec_line_trace_activate(int on);
/* Whether the line trace function is wanted on the running thread: the
 * recording's generation while it is, anything else (0, an older
 * recording's) when not, so one load and compare answer it on every call
 * and a new recording starts with every thread off. */
extern __thread uint64_t tc_rec_tls_lines TC_REC_TLS;
static inline int
tc_rec_line_trace_state(void)
{
    return tc_rec_tls_lines == tc_rec.generation;
}
void tc_rec_line_trace_restore(int on);

/* tc-recorder-line-flow.c: 1 when no line of `rc` left to cover can run in
 * the rest of `frame` (its trace function can go); `exit_seen`: the eval
 * hook will see the frame's exit (tc_rec_line_flow_exit credits the lines
 * of a block that ends it). */
int tc_rec_line_flow_done(TcRecCode *rc, PyFrameObject *frame, int exit_seen);
void tc_rec_line_flow_exit(TcRecCode *rc, PyObject *code, int unwound);
int tc_rec_line_trace_usable(void);
void tc_rec_line_flow_prepare(void);
#endif
void tc_rec_line_flow_free(struct TcRecFlow *flow);

/* tc-recorder-writer.c */
int tc_rec_writer_start(void);
void tc_rec_clock_init(void);
void tc_rec_writer_stop(void);
void tc_rec_drain_locked(void);                           /* write buffered events */

/* tc-recorder-buffers.c: full-size event buffers, recycled (under the lock) */
TcRecPending *tc_rec_buffers_take_locked(void);   /* ->buf: a free buffer */
void tc_rec_buffers_give_back_locked(TcRecPending *p);   /* written */
void tc_rec_buffers_free_locked(void);
uint64_t tc_rec_buffers_allocated_locked(void);   /* this recording */
void tc_rec_fatal_signals_install(void);
void tc_rec_fatal_signals_remove(void);

/* tc-recorder-signal-watch.c */
int tc_rec_signal_watch(int signum);                      /* main thread */
void tc_rec_signal_handled(void);
void tc_rec_signal_watch_tick(void);                      /* writer thread */
void tc_rec_signal_watch_after_fork(void);                /* pthread_atfork */
void tc_rec_signal_watch_resend_in_child(void);          /* after CPython's */

/* tc-recorder-system.c */
size_t tc_rec_system_sample(TcCounterValue *out, size_t cap);   /* under lock */
/* The same from a Python call (GIL held, under lock): also leaves out
 * threads that have ended for Python but not yet for the kernel.
 * gpu_flags: TC_REC_GPU_WAIT or 0 (tc-recorder-gpu.c). */
size_t tc_rec_system_sample_python(TcCounterValue *out, size_t cap,
                                   unsigned int gpu_flags);
void tc_rec_system_reset(void);
int tc_rec_system_define_counters(void);                  /* under lock */
/* Appends name = value (when value ≥ 0 and there is room). */
void tc_rec_counter_put(TcCounterValue *out, size_t cap, size_t *n,
                        const char *name, double value);

/* tc-recorder-gpu.c (under lock) */
void tc_rec_gpu_reset(void);
/* NVML starts on a thread of its own at the first record(); the GPU's
 * counters wait for it, and so does fork_prepare (tc_rec_gpu_wait): no
 * recorder thread may be running at fork. */
void tc_rec_gpu_start(void);
int tc_rec_gpu_wait(void);   /* 1 once NVML's start has finished */
enum {
    TC_REC_GPU_WAIT = 1,   /* for NVML's start, if it is under way */
    TC_REC_GPU_LOOK = 2,   /* for the device holding this process's memory
                            * (a list of processes a device: the writer) */
};
void tc_rec_gpu_sample(TcCounterValue *out, size_t cap, size_t *n,
                       unsigned int flags);
/* The counter a torch.cuda number from the Python side is recorded as, or
 * NULL for a name that is not one of them. */
const char *tc_rec_gpu_python_counter(const char *name);
/* NVML's counters from torch's device, with this UUID (torch's spelling,
 * without nvidia-smi's "GPU-"/"MIG-"), from now on: 1 when NVML has it, or
 * may (it has not started yet). */
int tc_rec_gpu_follow(const char *uuid);

/* tc-recorder-values.c: PyObject -> TcValue (encoded into an arena of encoders). */
typedef struct {
    TcEncoder *encs;
    size_t n, cap;
} TcRecScratch;
void tc_rec_scratch_init(TcRecScratch *s);
void tc_rec_scratch_free(TcRecScratch *s);
void tc_rec_value_from_object(TcRecScratch *s, PyObject *obj, TcValue *out);
TcStr tc_rec_str(PyObject *obj);                          /* borrowed UTF-8 view; "" on error */

/* tc-recorder-safe-repr.c: a repr running none of the program's code, at
 * most `limit` bytes of UTF-8 plus "…" when cut (*cut set); keeps a
 * pending exception. */
PyObject *tc_rec_safe_repr(PyObject *obj, size_t limit, int *cut);
/* The attribute summary of a numpy array or scalar, a pandas frame or
 * series, a torch tensor (str), or None for any other object: what a
 * snapshot shows for one inside a container too, where repr() would run
 * the library's formatting (a CUDA tensor's copies it to the host). */
#define TC_REC_SUMMARY_BYTES 500
PyObject *tc_rec_library_summary(PyObject *obj);
/* tc-recorder-safe-collections.c: finds the collections module's classes
 * (when the recorder is imported). */
void tc_rec_safe_collections_init(void);
/* A Counter's first `n` items in most_common()'s order, as a list of
 * (key, count) pairs, picked in one pass in C; None when a count is not an
 * int, bool or float. */
PyObject *tc_rec_most_common(PyObject *counter, Py_ssize_t n);

/* tc-recorder-own-call.c: own_call(fn, *args, **kwargs), the API's code
 * run with no hook called on its thread (METH_FASTCALL | METH_KEYWORDS). */
PyObject *tc_rec_own_call(PyObject *self, PyObject *const *args,
                          Py_ssize_t nargs, PyObject *kwnames);

/* tc-recorder-stack.c: a thread's Python stack as the sampler reads it,
 * innermost first, without making frame objects.  GIL held; calls
 * nothing, so the frames cannot change while it reads.  `offset` is the
 * byte offset of the frame's current instruction, as PyCode_Addr2Line
 * takes it. */
typedef struct {
    PyCodeObject *code;             /* borrowed from the frame */
    int offset;
} TcRecRawFrame;

size_t tc_rec_stack_read(PyThreadState *ts, TcRecRawFrame *out, size_t cap);

/* tc-recorder-sampler.c */
int tc_rec_sampler_start(double rate_hz);
void tc_rec_sampler_stop(void);
void tc_rec_sampler_write_locked(void);   /* the writer: full sample chunks */

/* tc-recorder-timer.c: the snapshot timer (a C thread, invisible to
 * threading) calling `callback` with the GIL every interval. */
int tc_rec_timer_start(double interval_s, PyObject *callback);
int tc_rec_timer_stop(double wait_s, int join_idle);
int tc_rec_timer_running(void);
/* Timer threads that have not ticked yet: alive, not recorder threads of
 * the recording (they are defined at their first tick). */
int tc_rec_timer_threads_outside(void);
void tc_rec_timer_forget(void);

PyMODINIT_FUNC PyInit__recorder(void);

#endif /* TC_RECORDER_H */

/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-module.c — timecapsule._recorder: the module and the
 * functions the Python package calls (open/close a recording, write
 * snapshots, metrics, warnings, marks and crashes).  The hooks are in
 * tc-recorder-hooks.c.  Everything that touches the writer takes
 * tc_rec.lock; nothing here calls Python code while holding it.
 */
#include "tc-recorder.h"

#include <errno.h>
#include <string.h>

TcRecState tc_rec = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .writer_cond = PTHREAD_COND_INITIALIZER,
    .fast_generation = TC_REC_NO_FAST_PATH,
};
Py_ssize_t tc_rec_extra_index = -1;

static void
free_code_extra(void *extra)
{
    if (extra != NULL) {
        tc_rec_code_release(extra);
    }
    free(extra);
}

/* ---- helpers */

static char *
dup_utf8(PyObject *obj)
{
    if (obj == NULL || obj == Py_None) {
        return NULL;
    }
    const char *s = PyUnicode_AsUTF8(obj);
    return s ? strdup(s) : NULL;
}

static int
load_patterns(PyObject *seq, char **out, int *n)
{
    *n = 0;
    if (seq == NULL || seq == Py_None) {
        return 0;
    }
    PyObject *fast = PySequence_Fast(seq, "patterns must be a sequence");
    if (fast == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast)
                           && *n < TC_REC_MAX_PATTERNS; i++) {
        char *p = dup_utf8(PySequence_Fast_GET_ITEM(fast, i));
        if (p == NULL) {
            Py_DECREF(fast);
            return -1;
        }
        out[(*n)++] = p;
    }
    Py_DECREF(fast);
    return 0;
}

static void
free_patterns(char **p, int *n)
{
    for (int i = 0; i < *n; i++) {
        free(p[i]);
    }
    *n = 0;
}

static PyObject *
raise_tc_error(const TcError *error, const char *path)
{
    if (error->code == TC_ERR_EXISTS) {
        errno = EEXIST;
        return PyErr_SetFromErrnoWithFilename(PyExc_FileExistsError, path);
    }
    if (error->code == TC_ERR_IO && error->sys_errno != 0) {
        errno = error->sys_errno;
        return PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
    }
    return PyErr_Format(PyExc_OSError, "timecapsule: %s: %s", path,
                        error->message[0] ? error->message
                                          : tc_status_to_string(error->code));
}

static int
lookup_code_id(PyObject *code, uint32_t *out)
{
    if (!PyCode_Check(code)) {
        PyErr_SetString(PyExc_TypeError, "expected a code object");
        return -1;
    }
    TcRecCode *rc = tc_rec_code_lookup((PyCodeObject *)code);
    if (rc == NULL) {
        return -1;
    }
    *out = rc->code_id;
    return 0;
}

/* ---- open / close */

static void
clear_tables(void)
{
    Py_CLEAR(tc_rec.file_map);
    Py_CLEAR(tc_rec.var_map);
    Py_CLEAR(tc_rec.metric_map);
    Py_CLEAR(tc_rec.counter_map);
    free(tc_rec.src);
    tc_rec.src = NULL;
    free(tc_rec.own_dir);
    tc_rec.own_dir = NULL;
    free_patterns(tc_rec.include, &tc_rec.n_include);
    free_patterns(tc_rec.exclude, &tc_rec.n_exclude);
}

static void
free_threads_locked(void)
{
    TcRecThread *t = tc_rec.threads;
    while (t != NULL) {
        TcRecThread *next = t->next;
        free(t->buf);
        free(t->open);
        free(t);
        t = next;
    }
    tc_rec.threads = NULL;
    for (uint32_t i = 0; i < tc_rec.n_files; i++) {
        free(tc_rec.files[i].hits);
    }
    free(tc_rec.files);
    tc_rec.files = NULL;
    tc_rec.n_files = tc_rec.cap_files = 0;
    free(tc_rec.metric_points);
    tc_rec.metric_points = NULL;
    tc_rec.n_metric_points = tc_rec.cap_metric_points = 0;
}

/* record(flush_every=N): every N snapshots the file is flushed from the
 * snapshot's own thread (0: only the writer's timed flush), so after a
 * kill -9 the file holds every snapshot up to the last multiple of N even
 * when the timed flush has not come yet.  Under tc_rec.lock. */
static uint32_t flush_every;
static uint32_t snapshots_unflushed;

static PyObject *
rec_open(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static const char *kwlist[] = {"path", "items", "session_id", "producer", "src",
                             "own_dir", "include", "exclude", "calls_tracked",
                             "embed_source", "want_lines",
                             "flush_interval_ms", "main_ident", "flush_every",
                             NULL};
    const char *path, *session_id, *producer;
    PyObject *items, *src, *own_dir, *include, *exclude;
    int calls_tracked = 0, embed_source = 1, want_lines = 0;
    unsigned int flush_ms = 500, every_n = 0;
    unsigned long main_ident = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sOssOOOO|pppIkI", (char **)kwlist,
                                     &path, &items, &session_id, &producer,
                                     &src, &own_dir, &include, &exclude,
                                     &calls_tracked, &embed_source,
                                     &want_lines, &flush_ms, &main_ident,
                                     &every_n)) {
        return NULL;
    }
    if (tc_rec.writer != NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "timecapsule: a recording is already open");
        return NULL;
    }
    clear_tables();
    tc_rec.src = dup_utf8(src);
    tc_rec.own_dir = dup_utf8(own_dir);
    if (load_patterns(include, tc_rec.include, &tc_rec.n_include) < 0
        || load_patterns(exclude, tc_rec.exclude, &tc_rec.n_exclude) < 0) {
        clear_tables();
        return NULL;
    }
    tc_rec.file_map = PyDict_New();
    tc_rec.var_map = PyDict_New();
    tc_rec.metric_map = PyDict_New();
    tc_rec.counter_map = PyDict_New();
    if (!tc_rec.file_map || !tc_rec.var_map || !tc_rec.metric_map
        || !tc_rec.counter_map) {
        clear_tables();
        return NULL;
    }

    TcWriterOptions options = {.session_id = session_id,
                               .producer = producer};
    TcError error;
    memset(&error, 0, sizeof(error));
    TcWriter *writer;
    Py_BEGIN_ALLOW_THREADS
    writer = tc_writer_open(path, &options, &error);
    Py_END_ALLOW_THREADS
    if (writer == NULL) {
        clear_tables();
        return raise_tc_error(&error, path);
    }

    /* Session metadata. */
    PyObject *fast = PySequence_Fast(items, "items must be a sequence");
    if (fast == NULL) {
        tc_writer_abandon(writer);
        clear_tables();
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    TcKeyValue *kv = calloc(n ? n : 1, sizeof(TcKeyValue));
    for (Py_ssize_t i = 0; kv != NULL && i < n; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            continue;
        }
        kv[i].key = tc_rec_str(PyTuple_GET_ITEM(pair, 0));
        kv[i].value = tc_rec_str(PyTuple_GET_ITEM(pair, 1));
    }

    pthread_mutex_lock(&tc_rec.lock);
    tc_rec.generation++;
    tc_rec.writer = writer;
    tc_rec.writer_failed = 0;
    tc_rec.start_ns = tc_writer_start_monotonic_ns(writer);
    tc_rec_clock_init();
    tc_rec.calls_tracked_only = calls_tracked;
    tc_rec.embed_source = embed_source;
    tc_rec.want_lines = want_lines;
    tc_rec.flush_interval_ms = flush_ms ? flush_ms : 500;
    flush_every = every_n;
    snapshots_unflushed = 0;
    tc_rec.main_ident = main_ident ? main_ident : PyThread_get_thread_ident();
    tc_rec.next_tid = tc_rec.next_code_id = tc_rec.next_file_id = 0;
    tc_rec.next_var_id = tc_rec.next_metric_id = 0;
    tc_rec.n_events = tc_rec.n_snapshots = tc_rec.n_dropped = 0;
    tc_rec.n_return_values = 0;
    tc_rec.n_recorder_native = 0;
    tc_rec.pending_head = tc_rec.pending_tail = NULL;
    tc_rec_intern_reset();
    tc_rec_system_reset();
    TcSession session = {.items = kv, .n_items = kv ? (uint32_t)n : 0};
    tc_writer_write_session(writer, 0, &session);
    tc_rec_system_define_counters();
    tc_writer_flush(writer, false);
    pthread_mutex_unlock(&tc_rec.lock);
    free(kv);
    Py_DECREF(fast);

    if (tc_rec_writer_start() < 0) {
        PyErr_SetString(PyExc_RuntimeError,
                        "timecapsule: cannot start the writer thread");
        return NULL;
    }
    tc_rec_fatal_signals_install();
    Py_RETURN_NONE;
}

static void forget_deferred_restart(void);

static PyObject *
rec_close(PyObject *self, PyObject *args)
{
    int exit_status = 0;
    unsigned int flags = 0;
    if (!PyArg_ParseTuple(args, "|iI", &exit_status, &flags)) {
        return NULL;
    }
    forget_deferred_restart();
    Py_CLEAR(tc_rec.main_paths);
    Py_CLEAR(tc_rec.main_code);
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    tc_rec_active_store(0);
    tc_rec_sampler_stop();
    tc_rec_events_close_open_calls();
    tc_rec_writer_stop();
    tc_rec_fatal_signals_remove();

    TcError error;
    memset(&error, 0, sizeof(error));
    TcStatus status;
    PyObject *stats;
    pthread_mutex_lock(&tc_rec.lock);
    tc_rec_drain_locked();
    TcCounterValue values[16];
    size_t nv = tc_rec_system_sample_python(values, 16, TC_REC_GPU_WAIT);
    if (nv > 0) {
        tc_writer_write_system(tc_rec.writer, tc_rec_now(), values, nv);
    }
    TcEndFixed end = {
        .n_events = tc_rec.n_events,
        .n_snapshots = tc_rec.n_snapshots,
        .n_dropped = tc_rec.n_dropped,
        .exit_status = exit_status,
        .flags = flags,
    };
    TcWriter *writer = tc_rec.writer;
    tc_rec.writer = NULL;
    uint64_t n_events = tc_rec.n_events, n_snapshots = tc_rec.n_snapshots;
    uint64_t n_dropped = tc_rec.n_dropped;
    free_threads_locked();
    tc_rec_buffers_free_locked();
    pthread_mutex_unlock(&tc_rec.lock);

    Py_BEGIN_ALLOW_THREADS
    status = tc_writer_close(writer, &end, &error);
    Py_END_ALLOW_THREADS
    tc_rec.generation++;   /* every interned code is stale now */
    clear_tables();
    if (status != TC_OK) {
        return PyErr_Format(PyExc_OSError, "timecapsule: closing failed: %s",
                            error.message[0] ? error.message
                                             : tc_status_to_string(status));
    }
    stats = Py_BuildValue("{s:K,s:K,s:K}", "events",
                          (unsigned long long)n_events, "snapshots",
                          (unsigned long long)n_snapshots, "dropped",
                          (unsigned long long)n_dropped);
    return stats;
}

/* ---- fork
 *
 * No recorder thread may exist when the process forks: one holding
 * tc_rec.lock (or a lock inside libc) would leave it locked forever in the
 * child, and 3.12+ warns that fork() in a multi-threaded process may
 * deadlock.  fork_prepare stops the writer and the sampler and flushes
 * everything (the Python side stops the timer first), fork_parent starts
 * them again, fork_child drops the parent's file in the child so the
 * Python side can open the child's own.
 *
 * 3.13 counts the threads after the after-fork hooks have run in the
 * parent (3.12 before them), so threads started by a hook make it warn on
 * every fork.  There, a fork from the main thread restarts them from a
 * pending call once the frame that called os.fork() is the running one
 * again: a pending call also runs at the eval-breaker checks of the hooks'
 * own Python code (ours included), and then puts itself back.  Until the
 * restart, buffers that fill are drained by the thread that fills them, as
 * when the writer cannot start.  A fork from another thread restarts them
 * at once: the process has other threads anyway, and the main thread may
 * be blocked. */

static struct {
    int writer;
    int sampler;
    double sample_rate_hz;
    int deferred;          /* a restart waits for the pending call */
    int requeued;          /* times the pending call put itself back */
    PyObject *then;        /* the Python side's restart (the timer) */
    PyObject *caller;      /* the frame that called os.fork() */
} forked;

/* Runs in the child right after fork(), before any Python code: the
 * threading module's own after-fork hook runs Python code that the hooks
 * would otherwise record into the parent's buffers, taking tc_rec.lock
 * (held for ever if a vanished thread had it at fork time: a child hung
 * there on 3.10).  The hooks stay off until fork_child and a new file. */
static void
atfork_child(void)
{
    tc_rec_active_store(0);
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&tc_rec.lock, &fresh, sizeof(fresh));
    tc_rec_signal_watch_after_fork();
}

static PyObject *
rec_fork_prepare(PyObject *self, PyObject *unused)
{
    if (!forked.deferred) {
        /* (A second fork before the deferred restart keeps its flags.) */
        forked.writer = forked.sampler = 0;
    }
    tc_rec_gpu_wait();   /* NVML's start, on a thread of its own */
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    if (tc_rec.sampler_running) {
        forked.sampler = 1;
        forked.sample_rate_hz = tc_rec.sample_rate_hz;
    }
    tc_rec_sampler_stop();
    forked.writer |= tc_rec.writer_running;
    tc_rec_writer_stop();
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        tc_rec_drain_locked();
        tc_writer_flush(tc_rec.writer, false);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    Py_RETURN_NONE;
}

/* Restarts what fork_prepare stopped, then calls `then`; -1 with an
 * exception set if a warning was turned into an error or `then` failed. */
static int
restart_after_fork(PyObject *then)
{
    forked.deferred = 0;
    if (forked.writer && tc_rec.writer != NULL && !tc_rec.writer_running
        && tc_rec_writer_start() < 0) {
        /* Events still reach the file: buffers are drained when they fill
         * and at close. */
        if (PyErr_WarnEx(PyExc_RuntimeWarning,
                         "timecapsule: cannot restart the writer thread", 1) < 0) {
            return -1;
        }
    }
    if (forked.sampler && tc_rec.writer != NULL && !tc_rec.sampler_running
        && tc_rec_sampler_start(forked.sample_rate_hz) < 0) {
        if (PyErr_WarnEx(PyExc_RuntimeWarning,
                         "timecapsule: cannot restart the sampler thread", 1) < 0) {
            return -1;
        }
    }
    if (then != Py_None) {
        PyObject *r = PyObject_CallObject(then, NULL);
        if (r == NULL) {
            return -1;
        }
        Py_DECREF(r);
    }
    return 0;
}

#if PY_VERSION_HEX >= 0x030D0000
/* Whether a Python function called by os.fork() runs (an after-fork
 * hook): the frame that called os.fork() is below the running one. */
static int
inside_fork_hooks(void)
{
    PyFrameObject *top = PyEval_GetFrame();   /* borrowed */
    if (top == NULL || forked.caller == NULL
        || (PyObject *)top == forked.caller) {
        return 0;
    }
    PyFrameObject *f = PyFrame_GetBack(top);
    while (f != NULL && (PyObject *)f != forked.caller) {
        PyFrameObject *back = PyFrame_GetBack(f);
        Py_DECREF(f);
        f = back;
    }
    int found = f != NULL;
    Py_XDECREF(f);
    return found;
}

/* The pending call (main thread, GIL held).  A close or a fork child in
 * between has cleared `deferred`: nothing is left to restart. */
static int
fork_parent_deferred(void *unused)
{
    if (!forked.deferred) {
        return 0;
    }
    /* (Bounded: a hook that loops must not keep the eval breaker set.) */
    if (inside_fork_hooks() && forked.requeued < 10000
        && Py_AddPendingCall(fork_parent_deferred, NULL) == 0) {
        forked.requeued++;
        return 0;
    }
    PyObject *then = forked.then;
    forked.then = NULL;
    Py_CLEAR(forked.caller);
    if (restart_after_fork(then) < 0) {
        PyErr_WriteUnraisable(then);
    }
    Py_DECREF(then);
    return 0;
}
#endif

static void
forget_deferred_restart(void)
{
    forked.deferred = 0;
    Py_CLEAR(forked.then);
    Py_CLEAR(forked.caller);
}

static PyObject *
rec_fork_parent(PyObject *self, PyObject *args)
{
    PyObject *then, *caller = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &then, &caller)) {
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030D0000
    if (tc_rec.writer != NULL && PyFrame_Check(caller)
        && PyThread_get_thread_ident() == tc_rec.main_ident) {
        Py_INCREF(then);
        Py_XSETREF(forked.then, then);
        Py_INCREF(caller);
        Py_XSETREF(forked.caller, caller);
        forked.requeued = 0;
        if (forked.deferred || Py_AddPendingCall(fork_parent_deferred, NULL) == 0) {
            forked.deferred = 1;
            Py_RETURN_NONE;
        }
        forget_deferred_restart();   /* the queue is full: at once, then */
    }
#endif
    if (restart_after_fork(then) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* In the child (or after any fork): the parent's file and every recorder
 * thread are gone from this process; nothing is written to that file. */
static PyObject *
rec_fork_child(PyObject *self, PyObject *unused)
{
    forget_deferred_restart();   /* the parent's */
    tc_rec_active_store(0);
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&tc_rec.lock, &fresh, sizeof(fresh));
    tc_rec.writer_running = 0;
    tc_rec.sampler_running = 0;
    tc_rec_timer_forget();
    if (tc_rec.writer != NULL) {
        tc_writer_abandon(tc_rec.writer);   /* closes our copy of the fd */
        tc_rec.writer = NULL;
    }
    TcRecPending *p = tc_rec.pending_head;
    while (p != NULL) {
        TcRecPending *next = p->next;
        free(p->buf);
        free(p);
        p = next;
    }
    tc_rec.pending_head = tc_rec.pending_tail = NULL;
    free_threads_locked();
    tc_rec_buffers_free_locked();
    tc_rec.generation++;   /* every interned code is stale now */
    clear_tables();
    Py_RETURN_NONE;
}

static PyObject *
rec_set_active(PyObject *self, PyObject *arg)
{
    int on = PyObject_IsTrue(arg);
    if (on < 0) {
        return NULL;
    }
    if (on && tc_rec.writer == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "timecapsule: no open recording");
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    /* Coverage on 3.8-3.11; switched on before the hooks record, as its
     * first use imports timecapsule._flow (the recorder's own calls). */
    if (on) {
        tc_rec_line_trace_activate(1);
    }
    tc_rec_active_store(on);
    if (!on) {
        tc_rec_line_trace_activate(0);
    }
#else
    tc_rec_active_store(on);
#endif
    Py_RETURN_NONE;
}

static PyObject *
rec_set_monitoring(PyObject *self, PyObject *args)
{
    PyObject *disable, *set_local_events;
    int line_event = 0;
    if (!PyArg_ParseTuple(args, "OO|i", &disable, &set_local_events,
                          &line_event)) {
        return NULL;
    }
    tc_rec.line_event = line_event;
    Py_XSETREF(tc_rec.disable, disable == Py_None ? NULL : Py_NewRef(disable));
    Py_XSETREF(tc_rec.set_local_events,
               set_local_events == Py_None ? NULL
                                           : Py_NewRef(set_local_events));
    Py_RETURN_NONE;
}

static PyObject *
rec_set_warn_callback(PyObject *self, PyObject *cb)
{
    Py_XSETREF(tc_rec.warn_callback, cb == Py_None ? NULL : Py_NewRef(cb));
    Py_RETURN_NONE;
}

static PyObject *
rec_set_trace_callback(PyObject *self, PyObject *cb)
{
    Py_XSETREF(tc_rec.trace_callback, cb == Py_None ? NULL : Py_NewRef(cb));
    Py_RETURN_NONE;
}

static PyObject *
rec_eval_hook_active(PyObject *self, PyObject *unused)
{
    return PyBool_FromLong(tc_rec_eval_hook_active());
}

/* set_redaction(value_fn, text_fn, needles=None): how return values are
 * redacted (both None: not at all); see tc-recorder-call-values.c. */
static PyObject *
rec_set_redaction(PyObject *self, PyObject *args)
{
    PyObject *value_fn, *text_fn, *needles = NULL;
    if (!PyArg_ParseTuple(args, "OO|O", &value_fn, &text_fn, &needles)) {
        return NULL;
    }
    tc_rec_call_values_set_redaction(value_fn, text_fn, needles);
    Py_RETURN_NONE;
}

/* expect_main(paths): the program's main module will run from one of
 * these paths (a subprocess child, recorded before its __main__ starts). */
static PyObject *
rec_expect_main(PyObject *self, PyObject *paths)
{
    PyObject *set = PySet_New(paths);
    if (set == NULL) {
        return NULL;
    }
    Py_XSETREF(tc_rec.main_paths, set);
    Py_CLEAR(tc_rec.main_code);
    Py_RETURN_NONE;
}

/* main_code() -> the main module's code seen run since expect_main(), or
 * None. */
static PyObject *
rec_main_code(PyObject *self, PyObject *unused)
{
    return Py_NewRef(tc_rec.main_code != NULL ? tc_rec.main_code : Py_None);
}

/* Mark a code object as traced (kept across recordings). */
static PyObject *
rec_set_traced(PyObject *self, PyObject *code)
{
    if (!PyCode_Check(code)) {
        PyErr_SetString(PyExc_TypeError, "expected a code object");
        return NULL;
    }
    if (tc_rec.traced_codes == NULL) {
        tc_rec.traced_codes = PySet_New(NULL);
        if (tc_rec.traced_codes == NULL) {
            return NULL;
        }
    }
    if (PySet_Add(tc_rec.traced_codes, code) < 0) {
        return NULL;
    }
    if (tc_rec.file_map != NULL) {
        TcRecCode *rc = tc_rec_code_lookup((PyCodeObject *)code);
        if (rc == NULL) {
            return NULL;
        }
        rc->flags |= TC_REC_CODE_TRACED;
    }
    Py_RETURN_NONE;
}

static PyObject *
rec_now_ns(PyObject *self, PyObject *unused)
{
    if (tc_rec.writer == NULL) {
        return PyLong_FromLong(0);
    }
    return PyLong_FromUnsignedLongLong(tc_rec_now());
}

static PyObject *
rec_code_info(PyObject *self, PyObject *code)
{
    if (!PyCode_Check(code)) {
        PyErr_SetString(PyExc_TypeError, "expected a code object");
        return NULL;
    }
    TcRecCode *rc = tc_rec_code_lookup((PyCodeObject *)code);
    if (rc == NULL) {
        return NULL;
    }
    return Py_BuildValue("(IOO)", rc->code_id,
                         (rc->flags & TC_REC_CODE_TRACKED) ? Py_True
                                                            : Py_False,
                         (rc->flags & TC_REC_CODE_SKIP) ? Py_True : Py_False);
}

static PyObject *
rec_ignore_current_thread(PyObject *self, PyObject *unused)
{
    if (tc_rec.writer != NULL) {
        tc_rec_thread_ignore_current();
    }
    Py_RETURN_NONE;
}

static PyObject *
rec_thread_id(PyObject *self, PyObject *args)
{
    unsigned long ident;
    unsigned long long native_id = 0;
    const char *name = "";
    unsigned int flags = 0;
    if (!PyArg_ParseTuple(args, "k|KsI", &ident, &native_id, &name, &flags)) {
        return NULL;
    }
    TcRecThread *t = tc_rec_thread_for_ident(ident, native_id, name, flags);
    if (t == NULL) {
        return NULL;
    }
    return PyLong_FromUnsignedLong(t->tid);
}

/* ---- system samples */

/* Counters from the Python side: torch.cuda's, by the names that
 * tc_rec_gpu_python_counter() knows (plain string literals for the C side
 * to keep). */
static size_t
add_extra_counters(PyObject *extra, TcCounterValue *out, size_t n, size_t cap)
{
    if (extra == NULL || !PyDict_Check(extra)) {
        return n;
    }
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(extra, &pos, &k, &v) && n < cap) {
        const char *name = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
        double value = PyFloat_AsDouble(v);
        if (name == NULL || (value == -1.0 && PyErr_Occurred())) {
            PyErr_Clear();
            continue;
        }
        const char *counter = tc_rec_gpu_python_counter(name);
        uint32_t id;
        if (counter == NULL || tc_rec_counter_id(counter, "MB", &id) != 0) {
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < n; j++) {
            dup |= out[j].counter_id == id;
        }
        if (!dup) {
            out[n].counter_id = id;
            out[n].value = value;
            n++;
        }
    }
    return n;
}

static PyObject *
counters_to_dict(const TcCounterValue *values, size_t n)
{
    PyObject *d = PyDict_New();
    for (size_t i = 0; d != NULL && i < n; i++) {
        PyObject *v = PyFloat_FromDouble(values[i].value);
        if (v == NULL
            || PyDict_SetItemString(d, tc_rec_counter_name(values[i].counter_id),
                                    v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(v);
    }
    return d;
}

static PyObject *
rec_system_sample(PyObject *self, PyObject *args)
{
    PyObject *extra = NULL;
    if (!PyArg_ParseTuple(args, "|O", &extra)) {
        return NULL;
    }
    TcCounterValue values[24];
    size_t n = 0;
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        /* (the baseline of record() and the program's own monitoring:
         * no waiting for NVML) */
        n = tc_rec_system_sample_python(values, 24, 0);
        n = add_extra_counters(extra, values, n, 24);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    return counters_to_dict(values, n);
}

static PyObject *
rec_gpu_follow(PyObject *self, PyObject *args)
{
    const char *uuid;
    if (!PyArg_ParseTuple(args, "s", &uuid)) {
        return NULL;
    }
    pthread_mutex_lock(&tc_rec.lock);
    int found = tc_rec_gpu_follow(uuid);
    pthread_mutex_unlock(&tc_rec.lock);
    return PyBool_FromLong(found);
}

static PyObject *
rec_library_summary(PyObject *self, PyObject *obj)
{
    return tc_rec_library_summary(obj);
}

static PyObject *
rec_most_common(PyObject *self, PyObject *args)
{
    PyObject *counter;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "On", &counter, &n)) {
        return NULL;
    }
    return tc_rec_most_common(counter, n);
}

/* ---- locals, stacks */

typedef struct {
    TcRecScratch scratch;
    PyObject *keep;        /* list of objects whose UTF-8 views we hold */
    void **allocs;
    size_t n_allocs, cap_allocs;
} Build;

static void *
build_alloc(Build *b, size_t size)
{
    if (b->n_allocs == b->cap_allocs) {
        size_t cap = b->cap_allocs ? b->cap_allocs * 2 : 16;
        void **grown = realloc(b->allocs, cap * sizeof(void *));
        if (grown == NULL) {
            return NULL;
        }
        b->allocs = grown;
        b->cap_allocs = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (p != NULL) {
        b->allocs[b->n_allocs++] = p;
    }
    return p;
}

static void
build_init(Build *b)
{
    memset(b, 0, sizeof(*b));
    tc_rec_scratch_init(&b->scratch);
}

static void
build_free(Build *b)
{
    tc_rec_scratch_free(&b->scratch);
    for (size_t i = 0; i < b->n_allocs; i++) {
        free(b->allocs[i]);
    }
    free(b->allocs);
}

/* (code, name, flags, repr, type_name, size, value) tuples. */
static int
build_locals(Build *b, PyObject *seq, TcLocal **out, uint32_t *n_out)
{
    PyObject *fast = PySequence_Fast(seq, "locals must be a sequence");
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    TcLocal *locals = build_alloc(b, sizeof(TcLocal) * n);
    if (locals == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    uint32_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *code, *name, *repr, *type_name, *value;
        unsigned int flags;
        unsigned long long size;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "OOIOOKO",
                              &code, &name, &flags, &repr, &type_name, &size,
                              &value)) {
            Py_DECREF(fast);
            return -1;
        }
        uint32_t code_id, var_id;
        if (lookup_code_id(code, &code_id) < 0
            || tc_rec_var_id(code_id, name, &var_id) < 0) {
            Py_DECREF(fast);
            return -1;
        }
        TcLocal *l = &locals[k++];
        l->var_id = var_id;
        l->flags = flags;
        l->repr = tc_rec_str(repr);
        l->type_name = tc_rec_str(type_name);
        l->size = size;
        if (flags & TC_LOCAL_ERROR) {
            l->value.kind = TC_VALUE_REPR_ONLY;
        }
        else {
            tc_rec_value_from_object(&b->scratch, value, &l->value);
        }
    }
    /* The tuples (and their strings) are owned by `seq`, which the caller
     * keeps alive until the frame is written. */
    Py_DECREF(fast);
    *out = locals;
    *n_out = k;
    return 0;
}

static int
build_stack(Build *b, PyObject *seq, TcStackFrame **out, uint32_t *n_out)
{
    PyObject *fast = PySequence_Fast(seq, "stack must be a sequence");
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    TcStackFrame *stack = build_alloc(b, sizeof(TcStackFrame) * n);
    if (stack == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *code;
        unsigned int line;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "OI", &code,
                              &line)
            || lookup_code_id(code, &stack[i].code_id) < 0) {
            Py_DECREF(fast);
            return -1;
        }
        stack[i].line = line;
    }
    Py_DECREF(fast);
    *out = stack;
    *n_out = (uint32_t)n;
    return 0;
}

static int
build_strs(Build *b, PyObject *seq, TcStr **out, uint32_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (seq == NULL || seq == Py_None) {
        return 0;
    }
    PyObject *fast = PySequence_Fast(seq, "expected a sequence of str");
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    TcStr *strs = build_alloc(b, sizeof(TcStr) * n);
    for (Py_ssize_t i = 0; strs != NULL && i < n; i++) {
        strs[i] = tc_rec_str(PySequence_Fast_GET_ITEM(fast, i));
    }
    Py_DECREF(fast);
    *out = strs;
    *n_out = strs ? (uint32_t)n : 0;
    return 0;
}

static int
build_pairs(Build *b, PyObject *seq, TcKeyValue **out, uint32_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (seq == NULL || seq == Py_None) {
        return 0;
    }
    PyObject *fast = PySequence_Fast(seq, "expected (key, value) pairs");
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    TcKeyValue *kv = build_alloc(b, sizeof(TcKeyValue) * n);
    uint32_t k = 0;
    for (Py_ssize_t i = 0; kv != NULL && i < n; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(fast, i);
        if (PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2) {
            kv[k].key = tc_rec_str(PyTuple_GET_ITEM(pair, 0));
            kv[k].value = tc_rec_str(PyTuple_GET_ITEM(pair, 1));
            k++;
        }
    }
    Py_DECREF(fast);
    *out = kv;
    *n_out = k;
    return 0;
}

static int
build_metrics(Build *b, PyObject *seq, TcMetricValue **out, uint32_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (seq == NULL || seq == Py_None) {
        return 0;
    }
    PyObject *fast = PySequence_Fast(seq, "expected (name, value) pairs");
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    TcMetricValue *mv = build_alloc(b, sizeof(TcMetricValue) * n);
    uint32_t k = 0;
    for (Py_ssize_t i = 0; mv != NULL && i < n; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2
            || !PyUnicode_Check(PyTuple_GET_ITEM(pair, 0))) {
            continue;
        }
        if (tc_rec_metric_id(PyTuple_GET_ITEM(pair, 0), &mv[k].metric_id) < 0) {
            Py_DECREF(fast);
            return -1;
        }
        tc_rec_value_from_object(&b->scratch, PyTuple_GET_ITEM(pair, 1),
                                 &mv[k].value);
        k++;
    }
    Py_DECREF(fast);
    *out = mv;
    *n_out = k;
    return 0;
}

static int
write_status(TcStatus st)
{
    if (st != TC_OK) {
        tc_rec.writer_failed = 1;
    }
    return 0;
}

static PyObject *
rec_write_snapshot(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static const char *kwlist[] = {"index", "kind", "origin_ident", "evt", "label",
                             "tags", "extras", "metrics", "extra_counters",
                             "async_task", "async_coro", "threads", NULL};
    unsigned long long index;
    unsigned int kind;
    unsigned long origin_ident;
    PyObject *evt, *label, *tags, *extras, *metrics, *extra_counters;
    PyObject *async_task, *async_coro, *threads;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "KIkOOOOOOOOO", (char **)kwlist,
                                     &index, &kind, &origin_ident, &evt,
                                     &label, &tags, &extras, &metrics,
                                     &extra_counters, &async_task,
                                     &async_coro, &threads)) {
        return NULL;
    }
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    Build b;
    build_init(&b);
    TcSnapshot s;
    memset(&s, 0, sizeof(s));
    s.index = index;
    s.kind = (TcSnapshotKind)kind;
    s.evt = tc_rec_str(evt);
    s.label = tc_rec_str(label);
    s.async_task = tc_rec_str(async_task);
    s.async_coro = tc_rec_str(async_coro);
    PyObject *result = NULL;
    if (build_strs(&b, tags, &s.tags, &s.n_tags) < 0
        || build_pairs(&b, extras, &s.extras, &s.n_extras) < 0
        || build_metrics(&b, metrics, &s.metrics, &s.n_metrics) < 0) {
        goto out;
    }
    PyObject *fast = PySequence_Fast(threads, "threads must be a sequence");
    if (fast == NULL) {
        goto out;
    }
    Py_ssize_t nt = PySequence_Fast_GET_SIZE(fast);
    s.threads = build_alloc(&b, sizeof(TcThreadCapture) * nt);
    for (Py_ssize_t i = 0; s.threads != NULL && i < nt; i++) {
        unsigned long ident;
        unsigned long long native_id;
        const char *tname;
        unsigned int tflags, locals_depth;
        PyObject *stack, *locals;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "kKsIIOO",
                              &ident, &native_id, &tname, &tflags,
                              &locals_depth, &stack, &locals)) {
            Py_DECREF(fast);
            goto out;
        }
        TcRecThread *t = tc_rec_thread_for_ident(ident, native_id, tname,
                                                 tflags);
        TcThreadCapture *c = &s.threads[s.n_threads];
        if (t == NULL || build_stack(&b, stack, &c->stack, &c->n_stack) < 0
            || build_locals(&b, locals, &c->locals, &c->n_locals) < 0) {
            Py_DECREF(fast);
            goto out;
        }
        c->thread_id = t->tid;
        c->locals_depth = locals_depth;
        s.n_threads++;
    }
    Py_DECREF(fast);
    TcRecThread *origin = tc_rec_thread_for_ident(origin_ident, 0, "", 0);
    if (origin == NULL) {
        goto out;
    }
    s.origin_thread = origin->tid;

    TcCounterValue values[24];
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        /* The program's snapshots have the GPU's counters; record()'s own
         * does not wait for NVML to start. */
        size_t nv = tc_rec_system_sample_python(
            values, 24,
            s.kind != TC_SNAPSHOT_RECORD_START ? TC_REC_GPU_WAIT : 0);
        nv = add_extra_counters(extra_counters, values, nv, 24);
        s.system = values;
        s.n_system = (uint32_t)nv;
        s.time_ns = tc_rec_now();
        write_status(tc_writer_write_snapshot(tc_rec.writer, &s));
        tc_rec.n_snapshots++;
        if (flush_every > 0 && ++snapshots_unflushed >= flush_every) {
            /* The events buffered so far go with it: the flushed file is
             * whole up to this snapshot. */
            snapshots_unflushed = 0;
            tc_rec_drain_locked();
            write_status(tc_writer_flush(tc_rec.writer, false));
        }
    }
    pthread_mutex_unlock(&tc_rec.lock);
    result = counters_to_dict(s.system, s.n_system);
out:
    build_free(&b);
    return result;
}

static PyObject *
rec_metric(PyObject *self, PyObject *args)
{
    PyObject *name, *value;
    if (!PyArg_ParseTuple(args, "UO", &name, &value)) {
        return NULL;
    }
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    uint32_t id;
    if (tc_rec_metric_id(name, &id) < 0) {
        return NULL;
    }
    TcValue v;
    memset(&v, 0, sizeof(v));
    if (PyBool_Check(value)) {
        v.kind = TC_VALUE_BOOL;
        v.b = value == Py_True;
    }
    else if (PyLong_Check(value)) {
        int overflow = 0;
        long long i = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow || (i == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            v.kind = TC_VALUE_FLOAT;
            v.f = PyLong_AsDouble(value);
            PyErr_Clear();
        }
        else {
            v.kind = TC_VALUE_INT;
            v.i = i;
        }
    }
    else if (PyFloat_Check(value)) {
        v.kind = TC_VALUE_FLOAT;
        v.f = PyFloat_AS_DOUBLE(value);
    }
    else {
        PyObject *text = PyObject_Str(value);
        if (text == NULL) {
            return NULL;
        }
        TcStr s = tc_rec_str(text);
        char *copy = malloc(s.len + 1);
        if (copy == NULL) {
            Py_DECREF(text);
            return PyErr_NoMemory();
        }
        memcpy(copy, s.ptr, s.len);
        copy[s.len] = '\0';
        Py_DECREF(text);
        v.kind = TC_VALUE_STR;
        v.s = (TcStr){copy, s.len};
    }
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.n_metric_points == tc_rec.cap_metric_points) {
        size_t cap = tc_rec.cap_metric_points ? tc_rec.cap_metric_points * 2
                                              : 256;
        TcMetricPoint *grown = realloc(tc_rec.metric_points,
                                       cap * sizeof(TcMetricPoint));
        if (grown == NULL) {
            pthread_mutex_unlock(&tc_rec.lock);
            if (v.kind == TC_VALUE_STR) {
                free((void *)v.s.ptr);
            }
            return PyErr_NoMemory();
        }
        tc_rec.metric_points = grown;
        tc_rec.cap_metric_points = cap;
    }
    TcMetricPoint *p = &tc_rec.metric_points[tc_rec.n_metric_points++];
    p->metric_id = id;
    p->time_ns = tc_rec_now();
    p->value = v;
    pthread_mutex_unlock(&tc_rec.lock);
    Py_RETURN_NONE;
}

static PyObject *
rec_write_warning(PyObject *self, PyObject *args)
{
    unsigned long ident;
    unsigned int level;
    PyObject *code, *message, *var, *extras;
    if (!PyArg_ParseTuple(args, "kIOOOO", &ident, &level, &code, &message,
                          &var, &extras)) {
        return NULL;
    }
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    Build b;
    build_init(&b);
    TcWarning w = {
        .level = (TcLevel)level,
        .code = tc_rec_str(code),
        .message = tc_rec_str(message),
        .var = tc_rec_str(var),
    };
    PyObject *result = NULL;
    TcRecThread *t = tc_rec_thread_for_ident(ident, 0, "", 0);
    if (t != NULL && build_pairs(&b, extras, &w.extras, &w.n_extras) == 0) {
        pthread_mutex_lock(&tc_rec.lock);
        if (tc_rec.writer != NULL) {
            write_status(tc_writer_write_warning(tc_rec.writer, t->tid,
                                                 tc_rec_now(), &w));
        }
        pthread_mutex_unlock(&tc_rec.lock);
        result = Py_NewRef(Py_None);
    }
    build_free(&b);
    return result;
}

static PyObject *
rec_write_mark(PyObject *self, PyObject *args)
{
    unsigned long ident;
    unsigned long long time_ns;
    unsigned int kind;
    long long duration_ns;
    PyObject *group, *name, *message;
    if (!PyArg_ParseTuple(args, "kKILOOO", &ident, &time_ns, &kind,
                          &duration_ns, &group, &name, &message)) {
        return NULL;
    }
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    TcRecThread *t = tc_rec_thread_for_ident(ident, 0, "", 0);
    if (t == NULL) {
        return NULL;
    }
    TcMark m = {
        .kind = (TcMarkKind)kind,
        .duration_ns = duration_ns,
        .group = tc_rec_str(group),
        .name = tc_rec_str(name),
        .message = tc_rec_str(message),
    };
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        write_status(tc_writer_write_mark(tc_rec.writer, t->tid, time_ns, &m));
    }
    pthread_mutex_unlock(&tc_rec.lock);
    Py_RETURN_NONE;
}

static PyObject *
rec_write_crash(PyObject *self, PyObject *args)
{
    unsigned long ident;
    PyObject *exc_type, *exc_module, *message, *traceback, *cause, *frames;
    if (!PyArg_ParseTuple(args, "kOOOOOO", &ident, &exc_type, &exc_module,
                          &message, &traceback, &cause, &frames)) {
        return NULL;
    }
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    Build b;
    build_init(&b);
    PyObject *result = NULL;
    TcCrash c = {
        .exc_type = tc_rec_str(exc_type),
        .exc_module = tc_rec_str(exc_module),
        .message = tc_rec_str(message),
        .traceback = tc_rec_str(traceback),
        .cause = tc_rec_str(cause),
    };
    TcRecThread *t = tc_rec_thread_for_ident(ident, 0, "", 0);
    PyObject *fast = t ? PySequence_Fast(frames, "frames must be a sequence")
                       : NULL;
    if (fast == NULL) {
        goto out;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    c.frames = build_alloc(&b, sizeof(TcCrashFrame) * n);
    for (Py_ssize_t i = 0; c.frames != NULL && i < n; i++) {
        PyObject *code, *locals;
        unsigned int line;
        TcCrashFrame *f = &c.frames[i];
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "OIO", &code,
                              &line, &locals)
            || lookup_code_id(code, &f->code_id) < 0
            || build_locals(&b, locals, &f->locals, &f->n_locals) < 0) {
            Py_DECREF(fast);
            goto out;
        }
        f->line = line;
        c.n_frames++;
    }
    Py_DECREF(fast);
    TcCounterValue values[24];
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        c.system = values;
        /* (a crash does not wait for NVML to start) */
        c.n_system = (uint32_t)tc_rec_system_sample_python(values, 24, 0);
        write_status(tc_writer_write_crash(tc_rec.writer, t->tid,
                                           tc_rec_now(), &c));
        tc_writer_flush(tc_rec.writer, false);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    result = Py_NewRef(Py_None);
out:
    build_free(&b);
    return result;
}

/* A second SESSION frame, e.g. final_metric.<name> items at stop. */
static PyObject *
rec_write_session(PyObject *self, PyObject *items)
{
    if (tc_rec.writer == NULL) {
        Py_RETURN_NONE;
    }
    Build b;
    build_init(&b);
    TcKeyValue *kv;
    uint32_t n;
    PyObject *result = NULL;
    if (build_pairs(&b, items, &kv, &n) == 0) {
        TcSession session = {.items = kv, .n_items = n};
        pthread_mutex_lock(&tc_rec.lock);
        if (tc_rec.writer != NULL) {
            write_status(tc_writer_write_session(tc_rec.writer, tc_rec_now(),
                                                 &session));
        }
        pthread_mutex_unlock(&tc_rec.lock);
        result = Py_NewRef(Py_None);
    }
    build_free(&b);
    return result;
}

static PyObject *
rec_flush(PyObject *self, PyObject *unused)
{
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        tc_rec_drain_locked();
        tc_writer_flush(tc_rec.writer, false);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    Py_RETURN_NONE;
}

static PyObject *
rec_sampler_start(PyObject *self, PyObject *args)
{
    double rate;
    if (!PyArg_ParseTuple(args, "d", &rate)) {
        return NULL;
    }
    if (tc_rec_sampler_start(rate) < 0) {
        PyErr_SetString(PyExc_RuntimeError,
                        "timecapsule: cannot start the sampler thread");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
rec_sampler_stop(PyObject *self, PyObject *unused)
{
    tc_rec_sampler_stop();
    Py_RETURN_NONE;
}

static PyObject *
rec_timer_start(PyObject *self, PyObject *args)
{
    double interval;
    PyObject *callback;
    if (!PyArg_ParseTuple(args, "dO", &interval, &callback)) {
        return NULL;
    }
    if (!PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "timer callback must be callable");
        return NULL;
    }
    if (tc_rec_timer_start(interval, callback) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
rec_timer_stop(PyObject *self, PyObject *args)
{
    double wait = 2.0;
    int join_idle = 0;
    if (!PyArg_ParseTuple(args, "|dp", &wait, &join_idle)) {
        return NULL;
    }
    return PyBool_FromLong(tc_rec_timer_stop(wait, join_idle));
}

static PyObject *
rec_stats(PyObject *self, PyObject *unused)
{
    pthread_mutex_lock(&tc_rec.lock);
    unsigned long long buffers = tc_rec_buffers_allocated_locked();
    pthread_mutex_unlock(&tc_rec.lock);
    return Py_BuildValue("{s:K,s:K,s:K,s:O,s:K}", "events",
                         (unsigned long long)tc_rec.n_events, "snapshots",
                         (unsigned long long)tc_rec.n_snapshots, "dropped",
                         (unsigned long long)tc_rec.n_dropped, "open",
                         tc_rec.writer ? Py_True : Py_False,
                         "event_buffers", buffers);
}

static PyObject *
rec_watch_signal(PyObject *self, PyObject *arg)
{
    long signum = PyLong_AsLong(arg);
    if (signum == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (tc_rec_signal_watch((int)signum) != 0) {
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    Py_RETURN_NONE;
}

static PyObject *
rec_resend_signal_in_child(PyObject *self, PyObject *unused)
{
    tc_rec_signal_watch_resend_in_child();
    Py_RETURN_NONE;
}

static PyObject *
rec_signal_handled(PyObject *self, PyObject *unused)
{
    tc_rec_signal_handled();
    Py_RETURN_NONE;
}

static PyMethodDef rec_methods[] = {
    {"open", (PyCFunction)(void (*)(void))rec_open,
     METH_VARARGS | METH_KEYWORDS, "Open a new recording (never clobbers)."},
    {"close", rec_close, METH_VARARGS, "close(exit_status=0, flags=0)"},
    {"fork_prepare", rec_fork_prepare, METH_NOARGS,
     "Before fork: stop the writer and sampler threads, flush."},
    {"fork_parent", rec_fork_parent, METH_VARARGS,
     "fork_parent(then, caller=None): after fork, in the parent: restart "
     "them, then call then() (None: nothing); on 3.13+ in the main thread, "
     "once the frame caller (the one that called os.fork()) runs again."},
    {"fork_child", rec_fork_child, METH_NOARGS,
     "After fork, in the child: drop the parent's file and threads."},
    {"set_active", rec_set_active, METH_O, "Turn event recording on or off."},
    {"own_call", (PyCFunction)(void (*)(void))tc_rec_own_call,
     METH_FASTCALL | METH_KEYWORDS,
     "own_call(fn, *args, **kwargs): fn(*args, **kwargs) with no call "
     "recorded on this thread until it returns (the API's own code)."},
    {"watch_signal", rec_watch_signal, METH_O,
     "After signal.signal(signum, handler) in the main thread: send the "
     "signal again if the handler has not run 0.1 s after it came."},
    {"signal_handled", rec_signal_handled, METH_NOARGS,
     "The Python handler of the watched signal is running."},
    {"resend_signal_in_child", rec_resend_signal_in_child, METH_NOARGS,
     "At the end of the after-fork hook in a child: raise again the watched "
     "signal that came to it before CPython forgot it."},
    {"set_monitoring", rec_set_monitoring, METH_VARARGS, NULL},
    {"set_warn_callback", rec_set_warn_callback, METH_O, NULL},
    {"set_trace_callback", rec_set_trace_callback, METH_O, NULL},
    {"eval_hook_active", rec_eval_hook_active, METH_NOARGS,
     "Whether the PEP 523 eval hook (3.9-3.11) is installed."},
    {"set_redaction", rec_set_redaction, METH_VARARGS,
     "set_redaction(value_fn, text_fn, needles=None): redaction of return "
     "values; needles: words every secret name holds (a cheap pre-check)."},
    {"set_traced", rec_set_traced, METH_O, NULL},
    {"expect_main", rec_expect_main, METH_O, NULL},
    {"main_code", rec_main_code, METH_NOARGS, NULL},
    {"now_ns", rec_now_ns, METH_NOARGS, "ns since the recording started."},
    {"code_info", rec_code_info, METH_O, "(code_id, tracked, skipped)"},
    {"ignore_current_thread", rec_ignore_current_thread, METH_NOARGS, NULL},
    {"thread_id", rec_thread_id, METH_VARARGS, NULL},
    {"system_sample", rec_system_sample, METH_VARARGS, NULL},
    {"gpu_follow", rec_gpu_follow, METH_VARARGS,
     "gpu_follow(uuid) -> whether NVML's counters come from the device with "
     "torch's UUID (without \"GPU-\"/\"MIG-\") from now on, or will once "
     "NVML has started."},
    {"library_summary", rec_library_summary, METH_O,
     "library_summary(obj) -> the summary of a numpy / pandas / torch / "
     "cupy / jax object from its attributes, or None for any other object."},
    {"most_common", rec_most_common, METH_VARARGS,
     "most_common(counter, n) -> Counter.most_common(n) picked in C in one "
     "pass, or None when a count is not an int, bool or float."},
    {"write_snapshot", (PyCFunction)(void (*)(void))rec_write_snapshot,
     METH_VARARGS | METH_KEYWORDS, NULL},
    {"metric", rec_metric, METH_VARARGS, NULL},
    {"write_warning", rec_write_warning, METH_VARARGS, NULL},
    {"write_mark", rec_write_mark, METH_VARARGS, NULL},
    {"write_crash", rec_write_crash, METH_VARARGS, NULL},
    {"flush", rec_flush, METH_NOARGS, NULL},
    {"write_session", rec_write_session, METH_O, NULL},
    {"sampler_start", rec_sampler_start, METH_VARARGS, NULL},
    {"sampler_stop", rec_sampler_stop, METH_NOARGS, NULL},
    {"timer_start", rec_timer_start, METH_VARARGS,
     "timer_start(interval_s, callback): the snapshot timer thread."},
    {"timer_stop", rec_timer_stop, METH_VARARGS,
     "timer_stop(wait_s=2.0, join_idle=False) -> True when the thread has "
     "ended (or, never having ticked, ends without touching Python; "
     "join_idle waits for that end too)."},
    {"stats", rec_stats, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef rec_module = {
    PyModuleDef_HEAD_INIT, "timecapsule._recorder",
    "The timecapsule recorder core (hooks, buffers, .tc writer).", -1,
    rec_methods,
};

PyMODINIT_FUNC
PyInit__recorder(void)
{
    PyObject *m = PyModule_Create(&rec_module);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_AddFunctions(m, tc_rec_hook_methods) < 0
        || tc_rec_hooks_add_callbacks(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    tc_rec_call_values_init();
    tc_rec_safe_collections_init();
    static int atfork_registered;
    if (!atfork_registered) {
        pthread_atfork(NULL, NULL, atfork_child);
        atfork_registered = 1;
    }
    if (tc_rec_extra_index < 0) {
#if PY_VERSION_HEX >= 0x030C0000
        tc_rec_extra_index = PyUnstable_Eval_RequestCodeExtraIndex(
            free_code_extra);
#else
        tc_rec_extra_index = _PyEval_RequestCodeExtraIndex(free_code_extra);
#endif
        if (tc_rec_extra_index < 0) {
            Py_DECREF(m);
            return PyErr_Format(PyExc_RuntimeError,
                                "timecapsule: no free code extra slot");
        }
    }
    PyModule_AddIntConstant(m, "HAS_MONITORING",
                            PY_VERSION_HEX >= 0x030C0000);
    PyModule_AddIntConstant(m, "LOCAL_CHANGED", TC_LOCAL_CHANGED);
    PyModule_AddIntConstant(m, "LOCAL_EXPR", TC_LOCAL_EXPR);
    PyModule_AddIntConstant(m, "LOCAL_ERROR", TC_LOCAL_ERROR);
    PyModule_AddIntConstant(m, "LOCAL_TRUNCATED", TC_LOCAL_TRUNCATED);
    PyModule_AddIntConstant(m, "END_CRASHED", TC_END_FLAG_CRASHED);
    PyModule_AddIntConstant(m, "END_SIGNAL", TC_END_FLAG_SIGNAL);
    return m;
}

/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-intern.c — first sight of code objects, files, threads,
 * variables, metrics and counters: assign an id and write its definition
 * frame once, before anything refers to it.  Only the slow paths live here;
 * the hooks find an interned code object through its extra slot.
 */
#include "tc-recorder.h"

#include <fnmatch.h>
#if PY_VERSION_HEX >= 0x030B0000
#include <opcode.h>
#endif
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

__thread TcRecThread *tc_rec_tls_thread TC_REC_TLS;
__thread uint64_t tc_rec_tls_generation TC_REC_TLS;

#if PY_VERSION_HEX >= 0x030C0000
#define TC_GET_EXTRA PyUnstable_Code_GetExtra
#define TC_SET_EXTRA PyUnstable_Code_SetExtra
#else
#define TC_GET_EXTRA _PyCode_GetExtra
#define TC_SET_EXTRA _PyCode_SetExtra
#endif

static int
match_any(char *const *patterns, int n, const char *path)
{
    for (int i = 0; i < n; i++) {
        if (fnmatch(patterns[i], path, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Seed rules (spec §6.3) with the fixes: the recording script stays tracked
 * when include_files is given, and the recorder's own package is never
 * recorded (the seed's "tc_recorder" guard never matched). */
int
tc_rec_path_tracked(const char *path, int *skip)
{
    int own = tc_rec.own_dir != NULL && tc_rec.own_dir[0] != '\0'
              && strncmp(path, tc_rec.own_dir, strlen(tc_rec.own_dir)) == 0;
    int tracked = 0;
    if (!own && !match_any(tc_rec.exclude, tc_rec.n_exclude, path)) {
        tracked = (tc_rec.src != NULL && strcmp(path, tc_rec.src) == 0)
                  || match_any(tc_rec.include, tc_rec.n_include, path);
        /* 3.8 names the __main__ script as given on the command line
         * ("prog.py"); the recording script is kept as an absolute path. */
        char abs[4096];
        if (!tracked && tc_rec.src != NULL && path[0] != '/'
            && path[0] != '<' && getcwd(abs, sizeof(abs)) != NULL) {
            size_t n = strlen(abs);
            if (n + 1 + strlen(path) < sizeof(abs)) {
                abs[n] = '/';
                strcpy(abs + n + 1, path);
                tracked = strcmp(abs, tc_rec.src) == 0;
            }
        }
    }
    *skip = own || (tc_rec.calls_tracked_only && !tracked);
    return tracked;
}

/* The whole text of a tracked file, for the SOURCE frames (read before the
 * lock is taken). */
static char *
read_text(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= (64u << 20)) {
                break;
            }
            cap = cap ? cap * 2 : 65536;
            char *grown = realloc(text, cap);
            if (grown == NULL) {
                break;
            }
            text = grown;
        }
        size_t got = fread(text + n, 1, cap - n, f);
        if (got == 0) {
            break;
        }
        n += got;
    }
    fclose(f);
    if (n == 0) {
        free(text);
        return NULL;
    }
    *out_len = n;
    return text;
}

static int
file_index_for(PyObject *filename, uint32_t *out)
{
    PyObject *found = PyDict_GetItemWithError(tc_rec.file_map, filename);
    if (found != NULL) {
        *out = (uint32_t)PyLong_AsUnsignedLong(found);
        return 0;
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    const char *path = PyUnicode_AsUTF8(filename);
    if (path == NULL) {
        return -1;
    }
    int skip = 0;
    int tracked = tc_rec_path_tracked(path, &skip);
    size_t text_len = 0;
    char *text = (tracked && tc_rec.embed_source) ? read_text(path, &text_len)
                                                   : NULL;

    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.n_files == tc_rec.cap_files) {
        uint32_t cap = tc_rec.cap_files ? tc_rec.cap_files * 2 : 64;
        TcRecFile *grown = realloc(tc_rec.files, cap * sizeof(TcRecFile));
        if (grown == NULL) {
            pthread_mutex_unlock(&tc_rec.lock);
            free(text);
            PyErr_NoMemory();
            return -1;
        }
        tc_rec.files = grown;
        tc_rec.cap_files = cap;
    }
    uint32_t index = tc_rec.n_files++;
    TcRecFile *rf = &tc_rec.files[index];
    memset(rf, 0, sizeof(*rf));
    rf->file_id = ++tc_rec.next_file_id;
    rf->tracked = tracked;

    TcFileDef def = {
        .file_id = rf->file_id,
        .flags = tracked ? TC_FILE_FLAG_TRACKED : 0,
        .source_hash = text ? tc_fnv1a64(text, text_len) : 0,
        .source_len = text ? text_len : 0,
        .path = TC_STR(path),
    };
    if (tc_rec.writer != NULL) {
        uint64_t now = tc_rec_now();
        tc_writer_write_file(tc_rec.writer, now, &def);
        if (text != NULL) {
            tc_writer_write_source(tc_rec.writer, now, rf->file_id, text,
                                   text_len);
        }
    }
    pthread_mutex_unlock(&tc_rec.lock);
    free(text);

    PyObject *value = PyLong_FromUnsignedLong(index);
    if (value == NULL || PyDict_SetItem(tc_rec.file_map, filename, value) < 0) {
        Py_XDECREF(value);
        return -1;
    }
    Py_DECREF(value);
    *out = index;
    return 0;
}

static PyObject *
code_qualname(PyCodeObject *code)
{
#if PY_VERSION_HEX >= 0x030B0000
    return code->co_qualname;
#else
    return code->co_name;
#endif
}

/* Coverage bookkeeping: the lines of a code that can be reported, a
 * bitmap from its first line that grows to the code's last line (a
 * function of any length can be all covered). */
typedef struct {
    uint8_t *bits;
    uint32_t span;                  /* bits allocated, a multiple of 8 */
    uint32_t n;                     /* lines set */
} TcRecLineSet;

#define TC_REC_LINE_SPAN_MAX (1u << 24)   /* tc_rec_line_hit's limit too */

/* One line of `code` can be reported.  Returns 0 when it cannot be kept
 * (before the first line, absurdly far, out of memory): the code is then
 * never "all covered". */
static int
count_line(TcRecLineSet *set, long first, long line)
{
    if (line < first || line - first >= (long)TC_REC_LINE_SPAN_MAX) {
        return 0;
    }
    uint32_t bit = (uint32_t)(line - first);
    if (bit >= set->span) {
        uint32_t span = set->span != 0 ? set->span : 256;
        while (span <= bit) {
            span *= 2;
        }
        uint8_t *grown = realloc(set->bits, span / 8);
        if (grown == NULL) {
            return 0;
        }
        memset(grown + set->span / 8, 0, (span - set->span) / 8);
        set->bits = grown;
        set->span = span;
    }
    if (!(set->bits[bit / 8] & (1u << (bit % 8)))) {
        set->bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
        set->n++;
    }
    return 1;
}

static void
count_lines(TcRecCode *rc, PyCodeObject *code)
{
    TcRecLineSet set = {NULL, 0, 0};
    int ok = 1;
    long first = code->co_firstlineno;
#if PY_VERSION_HEX >= 0x030A0000
    long from = 0;
#if PY_VERSION_HEX >= 0x030B0000
    /* The first traceable instruction follows the first RESUME (CPython's
     * _co_firsttraceable is only set once the code is instrumented). */
    PyObject *bytes = PyCode_GetCode(code);
    if (bytes == NULL) {
        PyErr_Clear();
        return;   /* not counted: never "all covered" */
    }
    const unsigned char *ops = (const unsigned char *)PyBytes_AS_STRING(bytes);
    for (Py_ssize_t i = 0; i + 1 < PyBytes_GET_SIZE(bytes); i += 2) {
        if (ops[i] == RESUME) {
            from = (long)i + 2;
            break;
        }
    }
    Py_DECREF(bytes);
#endif
    PyObject *it = PyObject_CallMethod((PyObject *)code, "co_lines", NULL);
    PyObject *iter = it ? PyObject_GetIter(it) : NULL;
    Py_XDECREF(it);
    if (iter == NULL) {
        PyErr_Clear();
        return;
    }
    PyObject *item;
    while ((item = PyIter_Next(iter)) != NULL) {
        long start = 0, end = 0, line = -1;
        PyObject *l = NULL;
        if (PyArg_ParseTuple(item, "llO", &start, &end, &l) && l != Py_None) {
            line = PyLong_AsLong(l);
        }
        Py_DECREF(item);
        if (line < 0 || end <= from) {
            continue;
        }
        if (!count_line(&set, first, line)) {
            ok = 0;
            break;
        }
    }
    Py_DECREF(iter);
    PyErr_Clear();
#else
    const unsigned char *p = (const unsigned char *)PyBytes_AS_STRING(
        code->co_lnotab);
    Py_ssize_t size = PyBytes_GET_SIZE(code->co_lnotab) / 2;
    Py_ssize_t code_size = PyBytes_GET_SIZE(code->co_code);
    long addr = 0, line = first;
    int pending = 1;   /* address 0 starts a line */
    for (Py_ssize_t i = 0; i < size && ok; i++, p += 2) {
        if (p[0] != 0 && pending) {
            ok = count_line(&set, first, line);
            pending = 0;
        }
        addr += p[0];
        if ((signed char)p[1] != 0) {
            line += (signed char)p[1];
            pending = 1;
        }
    }
    if (ok && pending && addr < code_size) {
        ok = count_line(&set, first, line);
    }
#endif
    /* The covered lines: the same span, none yet. */
    uint8_t *seen = set.span != 0 ? calloc(set.span / 8, 1) : NULL;
    if (seen == NULL) {
        free(set.bits);
        return;   /* not counted: never "all covered" */
    }
    rc->first_line = (uint32_t)first;
    rc->line_want = set.bits;
    rc->line_seen = seen;
    rc->line_span = set.span;
    rc->lines_left = ok ? set.n : 0;
}

void
tc_rec_code_fp_pins_free(TcRecCode *rc)
{
    if (rc->fp_pins == NULL) {
        return;
    }
    for (int i = 0; i < TC_REC_FP_SLOTS * TC_REC_FP_PINS; i++) {
        Py_XDECREF(rc->fp_pins[i]);
    }
    free(rc->fp_pins);
    rc->fp_pins = NULL;
}

void
tc_rec_code_release(TcRecCode *rc)
{
    tc_rec_code_fp_pins_free(rc);
    free(rc->line_seen);
    free(rc->line_want);
    tc_rec_line_flow_free(rc->flow);
    rc->line_seen = NULL;
    rc->line_want = NULL;
    rc->flow = NULL;
    rc->line_span = 0;
}

/* Interning sees each code once per recording: the first module code run
 * from one of the main paths is the program's main module. */
static void
note_main_code(PyCodeObject *code)
{
    if (PyUnicode_CompareWithASCIIString(code->co_name, "<module>") != 0) {
        return;
    }
    int found = PySet_Contains(tc_rec.main_paths, code->co_filename);
    if (found > 0) {
        tc_rec.main_code = Py_NewRef((PyObject *)code);
    }
    else if (found < 0) {
        PyErr_Clear();
    }
}

TcRecCode *
tc_rec_code_lookup(PyCodeObject *code)
{
    void *extra = NULL;
    if (TC_GET_EXTRA((PyObject *)code, tc_rec_extra_index, &extra) < 0) {
        return NULL;
    }
    TcRecCode *rc = extra;
    if (rc != NULL && rc->generation == tc_rec.generation) {
        return rc;
    }
    if (tc_rec.file_map == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "timecapsule: not recording");
        return NULL;
    }
    uint32_t file_index;
    if (file_index_for(code->co_filename, &file_index) < 0) {
        return NULL;
    }
    if (rc == NULL) {
        rc = malloc(sizeof(TcRecCode));
        if (rc == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        if (TC_SET_EXTRA((PyObject *)code, tc_rec_extra_index, rc) < 0) {
            free(rc);
            return NULL;
        }
    }
    else {
        tc_rec_code_release(rc);   /* a previous recording's entry */
    }
    memset(rc, 0, sizeof(*rc));
    rc->generation = tc_rec.generation;
    rc->file_index = file_index;

    TcRecFile *rf = &tc_rec.files[file_index];
    int skip = 0;
    const char *path = PyUnicode_AsUTF8(code->co_filename);
    if (path == NULL) {
        return NULL;
    }
    int tracked = tc_rec_path_tracked(path, &skip);
    uint32_t flags = 0;
    if (tracked) {
        /* The REPEATED_CALL count and the return values end after a
         * bounded number of calls (tc-recorder-hooks.c clears the flags):
         * from then on a call of tracked code takes the fast path. */
        rc->flags |= TC_REC_CODE_TRACKED | TC_REC_CODE_FINGERPRINT
                     | TC_REC_CODE_RETVALS;
        flags |= TC_CODE_FLAG_TRACKED;
    }
    if (skip) {
        rc->flags |= TC_REC_CODE_SKIP;
    }
    if (tc_rec.main_paths != NULL && tc_rec.main_code == NULL) {
        note_main_code(code);
    }
    if (tc_rec.traced_codes != NULL) {
        int traced = PySet_Contains(tc_rec.traced_codes, (PyObject *)code);
        if (traced > 0) {
            rc->flags |= TC_REC_CODE_TRACED;
        }
        else if (traced < 0) {
            PyErr_Clear();
        }
    }
    if (code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR
                          | CO_ITERABLE_COROUTINE)) {
        rc->flags |= TC_REC_CODE_GENLIKE;
    }
    if (code->co_flags & CO_GENERATOR) {
        flags |= TC_CODE_FLAG_GENERATOR;
    }
    if (code->co_flags & CO_COROUTINE) {
        flags |= TC_CODE_FLAG_COROUTINE;
    }
    if (code->co_flags & CO_ASYNC_GENERATOR) {
        flags |= TC_CODE_FLAG_ASYNC_GEN;
    }
    const char *name = PyUnicode_AsUTF8(code->co_name);
    const char *qualname = PyUnicode_AsUTF8(code_qualname(code));
    if (name == NULL || qualname == NULL) {
        return NULL;
    }
    if (strcmp(name, "<module>") == 0) {
        flags |= TC_CODE_FLAG_MODULE;
    }

    pthread_mutex_lock(&tc_rec.lock);
    rc->code_id = ++tc_rec.next_code_id;
    TcCodeDef def = {
        .code_id = rc->code_id,
        .file_id = rf->file_id,
        .first_line = (uint32_t)code->co_firstlineno,
        .flags = flags,
        .qualname = TC_STR(qualname),
        .name = TC_STR(name),
        .module = TC_STR(""),
    };
    if (tc_rec.writer != NULL) {
        tc_writer_write_code(tc_rec.writer, tc_rec_now(), &def);
    }
    pthread_mutex_unlock(&tc_rec.lock);

#if PY_VERSION_HEX >= 0x030C0000
    if (tracked && tc_rec.want_lines && tc_rec.set_local_events != NULL) {
        count_lines(rc, code);
        /* Coverage on 3.12+: LINE events for tracked code only; each line
         * disables itself after its first hit. */
        PyObject *r = PyObject_CallFunction(tc_rec.set_local_events, "iOi",
                                            2, (PyObject *)code,
                                            tc_rec.line_event);
        if (r == NULL) {
            PyErr_Clear();
        }
        Py_XDECREF(r);
    }
#else
    if (tracked && tc_rec.want_lines) {
        /* Coverage on 3.8-3.11: the line trace function runs while a frame
         * of this code does, until every line is covered
         * (tc-recorder-line-trace.c). */
        count_lines(rc, code);
        rc->flags |= TC_REC_CODE_LINES_WANTED;
    }
#endif
    return rc;
}

/* Threads. */

/* Thread idents are reused after a thread ends: the OS thread id tells
 * two threads with the same ident apart (0 = unknown, matches the newest). */
static TcRecThread *
thread_find_locked(unsigned long ident, uint64_t native_id)
{
    for (TcRecThread *t = tc_rec.threads; t != NULL; t = t->next) {
        if (t->ident == ident
            && (native_id == 0 || t->native_id == 0
                || t->native_id == native_id)) {
            return t;
        }
    }
    return NULL;
}

static TcRecThread *
thread_new_locked(unsigned long ident, uint64_t native_id, const char *name,
                  uint32_t flags, int named)
{
    TcRecThread *t = calloc(1, sizeof(TcRecThread));
    if (t == NULL) {
        return NULL;
    }
    t->cap = TC_REC_FIRST_BUFFER_EVENTS;
    t->buf = malloc(sizeof(TcEvent) * t->cap);
    t->open_cap = TC_REC_FIRST_OPEN_CALLS;
    t->open = malloc(sizeof(TcRecOpen) * t->open_cap);
    if (t->buf == NULL || t->open == NULL) {
        free(t->buf);
        free(t->open);
        free(t);
        return NULL;
    }
    t->tid = ++tc_rec.next_tid;
    t->ident = ident;
    t->native_id = native_id;
    atomic_store(&t->len, 0);
    t->next = tc_rec.threads;
    tc_rec.threads = t;
    if (ident == tc_rec.main_ident) {
        flags |= TC_THREAD_FLAG_MAIN;
    }
    snprintf(t->name, sizeof(t->name), "%s", name != NULL ? name : "");
    t->flags = flags;
    t->named = named;
    t->slow = !named;
    return t;
}

void
tc_rec_thread_define_locked(TcRecThread *t)
{
    if (t->defined || tc_rec.writer == NULL) {
        return;
    }
    t->defined = 1;
    TcThreadDef def = {
        .thread_id = t->tid,
        .native_id = t->native_id,
        .python_ident = t->ident,
        .flags = t->flags,
        .name = TC_STR(t->name),
    };
    tc_writer_write_thread(tc_rec.writer, tc_rec_now(), &def);
}

/* Name and daemon flag of a thread from threading._active, without running
 * user code (dict and instance-attribute reads only). */
static int
thread_describe(unsigned long ident, char *name, size_t name_len,
                uint32_t *flags)
{
    int found = 0;
    snprintf(name, name_len, "%s",
             ident == tc_rec.main_ident ? "MainThread" : "Thread");
    PyObject *mod_name = PyUnicode_FromString("threading");
    PyObject *mod = mod_name ? PyImport_GetModule(mod_name) : NULL;
    PyObject *active = mod ? PyObject_GetAttrString(mod, "_active") : NULL;
    PyObject *key = PyLong_FromUnsignedLong(ident);
    PyObject *th = (active && key && PyDict_Check(active))
                   ? PyDict_GetItemWithError(active, key) : NULL;
    if (th != NULL) {
        found = 1;
        Py_INCREF(th);
        PyObject *n = PyObject_GetAttrString(th, "_name");
        if (n != NULL && PyUnicode_Check(n)) {
            const char *utf8 = PyUnicode_AsUTF8(n);
            if (utf8 != NULL) {
                snprintf(name, name_len, "%s", utf8);
            }
        }
        Py_XDECREF(n);
        PyObject *d = PyObject_GetAttrString(th, "_daemonic");
        if (d != NULL && PyObject_IsTrue(d) == 1) {
            *flags |= TC_THREAD_FLAG_DAEMON;
        }
        Py_XDECREF(d);
        Py_DECREF(th);
    }
    PyErr_Clear();
    Py_XDECREF(key);
    Py_XDECREF(active);
    Py_XDECREF(mod);
    Py_XDECREF(mod_name);
    return found;
}

/* A thread defined before threading registered it (the writer drained its
 * first events, or a snapshot saw it) carries the placeholder name: it is
 * defined again with the real one, and readers keep a thread's last
 * THREAD frame.  Under tc_rec.lock. */
static void
rename_locked(TcRecThread *t, const char *name, uint32_t flags)
{
    if (strcmp(t->name, name) != 0 || (t->flags | flags) != t->flags) {
        snprintf(t->name, sizeof(t->name), "%s", name);
        t->flags |= flags;
        t->defined = 0;
    }
}

/* Called by the hooks while a thread's name is unknown. */
void
tc_rec_thread_try_name(TcRecThread *t)
{
    char name[96];
    uint32_t flags = 0;
    if (thread_describe(t->ident, name, sizeof(name), &flags)) {
        pthread_mutex_lock(&tc_rec.lock);
        rename_locked(t, name, flags);
        t->named = 1;
        t->slow = t->ignored;
        tc_rec_thread_define_locked(t);
        pthread_mutex_unlock(&tc_rec.lock);
    }
}

TcRecThread *
tc_rec_thread_current(void)
{
    if (tc_rec_tls_generation == tc_rec.generation
        && tc_rec_tls_thread != NULL) {
        return tc_rec_tls_thread;
    }
    unsigned long ident = PyThread_get_thread_ident();
    uint64_t native_id = (uint64_t)syscall(SYS_gettid);
    char name[96];
    uint32_t flags = 0;
    int named = thread_describe(ident, name, sizeof(name), &flags);
    pthread_mutex_lock(&tc_rec.lock);
    TcRecThread *t = thread_find_locked(ident, native_id);
    if (t == NULL) {
        t = thread_new_locked(ident, native_id, name, flags, named);
        if (t != NULL && named) {
            tc_rec_thread_define_locked(t);
        }
    }
    else if (t->native_id == 0) {
        t->native_id = native_id;
    }
    pthread_mutex_unlock(&tc_rec.lock);
    if (t == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    tc_rec_tls_thread = t;
    tc_rec_tls_generation = tc_rec.generation;
    return t;
}

TcRecThread *
tc_rec_thread_for_ident(unsigned long ident, uint64_t native_id,
                        const char *name, uint32_t flags)
{
    char described[96];
    if (name == NULL || name[0] == '\0') {
        /* Callers hold the GIL: ask threading (not under the lock). */
        uint32_t more = 0;
        if (thread_describe(ident, described, sizeof(described), &more)) {
            name = described;
            flags |= more;
        }
    }
    pthread_mutex_lock(&tc_rec.lock);
    TcRecThread *t = thread_find_locked(ident, native_id);
    if (t == NULL) {
        t = thread_new_locked(ident, native_id, name, flags,
                              name != NULL && name[0] != '\0');
    }
    else if (!t->named && name != NULL && name[0] != '\0') {
        rename_locked(t, name, flags);
        t->named = 1;
        t->slow = t->ignored;
    }
    if (t != NULL) {
        if (t->native_id == 0) {
            t->native_id = native_id;
        }
        tc_rec_thread_define_locked(t);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    if (t == NULL) {
        PyErr_NoMemory();
    }
    return t;
}

void
tc_rec_thread_ignore_current(void)
{
    /* Define it as a recorder thread before its first event can. */
    char name[96];
    uint32_t flags = TC_THREAD_FLAG_RECORDER;
    unsigned long ident = PyThread_get_thread_ident();
    thread_describe(ident, name, sizeof(name), &flags);
    tc_rec_thread_for_ident(ident, (uint64_t)syscall(SYS_gettid), name, flags);
    TcRecThread *t = tc_rec_thread_current();
    if (t == NULL) {
        PyErr_Clear();
        return;
    }
    t->ignored = 1;
    t->slow = 1;
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.n_recorder_native < 8) {
        tc_rec.recorder_native[tc_rec.n_recorder_native++] = t->native_id;
    }
    pthread_mutex_unlock(&tc_rec.lock);
}

/* Variables, metrics, counters: a dict from key to id, and a definition
 * frame the first time. */

int
tc_rec_var_id(uint32_t code_id, PyObject *name, uint32_t *out)
{
    PyObject *key = Py_BuildValue("(IO)", code_id, name);
    if (key == NULL) {
        return -1;
    }
    PyObject *found = PyDict_GetItemWithError(tc_rec.var_map, key);
    if (found != NULL) {
        *out = (uint32_t)PyLong_AsUnsignedLong(found);
        Py_DECREF(key);
        return 0;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(key);
        return -1;
    }
    pthread_mutex_lock(&tc_rec.lock);
    uint32_t id = ++tc_rec.next_var_id;
    TcVarDef def = {.var_id = id, .code_id = code_id, .name = tc_rec_str(name)};
    if (tc_rec.writer != NULL) {
        tc_writer_write_var(tc_rec.writer, tc_rec_now(), &def);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    PyObject *value = PyLong_FromUnsignedLong(id);
    int rc = value ? PyDict_SetItem(tc_rec.var_map, key, value) : -1;
    Py_XDECREF(value);
    Py_DECREF(key);
    *out = id;
    return rc;
}

int
tc_rec_metric_id(PyObject *name, uint32_t *out)
{
    PyObject *found = PyDict_GetItemWithError(tc_rec.metric_map, name);
    if (found != NULL) {
        *out = (uint32_t)PyLong_AsUnsignedLong(found);
        return 0;
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    pthread_mutex_lock(&tc_rec.lock);
    uint32_t id = ++tc_rec.next_metric_id;
    TcMetricDef def = {.metric_id = id, .name = tc_rec_str(name)};
    if (tc_rec.writer != NULL) {
        tc_writer_write_metric_def(tc_rec.writer, tc_rec_now(), &def);
    }
    pthread_mutex_unlock(&tc_rec.lock);
    PyObject *value = PyLong_FromUnsignedLong(id);
    int rc = value ? PyDict_SetItem(tc_rec.metric_map, name, value) : -1;
    Py_XDECREF(value);
    *out = id;
    return rc;
}

/* Called with tc_rec.lock held: counter ids are kept in C so the writer
 * thread can use them without the GIL. */
static const char *counter_names[32];
static uint32_t n_counter_names;

int
tc_rec_counter_id(const char *name, const char *unit, uint32_t *out)
{
    for (uint32_t i = 0; i < n_counter_names; i++) {
        if (strcmp(counter_names[i], name) == 0) {
            *out = i + 1;
            return 0;
        }
    }
    if (n_counter_names == 32) {
        return -1;
    }
    counter_names[n_counter_names++] = name;
    *out = n_counter_names;
    TcCounterDef def = {
        .counter_id = n_counter_names,
        .name = TC_STR(name),
        .unit = TC_STR(unit),
        .description = TC_STR(""),
    };
    if (tc_rec.writer != NULL) {
        tc_writer_write_counter_def(tc_rec.writer, tc_rec_now(), &def);
    }
    return 0;
}

void
tc_rec_intern_reset(void)
{
    n_counter_names = 0;
}

const char *
tc_rec_counter_name(uint32_t id)
{
    return id >= 1 && id <= n_counter_names ? counter_names[id - 1] : "";
}

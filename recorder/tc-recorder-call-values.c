/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-call-values.c — what the hooks read from a call's arguments
 * and from its return value, without running any of the program's code.
 *
 * The hooks run inside the program's calls: a __hash__ or __repr__ of the
 * program called from there may be slow, have side effects, raise, produce
 * megabytes or re-enter the recorder.  So
 * - REPEATED_CALL's fingerprint hashes builtin immutable values (None,
 *   bool, int, float, complex, str, bytes and small tuples of those) by
 *   value with CPython's own hash, and everything else by type and
 *   identity (the same object passed again is the same argument);
 * - a return value is described by tc_rec_safe_repr (tc-recorder-values.c)
 *   and redacted by the recording's rules (_capture.py, the same as the
 *   locals') before anything is stored.
 */
#include "tc-recorder.h"

#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030E0000
#define Py_BUILD_CORE 1
#include <internal/pycore_code.h>
#include <internal/pycore_frame.h>
#if PY_VERSION_HEX >= 0x030D0000
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <internal/pycore_dict.h>
#include <internal/pycore_setobject.h>
#pragma GCC diagnostic pop
#endif
#undef Py_BUILD_CORE
#endif
#if PY_VERSION_HEX < 0x030C0000
#include <structmember.h>
#endif
#if PY_VERSION_HEX < 0x030B0000
#include <longintrepr.h>
#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
/* 3.11 and 3.12: an instance's inline attribute values and its type's
 * shared keys, as pycore_dict.h and pycore_object.h lay them out (those
 * headers do not compile after Python.h on these versions). */
typedef struct {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind;            /* 0: DICT_KEYS_GENERAL */
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];          /* then the entries */
} TcDictKeys;
typedef struct {
    PyObject *me_key;
    PyObject *me_value;
} TcDictUnicodeEntry;
typedef struct {
    PyObject *values[1];
} TcDictValues;
#define TC_DICT_KEYS_GENERAL 0
#endif

/* REPEATED_CALL's bounds (see "Argument fingerprints" below). */
#define TC_REC_FP_ITEMS 16      /* items of one container */
#define TC_REC_FP_DEPTH 3       /* containers inside containers */
#define TC_REC_FP_BUDGET 48     /* values read for one call, all arguments */
#define TC_REC_FP_HASHED_BYTES 16384   /* str/bytes whose hash is not cached */
#define TC_REC_FP_INT_BITS 4096
#define TC_REC_RETURN_REPR_BYTES 400

static inline uint64_t
mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

/* A short str or bytes is hashed here, by its bytes, rather than with
 * CPython's hash: most arguments of that kind are fresh objects (parsed,
 * sliced, formatted) whose SipHash nobody else computes, and this costs a
 * fraction of it.  Equal values always take the same way (str: the same
 * kind and bytes), so the same argument keeps its fingerprint.  A longer
 * str takes the hash CPython cached in it when there is one, else this
 * one up to TC_REC_FP_OWN_HASH_BYTES too (the orders workload passes each
 * parsed order's JSON text, ~300 bytes: SipHash cost a third of the
 * fingerprints there), else CPython's up to TC_REC_FP_HASHED_BYTES; two
 * equal long strs, one hashed by the program and one not, then differ (a
 * missed repeat, never an invented one). */
#define TC_REC_FP_SHORT_BYTES 256
#define TC_REC_FP_OWN_HASH_BYTES 4096

static uint64_t
data_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 32);
}

static int
short_text(PyObject *value, const unsigned char **data, size_t *n)
{
    if (PyBytes_CheckExact(value)) {
        *data = (const unsigned char *)PyBytes_AS_STRING(value);
        *n = (size_t)PyBytes_GET_SIZE(value);
    }
    else if (PyUnicode_CheckExact(value)) {
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(value) < 0) {
            PyErr_Clear();
            return 0;
        }
#endif
        *data = (const unsigned char *)PyUnicode_DATA(value);
        *n = (size_t)PyUnicode_GET_LENGTH(value) * PyUnicode_KIND(value);
    }
    else {
        return 0;
    }
    return *n <= TC_REC_FP_SHORT_BYTES;
}

/* ---- Argument fingerprints (REPEATED_CALL)
 *
 * "The same arguments" means the same values, read without running any of
 * the program's code:
 * - builtin scalars (None, bool, int, float, complex, str, bytes) by value;
 * - exact tuples, lists, dicts, sets, frozensets and bytearrays by their
 *   contents as they are at the call (the same list mutated between two
 *   calls is two different arguments), dicts and sets regardless of
 *   order, as == compares them;
 * - instances of classes written in Python (every class from the
 *   instance's type down to object made by a class statement) by type and
 *   the values of their instance dict and __slots__, read from the
 *   object's memory: no __eq__, __hash__, property or descriptor runs;
 * - bound methods by function and self, object() by type alone;
 * - decimal.Decimal and datetime's date, timedelta and naive time and
 *   datetime (exactly those C types: immutable, and their C hash runs no
 *   Python code) by that hash;
 * - anything else by identity, "pinned": the hooks keep a weak reference
 *   to it with the fingerprint's slot (tc-recorder-hooks.c) and count a
 *   match only while that reference still leads to the argument.  An
 *   address alone is no identity: a freed object's memory goes to the next
 *   allocation, so the fresh dict json.loads made for each call had the
 *   previous call's address, and with it the same fingerprint (false
 *   REPEATED_CALLs on every call of the orders workload).  A strong
 *   reference would keep the program's objects alive (finalizers late,
 *   files left open, memory held); a weak one changes nothing the program
 *   can see but weakref.getweakrefcount().
 * What cannot be read so within the bounds (more than TC_REC_FP_ITEMS
 * items, deeper than TC_REC_FP_DEPTH, more than TC_REC_FP_BUDGET values for
 * the call, a long str or bytes whose hash is not at hand, a huge int, an
 * object without weak references, more than TC_REC_FP_PINS of them, a
 * hash that is the address) leaves the call without a fingerprint: it
 * counts as no repeat.  A missed repeat is a hint not given; a repeat made
 * up (a 1M-item list told apart by its first items only) would be a wrong
 * claim about the program. */

typedef struct {
    int budget;                 /* values left to read for this call */
    int unsure;                 /* the call has no fingerprint */
    TcRecFingerprint *fp;       /* collects the pins */
} FpWalk;

/* subtype_dealloc: how every class made by a class statement (or type())
 * is deallocated; a type made in C, heap type or not, has its own and may
 * hold state in its C struct that a dict and slots walk does not see. */
static destructor python_class_dealloc;

void
tc_rec_call_values_init(void)
{
    if (python_class_dealloc != NULL) {
        return;
    }
    PyObject *ns = PyDict_New();
    PyObject *cls = ns != NULL
                    ? PyObject_CallFunction((PyObject *)&PyType_Type, "s()O",
                                            "_tc_probe", ns)
                    : NULL;
    if (cls != NULL) {
        python_class_dealloc = ((PyTypeObject *)cls)->tp_dealloc;
    }
    PyErr_Clear();
    Py_XDECREF(cls);
    Py_XDECREF(ns);
}

static inline uint64_t
fmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

static uint64_t hash_arg(PyObject *value, int depth, FpWalk *w);

static uint64_t
unsure(FpWalk *w)
{
    w->unsure = 1;
    return 0;
}

/* A dict key: a str has the hash the dict computed when it was stored. */
static uint64_t
hash_key(PyObject *key, int depth, FpWalk *w)
{
    if (PyUnicode_CheckExact(key) && ((PyASCIIObject *)key)->hash != -1) {
        return (uint64_t)((PyASCIIObject *)key)->hash ^ 0x5bd1e9955bd1e995ull;
    }
    return hash_arg(key, depth, w);
}

/* One item of an unordered whole (dict, set, instance dict): summed. */
static inline uint64_t
entry(uint64_t key_hash, uint64_t value_hash)
{
    return fmix(mix(key_hash, value_hash) + 0x9e3779b97f4a7c15ull);
}

static uint64_t
hash_dict(PyObject *dict, int depth, FpWalk *w)
{
    if (PyDict_GET_SIZE(dict) > TC_REC_FP_ITEMS || depth >= TC_REC_FP_DEPTH) {
        return unsure(w);
    }
    uint64_t sum = 0;
    Py_ssize_t pos = 0;
    PyObject *key, *item;
    while (PyDict_Next(dict, &pos, &key, &item) && !w->unsure) {
        sum += entry(hash_key(key, depth + 1, w), hash_arg(item, depth + 1, w));
    }
    return mix(sum, (uint64_t)PyDict_GET_SIZE(dict));
}

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030E0000
#if PY_VERSION_HEX >= 0x030D0000
typedef PyDictKeysObject TcDictKeys;
typedef PyDictUnicodeEntry TcDictUnicodeEntry;
typedef PyDictValues TcDictValues;
#define TC_DICT_KEYS_GENERAL DICT_KEYS_GENERAL
#endif

/* 3.11-3.13: an instance's attributes in its inline values (no dict made
 * yet), keyed by the type's shared keys: the same sum as hash_dict's. */
static uint64_t
hash_values(PyTypeObject *tp, TcDictValues *values, int depth, FpWalk *w)
{
    TcDictKeys *keys = (TcDictKeys *)((PyHeapTypeObject *)tp)->ht_cached_keys;
    if (keys == NULL || keys->dk_kind == TC_DICT_KEYS_GENERAL
        || depth >= TC_REC_FP_DEPTH) {
        return unsure(w);
    }
    Py_ssize_t n = keys->dk_nentries;
#if PY_VERSION_HEX >= 0x030D0000
    if (n > values->capacity) {
        n = values->capacity;
    }
#endif
    TcDictUnicodeEntry *entries = (TcDictUnicodeEntry *)
        &keys->dk_indices[(size_t)1 << keys->dk_log2_index_bytes];
    uint64_t sum = 0;
    Py_ssize_t size = 0;
    for (Py_ssize_t i = 0; i < n && !w->unsure; i++) {
        PyObject *v = values->values[i];
        if (v == NULL || entries[i].me_key == NULL) {
            continue;
        }
        if (++size > TC_REC_FP_ITEMS) {
            return unsure(w);
        }
        sum += entry(hash_key(entries[i].me_key, depth + 1, w),
                     hash_arg(v, depth + 1, w));
    }
    return mix(sum, (uint64_t)size);
}
#endif

/* Whether every class from tp down to object was made by a class
 * statement: the instance's whole state is then its dict and slots. */
static int
is_python_class(PyTypeObject *tp)
{
    for (; tp != &PyBaseObject_Type; tp = tp->tp_base) {
        if (tp == NULL || tp->tp_dealloc != python_class_dealloc
            || !(tp->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            return 0;
        }
    }
    return python_class_dealloc != NULL;
}

#ifndef Py_T_OBJECT_EX
#define Py_T_OBJECT_EX 16
#endif

/* An instance of a Python class: its __slots__ (the members of each class
 * down the base chain, which holds every slot) and its instance dict, read
 * where CPython keeps them. */
static uint64_t
hash_instance(PyObject *obj, uint64_t h, int depth, FpWalk *w)
{
    PyTypeObject *tp = Py_TYPE(obj);
    for (PyTypeObject *t = tp; t != &PyBaseObject_Type; t = t->tp_base) {
        for (PyMemberDef *m = t->tp_members; m != NULL && m->name != NULL; m++) {
            if (m->type == Py_T_OBJECT_EX) {
                if (depth >= TC_REC_FP_DEPTH) {
                    return unsure(w);
                }
                h = mix(h, hash_arg(*(PyObject **)((char *)obj + m->offset),
                                    depth + 1, w));
            }
        }
    }
    PyObject *dict = NULL;
    int managed = 0;
#if PY_VERSION_HEX >= 0x030B0000
    managed = (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) != 0;
#endif
#if PY_VERSION_HEX >= 0x030D0000 && PY_VERSION_HEX < 0x030E0000
    if (tp->tp_flags & Py_TPFLAGS_INLINE_VALUES) {
        TcDictValues *values = _PyObject_InlineValues(obj);
        if (values->valid) {
            return mix(h, hash_values(tp, values, depth, w));
        }
    }
    if (managed) {
        dict = (PyObject *)_PyObject_ManagedDictPointer(obj)->dict;
    }
#elif PY_VERSION_HEX >= 0x030C0000 && PY_VERSION_HEX < 0x030D0000
    if (managed) {
        /* pycore_object.h's PyDictOrValues, three words before the
         * object: values (tagged with 1) or a dict. */
        char *dorv = ((char **)obj)[-3];
        if ((uintptr_t)dorv & 1) {
            return mix(h, hash_values(tp, (TcDictValues *)(dorv + 1), depth, w));
        }
        dict = (PyObject *)dorv;
    }
#elif PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    if (managed) {
        /* pycore_object.h: the values four words before the object, the
         * dict three. */
        TcDictValues *values = ((TcDictValues **)obj)[-4];
        if (values != NULL) {
            return mix(h, hash_values(tp, values, depth, w));
        }
        dict = ((PyObject **)obj)[-3];
    }
#elif PY_VERSION_HEX >= 0x030E0000
    if (managed) {
        return unsure(w);     /* not read on interpreters not tested */
    }
#endif
    if (!managed && tp->tp_dictoffset > 0) {
        dict = *(PyObject **)((char *)obj + tp->tp_dictoffset);
    }
    else if (!managed && tp->tp_dictoffset < 0) {
        return unsure(w);
    }
    if (dict != NULL) {
        if (!PyDict_CheckExact(dict)) {
            return unsure(w);
        }
        h = mix(h, hash_dict(dict, depth, w));
    }
    return h;
}

/* The C value types hashed by their own hash: exactly these (a Python
 * subclass's __hash__, or a tzinfo's utcoffset() that an aware datetime's
 * hash calls, would be the program's code). */
typedef struct {
    PyObject_HEAD
    Py_hash_t hashcode;
    char hastzinfo;
} TzHead;   /* datetime.h's _PyTZINFO_HEAD */

static int
c_value_type(PyObject *value)
{
    PyTypeObject *tp = Py_TYPE(value);
    const char *name = tp->tp_name;
    if (name[0] != 'd' || tp->tp_dealloc == python_class_dealloc) {
        return 0;
    }
    if (strcmp(name, "decimal.Decimal") == 0 || strcmp(name, "datetime.date") == 0
        || strcmp(name, "datetime.timedelta") == 0) {
        return 1;
    }
    return (strcmp(name, "datetime.datetime") == 0
            || strcmp(name, "datetime.time") == 0)
           && !((TzHead *)value)->hastzinfo;
}

/* An object known only by identity: pinned (see above), or no fingerprint
 * when it cannot be. */
static uint64_t
pin(PyObject *value, uint64_t h, FpWalk *w)
{
    TcRecFingerprint *fp = w->fp;
    if (Py_TYPE(value)->tp_weaklistoffset == 0 || fp->n_pins >= TC_REC_FP_PINS) {
        return unsure(w);
    }
    fp->pins[fp->n_pins++] = value;
    return mix(h, (uintptr_t)value);
}

/* CPython's own hash of an exact int, str or bytes: no Python code. */
static uint64_t
hash_builtin(PyObject *value, uint64_t h, FpWalk *w)
{
    Py_hash_t vh = PyObject_Hash(value);
    if (vh == -1) {
        PyErr_Clear();
        return unsure(w);
    }
    return mix(h, (uint64_t)vh);
}

static uint64_t
hash_arg(PyObject *value, int depth, FpWalk *w)
{
    if (value == NULL) {
        return 0x9e3779b97f4a7c15ull;
    }
    if (--w->budget < 0) {
        return unsure(w);
    }
    PyTypeObject *tp = Py_TYPE(value);
    uint64_t h = mix(0xcbf29ce484222325ull, (uintptr_t)tp);
    /* The commonest kinds first: this runs for every argument (and every
     * value inside one) of up to TC_REC_MAX_FINGERPRINTED calls a code. */
    if (tp == &PyLong_Type) {
#if PY_VERSION_HEX >= 0x030C0000
        if (_PyLong_IsCompact((PyLongObject *)value)) {
            return mix(h, (uint64_t)_PyLong_CompactValue((PyLongObject *)value));
        }
        if (_PyLong_NumBits(value) > TC_REC_FP_INT_BITS) {
            return unsure(w);   /* its hash costs its length, every call */
        }
#else
        Py_ssize_t size = Py_SIZE(value);
        if (size >= -1 && size <= 1) {
            return mix(h, (uint64_t)(size * (sdigit)((PyLongObject *)value)->ob_digit[0]));
        }
        if (Py_ABS(size) > TC_REC_FP_INT_BITS / PyLong_SHIFT) {
            return unsure(w);   /* its hash costs its length, every call */
        }
#endif
        return hash_builtin(value, h, w);
    }
    const unsigned char *data;
    size_t n = SIZE_MAX;
    if (tp == &PyUnicode_Type) {
        if (short_text(value, &data, &n)) {
            return mix(h, data_hash(data, n));
        }
        Py_hash_t cached = ((PyASCIIObject *)value)->hash;
        if (cached != -1) {
            return mix(h, (uint64_t)cached);
        }
        if (n <= TC_REC_FP_OWN_HASH_BYTES) {
            return mix(h ^ 1, data_hash(data, n));
        }
        return n > TC_REC_FP_HASHED_BYTES ? unsure(w) : hash_builtin(value, h, w);
    }
    if (tp == &PyFloat_Type) {
        /* By its bits: CPython hashes a NaN by its address. */
        double d = PyFloat_AS_DOUBLE(value);
        uint64_t bits;
        memcpy(&bits, &d, sizeof(bits));
        return mix(h, bits);
    }
    if (tp->tp_dealloc == python_class_dealloc) {
        return is_python_class(tp) ? hash_instance(value, h, depth, w)
                                   : pin(value, h, w);
    }
    if (tp == &PyTuple_Type || tp == &PyList_Type) {
        /* Items read by index: a list is not resized under the walk (no
         * code runs), PyList_GET_SIZE bounds it. */
        Py_ssize_t size = Py_SIZE(value);
        if (size > TC_REC_FP_ITEMS || depth >= TC_REC_FP_DEPTH) {
            return unsure(w);
        }
        PyObject **items = tp == &PyTuple_Type
                           ? ((PyTupleObject *)value)->ob_item
                           : ((PyListObject *)value)->ob_item;
        h = mix(h, (uint64_t)size);
        for (Py_ssize_t i = 0; i < size && !w->unsure; i++) {
            h = mix(h, hash_arg(items[i], depth + 1, w));
        }
        return h;
    }
    if (tp == &PyDict_Type) {
        return mix(h, hash_dict(value, depth, w));
    }
    if (value == Py_None || tp == &PyBool_Type) {
        return mix(h, (uintptr_t)value);   /* immortal singletons */
    }
    if (tp == &PyBytes_Type) {
        if (short_text(value, &data, &n)) {
            return mix(h, data_hash(data, n));
        }
        return n > TC_REC_FP_HASHED_BYTES ? unsure(w) : hash_builtin(value, h, w);
    }
    if (tp == &PyComplex_Type) {
        Py_complex c = PyComplex_AsCComplex(value);
        uint64_t re, im;
        memcpy(&re, &c.real, sizeof(re));
        memcpy(&im, &c.imag, sizeof(im));
        return mix(mix(h, re), im);
    }
    if (tp == &PySet_Type || tp == &PyFrozenSet_Type) {
#if PY_VERSION_HEX >= 0x030E0000
        return unsure(w);
#else
        if (PySet_GET_SIZE(value) > TC_REC_FP_ITEMS || depth >= TC_REC_FP_DEPTH) {
            return unsure(w);
        }
        uint64_t sum = 0;
        Py_ssize_t pos = 0;
        PyObject *key;
        Py_hash_t kh;
        while (_PySet_NextEntry(value, &pos, &key, &kh) && !w->unsure) {
            sum += entry(0, hash_arg(key, depth + 1, w));
        }
        return mix(mix(h, sum), (uint64_t)PySet_GET_SIZE(value));
#endif
    }
    if (tp == &PyByteArray_Type) {
        if (PyByteArray_GET_SIZE(value) > TC_REC_FP_SHORT_BYTES) {
            return unsure(w);
        }
        return mix(h, data_hash((const unsigned char *)PyByteArray_AS_STRING(value),
                                (size_t)PyByteArray_GET_SIZE(value)));
    }
    if (tp == &PyBaseObject_Type) {
        return h;   /* object(): no state but its identity */
    }
    if (tp == &PyMethod_Type) {
        h = mix(h, hash_arg(PyMethod_GET_FUNCTION(value), depth, w));
        return mix(h, hash_arg(PyMethod_GET_SELF(value), depth, w));
    }
    if (c_value_type(value)) {
        Py_hash_t vh = tp->tp_hash(value);
        if (vh == -1) {
            PyErr_Clear();
            return unsure(w);
        }
        if (vh == _Py_HashPointer(value)) {
            return unsure(w);   /* a NaN: hashed by its address */
        }
        return mix(h, (uint64_t)vh);
    }
    return pin(value, h, w);
}

int
tc_rec_call_fingerprint(PyCodeObject *code, PyFrameObject *frame,
                        TcRecFingerprint *out)
{
    FpWalk w = {.budget = TC_REC_FP_BUDGET, .fp = out};
    out->n_pins = 0;
    int nargs = code->co_argcount + code->co_kwonlyargcount;
    if (code->co_flags & CO_VARARGS) {
        nargs++;
    }
    if (code->co_flags & CO_VARKEYWORDS) {
        nargs++;
    }
    uint64_t h = 0xcbf29ce484222325ull;
#if PY_VERSION_HEX >= 0x030E0000
    PyObject *names = PyCode_GetVarnames(code);
    if (names == NULL) {
        PyErr_Clear();
        return -1;
    }
    for (int i = 0; i < nargs && i < PyTuple_GET_SIZE(names); i++) {
        PyObject *v = PyFrame_GetVar(frame, PyTuple_GET_ITEM(names, i));
        if (v == NULL) {
            PyErr_Clear();
        }
        h = mix(h, hash_arg(v, 0, &w));
        Py_XDECREF(v);
    }
    Py_DECREF(names);
#elif PY_VERSION_HEX >= 0x030B0000
    /* 3.11-3.13: the arguments are the first slots of the interpreter
     * frame.  Going through f_locals (3.11) built the frame's whole locals
     * dict, and PyEval_GetFrame() (3.11-3.13) a frame object that the frame
     * then copies itself into at its exit, on every fingerprinted call:
     * ~3 500 instructions a call on 3.11, the largest part of the
     * recorder's cost on the orders workload (docs/PERFORMANCE.md,
     * session 4); on 3.13 (PyFrame_GetVar by name) a third of what the
     * recorder added to that workload's run (session 5).  A cell argument
     * is read through its cell, as f_locals shows it: the slot holds the
     * cell once MAKE_CELL ran (a profile function's call event, PY_START
     * on 3.12+), the plain value before (the 3.11 eval hook's).  No frame
     * given: the thread's current one, the called frame there. */
#if PY_VERSION_HEX >= 0x030D0000
    _PyInterpreterFrame *f = frame != NULL
                             ? frame->f_frame
                             : PyThreadState_Get()->current_frame;
    if (f == NULL || f->f_executable != (PyObject *)code) {
        return -1;
    }
#else
    _PyInterpreterFrame *f = frame != NULL
                             ? frame->f_frame
                             : PyThreadState_Get()->cframe->current_frame;
    if (f == NULL || f->f_code != code) {
        return -1;
    }
#endif
    for (int i = 0; i < nargs && i < code->co_nlocalsplus; i++) {
        PyObject *v = f->localsplus[i];
        if (v != NULL && PyCell_Check(v)
            && (_PyLocals_GetKind(code->co_localspluskinds, i) & CO_FAST_CELL)) {
            v = PyCell_GET(v);
        }
        h = mix(h, hash_arg(v, 0, &w));   /* borrowed */
    }
#else
    for (int i = 0; i < nargs; i++) {
        h = mix(h, hash_arg(frame->f_localsplus[i], 0, &w));
    }
#endif
    if (w.unsure) {
        return -1;
    }
    out->hash = h;
    return 0;
}

/* ---- Return values */

/* record(redact=…): _capture.redact_return_value and _capture.redact_text,
 * or NULL when the recording redacts nothing. */
static PyObject *redact_value_fn;
static PyObject *redact_text_fn;

/* _capture.redaction_needles(): lowercase ASCII words, one of which every
 * secret-looking name contains once lowercased and stripped of separators.
 * Copied into C once per set_redaction (converting them on every stored
 * value cost more than the scan), ordered by first byte so that a scan
 * compares a position only with the needles starting with its byte.
 * needles_known is 0 when the rules cannot be pre-checked that way (glob
 * patterns, a needle that is not ASCII): everything is then asked of
 * Python. */
static int needles_known;
static int needle_empty;               /* "" matches every text */
static Py_ssize_t n_needles;
static char **needle_text;
static size_t *needle_len;
static uint16_t needle_first_at[257];  /* needles starting with byte b: */
                                       /* [first_at[b], first_at[b + 1]) */
/* What the scan keeps of each byte: _SEP_RE's separators (_ - . and
 * whitespace; \s of a str pattern also holds \x1c-\x1f) are 0, dropped,
 * A-Z are lowercased, NUL (kept, not a separator) becomes 0xff, which no
 * ASCII needle holds, anything else is itself. */
static unsigned char squash_byte[256];

static void
squash_table_fill(void)
{
    for (int c = 0; c < 256; c++) {
        int sep = c == '_' || c == '-' || c == '.' || c == ' '
                  || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
        int upper = c >= 'A' && c <= 'Z';
        squash_byte[c] = sep ? 0 : (unsigned char)(upper ? c - 'A' + 'a' : c);
    }
    squash_byte[0] = 0xff;
}

static void
needles_clear(void)
{
    for (Py_ssize_t k = 0; k < n_needles; k++) {
        free(needle_text[k]);
    }
    free(needle_text);
    free(needle_len);
    needle_text = NULL;
    needle_len = NULL;
    n_needles = 0;
    needle_empty = 0;
    needles_known = 0;
    memset(needle_first_at, 0, sizeof(needle_first_at));
}

static int
needle_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when every needle was copied, 0 when the pre-check must stay off. */
static int
needles_set(PyObject *needles)
{
    Py_ssize_t n = PyTuple_GET_SIZE(needles);
    if (n > 4096) {
        return 0;
    }
    needle_text = calloc(n ? n : 1, sizeof(char *));
    needle_len = calloc(n ? n : 1, sizeof(size_t));
    if (needle_text == NULL || needle_len == NULL) {
        return 0;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *word = PyTuple_GET_ITEM(needles, k);
        if (!PyUnicode_Check(word) || !PyUnicode_IS_ASCII(word)) {
            return 0;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(word);
        if (len == 0) {
            needle_empty = 1;
            continue;
        }
        char *copy = malloc((size_t)len + 1);
        if (copy == NULL) {
            return 0;
        }
        memcpy(copy, PyUnicode_DATA(word), (size_t)len + 1);
        needle_text[n_needles++] = copy;
    }
    qsort(needle_text, (size_t)n_needles, sizeof(char *), needle_cmp);
    for (Py_ssize_t k = 0; k < n_needles; k++) {
        needle_len[k] = strlen(needle_text[k]);
    }
    squash_table_fill();
    /* first_at[b]: the first needle whose first byte is >= b. */
    Py_ssize_t k = 0;
    for (int b = 0; b <= 256; b++) {
        while (k < n_needles && (unsigned char)needle_text[k][0] < b) {
            k++;
        }
        needle_first_at[b] = (uint16_t)k;
    }
    return 1;
}

void
tc_rec_call_values_set_redaction(PyObject *value_fn, PyObject *text_fn,
                                 PyObject *needles)
{
    if (value_fn == Py_None) {
        value_fn = NULL;
    }
    if (text_fn == Py_None) {
        text_fn = NULL;
    }
    Py_XINCREF(value_fn);
    Py_XINCREF(text_fn);
    Py_XSETREF(redact_value_fn, value_fn);
    Py_XSETREF(redact_text_fn, text_fn);
    needles_clear();
    if (needles != NULL && PyTuple_CheckExact(needles)) {
        needles_known = needles_set(needles);
        if (!needles_known) {
            needles_clear();
        }
    }
}

/* Whether `text`, lowercased and without _capture._SEP_RE's separators,
 * holds a needle.  ASCII only (a non-ASCII letter can lowercase to an ASCII
 * one: the callers leave such text to Python). */
static int
ascii_may_hold_secret(const char *text, Py_ssize_t len)
{
    if (!needles_known || needle_empty) {
        return 1;
    }
    char small[512];
    char *squashed = len <= (Py_ssize_t)sizeof(small) ? small : PyMem_Malloc(len);
    if (squashed == NULL) {
        return 1;
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        unsigned char c = squash_byte[(unsigned char)text[i]];
        squashed[n] = (char)c;
        n += c != 0;
    }
    int found = 0;
    for (Py_ssize_t i = 0; i < n && !found; i++) {
        unsigned char c = (unsigned char)squashed[i];
        for (int k = needle_first_at[c]; k < needle_first_at[c + 1]; k++) {
            size_t nlen = needle_len[k];
            /* The second byte first: most candidates end there. */
            if (nlen <= (size_t)(n - i)
                && (nlen == 1 || squashed[i + 1] == needle_text[k][1])
                && memcmp(squashed + i, needle_text[k], nlen) == 0) {
                found = 1;
                break;
            }
        }
    }
    if (squashed != small) {
        PyMem_Free(squashed);
    }
    return found;
}

/* Whether redact_text could change `repr` at all: it redacts the value of a
 * name only when the name, lowercased and without its separators, holds
 * one of the needles, and a name is a piece of the text, so a text that
 * (lowercased, separators dropped) holds none of them is returned as it is.
 * Calling the Python function costs ~100 000 instructions a value; this
 * scan a few hundred. */
static int
text_may_hold_secret(PyObject *repr)
{
    if (!PyUnicode_IS_ASCII(repr)) {
        return 1;
    }
    return ascii_may_hold_secret((const char *)PyUnicode_DATA(repr),
                                 PyUnicode_GET_LENGTH(repr));
}

static int
skip_return_value(PyObject *value)
{
    return value == Py_None || PyModule_Check(value) || PyType_Check(value)
           || PyFunction_Check(value) || PyCFunction_Check(value)
           || PyMethod_Check(value);
}

/* _capture._redact_inside's limits (exact mode). */
#define TC_REC_REDACT_DEPTH 6
#define TC_REC_REDACT_ITEMS 64
/* Containers looked into before the question goes to Python anyway (a
 * list holding itself 64 times would be 64^6 visits). */
#define TC_REC_REDACT_BUDGET 4096

/* Whether _capture.redact_return_value could return anything but `value`
 * itself: 0 when it surely returns it unchanged, 1 when it might not (or
 * when this cannot tell: ask Python).  The same walk as _redact_inside in
 * exact mode (exact dicts, lists and tuples, the first 64 items of each,
 * to depth 6; a dict key of another type than str, int, float, bytes,
 * bool and None is skipped with its value), with is_secret_name replaced
 * by the needle pre-check: a name it calls secret holds a needle.  Reads
 * only exact builtin containers and str data: none of the program's code
 * runs.  Stored return values are mostly such containers of ordinary
 * keys; the Python walk cost ~40 000 instructions each. */
static int
may_redact_inside(PyObject *value, int depth, int *budget)
{
    if (depth > TC_REC_REDACT_DEPTH) {
        return 0;
    }
    if (PyDict_CheckExact(value)) {
        if (--*budget < 0) {
            return 1;
        }
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        for (int i = 0; i < TC_REC_REDACT_ITEMS
                        && PyDict_Next(value, &pos, &key, &item); i++) {
            PyTypeObject *kt = Py_TYPE(key);
            if (kt == &PyUnicode_Type) {
                if (!PyUnicode_IS_ASCII(key)
                    || ascii_may_hold_secret((const char *)PyUnicode_DATA(key),
                                             PyUnicode_GET_LENGTH(key))) {
                    return 1;
                }
            }
            else if (kt != &PyLong_Type && kt != &PyFloat_Type
                     && kt != &PyBytes_Type && kt != &PyBool_Type
                     && key != Py_None) {
                continue;
            }
            if (may_redact_inside(item, depth + 1, budget)) {
                return 1;
            }
        }
        return 0;
    }
    if (PyList_CheckExact(value) || PyTuple_CheckExact(value)) {
        if (--*budget < 0) {
            return 1;
        }
        PyObject *const *items = PyList_CheckExact(value)
                                 ? ((PyListObject *)value)->ob_item
                                 : ((PyTupleObject *)value)->ob_item;
        Py_ssize_t n = Py_SIZE(value);
        for (Py_ssize_t i = 0; i < n && i < TC_REC_REDACT_ITEMS; i++) {
            if (may_redact_inside(items[i], depth + 1, budget)) {
                return 1;
            }
        }
    }
    return 0;
}

/* The value as the recording may show it (a new reference): secrets in
 * builtin containers replaced; NULL when it cannot be known. */
static PyObject *
redacted_value(PyObject *value)
{
    if (redact_value_fn == NULL
        || !(PyDict_CheckExact(value) || PyList_CheckExact(value)
             || PyTuple_CheckExact(value))) {
        return Py_NewRef(value);
    }
    int budget = TC_REC_REDACT_BUDGET;
    if (!may_redact_inside(value, 0, &budget)) {
        return Py_NewRef(value);
    }
    PyObject *shown = PyObject_CallFunctionObjArgs(redact_value_fn, value, NULL);
    if (shown == NULL) {
        PyErr_Clear();
    }
    return shown;
}

/* A `name=value`, `'name': value` or `('name', value)` secret inside the
 * text: 1 when redaction changed it (*repr replaced), 0 when not, -1 when
 * it could not be checked. */
static int
redact_repr(PyObject **repr)
{
    if (redact_text_fn == NULL
        || (PyUnicode_FindChar(*repr, '=', 0, PY_SSIZE_T_MAX, 1) < 0
            && PyUnicode_FindChar(*repr, ':', 0, PY_SSIZE_T_MAX, 1) < 0
            && PyUnicode_FindChar(*repr, '(', 0, PY_SSIZE_T_MAX, 1) < 0)
        || !text_may_hold_secret(*repr)) {
        PyErr_Clear();
        return 0;
    }
    PyObject *text = PyObject_CallFunctionObjArgs(redact_text_fn, *repr, NULL);
    if (text == NULL || !PyUnicode_Check(text)) {
        PyErr_Clear();
        Py_XDECREF(text);
        return -1;
    }
    int same = PyUnicode_Compare(text, *repr) == 0;
    Py_SETREF(*repr, text);
    return !same;
}

void
tc_rec_return_value_record(TcRecThread *t, TcRecCode *rc, PyObject *value)
{
    if (skip_return_value(value)) {
        return;
    }
    rc->n_return_values++;
    tc_rec.n_return_values++;
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    PyObject *shown = redacted_value(value);
    PyObject *repr = shown != NULL
                     ? tc_rec_safe_repr(shown, TC_REC_RETURN_REPR_BYTES, NULL)
                     : NULL;
    int keep_value = 1;
    if (repr != NULL) {
        /* A secret seen only in the text (a str holding "token=…", a
         * secret under a key of the program's own type): the text says
         * <redacted> and the structured value is left out. */
        int changed = redact_repr(&repr);
        if (changed < 0) {
            Py_SETREF(repr, PyUnicode_FromString("<redacted>"));
        }
        keep_value = changed == 0;
    }
    else {
        PyErr_Clear();
        repr = PyUnicode_FromString("<redacted>");
        keep_value = 0;
    }
    if (repr != NULL) {
        TcRecScratch scratch;
        tc_rec_scratch_init(&scratch);
        TcReturnValue rv = {
            .code_id = rc->code_id,
            .repr = tc_rec_str(repr),
            .type_name = TC_STR(Py_TYPE(value)->tp_name),
        };
        tc_rec_value_from_object(&scratch, keep_value ? shown : NULL,
                                 &rv.value);
        pthread_mutex_lock(&tc_rec.lock);
        tc_rec_thread_define_locked(t);
        if (tc_rec.writer != NULL) {
            tc_writer_write_return_value(tc_rec.writer, t->tid, tc_rec_now(),
                                         &rv);
        }
        pthread_mutex_unlock(&tc_rec.lock);
        tc_rec_scratch_free(&scratch);
        Py_DECREF(repr);
    }
    Py_XDECREF(shown);
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
}

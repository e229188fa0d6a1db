/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-safe-collections.c — the safe repr of the collections
 * module's containers and of subclasses of the builtin ones.
 *
 * A function's return value is often a deque, an OrderedDict, a Counter,
 * a defaultdict, or a class of the program's own deriving from list or
 * dict; they showed as "<Counter object>".  Each is written as its repr()
 * spells it (the class's own name included) from its storage and its C
 * iterator, when its class keeps the base's repr and iteration: a class
 * with a __repr__, __iter__ or items() of its own keeps "<Type object>",
 * since repr() would run that code and this runs inside a call hook.
 */
#include "tc-recorder-safe-repr.h"

#include <stdio.h>
#include <stdlib.h>   /* qsort */
#include <string.h>
#if PY_VERSION_HEX < 0x030C0000
#include <structmember.h>   /* PyMember_GetOne; in Python.h from 3.12 */
#endif

/* The collections module's classes, looked up once when the recorder is
 * imported (they are never replaced: the module is in sys.modules). */
static PyTypeObject *deque_type;
static PyTypeObject *defaultdict_type;
static PyTypeObject *ordered_dict_type;
static PyTypeObject *counter_type;

/* A Counter's most common items and an OrderedDict's keys are found in a
 * pass over all of them (7-11 ns an item here): inside a call hook,
 * bigger ones than this are "<Counter of N items>", so that a function
 * returning a big Counter 100 times pays at most ~0.1 ms each (a
 * snapshot's locals show it whole: they are not read in a hook). */
#define TC_REC_SAFE_SCAN_ITEMS 8192

static PyTypeObject *
collections_type(PyObject *module, const char *name)
{
    PyObject *tp = PyObject_GetAttrString(module, name);
    if (tp != NULL && !PyType_Check(tp)) {
        Py_CLEAR(tp);
    }
    PyErr_Clear();
    return (PyTypeObject *)tp;   /* kept for the interpreter's life */
}

void
tc_rec_safe_collections_init(void)
{
    if (deque_type != NULL) {
        return;
    }
    PyObject *collections = PyImport_ImportModule("collections");
    if (collections == NULL) {
        PyErr_Clear();
        return;
    }
    deque_type = collections_type(collections, "deque");
    defaultdict_type = collections_type(collections, "defaultdict");
    ordered_dict_type = collections_type(collections, "OrderedDict");
    counter_type = collections_type(collections, "Counter");
    Py_DECREF(collections);
}

/* 1 when `tp` derives from `base` and no class of its MRO before `base`
 * defines any of `names` (NULL-terminated) in its dict: `base`'s Python
 * methods of those names are the ones that run. */
static int
keeps_base_methods(PyTypeObject *tp, PyTypeObject *base,
                   const char *const *names)
{
    PyObject *mro = tp->tp_mro;
    if (base == NULL || mro == NULL || !PyTuple_Check(mro)) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
        PyTypeObject *cls = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (cls == base) {
            return 1;
        }
        for (const char *const *n = names; *n != NULL; n++) {
            if (cls->tp_dict != NULL
                && PyDict_GetItemString(cls->tp_dict, *n) != NULL) {
                return 0;
            }
        }
    }
    return 0;
}

/* A subclass whose repr() is `base`'s C repr (a class statement defining
 * __repr__ gets a slot function of its own instead); `iterated`: that repr
 * iterates the object, so its iteration must be `base`'s too. */
static int
keeps_base_repr(PyTypeObject *tp, PyTypeObject *base, int iterated)
{
    return base != NULL && PyType_IsSubtype(tp, base)
           && tp->tp_repr == base->tp_repr
           && (!iterated || tp->tp_iter == base->tp_iter);
}

/* An attribute `base` defines in C (deque.maxlen, a getset;
 * defaultdict.default_factory, a member), read through `base`'s own
 * descriptor: a subclass's property of that name is not run. */
static PyObject *
base_c_attribute(PyTypeObject *base, PyObject *obj, const char *name)
{
    for (PyGetSetDef *g = base->tp_getset; g != NULL && g->name; g++) {
        if (strcmp(g->name, name) == 0 && g->get != NULL) {
            return g->get(obj, g->closure);
        }
    }
    for (PyMemberDef *m = base->tp_members; m != NULL && m->name; m++) {
        if (strcmp(m->name, name) == 0) {
            return PyMember_GetOne((const char *)obj, m);
        }
    }
    return NULL;
}

/* "<Counter of 1000000 items>": a container too big to look through. */
static void
text_too_big(TcSafeText *t, PyObject *obj)
{
    char msg[48];
    snprintf(msg, sizeof(msg), " of %zd items>", PyDict_GET_SIZE(obj));
    tc_safe_text_cstr(t, "<");
    tc_safe_text_cstr(t, tc_safe_type_name(Py_TYPE(obj)));
    tc_safe_text_cstr(t, msg);
}

/* Items from a C iterator, comma-separated; "…" for any at the depth
 * limit. */
static void
iterated_items(TcSafeText *t, PyObject *obj, int depth)
{
    PyObject *it = PyObject_GetIter(obj);
    PyObject *item;
    for (int first = 1; it != NULL && !t->full
                        && (item = PyIter_Next(it)) != NULL; first = 0) {
        if (depth >= TC_REC_SAFE_DEPTH) {
            tc_safe_text_cstr(t, "\xe2\x80\xa6");
            Py_DECREF(item);
            break;
        }
        if (!first) {
            tc_safe_text_cstr(t, ", ");
        }
        tc_safe_repr(t, item, depth + 1);
        Py_DECREF(item);
    }
    Py_XDECREF(it);
    PyErr_Clear();
}

/* deque([1, 2], maxlen=5) */
static void
safe_deque(TcSafeText *t, PyObject *obj, int depth)
{
    tc_safe_text_cstr(t, tc_safe_type_name(Py_TYPE(obj)));
    tc_safe_text_cstr(t, "([");
    iterated_items(t, obj, depth);
    tc_safe_text_cstr(t, "]");
    PyObject *maxlen = base_c_attribute(deque_type, obj, "maxlen");
    if (maxlen != NULL && maxlen != Py_None) {
        tc_safe_text_cstr(t, ", maxlen=");
        tc_safe_repr(t, maxlen, TC_REC_SAFE_DEPTH);
    }
    PyErr_Clear();
    Py_XDECREF(maxlen);
    tc_safe_text_cstr(t, ")");
}

/* defaultdict(<class 'list'>, {...}).  The factory is written when its
 * repr is the interpreter's own (a class of the plain metaclass, a
 * function, a builtin), else as <Type object>. */
static void
safe_defaultdict(TcSafeText *t, PyObject *obj, int depth)
{
    tc_safe_text_cstr(t, tc_safe_type_name(Py_TYPE(obj)));
    tc_safe_text_cstr(t, "(");
    PyObject *factory = base_c_attribute(defaultdict_type, obj,
                                         "default_factory");
    if (factory == NULL) {
        PyErr_Clear();
        tc_safe_text_cstr(t, "?");
    }
    else if (factory == Py_None || Py_TYPE(factory) == &PyType_Type
             || PyFunction_Check(factory) || PyCFunction_Check(factory)) {
        tc_safe_text_str(t, PyObject_Repr(factory));
    }
    else {
        tc_safe_text_opaque(t, factory);
    }
    Py_XDECREF(factory);
    tc_safe_text_cstr(t, ", ");
    tc_safe_items(t, obj, "{", "}", depth);
    tc_safe_text_cstr(t, ")");
}

/* 1 when hashing `key` runs none of the program's code: the builtin
 * scalars and tuples and frozensets of them (a frozenset's hash reads its
 * items' stored hashes). */
static int
hash_runs_no_code(PyObject *key, int depth)
{
    if (PyUnicode_CheckExact(key) || PyLong_CheckExact(key)
        || PyFloat_CheckExact(key) || PyBytes_CheckExact(key)
        || PyBool_Check(key) || key == Py_None
        || PyFrozenSet_CheckExact(key)) {
        return 1;
    }
    if (!PyTuple_CheckExact(key) || depth >= TC_REC_SAFE_DEPTH) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(key); i++) {
        if (!hash_runs_no_code(PyTuple_GET_ITEM(key, i), depth + 1)) {
            return 0;
        }
    }
    return 1;
}

/* 1 when every key of a dict hashes without running the program's code:
 * an OrderedDict's iterator finds each key's node by hashing it. */
static int
keys_hash_in_c(PyObject *dict)
{
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(dict, &pos, &k, &v)) {
        if (!hash_runs_no_code(k, 0)) {
            return 0;
        }
    }
    return 1;
}

/* OrderedDict({'b': 2, 'a': 1}) from 3.12 on, OrderedDict([('b', 2),
 * ('a', 1)]) before: in the OrderedDict's order (move_to_end() changes it,
 * not the dict's), each value found by its key.  1 when written: every
 * step of its iterator hashes a key, so keys that run code to hash
 * (looked for in one pass first) leave it <OrderedDict object>. */
static int
safe_ordered_dict(TcSafeText *t, PyObject *obj, int depth)
{
#if PY_VERSION_HEX >= 0x030C0000
    const char *open = "({", *close = "})", *pair_open = "", *pair_close = "";
    const char *between = ": ";
#else
    const char *open = "([", *close = "])", *pair_open = "(";
    const char *pair_close = ")", *between = ", ";
#endif
    if (PyDict_GET_SIZE(obj) > TC_REC_SAFE_SCAN_ITEMS) {
        text_too_big(t, obj);
        return 1;
    }
    if (!keys_hash_in_c(obj)) {
        return 0;
    }
    tc_safe_text_cstr(t, tc_safe_type_name(Py_TYPE(obj)));
    if (PyDict_GET_SIZE(obj) == 0) {
        tc_safe_text_cstr(t, "()");
        return 1;
    }
    tc_safe_text_cstr(t, open);
    if (depth >= TC_REC_SAFE_DEPTH) {
        tc_safe_text_cstr(t, "\xe2\x80\xa6");
        tc_safe_text_cstr(t, close);
        return 1;
    }
    PyObject *it = PyObject_GetIter(obj);
    PyObject *key;
    for (int first = 1; it != NULL && !t->full
                        && (key = PyIter_Next(it)) != NULL; first = 0) {
        PyObject *value = PyDict_GetItemWithError(obj, key);
        if (value == NULL) {
            t->full = 1;   /* gone: changed by another thread */
        }
        else {
            if (!first) {
                tc_safe_text_cstr(t, ", ");
            }
            tc_safe_text_cstr(t, pair_open);
            tc_safe_repr(t, key, depth + 1);
            tc_safe_text_cstr(t, between);
            tc_safe_repr(t, value, depth + 1);
            tc_safe_text_cstr(t, pair_close);
        }
        Py_DECREF(key);
    }
    Py_XDECREF(it);
    PyErr_Clear();
    tc_safe_text_cstr(t, close);
    return 1;
}

/* ---- Counter: its repr lists the most common first (most_common()'s
 * order: counts descending, equal counts in insertion order).  Only as
 * many items as the text can show are needed: they are picked in one pass
 * with a heap, never by sorting the whole Counter.  Counts are compared
 * in C, so they must be ints (or bools) and floats; a Counter of other
 * counts, whose comparison could run the program's code, stays
 * <Counter object>. */

typedef struct {
    double count;        /* compared first: one instruction */
    int64_t exact;       /* an int's count, exact beyond 2^53 too */
    int is_float;
    Py_ssize_t index;    /* insertion order */
    PyObject *key, *value;   /* borrowed while picking, then owned */
} CountedItem;

/* The count as an int64 where two counts' doubles are equal: a float
 * then equal to an int's double is integral.  (A float of 2^63 or more
 * saturates: a tie with the largest int64 goes by insertion order.) */
static int64_t
exact_count(const CountedItem *c)
{
    if (!c->is_float) {
        return c->exact;
    }
    return c->count >= 0x1p63 ? INT64_MAX
           : c->count < -0x1p63 ? INT64_MIN : (int64_t)c->count;
}

/* 1 when `a` comes before `b` in most_common()'s order. */
static int
counted_before(const CountedItem *a, const CountedItem *b)
{
    if (a->count != b->count) {
        return a->count > b->count;
    }
    int64_t x = exact_count(a), y = exact_count(b);
    return x > y || (x == y && a->index < b->index);
}

static int
counted_cmp(const void *a, const void *b)
{
    return counted_before(a, b) ? -1 : 1;   /* indexes differ: never 0 */
}

/* The heap keeps the last in order at its root. */
static void
heap_sift_down(CountedItem *heap, size_t n, size_t i)
{
    for (;;) {
        size_t last = i, l = 2 * i + 1, r = l + 1;
        if (l < n && counted_before(&heap[last], &heap[l])) {
            last = l;
        }
        if (r < n && counted_before(&heap[last], &heap[r])) {
            last = r;
        }
        if (last == i) {
            return;
        }
        CountedItem swap = heap[i];
        heap[i] = heap[last];
        heap[last] = swap;
        i = last;
    }
}

static void
heap_sift_up(CountedItem *heap, size_t i)
{
    while (i > 0 && counted_before(&heap[(i - 1) / 2], &heap[i])) {
        CountedItem swap = heap[i];
        heap[i] = heap[(i - 1) / 2];
        heap[(i - 1) / 2] = swap;
        i = (i - 1) / 2;
    }
}

/* A count compared in C: 0 when it is not an int (of 64 bits), a bool or
 * a float (or is a NaN, which sorted() places by its neighbours). */
static int
count_of(PyObject *value, CountedItem *item)
{
    if (PyFloat_CheckExact(value)) {
        item->count = PyFloat_AS_DOUBLE(value);
        item->is_float = 1;
        return item->count == item->count;
    }
    if (PyLong_CheckExact(value) || PyBool_Check(value)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow || (v == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return 0;
        }
        item->exact = v;
        item->count = (double)v;
        return 1;
    }
    return 0;
}

/* The first `want` items in most_common()'s order into `heap` (sorted),
 * holding references to their keys and counts (writing them may allocate,
 * and a collection run a __del__ that changes the Counter); their number,
 * or -1 when a count cannot be compared in C. */
static Py_ssize_t
most_common(PyObject *obj, CountedItem *heap, size_t want)
{
    size_t n = 0;
    Py_ssize_t pos = 0, index = 0;
    PyObject *k, *v;
    while (PyDict_Next(obj, &pos, &k, &v)) {
        CountedItem item = {.index = index++, .key = k, .value = v};
        if (!count_of(v, &item)) {
            return -1;
        }
        if (n < want) {
            heap[n] = item;
            heap_sift_up(heap, n++);
        }
        else if (counted_before(&item, &heap[0])) {
            heap[0] = item;
            heap_sift_down(heap, n, 0);
        }
    }
    qsort(heap, n, sizeof(*heap), counted_cmp);
    for (size_t i = 0; i < n; i++) {
        Py_INCREF(heap[i].key);
        Py_INCREF(heap[i].value);
    }
    return (Py_ssize_t)n;
}

static void
counted_items_free(CountedItem *heap, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_DECREF(heap[i].key);
        Py_DECREF(heap[i].value);
    }
    PyMem_Free(heap);
}

PyObject *
tc_rec_most_common(PyObject *counter, Py_ssize_t n)
{
    if (!PyDict_Check(counter) || n < 0) {
        PyErr_SetString(PyExc_TypeError, "most_common(counter, n >= 0)");
        return NULL;
    }
    size_t want = (size_t)Py_MIN(n, PyDict_GET_SIZE(counter));
    CountedItem *heap = PyMem_Malloc((want ? want : 1) * sizeof(*heap));
    if (heap == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t found = most_common(counter, heap, want);
    PyObject *items = found >= 0 ? PyList_New(found) : Py_NewRef(Py_None);
    for (Py_ssize_t i = 0; items != Py_None && items != NULL && i < found;
         i++) {
        PyObject *pair = PyTuple_Pack(2, heap[i].key, heap[i].value);
        if (pair == NULL) {
            Py_CLEAR(items);
            break;
        }
        PyList_SET_ITEM(items, i, pair);
    }
    counted_items_free(heap, Py_MAX(found, 0));
    return items;
}

/* Counter({'a': 5, 'b': 2}): 1 when written. */
static int
safe_counter(TcSafeText *t, PyObject *obj, int depth)
{
    const char *name = tc_safe_type_name(Py_TYPE(obj));
    if (PyDict_GET_SIZE(obj) == 0) {
        tc_safe_text_cstr(t, name);
        tc_safe_text_cstr(t, "()");
        return 1;
    }
    if (PyDict_GET_SIZE(obj) > TC_REC_SAFE_SCAN_ITEMS) {
        text_too_big(t, obj);
        return 1;
    }
    /* Each item takes at least "k: v, ": this many fill the text. */
    size_t want = (t->limit - t->len) / 6 + 2;
    CountedItem *heap = PyMem_Malloc(want * sizeof(*heap));
    Py_ssize_t n = heap != NULL ? most_common(obj, heap, want) : -1;
    if (n < 0) {
        PyMem_Free(heap);
        return 0;
    }
    tc_safe_text_cstr(t, name);
    tc_safe_text_cstr(t, "({");
    Py_ssize_t shown = n;
    if (depth >= TC_REC_SAFE_DEPTH) {
        tc_safe_text_cstr(t, "\xe2\x80\xa6");
        shown = 0;
    }
    for (Py_ssize_t i = 0; i < shown && !t->full; i++) {
        if (i > 0) {
            tc_safe_text_cstr(t, ", ");
        }
        tc_safe_repr(t, heap[i].key, depth + 1);
        tc_safe_text_cstr(t, ": ");
        tc_safe_repr(t, heap[i].value, depth + 1);
    }
    counted_items_free(heap, n);
    tc_safe_text_cstr(t, "})");
    return 1;
}

/* A subclass of list, tuple, dict, set or frozenset keeping its base's
 * repr: a list's and a dict's reprs do not name the class, a set's do
 * (S({1, 2}), S()).  1 when written. */
static int
safe_builtin_subclass(TcSafeText *t, PyObject *obj, int depth)
{
    PyTypeObject *tp = Py_TYPE(obj);
    if (keeps_base_repr(tp, &PyList_Type, 0)) {
        tc_safe_items(t, obj, "[", "]", depth);
        return 1;
    }
    if (keeps_base_repr(tp, &PyTuple_Type, 0)) {
        tc_safe_items(t, obj, "(", ")", depth);
        return 1;
    }
    if (keeps_base_repr(tp, &PyDict_Type, 0)) {
        tc_safe_items(t, obj, "{", "}", depth);
        return 1;
    }
    if (keeps_base_repr(tp, &PySet_Type, 1)
        || keeps_base_repr(tp, &PyFrozenSet_Type, 1)) {
        tc_safe_text_cstr(t, tc_safe_type_name(tp));
        if (PySet_GET_SIZE(obj) == 0) {
            tc_safe_text_cstr(t, "()");
        }
        else {
            tc_safe_text_cstr(t, "(");
            tc_safe_items(t, obj, "{", "}", depth);
            tc_safe_text_cstr(t, ")");
        }
        return 1;
    }
    return 0;
}

int
tc_safe_collection(TcSafeText *t, PyObject *obj, int depth)
{
    static const char *const dict_reading[] = {
        "__repr__", "__iter__", "items", "keys", "most_common", NULL,
    };
    PyTypeObject *tp = Py_TYPE(obj);
    if (keeps_base_repr(tp, deque_type, 1)) {
        safe_deque(t, obj, depth);
        return 1;
    }
    if (keeps_base_repr(tp, defaultdict_type, 0)) {
        safe_defaultdict(t, obj, depth);
        return 1;
    }
    if (keeps_base_repr(tp, ordered_dict_type, 1)
        && keeps_base_methods(tp, ordered_dict_type, dict_reading)) {
        return safe_ordered_dict(t, obj, depth);
    }
    /* Counter's repr is Python code: its methods, not slots, decide. */
    if (counter_type != NULL && PyType_IsSubtype(tp, counter_type)
        && keeps_base_methods(tp, counter_type, dict_reading)) {
        return safe_counter(t, obj, depth);
    }
    return safe_builtin_subclass(t, obj, depth);
}

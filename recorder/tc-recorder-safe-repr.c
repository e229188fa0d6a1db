/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-safe-repr.c — a repr that runs none of the program's code.
 *
 * The hooks describe return values with it: a __repr__ may be slow, have
 * side effects or produce megabytes, and it would run inside a call hook.
 * Builtin scalars and builtin containers of them are written out (their
 * reprs are CPython's own C code; big ones are cut before formatting);
 * namedtuples and dataclasses (tc-recorder-safe-records.c) and the
 * collections module's containers (tc-recorder-safe-collections.c) too;
 * numpy arrays, pandas frames and series and torch tensors get the
 * locals' summaries from their attributes (the library's code, never
 * min/max of an object array, which would compare the program's objects);
 * anything else is "<Type object>".
 */
#include "tc-recorder-safe-repr.h"

#include <string.h>

void
tc_safe_text_add(TcSafeText *t, const char *s, size_t n)
{
    if (t->full) {
        return;
    }
    if (t->len + n > t->limit) {
        n = t->limit - t->len;
        /* Cut on a character boundary. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
        t->full = 1;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

void
tc_safe_text_cstr(TcSafeText *t, const char *s)
{
    tc_safe_text_add(t, s, strlen(s));
}

void
tc_safe_text_str(TcSafeText *t, PyObject *str)
{
    if (str == NULL) {
        PyErr_Clear();
        tc_safe_text_cstr(t, "?");
        return;
    }
    Py_ssize_t n = 0;
    const char *utf8 = PyUnicode_Check(str)
                       ? PyUnicode_AsUTF8AndSize(str, &n) : NULL;
    if (utf8 == NULL) {
        PyErr_Clear();
        tc_safe_text_cstr(t, "?");
    }
    else {
        tc_safe_text_add(t, utf8, (size_t)n);
    }
    Py_DECREF(str);
}

/* The class name a user sees: "Foo" for "module.Foo". */
const char *
tc_safe_type_name(PyTypeObject *tp)
{
    const char *dot = strrchr(tp->tp_name, '.');
    return dot ? dot + 1 : tp->tp_name;
}

/* An object the safe repr does not look into: <Foo object>. */
void
tc_safe_text_opaque(TcSafeText *t, PyObject *obj)
{
    tc_safe_text_cstr(t, "<");
    tc_safe_text_cstr(t, tc_safe_type_name(Py_TYPE(obj)));
    tc_safe_text_cstr(t, " object>");
}

/* The module of a class, read from the type itself (no attribute lookup
 * that a metaclass could intercept). */
static const char *
type_module(PyTypeObject *tp)
{
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyObject *m = tp->tp_dict ? PyDict_GetItemString(tp->tp_dict,
                                                         "__module__")
                                  : NULL;
        return m != NULL && PyUnicode_Check(m) ? PyUnicode_AsUTF8(m) : NULL;
    }
    return tp->tp_name;   /* "numpy.ndarray": the module is the prefix */
}

static int
module_is(const char *module, const char *package)
{
    size_t n = strlen(package);
    return module != NULL && strncmp(module, package, n) == 0
           && (module[n] == '\0' || module[n] == '.');
}

static void
safe_attr_str(TcSafeText *t, PyObject *obj, const char *attr, int as_repr)
{
    PyObject *v = PyObject_GetAttrString(obj, attr);
    if (v == NULL) {
        PyErr_Clear();
        tc_safe_text_cstr(t, "?");
        return;
    }
    if (as_repr) {
        tc_safe_repr(t, v, TC_REC_SAFE_DEPTH - 1);
    }
    else {
        tc_safe_text_str(t, PyObject_Str(v));
    }
    Py_DECREF(v);
}

/* torch.Tensor, or a subclass torch itself defines (nn.Parameter: a
 * model's weights, met in every training loop's locals).  A subclass of the
 * program's own may override what the summary reads: not this. */
static int
is_torch_tensor(PyTypeObject *tp)
{
    if (!module_is(type_module(tp), "torch")) {
        return 0;
    }
    PyObject *mro = tp->tp_mro;
    for (Py_ssize_t i = 0; mro != NULL && i < PyTuple_GET_SIZE(mro); i++) {
        PyTypeObject *base = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (strcmp(tc_safe_type_name(base), "Tensor") == 0
            && module_is(type_module(base), "torch")) {
            return 1;
        }
    }
    return 0;
}

/* The safe repr of an object just made from an attribute (a new
 * reference, taken), or "?" where making it failed. */
static void
safe_repr_made(TcSafeText *t, PyObject *made)
{
    if (made == NULL) {
        PyErr_Clear();
        tc_safe_text_cstr(t, "?");
        return;
    }
    tc_safe_repr(t, made, TC_REC_SAFE_DEPTH - 1);
    Py_DECREF(made);
}

/* A GPU array's shape, dtype and device, read from its attributes: its
 * repr would wait for the GPU and copy the values to the host.  The shape
 * as a tuple: torch.Size's own repr says "torch.Size([2, 3])". */
static void
device_array_summary(TcSafeText *t, PyObject *obj, const char *label)
{
    tc_safe_text_cstr(t, label);
    tc_safe_text_cstr(t, "(");
    PyObject *shape = PyObject_GetAttrString(obj, "shape");
    safe_repr_made(t, shape ? PySequence_Tuple(shape) : NULL);
    Py_XDECREF(shape);
    tc_safe_text_cstr(t, ") ");
    safe_attr_str(t, obj, "dtype", 0);
    tc_safe_text_cstr(t, " dev=");
    safe_attr_str(t, obj, "device", 0);
}

/* numpy / pandas / torch / cupy / jax, recognised by the exact class (a
 * subclass may override what is read here; torch's own subclasses of
 * Tensor excepted): 1 when summarised. */
static int
library_summary(TcSafeText *t, PyObject *obj)
{
    PyTypeObject *tp = Py_TYPE(obj);
    const char *module = type_module(tp);
    const char *name = tc_safe_type_name(tp);
    if (module_is(module, "cupy") && strcmp(name, "ndarray") == 0) {
        device_array_summary(t, obj, "cupy.ndarray");
        return 1;
    }
    /* jax.Array's one class (jaxlib.xla_extension, or jaxlib._jax since
     * jaxlib 0.6); tracers inside jit print cheaply, as themselves. */
    if (module_is(module, "jaxlib") && strcmp(name, "ArrayImpl") == 0) {
        device_array_summary(t, obj, "jax.Array");
        return 1;
    }
    if (module_is(module, "numpy")) {
        if (strcmp(name, "ndarray") == 0) {
            tc_safe_text_cstr(t, "ndarray(");
            safe_attr_str(t, obj, "shape", 1);
            tc_safe_text_cstr(t, ") ");
            safe_attr_str(t, obj, "dtype", 0);
            return 1;
        }
        if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            /* numpy's scalars (numpy.float64 …): numpy's C repr. */
            tc_safe_text_str(t, PyObject_Repr(obj));
            return 1;
        }
        return 0;
    }
    if (module_is(module, "pandas")) {
        if (strcmp(name, "DataFrame") == 0) {
            tc_safe_text_cstr(t, "DataFrame(");
            safe_attr_str(t, obj, "shape", 1);
            tc_safe_text_cstr(t, ") cols=");
            PyObject *cols = PyObject_GetAttrString(obj, "columns");
            PyObject *head = cols ? PySequence_GetSlice(cols, 0, 5) : NULL;
            safe_repr_made(t, head ? PySequence_List(head) : NULL);
            Py_XDECREF(head);
            Py_XDECREF(cols);
            return 1;
        }
        if (strcmp(name, "Series") == 0) {
            tc_safe_text_cstr(t, "Series[");
            safe_attr_str(t, obj, "dtype", 0);
            char len[40];
            Py_ssize_t n = PyObject_Length(obj);
            if (n < 0) {
                PyErr_Clear();
                tc_safe_text_cstr(t, "]");
            }
            else {
                snprintf(len, sizeof(len), "] len=%zd", n);
                tc_safe_text_cstr(t, len);
            }
            return 1;
        }
        return 0;
    }
    if (is_torch_tensor(tp)) {
        /* Tensor, or torch's own subclass: Parameter */
        device_array_summary(t, obj, name);
        tc_safe_text_cstr(t, " grad=");
        safe_attr_str(t, obj, "requires_grad", 1);
        return 1;
    }
    return 0;
}

void
tc_safe_items(TcSafeText *t, PyObject *obj, const char *open,
              const char *close, int depth)
{
    tc_safe_text_cstr(t, open);
    if (depth >= TC_REC_SAFE_DEPTH) {
        tc_safe_text_cstr(t, "\xe2\x80\xa6");
        tc_safe_text_cstr(t, close);
        return;
    }
    if (PyDict_Check(obj)) {   /* a dict's storage, a subclass's too */
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        int first = 1;
        while (!t->full && PyDict_Next(obj, &pos, &k, &v)) {
            if (!first) {
                tc_safe_text_cstr(t, ", ");
            }
            first = 0;
            tc_safe_repr(t, k, depth + 1);
            tc_safe_text_cstr(t, ": ");
            tc_safe_repr(t, v, depth + 1);
        }
    }
    else if (PyAnySet_Check(obj)) {
        /* Through set's C iterator (a subclass's is checked to be it). */
        PyObject *it = PyObject_GetIter(obj);
        PyObject *item;
        int first = 1;
        while (it != NULL && !t->full && (item = PyIter_Next(it)) != NULL) {
            if (!first) {
                tc_safe_text_cstr(t, ", ");
            }
            first = 0;
            tc_safe_repr(t, item, depth + 1);
            Py_DECREF(item);
        }
        Py_XDECREF(it);
        PyErr_Clear();
    }
    else {
        int tuple = PyTuple_Check(obj);
        /* The size is read again each time: nothing here runs code that
         * could change the list, but be safe anyway. */
        for (Py_ssize_t i = 0; !t->full; i++) {
            Py_ssize_t n = tuple ? PyTuple_GET_SIZE(obj)
                                 : PyList_GET_SIZE(obj);
            if (i >= n) {
                if (tuple && n == 1) {
                    tc_safe_text_cstr(t, ",");
                }
                break;
            }
            if (i > 0) {
                tc_safe_text_cstr(t, ", ");
            }
            tc_safe_repr(t, tuple ? PyTuple_GET_ITEM(obj, i)
                               : PyList_GET_ITEM(obj, i), depth + 1);
        }
    }
    tc_safe_text_cstr(t, close);
}

/* Read from the dicts of the classes of `tp`'s MRO: no descriptor,
 * metaclass or other program code runs.  The static builtin types of
 * 3.12+ keep no tp_dict: skipped. */
PyTypeObject *
tc_safe_class_defining(PyTypeObject *tp, const char *name)
{
    PyObject *mro = tp->tp_mro;
    if (mro == NULL || !PyTuple_Check(mro)) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
        PyTypeObject *cls = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (cls->tp_dict != NULL
            && PyDict_GetItemString(cls->tp_dict, name) != NULL) {
            return cls;
        }
    }
    return NULL;
}

PyObject *
tc_safe_class_item(PyTypeObject *tp, const char *name)
{
    PyTypeObject *cls = tc_safe_class_defining(tp, name);
    return cls != NULL ? PyDict_GetItemString(cls->tp_dict, name) : NULL;
}

/* The commonest leaves written directly, as their repr() spells them: a
 * temporary repr object and its copy cost ~650 instructions a leaf, and a
 * return value is mostly leaves (docs/PERFORMANCE.md, "Sessions 9-10").
 * 1 when written. */
static int
text_plain_leaf(TcSafeText *t, PyObject *obj)
{
    if (obj == Py_None || obj == Py_True || obj == Py_False) {
        tc_safe_text_cstr(t, obj == Py_None ? "None" : obj == Py_True ? "True"
                                                              : "False");
        return 1;
    }
    if (PyLong_CheckExact(obj)) {
        int overflow;
        long v = PyLong_AsLongAndOverflow(obj, &overflow);
        if (overflow || (v == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return 0;
        }
        char digits[24];
        int n = snprintf(digits, sizeof(digits), "%ld", v);
        tc_safe_text_add(t, digits, (size_t)n);
        return 1;
    }
    /* A str of printable ASCII without a quote or a backslash: repr() only
     * puts it between single quotes. */
    if (PyUnicode_CheckExact(obj) && PyUnicode_IS_ASCII(obj)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(obj);
        if (n > (Py_ssize_t)(t->limit - t->len)) {
            return 0;   /* cut: the general way formats only the head */
        }
        const unsigned char *p = PyUnicode_1BYTE_DATA(obj);
        for (Py_ssize_t i = 0; i < n; i++) {
            if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '\'' || p[i] == '\\') {
                return 0;
            }
        }
        tc_safe_text_add(t, "'", 1);
        tc_safe_text_add(t, (const char *)p, (size_t)n);
        tc_safe_text_add(t, "'", 1);
        return 1;
    }
    return 0;
}

void
tc_safe_repr(TcSafeText *t, PyObject *obj, int depth)
{
    if (t->full || text_plain_leaf(t, obj)) {
        return;
    }
    if (PyFloat_CheckExact(obj) || PyComplex_CheckExact(obj)) {
        tc_safe_text_str(t, PyObject_Repr(obj));
        return;
    }
    if (PyLong_CheckExact(obj)) {
        size_t bits = _PyLong_NumBits(obj);
        if (bits == (size_t)-1 || bits > 4096) {
            /* Formatting a huge int is quadratic. */
            PyErr_Clear();
            char msg[64];
            snprintf(msg, sizeof(msg), "<int of %zu bits>", bits);
            tc_safe_text_cstr(t, msg);
            return;
        }
        tc_safe_text_str(t, PyObject_Repr(obj));
        return;
    }
    if (PyUnicode_CheckExact(obj) || PyBytes_CheckExact(obj)) {
        /* Only the head that fits is formatted. */
        Py_ssize_t n = PyUnicode_CheckExact(obj) ? PyUnicode_GET_LENGTH(obj)
                                                 : PyBytes_GET_SIZE(obj);
        Py_ssize_t room = (Py_ssize_t)(t->limit - t->len) + 1;
        if (n > room) {
            PyObject *head = PyUnicode_CheckExact(obj)
                ? PyUnicode_Substring(obj, 0, room)
                : PyBytes_FromStringAndSize(PyBytes_AS_STRING(obj), room);
            if (head != NULL) {
                tc_safe_text_str(t, PyObject_Repr(head));
                Py_DECREF(head);
            }
            t->full = 1;
            PyErr_Clear();
            return;
        }
        tc_safe_text_str(t, PyObject_Repr(obj));
        return;
    }
    if (PyList_CheckExact(obj)) {
        tc_safe_items(t, obj, "[", "]", depth);
        return;
    }
    if (PyTuple_CheckExact(obj)) {
        tc_safe_items(t, obj, "(", ")", depth);
        return;
    }
    if (PyDict_CheckExact(obj)) {
        tc_safe_items(t, obj, "{", "}", depth);
        return;
    }
    if (PyAnySet_CheckExact(obj)) {
        int frozen = PyFrozenSet_CheckExact(obj);
        if (PySet_GET_SIZE(obj) == 0) {
            tc_safe_text_cstr(t, frozen ? "frozenset()" : "set()");
            return;
        }
        tc_safe_items(t, obj, frozen ? "frozenset({" : "{",
                      frozen ? "})" : "}", depth);
        return;
    }
    if (tc_safe_record(t, obj, depth) || tc_safe_collection(t, obj, depth)) {
        return;
    }
    if (library_summary(t, obj)) {
        PyErr_Clear();
        return;
    }
    tc_safe_text_opaque(t, obj);
}

/* The text as a str, "…" after it when it was cut (the buffer has room
 * for it past the limit); "?" if it cannot be decoded. */
static PyObject *
text_finish(TcSafeText *t)
{
    if (t->full) {
        memcpy(t->buf + t->len, "\xe2\x80\xa6", 3);   /* … */
        t->len += 3;
    }
    PyObject *text = PyUnicode_DecodeUTF8(t->buf, (Py_ssize_t)t->len,
                                          "replace");
    if (text == NULL) {
        PyErr_Clear();
        text = PyUnicode_FromString("?");
    }
    return text;
}

PyObject *
tc_rec_library_summary(PyObject *obj)
{
    char buf[TC_REC_SUMMARY_BYTES + 4];
    TcSafeText t = {.buf = buf, .limit = TC_REC_SUMMARY_BYTES};
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    int known = library_summary(&t, obj);
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_value, exc_tb);
    if (!known) {
        Py_RETURN_NONE;
    }
    return text_finish(&t);
}

PyObject *
tc_rec_safe_repr(PyObject *obj, size_t limit, int *cut)
{
    char *buf = malloc(limit + 4);
    if (buf == NULL) {
        return PyErr_NoMemory();
    }
    TcSafeText t = {.buf = buf, .limit = limit};
    PyObject *exc_type, *exc_value, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
    tc_safe_repr(&t, obj, 0);
    if (cut != NULL) {
        *cut = t.full;
    }
    PyObject *text = text_finish(&t);
    free(buf);
    PyErr_Restore(exc_type, exc_value, exc_tb);
    return text;
}

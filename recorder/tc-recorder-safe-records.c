/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-safe-records.c — the safe repr of records: namedtuples and
 * dataclasses, Point(x=1, y=2); and of enum members, <Color.RED: 1>.
 *
 * They are among the commonest return values of a program's own
 * functions, and their __repr__ is written in Python (namedtuple's, the
 * one @dataclass generates, Enum's), which a call hook must not run.
 * Those reprs only name the class and write named attributes' reprs: that
 * is done here from the class's own description of them, reading each
 * without running anything of the program (no property, no
 * __getattribute__).
 */
#include "tc-recorder-safe-repr.h"

#include <string.h>

/* Where a record's fields start: "Point(", or "Point(…" when it is nested
 * too deep for them.  0 when they are not to be written. */
static int
record_open(TcSafeText *t, const char *name, Py_ssize_t n_fields,
            int depth)
{
    tc_safe_text_cstr(t, name);
    tc_safe_text_cstr(t, "(");
    if (depth >= TC_REC_SAFE_DEPTH && n_fields > 0) {
        tc_safe_text_cstr(t, "\xe2\x80\xa6");
        return 0;
    }
    return 1;
}

/* ", x=1": a field of a record (the name a str, taken). */
static void
record_field(TcSafeText *t, Py_ssize_t i, PyObject *name, PyObject *value,
             int depth)
{
    if (i > 0) {
        tc_safe_text_cstr(t, ", ");
    }
    tc_safe_text_str(t, name);
    tc_safe_text_cstr(t, "=");
    tc_safe_repr(t, value, depth + 1);
}

/* A namedtuple: a tuple subclass whose class names its items in _fields
 * (a tuple of strs as long as the value), written Point(x=1, y=2) as
 * namedtuple's repr spells it.  1 when written. */
static int
safe_namedtuple(TcSafeText *t, PyObject *obj, int depth)
{
    PyObject *fields = tc_safe_class_item(Py_TYPE(obj), "_fields");
    Py_ssize_t n = PyTuple_GET_SIZE(obj);
    if (fields == NULL || !PyTuple_CheckExact(fields)
        || PyTuple_GET_SIZE(fields) != n) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(fields, i))) {
            return 0;
        }
    }
    if (record_open(t, tc_safe_type_name(Py_TYPE(obj)), n, depth)) {
        for (Py_ssize_t i = 0; i < n && !t->full; i++) {
            record_field(t, i, Py_NewRef(PyTuple_GET_ITEM(fields, i)),
                         PyTuple_GET_ITEM(obj, i), depth);
        }
    }
    tc_safe_text_cstr(t, ")");
    return 1;
}

/* ---- dataclasses */

/* dataclasses.Field, and dataclasses._FIELD: the kind of a field its
 * __repr__ writes (not a ClassVar or an InitVar).  Found the first time a
 * dataclass is met; kept for the interpreter's life.  0 without. */
static PyObject *field_class;
static PyObject *field_kind;

/* `module`.`attr` (a new reference) if the program imported `module`,
 * else NULL: the recorder imports neither dataclasses nor enum itself. */
static PyObject *
imported_attr(const char *module, const char *attr)
{
    PyObject *name = PyUnicode_FromString(module);
    PyObject *mod = name != NULL ? PyImport_GetModule(name) : NULL;
    PyObject *value = mod != NULL ? PyObject_GetAttrString(mod, attr) : NULL;
    Py_XDECREF(mod);
    Py_XDECREF(name);
    PyErr_Clear();
    return value;
}

static int
dataclasses_found(void)
{
    if (field_class == NULL) {
        field_class = imported_attr("dataclasses", "Field");
        field_kind = field_class != NULL
                     ? imported_attr("dataclasses", "_FIELD") : NULL;
    }
    return field_class != NULL && field_kind != NULL
           && PyType_Check(field_class);
}

/* Whether `repr` is the __repr__ @dataclass generated: a wrapper (its
 * recursion guard) around a function dataclasses made with exec(). */
static int
is_generated_repr(PyObject *repr)
{
    PyObject *dict = PyFunction_Check(repr)
                     ? ((PyFunctionObject *)repr)->func_dict : NULL;
    PyObject *inner = dict != NULL
                      ? PyDict_GetItemString(dict, "__wrapped__") : NULL;
    if (inner == NULL || !PyFunction_Check(inner)) {
        return 0;
    }
    PyObject *qualname = ((PyFunctionObject *)inner)->func_qualname;
    return qualname != NULL && PyUnicode_Check(qualname)
           && PyUnicode_CompareWithASCIIString(
                  qualname, "__create_fn__.<locals>.__repr__") == 0;
}

/* self.<name> as the generated __repr__ reads it, or NULL where reading it
 * could run the program's code: a class whose attribute lookup is its own,
 * or a property or other descriptor of the program's in its MRO.  An
 * instance's dict, slots, a class default and a method are read in C. */
static PyObject *
field_value(PyObject *obj, PyObject *name)
{
    PyTypeObject *tp = Py_TYPE(obj);
    if (tp->tp_getattro != PyObject_GenericGetAttr) {
        return NULL;
    }
    const char *utf8 = PyUnicode_AsUTF8(name);
    PyObject *attr = utf8 != NULL ? tc_safe_class_item(tp, utf8) : NULL;
    if (attr != NULL && Py_TYPE(attr)->tp_descr_get != NULL
        && Py_TYPE(attr) != &PyMemberDescr_Type && !PyFunction_Check(attr)) {
        return NULL;
    }
    PyObject *value = PyObject_GenericGetAttr(obj, name);
    PyErr_Clear();
    return value;
}

/* The fields @dataclass's __repr__ writes, in its order: those of `cls`,
 * the class that defines the `repr` the object has, made by
 * @dataclass(repr=True), of the plain kind and repr=True: a list of (name,
 * value) pairs, or NULL when the object is not such a dataclass or a field
 * cannot be read safely. */
static PyObject *
dataclass_fields(PyObject *obj, PyTypeObject *cls, PyObject *repr)
{
    if (!(cls->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        return NULL;
    }
    PyObject *fields = PyDict_GetItemString(cls->tp_dict,
                                            "__dataclass_fields__");
    if (fields == NULL || !PyDict_Check(fields) || !dataclasses_found()
        || !is_generated_repr(repr)) {
        return NULL;
    }
    PyObject *pairs = PyList_New(0);
    Py_ssize_t pos = 0;
    PyObject *name, *field;
    while (pairs != NULL && PyDict_Next(fields, &pos, &name, &field)) {
        if (Py_TYPE(field) != (PyTypeObject *)field_class) {
            Py_CLEAR(pairs);   /* not what @dataclass made */
            break;
        }
        /* Field's slots: read in C. */
        PyObject *field_type = PyObject_GetAttrString(field, "_field_type");
        PyObject *shown = PyObject_GetAttrString(field, "repr");
        int wanted = field_type == field_kind && shown == Py_True;
        Py_XDECREF(field_type);
        Py_XDECREF(shown);
        PyErr_Clear();
        if (!wanted || !PyUnicode_Check(name)) {
            continue;
        }
        PyObject *value = field_value(obj, name);
        PyObject *pair = value != NULL ? PyTuple_Pack(2, name, value) : NULL;
        Py_XDECREF(value);
        if (pair == NULL || PyList_Append(pairs, pair) < 0) {
            Py_CLEAR(pairs);
        }
        Py_XDECREF(pair);
    }
    PyErr_Clear();
    return pairs;
}

/* Point(x=1, y='a'), with the class's qualified name as the generated
 * __repr__ writes it.  1 when written. */
static int
safe_dataclass(TcSafeText *t, PyObject *obj, PyTypeObject *cls,
               PyObject *repr, int depth)
{
    PyObject *pairs = dataclass_fields(obj, cls, repr);
    if (pairs == NULL) {
        return 0;
    }
    PyObject *qualname = ((PyHeapTypeObject *)Py_TYPE(obj))->ht_qualname;
    const char *name = qualname != NULL ? PyUnicode_AsUTF8(qualname) : NULL;
    Py_ssize_t n = PyList_GET_SIZE(pairs);
    if (record_open(t, name != NULL ? name : "?", n, depth)) {
        for (Py_ssize_t i = 0; i < n && !t->full; i++) {
            PyObject *pair = PyList_GET_ITEM(pairs, i);
            record_field(t, i, Py_NewRef(PyTuple_GET_ITEM(pair, 0)),
                         PyTuple_GET_ITEM(pair, 1), depth);
        }
    }
    tc_safe_text_cstr(t, ")");
    Py_DECREF(pairs);
    PyErr_Clear();
    return 1;
}

/* ---- enum members */

/* enum.Enum.__repr__, the one IntEnum and StrEnum keep too (Flag has its
 * own), and the names of the attributes it reads: made the first time
 * they are needed. */
static PyObject *enum_repr;
static PyObject *enum_name_attr, *enum_value_attr;

static int
enum_found(void)
{
    if (enum_name_attr == NULL) {
        enum_name_attr = PyUnicode_InternFromString("_name_");
        enum_value_attr = PyUnicode_InternFromString("_value_");
    }
    if (enum_repr == NULL && enum_name_attr != NULL
        && enum_value_attr != NULL) {
        PyObject *base = imported_attr("enum", "Enum");
        PyObject *repr = base != NULL && PyType_Check(base)
                         && ((PyTypeObject *)base)->tp_dict != NULL
                         ? PyDict_GetItemString(
                               ((PyTypeObject *)base)->tp_dict, "__repr__")
                         : NULL;
        if (repr != NULL) {
            enum_repr = Py_NewRef(repr);
        }
        Py_XDECREF(base);
    }
    PyErr_Clear();
    return enum_repr != NULL;
}

/* <Color.RED: 1>, as Enum.__repr__ (`repr`, the object's) writes a
 * member: the class's name, the member's _name_ and the repr of its
 * _value_ (by the class's _value_repr_ from 3.11 on: a builtin type's
 * repr, or repr()).  1 when written. */
static int
safe_enum_member(TcSafeText *t, PyObject *obj, PyObject *repr, int depth)
{
    PyTypeObject *tp = Py_TYPE(obj);
    if (!enum_found() || repr != enum_repr) {
        return 0;
    }
    PyObject *value_repr = tc_safe_class_item(tp, "_value_repr_");
    if (value_repr != NULL && value_repr != Py_None
        && Py_TYPE(value_repr) != &PyWrapperDescr_Type) {
        return 0;   /* a function of the program's */
    }
    PyObject *name = field_value(obj, enum_name_attr);
    PyObject *value = field_value(obj, enum_value_attr);
    int written = name != NULL && PyUnicode_Check(name) && value != NULL;
    if (written) {
        tc_safe_text_cstr(t, "<");
        tc_safe_text_cstr(t, tc_safe_type_name(tp));
        tc_safe_text_cstr(t, ".");
        tc_safe_text_str(t, Py_NewRef(name));
        tc_safe_text_cstr(t, ": ");
        tc_safe_repr(t, value, depth + 1);
        tc_safe_text_cstr(t, ">");
    }
    Py_XDECREF(name);
    Py_XDECREF(value);
    PyErr_Clear();
    return written;
}

int
tc_safe_record(TcSafeText *t, PyObject *obj, int depth)
{
    if (!(Py_TYPE(obj)->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        return 0;   /* namedtuples, dataclasses and enums are classes */
    }
    if (PyTuple_Check(obj) && safe_namedtuple(t, obj, depth)) {
        return 1;
    }
    /* Dataclasses and enums are known by the __repr__ they have. */
    PyTypeObject *cls = tc_safe_class_defining(Py_TYPE(obj), "__repr__");
    if (cls == NULL) {
        return 0;
    }
    PyObject *repr = PyDict_GetItemString(cls->tp_dict, "__repr__");
    return safe_dataclass(t, obj, cls, repr, depth)
           || safe_enum_member(t, obj, repr, depth);
}

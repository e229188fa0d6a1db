/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-callback.c — TcRecCallback, the callable the sys.monitoring
 * callbacks are registered as (3.12+).
 *
 * CPython calls a monitoring callback through PyObject_Vectorcall.  A
 * PyCFunction goes through cfunction_vectorcall_FASTCALL first (a keyword
 * check, the C recursion counter, one more indirect call); an object of a
 * type with its own vectorcall slot is called directly, which saves ~20
 * instructions on every event.  The object holds nothing but its C function
 * and a name for its repr.
 */
#include "tc-recorder.h"

#if PY_VERSION_HEX >= 0x030C0000

#include <stddef.h>

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    const char *name;
} TcRecCallback;

static PyObject *
callback_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<timecapsule callback %s>",
                                ((TcRecCallback *)self)->name);
}

static void
callback_dealloc(PyObject *self)
{
    PyObject_Free(self);
}

PyTypeObject TcRecCallback_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "timecapsule._recorder.Callback",
    .tp_doc = "A sys.monitoring callback of the recorder (called by "
              "vectorcall, without a PyCFunction in between).",
    .tp_basicsize = sizeof(TcRecCallback),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(TcRecCallback, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_repr = callback_repr,
    .tp_dealloc = callback_dealloc,
};

/* A new callback calling `fn`; `name` must outlive it (a literal). */
PyObject *
tc_rec_callback_new(const char *name, vectorcallfunc fn)
{
    if (PyType_Ready(&TcRecCallback_Type) < 0) {
        return NULL;
    }
    TcRecCallback *cb = PyObject_New(TcRecCallback, &TcRecCallback_Type);
    if (cb == NULL) {
        return NULL;
    }
    cb->vectorcall = fn;
    cb->name = name;
    return (PyObject *)cb;
}

#endif

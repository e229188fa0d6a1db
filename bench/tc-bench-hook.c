/* SPDX-License-Identifier: MIT
 *
 * tc-bench-hook.c — the floors of bench/run-bench.py: the cheapest possible
 * call hooks, so a tracer's overhead can be split into "the interpreter
 * calling a hook at all" and "what the tracer does in it".
 *
 *   empty   a C callback that returns at once;
 *   store   the same plus one rdtsc and a 16-byte store (time, code) into a
 *           per-thread ring: the smallest useful event recorder;
 *   vector  (3.12+) the store, in an object whose type has its own
 *           vectorcall slot, as the recorder's callbacks are
 *           (recorder/tc-recorder-callback.c): CPython calls it without
 *           cfunction_vectorcall_FASTCALL in between.
 *
 * On 3.12+ the first two are METH_FASTCALL functions registered with
 * sys.monitoring from Python (run-bench.py does that); on 3.8–3.11
 * set_profile() installs a C PyEval_SetProfile function in the calling
 * thread, and trampoline() does the same from threading.setprofile in each
 * new thread.  Built per interpreter by run-bench.py (not by meson: it needs
 * one build per Python).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
/* Callgrind's client requests (a no-op outside valgrind): the runner counts
 * instructions of the workload's run only, not of the start and stop. */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

#include "tc-bench-ticks.h"

static inline void
store (const void *code)
{
  Slot *s = &ring[ring_pos++ & (RING - 1)];

  s->ticks = now_ticks ();
  s->code = code;
}

static PyObject *
mon_empty (PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
  Py_RETURN_NONE;
}

static PyObject *
mon_store (PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
  store (nargs > 0 ? args[0] : NULL);
  Py_RETURN_NONE;
}

#if PY_VERSION_HEX >= 0x030C0000
typedef struct
{
  PyObject_HEAD
  vectorcallfunc vectorcall;
} VectorStore;

static PyObject *
vector_store (PyObject *self, PyObject *const *args, size_t nargsf,
              PyObject *kwnames)
{
  store (PyVectorcall_NARGS (nargsf) > 0 ? args[0] : NULL);
  Py_RETURN_NONE;
}

static PyTypeObject vector_store_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "_tc_bench_hook.VectorStore",
  .tp_basicsize = sizeof (VectorStore),
  .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
  .tp_vectorcall_offset = offsetof (VectorStore, vectorcall),
  .tp_call = PyVectorcall_Call,
};
#endif

static int
profile_empty (PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
  return 0;
}

static int
profile_store (PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
  /* The frame pointer stands for the code object: the cost is the same and
   * it needs no API call that differs between versions. */
  if (what == PyTrace_CALL || what == PyTrace_RETURN)
    store (frame);
  return 0;
}

static int use_store;

static PyObject *
set_profile (PyObject *self, PyObject *arg)
{
  use_store = PyObject_IsTrue (arg);
  PyEval_SetProfile (use_store ? profile_store : profile_empty, NULL);
  Py_RETURN_NONE;
}

static PyObject *
unset_profile (PyObject *self, PyObject *unused)
{
  PyEval_SetProfile (NULL, NULL);
  Py_RETURN_NONE;
}

/* threading.setprofile(trampoline): the first event of a new thread swaps
 * in the C function for that thread. */
static PyObject *
trampoline (PyObject *self, PyObject *args)
{
  PyEval_SetProfile (use_store ? profile_store : profile_empty, NULL);
  Py_RETURN_NONE;
}

static PyObject *
cg_toggle (PyObject *self, PyObject *unused)
{
  CALLGRIND_TOGGLE_COLLECT;
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
  { "cg_toggle", cg_toggle, METH_NOARGS,
    "switch callgrind's instruction collection on/off (no-op outside valgrind)" },
  { "mon_empty", (PyCFunction) (void (*) (void)) mon_empty, METH_FASTCALL,
    "sys.monitoring callback that does nothing" },
  { "mon_store", (PyCFunction) (void (*) (void)) mon_store, METH_FASTCALL,
    "sys.monitoring callback: rdtsc + 16-byte store" },
  { "set_profile", set_profile, METH_O,
    "set_profile(store): install the C profile function in this thread" },
  { "unset_profile", unset_profile, METH_NOARGS, "remove it" },
  { "trampoline", trampoline, METH_VARARGS,
    "for threading.setprofile: installs the C function in a new thread" },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
  PyModuleDef_HEAD_INIT, "_tc_bench_hook", "benchmark floor hooks", -1, methods,
  NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__tc_bench_hook (void)
{
  PyObject *m = PyModule_Create (&module);

#if PY_VERSION_HEX >= 0x030C0000
  if (m == NULL || PyType_Ready (&vector_store_type) < 0)
    {
      Py_XDECREF (m);
      return NULL;
    }
  VectorStore *vs = PyObject_New (VectorStore, &vector_store_type);
  if (vs == NULL)
    {
      Py_DECREF (m);
      return NULL;
    }
  vs->vectorcall = vector_store;
  if (PyModule_AddObject (m, "vec_store", (PyObject *) vs) < 0)
    {
      Py_DECREF (vs);
      Py_DECREF (m);
      return NULL;
    }
#endif
  return m;
}

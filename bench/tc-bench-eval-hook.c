/* SPDX-License-Identifier: MIT
 *
 * tc-bench-eval-hook.c — floors for a PEP 523 frame-evaluation hook on
 * 3.9–3.11, next to the PyEval_SetProfile floors, so bench-eval-hook.py can
 * tell whether replacing the profile function is worth it.
 *
 *   eval-empty   an eval function that only calls _PyEval_EvalFrameDefault;
 *   eval-store   the same plus rdtsc + a 16-byte store before and after the
 *                frame runs (the least an event recorder can do);
 *   prof-empty   an empty PyEval_SetProfile function (this thread only);
 *   prof-store   the same plus rdtsc + a 16-byte store on call and return.
 *
 * With any eval function installed, CPython 3.11 no longer inlines
 * Python-to-Python calls inside one _PyEval_EvalFrameDefault: every call
 * goes back through C (_PyEval_Vector → the hook → a fresh eval loop), so
 * "eval-empty" measures that loss too.  Built per interpreter by
 * bench-eval-hook.py (one build per Python, not a meson target).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <stdint.h>
#include <time.h>

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE
#define HAVE_EVAL_HOOK 1
typedef _PyInterpreterFrame EvalFrame;
#define FRAME_CODE(f) ((const void *) (f)->f_code)
#elif PY_VERSION_HEX >= 0x03090000 && PY_VERSION_HEX < 0x030B0000
#define HAVE_EVAL_HOOK 1
typedef PyFrameObject EvalFrame;
#define FRAME_CODE(f) ((const void *) (f)->f_code)
#else
#define HAVE_EVAL_HOOK 0
#endif

#include "tc-bench-ticks.h"
static uint64_t          n_events;

static inline void
store (const void *code)
{
  Slot *s = &ring[ring_pos++ & (RING - 1)];

  s->ticks = now_ticks ();
  s->code = code;
}

static int
profile_empty (PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
  return 0;
}

static int
profile_store (PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
  if (what == PyTrace_CALL || what == PyTrace_RETURN)
    store (frame);
  return 0;
}

#if HAVE_EVAL_HOOK
static PyObject *
eval_empty (PyThreadState *ts, EvalFrame *frame, int throwflag)
{
  return _PyEval_EvalFrameDefault (ts, frame, throwflag);
}

static PyObject *
eval_store (PyThreadState *ts, EvalFrame *frame, int throwflag)
{
  const void *code = FRAME_CODE (frame);
  PyObject   *result;

  store (code);
  result = _PyEval_EvalFrameDefault (ts, frame, throwflag);
  store (NULL);
  return result;
}
#endif

/* install(kind): "eval-empty", "eval-store", "prof-empty", "prof-store". */
static PyObject *
install (PyObject *self, PyObject *arg)
{
  const char *kind = PyUnicode_AsUTF8 (arg);

  if (kind == NULL)
    return NULL;
  if (strcmp (kind, "prof-empty") == 0)
    PyEval_SetProfile (profile_empty, NULL);
  else if (strcmp (kind, "prof-store") == 0)
    PyEval_SetProfile (profile_store, NULL);
#if HAVE_EVAL_HOOK
  else if (strcmp (kind, "eval-empty") == 0 || strcmp (kind, "eval-store") == 0)
    {
      PyInterpreterState *interp = PyThreadState_GetInterpreter (
          PyThreadState_Get ());

      if (_PyInterpreterState_GetEvalFrameFunc (interp)
          != _PyEval_EvalFrameDefault)
        {
          PyErr_SetString (PyExc_RuntimeError,
                           "another frame-evaluation hook is installed");
          return NULL;
        }
      _PyInterpreterState_SetEvalFrameFunc (
          interp, kind[5] == 'e' ? eval_empty : eval_store);
    }
#endif
  else
    {
      PyErr_Format (PyExc_ValueError, "unknown or unsupported hook %s", kind);
      return NULL;
    }
  Py_RETURN_NONE;
}

static PyObject *
uninstall (PyObject *self, PyObject *unused)
{
  PyEval_SetProfile (NULL, NULL);
#if HAVE_EVAL_HOOK
  _PyInterpreterState_SetEvalFrameFunc (
      PyThreadState_GetInterpreter (PyThreadState_Get ()),
      _PyEval_EvalFrameDefault);
#endif
  n_events += ring_pos;
  Py_RETURN_NONE;
}

/* Events stored so far in this thread (a check that the hook ran). */
static PyObject *
events (PyObject *self, PyObject *unused)
{
  return PyLong_FromUnsignedLongLong (n_events + ring_pos);
}

static PyMethodDef methods[] = {
  { "install", install, METH_O,
    "install(kind): eval-empty, eval-store, prof-empty or prof-store" },
  { "uninstall", uninstall, METH_NOARGS, "remove every hook of this module" },
  { "events", events, METH_NOARGS, "events stored by the *-store hooks" },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
  PyModuleDef_HEAD_INIT, "_tc_bench_eval_hook",
  "PEP 523 and setprofile floor hooks", -1, methods,
  NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__tc_bench_eval_hook (void)
{
  PyObject *m = PyModule_Create (&module);

  if (m != NULL
      && PyModule_AddIntConstant (m, "HAVE_EVAL_HOOK", HAVE_EVAL_HOOK) < 0)
    {
      Py_DECREF (m);
      return NULL;
    }
  return m;
}

/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-processes.c — the process set of a recording for Python:
 * process_set(path, color, width) -> (members, text), members a list of
 * dicts in tree order, text the CLI's "Processes" section.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "tc-process-set.h"

#include "tc-analysis-processes.h"

static int
put (PyObject *dict, const char *key, PyObject *value)
{
  int rc;

  if (value == NULL)
    return -1;
  rc = PyDict_SetItemString (dict, key, value);
  Py_DECREF (value);
  return rc;
}

static PyObject *
none_ (void)
{
  Py_INCREF (Py_None);
  return Py_None;
}

static PyObject *
member_dict (const TcProcessMember *m)
{
  g_autofree char *status = tc_process_member_status (m);
  g_autofree char *command = tc_process_member_command (m);
  PyObject *d = PyDict_New ();
  const TcDocCrash *crash = m->document != NULL ? tc_document_get_crash (m->document) : NULL;

  if (d == NULL)
    return NULL;
  if (put (d, "path", PyUnicode_DecodeFSDefault (m->path)) < 0
      || put (d, "pid", PyLong_FromLongLong (m->pid)) < 0
      || put (d, "parent_pid", PyLong_FromLongLong (m->parent_pid)) < 0
      || put (d, "role", PyUnicode_FromString (m->role)) < 0
      || put (d, "depth", PyLong_FromUnsignedLong (m->depth)) < 0
      || put (d, "start", PyFloat_FromDouble (tc_ns_to_s (m->start_ns))) < 0
      || put (d, "duration", PyFloat_FromDouble (tc_ns_to_s (m->end_ns - m->start_ns))) < 0
      || put (d, "calls", PyLong_FromUnsignedLongLong (tc_process_member_calls (m))) < 0
      || put (d, "status", PyUnicode_FromString (status)) < 0
      || put (d, "command", PyUnicode_DecodeUTF8 (command, strlen (command), "replace")) < 0
      || put (d, "crash", crash != NULL && crash->exc_type != NULL ? PyUnicode_FromString (crash->exc_type)
                                                                   : none_ ()) < 0
      || put (d, "error", m->error != NULL ? PyUnicode_FromString (m->error) : none_ ()) < 0)
    {
      Py_DECREF (d);
      return NULL;
    }
  return d;
}

PyObject *
tc_analysis_process_set (PyObject *module, PyObject *args)
{
  const char *path;
  int color = 0, width = 100;
  GError *error = NULL;
  TcProcessSet *set;
  TcTextStyle style;
  PyObject *list, *text, *result;
  char *formatted;

  if (!PyArg_ParseTuple (args, "s|pi", &path, &color, &width))
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  set = tc_process_set_load (path, NULL, NULL, &error);
  Py_END_ALLOW_THREADS
  if (set == NULL)
    {
      PyErr_SetString (g_file_test (path, G_FILE_TEST_EXISTS) ? PyExc_ValueError : PyExc_FileNotFoundError,
                       error->message);
      g_error_free (error);
      return NULL;
    }
  list = PyList_New (0);
  for (guint i = 0; list != NULL && i < tc_process_set_get_n_members (set); i++)
    {
      PyObject *d = member_dict (tc_process_set_get_member (set, i));
      if (d == NULL || PyList_Append (list, d) < 0)
        Py_CLEAR (list);
      Py_XDECREF (d);
    }
  style.width = width > 0 ? width : 100;
  style.color = color != 0;
  formatted = tc_process_set_format (set, &style);
  g_object_unref (set);
  if (list == NULL)
    {
      g_free (formatted);
      return NULL;
    }
  text = PyUnicode_DecodeUTF8 (formatted, strlen (formatted), "replace");
  g_free (formatted);
  if (text == NULL)
    {
      Py_DECREF (list);
      return NULL;
    }
  result = PyTuple_Pack (2, list, text);
  Py_DECREF (list);
  Py_DECREF (text);
  return result;
}

PyObject *
tc_analysis_process_set_has_members (PyObject *module, PyObject *args)
{
  const char *path;

  if (!PyArg_ParseTuple (args, "s", &path))
    return NULL;
  return PyBool_FromLong (tc_process_set_has_members (path));
}

PyObject *
tc_analysis_process_set_is_child (PyObject *module, PyObject *args)
{
  const char *path;

  if (!PyArg_ParseTuple (args, "s", &path))
    return NULL;
  return PyBool_FromLong (tc_process_set_is_child_path (path));
}

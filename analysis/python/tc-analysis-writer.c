/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-writer.c — _analysis.write_recording(path, spec): writes a .tc
 * file from plain Python data.  Used by `timecapsule convert` to turn a
 * seed (gzip+pickle) recording into the new format; values are scalars (the
 * rest is kept as its repr).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <glib.h>
#include <unistd.h>

#include "tc-analysis-writer.h"
#include "tc-format.h"

/* Strings handed to the writer must live until the frame is written: keep
 * them in a chunk for the whole call. */
typedef struct
{
  TcWriter     *w;
  GStringChunk *strings;
  TcEncoder     enc;
} Ctx;

static gboolean
str_of (Ctx *ctx, PyObject *o, TcStr *out)
{
  const char *s;
  Py_ssize_t len;

  if (o == NULL || o == Py_None)
    {
      *out = (TcStr) { "", 0 };
      return TRUE;
    }
  if (!PyUnicode_Check (o))
    {
      PyObject *r = PyObject_Str (o);
      gboolean ok;

      if (r == NULL)
        return FALSE;
      ok = str_of (ctx, r, out);
      Py_DECREF (r);
      return ok;
    }
  s = PyUnicode_AsUTF8AndSize (o, &len);
  if (s == NULL)
    return FALSE;
  out->ptr = g_string_chunk_insert_len (ctx->strings, s, len);
  out->len = (uint32_t) len;
  return TRUE;
}

/* Scalars become values; anything else stays repr-only. */
static gboolean
value_of (Ctx *ctx, PyObject *o, TcValue *out)
{
  memset (out, 0, sizeof *out);
  if (o == NULL)
    out->kind = TC_VALUE_REPR_ONLY;
  else if (o == Py_None)
    out->kind = TC_VALUE_NONE;
  else if (PyBool_Check (o))
    {
      out->kind = TC_VALUE_BOOL;
      out->b = o == Py_True;
    }
  else if (PyLong_Check (o))
    {
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow (o, &overflow);

      if (overflow)
        {
          PyObject *text = PyObject_Str (o);

          if (text == NULL || !str_of (ctx, text, &out->s))
            {
              Py_XDECREF (text);
              return FALSE;
            }
          Py_DECREF (text);
          out->kind = TC_VALUE_BIGINT;
        }
      else
        {
          out->kind = TC_VALUE_INT;
          out->i = v;
        }
    }
  else if (PyFloat_Check (o))
    {
      out->kind = TC_VALUE_FLOAT;
      out->f = PyFloat_AsDouble (o);
    }
  else if (PyComplex_Check (o))
    {
      out->kind = TC_VALUE_COMPLEX;
      out->c.re = PyComplex_RealAsDouble (o);
      out->c.im = PyComplex_ImagAsDouble (o);
    }
  else if (PyUnicode_Check (o))
    {
      out->kind = TC_VALUE_STR;
      return str_of (ctx, o, &out->s);
    }
  else if (PyBytes_Check (o))
    {
      out->kind = TC_VALUE_BYTES;
      out->s.ptr = g_string_chunk_insert_len (ctx->strings, PyBytes_AS_STRING (o), PyBytes_GET_SIZE (o));
      out->s.len = (uint32_t) PyBytes_GET_SIZE (o);
    }
  else
    out->kind = TC_VALUE_REPR_ONLY;
  return TRUE;
}

static PyObject *
item (PyObject *seq, Py_ssize_t i)
{
  /* Borrowed from a tuple/list (checked by the caller's format). */
  return PySequence_Fast_GET_ITEM (seq, i);
}

static gboolean
check (Ctx *ctx, TcStatus status)
{
  if (status != TC_OK)
    {
      PyErr_Format (PyExc_OSError, "writing the recording failed: %s", tc_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* Iterates `spec[key]` (a list of tuples) with `fn`. */
typedef gboolean (*RowFunc) (Ctx *ctx, PyObject *row);

static gboolean
each (Ctx *ctx, PyObject *spec, const char *key, RowFunc fn)
{
  PyObject *list = PyDict_GetItemString (spec, key), *fast;
  gboolean ok = TRUE;

  if (list == NULL)
    return TRUE;
  fast = PySequence_Fast (list, key);
  if (fast == NULL)
    return FALSE;
  for (Py_ssize_t i = 0; ok && i < PySequence_Fast_GET_SIZE (fast); i++)
    {
      PyObject *row = PySequence_Fast (item (fast, i), key);

      ok = row != NULL && fn (ctx, row);
      Py_XDECREF (row);
    }
  Py_DECREF (fast);
  return ok;
}

static guint32 u32 (PyObject *o) { return (guint32) PyLong_AsUnsignedLong (o); }
static guint64 u64 (PyObject *o) { return (guint64) PyLong_AsUnsignedLongLong (o); }

/* (id, path, source or None) */
static gboolean
row_file (Ctx *ctx, PyObject *row)
{
  TcFileDef def = { u32 (item (row, 0)), TC_FILE_FLAG_TRACKED, 0, 0, { 0 } };
  PyObject *source = item (row, 2);

  if (!str_of (ctx, item (row, 1), &def.path) || !check (ctx, tc_writer_write_file (ctx->w, 0, &def)))
    return FALSE;
  if (source != Py_None)
    {
      TcStr text;

      if (!str_of (ctx, source, &text))
        return FALSE;
      return check (ctx, tc_writer_write_source (ctx->w, 0, def.file_id, text.ptr, text.len));
    }
  return TRUE;
}

/* (id, file_id, line, qualname) */
static gboolean
row_code (Ctx *ctx, PyObject *row)
{
  TcCodeDef def = { u32 (item (row, 0)), u32 (item (row, 1)), u32 (item (row, 2)), TC_CODE_FLAG_TRACKED, { 0 }, { 0 }, { 0 } };

  if (!str_of (ctx, item (row, 3), &def.qualname))
    return FALSE;
  def.name = def.qualname;
  return check (ctx, tc_writer_write_code (ctx->w, 0, &def));
}

/* (id, code_id, name) */
static gboolean
row_var (Ctx *ctx, PyObject *row)
{
  TcVarDef def = { u32 (item (row, 0)), u32 (item (row, 1)), { 0 } };

  return str_of (ctx, item (row, 2), &def.name) && check (ctx, tc_writer_write_var (ctx->w, 0, &def));
}

/* (id, name) */
static gboolean
row_metric (Ctx *ctx, PyObject *row)
{
  TcMetricDef def = { u32 (item (row, 0)), { 0 } };

  return str_of (ctx, item (row, 1), &def.name) && check (ctx, tc_writer_write_metric_def (ctx->w, 0, &def));
}

/* (id, name, unit) */
static gboolean
row_counter (Ctx *ctx, PyObject *row)
{
  TcCounterDef def = { u32 (item (row, 0)), { 0 }, { 0 }, { "", 0 } };

  return str_of (ctx, item (row, 1), &def.name) && str_of (ctx, item (row, 2), &def.unit)
         && check (ctx, tc_writer_write_counter_def (ctx->w, 0, &def));
}

static GArray *
pairs_of (Ctx *ctx, PyObject *seq)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (TcKeyValue));
  PyObject *fast;

  if (seq == NULL || seq == Py_None)
    return out;
  fast = PySequence_Fast (seq, "expected a list of (key, value) pairs");
  if (fast == NULL)
    {
      g_array_unref (out);
      return NULL;
    }
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (fast); i++)
    {
      PyObject *pair = PySequence_Fast (item (fast, i), "expected a (key, value) pair");
      TcKeyValue kv;
      gboolean ok = pair != NULL && PySequence_Fast_GET_SIZE (pair) == 2
                    && str_of (ctx, item (pair, 0), &kv.key) && str_of (ctx, item (pair, 1), &kv.value);

      Py_XDECREF (pair);
      if (!ok)
        {
          if (!PyErr_Occurred ())
            PyErr_SetString (PyExc_ValueError, "expected a (key, value) pair");
          Py_DECREF (fast);
          g_array_unref (out);
          return NULL;
        }
      g_array_append_val (out, kv);
    }
  Py_DECREF (fast);
  return out;
}

/* (index, kind, time_ns, evt, label, [tags], [(k, v)], [(metric_id, value)],
 *  [(counter_id, float)], [(code_id, line)], [(var_id, flags, repr, type, size, value)]) */
static gboolean
row_snapshot (Ctx *ctx, PyObject *row)
{
  TcSnapshot s = { 0 };
  TcThreadCapture cap = { 1, 0, NULL, 0, NULL, 0 };
  g_autoptr (GArray) tags = g_array_new (FALSE, TRUE, sizeof (TcStr));
  g_autoptr (GArray) extras = NULL;
  g_autoptr (GArray) mets = g_array_new (FALSE, TRUE, sizeof (TcMetricValue));
  g_autoptr (GArray) sys = g_array_new (FALSE, TRUE, sizeof (TcCounterValue));
  g_autoptr (GArray) stack = g_array_new (FALSE, TRUE, sizeof (TcStackFrame));
  g_autoptr (GArray) locals = g_array_new (FALSE, TRUE, sizeof (TcLocal));
  PyObject *l;

  s.index = u64 (item (row, 0));
  s.kind = (TcSnapshotKind) u32 (item (row, 1));
  s.origin_thread = 1;
  s.time_ns = u64 (item (row, 2));
  if (!str_of (ctx, item (row, 3), &s.evt) || !str_of (ctx, item (row, 4), &s.label))
    return FALSE;
  l = item (row, 5);
  for (Py_ssize_t i = 0; i < PyList_Size (l); i++)
    {
      TcStr t;
      if (!str_of (ctx, PyList_GetItem (l, i), &t))
        return FALSE;
      g_array_append_val (tags, t);
    }
  extras = pairs_of (ctx, item (row, 6));
  if (extras == NULL)
    return FALSE;
  l = item (row, 7);
  for (Py_ssize_t i = 0; i < PyList_Size (l); i++)
    {
      PyObject *p = PyList_GetItem (l, i);
      TcMetricValue m = { u32 (PyTuple_GetItem (p, 0)), { 0 } };

      if (!value_of (ctx, PyTuple_GetItem (p, 1), &m.value))
        return FALSE;
      g_array_append_val (mets, m);
    }
  l = item (row, 8);
  for (Py_ssize_t i = 0; i < PyList_Size (l); i++)
    {
      PyObject *p = PyList_GetItem (l, i);
      TcCounterValue c = { u32 (PyTuple_GetItem (p, 0)), PyFloat_AsDouble (PyTuple_GetItem (p, 1)) };

      g_array_append_val (sys, c);
    }
  l = item (row, 9);
  for (Py_ssize_t i = 0; i < PyList_Size (l); i++)
    {
      PyObject *p = PyList_GetItem (l, i);
      TcStackFrame f = { u32 (PyTuple_GetItem (p, 0)), u32 (PyTuple_GetItem (p, 1)) };

      g_array_append_val (stack, f);
    }
  l = item (row, 10);
  for (Py_ssize_t i = 0; i < PyList_Size (l); i++)
    {
      PyObject *p = PyList_GetItem (l, i);
      TcLocal loc = { u32 (PyTuple_GetItem (p, 0)), u32 (PyTuple_GetItem (p, 1)), { 0 }, { 0 },
                      u64 (PyTuple_GetItem (p, 4)), { 0 } };

      if (!str_of (ctx, PyTuple_GetItem (p, 2), &loc.repr) || !str_of (ctx, PyTuple_GetItem (p, 3), &loc.type_name)
          || !value_of (ctx, PyTuple_GetItem (p, 5), &loc.value))
        return FALSE;
      g_array_append_val (locals, loc);
    }
  if (PyErr_Occurred ())
    return FALSE;
  s.tags = (TcStr *) tags->data;
  s.n_tags = tags->len;
  s.extras = (TcKeyValue *) extras->data;
  s.n_extras = extras->len;
  s.metrics = (TcMetricValue *) mets->data;
  s.n_metrics = mets->len;
  s.system = (TcCounterValue *) sys->data;
  s.n_system = sys->len;
  cap.stack = (TcStackFrame *) stack->data;
  cap.n_stack = stack->len;
  cap.locals = (TcLocal *) locals->data;
  cap.n_locals = locals->len;
  s.threads = &cap;
  s.n_threads = 1;
  return check (ctx, tc_writer_write_snapshot (ctx->w, &s));
}

/* (time_ns, level, code, message, var) */
static gboolean
row_warning (Ctx *ctx, PyObject *row)
{
  TcWarning w = { (TcLevel) u32 (item (row, 1)), { 0 }, { 0 }, { 0 }, NULL, 0 };

  return str_of (ctx, item (row, 2), &w.code) && str_of (ctx, item (row, 3), &w.message)
         && str_of (ctx, item (row, 4), &w.var)
         && check (ctx, tc_writer_write_warning (ctx->w, 1, u64 (item (row, 0)), &w));
}

/* (time_ns, kind, duration_ns, name) */
static gboolean
row_mark (Ctx *ctx, PyObject *row)
{
  TcMark m = { (TcMarkKind) u32 (item (row, 1)), (int64_t) u64 (item (row, 2)), { "", 0 }, { 0 }, { "", 0 } };

  return str_of (ctx, item (row, 3), &m.name) && check (ctx, tc_writer_write_mark (ctx->w, 1, u64 (item (row, 0)), &m));
}

/* (file_id, [(line, hits)]) */
static gboolean
row_line_hits (Ctx *ctx, PyObject *row)
{
  PyObject *l = item (row, 1);
  g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (TcLineHit));
  TcLineHits hits;

  for (Py_ssize_t i = 0; i < PyList_Size (l); i++)
    {
      PyObject *p = PyList_GetItem (l, i);
      TcLineHit h = { u32 (PyTuple_GetItem (p, 0)), u64 (PyTuple_GetItem (p, 1)), 0 };

      g_array_append_val (lines, h);
    }
  hits = (TcLineHits) { u32 (item (row, 0)), (TcLineHit *) lines->data, lines->len };
  return !PyErr_Occurred () && check (ctx, tc_writer_write_line_hits (ctx->w, 0, &hits));
}

/* (time_ns, code_id, repr, type) */
static gboolean
row_return (Ctx *ctx, PyObject *row)
{
  TcReturnValue rv = { u32 (item (row, 1)), { 0 }, { 0 }, { .kind = TC_VALUE_REPR_ONLY } };

  return str_of (ctx, item (row, 2), &rv.repr) && str_of (ctx, item (row, 3), &rv.type_name)
         && check (ctx, tc_writer_write_return_value (ctx->w, 1, u64 (item (row, 0)), &rv));
}

/* crash: (time_ns, exc, message, traceback, [(code_id, line, [(var_id, flags, repr, type, size, value)])]) */
static gboolean
write_crash (Ctx *ctx, PyObject *row)
{
  TcCrash c = { 0 };
  PyObject *frames = item (row, 4);
  Py_ssize_t n = PyList_Size (frames);
  g_autofree TcCrashFrame *cf = g_new0 (TcCrashFrame, MAX (n, 1));
  GPtrArray *keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gboolean ok = TRUE;

  if (!str_of (ctx, item (row, 1), &c.exc_type) || !str_of (ctx, item (row, 2), &c.message)
      || !str_of (ctx, item (row, 3), &c.traceback))
    ok = FALSE;
  c.exc_module = (TcStr) { "builtins", 8 };
  for (Py_ssize_t i = 0; ok && i < n; i++)
    {
      PyObject *f = PyList_GetItem (frames, i), *locs = PyTuple_GetItem (f, 2);
      GArray *arr = g_array_new (FALSE, TRUE, sizeof (TcLocal));

      g_ptr_array_add (keep, arr);
      cf[i].code_id = u32 (PyTuple_GetItem (f, 0));
      cf[i].line = u32 (PyTuple_GetItem (f, 1));
      for (Py_ssize_t k = 0; ok && k < PyList_Size (locs); k++)
        {
          PyObject *p = PyList_GetItem (locs, k);
          TcLocal loc = { u32 (PyTuple_GetItem (p, 0)), u32 (PyTuple_GetItem (p, 1)), { 0 }, { 0 },
                          u64 (PyTuple_GetItem (p, 4)), { 0 } };

          ok = str_of (ctx, PyTuple_GetItem (p, 2), &loc.repr) && str_of (ctx, PyTuple_GetItem (p, 3), &loc.type_name)
               && value_of (ctx, PyTuple_GetItem (p, 5), &loc.value);
          g_array_append_val (arr, loc);
        }
      cf[i].locals = (TcLocal *) arr->data;
      cf[i].n_locals = arr->len;
    }
  c.frames = cf;
  c.n_frames = n;
  ok = ok && !PyErr_Occurred () && check (ctx, tc_writer_write_crash (ctx->w, 1, u64 (item (row, 0)), &c));
  g_ptr_array_unref (keep);
  return ok;
}

PyObject *
tc_analysis_write_recording (PyObject *module, PyObject *args)
{
  const char *path, *session_id = NULL;
  PyObject *spec, *crash;
  Ctx ctx = { 0 };
  TcError error = { 0 };
  TcWriterOptions options = { NULL, "timecapsule convert", 0, 0 };
  TcThreadDef main_thread = { 1, 0, 0, TC_THREAD_FLAG_MAIN, { "MainThread", 10 } };
  TcEndFixed end = { 0 };
  g_autoptr (GArray) session = NULL;
  gboolean ok;

  if (!PyArg_ParseTuple (args, "sO!|z", &path, &PyDict_Type, &spec, &session_id))
    return NULL;
  options.session_id = session_id;
  ctx.w = tc_writer_open (path, &options, &error);
  if (ctx.w == NULL)
    {
      PyErr_Format (error.code == TC_ERR_EXISTS ? PyExc_FileExistsError : PyExc_OSError, "%s: %s", path,
                    error.message[0] ? error.message : tc_status_to_string (error.code));
      return NULL;
    }
  ctx.strings = g_string_chunk_new (64 * 1024);
  session = pairs_of (&ctx, PyDict_GetItemString (spec, "session"));
  ok = session != NULL;
  if (ok)
    {
      TcSession s = { (TcKeyValue *) session->data, session->len };

      ok = check (&ctx, tc_writer_write_session (ctx.w, 0, &s)) && check (&ctx, tc_writer_write_thread (ctx.w, 0, &main_thread));
    }
  ok = ok && each (&ctx, spec, "files", row_file) && each (&ctx, spec, "codes", row_code)
       && each (&ctx, spec, "vars", row_var) && each (&ctx, spec, "metrics", row_metric)
       && each (&ctx, spec, "counters", row_counter) && each (&ctx, spec, "snapshots", row_snapshot)
       && each (&ctx, spec, "warnings", row_warning) && each (&ctx, spec, "marks", row_mark)
       && each (&ctx, spec, "line_hits", row_line_hits) && each (&ctx, spec, "returns", row_return);
  crash = PyDict_GetItemString (spec, "crash");
  if (ok && crash != NULL && crash != Py_None)
    {
      PyObject *fast = PySequence_Fast (crash, "crash");

      ok = fast != NULL && write_crash (&ctx, fast);
      Py_XDECREF (fast);
    }
  if (!ok)
    {
      tc_writer_abandon (ctx.w);
      g_string_chunk_free (ctx.strings);
      unlink (path);
      if (!PyErr_Occurred ())
        PyErr_SetString (PyExc_ValueError, "invalid recording description");
      return NULL;
    }
  if (tc_writer_close (ctx.w, &end, &error) != TC_OK)
    {
      g_string_chunk_free (ctx.strings);
      PyErr_Format (PyExc_OSError, "%s: %s", path, error.message);
      return NULL;
    }
  g_string_chunk_free (ctx.strings);
  Py_RETURN_NONE;
}

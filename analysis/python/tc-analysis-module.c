/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-module.c — timecapsule._analysis: libtc-analysis for Python.
 *
 * One type, Document (a loaded TcDocument), whose methods return plain
 * Python values and, for analyses that print, a (result, text) pair: the
 * text is rendered by the same C code as the CLI and the viewer, and the
 * Python layer (timecapsule/analysis.py) decides where it goes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>

#include "tc-analysis.h"
#include "tc-analysis-processes.h"
#include "tc-analysis-writer.h"
#include "tc-baseline.h"
#include "tc-document-private.h"
#include "tc-export.h"
#include "tc-report-private.h"

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
Py_NewRef (PyObject *o)
{
  Py_INCREF (o);
  return o;
}
#endif

typedef struct
{
  PyObject_HEAD
  TcDocument *doc;
} DocumentObject;

static PyTypeObject DocumentType;
static PyObject *AnalysisError;

/* ---- conversion helpers ------------------------------------------------- */

static PyObject *
str_ (const char *s)
{
  return PyUnicode_DecodeUTF8 (s ? s : "", s ? (Py_ssize_t) strlen (s) : 0, "replace");
}

static PyObject *
str_len (const char *s, gsize len)
{
  return PyUnicode_DecodeUTF8 (s ? s : "", s ? (Py_ssize_t) len : 0, "replace");
}

/* Steals `value`. */
static int
set_ (PyObject *dict, const char *key, PyObject *value)
{
  int r;

  if (value == NULL)
    return -1;
  r = PyDict_SetItemString (dict, key, value);
  Py_DECREF (value);
  return r;
}

#define SET(d, k, v) G_STMT_START { if (set_ ((d), (k), (v)) < 0) goto error; } G_STMT_END
/* SET of a variable the error path also releases: clear it first. */
#define SET_TAKE(d, k, var) G_STMT_START { PyObject *taken_ = (var); (var) = NULL; SET ((d), (k), taken_); } G_STMT_END

static int
append_ (PyObject *list, PyObject *value)
{
  int r;

  if (value == NULL)
    return -1;
  r = PyList_Append (list, value);
  Py_DECREF (value);
  return r;
}

#define APPEND(l, v) G_STMT_START { if (append_ ((l), (v)) < 0) goto error; } G_STMT_END

static double
round_to (double v, int digits)
{
  double f = pow (10, digits);

  return round (v * f) / f;
}

static PyObject *
value_to_py (const TcValue *value, const char *repr)
{
  switch (value->kind)
    {
    case TC_VALUE_NONE: Py_RETURN_NONE;
    case TC_VALUE_BOOL: return PyBool_FromLong (value->b);
    case TC_VALUE_INT: return PyLong_FromLongLong (value->i);
    case TC_VALUE_BIGINT:
      {
        g_autofree char *text = g_strndup (value->s.ptr, value->s.len);
        return PyLong_FromString (text, NULL, 10);
      }
    case TC_VALUE_FLOAT: return PyFloat_FromDouble (value->f);
    case TC_VALUE_COMPLEX: return PyComplex_FromDoubles (value->c.re, value->c.im);
    case TC_VALUE_STR: return str_len (value->s.ptr, value->s.len);
    case TC_VALUE_BYTES: return PyBytes_FromStringAndSize (value->s.ptr, value->s.len);
    case TC_VALUE_LIST:
    case TC_VALUE_TUPLE:
    case TC_VALUE_SET:
    case TC_VALUE_FROZENSET:
      {
        PyObject *list = PyList_New (0), *result;
        TcValueIter iter;
        TcValue item;

        if (list == NULL)
          return NULL;
        tc_value_iter_init (&iter, value);
        while (tc_value_iter_next (&iter, &item))
          if (append_ (list, value_to_py (&item, NULL)) < 0)
            {
              Py_DECREF (list);
              return NULL;
            }
        if (value->kind == TC_VALUE_LIST)
          return list;
        if (value->kind == TC_VALUE_TUPLE)
          result = PyList_AsTuple (list);
        else if (value->kind == TC_VALUE_SET)
          result = PySet_New (list);
        else
          result = PyFrozenSet_New (list);
        Py_DECREF (list);
        /* Unhashable items cannot go into a set: fall back to the repr. */
        if (result == NULL && repr != NULL)
          {
            PyErr_Clear ();
            return str_ (repr);
          }
        return result;
      }
    case TC_VALUE_DICT:
      {
        PyObject *dict = PyDict_New ();
        TcValueIter iter;
        TcValue k, v;

        if (dict == NULL)
          return NULL;
        tc_value_iter_init (&iter, value);
        while (tc_value_iter_next (&iter, &k) && tc_value_iter_next (&iter, &v))
          {
            PyObject *pk = value_to_py (&k, NULL), *pv = value_to_py (&v, NULL);

            if (pk == NULL || pv == NULL || PyDict_SetItem (dict, pk, pv) < 0)
              {
                Py_XDECREF (pk);
                Py_XDECREF (pv);
                Py_DECREF (dict);
                if (repr != NULL)
                  {
                    PyErr_Clear ();
                    return str_ (repr);
                  }
                return NULL;
              }
            Py_DECREF (pk);
            Py_DECREF (pv);
          }
        return dict;
      }
    case TC_VALUE_REPR_ONLY:
    default:
      return str_ (repr ? repr : "");
    }
}

static TcTextStyle
style_of (int color, int width)
{
  TcTextStyle style = { width > 0 ? width : 100, color != 0 };

  return style;
}

/* Returns (result, text), stealing both. */
static PyObject *
pair (PyObject *result, GString *text)
{
  PyObject *t, *tuple;

  if (result == NULL)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  t = str_len (text->str, text->len);
  g_string_free (text, TRUE);
  if (t == NULL)
    {
      Py_DECREF (result);
      return NULL;
    }
  tuple = PyTuple_Pack (2, result, t);
  Py_DECREF (result);
  Py_DECREF (t);
  return tuple;
}

static PyObject *
take_string (char *s)
{
  PyObject *r = str_ (s);

  g_free (s);
  return r;
}

/* ---- snapshot dicts (seed §5.3) ------------------------------------------ */

static const char *
series_name (GPtrArray *array, guint32 id)
{
  for (guint i = 0; i < array->len; i++)
    if (((TcDocSeries *) g_ptr_array_index (array, i))->id == id)
      return ((TcDocSeries *) g_ptr_array_index (array, i))->name;
  return "?";
}

static PyObject *
locals_dict (TcDocument *doc, const TcDocLocal *locals, guint n)
{
  PyObject *loc = PyDict_New ();

  if (loc == NULL)
    return NULL;
  for (guint l = 0; l < n; l++)
    {
      const TcDocLocal *local = &locals[l];
      const TcDocVar *var = tc_document_get_var (doc, local->var_id);
      PyObject *entry = PyDict_New ();
      g_autofree char *key = NULL;

      if (entry == NULL)
        goto error;
      key = (local->flags & TC_LOCAL_EXPR) ? g_strconcat ("__expr_", var ? var->name : "?", NULL)
                                          : g_strdup (var ? var->name : "?");
      if (set_ (entry, "r", str_ (local->repr)) < 0
          || set_ (entry, "t", str_ (local->type_name)) < 0
          || set_ (entry, "v", value_to_py (&local->value, local->repr)) < 0
          || set_ (entry, "size", PyLong_FromUnsignedLongLong (local->size)) < 0
          || set_ (entry, "chg", PyBool_FromLong ((local->flags & TC_LOCAL_CHANGED) != 0)) < 0
          || set_ (loc, key, entry) < 0)
        goto error;
    }
  return loc;

error:
  Py_DECREF (loc);
  return NULL;
}

static PyObject *
stack_list (TcDocument *doc, const TcStackFrame *stack, guint n)
{
  PyObject *list = PyList_New (0);

  if (list == NULL)
    return NULL;
  for (guint f = 0; f < MIN (n, 16); f++)
    {
      const TcDocCode *code = tc_document_get_code (doc, stack[f].code_id);
      const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;
      PyObject *frame = PyDict_New ();

      if (frame == NULL)
        goto error;
      if (set_ (frame, "fn", str_ (tc_document_code_name (doc, stack[f].code_id))) < 0
          || set_ (frame, "file", str_ (file ? file->basename : "")) < 0
          || set_ (frame, "abs", str_ (file ? file->path : "")) < 0
          || set_ (frame, "ln", PyLong_FromUnsignedLong (stack[f].line)) < 0
          || set_ (frame, "mod", str_ (code ? code->module : "")) < 0
          || append_ (list, frame) < 0)
        goto error;
    }
  return list;

error:
  Py_DECREF (list);
  return NULL;
}

static PyObject *
sys_dict (TcDocument *doc, const TcCounterValue *values, guint n)
{
  PyObject *sys = PyDict_New ();
  GPtrArray *counters = tc_document_get_counters (doc);

  if (sys == NULL)
    return NULL;
  for (guint c = 0; c < n; c++)
    if (set_ (sys, series_name (counters, values[c].counter_id), PyFloat_FromDouble (values[c].value)) < 0)
      {
        Py_DECREF (sys);
        return NULL;
      }
  return sys;
}

static guint64
line_hits_of (TcDocument *doc, const TcDocSnapshot *s)
{
  const TcDocCapture *cap = tc_snapshot_origin (s);
  const TcDocCode *code;
  const TcDocFile *file;
  guint32 line = tc_snapshot_line (s);

  if (cap == NULL || cap->n_stack == 0)
    return 0;
  code = tc_document_get_code (doc, cap->stack[MIN (cap->locals_depth, cap->n_stack - 1)].code_id);
  file = code ? tc_document_get_file (doc, code->file_id) : NULL;
  for (guint i = 0; file && i < file->line_hits->len; i++)
    if (g_array_index (file->line_hits, TcLineHit, i).line == line)
      return g_array_index (file->line_hits, TcLineHit, i).hits;
  return 0;
}

/* A line's hits for load(): the count, or for first-hit data (which knows
 * whether a line ran, not how often) True / False, never a 1 that reads as
 * "ran once" (bool is an int: seed code that sums or sorts still runs). */
static PyObject *
hits_to_py (TcDocument *doc, guint64 hits)
{
  if (tc_analysis_line_hits_counted (doc))
    return PyLong_FromUnsignedLongLong (hits);
  return PyBool_FromLong (hits > 0);
}

static PyObject *
snapshot_dict (TcDocument *doc, const TcDocSnapshot *s)
{
  const TcDocCapture *cap = tc_snapshot_origin (s);
  GPtrArray *metrics = tc_document_get_metrics (doc);
  PyObject *d = PyDict_New (), *tags = NULL, *mets = NULL, *threads = NULL;
  g_autofree char *wt = tc_wall_time (doc, s->time_ns, TRUE);
  const char *clock = strchr (wt, 'T') ? strchr (wt, 'T') + 1 : wt;

  if (d == NULL)
    return NULL;
  SET (d, "i", PyLong_FromUnsignedLongLong (s->index));
  SET (d, "t", PyFloat_FromDouble (round_to (tc_ns_to_s (s->time_ns), 6)));
  SET (d, "wt", str_len (clock, MIN (strlen (clock), 12)));
  SET (d, "evt", str_ (s->evt));
  SET (d, "fn", str_ (tc_snapshot_fn (doc, s)));
  SET (d, "ln", PyLong_FromUnsignedLong (tc_snapshot_line (s)));
  SET (d, "file", str_ (tc_snapshot_file (doc, s, TRUE)));
  SET (d, "abs", str_ (tc_snapshot_file (doc, s, FALSE)));
  SET (d, "loc", cap ? locals_dict (doc, cap->locals, cap->n_locals) : PyDict_New ());
  SET (d, "stk", cap ? stack_list (doc, cap->stack, cap->n_stack) : PyList_New (0));
  SET (d, "sys", sys_dict (doc, s->system, s->n_system));
  mets = PyDict_New ();
  if (mets == NULL)
    goto error;
  for (guint m = 0; m < s->n_metrics; m++)
    if (set_ (mets, series_name (metrics, s->metrics[m].metric_id), value_to_py (&s->metrics[m].value, NULL)) < 0)
      goto error;
  SET_TAKE (d, "mets", mets);
  SET (d, "hits", hits_to_py (doc, line_hits_of (doc, s)));
  tags = PyList_New (0);
  if (tags == NULL)
    goto error;
  for (guint t = 0; s->tags[t]; t++)
    if (append_ (tags, str_ (s->tags[t])) < 0)
      goto error;
  SET_TAKE (d, "tags", tags);
  SET (d, "sid", str_ (tc_document_get_session (doc)->session_id));
  if (*s->label)
    SET (d, "label", str_ (s->label));
  else
    {
      Py_INCREF (Py_None);
      SET (d, "label", Py_None);
    }
  if (*s->async_task)
    {
      PyObject *a = Py_BuildValue ("{s:N,s:N}", "task", str_ (s->async_task), "coro", str_ (s->async_coro));
      SET (d, "async", a);
    }
  for (guint e = 0; e < s->n_extras; e++)
    SET (d, s->extras[e].key, str_ (s->extras[e].value));
  if (s->kind == TC_SNAPSHOT_LINE && cap)
    {
      PyObject *changed = PyList_New (0);

      if (changed == NULL)
        goto error;
      for (guint l = 0; l < cap->n_locals; l++)
        if (cap->locals[l].flags & TC_LOCAL_CHANGED)
          {
            const TcDocVar *var = tc_document_get_var (doc, cap->locals[l].var_id);
            if (append_ (changed, str_ (var ? var->name : "?")) < 0)
              {
                Py_DECREF (changed);
                goto error;
              }
          }
      SET (d, "changed", changed);
    }
  /* Every other thread's running frame at that moment (the seed only ever
   * captured the main thread). */
  threads = PyList_New (0);
  if (threads == NULL)
    goto error;
  for (guint t = 0; t < s->n_threads; t++)
    {
      const TcDocCapture *c = &s->threads[t];
      const TcDocThread *th = tc_document_get_thread (doc, c->thread_id);
      PyObject *td;

      if (c == cap)
        continue;
      td = Py_BuildValue ("{s:I,s:N,s:N,s:N}", "thread", c->thread_id, "name", str_ (th ? th->name : ""),
                          "loc", locals_dict (doc, c->locals, c->n_locals),
                          "stk", stack_list (doc, c->stack, c->n_stack));
      if (append_ (threads, td) < 0)
        goto error;
    }
  SET (d, "threads", threads);
  return d;

error:
  Py_XDECREF (tags);
  Py_XDECREF (mets);
  Py_DECREF (d);
  return NULL;
}

/* ---- the seed-compatible dict (§5.2) ------------------------------------- */

static PyObject *
crash_dict (TcDocument *doc)
{
  const TcDocCrash *crash = tc_document_get_crash (doc);
  const TcDocCrashFrame *frame;
  PyObject *d, *ctx = NULL;
  const TcDocCode *code;
  const TcDocFile *file;
  PyObject *stk;

  if (crash == NULL)
    Py_RETURN_NONE;
  frame = crash->n_frames ? &crash->frames[0] : NULL;
  code = frame ? tc_document_get_code (doc, frame->code_id) : NULL;
  file = code ? tc_document_get_file (doc, code->file_id) : NULL;
  d = PyDict_New ();
  if (d == NULL)
    return NULL;
  SET (d, "exc", str_ (crash->exc_type));
  SET (d, "msg", str_ (crash->message));
  SET (d, "tb", str_ (crash->traceback));
  SET (d, "t", PyFloat_FromDouble (round_to (tc_ns_to_s (crash->time_ns), 4)));
  SET (d, "fn", str_ (frame ? tc_document_code_name (doc, frame->code_id) : "?"));
  SET (d, "ln", PyLong_FromUnsignedLong (frame ? frame->line : 0));
  SET (d, "file", str_ (file ? file->basename : ""));
  SET (d, "full_file", str_ (file ? file->path : ""));
  SET (d, "loc", frame ? locals_dict (doc, frame->locals, frame->n_locals) : PyDict_New ());
  stk = PyList_New (0);
  if (stk == NULL)
    goto error;
  for (guint i = 0; i < crash->n_frames; i++)
    {
      TcStackFrame sf = { crash->frames[i].code_id, crash->frames[i].line };
      PyObject *one = stack_list (doc, &sf, 1);

      if (one == NULL)
        {
          Py_DECREF (stk);
          goto error;
        }
      if (append_ (stk, PySequence_GetItem (one, 0)) < 0)
        {
          Py_DECREF (one);
          Py_DECREF (stk);
          goto error;
        }
      Py_DECREF (one);
    }
  SET (d, "stk", stk);
  SET (d, "sys", sys_dict (doc, crash->system, crash->n_system));
  SET (d, "friendly", str_ (tc_exception_friendly (crash->exc_type)));
  SET (d, "cause", str_ (crash->cause));
  ctx = PyList_New (0);
  if (ctx == NULL)
    goto error;
  if (frame && file)
    {
      const char *text = tc_document_source_text (doc, file, NULL);

      if (text)
        {
          g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
          guint n = g_strv_length (lines);
          guint first = frame->line > 5 ? frame->line - 5 : 1, last = MIN (n, frame->line + 5);

          for (guint l = first; l <= last && l >= 1; l++)
            if (append_ (ctx, Py_BuildValue ("(INO)", l, str_ (lines[l - 1]), l == frame->line ? Py_True : Py_False)) < 0)
              goto error;
        }
    }
  SET (d, "src_ctx", ctx);
  return d;

error:
  Py_XDECREF (ctx);
  Py_DECREF (d);
  return NULL;
}

static PyObject *
Document_to_dict (DocumentObject *self, PyObject *args, PyObject *kw)
{
  static char *kwlist[] = { "snaps", "timings", NULL };
  int with_snaps = 1, with_timings = 1;
  TcDocument *doc = self->doc;
  const TcDocSession *s = tc_document_get_session (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  GPtrArray *vars = tc_document_get_vars (doc);
  GPtrArray *files = tc_document_get_files (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  GArray *rets = tc_document_get_return_values (doc);
  GArray *samples = tc_document_get_samples (doc);
  g_autoptr (GArray) blocks = tc_analysis_block_timings (doc);
  PyObject *d = PyDict_New (), *o = NULL;
  g_autofree char *saved = NULL;
  gint64 end_ns;

  if (d == NULL)
    return NULL;
  if (!PyArg_ParseTupleAndKeywords (args, kw, "|pp", kwlist, &with_snaps, &with_timings))
    {
      Py_DECREF (d);
      return NULL;
    }
  tc_document_get_time_range (doc, NULL, &end_ns);
  saved = tc_wall_time (doc, end_ns, TRUE);

  SET (d, "ver", str_ ("6.0"));
  SET (d, "backend", str_ (s->backend));
  SET (d, "mode", str_ (s->mode));
  SET (d, "session_id", str_ (s->session_id));
  SET (d, "src", str_ (s->src));
  o = PyList_New (0);
  if (o == NULL)
    goto error;
  for (guint i = 0; s->argv[i]; i++)
    if (append_ (o, str_ (s->argv[i])) < 0)
      goto error;
  SET_TAKE (d, "argv", o);
  SET (d, "python", str_ (s->python));
  SET (d, "platform", str_ (s->platform));
  SET (d, "pid", PyLong_FromLongLong (s->pid));
  SET (d, "t0_wall", PyFloat_FromDouble (s->start_wall_ns / 1e9));
  SET (d, "saved_at", str_ (saved));
  SET (d, "duration", PyFloat_FromDouble (round_to (tc_document_get_duration (doc), 6)));
  SET (d, "n", PyLong_FromUnsignedLong (snaps->len));

  o = PyList_New (0);
  if (o == NULL)
    goto error;
  for (guint i = 0; i < vars->len; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);

      if (v->history->len > 0 && !g_str_has_prefix (v->name, "__"))
        if (append_ (o, str_ (v->display)) < 0)
          goto error;
    }
  if (PyList_Sort (o) < 0)
    goto error;
  SET_TAKE (d, "all_vars", o);
  SET (d, "crash", crash_dict (doc));

  o = PyList_New (0);
  if (o == NULL)
    goto error;
  /* snaps=False / timings=False: the cheap parts only (report() of a
   * 10M-event recording must not build millions of Python floats). */
  for (guint i = 0; with_snaps && i < snaps->len; i++)
    if (append_ (o, snapshot_dict (doc, &g_array_index (snaps, TcDocSnapshot, i))) < 0)
      goto error;
  SET_TAKE (d, "snaps", o);

  o = PyList_New (0);
  if (o == NULL)
    goto error;
  for (guint i = 0; i < rets->len; i++)
    {
      const TcDocReturn *r = &g_array_index (rets, TcDocReturn, i);

      if (append_ (o, Py_BuildValue ("{s:d,s:N,s:N,s:N,s:N}", "t", round_to (tc_ns_to_s (r->time_ns), 4),
                                     "fn", str_ (tc_document_code_name (doc, r->code_id)),
                                     "val", str_ (r->repr), "type", str_ (r->type_name),
                                     "value", value_to_py (&r->value, r->repr))) < 0)
        goto error;
    }
  SET_TAKE (d, "ret_vals", o);

  /* line_hits: {(abs_path, line): hits}; tuple keys, never strings to eval;
   * hits as hits_to_py() gives them. */
  o = PyDict_New ();
  if (o == NULL)
    goto error;
  for (guint f = 0; f < files->len; f++)
    {
      const TcDocFile *file = g_ptr_array_index (files, f);

      for (guint l = 0; l < file->line_hits->len; l++)
        {
          const TcLineHit *h = &g_array_index (file->line_hits, TcLineHit, l);
          PyObject *key = Py_BuildValue ("(NI)", str_ (file->path), h->line);
          PyObject *val = hits_to_py (doc, h->hits);
          int r = key && val ? PyDict_SetItem (o, key, val) : -1;

          Py_XDECREF (key);
          Py_XDECREF (val);
          if (r < 0)
            goto error;
        }
    }
  SET_TAKE (d, "line_hits", o);

  o = PyDict_New ();
  if (o == NULL)
    goto error;
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);
      SET (o, st->name, PyLong_FromUnsignedLongLong (st->calls));
    }
  SET_TAKE (d, "fn_calls", o);
  o = PyDict_New ();
  if (o == NULL)
    goto error;
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);
      guint n = with_timings ? tc_durations_get_n (st->durations) : 0;
      PyObject *list = PyList_New (n);

      if (list == NULL)
        goto error;
      for (guint k = 0; k < n; k++)
        PyList_SET_ITEM (list, k, PyFloat_FromDouble (tc_durations_get (st->durations, k) / 1e9));
      SET (o, st->name, list);
    }
  SET_TAKE (d, "fn_timings", o);
  o = PyDict_New ();
  if (o == NULL)
    goto error;
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);
      SET (o, st->name, PyLong_FromUnsignedLong (st->max_depth));
    }
  SET_TAKE (d, "rec_max", o);
  o = PyDict_New ();
  if (o == NULL)
    goto error;
  {
    GPtrArray *metrics = tc_document_get_metrics (doc);
    GHashTable *finals = tc_document_get_final_metrics (doc);

    for (guint i = 0; i < metrics->len; i++)
      {
        const TcDocSeries *m = g_ptr_array_index (metrics, i);
        const TcDocPoint *p = g_hash_table_lookup (finals, m->name);

        if (p)
          SET (o, m->name, value_to_py (&p->raw, NULL));
      }
  }
  SET_TAKE (d, "final_metrics", o);

  o = PyList_New (0);
  if (o == NULL)
    goto error;
  for (guint i = 0; i < warnings->len; i++)
    {
      const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);
      PyObject *wd = Py_BuildValue ("{s:N,s:N,s:d,s:s}", "code", str_ (w->code), "msg", str_ (w->message),
                                    "t", round_to (tc_ns_to_s (w->time_ns), 4), "level",
                                    w->level == TC_LEVEL_ERROR ? "ERROR" : w->level == TC_LEVEL_INFO ? "INFO" : "WARN");

      if (wd == NULL)
        goto error;
      if (*w->var && set_ (wd, "var", str_ (w->var)) < 0)
        {
          Py_DECREF (wd);
          goto error;
        }
      for (guint e = 0; e < w->n_extras; e++)
        if (set_ (wd, w->extras[e].key, str_ (w->extras[e].value)) < 0)
          {
            Py_DECREF (wd);
            goto error;
          }
      if (append_ (o, wd) < 0)
        goto error;
    }
  SET_TAKE (d, "warnings", o);
  SET (d, "ram_peak", PyFloat_FromDouble (tc_document_get_ram_peak_mb (doc)));
  SET (d, "fd_peak", PyLong_FromLong ((long) tc_document_get_fd_peak (doc)));

  o = PyDict_New ();
  if (o == NULL)
    goto error;
  {
    GArray *marks = tc_document_get_marks (doc);

    for (guint i = 0; i < marks->len; i++)
      {
        const TcDocMark *m = &g_array_index (marks, TcDocMark, i);
        PyObject *list;

        if (m->kind != TC_MARK_BLOCK && m->kind != TC_MARK_CHECKPOINT)
          continue;
        list = PyDict_GetItemString (o, m->name);
        if (list == NULL)
          {
            list = PyList_New (0);
            if (set_ (o, m->name, list) < 0)
              goto error;
          }
        if (append_ (list, PyFloat_FromDouble (m->duration_ns / 1e9)) < 0)
          goto error;
      }
  }
  SET_TAKE (d, "block_timings", o);
  o = PyDict_New ();
  if (o == NULL)
    goto error;
  for (guint i = 0; i < s->items->len; i++)
    {
      const TcDocKeyValue *kv = &g_array_index (s->items, TcDocKeyValue, i);

      if (g_str_has_prefix (kv->key, "watch_expr."))
        SET (o, kv->key + strlen ("watch_expr."), str_ (kv->value));
    }
  SET_TAKE (d, "watch_exprs", o);

  /* sample_counts: {(file basename, fn, line): samples with that frame}. */
  o = PyDict_New ();
  if (o == NULL)
    goto error;
  for (guint i = 0; i < samples->len; i++)
    {
      const TcDocSample *sm = &g_array_index (samples, TcDocSample, i);

      for (guint f = 0; f < sm->n_stack; f++)
        {
          const TcDocCode *code = tc_document_get_code (doc, sm->stack[f].code_id);
          const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;
          PyObject *key = Py_BuildValue ("(NNI)", str_ (file ? file->basename : "?"),
                                         str_ (tc_document_code_name (doc, sm->stack[f].code_id)), sm->stack[f].line);
          PyObject *old = key ? PyDict_GetItem (o, key) : NULL;
          PyObject *val = PyLong_FromLong (old ? PyLong_AsLong (old) + 1 : 1);
          int r = key && val ? PyDict_SetItem (o, key, val) : -1;

          Py_XDECREF (key);
          Py_XDECREF (val);
          if (r < 0)
            goto error;
        }
    }
  SET_TAKE (d, "sample_counts", o);
  o = PyList_New (0);
  if (o == NULL)
    goto error;
  for (guint i = 0; s->include_files[i]; i++)
    if (append_ (o, str_ (s->include_files[i])) < 0)
      goto error;
  SET_TAKE (d, "include_files", o);
  SET (d, "truncated", PyBool_FromLong (tc_document_get_truncated (doc)));
  return d;

error:
  Py_XDECREF (o);
  Py_DECREF (d);
  return NULL;
}

/* ---- Document methods ------------------------------------------------------ */

static PyObject *
raise_gerror (GError *error)
{
  PyObject *type = AnalysisError;

  if (error->domain == TC_DOCUMENT_ERROR && error->code == TC_DOCUMENT_ERROR_IO)
    type = PyExc_OSError;
  else if (error->domain == G_FILE_ERROR)
    type = PyExc_OSError;
  PyErr_SetString (type, error->message);
  g_error_free (error);
  return NULL;
}

static PyObject *
Document_snapshot (DocumentObject *self, PyObject *args)
{
  GArray *snaps = tc_document_get_snapshots (self->doc);
  Py_ssize_t i;

  if (!PyArg_ParseTuple (args, "n", &i))
    return NULL;
  if (i < 0 || i >= (Py_ssize_t) snaps->len)
    {
      PyErr_SetString (PyExc_IndexError, "snapshot index out of range");
      return NULL;
    }
  return snapshot_dict (self->doc, &g_array_index (snaps, TcDocSnapshot, i));
}

static PyObject *
Document_report (DocumentObject *self, PyObject *args, PyObject *kw)
{
  static char *kwlist[] = { "width", "color", "top_n", "full", "source", NULL };
  int width = 100, color = 0, full = 0;
  unsigned int top_n = 15;
  const char *source = NULL;
  TcReportOptions o;

  if (!PyArg_ParseTupleAndKeywords (args, kw, "|iiIpz", kwlist, &width, &color, &top_n, &full, &source))
    return NULL;
  o.style = style_of (color, width);
  o.top_n = top_n;
  o.full = full;
  o.source_label = source;
  return take_string (tc_report_render (self->doc, &o));
}

static PyObject *
Document_summary_line (DocumentObject *self, PyObject *args)
{
  int color = 0;
  TcTextStyle style;

  if (!PyArg_ParseTuple (args, "|i", &color))
    return NULL;
  style = style_of (color, 100);
  return take_string (tc_report_summary_line (self->doc, &style));
}

static PyObject *
Document_explain (DocumentObject *self, PyObject *args)
{
  int verbose = 0, color = 0, width = 100;
  TcTextStyle style;
  g_autoptr (GPtrArray) sentences = NULL;
  PyObject *list;

  if (!PyArg_ParseTuple (args, "|iii", &verbose, &color, &width))
    return NULL;
  style = style_of (color, width);
  sentences = tc_report_explain_sentences (self->doc);
  list = PyList_New (0);
  if (list == NULL)
    return NULL;
  for (guint i = 0; i < sentences->len; i++)
    if (append_ (list, str_ (g_ptr_array_index (sentences, i))) < 0)
      {
        Py_DECREF (list);
        return NULL;
      }
  {
    g_autofree char *text = tc_report_explain (self->doc, verbose, &style);

    return pair (list, g_string_new (text));
  }
}

static PyObject *
Document_dump (DocumentObject *self, PyObject *args, PyObject *kw)
{
  static char *kwlist[] = { "show_vars", "show_sys", "show_stack", "show_warnings", "show_timings",
                            "show_returns", "show_blocks", "max_snaps", "color", NULL };
  int v = 1, sys = 1, stack = 0, warn = 1, tim = 1, ret = 0, blocks = 1, color = 0;
  unsigned int max_snaps = 0;
  TcDumpOptions o;
  TcTextStyle style;

  if (!PyArg_ParseTupleAndKeywords (args, kw, "|pppppppIp", kwlist, &v, &sys, &stack, &warn, &tim, &ret, &blocks,
                                    &max_snaps, &color))
    return NULL;
  o = (TcDumpOptions) { v, sys, stack, warn, tim, ret, blocks, max_snaps };
  style = style_of (color, 72);
  return take_string (tc_report_dump (self->doc, &o, &style));
}

static PyObject *
Document_timings (DocumentObject *self, PyObject *unused)
{
  GPtrArray *stats = tc_document_get_function_stats (self->doc);
  PyObject *d = PyDict_New ();

  if (d == NULL)
    return NULL;
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);
      PyObject *e = Py_BuildValue ("{s:K,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:I}", "calls",
                                   (unsigned long long) s->calls, "total_ms", s->total_ms, "avg_ms", s->avg_ms,
                                   "p50_ms", s->p50_ms, "p95_ms", s->p95_ms, "p99_ms", s->p99_ms, "min_ms",
                                   s->min_ms, "max_ms", s->max_ms, "std_ms", s->std_ms, "self_ms", s->self_ms,
                                   "max_depth", s->max_depth);
      if (set_ (d, s->name, e) < 0)
        {
          Py_DECREF (d);
          return NULL;
        }
    }
  return d;
}

static PyObject *
Document_slowest (DocumentObject *self, PyObject *args)
{
  unsigned int top_n = 10;
  g_autoptr (GArray) slow = NULL;
  PyObject *list;

  if (!PyArg_ParseTuple (args, "|I", &top_n))
    return NULL;
  slow = tc_analysis_slowest (self->doc, top_n);
  list = PyList_New (0);
  for (guint i = 0; list && i < slow->len; i++)
    {
      const TcSlowCall *c = &g_array_index (slow, TcSlowCall, i);

      if (append_ (list, Py_BuildValue ("(dN)", round_to (c->ms, 4), str_ (c->name))) < 0)
        Py_CLEAR (list);
    }
  return list;
}

static PyObject *
Document_rate (DocumentObject *self, PyObject *unused)
{
  GPtrArray *stats = tc_document_get_function_stats (self->doc);
  PyObject *d = PyDict_New ();

  for (guint i = 0; d && i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      if (set_ (d, s->name, PyFloat_FromDouble (round_to (tc_analysis_rate (self->doc, s), 2))) < 0)
        Py_CLEAR (d);
    }
  return d;
}

static PyObject *
Document_hotlines (DocumentObject *self, PyObject *unused)
{
  g_autoptr (GArray) hot = tc_analysis_hotlines (self->doc);
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < hot->len; i++)
    {
      const TcHotLine *h = &g_array_index (hot, TcHotLine, i);

      if (append_ (list, Py_BuildValue ("(KNI)", (unsigned long long) h->hits, str_ (h->file), h->line)) < 0)
        Py_CLEAR (list);
    }
  return list;
}


static PyObject *
Document_search (DocumentObject *self, PyObject *args)
{
  const char *query;
  unsigned int fields = TC_SEARCH_ALL;
  g_autoptr (GArray) hits = NULL;
  PyObject *list;

  if (!PyArg_ParseTuple (args, "s|I", &query, &fields))
    return NULL;
  hits = tc_analysis_search (self->doc, query, fields);
  list = PyList_New (0);
  for (guint i = 0; list && i < hits->len; i++)
    if (append_ (list, PyLong_FromUnsignedLong (g_array_index (hits, guint, i))) < 0)
      Py_CLEAR (list);
  return list;
}

static PyObject *
Document_memory_map (DocumentObject *self, PyObject *unused)
{
  g_autoptr (GArray) map = tc_analysis_memory_map (self->doc);
  PyObject *d = PyDict_New ();

  for (guint i = 0; d && i < map->len; i++)
    {
      const TcMemoryEntry *e = &g_array_index (map, TcMemoryEntry, i);

      if (set_ (d, e->name, Py_BuildValue ("{s:d,s:K,s:I,s:N}", "avg_bytes", round_to (e->avg_bytes, 1), "max_bytes",
                                           (unsigned long long) e->max_bytes, "n_seen", e->n_seen, "type",
                                           str_ (e->type_name))) < 0)
        Py_CLEAR (d);
    }
  return d;
}





/* ---- analyses that write a text section ---------------------------------
 *
 * Each takes its own arguments, then color and width, runs with that text
 * style and returns (data, text).  One row of TC_STYLED_ANALYSES each (the
 * method's name, its PyArg format, the default of its one number and its
 * doc string) plus styled_<name>(), which runs it and converts the result.
 */

typedef struct
{
  double              number;       /* 'd' */
  unsigned long long  count;        /* 'K' */
  unsigned int        size;         /* 'I' */
  const char         *strings[2];   /* 's' and 'z', in order */
  int                 ints[2];      /* 'i': color, then width (or columns) */
} StyledArgs;

typedef PyObject *(*StyledFunc) (TcDocument        *doc,
                                 const StyledArgs  *args,
                                 const TcTextStyle *style,
                                 GString           *text);

typedef struct
{
  const char *format;
  double      fallback;     /* default of the 'd', 'K' or 'I' argument */
  StyledFunc  run;
} StyledAnalysis;

static PyObject *
run_styled (DocumentObject       *self,
            PyObject             *args,
            const StyledAnalysis *analysis)
{
  StyledArgs a = { analysis->fallback, (unsigned long long) analysis->fallback,
                   (unsigned int) analysis->fallback, { NULL, NULL }, { 0, 100 } };
  void *p[6] = { NULL };
  guint n = 0, n_strings = 0, n_ints = 0;
  TcTextStyle style;
  GString *text;

  for (const char *f = analysis->format; *f != '\0'; f++)
    {
      void *slot = *f == 'd' ? (void *) &a.number
                 : *f == 'K' ? (void *) &a.count
                 : *f == 'I' ? (void *) &a.size
                 : *f == 's' || *f == 'z' ? (void *) &a.strings[n_strings++]
                 : *f == 'i' ? (void *) &a.ints[n_ints++]
                 : NULL;   /* '|' */

      if (slot != NULL)
        p[n++] = slot;
    }
  g_assert (n <= G_N_ELEMENTS (p) && n_strings <= 2 && n_ints <= 2);
  /* Pointers past the format's are not read. */
  if (!PyArg_ParseTuple (args, analysis->format, p[0], p[1], p[2], p[3], p[4], p[5]))
    return NULL;
  style = style_of (a.ints[0], a.ints[1]);
  text = g_string_new (NULL);
  return pair (analysis->run (self->doc, &a, &style, text), text);
}

/* [(t, value, z)] of a metric. */
static PyObject *
styled_anomalies (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  g_autoptr (GArray) found = tc_analysis_anomalies (doc, a->strings[0], a->number, style, text);
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < found->len; i++)
    {
      const TcAnomaly *f = &g_array_index (found, TcAnomaly, i);

      if (append_ (list, Py_BuildValue ("(ddd)", round_to (tc_ns_to_s (f->time_ns), 6), f->value, f->z)) < 0)
        Py_CLEAR (list);
    }
  return list;
}

static PyObject *
styled_memory_leak (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  TcLeakResult r = tc_analysis_memory_leak (doc, a->number, style, text);

  if (r.insufficient)
    return Py_BuildValue ("{s:O}", "leak_detected", Py_False);
  return Py_BuildValue ("{s:O,s:d,s:d,s:d,s:s,s:I}", "leak_detected", r.leak_detected ? Py_True : Py_False,
                        "growth_mb_per_min", round_to (r.growth_mb_per_min, 4), "slope_mb_per_s",
                        round_to (r.slope_mb_per_s, 6), "r_squared", round_to (r.r_squared, 4), "verdict", r.verdict,
                        "n_points", r.n_points);
}

static PyObject *
styled_correlations (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  g_autoptr (GArray) found = tc_analysis_correlations (doc, a->number, style, text);
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < found->len; i++)
    {
      const TcCorrelation *c = &g_array_index (found, TcCorrelation, i);

      if (append_ (list, Py_BuildValue ("(NNd)", str_ (c->a), str_ (c->b), round_to (c->r, 4))) < 0)
        Py_CLEAR (list);
    }
  return list;
}

static PyObject *
styled_exception_chain (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  TcExceptionChain *chain = tc_analysis_exception_chain (doc, style, text);
  PyObject *d;

  if (chain->has_root_cause)
    d = Py_BuildValue ("{s:N,s:N,s:d,s:N}", "bad_var", str_ (chain->bad_var), "bad_value", str_ (chain->bad_value),
                       "introduced_at", round_to (tc_ns_to_s (chain->introduced_ns), 4), "introduced_in",
                       str_ (chain->introduced_in));
  else
    d = PyDict_New ();
  tc_exception_chain_free (chain);
  return d;
}

static PyObject *
styled_loops (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  g_autoptr (GArray) found = tc_analysis_loops (doc, style, text);
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < found->len; i++)
    {
      const TcLoopFinding *f = &g_array_index (found, TcLoopFinding, i);

      if (append_ (list, Py_BuildValue ("{s:s,s:s,s:N,s:I,s:N}", "type", f->type, "severity", f->severity, "fn",
                                        str_ (f->fn), "line", f->line, "evidence", str_ (f->evidence))) < 0)
        Py_CLEAR (list);
    }
  return list;
}

/* [{"tag", "severity", "text", "subject"}], the report's section 13 text. */
static PyObject *
styled_suggestions (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  g_autoptr (GArray) found = tc_analysis_suggestions (doc, style, text);
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < found->len; i++)
    {
      const TcSuggestion *s = &g_array_index (found, TcSuggestion, i);

      if (append_ (list, Py_BuildValue ("{s:s,s:s,s:N,s:z}", "tag", s->tag, "severity", s->severity, "text",
                                        str_ (s->text), "subject", s->subject)) < 0)
        Py_CLEAR (list);
    }
  return list;
}

/* {caller: {callee: count}} */
static PyObject *
styled_callgraph (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  g_autoptr (GArray) edges = tc_analysis_callgraph (doc, a->count, style, text);
  PyObject *d = PyDict_New ();

  for (guint i = 0; d && i < edges->len; i++)
    {
      const TcCallEdge *e = &g_array_index (edges, TcCallEdge, i);
      PyObject *inner = PyDict_GetItemString (d, e->caller);

      if (inner == NULL)
        {
          inner = PyDict_New ();
          if (set_ (d, e->caller, inner) < 0)
            {
              Py_CLEAR (d);
              break;
            }
        }
      if (set_ (inner, e->callee, PyLong_FromUnsignedLongLong (e->count)) < 0)
        Py_CLEAR (d);
    }
  return d;
}

/* {line: hits} for counted line hits; for first-hit data (every current
 * recording) {line: "ran" | "never ran" | "before recording" | None (not
 * code)}, the text report's verdicts, never a made-up count. */
static PyObject *
coverage_value (const TcCoverage *cov, const TcCoverageLine *l)
{
  const char *name;

  if (cov->counted)
    return PyLong_FromUnsignedLongLong (l->hits);
  name = tc_coverage_state_name (l->state);
  if (name == NULL)
    Py_RETURN_NONE;
  return PyUnicode_FromString (name);
}

static PyObject *
styled_coverage (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  TcCoverage *cov = tc_analysis_coverage (doc, a->strings[0], a->strings[1], style, text);
  PyObject *d = PyDict_New ();

  for (guint i = 0; d && cov && i < cov->lines->len; i++)
    {
      const TcCoverageLine *l = &g_array_index (cov->lines, TcCoverageLine, i);
      PyObject *k = PyLong_FromUnsignedLong (l->line), *v = coverage_value (cov, l);

      if (!k || !v || PyDict_SetItem (d, k, v) < 0)
        Py_CLEAR (d);
      Py_XDECREF (k);
      Py_XDECREF (v);
    }
  tc_coverage_free (cov);
  return d;
}

static PyObject *
strv_list (GPtrArray *array)
{
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < array->len; i++)
    if (append_ (list, str_ (g_ptr_array_index (array, i))) < 0)
      Py_CLEAR (list);
  return list;
}

static PyObject *
styled_deadcode (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  TcDeadcode *dc = tc_analysis_deadcode (doc, style, text);
  PyObject *d, *hot = PyDict_New ();

  for (guint i = 0; hot && i < dc->hot->len; i++)
    if (set_ (hot, g_ptr_array_index (dc->hot, i), PyLong_FromUnsignedLongLong (g_array_index (dc->hot_calls, guint64, i))) < 0)
      Py_CLEAR (hot);
  d = hot ? Py_BuildValue ("{s:N,s:N,s:N}", "never_called", strv_list (dc->never_called), "called_once",
                           strv_list (dc->called_once), "hot", hot)
          : NULL;
  tc_deadcode_free (dc);
  return d;
}

/* The text only: (None, text). */
static PyObject *
styled_heatmap (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  tc_analysis_heatmap (doc, a->strings[0], a->size, style, text);
  return Py_NewRef (Py_None);
}

/* One TcAsyncCode as a dict (times in seconds, running in ms). */
static PyObject *
async_row_dict (TcDocument *doc, const TcAsyncCode *row)
{
  const TcDocThread *thread = row->thread_id ? tc_document_get_thread (doc, row->thread_id) : NULL;
  PyObject *d = Py_BuildValue ("{s:N,s:s,s:K,s:K,s:K,s:K,s:K,s:d,s:d,s:d,s:d}",
                               "name", str_ (row->name), "kind", row->async_gen ? "async generator" : "coroutine",
                               "started", (unsigned long long) row->started,
                               "ended", (unsigned long long) row->finished,
                               "unwound", (unsigned long long) row->unwound,
                               "suspended", (unsigned long long) row->suspended,
                               "resumed", (unsigned long long) row->resumed,
                               "running_ms", tc_ns_to_ms (row->running_ns),
                               "segments_per_instance", tc_async_code_segments_per_instance (row),
                               "first_t", tc_ns_to_s (row->first_ns), "last_t", tc_ns_to_s (row->last_ns));

  if (d != NULL && row->threads != NULL)
    {
      PyObject *threads = PyList_New (0);

      for (guint i = 0; threads && i < row->threads->len; i++)
        if (append_ (threads, async_row_dict (doc, &g_array_index (row->threads, TcAsyncCode, i))) < 0)
          Py_CLEAR (threads);
      if (threads == NULL || set_ (d, "threads", threads) < 0)
        Py_CLEAR (d);
    }
  else if (d != NULL)
    {
      if (set_ (d, "thread", PyLong_FromUnsignedLong (row->thread_id)) < 0
          || set_ (d, "thread_name", str_ (thread ? thread->name : "")) < 0)
        Py_CLEAR (d);
    }
  return d;
}

/* [{name, kind, started, ended, …, threads: [{…, thread, thread_name}]}] */
static PyObject *
styled_async_activity (TcDocument *doc, const StyledArgs *a, const TcTextStyle *style, GString *text)
{
  g_autoptr (GArray) rows = tc_analysis_async (doc, a->size, style, text);
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < rows->len; i++)
    if (append_ (list, async_row_dict (doc, &g_array_index (rows, TcAsyncCode, i))) < 0)
      Py_CLEAR (list);
  return list;
}

/* name, PyArg format (own arguments, then color and width), default of the
 * number argument, doc string */
#define TC_STYLED_ANALYSES(X) \
  X (anomalies, "s|di", 2.5, "anomalies(metric, z, color) -> ([(t, v, z)], text)") \
  X (memory_leak, "|dii", 5.0, "memory_leak(threshold, color, width)") \
  X (correlations, "|dii", 0.7, "correlations(min_r, color, width)") \
  X (exception_chain, "|ii", 0, "exception_chain(color, width)") \
  X (loops, "|ii", 0, "loops(color, width)") \
  X (suggestions, "|ii", 0, "suggestions(color, width)") \
  X (callgraph, "|Kii", 1, "callgraph(min_calls, color, width)") \
  X (coverage, "|zzii", 0, "coverage(file, source_path, color, width)") \
  X (deadcode, "|ii", 0, "deadcode(color, width)") \
  X (heatmap, "|zIii", 60, "heatmap(var, width, color, columns)") \
  X (async_activity, "|Iii", 0, "async_activity(top_n, color, width) -> ([coroutine dict], text)")

#define STYLED_METHOD(name, format, fallback, doc) \
  static PyObject *Document_##name (DocumentObject *self, PyObject *args) \
  { \
    static const StyledAnalysis analysis = { format, fallback, styled_##name }; \
    return run_styled (self, args, &analysis); \
  }
TC_STYLED_ANALYSES (STYLED_METHOD)
#undef STYLED_METHOD

/* The crash's fix checklist ([] without a crash). */
static PyObject *
Document_fix_checklist (DocumentObject *self, PyObject *Py_UNUSED (args))
{
  const TcDocCrash *crash = tc_document_get_crash (self->doc);
  const char * const *items = tc_exception_checklist (crash ? crash->exc_type : NULL);
  PyObject *list = PyList_New (0);

  for (guint i = 0; crash && list && items[i]; i++)
    if (append_ (list, str_ (items[i])) < 0)
      Py_CLEAR (list);
  return list;
}





/* [(t, value, repr, type, changed, fn)] of a variable, or None when unknown. */
static PyObject *
Document_history (DocumentObject *self, PyObject *args)
{
  const char *name;
  const TcDocVar *var;
  GArray *snaps = tc_document_get_snapshots (self->doc);
  PyObject *list;

  if (!PyArg_ParseTuple (args, "s", &name))
    return NULL;
  var = tc_document_find_var (self->doc, name);
  if (var == NULL)
    Py_RETURN_NONE;
  list = PyList_New (0);
  for (guint i = 0; list && i < var->history->len; i++)
    {
      const TcDocVarPoint *p = &g_array_index (var->history, TcDocVarPoint, i);
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, p->snapshot);

      if (append_ (list, Py_BuildValue ("(dNNNON)", round_to (tc_ns_to_s (p->time_ns), 6),
                                        value_to_py (&p->local->value, p->local->repr), str_ (p->local->repr),
                                        str_ (p->local->type_name), p->changed ? Py_True : Py_False,
                                        str_ (tc_snapshot_fn (self->doc, s)))) < 0)
        Py_CLEAR (list);
    }
  return list;
}

static PyObject *
Document_var_names (DocumentObject *self, PyObject *unused)
{
  GPtrArray *vars = tc_document_get_vars (self->doc);
  PyObject *list = PyList_New (0);

  for (guint i = 0; list && i < vars->len; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);

      if (v->history->len > 0 && append_ (list, Py_BuildValue ("(NNN)", str_ (v->display), str_ (v->name),
                                                               str_ (tc_document_code_name (self->doc, v->code_id)))) < 0)
        Py_CLEAR (list);
    }
  return list;
}

typedef gboolean (*ExportFunc) (TcDocument *, const char *, GError **);

static PyObject *
run_export (DocumentObject *self, PyObject *args, ExportFunc func)
{
  const char *out;
  GError *error = NULL;
  gboolean ok;

  if (!PyArg_ParseTuple (args, "s", &out))
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  ok = func (self->doc, out, &error);
  Py_END_ALLOW_THREADS
  if (!ok)
    return raise_gerror (error);
  Py_RETURN_NONE;
}

static PyObject *Document_export_json (DocumentObject *self, PyObject *args) { return run_export (self, args, tc_export_json); }
static PyObject *Document_export_chrome (DocumentObject *self, PyObject *args) { return run_export (self, args, tc_export_chrome_trace); }
static PyObject *Document_export_speedscope (DocumentObject *self, PyObject *args) { return run_export (self, args, tc_export_speedscope); }
static PyObject *Document_export_collapsed (DocumentObject *self, PyObject *args) { return run_export (self, args, tc_export_collapsed); }

static PyObject *
Document_export_llm (DocumentObject *self, PyObject *args)
{
  const char *out;
  unsigned int max_snaps = 50;
  GError *error = NULL;

  if (!PyArg_ParseTuple (args, "s|I", &out, &max_snaps))
    return NULL;
  if (!tc_export_for_llm (self->doc, out, max_snaps, &error))
    return raise_gerror (error);
  Py_RETURN_NONE;
}

static PyObject *
Document_refresh (DocumentObject *self, PyObject *unused)
{
  GError *error = NULL;
  gboolean changed = FALSE;

  if (!tc_document_refresh (self->doc, &changed, &error))
    return raise_gerror (error);
  return PyBool_FromLong (changed);
}

static PyObject *
Document_get_path (DocumentObject *self, void *closure)
{
  return str_ (tc_document_get_path (self->doc));
}

static PyObject *
Document_get_truncated (DocumentObject *self, void *closure)
{
  return PyBool_FromLong (tc_document_get_truncated (self->doc));
}

/* False when line hits only say a line ran (docs/FORMAT.md 5.15). */
static PyObject *
Document_get_line_hits_counted (DocumentObject *self, void *closure)
{
  return PyBool_FromLong (tc_analysis_line_hits_counted (self->doc));
}

static PyObject *
Document_get_state_message (DocumentObject *self, void *closure)
{
  return str_ (tc_document_get_state_message (self->doc));
}

static PyObject *
Document_get_n_snapshots (DocumentObject *self, void *closure)
{
  return PyLong_FromUnsignedLong (tc_document_get_snapshots (self->doc)->len);
}

static PyObject *
Document_get_duration (DocumentObject *self, void *closure)
{
  return PyFloat_FromDouble (tc_document_get_duration (self->doc));
}

static PyObject *
Document_get_script (DocumentObject *self, void *closure)
{
  return str_ (tc_document_get_session (self->doc)->script);
}

static void
Document_dealloc (DocumentObject *self)
{
  g_clear_object (&self->doc);
  Py_TYPE (self)->tp_free ((PyObject *) self);
}

#define STYLED_METHOD_DEF(name, format, fallback, doc) \
  { #name, (PyCFunction) Document_##name, METH_VARARGS, doc },

static PyMethodDef Document_methods[] = {
  TC_STYLED_ANALYSES (STYLED_METHOD_DEF)
  { "to_dict", (PyCFunction) (void (*) (void)) Document_to_dict, METH_VARARGS | METH_KEYWORDS,
    "to_dict(snaps=True, timings=True): the seed-compatible dict (load())." },
  { "snapshot", (PyCFunction) Document_snapshot, METH_VARARGS, "snapshot(i) -> dict" },
  { "report", (PyCFunction) (void (*) (void)) Document_report, METH_VARARGS | METH_KEYWORDS, "The 15-section report text." },
  { "summary_line", (PyCFunction) Document_summary_line, METH_VARARGS, "summary_line(color=False) -> str" },
  { "explain", (PyCFunction) Document_explain, METH_VARARGS, "explain(verbose, color, width) -> (sentences, text)" },
  { "dump", (PyCFunction) (void (*) (void)) Document_dump, METH_VARARGS | METH_KEYWORDS, "The raw dump text." },
  { "timings", (PyCFunction) Document_timings, METH_NOARGS, "Per-function distributions (unrounded)." },
  { "slowest", (PyCFunction) Document_slowest, METH_VARARGS, "slowest(top_n) -> [(ms, fn)]" },
  { "rate", (PyCFunction) Document_rate, METH_NOARGS, "{fn: calls/s}" },
  { "hotlines", (PyCFunction) Document_hotlines, METH_NOARGS, "[(hits, file, line)]" },
  { "search", (PyCFunction) Document_search, METH_VARARGS, "search(query, fields) -> [snapshot index]" },
  { "memory_map", (PyCFunction) Document_memory_map, METH_NOARGS, "{var: {avg_bytes, max_bytes, n_seen, type}}" },
  { "fix_checklist", (PyCFunction) Document_fix_checklist, METH_NOARGS, "fix_checklist() -> [str]" },
  { "history", (PyCFunction) Document_history, METH_VARARGS, "history(var) -> [(t, value, repr, type, changed, fn)] or None" },
  { "var_names", (PyCFunction) Document_var_names, METH_NOARGS, "[(display, name, function)]" },
  { "export_json", (PyCFunction) Document_export_json, METH_VARARGS, "export_json(out)" },
  { "export_chrome", (PyCFunction) Document_export_chrome, METH_VARARGS, "export_chrome(out)" },
  { "export_speedscope", (PyCFunction) Document_export_speedscope, METH_VARARGS, "export_speedscope(out)" },
  { "export_collapsed", (PyCFunction) Document_export_collapsed, METH_VARARGS, "export_collapsed(out)" },
  { "export_llm", (PyCFunction) Document_export_llm, METH_VARARGS, "export_llm(out, max_snaps=50)" },
  { "refresh", (PyCFunction) Document_refresh, METH_NOARGS, "Read frames appended since loading; True when new data." },
  { NULL },
};

static PyGetSetDef Document_getset[] = {
  { "path", (getter) Document_get_path, NULL, NULL, NULL },
  { "truncated", (getter) Document_get_truncated, NULL, NULL, NULL },
  { "line_hits_counted", (getter) Document_get_line_hits_counted, NULL, NULL, NULL },
  { "state_message", (getter) Document_get_state_message, NULL, NULL, NULL },
  { "n_snapshots", (getter) Document_get_n_snapshots, NULL, NULL, NULL },
  { "duration", (getter) Document_get_duration, NULL, NULL, NULL },
  { "script", (getter) Document_get_script, NULL, NULL, NULL },
  { NULL },
};

static PyTypeObject DocumentType = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "timecapsule._analysis.Document",
  .tp_basicsize = sizeof (DocumentObject),
  .tp_dealloc = (destructor) Document_dealloc,
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_doc = "A loaded recording (libtc-analysis TcDocument).",
  .tp_methods = Document_methods,
  .tp_getset = Document_getset,
};

/* ---- module functions -------------------------------------------------------- */

static PyObject *
module_load (PyObject *module, PyObject *args)
{
  const char *path;
  TcDocument *doc;
  GError *error = NULL;
  DocumentObject *obj;

  if (!PyArg_ParseTuple (args, "s", &path))
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  doc = tc_document_load (path, NULL, NULL, NULL, &error);
  Py_END_ALLOW_THREADS
  if (doc == NULL)
    {
      if (error->domain == TC_DOCUMENT_ERROR && error->code == TC_DOCUMENT_ERROR_IO && !g_file_test (path, G_FILE_TEST_EXISTS))
        {
          PyErr_SetString (PyExc_FileNotFoundError, error->message);
          g_error_free (error);
          return NULL;
        }
      return raise_gerror (error);
    }
  obj = PyObject_New (DocumentObject, &DocumentType);
  if (obj == NULL)
    {
      g_object_unref (doc);
      return NULL;
    }
  obj->doc = doc;
  return (PyObject *) obj;
}

static TcDocument *
doc_of (PyObject *o)
{
  if (!PyObject_TypeCheck (o, &DocumentType))
    {
      PyErr_SetString (PyExc_TypeError, "expected a timecapsule._analysis.Document");
      return NULL;
    }
  return ((DocumentObject *) o)->doc;
}

static PyObject *
module_patch_summary (PyObject *module, PyObject *args)
{
  PyObject *a, *b;
  int color = 0, width = 100;
  TcDocument *da, *db;
  TcTextStyle style;
  GString *text;
  g_autoptr (GArray) found = NULL;
  PyObject *list;

  if (!PyArg_ParseTuple (args, "OO|ii", &a, &b, &color, &width) || !(da = doc_of (a)) || !(db = doc_of (b)))
    return NULL;
  style = style_of (color, width);
  text = g_string_new (NULL);
  found = tc_analysis_patch_summary (da, db, &style, text);
  list = PyList_New (0);
  for (guint i = 0; list && i < found->len; i++)
    {
      const TcPatchFinding *f = &g_array_index (found, TcPatchFinding, i);

      if (append_ (list, Py_BuildValue ("(sN)", f->tag, str_ (f->text))) < 0)
        Py_CLEAR (list);
    }
  return pair (list, text);
}

static PyObject *
module_baseline_save (PyObject *module, PyObject *args)
{
  PyObject *a;
  const char *name = "default", *project = NULL;
  TcDocument *doc;
  GError *error = NULL;
  GString *text;
  char *json;

  if (!PyArg_ParseTuple (args, "O|zz", &a, &name, &project) || !(doc = doc_of (a)))
    return NULL;
  text = g_string_new (NULL);
  json = tc_baseline_save (doc, name, project, text, &error);
  if (json == NULL)
    {
      g_string_free (text, TRUE);
      return raise_gerror (error);
    }
  return pair (take_string (json), text);
}

static PyObject *
module_baseline_diff (PyObject *module, PyObject *args)
{
  PyObject *a;
  const char *name = "default", *project = NULL;
  double threshold = 10.0;
  int color = 0, width = 100;
  TcDocument *doc;
  TcTextStyle style;
  GError *error = NULL;
  GString *text;
  TcBaselineDiff *diff;
  PyObject *lists[2];

  if (!PyArg_ParseTuple (args, "O|zzdii", &a, &name, &project, &threshold, &color, &width) || !(doc = doc_of (a)))
    return NULL;
  style = style_of (color, width);
  text = g_string_new (NULL);
  diff = tc_baseline_diff (doc, name, project, threshold, &style, text, &error);
  if (diff == NULL)
    {
      PyObject *msg = str_ (error->message);

      g_error_free (error);
      g_string_free (text, TRUE);
      /* Not found is an answer ({} + message), not an exception. */
      return Py_BuildValue ("(NN)", PyDict_New (), msg);
    }
  for (guint pass = 0; pass < 2; pass++)
    {
      GArray *src = pass == 0 ? diff->regressions : diff->improvements;

      lists[pass] = PyList_New (0);
      for (guint i = 0; lists[pass] && i < src->len; i++)
        {
          const TcBaselineDelta *d = &g_array_index (src, TcBaselineDelta, i);

          if (append_ (lists[pass], Py_BuildValue ("{s:N,s:d,s:d,s:d}", "fn", str_ (d->name), "base_ms", d->base_ms,
                                                   "cur_ms", d->cur_ms, "delta_pct", round_to (d->delta_pct, 1))) < 0)
            Py_CLEAR (lists[pass]);
        }
    }
  {
    PyObject *d = Py_BuildValue ("{s:s,s:N,s:N,s:N,s:d,s:d}", "verdict", diff->verdict, "baseline", str_ (diff->key),
                                 "regressions", lists[0], "improvements", lists[1], "base_duration",
                                 diff->base_duration, "duration", diff->cur_duration);
    tc_baseline_diff_free (diff);
    return pair (d, text);
  }
}

static PyObject *
module_regression_check (PyObject *module, PyObject *args, PyObject *kw)
{
  static char *kwlist[] = { "doc", "baseline_path", "name", "project", "max_slowdown_pct", "max_ram_growth_mb",
                            "max_gpu_growth_mb", "fail_on_crash", "color", "width", NULL };
  PyObject *a;
  TcRegressionOptions o = { .max_slowdown_pct = 20.0, .max_ram_growth_mb = 50.0,
                            .max_gpu_growth_mb = 100.0, .fail_on_crash = TRUE };
  int fail_on_crash = 1, color = 0, width = 100;
  TcDocument *doc;
  TcTextStyle style;
  GError *error = NULL;
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  GString *text;
  gboolean ok;
  PyObject *list, *err;

  if (!PyArg_ParseTupleAndKeywords (args, kw, "O|zzzdddpii", kwlist, &a, &o.baseline_path, &o.name, &o.project,
                                    &o.max_slowdown_pct, &o.max_ram_growth_mb, &o.max_gpu_growth_mb,
                                    &fail_on_crash, &color, &width)
      || !(doc = doc_of (a)))
    return NULL;
  o.fail_on_crash = fail_on_crash;
  style = style_of (color, width);
  text = g_string_new (NULL);
  ok = tc_regression_check (doc, &o, failures, &style, text, &error);
  list = strv_list (failures);
  err = error ? str_ (error->message) : Py_NewRef (Py_None);
  g_clear_error (&error);
  {
    PyObject *t = str_len (text->str, text->len);

    g_string_free (text, TRUE);
    return Py_BuildValue ("(ONNN)", ok ? Py_True : Py_False, list, err, t);
  }
}

static PyObject *
module_strip_ansi (PyObject *module, PyObject *args)
{
  const char *text;

  if (!PyArg_ParseTuple (args, "s", &text))
    return NULL;
  return take_string (tc_strip_ansi (text));
}

static PyObject *
module_redact (PyObject *module, PyObject *args)
{
  const char *text;

  if (!PyArg_ParseTuple (args, "s", &text))
    return NULL;
  return take_string (tc_redact_text (text));
}

static PyObject *
module_name_is_secret (PyObject *module, PyObject *args)
{
  const char *name;

  if (!PyArg_ParseTuple (args, "s", &name))
    return NULL;
  return PyBool_FromLong (tc_name_is_secret (name));
}

static PyObject *
module_sparkline (PyObject *module, PyObject *args)
{
  PyObject *seq, *fast;
  unsigned int width;
  g_autofree double *values = NULL;
  Py_ssize_t n;

  if (!PyArg_ParseTuple (args, "OI", &seq, &width))
    return NULL;
  fast = PySequence_Fast (seq, "values must be a sequence");
  if (fast == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (fast);
  values = g_new (double, MAX (n, 1));
  for (Py_ssize_t i = 0; i < n; i++)
    {
      values[i] = PyFloat_AsDouble (PySequence_Fast_GET_ITEM (fast, i));
      if (values[i] == -1 && PyErr_Occurred ())
        {
          Py_DECREF (fast);
          return NULL;
        }
    }
  Py_DECREF (fast);
  return take_string (tc_sparkline (values, n, width, NULL));
}

static PyObject *
module_baseline_dir (PyObject *module, PyObject *unused)
{
  return take_string (tc_baseline_dir ());
}

static PyMethodDef module_methods[] = {
  { "load", module_load, METH_VARARGS, "load(path) -> Document" },
  { "patch_summary", module_patch_summary, METH_VARARGS, "patch_summary(before, after, color, width)" },
  { "baseline_save", module_baseline_save, METH_VARARGS, "baseline_save(doc, name, project) -> (json, text)" },
  { "baseline_diff", module_baseline_diff, METH_VARARGS, "baseline_diff(doc, name, project, threshold, color, width)" },
  { "regression_check", (PyCFunction) (void (*) (void)) module_regression_check, METH_VARARGS | METH_KEYWORDS,
    "regression_check(doc, ...) -> (ok, failures, error, text)" },
  { "strip_ansi", module_strip_ansi, METH_VARARGS, "strip_ansi(text) -> text" },
  { "redact", module_redact, METH_VARARGS, "redact(text) -> text with secrets replaced" },
  { "name_is_secret", module_name_is_secret, METH_VARARGS, "name_is_secret(name) -> bool" },
  { "sparkline", module_sparkline, METH_VARARGS, "sparkline(values, width) -> str" },
  { "baseline_dir", module_baseline_dir, METH_NOARGS, "Directory of the baseline stores." },
  { "process_set", tc_analysis_process_set, METH_VARARGS,
    "process_set(path, color=False, width=100) -> (members, text): the recording's processes." },
  { "process_set_has_members", tc_analysis_process_set_has_members, METH_VARARGS,
    "process_set_has_members(path) -> bool: other processes' files lie beside it (no loading)." },
  { "process_set_is_child", tc_analysis_process_set_is_child, METH_VARARGS,
    "process_set_is_child(path) -> bool: a child's <stem>.<pid>.tc with its parent's <stem>.tc beside it." },
  { "write_recording", tc_analysis_write_recording, METH_VARARGS,
    "write_recording(path, spec, session_id=None): write a .tc from plain data (timecapsule convert)." },
  { NULL },
};

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT, "timecapsule._analysis",
  "libtc-analysis (the C analysis of .tc recordings) for Python.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__analysis (void);

PyMODINIT_FUNC
PyInit__analysis (void)
{
  PyObject *m;

  if (PyType_Ready (&DocumentType) < 0)
    return NULL;
  m = PyModule_Create (&module_def);
  if (m == NULL)
    return NULL;
  AnalysisError = PyErr_NewException ("timecapsule._analysis.Error", PyExc_ValueError, NULL);
  Py_INCREF (&DocumentType);
  if (PyModule_AddObject (m, "Document", (PyObject *) &DocumentType) < 0
      || PyModule_AddObject (m, "Error", AnalysisError) < 0)
    {
      Py_DECREF (m);
      return NULL;
    }
  PyModule_AddIntConstant (m, "SEARCH_LOCALS", TC_SEARCH_LOCALS);
  PyModule_AddIntConstant (m, "SEARCH_LABEL", TC_SEARCH_LABEL);
  PyModule_AddIntConstant (m, "SEARCH_TAGS", TC_SEARCH_TAGS);
  PyModule_AddIntConstant (m, "SEARCH_EVT", TC_SEARCH_EVT);
  PyModule_AddIntConstant (m, "SEARCH_FN", TC_SEARCH_FN);
  PyModule_AddIntConstant (m, "SEARCH_METRICS", TC_SEARCH_METRICS);
  return m;
}

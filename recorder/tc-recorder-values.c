/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-values.c — Python objects to TcValue.
 *
 * Scalars are stored as themselves and small containers of scalars
 * recursively, so history() gives real values; anything else (or anything
 * too big or too deep) is repr-only.  Container items are encoded into
 * scratch encoders that live until the frame is written.
 */
#include "tc-recorder.h"

#include <string.h>

#define TC_REC_VALUE_MAX_ITEMS 64
#define TC_REC_VALUE_MAX_DEPTH 3
#define TC_REC_VALUE_MAX_STR 4096

void
tc_rec_scratch_init(TcRecScratch *s)
{
    memset(s, 0, sizeof(*s));
}

void
tc_rec_scratch_free(TcRecScratch *s)
{
    for (size_t i = 0; i < s->n; i++) {
        tc_encoder_free(&s->encs[i]);
    }
    free(s->encs);
    memset(s, 0, sizeof(*s));
}

static TcEncoder *
scratch_encoder(TcRecScratch *s)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        TcEncoder *grown = realloc(s->encs, cap * sizeof(TcEncoder));
        if (grown == NULL) {
            return NULL;
        }
        s->encs = grown;
        s->cap = cap;
    }
    TcEncoder *enc = &s->encs[s->n++];
    tc_encoder_init(enc);
    return enc;
}

TcStr
tc_rec_str(PyObject *obj)
{
    Py_ssize_t len = 0;
    const char *utf8 = NULL;
    if (obj != NULL && PyUnicode_Check(obj)) {
        utf8 = PyUnicode_AsUTF8AndSize(obj, &len);
    }
    if (utf8 == NULL) {
        PyErr_Clear();
        return (TcStr){"", 0};
    }
    return (TcStr){utf8, (uint32_t)len};
}

static int convert(TcRecScratch *s, PyObject *obj, TcValue *out, int depth,
                   int *budget);

static int
convert_items(TcRecScratch *s, PyObject *seq, TcValueKind kind, TcValue *out,
              int depth, int *budget)
{
    PyObject *fast = PySequence_Fast(seq, "");
    if (fast == NULL) {
        PyErr_Clear();
        return 0;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > *budget) {
        Py_DECREF(fast);
        return 0;
    }
    *budget -= (int)n;
    /* Nested conversions may grow s->encs: keep the index, not a pointer. */
    if (scratch_encoder(s) == NULL) {
        Py_DECREF(fast);
        return 0;
    }
    size_t ei = s->n - 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        TcValue item;
        if (!convert(s, PySequence_Fast_GET_ITEM(fast, i), &item, depth + 1,
                     budget)) {
            Py_DECREF(fast);
            return 0;
        }
        tc_encode_value(&s->encs[ei], &item);
    }
    TcEncoder *enc = &s->encs[ei];
    Py_DECREF(fast);
    if (enc->failed) {
        return 0;
    }
    out->kind = kind;
    out->items.data = enc->data;
    out->items.len = enc->len;
    out->items.count = (uint32_t)n;
    return 1;
}

static int
convert(TcRecScratch *s, PyObject *obj, TcValue *out, int depth, int *budget)
{
    memset(out, 0, sizeof(*out));
    if (obj == Py_None) {
        out->kind = TC_VALUE_NONE;
        return 1;
    }
    if (PyBool_Check(obj)) {
        out->kind = TC_VALUE_BOOL;
        out->b = obj == Py_True;
        return 1;
    }
    if (PyLong_CheckExact(obj)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (!overflow && !(v == -1 && PyErr_Occurred())) {
            out->kind = TC_VALUE_INT;
            out->i = v;
            return 1;
        }
        PyErr_Clear();
        if (_PyLong_NumBits(obj) > 4096) {
            PyErr_Clear();
            return 0;
        }
        PyObject *text = PyObject_Str(obj);
        if (text == NULL) {
            PyErr_Clear();
            return 0;
        }
        /* Kept alive by an encoder: the str object dies with `text`. */
        TcEncoder *enc = scratch_encoder(s);
        TcStr str = tc_rec_str(text);
        if (enc == NULL) {
            Py_DECREF(text);
            return 0;
        }
        tc_encode_bytes(enc, str.ptr, str.len);
        Py_DECREF(text);
        out->kind = TC_VALUE_BIGINT;
        out->s = (TcStr){(const char *)enc->data, (uint32_t)enc->len};
        return !enc->failed;
    }
    if (PyFloat_CheckExact(obj)) {
        out->kind = TC_VALUE_FLOAT;
        out->f = PyFloat_AS_DOUBLE(obj);
        return 1;
    }
    if (PyComplex_CheckExact(obj)) {
        out->kind = TC_VALUE_COMPLEX;
        out->c.re = PyComplex_RealAsDouble(obj);
        out->c.im = PyComplex_ImagAsDouble(obj);
        return 1;
    }
    if (PyUnicode_CheckExact(obj)) {
        Py_ssize_t len = 0;
        const char *utf8 = PyUnicode_AsUTF8AndSize(obj, &len);
        if (utf8 == NULL || len > TC_REC_VALUE_MAX_STR) {
            PyErr_Clear();
            return 0;
        }
        out->kind = TC_VALUE_STR;
        out->s = (TcStr){utf8, (uint32_t)len};
        return 1;
    }
    if (PyBytes_CheckExact(obj)) {
        if (PyBytes_GET_SIZE(obj) > TC_REC_VALUE_MAX_STR) {
            return 0;
        }
        out->kind = TC_VALUE_BYTES;
        out->s = (TcStr){PyBytes_AS_STRING(obj),
                         (uint32_t)PyBytes_GET_SIZE(obj)};
        return 1;
    }
    if (depth >= TC_REC_VALUE_MAX_DEPTH) {
        return 0;
    }
    if (PyList_CheckExact(obj)) {
        return convert_items(s, obj, TC_VALUE_LIST, out, depth, budget);
    }
    if (PyTuple_CheckExact(obj)) {
        return convert_items(s, obj, TC_VALUE_TUPLE, out, depth, budget);
    }
    if (PyAnySet_CheckExact(obj)) {
        if (PySet_GET_SIZE(obj) > *budget) {
            return 0;
        }
        return convert_items(s, obj, PyFrozenSet_CheckExact(obj)
                                     ? TC_VALUE_FROZENSET : TC_VALUE_SET,
                             out, depth, budget);
    }
    if (PyDict_CheckExact(obj)) {
        Py_ssize_t n = PyDict_GET_SIZE(obj);
        if (2 * n > *budget) {
            return 0;
        }
        *budget -= (int)(2 * n);
        if (scratch_encoder(s) == NULL) {
            return 0;
        }
        size_t ei = s->n - 1;
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        uint32_t count = 0;
        while (PyDict_Next(obj, &pos, &k, &v)) {
            TcValue kv, vv;
            if (!convert(s, k, &kv, depth + 1, budget)
                || !convert(s, v, &vv, depth + 1, budget)) {
                return 0;
            }
            tc_encode_value(&s->encs[ei], &kv);
            tc_encode_value(&s->encs[ei], &vv);
            count++;
        }
        TcEncoder *enc = &s->encs[ei];
        if (enc->failed || count != (uint32_t)n) {
            return 0;
        }
        out->kind = TC_VALUE_DICT;
        out->items.data = enc->data;
        out->items.len = enc->len;
        out->items.count = count;
        return 1;
    }
    return 0;
}

void
tc_rec_value_from_object(TcRecScratch *s, PyObject *obj, TcValue *out)
{
    int budget = TC_REC_VALUE_MAX_ITEMS;
    if (obj == NULL || !convert(s, obj, out, 0, &budget)) {
        PyErr_Clear();
        memset(out, 0, sizeof(*out));
        out->kind = TC_VALUE_REPR_ONLY;
    }
}

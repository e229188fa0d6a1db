/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-safe-repr.h — the safe repr's text and writers, shared by
 * tc-recorder-safe-repr.c (scalars, builtin containers, libraries),
 * tc-recorder-safe-records.c (namedtuples, dataclasses) and
 * tc-recorder-safe-collections.c (the collections module's containers,
 * subclasses of the builtin ones).  Private to those files.
 */
#pragma once

#include "tc-recorder.h"

/* Containers nested deeper are written "[…]". */
#define TC_REC_SAFE_DEPTH 3

/* The text being written: at most `limit` bytes of UTF-8; `full` once a
 * piece was cut (the buffer has room for the "…" written after it). */
typedef struct {
    char *buf;
    size_t len;
    size_t limit;
    int full;
} TcSafeText;

void tc_safe_text_add(TcSafeText *t, const char *s, size_t n);
void tc_safe_text_cstr(TcSafeText *t, const char *s);
/* Appends a str and releases it; "?" where it is NULL or not a str. */
void tc_safe_text_str(TcSafeText *t, PyObject *str);
/* "<Foo object>": an object the safe repr does not look into. */
void tc_safe_text_opaque(TcSafeText *t, PyObject *obj);
/* The class name a user sees: "Foo" for "module.Foo". */
const char *tc_safe_type_name(PyTypeObject *tp);
/* The first class of `tp`'s MRO whose dict defines `name`, and what it
 * defines it as (borrowed, or NULL), running no descriptor or metaclass. */
PyTypeObject *tc_safe_class_defining(PyTypeObject *tp, const char *name);
PyObject *tc_safe_class_item(PyTypeObject *tp, const char *name);

void tc_safe_repr(TcSafeText *t, PyObject *obj, int depth);
/* A list's, tuple's, dict's or set's items from its storage between
 * `open` and `close`; a set's through its (C) iterator. */
void tc_safe_items(TcSafeText *t, PyObject *obj, const char *open,
                   const char *close, int depth);

/* tc-recorder-safe-records.c: a namedtuple, a dataclass whose __repr__ is
 * the generated one (Point(x=1, y=2)), an enum member (<Color.RED: 1>):
 * 1 when written. */
int tc_safe_record(TcSafeText *t, PyObject *obj, int depth);

/* tc-recorder-safe-collections.c: deque, defaultdict, OrderedDict,
 * Counter and the subclasses of list, tuple, dict, set and frozenset that
 * keep their base's repr, written as repr() spells them: 1 when written. */
int tc_safe_collection(TcSafeText *t, PyObject *obj, int depth);

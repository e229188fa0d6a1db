/* SPDX-License-Identifier: MIT
 *
 * tc-test-util.h — GLib assertions on decoded .tc content (tests only).
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tc-format.h"

#define tc_assert_str(a, b)                                                   \
  G_STMT_START {                                                              \
    TcStr a_ = (a), b_ = (b);                                                 \
    g_assert_cmpmem (a_.ptr, a_.len, b_.ptr, b_.len);                         \
  } G_STMT_END

/* Exact comparison, floats bit for bit (NaN == NaN, -0.0 != 0.0). */
static inline void
tc_assert_value (const TcValue *a, const TcValue *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  switch (a->kind)
    {
    case TC_VALUE_BOOL:
      g_assert_cmpint (a->b, ==, b->b);
      break;
    case TC_VALUE_INT:
      g_assert_cmpint (a->i, ==, b->i);
      break;
    case TC_VALUE_FLOAT:
      g_assert_cmpmem (&a->f, 8, &b->f, 8);
      break;
    case TC_VALUE_COMPLEX:
      g_assert_cmpmem (&a->c, 16, &b->c, 16);
      break;
    case TC_VALUE_BIGINT:
    case TC_VALUE_STR:
    case TC_VALUE_BYTES:
      tc_assert_str (a->s, b->s);
      break;
    case TC_VALUE_LIST:
    case TC_VALUE_TUPLE:
    case TC_VALUE_SET:
    case TC_VALUE_FROZENSET:
    case TC_VALUE_DICT:
      {
        TcValueIter ia, ib;
        TcValue va, vb;
        guint n = 0;

        g_assert_cmpuint (a->items.count, ==, b->items.count);
        tc_value_iter_init (&ia, a);
        tc_value_iter_init (&ib, b);
        while (tc_value_iter_next (&ia, &va))
          {
            g_assert_true (tc_value_iter_next (&ib, &vb));
            tc_assert_value (&va, &vb);
            n++;
          }
        g_assert_false (tc_value_iter_next (&ib, &vb));
        g_assert_true (ia.dec.ok);
        g_assert_cmpuint (n, ==, a->kind == TC_VALUE_DICT ? 2 * a->items.count : a->items.count);
      }
      break;
    default:
      break;
    }
}

static inline void
tc_assert_locals (const TcLocal *a, guint na, const TcLocal *b, guint nb)
{
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (a[i].var_id, ==, b[i].var_id);
      g_assert_cmpuint (a[i].flags, ==, b[i].flags);
      tc_assert_str (a[i].repr, b[i].repr);
      tc_assert_str (a[i].type_name, b[i].type_name);
      g_assert_cmpuint (a[i].size, ==, b[i].size);
      tc_assert_value (&a[i].value, &b[i].value);
    }
}

static inline void
tc_assert_stack (const TcStackFrame *a, guint na, const TcStackFrame *b, guint nb)
{
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (a[i].code_id, ==, b[i].code_id);
      g_assert_cmpuint (a[i].line, ==, b[i].line);
    }
}

static inline void
tc_assert_key_values (const TcKeyValue *a, guint na, const TcKeyValue *b, guint nb)
{
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      tc_assert_str (a[i].key, b[i].key);
      tc_assert_str (a[i].value, b[i].value);
    }
}

static inline void
tc_assert_counters (const TcCounterValue *a, guint na, const TcCounterValue *b, guint nb)
{
  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (a[i].counter_id, ==, b[i].counter_id);
      g_assert_cmpmem (&a[i].value, 8, &b[i].value, 8);
    }
}

/* A fresh path in a per-test temporary directory (removed by the caller). */
static inline char *
tc_test_tmp_path (const char *name)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("tc-format-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_free (dir);
  return path;
}

static inline void
tc_test_tmp_remove (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-test-document.h — looking things up in a loaded TcDocument, for the
 * analysis tests.
 */
#pragma once

#include "tc-document.h"

/* The statistics of the function named `name`; fails the test when there
 * is none. */
static inline const TcFunctionStats *
tc_test_function_stats (TcDocument *doc,
                        const char *name)
{
  GPtrArray *stats = tc_document_get_function_stats (doc);

  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      if (g_str_equal (s->name, name))
        return s;
    }
  g_assert_not_reached ();
  return NULL;
}

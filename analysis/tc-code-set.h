/* SPDX-License-Identifier: MIT
 *
 * tc-code-set.h — a set of code ids as one byte per id (a GByteArray as
 * long as the highest member + 1): what the passes over every call test,
 * a load and a compare each (the launching frames, a search's matches).
 */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

static inline gboolean
tc_code_set_has (const GByteArray *set,
                 guint32           code_id)
{
  return code_id < set->len && set->data[code_id];
}

/* Sets whether `code_id` is in the set, growing it with non-members. */
static inline void
tc_code_set_put (GByteArray *set,
                 guint32     code_id,
                 gboolean    member)
{
  if (code_id >= set->len)
    {
      guint old = set->len;

      if (!member)
        return;
      g_byte_array_set_size (set, code_id + 1);
      memset (set->data + old, 0, set->len - old);
    }
  set->data[code_id] = member != FALSE;
}

G_END_DECLS

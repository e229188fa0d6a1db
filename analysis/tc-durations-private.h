/* SPDX-License-Identifier: MIT
 *
 * tc-durations-private.h — how the loader fills TcDurations: appends in
 * call order into a builder (one store per call on the load's hot path),
 * then sorts each function's values once, in any thread.
 */
#pragma once

#include "tc-durations.h"

G_BEGIN_DECLS

struct _TcDurations
{
  gatomicrefcount ref;
  gboolean        wide;    /* gint64 values; else guint32 (every one < 2^32 ns) */
  guint           n;
  gpointer        data;
};

/* Zero-initialised is empty.  Values go in as guint32 until the first
 * that does not fit, which turns the whole builder to gint64. */
typedef struct
{
  gpointer data;
  guint    n;
  guint    cap;
  gboolean wide;
} TcDurationsBuilder;

void tc_durations_builder_add_slow (TcDurationsBuilder *self,
                                    gint64              ns);

static inline void
tc_durations_builder_add (TcDurationsBuilder *self,
                          gint64              ns)
{
  /* Growing, the first long call and every call of a function that had
   * one take the call out of line: all rare. */
  if (G_LIKELY (self->n < self->cap && !self->wide && (guint64) ns <= G_MAXUINT32))
    ((guint32 *) self->data)[self->n++] = (guint32) ns;
  else
    tc_durations_builder_add_slow (self, ns);
}

void         tc_durations_builder_clear (TcDurationsBuilder *self);
/* The values in call order (until tc_durations_sort()); empties the builder. */
TcDurations *tc_durations_builder_end   (TcDurationsBuilder *self);

/* Bytes of values: also the scratch tc_durations_sort() needs. */
gsize        tc_durations_get_bytes     (const TcDurations  *self);
void         tc_durations_sort          (TcDurations        *self,
                                         gpointer            scratch);

/* tc_durations_get() without the call and the checks, for the loops
 * over every call (a width test the branch predictor settles). */
static inline gint64
tc_durations_at (const TcDurations *self,
                 guint              i)
{
  if (self->wide)
    return ((const gint64 *) self->data)[i];
  return ((const guint32 *) self->data)[i];
}

G_END_DECLS

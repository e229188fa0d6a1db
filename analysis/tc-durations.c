/* SPDX-License-Identifier: MIT
 *
 * tc-durations.c — per-call durations in 4 bytes a call where they fit,
 * the loader's builder, and the sort every function's values go through
 * at load.
 */
#include <stdlib.h>
#include <string.h>

#include "tc-durations-private.h"

#define MIN_CAP 16

/* Durations are sorted for every function to read its percentiles; with
 * millions of calls qsort was half of the load time.  Durations are never
 * negative, so an LSD radix sort on the 11-bit digits that actually vary
 * does it in a few linear passes (three for anything under 2^33 ns): one
 * pass counts every digit, then one scatter pass per digit into a scratch
 * array.  Below RADIX_MIN_N values the counting tables cost more than
 * qsort. */
#define RADIX_BITS   11
#define RADIX_SIZE   (1u << RADIX_BITS)
#define RADIX_DIGITS ((64 + RADIX_BITS - 1) / RADIX_BITS)
#define RADIX_MIN_N  512

static inline gsize
value_size (gboolean wide)
{
  return wide ? sizeof (gint64) : sizeof (guint32);
}

/* The radix sort's loads and stores; `size` is a constant wherever they
 * are inlined, so each width gets its own loops. */
static inline guint64
load (gconstpointer v, gsize i, gsize size)
{
  return size == 4 ? ((const guint32 *) v)[i] : ((const guint64 *) v)[i];
}

static inline void
store (gpointer v, gsize i, gsize size, guint64 x)
{
  if (size == 4)
    ((guint32 *) v)[i] = (guint32) x;
  else
    ((guint64 *) v)[i] = x;
}

G_ALWAYS_INLINE static inline void
radix_sort (gpointer v, gsize n, gsize size, gpointer tmp)
{
  g_autofree gsize *count = NULL;
  guint64 all_or = 0, all_and = G_MAXUINT64;
  guint shifts[RADIX_DIGITS], n_digits = 0;
  gpointer src = v, dst = tmp;

  for (gsize i = 0; i < n; i++)
    {
      guint64 x = load (v, i, size);

      all_or |= x;
      all_and &= x;
    }
  for (guint shift = 0; shift < size * 8; shift += RADIX_BITS)
    /* A digit equal in every value does not change the order. */
    if ((((all_or ^ all_and) >> shift) & (RADIX_SIZE - 1)) != 0)
      shifts[n_digits++] = shift;
  if (n_digits == 0)
    return;

  count = g_new0 (gsize, n_digits * RADIX_SIZE);
  for (gsize i = 0; i < n; i++)
    {
      guint64 x = load (v, i, size);

      for (guint d = 0; d < n_digits; d++)
        count[d * RADIX_SIZE + ((x >> shifts[d]) & (RADIX_SIZE - 1))]++;
    }

  for (guint d = 0; d < n_digits; d++)
    {
      gsize *c = count + d * RADIX_SIZE, pos = 0;
      guint shift = shifts[d];
      gpointer swap;

      for (guint k = 0; k < RADIX_SIZE; k++)
        {
          gsize here = c[k];

          c[k] = pos;
          pos += here;
        }
      for (gsize i = 0; i < n; i++)
        {
          guint64 x = load (src, i, size);

          store (dst, c[(x >> shift) & (RADIX_SIZE - 1)]++, size, x);
        }
      swap = src;
      src = dst;
      dst = swap;
    }
  if (src != v)
    memcpy (v, src, n * size);
}

static int
compare_u32 (const void *a, const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return (x > y) - (x < y);
}

static int
compare_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

void
tc_durations_builder_add_slow (TcDurationsBuilder *self,
                               gint64              ns)
{
  if (!self->wide && (guint64) ns > G_MAXUINT32)
    {
      /* The function's first call of 4.29 s or more (or below 0, which
       * only a caller's array can hold): 8 bytes a call from now on. */
      guint cap = MAX (self->cap, MIN_CAP);
      gint64 *wide = g_new (gint64, cap);
      const guint32 *narrow = self->data;

      for (guint i = 0; i < self->n; i++)
        wide[i] = narrow[i];
      g_free (self->data);
      self->data = wide;
      self->cap = cap;
      self->wide = TRUE;
    }
  if (self->n == self->cap)
    {
      if (self->cap == G_MAXUINT)
        g_error ("more than %u calls of one function", G_MAXUINT);
      self->cap = self->cap > G_MAXUINT / 2 ? G_MAXUINT : MAX (MIN_CAP, self->cap * 2);
      self->data = g_realloc_n (self->data, self->cap, value_size (self->wide));
    }
  if (self->wide)
    ((gint64 *) self->data)[self->n++] = ns;
  else
    ((guint32 *) self->data)[self->n++] = (guint32) ns;
}

void
tc_durations_builder_clear (TcDurationsBuilder *self)
{
  g_clear_pointer (&self->data, g_free);
  memset (self, 0, sizeof *self);
}

TcDurations *
tc_durations_builder_end (TcDurationsBuilder *self)
{
  TcDurations *d = g_new (TcDurations, 1);

  g_atomic_ref_count_init (&d->ref);
  d->wide = self->wide;
  d->n = self->n;
  /* The doubling left up to half of it unused. */
  d->data = g_realloc_n (self->data, self->n, value_size (self->wide));
  memset (self, 0, sizeof *self);
  return d;
}

gsize
tc_durations_get_bytes (const TcDurations *self)
{
  return (gsize) self->n * value_size (self->wide);
}

void
tc_durations_sort (TcDurations *self,
                   gpointer     scratch)
{
  if (self->n < 2)
    return;
  if (!self->wide)
    {
      if (self->n < RADIX_MIN_N)
        qsort (self->data, self->n, sizeof (guint32), compare_u32);
      else
        radix_sort (self->data, self->n, sizeof (guint32), scratch);
    }
  else
    {
      const gint64 *v = self->data;
      gboolean negative = FALSE;

      for (guint i = 0; i < self->n; i++)
        negative |= v[i] < 0;
      if (negative || self->n < RADIX_MIN_N)
        qsort (self->data, self->n, sizeof (gint64), compare_i64);
      else
        radix_sort (self->data, self->n, sizeof (gint64), scratch);
    }
}

/**
 * tc_durations_new:
 * @ns: (array length=n): durations in ns, in any order
 *
 * Returns: (transfer full): a sorted copy, 4 bytes a value when they all
 *   fit in a guint32
 */
TcDurations *
tc_durations_new (const gint64 *ns,
                  guint         n)
{
  TcDurationsBuilder builder = { 0 };
  TcDurations *d;
  g_autofree gpointer scratch = NULL;

  g_return_val_if_fail (n == 0 || ns != NULL, NULL);

  for (guint i = 0; i < n; i++)
    tc_durations_builder_add (&builder, ns[i]);
  d = tc_durations_builder_end (&builder);
  scratch = g_malloc (tc_durations_get_bytes (d));
  tc_durations_sort (d, scratch);
  return d;
}

TcDurations *
tc_durations_ref (TcDurations *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
tc_durations_unref (TcDurations *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref))
    {
      g_free (self->data);
      g_free (self);
    }
}

guint
tc_durations_get_n (const TcDurations *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n;
}

/**
 * tc_durations_get:
 * @i: index, below tc_durations_get_n()
 *
 * Returns: the @i-th shortest duration in ns
 */
gint64
tc_durations_get (const TcDurations *self,
                  guint              i)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (i < self->n, 0);

  return tc_durations_at (self, i);
}

/**
 * tc_durations_copy:
 * @out: (array length=n_out): where the values go
 *
 * Copies the values from index @first on into @out, at most @n_out: a
 * pass over every call reads them in runs instead of one call each.
 *
 * Returns: how many were copied (0 from the end on)
 */
guint
tc_durations_copy (const TcDurations *self,
                   guint              first,
                   gint64            *out,
                   guint              n_out)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (n_out == 0 || out != NULL, 0);

  if (first >= self->n)
    return 0;
  n = MIN (n_out, self->n - first);
  if (self->wide)
    memcpy (out, (const gint64 *) self->data + first, n * sizeof (gint64));
  else
    for (guint i = 0; i < n; i++)
      out[i] = ((const guint32 *) self->data)[first + i];
  return n;
}

/* Whether the values are stored in 4 bytes each (none reaches 2^32 ns). */
gboolean
tc_durations_is_compact (const TcDurations *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return !self->wide;
}

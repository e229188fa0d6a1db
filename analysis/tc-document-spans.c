/* SPDX-License-Identifier: MIT
 *
 * tc-document-spans.c — the spans of a time range, for flame charts: wide
 * views from an index of the long activations, narrow ones by decoding the
 * blocks of the range (tc-document-events.c).
 *
 * A chart asks for the spans that last at least half a pixel.  Zoomed out
 * on a big recording that is a handful of spans, yet finding them meant
 * inflating and decoding every event of the range: 1.2 s for the 88 M
 * events of one thread, again at every step of a zoom or a pan, on a core
 * the renderer needed.  So the first wide request of a thread decodes it
 * once and keeps every activation lasting at least 1/65 536 of the
 * thread's time, sorted by depth and time, in a few levels of coarser
 * thresholds.  A request whose minimum duration is at least a level's
 * threshold is answered from that level: a span it must return lasts at
 * least the minimum (a clipped span even longer), so the level holds it.
 * The answer is the decoding path's, span for span and in the same order;
 * the tests hold the two against each other.
 */
#include <stdlib.h>

#include "tc-document-private.h"
#include "tc-parallel.h"

/* Threads with fewer events decode a whole view in a few milliseconds. */
#define INDEX_MIN_EVENTS (1u << 18)
/* The finest level keeps activations lasting 1/FINEST_DIVISOR of the
 * thread's time: at most that many per depth, since the activations of
 * one depth do not overlap.  A view narrower than 2 × width pixels /
 * FINEST_DIVISOR of the thread's time (4 % at 1 400 pixels) is decoded. */
#define FINEST_DIVISOR 65536
/* Each level's threshold is LEVEL_FACTOR times the finer one's. */
#define N_LEVELS     4
#define LEVEL_FACTOR 16
/* Levels that could hold more spans are left out (32 bytes each). */
#define MAX_LEVEL_SPANS (4u << 20)

typedef struct
{
  gint64   min_ns;      /* every activation lasting this long; 0: level left out */
  GArray  *spans;       /* TcSpan by depth, then start */
  guint32 *by_depth;    /* n_depths + 1 offsets into spans */
  guint32  n_depths;
} SpanLevel;

typedef struct
{
  SpanLevel levels[N_LEVELS];   /* finest first */
} SpanIndex;

static void
span_index_free (gpointer data)
{
  SpanIndex *index = data;

  for (guint k = 0; k < N_LEVELS; k++)
    {
      g_clear_pointer (&index->levels[k].spans, g_array_unref);
      g_free (index->levels[k].by_depth);
    }
  g_free (index);
}

static int
compare_depth_start (const void *a, const void *b)
{
  const TcSpan *x = a, *y = b;

  if (x->depth != y->depth)
    return x->depth < y->depth ? -1 : 1;
  return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
}

/* The spans of `all` (by depth, then start) lasting at least min_ns. */
static void
level_fill (SpanLevel *level, const GArray *all, gint64 min_ns)
{
  guint32 n_depths = all->len > 0 ? g_array_index (all, TcSpan, all->len - 1).depth + 1 : 0;

  level->min_ns = min_ns;
  level->spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
  level->by_depth = g_new0 (guint32, n_depths + 1);
  level->n_depths = n_depths;
  for (guint i = 0; i < all->len; i++)
    {
      const TcSpan *s = &g_array_index (all, TcSpan, i);

      if (s->end_ns - s->start_ns >= min_ns)
        {
          g_array_append_vals (level->spans, s, 1);
          level->by_depth[s->depth + 1] = level->spans->len;
        }
    }
  /* Depths with no span of this length end where the one above did. */
  for (guint32 d = 1; d <= n_depths; d++)
    level->by_depth[d] = MAX (level->by_depth[d], level->by_depth[d - 1]);
}

/* One worker's share of the thread: the activations returning in
 * [from, to), and with to = G_MAXINT64 those still running at its end.
 * A range starts from its first block's saved stack, so the shares are
 * decoded side by side and each activation lands in exactly one. */
typedef struct
{
  TcDocument *doc;
  guint32     thread_id;
  gint64      from, to;
  gint64      min_ns;
  GArray     *spans;
  gboolean    ok;
} Share;

static gpointer
share_collect (gpointer data)
{
  Share *share = data;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (TcSpan));

  share->spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
  share->ok = tc_document_collect_spans_decoded (share->doc, share->thread_id, share->from, share->to,
                                                 share->min_ns, found, NULL);
  for (guint i = 0; i < found->len; i++)
    {
      const TcSpan *s = &g_array_index (found, TcSpan, i);

      /* Clipped at `to`: the next share sees it return (or run on). */
      if (share->to == G_MAXINT64 || (!(s->flags & TC_SPAN_OPEN_END) && s->end_ns < share->to))
        g_array_append_vals (share->spans, s, 1);
    }
  return NULL;
}

/* Every activation of the thread lasting min_ns, by depth then start, or
 * NULL when a block fails to decode. */
static GArray *
collect_long_spans (TcDocument *self, const TcDocThread *thread, gint64 min_ns)
{
  /* However small the file: the thread has many events. */
  guint n_shares = MAX (tc_document_decode_workers (G_MAXUINT64), 1);
  g_autofree Share *shares = NULL;
  GArray *all = g_array_new (FALSE, FALSE, sizeof (TcSpan));
  gboolean ok = TRUE;
  guint n = 0;

  n_shares = MIN (n_shares, MAX (thread->blocks->len / 4, 1));
  shares = g_new0 (Share, n_shares);
  for (guint k = 0; k < n_shares; k++)
    {
      gint64 from = k == 0 ? G_MININT64
                           : g_array_index (thread->blocks, TcDocEventBlock,
                                            (gsize) thread->blocks->len * k / n_shares).start_ns;

      if (n > 0 && from <= shares[n - 1].from)
        continue;
      if (n > 0)
        shares[n - 1].to = from;
      shares[n++] = (Share) { self, thread->id, from, G_MAXINT64, min_ns, NULL, FALSE };
    }
  tc_parallel_run (share_collect, shares, sizeof (Share), n, "tc-span-index");
  for (guint k = 0; k < n; k++)
    {
      ok = ok && shares[k].ok;
      g_array_append_vals (all, shares[k].spans->data, shares[k].spans->len);
      g_array_unref (shares[k].spans);
    }
  if (!ok)
    g_clear_pointer (&all, g_array_unref);
  else if (all->len > 1)
    qsort (all->data, all->len, sizeof (TcSpan), compare_depth_start);
  return all;
}

/* The finest level a thread's index keeps, and its threshold; FALSE when
 * the thread gets no index (too few events, or no time).  Deep stacks
 * start at a coarser level, where a level stays within bounds whatever
 * the program did. */
static gboolean
finest_level (const TcDocThread *thread,
              guint             *level,
              gint64            *min_ns)
{
  guint64 per_depth = FINEST_DIVISOR + 1;

  if (thread->n_events < INDEX_MIN_EVENTS || thread->last_ns <= thread->first_ns)
    return FALSE;
  *level = 0;
  *min_ns = MAX ((thread->last_ns - thread->first_ns) / FINEST_DIVISOR, 1);
  while (((guint64) thread->max_depth + 1) * per_depth > MAX_LEVEL_SPANS)
    {
      if (++*level == N_LEVELS)
        return FALSE;
      *min_ns *= LEVEL_FACTOR;
      per_depth = per_depth / LEVEL_FACTOR + 1;
    }
  return TRUE;
}

/* Decodes the whole thread once.  NULL when a block fails to decode (the
 * decoding path then reports it). */
static SpanIndex *
span_index_build (TcDocument *self, const TcDocThread *thread)
{
  g_autoptr(GArray) all = NULL;
  SpanIndex *index;
  gint64 min_ns;
  guint first;

  if (!finest_level (thread, &first, &min_ns) || (all = collect_long_spans (self, thread, min_ns)) == NULL)
    return NULL;
  index = g_new0 (SpanIndex, 1);
  for (guint k = first; k < N_LEVELS; k++, min_ns *= LEVEL_FACTOR)
    level_fill (&index->levels[k], all, min_ns);
  return index;
}

/* The thread's index, built on the first request (a second asker waits
 * for it rather than decoding the thread as well); NULL: none. */
static const SpanIndex *
span_index_get (TcDocument *self, const TcDocThread *thread)
{
  gpointer index = NULL;

  g_mutex_lock (&self->span_index_lock);
  if (self->span_indexes == NULL)
    self->span_indexes = g_hash_table_new_full (NULL, NULL, NULL, span_index_free);
  if (!g_hash_table_lookup_extended (self->span_indexes, GUINT_TO_POINTER (thread->id), NULL, &index))
    {
      index = span_index_build (self, thread);
      g_hash_table_insert (self->span_indexes, GUINT_TO_POINTER (thread->id), index);
    }
  g_mutex_unlock (&self->span_index_lock);
  return index;
}

void
tc_document_clear_span_indexes (TcDocument *self)
{
  g_mutex_lock (&self->span_index_lock);
  g_clear_pointer (&self->span_indexes, g_hash_table_unref);
  g_mutex_unlock (&self->span_index_lock);
}

guint
tc_document_span_index_size (TcDocument *self,
                             guint32     thread_id)
{
  const SpanIndex *index = NULL;
  guint size = 0;

  g_mutex_lock (&self->span_index_lock);
  if (self->span_indexes != NULL)
    index = g_hash_table_lookup (self->span_indexes, GUINT_TO_POINTER (thread_id));
  for (guint k = 0; index != NULL && k < N_LEVELS && size == 0; k++)
    size = index->levels[k].spans != NULL ? index->levels[k].spans->len : 0;
  g_mutex_unlock (&self->span_index_lock);
  return size;
}

/* First span of [lo, hi) still running at or after t (ends ascend within a
 * depth: its activations follow one another). */
static guint
first_ending_from (const TcSpan *spans, guint lo, guint hi, gint64 t)
{
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (spans[mid].end_ns < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The decoding path's order: returns as they happen (an inner activation
 * before the outer one ending at the same time). */
static int
compare_end_inner_first (const void *a, const void *b)
{
  const TcSpan *x = a, *y = b;

  if (x->end_ns != y->end_ns)
    return x->end_ns < y->end_ns ? -1 : 1;
  return (x->depth < y->depth) - (x->depth > y->depth);
}

/* What tc_document_collect_spans_decoded() appends, from the level: the
 * activations that returned within the range, then those running at its
 * end (outermost first), clipped there. */
static void
level_collect (const SpanLevel *level, const TcDocThread *thread,
               gint64 start_ns, gint64 end_ns, gint64 min_ns, GArray *spans)
{
  const TcSpan *all = (const TcSpan *) (gpointer) level->spans->data;
  const TcDocEventBlock *last;
  g_autoptr(GArray) running = g_array_new (FALSE, FALSE, sizeof (TcSpan));
  guint first_new = spans->len;
  gint64 stop;

  /* No block reaches the range: nothing is decoded, nothing returned. */
  if (thread->blocks->len == 0)
    return;
  last = &g_array_index (thread->blocks, TcDocEventBlock, thread->blocks->len - 1);
  if (last->end_ns < start_ns)
    return;
  stop = MIN (end_ns, MAX (thread->last_ns, start_ns));

  for (guint32 d = 0; d < level->n_depths; d++)
    {
      guint hi = level->by_depth[d + 1];

      for (guint i = first_ending_from (all, level->by_depth[d], hi, start_ns);
           i < hi && all[i].start_ns <= end_ns; i++)
        {
          TcSpan s = all[i];

          if (!(s.flags & TC_SPAN_OPEN_END) && s.end_ns <= end_ns)
            {
              if (s.end_ns - s.start_ns >= min_ns)
                g_array_append_val (spans, s);
            }
          else if (stop >= start_ns && stop - s.start_ns >= min_ns)
            {
              s.end_ns = stop;
              s.flags = TC_SPAN_OPEN_END;
              g_array_append_val (running, s);
            }
        }
    }
  if (spans->len - first_new > 1)
    qsort (spans->data + first_new * sizeof (TcSpan), spans->len - first_new, sizeof (TcSpan),
           compare_end_inner_first);
  g_array_append_vals (spans, running->data, running->len);
}

gboolean
tc_document_collect_spans (TcDocument *self,
                           guint32     thread_id,
                           gint64      start_ns,
                           gint64      end_ns,
                           gint64      min_duration_ns,
                           GArray     *spans,
                           GError    **error)
{
  const TcDocThread *thread;
  const SpanIndex *index;
  gint64 finest_ns;
  guint level;

  g_return_val_if_fail (TC_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (spans != NULL, FALSE);

  /* Only a view wide enough for the index builds it: one zoomed in
   * decodes its few blocks at once. */
  thread = tc_document_get_thread (self, thread_id);
  if (thread != NULL && finest_level (thread, &level, &finest_ns) && min_duration_ns >= finest_ns
      && (index = span_index_get (self, thread)) != NULL)
    {
      for (int k = N_LEVELS - 1; k >= 0; k--)
        if (index->levels[k].min_ns > 0 && index->levels[k].min_ns <= min_duration_ns)
          {
            level_collect (&index->levels[k], thread, start_ns, end_ns, min_duration_ns, spans);
            return TRUE;
          }
    }
  return tc_document_collect_spans_decoded (self, thread_id, start_ns, end_ns, min_duration_ns,
                                            spans, error);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-call-search.c — every call of some functions in a recording, in
 * memory that does not grow with the calls found.
 *
 * Keeping each call found (24 bytes) made a search for a short name in a
 * 100 M-event recording hold 37 M of them, 1.7 GB with the sort.  A search
 * now keeps, per thread, how many calls start in each stretch of about
 * 32 768 events, and the ends of the few calls still running where a
 * stretch ends (at most the matching frames of the stack there).  A step
 * to the next or previous call decodes one stretch of each thread (a
 * millisecond or two) and keeps it for the following steps.
 */
#include "tc-call-search.h"

#include "tc-code-set.h"
#include "tc-document-private.h"
#include "tc-launcher.h"
#include "tc-parallel.h"

#define DEFAULT_STRETCH_EVENTS 32768

/* A call running past the end of its stretch: its end, found by the pass. */
typedef struct
{
  gint64  start_ns;
  gint64  end_ns;
  guint32 depth;
} Crossing;

/* A call of a decoded stretch. */
typedef struct
{
  gint64  start_ns;
  gint64  end_ns;
  guint32 depth;
  guint32 order;   /* returned before the stretch's later ones */
  guint32 rank;
} Call;

typedef struct
{
  guint32  thread_id;
  guint    n_stretches;
  gint64  *bounds;    /* n_stretches + 1: stretch k starts at bounds[k] */
  guint64 *before;    /* n_stretches + 1: calls starting in the stretches before k */
  GArray  *crossing;  /* Crossing, by start then depth */
  /* The two stretches last decoded (a step often looks past the end of
   * the one it starts in), their Calls in order; [0] the latest. */
  guint    cached_stretch[2];
  GArray  *cached[2];
} SearchThread;

struct _TcCallSearch
{
  TcDocument *doc;
  GByteArray *matches;
  GByteArray *launcher;
  GPtrArray  *threads;  /* SearchThread*, by id */
  gint64      begin_ns;
  gint64      end_ns;
  guint64     n_calls;
  gint64      matched_ns;
};

static void
search_thread_free (gpointer data)
{
  SearchThread *st = data;

  g_free (st->bounds);
  g_free (st->before);
  g_array_unref (st->crossing);
  g_array_unref (st->cached[0]);
  g_array_unref (st->cached[1]);
  g_free (st);
}

void
tc_call_search_free (TcCallSearch *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->doc);
  g_byte_array_unref (self->matches);
  g_byte_array_unref (self->launcher);
  g_ptr_array_unref (self->threads);
  g_free (self);
}

/* The stretch holding time `ns` (the first before the thread's start). */
static guint
stretch_of (const SearchThread *st,
          gint64              ns)
{
  guint lo = 1, hi = st->n_stretches;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (st->bounds[mid] <= ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo - 1;
}

static SearchThread *
search_thread_new (TcCallSearch      *self,
                   const TcDocThread *thread,
                   guint              stretch_events)
{
  SearchThread *st = g_new0 (SearchThread, 1);

  st->thread_id = thread->id;
  st->bounds = tc_document_thread_stretches (thread, stretch_events, self->begin_ns, self->end_ns, &st->n_stretches);
  st->before = g_new0 (guint64, st->n_stretches + 1);
  st->crossing = g_array_new (FALSE, FALSE, sizeof (Crossing));
  for (guint i = 0; i < 2; i++)
    {
      st->cached_stretch[i] = G_MAXUINT;
      st->cached[i] = g_array_new (FALSE, FALSE, sizeof (Call));
    }
  return st;
}

/* ---- the counting pass ------------------------------------------------ */

typedef struct
{
  guint64 *counts;    /* by stretch */
  GArray  *crossing;
} ShareThread;

/* One core's share: every `step`-th stretch of the threads from `first` on. */
typedef struct
{
  TcCallSearch *search;
  GCancellable *cancellable;
  guint         first, step;
  ShareThread  *threads;
  guint64       n_calls;
  gint64        matched_ns;
  gboolean      cancelled;
  /* The stretch being decoded. */
  SearchThread *st;
  ShareThread  *mine;
  gboolean      last_stretch;
} Share;

static void
count_span (const TcSpan  *s,
            const guint32 *codes,
            gpointer       data)
{
  Share *share = data;
  const TcCallSearch *self = share->search;
  guint lift, stretch;
  gboolean nested = FALSE;

  /* Each call once: one still running where the stretch ends is seen
   * returning in a later one. */
  if (!tc_code_set_has (self->matches, s->code_id) || ((s->flags & TC_SPAN_OPEN_END) && !share->last_stretch))
    return;
  lift = tc_launcher_stack_lift (self->launcher, codes, s->depth);
  if (lift > s->depth)
    return;

  stretch = stretch_of (share->st, s->start_ns);
  share->mine->counts[stretch]++;
  share->n_calls++;
  /* Returning in a later stretch (ends never come before starts). */
  if (stretch + 1 < share->st->n_stretches && s->end_ns >= share->st->bounds[stretch + 1])
    {
      Crossing c = { s->start_ns, s->end_ns, s->depth };

      g_array_append_val (share->mine->crossing, c);
    }
  for (guint d = lift; d < s->depth && !nested; d++)
    nested = tc_code_set_has (self->matches, codes[d]);
  if (!nested)
    share->matched_ns += s->end_ns - s->start_ns;
}

static gpointer
share_run (gpointer data)
{
  Share *share = data;
  TcCallSearch *self = share->search;
  guint unit = 0;

  for (guint t = 0; t < self->threads->len && !share->cancelled; t++)
    {
      share->st = g_ptr_array_index (self->threads, t);
      share->mine = &share->threads[t];
      for (guint k = 0; k < share->st->n_stretches; k++)
        {
          if (unit++ % share->step != share->first)
            continue;
          if (g_cancellable_is_cancelled (share->cancellable))
            {
              share->cancelled = TRUE;
              break;
            }
          if (share->mine->counts == NULL)
            {
              share->mine->counts = g_new0 (guint64, share->st->n_stretches);
              share->mine->crossing = g_array_new (FALSE, FALSE, sizeof (Crossing));
            }
          share->last_stretch = k + 1 == share->st->n_stretches;
          tc_document_foreach_span (self->doc, share->st->thread_id, share->st->bounds[k],
                                    tc_document_stretch_end (share->st->bounds, share->st->n_stretches, k),
                                    count_span, share, NULL);
        }
    }
  return NULL;
}

static int
compare_crossing (gconstpointer a,
                  gconstpointer b)
{
  const Crossing *x = a, *y = b;

  if (x->start_ns != y->start_ns)
    return x->start_ns < y->start_ns ? -1 : 1;
  return (x->depth > y->depth) - (x->depth < y->depth);
}

static int
compare_thread_id (gconstpointer a,
                   gconstpointer b)
{
  guint32 x = (*(SearchThread *const *) a)->thread_id, y = (*(SearchThread *const *) b)->thread_id;

  return (x > y) - (x < y);
}

TcCallSearch *
tc_call_search_run (TcDocument       *doc,
                    const GByteArray *matches,
                    const guint32    *thread_ids,
                    guint             n_threads,
                    guint             stretch_events,
                    GCancellable     *cancellable)
{
  g_autoptr (TcCallSearch) self = g_new0 (TcCallSearch, 1);
  guint n_shares = MAX (g_get_num_processors (), 1);
  g_autofree Share *shares = g_new0 (Share, n_shares);
  gboolean cancelled = FALSE;

  g_return_val_if_fail (TC_IS_DOCUMENT (doc), NULL);
  g_return_val_if_fail (matches != NULL, NULL);

  self->doc = g_object_ref (doc);
  self->matches = g_byte_array_new ();
  g_byte_array_append (self->matches, matches->data, matches->len);
  self->launcher = tc_launcher_codes (doc);
  self->threads = g_ptr_array_new_with_free_func (search_thread_free);

  /* The time the threads' events span (from 0 at the latest). */
  tc_document_get_time_range (doc, &self->begin_ns, &self->end_ns);
  self->begin_ns = MIN (self->begin_ns, 0);
  for (guint i = 0; i < n_threads; i++)
    {
      const TcDocThread *thread = tc_document_get_thread (doc, thread_ids[i]);

      if (thread != NULL && thread->n_events > 0)
        {
          self->begin_ns = MIN (self->begin_ns, thread->first_ns);
          self->end_ns = MAX (self->end_ns, thread->last_ns);
        }
    }
  for (guint i = 0; i < n_threads; i++)
    {
      const TcDocThread *thread = tc_document_get_thread (doc, thread_ids[i]);
      gboolean seen = FALSE;

      for (guint j = 0; j < self->threads->len && !seen; j++)
        seen = ((SearchThread *) g_ptr_array_index (self->threads, j))->thread_id == thread_ids[i];
      if (thread != NULL && !seen)
        g_ptr_array_add (self->threads,
                         search_thread_new (self, thread, stretch_events ? stretch_events : DEFAULT_STRETCH_EVENTS));
    }
  g_ptr_array_sort (self->threads, compare_thread_id);

  for (guint w = 0; w < n_shares; w++)
    shares[w] = (Share) { self, cancellable, w, n_shares, g_new0 (ShareThread, MAX (self->threads->len, 1)) };
  /* No helper threads for no work (a query no function matches). */
  tc_parallel_run (share_run, shares, sizeof (Share), self->threads->len > 0 ? n_shares : 1, "tc-call-search");

  for (guint w = 0; w < n_shares; w++)
    {
      cancelled |= shares[w].cancelled;
      self->n_calls += shares[w].n_calls;
      self->matched_ns += shares[w].matched_ns;
      for (guint t = 0; t < self->threads->len; t++)
        {
          SearchThread *st = g_ptr_array_index (self->threads, t);
          ShareThread *mine = &shares[w].threads[t];

          if (mine->counts == NULL)
            continue;
          for (guint k = 0; k < st->n_stretches; k++)
            st->before[k + 1] += mine->counts[k];
          g_array_append_vals (st->crossing, mine->crossing->data, mine->crossing->len);
          g_free (mine->counts);
          g_array_unref (mine->crossing);
        }
      g_free (shares[w].threads);
    }
  if (cancelled)
    return NULL;
  for (guint t = 0; t < self->threads->len; t++)
    {
      SearchThread *st = g_ptr_array_index (self->threads, t);

      for (guint k = 0; k < st->n_stretches; k++)
        st->before[k + 1] += st->before[k];
      g_array_sort (st->crossing, compare_crossing);
    }
  return g_steal_pointer (&self);
}

guint64
tc_call_search_get_n_calls (TcCallSearch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_calls;
}

gint64
tc_call_search_get_matched_ns (TcCallSearch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->matched_ns;
}

/* ---- stepping ---------------------------------------------------------- */

typedef struct
{
  const TcCallSearch *search;
  const SearchThread *st;
  guint               stretch;
  GArray             *calls;
} StretchDecode;

static const Crossing *
find_crossing (const SearchThread *st,
               gint64              start_ns,
               guint32             depth)
{
  Crossing key = { start_ns, 0, depth };

  if (st->crossing->len == 0)
    return NULL;
  return bsearch (&key, st->crossing->data, st->crossing->len, sizeof (Crossing), compare_crossing);
}

static void
stretch_span (const TcSpan  *s,
            const guint32 *codes,
            gpointer       data)
{
  StretchDecode *cd = data;
  Call call = { s->start_ns, s->end_ns, s->depth, cd->calls->len, 0 };

  if (!tc_code_set_has (cd->search->matches, s->code_id) || stretch_of (cd->st, s->start_ns) != cd->stretch
      || tc_launcher_stack_lift (cd->search->launcher, codes, s->depth) > s->depth)
    return;
  /* Still running where the stretch ends: the pass saw where it returned. */
  if (s->flags & TC_SPAN_OPEN_END)
    {
      const Crossing *c = find_crossing (cd->st, s->start_ns, s->depth);

      if (c != NULL)
        call.end_ns = c->end_ns;
    }
  g_array_append_val (cd->calls, call);
}

static int
compare_call (gconstpointer a,
              gconstpointer b)
{
  const Call *x = a, *y = b;

  if (x->start_ns != y->start_ns)
    return x->start_ns < y->start_ns ? -1 : 1;
  if (x->depth != y->depth)
    return x->depth < y->depth ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* The calls starting in stretch `k` of the thread, in order. */
static GArray *
stretch_calls (const TcCallSearch *self,
             SearchThread       *st,
             guint               k)
{
  StretchDecode cd = { self, st, k, NULL };
  GArray *older = st->cached[1];
  guint older_stretch = st->cached_stretch[1];
  Call *calls;

  if (st->cached_stretch[0] == k)
    return st->cached[0];
  /* The other one becomes the latest, or is replaced by stretch k. */
  st->cached[1] = st->cached[0];
  st->cached_stretch[1] = st->cached_stretch[0];
  st->cached[0] = older;
  st->cached_stretch[0] = older_stretch;
  if (older_stretch == k)
    return older;
  cd.calls = older;
  g_array_set_size (older, 0);
  tc_document_foreach_span (self->doc, st->thread_id, st->bounds[k],
                            tc_document_stretch_end (st->bounds, st->n_stretches, k), stretch_span, &cd, NULL);
  g_array_sort (older, compare_call);
  calls = (Call *) (gpointer) older->data;
  for (guint i = 1; i < older->len; i++)
    if (calls[i].start_ns == calls[i - 1].start_ns && calls[i].depth == calls[i - 1].depth)
      calls[i].rank = calls[i - 1].rank + 1;
  st->cached_stretch[0] = k;
  return older;
}

static TcCallMatch
match_of (const SearchThread *st,
          const Call         *call)
{
  return (TcCallMatch) { call->start_ns, call->end_ns, st->thread_id, call->depth, call->rank, TRUE, 0 };
}

static int
compare_match (const TcCallMatch *a,
               const TcCallMatch *b)
{
  if (a->start_ns != b->start_ns)
    return a->start_ns < b->start_ns ? -1 : 1;
  if (a->is_call != b->is_call)
    return a->is_call ? 1 : -1;
  if (!a->is_call)
    return 0;
  if (a->thread_id != b->thread_id)
    return a->thread_id < b->thread_id ? -1 : 1;
  if (a->depth != b->depth)
    return a->depth < b->depth ? -1 : 1;
  return (a->rank > b->rank) - (a->rank < b->rank);
}

/* How many of the stretch's calls come before `from` (in order, so a
 * binary search). */
static guint
calls_before (const SearchThread *st,
              GArray             *calls,
              const TcCallMatch  *from)
{
  guint lo = 0, hi = calls->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      TcCallMatch m = match_of (st, &g_array_index (calls, Call, mid));

      if (compare_match (&m, from) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The thread's first call after `from` (NULL: its first). */
static gboolean
thread_next (const TcCallSearch *self,
             SearchThread       *st,
             const TcCallMatch  *from,
             TcCallMatch        *out)
{
  for (guint k = from != NULL ? stretch_of (st, from->start_ns) : 0; k < st->n_stretches; k++)
    {
      GArray *calls;
      guint i;

      if (st->before[k + 1] == st->before[k])
        continue;
      calls = stretch_calls (self, st, k);
      i = from != NULL ? calls_before (st, calls, from) : 0;
      /* Past `from` itself. */
      if (i < calls->len && from != NULL)
        {
          TcCallMatch m = match_of (st, &g_array_index (calls, Call, i));

          i += compare_match (&m, from) == 0;
        }
      if (i < calls->len)
        {
          *out = match_of (st, &g_array_index (calls, Call, i));
          return TRUE;
        }
    }
  return FALSE;
}

/* The thread's last call before `from` (NULL: its last). */
static gboolean
thread_previous (const TcCallSearch *self,
                 SearchThread       *st,
                 const TcCallMatch  *from,
                 TcCallMatch        *out)
{
  for (guint k = from != NULL ? stretch_of (st, from->start_ns) + 1 : st->n_stretches; k-- > 0;)
    {
      GArray *calls;
      guint i;

      if (st->before[k + 1] == st->before[k])
        continue;
      calls = stretch_calls (self, st, k);
      i = from != NULL ? calls_before (st, calls, from) : calls->len;
      if (i > 0)
        {
          *out = match_of (st, &g_array_index (calls, Call, i - 1));
          return TRUE;
        }
    }
  return FALSE;
}

void
tc_call_search_seek (TcCallSearch *self,
                     gint64        ns,
                     TcCallMatch  *position)
{
  g_return_if_fail (self != NULL && position != NULL);

  *position = (TcCallMatch) { ns, ns, 0, 0, 0, FALSE, 0 };
  for (guint t = 0; t < self->threads->len; t++)
    {
      SearchThread *st = g_ptr_array_index (self->threads, t);
      guint k = stretch_of (st, ns);
      GArray *calls;

      position->index += st->before[k];
      if (st->before[k + 1] == st->before[k])
        continue;
      calls = stretch_calls (self, st, k);
      position->index += calls_before (st, calls, position);
    }
}

/* The nearest call after `from` (before it when not `forward`) among the
 * threads' nearest. */
static gboolean
step (TcCallSearch      *self,
      const TcCallMatch *from,
      gboolean           forward,
      TcCallMatch       *call)
{
  gboolean found = FALSE;

  for (guint t = 0; t < self->threads->len; t++)
    {
      SearchThread *st = g_ptr_array_index (self->threads, t);
      TcCallMatch m;

      if ((forward ? thread_next (self, st, from, &m) : thread_previous (self, st, from, &m))
          && (!found || (forward ? compare_match (&m, call) < 0 : compare_match (&m, call) > 0)))
        {
          *call = m;
          found = TRUE;
        }
    }
  if (found && forward)
    call->index = from == NULL ? 0 : from->is_call ? from->index + 1 : from->index;
  else if (found)
    call->index = (from == NULL ? self->n_calls : from->index) - 1;
  return found;
}

gboolean
tc_call_search_next (TcCallSearch      *self,
                     const TcCallMatch *from,
                     TcCallMatch       *call)
{
  g_return_val_if_fail (self != NULL && call != NULL, FALSE);

  return step (self, from, TRUE, call);
}

gboolean
tc_call_search_previous (TcCallSearch      *self,
                         const TcCallMatch *from,
                         TcCallMatch       *call)
{
  g_return_val_if_fail (self != NULL && call != NULL, FALSE);

  return step (self, from, FALSE, call);
}

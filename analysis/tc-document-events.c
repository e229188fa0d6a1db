/* SPDX-License-Identifier: MIT
 *
 * tc-document-events.c — call/return event streams: building the per-thread
 * call trees and per-function distributions at load, and decoding the
 * blocks of a time range later (flame charts).
 *
 * Every activation (CALL, C_CALL or RESUME) is closed by the next
 * RETURN/C_RETURN/YIELD/UNWIND at the same depth, so a generator's resumes
 * count as calls (as the seed did) and an exception still times the frames
 * it unwinds (the seed lost those).  A return with no open activation (the
 * frame that called record()) is ignored.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc-document-load.h"

#define TC_MAX_CODE_ID     (1u << 24)
#define TC_MAX_STACK_DEPTH 100000u

typedef struct
{
  GArray *durations;   /* gint64 */
  gint64  self_ns;
} FnAccum;

typedef struct
{
  GArray *stack;       /* TcOpenFrame */
  GArray *depth;       /* guint32 per code id: activations open now */
} ThreadState;

struct _TcCallBuilder
{
  TcDocument *doc;
  GHashTable *states;  /* TcDocThread* → ThreadState* */
  GArray     *accums;  /* FnAccum by code id */
  GArray     *max_depth; /* guint32 by code id */
  TcEvent    *events;
  gsize       events_cap;
  guint8     *scratch;
  gsize       scratch_cap;
};

static gboolean
is_enter (guint32 kind)
{
  return kind == TC_EVENT_CALL || kind == TC_EVENT_C_CALL || kind == TC_EVENT_RESUME;
}

static gboolean
is_leave (guint32 kind)
{
  return kind == TC_EVENT_RETURN || kind == TC_EVENT_C_RETURN
         || kind == TC_EVENT_YIELD || kind == TC_EVENT_UNWIND;
}

static void
thread_state_free (ThreadState *state)
{
  g_array_unref (state->stack);
  g_array_unref (state->depth);
  g_free (state);
}

TcCallBuilder *
tc_call_builder_new (TcDocument *doc)
{
  TcCallBuilder *b = g_new0 (TcCallBuilder, 1);

  b->doc = doc;
  b->states = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) thread_state_free);
  b->accums = g_array_new (FALSE, TRUE, sizeof (FnAccum));
  b->max_depth = g_array_new (FALSE, TRUE, sizeof (guint32));
  return b;
}

void
tc_call_builder_free (TcCallBuilder *b)
{
  if (b == NULL)
    return;
  for (guint i = 0; i < b->accums->len; i++)
    {
      FnAccum *acc = &g_array_index (b->accums, FnAccum, i);

      g_clear_pointer (&acc->durations, g_array_unref);
    }
  g_array_unref (b->accums);
  g_array_unref (b->max_depth);
  g_hash_table_unref (b->states);
  g_free (b->events);
  g_free (b->scratch);
  g_free (b);
}

static ThreadState *
get_state (TcCallBuilder *b, TcDocThread *thread)
{
  ThreadState *state = g_hash_table_lookup (b->states, thread);

  if (state == NULL)
    {
      state = g_new0 (ThreadState, 1);
      state->stack = g_array_new (FALSE, FALSE, sizeof (TcOpenFrame));
      state->depth = g_array_new (FALSE, TRUE, sizeof (guint32));
      g_hash_table_insert (b->states, thread, state);
    }
  return state;
}

static guint32
tree_child (GArray *tree, guint32 parent, guint32 code_id)
{
  TcCallNode *p = &g_array_index (tree, TcCallNode, parent);
  guint32 prev = TC_CALL_NODE_NONE;
  TcCallNode node = { 0 };

  for (guint32 c = p->first_child; c != TC_CALL_NODE_NONE;)
    {
      TcCallNode *child = &g_array_index (tree, TcCallNode, c);

      if (child->code_id == code_id)
        {
          /* Move to front: loops call the same few children again. */
          if (prev != TC_CALL_NODE_NONE)
            {
              g_array_index (tree, TcCallNode, prev).next_sibling = child->next_sibling;
              child->next_sibling = p->first_child;
              p->first_child = c;
            }
          return c;
        }
      prev = c;
      c = child->next_sibling;
    }

  node.code_id = code_id;
  node.parent = parent;
  node.first_child = TC_CALL_NODE_NONE;
  node.next_sibling = p->first_child;
  node.depth = p->depth + 1;
  g_array_append_val (tree, node);
  p = &g_array_index (tree, TcCallNode, parent); /* the append may move it */
  p->first_child = tree->len - 1;
  return tree->len - 1;
}

static FnAccum *
get_accum (TcCallBuilder *b, guint32 code_id)
{
  FnAccum *acc;

  if (code_id >= b->accums->len)
    g_array_set_size (b->accums, code_id + 1);
  acc = &g_array_index (b->accums, FnAccum, code_id);
  if (acc->durations == NULL)
    acc->durations = g_array_new (FALSE, FALSE, sizeof (gint64));
  return acc;
}

static guint32 *
depth_slot (GArray *array, guint32 code_id)
{
  if (code_id >= array->len)
    g_array_set_size (array, code_id + 1);
  return &g_array_index (array, guint32, code_id);
}

static void
enter (TcCallBuilder *b, TcDocThread *thread, ThreadState *state, guint32 code_id, gint64 t)
{
  guint32 parent = 0;
  TcOpenFrame frame;
  guint32 *depth, *max;

  if (state->stack->len > 0)
    parent = g_array_index (state->stack, TcOpenFrame, state->stack->len - 1).node;
  frame.code_id = code_id;
  frame.node = tree_child (thread->call_tree, parent, code_id);
  frame.start_ns = t;
  frame.child_ns = 0;
  g_array_append_val (state->stack, frame);
  if (state->stack->len > thread->max_depth)
    thread->max_depth = state->stack->len;

  depth = depth_slot (state->depth, code_id);
  (*depth)++;
  max = depth_slot (b->max_depth, code_id);
  if (*depth > *max)
    *max = *depth;
}

static void
leave (TcCallBuilder *b, TcDocThread *thread, ThreadState *state, gint64 t)
{
  TcOpenFrame frame;
  TcCallNode *node;
  FnAccum *acc;
  gint64 dur;

  if (state->stack->len == 0)
    return;
  frame = g_array_index (state->stack, TcOpenFrame, state->stack->len - 1);
  g_array_set_size (state->stack, state->stack->len - 1);

  dur = MAX (0, t - frame.start_ns);
  node = &g_array_index (thread->call_tree, TcCallNode, frame.node);
  node->calls++;
  node->total_ns += dur;
  node->self_ns += MAX (0, dur - frame.child_ns);
  if (state->stack->len > 0)
    g_array_index (state->stack, TcOpenFrame, state->stack->len - 1).child_ns += dur;

  acc = get_accum (b, frame.code_id);
  g_array_append_val (acc->durations, dur);
  acc->self_ns += MAX (0, dur - frame.child_ns);
  (*depth_slot (state->depth, frame.code_id))--;
}

static gboolean
decode_block (TcEvent **events, gsize *events_cap, guint8 **scratch, gsize *scratch_cap,
              const TcFrame *frame, gsize *n, GError **error)
{
  const TcEventsFixed *fixed;
  TcStatus status;

  if (frame->payload_len < sizeof (TcEventsFixed))
    goto corrupt;
  fixed = (const TcEventsFixed *) frame->payload;
  if (fixed->n_events > *events_cap
      || (fixed->codec == TC_CODEC_ZLIB && fixed->raw_len > *scratch_cap))
    {
      /* The sizes come from the file: let the decoder validate the block
       * header (n_events <= 65536, raw_len bounded by the compressed size)
       * before they size an allocation, or a hostile block asks for 64 GiB.
       * Without room it checks the header and stops with TC_ERR_INVALID. */
      status = tc_decode_events_into (frame, NULL, 0, NULL, 0, n);
      if (status == TC_OK)
        return TRUE;
      if (status != TC_ERR_INVALID)
        goto corrupt;
    }
  if (fixed->n_events > *events_cap)
    {
      *events_cap = MAX (fixed->n_events, 1024);
      *events = g_renew (TcEvent, *events, *events_cap);
    }
  if (fixed->codec == TC_CODEC_ZLIB && fixed->raw_len > *scratch_cap)
    {
      *scratch_cap = fixed->raw_len;
      *scratch = g_realloc (*scratch, *scratch_cap);
    }
  status = tc_decode_events_into (frame, *events, *events_cap, *scratch, *scratch_cap, n);
  if (status == TC_OK)
    return TRUE;

corrupt:
  g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT,
               "corrupt event block at offset %" G_GUINT64_FORMAT, frame->offset);
  return FALSE;
}

gboolean
tc_call_builder_add (TcCallBuilder  *b,
                     TcDocThread    *thread,
                     const TcFrame  *frame,
                     GError        **error)
{
  ThreadState *state = get_state (b, thread);
  TcDocEventBlock block = { 0 };
  gsize n = 0;

  if (!decode_block (&b->events, &b->events_cap, &b->scratch, &b->scratch_cap, frame, &n, error))
    return FALSE;
  if (n == 0)
    return TRUE;

  block.offset = frame->offset;
  block.start_ns = (gint64) b->events[0].time_ns;
  block.end_ns = (gint64) b->events[n - 1].time_ns;
  block.n_events = n;
  block.stack_depth = state->stack->len;
  if (state->stack->len > 0)
    {
      gsize size = sizeof (TcOpenFrame) * state->stack->len;

      block.stack = tc_arena_alloc (b->doc->arena, size);
      memcpy (block.stack, state->stack->data, size);
    }
  g_array_append_val (thread->blocks, block);

  for (gsize i = 0; i < n; i++)
    {
      const TcEvent *ev = &b->events[i];

      if (is_enter (ev->kind))
        {
          /* Per-code tables are indexed by id and every block keeps a copy
           * of the open stack: a hostile file must not turn either into
           * gigabytes.  Recorders intern ids from 1 and Python stacks stay
           * far below this depth. */
          if (ev->code_id >= TC_MAX_CODE_ID || state->stack->len >= TC_MAX_STACK_DEPTH)
            {
              g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT,
                           "corrupt event block at offset %" G_GUINT64_FORMAT " (%s)", frame->offset,
                           ev->code_id >= TC_MAX_CODE_ID ? "code id out of range" : "call stack too deep");
              return FALSE;
            }
          enter (b, thread, state, ev->code_id, (gint64) ev->time_ns);
        }
      else if (is_leave (ev->kind))
        leave (b, thread, state, (gint64) ev->time_ns);
    }

  thread->n_events += n;
  if (thread->first_ns < 0)
    thread->first_ns = block.start_ns;
  thread->last_ns = MAX (thread->last_ns, block.end_ns);
  return TRUE;
}

static int
compare_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Durations are sorted for every function to read its percentiles; with
 * millions of calls qsort was half of the load time.  Durations are never
 * negative, so an LSD radix sort on the bytes that actually vary does it in a
 * few linear passes. */
static void
sort_durations (gint64 *v, gsize n)
{
  guint64 all_or = 0, all_and = G_MAXUINT64;
  g_autofree gint64 *tmp = NULL;
  gint64 *src = v, *dst;

  for (gsize i = 0; i < n; i++)
    {
      if (v[i] < 0)
        {
          qsort (v, n, sizeof (gint64), compare_i64);
          return;
        }
      all_or |= (guint64) v[i];
      all_and &= (guint64) v[i];
    }
  if (n < 512)
    {
      qsort (v, n, sizeof (gint64), compare_i64);
      return;
    }

  tmp = g_new (gint64, n);
  dst = tmp;
  for (guint shift = 0; shift < 64; shift += 8)
    {
      gsize count[256] = { 0 };
      gsize pos = 0;

      /* A byte equal in every value does not change the order. */
      if ((((all_or ^ all_and) >> shift) & 0xff) == 0)
        continue;
      for (gsize i = 0; i < n; i++)
        count[((guint64) src[i] >> shift) & 0xff]++;
      for (guint b = 0; b < 256; b++)
        {
          gsize c = count[b];

          count[b] = pos;
          pos += c;
        }
      for (gsize i = 0; i < n; i++)
        dst[count[((guint64) src[i] >> shift) & 0xff]++] = src[i];
      gint64 *swap = src;
      src = dst;
      dst = swap;
    }
  if (src != v)
    memcpy (v, src, n * sizeof (gint64));
}

static int
compare_stats (gconstpointer a, gconstpointer b)
{
  const TcFunctionStats *x = *(TcFunctionStats * const *) a;
  const TcFunctionStats *y = *(TcFunctionStats * const *) b;

  if (x->total_ms != y->total_ms)
    return x->total_ms < y->total_ms ? 1 : -1;
  return strcmp (x->name, y->name);
}

static void
stats_free (TcFunctionStats *stats)
{
  g_array_unref (stats->durations_ns);
  g_free (stats);
}

static TcFunctionStats *
compute_stats (TcDocument *doc, guint32 code_id, FnAccum *acc, guint32 max_depth)
{
  TcFunctionStats *s = g_new0 (TcFunctionStats, 1);
  GArray *d = acc->durations;
  const gint64 *v;
  guint n = d->len;
  double sum = 0, var = 0;

  if (n >= 9)
    {
      const gint64 *c = (const gint64 *) d->data; /* still in call order */
      guint third = n / 3;
      double early = 0, late = 0;

      for (guint i = 0; i < third; i++)
        {
          early += c[i];
          late += c[n - third + i];
        }
      s->late_early_ratio = early > 0 ? late / early : 0;
    }

  sort_durations ((gint64 *) d->data, n);
  v = (const gint64 *) d->data;
  for (guint i = 0; i < n; i++)
    sum += tc_ns_to_ms (v[i]);

  s->code_id = code_id;
  s->name = tc_document_code_name (doc, code_id);
  s->calls = n;
  s->total_ms = sum;
  s->self_ms = tc_ns_to_ms (acc->self_ns);
  s->avg_ms = sum / n;
  s->p50_ms = tc_ns_to_ms (v[n / 2]);
  s->p95_ms = tc_ns_to_ms (v[MAX (0, (gint64) (n * 0.95) - 1)]);
  s->p99_ms = tc_ns_to_ms (v[MAX (0, (gint64) (n * 0.99) - 1)]);
  s->min_ms = tc_ns_to_ms (v[0]);
  s->max_ms = tc_ns_to_ms (v[n - 1]);
  for (guint i = 0; i < n; i++)
    {
      double x = tc_ns_to_ms (v[i]) - s->avg_ms;

      var += x * x;
    }
  s->std_ms = n > 1 ? sqrt (var / n) : 0.0;
  s->max_depth = max_depth;
  s->durations_ns = g_array_ref (d);
  return s;
}

void
tc_call_builder_finish (TcCallBuilder *b)
{
  TcDocument *doc = b->doc;
  GHashTableIter iter;
  gpointer key, value;
  gboolean any_tracked = FALSE;

  /* Activations still open (truncated file, or a thread that never returned)
   * end at the thread's last event: their time so far is real time. */
  g_hash_table_iter_init (&iter, b->states);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TcDocThread *thread = key;
      ThreadState *state = value;

      while (state->stack->len > 0)
        leave (b, thread, state, thread->last_ns);
    }

  g_clear_pointer (&doc->stats, g_ptr_array_unref);
  g_clear_pointer (&doc->untracked_stats, g_ptr_array_unref);
  g_clear_pointer (&doc->stats_by_code, g_hash_table_unref);
  doc->stats = g_ptr_array_new_with_free_func ((GDestroyNotify) stats_free);
  doc->untracked_stats = g_ptr_array_new_with_free_func ((GDestroyNotify) stats_free);
  doc->stats_by_code = g_hash_table_new (NULL, NULL);
  doc->total_calls = 0;

  /* With option calls="all" the recorder times every function (the flame
   * graph wants them), but the timing tables are about the user's code:
   * only tracked code goes into the list when the recording marks any. */
  for (guint32 id = 0; id < b->accums->len; id++)
    {
      FnAccum *acc = &g_array_index (b->accums, FnAccum, id);
      const TcDocCode *code = tc_document_get_code (doc, id);

      if (acc->durations != NULL && acc->durations->len > 0 && code && (code->flags & TC_CODE_FLAG_TRACKED))
        any_tracked = TRUE;
    }
  for (guint32 id = 0; id < b->accums->len; id++)
    {
      FnAccum *acc = &g_array_index (b->accums, FnAccum, id);
      const TcDocCode *code = tc_document_get_code (doc, id);
      TcFunctionStats *stats;

      if (acc->durations == NULL || acc->durations->len == 0)
        continue;
      stats = compute_stats (doc, id, acc, id < b->max_depth->len
                                           ? g_array_index (b->max_depth, guint32, id) : 1);
      g_hash_table_insert (doc->stats_by_code, GUINT_TO_POINTER (id), stats);
      if (any_tracked && !(code && (code->flags & TC_CODE_FLAG_TRACKED)))
        {
          g_ptr_array_add (doc->untracked_stats, stats);
          continue;
        }
      doc->total_calls += stats->calls;
      g_ptr_array_add (doc->stats, stats);
    }
  g_ptr_array_sort (doc->stats, compare_stats);
}

/* ---- lazy decoding ------------------------------------------------------- */

/* First block whose events reach `start_ns` (binary search: blocks are in
 * time order). */
static guint
first_block (GArray *blocks, gint64 start_ns)
{
  guint lo = 0, hi = blocks->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (blocks, TcDocEventBlock, mid).end_ns < start_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

typedef struct
{
  gint64  start_ns, end_ns, min_ns;
  GArray *spans;
  GArray *stack;   /* TcOpenFrame (node unused) */
} SpanCollector;

static void
emit_span (SpanCollector *c, const TcOpenFrame *f, guint depth, gint64 end, guint32 flags)
{
  TcSpan span;

  if (end < c->start_ns || f->start_ns > c->end_ns || end - f->start_ns < c->min_ns)
    return;
  span.start_ns = f->start_ns;
  span.end_ns = end;
  span.code_id = f->code_id;
  span.depth = depth;
  span.flags = flags;
  span.reserved = 0;
  g_array_append_val (c->spans, span);
}

static gboolean
walk_range (TcDocument *self, guint32 thread_id, gint64 start_ns, gint64 end_ns,
            gboolean (*func) (const TcEvent *, gpointer), gpointer data,
            GArray *stack_out, GError **error)
{
  const TcDocThread *thread = tc_document_get_thread (self, thread_id);
  g_autofree TcEvent *events = NULL;
  g_autofree guint8 *scratch = NULL;
  gsize events_cap = 0, scratch_cap = 0;
  guint b;

  if (thread == NULL)
    return TRUE;
  b = first_block (thread->blocks, start_ns);
  if (b < thread->blocks->len && stack_out != NULL)
    {
      const TcDocEventBlock *block = &g_array_index (thread->blocks, TcDocEventBlock, b);

      g_array_append_vals (stack_out, block->stack, block->stack_depth);
    }
  for (; b < thread->blocks->len; b++)
    {
      const TcDocEventBlock *block = &g_array_index (thread->blocks, TcDocEventBlock, b);
      TcFrame frame;
      gsize n = 0;

      if (block->start_ns > end_ns)
        break;
      if (!tc_reader_frame_at (self->reader, block->offset, &frame))
        {
          g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT,
                       "event block at offset %" G_GUINT64_FORMAT " vanished", block->offset);
          return FALSE;
        }
      if (!decode_block (&events, &events_cap, &scratch, &scratch_cap, &frame, &n, error))
        return FALSE;
      for (gsize i = 0; i < n; i++)
        {
          if ((gint64) events[i].time_ns > end_ns)
            return TRUE;
          if (!func (&events[i], data))
            return TRUE;
        }
    }
  return TRUE;
}

static gboolean
span_event (const TcEvent *ev, gpointer data)
{
  SpanCollector *c = data;

  if (is_enter (ev->kind))
    {
      TcOpenFrame f = { ev->code_id, 0, (gint64) ev->time_ns, 0 };

      g_array_append_val (c->stack, f);
    }
  else if (is_leave (ev->kind) && c->stack->len > 0)
    {
      guint depth = c->stack->len - 1;
      TcOpenFrame f = g_array_index (c->stack, TcOpenFrame, depth);

      g_array_set_size (c->stack, depth);
      emit_span (c, &f, depth, (gint64) ev->time_ns, 0);
    }
  return TRUE;
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
  SpanCollector c = { start_ns, end_ns, min_duration_ns, spans, NULL };
  const TcDocThread *thread;
  gint64 stop;

  g_return_val_if_fail (TC_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (spans != NULL, FALSE);

  c.stack = g_array_new (FALSE, FALSE, sizeof (TcOpenFrame));
  if (!walk_range (self, thread_id, start_ns, end_ns, span_event, &c, c.stack, error))
    {
      g_array_unref (c.stack);
      return FALSE;
    }
  /* What is still open ran at least to the end of the range (or of the
   * thread's recording). */
  thread = tc_document_get_thread (self, thread_id);
  stop = thread ? MIN (end_ns, MAX (thread->last_ns, start_ns)) : end_ns;
  for (guint d = 0; d < c.stack->len; d++)
    emit_span (&c, &g_array_index (c.stack, TcOpenFrame, d), d, stop, TC_SPAN_OPEN_END);
  g_array_unref (c.stack);
  return TRUE;
}

typedef struct
{
  gint64      start_ns;
  TcEventFunc func;
  gpointer    data;
} ForeachData;

static gboolean
foreach_event (const TcEvent *ev, gpointer data)
{
  ForeachData *f = data;

  if ((gint64) ev->time_ns < f->start_ns)
    return TRUE;
  return f->func (ev, f->data);
}

gboolean
tc_document_foreach_event (TcDocument  *self,
                           guint32      thread_id,
                           gint64       start_ns,
                           gint64       end_ns,
                           TcEventFunc  func,
                           gpointer     user_data,
                           GError     **error)
{
  ForeachData f = { start_ns, func, user_data };

  g_return_val_if_fail (TC_IS_DOCUMENT (self), FALSE);
  return walk_range (self, thread_id, start_ns, end_ns, foreach_event, &f, NULL, error);
}

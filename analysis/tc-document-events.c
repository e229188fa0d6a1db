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
 *
 * Big recordings: a pool of worker threads inflates and decodes each block
 * and folds it into a call tree of its own, whose roots stand for the
 * activations still open when the block starts (not known yet: they depend
 * on the blocks before it).  The loading thread merges the blocks' trees
 * into each thread's tree strictly in file order, which is cheap (a few
 * thousand nodes per block) and settles what the workers could not: the
 * open activations' durations, the order of the per-call durations and the
 * nodes' order.  The per-function distributions are sorted in parallel at
 * the end.  The results do not depend on the number of workers: every node
 * is created, every duration appended and every sibling list ordered as in
 * one thread.  TC_LOAD_THREADS=N in the environment forces N workers (0:
 * everything in the loading thread) whatever the size.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tc-document-load.h"
#include "tc-durations-private.h"

#define TC_MAX_STACK_DEPTH 100000u

/* Below this many bytes of recording the load stays in one thread: workers
 * would cost more than they save (and fuzzers load thousands of tiny files). */
#define TC_PARALLEL_MIN_BYTES (4u << 20)
#define TC_MAX_DECODE_WORKERS 16
/* Below this many durations in all, the final sorts stay in one thread. */
#define TC_PARALLEL_MIN_CALLS 200000u

/* Per-function call durations, appended once per call into what becomes
 * TcFunctionStats.durations (held by value: the append reads no pointer
 * but the array's). */
typedef struct
{
  TcDurationsBuilder durations;
  guint32            max_depth;   /* most activations open at once, over all threads */
  gint64             self_ns;
} FnAccum;

typedef struct
{
  TcOpenFrame *stack;
  guint32      len, cap;
  /* Parallel path: per call-tree node, when it was last entered (block
   * number << 32 | event index): the sibling lists are ordered by it at
   * the end, as the one-thread fold's move-to-front leaves them. */
  guint64     *stamps;
  guint32      stamps_cap;
} ThreadState;

/* What a worker's fold of one block leaves for the merge. */
#define TC_CLOSE_INCOMING G_MAXUINT32

typedef struct
{
  guint32 code_id;     /* TC_CLOSE_INCOMING: a return of an activation opened before the block */
  guint32 pop;         /* incoming: the number of such returns before this one */
  gint64  a;           /* duration; incoming: the time of the return */
  gint64  b;           /* self time; incoming: its children's time within the block */
} CloseRec;

typedef struct
{
  guint32 code_id;
  guint32 parent;      /* local index; TC_CALL_NODE_NONE: a stand-in (below) */
  guint32 first_child;
  guint32 next_sibling;
  guint32 pop;         /* stand-in for the activation on top after `pop` incoming returns */
  guint32 last_enter;  /* event index */
  guint64 calls;
  gint64  total_ns;
  gint64  self_ns;
} LocalNode;

typedef struct
{
  LocalNode   *nodes;
  guint32      n_nodes, nodes_cap;
  guint32     *standin;     /* by pop count: local stand-in node or NONE */
  guint32      standin_cap, standin_used;
  TcOpenFrame *stack;       /* opened in this block (node: local index) */
  guint32      len, cap;
  CloseRec    *closes;      /* every return, in event order */
  gsize        n_closes, closes_cap;
  guint32      n_pops;      /* returns of activations opened before the block */
  gint64       tail_child;  /* children's time of the incoming activation left on top */
  gint64       max_rel;     /* most (open here − incoming returns) before a call */
  gboolean     bad_code;    /* stopped at a code id out of range */
  guint32     *gmap;        /* merge: local node → node of the thread's tree */
  guint32      gmap_cap;
} LocalFold;

/* One EVENTS frame on its way through the decode workers.  Blocks are
 * folded into the call trees strictly in file order; only inflating and
 * decoding run ahead. */
typedef struct
{
  TcFrame      frame;
  TcDocThread *thread;
  TcEvent     *events;
  gsize        events_cap;
  guint8      *scratch;
  gsize        scratch_cap;
  gsize        n;
  GError      *error;
  LocalFold    fold;
  gboolean     done;   /* under TcCallBuilder.lock */
} DecodeJob;

struct _TcCallBuilder
{
  TcDocument  *doc;
  GHashTable  *states;   /* TcDocThread* → ThreadState* */
  FnAccum     *accums;   /* by code id */
  guint32      n_accums;

  DecodeJob    serial;   /* the one-thread path */

  /* The parallel path: a ring of jobs in file order. */
  GThreadPool *pool;
  guint        n_workers;
  DecodeJob   *ring;
  guint        ring_size, head, pending;
  gboolean     failed;   /* a fold failed: what is still queued comes later */
  guint32      n_merged;  /* blocks merged so far: the stamps' high half */
  GMutex       lock;
  GCond        cond;
};

static void
thread_state_free (ThreadState *state)
{
  g_free (state->stack);
  g_free (state->stamps);
  g_free (state);
}

static void
decode_job_clear (DecodeJob *job)
{
  g_clear_pointer (&job->events, g_free);
  g_clear_pointer (&job->scratch, g_free);
  g_clear_error (&job->error);
  job->events_cap = job->scratch_cap = 0;
  g_clear_pointer (&job->fold.nodes, g_free);
  g_clear_pointer (&job->fold.standin, g_free);
  g_clear_pointer (&job->fold.stack, g_free);
  g_clear_pointer (&job->fold.closes, g_free);
  g_clear_pointer (&job->fold.gmap, g_free);
  memset (&job->fold, 0, sizeof job->fold);
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
      || (tc_codec_is_zlib (fixed->codec) && fixed->raw_len > *scratch_cap))
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
  if (tc_codec_is_zlib (fixed->codec) && fixed->raw_len > *scratch_cap)
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

static void
decode_job_run (DecodeJob *job)
{
  job->n = 0;
  g_clear_error (&job->error);
  decode_block (&job->events, &job->events_cap, &job->scratch, &job->scratch_cap,
                &job->frame, &job->n, &job->error);
}

static void local_fold (LocalFold *f, const TcEvent *events, gsize n);

static void
decode_worker (gpointer data, gpointer user_data)
{
  DecodeJob *job = data;
  TcCallBuilder *b = user_data;

  decode_job_run (job);
  if (job->error == NULL)
    local_fold (&job->fold, job->events, job->n);
  g_mutex_lock (&b->lock);
  job->done = TRUE;
  g_cond_broadcast (&b->cond);
  g_mutex_unlock (&b->lock);
}

static int load_threads_override = -1;

void
tc_document_set_load_threads (int n_workers)
{
  load_threads_override = n_workers;
}

guint
tc_document_decode_workers (guint64 file_size)
{
  const char *env = g_getenv ("TC_LOAD_THREADS");
  guint n_cpus;

  if (load_threads_override >= 0)
    return MIN ((guint) load_threads_override, TC_MAX_DECODE_WORKERS);
  if (env != NULL && *env != '\0')
    return MIN ((guint) g_ascii_strtoull (env, NULL, 10), TC_MAX_DECODE_WORKERS);
  n_cpus = g_get_num_processors ();
  if (file_size < TC_PARALLEL_MIN_BYTES || n_cpus < 2)
    return 0;
  /* The workers decode and fold, the loading thread only merges. */
  return CLAMP (n_cpus, 1, TC_MAX_DECODE_WORKERS);
}

TcCallBuilder *
tc_call_builder_new (TcDocument *doc,
                     guint64     file_size)
{
  TcCallBuilder *b = g_new0 (TcCallBuilder, 1);
  guint workers = tc_document_decode_workers (file_size);

  b->doc = doc;
  b->states = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) thread_state_free);
  g_mutex_init (&b->lock);
  g_cond_init (&b->cond);
  if (workers > 0)
    {
      b->pool = g_thread_pool_new (decode_worker, b, workers, FALSE, NULL);
      if (b->pool != NULL)
        {
          b->n_workers = workers;
          /* Enough blocks in flight to keep every worker busy while the
           * loading thread folds; each holds up to ~1.5 MB. */
          b->ring_size = 4 * workers + 2;
          b->ring = g_new0 (DecodeJob, b->ring_size);
        }
    }
  return b;
}

/* Waits for the jobs still in the workers (after an error they are not
 * folded, but their buffers must not be freed under a worker). */
static void
wait_all (TcCallBuilder *b)
{
  g_mutex_lock (&b->lock);
  for (guint i = 0; i < b->pending; i++)
    {
      DecodeJob *job = &b->ring[(b->head + i) % b->ring_size];

      while (!job->done)
        g_cond_wait (&b->cond, &b->lock);
    }
  g_mutex_unlock (&b->lock);
  b->pending = 0;
}

void
tc_call_builder_free (TcCallBuilder *b)
{
  if (b == NULL)
    return;
  if (b->pool != NULL)
    {
      wait_all (b);
      g_thread_pool_free (b->pool, FALSE, TRUE);
      for (guint i = 0; i < b->ring_size; i++)
        decode_job_clear (&b->ring[i]);
      g_free (b->ring);
    }
  for (guint i = 0; i < b->n_accums; i++)
    tc_durations_builder_clear (&b->accums[i].durations);
  g_free (b->accums);
  g_hash_table_unref (b->states);
  decode_job_clear (&b->serial);
  g_mutex_clear (&b->lock);
  g_cond_clear (&b->cond);
  g_free (b);
}

static ThreadState *
get_state (TcCallBuilder *b, TcDocThread *thread)
{
  ThreadState *state = g_hash_table_lookup (b->states, thread);

  if (state == NULL)
    {
      state = g_new0 (ThreadState, 1);
      g_hash_table_insert (b->states, thread, state);
    }
  return state;
}

static guint32
tree_child (GArray *tree, guint32 parent, guint32 code_id)
{
  TcCallNode *nodes = (TcCallNode *) (gpointer) tree->data;
  TcCallNode *p = &nodes[parent];
  guint32 prev = TC_CALL_NODE_NONE;
  TcCallNode node = { 0 };

  for (guint32 c = p->first_child; c != TC_CALL_NODE_NONE;)
    {
      TcCallNode *child = &nodes[c];

      if (child->code_id == code_id)
        {
          /* Move to front: loops call the same few children again. */
          if (prev != TC_CALL_NODE_NONE)
            {
              nodes[prev].next_sibling = child->next_sibling;
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

/* Grows `*items` (`*cap` elements of `size` bytes) so that `index` is in
 * it, doubling from at least `min`, and fills the new elements' bytes with
 * `fill`: the by-id tables of the call-tree builder and the fold. */
static void
grow_to_index (gpointer *items, guint32 *cap, guint32 index, gsize size,
               guint32 min, int fill)
{
  guint32 n = MAX (min, *cap);

  while (n <= index)
    n *= 2;
  *items = g_realloc_n (*items, n, size);
  memset ((char *) *items + (gsize) *cap * size, fill, (gsize) (n - *cap) * size);
  *cap = n;
}

/* Makes room for code ids up to `code_id` (< TC_MAX_CODE_ID) in the
 * per-function table. */
static void
reserve_code (TcCallBuilder *b, guint32 code_id)
{
  grow_to_index ((gpointer *) &b->accums, &b->n_accums, code_id,
                 sizeof (FnAccum), 64, 0);
}

static inline void
enter (TcCallBuilder *b, TcDocThread *thread, ThreadState *state, guint32 code_id, gint64 t)
{
  guint32 parent = state->len > 0 ? state->stack[state->len - 1].node : 0;
  TcOpenFrame *frame;

  if (G_UNLIKELY (state->len == state->cap))
    {
      state->cap = MAX (64, state->cap * 2);
      state->stack = g_renew (TcOpenFrame, state->stack, state->cap);
    }
  if (G_UNLIKELY (code_id >= b->n_accums))
    reserve_code (b, code_id);

  frame = &state->stack[state->len++];
  frame->code_id = code_id;
  frame->node = tree_child (thread->call_tree, parent, code_id);
  frame->start_ns = t;
  frame->child_ns = 0;
}

static inline void
append_duration (FnAccum *acc, gint64 dur, gint64 self)
{
  tc_durations_builder_add (&acc->durations, dur);
  acc->self_ns += self;
}

/* Closes the innermost open activation at `t`, given its children's time
 * not yet counted in the frame (`extra_child_ns`). */
static inline void
leave_with (TcCallBuilder *b, TcDocThread *thread, ThreadState *state, gint64 t, gint64 extra_child_ns)
{
  const TcOpenFrame *frame;
  TcCallNode *node;
  gint64 dur, self;

  if (state->len == 0)
    return;
  frame = &state->stack[--state->len];

  dur = MAX (0, t - frame->start_ns);
  self = MAX (0, dur - (frame->child_ns + extra_child_ns));
  node = &g_array_index (thread->call_tree, TcCallNode, frame->node);
  node->calls++;
  node->total_ns += dur;
  node->self_ns += self;
  if (state->len > 0)
    state->stack[state->len - 1].child_ns += dur;
  append_duration (&b->accums[frame->code_id], dur, self);
}

static inline void
leave (TcCallBuilder *b, TcDocThread *thread, ThreadState *state, gint64 t)
{
  leave_with (b, thread, state, t, 0);
}

static void
set_corrupt_block (GError **error, guint64 offset, gboolean bad_code)
{
  g_set_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT,
               "corrupt event block at offset %" G_GUINT64_FORMAT " (%s)", offset,
               bad_code ? "code id out of range" : "call stack too deep");
}

/* Records the block (with the stack open at its start) in thread->blocks. */
static void
add_block (TcCallBuilder *b, TcDocThread *thread, ThreadState *state,
           guint64 offset, const TcEvent *events, gsize n)
{
  TcDocEventBlock block = { 0 };

  block.offset = offset;
  block.start_ns = (gint64) events[0].time_ns;
  block.end_ns = (gint64) events[n - 1].time_ns;
  block.n_events = n;
  block.stack_depth = state->len;
  if (state->len > 0)
    {
      gsize size = sizeof (TcOpenFrame) * state->len;

      block.stack = tc_arena_alloc (b->doc->arena, size);
      memcpy (block.stack, state->stack, size);
    }
  g_array_append_val (thread->blocks, block);
}

static void
count_block (TcDocThread *thread, const TcEvent *events, gsize n)
{
  thread->n_events += n;
  if (thread->first_ns < 0)
    thread->first_ns = (gint64) events[0].time_ns;
  thread->last_ns = MAX (thread->last_ns, (gint64) events[n - 1].time_ns);
}

/* Folds one decoded block of `thread` into its call tree and the
 * per-function tables (the one-thread path). */
static gboolean
fold_block (TcCallBuilder  *b,
            TcDocThread    *thread,
            guint64         offset,
            const TcEvent  *events,
            gsize           n,
            GError        **error)
{
  ThreadState *state = get_state (b, thread);

  if (n == 0)
    return TRUE;
  add_block (b, thread, state, offset, events, n);

  for (gsize i = 0; i < n; i++)
    {
      const TcEvent *ev = &events[i];

      if (tc_event_is_enter (ev->kind))
        {
          /* Per-code tables are indexed by id and every block keeps a copy
           * of the open stack: a hostile file must not turn either into
           * gigabytes.  Recorders intern ids from 1 and Python stacks stay
           * far below this depth. */
          if (G_UNLIKELY (ev->code_id >= TC_MAX_CODE_ID || state->len >= TC_MAX_STACK_DEPTH))
            {
              set_corrupt_block (error, offset, ev->code_id >= TC_MAX_CODE_ID);
              return FALSE;
            }
          enter (b, thread, state, ev->code_id, (gint64) ev->time_ns);
        }
      else if (tc_event_is_leave (ev->kind))
        leave (b, thread, state, (gint64) ev->time_ns);
    }

  count_block (thread, events, n);
  return TRUE;
}

/* ---- the parallel path: a worker folds a block on its own --------------- */

static guint32
local_new_node (LocalFold *f)
{
  if (f->n_nodes == f->nodes_cap)
    {
      f->nodes_cap = MAX (256, f->nodes_cap * 2);
      f->nodes = g_renew (LocalNode, f->nodes, f->nodes_cap);
    }
  return f->n_nodes++;
}

/* The stand-in for the activation that is innermost after `pop` returns of
 * activations opened before the block (the thread's root once they are
 * all closed). */
static guint32
local_standin (LocalFold *f, guint32 pop)
{
  LocalNode *node;
  guint32 id;

  if (pop >= f->standin_cap)
    grow_to_index ((gpointer *) &f->standin, &f->standin_cap, pop,
                   sizeof (guint32), 64, 0xff);   /* 0xff…: TC_CALL_NODE_NONE */
  if (f->standin[pop] != TC_CALL_NODE_NONE)
    return f->standin[pop];
  id = local_new_node (f);
  node = &f->nodes[id];
  memset (node, 0, sizeof *node);
  node->parent = TC_CALL_NODE_NONE;
  node->first_child = TC_CALL_NODE_NONE;
  node->next_sibling = TC_CALL_NODE_NONE;
  node->pop = pop;
  f->standin[pop] = id;
  f->standin_used = MAX (f->standin_used, pop + 1);
  return id;
}

/* tree_child() for a block's own tree: move-to-front sibling lists. */
static guint32
local_child (LocalFold *f, guint32 parent, guint32 code_id, guint32 index)
{
  guint32 prev = TC_CALL_NODE_NONE, id;
  LocalNode *node;

  for (guint32 c = f->nodes[parent].first_child; c != TC_CALL_NODE_NONE;)
    {
      LocalNode *child = &f->nodes[c];

      if (child->code_id == code_id)
        {
          if (prev != TC_CALL_NODE_NONE)
            {
              f->nodes[prev].next_sibling = child->next_sibling;
              child->next_sibling = f->nodes[parent].first_child;
              f->nodes[parent].first_child = c;
            }
          child->last_enter = index;
          return c;
        }
      prev = c;
      c = child->next_sibling;
    }
  id = local_new_node (f);
  node = &f->nodes[id];
  memset (node, 0, sizeof *node);
  node->code_id = code_id;
  node->parent = parent;
  node->first_child = TC_CALL_NODE_NONE;
  node->next_sibling = f->nodes[parent].first_child;
  node->last_enter = index;
  f->nodes[parent].first_child = id;
  return id;
}

/* Folds a decoded block without knowing the activations open at its start:
 * calls made with nothing of this block open hang below a stand-in, and a
 * return with nothing of this block open is recorded for the merge. */
static void
local_fold (LocalFold *f, const TcEvent *events, gsize n)
{
  for (guint32 p = 0; p < f->standin_used; p++)
    f->standin[p] = TC_CALL_NODE_NONE;
  f->standin_used = 0;
  f->n_nodes = 0;
  f->len = 0;
  f->n_closes = 0;
  f->n_pops = 0;
  f->tail_child = 0;
  f->max_rel = G_MININT64;
  f->bad_code = FALSE;
  if (f->closes_cap < n)
    {
      f->closes_cap = n;
      f->closes = g_renew (CloseRec, f->closes, n);
    }
  if (f->cap < n)
    {
      f->cap = n;
      f->stack = g_renew (TcOpenFrame, f->stack, n);
    }

  for (gsize i = 0; i < n; i++)
    {
      const TcEvent *ev = &events[i];
      gint64 t = (gint64) ev->time_ns;

      if (tc_event_is_enter (ev->kind))
        {
          TcOpenFrame *frame;
          guint32 parent;

          if (G_UNLIKELY (ev->code_id >= TC_MAX_CODE_ID))
            {
              f->bad_code = TRUE;
              return;
            }
          /* The stack depth before this call is (open before the block −
           * n_pops) + len: the merge checks it against the limit. */
          f->max_rel = MAX (f->max_rel, (gint64) f->len - f->n_pops);
          parent = f->len > 0 ? f->stack[f->len - 1].node : local_standin (f, f->n_pops);
          frame = &f->stack[f->len++];
          frame->code_id = ev->code_id;
          frame->node = local_child (f, parent, ev->code_id, (guint32) i);
          frame->start_ns = t;
          frame->child_ns = 0;
        }
      else if (tc_event_is_leave (ev->kind))
        {
          CloseRec *rec = &f->closes[f->n_closes++];

          if (f->len > 0)
            {
              const TcOpenFrame *frame = &f->stack[--f->len];
              LocalNode *node = &f->nodes[frame->node];
              gint64 dur = MAX (0, t - frame->start_ns);
              gint64 self = MAX (0, dur - frame->child_ns);

              node->calls++;
              node->total_ns += dur;
              node->self_ns += self;
              if (f->len > 0)
                f->stack[f->len - 1].child_ns += dur;
              else
                f->tail_child += dur;
              *rec = (CloseRec) { frame->code_id, 0, dur, self };
            }
          else
            {
              *rec = (CloseRec) { TC_CLOSE_INCOMING, f->n_pops, t, f->tail_child };
              f->tail_child = 0;
              f->n_pops++;
            }
        }
    }
}

/* Merges a worker's fold of a block into the thread's tree and the
 * per-function tables, in file order: the same nodes, durations and stack
 * as fold_block() on the same events. */
static gboolean
merge_block (TcCallBuilder *b, DecodeJob *job, GError **error)
{
  TcDocThread *thread = job->thread;
  ThreadState *state = get_state (b, thread);
  LocalFold *f = &job->fold;
  guint32 d = state->len;
  guint64 stamp_base = (guint64) b->n_merged++ << 32;

  if (job->n == 0)
    return TRUE;
  add_block (b, thread, state, job->frame.offset, job->events, job->n);
  if ((f->max_rel != G_MININT64 && (gint64) d + f->max_rel >= TC_MAX_STACK_DEPTH) || f->bad_code)
    {
      set_corrupt_block (error, job->frame.offset,
                         !(f->max_rel != G_MININT64 && (gint64) d + f->max_rel >= TC_MAX_STACK_DEPTH));
      return FALSE;
    }

  if (f->gmap_cap < f->n_nodes)
    {
      f->gmap_cap = f->n_nodes;
      f->gmap = g_renew (guint32, f->gmap, f->gmap_cap);
    }
  /* Nodes in the order the block created them: the new ones get the
   * indices the one-thread fold gives them. */
  for (guint32 i = 0; i < f->n_nodes; i++)
    {
      const LocalNode *ln = &f->nodes[i];
      TcCallNode *node;
      guint32 g;

      if (ln->parent == TC_CALL_NODE_NONE)
        {
          f->gmap[i] = d > ln->pop ? state->stack[d - ln->pop - 1].node : 0;
          continue;
        }
      if (G_UNLIKELY (ln->code_id >= b->n_accums))
        reserve_code (b, ln->code_id);
      g = tree_child (thread->call_tree, f->gmap[ln->parent], ln->code_id);
      f->gmap[i] = g;
      if (g >= state->stamps_cap)
        grow_to_index ((gpointer *) &state->stamps, &state->stamps_cap, g,
                       sizeof (guint64), 256, 0);
      state->stamps[g] = MAX (state->stamps[g], stamp_base | ln->last_enter);
      node = &g_array_index (thread->call_tree, TcCallNode, g);
      node->calls += ln->calls;
      node->total_ns += ln->total_ns;
      node->self_ns += ln->self_ns;
    }

  /* Durations in the order of the returns; the incoming activations' now
   * that their start is known. */
  for (gsize i = 0; i < f->n_closes; i++)
    {
      const CloseRec *rec = &f->closes[i];

      if (rec->code_id != TC_CLOSE_INCOMING)
        append_duration (&b->accums[rec->code_id], rec->a, rec->b);
      else
        leave_with (b, thread, state, rec->a, rec->b);
    }
  if (state->len > 0)
    state->stack[state->len - 1].child_ns += f->tail_child;

  if (state->cap < state->len + f->len)
    {
      state->cap = MAX (64, state->len + f->len);
      state->stack = g_renew (TcOpenFrame, state->stack, state->cap);
    }
  for (guint32 i = 0; i < f->len; i++)
    {
      TcOpenFrame frame = f->stack[i];

      frame.node = f->gmap[frame.node];
      state->stack[state->len++] = frame;
    }
  count_block (thread, job->events, job->n);
  return TRUE;
}

/* Folds the oldest job of the ring once its worker is done with it. */
static gboolean
fold_oldest (TcCallBuilder *b, GError **error)
{
  DecodeJob *job = &b->ring[b->head];

  g_mutex_lock (&b->lock);
  while (!job->done)
    g_cond_wait (&b->cond, &b->lock);
  g_mutex_unlock (&b->lock);

  b->head = (b->head + 1) % b->ring_size;
  b->pending--;
  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      b->failed = TRUE;
      return FALSE;
    }
  if (!merge_block (b, job, error))
    {
      b->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

gboolean
tc_call_builder_add (TcCallBuilder  *b,
                     TcDocThread    *thread,
                     const TcFrame  *frame,
                     GError        **error)
{
  DecodeJob *job;

  if (b->pool == NULL)
    {
      b->serial.frame = *frame;
      decode_job_run (&b->serial);
      if (b->serial.error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&b->serial.error));
          return FALSE;
        }
      return fold_block (b, thread, frame->offset, b->serial.events, b->serial.n, error);
    }

  if (b->pending == b->ring_size && !fold_oldest (b, error))
    return FALSE;
  job = &b->ring[(b->head + b->pending) % b->ring_size];
  job->frame = *frame;
  job->thread = thread;
  job->done = FALSE;
  b->pending++;
  g_thread_pool_push (b->pool, job, NULL);
  return TRUE;
}

gboolean
tc_call_builder_flush (TcCallBuilder  *b,
                       GError        **error)
{
  /* After a failed fold the queued blocks come later in the file: the
   * error already reported is the first one. */
  if (b->failed)
    return TRUE;
  while (b->pending > 0)
    if (!fold_oldest (b, error))
      return FALSE;
  return TRUE;
}

/* Scratch buffers for the radix sorts, shared by the stats workers: each
 * is allocated once at the size of the first (biggest) distribution it
 * sorts instead of once per function. */
typedef struct
{
  GMutex     lock;
  GPtrArray *free;     /* ScratchBuf* */
} ScratchPool;

typedef struct
{
  gpointer data;
  gsize    cap;      /* bytes */
} ScratchBuf;

static ScratchBuf *
scratch_take (ScratchPool *pool, gsize bytes)
{
  ScratchBuf *buf = NULL;

  g_mutex_lock (&pool->lock);
  if (pool->free->len > 0)
    buf = g_ptr_array_steal_index_fast (pool->free, pool->free->len - 1);
  g_mutex_unlock (&pool->lock);
  if (buf == NULL)
    buf = g_new0 (ScratchBuf, 1);
  if (buf->cap < bytes)
    {
      g_free (buf->data);
      buf->data = g_malloc (bytes);
      buf->cap = bytes;
    }
  return buf;
}

static void
scratch_give (ScratchPool *pool, ScratchBuf *buf)
{
  g_mutex_lock (&pool->lock);
  g_ptr_array_add (pool->free, buf);
  g_mutex_unlock (&pool->lock);
}

static void
scratch_buf_free (ScratchBuf *buf)
{
  g_free (buf->data);
  g_free (buf);
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
  tc_durations_unref (stats->durations);
  g_free (stats);
}

/* Everything of a function's statistics but its name (which needs the
 * document's tables): runs in any thread. */
static TcFunctionStats *
compute_stats (guint32 code_id, FnAccum *acc, ScratchPool *scratch)
{
  TcFunctionStats *s = g_new0 (TcFunctionStats, 1);
  TcDurations *d = tc_durations_builder_end (&acc->durations);
  ScratchBuf *buf;
  guint n = d->n, third = n >= 9 ? n / 3 : 0;
  double sum = 0, var = 0, early = 0, late = 0;

  /* The early/late thirds, each summed in call order (before the sort). */
  for (guint i = 0; i < third; i++)
    early += tc_durations_at (d, i);
  for (guint i = n - third; i < n; i++)
    late += tc_durations_at (d, i);
  if (third > 0)
    s->late_early_ratio = early > 0 ? late / early : 0;

  buf = scratch_take (scratch, tc_durations_get_bytes (d));
  tc_durations_sort (d, buf->data);
  scratch_give (scratch, buf);
  for (guint i = 0; i < n; i++)
    sum += tc_ns_to_ms (tc_durations_at (d, i));

  s->code_id = code_id;
  s->calls = n;
  s->total_ms = sum;
  s->self_ms = tc_ns_to_ms (acc->self_ns);
  s->avg_ms = sum / n;
  s->p50_ms = tc_ns_to_ms (tc_durations_at (d, n / 2));
  s->p95_ms = tc_ns_to_ms (tc_durations_at (d, MAX (0, (gint64) (n * 0.95) - 1)));
  s->p99_ms = tc_ns_to_ms (tc_durations_at (d, MAX (0, (gint64) (n * 0.99) - 1)));
  s->min_ms = tc_ns_to_ms (tc_durations_at (d, 0));
  s->max_ms = tc_ns_to_ms (tc_durations_at (d, n - 1));
  for (guint i = 0; i < n; i++)
    {
      double x = tc_ns_to_ms (tc_durations_at (d, i)) - s->avg_ms;

      var += x * x;
    }
  s->std_ms = n > 1 ? sqrt (var / n) : 0.0;
  s->max_depth = MAX (acc->max_depth, 1);
  s->durations = d;
  return s;
}

typedef struct
{
  guint32          code_id;
  FnAccum         *acc;
  TcFunctionStats *stats;
} StatsJob;

static void
stats_worker (gpointer data, gpointer user_data)
{
  StatsJob *job = data;

  job->stats = compute_stats (job->code_id, job->acc, user_data);
}

static int
compare_jobs_by_calls (const void *a, const void *b)
{
  const StatsJob *x = *(StatsJob * const *) a, *y = *(StatsJob * const *) b;

  guint nx = x->acc->durations.n, ny = y->acc->durations.n;

  return (nx < ny) - (nx > ny);
}

/* Computes every function's statistics, in parallel for big recordings
 * (the biggest distributions first, so that the workers finish together). */
static void
compute_all_stats (TcCallBuilder *b, StatsJob *jobs, guint n_jobs, guint64 total_calls)
{
  g_autofree StatsJob **order = NULL;
  ScratchPool scratch;
  GThreadPool *pool = NULL;
  /* One per worker: the workers were sized to the cores, and more sort
   * threads than cores only add sort buffers and page faults. */
  guint threads = b->n_workers;

  g_mutex_init (&scratch.lock);
  scratch.free = g_ptr_array_new_with_free_func ((GDestroyNotify) scratch_buf_free);
  if (threads > 1 && total_calls >= TC_PARALLEL_MIN_CALLS)
    pool = g_thread_pool_new (stats_worker, &scratch, threads, FALSE, NULL);
  if (pool == NULL)
    {
      for (guint i = 0; i < n_jobs; i++)
        stats_worker (&jobs[i], &scratch);
    }
  else
    {
      order = g_new (StatsJob *, n_jobs);
      for (guint i = 0; i < n_jobs; i++)
        order[i] = &jobs[i];
      qsort (order, n_jobs, sizeof *order, compare_jobs_by_calls);
      for (guint i = 0; i < n_jobs; i++)
        g_thread_pool_push (pool, order[i], NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }
  g_ptr_array_unref (scratch.free);
  g_mutex_clear (&scratch.lock);
}

static int
compare_stamps (gconstpointer a, gconstpointer b, gpointer data)
{
  const guint64 *stamps = data;
  guint64 x = stamps[*(const guint32 *) a], y = stamps[*(const guint32 *) b];

  return (x > y) - (x < y);
}

/* Orders every sibling list by the children's last entry, newest first:
 * what the one-thread fold's move-to-front leaves. */
static void
order_siblings (GArray *tree, const guint64 *stamps)
{
  TcCallNode *nodes = (TcCallNode *) (gpointer) tree->data;
  guint32 n = tree->len;
  g_autofree guint32 *order = NULL;

  if (n < 2)
    return;
  order = g_new (guint32, n - 1);
  for (guint32 i = 1; i < n; i++)
    order[i - 1] = i;
  g_qsort_with_data (order, n - 1, sizeof (guint32), compare_stamps, (gpointer) stamps);
  for (guint32 i = 0; i < n; i++)
    nodes[i].first_child = TC_CALL_NODE_NONE;
  for (guint32 i = 0; i < n - 1; i++)
    {
      TcCallNode *node = &nodes[order[i]];

      node->next_sibling = nodes[node->parent].first_child;
      nodes[node->parent].first_child = order[i];
    }
}

/* The deepest stack of a thread and each function's most activations open
 * at once are properties of the call tree: the stack at a call is the path
 * from the root to its node.  One walk of the tree counts them. */
static void
tree_depths (TcCallBuilder *b, TcDocThread *thread)
{
  const TcCallNode *nodes = (const TcCallNode *) (gpointer) thread->call_tree->data;
  g_autofree guint32 *open = g_new0 (guint32, MAX (b->n_accums, 1));
  guint32 n = nodes[0].first_child;

  while (n != TC_CALL_NODE_NONE)
    {
      guint32 code = nodes[n].code_id;

      thread->max_depth = MAX (thread->max_depth, nodes[n].depth);
      if (++open[code] > b->accums[code].max_depth)
        b->accums[code].max_depth = open[code];
      if (nodes[n].first_child != TC_CALL_NODE_NONE)
        {
          n = nodes[n].first_child;
          continue;
        }
      for (;;)
        {
          open[nodes[n].code_id]--;
          if (nodes[n].next_sibling != TC_CALL_NODE_NONE)
            {
              n = nodes[n].next_sibling;
              break;
            }
          n = nodes[n].parent;
          if (n == 0)
            {
              n = TC_CALL_NODE_NONE;
              break;
            }
        }
    }
}

void
tc_call_builder_finish (TcCallBuilder *b)
{
  TcDocument *doc = b->doc;
  GHashTableIter iter;
  gpointer key, value;
  gboolean any_tracked = FALSE;
  g_autofree StatsJob *jobs = NULL;
  guint n_jobs = 0;
  guint64 all_calls = 0;

  g_return_if_fail (b->pending == 0);

  /* Activations still open (truncated file, or a thread that never returned)
   * end at the thread's last event: their time so far is real time. */
  g_hash_table_iter_init (&iter, b->states);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TcDocThread *thread = key;
      ThreadState *state = value;

      while (state->len > 0)
        leave (b, thread, state, thread->last_ns);
      if (b->pool != NULL)
        order_siblings (thread->call_tree, state->stamps);
      tree_depths (b, thread);
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
  /* The table is as long as the largest code id (a hostile file can make
   * that 16 M): size the jobs by the functions actually called. */
  for (guint32 id = 0; id < b->n_accums; id++)
    n_jobs += b->accums[id].durations.n > 0;
  jobs = g_new0 (StatsJob, MAX (n_jobs, 1));
  n_jobs = 0;
  for (guint32 id = 0; id < b->n_accums; id++)
    {
      FnAccum *acc = &b->accums[id];
      const TcDocCode *code;

      if (acc->durations.n == 0)
        continue;
      code = tc_document_get_code (doc, id);
      if (code && (code->flags & TC_CODE_FLAG_TRACKED))
        any_tracked = TRUE;
      jobs[n_jobs].code_id = id;
      jobs[n_jobs].acc = acc;
      n_jobs++;
      all_calls += acc->durations.n;
    }
  compute_all_stats (b, jobs, n_jobs, all_calls);

  for (guint i = 0; i < n_jobs; i++)
    {
      TcFunctionStats *stats = jobs[i].stats;
      const TcDocCode *code = tc_document_get_code (doc, stats->code_id);

      stats->name = tc_document_code_name (doc, stats->code_id);
      g_hash_table_insert (doc->stats_by_code, GUINT_TO_POINTER (stats->code_id), stats);
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

gint64 *
tc_document_thread_stretches (const TcDocThread *thread,
                              guint              min_events,
                              gint64             begin_ns,
                              gint64             end_ns,
                              guint             *n_stretches)
{
  GArray *bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint64 events = 0;

  g_array_append_val (bounds, begin_ns);
  for (guint b = 0; b < thread->blocks->len; b++)
    {
      const TcDocEventBlock *block = &g_array_index (thread->blocks, TcDocEventBlock, b);

      if (events >= MAX (min_events, 1) && block->start_ns > g_array_index (bounds, gint64, bounds->len - 1)
          && block->start_ns < end_ns)
        {
          g_array_append_val (bounds, block->start_ns);
          events = 0;
        }
      events += block->n_events;
    }
  g_array_append_val (bounds, end_ns);
  *n_stretches = bounds->len - 1;
  return (gint64 *) (gpointer) g_array_free (bounds, FALSE);
}

gint64
tc_document_stretch_end (const gint64 *bounds,
                         guint         n_stretches,
                         guint         k)
{
  return k + 1 < n_stretches ? bounds[k + 1] - 1 : bounds[k + 1];
}

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
  gint64      start_ns, end_ns, min_ns;
  GArray     *spans;
  GArray     *stack;   /* TcOpenFrame (node unused) */
  /* tc_document_foreach_span(): each span goes to func, with the code
   * ids of the stack (kept beside it once events come). */
  TcSpanFunc  func;
  gpointer    data;
  guint32    *codes;   /* NULL: collecting into spans */
  guint       n_codes, codes_cap;
} SpanCollector;

static void
sync_codes (SpanCollector *c)
{
  if (c->codes_cap < c->stack->len + 1)
    {
      c->codes_cap = MAX (c->stack->len + 1, 2 * c->codes_cap);
      c->codes = g_renew (guint32, c->codes, c->codes_cap);
    }
  for (guint d = 0; d < c->stack->len; d++)
    c->codes[d] = g_array_index (c->stack, TcOpenFrame, d).code_id;
  c->n_codes = c->stack->len;
}

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
  if (c->func != NULL)
    c->func (&span, c->codes, c->data);
  else
    g_array_append_val (c->spans, span);
}

gboolean
tc_document_walk_blocks (TcDocument  *self,
                         guint32      thread_id,
                         gint64       start_ns,
                         gint64       end_ns,
                         TcEventFunc  func,
                         gpointer     data,
                         GArray      *stack_out,
                         GError     **error)
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

  /* The first event: the stack is the block's saved one. */
  if (c->func != NULL && c->n_codes != c->stack->len)
    sync_codes (c);
  if (tc_event_is_enter (ev->kind))
    {
      TcOpenFrame f = { ev->code_id, 0, (gint64) ev->time_ns, 0 };

      g_array_append_val (c->stack, f);
      if (c->func != NULL)
        {
          if (c->n_codes == c->codes_cap)
            sync_codes (c);
          else
            c->codes[c->n_codes++] = ev->code_id;
        }
    }
  else if (tc_event_is_leave (ev->kind) && c->stack->len > 0)
    {
      guint depth = c->stack->len - 1;
      TcOpenFrame f = g_array_index (c->stack, TcOpenFrame, depth);

      emit_span (c, &f, depth, (gint64) ev->time_ns, 0);
      g_array_set_size (c->stack, depth);
      c->n_codes = depth;
    }
  return TRUE;
}

gboolean
tc_document_foreach_span (TcDocument  *self,
                          guint32      thread_id,
                          gint64       start_ns,
                          gint64       end_ns,
                          TcSpanFunc   func,
                          gpointer     user_data,
                          GError     **error)
{
  SpanCollector c = { start_ns, end_ns, 0, NULL, NULL, func, user_data, NULL, 0, 0 };
  const TcDocThread *thread;
  gboolean ok;

  g_return_val_if_fail (TC_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  c.stack = g_array_new (FALSE, FALSE, sizeof (TcOpenFrame));
  ok = tc_document_walk_blocks (self, thread_id, start_ns, end_ns, span_event, &c, c.stack, error);
  if (ok)
    {
      /* Those still running, callees before their callers. */
      thread = tc_document_get_thread (self, thread_id);
      sync_codes (&c);
      for (guint d = c.stack->len; d-- > 0;)
        emit_span (&c, &g_array_index (c.stack, TcOpenFrame, d), d,
                   thread ? MIN (end_ns, MAX (thread->last_ns, start_ns)) : end_ns, TC_SPAN_OPEN_END);
    }
  g_array_unref (c.stack);
  g_free (c.codes);
  return ok;
}

gboolean
tc_document_collect_spans_decoded (TcDocument *self,
                                   guint32     thread_id,
                                   gint64      start_ns,
                                   gint64      end_ns,
                                   gint64      min_duration_ns,
                                   GArray     *spans,
                                   GError    **error)
{
  SpanCollector c = { start_ns, end_ns, min_duration_ns, spans, NULL, NULL, NULL, NULL, 0, 0 };
  const TcDocThread *thread;
  gint64 stop;

  g_return_val_if_fail (TC_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (spans != NULL, FALSE);

  c.stack = g_array_new (FALSE, FALSE, sizeof (TcOpenFrame));
  if (!tc_document_walk_blocks (self, thread_id, start_ns, end_ns, span_event, &c, c.stack, error))
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
  return tc_document_walk_blocks (self, thread_id, start_ns, end_ns, foreach_event, &f, NULL, error);
}

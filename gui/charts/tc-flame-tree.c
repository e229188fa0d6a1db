/* tc-flame-tree.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "tc-launcher.h"
#include "tc-parallel.h"

#include "tc-flame-tree.h"

/* A selection's calls are folded from the events in slices of about this
 * many, split between the cores (holding every call of the range took a
 * gigabyte for half of a 100 M-event recording, sorting them most of the
 * time).  A call's time is clipped to each slice it overlaps, and it
 * counts once, in the slice where it starts. */
#define RANGE_SLICE_EVENTS (1u << 20)
#define MAX_RANGE_SLICES   4096

struct _TcFlameTree
{
  GArray      *nodes;      /* TcFlameNode; 0 is the root */
  GHashTable  *children;   /* (parent << 32 | code_id) → index + 1, while building */
  TcFlameUnit  unit;
  guint        max_depth;
};

/* g_int64_hash folds the halves together (parent ^ code), which collides
 * all the time for these keys; a multiplicative mix spreads them. */
static guint
key_hash (gconstpointer key)
{
  guint64 k = *(const guint64 *) key;

  return (guint) ((k * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32);
}

static gboolean
key_equal (gconstpointer a,
           gconstpointer b)
{
  return *(const gint64 *) a == *(const gint64 *) b;
}

static void
tc_flame_tree_free (gpointer data)
{
  TcFlameTree *tree = data;

  g_clear_pointer (&tree->nodes, g_array_unref);
  g_clear_pointer (&tree->children, g_hash_table_unref);
}

TcFlameTree *
tc_flame_tree_new (TcFlameUnit unit)
{
  TcFlameTree *tree = g_atomic_rc_box_new0 (TcFlameTree);
  TcFlameNode root = { 0, TC_FLAME_NONE, TC_FLAME_NONE, TC_FLAME_NONE, 0, 0, 0, 0, 0 };

  tree->unit = unit;
  tree->nodes = g_array_new (FALSE, FALSE, sizeof (TcFlameNode));
  tree->children = g_hash_table_new_full (key_hash, key_equal, g_free, NULL);
  g_array_append_val (tree->nodes, root);

  return tree;
}

TcFlameTree *
tc_flame_tree_ref (TcFlameTree *tree)
{
  return g_atomic_rc_box_acquire (tree);
}

void
tc_flame_tree_unref (TcFlameTree *tree)
{
  g_atomic_rc_box_release_full (tree, tc_flame_tree_free);
}

/* The child of `parent` for `code_id`, created when missing. */
static guint32
child_of (TcFlameTree *tree,
          guint32      parent,
          guint32      code_id)
{
  gint64 key = ((gint64) parent << 32) | code_id;
  gpointer found = g_hash_table_lookup (tree->children, &key);
  TcFlameNode node = { 0 };
  TcFlameNode *p;
  guint32 index;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;

  index = tree->nodes->len;
  p = &g_array_index (tree->nodes, TcFlameNode, parent);
  node.code_id = code_id;
  node.parent = parent;
  node.first_child = TC_FLAME_NONE;
  node.next_sibling = p->first_child;
  node.depth = p->depth + 1;
  p->first_child = index;
  tree->max_depth = MAX (tree->max_depth, node.depth);
  g_array_append_val (tree->nodes, node);
  g_hash_table_insert (tree->children, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (index + 1));

  return index;
}

void
tc_flame_tree_add_path (TcFlameTree   *tree,
                        const guint32 *code_ids,
                        guint          n,
                        gint64         weight,
                        guint64        calls)
{
  guint32 at = 0;

  g_return_if_fail (tree->children != NULL);

  for (guint i = 0; i < n; i++)
    {
      TcFlameNode *node;

      at = child_of (tree, at, code_ids[i]);
      node = &g_array_index (tree->nodes, TcFlameNode, at);
      node->total += weight;
      if (i + 1 == n)
        {
          node->self += weight;
          node->calls += calls;
        }
    }
}

static int
compare_heavier (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const TcFlameNode *nodes = user_data;
  const TcFlameNode *na = &nodes[*(const guint32 *) a];
  const TcFlameNode *nb = &nodes[*(const guint32 *) b];

  if (na->total != nb->total)
    return na->total > nb->total ? -1 : 1;
  return (na->code_id > nb->code_id) - (na->code_id < nb->code_id);
}

void
tc_flame_tree_finish (TcFlameTree *tree)
{
  TcFlameNode *nodes = (TcFlameNode *) (gpointer) tree->nodes->data;
  g_autoptr(GArray) kids = g_array_new (FALSE, FALSE, sizeof (guint32));

  g_return_if_fail (tree->children != NULL);
  g_clear_pointer (&tree->children, g_hash_table_unref);

  for (guint i = 0; i < tree->nodes->len; i++)
    {
      g_array_set_size (kids, 0);
      for (guint32 c = nodes[i].first_child; c != TC_FLAME_NONE; c = nodes[c].next_sibling)
        g_array_append_val (kids, c);
      if (kids->len == 0)
        continue;
      g_array_sort_with_data (kids, compare_heavier, nodes);
      nodes[i].first_child = g_array_index (kids, guint32, 0);
      for (guint k = 0; k < kids->len; k++)
        nodes[g_array_index (kids, guint32, k)].next_sibling =
          k + 1 < kids->len ? g_array_index (kids, guint32, k + 1) : TC_FLAME_NONE;
    }

  nodes[0].total = 0;
  for (guint32 c = nodes[0].first_child; c != TC_FLAME_NONE; c = nodes[c].next_sibling)
    nodes[0].total += nodes[c].total;
}

/* Copies one recorded call tree into the merged tree. */
static void
merge_call_tree (TcFlameTree *tree,
                 TcDocument  *doc,
                 GArray      *call_tree)
{
  g_autofree guint32 *map = g_new (guint32, MAX (call_tree->len, 1));
  g_autofree guint32 *lift = tc_launcher_call_tree_lift (doc, call_tree);

  /* `timecapsule run`'s launching frames are left out at the root: the
   * script's <module> is a root. */
  map[0] = 0;
  for (guint i = 1; i < call_tree->len; i++)
    {
      const TcCallNode *cn = &g_array_index (call_tree, TcCallNode, i);
      TcFlameNode *node;

      if (lift[i] == cn->depth)
        {
          map[i] = map[cn->parent];
          continue;
        }
      map[i] = child_of (tree, map[cn->parent], cn->code_id);
      node = &g_array_index (tree->nodes, TcFlameNode, map[i]);
      node->calls += cn->calls;
      node->total += cn->total_ns;
      node->self += cn->self_ns;
    }
}

TcFlameTree *
tc_flame_tree_new_from_threads (TcDocument *doc,
                                guint       thread_id)
{
  TcFlameTree *tree = tc_flame_tree_new (TC_FLAME_UNIT_NS);
  GPtrArray *threads = tc_document_get_threads (doc);

  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);

      if ((thread_id == 0 || thread->id == thread_id) && thread->call_tree != NULL &&
          thread->call_tree->len > 0)
        merge_call_tree (tree, doc, thread->call_tree);
    }

  tc_flame_tree_finish (tree);
  return tree;
}

TcFlameTree *
tc_flame_tree_new_from_samples (TcDocument *doc,
                                guint       thread_id)
{
  TcFlameTree *tree = tc_flame_tree_new (TC_FLAME_UNIT_SAMPLES);
  GArray *samples = tc_document_get_samples (doc);
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      const TcDocSample *sample = &g_array_index (samples, TcDocSample, i);

      if (thread_id != 0 && sample->thread_id != thread_id)
        continue;
      /* Stacks are innermost first; paths outermost first. */
      g_array_set_size (path, sample->n_stack);
      for (guint k = 0; k < sample->n_stack; k++)
        g_array_index (path, guint32, k) = sample->stack[sample->n_stack - 1 - k].code_id;
      tc_flame_tree_add_path (tree, (guint32 *) (gpointer) path->data, path->len, 1, 1);
    }

  tc_flame_tree_finish (tree);
  return tree;
}

/* Folds one slice's calls into a tree as they return: each with its time
 * clipped to [from, to], less its callees' (summed per depth until their
 * caller returns), on its call path without the launching frames at the
 * root.  A call counts only when it starts in [count_from, count_until),
 * so that a range cut in slices counts each call once. */
typedef struct
{
  TcFlameTree      *tree;
  const GByteArray *launcher;     /* tc_launcher_codes() */
  gint64            from, to;
  gint64            count_from, count_until;
  GArray           *callee_ns;    /* gint64 by depth: the returned callees of the call open above */
} SliceFold;

static void
fold_span (const TcSpan  *s,
           const guint32 *codes,
           gpointer       data)
{
  SliceFold *fold = data;
  gint64 dur = MAX (MIN (s->end_ns, fold->to) - MAX (s->start_ns, fold->from), 0);
  guint lift;
  gint64 callees;

  if (fold->callee_ns->len < s->depth + 2)
    g_array_set_size (fold->callee_ns, s->depth + 2);
  callees = g_array_index (fold->callee_ns, gint64, s->depth + 1);
  g_array_index (fold->callee_ns, gint64, s->depth + 1) = 0;
  if (s->depth > 0)
    g_array_index (fold->callee_ns, gint64, s->depth) += dur;

  /* `timecapsule run`'s frames at the root are left out. */
  lift = tc_launcher_stack_lift (fold->launcher, codes, s->depth);
  if (lift > s->depth)
    return;
  tc_flame_tree_add_path (fold->tree, codes + lift, s->depth - lift + 1, MAX (dur - callees, 0),
                          s->start_ns >= fold->count_from && s->start_ns < fold->count_until);
}

TcFlameTree *
tc_flame_tree_new_from_range (TcDocument  *doc,
                              guint        thread_id,
                              gint64       begin_ns,
                              gint64       end_ns,
                              GError     **error)
{
  return tc_flame_tree_new_from_range_in_slices (doc, thread_id, begin_ns, end_ns, RANGE_SLICE_EVENTS, error);
}

/* Slices of about `slice_events` of the thread's events, assuming them
 * spread evenly over its time. */
static guint
count_slices (const TcDocThread *thread,
              gint64             begin_ns,
              gint64             end_ns,
              guint              slice_events)
{
  double covered, events;

  if (thread->last_ns <= thread->first_ns || end_ns <= begin_ns)
    return 1;
  covered = (double) MIN (end_ns, thread->last_ns) - (double) MAX (begin_ns, thread->first_ns);
  events = thread->n_events * MAX (covered, 0.0) / ((double) thread->last_ns - (double) thread->first_ns);
  return (guint) CLAMP (events / MAX (slice_events, 1) + 1.0, 1.0, (double) MAX_RANGE_SLICES);
}

/* One decoding thread's share of a range's slices, into a tree of its
 * own: every `step`-th slice from `first`. */
typedef struct
{
  TcDocument       *doc;
  guint32           thread_id;
  const gint64     *bounds;      /* slice k: [bounds[k], bounds[k + 1]] */
  guint             n_slices, first, step;
  const GByteArray *launcher;    /* tc_launcher_codes() */
  TcFlameTree      *tree;
  GError           *error;
  guint             error_slice;
} RangeShare;

static gpointer
range_share_run (gpointer data)
{
  RangeShare *share = data;
  g_autoptr(GArray) callee_ns = g_array_new (FALSE, TRUE, sizeof (gint64));

  for (guint k = share->first; k < share->n_slices && share->error == NULL; k += share->step)
    {
      SliceFold fold = { share->tree, share->launcher, share->bounds[k], share->bounds[k + 1],
                         k == 0 ? G_MININT64 : share->bounds[k],
                         k + 1 == share->n_slices ? G_MAXINT64 : share->bounds[k + 1], callee_ns };

      g_array_set_size (callee_ns, 0);
      if (!tc_document_foreach_span (share->doc, share->thread_id, fold.from, fold.to, fold_span, &fold,
                                     &share->error))
        share->error_slice = k;
    }
  return NULL;
}

/* Adds `from`'s weights and calls to `into`, node for node. */
static void
merge_tree (TcFlameTree       *into,
            const TcFlameTree *from)
{
  const TcFlameNode *nodes = (const TcFlameNode *) (gpointer) from->nodes->data;
  g_autofree guint32 *map = g_new (guint32, from->nodes->len);

  /* A node's parent comes before it. */
  map[0] = 0;
  for (guint i = 1; i < from->nodes->len; i++)
    {
      TcFlameNode *node;

      map[i] = child_of (into, map[nodes[i].parent], nodes[i].code_id);
      node = &g_array_index (into->nodes, TcFlameNode, map[i]);
      node->total += nodes[i].total;
      node->self += nodes[i].self;
      node->calls += nodes[i].calls;
    }
}

/* The slices' bounds over [begin_ns, end_ns], inner ones only where the
 * thread has events; returns how many slices. */
static guint
slice_bounds (const TcDocThread *thread,
              gint64             begin_ns,
              gint64             end_ns,
              guint              slice_events,
              GArray            *bounds)
{
  guint n_slices = count_slices (thread, begin_ns, end_ns, slice_events);
  gint64 lo = MAX (begin_ns, thread->first_ns), hi = MIN (end_ns, thread->last_ns);

  g_array_set_size (bounds, 0);
  g_array_append_val (bounds, begin_ns);
  for (guint k = 1; k < n_slices; k++)
    {
      gint64 at = lo + (gint64) ((double) (hi - lo) * k / n_slices);

      if (at > g_array_index (bounds, gint64, bounds->len - 1) && at < end_ns)
        g_array_append_val (bounds, at);
    }
  g_array_append_val (bounds, end_ns);
  return bounds->len - 1;
}

TcFlameTree *
tc_flame_tree_new_from_range_in_slices (TcDocument  *doc,
                                        guint        thread_id,
                                        gint64       begin_ns,
                                        gint64       end_ns,
                                        guint        slice_events,
                                        GError     **error)
{
  TcFlameTree *tree = tc_flame_tree_new (TC_FLAME_UNIT_NS);
  GPtrArray *threads = tc_document_get_threads (doc);
  guint n_shares = CLAMP (g_get_num_processors (), 1, 16);
  g_autofree RangeShare *shares = g_new0 (RangeShare, n_shares);
  g_autoptr(GArray) bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GByteArray) launcher = tc_launcher_codes (doc);
  GError *failed = NULL;

  for (guint w = 0; w < n_shares; w++)
    shares[w].tree = tc_flame_tree_new (TC_FLAME_UNIT_NS);
  for (guint i = 0; i < threads->len && failed == NULL; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);
      guint n_slices, failed_slice = G_MAXUINT;

      if (thread_id != 0 && thread->id != thread_id)
        continue;
      /* Every core decodes its share of the slices. */
      n_slices = slice_bounds (thread, begin_ns, end_ns, slice_events, bounds);
      for (guint w = 0; w < n_shares; w++)
        {
          RangeShare *share = &shares[w];

          share->doc = doc;
          share->thread_id = thread->id;
          share->bounds = (const gint64 *) (gpointer) bounds->data;
          share->n_slices = n_slices;
          share->first = w;
          share->step = n_shares;
          share->launcher = launcher;
        }
      tc_parallel_run (range_share_run, shares, sizeof (RangeShare), MIN (n_shares, n_slices), "tc-range-tree");
      for (guint w = 0; w < n_shares; w++)
        {
          /* The first slice that failed names the error. */
          if (shares[w].error != NULL && shares[w].error_slice < failed_slice)
            {
              g_clear_error (&failed);
              failed = g_steal_pointer (&shares[w].error);
              failed_slice = shares[w].error_slice;
            }
          g_clear_error (&shares[w].error);
        }
    }
  for (guint w = 0; w < n_shares; w++)
    {
      merge_tree (tree, shares[w].tree);
      tc_flame_tree_unref (shares[w].tree);
    }
  if (failed != NULL)
    {
      g_propagate_error (error, failed);
      tc_flame_tree_unref (tree);
      return NULL;
    }
  tc_flame_tree_finish (tree);
  return tree;
}

TcFlameTree *
tc_flame_tree_new_reversed (const TcFlameTree *tree)
{
  TcFlameTree *rev = tc_flame_tree_new (tree->unit);
  const TcFlameNode *nodes = (const TcFlameNode *) (gpointer) tree->nodes->data;
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* Every node's self weight becomes a path from the function where it was
   * spent out to its outermost caller, so the roots of the reversed tree are
   * the hot functions and their children the callers. */
  for (guint i = 1; i < tree->nodes->len; i++)
    {
      if (nodes[i].self <= 0)
        continue;
      g_array_set_size (path, 0);
      for (guint32 at = i; at != 0 && at != TC_FLAME_NONE; at = nodes[at].parent)
        g_array_append_val (path, nodes[at].code_id);
      tc_flame_tree_add_path (rev, (guint32 *) (gpointer) path->data, path->len, nodes[i].self, 0);
      /* The calls of the hot function itself, on its root node. */
      {
        guint32 root_child = child_of (rev, 0, nodes[i].code_id);
        g_array_index (rev->nodes, TcFlameNode, root_child).calls += nodes[i].calls;
      }
    }

  tc_flame_tree_finish (rev);
  return rev;
}

guint
tc_flame_tree_get_n_nodes (const TcFlameTree *tree)
{
  return tree->nodes->len;
}

const TcFlameNode *
tc_flame_tree_get_node (const TcFlameTree *tree,
                        guint32            index)
{
  g_return_val_if_fail (index < tree->nodes->len, NULL);

  return &g_array_index (tree->nodes, TcFlameNode, index);
}

guint
tc_flame_tree_get_max_depth (const TcFlameTree *tree)
{
  return tree->max_depth;
}

TcFlameUnit
tc_flame_tree_get_unit (const TcFlameTree *tree)
{
  return tree->unit;
}

gint64
tc_flame_tree_get_total (const TcFlameTree *tree)
{
  return g_array_index (tree->nodes, TcFlameNode, 0).total;
}

guint32
tc_flame_tree_find_path (const TcFlameTree *tree,
                         const guint32     *code_ids,
                         guint              n)
{
  const TcFlameNode *nodes = (const TcFlameNode *) (gpointer) tree->nodes->data;
  guint32 at = 0;

  for (guint i = 0; i < n; i++)
    {
      guint32 c;

      for (c = nodes[at].first_child; c != TC_FLAME_NONE; c = nodes[c].next_sibling)
        if (nodes[c].code_id == code_ids[i])
          break;
      if (c == TC_FLAME_NONE)
        return TC_FLAME_NONE;
      at = c;
    }

  return at;
}

/* ---- layout ---------------------------------------------------------- */

static void
layout_children (const TcFlameNode *nodes,
                 guint32            parent,
                 double             x,
                 double             scale,
                 double             min_width,
                 GArray            *boxes)
{
  for (guint32 c = nodes[parent].first_child; c != TC_FLAME_NONE; c = nodes[c].next_sibling)
    {
      TcFlameBox box = { c, nodes[c].depth, x, (double) nodes[c].total * scale };

      /* Siblings are heaviest first: once one is too narrow, so are the rest. */
      if (box.width < min_width)
        break;
      g_array_append_val (boxes, box);
      layout_children (nodes, c, x, scale, min_width, boxes);
      x += box.width;
    }
}

static int
compare_box (gconstpointer a,
             gconstpointer b)
{
  const TcFlameBox *ba = a;
  const TcFlameBox *bb = b;

  if (ba->depth != bb->depth)
    return ba->depth < bb->depth ? -1 : 1;
  return (ba->x > bb->x) - (ba->x < bb->x);
}

GArray *
tc_flame_layout (const TcFlameTree *tree,
                 guint32            focus,
                 double             min_width)
{
  const TcFlameNode *nodes = (const TcFlameNode *) (gpointer) tree->nodes->data;
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (TcFlameBox));

  g_return_val_if_fail (focus < tree->nodes->len, boxes);

  for (guint32 at = focus; at != TC_FLAME_NONE; at = nodes[at].parent)
    {
      TcFlameBox box = { at, nodes[at].depth, 0.0, 1.0 };
      g_array_append_val (boxes, box);
    }

  if (nodes[focus].total > 0)
    layout_children (nodes, focus, 0.0, 1.0 / (double) nodes[focus].total, min_width, boxes);

  g_array_sort (boxes, compare_box);
  return boxes;
}

gint
tc_flame_layout_find (GArray *boxes,
                      guint   depth,
                      double  x)
{
  const TcFlameBox *b = (const TcFlameBox *) (gpointer) boxes->data;
  guint lo = 0;
  guint hi = boxes->len;

  /* The last box at or before (depth, x). */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (b[mid].depth < depth || (b[mid].depth == depth && b[mid].x <= x))
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo == 0)
    return -1;
  lo--;
  if (b[lo].depth != depth || x >= b[lo].x + b[lo].width)
    return -1;
  return (gint) lo;
}

guint
tc_flame_layout_row_start (GArray *boxes,
                           guint   depth,
                           double  x)
{
  const TcFlameBox *b = (const TcFlameBox *) (gpointer) boxes->data;
  guint lo = 0;
  guint hi = boxes->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (b[mid].depth < depth || (b[mid].depth == depth && b[mid].x + b[mid].width <= x))
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* ---- search ---------------------------------------------------------- */

double
tc_flame_tree_search (const TcFlameTree *tree,
                      TcDocument        *doc,
                      const char        *query,
                      GByteArray        *matches)
{
  const TcFlameNode *nodes = (const TcFlameNode *) (gpointer) tree->nodes->data;
  g_autoptr(GHashTable) verdicts = g_hash_table_new (NULL, NULL);
  g_autofree char *needle = NULL;
  g_autofree guint8 *inside = NULL;
  gint64 matched = 0;

  g_byte_array_set_size (matches, tree->nodes->len);
  memset (matches->data, 0, matches->len);

  if (query == NULL || *query == '\0' || nodes[0].total <= 0)
    return 0.0;

  needle = g_utf8_casefold (query, -1);
  inside = g_new0 (guint8, tree->nodes->len);

  /* Parents come before their children in index order. */
  for (guint i = 1; i < tree->nodes->len; i++)
    {
      gpointer v = g_hash_table_lookup (verdicts, GUINT_TO_POINTER (nodes[i].code_id + 1));
      guint32 parent = nodes[i].parent;

      if (v == NULL)
        {
          const char *name = doc != NULL ? tc_document_code_name (doc, nodes[i].code_id) : "";
          g_autofree char *folded = g_utf8_casefold (name, -1);

          v = GUINT_TO_POINTER (strstr (folded, needle) != NULL ? 2 : 1);
          g_hash_table_insert (verdicts, GUINT_TO_POINTER (nodes[i].code_id + 1), v);
        }

      matches->data[i] = GPOINTER_TO_UINT (v) == 2;
      inside[i] = matches->data[i] || (parent != TC_FLAME_NONE && inside[parent]);
      if (matches->data[i] && !(parent != TC_FLAME_NONE && inside[parent]))
        matched += nodes[i].total;
    }

  return (double) matched / (double) nodes[0].total;
}

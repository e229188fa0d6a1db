/* tc-flame-tree.h — aggregated call trees for flame graphs, and their layout
 *
 * SPDX-License-Identifier: MIT
 *
 * A TcFlameTree is an immutable, reference-counted tree of call paths with a
 * weight (inclusive nanoseconds, or samples) per path, built from the
 * recording's per-thread call trees, from stack samples, or reversed
 * ("who calls the hot function").  Its layout is a flat array of boxes with
 * x and width normalized to the focused node (0..1, width-independent), sorted
 * by (depth, x) so that drawing a row and hit-testing are binary searches.
 * Everything here is plain data: it runs in worker threads and in tests.
 */
#pragma once

#include "tc-document.h"

G_BEGIN_DECLS

#define TC_FLAME_NONE G_MAXUINT32

typedef struct
{
  guint32 code_id;       /* 0 for the root */
  guint32 parent;        /* indices into the tree; TC_FLAME_NONE = none */
  guint32 first_child;   /* children are ordered heaviest first */
  guint32 next_sibling;
  guint32 depth;         /* root = 0 */
  guint32 reserved;
  guint64 calls;
  gint64  total;         /* inclusive weight */
  gint64  self;
} TcFlameNode;

typedef struct
{
  guint32 node;
  guint32 depth;         /* row: 0 = the root */
  double  x;             /* 0..1 of the focused node's width */
  double  width;
} TcFlameBox;

typedef enum
{
  TC_FLAME_UNIT_NS,
  TC_FLAME_UNIT_SAMPLES,
} TcFlameUnit;

typedef struct _TcFlameTree TcFlameTree;

TcFlameTree       *tc_flame_tree_new              (TcFlameUnit        unit);
TcFlameTree       *tc_flame_tree_new_from_threads (TcDocument        *doc,
                                                   guint              thread_id);
TcFlameTree       *tc_flame_tree_new_from_samples (TcDocument        *doc,
                                                   guint              thread_id);
/* The calls made during [begin_ns, end_ns] only (time clipped to it), from
 * the recorded events of that range: the flame graph of a selection. */
TcFlameTree       *tc_flame_tree_new_from_range   (TcDocument        *doc,
                                                   guint              thread_id,
                                                   gint64             begin_ns,
                                                   gint64             end_ns,
                                                   GError           **error);
/* The same tree, decoded in slices of about `slice_events` events of each
 * thread (tc_flame_tree_new_from_range() picks a million): any slicing
 * gives the same tree. */
TcFlameTree       *tc_flame_tree_new_from_range_in_slices (TcDocument  *doc,
                                                           guint        thread_id,
                                                           gint64       begin_ns,
                                                           gint64       end_ns,
                                                           guint        slice_events,
                                                           GError     **error);
TcFlameTree       *tc_flame_tree_new_reversed     (const TcFlameTree *tree);
/* Adds a call path (outermost first) with its weight; the self weight goes to
 * the last frame.  Only before tc_flame_tree_finish(). */
void               tc_flame_tree_add_path         (TcFlameTree       *tree,
                                                   const guint32     *code_ids,
                                                   guint              n,
                                                   gint64             weight,
                                                   guint64            calls);
/* Orders siblings heaviest first and fixes the root's total. */
void               tc_flame_tree_finish           (TcFlameTree       *tree);
TcFlameTree       *tc_flame_tree_ref              (TcFlameTree       *tree);
void               tc_flame_tree_unref            (TcFlameTree       *tree);
guint              tc_flame_tree_get_n_nodes      (const TcFlameTree *tree);
const TcFlameNode *tc_flame_tree_get_node         (const TcFlameTree *tree,
                                                   guint32            index);
guint              tc_flame_tree_get_max_depth    (const TcFlameTree *tree);
TcFlameUnit        tc_flame_tree_get_unit         (const TcFlameTree *tree);
gint64             tc_flame_tree_get_total        (const TcFlameTree *tree);
/* The node at `path` (code ids from the root's child down), or TC_FLAME_NONE. */
guint32            tc_flame_tree_find_path        (const TcFlameTree *tree,
                                                   const guint32     *code_ids,
                                                   guint              n);

/* Boxes of the subtree of `focus` (full width) plus its ancestors as full
 * width bars; boxes narrower than `min_width` (a fraction of the focus) are
 * left out with their subtrees.  GArray of TcFlameBox sorted by (depth, x). */
GArray            *tc_flame_layout                (const TcFlameTree *tree,
                                                   guint32            focus,
                                                   double             min_width);
/* Index in `boxes` of the box of row `depth` that contains `x`, or -1. */
gint               tc_flame_layout_find           (GArray            *boxes,
                                                   guint              depth,
                                                   double             x);
/* First index of row `depth` whose box ends after `x` (for drawing a visible
 * window of a row); boxes->len when none. */
guint              tc_flame_layout_row_start      (GArray            *boxes,
                                                   guint              depth,
                                                   double             x);

/* Marks (1) every node whose function name contains `query` (case-folded)
 * and returns their share of the root's weight, counting nested matches once.
 * `matches` is resized to the tree's size. */
double             tc_flame_tree_search           (const TcFlameTree *tree,
                                                   TcDocument        *doc,
                                                   const char        *query,
                                                   GByteArray        *matches);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcFlameTree, tc_flame_tree_unref)

G_END_DECLS

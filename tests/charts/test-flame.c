/* test-flame.c — flame graph model, layout, hit testing, zoom and search
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "tc-flame-graph.h"
#include "tc-flame-tree.h"
#include "tc-flame-view.h"

#include "tc-chart-fixture.h"
#include "tc-test-window.h"

#define EPS 1e-9

/* root 100 ─┬─ 1 (80) ─┬─ 2 (40) ─┬─ 3 (30)
 *           │          │          └─ 4 (10)
 *           │          └─ 5 (40)
 *           └─ 6 (20)                                             */
static TcFlameTree *
known_tree (void)
{
  TcFlameTree *tree = tc_flame_tree_new (TC_FLAME_UNIT_NS);
  const guint32 p1[] = { 1, 2, 3 }, p2[] = { 1, 2, 4 }, p3[] = { 1, 5 }, p4[] = { 6 };

  tc_flame_tree_add_path (tree, p1, 3, 30, 3);
  tc_flame_tree_add_path (tree, p2, 3, 10, 1);
  tc_flame_tree_add_path (tree, p3, 2, 40, 4);
  tc_flame_tree_add_path (tree, p4, 1, 20, 2);
  tc_flame_tree_finish (tree);
  return tree;
}

static const TcFlameBox *
box_for (const TcFlameTree *tree,
         GArray            *boxes,
         guint32            code_id)
{
  for (guint i = 0; i < boxes->len; i++)
    {
      const TcFlameBox *box = &g_array_index (boxes, TcFlameBox, i);

      if (tc_flame_tree_get_node (tree, box->node)->code_id == code_id)
        return box;
    }
  return NULL;
}

static guint32
code_of (const TcFlameTree *tree,
         GArray            *boxes,
         gint               index)
{
  g_assert_cmpint (index, >=, 0);
  return tc_flame_tree_get_node (tree, g_array_index (boxes, TcFlameBox, index).node)->code_id;
}

static void
test_layout (void)
{
  g_autoptr(TcFlameTree) tree = known_tree ();
  g_autoptr(GArray) boxes = tc_flame_layout (tree, 0, 0.0);
  static const struct { guint32 code; guint depth; double x, w; } expected[] = {
    { 0, 0, 0.0, 1.0 }, { 1, 1, 0.0, 0.8 }, { 6, 1, 0.8, 0.2 },
    /* siblings of equal weight: lower code id first */
    { 2, 2, 0.0, 0.4 }, { 5, 2, 0.4, 0.4 }, { 3, 3, 0.0, 0.3 }, { 4, 3, 0.3, 0.1 },
  };

  g_assert_cmpint (tc_flame_tree_get_total (tree), ==, 100);
  g_assert_cmpuint (tc_flame_tree_get_max_depth (tree), ==, 3);
  g_assert_cmpuint (boxes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const TcFlameBox *box = &g_array_index (boxes, TcFlameBox, i);
      const TcFlameNode *node = tc_flame_tree_get_node (tree, box->node);

      g_assert_cmpuint (node->code_id, ==, expected[i].code);
      g_assert_cmpuint (box->depth, ==, expected[i].depth);
      g_assert_cmpfloat_with_epsilon (box->x, expected[i].x, EPS);
      g_assert_cmpfloat_with_epsilon (box->width, expected[i].w, EPS);
    }

  /* Self weight stays with the last frame of each path. */
  g_assert_cmpint (tc_flame_tree_get_node (tree, box_for (tree, boxes, 2)->node)->self, ==, 0);
  g_assert_cmpint (tc_flame_tree_get_node (tree, box_for (tree, boxes, 3)->node)->self, ==, 30);
  g_assert_cmpuint (tc_flame_tree_get_node (tree, box_for (tree, boxes, 5)->node)->calls, ==, 4);
}

static void
test_hit (void)
{
  g_autoptr(TcFlameTree) tree = known_tree ();
  g_autoptr(GArray) boxes = tc_flame_layout (tree, 0, 0.0);

  g_assert_cmpuint (code_of (tree, boxes, tc_flame_layout_find (boxes, 3, 0.35)), ==, 4);
  g_assert_cmpuint (code_of (tree, boxes, tc_flame_layout_find (boxes, 3, 0.0)), ==, 3);
  g_assert_cmpuint (code_of (tree, boxes, tc_flame_layout_find (boxes, 1, 0.85)), ==, 6);
  g_assert_cmpuint (code_of (tree, boxes, tc_flame_layout_find (boxes, 2, 0.79)), ==, 5);
  g_assert_cmpuint (code_of (tree, boxes, tc_flame_layout_find (boxes, 0, 0.99)), ==, 0);
  /* Nothing above 5 or right of 4 on row 3, nothing on row 4. */
  g_assert_cmpint (tc_flame_layout_find (boxes, 3, 0.5), ==, -1);
  g_assert_cmpint (tc_flame_layout_find (boxes, 4, 0.1), ==, -1);
  /* The first box of row 3 still visible from x = 0.31 is 4's. */
  g_assert_cmpuint (code_of (tree, boxes, tc_flame_layout_row_start (boxes, 3, 0.31)), ==, 4);
  g_assert_cmpuint (tc_flame_layout_row_start (boxes, 3, 0.45), ==, boxes->len);
}

static void
test_focus_and_lod (void)
{
  g_autoptr(TcFlameTree) tree = known_tree ();
  const guint32 path[] = { 1, 2 };
  guint32 focus = tc_flame_tree_find_path (tree, path, 2);
  g_autoptr(GArray) zoomed = tc_flame_layout (tree, focus, 0.0);
  g_autoptr(GArray) coarse = tc_flame_layout (tree, 0, 0.15);

  g_assert_cmpuint (focus, !=, TC_FLAME_NONE);
  /* Ancestors full width, the focus full width, its children rescaled. */
  g_assert_cmpuint (zoomed->len, ==, 5);
  g_assert_cmpfloat_with_epsilon (box_for (tree, zoomed, 1)->width, 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (box_for (tree, zoomed, 2)->width, 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (box_for (tree, zoomed, 3)->width, 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (box_for (tree, zoomed, 4)->x, 0.75, EPS);
  g_assert_null (box_for (tree, zoomed, 5));
  g_assert_null (box_for (tree, zoomed, 6));

  /* Boxes under the level of detail are left out with their subtrees. */
  g_assert_null (box_for (tree, coarse, 4));
  g_assert_nonnull (box_for (tree, coarse, 3));
  g_assert_nonnull (box_for (tree, coarse, 6));
}

static void
test_reversed (void)
{
  g_autoptr(TcFlameTree) tree = known_tree ();
  g_autoptr(TcFlameTree) rev = tc_flame_tree_new_reversed (tree);
  g_autoptr(GArray) boxes = tc_flame_layout (rev, 0, 0.0);
  const guint32 callers_of_3[] = { 3, 2, 1 };
  guint32 deepest = tc_flame_tree_find_path (rev, callers_of_3, 3);

  /* The base row holds where the time was spent, heaviest first. */
  g_assert_cmpint (tc_flame_tree_get_total (rev), ==, 100);
  g_assert_cmpuint (code_of (rev, boxes, tc_flame_layout_find (boxes, 1, 0.0)), ==, 5);
  g_assert_cmpuint (code_of (rev, boxes, tc_flame_layout_find (boxes, 1, 0.5)), ==, 3);
  g_assert_cmpuint (code_of (rev, boxes, tc_flame_layout_find (boxes, 1, 0.75)), ==, 6);
  g_assert_cmpuint (code_of (rev, boxes, tc_flame_layout_find (boxes, 1, 0.95)), ==, 4);
  /* …and above 3 its callers, 2 then 1. */
  g_assert_cmpuint (deepest, !=, TC_FLAME_NONE);
  g_assert_cmpint (tc_flame_tree_get_node (rev, deepest)->total, ==, 30);
  g_assert_cmpuint (tc_flame_tree_get_node (rev, tc_flame_tree_find_path (rev, callers_of_3, 1))->calls, ==, 3);
}

static TcDocument *
fixture_document (guint steps)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "tc-test-flame.tc", NULL);
  g_autoptr(GError) error = NULL;
  TcDocument *doc;

  g_assert_true (tc_chart_fixture_write (path, steps, FALSE, &error));
  g_assert_no_error (error);
  doc = tc_document_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  return doc;
}

static void
test_search (void)
{
  g_autoptr(TcDocument) doc = fixture_document (40);
  g_autoptr(TcFlameTree) tree = tc_flame_tree_new_from_threads (doc, 0);
  g_autoptr(GByteArray) matches = g_byte_array_new ();
  const guint32 step_path[] = { FIX_MAIN, FIX_TRAIN, FIX_STEP };
  const guint32 parse_path[] = { FIX_MAIN, FIX_TRAIN, FIX_LOAD, FIX_PARSE };
  double total = tc_flame_tree_get_total (tree);
  guint32 step = tc_flame_tree_find_path (tree, step_path, 3);
  guint32 parse = tc_flame_tree_find_path (tree, parse_path, 4);
  double share;

  g_assert_cmpuint (step, !=, TC_FLAME_NONE);
  g_assert_cmpuint (parse, !=, TC_FLAME_NONE);
  /* 40 steps, two parses of 0.5 ms each. */
  g_assert_cmpint (tc_flame_tree_get_node (tree, parse)->total, ==, 40 * 2 * 500000);

  share = tc_flame_tree_search (tree, doc, "PARSE", matches);
  g_assert_cmpuint (matches->len, ==, tc_flame_tree_get_n_nodes (tree));
  g_assert_true (matches->data[parse]);
  g_assert_false (matches->data[step]);
  g_assert_cmpfloat_with_epsilon (share, tc_flame_tree_get_node (tree, parse)->total / total, 1e-12);

  /* "Net." matches step, forward and backward; nested ones count once. */
  share = tc_flame_tree_search (tree, doc, "Net.", matches);
  g_assert_cmpfloat_with_epsilon (share, tc_flame_tree_get_node (tree, step)->total / total, 1e-12);

  share = tc_flame_tree_search (tree, doc, "no such function", matches);
  g_assert_cmpfloat (share, ==, 0.0);
  share = tc_flame_tree_search (tree, doc, "", matches);
  g_assert_cmpfloat (share, ==, 0.0);
}

static void
test_range_tree (void)
{
  g_autoptr(TcDocument) doc = fixture_document (40);
  g_autoptr(GError) error = NULL;
  /* The first training step: 2 ms … 12 ms on the main thread. */
  g_autoptr(TcFlameTree) tree = tc_flame_tree_new_from_range (doc, 1, 2000000, 12000000, &error);
  const guint32 train[] = { FIX_MAIN, FIX_TRAIN };
  const guint32 parse[] = { FIX_MAIN, FIX_TRAIN, FIX_LOAD, FIX_PARSE };
  const guint32 step[] = { FIX_MAIN, FIX_TRAIN, FIX_STEP };
  const guint32 backward[] = { FIX_MAIN, FIX_TRAIN, FIX_STEP, FIX_BACKWARD };
  guint32 n;

  g_assert_no_error (error);
  g_assert_nonnull (tree);
  /* main and train span the whole range (clipped to it). */
  g_assert_cmpint (tc_flame_tree_get_total (tree), ==, 10000000);
  n = tc_flame_tree_find_path (tree, train, 2);
  g_assert_cmpint (tc_flame_tree_get_node (tree, n)->total, ==, 10000000);
  n = tc_flame_tree_find_path (tree, parse, 4);
  g_assert_cmpuint (n, !=, TC_FLAME_NONE);
  g_assert_cmpint (tc_flame_tree_get_node (tree, n)->total, ==, 1000000);
  g_assert_cmpuint (tc_flame_tree_get_node (tree, n)->calls, ==, 2);
  n = tc_flame_tree_find_path (tree, step, 3);
  g_assert_cmpint (tc_flame_tree_get_node (tree, n)->total, ==, 7700000);
  g_assert_cmpint (tc_flame_tree_get_node (tree, n)->self, ==, 700000);
  n = tc_flame_tree_find_path (tree, backward, 4);
  g_assert_cmpint (tc_flame_tree_get_node (tree, n)->total, ==, 4000000);
  /* Nothing of the second step (from 12 ms) is in it. */
  g_assert_cmpuint (tc_flame_tree_get_node (tree, tc_flame_tree_find_path (tree, step, 3))->calls, ==, 1);
}

/* Two trees node for node, children in their (heaviest first) order. */
static void
assert_same_tree (TcFlameTree *a,
                  guint32      na,
                  TcFlameTree *b,
                  guint32      nb)
{
  const TcFlameNode *x = tc_flame_tree_get_node (a, na), *y = tc_flame_tree_get_node (b, nb);
  guint32 ca = x->first_child, cb = y->first_child;

  g_assert_cmpuint (x->code_id, ==, y->code_id);
  g_assert_cmpint (x->total, ==, y->total);
  g_assert_cmpint (x->self, ==, y->self);
  g_assert_cmpuint (x->calls, ==, y->calls);
  for (; ca != TC_FLAME_NONE && cb != TC_FLAME_NONE;
       ca = tc_flame_tree_get_node (a, ca)->next_sibling, cb = tc_flame_tree_get_node (b, cb)->next_sibling)
    assert_same_tree (a, ca, b, cb);
  g_assert_true (ca == TC_FLAME_NONE && cb == TC_FLAME_NONE);
}

/* A selection is decoded in slices (a call's time clipped to each, the
 * call counted where it starts): whatever the slicing, the tree of the
 * range decoded at once — ranges cutting calls at both ends, beyond the
 * recording, on one thread and on all. */
static void
test_range_tree_slices (void)
{
  g_autoptr(TcDocument) doc = fixture_document (400);
  const gint64 ranges[][2] = {
    { 2000000, 12000000 }, { 2300000, 3998700 }, { 0, 4100000000 },
    { -5000000, 999999999 }, { 123456789, 987654321 }, { 3100000000, 9000000000 },
  };

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    for (guint thread = 0; thread <= 2; thread++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(TcFlameTree) whole = tc_flame_tree_new_from_range_in_slices (doc, thread, ranges[r][0], ranges[r][1],
                                                                               G_MAXUINT, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (tc_flame_tree_get_n_nodes (whole), >, 1);
        for (guint events = 7; events < 5000; events *= 9)
          {
            g_autoptr(TcFlameTree) sliced = tc_flame_tree_new_from_range_in_slices (doc, thread, ranges[r][0],
                                                                                    ranges[r][1], events, &error);

            g_assert_no_error (error);
            assert_same_tree (whole, 0, sliced, 0);
          }
      }
}

static void
test_samples_tree (void)
{
  g_autoptr(TcDocument) doc = fixture_document (40);
  g_autoptr(TcFlameTree) tree = tc_flame_tree_new_from_samples (doc, 0);
  const guint32 fwd[] = { FIX_MAIN, FIX_TRAIN, FIX_STEP, FIX_FORWARD };

  /* 10 samples per step: 2 in parse, 3 in forward, 5 in backward. */
  g_assert_cmpint (tc_flame_tree_get_unit (tree), ==, TC_FLAME_UNIT_SAMPLES);
  g_assert_cmpint (tc_flame_tree_get_total (tree), ==, 400);
  g_assert_cmpint (tc_flame_tree_get_node (tree, tc_flame_tree_find_path (tree, fwd, 4))->total, ==, 120);
}

static void
wait_for_width (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (gtk_widget_get_width (widget) <= 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
test_widget (void)
{
  g_autoptr(TcFlameTree) tree = known_tree ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *graph = tc_flame_graph_new ();
  TcFlameGraph *fg = TC_FLAME_GRAPH (graph);
  const guint32 path2[] = { 1, 2 };
  double row3_y, x0, x1;
  guint32 node;

  gtk_window_set_child (GTK_WINDOW (window), graph);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 200);
  tc_flame_graph_set_tree (fg, NULL, tree);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_width (graph);
  g_assert_true (tc_flame_graph_get_ready (fg));
  g_assert_cmpint (gtk_widget_get_width (graph), ==, 800);

  /* Flame orientation: the root is the bottom row (4 rows of 20 px from
   * the top of the widget's height). */
  row3_y = gtk_widget_get_height (graph) - 4 * TC_FLAME_ROW_HEIGHT + 5;
  row3_y = (tc_flame_tree_get_max_depth (tree) - 3) * TC_FLAME_ROW_HEIGHT + 5;
  node = tc_flame_graph_node_at (fg, 0.35 * 800, row3_y);
  g_assert_cmpuint (tc_flame_tree_get_node (tree, node)->code_id, ==, 4);
  node = tc_flame_graph_node_at (fg, 700, 3 * TC_FLAME_ROW_HEIGHT + 5);
  g_assert_cmpuint (tc_flame_tree_get_node (tree, node)->code_id, ==, 0);
  g_assert_cmpuint (tc_flame_graph_node_at (fg, 700, row3_y), ==, TC_FLAME_NONE);

  tc_flame_graph_set_icicle (fg, TRUE);
  node = tc_flame_graph_node_at (fg, 0.35 * 800, 3 * TC_FLAME_ROW_HEIGHT + 5);
  g_assert_cmpuint (tc_flame_tree_get_node (tree, node)->code_id, ==, 4);

  /* Click-to-zoom state: focus on 2, the breadcrumbs root → 1 → 2. */
  tc_flame_graph_set_focus (fg, tc_flame_tree_find_path (tree, path2, 2));
  {
    g_autoptr(GArray) crumbs = tc_flame_graph_get_focus_path (fg);

    g_assert_cmpuint (crumbs->len, ==, 3);
    g_assert_cmpuint (tc_flame_tree_get_node (tree, g_array_index (crumbs, guint32, 2))->code_id, ==, 2);
  }
  node = tc_flame_graph_node_at (fg, 700, 3 * TC_FLAME_ROW_HEIGHT + 5);
  g_assert_cmpuint (tc_flame_tree_get_node (tree, node)->code_id, ==, 4);

  /* Horizontal zoom ×2 anchored at the left edge shows [0, 0.5]. */
  tc_flame_graph_zoom_view (fg, 2.0, 0);
  tc_flame_graph_get_view (fg, &x0, &x1);
  g_assert_cmpfloat_with_epsilon (x0, 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (x1, 0.5, EPS);
  node = tc_flame_graph_node_at (fg, 700, 3 * TC_FLAME_ROW_HEIGHT + 5);
  g_assert_cmpuint (tc_flame_tree_get_node (tree, node)->code_id, ==, 3);

  /* Zooming out undoes the view zoom first, then walks up the focus. */
  g_assert_true (tc_flame_graph_zoom_out (fg));
  tc_flame_graph_get_view (fg, &x0, &x1);
  g_assert_cmpfloat_with_epsilon (x1 - x0, 1.0, EPS);
  g_assert_true (tc_flame_graph_zoom_out (fg));
  g_assert_cmpuint (tc_flame_tree_get_node (tree, tc_flame_graph_get_focus (fg))->code_id, ==, 1);
  g_assert_true (tc_flame_graph_zoom_out (fg));
  g_assert_cmpuint (tc_flame_graph_get_focus (fg), ==, 0);
  g_assert_false (tc_flame_graph_zoom_out (fg));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Renders the widget the way the window would and reads one pixel. */
static guint32
pixel_at (GtkWidget *widget,
          int        x,
          int        y)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *data = g_malloc (w * h * 4);
  guint32 pixel;
  gint64 until = g_get_monotonic_time () + 200 * 1000;

  /* Let the frame clock draw the widget's current state first. */
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_download (texture, data, w * 4);
  memcpy (&pixel, data + (y * w + x) * 4, 4);
  g_object_unref (paintable);
  return pixel & 0x00ffffff;
}

static void
test_big_tree_render (void)
{
  TcFlameTree *tree = tc_flame_tree_new (TC_FLAME_UNIT_NS);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *graph = tc_flame_graph_new ();
  TcFlameGraph *fg = TC_FLAME_GRAPH (graph);
  const guint32 heavy[] = { 1, 2 };
  guint32 left_empty, box, zoomed;
  double x0, x1;

  /* One heavy path (half the weight) and 20000 light ones: more boxes than
   * the widget keeps as vector nodes, so it draws from its texture. */
  tc_flame_tree_add_path (tree, heavy, 2, 20000, 1);
  for (guint32 i = 0; i < 20000; i++)
    {
      const guint32 path[] = { 3, 10 + i };
      tc_flame_tree_add_path (tree, path, 2, 1, 1);
    }
  tc_flame_tree_finish (tree);

  gtk_window_set_child (GTK_WINDOW (window), graph);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 100);
  tc_flame_graph_set_tree (fg, NULL, tree);
  tc_flame_tree_unref (tree);
  gtk_window_present (GTK_WINDOW (window));
  while (!tc_flame_graph_get_ready (fg) || gtk_widget_get_width (graph) <= 0)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (tc_flame_graph_get_boxes (fg)->len, >, 5000);

  /* Row 2 (from the bottom, flame order) is the top row at y 0..20: the
   * heavy path's box 2 covers the left half; the right half holds the
   * light boxes. The widget is transparent where nothing is drawn. */
  left_empty = pixel_at (graph, 10, 90);   /* below the 3 rows: nothing */
  box = pixel_at (graph, 100, 10);         /* row 2, code 2 */
  g_assert_cmpuint (box, !=, 0);
  g_assert_cmpuint (left_empty, ==, 0);
  g_assert_cmpuint (pixel_at (graph, 10, 50), !=, 0);  /* row 0, the root */

  /* Zooming the view 1.5× reuses the render scaled: the box under x = 100
   * is still code 2's (it spans the left half), drawn with the same colour. */
  tc_flame_graph_zoom_view (fg, 1.5, 0);
  tc_flame_graph_get_view (fg, &x0, &x1);
  g_assert_cmpfloat_with_epsilon (x1 - x0, 1.0 / 1.5, 1e-9);
  zoomed = pixel_at (graph, 100, 10);
  g_assert_cmpuint (zoomed, ==, box);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A recording whose stack is much taller than the page: <module> → a
 * 60-deep chain (left half of the time) and <module> → hub → 6000 leaves
 * (right half), so that the widget paints in its worker (> 5000 boxes).
 * Rows near the roots are full width; near the tips only the chain's half
 * is drawn. */
enum { DEEP_MODULE = 1, DEEP_CHAIN = 2, DEEP_CHAIN_LEN = 60, DEEP_HUB = DEEP_CHAIN + DEEP_CHAIN_LEN,
       DEEP_LEAF = DEEP_HUB + 1, DEEP_LEAVES = 6000 };

static char *
write_deep_recording (const char *dir)
{
  char *path = g_build_filename (dir, "deep.tc", NULL);
  TcError err = { 0 };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/deep.py") };
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (TcEvent));
  TcEndFixed end = { 0 };
  TcWriter *w = tc_chart_fixture_open_script (path, "/tmp/tc-tests/deep.py");
  TcEvent e;

  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  for (guint32 id = DEEP_MODULE; id < DEEP_LEAF + DEEP_LEAVES; id++)
    {
      g_autofree char *name = id == DEEP_MODULE ? g_strdup ("<module>")
                              : id < DEEP_HUB ? g_strdup_printf ("chain%u", id)
                              : id == DEEP_HUB ? g_strdup ("hub") : g_strdup_printf ("leaf%u", id);
      TcCodeDef code = { id, 1, id, TC_CODE_FLAG_TRACKED, TC_STR (name), TC_STR (name), TC_STR ("") };

      g_assert_cmpint (tc_writer_write_code (w, 0, &code), ==, TC_OK);
    }

#define DEEP_EVENT(t, code, kind) \
  (e = (TcEvent) { (t), (code), (kind) }, g_array_append_val (events, e))
  DEEP_EVENT (0, DEEP_MODULE, TC_EVENT_CALL);
  for (guint i = 0; i < DEEP_CHAIN_LEN; i++)
    DEEP_EVENT (1000 + i, DEEP_CHAIN + i, TC_EVENT_CALL);
  for (guint i = 0; i < DEEP_CHAIN_LEN; i++)
    DEEP_EVENT (61000 - DEEP_CHAIN_LEN + i, 0, TC_EVENT_RETURN);
  DEEP_EVENT (61000, DEEP_HUB, TC_EVENT_CALL);
  for (guint i = 0; i < DEEP_LEAVES; i++)
    {
      DEEP_EVENT (61000 + 10 * i, DEEP_LEAF + i, TC_EVENT_CALL);
      DEEP_EVENT (61000 + 10 * i + 10, 0, TC_EVENT_RETURN);
    }
  DEEP_EVENT (121000, 0, TC_EVENT_RETURN);
  DEEP_EVENT (122000, 0, TC_EVENT_RETURN);
#undef DEEP_EVENT

  g_assert_cmpint (tc_writer_write_events (w, 1, (TcEvent *) (gpointer) events->data, events->len), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

/* The whole graph as the PDF export draws it (no scrolling involved):
 * what each row must look like on screen. */
static cairo_surface_t *
reference_graph (GtkWidget *graph)
{
  TcFlameTree *tree = tc_flame_graph_get_tree (TC_FLAME_GRAPH (graph));
  int width = gtk_widget_get_width (graph);
  int height = (int) ((tc_flame_tree_get_max_depth (tree) + 1) * TC_FLAME_ROW_HEIGHT);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  TcDrawStyle style;

  tc_draw_style_init_for_widget (&style, graph);
  tc_flame_graph_draw (TC_FLAME_GRAPH (graph), cr, &style, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
reference_at (cairo_surface_t *surface,
              int              x,
              int              y)
{
  const guchar *data = cairo_image_surface_get_data (surface);

  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  return *(const guint32 *) (gconstpointer) (data + y * cairo_image_surface_get_stride (surface) + x * 4) & 0x00ffffff;
}

static gboolean
same_colour (guint32 a,
             guint32 b)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 3)
      return FALSE;
  return TRUE;
}

/* Does the scrolled window show, at its own (x, y), the graph's row at
 * content height `content_y`?  The worker paints asynchronously: waits up
 * to 10 s for the picture to arrive. */
static gboolean
shows_row (GtkWidget       *scroller,
           GtkWidget       *graph,
           cairo_surface_t *reference,
           double           x_fraction,
           int              y,
           int              content_y)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  graphene_point_t origin;
  int gx = (int) (gtk_widget_get_width (graph) * x_fraction);
  guint32 expect = reference_at (reference, gx, content_y);
  guint32 seen;

  /* Only x is taken from the graph's place: y is what is under test. */
  g_assert_true (gtk_widget_compute_point (graph, scroller, &GRAPHENE_POINT_INIT (gx, 0), &origin));
  do
    {
      seen = pixel_at (scroller, (int) origin.x, y);
      if (same_colour (seen, expect))
        return TRUE;
    }
  while (g_get_monotonic_time () < deadline);
  g_test_message ("at (%d, %d) of the scroller: %06x, content row at %d is %06x",
                  (int) origin.x, y, seen, content_y, expect);
  return FALSE;
}

/* Where the hub's and the chain's halves are drawn. */
#define HUB_X   0.25
#define CHAIN_X 0.75

/* Runs the main loop until `widget`'s height is no longer `old` (10 s at
 * most), and returns the new one. */
static int
wait_for_new_height (GtkWidget *widget,
                     int        old)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (gtk_widget_get_height (widget) == old && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (gtk_widget_get_height (widget), !=, old);
  return gtk_widget_get_height (widget);
}

static gboolean
scrolled_to_end (gpointer vadj)
{
  return gtk_adjustment_get_value (vadj) ==
         gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj);
}

static gboolean
view_ready (gpointer graph)
{
  return tc_flame_graph_get_ready (graph) && gtk_widget_get_width (graph) > 0;
}

/* A stack deeper than the page opens at its roots (flame orientation: the
 * bottom), stays there while the page's height changes, unless scrolled
 * away; a programmatic scroll shows the rows scrolled to; icicle opens at
 * the top.  Read from the pixels of the scrolled window, not from the
 * adjustment alone. */
static void
test_deep_opens_at_roots (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tc-flame-deep-XXXXXX", NULL);
  g_autofree char *path = write_deep_recording (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, &error);
  g_autoptr(TcViewerSession) session = tc_viewer_session_new (NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *spacer = gtk_label_new ("");
  GtkWidget *view, *graph, *scroller;
  GtkAdjustment *vadj;
  cairo_surface_t *reference;
  int content, h;

  g_assert_no_error (error);
  tc_viewer_session_set_document (session, doc);
  view = tc_flame_view_new (session, TC_FLAME_SOURCE_CALLS);
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (GTK_BOX (box), spacer);
  gtk_box_append (GTK_BOX (box), view);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 420);
  gtk_window_present (GTK_WINDOW (window));
  graph = GTK_WIDGET (tc_flame_view_get_graph (TC_FLAME_VIEW (view)));
  tc_test_wait_for (view_ready, graph);
  g_assert_cmpuint (tc_flame_graph_get_boxes (TC_FLAME_GRAPH (graph))->len, >, 5000);
  scroller = gtk_widget_get_ancestor (graph, GTK_TYPE_SCROLLED_WINDOW);
  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  reference = reference_graph (graph);
  content = cairo_image_surface_get_height (reference);
  h = gtk_widget_get_height (scroller);
  g_assert_cmpint (content, >=, (DEEP_CHAIN_LEN + 2) * TC_FLAME_ROW_HEIGHT);
  g_assert_cmpint (h, <, content / 3);
  /* The test tells the two ends apart: in the hub's half (the heavier,
   * drawn first) the three bottom rows are drawn, the top ones are empty. */
  g_assert_cmpuint (reference_at (reference, (int) (gtk_widget_get_width (graph) * HUB_X), content - 10), !=, 0);
  g_assert_cmpuint (reference_at (reference, (int) (gtk_widget_get_width (graph) * HUB_X), 10), ==, 0);
  g_assert_cmpuint (reference_at (reference, (int) (gtk_widget_get_width (graph) * CHAIN_X), 10), !=, 0);

  /* First paint: the roots at the bottom of the page. */
  for (int k = 0; k < 3; k++)
    g_assert_true (shows_row (scroller, graph, reference, HUB_X, h - 10 - 20 * k, content - 10 - 20 * k));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==,
                     gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj));

  /* Scrolled to the top by program: the tips, drawn at once. */
  gtk_adjustment_set_value (vadj, 0);
  g_assert_true (shows_row (scroller, graph, reference, CHAIN_X, 10, 10));
  g_assert_true (shows_row (scroller, graph, reference, HUB_X, 10, 10));
  g_assert_true (shows_row (scroller, graph, reference, HUB_X, h - 10, h - 10));

  /* Scrolled away, a smaller page keeps the place. */
  gtk_widget_set_size_request (spacer, -1, 80);
  h = wait_for_new_height (scroller, h);
  g_assert_true (shows_row (scroller, graph, reference, CHAIN_X, 10, 10));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 0);

  /* Back at the bottom, it follows the bottom while the page grows. */
  gtk_adjustment_set_value (vadj, gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj));
  g_assert_true (shows_row (scroller, graph, reference, HUB_X, h - 10, content - 10));
  gtk_widget_set_size_request (spacer, -1, -1);
  g_assert_cmpint (wait_for_new_height (scroller, h), >, h);
  h = gtk_widget_get_height (scroller);
  g_assert_true (shows_row (scroller, graph, reference, HUB_X, h - 10, content - 10));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==,
                     gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj));

  /* Icicle: the roots on top, the page at the top. */
  tc_flame_graph_set_icicle (TC_FLAME_GRAPH (graph), TRUE);
  cairo_surface_destroy (reference);
  reference = reference_graph (graph);
  g_assert_true (shows_row (scroller, graph, reference, HUB_X, 10, 10));
  g_assert_cmpuint (reference_at (reference, (int) (gtk_widget_get_width (graph) * HUB_X), 10), !=, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 0);

  /* …and back: at the roots again, at the bottom. */
  tc_flame_graph_set_icicle (TC_FLAME_GRAPH (graph), FALSE);
  cairo_surface_destroy (reference);
  reference = reference_graph (graph);
  g_assert_true (shows_row (scroller, graph, reference, HUB_X, h - 10, content - 10));

  /* A new tree (the callers view) opens at its roots too, even when the
   * old one was scrolled away. */
  gtk_adjustment_set_value (vadj, 0);
  tc_flame_view_set_reversed (TC_FLAME_VIEW (view), TRUE);
  tc_test_wait_for (view_ready, graph);
  tc_test_wait_for (scrolled_to_end, vadj);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), >, 0);

  cairo_surface_destroy (reference);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_label_fit (void)
{
  g_autoptr(GHashTable) labels = tc_flame_labels_new ();
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  g_autoptr(PangoLayout) base = pango_layout_new (context);
  const char *text = "Net.backward_and_update";
  PangoLayout *layout;
  int whole, w, h;

  layout = tc_flame_label_fit (labels, base, text, 10000);
  g_assert_nonnull (layout);
  g_assert_cmpstr (pango_layout_get_text (layout), ==, text);
  pango_layout_get_pixel_size (layout, &whole, &h);

  /* Half the room: a prefix of the name and "…", no wider than the room. */
  layout = tc_flame_label_fit (labels, base, text, whole / 2.0);
  g_assert_nonnull (layout);
  g_assert_true (g_str_has_suffix (pango_layout_get_text (layout), "…"));
  g_assert_true (strncmp (pango_layout_get_text (layout), text,
                          strlen (pango_layout_get_text (layout)) - strlen ("…")) == 0);
  g_assert_cmpuint (strlen (pango_layout_get_text (layout)), >, strlen ("N…"));
  pango_layout_get_pixel_size (layout, &w, &h);
  g_assert_cmpint (w, <=, whole / 2);

  /* Room for "N…" only, then for nothing: the label is left out. */
  layout = tc_flame_label_fit (labels, base, "N…", 1000);
  pango_layout_get_pixel_size (layout, &w, &h);
  layout = tc_flame_label_fit (labels, base, text, w + 0.5);
  g_assert_nonnull (layout);
  g_assert_cmpstr (pango_layout_get_text (layout), ==, "N…");
  g_assert_null (tc_flame_label_fit (labels, base, text, w - 3));
  g_assert_null (tc_flame_label_fit (labels, base, text, 2));
  g_object_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/tc/charts/flame/layout", test_layout);
  g_test_add_func ("/tc/charts/flame/hit", test_hit);
  g_test_add_func ("/tc/charts/flame/focus-lod", test_focus_and_lod);
  g_test_add_func ("/tc/charts/flame/reversed", test_reversed);
  g_test_add_func ("/tc/charts/flame/search", test_search);
  g_test_add_func ("/tc/charts/flame/samples", test_samples_tree);
  g_test_add_func ("/tc/charts/flame/range", test_range_tree);
  g_test_add_func ("/tc/charts/flame/range-slices", test_range_tree_slices);
  g_test_add_func ("/tc/charts/flame/widget", test_widget);
  g_test_add_func ("/tc/charts/flame/label-fit", test_label_fit);
  g_test_add_func ("/tc/charts/flame/big-tree-render", test_big_tree_render);
  g_test_add_func ("/tc/charts/flame/deep-opens-at-roots", test_deep_opens_at_roots);

  status = g_test_run ();
  tc_flame_graph_wait_for_painters ();   /* before HarfBuzz's exit cleanup */
  return status;
}

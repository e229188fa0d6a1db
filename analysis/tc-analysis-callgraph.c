/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-callgraph.c — caller → callee counts from the recorded call
 * trees (spec §7.8).  The seed guessed edges from snapshot stacks; the
 * event stream has every call.
 */
#include "tc-document-private.h"
#include "tc-text-private.h"

typedef struct
{
  GArray     *edges;     /* TcCallEdge */
  GHashTable *index;     /* "caller\ncallee" → position */
} EdgeSet;

static void
add_edge (EdgeSet *set, const char *caller, const char *callee, guint64 count, gint64 total_ns)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", caller, callee);
  gpointer pos;

  if (g_hash_table_lookup_extended (set->index, key, NULL, &pos))
    {
      TcCallEdge *e = &g_array_index (set->edges, TcCallEdge, GPOINTER_TO_UINT (pos));

      e->count += count;
      e->total_ns += total_ns;
      return;
    }
  {
    TcCallEdge e = { caller, callee, count, total_ns };

    g_array_append_val (set->edges, e);
    g_hash_table_insert (set->index, g_steal_pointer (&key), GUINT_TO_POINTER (set->edges->len - 1));
  }
}

static int
compare_edges (gconstpointer a, gconstpointer b)
{
  const TcCallEdge *x = a, *y = b;
  int c = strcmp (x->caller, y->caller);

  if (c != 0)
    return c;
  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return strcmp (x->callee, y->callee);
}

static void
render (GString *out, const TcTextStyle *style, TcDocument *doc, GArray *edges,
        const char *node, const char *prefix, guint depth, GHashTable *visited)
{
  g_autoptr (GPtrArray) children = g_ptr_array_new ();

  if (depth >= 8)
    return;
  for (guint i = 0; i < edges->len; i++)
    {
      TcCallEdge *e = &g_array_index (edges, TcCallEdge, i);

      if (strcmp (e->caller, node) == 0)
        g_ptr_array_add (children, e);
    }
  for (guint i = 0; i < children->len; i++)
    {
      const TcCallEdge *e = g_ptr_array_index (children, i);
      gboolean last = i == children->len - 1;
      gboolean seen = g_hash_table_contains (visited, e->callee);
      g_autofree char *child_prefix = g_strconcat (prefix, last ? "    " : "│   ", NULL);

      g_string_append_printf (out, "  %s%s%s%s%s  ×%" G_GUINT64_FORMAT "  %.3fms avg  %.2fms total%s\n",
                              prefix, last ? "└── " : "├── ", tc_c (style, TC_CYAN), e->callee,
                              tc_r (style), e->count, tc_ns_to_ms (e->total_ns) / MAX (1, e->count),
                              tc_ns_to_ms (e->total_ns), seen ? "  (↑ shown above)" : "");
      if (!seen)
        {
          g_hash_table_add (visited, (char *) e->callee);
          render (out, style, doc, edges, e->callee, child_prefix, depth + 1, visited);
        }
    }
}

/* With a recording of every call (option calls="all"), the graph is about
 * the program's own functions: those in tracked files. */
static gboolean
is_user_code (TcDocument *doc, guint32 code_id, gboolean filter)
{
  const TcDocCode *code;

  if (!filter)
    return TRUE;
  code = tc_document_get_code (doc, code_id);
  return code != NULL && (code->flags & TC_CODE_FLAG_TRACKED);
}

GArray *
tc_analysis_callgraph (TcDocument *doc, guint64 min_calls, const TcTextStyle *style, GString *out)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  GPtrArray *codes = tc_document_get_codes (doc);
  gboolean filter = FALSE;
  EdgeSet set;
  GArray *result;

  for (guint i = 0; i < codes->len && !filter; i++)
    filter = (((TcDocCode *) g_ptr_array_index (codes, i))->flags & TC_CODE_FLAG_TRACKED) != 0;

  set.edges = g_array_new (FALSE, FALSE, sizeof (TcCallEdge));
  set.index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint t = 0; t < threads->len; t++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, t);
      const TcCallNode *nodes = (const TcCallNode *) thread->call_tree->data;
      g_autofree char *name = g_strdup_printf ("<thread %s>", *thread->name ? thread->name : "?");
      const char *top_name = (thread->flags & TC_THREAD_FLAG_MAIN) || thread->id == 1
                             ? "<module>" : tc_document_intern_c (doc, name);

      for (guint n = 1; n < thread->call_tree->len; n++)
        {
          const TcCallNode *node = &nodes[n];
          const char *caller, *callee;
          guint32 up = node->parent;

          if (!is_user_code (doc, node->code_id, filter))
            continue;
          /* The nearest user function above: library frames in between
           * (a stdlib loop calling back into the program) are skipped. */
          while (up != 0 && up != TC_CALL_NODE_NONE && !is_user_code (doc, nodes[up].code_id, filter))
            up = nodes[up].parent;
          if (up == TC_CALL_NODE_NONE)
            continue;
          /* Called from where the recording started: the script's top
           * level on the main thread, the thread itself elsewhere. */
          if (up == 0)
            caller = top_name;
          else
            caller = tc_document_code_name (doc, nodes[up].code_id);
          callee = tc_document_code_name (doc, node->code_id);
          if (strcmp (caller, callee) != 0)
            add_edge (&set, caller, callee, node->calls, node->total_ns);
        }
    }
  g_hash_table_unref (set.index);

  result = g_array_new (FALSE, FALSE, sizeof (TcCallEdge));
  for (guint i = 0; i < set.edges->len; i++)
    {
      TcCallEdge *e = &g_array_index (set.edges, TcCallEdge, i);

      if (e->count >= min_calls)
        g_array_append_val (result, *e);
    }
  g_array_unref (set.edges);
  g_array_sort (result, compare_edges);

  if (out)
    {
      g_autoptr (GHashTable) callers = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GHashTable) callees = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GHashTable) visited = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GPtrArray) roots = g_ptr_array_new ();

      tc_text_banner (out, style, "CALL GRAPH");
      for (guint i = 0; i < result->len; i++)
        {
          TcCallEdge *e = &g_array_index (result, TcCallEdge, i);

          g_hash_table_add (callers, (char *) e->caller);
          g_hash_table_add (callees, (char *) e->callee);
        }
      for (guint i = 0; i < result->len; i++)
        {
          TcCallEdge *e = &g_array_index (result, TcCallEdge, i);

          if (!g_hash_table_contains (callees, e->caller)
              && (roots->len == 0 || strcmp (g_ptr_array_index (roots, roots->len - 1), e->caller) != 0))
            g_ptr_array_add (roots, (char *) e->caller);
        }
      if (roots->len == 0 && result->len > 0) /* only cycles: start anywhere */
        g_ptr_array_add (roots, (char *) g_array_index (result, TcCallEdge, 0).caller);
      if (result->len == 0)
        g_string_append (out, "  (no calls between recorded functions)\n");
      for (guint r = 0; r < roots->len; r++)
        {
          const char *root = g_ptr_array_index (roots, r);
          const TcFunctionStats *stats = NULL;
          GPtrArray *all = tc_document_get_function_stats (doc);

          for (guint i = 0; i < all->len && !stats; i++)
            if (strcmp (((TcFunctionStats *) g_ptr_array_index (all, i))->name, root) == 0)
              stats = g_ptr_array_index (all, i);
          g_string_append_printf (out, "  %s%s%s", tc_c (style, TC_BOLD), root, tc_r (style));
          if (stats)
            g_string_append_printf (out, "  ×%" G_GUINT64_FORMAT "  %.3fms avg  %.2fms total",
                                    stats->calls, stats->avg_ms, stats->total_ms);
          g_string_append_c (out, '\n');
          g_hash_table_add (visited, (char *) root);
          render (out, style, doc, result, root, "", 0, visited);
        }
      g_string_append_printf (out, "\n  %u callers  %u callees\n",
                              g_hash_table_size (callers), g_hash_table_size (callees));
    }
  return result;
}

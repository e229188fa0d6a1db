/* SPDX-License-Identifier: MIT
 *
 * tc-launcher.c — `timecapsule run`'s launching frames (see tc-launcher.h).
 */

#include "tc-code-set.h"
#include "tc-launcher.h"

static const char *const launcher_functions[] = {
  "run_path", "run_module", "_run_module_code", "_run_code", "_run_module_as_main",
};

gboolean
tc_launcher_is_code (TcDocument *doc,
                     guint32     code_id)
{
  const TcDocCode *code = tc_document_get_code (doc, code_id);
  const TcDocFile *file = code != NULL ? tc_document_get_file (doc, code->file_id) : NULL;

  if (file == NULL || (g_strcmp0 (file->basename, "runpy.py") != 0
                       && g_strcmp0 (file->path, "<frozen runpy>") != 0))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (launcher_functions); i++)
    if (g_strcmp0 (code->name, launcher_functions[i]) == 0)
      return TRUE;
  return FALSE;
}

guint32 *
tc_launcher_call_tree_lift (TcDocument *doc,
                            GArray     *call_tree)
{
  guint32 *lift = g_new0 (guint32, MAX (call_tree->len, 1));

  /* Parents come before their children (index 0 is the root, depth 0). */
  for (guint i = 1; i < call_tree->len; i++)
    {
      const TcCallNode *node = &g_array_index (call_tree, TcCallNode, i);
      const TcCallNode *parent = &g_array_index (call_tree, TcCallNode, node->parent);

      if (lift[node->parent] == parent->depth && tc_launcher_is_code (doc, node->code_id))
        lift[i] = node->depth;
      else
        lift[i] = lift[node->parent];
    }
  return lift;
}

guint32
tc_launcher_max_depth (TcDocument        *doc,
                       const TcDocThread *thread)
{
  g_autofree guint32 *lift = NULL;
  guint32 deepest = 0;

  if (thread->call_tree == NULL || thread->call_tree->len == 0)
    return thread->max_depth;
  lift = tc_launcher_call_tree_lift (doc, thread->call_tree);
  for (guint i = 1; i < thread->call_tree->len; i++)
    {
      guint32 depth = g_array_index (thread->call_tree, TcCallNode, i).depth;

      if (lift[i] != depth)
        deepest = MAX (deepest, depth - lift[i]);
    }
  return deepest;
}

static int
compare_span_start (gconstpointer a,
                    gconstpointer b)
{
  const TcSpan *sa = a;
  const TcSpan *sb = b;

  /* A caller starts no later than its callees; at the same instant the
   * shallower one comes first. */
  if (sa->start_ns != sb->start_ns)
    return sa->start_ns < sb->start_ns ? -1 : 1;
  return (sa->depth > sb->depth) - (sa->depth < sb->depth);
}

GByteArray *
tc_launcher_codes (TcDocument *doc)
{
  GPtrArray *codes = tc_document_get_codes (doc);
  GByteArray *launcher = g_byte_array_new ();

  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);

      tc_code_set_put (launcher, code->id, tc_launcher_is_code (doc, code->id));
    }
  return launcher;
}

guint
tc_launcher_stack_lift (const GByteArray *launcher,
                        const guint32    *codes,
                        guint             depth)
{
  guint lift = 0;

  while (lift <= depth && tc_code_set_has (launcher, codes[lift]))
    lift++;
  return lift;
}

static gboolean
spans_launched (TcDocument *doc,
                GArray     *spans)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const TcSpan *s = &g_array_index (spans, TcSpan, i);

      if (s->depth == 0 && tc_launcher_is_code (doc, s->code_id))
        return TRUE;
    }
  return FALSE;
}

void
tc_launcher_drop_spans (TcDocument *doc,
                        GArray     *spans)
{
  /* Per open level: how many launching levels are at or above it. */
  g_autoptr(GArray) lift = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint kept = 0;

  if (!spans_launched (doc, spans))
    return;
  g_array_sort (spans, compare_span_start);
  for (guint i = 0; i < spans->len; i++)
    {
      TcSpan s = g_array_index (spans, TcSpan, i);
      guint32 above;
      gboolean chain;

      if (s.depth <= lift->len)
        {
          above = s.depth > 0 ? g_array_index (lift, guint32, s.depth - 1) : 0;
          chain = above == s.depth && tc_launcher_is_code (doc, s.code_id);
          g_array_set_size (lift, s.depth);
        }
      else
        {
          /* Its callers began before the events we have: not at the root. */
          above = lift->len > 0 ? g_array_index (lift, guint32, lift->len - 1) : 0;
          chain = FALSE;
          while (lift->len < s.depth)
            g_array_append_val (lift, above);
        }
      {
        guint32 own = chain ? s.depth + 1 : above;

        g_array_append_val (lift, own);
      }
      if (chain)
        continue;
      s.depth -= above;
      g_array_index (spans, TcSpan, kept++) = s;
    }
  g_array_set_size (spans, kept);
}

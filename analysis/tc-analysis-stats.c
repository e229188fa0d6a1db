/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-stats.c — timing views over the per-function distributions:
 * slowest calls, call rates, hot lines, block/checkpoint timings.
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

static int
compare_slow (gconstpointer a, gconstpointer b)
{
  const TcSlowCall *x = a, *y = b;

  if (x->ms != y->ms)
    return x->ms < y->ms ? 1 : -1;
  return strcmp (x->name, y->name);
}

GArray *
tc_analysis_slowest (TcDocument *doc, guint top_n)
{
  GPtrArray *stats = tc_document_get_function_stats (doc);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (TcSlowCall));

  /* Each distribution is sorted: only its top_n tail can make the cut. */
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);
      guint n = tc_durations_get_n (s->durations);

      for (guint k = 0; k < MIN (n, top_n); k++)
        {
          TcSlowCall call = { tc_ns_to_ms (tc_durations_get (s->durations, n - 1 - k)), s->code_id, s->name };

          g_array_append_val (out, call);
        }
    }
  g_array_sort (out, compare_slow);
  if (out->len > top_n)
    g_array_set_size (out, top_n);
  return out;
}

double
tc_analysis_rate (TcDocument *doc, const TcFunctionStats *stats)
{
  double duration = tc_document_get_duration (doc);

  if (duration <= 0)
    duration = 1;
  return stats->calls / duration;
}

static int
compare_hot (gconstpointer a, gconstpointer b)
{
  const TcHotLine *x = a, *y = b;

  if (x->hits != y->hits)
    return x->hits < y->hits ? 1 : -1;
  if (x->file_id != y->file_id)
    return strcmp (x->file, y->file);
  return (x->line > y->line) - (x->line < y->line);
}

GArray *
tc_analysis_hotlines (TcDocument *doc)
{
  GPtrArray *files = tc_document_get_files (doc);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (TcHotLine));

  /* A line that ran 40 times reads "1" in first-hit data: no ranking. */
  if (!tc_analysis_line_hits_counted (doc))
    return out;
  for (guint i = 0; i < files->len; i++)
    {
      const TcDocFile *file = g_ptr_array_index (files, i);

      for (guint l = 0; l < file->line_hits->len; l++)
        {
          const TcLineHit *hit = &g_array_index (file->line_hits, TcLineHit, l);
          TcHotLine hot = { file->id, file->path, hit->line, hit->hits, (gint64) hit->time_ns };

          if (hit->hits > 0)
            g_array_append_val (out, hot);
        }
    }
  g_array_sort (out, compare_hot);
  return out;
}

static int
compare_block (gconstpointer a, gconstpointer b)
{
  const TcBlockStats *x = a, *y = b;

  if (x->total_ms != y->total_ms)
    return x->total_ms < y->total_ms ? 1 : -1;
  return strcmp (x->name, y->name);
}

GArray *
tc_analysis_block_timings (TcDocument *doc)
{
  GArray *marks = tc_document_get_marks (doc);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (TcBlockStats));
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < marks->len; i++)
    {
      const TcDocMark *mark = &g_array_index (marks, TcDocMark, i);
      double ms = tc_ns_to_ms (mark->duration_ns);
      gpointer pos;
      TcBlockStats *b;

      if (mark->kind != TC_MARK_BLOCK && mark->kind != TC_MARK_CHECKPOINT)
        continue;
      if (!g_hash_table_lookup_extended (index, mark->name, NULL, &pos))
        {
          TcBlockStats fresh = { mark->name, 0, 0, INFINITY, -INFINITY, 0 };

          g_array_append_val (out, fresh);
          pos = GUINT_TO_POINTER (out->len - 1);
          g_hash_table_insert (index, (char *) mark->name, pos);
        }
      b = &g_array_index (out, TcBlockStats, GPOINTER_TO_UINT (pos));
      b->calls++;
      b->total_ms += ms;
      b->min_ms = MIN (b->min_ms, ms);
      b->max_ms = MAX (b->max_ms, ms);
      b->avg_ms = b->total_ms / b->calls;
    }
  g_array_sort (out, compare_block);
  return out;
}

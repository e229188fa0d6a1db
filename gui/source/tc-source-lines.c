/* tc-source-lines.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "tc-source-lines.h"

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  guint la = ((const TcCoverageLine *)a)->line, lb = ((const TcCoverageLine *)b)->line;

  return la < lb ? -1 : la > lb;
}

/* Calls and inclusive time of every function of `file` at its first line
 * (functions sharing a line, e.g. lambdas, add up). */
static GArray *
function_lines (TcDocument      *doc,
                const TcDocFile *file,
                guint           *n_functions)
{
  GPtrArray *codes = tc_document_get_codes (doc);
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (TcCoverageLine));
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);

  *n_functions = 0;
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      const TcFunctionStats *stats;
      guint pos;
      TcCoverageLine *entry;

      if (code->file_id != file->id || code->first_line == 0)
        continue;
      stats = tc_document_get_stats_for (doc, code->id);
      if (stats == NULL || stats->calls == 0)
        continue;

      (*n_functions)++;
      pos = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (code->first_line)));
      if (pos == 0)
        {
          TcCoverageLine empty = { code->first_line, 0, 0, TC_COVERAGE_RAN };

          g_array_append_val (lines, empty);
          pos = lines->len;
          g_hash_table_insert (index, GUINT_TO_POINTER (code->first_line), GUINT_TO_POINTER (pos));
        }
      entry = &g_array_index (lines, TcCoverageLine, pos - 1);
      entry->hits += stats->calls;
      entry->time_ns += (gint64)(stats->total_ms * 1e6);
    }

  g_array_sort (lines, compare_lines);

  return lines;
}

/**
 * tc_source_lines_new:
 *
 * Returns: (transfer full): the annotations of @file
 */
TcSourceLines *
tc_source_lines_new (TcDocument      *doc,
                     const TcDocFile *file)
{
  TcSourceLines *self;
  TcCoverage *coverage;

  g_return_val_if_fail (TC_IS_DOCUMENT (doc), NULL);
  g_return_val_if_fail (file != NULL, NULL);

  self = g_new0 (TcSourceLines, 1);

  if (file->line_hits != NULL && file->line_hits->len > 0 &&
      (coverage = tc_analysis_coverage (doc, file->path, NULL, NULL, NULL)) != NULL)
    {
      self->lines = g_array_ref (coverage->lines);
      self->n_executable = coverage->n_executable;
      self->n_hit = coverage->n_hit;
      self->n_before = coverage->n_before;
      self->counted = coverage->counted;
      tc_coverage_free (coverage);
      return self;
    }

  self->per_function = TRUE;
  self->counted = TRUE;      /* calls per function are counts */
  self->lines = function_lines (doc, file, &self->n_functions);

  return self;
}

void
tc_source_lines_free (TcSourceLines *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->lines, g_array_unref);
  g_free (self);
}

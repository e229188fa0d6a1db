/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-coverage.c — line coverage of one file from the recorded line
 * hits and the embedded source (spec §7.9), per file (the seed summed hits
 * by line number across all files) and with the percentage over executable
 * lines (the seed divided by every line, blanks included).
 */
#include "tc-document-private.h"
#include "tc-text-private.h"

void
tc_coverage_free (TcCoverage *coverage)
{
  if (coverage == NULL)
    return;
  g_array_unref (coverage->lines);
  g_free (coverage);
}

static const TcDocFile *
find_file (TcDocument *doc, const char *name)
{
  GPtrArray *files = tc_document_get_files (doc);
  const TcDocSession *session = tc_document_get_session (doc);

  if (name == NULL)
    name = session->src;
  for (guint i = 0; i < files->len; i++)
    {
      const TcDocFile *f = g_ptr_array_index (files, i);

      if (strcmp (f->path, name) == 0)
        return f;
    }
  for (guint i = 0; i < files->len; i++)
    {
      const TcDocFile *f = g_ptr_array_index (files, i);
      g_autofree char *base = g_path_get_basename (name);

      if (strcmp (f->basename, base) == 0)
        return f;
    }
  /* Fallback: the tracked file with the most hits. */
  if (name == session->src)
    {
      const TcDocFile *best = NULL;

      for (guint i = 0; i < files->len; i++)
        {
          const TcDocFile *f = g_ptr_array_index (files, i);

          if (best == NULL || f->line_hits->len > best->line_hits->len)
            best = f;
        }
      return best;
    }
  return NULL;
}

static gboolean
is_executable (const char *line)
{
  while (*line == ' ' || *line == '\t')
    line++;
  return *line != '\0' && *line != '#' && *line != '\r';
}

TcCoverage *
tc_analysis_coverage (TcDocument *doc, const char *file_name, const char *source_path,
                      const TcTextStyle *style, GString *out)
{
  const TcDocFile *file = find_file (doc, file_name);
  g_autofree char *disk = NULL;
  const char *text = NULL;
  g_auto (GStrv) lines = NULL;
  TcCoverage *cov;
  guint64 max_hits = 0;
  guint n_lines;

  if (out)
    tc_text_banner (out, style, "COVERAGE");
  if (file == NULL)
    {
      if (out)
        g_string_append_printf (out, "  (no line data for %s)\n", file_name ? file_name : "the recorded script");
      return NULL;
    }
  if (source_path && g_file_get_contents (source_path, &disk, NULL, NULL))
    text = disk;
  else
    text = tc_document_source_text (doc, file, NULL);
  if (text == NULL)
    {
      if (out)
        g_string_append_printf (out, "  (source not found: %s)\n", source_path ? source_path : file->path);
      return NULL;
    }

  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  if (n_lines > 0 && *lines[n_lines - 1] == '\0')
    n_lines--;

  cov = g_new0 (TcCoverage, 1);
  cov->file_id = file->id;
  cov->path = file->path;
  cov->n_lines = n_lines;
  cov->lines = g_array_new (FALSE, TRUE, sizeof (TcCoverageLine));
  g_array_set_size (cov->lines, n_lines);
  for (guint l = 0; l < n_lines; l++)
    g_array_index (cov->lines, TcCoverageLine, l).line = l + 1;
  for (guint i = 0; i < file->line_hits->len; i++)
    {
      const TcLineHit *hit = &g_array_index (file->line_hits, TcLineHit, i);

      if (hit->line == 0 || hit->line > n_lines)
        continue;
      g_array_index (cov->lines, TcCoverageLine, hit->line - 1).hits += hit->hits;
      g_array_index (cov->lines, TcCoverageLine, hit->line - 1).time_ns += hit->time_ns;
      max_hits = MAX (max_hits, g_array_index (cov->lines, TcCoverageLine, hit->line - 1).hits);
    }
  for (guint l = 0; l < n_lines; l++)
    if (is_executable (lines[l]))
      {
        cov->n_executable++;
        if (g_array_index (cov->lines, TcCoverageLine, l).hits > 0)
          cov->n_hit++;
      }

  if (out)
    {
      g_string_append_printf (out, "  %s\n\n  %5s %8s  SOURCE\n", file->path, "LINE", "HITS");
      for (guint l = 0; l < n_lines; l++)
        {
          guint64 hits = g_array_index (cov->lines, TcCoverageLine, l).hits;
          const char *src = lines[l];

          if (!is_executable (src) && hits == 0)
            g_string_append_printf (out, "  %s%5u %8s  %s%s\n", tc_c (style, TC_DIM), l + 1, "", src, tc_r (style));
          else if (hits == 0)
            g_string_append_printf (out, "  %s%5u %8d  %s  ← never hit%s\n", tc_c (style, TC_RED), l + 1, 0, src, tc_r (style));
          else
            {
              const char *colour = hits * 10 >= max_hits * 8 ? TC_RED TC_BOLD
                                   : hits * 10 >= max_hits * 3 ? TC_YELLOW : TC_GREEN;

              g_string_append_printf (out, "  %s%5u %8" G_GUINT64_FORMAT "%s  %s%s\n", tc_c (style, colour),
                                      l + 1, hits, tc_r (style), src,
                                      hits * 10 >= max_hits * 8 ? "  ← HOT" : "");
            }
        }
      g_string_append_printf (out, "\n  %u/%u executable lines hit (%.1f%%) | %u executable lines never reached\n",
                              cov->n_hit, cov->n_executable,
                              cov->n_executable ? 100.0 * cov->n_hit / cov->n_executable : 0.0,
                              cov->n_executable - cov->n_hit);
    }
  return cov;
}

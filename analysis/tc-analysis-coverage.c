/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-coverage.c — line coverage of one file from the recorded line
 * hits and the embedded source (spec §7.9), per file (the seed summed hits
 * by line number across all files) and with the percentage over executable
 * lines (the seed divided by every line, blanks included).  First-hit
 * recordings (every current one) say "ran / never ran", not counts, and
 * top-level code that ran before record() is not judged.
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

gboolean
tc_analysis_line_hits_counted (TcDocument *doc)
{
  GArray *items = tc_document_get_session (doc)->items;

  for (guint i = 0; items && i < items->len; i++)
    {
      const TcDocKeyValue *kv = &g_array_index (items, TcDocKeyValue, i);

      if (g_strcmp0 (kv->key, "line_hits") == 0)
        return g_strcmp0 (kv->value, "first") != 0;
    }
  return TRUE;
}

/* Line kinds from a scan of Python source, by line (index line - 1). */
enum { KIND_NONE, KIND_TOP, KIND_BODY };   /* not code, definition time, in a def */

static gboolean
word_at (const char *p, const char *word)
{
  size_t n = strlen (word);

  return strncmp (p, word, n) == 0 && !g_ascii_isalnum (p[n]) && p[n] != '_';
}

/* Statements the compiler leaves no line event for (or not always):
 * judged only when they ran. */
static gboolean
no_event_statement (const char *p)
{
  return word_at (p, "else") || word_at (p, "try") || word_at (p, "finally")
         || word_at (p, "global") || word_at (p, "nonlocal");
}

/* A small tokenizer: strings (triple-quoted too), comments, brackets and
 * backslash continuations, enough to find where each logical line starts,
 * whether it is a bare string (a docstring: compiled away) and whether it
 * lies inside a function body (runs when called) or at module/class level
 * (runs when the module is imported). */
typedef struct { guint indent; guint line; gboolean is_def; } Block;

/* Returns the kind of each line; `owners[l]` is the 1-based header line of
 * the innermost def a line belongs to (0: module or class level). */
static guint8 *
scan_python (const char *text, guint n_lines, guint *owners)
{
  guint8 *kinds = g_new0 (guint8, n_lines + 1);
  g_autoptr (GArray) defs = g_array_new (FALSE, FALSE, sizeof (Block));   /* open def/class headers */
  const char *p = text;
  guint line = 0;          /* 0-based line of p */
  int depth = 0;           /* open brackets */
  char quote = 0;          /* inside a string: its quote char */
  gboolean triple = FALSE;
  gboolean continued = FALSE;  /* backslash at the end of the previous line */
  guint stmt_line = 0;     /* first line of the current logical line */
  gboolean string_only = FALSE, in_stmt = FALSE;

  while (*p && line < n_lines)
    {
      /* At the start of a physical line outside any string or bracket: a
       * new logical line, unless continued. */
      if (quote == 0 && depth == 0 && !continued)
        {
          const char *q = p;
          guint indent = 0;

          while (*q == ' ' || *q == '\t')
            {
              indent += *q == '\t' ? 8 - indent % 8 : 1;
              q++;
            }
          if (*q == '\n' || *q == '\r' || *q == '#' || *q == '\0')
            {
              p = q;     /* blank or comment line: no statement starts */
            }
          else
            {
              guint owner = 0;

              if (in_stmt && string_only)
                for (guint l = stmt_line; l < line; l++)
                  kinds[l] = KIND_NONE;
              while (defs->len > 0 && g_array_index (defs, Block, defs->len - 1).indent >= indent)
                g_array_set_size (defs, defs->len - 1);
              for (guint d = 0; d < defs->len; d++)
                if (g_array_index (defs, Block, d).is_def)
                  owner = g_array_index (defs, Block, d).line + 1;
              owners[line] = owner;
              stmt_line = line;
              in_stmt = TRUE;
              string_only = strchr ("'\"", *q) != NULL
                            || (strchr ("rRbBuU", *q) && (strchr ("'\"", q[1]) || (strchr ("rRbB", q[1]) && strchr ("'\"", q[2]))));
              kinds[line] = no_event_statement (q) ? KIND_NONE : owner != 0 ? KIND_BODY : KIND_TOP;
              {
                const char *h = q;

                if (word_at (h, "async"))
                  for (h += 5; *h == ' '; h++)
                    ;
                if (word_at (h, "def") || word_at (q, "class"))
                  {
                    Block block = { indent, line, word_at (h, "def") };

                    g_array_append_val (defs, block);
                  }
              }
              p = q;
            }
        }
      continued = FALSE;
      /* The rest of the physical line. */
      while (*p && *p != '\n')
        {
          if (quote != 0)
            {
              if (*p == '\\' && p[1] != '\0' && p[1] != '\n')
                p += 2;
              else if (*p == '\\' && p[1] == '\n')
                {
                  p++;
                  break;
                }
              else if (*p == quote && (!triple || (p[1] == quote && p[2] == quote)))
                {
                  p += triple ? 3 : 1;
                  quote = 0;
                }
              else
                p++;
              continue;
            }
          if (*p == '#')
            {
              while (*p && *p != '\n')
                p++;
              break;
            }
          if (*p == '\'' || *p == '"')
            {
              quote = *p;
              triple = p[1] == quote && p[2] == quote;
              p += triple ? 3 : 1;
              continue;
            }
          if (*p == '\\' && (p[1] == '\n' || (p[1] == '\r' && p[2] == '\n')))
            {
              continued = TRUE;
              p++;
              continue;
            }
          if (*p == '(' || *p == '[' || *p == '{')
            depth++;
          else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
            depth--;
          /* Anything but a string prefix, a space or a '\r' after the first
           * token makes the statement more than a bare string. */
          if (string_only && !g_ascii_isspace (*p) && !strchr ("rRbBuU", *p))
            string_only = FALSE;
          p++;
        }
      if (quote != 0 && !triple)
        quote = 0;     /* an unterminated one-line string ends at the line */
      if (*p == '\n')
        p++;
      line++;
    }
  if (in_stmt && string_only)
    for (guint l = stmt_line; l < line && l < n_lines; l++)
      kinds[l] = KIND_NONE;
  return kinds;
}

const char *
tc_coverage_state_name (TcCoverageState state)
{
  switch (state)
    {
    case TC_COVERAGE_RAN:
      return "ran";
    case TC_COVERAGE_NEVER_RAN:
      return "never ran";
    case TC_COVERAGE_BEFORE_RECORDING:
      return "before recording";
    case TC_COVERAGE_NOT_CODE:
    default:
      return NULL;
    }
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
  guint8 *kinds;
  guint *owners, *first_code, *first_ran;

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
  cov->counted = tc_analysis_line_hits_counted (doc);
  owners = g_new0 (guint, n_lines + 1);
  kinds = scan_python (text, n_lines, owners);
  /* Per block of code (the top level, each def body): its first code line
   * and the first line that ran.  A block whose later lines ran but whose
   * first line did not was already running when the recording started
   * (the top level above record(), the function that called record()):
   * its lines above the first hit ran before, not judged.  A top level
   * with no hit at all ran before too (imports, definitions); a def body
   * with none was never called. */
  first_code = g_new0 (guint, n_lines + 2);
  first_ran = g_new0 (guint, n_lines + 2);
  for (guint l = 0; l < n_lines; l++)
    {
      guint o = owners[l];

      if (kinds[l] == KIND_NONE && g_array_index (cov->lines, TcCoverageLine, l).hits == 0)
        continue;
      if (first_code[o] == 0)
        first_code[o] = l + 1;
      if (first_ran[o] == 0 && g_array_index (cov->lines, TcCoverageLine, l).hits > 0)
        first_ran[o] = l + 1;
    }
  for (guint l = 0; l < n_lines; l++)
    {
      TcCoverageLine *entry = &g_array_index (cov->lines, TcCoverageLine, l);
      guint o = owners[l];

      if (entry->hits > 0)
        entry->state = TC_COVERAGE_RAN;
      else if (kinds[l] == KIND_NONE)
        entry->state = TC_COVERAGE_NOT_CODE;
      else if (first_ran[o] == 0)
        entry->state = kinds[l] == KIND_TOP ? TC_COVERAGE_BEFORE_RECORDING : TC_COVERAGE_NEVER_RAN;
      else if (first_code[o] != first_ran[o] && l + 1 < first_ran[o])
        entry->state = TC_COVERAGE_BEFORE_RECORDING;
      else
        entry->state = TC_COVERAGE_NEVER_RAN;
      cov->n_hit += entry->state == TC_COVERAGE_RAN;
      cov->n_executable += entry->state == TC_COVERAGE_RAN || entry->state == TC_COVERAGE_NEVER_RAN;
      cov->n_before += entry->state == TC_COVERAGE_BEFORE_RECORDING;
    }
  g_free (owners);
  g_free (first_code);
  g_free (first_ran);
  g_free (kinds);

  if (out)
    {
      if (cov->counted)
        g_string_append_printf (out, "  %s\n\n  %5s %8s  SOURCE\n", file->path, "LINE", "HITS");
      else
        g_string_append_printf (out, "  %s\n  (this recording knows which lines ran, not how often)\n\n"
                                "  %5s %8s  SOURCE\n", file->path, "LINE", "RAN");
      for (guint l = 0; l < n_lines; l++)
        {
          const TcCoverageLine *entry = &g_array_index (cov->lines, TcCoverageLine, l);
          guint64 hits = entry->hits;
          const char *src = lines[l];

          if (entry->state == TC_COVERAGE_NOT_CODE)
            g_string_append_printf (out, "  %s%5u %8s  %s%s\n", tc_c (style, TC_DIM), l + 1, "", src, tc_r (style));
          else if (entry->state == TC_COVERAGE_BEFORE_RECORDING)
            g_string_append_printf (out, "  %s%5u %8s  %s  · %s%s\n", tc_c (style, TC_DIM), l + 1, "",
                                    src, tc_coverage_state_name (entry->state), tc_r (style));
          else if (entry->state == TC_COVERAGE_NEVER_RAN)
            g_string_append_printf (out, "  %s%5u %8s  %s  ← %s%s\n", tc_c (style, TC_RED), l + 1,
                                    cov->counted ? "0" : "✗", src,
                                    cov->counted ? "never hit" : tc_coverage_state_name (entry->state), tc_r (style));
          else if (!cov->counted)
            g_string_append_printf (out, "  %s%5u %8s%s  %s\n", tc_c (style, TC_GREEN), l + 1, "✓", tc_r (style), src);
          else
            {
              const char *colour = hits * 10 >= max_hits * 8 ? TC_RED TC_BOLD
                                   : hits * 10 >= max_hits * 3 ? TC_YELLOW : TC_GREEN;

              g_string_append_printf (out, "  %s%5u %8" G_GUINT64_FORMAT "%s  %s%s\n", tc_c (style, colour),
                                      l + 1, hits, tc_r (style), src,
                                      hits * 10 >= max_hits * 8 ? "  ← HOT" : "");
            }
        }
      g_string_append_printf (out, cov->counted ? "\n  %u/%u executable lines hit (%.1f%%) | %u executable lines never reached"
                                                : "\n  %u/%u executable lines ran (%.1f%%) | %u never ran",
                              cov->n_hit, cov->n_executable,
                              cov->n_executable ? 100.0 * cov->n_hit / cov->n_executable : 0.0,
                              cov->n_executable - cov->n_hit);
      if (cov->n_before > 0)
        g_string_append_printf (out, " | %u ran before recording (not judged)", cov->n_before);
      g_string_append_c (out, '\n');
    }
  return cov;
}

/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-loops.c — loop_detector (spec §7.5).  STUCK comes from the
 * recorder's STUCK_LOOP warnings; TIGHT counts only timer snapshots (the
 * seed counted trace snapshots, which all land on the caller's line); the
 * O(N²) rule compares per-call durations of the first and last third of a
 * function's calls instead of the spacing of snapshots.
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

static void
finding_clear (gpointer data)
{
  TcLoopFinding *f = data;

  g_free (f->fn);
  g_free (f->evidence);
}

static void
add (GArray *out, const char *type, const char *severity, const char *fn, guint line, char *evidence)
{
  TcLoopFinding f = { type, severity, g_strdup (fn), line, evidence };

  g_array_append_val (out, f);
}

GArray *
tc_analysis_loops (TcDocument *doc, const TcTextStyle *style, GString *out)
{
  GArray *result = g_array_new (FALSE, FALSE, sizeof (TcLoopFinding));
  GArray *warnings = tc_document_get_warnings (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint timers = 0;

  g_array_set_clear_func (result, finding_clear);

  for (guint i = 0; i < warnings->len; i++)
    {
      const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);
      g_autofree char *fn = NULL;
      guint line = 0;

      if (strcmp (w->code, "STUCK_LOOP") != 0)
        continue;
      /* "Stuck at <fn>():<ln> for <s>s" */
      if (g_str_has_prefix (w->message, "Stuck at "))
        {
          const char *p = w->message + 9, *paren = strstr (p, "():");

          if (paren)
            {
              fn = g_strndup (p, paren - p);
              line = (guint) g_ascii_strtoull (paren + 3, NULL, 10);
            }
        }
      add (result, "STUCK", "HIGH", fn ? fn : (*w->var ? w->var : "?"), line, g_strdup (w->message));
    }

  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);

      if (s->kind != TC_SNAPSHOT_TIMER)
        continue;
      timers++;
      {
        char *key = g_strdup_printf ("%s\n%u", tc_snapshot_fn (doc, s), tc_snapshot_line (s));
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

        g_hash_table_insert (counts, key, GUINT_TO_POINTER (n + 1));
      }
    }
  if (timers > 5)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint n = GPOINTER_TO_UINT (value);
          g_auto (GStrv) parts = g_strsplit (key, "\n", 2);

          if (n * 10 > timers * 7)
            add (result, "TIGHT", "MEDIUM", parts[0], (guint) g_ascii_strtoull (parts[1], NULL, 10),
                 g_strdup_printf ("%u/%u timer snaps on this line", n, timers));
        }
    }

  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);
      const TcDocCode *code = tc_document_get_code (doc, s->code_id);
      guint line = code ? code->first_line : 0;

      if (s->calls >= 9 && s->late_early_ratio > 5.0)
        add (result, "O(N²)", "HIGH", s->name, line,
             g_strdup_printf ("per-call time grew %.1f× from the first to the last third of %" G_GUINT64_FORMAT " calls",
                              s->late_early_ratio, s->calls));
      if (s->max_depth > 50)
        add (result, "DEEP_REC", "HIGH", s->name, line, g_strdup_printf ("recursion depth %u", s->max_depth));
      else if (s->max_depth > 10)
        add (result, "REC", "LOW", s->name, line, g_strdup_printf ("recursion depth %u", s->max_depth));
    }

  if (out)
    {
      tc_text_banner (out, style, "LOOP DETECTOR");
      for (guint i = 0; i < result->len; i++)
        {
          const TcLoopFinding *f = &g_array_index (result, TcLoopFinding, i);
          const char *colour = strcmp (f->severity, "HIGH") == 0 ? TC_RED
                               : strcmp (f->severity, "MEDIUM") == 0 ? TC_YELLOW : TC_DIM;
          g_autofree char *tag = g_strdup_printf ("[%-8s]", f->type);

          g_string_append_printf (out, "  %s%s %-6s%s %s():%u\n      %s\n", tc_c (style, colour), tag,
                                  f->severity, tc_r (style), f->fn, f->line, f->evidence);
        }
      if (result->len == 0)
        g_string_append_printf (out, "  %s✓ No loop problems detected.%s\n", tc_c (style, TC_GREEN), tc_r (style));
      g_string_append_printf (out, "\n  %u finding(s)\n", result->len);
    }
  return result;
}

/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-patch.c — patch_summary: what changed between a recording
 * before a change and one after it (spec §7.6).
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

static void
finding_clear (gpointer data)
{
  g_free (((TcPatchFinding *) data)->text);
}

static void
emit (GArray *findings, GString *out, const TcTextStyle *style, const char *colour,
      const char *tag, char *text)
{
  TcPatchFinding f = { tag, text };

  g_array_append_val (findings, f);
  if (out)
    {
      g_autofree char *bracket = g_strdup_printf ("[%-7s]", tag);

      g_string_append_printf (out, "  %s%s%s  %s\n", tc_c (style, colour), bracket, tc_r (style), text);
    }
}

static GHashTable *
avg_by_name (TcDocument *doc)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *stats = tc_document_get_function_stats (doc);

  for (guint i = 0; i < stats->len; i++)
    {
      TcFunctionStats *s = g_ptr_array_index (stats, i);

      g_hash_table_insert (table, (char *) s->name, s);
    }
  return table;
}

static int
compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
warning_codes (TcDocument *doc)
{
  GArray *w = tc_document_get_warnings (doc);
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < w->len; i++)
    {
      const char *code = g_array_index (w, TcDocWarning, i).code;
      /* TRACE_SLOW:<fn>:<call #> names one call: two runs are compared by
       * the family (TRACE_SLOW:<fn>), or every run would "fix" and "add" them. */
      const char *colon = g_str_has_prefix (code, "TRACE_SLOW:") ? strrchr (code, ':') : NULL;
      g_autofree char *family = colon && colon > code + strlen ("TRACE_SLOW")
                                ? g_strndup (code, colon - code) : g_strdup (code);
      gboolean seen = FALSE;

      for (guint k = 0; k < codes->len && !seen; k++)
        seen = strcmp (g_ptr_array_index (codes, k), family) == 0;
      if (!seen)
        g_ptr_array_add (codes, g_steal_pointer (&family));
    }
  g_ptr_array_sort (codes, compare_str);
  return codes;
}

static char *
difference (GPtrArray *a, GPtrArray *b)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < a->len; i++)
    {
      gboolean found = FALSE;

      for (guint k = 0; k < b->len && !found; k++)
        found = strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, k)) == 0;
      if (!found)
        g_string_append_printf (s, "%s%s", s->len ? ", " : "", (char *) g_ptr_array_index (a, i));
    }
  return g_string_free (s, s->len == 0);
}

GArray *
tc_analysis_patch_summary (TcDocument *before, TcDocument *after,
                           const TcTextStyle *style, GString *out)
{
  GArray *findings = g_array_new (FALSE, FALSE, sizeof (TcPatchFinding));
  double d0 = tc_document_get_duration (before), d1 = tc_document_get_duration (after);
  g_autoptr (GHashTable) s0 = avg_by_name (before);
  g_autoptr (GHashTable) s1 = avg_by_name (after);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const TcDocCrash *c0 = tc_document_get_crash (before), *c1 = tc_document_get_crash (after);
  double r0 = tc_document_get_ram_peak_mb (before), r1 = tc_document_get_ram_peak_mb (after);
  TcGpuPeaks gpu0, gpu1;
  int gpu;
  g_autoptr (GPtrArray) w0 = warning_codes (before);
  g_autoptr (GPtrArray) w1 = warning_codes (after);
  GHashTableIter iter;
  gpointer key;
  char *new_w, *fixed_w;

  g_array_set_clear_func (findings, finding_clear);
  if (out)
    {
      g_autofree char *b0 = g_path_get_basename (tc_document_get_path (before));
      g_autofree char *b1 = g_path_get_basename (tc_document_get_path (after));

      tc_text_banner (out, style, "PATCH SUMMARY");
      g_string_append_printf (out, "  BEFORE: %s  %.3fs  %u snaps\n", b0, d0, tc_document_get_snapshots (before)->len);
      g_string_append_printf (out, "  AFTER:  %s  %.3fs  %u snaps\n\n", b1, d1, tc_document_get_snapshots (after)->len);
    }

  if (d0 > 0 && fabs (d1 - d0) / d0 > 0.05)
    emit (findings, out, style, d1 < d0 ? TC_GREEN : TC_RED, d1 < d0 ? "FASTER" : "SLOWER",
          g_strdup_printf ("Total %.3fs → %.3fs (%+.0f%%)", d0, d1, (d1 - d0) / d0 * 100));

  g_hash_table_iter_init (&iter, s0);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_hash_table_iter_init (&iter, s1);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (s0, key))
      g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_str);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const TcFunctionStats *a = g_hash_table_lookup (s0, name), *b = g_hash_table_lookup (s1, name);

      if (a && b)
        {
          double pct = a->avg_ms > 0 ? (b->avg_ms - a->avg_ms) / a->avg_ms * 100 : 0;
          /* The seed's 10 % rule alone flags microsecond functions whose
           * whole time moved by timer noise: a change must also move the
           * function's total by 1 ms and by 0.1 % of the run. */
          double moved_ms = fabs (b->total_ms - a->total_ms);

          /* Averages under 0.1 ms in µs: a generator's 0.2 µs read "0.000 ms". */
          gboolean us = MAX (a->avg_ms, b->avg_ms) < 0.1;

          if (fabs (pct) > 10 && moved_ms >= MAX (1.0, 0.001 * MAX (d0, d1) * 1000))
            emit (findings, out, style, pct < 0 ? TC_GREEN : TC_RED, pct < 0 ? "FASTER" : "SLOWER",
                  g_strdup_printf ("%s()  %.3f→%.3f %s (%+.0f%%)", name, a->avg_ms * (us ? 1000 : 1),
                                   b->avg_ms * (us ? 1000 : 1), us ? "µs" : "ms", pct));
        }
      else if (a)
        emit (findings, out, style, TC_DIM, "REMOVED", g_strdup_printf ("%s() gone", name));
      else
        emit (findings, out, style, TC_CYAN, "NEW FN", g_strdup_printf ("%s() ×%" G_GUINT64_FORMAT " avg %.3f ms",
                                                                      name, b->calls, b->avg_ms));
    }

  if (c0 && !c1)
    {
      g_autofree char *m = tc_text_head (c0->message, 40);
      emit (findings, out, style, TC_GREEN, "FIXED", g_strdup_printf ("Crash FIXED: was %s: %s", c0->exc_type, m));
    }
  else if (c1 && !c0)
    {
      g_autofree char *m = tc_text_head (c1->message, 50);
      emit (findings, out, style, TC_RED, "BROKE", g_strdup_printf ("NEW CRASH: %s: %s", c1->exc_type, m));
    }

  if (r0 > 0 && fabs (r1 - r0) > 2)
    emit (findings, out, style, r1 < r0 ? TC_GREEN : TC_YELLOW, r1 < r0 ? "LESS RAM" : "MORE RAM",
          g_strdup_printf ("RAM %.1f→%.1fMB (%+.1fMB)", r0, r1, r1 - r0));
  /* A patch's GPU memory (a smaller batch, bf16, a leak of tensors): the
   * allocators work in MB-sized blocks, so 2 MB is as much as RAM's. */
  tc_analysis_gpu_peaks (before, &gpu0);
  tc_analysis_gpu_peaks (after, &gpu1);
  gpu = tc_gpu_peaks_common (&gpu0, &gpu1);
  if (gpu >= 0)
    {
      double g0 = gpu0.peak_mb[gpu], g1 = gpu1.peak_mb[gpu];

      if (fabs (g1 - g0) > MAX (2.0, 0.01 * g0))
        emit (findings, out, style, g1 < g0 ? TC_GREEN : TC_YELLOW, g1 < g0 ? "LESS GPU" : "MORE GPU",
              g_strdup_printf ("GPU peak %.1f→%.1fMB (%+.1fMB, %s)", g0, g1, g1 - g0, tc_gpu_peak_labels[gpu]));
    }

  new_w = difference (w1, w0);
  fixed_w = difference (w0, w1);
  if (new_w)
    emit (findings, out, style, TC_YELLOW, "NEW WRN", new_w);
  if (fixed_w)
    {
      emit (findings, out, style, TC_GREEN, "FIX WRN", g_strdup_printf ("Fixed: %s", fixed_w));
      g_free (fixed_w);
    }

  if (findings->len == 0 && out)
    g_string_append (out, "  No significant differences (>10% threshold)\n");
  return findings;
}

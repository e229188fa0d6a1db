/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-memory.c — variable sizes (memory_map), the RSS leak
 * regression of spec §7.2, with the slope printed in the unit it has, and
 * the GPU memory peaks that comparisons of two runs judge by.
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

static int
compare_memory (gconstpointer a, gconstpointer b)
{
  const TcMemoryEntry *x = a, *y = b;

  if (x->max_bytes != y->max_bytes)
    return x->max_bytes < y->max_bytes ? 1 : -1;
  return strcmp (x->name, y->name);
}

GArray *
tc_analysis_memory_map (TcDocument *doc)
{
  GPtrArray *vars = tc_document_get_vars (doc);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (TcMemoryEntry));

  for (guint i = 0; i < vars->len; i++)
    {
      const TcDocVar *var = g_ptr_array_index (vars, i);
      TcMemoryEntry entry = { var->display, "", 0, 0, 0 };
      double total = 0;

      /* Only captures where the value changed carry a fresh size (seed). */
      for (guint p = 0; p < var->history->len; p++)
        {
          const TcDocVarPoint *point = &g_array_index (var->history, TcDocVarPoint, p);

          if (p == 0)
            entry.type_name = point->local->type_name;
          if (!point->changed || point->local->size == 0)
            continue;
          entry.n_seen++;
          total += point->local->size;
          entry.max_bytes = MAX (entry.max_bytes, point->local->size);
        }
      if (entry.n_seen == 0)
        continue;
      entry.avg_bytes = total / entry.n_seen;
      g_array_append_val (out, entry);
    }
  g_array_sort (out, compare_memory);
  return out;
}

TcLeakResult
tc_analysis_memory_leak (TcDocument *doc, double growth_threshold_mb,
                         const TcTextStyle *style, GString *out)
{
  TcLeakResult result = { 0 };
  const TcDocSeries *ram = tc_document_get_counter (doc, "ram_mb");
  g_autoptr (GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) ys = g_array_new (FALSE, FALSE, sizeof (double));
  double lo = INFINITY, hi = -INFINITY;

  result.verdict = "STABLE";
  if (out)
    tc_text_banner (out, style, "MEMORY LEAK CHECK");
  for (guint i = 0; ram && i < ram->points->len; i++)
    {
      const TcDocPoint *p = &g_array_index (ram->points, TcDocPoint, i);
      double t = tc_ns_to_s (p->time_ns);

      if (!isfinite (p->value) || p->value <= 0)
        continue;
      g_array_append_val (xs, t);
      g_array_append_val (ys, p->value);
      lo = MIN (lo, p->value);
      hi = MAX (hi, p->value);
    }
  result.n_points = xs->len;
  if (xs->len < 4)
    {
      result.insufficient = TRUE;
      if (out)
        g_string_append (out, "  Insufficient data.\n");
      return result;
    }

  tc_linear_regression ((double *) xs->data, (double *) ys->data, xs->len,
                        &result.slope_mb_per_s, &result.intercept_mb, &result.r_squared);
  result.growth_mb_per_min = result.slope_mb_per_s * 60;
  result.leak_detected = result.growth_mb_per_min > growth_threshold_mb && result.r_squared > 0.7;
  result.verdict = result.leak_detected ? "LEAK" : result.growth_mb_per_min > 0 ? "GROWING" : "STABLE";

  if (out)
    {
      g_autofree char *spark = tc_sparkline ((double *) ys->data, ys->len, MIN (50, ys->len), NULL);

      g_string_append_printf (out, "  RAM: ▕%s▏ %.1f…%.1fMB  (%u samples)\n", spark, lo, hi, ys->len);
      g_string_append_printf (out, "  Regression: slope=%.4fMB/s (%.2fMB/min)  R²=%.3f\n",
                              result.slope_mb_per_s, result.growth_mb_per_min, result.r_squared);
      if (result.leak_detected)
        g_string_append_printf (out, "  %s⚠ LIKELY MEMORY LEAK%s %.2fMB/min  projected +%.0fMB/hour\n",
                                tc_c (style, TC_RED), tc_r (style), result.growth_mb_per_min,
                                result.growth_mb_per_min * 60);
      else if (result.growth_mb_per_min > 0)
        g_string_append_printf (out, "  %s↑ Gradual growth%s (%.2fMB/min, R²=%.2f) — monitor over a longer run\n",
                                tc_c (style, TC_YELLOW), tc_r (style), result.growth_mb_per_min,
                                result.r_squared);
      else
        g_string_append_printf (out, "  %s✓ No leak detected%s\n", tc_c (style, TC_GREEN), tc_r (style));
    }
  return result;
}

const char *const tc_gpu_peak_counters[TC_GPU_PEAKS] = {
  "gpu_process_mb", "gpu_alloc_peak_mb", "gpu_peak_mb",
};
const char *const tc_gpu_peak_labels[TC_GPU_PEAKS] = {
  "this process", "torch allocated", "device",
};

void
tc_analysis_gpu_peaks (TcDocument *doc,
                       TcGpuPeaks *peaks)
{
  for (guint i = 0; i < TC_GPU_PEAKS; i++)
    peaks->peak_mb[i] = tc_doc_series_max (tc_document_get_counter (doc, tc_gpu_peak_counters[i]));
}

int
tc_gpu_peaks_common (const TcGpuPeaks *a,
                     const TcGpuPeaks *b)
{
  for (int i = 0; i < TC_GPU_PEAKS; i++)
    if (isfinite (a->peak_mb[i]) && isfinite (b->peak_mb[i]))
      return i;
  return -1;
}

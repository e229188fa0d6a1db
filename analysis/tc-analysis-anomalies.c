/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-anomalies.c — z-score anomalies of a metric series (spec §7.1).
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

static int
compare_z (gconstpointer a, gconstpointer b)
{
  const TcAnomaly *x = a, *y = b;

  if (x->z != y->z)
    return x->z < y->z ? 1 : -1;
  return (x->index > y->index) - (x->index < y->index);
}

GArray *
tc_analysis_anomalies_of (const double *values, guint n, double z_threshold)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (TcAnomaly));
  double sum = 0, var = 0, mean, sigma;
  guint m = 0;

  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        sum += values[i];
        m++;
      }
  if (m < 3)
    return out;
  mean = sum / m;
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      var += (values[i] - mean) * (values[i] - mean);
  sigma = sqrt (var / m);
  if (sigma == 0)
    sigma = 1e-9;
  for (guint i = 0; i < n; i++)
    {
      TcAnomaly a;

      if (!isfinite (values[i]))
        continue;
      a.index = i;
      a.time_ns = 0;
      a.value = values[i];
      a.z = round ((values[i] - mean) / sigma * 100) / 100;
      if (fabs ((values[i] - mean) / sigma) >= z_threshold)
        g_array_append_val (out, a);
    }
  g_array_sort (out, compare_z);
  return out;
}

GArray *
tc_analysis_anomalies (TcDocument *doc, const char *metric, double z_threshold,
                       const TcTextStyle *style, GString *out)
{
  const TcDocSeries *series = tc_document_get_metric (doc, metric);
  g_autofree double *values = NULL;
  GArray *result;
  guint n = 0;

  if (series == NULL)
    series = tc_document_get_counter (doc, metric);
  if (series != NULL)
    {
      n = series->points->len;
      values = g_new (double, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        values[i] = g_array_index (series->points, TcDocPoint, i).value;
    }
  result = tc_analysis_anomalies_of (values, n, z_threshold);
  for (guint i = 0; i < result->len; i++)
    {
      TcAnomaly *a = &g_array_index (result, TcAnomaly, i);

      a->time_ns = g_array_index (series->points, TcDocPoint, a->index).time_ns;
    }

  if (out != NULL)
    {
      g_autofree char *thr = tc_fmt_g (z_threshold, 4);

      g_string_append_printf (out, "[TC] anomalies in '%s' (z>%s) → %u found\n", metric, thr, result->len);
      for (guint i = 0; i < result->len; i++)
        {
          const TcAnomaly *a = &g_array_index (result, TcAnomaly, i);
          g_autofree char *v = tc_fmt_g (a->value, 6);
          int bars = MIN (20, (int) (2 * fabs (a->z)));

          g_string_append_printf (out, "  t=%.4fs  value=%s  z=%.2f  %s", tc_ns_to_s (a->time_ns),
                                  v, a->z, tc_c (style, TC_RED));
          for (int b = 0; b < bars; b++)
            g_string_append (out, "█");
          g_string_append_printf (out, "%s\n", tc_r (style));
        }
    }
  return result;
}

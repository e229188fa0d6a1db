/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-correlations.c — Pearson correlations between numeric
 * variables and metrics (spec §7.3), with the series aligned by time: the
 * seed paired them by index, which is wrong as soon as two variables are
 * captured in different snapshots.
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

double
tc_pearson (const double *x, const double *y, guint n)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;

  if (n < 3)
    return NAN;
  for (guint i = 0; i < n; i++)
    {
      mx += x[i];
      my += y[i];
    }
  mx /= n;
  my /= n;
  for (guint i = 0; i < n; i++)
    {
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
      sxy += (x[i] - mx) * (y[i] - my);
    }
  if (sxx == 0 || syy == 0)
    return NAN;
  return sxy / sqrt (sxx * syy);
}

void
tc_linear_regression (const double *x, const double *y, guint n,
                      double *slope, double *intercept, double *r_squared)
{
  double mx = 0, my = 0, sxx = 0, sxy = 0, ss_res = 0, ss_tot = 0, b, a;

  for (guint i = 0; i < n; i++)
    {
      mx += x[i];
      my += y[i];
    }
  if (n > 0)
    {
      mx /= n;
      my /= n;
    }
  for (guint i = 0; i < n; i++)
    {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
  b = sxx > 0 ? sxy / sxx : 0;
  a = my - b * mx;
  for (guint i = 0; i < n; i++)
    {
      double f = a + b * x[i];

      ss_res += (y[i] - f) * (y[i] - f);
      ss_tot += (y[i] - my) * (y[i] - my);
    }
  if (slope)
    *slope = b;
  if (intercept)
    *intercept = a;
  if (r_squared)
    *r_squared = ss_tot > 0 ? 1 - ss_res / ss_tot : 0;
}

typedef struct
{
  const char *name;
  GArray     *times;   /* gint64 */
  GArray     *values;  /* double */
} Series;

static void
series_free (Series *s)
{
  g_array_unref (s->times);
  g_array_unref (s->values);
  g_free (s);
}

static Series *
series_new (const char *name)
{
  Series *s = g_new0 (Series, 1);

  s->name = name;
  s->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  s->values = g_array_new (FALSE, FALSE, sizeof (double));
  return s;
}

static void
series_add (Series *s, gint64 t, double v)
{
  /* One value per instant: a later capture at the same time replaces it. */
  if (s->times->len > 0 && g_array_index (s->times, gint64, s->times->len - 1) == t)
    {
      g_array_index (s->values, double, s->values->len - 1) = v;
      return;
    }
  g_array_append_val (s->times, t);
  g_array_append_val (s->values, v);
}

/* Numeric series: int/float locals (not bools, not strings) and metrics. */
static GPtrArray *
collect_series (TcDocument *doc)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  GPtrArray *vars = tc_document_get_vars (doc);
  GPtrArray *metrics = tc_document_get_metrics (doc);
  g_autoptr (GHashTable) metric_names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < metrics->len; i++)
    {
      const TcDocSeries *m = g_ptr_array_index (metrics, i);
      Series *s = series_new (m->name);

      g_hash_table_add (metric_names, (char *) m->name);
      for (guint p = 0; p < m->points->len; p++)
        {
          const TcDocPoint *pt = &g_array_index (m->points, TcDocPoint, p);

          if (pt->raw.kind != TC_VALUE_BOOL && isfinite (pt->value))
            series_add (s, pt->time_ns, pt->value);
        }
      g_ptr_array_add (all, s);
    }
  for (guint i = 0; i < vars->len; i++)
    {
      const TcDocVar *var = g_ptr_array_index (vars, i);
      Series *s;

      if (g_str_has_prefix (var->name, "__") || g_hash_table_contains (metric_names, var->display))
        continue;
      s = series_new (var->display);
      for (guint p = 0; p < var->history->len; p++)
        {
          const TcDocVarPoint *pt = &g_array_index (var->history, TcDocVarPoint, p);
          const TcValue *v = &pt->local->value;

          if ((v->kind == TC_VALUE_INT || v->kind == TC_VALUE_FLOAT) && isfinite (tc_value_to_double (v)))
            series_add (s, pt->time_ns, tc_value_to_double (v));
        }
      g_ptr_array_add (all, s);
    }
  return all;
}

/* Sample-and-hold both series over the union of their instants, from the
 * moment both have a value. */
static guint
align (const Series *a, const Series *b, GArray *xa, GArray *xb)
{
  guint i = 0, j = 0;
  const gint64 *ta = (const gint64 *) a->times->data, *tb = (const gint64 *) b->times->data;
  const double *va = (const double *) a->values->data, *vb = (const double *) b->values->data;

  g_array_set_size (xa, 0);
  g_array_set_size (xb, 0);
  while (i < a->times->len || j < b->times->len)
    {
      gint64 t;

      if (j >= b->times->len || (i < a->times->len && ta[i] <= tb[j]))
        t = ta[i];
      else
        t = tb[j];
      while (i < a->times->len && ta[i] == t)
        i++;
      while (j < b->times->len && tb[j] == t)
        j++;
      if (i > 0 && j > 0)
        {
          g_array_append_val (xa, va[i - 1]);
          g_array_append_val (xb, vb[j - 1]);
        }
    }
  return xa->len;
}

static void
correlation_clear (gpointer data)
{
  TcCorrelation *c = data;

  g_free (c->a);
  g_free (c->b);
}

static int
compare_abs_r (gconstpointer a, gconstpointer b)
{
  const TcCorrelation *x = a, *y = b;

  if (fabs (x->r) != fabs (y->r))
    return fabs (x->r) < fabs (y->r) ? 1 : -1;
  if (strcmp (x->a, y->a) != 0)
    return strcmp (x->a, y->a);
  return strcmp (x->b, y->b);
}

GArray *
tc_analysis_correlations (TcDocument *doc, double min_r, const TcTextStyle *style, GString *out)
{
  g_autoptr (GPtrArray) all = collect_series (doc);
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  g_autoptr (GArray) xa = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) xb = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *result = g_array_new (FALSE, FALSE, sizeof (TcCorrelation));
  guint min_points = MAX (5, tc_document_get_snapshots (doc)->len / 4);

  g_array_set_clear_func (result, correlation_clear);
  for (guint i = 0; i < all->len; i++)
    {
      Series *s = g_ptr_array_index (all, i);

      if (s->times->len >= min_points)
        g_ptr_array_add (kept, s);
    }
  for (guint i = 0; i < kept->len; i++)
    for (guint j = i + 1; j < kept->len; j++)
      {
        const Series *a = g_ptr_array_index (kept, i), *b = g_ptr_array_index (kept, j);
        guint n = align (a, b, xa, xb);
        double r = tc_pearson ((double *) xa->data, (double *) xb->data, n);
        TcCorrelation c;

        if (isnan (r) || fabs (r) < min_r)
          continue;
        c.a = g_strdup (a->name);
        c.b = g_strdup (b->name);
        c.r = r;
        c.n = n;
        g_array_append_val (result, c);
      }
  g_array_sort (result, compare_abs_r);

  if (out)
    {
      tc_text_banner (out, style, "VARIABLE CORRELATIONS");
      if (result->len == 0)
        g_string_append_printf (out, "  No correlations with |r| ≥ %.2f.\n", min_r);
      for (guint i = 0; i < MIN (result->len, 30); i++)
        {
          const TcCorrelation *c = &g_array_index (result, TcCorrelation, i);
          double ar = fabs (c->r);
          const char *strength = ar > 0.95 ? "very strong" : ar > 0.85 ? "strong"
                                 : ar > 0.70 ? "moderate" : "weak";
          g_autofree char *bar = tc_heat_bar (ar, 1.0, 20);
          g_autofree char *pair = g_strdup_printf ("%s ↔ %s", c->a, c->b);

          g_string_append (out, "  ");
          tc_text_pad (out, pair, 36, FALSE);
          g_string_append_printf (out, "  r=%s%+.3f%s  %s%s%s  %s %s  (n=%u)\n",
                                  tc_c (style, c->r > 0 ? TC_GREEN : TC_RED), c->r, tc_r (style),
                                  tc_c (style, TC_CYAN), bar, tc_r (style), strength,
                                  c->r > 0 ? "positive" : "negative", c->n);
        }
      g_string_append_printf (out, "\n  %u numeric variables · %u correlation(s)\n", kept->len, result->len);
    }
  return result;
}

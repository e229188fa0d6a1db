/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-vars.c — snapshots and variables: where a snapshot was taken,
 * search, and the heatmap of numeric series (resampled by time).
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

const TcDocCapture *
tc_snapshot_origin (const TcDocSnapshot *snap)
{
  for (guint i = 0; i < snap->n_threads; i++)
    if (snap->threads[i].thread_id == snap->origin_thread)
      return &snap->threads[i];
  return snap->n_threads > 0 ? &snap->threads[0] : NULL;
}

static const TcStackFrame *
origin_frame (const TcDocSnapshot *snap)
{
  const TcDocCapture *cap = tc_snapshot_origin (snap);

  if (cap == NULL || cap->n_stack == 0)
    return NULL;
  return &cap->stack[MIN (cap->locals_depth, cap->n_stack - 1)];
}

/* The qualified name, as the seed printed it in "fn():ln": a name shared
 * by codes of several files gets its file from tc_snapshot_where(), not
 * the display name's "(file:line)" before the "()". */
const char *
tc_snapshot_fn (TcDocument *doc, const TcDocSnapshot *snap)
{
  const TcStackFrame *frame = origin_frame (snap);
  const TcDocCode *code = frame ? tc_document_get_code (doc, frame->code_id) : NULL;

  return code ? code->qualname : "?";
}

char *
tc_code_place (TcDocument *doc,
               guint32     code_id,
               guint32     line)
{
  const TcDocCode *code = tc_document_get_code (doc, code_id);
  const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;

  if (code == NULL)
    return g_strdup_printf ("?():%u", line);
  if (!g_str_equal (code->display, code->qualname))
    return g_strdup_printf ("%s():%u (%s)", code->qualname, line, file && *file->basename ? file->basename : "?");
  return g_strdup_printf ("%s():%u", code->qualname, line);
}

char *
tc_snapshot_where (TcDocument *doc, const TcDocSnapshot *snap)
{
  const TcStackFrame *frame = origin_frame (snap);

  /* A snapshot taken before the program's first frame (the start of
   * `timecapsule run`) or on a thread with none captured. */
  if (frame == NULL)
    return g_strdup ("(no frame)");
  return tc_code_place (doc, frame->code_id, frame->line);
}

guint32
tc_snapshot_line (const TcDocSnapshot *snap)
{
  const TcStackFrame *frame = origin_frame (snap);

  return frame ? frame->line : 0;
}

const char *
tc_snapshot_file (TcDocument *doc, const TcDocSnapshot *snap, gboolean basename)
{
  const TcStackFrame *frame = origin_frame (snap);
  const TcDocCode *code = frame ? tc_document_get_code (doc, frame->code_id) : NULL;
  const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;

  if (file == NULL)
    return "";
  return basename ? file->basename : file->path;
}

static gboolean
contains_ci (const char *haystack, const char *needle_folded)
{
  g_autofree char *folded = g_utf8_casefold (haystack, -1);

  return strstr (folded, needle_folded) != NULL;
}

GArray *
tc_analysis_search (TcDocument *doc, const char *query, guint fields)
{
  GArray *snaps = tc_document_get_snapshots (doc);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *trimmed = g_strstrip (g_strdup (query ? query : ""));
  g_autofree char *q = NULL;
  GPtrArray *metrics = tc_document_get_metrics (doc);

  if (*trimmed == '\0')
    return out;
  q = g_utf8_casefold (trimmed, -1);
  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *s = &g_array_index (snaps, TcDocSnapshot, i);
      gboolean hit = FALSE;

      if ((fields & TC_SEARCH_LABEL) && contains_ci (s->label, q))
        hit = TRUE;
      if (!hit && (fields & TC_SEARCH_EVT) && contains_ci (s->evt, q))
        hit = TRUE;
      if (!hit && (fields & TC_SEARCH_FN) && contains_ci (tc_snapshot_fn (doc, s), q))
        hit = TRUE;
      for (guint t = 0; !hit && (fields & TC_SEARCH_TAGS) && s->tags[t]; t++)
        hit = contains_ci (s->tags[t], q);
      for (guint m = 0; !hit && (fields & TC_SEARCH_METRICS) && m < s->n_metrics; m++)
        {
          g_autofree char *v = tc_value_repr (&s->metrics[m].value, 0);
          const char *name = "";

          for (guint k = 0; k < metrics->len; k++)
            if (((TcDocSeries *) g_ptr_array_index (metrics, k))->id == s->metrics[m].metric_id)
              name = ((TcDocSeries *) g_ptr_array_index (metrics, k))->name;
          hit = contains_ci (name, q) || contains_ci (v, q);
        }
      if (!hit && (fields & TC_SEARCH_LOCALS))
        {
          const TcDocCapture *cap = tc_snapshot_origin (s);

          for (guint l = 0; cap && !hit && l < cap->n_locals; l++)
            {
              const TcDocVar *var = tc_document_get_var (doc, cap->locals[l].var_id);

              hit = (var && contains_ci (var->name, q)) || contains_ci (cap->locals[l].repr, q);
            }
        }
      if (hit)
        g_array_append_val (out, i);
    }
  return out;
}

/* ---- heatmap ------------------------------------------------------------- */

typedef struct
{
  const char *name;
  GArray     *points;   /* TcDocPoint-like: time + value */
} HeatSeries;

static void
heat_row (GString *out, const TcTextStyle *style, const char *name, const GArray *pts,
          gint64 t0, gint64 t1, guint width)
{
  static const char *levels[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
  double lo = INFINITY, hi = -INFINITY, sum = 0, var = 0, range, mean;
  guint n = pts->len, p = 0;
  g_autofree char *lo_s = NULL, *hi_s = NULL, *mu_s = NULL, *sd_s = NULL;

  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (pts, TcDocPoint, i).value;

      lo = MIN (lo, v);
      hi = MAX (hi, v);
      sum += v;
    }
  mean = sum / n;
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (pts, TcDocPoint, i).value - mean;
      var += v * v;
    }
  range = hi - lo > 0 ? hi - lo : 1;

  g_string_append (out, "  ");
  {
    g_autofree char *label = tc_text_tail (name, 18);
    tc_text_pad (out, label, 18, FALSE);
  }
  g_string_append (out, " ▕");
  for (guint c = 0; c < width; c++)
    {
      /* The value in force at the end of the cell (sample and hold). */
      gint64 cell_end = t0 + (gint64) ((double) (t1 - t0) * (c + 1) / width);
      double v, x;
      const char *colour;

      while (p < n && g_array_index (pts, TcDocPoint, p).time_ns <= cell_end)
        p++;
      if (p == 0)
        {
          g_string_append_c (out, ' ');
          continue;
        }
      v = g_array_index (pts, TcDocPoint, p - 1).value;
      x = (v - lo) / range;
      colour = x < 0.33 ? TC_BLUE : x < 0.66 ? TC_YELLOW : TC_RED;
      g_string_append_printf (out, "%s%s%s", tc_c (style, colour),
                              levels[CLAMP ((int) (x * 7), 0, 7)], tc_r (style));
    }
  lo_s = tc_fmt_g (lo, 4);
  hi_s = tc_fmt_g (hi, 4);
  mu_s = tc_fmt_g (mean, 4);
  sd_s = tc_fmt_g (sqrt (var / n), 4);
  g_string_append_printf (out, "▏ %s…%s μ=%s σ=%s\n", lo_s, hi_s, mu_s, sd_s);
}

void
tc_analysis_heatmap (TcDocument *doc, const char *var_name, guint width,
                     const TcTextStyle *style, GString *out)
{
  GPtrArray *vars = tc_document_get_vars (doc);
  GPtrArray *metrics = tc_document_get_metrics (doc);
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gint64 t0 = 0, t1 = 0;

  if (width == 0)
    width = 60;
  tc_document_get_time_range (doc, NULL, &t1);

  for (guint i = 0; i < metrics->len; i++)
    {
      const TcDocSeries *m = g_ptr_array_index (metrics, i);
      GArray *pts = g_array_new (FALSE, FALSE, sizeof (TcDocPoint));

      for (guint p = 0; p < m->points->len; p++)
        {
          const TcDocPoint *pt = &g_array_index (m->points, TcDocPoint, p);

          if (isfinite (pt->value))
            g_array_append_val (pts, *pt);
        }
      g_ptr_array_add (owned, pts);
      if ((var_name == NULL || strcmp (var_name, m->name) == 0) && pts->len >= 2)
        {
          g_ptr_array_add (rows, (char *) m->name);
          g_ptr_array_add (rows, pts);
        }
    }
  for (guint i = 0; i < vars->len; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);
      GArray *pts;

      if (g_str_has_prefix (v->name, "__"))
        continue;
      if (var_name != NULL && strcmp (var_name, v->display) != 0 && strcmp (var_name, v->name) != 0)
        continue;
      pts = g_array_new (FALSE, FALSE, sizeof (TcDocPoint));
      for (guint p = 0; p < v->history->len; p++)
        {
          const TcDocVarPoint *vp = &g_array_index (v->history, TcDocVarPoint, p);
          TcDocPoint pt = { vp->time_ns, tc_value_to_double (&vp->local->value), vp->local->value };

          if (vp->local->value.kind != TC_VALUE_BOOL && isfinite (pt.value))
            g_array_append_val (pts, pt);
        }
      g_ptr_array_add (owned, pts);
      if (pts->len >= 2)
        {
          g_ptr_array_add (rows, (char *) v->display);
          g_ptr_array_add (rows, pts);
        }
    }

  if (rows->len == 0)
    {
      if (var_name)
        g_string_append_printf (out, "[TC] No numeric data for heatmap of '%s'\n", var_name);
      else
        g_string_append (out, "[TC] No numeric data for heatmap\n");
      return;
    }
  tc_text_banner (out, style, "VARIABLE HEATMAP  (value over time)");
  for (guint i = 0; i < rows->len; i += 2)
    heat_row (out, style, g_ptr_array_index (rows, i), g_ptr_array_index (rows, i + 1), t0, t1, width);
  g_string_append (out, "  ");
  tc_text_pad (out, "", 18, FALSE);
  g_string_append (out, "  t=0");
  {
    g_autofree char *end = g_strdup_printf ("%.3fs", tc_ns_to_s (t1));
    int dashes = (int) width - 3 - (int) strlen (end);

    for (int d = 0; d < dashes; d++)
      g_string_append (out, "─");
    g_string_append_printf (out, "%s\n", end);
  }
}

/* tc-process-draw.c — the process lanes of a multi-process recording
 * (screen and PDF)
 *
 * SPDX-License-Identifier: MIT
 *
 * One group per process on the parent's clock: a header (pid, role,
 * status, command, a bar over its lifetime), one flame-chart lane per
 * thread, a crash marker where it crashed.  The Processes page
 * (TcProcessLanes) and the PDF export draw with these functions, and the
 * page's tooltips and clicks hit-test with the same geometry.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-chart-draw.h"

#define MAX_ROWS   6     /* call levels drawn per thread lane */
#define MAX_TRUNK  64
#define GROUP_GAP  8.0
#define LANE_PAD   4.0
#define INDENT     12.0  /* per tree level, like the CLI's indented tree */

static void
lane_free (gpointer data)
{
  TcProcessLane *lane = data;

  g_free (lane->name);
  g_array_unref (lane->spans);
  g_free (lane);
}

/**
 * tc_process_draw_lanes_new:
 *
 * One lane per thread with calls of every member that loads (the
 * recorder's own threads have none), in member order, without spans yet.
 *
 * Returns: (transfer full): a GPtrArray of TcProcessLane
 */
GPtrArray *
tc_process_draw_lanes_new (TcProcessSet *set)
{
  GPtrArray *lanes = g_ptr_array_new_with_free_func (lane_free);

  for (guint i = 0; set != NULL && i < tc_process_set_get_n_members (set); i++)
    {
      const TcProcessMember *m = tc_process_set_get_member (set, i);
      GPtrArray *threads;

      if (m->document == NULL)
        continue;
      threads = tc_document_get_threads (m->document);
      for (guint k = 0; k < threads->len; k++)
        {
          const TcDocThread *t = g_ptr_array_index (threads, k);
          TcProcessLane *lane;

          if (t->n_events == 0)
            continue;
          lane = g_new0 (TcProcessLane, 1);
          lane->member = i;
          lane->thread_id = t->id;
          lane->name = g_strdup (t->name != NULL && *t->name != '\0' ? t->name : "thread");
          lane->spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
          g_ptr_array_add (lanes, lane);
        }
    }
  return lanes;
}

void
tc_process_draw_init (TcProcessDraw *params,
                      TcProcessSet  *set,
                      GPtrArray     *lanes,
                      double         width)
{
  *params = (TcProcessDraw) { 0 };
  params->set = set;
  params->lanes = lanes;
  params->width = width;
  params->gutter = 150.0;
  params->row_height = 14.0;
  params->header_height = 32.0;
  if (set != NULL)
    tc_process_set_get_time_range (set, &params->begin_ns, &params->end_ns);
}

double
tc_process_draw_plot_width (const TcProcessDraw *params)
{
  return MAX (params->width - params->gutter - TC_CHART_RIGHT, 1.0);
}

static double
plot_x (const TcProcessDraw *params,
        gint64               time_ns)
{
  return params->gutter + tc_chart_time_to_x (time_ns, params->begin_ns, params->end_ns,
                                              tc_process_draw_plot_width (params));
}

static double
lane_height (const TcProcessDraw *params,
             const TcProcessLane *lane)
{
  return MAX (lane->n_rows, 1) * params->row_height + LANE_PAD;
}

/* The trunk (runpy, spawn_main, Process.run …: levels whose longest call
 * spans most of the lane and holds the next level's longest call) is
 * folded to its innermost level, so the rows show where the work branches,
 * not the same enclosing frames. */
static guint
trunk_levels (GArray *spans)
{
  gint64 longest[MAX_TRUNK] = { 0 };
  gint64 first = G_MAXINT64, last = G_MININT64;
  guint skip = 0;

  for (guint k = 0; k < spans->len; k++)
    {
      const TcSpan *s = &g_array_index (spans, TcSpan, k);
      guint d = MIN (s->depth, MAX_TRUNK - 1);

      longest[d] = MAX (longest[d], s->end_ns - s->start_ns);
      first = MIN (first, s->start_ns);
      last = MAX (last, s->end_ns);
    }
  while (skip + 1 < MAX_TRUNK && longest[skip] > 0 && longest[skip] >= 0.5 * (last - first)
         && longest[skip + 1] >= 0.75 * longest[skip])
    skip++;
  return skip;
}

/**
 * tc_process_draw_collect:
 *
 * Collects every lane's calls in the visible range, skipping those shorter
 * than half a unit of the plot (level of detail).  The first collection
 * decides each lane's trunk folding and height; later ones (zoomed) keep
 * both.
 */
void
tc_process_draw_collect (const TcProcessDraw *params)
{
  gint64 min_ns = (gint64) ((params->end_ns - params->begin_ns) / (2.0 * tc_process_draw_plot_width (params)));

  for (guint i = 0; i < params->lanes->len; i++)
    {
      TcProcessLane *lane = g_ptr_array_index (params->lanes, i);
      const TcProcessMember *m = tc_process_set_get_member (params->set, lane->member);
      g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      guint used = 0;

      g_array_set_size (lane->spans, 0);
      if (!tc_document_collect_spans (m->document, lane->thread_id, params->begin_ns - m->offset_ns,
                                      params->end_ns - m->offset_ns, min_ns, all, NULL))
        continue;
      if (lane->n_rows == 0)
        lane->skip = trunk_levels (all);
      for (guint k = 0; k < all->len; k++)
        {
          TcSpan s = g_array_index (all, TcSpan, k);

          if (s.depth < lane->skip || s.depth - lane->skip >= MAX_ROWS)
            continue;
          s.depth -= lane->skip;
          if (lane->n_rows != 0 && s.depth >= lane->n_rows)
            continue;
          used = MAX (used, s.depth + 1);
          g_array_append_val (lane->spans, s);
        }
      if (lane->n_rows == 0)
        lane->n_rows = MAX (used, 1);
      g_array_sort (lane->spans, tc_span_compare);
    }
}

double
tc_process_draw_group_height (const TcProcessDraw *params,
                              guint                member)
{
  double h = params->header_height + GROUP_GAP;

  for (guint i = 0; i < params->lanes->len; i++)
    {
      const TcProcessLane *lane = g_ptr_array_index (params->lanes, i);

      if (lane->member == member)
        h += lane_height (params, lane);
    }
  return h;
}

double
tc_process_draw_height (const TcProcessDraw *params)
{
  double h = 0;

  for (guint i = 0; params->set != NULL && i < tc_process_set_get_n_members (params->set); i++)
    h += tc_process_draw_group_height (params, i);
  return h;
}

void
tc_process_draw_status_color (const TcDrawStyle *style,
                              const char        *status,
                              GdkRGBA           *color)
{
  if (g_str_has_prefix (status, "crashed") || g_str_has_prefix (status, "unreadable"))
    *color = style->error;
  else if (g_strcmp0 (status, "ok") == 0)
    *color = style->success;
  else
    *color = style->warning;
}

static double
indent (const TcProcessMember *m)
{
  return 6 + INDENT * MIN (m->depth, 6);
}

static void
draw_header (cairo_t               *cr,
             const TcDrawStyle     *style,
             const TcProcessDraw   *params,
             const TcProcessMember *m,
             double                 y)
{
  g_autofree char *status = tc_process_member_status (m);
  g_autofree char *command = tc_process_member_command (m);
  g_autofree char *file = g_path_get_basename (m->path);
  g_autofree char *title = NULL;
  double h = params->header_height;
  double plot = tc_process_draw_plot_width (params);
  GdkRGBA band = style->accent, color;
  double x = indent (m);
  double x0, x1;

  band.alpha = g_strcmp0 (m->path, params->current_path) == 0 ? 0.16 : 0.06;
  gdk_cairo_set_source_rgba (cr, &band);
  cairo_rectangle (cr, 0, y, params->width, h);
  cairo_fill (cr);

  /* "└" marks a child under its parent, like the CLI's indented tree. */
  title = g_strdup_printf ("%s%" G_GINT64_FORMAT "  %s", m->depth > 0 ? "└ " : "", m->pid, m->role);
  x += tc_chart_draw_text (cr, style, &style->foreground, x, y + 3, 0, 0, title) + 12;
  /* A -c program spans lines: one line here. */
  g_strdelimit (command, "\n\r\t", ' ');
  tc_process_draw_status_color (style, status, &color);
  x += tc_chart_draw_text (cr, style, &color, x, y + 3, 0, 0, status) + 12;
  tc_chart_draw_text (cr, style, &style->dim, x, y + 3, 0, MAX (params->width - x - 8, 0),
                      *command != '\0' ? command : file);

  if (m->document == NULL)
    return;
  /* The process's lifetime on the shared axis. */
  x0 = CLAMP (plot_x (params, m->start_ns), params->gutter, params->gutter + plot);
  x1 = CLAMP (plot_x (params, m->end_ns), params->gutter, params->gutter + plot);
  color.alpha = 0.8;
  gdk_cairo_set_source_rgba (cr, &color);
  tc_draw_rounded_rect (cr, x0, y + h - 9, MAX (x1 - x0, 2.0), 6, 3);
  cairo_fill (cr);
}

static void
draw_lane (cairo_t               *cr,
           const TcDrawStyle     *style,
           const TcProcessDraw   *params,
           const TcProcessMember *m,
           const TcProcessLane   *lane,
           double                 y)
{
  double plot = tc_process_draw_plot_width (params);
  double h = lane_height (params, lane);
  double name_x = indent (m) + INDENT;
  double x0, x1;
  GdkRGBA shade = style->grid;

  tc_chart_draw_text (cr, style, &style->dim, name_x, y + 1, 0, params->gutter - name_x - 12, lane->name);
  cairo_save (cr);
  cairo_rectangle (cr, params->gutter, y, plot, h);
  cairo_clip (cr);
  cairo_translate (cr, params->gutter, 0);
  /* Before the process started and after it ended: shaded. */
  x0 = tc_chart_time_to_x (m->start_ns, params->begin_ns, params->end_ns, plot);
  x1 = tc_chart_time_to_x (m->end_ns, params->begin_ns, params->end_ns, plot);
  shade.alpha = 0.12;
  gdk_cairo_set_source_rgba (cr, &shade);
  if (x0 > 0)
    cairo_rectangle (cr, 0, y, x0, h);
  if (x1 < plot)
    cairo_rectangle (cr, MAX (x1, 0), y, plot - MAX (x1, 0), h);
  cairo_fill (cr);
  tc_draw_flame_chart_lane (cr, style, m->document, lane->spans, y + LANE_PAD / 2, plot, params->row_height,
                            params->begin_ns - m->offset_ns, params->end_ns - m->offset_ns);
  cairo_restore (cr);
}

/* The crash's x, or -1 when the member did not crash inside the view. */
static double
crash_x (const TcProcessDraw   *params,
         const TcProcessMember *m)
{
  const TcDocCrash *crash = m->document != NULL ? tc_document_get_crash (m->document) : NULL;
  double x;

  if (crash == NULL)
    return -1;
  x = plot_x (params, crash->time_ns + m->offset_ns);
  return x >= params->gutter && x <= params->gutter + tc_process_draw_plot_width (params) ? x : -1;
}

static void
draw_crash (cairo_t               *cr,
            const TcDrawStyle     *style,
            const TcProcessDraw   *params,
            const TcProcessMember *m,
            double                 top,
            double                 bottom)
{
  double x = crash_x (params, m);
  const TcDocCrash *crash;
  const char *label;
  gboolean left;

  if (x < 0)
    return;
  crash = tc_document_get_crash (m->document);
  label = crash->exc_type != NULL ? crash->exc_type : _("crash");
  gdk_cairo_set_source_rgba (cr, &style->error);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, x, top);
  cairo_line_to (cr, x, bottom);
  cairo_stroke (cr);
  /* The label on the side with room for it. */
  left = x + 4 + tc_chart_text_width (cr, style, label) > params->width - TC_CHART_RIGHT;
  tc_chart_draw_text (cr, style, &style->error, left ? x - 4 : x + 4, top + 2, left ? 1 : 0, 0, label);
}

/**
 * tc_draw_process_group:
 *
 * Draws member @member's header, lanes and crash marker with its top at
 * @y, and the line that parts it from the next group.
 *
 * Returns: the group's height
 */
double
tc_draw_process_group (cairo_t             *cr,
                       const TcDrawStyle   *style,
                       const TcProcessDraw *params,
                       guint                member,
                       double               y)
{
  const TcProcessMember *m = tc_process_set_get_member (params->set, member);
  double top = y;

  draw_header (cr, style, params, m, y);
  y += params->header_height;
  for (guint i = 0; i < params->lanes->len; i++)
    {
      const TcProcessLane *lane = g_ptr_array_index (params->lanes, i);

      if (lane->member != member)
        continue;
      draw_lane (cr, style, params, m, lane, y);
      y += lane_height (params, lane);
    }
  draw_crash (cr, style, params, m, top + params->header_height, y);
  gdk_cairo_set_source_rgba (cr, &style->grid);
  cairo_rectangle (cr, 0, y + GROUP_GAP / 2, params->width, 1);
  cairo_fill (cr);
  return y + GROUP_GAP - top;
}

/* The time grid under every group, from y down `height` units. */
void
tc_draw_process_grid (cairo_t             *cr,
                      const TcDrawStyle   *style,
                      const TcProcessDraw *params,
                      double               y,
                      double               height)
{
  cairo_save (cr);
  cairo_translate (cr, params->gutter, y);
  tc_draw_time_grid (cr, style, tc_process_draw_plot_width (params), height, params->begin_ns, params->end_ns);
  cairo_restore (cr);
}

/* The time axis over the plots, on an opaque band so that it can be drawn
 * over lanes scrolled under it. */
void
tc_draw_process_axis (cairo_t             *cr,
                      const TcDrawStyle   *style,
                      const TcProcessDraw *params,
                      double               y,
                      double               height)
{
  /* The page's background, light or dark as the text is dark or light. */
  GdkRGBA background = style->foreground;

  background.red = background.green = background.blue = background.red > 0.5 ? 0.14 : 0.98;
  background.alpha = 1;
  gdk_cairo_set_source_rgba (cr, &background);
  cairo_rectangle (cr, 0, y, params->width, height);
  cairo_fill (cr);
  cairo_save (cr);
  cairo_translate (cr, params->gutter, y);
  tc_draw_time_axis (cr, style, tc_process_draw_plot_width (params), height, params->begin_ns, params->end_ns);
  cairo_restore (cr);
}

/**
 * tc_process_draw_hit:
 * @y: from the top of the first group
 *
 * What lies at (@x, @y): the member's header, one of its lanes (and the call
 * there) or its crash marker.
 *
 * Returns: FALSE when no member is there
 */
gboolean
tc_process_draw_hit (const TcProcessDraw *params,
                     double               x,
                     double               y,
                     TcProcessHit        *hit)
{
  double top = 0;

  *hit = (TcProcessHit) { .member = -1, .lane = -1 };
  for (guint i = 0; params->set != NULL && i < tc_process_set_get_n_members (params->set); i++)
    {
      const TcProcessMember *m = tc_process_set_get_member (params->set, i);
      double h = tc_process_draw_group_height (params, i);
      double lane_top = top + params->header_height;
      double cx;

      if (y < top || y >= top + h)
        {
          top += h;
          continue;
        }
      hit->member = (int) i;
      if (y < lane_top)
        return TRUE;
      cx = crash_x (params, m);
      hit->crash = cx >= 0 && ABS (x - cx) <= 4 && y < top + h - GROUP_GAP;
      for (guint k = 0; k < params->lanes->len; k++)
        {
          const TcProcessLane *lane = g_ptr_array_index (params->lanes, k);
          double lh;
          gint64 t;
          int row;

          if (lane->member != i)
            continue;
          lh = lane_height (params, lane);
          if (y >= lane_top + lh)
            {
              lane_top += lh;
              continue;
            }
          hit->lane = (int) k;
          if (x < params->gutter)
            return TRUE;
          row = (int) ((y - lane_top - LANE_PAD / 2) / params->row_height);
          t = tc_chart_x_to_time (x - params->gutter, params->begin_ns, params->end_ns,
                                  tc_process_draw_plot_width (params)) - m->offset_ns;
          for (guint s = 0; row >= 0 && s < lane->spans->len; s++)
            {
              const TcSpan *span = &g_array_index (lane->spans, TcSpan, s);

              if (span->depth == (guint32) row && span->start_ns <= t && t <= span->end_ns)
                {
                  hit->span = span;
                  break;
                }
            }
          return TRUE;
        }
      return TRUE;
    }
  return FALSE;
}

/* tc-report-content-processes.c — the report's Processes section for a
 * recording with child recordings beside it (docs/PROCESSES.md)
 *
 * SPDX-License-Identifier: MIT
 *
 * A table of the processes (a tree by pid, like the CLI's), then the lanes
 * of the Processes page drawn by the same helpers (tc-process-draw.c): the
 * time axis, then one chart block per process, so that a long set breaks
 * between processes, not inside one.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "charts/tc-chart-draw.h"
#include "tc-units.h"

#include "tc-report-pages-private.h"

#define AXIS_HEIGHT 16.0

/* What every block of the chart shares: the set and its lanes, drawn on
 * the text width of the page. */
typedef struct
{
  gint          ref_count;
  TcProcessSet *set;
  char         *current;        /* this recording's path, as the set has it */
  TcProcessDraw draw;
} ProcessChart;

typedef struct
{
  ProcessChart *chart;
  int           member;         /* -1: the time axis */
} ProcessBlock;

static void
process_chart_unref (ProcessChart *chart)
{
  if (!g_atomic_int_dec_and_test (&chart->ref_count))
    return;
  g_ptr_array_unref (chart->draw.lanes);
  g_object_unref (chart->set);
  g_free (chart->current);
  g_free (chart);
}

static void
process_block_free (gpointer data)
{
  ProcessBlock *block = data;

  process_chart_unref (block->chart);
  g_free (block);
}

static void
draw_process_block (cairo_t           *cr,
                    const TcDrawStyle *style,
                    double             width,
                    double             height,
                    gpointer           data)
{
  ProcessBlock *block = data;
  TcProcessDraw *params = &block->chart->draw;

  if (block->member < 0)
    {
      tc_draw_process_axis (cr, style, params, 0, height);
      return;
    }
  tc_draw_process_grid (cr, style, params, 0, height);
  tc_draw_process_group (cr, style, params, block->member, 0);
}

static void
add_block (TcReportPages *self,
           ProcessChart  *chart,
           int            member,
           double         height)
{
  ProcessBlock *block = g_new0 (ProcessBlock, 1);

  g_atomic_int_inc (&chart->ref_count);
  block->chart = chart;
  block->member = member;
  _tc_report_chart (self, height, draw_process_block, block, process_block_free);
}

static void
add_table (TcReportPages *self,
           TcProcessSet  *set)
{
  TcReportTable *table = _tc_report_table (self, "PID:0.12|Role:0.14|Status:0.16|Calls:0.1r|"
                                                 "Start:0.1r|Duration:0.1r|Command:0.28");
  gint64 lo, hi;

  tc_process_set_get_time_range (set, &lo, &hi);
  for (guint i = 0; i < tc_process_set_get_n_members (set); i++)
    {
      const TcProcessMember *m = tc_process_set_get_member (set, i);
      g_autofree char *status = tc_process_member_status (m);
      char *command = tc_process_member_command (m);
      gboolean loaded = m->document != NULL;

      g_strdelimit (command, "\n\r\t", ' ');
      /* Indented by depth: the tree of who started whom. */
      _tc_report_row (self, table, g_str_has_prefix (status, "crashed") ? TC_ROW_BAD : 0,
                      g_strdup_printf ("%*s%" G_GINT64_FORMAT, (int) MIN (m->depth, 6) * 2, "", m->pid),
                      g_strdup (m->role), g_strdup (status),
                      loaded ? tc_units_format_count (tc_process_member_calls (m)) : g_strdup ("—"),
                      loaded ? tc_units_format_seconds (m->start_ns - lo) : g_strdup ("—"),
                      loaded ? tc_units_format_ms (tc_ns_to_ms (m->end_ns - m->start_ns)) : g_strdup ("—"),
                      command);
    }
}

void
_tc_report_build_processes (TcReportPages *self,
                            TcDocument    *doc)
{
  const char *path = tc_document_get_path (doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcProcessSet) set = NULL;
  ProcessChart *chart;
  guint n;
  gint64 lo, hi;
  g_autofree char *duration = NULL;

  if (path == NULL || !tc_process_set_has_members (path))
    return;
  set = tc_process_set_load (path, doc, NULL, &error);
  if (set == NULL)
    return;
  n = tc_process_set_get_n_members (set);
  tc_process_set_get_time_range (set, &lo, &hi);
  duration = tc_units_format_seconds (hi - lo);

  _tc_report_section (self, _("Processes"));
  _tc_report_textf (self, g_dngettext (GETTEXT_PACKAGE,
                                       "This recording is one of a set of %u process recorded together "
                                       "over %s. Each process has its own recording and report; the "
                                       "lanes below put their threads on the first process’s clock.",
                                       "This recording is one of a set of %u processes recorded together "
                                       "over %s. Each process has its own recording and report; the "
                                       "lanes below put their threads on the first process’s clock.",
                                       n),
                    n, duration);
  add_table (self, set);
  _tc_report_space (self, 8);

  chart = g_new0 (ProcessChart, 1);
  chart->ref_count = 1;
  chart->set = g_object_ref (set);
  tc_process_draw_init (&chart->draw, set, tc_process_draw_lanes_new (set), _tc_report_text_width (self));
  /* Paper sizes: a narrower name column, lower rows. */
  chart->draw.gutter = 100;
  chart->draw.row_height = 11;
  chart->draw.header_height = 22;
  chart->current = g_canonicalize_filename (path, NULL);
  chart->draw.current_path = chart->current;
  tc_process_draw_collect (&chart->draw);

  add_block (self, chart, -1, AXIS_HEIGHT);
  for (guint i = 0; i < n; i++)
    add_block (self, chart, (int) i, tc_process_draw_group_height (&chart->draw, i));
  process_chart_unref (chart);
}

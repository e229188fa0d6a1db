/* tc-line-gutter.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include "tc-units.h"

#include "tc-line-gutter.h"

struct _TcLineGutter
{
  GtkSourceGutterRendererText  parent_instance;

  GArray                      *lines;   /* TcCoverageLine, indexed by line - 1 */
  guint64                      max_hits;
  gboolean                     counted;  /* hits are counts, not "ran" */
};

G_DEFINE_FINAL_TYPE (TcLineGutter, tc_line_gutter, GTK_SOURCE_TYPE_GUTTER_RENDERER_TEXT)

static const TcCoverageLine *
lookup (TcLineGutter *self,
        guint         line)
{
  const TcCoverageLine *entry;

  if (self->lines == NULL || line == 0 || line > self->lines->len)
    return NULL;

  entry = &g_array_index (self->lines, TcCoverageLine, line - 1);

  return entry->line == line ? entry : NULL;
}

static void
tc_line_gutter_query_data (GtkSourceGutterRenderer *renderer,
                           GtkSourceGutterLines    *lines,
                           guint                    line)
{
  TcLineGutter *self = TC_LINE_GUTTER (renderer);
  g_autofree char *text = tc_line_gutter_dup_text (self, line + 1);

  gtk_source_gutter_renderer_text_set_text (GTK_SOURCE_GUTTER_RENDERER_TEXT (self), text, -1);
}

/* Heat: a warm background whose strength follows the hits, so the hot
 * lines stand out while scrolling. */
static void
tc_line_gutter_snapshot_line (GtkSourceGutterRenderer *renderer,
                              GtkSnapshot             *snapshot,
                              GtkSourceGutterLines    *lines,
                              guint                    line)
{
  TcLineGutter *self = TC_LINE_GUTTER (renderer);
  double heat = tc_line_gutter_get_heat (self, line + 1);

  if (heat > 0)
    {
      GdkRGBA color = { 0.96, 0.47 - 0.25 * heat, 0.0, 0.10 + 0.30 * heat };
      int y, height;

      gtk_source_gutter_lines_get_line_yrange (lines, line, GTK_SOURCE_GUTTER_RENDERER_ALIGNMENT_MODE_CELL,
                                               &y, &height);
      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (0, y, gtk_widget_get_width (GTK_WIDGET (renderer)), height));
    }

  GTK_SOURCE_GUTTER_RENDERER_CLASS (tc_line_gutter_parent_class)->snapshot_line (renderer, snapshot, lines, line);
}

static void
tc_line_gutter_finalize (GObject *object)
{
  TcLineGutter *self = (TcLineGutter *)object;

  g_clear_pointer (&self->lines, g_array_unref);

  G_OBJECT_CLASS (tc_line_gutter_parent_class)->finalize (object);
}

static void
tc_line_gutter_class_init (TcLineGutterClass *klass)
{
  GtkSourceGutterRendererClass *renderer_class = GTK_SOURCE_GUTTER_RENDERER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tc_line_gutter_finalize;
  renderer_class->query_data = tc_line_gutter_query_data;
  renderer_class->snapshot_line = tc_line_gutter_snapshot_line;
}

static void
tc_line_gutter_init (TcLineGutter *self)
{
  gtk_source_gutter_renderer_set_xpad (GTK_SOURCE_GUTTER_RENDERER (self), 6);
  gtk_source_gutter_renderer_set_xalign (GTK_SOURCE_GUTTER_RENDERER (self), 1.0);
  gtk_widget_add_css_class (GTK_WIDGET (self), "tc-line-gutter");
}

TcLineGutter *
tc_line_gutter_new (void)
{
  return g_object_new (TC_TYPE_LINE_GUTTER, NULL);
}

void
tc_line_gutter_set_lines (TcLineGutter *self,
                          GArray       *lines,
                          gboolean      counted)
{
  guint width = 1;

  g_return_if_fail (TC_IS_LINE_GUTTER (self));

  self->counted = counted;
  g_clear_pointer (&self->lines, g_array_unref);
  self->max_hits = 0;
  self->lines = g_array_new (FALSE, TRUE, sizeof (TcCoverageLine));

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      const TcCoverageLine *entry = &g_array_index (lines, TcCoverageLine, i);

      if (entry->line == 0)
        continue;
      if (self->lines->len < entry->line)
        g_array_set_size (self->lines, entry->line);
      g_array_index (self->lines, TcCoverageLine, entry->line - 1) = *entry;
      self->max_hits = MAX (self->max_hits, entry->hits);
    }

  /* Room for the widest text, so the gutter does not jump while scrolling. */
  for (guint i = 1; i <= self->lines->len; i++)
    {
      g_autofree char *text = tc_line_gutter_dup_text (self, i);

      width = MAX (width, g_utf8_strlen (text, -1));
    }
  {
    g_autofree char *sample = g_strnfill (width, '0');
    int w = 0, h = 0;

    gtk_source_gutter_renderer_text_measure (GTK_SOURCE_GUTTER_RENDERER_TEXT (self), sample, &w, &h);
    gtk_widget_set_size_request (GTK_WIDGET (self), w + 12, -1);
  }

  gtk_widget_queue_resize (GTK_WIDGET (self));
}

char *
tc_line_gutter_dup_text (TcLineGutter *self,
                         guint         line)
{
  const TcCoverageLine *entry;
  g_autofree char *time = NULL;

  g_return_val_if_fail (TC_IS_LINE_GUTTER (self), NULL);

  entry = lookup (self, line);
  if (entry != NULL && entry->state == TC_COVERAGE_BEFORE_RECORDING)
    return g_strdup ("–");
  if (entry == NULL || entry->hits == 0)
    return g_strdup ("");
  /* First-hit data: the line ran, how often is not known. */
  if (!self->counted)
    return g_strdup ("✓");

  if (entry->time_ns <= 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "×", entry->hits);

  time = tc_units_format_ms (tc_ns_to_ms (entry->time_ns));

  return g_strdup_printf ("%" G_GUINT64_FORMAT "× %s", entry->hits, time);
}

double
tc_line_gutter_get_heat (TcLineGutter *self,
                         guint         line)
{
  const TcCoverageLine *entry;

  g_return_val_if_fail (TC_IS_LINE_GUTTER (self), 0.0);

  entry = lookup (self, line);
  if (entry == NULL || entry->hits == 0 || self->max_hits == 0 || !self->counted)
    return 0.0;

  return (double)entry->hits / (double)self->max_hits;
}

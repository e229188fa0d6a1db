/* tc-bar-chart.c — ranked horizontal bars; a click emits "activated"
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "tc-bar-chart.h"

#define LABEL_WIDTH 220.0

struct _TcBarChart
{
  GtkWidget  parent_instance;

  GArray    *bars;
  gint       hover;
};

enum {
  ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (TcBarChart, tc_bar_chart, GTK_TYPE_WIDGET)

static guint signals [N_SIGNALS];

void
tc_draw_bars (cairo_t           *cr,
              const TcDrawStyle *style,
              const TcBar       *bars,
              guint              n_bars,
              double             width,
              double             label_width,
              gint               hover)
{
  double max = 0;
  double bar_space = MAX (width - label_width - 180, 40);

  for (guint i = 0; i < n_bars; i++)
    max = MAX (max, bars[i].value);

  for (guint i = 0; i < n_bars; i++)
    {
      double y = i * TC_BAR_ROW_HEIGHT;
      double w = max > 0 ? MAX (bars[i].value / max * bar_space, 1.0) : 1.0;
      const GdkRGBA *c = &bars[i].color;

      if ((gint) i == hover)
        {
          cairo_set_source_rgba (cr, style->accent.red, style->accent.green, style->accent.blue, 0.10);
          cairo_rectangle (cr, 0, y, width, TC_BAR_ROW_HEIGHT);
          cairo_fill (cr);
        }
      tc_chart_draw_text (cr, style, &style->foreground, label_width - 8, y + 5, 1.0, label_width - 12,
                          bars[i].label);
      cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha);
      tc_draw_rounded_rect (cr, label_width, y + 4, w, TC_BAR_ROW_HEIGHT - 8, 3);
      cairo_fill (cr);
      tc_chart_draw_text (cr, style, &style->dim, label_width + w + 8, y + 5, 0.0, -1, bars[i].value_text);
    }
}

static void
bar_clear (gpointer data)
{
  TcBar *bar = data;

  g_free (bar->label);
  g_free (bar->value_text);
}

static void
tc_bar_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  TcBarChart *self = TC_BAR_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 400;
  else
    *minimum = *natural = self->bars ? (int) (self->bars->len * TC_BAR_ROW_HEIGHT) : 0;
}

static void
tc_bar_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TcBarChart *self = TC_BAR_CHART (widget);
  double width = gtk_widget_get_width (widget);
  TcDrawStyle style;
  cairo_t *cr;

  if (self->bars == NULL || self->bars->len == 0)
    return;
  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, gtk_widget_get_height (widget)));
  tc_draw_bars (cr, &style, (const TcBar *) (gpointer) self->bars->data, self->bars->len, width,
                LABEL_WIDTH, self->hover);
  cairo_destroy (cr);
}

static void
motion_cb (TcBarChart *self,
           double      x,
           double      y)
{
  gint hover = tc_bar_chart_bar_at (self, y);

  if (hover != self->hover)
    {
      self->hover = hover;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
released_cb (TcBarChart *self,
             int         n_press,
             double      x,
             double      y)
{
  gint i = tc_bar_chart_bar_at (self, y);

  if (i >= 0)
    g_signal_emit (self, signals [ACTIVATED], 0, (guint) i);
}

static void
tc_bar_chart_dispose (GObject *object)
{
  TcBarChart *self = (TcBarChart *)object;

  g_clear_pointer (&self->bars, g_array_unref);

  G_OBJECT_CLASS (tc_bar_chart_parent_class)->dispose (object);
}

static void
tc_bar_chart_class_init (TcBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_bar_chart_dispose;
  widget_class->measure = tc_bar_chart_measure;
  widget_class->snapshot = tc_bar_chart_snapshot;

  signals [ACTIVATED] =
    g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "barchart");
}

static void
tc_bar_chart_init (TcBarChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->hover = -1;
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect_swapped (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
}

GtkWidget *
tc_bar_chart_new (void)
{
  return g_object_new (TC_TYPE_BAR_CHART, NULL);
}

void
tc_bar_chart_set_bars (TcBarChart *self,
                       GArray     *bars)
{
  g_return_if_fail (TC_IS_BAR_CHART (self));

  g_clear_pointer (&self->bars, g_array_unref);
  self->bars = bars;
  if (bars != NULL)
    g_array_set_clear_func (bars, bar_clear);
  self->hover = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

GArray *
tc_bar_chart_get_bars (TcBarChart *self)
{
  return self->bars;
}

gint
tc_bar_chart_bar_at (TcBarChart *self,
                     double      y)
{
  gint i;

  if (self->bars == NULL || y < 0)
    return -1;
  i = (gint) (y / TC_BAR_ROW_HEIGHT);
  return i < (gint) self->bars->len ? i : -1;
}

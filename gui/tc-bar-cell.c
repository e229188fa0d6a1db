/* tc-bar-cell.c — a table cell with a value and an inline bar
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "tc-draw.h"

#include "tc-bar-cell.h"

#define BAR_HEIGHT 6
#define BAR_WIDTH  64
#define SPACING    8

struct _TcBarCell
{
  GtkWidget  parent_instance;

  GtkWidget *label;
  double     fraction;
  int        level;     /* 0 accent, 1 success, 2 warning, 3 error */
};

G_DEFINE_FINAL_TYPE (TcBarCell, tc_bar_cell, GTK_TYPE_WIDGET)

static void
tc_bar_cell_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  TcBarCell *self = (TcBarCell *)widget;

  gtk_widget_measure (self->label, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum += BAR_WIDTH + SPACING;
      *natural += BAR_WIDTH + SPACING;
    }
  else
    {
      *minimum = MAX (*minimum, BAR_HEIGHT);
      *natural = MAX (*natural, BAR_HEIGHT);
    }
}

static void
tc_bar_cell_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  TcBarCell *self = (TcBarCell *)widget;

  /* Text on the left, right-aligned; the bar takes the fixed right part. */
  gtk_widget_allocate (self->label,
                       MAX (0, width - BAR_WIDTH - SPACING), height, baseline, NULL);
}

static void
tc_bar_cell_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  TcBarCell *self = (TcBarCell *)widget;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  TcDrawStyle style;
  const GdkRGBA *color;
  cairo_t *cr;

  gtk_widget_snapshot_child (widget, self->label, snapshot);

  tc_draw_style_init_for_widget (&style, widget);
  color = self->level == 1 ? &style.success
        : self->level == 2 ? &style.warning
        : self->level == 3 ? &style.error
        : &style.accent;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  tc_draw_inline_bar (cr, width - BAR_WIDTH, (height - BAR_HEIGHT) / 2.0,
                      BAR_WIDTH, BAR_HEIGHT, self->fraction, color);
  cairo_destroy (cr);
}

static void
tc_bar_cell_dispose (GObject *object)
{
  TcBarCell *self = (TcBarCell *)object;

  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (tc_bar_cell_parent_class)->dispose (object);
}

static void
tc_bar_cell_class_init (TcBarCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_bar_cell_dispose;

  widget_class->measure = tc_bar_cell_measure;
  widget_class->size_allocate = tc_bar_cell_size_allocate;
  widget_class->snapshot = tc_bar_cell_snapshot;

  gtk_widget_class_set_css_name (widget_class, "barcell");
}

static void
tc_bar_cell_init (TcBarCell *self)
{
  self->label = g_object_new (GTK_TYPE_LABEL,
                              "xalign", 1.0f,
                              "hexpand", TRUE,
                              NULL);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
}

GtkWidget *
tc_bar_cell_new (void)
{
  return g_object_new (TC_TYPE_BAR_CELL, NULL);
}

void
tc_bar_cell_set_fraction (TcBarCell *self,
                          double     fraction)
{
  g_return_if_fail (TC_IS_BAR_CELL (self));

  if (fraction != self->fraction)
    {
      self->fraction = fraction;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

double
tc_bar_cell_get_fraction (TcBarCell *self)
{
  g_return_val_if_fail (TC_IS_BAR_CELL (self), 0.0);

  return self->fraction;
}

void
tc_bar_cell_set_text (TcBarCell  *self,
                      const char *text)
{
  g_return_if_fail (TC_IS_BAR_CELL (self));

  gtk_label_set_text (GTK_LABEL (self->label), text);
}

/**
 * tc_bar_cell_set_level:
 * @level: 0 accent, 1 good, 2 warning, 3 bad
 */
void
tc_bar_cell_set_level (TcBarCell *self,
                       int        level)
{
  g_return_if_fail (TC_IS_BAR_CELL (self));

  if (level != self->level)
    {
      self->level = level;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* tc-moments-strip.c — the recording at a glance on the overview
 *
 * SPDX-License-Identifier: MIT
 *
 * Snapshots, blocks, warnings and the crash on one time axis.  Hovering
 * names the nearest warning; clicking moves the session's cursor there and
 * opens the snapshot timeline at that moment.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tc-units.h"

#include "tc-moments-strip.h"

/* A warning under the pointer within this many pixels is "hovered". */
#define HIT_PX 6.0

struct _TcMomentsStrip
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  GArray          *moments;     /* TcMoment */
  GArray          *warnings;    /* const TcDocWarning *, parallel to the warning moments */
};

G_DEFINE_FINAL_TYPE (TcMomentsStrip, tc_moments_strip, GTK_TYPE_WIDGET)

static gint64
duration (TcMomentsStrip *self)
{
  return self->session ? tc_viewer_session_get_duration (self->session) : 0;
}

/* The warning (or crash) drawn nearest to x, or NULL. */
static const TcMoment *
moment_at (TcMomentsStrip *self,
           double          x)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  const TcMoment *best = NULL;
  double best_dx = HIT_PX;

  for (guint i = 0; i < self->moments->len; i++)
    {
      const TcMoment *moment = &g_array_index (self->moments, TcMoment, i);
      double dx;

      if (moment->kind != TC_MOMENT_WARNING && moment->kind != TC_MOMENT_ERROR &&
          moment->kind != TC_MOMENT_CRASH)
        continue;

      dx = ABS (tc_draw_moments_x (width, duration (self), moment->time_ns) - x);
      if (dx <= best_dx)
        {
          best = moment;
          best_dx = dx;
        }
    }

  return best;
}

static void
pressed_cb (TcMomentsStrip *self,
            int             n_press,
            double          x,
            double          y)
{
  tc_moments_strip_activate_at (self, x);
}

static void
tc_moments_strip_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TcMomentsStrip *self = (TcMomentsStrip *)widget;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  TcDrawStyle style;
  cairo_t *cr;

  if (self->session == NULL || width <= 0 || height <= 0)
    return;

  tc_draw_style_init_for_widget (&style, widget);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  tc_draw_moments (cr, &style, width, height, duration (self),
                   (const TcMoment *)(gpointer)self->moments->data, self->moments->len);
  cairo_destroy (cr);
}

static gboolean
tc_moments_strip_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip)
{
  TcMomentsStrip *self = (TcMomentsStrip *)widget;
  const TcMoment *moment = moment_at (self, x);
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  if (moment == NULL)
    return FALSE;

  when = tc_units_format_seconds (moment->time_ns);
  if (moment->kind == TC_MOMENT_CRASH)
    {
      const TcDocCrash *crash = tc_document_get_crash (tc_viewer_session_get_document (self->session));

      text = g_strdup_printf (_("%s — crash: %s"), when, crash ? crash->exc_type : "?");
    }
  else
    {
      guint index = moment - (const TcMoment *)(gpointer)self->moments->data;
      const TcDocWarning *warning = NULL;

      /* Warning moments come first, in the order of self->warnings. */
      if (index < self->warnings->len)
        warning = g_array_index (self->warnings, const TcDocWarning *, index);
      text = g_strdup_printf ("%s — %s: %s", when,
                              warning ? warning->code : "?",
                              warning ? warning->message : "");
    }

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
tc_moments_strip_dispose (GObject *object)
{
  TcMomentsStrip *self = (TcMomentsStrip *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->moments, g_array_unref);
  g_clear_pointer (&self->warnings, g_array_unref);

  G_OBJECT_CLASS (tc_moments_strip_parent_class)->dispose (object);
}

static void
tc_moments_strip_class_init (TcMomentsStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_moments_strip_dispose;

  widget_class->snapshot = tc_moments_strip_snapshot;
  widget_class->query_tooltip = tc_moments_strip_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "momentsstrip");
}

static void
tc_moments_strip_init (TcMomentsStrip *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->moments = g_array_new (FALSE, FALSE, sizeof (TcMoment));
  self->warnings = g_array_new (FALSE, FALSE, sizeof (gpointer));

  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 200, 64);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
}

GtkWidget *
tc_moments_strip_new (void)
{
  return g_object_new (TC_TYPE_MOMENTS_STRIP, NULL);
}

/**
 * tc_moments_strip_set_session:
 *
 * Collects the moments of the session's (loaded) document.
 */
void
tc_moments_strip_set_session (TcMomentsStrip  *self,
                              TcViewerSession *session)
{
  TcDocument *document;
  GArray *warnings, *snapshots, *marks;
  const TcDocCrash *crash;

  g_return_if_fail (TC_IS_MOMENTS_STRIP (self));
  g_return_if_fail (TC_IS_VIEWER_SESSION (session));

  g_set_object (&self->session, session);
  g_array_set_size (self->moments, 0);
  g_array_set_size (self->warnings, 0);

  document = tc_viewer_session_get_document (session);
  g_return_if_fail (document != NULL);

  warnings = tc_document_get_warnings (document);
  for (guint i = 0; i < warnings->len; i++)
    {
      const TcDocWarning *warning = &g_array_index (warnings, TcDocWarning, i);
      TcMoment moment = { warning->time_ns, 0,
                          warning->level == TC_LEVEL_ERROR ? TC_MOMENT_ERROR : TC_MOMENT_WARNING };

      g_array_append_val (self->moments, moment);
      g_array_append_val (self->warnings, warning);
    }

  snapshots = tc_document_get_snapshots (document);
  for (guint i = 0; i < snapshots->len; i++)
    {
      TcMoment moment = { g_array_index (snapshots, TcDocSnapshot, i).time_ns, 0, TC_MOMENT_SNAPSHOT };

      g_array_append_val (self->moments, moment);
    }

  marks = tc_document_get_marks (document);
  for (guint i = 0; i < marks->len; i++)
    {
      const TcDocMark *mark = &g_array_index (marks, TcDocMark, i);
      TcMoment moment = { mark->time_ns, mark->duration_ns, TC_MOMENT_BLOCK };

      if (mark->duration_ns > 0)
        g_array_append_val (self->moments, moment);
    }

  if ((crash = tc_document_get_crash (document)))
    {
      TcMoment moment = { crash->time_ns, 0, TC_MOMENT_CRASH };

      g_array_append_val (self->moments, moment);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * tc_moments_strip_get_moments:
 *
 * Returns: (transfer none) (array length=n_moments): warnings first (in
 *   recording order), then snapshots, blocks and the crash
 */
const TcMoment *
tc_moments_strip_get_moments (TcMomentsStrip *self,
                              guint          *n_moments)
{
  g_return_val_if_fail (TC_IS_MOMENTS_STRIP (self), NULL);

  *n_moments = self->moments->len;
  return (const TcMoment *)(gpointer)self->moments->data;
}

/**
 * tc_moments_strip_activate_at:
 *
 * What a click at @x does: the session's cursor goes to the warning or
 * crash there (else to that moment) and the snapshot timeline opens.
 */
void
tc_moments_strip_activate_at (TcMomentsStrip *self,
                              double          x)
{
  const TcMoment *moment;
  gint64 time_ns;

  g_return_if_fail (TC_IS_MOMENTS_STRIP (self));

  if (self->session == NULL || tc_viewer_session_get_document (self->session) == NULL)
    return;

  moment = moment_at (self, x);
  time_ns = moment ? moment->time_ns
                   : tc_draw_moments_time_at (gtk_widget_get_width (GTK_WIDGET (self)), duration (self), x);

  tc_viewer_session_set_cursor (self->session, time_ns);
  gtk_widget_activate_action (GTK_WIDGET (self), "view.show-section", "s", "snapshots");
}

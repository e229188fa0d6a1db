/* tc-flame-chart.c — time-ordered call lanes per thread
 *
 * SPDX-License-Identifier: MIT
 *
 * Each thread gets a lane: a header with its name, then one row per call
 * depth.  Only the spans of the visible range are decoded (the document
 * decodes the event blocks that overlap it), in a worker thread, leaving out
 * spans shorter than half a pixel; until they arrive the previous spans are
 * drawn at the new scale.  After `timecapsule run` the launching frames
 * (runpy) are left out, as in the flame graph: the top row is the script.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tc-call-search.h"
#include "tc-code-set.h"
#include "tc-chart-draw.h"
#include "tc-launcher.h"
#include "tc-time-navigation.h"
#include "tc-units.h"

#include "tc-flame-chart.h"

typedef struct
{
  guint32  thread_id;
  char    *name;
  guint    n_rows;
  GArray  *spans;       /* TcSpan, sorted by (depth, start) */
} Lane;

struct _TcFlameChart
{
  GtkWidget        parent_instance;

  TcViewerSession *session;
  GPtrArray       *lanes;
  GHashTable      *labels;
  guint            thread_filter;
  GCancellable    *cancellable;
  gint64           loaded_begin;
  gint64           loaded_end;
  double           loaded_width;
  guint            loading : 1;
  guint            reload : 1;

  /* Search: matching code ids, and the matching calls of the recording
   * counted by a worker (NULL until it is done). */
  char            *query;
  GByteArray      *code_matches;
  TcCallSearch    *search;
  TcCallMatch      current;   /* is_call once a match was jumped to */
  GCancellable    *search_cancellable;
};

enum {
  PROP_0,
  PROP_SEARCH_READY,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (TcFlameChart, tc_flame_chart, GTK_TYPE_WIDGET)

static void
lane_free (gpointer data)
{
  Lane *lane = data;

  g_clear_pointer (&lane->spans, g_array_unref);
  g_free (lane->name);
  g_free (lane);
}

static void
build_lanes (TcFlameChart *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  GPtrArray *threads;

  g_ptr_array_set_size (self->lanes, 0);
  if (doc == NULL)
    return;

  threads = tc_document_get_threads (doc);
  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);
      Lane *lane;

      if (thread->n_events == 0 || (self->thread_filter != 0 && thread->id != self->thread_filter))
        continue;
      lane = g_new0 (Lane, 1);
      lane->thread_id = thread->id;
      lane->name = g_strdup (*thread->name ? thread->name : _("Thread"));
      lane->n_rows = tc_launcher_max_depth (doc, thread) + 1;
      g_ptr_array_add (self->lanes, lane);
    }
}

/* ---- loading --------------------------------------------------------- */

typedef struct
{
  TcDocument *doc;
  gint64      begin;
  gint64      end;
  gint64      min_duration;
  GArray     *thread_ids;
  GPtrArray  *results;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->doc);
  g_array_unref (job->thread_ids);
  g_clear_pointer (&job->results, g_ptr_array_unref);
  g_free (job);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;

  job->results = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < job->thread_ids->len; i++)
    {
      GArray *spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      g_autoptr(GError) error = NULL;

      if (!tc_document_collect_spans (job->doc, g_array_index (job->thread_ids, guint32, i),
                                      job->begin, job->end, job->min_duration, spans, &error))
        g_debug ("flame chart: %s", error->message);
      /* After `timecapsule run` the top row is the script's <module>. */
      tc_launcher_drop_spans (job->doc, spans);
      g_array_sort (spans, tc_span_compare);
      g_ptr_array_add (job->results, spans);
      if (g_cancellable_is_cancelled (cancellable))
        break;
    }
  g_task_return_boolean (task, TRUE);
}

static void start_load (TcFlameChart *self);

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TcFlameChart *self = TC_FLAME_CHART (object);
  Job *job = g_task_get_task_data (G_TASK (result));

  self->loading = FALSE;
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) &&
      job->results->len == self->lanes->len)
    {
      for (guint i = 0; i < self->lanes->len; i++)
        {
          Lane *lane = g_ptr_array_index (self->lanes, i);

          g_clear_pointer (&lane->spans, g_array_unref);
          lane->spans = g_array_ref (g_ptr_array_index (job->results, i));
        }
      self->loaded_begin = job->begin;
      self->loaded_end = job->end;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (self->reload)
    start_load (self);
}

static void
start_load (TcFlameChart *self)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  double width = tc_time_navigation_plot_width (GTK_WIDGET (self));
  g_autoptr(GTask) task = NULL;
  Job *job;

  /* Not allocated yet: assume a common width; size_allocate loads again
   * when the real one is much wider. */
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    width = 800;

  self->reload = FALSE;
  if (doc == NULL || self->lanes->len == 0)
    return;
  if (self->loading)
    {
      /* One load at a time; the latest range wins when it finishes. */
      self->reload = TRUE;
      return;
    }

  job = g_new0 (Job, 1);
  job->doc = g_object_ref (doc);
  job->begin = tc_viewer_session_get_visible_begin (self->session);
  job->end = tc_viewer_session_get_visible_end (self->session);
  job->min_duration = (gint64) ((double) (job->end - job->begin) / width / 2.0);
  job->thread_ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < self->lanes->len; i++)
    g_array_append_val (job->thread_ids, ((Lane *) g_ptr_array_index (self->lanes, i))->thread_id);

  self->loaded_width = width;
  self->loading = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, load_worker);
}

static void
range_changed_cb (TcFlameChart *self)
{
  if (self->lanes->len == 0)
    build_lanes (self);
  start_load (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
overlay_changed_cb (TcFlameChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- search ---------------------------------------------------------- */

typedef struct
{
  TcDocument   *doc;
  GArray       *thread_ids;
  GByteArray   *code_matches;
  TcCallSearch *search;
} SearchJob;

static void
search_job_free (gpointer data)
{
  SearchJob *job = data;

  g_object_unref (job->doc);
  g_array_unref (job->thread_ids);
  g_byte_array_unref (job->code_matches);
  g_clear_pointer (&job->search, tc_call_search_free);
  g_free (job);
}

static void
search_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchJob *job = task_data;

  job->search = tc_call_search_run (job->doc, job->code_matches, (const guint32 *) (gpointer) job->thread_ids->data,
                                    job->thread_ids->len, 0, cancellable);
  g_task_return_boolean (task, job->search != NULL);
}

static void
search_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SearchJob *job = g_task_get_task_data (G_TASK (result));
  TcFlameChart *self;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  self = TC_FLAME_CHART (object);
  g_clear_pointer (&self->search, tc_call_search_free);
  self->search = g_steal_pointer (&job->search);
  self->current.is_call = FALSE;
  g_object_notify_by_pspec (object, properties [PROP_SEARCH_READY]);
}

/* ---- drawing --------------------------------------------------------- */

static double
lane_height (const Lane *lane)
{
  return TC_FLAME_CHART_HEADER + lane->n_rows * TC_FLAME_CHART_ROW + 6;
}

static void
tc_flame_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  TcFlameChart *self = TC_FLAME_CHART (widget);
  double h = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = 300;
      return;
    }
  for (guint i = 0; i < self->lanes->len; i++)
    h += lane_height (g_ptr_array_index (self->lanes, i));
  *minimum = *natural = (int) MAX (h, 40);
}

static void
tc_flame_chart_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  TcFlameChart *self = TC_FLAME_CHART (widget);

  /* Narrower spans become visible when the widget grows. */
  if (width - TC_CHART_LEFT - TC_CHART_RIGHT > self->loaded_width * 1.5)
    start_load (self);
}

static void
append_overlay (TcFlameChart      *self,
                 GtkSnapshot       *snapshot,
                 const TcDrawStyle *style,
                 double             plot,
                 double             height,
                 gint64             begin,
                 gint64             end)
{
  gint64 cursor = tc_viewer_session_get_cursor (self->session);
  GdkRGBA band = style->accent;
  GdkRGBA edge = style->accent;

  band.alpha = 0.15;
  edge.alpha = 0.7;
  if (tc_viewer_session_get_has_selection (self->session))
    {
      double x1 = CLAMP (tc_chart_time_to_x (tc_viewer_session_get_selected_begin (self->session), begin, end, plot), -1, plot + 1);
      double x2 = CLAMP (tc_chart_time_to_x (tc_viewer_session_get_selected_end (self->session), begin, end, plot), -1, plot + 1);

      gtk_snapshot_append_color (snapshot, &band, &GRAPHENE_RECT_INIT (x1, 0, MAX (x2 - x1, 0), height));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (round (x1), 0, 1, height));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (round (x2), 0, 1, height));
    }
  if (cursor >= begin && cursor <= end)
    gtk_snapshot_append_color (snapshot, &style->accent,
                               &GRAPHENE_RECT_INIT (round (tc_chart_time_to_x (cursor, begin, end, plot)) - 0.5, 0, 2, height));
}

static void
tc_flame_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  TcFlameChart *self = TC_FLAME_CHART (widget);
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot = tc_time_navigation_plot_width (widget);
  gint64 begin = tc_viewer_session_get_visible_begin (self->session);
  gint64 end = tc_viewer_session_get_visible_end (self->session);
  g_autoptr(PangoLayout) names = NULL;
  TcDrawStyle style;
  double y = 0;

  if (doc == NULL || end <= begin)
    return;

  tc_draw_style_init_for_widget (&style, widget);
  names = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_width (names, (int) ((width - 12) * PANGO_SCALE));
  pango_layout_set_ellipsize (names, PANGO_ELLIPSIZE_END);

  /* Colour and text nodes only: zooming and panning rebuild this every
   * frame, and a full-size cairo image would be rasterized each time. */
  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, i);
      double h = lane_height (lane);

      pango_layout_set_text (names, lane->name, -1);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (6, y + 3));
      gtk_snapshot_append_layout (snapshot, names, &style.foreground);
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_append_color (snapshot, &style.grid, &GRAPHENE_RECT_INIT (0, y + h - 1, width, 1));

      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (TC_CHART_LEFT, y, plot, h));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (TC_CHART_LEFT, 0));
      tc_snapshot_flame_chart_lane (snapshot, widget, &style, doc, lane->spans, y + TC_FLAME_CHART_HEADER,
                                    plot, TC_FLAME_CHART_ROW, begin, end, self->labels,
                                    self->query != NULL
                                        && !(self->search != NULL && tc_call_search_get_n_calls (self->search) == 0)
                                      ? self->code_matches->data : NULL,
                                    self->code_matches->len);
      gtk_snapshot_restore (snapshot);
      gtk_snapshot_pop (snapshot);
      y += h;
    }

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (TC_CHART_LEFT, 0, plot, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (TC_CHART_LEFT, 0));
  append_overlay (self, snapshot, &style, plot, height, begin, end);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static gboolean
query_tooltip_cb (TcFlameChart *self,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip)
{
  TcDocument *doc = tc_viewer_session_get_document (self->session);
  const TcSpan *span = tc_flame_chart_span_at (self, x, y, NULL);
  g_autofree char *duration = NULL;
  g_autofree char *start = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (span == NULL)
    return FALSE;
  duration = tc_units_format_ms (tc_ns_to_ms (span->end_ns - span->start_ns));
  start = tc_units_format_seconds (span->start_ns);
  name = g_markup_escape_text (tc_document_code_name (doc, span->code_id), -1);
  text = g_strdup_printf (_("<b>%s</b>\n%s at %s%s"), name, duration, start,
                          span->flags & TC_SPAN_OPEN_END ? _(" (still running)") : "");
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static void
tc_flame_chart_dispose (GObject *object)
{
  TcFlameChart *self = (TcFlameChart *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_pointer (&self->code_matches, g_byte_array_unref);
  g_clear_pointer (&self->search, tc_call_search_free);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->lanes, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tc_flame_chart_parent_class)->dispose (object);
}

static void
tc_flame_chart_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TcFlameChart *self = TC_FLAME_CHART (object);

  switch (prop_id)
    {
    case PROP_SEARCH_READY:
      g_value_set_boolean (value, tc_flame_chart_get_search_ready (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_flame_chart_class_init (TcFlameChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_flame_chart_dispose;
  object_class->get_property = tc_flame_chart_get_property;
  widget_class->measure = tc_flame_chart_measure;
  widget_class->size_allocate = tc_flame_chart_size_allocate;
  widget_class->snapshot = tc_flame_chart_snapshot;
  gtk_widget_class_set_css_name (widget_class, "flamechart");

  properties [PROP_SEARCH_READY] =
    g_param_spec_boolean ("search-ready", NULL, NULL, TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tc_flame_chart_init (TcFlameChart *self)
{
  self->lanes = g_ptr_array_new_with_free_func (lane_free);
  self->labels = tc_flame_labels_new ();
  self->code_matches = g_byte_array_new ();
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
tc_flame_chart_new (TcViewerSession *session)
{
  TcFlameChart *self;

  g_return_val_if_fail (TC_IS_VIEWER_SESSION (session), NULL);

  self = g_object_new (TC_TYPE_FLAME_CHART, NULL);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::visible-begin", G_CALLBACK (range_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::visible-end", G_CALLBACK (range_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::document", G_CALLBACK (range_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::cursor", G_CALLBACK (overlay_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::selected-begin", G_CALLBACK (overlay_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::selected-end", G_CALLBACK (overlay_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::has-selection", G_CALLBACK (overlay_changed_cb), self, G_CONNECT_SWAPPED);
  tc_time_navigation_attach (GTK_WIDGET (self), session);
  build_lanes (self);
  start_load (self);

  return GTK_WIDGET (self);
}

void
tc_flame_chart_set_thread (TcFlameChart *self,
                           guint         thread_id)
{
  g_return_if_fail (TC_IS_FLAME_CHART (self));

  if (self->thread_filter == thread_id)
    return;
  self->thread_filter = thread_id;
  g_cancellable_cancel (self->cancellable);
  build_lanes (self);
  self->loading = FALSE;
  start_load (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gboolean
tc_flame_chart_get_ready (TcFlameChart *self)
{
  g_return_val_if_fail (TC_IS_FLAME_CHART (self), FALSE);

  return !self->loading && !self->reload &&
         self->loaded_begin == tc_viewer_session_get_visible_begin (self->session) &&
         self->loaded_end == tc_viewer_session_get_visible_end (self->session);
}

GArray *
tc_flame_chart_get_spans (TcFlameChart *self,
                          guint         thread_id)
{
  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, i);

      if (lane->thread_id == thread_id)
        return lane->spans;
    }
  return NULL;
}

const TcSpan *
tc_flame_chart_span_at (TcFlameChart *self,
                        double        x,
                        double        y,
                        guint        *thread_id)
{
  double plot = tc_time_navigation_plot_width (GTK_WIDGET (self));
  gint64 begin = tc_viewer_session_get_visible_begin (self->session);
  gint64 end = tc_viewer_session_get_visible_end (self->session);
  gint64 t;
  double top = 0;

  if (x < TC_CHART_LEFT)
    return NULL;
  t = tc_chart_x_to_time (x - TC_CHART_LEFT, begin, end, plot);

  for (guint i = 0; i < self->lanes->len; i++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, i);
      double h = lane_height (lane);

      if (y >= top && y < top + h)
        {
          double row_y = y - top - TC_FLAME_CHART_HEADER;
          guint depth;
          guint lo = 0, hi;
          const TcSpan *spans;

          if (row_y < 0 || lane->spans == NULL)
            return NULL;
          depth = (guint) (row_y / TC_FLAME_CHART_ROW);
          spans = (const TcSpan *) (gpointer) lane->spans->data;
          hi = lane->spans->len;
          /* Last span with (depth, start) <= (depth, t). */
          while (lo < hi)
            {
              guint mid = lo + (hi - lo) / 2;

              if (spans[mid].depth < depth || (spans[mid].depth == depth && spans[mid].start_ns <= t))
                lo = mid + 1;
              else
                hi = mid;
            }
          if (lo == 0)
            return NULL;
          lo--;
          if (spans[lo].depth != depth || t > spans[lo].end_ns)
            return NULL;
          if (thread_id != NULL)
            *thread_id = lane->thread_id;
          return &spans[lo];
        }
      top += h;
    }
  return NULL;
}

void
tc_flame_chart_set_search (TcFlameChart *self,
                           const char   *query)
{
  TcDocument *doc;
  GPtrArray *codes;
  g_autofree char *needle = NULL;
  g_autoptr(GTask) task = NULL;
  SearchJob *job;
  gboolean any = FALSE;

  g_return_if_fail (TC_IS_FLAME_CHART (self));

  doc = tc_viewer_session_get_document (self->session);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->search, tc_call_search_free);
  self->current.is_call = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (query == NULL || *query == '\0' || doc == NULL)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEARCH_READY]);
      return;
    }

  /* The same rule as the flame graph's search: a case-folded substring of
   * the function's display name. */
  self->query = g_strdup (query);
  needle = g_utf8_casefold (query, -1);
  codes = tc_document_get_codes (doc);
  g_byte_array_set_size (self->code_matches, 0);
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      g_autofree char *folded = g_utf8_casefold (code->display ? code->display : "", -1);
      gboolean match = strstr (folded, needle) != NULL;

      tc_code_set_put (self->code_matches, code->id, match);
      any |= match;
    }

  if (!any || self->lanes->len == 0)
    {
      /* Nothing to decode: found at once. */
      self->search = tc_call_search_run (doc, self->code_matches, NULL, 0, 0, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEARCH_READY]);
      return;
    }

  job = g_new0 (SearchJob, 1);
  job->doc = g_object_ref (doc);
  job->code_matches = g_byte_array_new ();
  g_byte_array_append (job->code_matches, self->code_matches->data, self->code_matches->len);
  job->thread_ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < self->lanes->len; i++)
    g_array_append_val (job->thread_ids, ((Lane *) g_ptr_array_index (self->lanes, i))->thread_id);

  self->search_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->search_cancellable, search_done, NULL);
  g_task_set_task_data (task, job, search_job_free);
  g_task_run_in_thread (task, search_worker);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEARCH_READY]);
}

gboolean
tc_flame_chart_get_search_ready (TcFlameChart *self)
{
  g_return_val_if_fail (TC_IS_FLAME_CHART (self), FALSE);

  return self->query == NULL || self->search != NULL;
}

guint64
tc_flame_chart_get_n_matches (TcFlameChart *self,
                              gint64       *matched_ns)
{
  g_return_val_if_fail (TC_IS_FLAME_CHART (self), 0);

  if (matched_ns != NULL)
    *matched_ns = self->search != NULL ? tc_call_search_get_matched_ns (self->search) : 0;
  return self->search != NULL ? tc_call_search_get_n_calls (self->search) : 0;
}

gint64
tc_flame_chart_get_current_match (TcFlameChart *self)
{
  g_return_val_if_fail (TC_IS_FLAME_CHART (self), -1);

  return self->current.is_call ? (gint64) self->current.index : -1;
}

gboolean
tc_flame_chart_jump_to_match (TcFlameChart *self,
                              gboolean      forward)
{
  TcCallMatch from, call;
  gboolean found;
  gint64 dur, pad;

  g_return_val_if_fail (TC_IS_FLAME_CHART (self), FALSE);

  if (self->search == NULL || tc_call_search_get_n_calls (self->search) == 0)
    return FALSE;

  /* From the current match, or else the first one from the left edge of
   * the view onwards (the last one before its right edge). */
  if (self->current.is_call)
    from = self->current;
  else
    tc_call_search_seek (self->search,
                         forward ? tc_viewer_session_get_visible_begin (self->session)
                                 : tc_viewer_session_get_visible_end (self->session),
                         &from);
  found = forward ? tc_call_search_next (self->search, &from, &call)
                  : tc_call_search_previous (self->search, &from, &call);
  /* Wrap around, like a text search. */
  if (!found)
    found = forward ? tc_call_search_next (self->search, NULL, &call)
                    : tc_call_search_previous (self->search, NULL, &call);
  if (!found)
    return FALSE;
  self->current = call;

  /* The call fills the middle half of the view, the cursor at its start. */
  dur = MAX (call.end_ns - call.start_ns, 1000);
  pad = dur / 2;
  tc_viewer_session_set_visible_range (self->session, MAX (call.start_ns - pad, 0), call.start_ns + dur + pad);
  tc_viewer_session_set_cursor (self->session, call.start_ns);
  return TRUE;
}

gboolean
tc_flame_chart_get_current_call (TcFlameChart *self,
                                 gint64       *start_ns,
                                 gint64       *end_ns,
                                 guint        *thread_id)
{
  g_return_val_if_fail (TC_IS_FLAME_CHART (self), FALSE);

  if (!self->current.is_call)
    return FALSE;
  if (start_ns != NULL)
    *start_ns = self->current.start_ns;
  if (end_ns != NULL)
    *end_ns = self->current.end_ns;
  if (thread_id != NULL)
    *thread_id = self->current.thread_id;
  return TRUE;
}

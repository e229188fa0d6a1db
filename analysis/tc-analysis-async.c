/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-async.c — coroutine activity from the event streams (report
 * section 12 beyond the seed's snapshot task names).
 *
 * The seed only knew the asyncio task of the snapshots taken inside one,
 * which an asyncio program almost never has.  The events know more: every
 * coroutine and async generator code is flagged in its definition, and a
 * thread's stream says when an instance first starts (CALL), suspends at an
 * await (YIELD), resumes (RESUME, a throw() included) and ends (RETURN, or
 * UNWIND for an exception, cancellation included).
 *
 * What can be known, per code and per thread: these counts, the time the
 * code ran (Σ of its run segments, inclusive of what it awaited or called
 * while running, as the call trees count it), and when it was first and
 * last active.  What cannot: an event names the code, not the instance, so
 * when instances of one code interleave on an event loop a RESUME cannot be
 * matched to the CALL that started its instance.  No per-instance lifetime
 * (start to end, suspended time included) is derived, and segments per
 * instance is a mean over the instances started while recording.
 *
 * Plain generators are left out (genexprs and iterators would drown the
 * table and turn the section on for most programs), as are the
 * generator-based `@types.coroutine` helpers.
 *
 * Cost: one pass over the events of the threads whose call tree holds a
 * coroutine (found from the trees without decoding), through the
 * document's block walk: linear in events, memory in stack depth and
 * coroutine codes only.
 */
#include "tc-document-private.h"
#include "tc-text-private.h"

#define ASYNC_FLAGS (TC_CODE_FLAG_COROUTINE | TC_CODE_FLAG_ASYNC_GEN)
#define NOT_ASYNC   G_MAXUINT32

typedef struct
{
  guint32 slot;       /* index into the rows of the thread; NOT_ASYNC otherwise */
  gint64  start_ns;
} OpenSegment;

typedef struct
{
  const guint32 *slot_of;   /* code id → slot (NOT_ASYNC when not async) */
  guint32        n_ids;
  TcAsyncCode   *rows;      /* this thread's, by slot */
  /* The open activations: a plain array, as the call-tree builder's (a
   * GArray push and pop per event cost a quarter of the pass). */
  OpenSegment   *stack;
  guint32        len, cap;
} Walk;

static void
async_code_clear (gpointer data)
{
  TcAsyncCode *row = data;

  g_clear_pointer (&row->threads, g_array_unref);
}

static gboolean
async_event (const TcEvent *ev, gpointer data)
{
  Walk *w = data;
  gint64 t = (gint64) ev->time_ns;

  switch (ev->kind)
    {
    case TC_EVENT_CALL:
    case TC_EVENT_C_CALL:
    case TC_EVENT_RESUME:
      {
        OpenSegment seg = { NOT_ASYNC, t };

        if (ev->kind != TC_EVENT_C_CALL && ev->code_id < w->n_ids)
          seg.slot = w->slot_of[ev->code_id];
        if (seg.slot != NOT_ASYNC)
          {
            TcAsyncCode *row = &w->rows[seg.slot];

            if (ev->kind == TC_EVENT_CALL)
              row->started++;
            else
              row->resumed++;
            if (row->first_ns < 0)
              row->first_ns = t;
            row->last_ns = MAX (row->last_ns, t);
          }
        if (G_UNLIKELY (w->len == w->cap))
          {
            w->cap = MAX (64, w->cap * 2);
            w->stack = g_renew (OpenSegment, w->stack, w->cap);
          }
        w->stack[w->len++] = seg;
        break;
      }

    case TC_EVENT_RETURN:
    case TC_EVENT_C_RETURN:
    case TC_EVENT_YIELD:
    case TC_EVENT_UNWIND:
      {
        OpenSegment seg;
        TcAsyncCode *row;

        /* A leave with nothing open is the frame that called record(), as
         * for the call trees. */
        if (w->len == 0)
          break;
        seg = w->stack[--w->len];
        if (seg.slot == NOT_ASYNC)
          break;
        row = &w->rows[seg.slot];
        row->running_ns += MAX (0, t - seg.start_ns);
        row->last_ns = MAX (row->last_ns, t);
        if (ev->kind == TC_EVENT_YIELD)
          row->suspended++;
        else
          {
            row->finished++;
            if (ev->kind == TC_EVENT_UNWIND)
              row->unwound++;
          }
        break;
      }

    default:
      break;
    }
  return TRUE;
}

static gboolean
is_async_code (const TcDocCode *code)
{
  return code != NULL && (code->flags & ASYNC_FLAGS) != 0
         && (code->flags & TC_CODE_FLAG_C_FUNCTION) == 0;
}

static gboolean
thread_has_async (TcDocument *doc, const TcDocThread *thread)
{
  const TcCallNode *nodes = (const TcCallNode *) (gconstpointer) thread->call_tree->data;

  /* Node 0 is the root. */
  for (guint n = 1; n < thread->call_tree->len; n++)
    if (nodes[n].calls > 0 && is_async_code (tc_document_get_code (doc, nodes[n].code_id)))
      return TRUE;
  return FALSE;
}

gboolean
tc_analysis_has_async (TcDocument *doc)
{
  GPtrArray *threads;

  g_return_val_if_fail (TC_IS_DOCUMENT (doc), FALSE);

  threads = tc_document_get_threads (doc);
  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);

      if (thread->call_tree != NULL && thread_has_async (doc, thread))
        return TRUE;
    }
  return FALSE;
}

static void
add_into (TcAsyncCode *total, const TcAsyncCode *part)
{
  total->started += part->started;
  total->finished += part->finished;
  total->unwound += part->unwound;
  total->suspended += part->suspended;
  total->resumed += part->resumed;
  total->running_ns += part->running_ns;
  if (total->first_ns < 0 || (part->first_ns >= 0 && part->first_ns < total->first_ns))
    total->first_ns = part->first_ns;
  total->last_ns = MAX (total->last_ns, part->last_ns);
}

static int
compare_rows (gconstpointer a, gconstpointer b)
{
  const TcAsyncCode *x = a, *y = b;

  if (x->running_ns != y->running_ns)
    return x->running_ns < y->running_ns ? 1 : -1;
  return g_strcmp0 (x->name, y->name);
}

double
tc_async_code_segments_per_instance (const TcAsyncCode *row)
{
  g_return_val_if_fail (row != NULL, 0);

  return row->started > 0 ? (double) (row->started + row->resumed) / row->started : 0;
}

/* The threads' names that fit in `width` columns, then "+N" for the rest. */
static void
thread_names (GString *out, TcDocument *doc, GArray *threads, int width)
{
  int used = 0;

  for (guint t = 0; t < threads->len; t++)
    {
      const TcAsyncCode *part = &g_array_index (threads, TcAsyncCode, t);
      const TcDocThread *thread = tc_document_get_thread (doc, part->thread_id);
      g_autofree char *name = thread != NULL && *thread->name
                              ? g_strdup (thread->name) : g_strdup_printf ("#%u", part->thread_id);
      int len = (int) g_utf8_strlen (name, -1) + (t > 0 ? 2 : 0);
      /* Room for " +N" unless this is the last one. */
      int reserve = t + 1 < threads->len ? 4 : 0;

      if (used + len + reserve > width)
        {
          if (t == 0)
            {
              g_autofree char *head = tc_text_head (name, MAX (1, width - reserve - 1));

              g_string_append_printf (out, "%s…", head);
              t++;
            }
          if (t < threads->len)
            g_string_append_printf (out, " +%u", threads->len - t);
          return;
        }
      g_string_append_printf (out, "%s%s", t > 0 ? ", " : "", name);
      used += len;
    }
}

static void
render (TcDocument *doc, GArray *rows, guint top_n, const TcTextStyle *style, GString *out)
{
  int W = tc_width (style);
  /* STARTED, ENDED 8 each, AWAITS, RESUMES 9 each, RUNNING 12, SEG/INST 9. */
  int fixed = 8 + 8 + 9 + 9 + 12 + 9;
  gboolean names = W - 2 - fixed - 25 >= 30;
  int threads_w = names ? 24 : 4;
  int col = MAX (12, W - 2 - fixed - threads_w - 1);
  guint n = top_n > 0 ? MIN (top_n, rows->len) : rows->len;

  g_string_append (out, "  ");
  tc_text_pad (out, "COROUTINE", col, FALSE);
  g_string_append_printf (out, " %7s %7s %8s %8s %11s %8s ", "STARTED", "ENDED", "AWAITS",
                          "RESUMES", "RUNNING", "SEG/INST");
  g_string_append (out, names ? "THREADS\n" : " THR\n");
  tc_text_rule (out, style, "─");

  for (guint i = 0; i < n; i++)
    {
      const TcAsyncCode *row = &g_array_index (rows, TcAsyncCode, i);
      g_autofree char *name = tc_text_ellipsize_start (row->name, col);
      g_autofree char *running = tc_fmt ("%.2fms", tc_ns_to_ms (row->running_ns));
      g_autofree char *per = row->started > 0
                             ? tc_fmt ("%.1f", tc_async_code_segments_per_instance (row))
                             : g_strdup ("—");

      g_string_append (out, "  ");
      tc_text_pad (out, name, col, FALSE);
      g_string_append_printf (out, " %7" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
                              " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " ",
                              row->started, row->finished, row->suspended, row->resumed);
      tc_text_pad (out, running, 11, TRUE);
      g_string_append_c (out, ' ');
      tc_text_pad (out, per, 8, TRUE);
      g_string_append_c (out, ' ');
      if (names)
        thread_names (out, doc, row->threads, threads_w);
      else
        g_string_append_printf (out, "%4u", row->threads->len);
      g_string_append_c (out, '\n');
    }
  if (rows->len > n)
    g_string_append_printf (out, "  %s… %u more coroutines%s\n", tc_c (style, TC_DIM),
                            rows->len - n, tc_r (style));
  g_string_append_printf (out, "  %sRUNNING = Σ of run segments (inclusive); instance lifetimes "
                          "are unknown.%s\n",
                          tc_c (style, TC_DIM), tc_r (style));
}

static GArray *
collect_rows (TcDocument *doc)
{
  GArray *result = g_array_new (FALSE, TRUE, sizeof (TcAsyncCode));
  g_autofree guint32 *slot_of = NULL;
  g_autoptr (GPtrArray) async_codes = g_ptr_array_new ();
  g_autofree TcAsyncCode *rows = NULL;
  GPtrArray *codes, *threads;
  guint32 n_ids = 0;
  Walk w = { 0 };

  g_array_set_clear_func (result, async_code_clear);

  codes = tc_document_get_codes (doc);
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);

      /* No event can name a larger id (its block would be corrupt). */
      if (is_async_code (code) && code->id < TC_MAX_CODE_ID)
        {
          g_ptr_array_add (async_codes, (gpointer) code);
          n_ids = MAX (n_ids, code->id + 1);
        }
    }
  if (async_codes->len == 0)
    return result;

  /* The result's rows are the codes' totals, in code order until sorted:
   * a code's slot is its index here. */
  slot_of = g_new (guint32, n_ids);
  for (guint32 id = 0; id < n_ids; id++)
    slot_of[id] = NOT_ASYNC;
  for (guint i = 0; i < async_codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (async_codes, i);
      TcAsyncCode total = { 0 };

      slot_of[code->id] = i;
      total.code_id = code->id;
      total.name = code->display;
      total.async_gen = (code->flags & TC_CODE_FLAG_ASYNC_GEN) != 0;
      total.first_ns = total.last_ns = -1;
      total.threads = g_array_new (FALSE, TRUE, sizeof (TcAsyncCode));
      g_array_append_val (result, total);
    }

  rows = g_new (TcAsyncCode, async_codes->len);
  w.slot_of = slot_of;
  w.n_ids = n_ids;
  w.rows = rows;
  threads = tc_document_get_threads (doc);
  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);

      if (thread->call_tree == NULL || !thread_has_async (doc, thread))
        continue;
      for (guint s = 0; s < async_codes->len; s++)
        {
          TcAsyncCode *total = &g_array_index (result, TcAsyncCode, s);

          rows[s] = *total;
          rows[s].thread_id = thread->id;
          rows[s].started = rows[s].finished = rows[s].unwound = 0;
          rows[s].suspended = rows[s].resumed = 0;
          rows[s].running_ns = 0;
          rows[s].first_ns = rows[s].last_ns = -1;
          rows[s].threads = NULL;
        }
      w.len = 0;
      /* A block that fails to decode ends this thread's walk: what came
       * before it still counts, as in the call trees. */
      tc_document_foreach_event (doc, thread->id, 0, G_MAXINT64, async_event, &w, NULL);
      for (guint s = 0; s < async_codes->len; s++)
        {
          TcAsyncCode *total = &g_array_index (result, TcAsyncCode, s);

          if (rows[s].first_ns < 0)
            continue;
          add_into (total, &rows[s]);
          g_array_append_val (total->threads, rows[s]);
        }
    }
  g_free (w.stack);

  /* Codes defined but never run while recording are not activity. */
  for (guint s = result->len; s-- > 0;)
    if (g_array_index (result, TcAsyncCode, s).first_ns < 0)
      g_array_remove_index (result, s);
  g_array_sort (result, compare_rows);
  return result;
}

GArray *
tc_analysis_async (TcDocument        *doc,
                   guint              top_n,
                   const TcTextStyle *style,
                   GString           *out)
{
  GArray *rows;

  g_return_val_if_fail (TC_IS_DOCUMENT (doc), g_array_new (FALSE, TRUE, sizeof (TcAsyncCode)));

  g_mutex_lock (&doc->async_lock);
  if (doc->async_rows == NULL)
    doc->async_rows = collect_rows (doc);
  rows = g_array_ref (doc->async_rows);
  g_mutex_unlock (&doc->async_lock);

  if (out != NULL && rows->len > 0)
    render (doc, rows, top_n, style, out);
  return rows;
}

/* SPDX-License-Identifier: MIT
 *
 * test-call-search.c — TcCallSearch against every span of the recording
 * collected whole and sorted.
 */
#include <glib/gstdio.h>

#include "tc-call-search.h"
#include "tc-test-recordings.h"

typedef struct
{
  gint64  start_ns;
  gint64  end_ns;
  guint32 thread_id;
  guint32 depth;
  guint32 order;
} Expected;

static int
compare_expected (gconstpointer a,
                  gconstpointer b)
{
  const Expected *x = a, *y = b;

  if (x->start_ns != y->start_ns)
    return x->start_ns < y->start_ns ? -1 : 1;
  if (x->thread_id != y->thread_id)
    return x->thread_id < y->thread_id ? -1 : 1;
  if (x->depth != y->depth)
    return x->depth < y->depth ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* Every matching call of threads 1–3 from one collect over everything, in
 * the search's order, and the time they cover (the union per thread). */
static GArray *
expected_calls (TcDocument *doc,
                GByteArray *matches,
                gint64     *covered_ns)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (Expected));

  *covered_ns = 0;
  for (guint32 id = 1; id <= 3; id++)
    {
      g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      g_autoptr (GArray) mine = g_array_new (FALSE, FALSE, sizeof (Expected));
      gint64 until = G_MININT64;

      g_assert_true (tc_document_collect_spans (doc, id, G_MININT64 / 2, G_MAXINT64 / 2, 0, spans, NULL));
      for (guint i = 0; i < spans->len; i++)
        {
          const TcSpan *s = &g_array_index (spans, TcSpan, i);
          Expected e = { s->start_ns, s->end_ns, id, s->depth, i };

          if (s->code_id < matches->len && matches->data[s->code_id])
            g_array_append_val (mine, e);
        }
      g_array_sort (mine, compare_expected);
      for (guint i = 0; i < mine->len; i++)
        {
          const Expected *e = &g_array_index (mine, Expected, i);

          if (e->end_ns > until)
            {
              *covered_ns += e->end_ns - MAX (e->start_ns, until);
              until = e->end_ns;
            }
        }
      g_array_append_vals (all, mine->data, mine->len);
    }
  g_array_sort (all, compare_expected);
  return all;
}

static void
assert_call (const TcCallMatch *m,
             const GArray      *expected,
             guint64            index)
{
  const Expected *e = &g_array_index (expected, Expected, index);

  g_assert_true (m->is_call);
  g_assert_cmpuint (m->index, ==, index);
  g_assert_cmpint (m->start_ns, ==, e->start_ns);
  g_assert_cmpint (m->end_ns, ==, e->end_ns);
  g_assert_cmpuint (m->thread_id, ==, e->thread_id);
  g_assert_cmpuint (m->depth, ==, e->depth);
}

/* Three threads of interleaved small blocks (a quarter of the events at
 * the time before, so calls lasting nothing side by side and stretch
 * bounds on busy instants), searched in stretches of one block to all of
 * them: the count, the time (nested calls once, the threads' calls
 * interleaving), every call walked forwards and backwards, and seeks. */
static void
test_against_collect (void)
{
  g_autofree char *path = tc_test_write_many_blocks ("call-search.tc", 240, FALSE);
  g_autoptr (TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, NULL);
  const guint32 threads[] = { 3, 1, 2, 1 };
  const guint stretch_events[] = { 1, 400, 1000, 5000, 0 };
  const guint every[] = { 1, 3, 17 };
  GRand *rand = g_rand_new_with_seed (7);
  gint64 begin, end;

  g_assert_nonnull (doc);
  tc_document_get_time_range (doc, &begin, &end);
  for (guint e = 0; e < G_N_ELEMENTS (every); e++)
    {
      g_autoptr (GByteArray) matches = g_byte_array_new ();
      g_autoptr (GArray) expected = NULL;
      gint64 covered;

      g_byte_array_set_size (matches, 41);
      for (guint id = 0; id <= 40; id++)
        matches->data[id] = id > 0 && id % every[e] == 0;
      expected = expected_calls (doc, matches, &covered);
      g_assert_cmpuint (expected->len, >, every[e] == 17 ? 100 : 5000);

      for (guint c = 0; c < G_N_ELEMENTS (stretch_events); c++)
        {
          g_autoptr (TcCallSearch) search = tc_call_search_run (doc, matches, threads, G_N_ELEMENTS (threads),
                                                                stretch_events[c], NULL);
          TcCallMatch m, from;
          guint64 i;

          g_assert_nonnull (search);
          g_assert_cmpuint (tc_call_search_get_n_calls (search), ==, expected->len);
          g_assert_cmpint (tc_call_search_get_matched_ns (search), ==, covered);

          /* Forwards from the start, backwards from the end. */
          for (i = 0; tc_call_search_next (search, i ? &from : NULL, &m); i++)
            {
              g_assert_cmpuint (i, <, expected->len);
              assert_call (&m, expected, i);
              from = m;
            }
          g_assert_cmpuint (i, ==, expected->len);
          for (i = expected->len; tc_call_search_previous (search, i < expected->len ? &from : NULL, &m); i--)
            {
              g_assert_cmpuint (i, >, 0);
              assert_call (&m, expected, i - 1);
              from = m;
            }
          g_assert_cmpuint (i, ==, 0);

          /* Seeks: to random instants, and to the starts of calls (the
           * position is before every call starting there). */
          for (guint k = 0; k < 200; k++)
            {
              guint pick = g_rand_int_range (rand, 0, expected->len);
              gint64 ns = k % 2 ? g_rand_int_range (rand, (gint32) begin - 10, (gint32) end + 10)
                                : g_array_index (expected, Expected, pick).start_ns;
              guint64 before = 0;

              while (before < expected->len && g_array_index (expected, Expected, before).start_ns < ns)
                before++;
              tc_call_search_seek (search, ns, &from);
              g_assert_false (from.is_call);
              g_assert_cmpuint (from.index, ==, before);
              g_assert_cmpint (tc_call_search_next (search, &from, &m), ==, before < expected->len);
              if (before < expected->len)
                assert_call (&m, expected, before);
              g_assert_cmpint (tc_call_search_previous (search, &from, &m), ==, before > 0);
              if (before > 0)
                assert_call (&m, expected, before - 1);
            }
        }
    }
  g_rand_free (rand);
}

static void
test_cancelled (void)
{
  g_autofree char *path = tc_test_write_many_blocks ("call-search-cancelled.tc", 30, FALSE);
  g_autoptr (TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GByteArray) matches = g_byte_array_new ();
  const guint32 threads[] = { 1, 2, 3 };
  guint8 yes = 1;

  g_byte_array_append (matches, &yes, 1);
  g_byte_array_append (matches, &yes, 1);
  g_cancellable_cancel (cancellable);
  g_assert_null (tc_call_search_run (doc, matches, threads, 3, 0, cancellable));
}

/* Nothing to find: no thread, no matching code. */
static void
test_empty (void)
{
  g_autofree char *path = tc_test_write_many_blocks ("call-search-empty.tc", 30, FALSE);
  g_autoptr (TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, NULL);
  g_autoptr (GByteArray) matches = g_byte_array_new ();
  const guint32 threads[] = { 1, 2, 3, 99 };
  TcCallMatch m, from;

  for (guint n = 0; n <= 4; n += 4)
    {
      g_autoptr (TcCallSearch) search = tc_call_search_run (doc, matches, threads, n, 0, NULL);

      g_assert_cmpuint (tc_call_search_get_n_calls (search), ==, 0);
      g_assert_cmpint (tc_call_search_get_matched_ns (search), ==, 0);
      g_assert_false (tc_call_search_next (search, NULL, &m));
      g_assert_false (tc_call_search_previous (search, NULL, &m));
      tc_call_search_seek (search, 1000, &from);
      g_assert_cmpuint (from.index, ==, 0);
      g_assert_false (tc_call_search_next (search, &from, &m));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/analysis/call-search/against-collect", test_against_collect);
  g_test_add_func ("/tc/analysis/call-search/cancelled", test_cancelled);
  g_test_add_func ("/tc/analysis/call-search/empty", test_empty);
  return g_test_run ();
}

/* SPDX-License-Identifier: MIT
 *
 * test-durations.c — per-call durations kept in 4 bytes a call where they
 * fit: the width is chosen per function, exactly at 2^32 ns, and nothing
 * read back (values, order, statistics) depends on it.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>

#include "tc-document-private.h"
#include "tc-test-document.h"
#include "tc-test-recordings.h"

#define NS_2_32 G_GINT64_CONSTANT (4294967296)

static int
compare_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
assert_sorted_copy (const gint64 *ns, guint n, gboolean compact)
{
  g_autoptr (TcDurations) d = tc_durations_new (ns, n);
  g_autofree gint64 *expected = g_memdup2 (ns, n * sizeof (gint64));
  g_autofree gint64 *run = g_new (gint64, n + 1);
  guint got = 0;

  if (n > 0)
    qsort (expected, n, sizeof (gint64), compare_i64);
  g_assert_cmpuint (tc_durations_get_n (d), ==, n);
  g_assert_true (tc_durations_is_compact (d) == compact);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (tc_durations_get (d, i), ==, expected[i]);

  /* The same values copied out in uneven runs. */
  for (guint first = 0, k; (k = tc_durations_copy (d, first, run + got, 7)) > 0; first += k)
    got += k;
  g_assert_cmpuint (got, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (run[i], ==, expected[i]);
  g_assert_cmpuint (tc_durations_copy (d, n, run, 7), ==, 0);
}

/* Small arrays go through qsort, big ones through the radix sort: both
 * widths of both, the boundary values on either side of 2^32 ns. */
static void
test_new (void)
{
  const gint64 below[] = { 7, NS_2_32 - 1, 0, 3, NS_2_32 - 1 };
  const gint64 at[] = { 7, NS_2_32, 0, 3, NS_2_32 - 1 };
  const gint64 negative[] = { 5, -2, 1 };
  g_autofree gint64 *big = g_new (gint64, 5000);
  guint64 x = 88172645463325252ull;

  assert_sorted_copy (below, G_N_ELEMENTS (below), TRUE);
  assert_sorted_copy (at, G_N_ELEMENTS (at), FALSE);
  assert_sorted_copy (negative, G_N_ELEMENTS (negative), FALSE);
  assert_sorted_copy (NULL, 0, TRUE);

  for (guint i = 0; i < 5000; i++)
    {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      big[i] = (gint64) (x % NS_2_32);
    }
  assert_sorted_copy (big, 5000, TRUE);
  /* One long call in the middle turns all of them to 8 bytes. */
  big[2500] = 3 * NS_2_32 + 11;
  assert_sorted_copy (big, 5000, FALSE);
}

/* One code per function; each function's calls one after the other, with
 * the given durations (0 ends a list), on thread 1. */
static char *
write_calls (const char *name, const char * const *names, const gint64 * const *durations, guint n_functions)
{
  char *path = g_build_filename (tc_test_dir (), name, NULL);
  TcWriterOptions opts = { "d", "t", 0, 0 };
  TcError err = { 0 };
  TcEndFixed end = { 0 };
  g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (TcEvent));
  guint64 t = 1000;
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  for (guint f = 0; f < n_functions; f++)
    {
      TcCodeDef def = { f + 1, 0, 1, TC_CODE_FLAG_TRACKED,
                        { names[f], (uint32_t) strlen (names[f]) },
                        { names[f], (uint32_t) strlen (names[f]) }, TC_STR ("m") };

      g_assert_cmpint (tc_writer_write_code (w, 0, &def), ==, TC_OK);
    }
  for (guint f = 0; f < n_functions; f++)
    for (const gint64 *d = durations[f]; *d != 0; d++)
      {
        TcEvent call = { t, f + 1, TC_EVENT_CALL };
        TcEvent ret = { t + (guint64) *d, 0, TC_EVENT_RETURN };

        g_array_append_val (events, call);
        g_array_append_val (events, ret);
        t += (guint64) *d + 1000;
      }
  g_assert_cmpint (tc_writer_write_events (w, 1, (TcEvent *) events->data, events->len), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

/* Population σ in ms over the values, as spec §2 defines it. */
static double
std_ms (const gint64 *ns, guint n)
{
  double sum = 0, var = 0;

  for (guint i = 0; i < n; i++)
    sum += ns[i] / 1e6;
  for (guint i = 0; i < n; i++)
    var += (ns[i] / 1e6 - sum / n) * (ns[i] / 1e6 - sum / n);
  return sqrt (var / n);
}

/* A loaded recording: the function with long calls keeps them exact and
 * in order among its tiny ones, the others stay compact, and the width
 * flips exactly at 2^32 ns. */
static void
test_load (void)
{
  /* "mixed": 1 … 40 ns with 2^32 + 1000 ns after the 20th (once the
   * builder has grown past its first capacities) and 2^33 + 7 ns last. */
  gint64 mixed[43];
  const gint64 sorted_mixed[42] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                                    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
                                    36, 37, 38, 39, 40, NS_2_32 + 1000, 2 * NS_2_32 + 7 };
  const gint64 shorts[] = { 30, 10, 20, 0 };
  const gint64 below[] = { 5, NS_2_32 - 1, 0 };
  const gint64 at[] = { 5, NS_2_32, 0 };
  const char *names[] = { "mixed", "shorts", "below", "at" };
  const gint64 *lists[] = { mixed, shorts, below, at };
  g_autofree char *path = NULL;
  g_autoptr (TcDocument) doc = NULL;
  const TcFunctionStats *s;
  guint k = 0;

  for (gint64 v = 1; v <= 40; v++)
    {
      mixed[k++] = v;
      if (v == 20)
        mixed[k++] = NS_2_32 + 1000;
    }
  mixed[k++] = 2 * NS_2_32 + 7;
  mixed[k] = 0;
  path = write_calls ("durations.tc", names, lists, G_N_ELEMENTS (names));
  doc = tc_document_load (path, NULL, NULL, NULL, NULL);
  g_assert_nonnull (doc);

  s = tc_test_function_stats (doc, "mixed");
  g_assert_cmpuint (s->calls, ==, 42);
  g_assert_false (tc_durations_is_compact (s->durations));
  g_assert_cmpuint (tc_durations_get_n (s->durations), ==, 42);
  for (guint i = 0; i < 42; i++)
    g_assert_cmpint (tc_durations_get (s->durations, i), ==, sorted_mixed[i]);
  g_assert_true (s->min_ms == tc_ns_to_ms (1));
  g_assert_true (s->max_ms == tc_ns_to_ms (2 * NS_2_32 + 7));
  g_assert_true (s->p50_ms == tc_ns_to_ms (22));                /* ms[42/2] */
  g_assert_true (s->p95_ms == tc_ns_to_ms (39));                /* ms[int(39.9)-1] */
  g_assert_true (s->p99_ms == tc_ns_to_ms (NS_2_32 + 1000));    /* ms[int(41.58)-1] */
  g_assert_cmpfloat_with_epsilon (s->std_ms / std_ms (sorted_mixed, 42), 1.0, 1e-12);
  /* Call order, not sorted order: the first 14 calls (1 … 14 ns) against
   * the last 14 (28 … 40 ns and 2^33 + 7 ns). */
  g_assert_cmpfloat_with_epsilon (s->late_early_ratio / ((442.0 + 2 * NS_2_32 + 7) / 105.0), 1.0, 1e-12);

  s = tc_test_function_stats (doc, "shorts");
  g_assert_true (tc_durations_is_compact (s->durations));
  g_assert_cmpint (tc_durations_get (s->durations, 0), ==, 10);
  g_assert_cmpint (tc_durations_get (s->durations, 1), ==, 20);
  g_assert_cmpint (tc_durations_get (s->durations, 2), ==, 30);
  g_assert_true (s->p50_ms == tc_ns_to_ms (20));

  s = tc_test_function_stats (doc, "below");
  g_assert_true (tc_durations_is_compact (s->durations));
  g_assert_cmpint (tc_durations_get (s->durations, 1), ==, NS_2_32 - 1);
  g_assert_true (s->max_ms == tc_ns_to_ms (NS_2_32 - 1));

  s = tc_test_function_stats (doc, "at");
  g_assert_false (tc_durations_is_compact (s->durations));
  g_assert_cmpint (tc_durations_get (s->durations, 0), ==, 5);
  g_assert_cmpint (tc_durations_get (s->durations, 1), ==, NS_2_32);
  g_assert_true (s->max_ms == tc_ns_to_ms (NS_2_32));
  g_assert_true (s->p50_ms == tc_ns_to_ms (NS_2_32));           /* ms[2/2] */
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tc/analysis/durations/new", test_new);
  g_test_add_func ("/tc/analysis/durations/load", test_load);

  return g_test_run ();
}

/* SPDX-License-Identifier: MIT
 *
 * test-format-compat.c — files of older minor versions still read.
 *
 * tests/data/events-v1.0.tc was written by the format library of version 1.0
 * (commit a4e7f25, event blocks in the "head planes" layout, codecs 0 and
 * 1) with `test-format-compat --write-v1.0 PATH`: the events of
 * compat_events() for thread 1 (a DEFLATE block), one event for thread 2
 * (a RAW block), a CODE frame and a return value (a RETURN_VALUE frame).
 * The test decodes it with today's reader, and writes the same again to
 * show that today's writer produces other encodings (kind planes, a
 * RETURN_VALUES batch) that decode to the same content.
 */
#include "tc-test-util.h"

#define N_COMPAT_EVENTS 4000u

/* A call tree with every event kind, deterministic deltas of 0 ns to ~1 ms
 * (a small LCG, so the low bits look like real timestamps). */
static TcEvent *
compat_events (size_t *n_out)
{
  TcEvent *ev = g_new0 (TcEvent, N_COMPAT_EVENTS);
  guint32 open_code[64];
  guint depth = 0;
  guint64 t = 5000, x = 12345;
  size_t n = 0;

  while (n < N_COMPAT_EVENTS)
    {
      guint kind;

      x = x * 6364136223846793005u + 1442695040888963407u;
      t += (x >> 33) % ((x >> 60) == 0 ? 1000000u : 3000u);
      if (depth > 0 && (depth == G_N_ELEMENTS (open_code) || ((x >> 20) & 3) == 0 || n + depth >= N_COMPAT_EVENTS))
        {
          guint32 code = open_code[--depth];

          kind = code >= 300 ? TC_EVENT_C_RETURN
                 : code % 7 == 0 ? TC_EVENT_YIELD
                 : code % 11 == 0 ? TC_EVENT_UNWIND : TC_EVENT_RETURN;
          ev[n++] = (TcEvent) { t, 0, kind };
          continue;
        }
      open_code[depth] = 1 + (guint32) ((x >> 40) % 320);
      kind = open_code[depth] >= 300 ? TC_EVENT_C_CALL
             : open_code[depth] % 7 == 0 ? TC_EVENT_RESUME : TC_EVENT_CALL;
      ev[n++] = (TcEvent) { t, open_code[depth], kind };
      depth++;
    }
  *n_out = n;
  return ev;
}

static void
write_events (const char *path)
{
  TcError error = { 0 };
  TcWriter *w = tc_writer_open (path, NULL, &error);
  const TcCodeDef code = { 1, 0, 1, 0, TC_STR ("work"), TC_STR ("work"), TC_STR ("compat") };
  const TcEvent one = { 6000, 9, TC_EVENT_CALL };
  const TcReturnValue rv = { 1, TC_STR ("42"), TC_STR ("int"), { .kind = TC_VALUE_INT, .i = 42 } };
  g_autofree TcEvent *ev = NULL;
  size_t n;

  g_assert_nonnull (w);
  ev = compat_events (&n);
  g_assert_cmpint (tc_writer_write_code (w, 0, &code), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, 1, ev, n), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_events (w, 2, &one, 1), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_return_value (w, 1, 7000, &rv), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);
}

/* Every event of the file, with the codecs its blocks use. */
static void
check_file (const char *path, guint16 want_minor, guint8 want_raw_codec, guint8 want_zlib_codec)
{
  TcError error = { 0 };
  TcReader *r = tc_reader_open (path, &error);
  TcArena *arena = tc_arena_new ();
  g_autofree TcEvent *expected = NULL;
  TcFrameIter iter;
  TcFrame f;
  size_t n_expected, seen = 0;
  guint blocks = 0, returns = 0;

  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  g_assert_cmpuint (tc_reader_header (r)->version_minor, ==, want_minor);
  expected = compat_events (&n_expected);
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      TcEventsFixed fx;
      TcEvent *ev;
      size_t m;

      if (f.header->type == TC_FRAME_RETURN_VALUE || f.header->type == TC_FRAME_RETURN_VALUES)
        {
          TcReturnValueItem *items, one;

          /* 1.0 wrote a frame per value, 1.1 writes batches. */
          if (f.header->type == TC_FRAME_RETURN_VALUE)
            {
              g_assert_cmpint (want_minor, ==, 0);
              one.time_ns = f.header->time_ns;
              one.thread_id = f.header->thread_id;
              g_assert_cmpint (tc_decode_return_value (&f, &one.rv), ==, TC_OK);
              items = &one;
              m = 1;
            }
          else
            {
              g_assert_cmpint (want_minor, >=, 1);
              g_assert_cmpint (tc_decode_return_values (&f, arena, &items, &m), ==, TC_OK);
              g_assert_cmpuint (m, ==, 1);
            }
          g_assert_cmpuint (items[0].time_ns, ==, 7000);
          g_assert_cmpuint (items[0].thread_id, ==, 1);
          g_assert_cmpuint (items[0].rv.code_id, ==, 1);
          tc_assert_str (items[0].rv.repr, TC_STR ("42"));
          tc_assert_str (items[0].rv.type_name, TC_STR ("int"));
          g_assert_cmpint (items[0].rv.value.kind, ==, TC_VALUE_INT);
          g_assert_cmpint (items[0].rv.value.i, ==, 42);
          returns++;
          continue;
        }
      if (f.header->type != TC_FRAME_EVENTS)
        continue;
      blocks++;
      memcpy (&fx, f.payload, sizeof fx);
      g_assert_cmpint (tc_decode_events (&f, arena, &ev, &m), ==, TC_OK);
      if (f.header->thread_id == 2)
        {
          g_assert_cmpuint (fx.codec, ==, want_raw_codec);
          g_assert_cmpuint (m, ==, 1);
          g_assert_cmpuint (ev[0].time_ns, ==, 6000);
          g_assert_cmpuint (ev[0].code_id, ==, 9);
          g_assert_cmpuint (ev[0].kind, ==, TC_EVENT_CALL);
          continue;
        }
      g_assert_cmpuint (fx.codec, ==, want_zlib_codec);
      g_assert_cmpuint (seen + m, <=, n_expected);
      for (size_t i = 0; i < m; i++)
        {
          g_assert_cmpuint (ev[i].time_ns, ==, expected[seen + i].time_ns);
          g_assert_cmpuint (ev[i].kind, ==, expected[seen + i].kind);
          g_assert_cmpuint (ev[i].code_id, ==, expected[seen + i].code_id);
        }
      seen += m;
    }
  g_assert_cmpuint (seen, ==, n_expected);
  g_assert_cmpuint (blocks, ==, 2);
  g_assert_cmpuint (returns, ==, 1);
  tc_reader_free (r);
  tc_arena_free (arena);
}

static void
test_compat_events_v1_0 (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "events-v1.0.tc", NULL);

  check_file (path, 0, TC_CODEC_RAW, TC_CODEC_ZLIB);
}

/* Today's writer: the kind-planes layout, same events, fewer bytes. */
static void
test_compat_events_current (void)
{
  g_autofree char *old = g_test_build_filename (G_TEST_DIST, "data", "events-v1.0.tc", NULL);
  g_autofree char *path = tc_test_tmp_path ("compat-current.tc");
  GStatBuf st_old, st_new;

  write_events (path);
  check_file (path, TC_VERSION_MINOR, TC_CODEC_KINDS_RAW, TC_CODEC_KINDS_ZLIB);
  g_assert_cmpint (g_stat (old, &st_old), ==, 0);
  g_assert_cmpint (g_stat (path, &st_new), ==, 0);
  g_assert_cmpint (st_new.st_size, <, st_old.st_size);
  tc_test_tmp_remove (path);
}

int
main (int argc, char **argv)
{
  /* How tests/data/events-v1.0.tc was made (at a 1.0 commit). */
  if (argc == 3 && strcmp (argv[1], "--write-v1.0") == 0)
    {
      write_events (argv[2]);
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/format/compat/events-v1.0", test_compat_events_v1_0);
  g_test_add_func ("/tc/format/compat/events-current", test_compat_events_current);
  return g_test_run ();
}

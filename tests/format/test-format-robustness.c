/* SPDX-License-Identifier: MIT
 *
 * test-format-robustness.c — what a reader does with damaged, foreign,
 * future and still-growing files, and that the writer never clobbers.
 * Also writes the fuzzing seed corpus (TC_CORPUS_DIR).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "tc-test-decode-all.h"
#include "tc-test-sample.h"
#include "tc-test-util.h"

typedef struct
{
  guint8  *data;
  gsize    len;
  guint64 *frame_ends;   /* end offset of each frame of the full file */
  guint    n_frames;
} Sample;

static void
sample_load (Sample *s, bool close)
{
  g_autofree char *path = tc_test_tmp_path ("sample.tc");
  g_autoptr (GError) gerror = NULL;
  TcError error = { 0 };
  TcReader *r;
  TcFrameIter iter;
  TcFrame f;

  g_assert_cmpint (tc_test_write_sample (path, close, &error), ==, TC_OK);
  g_file_get_contents (path, (char **) &s->data, &s->len, &gerror);
  g_assert_no_error (gerror);
  r = tc_reader_open_memory (s->data, s->len, &error);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, close ? TC_STATE_COMPLETE : TC_STATE_TRUNCATED);
  s->n_frames = (guint) tc_reader_n_frames (r);
  s->frame_ends = g_new0 (guint64, s->n_frames);
  tc_frame_iter_init (&iter, r);
  for (guint i = 0; tc_frame_iter_next (&iter, &f); i++)
    s->frame_ends[i] = f.offset + f.header->length;
  tc_reader_free (r);
  tc_test_tmp_remove (path);
}

static void
sample_clear (Sample *s)
{
  g_free (s->data);
  g_free (s->frame_ends);
}

/* Frames of the full file that end at or before `cut`. */
static guint
frames_within (const Sample *s, guint64 cut)
{
  guint n = 0;

  while (n < s->n_frames && s->frame_ends[n] <= cut)
    n++;
  return n;
}

/* ------------------------------------------------------------------------ */

static void
test_truncation_every_offset (void)
{
  Sample s;
  guint64 prev_frames = 0;
  TcDecodeStats full;

  sample_load (&s, true);
  {
    TcReader *r = tc_reader_open_memory (s.data, s.len, NULL);

    tc_test_decode_all (r, &full);
    g_assert_cmpuint (full.corrupt, ==, 0);
    g_assert_cmpuint (full.unknown, ==, 1);
    g_assert_cmpuint (full.decoded + full.unknown, ==, full.frames);
    tc_reader_free (r);
  }
  g_test_message ("sample: %zu bytes, %u frames", s.len, s.n_frames);

  for (gsize cut = 0; cut <= s.len; cut++)
    {
      /* A fresh heap copy of exactly `cut` bytes, so ASan sees any read
       * past the end. */
      g_autofree guint8 *copy = g_memdup2 (s.data, cut ? cut : 1);
      TcError error = { 0 };
      TcReader *r = tc_reader_open_memory (copy, cut, &error);
      TcDecodeStats st;

      if (cut < TC_HEADER_SIZE)
        {
          g_assert_null (r);
          g_assert_cmpint (error.code, ==, cut == 0 ? TC_ERR_NOT_TC : TC_ERR_HEADER);
          if (cut > 0)
            g_assert_nonnull (strstr (error.message, "cut inside its header"));
          continue;
        }
      g_assert_nonnull (r);
      if (cut == s.len)
        g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
      else
        {
          g_autofree char *expect = g_strdup_printf ("truncated at offset %" G_GUINT64_FORMAT " (",
                                                     tc_reader_valid_end (r));

          g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_TRUNCATED);
          g_assert_true (g_str_has_prefix (tc_reader_state_message (r), expect));
        }
      /* Exactly the frames that fit, never a partial one, and never fewer
       * for a longer prefix. */
      g_assert_cmpuint (tc_reader_n_frames (r), ==, frames_within (&s, cut));
      g_assert_cmpuint (tc_reader_n_frames (r), >=, prev_frames);
      prev_frames = tc_reader_n_frames (r);
      g_assert_cmpuint (tc_reader_valid_end (r), <=, cut);
      g_assert_cmpuint (tc_reader_valid_end (r), ==,
                        prev_frames ? s.frame_ends[prev_frames - 1] : TC_HEADER_SIZE);
      tc_test_decode_all (r, &st);
      g_assert_cmpuint (st.frames, ==, prev_frames);
      g_assert_cmpuint (st.corrupt, ==, 0);
      tc_reader_free (r);
    }
  g_assert_cmpuint (prev_frames, ==, s.n_frames);
  sample_clear (&s);
}

/* The same through real files and mmap, at a few offsets. */
static void
test_truncation_files (void)
{
  Sample s;
  g_autofree char *path = tc_test_tmp_path ("cut.tc");

  sample_load (&s, true);
  for (guint i = 0; i < 6; i++)
    {
      gsize cut = TC_HEADER_SIZE + (s.len - TC_HEADER_SIZE) * i / 5;
      g_autoptr (GError) gerror = NULL;
      TcError error = { 0 };
      TcReader *r;

      g_file_set_contents (path, (const char *) s.data, (gssize) cut, &gerror);
      g_assert_no_error (gerror);
      r = tc_reader_open (path, &error);
      g_assert_nonnull (r);
      g_assert_cmpint (tc_reader_state (r), ==, cut == s.len ? TC_STATE_COMPLETE : TC_STATE_TRUNCATED);
      g_assert_cmpuint (tc_reader_n_frames (r), ==, frames_within (&s, cut));
      tc_reader_free (r);
    }
  tc_test_tmp_remove (path);
  sample_clear (&s);
}

/* A crashed recording (no INDEX/END) is truncated with everything flushed. */
static void
test_truncation_no_end (void)
{
  Sample s;
  TcReader *r;
  TcDecodeStats st;

  sample_load (&s, false);
  r = tc_reader_open_memory (s.data, s.len, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_TRUNCATED);
  g_assert_nonnull (strstr (tc_reader_state_message (r), "no END frame"));
  g_assert_cmpuint (tc_reader_valid_end (r), ==, s.len);
  tc_test_decode_all (r, &st);
  g_assert_cmpuint (st.corrupt, ==, 0);
  g_assert_cmpuint (st.events, ==, tc_test_sample ()->n_events);
  g_assert_cmpuint (tc_reader_header (r)->end_offset, ==, 0);
  g_assert_cmpuint (tc_reader_header (r)->data_end, ==, s.len);
  tc_reader_free (r);
  sample_clear (&s);
}

/* What a power cut leaves: the file extended with zeros. */
static void
test_zero_tail (void)
{
  Sample s;
  g_autofree guint8 *data = NULL;
  TcReader *r;

  sample_load (&s, false);
  data = g_malloc0 (s.len + 4096);
  memcpy (data, s.data, s.len);
  r = tc_reader_open_memory (data, s.len + 4096, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_TRUNCATED);
  g_assert_nonnull (strstr (tc_reader_state_message (r), "zero-filled tail"));
  g_assert_cmpuint (tc_reader_valid_end (r), ==, s.len);
  g_assert_cmpuint (tc_reader_n_frames (r), ==, s.n_frames);
  tc_reader_free (r);
  sample_clear (&s);
}

/* ------------------------------------------------------------------------ */

static guint
n_iterations (guint fallback)
{
  const char *env = g_getenv ("TC_FLIP_ITERATIONS");

  return env ? (guint) g_ascii_strtoull (env, NULL, 10) : fallback;
}

/* Random flips: the crc stops the reader before any damaged frame, so what
 * it hands out always decodes. */
static void
test_corruption_flips (void)
{
  Sample s;
  guint n = n_iterations (3000);

  sample_load (&s, true);
  for (guint seed = 0; seed < n; seed++)
    {
      GRand *rand = g_rand_new_with_seed (seed);
      g_autofree guint8 *copy = g_memdup2 (s.data, s.len);
      guint flips = (guint) g_rand_int_range (rand, 1, 9);
      gsize first = s.len;
      TcError error = { 0 };
      TcReader *r;

      for (guint i = 0; i < flips; i++)
        {
          gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) s.len);
          guint8 was = copy[at];

          copy[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
          if (copy[at] != was && at < first)
            first = at;
        }
      g_rand_free (rand);
      r = tc_reader_open_memory (copy, s.len, &error);
      if (r == NULL)
        {
          /* Only the header can make opening fail. */
          g_assert_cmpuint (first, <, TC_HEADER_SIZE);
          g_assert_true (error.code == TC_ERR_NOT_TC || error.code == TC_ERR_VERSION
                         || error.code == TC_ERR_HEADER);
          g_assert_cmpuint (strlen (error.message), >, 10);
          continue;
        }
      {
        TcDecodeStats st;

        tc_test_decode_all (r, &st);
        g_assert_cmpuint (st.corrupt, ==, 0);
        g_assert_cmpuint (tc_reader_n_frames (r), <=, s.n_frames);
        /* Every frame before the first damaged byte is still there. */
        if (first >= TC_HEADER_SIZE)
          g_assert_cmpuint (tc_reader_n_frames (r), >=, frames_within (&s, first));
        if (tc_reader_state (r) == TC_STATE_COMPLETE)
          g_assert_cmpuint (tc_reader_n_frames (r), ==, s.n_frames);
      }
      tc_reader_free (r);
    }
  sample_clear (&s);
}

/* Recompute a frame's crc the way FORMAT.md says: over the frame header
 * with the crc field as 0, then the payload and padding. */
static void
fix_crc (guint8 *frame)
{
  TcFrameHeader fh;
  uLong crc;

  memcpy (&fh, frame, sizeof fh);
  fh.crc32 = 0;
  crc = crc32 (0, (const Bytef *) &fh, sizeof fh);
  crc = crc32 (crc, frame + sizeof fh, fh.length - (uInt) sizeof fh);
  fh.crc32 = (uint32_t) crc;
  memcpy (frame, &fh, sizeof fh);
}

/* Flips with the crc recomputed, so the decoders themselves see garbage:
 * they must reject or decode it, never crash or read out of bounds (ASan). */
static void
test_corruption_flips_past_crc (void)
{
  Sample s;
  guint n = n_iterations (3000);
  guint64 decoded = 0, rejected = 0;

  sample_load (&s, true);
  for (guint seed = 0; seed < n; seed++)
    {
      GRand *rand = g_rand_new_with_seed (seed + 100000);
      g_autofree guint8 *copy = g_memdup2 (s.data, s.len);
      guint frame = (guint) g_rand_int_range (rand, 0, (gint32) s.n_frames);
      guint64 start = frame ? s.frame_ends[frame - 1] : TC_HEADER_SIZE;
      guint64 end = s.frame_ends[frame];
      guint flips = (guint) g_rand_int_range (rand, 1, 5);
      TcReader *r;
      TcDecodeStats st;

      for (guint i = 0; i < flips; i++)
        {
          gsize at = (gsize) g_rand_double_range (rand, (double) start + 24, (double) end);

          if (g_rand_boolean (rand))
            copy[at] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
          else
            copy[at] = (guint8) g_rand_int_range (rand, 0, 256);
        }
      g_rand_free (rand);
      fix_crc (copy + start);

      r = tc_reader_open_memory (copy, s.len, NULL);
      g_assert_nonnull (r);
      /* Framing is intact, so every frame is still found. */
      g_assert_cmpuint (tc_reader_n_frames (r), ==, s.n_frames);
      tc_test_decode_all (r, &st);
      g_assert_cmpuint (st.frames, ==, s.n_frames);
      decoded += st.decoded;
      rejected += st.corrupt;
      tc_reader_free (r);
    }
  /* Both outcomes happen: the test does reach the decoders' error paths. */
  g_test_message ("decoded %" G_GUINT64_FORMAT ", rejected %" G_GUINT64_FORMAT, decoded, rejected);
  g_assert_cmpuint (rejected, >, n / 10);
  sample_clear (&s);
}

/* Damaged frame lengths: corrupt, with the prefix before intact. */
static void
test_corrupt_length (void)
{
  Sample s;
  guint64 at;
  TcFrameHeader fh;
  TcReader *r;

  sample_load (&s, true);
  at = s.frame_ends[4];
  g_assert_cmpuint (s.len, >, at + sizeof fh);
  fh = *(const TcFrameHeader *) (gconstpointer) (s.data + at);  /* 8-aligned */
  fh.length = 27;  /* not a multiple of 8 */
  memcpy (s.data + at, &fh, sizeof fh);
  r = tc_reader_open_memory (s.data, s.len, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_CORRUPT);
  g_assert_cmpuint (tc_reader_n_frames (r), ==, 5);
  g_assert_cmpuint (tc_reader_valid_end (r), ==, at);
  {
    g_autofree char *expect = g_strdup_printf ("corrupt frame at offset %" G_GUINT64_FORMAT
                                               " (invalid frame length 27)", at);
    g_assert_cmpstr (tc_reader_state_message (r), ==, expect);
  }
  tc_reader_free (r);

  fh.length = 16;  /* shorter than a frame header */
  memcpy (s.data + at, &fh, sizeof fh);
  r = tc_reader_open_memory (s.data, s.len, NULL);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_CORRUPT);
  tc_reader_free (r);

  fh.length = 64;  /* crc no longer matches */
  memcpy (s.data + at, &fh, sizeof fh);
  r = tc_reader_open_memory (s.data, s.len, NULL);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_CORRUPT);
  g_assert_nonnull (strstr (tc_reader_state_message (r), "crc mismatch"));
  g_assert_cmpuint (tc_reader_n_frames (r), ==, 5);
  tc_reader_free (r);
  sample_clear (&s);
}

/* ------------------------------------------------------------------------ */

static void
test_unknown_types_skipped (void)
{
  g_autofree char *path = tc_test_tmp_path ("unknown.tc");
  TcError error = { 0 };
  TcWriter *w;
  TcReader *r;
  TcFrameIter iter;
  TcFrame f;
  TcCodeDef code = { 3, 0, 1, 0, TC_STR ("after"), TC_STR ("after"), TC_STR ("") };
  guint8 junk[100];
  guint seen_unknown = 0, seen_code = 0;
  TcDecodeStats st;

  memset (junk, 0x5a, sizeof junk);
  w = tc_writer_open (path, NULL, &error);
  g_assert_nonnull (w);
  /* Unknown types, one with an empty payload, one with a flag we do not
   * know either, then a known frame that must still be reached. */
  g_assert_cmpint (tc_writer_write_raw (w, 999, 0, 0, 1, junk, sizeof junk), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_raw (w, 65535, 0x8000 | TC_FRAME_FLAG_ZLIB, 7, 2, NULL, 0), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_raw (w, 0, 0, 0, 3, junk, 5), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_code (w, 4, &code), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);

  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      if (f.header->type == 999 || f.header->type == 65535 || f.header->type == 0)
        seen_unknown++;
      if (f.header->type == TC_FRAME_CODE)
        {
          TcCodeDef c;

          g_assert_cmpint (tc_decode_code (&f, &c), ==, TC_OK);
          tc_assert_str (c.qualname, code.qualname);
          seen_code++;
        }
    }
  g_assert_cmpuint (seen_unknown, ==, 3);
  g_assert_cmpuint (seen_code, ==, 1);
  tc_test_decode_all (r, &st);
  g_assert_cmpuint (st.unknown, ==, 3);
  g_assert_cmpuint (st.corrupt, ==, 0);
  tc_reader_free (r);
  tc_test_tmp_remove (path);
}

static void
test_error_future_major (void)
{
  Sample s;
  TcError error = { 0 };
  TcReader *r;
  guint16 v;

  sample_load (&s, true);
  v = 2;
  memcpy (s.data + 8, &v, 2);
  v = 3;
  memcpy (s.data + 10, &v, 2);
  r = tc_reader_open_memory (s.data, s.len, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_VERSION);
  g_assert_nonnull (strstr (error.message, "version 2.3"));
  g_assert_nonnull (strstr (error.message, "version 1.x"));
  g_assert_cmpstr (tc_status_to_string (error.code), ==, "unsupported format version");

  /* A newer minor version of the same major opens normally. */
  v = 1;
  memcpy (s.data + 8, &v, 2);
  v = 9;
  memcpy (s.data + 10, &v, 2);
  r = tc_reader_open_memory (s.data, s.len, &error);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  g_assert_cmpuint (tc_reader_header (r)->version_minor, ==, 9);
  tc_reader_free (r);

  /* Inconsistent header fields. */
  v = 100;
  memcpy (s.data + 12, &v, 2);
  r = tc_reader_open_memory (s.data, s.len, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_HEADER);
  g_assert_nonnull (strstr (error.message, "header size 100"));
  v = TC_HEADER_SIZE;
  memcpy (s.data + 12, &v, 2);
  s.data[14] = 0;
  r = tc_reader_open_memory (s.data, s.len, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_HEADER);
  g_assert_nonnull (strstr (error.message, "byte order"));
  sample_clear (&s);
}

static void
test_error_not_tc (void)
{
  g_autofree char *path = tc_test_tmp_path ("old.tc");
  g_autofree char *dir = g_path_get_dirname (path);
  TcError error = { 0 };
  gzFile gz;
  TcReader *r;

  /* A seed recording: gzip + pickle. */
  gz = gzopen (path, "wb");
  g_assert_nonnull (gz);
  g_assert_cmpint (gzputs (gz, "\x80\x04\x95 not really a pickle"), >, 0);
  gzclose (gz);
  r = tc_reader_open (path, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_NOT_TC);
  g_assert_nonnull (strstr (error.message, "gzip"));
  g_assert_nonnull (strstr (error.message, "timecapsule convert"));

  g_assert_true (g_file_set_contents (path, "print('hello')\n", -1, NULL));
  r = tc_reader_open (path, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_NOT_TC);
  g_assert_cmpstr (error.message, ==, "not a timecapsule recording (bad magic)");

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  r = tc_reader_open (path, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_NOT_TC);
  g_assert_nonnull (strstr (error.message, "empty"));

  r = tc_reader_open (dir, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_NOT_TC);

  g_remove (path);
  r = tc_reader_open (path, &error);
  g_assert_null (r);
  g_assert_cmpint (error.code, ==, TC_ERR_IO);
  g_assert_cmpint (error.sys_errno, ==, ENOENT);
  tc_test_tmp_remove (path);
}

static void
test_writer_no_clobber (void)
{
  g_autofree char *path = tc_test_tmp_path ("existing.tc");
  g_autofree char *contents = NULL;
  TcError error = { 0 };
  TcWriter *w;
  int fd;

  g_assert_true (g_file_set_contents (path, "precious", -1, NULL));
  w = tc_writer_open (path, NULL, &error);
  g_assert_null (w);
  g_assert_cmpint (error.code, ==, TC_ERR_EXISTS);
  g_assert_nonnull (strstr (error.message, "refusing to overwrite"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");

  /* Nor through a caller's fd on a non-empty file. */
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  w = tc_writer_open_fd (fd, NULL, &error);
  g_assert_null (w);
  g_assert_cmpint (error.code, ==, TC_ERR_EXISTS);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");

  /* A second writer on a recording that is being written. */
  g_remove (path);
  w = tc_writer_open (path, NULL, &error);
  g_assert_nonnull (w);
  g_assert_null (tc_writer_open (path, NULL, &error));
  g_assert_cmpint (error.code, ==, TC_ERR_EXISTS);
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);
  tc_test_tmp_remove (path);
}

/* A viewer following a live recording: refresh sees new flushed frames. */
static void
test_reader_live_refresh (void)
{
  const TcSample *x = tc_test_sample ();
  g_autofree char *path = tc_test_tmp_path ("live.tc");
  TcError error = { 0 };
  TcWriter *w;
  TcReader *r;
  TcDecodeStats st;

  w = tc_writer_open (path, NULL, &error);
  g_assert_nonnull (w);
  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_TRUNCATED);
  g_assert_cmpuint (tc_reader_n_frames (r), ==, 0);
  g_assert_false (tc_reader_refresh (r, &error));

  g_assert_cmpint (tc_writer_write_session (w, 1, &x->session), ==, TC_OK);
  /* Buffered, not flushed: nothing visible yet. */
  g_assert_false (tc_reader_refresh (r, &error));
  g_assert_cmpint (tc_writer_flush (w, false), ==, TC_OK);
  g_assert_true (tc_reader_refresh (r, &error));
  g_assert_cmpuint (tc_reader_n_frames (r), ==, 1);
  g_assert_cmpuint (tc_reader_header (r)->data_end, ==, tc_reader_valid_end (r));

  g_assert_cmpint (tc_writer_write_events (w, 1, x->events, x->n_events), ==, TC_OK);
  g_assert_cmpint (tc_writer_flush (w, true), ==, TC_OK);
  g_assert_true (tc_reader_refresh (r, &error));
  g_assert_cmpuint (tc_reader_n_frames (r), ==, 2);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_TRUNCATED);
  tc_test_decode_all (r, &st);
  g_assert_cmpuint (st.events, ==, x->n_events);
  g_assert_cmpuint (tc_reader_header (r)->end_time_ns, ==, x->events[x->n_events - 1].time_ns);

  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);
  g_assert_true (tc_reader_refresh (r, &error));
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  g_assert_cmpuint (tc_reader_n_frames (r), ==, 4);  /* + INDEX + END */
  g_assert_cmpuint (tc_reader_header (r)->end_offset, >, 0);
  g_assert_cmpuint (tc_reader_header (r)->index_offset, >, 0);
  g_assert_false (tc_reader_refresh (r, &error));
  tc_reader_free (r);
  tc_test_tmp_remove (path);
}

/* Unaligned memory (a mapping is aligned; a caller's buffer may not be). */
static void
test_reader_unaligned_memory (void)
{
  Sample s;
  g_autofree guint8 *shifted = NULL;
  TcReader *r;
  TcDecodeStats st;

  sample_load (&s, true);
  shifted = g_malloc (s.len + 3);
  memcpy (shifted + 3, s.data, s.len);
  r = tc_reader_open_memory (shifted + 3, s.len, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  tc_test_decode_all (r, &st);
  g_assert_cmpuint (st.corrupt, ==, 0);
  g_assert_cmpuint (st.frames, ==, s.n_frames);
  tc_reader_free (r);
  sample_clear (&s);
}

/* The fuzzing seed corpus: a complete, a crashed and a cut recording. */
static void
test_write_corpus (void)
{
  const char *dir = g_getenv ("TC_CORPUS_DIR");
  Sample full, crashed;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  if (dir == NULL)
    {
      g_test_skip ("TC_CORPUS_DIR not set");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  sample_load (&full, true);
  sample_load (&crashed, false);
  a = g_build_filename (dir, "sample-complete.tc", NULL);
  b = g_build_filename (dir, "sample-crashed.tc", NULL);
  c = g_build_filename (dir, "sample-cut.tc", NULL);
  g_assert_true (g_file_set_contents (a, (char *) full.data, (gssize) full.len, NULL));
  g_assert_true (g_file_set_contents (b, (char *) crashed.data, (gssize) crashed.len, NULL));
  g_assert_true (g_file_set_contents (c, (char *) full.data, (gssize) full.len / 2, NULL));
  sample_clear (&full);
  sample_clear (&crashed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/format/truncation/every-offset", test_truncation_every_offset);
  g_test_add_func ("/tc/format/truncation/files", test_truncation_files);
  g_test_add_func ("/tc/format/truncation/no-end", test_truncation_no_end);
  g_test_add_func ("/tc/format/truncation/zero-tail", test_zero_tail);
  g_test_add_func ("/tc/format/corruption/flips", test_corruption_flips);
  g_test_add_func ("/tc/format/corruption/flips-past-crc", test_corruption_flips_past_crc);
  g_test_add_func ("/tc/format/corruption/length", test_corrupt_length);
  g_test_add_func ("/tc/format/unknown-types", test_unknown_types_skipped);
  g_test_add_func ("/tc/format/errors/future-major", test_error_future_major);
  g_test_add_func ("/tc/format/errors/not-tc", test_error_not_tc);
  g_test_add_func ("/tc/format/writer/no-clobber", test_writer_no_clobber);
  g_test_add_func ("/tc/format/reader/live-refresh", test_reader_live_refresh);
  g_test_add_func ("/tc/format/reader/unaligned-memory", test_reader_unaligned_memory);
  g_test_add_func ("/tc/format/corpus", test_write_corpus);
  return g_test_run ();
}

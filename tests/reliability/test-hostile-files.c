/* SPDX-License-Identifier: MIT
 *
 * test-hostile-files.c — broken and hostile files through the analysis
 * loader and the report: zero-length and non-.tc files, every truncation
 * point, random bit flips, lying frame lengths, and frames with valid crcs
 * but absurd contents (huge counts, a zlib bomb, values nested 10 000
 * deep, unknown types).  Each must give one clear error or a document that
 * is a prefix of the original, marked truncated, and the report must render.
 *
 * With TC_CORPUS_DIR set, the test also writes the seed corpus of
 * tests/analysis-fuzz/fuzz-document there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "tc-document.h"
#include "tc-export.h"
#include "tc-format.h"
#include "tc-report.h"
#include "tc-test-recordings.h"

/* A bounded time per load+report: a hostile file must not make the loader
 * spin.  Generous: the test runs under ASan+UBSan too. */
#define MAX_SECONDS_PER_FILE 5.0

static GBytes *timings_bytes;
static GBytes *crash_bytes;
static guint   n_checked;

static void
corpus_add (const char *name, const void *data, gsize len)
{
  const char *dir = g_getenv ("TC_CORPUS_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static char *
write_temp (const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (tc_test_dir (), name, NULL);
  FILE *f = fopen (path, "wb");

  /* (not g_file_set_contents: its fsync per file would dominate the run) */
  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (data, 1, len, f), ==, len);
  g_assert_cmpint (fclose (f), ==, 0);
  return path;
}

/* Loads `path` and, when it loads, renders everything the CLI and the viewer
 * derive from it.  Returns the document (or NULL with *error set). */

/* Counts the spans; each one's stack ends with its own code. */
static void
count_span (const TcSpan  *span,
            const guint32 *codes,
            gpointer       data)
{
  g_assert_cmpuint (codes[span->depth], ==, span->code_id);
  (*(guint *) data)++;
}

static TcDocument *
load_and_render (const char *path, GError **error)
{
  g_autoptr (GTimer) timer = g_timer_new ();
  TcDocument *doc = tc_document_load (path, NULL, NULL, NULL, error);

  n_checked++;
  if (doc == NULL)
    {
      g_assert_nonnull (*error);
      g_assert_true ((*error)->domain == TC_DOCUMENT_ERROR);
      /* one line, naming the file */
      /* one line that says which file or where in it */
      if (strstr ((*error)->message, path) == NULL && strstr ((*error)->message, "offset") == NULL)
        g_error ("error without the path: %s", (*error)->message);
      g_assert_null (strchr ((*error)->message, '\n'));
    }
  else
    {
      TcReportOptions options = { .style = { .width = 100 } };
      TcTextStyle style = { .width = 80 };
      g_autofree char *report = tc_report_render (doc, &options);
      g_autofree char *summary = tc_report_summary_line (doc, &style);
      g_autofree char *json = tc_export_json_string (doc);
      GPtrArray *threads = tc_document_get_threads (doc);
      gint64 start, end;

      g_assert_nonnull (report);
      g_assert_cmpuint (strlen (report), >, 0);
      g_assert_nonnull (summary);
      g_assert_true (json != NULL && json[0] == '{');
      if (tc_document_get_truncated (doc))
        g_assert_cmpstr (tc_document_get_state_message (doc), !=, "");
      tc_document_get_time_range (doc, &start, &end);
      for (guint i = 0; i < threads->len; i++)
        {
          const TcDocThread *thread = g_ptr_array_index (threads, i);
          g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
          g_autoptr (GError) span_error = NULL;

          guint n_folded = 0;

          if (!tc_document_collect_spans (doc, thread->id, start, end, 0, spans, &span_error))
            g_assert_nonnull (span_error);
          g_clear_error (&span_error);
          /* The same spans, one by one with their stacks (a selection's
           * flame graph), as far as the file lets them be decoded. */
          if (!tc_document_foreach_span (doc, thread->id, start, end, count_span, &n_folded, &span_error))
            g_assert_nonnull (span_error);
          else
            g_assert_cmpuint (n_folded, ==, spans->len);
        }
    }
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, MAX_SECONDS_PER_FILE);
  return doc;
}

/* Offsets of the frames of a valid file (via the format reader). */
static GArray *
frame_offsets (GBytes *bytes)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  TcError err;
  TcReader *reader = tc_reader_open_memory (g_bytes_get_data (bytes, NULL),
                                            g_bytes_get_size (bytes), &err);
  TcFrameIter iter;
  TcFrame frame;

  g_assert_nonnull (reader);
  tc_frame_iter_init (&iter, reader);
  while (tc_frame_iter_next (&iter, &frame))
    g_array_append_val (offsets, frame.offset);
  tc_reader_free (reader);
  g_assert_cmpuint (offsets->len, >, 5);
  return offsets;
}

static guint64
calls_of (TcDocument *doc)
{
  return doc ? tc_document_get_total_calls (doc) : 0;
}

/* ---- not a recording ------------------------------------------------------ */

static void
expect_error (const char *name, const void *data, gsize len, TcDocumentError code)
{
  g_autofree char *path = write_temp (name, data, len);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcDocument) doc = load_and_render (path, &error);

  g_assert_null (doc);
  g_assert_error (error, TC_DOCUMENT_ERROR, (int) code);
}

static void
test_not_recordings (void)
{
  static const guint8 gzip[] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 'x', 'y' };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
  const char *text = "#!/usr/bin/env python3\nprint('hello')\n";
  g_autofree char *shell = NULL;
  gsize shell_len = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *header_only = NULL;

  expect_error ("empty.tc", "", 0, TC_DOCUMENT_ERROR_NOT_TC);
  expect_error ("text.tc", text, strlen (text), TC_DOCUMENT_ERROR_NOT_TC);
  expect_error ("png.tc", png, sizeof png, TC_DOCUMENT_ERROR_NOT_TC);
  expect_error ("seed.tc", gzip, sizeof gzip, TC_DOCUMENT_ERROR_SEED_FORMAT);
  expect_error ("magic-only.tc", TC_MAGIC, TC_MAGIC_LEN, TC_DOCUMENT_ERROR_CORRUPT);
  g_assert_true (g_file_get_contents ("/bin/sh", &shell, &shell_len, NULL));
  expect_error ("elf.tc", shell, MIN (shell_len, 1 << 20), TC_DOCUMENT_ERROR_NOT_TC);
  corpus_add ("text.tc", text, strlen (text));
  corpus_add ("seed.tc", gzip, sizeof gzip);

  /* A directory and a missing file: I/O errors with the errno text. */
  {
    g_autoptr (TcDocument) doc = load_and_render (tc_test_dir (), &error);
    g_assert_null (doc);
    /* (the reader maps it and finds no magic: "not a timecapsule
     * recording" rather than EISDIR; still one clear line) */
    g_assert_true (g_error_matches (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_IO)
                   || g_error_matches (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_NOT_TC));
    g_clear_error (&error);
  }
  {
    g_autofree char *missing = g_build_filename (tc_test_dir (), "missing.tc", NULL);
    g_autoptr (TcDocument) doc = load_and_render (missing, &error);
    g_assert_null (doc);
    g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_IO);
    g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
    g_clear_error (&error);
  }

  /* The header of a real recording and nothing else: a valid, empty file. */
  header_only = write_temp ("header-only.tc", g_bytes_get_data (timings_bytes, NULL), TC_HEADER_SIZE);
  {
    g_autoptr (TcDocument) doc = load_and_render (header_only, &error);
    g_assert_true (doc == NULL || calls_of (doc) == 0);
    g_clear_error (&error);
  }

  /* A future major version is refused, not misread. */
  {
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (timings_bytes, NULL),
                                         g_bytes_get_size (timings_bytes));
    copy[8] = 0x7f; /* version_major low byte */
    expect_error ("future.tc", copy, g_bytes_get_size (timings_bytes), TC_DOCUMENT_ERROR_VERSION);
  }
}

/* ---- truncation ----------------------------------------------------------- */

static void
check_truncations (GBytes *bytes, const char *name, guint step)
{
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  gsize len = g_bytes_get_size (bytes);
  g_autofree char *full_path = write_temp (name, data, len);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcDocument) full = load_and_render (full_path, &error);
  guint64 full_calls, last_calls = 0;
  guint n_prefix = 0;

  g_assert_no_error (error);
  g_assert_false (tc_document_get_truncated (full));
  full_calls = calls_of (full);
  g_assert_cmpuint (full_calls, >, 0);

  for (gsize cut = 0; cut < len; cut += step)
    {
      g_autofree char *path = write_temp ("cut.tc", data, cut);
      g_autoptr (TcDocument) doc = load_and_render (path, &error);

      if (cut < TC_HEADER_SIZE)
        {
          /* not even a header: one clear error */
          g_assert_null (doc);
          g_clear_error (&error);
          continue;
        }
      if (doc == NULL)
        {
          /* only "nothing recorded yet" may fail once the header is there */
          g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_EMPTY);
          g_clear_error (&error);
          continue;
        }
      n_prefix++;
      g_assert_true (tc_document_get_truncated (doc));
      /* a prefix: never more than the whole file, never less than a shorter cut */
      g_assert_cmpuint (calls_of (doc), <=, full_calls);
      g_assert_cmpuint (calls_of (doc), >=, last_calls);
      last_calls = calls_of (doc);
    }
  g_assert_cmpuint (n_prefix, >, 0);
}

static void
test_truncated (void)
{
  check_truncations (timings_bytes, "timings-full.tc", 3);
  check_truncations (crash_bytes, "crash-full.tc", 5);
}

/* ---- bit flips ------------------------------------------------------------ */

static void
test_bit_flips (void)
{
  const guint8 *orig = g_bytes_get_data (timings_bytes, NULL);
  gsize len = g_bytes_get_size (timings_bytes);
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  g_autofree guint8 *copy = g_malloc (len);
  guint n_loaded = 0, n_failed = 0;

  for (guint round = 0; round < 1500; round++)
    {
      g_autofree char *path = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (TcDocument) doc = NULL;
      guint32 pos;
      guint n_flips = round % 10 == 0 ? 1 + g_rand_int_range (rand, 1, 32) : 1;
      guint32 lowest = G_MAXUINT32;

      memcpy (copy, orig, len);
      for (guint k = 0; k < n_flips; k++)
        {
          pos = g_rand_int_range (rand, 0, len);
          copy[pos] ^= 1u << g_rand_int_range (rand, 0, 8);
          lowest = MIN (lowest, pos);
        }
      if (memcmp (copy, orig, len) == 0)
        continue;
      path = write_temp ("flipped.tc", copy, len);
      doc = load_and_render (path, &error);
      if (doc == NULL)
        {
          n_failed++;
          continue;
        }
      n_loaded++;
      /* Every byte after the header is covered by a frame crc (padding
       * included), so a flip there must be noticed. */
      if (lowest >= TC_HEADER_SIZE)
        {
          /* (a flipped length pointing past the end reads as a cut file:
           * truncated, not necessarily "corrupt") */
          g_assert_true (tc_document_get_truncated (doc));
        }
    }
  g_assert_cmpuint (n_loaded, >, 1000);
  g_test_message ("bit flips: %u loaded as a prefix, %u refused", n_loaded, n_failed);
}

/* ---- lying frame lengths -------------------------------------------------- */

static void
test_frame_lengths (void)
{
  const guint8 *orig = g_bytes_get_data (timings_bytes, NULL);
  gsize len = g_bytes_get_size (timings_bytes);
  g_autoptr (GArray) offsets = frame_offsets (timings_bytes);
  static const guint32 lies[] = { 0, 7, 16, 24 + 4, 0xfffffff8u, 0x7ffffff8u,
                                  TC_FRAME_MAX_LEN + 8, 1u << 20 };
  g_autofree guint8 *copy = g_malloc (len);

  for (guint i = 0; i < offsets->len; i++)
    for (guint k = 0; k < G_N_ELEMENTS (lies); k++)
      {
        guint64 off = g_array_index (offsets, guint64, i);
        guint32 lie = GUINT32_TO_LE (lies[k]);
        g_autofree char *path = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (TcDocument) doc = NULL;

        memcpy (copy, orig, len);
        memcpy (copy + off, &lie, 4);
        path = write_temp ("length.tc", copy, len);
        doc = load_and_render (path, &error);
        if (doc == NULL)
          {
            g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_EMPTY);
            continue;
          }
        g_assert_true (tc_document_get_truncated (doc));
        if (i == 7 && k == 4)
          corpus_add ("length-lie.tc", copy, len);
      }
}

/* ---- frames with valid crcs and absurd contents --------------------------- */

/* The frames of `base` up to (not including) its END frame, then one
 * hand-made frame with a correct crc: the reader accepts it, so the
 * decoders and the model builder face it. */
static GByteArray *
with_frame (GBytes *base, guint16 type, guint16 flags, guint32 thread_id,
            const void *payload, gsize payload_len)
{
  g_autoptr (GArray) offsets = frame_offsets (base);
  guint64 end_off = g_array_index (offsets, guint64, offsets->len - 1);
  GByteArray *out = g_byte_array_new ();
  TcFrameHeader header = { 0 };
  gsize padded = (sizeof header + payload_len + 7) & ~(gsize) 7;
  guint8 zeros[8] = { 0 };
  uLong crc;
  gsize start;

  g_byte_array_append (out, g_bytes_get_data (base, NULL), end_off);
  header.length = GUINT32_TO_LE ((guint32) padded);
  header.type = GUINT16_TO_LE (type);
  header.flags = GUINT16_TO_LE (flags);
  header.thread_id = GUINT32_TO_LE (thread_id);
  header.time_ns = GUINT64_TO_LE (1000);
  start = out->len;
  g_byte_array_append (out, (const guint8 *) &header, sizeof header);
  g_byte_array_append (out, payload, payload_len);
  g_byte_array_append (out, zeros, padded - sizeof header - payload_len);
  crc = crc32 (0, out->data + start, padded);
  header.crc32 = GUINT32_TO_LE ((guint32) crc);
  memcpy (out->data + start, &header, sizeof header);
  return out;
}

static void
check_crafted (const char *name, guint16 type, guint16 flags, guint32 thread_id,
               const void *payload, gsize payload_len)
{
  g_autoptr (GByteArray) file = with_frame (timings_bytes, type, flags, thread_id,
                                            payload, payload_len);
  g_autofree char *path = write_temp (name, file->data, file->len);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcDocument) doc = load_and_render (path, &error);

  /* The frames before the crafted one are intact: either the crafted frame
   * is refused as corrupt (a prefix view) or ignored. */
  if (doc == NULL)
    g_assert_error (error, TC_DOCUMENT_ERROR, TC_DOCUMENT_ERROR_CORRUPT);
  else if (type != TC_FRAME_END)
    g_assert_true (tc_document_get_truncated (doc));
  if (file->len < 256 * 1024)
    corpus_add (name, file->data, file->len);
}

static void
test_huge_counts (void)
{
  guint8 payload[512];

  /* Every known and some unknown frame types with a payload of 0xff: every
   * count field says 4 294 967 295 and every varint runs to its limit. */
  memset (payload, 0xff, sizeof payload);
  for (guint16 type = 0; type <= 24; type++)
    {
      g_autofree char *name = g_strdup_printf ("ff-type-%u.tc", type);
      check_crafted (name, type, 0, 1, payload, sizeof payload);
      check_crafted ("ff-zlib.tc", type, TC_FRAME_FLAG_ZLIB, 1, payload, 64);
    }

  /* Fixed structs claiming huge counts followed by a short body of small
   * varints: allocation must follow the bytes present, not the claim. */
  for (guint16 type = 1; type <= 20; type++)
    {
      g_autofree char *name = g_strdup_printf ("count-type-%u.tc", type);
      memset (payload, 0x01, sizeof payload);
      for (guint k = 0; k < 8; k++)
        {
          guint32 huge = GUINT32_TO_LE (0xfffffff0u);
          memcpy (payload + 4 * k, &huge, 4);
        }
      check_crafted (name, type, 0, 1, payload, 64);
    }
}

static void
test_zlib_bomb (void)
{
  /* An EVENTS-less zlib frame (a snapshot) whose prefix claims 4 GiB and
   * whose stream inflates 64 MiB of zeros: refused without inflating it all. */
  gsize zeros_len = 64u << 20;
  g_autofree guint8 *zeros = g_malloc0 (zeros_len);
  uLongf bound = compressBound (zeros_len);
  g_autofree guint8 *payload = g_malloc (sizeof (TcSnapshotFixed) + 8 + bound);
  z_stream zs = { 0 };
  TcSnapshotFixed fixed = { .index = 1, .n_threads = 1 };
  TcZlibPrefix prefix = { .raw_len = GUINT32_TO_LE (0xffffffffu) };
  gsize n;

  memcpy (payload, &fixed, sizeof fixed);
  memcpy (payload + sizeof fixed, &prefix, sizeof prefix);
  g_assert_cmpint (deflateInit2 (&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), ==, Z_OK);
  zs.next_in = zeros;
  zs.avail_in = zeros_len;
  zs.next_out = payload + sizeof fixed + sizeof prefix;
  zs.avail_out = bound;
  g_assert_cmpint (deflate (&zs, Z_FINISH), ==, Z_STREAM_END);
  n = sizeof fixed + sizeof prefix + zs.total_out;
  deflateEnd (&zs);
  check_crafted ("zlib-bomb-snapshot.tc", TC_FRAME_SNAPSHOT, TC_FRAME_FLAG_ZLIB, 1, payload, n);
  check_crafted ("zlib-bomb-source.tc", TC_FRAME_SOURCE, TC_FRAME_FLAG_ZLIB, 0, payload, n);
  check_crafted ("zlib-bomb-crash.tc", TC_FRAME_CRASH, TC_FRAME_FLAG_ZLIB, 1, payload, n);
}

static void
test_deep_nesting (void)
{
  /* A return value nested 10 000 lists deep (tag bytes of a one-item list,
   * repeated), then 10 000 dict levels: the value decoder caps nesting. */
  for (guint kind = 0; kind < 2; kind++)
    {
      g_autoptr (GByteArray) body = g_byte_array_new ();
      TcReturnValueFixed fixed = { .code_id = 1 };
      TcEncoder enc;
      TcValue leaf = { .kind = TC_VALUE_INT, .i = 1 };

      g_byte_array_append (body, (const guint8 *) &fixed, sizeof fixed);
      tc_encoder_init (&enc);
      tc_encode_value (&enc, &leaf);
      for (guint depth = 0; depth < 10000; depth++)
        {
          TcEncoder items, outer;
          TcValue v = { .kind = kind ? TC_VALUE_DICT : TC_VALUE_LIST };

          tc_encoder_init (&items);
          if (kind)
            tc_encode_value (&items, &leaf); /* the key */
          tc_encode_bytes (&items, enc.data, enc.len);
          v.items.data = items.data;
          v.items.len = items.len;
          v.items.count = 1;
          tc_encoder_init (&outer);
          tc_encode_value (&outer, &v);
          tc_encoder_free (&items);
          tc_encoder_free (&enc);
          enc = outer;
        }
      /* repr and type name, then the value */
      {
        TcEncoder head;

        tc_encoder_init (&head);
        tc_encode_str (&head, TC_STR ("[[[…]]]"));
        tc_encode_str (&head, TC_STR ("list"));
        g_byte_array_append (body, head.data, head.len);
        tc_encoder_free (&head);
      }
      g_byte_array_append (body, enc.data, enc.len);
      tc_encoder_free (&enc);
      check_crafted (kind ? "deep-dict.tc" : "deep-list.tc", TC_FRAME_RETURN_VALUE, 0, 1,
                     body->data, MIN (body->len, 200000));
    }
}

/* Every input that once crashed something (fuzzer finds and hand-made
 * ones) loads to an error or a prefix; see docs/RELIABILITY.md. */
static void
test_crashers (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "reliability", "crashers", NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (TcDocument) doc = NULL;

      if (!g_str_has_suffix (name, ".tc"))
        continue;
      doc = load_and_render (path, &error);
      g_test_message ("%s: %s", name, doc ? tc_document_get_state_message (doc) : error->message);
      n++;
    }
  g_assert_cmpuint (n, >=, 2);
}

static void
test_corpus_seeds (void)
{
  g_autofree char *cut = NULL;

  corpus_add ("timings.tc", g_bytes_get_data (timings_bytes, NULL), g_bytes_get_size (timings_bytes));
  corpus_add ("crash.tc", g_bytes_get_data (crash_bytes, NULL), g_bytes_get_size (crash_bytes));
  corpus_add ("timings-cut.tc", g_bytes_get_data (timings_bytes, NULL),
              g_bytes_get_size (timings_bytes) / 2);
  g_test_message ("%u files loaded", n_checked);
}

int
main (int argc, char **argv)
{
  g_autofree char *timings = NULL;
  g_autofree char *crash = NULL;
  char *data;
  gsize len;

  g_test_init (&argc, &argv, NULL);
  timings = tc_test_write_timings ();
  crash = tc_test_write_crash ();
  g_assert_true (g_file_get_contents (timings, &data, &len, NULL));
  timings_bytes = g_bytes_new_take (data, len);
  g_assert_true (g_file_get_contents (crash, &data, &len, NULL));
  crash_bytes = g_bytes_new_take (data, len);

  g_test_add_func ("/tc/reliability/not-recordings", test_not_recordings);
  g_test_add_func ("/tc/reliability/truncated", test_truncated);
  g_test_add_func ("/tc/reliability/bit-flips", test_bit_flips);
  g_test_add_func ("/tc/reliability/frame-lengths", test_frame_lengths);
  g_test_add_func ("/tc/reliability/huge-counts", test_huge_counts);
  g_test_add_func ("/tc/reliability/zlib-bomb", test_zlib_bomb);
  g_test_add_func ("/tc/reliability/deep-nesting", test_deep_nesting);
  g_test_add_func ("/tc/reliability/crashers", test_crashers);
  g_test_add_func ("/tc/reliability/corpus", test_corpus_seeds);
  return g_test_run ();
}

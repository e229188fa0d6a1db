/* SPDX-License-Identifier: MIT
 *
 * test-format-roundtrip.c — everything written comes back exactly: the wire
 * primitives, values, every frame type, event blocks, source chunks, the
 * index and the header patches.
 */
#include <math.h>

#include "tc-test-sample.h"
#include "tc-test-util.h"

/* ------------------------------------------------------------------------ */

static void
test_wire_varint (void)
{
  static const uint64_t u[] = { 0, 1, 127, 128, 16383, 16384, UINT32_MAX, (uint64_t) 1 << 63, UINT64_MAX };
  static const int64_t s[] = { 0, -1, 1, -64, 64, INT32_MIN, INT64_MIN, INT64_MAX };
  TcEncoder enc;
  TcDecoder dec;

  tc_encoder_init (&enc);
  for (guint i = 0; i < G_N_ELEMENTS (u); i++)
    tc_encode_varint (&enc, u[i]);
  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    tc_encode_svarint (&enc, s[i]);
  tc_encode_f64 (&enc, -1.25);
  tc_encode_u8 (&enc, 0xfe);
  tc_encode_str (&enc, TC_STR ("héllo"));
  tc_encode_str (&enc, TC_STR (""));
  g_assert_false (enc.failed);
  /* 0 and 1 take one byte, UINT64_MAX ten. */
  g_assert_cmpuint (enc.data[0], ==, 0);

  tc_decoder_init (&dec, enc.data, enc.len);
  for (guint i = 0; i < G_N_ELEMENTS (u); i++)
    g_assert_cmpuint (tc_decode_varint (&dec), ==, u[i]);
  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    g_assert_cmpint (tc_decode_svarint (&dec), ==, s[i]);
  g_assert_cmpfloat (tc_decode_f64 (&dec), ==, -1.25);
  g_assert_cmpuint (tc_decode_u8 (&dec), ==, 0xfe);
  tc_assert_str (tc_decode_str (&dec), TC_STR ("héllo"));
  g_assert_cmpuint (tc_decode_str (&dec).len, ==, 0);
  g_assert_true (dec.ok);
  g_assert_true (dec.p == dec.end);
  /* Reading past the end fails and stays failed. */
  g_assert_cmpuint (tc_decode_varint (&dec), ==, 0);
  g_assert_false (dec.ok);
  g_assert_cmpuint (tc_decode_u8 (&dec), ==, 0);
  tc_encoder_free (&enc);

  {
    /* Unterminated, overlong (11 bytes) and over-64-bit varints. */
    static const uint8_t cut[] = { 0x80, 0x80 };
    static const uint8_t overlong[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
    static const uint8_t too_big[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
    static const uint8_t long_str[] = { 0x05, 'a', 'b' };

    tc_decoder_init (&dec, cut, sizeof cut);
    tc_decode_varint (&dec);
    g_assert_false (dec.ok);
    tc_decoder_init (&dec, overlong, sizeof overlong);
    tc_decode_varint (&dec);
    g_assert_false (dec.ok);
    tc_decoder_init (&dec, too_big, sizeof too_big);
    tc_decode_varint (&dec);
    g_assert_false (dec.ok);
    tc_decoder_init (&dec, long_str, sizeof long_str);
    g_assert_cmpuint (tc_decode_str (&dec).len, ==, 0);
    g_assert_false (dec.ok);
    g_assert_null (tc_decode_bytes (&dec, 0));
  }
}

static void
test_value_nesting (void)
{
  TcEncoder levels[40];
  TcValue v;
  TcDecoder dec;

  /* 32 nested lists decode, 33 do not. */
  for (int i = 0; i < 40; i++)
    tc_encoder_init (&levels[i]);
  v = (TcValue) { .kind = TC_VALUE_INT, .i = 5 };
  tc_encode_value (&levels[0], &v);
  for (int i = 1; i < 40; i++)
    {
      v = (TcValue) { .kind = TC_VALUE_LIST };
      v.items.data = levels[i - 1].data;
      v.items.len = levels[i - 1].len;
      v.items.count = 1;
      tc_encode_value (&levels[i], &v);
    }
  /* levels[k] holds k nested lists around the int. */
  tc_decoder_init (&dec, levels[32].data, levels[32].len);
  g_assert_true (tc_decode_value (&dec, &v));
  g_assert_cmpint (v.kind, ==, TC_VALUE_LIST);
  tc_decoder_init (&dec, levels[33].data, levels[33].len);
  g_assert_false (tc_decode_value (&dec, &v));
  g_assert_false (dec.ok);
  for (int i = 0; i < 40; i++)
    tc_encoder_free (&levels[i]);

  {
    static const uint8_t bad_kind[] = { 14 };
    static const uint8_t bad_bool[] = { TC_VALUE_BOOL, 2 };
    /* A list claiming 3 items in 2 bytes. */
    static const uint8_t bad_count[] = { TC_VALUE_LIST, 3, 2, TC_VALUE_NONE, TC_VALUE_NONE };
    /* A list whose items do not fill its byte length exactly. */
    static const uint8_t bad_len[] = { TC_VALUE_LIST, 1, 2, TC_VALUE_NONE, TC_VALUE_NONE };
    static const uint8_t good[] = { TC_VALUE_TUPLE, 2, 2, TC_VALUE_NONE, TC_VALUE_NONE };
    TcValueIter iter;
    TcValue item;

    tc_decoder_init (&dec, bad_kind, sizeof bad_kind);
    g_assert_false (tc_decode_value (&dec, &v));
    tc_decoder_init (&dec, bad_bool, sizeof bad_bool);
    g_assert_false (tc_decode_value (&dec, &v));
    tc_decoder_init (&dec, bad_count, sizeof bad_count);
    g_assert_false (tc_decode_value (&dec, &v));
    tc_decoder_init (&dec, bad_len, sizeof bad_len);
    g_assert_false (tc_decode_value (&dec, &v));
    tc_decoder_init (&dec, good, sizeof good);
    g_assert_true (tc_decode_value (&dec, &v));
    g_assert_cmpuint (v.items.count, ==, 2);
    tc_value_iter_init (&iter, &v);
    g_assert_true (tc_value_iter_next (&iter, &item));
    g_assert_cmpint (item.kind, ==, TC_VALUE_NONE);
    g_assert_true (tc_value_iter_next (&iter, &item));
    g_assert_false (tc_value_iter_next (&iter, &item));
  }
}

static void
test_arena (void)
{
  TcArena *arena = tc_arena_new ();
  uint8_t *big;

  for (int i = 0; i < 10000; i++)
    {
      uint8_t *p = tc_arena_alloc (arena, (size_t) (i % 37) + 1);

      g_assert_nonnull (p);
      g_assert_cmpuint ((uintptr_t) p % 8, ==, 0);
      memset (p, 0xab, (size_t) (i % 37) + 1);
    }
  big = tc_arena_alloc (arena, 1 << 20);
  g_assert_nonnull (big);
  memset (big, 1, 1 << 20);
  g_assert_nonnull (tc_arena_alloc (arena, 0));
  tc_arena_reset (arena);
  g_assert_nonnull (tc_arena_alloc (arena, 100));
  tc_arena_free (arena);
}

/* ------------------------------------------------------------------------ */

/* Next frame, which must be of `type`. */
static void
next_frame (TcFrameIter *iter, TcFrame *frame, uint16_t type)
{
  g_assert_true (tc_frame_iter_next (iter, frame));
  g_assert_cmpuint (frame->header->type, ==, type);
  g_assert_cmpuint (frame->offset % 8, ==, 0);
}

static void
check_events (const TcFrame *f, TcArena *arena, const TcEvent *expected, size_t n_expected)
{
  TcEvent *ev;
  size_t n;

  g_assert_cmpint (tc_decode_events (f, arena, &ev, &n), ==, TC_OK);
  g_assert_cmpuint (n, ==, n_expected);
  g_assert_cmpuint (f->header->time_ns, ==, expected[0].time_ns);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpuint (ev[i].time_ns, ==, expected[i].time_ns);
      g_assert_cmpuint (ev[i].kind, ==, expected[i].kind);
      /* RETURN-like events carry no code id on disk. */
      if (expected[i].kind == TC_EVENT_CALL || expected[i].kind == TC_EVENT_C_CALL
          || expected[i].kind == TC_EVENT_RESUME || expected[i].kind == TC_EVENT_EXTENDED)
        g_assert_cmpuint (ev[i].code_id, ==, expected[i].code_id);
      else
        g_assert_cmpuint (ev[i].code_id, ==, 0);
    }
}

static void
check_snapshot (const TcSnapshot *a, const TcSnapshot *b)
{
  g_assert_cmpuint (a->index, ==, b->index);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpuint (a->origin_thread, ==, b->origin_thread);
  g_assert_cmpuint (a->time_ns, ==, b->time_ns);
  tc_assert_str (a->evt, b->evt);
  tc_assert_str (a->label, b->label);
  g_assert_cmpuint (a->n_tags, ==, b->n_tags);
  for (guint i = 0; i < a->n_tags; i++)
    tc_assert_str (a->tags[i], b->tags[i]);
  tc_assert_key_values (a->extras, a->n_extras, b->extras, b->n_extras);
  g_assert_cmpuint (a->n_metrics, ==, b->n_metrics);
  for (guint i = 0; i < a->n_metrics; i++)
    {
      g_assert_cmpuint (a->metrics[i].metric_id, ==, b->metrics[i].metric_id);
      tc_assert_value (&a->metrics[i].value, &b->metrics[i].value);
    }
  tc_assert_counters (a->system, a->n_system, b->system, b->n_system);
  tc_assert_str (a->async_task, b->async_task);
  tc_assert_str (a->async_coro, b->async_coro);
  g_assert_cmpuint (a->n_threads, ==, b->n_threads);
  for (guint i = 0; i < a->n_threads; i++)
    {
      g_assert_cmpuint (a->threads[i].thread_id, ==, b->threads[i].thread_id);
      g_assert_cmpuint (a->threads[i].locals_depth, ==, b->threads[i].locals_depth);
      tc_assert_stack (a->threads[i].stack, a->threads[i].n_stack, b->threads[i].stack, b->threads[i].n_stack);
      tc_assert_locals (a->threads[i].locals, a->threads[i].n_locals, b->threads[i].locals, b->threads[i].n_locals);
    }
}

static void
test_roundtrip_all_frames (void)
{
  const TcSample *x = tc_test_sample ();
  g_autofree char *path = tc_test_tmp_path ("sample.tc");
  TcError error = { 0 };
  TcArena *arena = tc_arena_new ();
  TcReader *r;
  TcFrameIter iter;
  TcFrame f, unknown_frame;
  const TcFileHeader *h;
  uint64_t index_offset, end_offset, n_before_end = 0;
  struct stat st;

  g_assert_cmpint (tc_test_write_sample (path, true, &error), ==, TC_OK);
  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  g_assert_cmpstr (tc_reader_state_message (r), ==, "complete");
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpuint (tc_reader_file_size (r), ==, (uint64_t) st.st_size);
  g_assert_cmpuint (tc_reader_valid_end (r), ==, (uint64_t) st.st_size);

  h = tc_reader_header (r);
  g_assert_cmpmem (h->magic, 8, TC_MAGIC, 8);
  g_assert_cmpuint (h->version_major, ==, TC_VERSION_MAJOR);
  g_assert_cmpuint (h->version_minor, ==, TC_VERSION_MINOR);
  g_assert_cmpuint (h->header_size, ==, TC_HEADER_SIZE);
  g_assert_cmpuint (h->little_endian, ==, 1);
  g_assert_cmpstr (h->session_id, ==, "3fa91c0e");
  g_assert_cmpstr (h->producer, ==, "timecapsule-tests");
  g_assert_cmpuint (h->data_end, ==, (uint64_t) st.st_size);
  g_assert_cmpuint (h->end_time_ns, ==, x->events[x->n_events - 1].time_ns);
  g_assert_cmpuint (h->start_monotonic_ns, >, 0);
  g_assert_cmpint (h->start_wall_ns, >, (int64_t) 1600000000 * 1000000000);
  index_offset = h->index_offset;
  end_offset = h->end_offset;

  tc_frame_iter_init (&iter, r);

  {
    TcSession s;

    next_frame (&iter, &f, TC_FRAME_SESSION);
    g_assert_cmpuint (f.header->time_ns, ==, 10);
    g_assert_cmpuint (f.offset, ==, TC_HEADER_SIZE);
    g_assert_cmpint (tc_decode_session (&f, arena, &s), ==, TC_OK);
    tc_assert_key_values (s.items, s.n_items, x->session.items, x->session.n_items);
  }
  for (int i = 0; i < 2; i++)
    {
      TcThreadDef t;

      next_frame (&iter, &f, TC_FRAME_THREAD);
      g_assert_cmpint (tc_decode_thread (&f, &t), ==, TC_OK);
      g_assert_cmpuint (t.thread_id, ==, x->threads[i].thread_id);
      g_assert_cmpuint (f.header->thread_id, ==, x->threads[i].thread_id);
      g_assert_cmpuint (t.native_id, ==, x->threads[i].native_id);
      g_assert_cmpuint (t.python_ident, ==, x->threads[i].python_ident);
      g_assert_cmpuint (t.flags, ==, x->threads[i].flags);
      tc_assert_str (t.name, x->threads[i].name);
    }
  {
    TcFileDef fd;
    TcSourceChunk sc;

    next_frame (&iter, &f, TC_FRAME_FILE);
    g_assert_cmpint (tc_decode_file (&f, &fd), ==, TC_OK);
    g_assert_cmpuint (fd.file_id, ==, x->file.file_id);
    g_assert_cmpuint (fd.flags, ==, x->file.flags);
    g_assert_cmpuint (fd.source_hash, ==, x->file.source_hash);
    g_assert_cmpuint (fd.source_len, ==, x->file.source_len);
    tc_assert_str (fd.path, x->file.path);

    next_frame (&iter, &f, TC_FRAME_SOURCE);
    g_assert_cmpint (tc_decode_source (&f, arena, &sc), ==, TC_OK);
    g_assert_cmpuint (sc.file_id, ==, 1);
    g_assert_cmpuint (sc.flags, ==, TC_SOURCE_FLAG_LAST);
    g_assert_cmpuint (sc.offset, ==, 0);
    g_assert_cmpuint (sc.total_len, ==, x->source_len);
    g_assert_cmpuint (sc.hash, ==, x->file.source_hash);
    g_assert_cmpmem (sc.data, sc.len, x->source, x->source_len);
  }
  for (int i = 0; i < 5; i++)
    {
      TcCodeDef c;

      next_frame (&iter, &f, TC_FRAME_CODE);
      g_assert_cmpint (tc_decode_code (&f, &c), ==, TC_OK);
      g_assert_cmpuint (c.code_id, ==, x->codes[i].code_id);
      g_assert_cmpuint (c.file_id, ==, x->codes[i].file_id);
      g_assert_cmpuint (c.first_line, ==, x->codes[i].first_line);
      g_assert_cmpuint (c.flags, ==, x->codes[i].flags);
      tc_assert_str (c.qualname, x->codes[i].qualname);
      tc_assert_str (c.name, x->codes[i].name);
      tc_assert_str (c.module, x->codes[i].module);
    }
  for (int i = 0; i < 2; i++)
    {
      TcVarDef v;

      next_frame (&iter, &f, TC_FRAME_VAR);
      g_assert_cmpint (tc_decode_var (&f, &v), ==, TC_OK);
      g_assert_cmpuint (v.var_id, ==, x->vars[i].var_id);
      g_assert_cmpuint (v.code_id, ==, x->vars[i].code_id);
      tc_assert_str (v.name, x->vars[i].name);
    }
  for (int i = 0; i < 2; i++)
    {
      TcMetricDef m;

      next_frame (&iter, &f, TC_FRAME_METRIC_DEF);
      g_assert_cmpint (tc_decode_metric_def (&f, &m), ==, TC_OK);
      g_assert_cmpuint (m.metric_id, ==, x->metric_defs[i].metric_id);
      tc_assert_str (m.name, x->metric_defs[i].name);
    }
  for (int i = 0; i < 2; i++)
    {
      TcCounterDef c;

      next_frame (&iter, &f, TC_FRAME_COUNTER_DEF);
      g_assert_cmpint (tc_decode_counter_def (&f, &c), ==, TC_OK);
      g_assert_cmpuint (c.counter_id, ==, x->counter_defs[i].counter_id);
      tc_assert_str (c.name, x->counter_defs[i].name);
      tc_assert_str (c.unit, x->counter_defs[i].unit);
      tc_assert_str (c.description, x->counter_defs[i].description);
    }

  next_frame (&iter, &f, TC_FRAME_EVENTS);
  g_assert_cmpuint (f.header->thread_id, ==, 1);
  check_events (&f, arena, x->events, x->n_events / 2);

  /* The unknown type is returned by the iterator with its payload intact. */
  next_frame (&iter, &unknown_frame, TC_SAMPLE_UNKNOWN_TYPE);
  g_assert_cmpuint (unknown_frame.payload_len, ==, 16);
  g_assert_cmpmem (unknown_frame.payload, 13, x->unknown_payload, 13);

  {
    TcSnapshot snap;

    next_frame (&iter, &f, TC_FRAME_SNAPSHOT);
    g_assert_cmpuint (f.header->flags & TC_FRAME_FLAG_ZLIB, ==, 0);
    g_assert_cmpint (tc_decode_snapshot (&f, arena, &snap), ==, TC_OK);
    check_snapshot (&snap, &x->snapshot_small);

    next_frame (&iter, &f, TC_FRAME_SNAPSHOT);
    g_assert_cmpuint (f.header->flags & TC_FRAME_FLAG_ZLIB, ==, TC_FRAME_FLAG_ZLIB);
    g_assert_cmpint (tc_decode_snapshot (&f, arena, &snap), ==, TC_OK);
    check_snapshot (&snap, &x->snapshot_big);
  }
  {
    TcMetricPoint *p;
    size_t n;

    next_frame (&iter, &f, TC_FRAME_METRICS);
    g_assert_cmpint (tc_decode_metrics (&f, arena, &p, &n), ==, TC_OK);
    g_assert_cmpuint (n, ==, 4);
    for (size_t i = 0; i < n; i++)
      {
        g_assert_cmpuint (p[i].metric_id, ==, x->metrics[i].metric_id);
        g_assert_cmpuint (p[i].time_ns, ==, x->metrics[i].time_ns);
        tc_assert_value (&p[i].value, &x->metrics[i].value);
      }
    g_assert_true (isnan (p[1].value.f));
  }
  {
    TcCounterValue *v;
    size_t n;

    next_frame (&iter, &f, TC_FRAME_SYSTEM);
    g_assert_cmpint (tc_decode_system (&f, arena, &v, &n), ==, TC_OK);
    tc_assert_counters (v, (guint) n, x->system, 2);
  }
  {
    TcWarning w;

    next_frame (&iter, &f, TC_FRAME_WARNING);
    g_assert_cmpint (tc_decode_warning (&f, arena, &w), ==, TC_OK);
    g_assert_cmpint (w.level, ==, x->warning.level);
    tc_assert_str (w.code, x->warning.code);
    tc_assert_str (w.message, x->warning.message);
    tc_assert_str (w.var, x->warning.var);
    tc_assert_key_values (w.extras, w.n_extras, x->warning.extras, x->warning.n_extras);
  }
  {
    TcMark m;

    next_frame (&iter, &f, TC_FRAME_MARK);
    g_assert_cmpint (tc_decode_mark (&f, &m), ==, TC_OK);
    g_assert_cmpint (m.kind, ==, x->mark.kind);
    g_assert_cmpint (m.duration_ns, ==, x->mark.duration_ns);
    tc_assert_str (m.group, x->mark.group);
    tc_assert_str (m.name, x->mark.name);
    tc_assert_str (m.message, x->mark.message);
  }
  {
    TcLineHits lh;

    next_frame (&iter, &f, TC_FRAME_LINE_HITS);
    g_assert_cmpint (tc_decode_line_hits (&f, arena, &lh), ==, TC_OK);
    g_assert_cmpuint (lh.file_id, ==, x->line_hits.file_id);
    g_assert_cmpuint (lh.n_lines, ==, x->line_hits.n_lines);
    for (guint i = 0; i < lh.n_lines; i++)
      {
        g_assert_cmpuint (lh.lines[i].line, ==, x->line_hits.lines[i].line);
        g_assert_cmpuint (lh.lines[i].hits, ==, x->line_hits.lines[i].hits);
        g_assert_cmpuint (lh.lines[i].time_ns, ==, x->line_hits.lines[i].time_ns);
      }
  }
  {
    TcStackSample *s;
    size_t n;

    next_frame (&iter, &f, TC_FRAME_SAMPLES);
    g_assert_cmpuint (f.header->thread_id, ==, 2);
    g_assert_cmpint (tc_decode_samples (&f, arena, &s, &n), ==, TC_OK);
    g_assert_cmpuint (n, ==, 2);
    for (size_t i = 0; i < n; i++)
      {
        g_assert_cmpuint (s[i].time_ns, ==, x->samples[i].time_ns);
        tc_assert_stack (s[i].stack, s[i].n_stack, x->samples[i].stack, x->samples[i].n_stack);
      }
  }
  {
    TcCrash c;

    next_frame (&iter, &f, TC_FRAME_CRASH);
    g_assert_cmpint (tc_decode_crash (&f, arena, &c), ==, TC_OK);
    tc_assert_str (c.exc_type, x->crash.exc_type);
    tc_assert_str (c.exc_module, x->crash.exc_module);
    tc_assert_str (c.message, x->crash.message);
    tc_assert_str (c.traceback, x->crash.traceback);
    tc_assert_str (c.cause, x->crash.cause);
    g_assert_cmpuint (c.n_frames, ==, x->crash.n_frames);
    for (guint i = 0; i < c.n_frames; i++)
      {
        g_assert_cmpuint (c.frames[i].code_id, ==, x->crash.frames[i].code_id);
        g_assert_cmpuint (c.frames[i].line, ==, x->crash.frames[i].line);
        tc_assert_locals (c.frames[i].locals, c.frames[i].n_locals,
                          x->crash.frames[i].locals, x->crash.frames[i].n_locals);
      }
    tc_assert_counters (c.system, c.n_system, x->crash.system, x->crash.n_system);
  }

  next_frame (&iter, &f, TC_FRAME_EVENTS);
  check_events (&f, arena, x->events + x->n_events / 2, x->n_events - x->n_events / 2);
  {
    /* Return values are batched until the next flush (since 1.1). */
    TcReturnValueItem *items;
    size_t n;

    next_frame (&iter, &f, TC_FRAME_RETURN_VALUES);
    g_assert_cmpuint (f.header->time_ns, ==, 7000);
    g_assert_cmpint (tc_decode_return_values (&f, arena, &items, &n), ==, TC_OK);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpuint (items[0].time_ns, ==, 7000);
    g_assert_cmpuint (items[0].thread_id, ==, 1);
    g_assert_cmpuint (items[0].rv.code_id, ==, x->return_value.code_id);
    tc_assert_str (items[0].rv.repr, x->return_value.repr);
    tc_assert_str (items[0].rv.type_name, x->return_value.type_name);
    tc_assert_value (&items[0].rv.value, &x->return_value.value);
  }

  {
    TcIndex ix;
    TcFrameIter again;
    TcFrame g;
    guint i = 0;

    next_frame (&iter, &f, TC_FRAME_INDEX);
    g_assert_cmpuint (f.offset, ==, index_offset);
    g_assert_cmpint (tc_decode_index (&f, arena, &ix), ==, TC_OK);
    /* Compressed since 1.1 once it is big enough to gain from it. */
    g_assert_cmpuint (ix.n_entries * sizeof (TcIndexEntry), >=, 512);
    g_assert_cmpuint (f.header->flags & TC_FRAME_FLAG_ZLIB, !=, 0);
    /* One entry per frame before the index, in file order. */
    tc_frame_iter_init (&again, r);
    while (tc_frame_iter_next (&again, &g) && g.header->type != TC_FRAME_INDEX)
      {
        TcFrame at;

        g_assert_cmpuint (i, <, ix.n_entries);
        g_assert_cmpuint (ix.entries[i].offset, ==, g.offset);
        g_assert_cmpuint (ix.entries[i].type, ==, g.header->type);
        g_assert_cmpuint (ix.entries[i].thread_id, ==, g.header->thread_id);
        g_assert_cmpuint (ix.entries[i].start_ns, ==, g.header->time_ns);
        g_assert_true (tc_reader_frame_at (r, ix.entries[i].offset, &at));
        g_assert_true (at.header == g.header);
        g_assert_false (tc_reader_frame_at (r, ix.entries[i].offset + 8, &at));
        if (g.header->type == TC_FRAME_EVENTS)
          {
            TcEventsFixed fx;

            memcpy (&fx, g.payload, sizeof fx);
            g_assert_cmpuint (ix.entries[i].n_items, ==, fx.n_events);
            g_assert_cmpuint (ix.entries[i].end_ns, ==, fx.last_time_ns);
          }
        if (g.header->type == TC_FRAME_MARK)
          g_assert_cmpuint (ix.entries[i].end_ns, ==, 6800 + 2500);
        i++;
      }
    g_assert_cmpuint (i, ==, ix.n_entries);
    n_before_end = ix.n_entries + 1;
  }
  {
    TcEndFixed end;

    next_frame (&iter, &f, TC_FRAME_END);
    g_assert_cmpuint (f.offset, ==, end_offset);
    g_assert_cmpuint (f.offset + f.header->length, ==, (uint64_t) st.st_size);
    g_assert_cmpint (tc_decode_end (&f, &end), ==, TC_OK);
    g_assert_cmpuint (end.n_events, ==, x->n_events);
    g_assert_cmpuint (end.n_snapshots, ==, 2);
    g_assert_cmpuint (end.n_frames, ==, n_before_end);
    g_assert_cmpuint (end.n_dropped, ==, 3);
    g_assert_cmpint (end.exit_status, ==, 1);
    g_assert_cmpuint (end.flags, ==, TC_END_FLAG_CRASHED);
  }
  g_assert_false (tc_frame_iter_next (&iter, &f));
  g_assert_cmpuint (tc_reader_n_frames (r), ==, n_before_end + 1);

  /* A decoder given the wrong frame type refuses it. */
  {
    TcThreadDef t;
    TcEvent *ev;
    size_t n;

    g_assert_cmpint (tc_decode_thread (&f, &t), ==, TC_ERR_INVALID);
    g_assert_cmpint (tc_decode_events (&unknown_frame, arena, &ev, &n), ==, TC_ERR_INVALID);
  }

  tc_reader_free (r);
  tc_arena_free (arena);
  tc_test_tmp_remove (path);
}

/* Many events: split into blocks of 65536, each decodes on its own; the
 * zero-allocation decoder agrees with the arena one. */
static void
test_roundtrip_event_blocks (void)
{
  const size_t n = 3 * 65536 + 1234;
  g_autofree TcEvent *events = g_new0 (TcEvent, n);
  g_autofree char *path = tc_test_tmp_path ("events.tc");
  g_autofree TcEvent *out = g_new0 (TcEvent, 65536);
  g_autofree uint8_t *scratch = g_malloc (65536 * 15);
  TcError error = { 0 };
  TcArena *arena = tc_arena_new ();
  TcWriter *w;
  TcReader *r;
  TcFrameIter iter;
  TcFrame f;
  size_t seen = 0, blocks = 0;
  uint64_t t = 123;
  GRand *rand = g_rand_new_with_seed (7);

  for (size_t i = 0; i < n; i++)
    {
      t += (uint64_t) g_rand_int_range (rand, 0, 5000);
      events[i].time_ns = t;
      events[i].kind = (uint32_t) g_rand_int_range (rand, 0, 7);
      if (events[i].kind == TC_EVENT_CALL || events[i].kind == TC_EVENT_C_CALL || events[i].kind == TC_EVENT_RESUME)
        events[i].code_id = (uint32_t) g_rand_int_range (rand, 1, 400);
    }
  g_rand_free (rand);

  w = tc_writer_open (path, NULL, &error);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_events (w, 3, events, n), ==, TC_OK);
  /* One lone event: deflate cannot win, so it is stored raw. */
  g_assert_cmpint (tc_writer_write_events (w, 4, &(TcEvent) { t + 1, 9, TC_EVENT_CALL }, 1), ==, TC_OK);
  /* Bad input is refused and leaves the writer usable. */
  {
    TcEvent back[2] = { { 100, 1, TC_EVENT_CALL }, { 99, 0, TC_EVENT_RETURN } };
    TcEvent bad_kind = { t + 2, 0, 9 };

    g_assert_cmpint (tc_writer_write_events (w, 3, back, 2), ==, TC_ERR_INVALID);
    g_assert_cmpint (tc_writer_write_events (w, 3, &bad_kind, 1), ==, TC_ERR_INVALID);
  }
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);

  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      TcEventsFixed fx;
      TcEvent *ev;
      size_t m, m2;

      if (f.header->type != TC_FRAME_EVENTS)
        continue;
      memcpy (&fx, f.payload, sizeof fx);
      g_assert_cmpint (tc_decode_events (&f, arena, &ev, &m), ==, TC_OK);
      if (f.header->thread_id == 4)
        {
          g_assert_cmpuint (fx.codec, ==, TC_CODEC_KINDS_RAW);
          g_assert_cmpuint (m, ==, 1);
          g_assert_cmpuint (ev[0].code_id, ==, 9);
          g_assert_cmpuint (ev[0].time_ns, ==, t + 1);
          continue;
        }
      g_assert_cmpuint (fx.codec, ==, TC_CODEC_KINDS_ZLIB);
      g_assert_cmpuint (m, <=, 65536);
      g_assert_cmpuint (fx.last_time_ns, ==, events[seen + m - 1].time_ns);
      for (size_t i = 0; i < m; i++)
        {
          g_assert_cmpuint (ev[i].time_ns, ==, events[seen + i].time_ns);
          g_assert_cmpuint (ev[i].kind, ==, events[seen + i].kind);
          g_assert_cmpuint (ev[i].code_id, ==, events[seen + i].code_id);
        }
      g_assert_cmpint (tc_decode_events_into (&f, out, 65536, scratch, 65536 * 15, &m2), ==, TC_OK);
      g_assert_cmpuint (m2, ==, m);
      g_assert_cmpmem (out, m * sizeof *out, ev, m * sizeof *ev);
      /* Too small a buffer or scratch is an argument error, not corruption. */
      g_assert_cmpint (tc_decode_events_into (&f, out, m - 1, scratch, 65536 * 15, &m2), ==, TC_ERR_INVALID);
      g_assert_cmpint (tc_decode_events_into (&f, out, 65536, scratch, 1, &m2), ==, TC_ERR_INVALID);
      seen += m;
      blocks++;
      tc_arena_reset (arena);
    }
  g_assert_cmpuint (seen, ==, n);
  g_assert_cmpuint (blocks, ==, 4);
  tc_reader_free (r);
  tc_arena_free (arena);
  tc_test_tmp_remove (path);
}

/* Blocks packed away from the writer (two threads, interleaved) come back
 * as the same frames and events as tc_writer_write_events would write, and
 * END counts them. */
static void
test_roundtrip_packed_events (void)
{
  const size_t n = 70000;
  g_autofree TcEvent *events = g_new0 (TcEvent, n);
  g_autofree char *path = tc_test_tmp_path ("packed.tc");
  TcError error = { 0 };
  TcArena *arena = tc_arena_new ();
  TcEventsPacker *p = tc_events_packer_new (0);
  TcWriter *w;
  TcReader *r;
  TcFrameIter iter;
  TcFrame f;
  size_t seen[3] = { 0, 0, 0 };
  uint32_t order[8];
  size_t n_order = 0, n_end = 0;
  uint64_t t = 5;
  TcEvent bad[2] = { { 100, 1, TC_EVENT_CALL }, { 99, 0, TC_EVENT_RETURN } };

  for (size_t i = 0; i < n; i++)
    {
      t += 1 + i % 977;
      events[i].time_ns = t;
      events[i].kind = i % 2 ? TC_EVENT_RETURN : TC_EVENT_CALL;
      events[i].code_id = i % 2 ? 0 : (uint32_t) (1 + i % 300);
    }
  g_assert_nonnull (p);
  /* Thread 1 gets 66000 events (two blocks), thread 2 the rest (one). */
  g_assert_cmpint (tc_events_packer_add (p, 1, events, 66000), ==, TC_OK);
  g_assert_cmpint (tc_events_packer_add (p, 2, events + 66000, n - 66000), ==, TC_OK);
  g_assert_cmpint (tc_events_packer_add (p, 2, bad, 2), ==, TC_ERR_INVALID);
  g_assert_cmpuint (tc_events_packer_n_events (p), ==, n);

  w = tc_writer_open (path, NULL, &error);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_packed (w, p), ==, TC_OK);
  g_assert_cmpuint (tc_events_packer_n_events (p), ==, 0);
  /* An empty packer writes nothing. */
  g_assert_cmpint (tc_writer_write_packed (w, p), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);
  tc_events_packer_free (p);

  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      TcEvent *ev;
      size_t m;
      uint32_t tid = f.header->thread_id;
      const TcEvent *want;

      if (f.header->type == TC_FRAME_END)
        {
          TcEndFixed end;

          memcpy (&end, f.payload, sizeof end);
          g_assert_cmpuint (end.n_events, ==, n);
          n_end++;
        }
      if (f.header->type != TC_FRAME_EVENTS)
        continue;
      g_assert_cmpuint (tid, >=, 1);
      g_assert_cmpuint (tid, <=, 2);
      g_assert_cmpuint (n_order, <, G_N_ELEMENTS (order));
      order[n_order++] = tid;
      g_assert_cmpint (tc_decode_events (&f, arena, &ev, &m), ==, TC_OK);
      want = events + (tid == 1 ? 0 : 66000) + seen[tid];
      g_assert_cmpuint (f.header->time_ns, ==, want[0].time_ns);
      g_assert_cmpmem (ev, m * sizeof *ev, want, m * sizeof *want);
      seen[tid] += m;
      tc_arena_reset (arena);
    }
  g_assert_cmpuint (seen[1], ==, 66000);
  g_assert_cmpuint (seen[2], ==, n - 66000);
  g_assert_cmpuint (n_order, ==, 3);
  g_assert_cmpuint (n_end, ==, 1);
  g_assert_cmpuint (order[0], ==, 1);
  g_assert_cmpuint (order[1], ==, 1);
  g_assert_cmpuint (order[2], ==, 2);
  tc_reader_free (r);
  tc_arena_free (arena);
  tc_test_tmp_remove (path);
}

/* A source text over 1 MiB is cut into chunks that concatenate back. */
static void
test_roundtrip_source_chunks (void)
{
  const size_t len = 2 * 1024 * 1024 + 4321;
  g_autofree char *text = g_malloc (len);
  g_autofree char *path = tc_test_tmp_path ("source.tc");
  g_autofree char *back = g_malloc0 (len);
  TcError error = { 0 };
  TcArena *arena = tc_arena_new ();
  TcWriter *w;
  TcReader *r;
  TcFrameIter iter;
  TcFrame f;
  guint chunks = 0, last = 0;
  size_t got = 0;

  for (size_t i = 0; i < len; i++)
    text[i] = "def f(x):\n    return x  # comment\n"[i % 35] + (char) ((i / 4096) % 3);
  w = tc_writer_open (path, NULL, &error);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_source (w, 5, 9, text, len), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_source (w, 6, 10, "", 0), ==, TC_OK);
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);

  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      TcSourceChunk sc;

      if (f.header->type != TC_FRAME_SOURCE)
        continue;
      g_assert_cmpint (tc_decode_source (&f, arena, &sc), ==, TC_OK);
      if (sc.file_id == 10)
        {
          g_assert_cmpuint (sc.len, ==, 0);
          g_assert_cmpuint (sc.total_len, ==, 0);
          g_assert_cmpuint (sc.flags, ==, TC_SOURCE_FLAG_LAST);
          continue;
        }
      g_assert_cmpuint (sc.file_id, ==, 9);
      g_assert_cmpuint (sc.total_len, ==, len);
      g_assert_cmpuint (sc.hash, ==, tc_fnv1a64 (text, len));
      g_assert_cmpuint (sc.offset, ==, got);
      g_assert_cmpuint (sc.len, <=, 1024 * 1024);
      g_assert_true (f.header->flags & TC_FRAME_FLAG_ZLIB);
      g_assert_cmpuint (f.payload_len, <, sc.len / 4);
      memcpy (back + sc.offset, sc.data, sc.len);
      got += sc.len;
      chunks++;
      if (sc.flags & TC_SOURCE_FLAG_LAST)
        last++;
    }
  g_assert_cmpuint (chunks, ==, 3);
  g_assert_cmpuint (last, ==, 1);
  g_assert_cmpmem (back, len, text, len);
  tc_reader_free (r);
  tc_arena_free (arena);
  tc_test_tmp_remove (path);
}

/* The worked example of docs/FORMAT.md §7, byte for byte, both ways, in the
 * kind planes layout writers use since 1.1 and the head planes layout of
 * 1.0 that readers still accept. */
typedef struct
{
  guint8  codec;
  guint32 n_events;
  guint32 codes_offset;
  guint64 last_time_ns;
  gint    kind_byte;       /* >= 0: overwrite the first byte of the stream */
  TcStatus want;
} ExampleBlock;

static void
test_events_spec_example (void)
{
  static const uint8_t stream_1_1[] = { 0x00, 0x02, 0x03, 0x00, 0x0a, 0xa2, 0x02, 0x05, 0xac, 0x02 };
  static const uint8_t stream_1_0[] = { 0x00, 0x52, 0x93, 0x12, 0x05, 0xac, 0x02 };
  static const ExampleBlock blocks[] = {
    { TC_CODEC_KINDS_RAW, 3, 7, 1300, -1, TC_OK },
    { TC_CODEC_RAW, 3, 4, 1300, -1, TC_OK },
    { TC_CODEC_KINDS_RAW, 3, 8, 1300, -1, TC_ERR_CORRUPT },  /* plane 3 would swallow a code byte */
    { TC_CODEC_KINDS_RAW, 3, 5, 1300, -1, TC_ERR_CORRUPT },  /* code plane inside plane 2 */
    { TC_CODEC_KINDS_RAW, 3, 7, 1301, -1, TC_ERR_CORRUPT },  /* does not match the last event */
    { TC_CODEC_KINDS_RAW, 2, 7, 1300, -1, TC_ERR_CORRUPT },  /* planes not used up */
    { TC_CODEC_KINDS_RAW, 3, 7, 1300, 8, TC_ERR_CORRUPT },   /* no kind 8 */
    { TC_CODEC_RAW, 3, 5, 1300, -1, TC_ERR_CORRUPT },        /* 1.0: plane 2 would swallow a code byte */
    { TC_CODEC_RAW, 2, 4, 1300, -1, TC_ERR_CORRUPT },        /* 1.0: planes not used up */
    { 4, 3, 7, 1300, -1, TC_ERR_CORRUPT },                   /* no codec 4 */
  };
  const TcEvent expected[3] = {
    { 1000, 5, TC_EVENT_CALL }, { 1010, 300, TC_EVENT_C_CALL }, { 1300, 0, TC_EVENT_C_RETURN },
  };
  g_autofree char *path = tc_test_tmp_path ("example.tc");
  TcError error = { 0 };
  TcArena *arena = tc_arena_new ();
  TcWriter *w = tc_writer_open (path, NULL, &error);
  TcReader *r;
  TcFrameIter iter;
  TcFrame f;
  guint i = 0;

  /* The writer produces exactly the 1.1 block… */
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_events (w, 1, expected, 3), ==, TC_OK);
  /* …and hand-made blocks decode, or are rejected, as the spec says. */
  for (guint k = 0; k < G_N_ELEMENTS (blocks); k++)
    {
      const ExampleBlock *b = &blocks[k];
      gboolean v1_0 = b->codec == TC_CODEC_RAW;
      size_t len = v1_0 ? sizeof stream_1_0 : sizeof stream_1_1;
      uint8_t payload[sizeof (TcEventsFixed) + sizeof stream_1_1];
      TcEventsFixed fx = { b->n_events, (guint32) len, b->last_time_ns, b->codec, { 0 }, b->codes_offset };

      memcpy (payload, &fx, sizeof fx);
      memcpy (payload + sizeof fx, v1_0 ? stream_1_0 : stream_1_1, len);
      if (b->kind_byte >= 0)
        payload[sizeof fx] = (uint8_t) b->kind_byte;
      g_assert_cmpint (tc_writer_write_raw (w, TC_FRAME_EVENTS, 0, 1, 1000, payload, sizeof fx + len), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);

  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  g_assert_cmpuint (tc_reader_header (r)->version_minor, ==, 1);
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      TcEvent *ev;
      size_t n;
      TcStatus want;

      if (f.header->type != TC_FRAME_EVENTS)
        continue;
      /* The writer's own block first, then the hand-made ones. */
      want = i == 0 ? TC_OK : blocks[i - 1].want;
      if (i == 0)
        {
          TcEventsFixed got;

          memcpy (&got, f.payload, sizeof got);
          g_assert_cmpuint (got.codec, ==, TC_CODEC_KINDS_RAW);
          g_assert_cmpuint (got.n_events, ==, 3);
          g_assert_cmpuint (got.raw_len, ==, sizeof stream_1_1);
          g_assert_cmpuint (got.codes_offset, ==, 7);
          g_assert_cmpuint (got.last_time_ns, ==, 1300);
          g_assert_cmpmem (f.payload + sizeof got, sizeof stream_1_1, stream_1_1, sizeof stream_1_1);
        }
      g_assert_cmpint (tc_decode_events (&f, arena, &ev, &n), ==, want);
      if (want == TC_OK)
        g_assert_cmpmem (ev, n * sizeof *ev, expected, sizeof expected);
      i++;
    }
  g_assert_cmpuint (i, ==, 1 + G_N_ELEMENTS (blocks));
  tc_reader_free (r);
  tc_arena_free (arena);
  tc_test_tmp_remove (path);
}

/* Return values are batched: a flush closes the open batch, a batch of
 * 256 KiB closes itself, items keep their thread, time (also going back
 * across threads) and value. */
static void
test_return_value_batches (void)
{
  g_autofree char *path = tc_test_tmp_path ("returns.tc");
  g_autofree char *big = g_strnfill (1000, 'x');
  TcError error = { 0 };
  TcArena *arena = tc_arena_new ();
  TcWriter *w = tc_writer_open (path, NULL, &error);
  const guint64 times[5] = { 100, 90, 300, 300, 5000 };
  TcReader *r;
  TcFrameIter iter;
  TcFrame f;
  guint frames = 0, seen = 0, big_seen = 0;

  g_assert_nonnull (w);
  for (guint i = 0; i < 5; i++)
    {
      TcReturnValue rv = { 10 + i, TC_STR ("7"), TC_STR ("int"), { .kind = TC_VALUE_INT, .i = (int64_t) i - 2 } };

      g_assert_cmpint (tc_writer_write_return_value (w, 1 + i % 2, times[i], &rv), ==, TC_OK);
      if (i == 2)
        g_assert_cmpint (tc_writer_flush (w, false), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_flush (w, false), ==, TC_OK);
  /* 300 values of 1 KB: the batch closes itself at 256 KiB. */
  for (guint i = 0; i < 300; i++)
    {
      TcReturnValue rv = { 99, { big, 1000 }, TC_STR ("str"), { .kind = TC_VALUE_REPR_ONLY } };

      g_assert_cmpint (tc_writer_write_return_value (w, 3, 6000 + i, &rv), ==, TC_OK);
    }
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);

  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  tc_frame_iter_init (&iter, r);
  while (tc_frame_iter_next (&iter, &f))
    {
      TcReturnValueItem *items;
      size_t n;

      if (f.header->type != TC_FRAME_RETURN_VALUES)
        continue;
      g_assert_cmpint (tc_decode_return_values (&f, arena, &items, &n), ==, TC_OK);
      /* Bodies under 64 bytes are stored, the big ones compressed. */
      g_assert_cmpuint (f.header->flags & TC_FRAME_FLAG_ZLIB, ==, frames < 2 ? 0 : TC_FRAME_FLAG_ZLIB);
      if (frames < 2)
        {
          /* The flushes cut the first five into 3 + 2. */
          g_assert_cmpuint (n, ==, frames == 0 ? 3 : 2);
          g_assert_cmpuint (f.header->time_ns, ==, times[seen]);
          for (size_t i = 0; i < n; i++, seen++)
            {
              g_assert_cmpuint (items[i].time_ns, ==, times[seen]);
              g_assert_cmpuint (items[i].thread_id, ==, 1 + seen % 2);
              g_assert_cmpuint (items[i].rv.code_id, ==, 10 + seen);
              tc_assert_str (items[i].rv.repr, TC_STR ("7"));
              g_assert_cmpint (items[i].rv.value.i, ==, (int64_t) seen - 2);
            }
        }
      else
        {
          g_assert_cmpuint (n, <, 300);
          for (size_t i = 0; i < n; i++, big_seen++)
            {
              g_assert_cmpuint (items[i].time_ns, ==, 6000 + big_seen);
              g_assert_cmpuint (items[i].rv.repr.len, ==, 1000);
            }
        }
      frames++;
    }
  g_assert_cmpuint (seen, ==, 5);
  g_assert_cmpuint (big_seen, ==, 300);
  g_assert_cmpuint (frames, ==, 4);
  tc_reader_free (r);
  tc_arena_free (arena);
  tc_test_tmp_remove (path);
}

/* Bad arguments are refused without poisoning the writer. */
static void
test_writer_invalid_args (void)
{
  g_autofree char *path = tc_test_tmp_path ("args.tc");
  TcError error = { 0 };
  TcWriter *w = tc_writer_open (path, NULL, &error);
  TcReader *r;
  TcMark mark = { TC_MARK_INSTANT, 0, TC_STR (""), TC_STR ("m"), TC_STR ("") };

  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 1, NULL), ==, TC_ERR_INVALID);
  g_assert_cmpint (tc_writer_write_code (w, 1, NULL), ==, TC_ERR_INVALID);
  g_assert_cmpint (tc_writer_write_events (w, 1, NULL, 3), ==, TC_ERR_INVALID);
  g_assert_cmpint (tc_writer_write_source (w, 1, 1, NULL, 3), ==, TC_ERR_INVALID);
  g_assert_cmpint (tc_writer_write_events (w, 1, NULL, 0), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_system (w, 1, NULL, 0), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_samples (w, 1, NULL, 0), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_mark (w, 1, 5, &mark), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_session (NULL, 1, NULL), ==, TC_ERR_INVALID);
  g_assert_cmpuint (tc_writer_now_ns (w), <, (uint64_t) 60 * 1000000000);
  g_assert_cmpint (tc_writer_close (w, NULL, &error), ==, TC_OK);

  r = tc_reader_open (path, &error);
  g_assert_nonnull (r);
  /* SYSTEM (empty), MARK, INDEX, END: nothing from the refused calls. */
  g_assert_cmpuint (tc_reader_n_frames (r), ==, 4);
  g_assert_cmpint (tc_reader_state (r), ==, TC_STATE_COMPLETE);
  tc_reader_free (r);
  tc_test_tmp_remove (path);
}

/* FNV-1a 64 of known strings (the published test vectors). */
static void
test_fnv1a (void)
{
  g_assert_cmpuint (tc_fnv1a64 ("", 0), ==, 0xcbf29ce484222325ull);
  g_assert_cmpuint (tc_fnv1a64 ("a", 1), ==, 0xaf63dc4c8601ec8cull);
  g_assert_cmpuint (tc_fnv1a64 ("foobar", 6), ==, 0x85944171f73967e8ull);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/format/wire/varint", test_wire_varint);
  g_test_add_func ("/tc/format/wire/fnv1a", test_fnv1a);
  g_test_add_func ("/tc/format/value/nesting", test_value_nesting);
  g_test_add_func ("/tc/format/arena", test_arena);
  g_test_add_func ("/tc/format/roundtrip/all-frames", test_roundtrip_all_frames);
  g_test_add_func ("/tc/format/roundtrip/event-blocks", test_roundtrip_event_blocks);
  g_test_add_func ("/tc/format/roundtrip/packed-events", test_roundtrip_packed_events);
  g_test_add_func ("/tc/format/roundtrip/source-chunks", test_roundtrip_source_chunks);
  g_test_add_func ("/tc/format/events/spec-example", test_events_spec_example);
  g_test_add_func ("/tc/format/return-values/batches", test_return_value_batches);
  g_test_add_func ("/tc/format/writer/invalid-args", test_writer_invalid_args);
  return g_test_run ();
}

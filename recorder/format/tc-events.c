/* SPDX-License-Identifier: MIT
 *
 * tc-events.c — EVENTS blocks: the event stream and its decoder.
 *
 * Each event is a kind (0-7), a time delta in ns (relative to the previous
 * event; the first to the frame header time) and, for CALL, C_CALL and
 * RESUME, a varint code_id.  EXTENDED (kind 7) events carry varint
 * sub-kind, varint length and that many bytes, so old readers can step over
 * sub-kinds they do not know.
 *
 * Writers since 1.1 store a block in four planes (docs/FORMAT.md §6, the
 * "kind planes" layout): the kinds, one byte each; the first byte of every
 * delta varint; the deltas' continuation bytes; the code ids.  The kinds
 * follow the program's call structure and deflate shrinks them to almost
 * nothing, the code ids likewise, while the deltas' low bits are noise:
 * kept apart (and each plane in a deflate block of its own) the noise no
 * longer hides the structure, 20-40 % smaller than 1.0's "head planes"
 * layout, where each head varint was (delta << 3) | kind.  That layout
 * (codecs 0 and 1) is still read.
 *
 * The decoder is the hot loop of the viewer's loading (tens of millions of
 * events): one pass, one cursor per plane.
 */
#include <stdlib.h>
#include <zlib.h>

#include "tc-format-private.h"

/* Bit i set = kind i is followed by a code id. */
#define KINDS_WITH_CODE ((1u << TC_EVENT_CALL) | (1u << TC_EVENT_C_CALL) | (1u << TC_EVENT_RESUME))

static inline uint8_t *
put_varint (uint8_t *p, uint64_t v)
{
  while (v >= 0x80)
    {
      *p++ = (uint8_t) (v | 0x80);
      v >>= 7;
    }
  *p++ = (uint8_t) v;
  return p;
}

TcStatus
tc_events_encode (TcEncoder *raw, TcEncoder *codes, uint64_t base_ns,
                  const TcEvent *events, size_t n, uint32_t *codes_offset)
{
  uint64_t prev = base_ns;
  uint8_t *kinds, *firsts, *rest, *code;

  /* One room check for the whole block, then plain stores: planes 1 and 2
   * (one byte per event each) in place, plane 3 after them, plane 4 in
   * `codes`, which is appended last.  At most 8 continuation bytes per
   * delta (< 2^61) and 6 bytes of code plane per event (an EXTENDED
   * event's sub-kind and empty length). */
  tc_encoder_clear (codes);
  if (n > SIZE_MAX / 16 || !tc_encoder_reserve (raw, n * 10) || !tc_encoder_reserve (codes, n * 6))
    return TC_ERR_NOMEM;
  kinds = raw->data + raw->len;
  firsts = kinds + n;
  rest = firsts + n;
  code = codes->data;
  for (size_t i = 0; i < n; i++)
    {
      const TcEvent *e = &events[i];
      uint64_t delta;
      uint32_t kind = e->kind;

      if (e->time_ns < prev || kind > TC_EVENT_EXTENDED)
        return TC_ERR_INVALID;
      delta = e->time_ns - prev;
      if (delta >> 61)
        return TC_ERR_INVALID;
      prev = e->time_ns;
      kinds[i] = (uint8_t) kind;
      if (delta < 0x80)
        firsts[i] = (uint8_t) delta;
      else
        {
          firsts[i] = (uint8_t) ((delta & 0x7f) | 0x80);
          rest = put_varint (rest, delta >> 7);
        }
      if ((KINDS_WITH_CODE >> kind) & 1)
        code = put_varint (code, e->code_id);
      else if (kind == TC_EVENT_EXTENDED)
        {
          /* In memory an EXTENDED event only has its sub-kind (code_id). */
          code = put_varint (code, e->code_id);
          *code++ = 0;
        }
    }
  raw->len = (size_t) (rest - raw->data);
  codes->len = (size_t) (code - codes->data);
  if (raw->len > UINT32_MAX)
    return TC_ERR_NOMEM;
  *codes_offset = (uint32_t) raw->len;
  tc_encode_bytes (raw, codes->data, codes->len);
  return raw->failed ? TC_ERR_NOMEM : TC_OK;
}

/* ---- Packer: EVENTS payloads built without a writer. */

void
tc_events_packer_init (TcEventsPacker *p, int zlib_level)
{
  memset (p, 0, sizeof *p);
  tc_encoder_init (&p->payloads);
  tc_encoder_init (&p->body);
  tc_encoder_init (&p->codes);
  p->deflater.level = zlib_level >= 1 && zlib_level <= 9 ? zlib_level : 1;
}

void
tc_events_packer_fini (TcEventsPacker *p)
{
  tc_encoder_free (&p->payloads);
  tc_encoder_free (&p->body);
  tc_encoder_free (&p->codes);
  tc_deflater_end (&p->deflater);
  free (p->blocks);
  memset (p, 0, sizeof *p);
}

TcEventsPacker *
tc_events_packer_new (int zlib_level)
{
  TcEventsPacker *p = malloc (sizeof *p);

  if (p != NULL)
    tc_events_packer_init (p, zlib_level);
  return p;
}

void
tc_events_packer_free (TcEventsPacker *p)
{
  if (p == NULL)
    return;
  tc_events_packer_fini (p);
  free (p);
}

void
tc_events_packer_clear (TcEventsPacker *p)
{
  tc_encoder_clear (&p->payloads);
  p->n_blocks = 0;
  p->n_events = 0;
}

uint64_t
tc_events_packer_n_events (const TcEventsPacker *p)
{
  return p->n_events;
}

TcStatus
tc_events_packer_add (TcEventsPacker *p, uint32_t thread_id, const TcEvent *events, size_t n)
{
  if (p == NULL || (events == NULL && n > 0))
    return TC_ERR_INVALID;
  for (size_t i = 1; i < n; i++)
    if (events[i].time_ns < events[i - 1].time_ns)
      return TC_ERR_INVALID;
  while (n > 0)
    {
      size_t block = n < TC_EVENTS_PER_BLOCK ? n : TC_EVENTS_PER_BLOCK;
      size_t keep = p->payloads.len, zlen;
      uint32_t codes_offset = 0;
      TcEventsFixed fx;
      TcPackedBlock *b;
      TcStatus status;

      if (p->n_blocks == p->cap_blocks)
        {
          size_t cap = p->cap_blocks ? p->cap_blocks * 2 : 16;
          TcPackedBlock *blocks = realloc (p->blocks, cap * sizeof *blocks);

          if (blocks == NULL)
            return TC_ERR_NOMEM;
          p->blocks = blocks;
          p->cap_blocks = cap;
        }
      tc_encoder_clear (&p->body);
      status = tc_events_encode (&p->body, &p->codes, events[0].time_ns, events, block, &codes_offset);
      if (status != TC_OK)
        return status;
      memset (&fx, 0, sizeof fx);
      fx.codes_offset = codes_offset;
      fx.n_events = (uint32_t) block;
      fx.raw_len = (uint32_t) p->body.len;
      fx.last_time_ns = events[block - 1].time_ns;
      {
        const size_t cuts[3] = { block, 2 * block, codes_offset };

        zlen = tc_deflater_run_planes (&p->deflater, p->body.data, p->body.len, cuts, 3);
      }
      fx.codec = zlen > 0 ? TC_CODEC_KINDS_ZLIB : TC_CODEC_KINDS_RAW;
      tc_encode_bytes (&p->payloads, &fx, sizeof fx);
      if (zlen > 0)
        tc_encode_bytes (&p->payloads, p->deflater.out, zlen);
      else
        tc_encode_bytes (&p->payloads, p->body.data, p->body.len);
      if (p->payloads.failed)
        {
          p->payloads.len = keep;
          p->payloads.failed = false;
          return TC_ERR_NOMEM;
        }
      b = &p->blocks[p->n_blocks++];
      b->thread_id = thread_id;
      b->n_events = (uint32_t) block;
      b->first_ns = events[0].time_ns;
      b->last_ns = fx.last_time_ns;
      b->offset = keep;
      b->len = p->payloads.len - keep;
      p->n_events += block;
      events += block;
      n -= block;
    }
  return TC_OK;
}

/* Continue a varint whose first `shift` bits are in `v` from *pp; at most
 * 10 bytes in all, the 10th only 0 or 1. */
static inline uint64_t
varint_rest (const uint8_t **pp, const uint8_t *end, uint64_t v, unsigned shift, bool *ok)
{
  const uint8_t *p = *pp;

  for (;;)
    {
      uint8_t b;

      if (p >= end || shift > 63)
        break;
      b = *p++;
      if (shift == 63 && b > 1)
        break;
      v |= (uint64_t) (b & 0x7f) << shift;
      if (b < 0x80)
        {
          *pp = p;
          return v;
        }
      shift += 7;
    }
  *ok = false;
  return 0;
}

static inline uint64_t
varint_at (const uint8_t **pp, const uint8_t *end, bool *ok)
{
  const uint8_t *p = *pp;

  /* One-byte ids are the common case. */
  if (p < end && *p < 0x80)
    {
      *pp = p + 1;
      return *p;
    }
  return varint_rest (pp, end, 0, 0, ok);
}

/* Both layouts of FORMAT.md §6.  With `kind_plane` (1.1, codecs 2 and 3)
 * plane 1 holds the kinds and plane 2 the first byte of every delta varint;
 * without (1.0, codecs 0 and 1) plane 1 holds the first byte of every
 * (delta << 3) | kind head.  Then the varints' other bytes, then the code
 * ids.  Called with a constant, so each layout gets its own loop. */
static inline TcStatus
decode_planes (const uint8_t *data, size_t len, uint32_t codes_offset, uint64_t t,
               uint64_t last_time_ns, TcEvent *out, uint32_t n_events, bool kind_plane)
{
  size_t n_fixed = kind_plane ? 2 * (size_t) n_events : n_events;
  const uint8_t *kinds = data, *firsts = kind_plane ? data + n_events : data;
  const uint8_t *pb, *b_end, *pc, *c_end;
  bool ok = true;

  if (codes_offset < n_fixed || codes_offset > len)
    return TC_ERR_CORRUPT;
  pb = data + n_fixed;
  b_end = data + codes_offset;
  pc = b_end;
  c_end = data + len;

  for (uint32_t i = 0; i < n_events; i++)
    {
      uint64_t v = firsts[i];
      uint64_t code = 0;
      uint32_t kind;

      if (v >= 0x80)
        {
          /* Two-byte varints (heads: deltas of 16 ns … 2 µs, deltas: 128 ns
           * … 16 µs) are the common case. */
          if (pb < b_end && *pb < 0x80)
            v = (v & 0x7f) | ((uint64_t) *pb++ << 7);
          else
            v = varint_rest (&pb, b_end, v & 0x7f, 7, &ok);
        }
      if (kind_plane)
        {
          kind = kinds[i];
          if (kind > TC_EVENT_EXTENDED || v >> 61)
            return TC_ERR_CORRUPT;
          t += v;
        }
      else
        {
          kind = (uint32_t) (v & 7);
          t += v >> 3;
        }
      if ((KINDS_WITH_CODE >> kind) & 1)
        code = varint_at (&pc, c_end, &ok);
      else if (kind == TC_EVENT_EXTENDED)
        {
          uint64_t skip;

          code = varint_at (&pc, c_end, &ok);
          skip = varint_at (&pc, c_end, &ok);
          if (!ok || skip > (uint64_t) (c_end - pc))
            return TC_ERR_CORRUPT;
          pc += skip;
        }
      if (!ok || code > UINT32_MAX)
        return TC_ERR_CORRUPT;
      out[i].time_ns = t;
      out[i].code_id = (uint32_t) code;
      out[i].kind = kind;
    }
  /* Every plane must be consumed exactly and the block must end at the
   * advertised time: this catches corruption that still happens to parse. */
  if (pb != b_end || pc != c_end || (n_events > 0 && t != last_time_ns))
    return TC_ERR_CORRUPT;
  return TC_OK;
}

/* Check the fixed part of an EVENTS frame, return the stream location. */
static TcStatus
events_header (const TcFrame *f, TcEventsFixed *fx, const uint8_t **stream, size_t *stream_len)
{
  if (f == NULL || f->header == NULL || f->header->type != TC_FRAME_EVENTS)
    return TC_ERR_INVALID;
  if (f->payload_len < sizeof *fx)
    return TC_ERR_CORRUPT;
  memcpy (fx, f->payload, sizeof *fx);
  *stream = f->payload + sizeof *fx;
  *stream_len = f->payload_len - sizeof *fx;
  if (fx->n_events > TC_EVENTS_PER_BLOCK || fx->raw_len < fx->n_events)
    return TC_ERR_CORRUPT;
  if ((fx->codec == TC_CODEC_KINDS_RAW || fx->codec == TC_CODEC_KINDS_ZLIB)
      && fx->raw_len / 2 < fx->n_events)
    return TC_ERR_CORRUPT;
  if (fx->codec == TC_CODEC_RAW || fx->codec == TC_CODEC_KINDS_RAW)
    {
      /* Padding after the stream is allowed (up to 7 bytes). */
      if (fx->raw_len > *stream_len || *stream_len - fx->raw_len >= TC_FRAME_ALIGN)
        return TC_ERR_CORRUPT;
      *stream_len = fx->raw_len;
    }
  else if (tc_codec_is_zlib (fx->codec))
    {
      if ((uint64_t) fx->raw_len > (uint64_t) *stream_len * TC_ZLIB_MAX_RATIO)
        return TC_ERR_CORRUPT;
    }
  else
    return TC_ERR_CORRUPT;
  return TC_OK;
}

static TcStatus
inflate_exact (const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
  z_stream zs;
  int rc;

  memset (&zs, 0, sizeof zs);
  /* Raw DEFLATE (RFC 1951): the frame crc already covers the bytes, so the
   * zlib wrapper's adler32 would only cost time. */
  if (inflateInit2 (&zs, -15) != Z_OK)
    return TC_ERR_NOMEM;
  zs.next_in = (Bytef *) src;
  zs.avail_in = (uInt) src_len;
  zs.next_out = dst;
  zs.avail_out = (uInt) dst_len;
  rc = inflate (&zs, Z_FINISH);
  inflateEnd (&zs);
  /* Trailing bytes after the stream end are the frame padding. */
  if (rc != Z_STREAM_END || zs.avail_out != 0 || zs.avail_in >= TC_FRAME_ALIGN)
    return TC_ERR_CORRUPT;
  return TC_OK;
}

/* Exposed to tc-frames-decode.c through this prototype only. */
TcStatus tc_inflate_exact (const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len);

TcStatus
tc_inflate_exact (const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
  return inflate_exact (src, src_len, dst, dst_len);
}

TcStatus
tc_decode_events_into (const TcFrame *f, TcEvent *out, size_t capacity,
                       uint8_t *scratch, size_t scratch_len, size_t *n)
{
  TcEventsFixed fx;
  const uint8_t *stream;
  size_t stream_len;
  TcStatus status;

  if (n != NULL)
    *n = 0;
  status = events_header (f, &fx, &stream, &stream_len);
  if (status != TC_OK)
    return status;
  if (capacity < fx.n_events)
    return TC_ERR_INVALID;
  if (tc_codec_is_zlib (fx.codec))
    {
      if (scratch_len < fx.raw_len || (scratch == NULL && fx.raw_len > 0))
        return TC_ERR_INVALID;
      status = inflate_exact (stream, stream_len, scratch, fx.raw_len);
      if (status != TC_OK)
        return status;
      stream = scratch;
      stream_len = fx.raw_len;
    }
  if (fx.codec == TC_CODEC_KINDS_RAW || fx.codec == TC_CODEC_KINDS_ZLIB)
    status = decode_planes (stream, stream_len, fx.codes_offset, f->header->time_ns,
                            fx.last_time_ns, out, fx.n_events, true);
  else
    status = decode_planes (stream, stream_len, fx.codes_offset, f->header->time_ns,
                            fx.last_time_ns, out, fx.n_events, false);
  if (status == TC_OK && n != NULL)
    *n = fx.n_events;
  return status;
}

TcStatus
tc_decode_events (const TcFrame *f, TcArena *arena, TcEvent **out, size_t *n)
{
  TcEventsFixed fx;
  const uint8_t *stream;
  size_t stream_len;
  TcStatus status;
  uint8_t *scratch = NULL;
  TcEvent *events;

  *out = NULL;
  *n = 0;
  status = events_header (f, &fx, &stream, &stream_len);
  if (status != TC_OK)
    return status;
  events = tc_arena_alloc (arena, (size_t) fx.n_events * sizeof (TcEvent));
  if (events == NULL)
    return TC_ERR_NOMEM;
  if (tc_codec_is_zlib (fx.codec))
    {
      scratch = tc_arena_alloc (arena, fx.raw_len);
      if (scratch == NULL)
        return TC_ERR_NOMEM;
    }
  status = tc_decode_events_into (f, events, fx.n_events, scratch, fx.raw_len, n);
  if (status == TC_OK)
    *out = events;
  return status;
}

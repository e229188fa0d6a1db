/* SPDX-License-Identifier: MIT
 *
 * tc-events.c — EVENTS blocks: the varint event stream and its decoder.
 *
 * Each event is varint ((delta_ns << 3) | kind), followed by varint code_id
 * for CALL, C_CALL and RESUME.  delta_ns is relative to the previous event;
 * the first is relative to the frame header time.  EXTENDED (kind 7) events
 * carry varint sub-kind, varint length and that many bytes, so old readers
 * can step over sub-kinds they do not know.
 *
 * The decoder is the hot loop of the viewer's loading (tens of millions of
 * events), hence the unchecked fast path when ≥ 20 bytes remain.
 */
#include <zlib.h>

#include "tc-format-private.h"

/* Bit i set = kind i is followed by a code id. */
#define KINDS_WITH_CODE ((1u << TC_EVENT_CALL) | (1u << TC_EVENT_C_CALL) | (1u << TC_EVENT_RESUME))

TcStatus
tc_events_encode (TcEncoder *raw, uint64_t base_ns, const TcEvent *events, size_t n)
{
  uint64_t prev = base_ns;

  for (size_t i = 0; i < n; i++)
    {
      const TcEvent *e = &events[i];
      uint64_t delta;

      if (e->time_ns < prev || e->kind > TC_EVENT_EXTENDED)
        return TC_ERR_INVALID;
      delta = e->time_ns - prev;
      if (delta >> 61)
        return TC_ERR_INVALID;
      prev = e->time_ns;
      tc_encode_varint (raw, (delta << 3) | e->kind);
      if ((KINDS_WITH_CODE >> e->kind) & 1)
        tc_encode_varint (raw, e->code_id);
      else if (e->kind == TC_EVENT_EXTENDED)
        {
          /* In memory an EXTENDED event only has its sub-kind (code_id). */
          tc_encode_varint (raw, e->code_id);
          tc_encode_varint (raw, 0);
        }
    }
  return raw->failed ? TC_ERR_NOMEM : TC_OK;
}

/* Unchecked varint: the caller guarantees ≥ 10 readable bytes. */
static inline uint64_t
varint_fast (const uint8_t **pp, bool *ok)
{
  const uint8_t *p = *pp;
  uint64_t v = p[0];

  if (v < 0x80)
    {
      *pp = p + 1;
      return v;
    }
  v &= 0x7f;
  v |= (uint64_t) (p[1] & 0x7f) << 7;
  if (p[1] < 0x80)
    {
      *pp = p + 2;
      return v;
    }
  v |= (uint64_t) (p[2] & 0x7f) << 14;
  if (p[2] < 0x80)
    {
      *pp = p + 3;
      return v;
    }
  for (unsigned i = 3; i < 10; i++)
    {
      v |= (uint64_t) (p[i] & 0x7f) << (7 * i);
      if (p[i] < 0x80)
        {
          if (i == 9 && p[i] > 1)
            break;
          *pp = p + i + 1;
          return v;
        }
    }
  *ok = false;
  return 0;
}

static TcStatus
decode_stream (const uint8_t *data, size_t len, uint64_t t, uint64_t last_time_ns,
               TcEvent *out, uint32_t n_events)
{
  const uint8_t *p = data;
  const uint8_t *end = data + len;
  const uint8_t *fast_end = len >= 20 ? end - 20 : data;
  bool ok = true;
  uint32_t i = 0;

  /* Fast path: every event is at most 15 bytes (EXTENDED ones take the
   * slow path), so with 20 bytes left no bound check is needed. */
  while (i < n_events && p < fast_end)
    {
      const uint8_t *start = p;
      uint64_t v = varint_fast (&p, &ok);
      uint32_t kind = (uint32_t) (v & 7);
      uint64_t code = 0;

      if (kind == TC_EVENT_EXTENDED && ok)
        {
          p = start;  /* re-read it on the slow path; rare */
          break;
        }
      t += v >> 3;
      if ((KINDS_WITH_CODE >> kind) & 1)
        {
          code = varint_fast (&p, &ok);
          if (code > UINT32_MAX)
            ok = false;
        }
      if (!ok)
        return TC_ERR_CORRUPT;
      out[i].time_ns = t;
      out[i].code_id = (uint32_t) code;
      out[i].kind = kind;
      i++;
    }

  {
    TcDecoder dec;

    tc_decoder_init (&dec, p, (size_t) (end - p));
    for (; i < n_events; i++)
      {
        uint64_t v = tc_decode_varint (&dec);
        uint32_t kind = (uint32_t) (v & 7);
        uint64_t code = 0;

        t += v >> 3;
        if ((KINDS_WITH_CODE >> kind) & 1)
          code = tc_decode_varint (&dec);
        else if (kind == TC_EVENT_EXTENDED)
          {
            uint64_t skip;

            code = tc_decode_varint (&dec);
            skip = tc_decode_varint (&dec);
            if (skip > (uint64_t) (dec.end - dec.p))
              return TC_ERR_CORRUPT;
            tc_decode_bytes (&dec, (size_t) skip);
          }
        if (!dec.ok || code > UINT32_MAX)
          return TC_ERR_CORRUPT;
        out[i].time_ns = t;
        out[i].code_id = (uint32_t) code;
        out[i].kind = kind;
      }
    p = dec.p;
  }
  /* The whole stream must be consumed and end at the advertised time: this
   * catches corruption that still happens to parse. */
  if (p != end || (n_events > 0 && t != last_time_ns))
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
  if (fx->codec == TC_CODEC_RAW)
    {
      /* Padding after the stream is allowed (up to 7 bytes). */
      if (fx->raw_len > *stream_len || *stream_len - fx->raw_len >= TC_FRAME_ALIGN)
        return TC_ERR_CORRUPT;
      *stream_len = fx->raw_len;
    }
  else if (fx->codec == TC_CODEC_ZLIB)
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
  if (fx.codec == TC_CODEC_ZLIB)
    {
      if (scratch_len < fx.raw_len || (scratch == NULL && fx.raw_len > 0))
        return TC_ERR_INVALID;
      status = inflate_exact (stream, stream_len, scratch, fx.raw_len);
      if (status != TC_OK)
        return status;
      stream = scratch;
      stream_len = fx.raw_len;
    }
  status = decode_stream (stream, stream_len, f->header->time_ns, fx.last_time_ns,
                          out, fx.n_events);
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
  if (fx.codec == TC_CODEC_ZLIB)
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

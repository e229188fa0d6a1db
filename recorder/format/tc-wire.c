/* SPDX-License-Identifier: MIT
 *
 * tc-wire.c — the wire primitives (varints, strings, f64), FNV-1a, errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "tc-format-private.h"

const char *
tc_status_to_string (TcStatus status)
{
  switch (status)
    {
    case TC_OK:          return "ok";
    case TC_ERR_IO:      return "input/output error";
    case TC_ERR_EXISTS:  return "file already exists";
    case TC_ERR_NOT_TC:  return "not a timecapsule recording";
    case TC_ERR_VERSION: return "unsupported format version";
    case TC_ERR_HEADER:  return "invalid file header";
    case TC_ERR_CORRUPT: return "corrupt data";
    case TC_ERR_NOMEM:   return "out of memory";
    case TC_ERR_INVALID: return "invalid argument";
    default:             return "unknown error";
    }
}

void
tc_error_set (TcError *error, TcStatus code, int sys_errno, uint64_t offset,
              const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return;
  error->code = code;
  error->sys_errno = sys_errno;
  error->offset = offset;
  va_start (args, format);
  vsnprintf (error->message, sizeof error->message, format, args);
  va_end (args);
}

uint64_t
tc_fnv1a64 (const void *data, size_t len)
{
  const uint8_t *p = data;
  uint64_t h = 0xcbf29ce484222325ull;

  for (size_t i = 0; i < len; i++)
    {
      h ^= p[i];
      h *= 0x100000001b3ull;
    }
  return h;
}

uint32_t
tc_frame_crc (const TcFrameHeader *header, const uint8_t *payload, size_t payload_len, size_t pad)
{
  static const uint8_t zeros[TC_FRAME_ALIGN];
  TcFrameHeader h = *header;
  uLong crc;

  h.crc32 = 0;
  crc = crc32 (0, (const Bytef *) &h, sizeof h);
  /* crc32 (crc, NULL, 0) returns the initial value, not crc. */
  if (payload_len > 0)
    crc = crc32 (crc, payload, (uInt) payload_len);
  if (pad > 0)
    crc = crc32 (crc, zeros, (uInt) pad);
  return (uint32_t) crc;
}

/* ------------------------------------------------------------------------ */
/* Encoder                                                                   */
/* ------------------------------------------------------------------------ */

void
tc_encoder_init (TcEncoder *enc)
{
  memset (enc, 0, sizeof *enc);
}

void
tc_encoder_clear (TcEncoder *enc)
{
  enc->len = 0;
  enc->failed = false;
}

void
tc_encoder_free (TcEncoder *enc)
{
  free (enc->data);
  memset (enc, 0, sizeof *enc);
}

bool
tc_encoder_reserve (TcEncoder *enc, size_t extra)
{
  size_t need, cap;
  uint8_t *data;

  if (enc->failed)
    return false;
  if (enc->cap - enc->len >= extra)
    return true;
  if (extra > SIZE_MAX / 2 - enc->len)
    {
      enc->failed = true;
      return false;
    }
  need = enc->len + extra;
  cap = enc->cap ? enc->cap : 256;
  while (cap < need)
    cap *= 2;
  data = realloc (enc->data, cap);
  if (data == NULL)
    {
      enc->failed = true;
      return false;
    }
  enc->data = data;
  enc->cap = cap;
  return true;
}

void
tc_encode_varint (TcEncoder *enc, uint64_t v)
{
  uint8_t *p;

  if (!tc_encoder_reserve (enc, 10))
    return;
  p = enc->data + enc->len;
  while (v >= 0x80)
    {
      *p++ = (uint8_t) (v | 0x80);
      v >>= 7;
    }
  *p++ = (uint8_t) v;
  enc->len = (size_t) (p - enc->data);
}

void
tc_encode_svarint (TcEncoder *enc, int64_t v)
{
  tc_encode_varint (enc, ((uint64_t) v << 1) ^ (uint64_t) (v >> 63));
}

void
tc_encode_f64 (TcEncoder *enc, double v)
{
  tc_encode_bytes (enc, &v, sizeof v);
}

void
tc_encode_u8 (TcEncoder *enc, uint8_t v)
{
  if (!tc_encoder_reserve (enc, 1))
    return;
  enc->data[enc->len++] = v;
}

void
tc_encode_bytes (TcEncoder *enc, const void *data, size_t len)
{
  if (len == 0 || !tc_encoder_reserve (enc, len))
    return;
  memcpy (enc->data + enc->len, data, len);
  enc->len += len;
}

void
tc_encode_str (TcEncoder *enc, TcStr s)
{
  tc_encode_varint (enc, s.len);
  if (s.len > 0)
    tc_encode_bytes (enc, s.ptr, s.len);
}

/* ------------------------------------------------------------------------ */
/* Deflater                                                                  */
/* ------------------------------------------------------------------------ */

size_t
tc_deflater_run_planes (TcDeflater *d, const uint8_t *data, size_t len, const size_t *cuts, size_t n_cuts)
{
  size_t bound, done = 0;

  if (len == 0 || len > TC_FRAME_MAX_LEN)
    return 0;
  if (!d->ready)
    {
      memset (&d->zs, 0, sizeof d->zs);
      /* Raw DEFLATE, no zlib wrapper (see tc-events.c). */
      if (deflateInit2 (&d->zs, d->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
      d->ready = true;
    }
  else if (deflateReset (&d->zs) != Z_OK)
    return 0;
  /* Each plane boundary closes a deflate block: at most a few bytes of
   * block header and alignment more than one stream. */
  bound = deflateBound (&d->zs, (uLong) len) + 8 * n_cuts;
  if (bound > d->cap)
    {
      uint8_t *out = realloc (d->out, bound);

      if (out == NULL)
        return 0;
      d->out = out;
      d->cap = bound;
    }
  d->zs.next_out = d->out;
  d->zs.avail_out = (uInt) d->cap;
  for (size_t i = 0; i <= n_cuts; i++)
    {
      size_t end = i < n_cuts ? cuts[i] : len;
      int flush = i < n_cuts ? Z_BLOCK : Z_FINISH;

      if (end < done || end > len)
        return 0;
      if (end == done && flush != Z_FINISH)
        continue;   /* an empty plane: zlib reports a flush without input as an error */
      d->zs.next_in = (Bytef *) data + done;
      d->zs.avail_in = (uInt) (end - done);
      /* Z_BLOCK ends the deflate block without the empty stored block of a
       * sync flush: the next plane starts with Huffman codes of its own. */
      if (deflate (&d->zs, flush) != (flush == Z_FINISH ? Z_STREAM_END : Z_OK) || d->zs.avail_in != 0)
        return 0;
      done = end;
    }
  if (d->zs.total_out >= len)
    return 0;
  return (size_t) d->zs.total_out;
}

size_t
tc_deflater_run (TcDeflater *d, const uint8_t *data, size_t len)
{
  return tc_deflater_run_planes (d, data, len, NULL, 0);
}

void
tc_deflater_end (TcDeflater *d)
{
  if (d->ready)
    deflateEnd (&d->zs);
  free (d->out);
  d->ready = false;
  d->out = NULL;
  d->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Decoder                                                                   */
/* ------------------------------------------------------------------------ */

void
tc_decoder_init (TcDecoder *dec, const void *data, size_t len)
{
  dec->p = data;
  dec->end = dec->p + len;
  dec->ok = true;
  if (data == NULL)
    dec->p = dec->end = NULL;
}

static void
decoder_fail (TcDecoder *dec)
{
  dec->ok = false;
  dec->p = dec->end;
}

uint64_t
tc_decode_varint (TcDecoder *dec)
{
  const uint8_t *p = dec->p;
  uint64_t v = 0;

  if (!dec->ok)
    return 0;
  for (unsigned shift = 0; shift < 64; shift += 7)
    {
      uint8_t b;

      if (p >= dec->end)
        break;
      b = *p++;
      /* The tenth byte may only carry the top bit of a 64-bit value. */
      if (shift == 63 && b > 1)
        break;
      v |= (uint64_t) (b & 0x7f) << shift;
      if (b < 0x80)
        {
          dec->p = p;
          return v;
        }
    }
  decoder_fail (dec);
  return 0;
}

int64_t
tc_decode_svarint (TcDecoder *dec)
{
  uint64_t v = tc_decode_varint (dec);

  return (int64_t) ((v >> 1) ^ (~(v & 1) + 1));
}

double
tc_decode_f64 (TcDecoder *dec)
{
  const uint8_t *p = tc_decode_bytes (dec, 8);
  double v = 0;

  if (p != NULL)
    memcpy (&v, p, 8);
  return v;
}

uint8_t
tc_decode_u8 (TcDecoder *dec)
{
  const uint8_t *p = tc_decode_bytes (dec, 1);

  return p != NULL ? *p : 0;
}

const uint8_t *
tc_decode_bytes (TcDecoder *dec, size_t len)
{
  const uint8_t *p;

  if (!dec->ok)
    return NULL;
  if ((size_t) (dec->end - dec->p) < len)
    {
      decoder_fail (dec);
      return NULL;
    }
  p = dec->p;
  dec->p += len;
  return p;
}

TcStr
tc_decode_str (TcDecoder *dec)
{
  TcStr s = { "", 0 };
  uint64_t len = tc_decode_varint (dec);
  const uint8_t *p;

  if (!dec->ok)
    return s;
  if (len > UINT32_MAX || len > (uint64_t) (dec->end - dec->p))
    {
      decoder_fail (dec);
      return s;
    }
  p = tc_decode_bytes (dec, (size_t) len);
  if (p == NULL)
    return s;
  s.ptr = (const char *) p;
  s.len = (uint32_t) len;
  return s;
}

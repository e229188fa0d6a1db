/* SPDX-License-Identifier: MIT
 *
 * tc-value.c — encoding of TcValue (what history() returns).
 *
 * A value is a u8 kind followed by its payload.  Containers carry their item
 * count and the byte length of their encoded items, so a reader can skip a
 * container without walking it and bound every nested decode.
 */
#include "tc-format-private.h"

#define TC_VALUE_MAX_DEPTH 32

static bool
is_container (TcValueKind kind)
{
  return kind >= TC_VALUE_LIST && kind <= TC_VALUE_DICT;
}

void
tc_encode_value (TcEncoder *enc, const TcValue *value)
{
  tc_encode_u8 (enc, (uint8_t) value->kind);
  switch (value->kind)
    {
    case TC_VALUE_REPR_ONLY:
    case TC_VALUE_NONE:
      break;
    case TC_VALUE_BOOL:
      tc_encode_u8 (enc, value->b ? 1 : 0);
      break;
    case TC_VALUE_INT:
      tc_encode_svarint (enc, value->i);
      break;
    case TC_VALUE_FLOAT:
      tc_encode_f64 (enc, value->f);
      break;
    case TC_VALUE_COMPLEX:
      tc_encode_f64 (enc, value->c.re);
      tc_encode_f64 (enc, value->c.im);
      break;
    case TC_VALUE_BIGINT:
    case TC_VALUE_STR:
    case TC_VALUE_BYTES:
      tc_encode_str (enc, value->s);
      break;
    case TC_VALUE_LIST:
    case TC_VALUE_TUPLE:
    case TC_VALUE_SET:
    case TC_VALUE_FROZENSET:
    case TC_VALUE_DICT:
      tc_encode_varint (enc, value->items.count);
      tc_encode_varint (enc, value->items.len);
      tc_encode_bytes (enc, value->items.data, value->items.len);
      break;
    default:
      /* Unknown kinds cannot be written: the reader could not skip them. */
      enc->failed = true;
      break;
    }
}

bool
tc_decode_value_depth (TcDecoder *dec, TcValue *out, int depth)
{
  uint8_t kind = tc_decode_u8 (dec);

  memset (out, 0, sizeof *out);
  if (!dec->ok)
    return false;
  out->kind = (TcValueKind) kind;
  switch (kind)
    {
    case TC_VALUE_REPR_ONLY:
    case TC_VALUE_NONE:
      break;
    case TC_VALUE_BOOL:
      {
        uint8_t b = tc_decode_u8 (dec);

        if (b > 1)
          dec->ok = false;
        out->b = b != 0;
      }
      break;
    case TC_VALUE_INT:
      out->i = tc_decode_svarint (dec);
      break;
    case TC_VALUE_FLOAT:
      out->f = tc_decode_f64 (dec);
      break;
    case TC_VALUE_COMPLEX:
      out->c.re = tc_decode_f64 (dec);
      out->c.im = tc_decode_f64 (dec);
      break;
    case TC_VALUE_BIGINT:
    case TC_VALUE_STR:
    case TC_VALUE_BYTES:
      out->s = tc_decode_str (dec);
      break;
    case TC_VALUE_LIST:
    case TC_VALUE_TUPLE:
    case TC_VALUE_SET:
    case TC_VALUE_FROZENSET:
    case TC_VALUE_DICT:
      {
        uint64_t count = tc_decode_varint (dec);
        uint64_t len = tc_decode_varint (dec);
        uint64_t n_values;
        const uint8_t *data;
        TcDecoder items;

        if (!dec->ok || depth <= 0 || count > UINT32_MAX)
          goto corrupt;
        n_values = kind == TC_VALUE_DICT ? count * 2 : count;
        /* Every value takes at least one byte. */
        if (n_values > len || len > (uint64_t) (dec->end - dec->p))
          goto corrupt;
        data = tc_decode_bytes (dec, (size_t) len);
        if (data == NULL)
          goto corrupt;
        /* Validate the items now, so iterating them later cannot fail
         * half-way for a value that decoded fine. */
        tc_decoder_init (&items, data, (size_t) len);
        for (uint64_t i = 0; i < n_values; i++)
          {
            TcValue item;

            if (!tc_decode_value_depth (&items, &item, depth - 1))
              goto corrupt;
          }
        if (items.p != items.end)
          goto corrupt;
        out->items.data = data;
        out->items.len = (size_t) len;
        out->items.count = (uint32_t) count;
      }
      break;
    default:
      goto corrupt;
    }
  if (!dec->ok)
    goto corrupt;
  return true;

corrupt:
  dec->ok = false;
  dec->p = dec->end;
  memset (out, 0, sizeof *out);
  return false;
}

bool
tc_decode_value (TcDecoder *dec, TcValue *out)
{
  return tc_decode_value_depth (dec, out, TC_VALUE_MAX_DEPTH);
}

void
tc_value_iter_init (TcValueIter *iter, const TcValue *container)
{
  if (container != NULL && is_container (container->kind))
    {
      tc_decoder_init (&iter->dec, container->items.data, container->items.len);
      iter->remaining = container->kind == TC_VALUE_DICT
                          ? container->items.count * 2u
                          : container->items.count;
      /* A dict with more than 2^31 pairs cannot exist (each item ≥ 1 byte
       * in a frame ≤ 64 MiB), but keep the count from wrapping anyway. */
      if (container->kind == TC_VALUE_DICT && container->items.count > UINT32_MAX / 2)
        iter->remaining = UINT32_MAX;
    }
  else
    {
      tc_decoder_init (&iter->dec, NULL, 0);
      iter->remaining = 0;
    }
}

bool
tc_value_iter_next (TcValueIter *iter, TcValue *out)
{
  if (iter->remaining == 0 || !iter->dec.ok)
    return false;
  iter->remaining--;
  return tc_decode_value (&iter->dec, out);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-frames-decode.c — decoders for every frame type (the mirror of
 * tc-frames-encode.c).  Everything read from the file is untrusted: counts
 * are checked against the bytes left before anything is allocated, and any
 * malformed body gives TC_ERR_CORRUPT, never a partial result.
 *
 * Bytes after the last known field of a body are ignored: that is how minor
 * versions add fields (docs/FORMAT.md §7).
 */
#include "tc-format-private.h"

TcStatus tc_inflate_exact (const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len);

TcStatus
tc_frame_body (const TcFrame *f, uint16_t type, void *fixed, size_t fixed_size,
               TcArena *arena, TcDecoder *body)
{
  const uint8_t *rest;
  size_t rest_len;

  if (f == NULL || f->header == NULL || f->header->type != type)
    return TC_ERR_INVALID;
  if (f->payload_len < fixed_size)
    return TC_ERR_CORRUPT;
  memcpy (fixed, f->payload, fixed_size);
  rest = f->payload + fixed_size;
  rest_len = f->payload_len - fixed_size;
  if (f->header->flags & TC_FRAME_FLAG_ZLIB)
    {
      TcZlibPrefix prefix;
      uint8_t *raw;
      TcStatus status;

      if (arena == NULL || rest_len < sizeof prefix)
        return TC_ERR_CORRUPT;
      memcpy (&prefix, rest, sizeof prefix);
      rest += sizeof prefix;
      rest_len -= sizeof prefix;
      if ((uint64_t) prefix.raw_len > (uint64_t) rest_len * TC_ZLIB_MAX_RATIO)
        return TC_ERR_CORRUPT;
      raw = tc_arena_alloc (arena, prefix.raw_len);
      if (raw == NULL)
        return TC_ERR_NOMEM;
      status = tc_inflate_exact (rest, rest_len, raw, prefix.raw_len);
      if (status != TC_OK)
        return status;
      tc_decoder_init (body, raw, prefix.raw_len);
    }
  else
    tc_decoder_init (body, rest, rest_len);
  return TC_OK;
}

void *
tc_decoder_alloc_array (TcDecoder *dec, TcArena *arena, uint64_t count,
                        size_t elem_size, size_t min_item_bytes)
{
  void *p;

  if (!dec->ok)
    return NULL;
  if (count > (uint64_t) (dec->end - dec->p) / (min_item_bytes ? min_item_bytes : 1)
      || count > SIZE_MAX / elem_size)
    {
      dec->ok = false;
      dec->p = dec->end;
      return NULL;
    }
  p = tc_arena_alloc (arena, (size_t) count * elem_size);
  if (p == NULL)
    {
      dec->ok = false;
      dec->p = dec->end;
    }
  return p;
}

static uint32_t
decode_u32 (TcDecoder *dec)
{
  uint64_t v = tc_decode_varint (dec);

  if (v > UINT32_MAX)
    {
      dec->ok = false;
      dec->p = dec->end;
      return 0;
    }
  return (uint32_t) v;
}

/* A body that failed to decode is corrupt.  (An arena allocation failure
 * also lands here: at the sizes the count checks allow it is not worth a
 * separate code path.) */
static TcStatus
body_status (const TcDecoder *dec)
{
  return dec->ok ? TC_OK : TC_ERR_CORRUPT;
}

static bool
decode_key_values (TcDecoder *dec, TcArena *arena, TcKeyValue **out, uint32_t *n)
{
  uint32_t count = decode_u32 (dec);
  TcKeyValue *items = tc_decoder_alloc_array (dec, arena, count, sizeof *items, 2);

  *out = NULL;
  *n = 0;
  if (items == NULL)
    return false;
  for (uint32_t i = 0; i < count; i++)
    {
      items[i].key = tc_decode_str (dec);
      items[i].value = tc_decode_str (dec);
    }
  if (!dec->ok)
    return false;
  *out = items;
  *n = count;
  return true;
}

static bool
decode_counter_values (TcDecoder *dec, TcArena *arena, TcCounterValue **out, uint32_t *n)
{
  uint32_t count = decode_u32 (dec);
  TcCounterValue *values = tc_decoder_alloc_array (dec, arena, count, sizeof *values, 9);

  *out = NULL;
  *n = 0;
  if (values == NULL)
    return false;
  for (uint32_t i = 0; i < count; i++)
    {
      values[i].counter_id = decode_u32 (dec);
      values[i].value = tc_decode_f64 (dec);
    }
  if (!dec->ok)
    return false;
  *out = values;
  *n = count;
  return true;
}

static bool
decode_stack (TcDecoder *dec, TcArena *arena, TcStackFrame **out, uint32_t *n)
{
  uint32_t count = decode_u32 (dec);
  TcStackFrame *stack = tc_decoder_alloc_array (dec, arena, count, sizeof *stack, 2);

  *out = NULL;
  *n = 0;
  if (stack == NULL)
    return false;
  for (uint32_t i = 0; i < count; i++)
    {
      stack[i].code_id = decode_u32 (dec);
      stack[i].line = decode_u32 (dec);
    }
  if (!dec->ok)
    return false;
  *out = stack;
  *n = count;
  return true;
}

static bool
decode_locals (TcDecoder *dec, TcArena *arena, TcLocal **out, uint32_t *n)
{
  uint32_t count = decode_u32 (dec);
  TcLocal *locals = tc_decoder_alloc_array (dec, arena, count, sizeof *locals, 6);

  *out = NULL;
  *n = 0;
  if (locals == NULL)
    return false;
  for (uint32_t i = 0; i < count && dec->ok; i++)
    {
      TcLocal *l = &locals[i];

      l->var_id = decode_u32 (dec);
      l->flags = decode_u32 (dec);
      l->repr = tc_decode_str (dec);
      l->type_name = tc_decode_str (dec);
      l->size = tc_decode_varint (dec);
      tc_decode_value (dec, &l->value);
    }
  if (!dec->ok)
    return false;
  *out = locals;
  *n = count;
  return true;
}

TcStatus
tc_decode_session (const TcFrame *f, TcArena *arena, TcSession *out)
{
  TcSessionFixed fx;
  TcDecoder dec;
  TcKeyValue *items;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_SESSION, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  items = tc_decoder_alloc_array (&dec, arena, fx.n_items, sizeof *items, 2);
  if (items == NULL)
    return TC_ERR_CORRUPT;
  for (uint32_t i = 0; i < fx.n_items; i++)
    {
      items[i].key = tc_decode_str (&dec);
      items[i].value = tc_decode_str (&dec);
    }
  if (!dec.ok)
    return TC_ERR_CORRUPT;
  out->items = items;
  out->n_items = fx.n_items;
  return TC_OK;
}

TcStatus
tc_decode_thread (const TcFrame *f, TcThreadDef *out)
{
  TcThreadFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_THREAD, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->thread_id = f->header->thread_id;
  out->native_id = fx.native_id;
  out->python_ident = fx.python_ident;
  out->flags = fx.flags;
  out->name = tc_decode_str (&dec);
  return body_status (&dec);
}

TcStatus
tc_decode_file (const TcFrame *f, TcFileDef *out)
{
  TcFileFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_FILE, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->file_id = fx.file_id;
  out->flags = fx.flags;
  out->source_hash = fx.source_hash;
  out->source_len = fx.source_len;
  out->path = tc_decode_str (&dec);
  return body_status (&dec);
}

TcStatus
tc_decode_code (const TcFrame *f, TcCodeDef *out)
{
  TcCodeFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_CODE, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->code_id = fx.code_id;
  out->file_id = fx.file_id;
  out->first_line = fx.first_line;
  out->flags = fx.flags;
  out->qualname = tc_decode_str (&dec);
  out->name = tc_decode_str (&dec);
  out->module = tc_decode_str (&dec);
  return body_status (&dec);
}

TcStatus
tc_decode_var (const TcFrame *f, TcVarDef *out)
{
  TcVarFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_VAR, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->var_id = fx.var_id;
  out->code_id = fx.code_id;
  out->name = tc_decode_str (&dec);
  return body_status (&dec);
}

TcStatus
tc_decode_metric_def (const TcFrame *f, TcMetricDef *out)
{
  TcMetricDefFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_METRIC_DEF, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->metric_id = fx.metric_id;
  out->name = tc_decode_str (&dec);
  return body_status (&dec);
}

TcStatus
tc_decode_counter_def (const TcFrame *f, TcCounterDef *out)
{
  TcCounterDefFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_COUNTER_DEF, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->counter_id = fx.counter_id;
  out->name = tc_decode_str (&dec);
  out->unit = tc_decode_str (&dec);
  out->description = tc_decode_str (&dec);
  return body_status (&dec);
}

TcStatus
tc_decode_snapshot (const TcFrame *f, TcArena *arena, TcSnapshot *out)
{
  TcSnapshotFixed fx;
  TcDecoder dec;
  TcStatus status;
  uint32_t n;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_SNAPSHOT, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  out->index = fx.index;
  out->kind = (TcSnapshotKind) fx.kind;
  out->origin_thread = f->header->thread_id;
  out->time_ns = f->header->time_ns;
  out->evt = tc_decode_str (&dec);
  out->label = tc_decode_str (&dec);

  n = decode_u32 (&dec);
  out->tags = tc_decoder_alloc_array (&dec, arena, n, sizeof (TcStr), 1);
  for (uint32_t i = 0; i < n && dec.ok; i++)
    out->tags[i] = tc_decode_str (&dec);
  out->n_tags = dec.ok ? n : 0;

  if (!decode_key_values (&dec, arena, &out->extras, &out->n_extras))
    goto corrupt;

  n = decode_u32 (&dec);
  out->metrics = tc_decoder_alloc_array (&dec, arena, n, sizeof (TcMetricValue), 2);
  for (uint32_t i = 0; i < n && dec.ok; i++)
    {
      out->metrics[i].metric_id = decode_u32 (&dec);
      tc_decode_value (&dec, &out->metrics[i].value);
    }
  out->n_metrics = dec.ok ? n : 0;

  if (!decode_counter_values (&dec, arena, &out->system, &out->n_system))
    goto corrupt;
  out->async_task = tc_decode_str (&dec);
  out->async_coro = tc_decode_str (&dec);

  /* Each capture is at least 4 bytes (four varints). */
  out->threads = tc_decoder_alloc_array (&dec, arena, fx.n_threads, sizeof (TcThreadCapture), 4);
  for (uint32_t i = 0; i < fx.n_threads && dec.ok; i++)
    {
      TcThreadCapture *t = &out->threads[i];

      t->thread_id = decode_u32 (&dec);
      t->locals_depth = decode_u32 (&dec);
      if (!decode_stack (&dec, arena, &t->stack, &t->n_stack)
          || !decode_locals (&dec, arena, &t->locals, &t->n_locals))
        goto corrupt;
    }
  if (!dec.ok)
    goto corrupt;
  out->n_threads = fx.n_threads;
  return TC_OK;

corrupt:
  memset (out, 0, sizeof *out);
  return TC_ERR_CORRUPT;
}

TcStatus
tc_decode_metrics (const TcFrame *f, TcArena *arena, TcMetricPoint **out, size_t *n)
{
  TcMetricsFixed fx;
  TcDecoder dec;
  TcStatus status;
  TcMetricPoint *points;

  *out = NULL;
  *n = 0;
  status = tc_frame_body (f, TC_FRAME_METRICS, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  points = tc_decoder_alloc_array (&dec, arena, fx.n_points, sizeof *points, 3);
  for (uint32_t i = 0; i < fx.n_points && dec.ok; i++)
    {
      points[i].metric_id = decode_u32 (&dec);
      points[i].time_ns = f->header->time_ns + (uint64_t) tc_decode_svarint (&dec);
      tc_decode_value (&dec, &points[i].value);
    }
  if (!dec.ok)
    return TC_ERR_CORRUPT;
  *out = points;
  *n = fx.n_points;
  return TC_OK;
}

TcStatus
tc_decode_system (const TcFrame *f, TcArena *arena, TcCounterValue **out, size_t *n)
{
  TcSystemFixed fx;
  TcDecoder dec;
  TcStatus status;
  TcCounterValue *values;

  *out = NULL;
  *n = 0;
  status = tc_frame_body (f, TC_FRAME_SYSTEM, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  values = tc_decoder_alloc_array (&dec, arena, fx.n_values, sizeof *values, 9);
  for (uint32_t i = 0; i < fx.n_values && dec.ok; i++)
    {
      values[i].counter_id = decode_u32 (&dec);
      values[i].value = tc_decode_f64 (&dec);
    }
  if (!dec.ok)
    return TC_ERR_CORRUPT;
  *out = values;
  *n = fx.n_values;
  return TC_OK;
}

TcStatus
tc_decode_warning (const TcFrame *f, TcArena *arena, TcWarning *out)
{
  TcWarningFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_WARNING, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  out->level = (TcLevel) fx.level;
  out->code = tc_decode_str (&dec);
  out->message = tc_decode_str (&dec);
  out->var = tc_decode_str (&dec);
  if (!decode_key_values (&dec, arena, &out->extras, &out->n_extras))
    {
      memset (out, 0, sizeof *out);
      return TC_ERR_CORRUPT;
    }
  return TC_OK;
}

TcStatus
tc_decode_crash (const TcFrame *f, TcArena *arena, TcCrash *out)
{
  TcCrashFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_CRASH, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  out->exc_type = tc_decode_str (&dec);
  out->exc_module = tc_decode_str (&dec);
  out->message = tc_decode_str (&dec);
  out->traceback = tc_decode_str (&dec);
  out->cause = tc_decode_str (&dec);
  out->frames = tc_decoder_alloc_array (&dec, arena, fx.n_frames, sizeof (TcCrashFrame), 3);
  for (uint32_t i = 0; i < fx.n_frames && dec.ok; i++)
    {
      TcCrashFrame *cf = &out->frames[i];

      cf->code_id = decode_u32 (&dec);
      cf->line = decode_u32 (&dec);
      if (!decode_locals (&dec, arena, &cf->locals, &cf->n_locals))
        goto corrupt;
    }
  out->n_frames = fx.n_frames;
  if (!decode_counter_values (&dec, arena, &out->system, &out->n_system) || !dec.ok)
    goto corrupt;
  return TC_OK;

corrupt:
  memset (out, 0, sizeof *out);
  return TC_ERR_CORRUPT;
}

TcStatus
tc_decode_mark (const TcFrame *f, TcMark *out)
{
  TcMarkFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_MARK, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->kind = (TcMarkKind) fx.kind;
  out->duration_ns = fx.duration_ns;
  out->group = tc_decode_str (&dec);
  out->name = tc_decode_str (&dec);
  out->message = tc_decode_str (&dec);
  return body_status (&dec);
}

TcStatus
tc_decode_line_hits (const TcFrame *f, TcArena *arena, TcLineHits *out)
{
  TcLineHitsFixed fx;
  TcDecoder dec;
  TcStatus status;
  TcLineHit *lines;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_LINE_HITS, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  lines = tc_decoder_alloc_array (&dec, arena, fx.n_lines, sizeof *lines, 3);
  for (uint32_t i = 0; i < fx.n_lines && dec.ok; i++)
    {
      lines[i].line = decode_u32 (&dec);
      lines[i].hits = tc_decode_varint (&dec);
      lines[i].time_ns = tc_decode_varint (&dec);
    }
  if (!dec.ok)
    return TC_ERR_CORRUPT;
  out->file_id = fx.file_id;
  out->lines = lines;
  out->n_lines = fx.n_lines;
  return TC_OK;
}

TcStatus
tc_decode_source (const TcFrame *f, TcArena *arena, TcSourceChunk *out)
{
  TcSourceFixed fx;
  TcDecoder dec;
  TcStatus status;
  uint64_t len;
  const uint8_t *data;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_SOURCE, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  len = tc_decode_varint (&dec);
  if (!dec.ok || len > UINT32_MAX || len > (uint64_t) (dec.end - dec.p))
    return TC_ERR_CORRUPT;
  data = tc_decode_bytes (&dec, (size_t) len);
  if (data == NULL || fx.offset > fx.total_len || len > fx.total_len - fx.offset)
    return TC_ERR_CORRUPT;
  out->file_id = fx.file_id;
  out->flags = fx.flags;
  out->offset = fx.offset;
  out->total_len = fx.total_len;
  out->hash = fx.hash;
  out->data = data;
  out->len = (uint32_t) len;
  return TC_OK;
}

TcStatus
tc_decode_return_value (const TcFrame *f, TcReturnValue *out)
{
  TcReturnValueFixed fx;
  TcDecoder dec;
  TcStatus status;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_RETURN_VALUE, &fx, sizeof fx, NULL, &dec);
  if (status != TC_OK)
    return status;
  out->code_id = fx.code_id;
  out->repr = tc_decode_str (&dec);
  out->type_name = tc_decode_str (&dec);
  tc_decode_value (&dec, &out->value);
  if (!dec.ok)
    {
      memset (out, 0, sizeof *out);
      return TC_ERR_CORRUPT;
    }
  return TC_OK;
}

TcStatus
tc_decode_return_values (const TcFrame *f, TcArena *arena, TcReturnValueItem **out, size_t *n)
{
  TcReturnValuesFixed fx;
  TcDecoder dec;
  TcStatus status;
  TcReturnValueItem *items;
  uint64_t t;

  *out = NULL;
  *n = 0;
  status = tc_frame_body (f, TC_FRAME_RETURN_VALUES, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  /* Each item takes at least 6 bytes (thread, dt, code, two empty strings,
   * a value kind). */
  items = tc_decoder_alloc_array (&dec, arena, fx.n_values, sizeof *items, 6);
  if (items == NULL)
    return TC_ERR_CORRUPT;
  t = f->header->time_ns;
  for (uint32_t i = 0; i < fx.n_values && dec.ok; i++)
    {
      memset (&items[i], 0, sizeof items[i]);
      items[i].thread_id = decode_u32 (&dec);
      t += (uint64_t) tc_decode_svarint (&dec);
      items[i].time_ns = t;
      items[i].rv.code_id = decode_u32 (&dec);
      items[i].rv.repr = tc_decode_str (&dec);
      items[i].rv.type_name = tc_decode_str (&dec);
      tc_decode_value (&dec, &items[i].rv.value);
    }
  if (!dec.ok)
    return TC_ERR_CORRUPT;
  *out = items;
  *n = fx.n_values;
  return TC_OK;
}

TcStatus
tc_decode_samples (const TcFrame *f, TcArena *arena, TcStackSample **out, size_t *n)
{
  TcSamplesFixed fx;
  TcDecoder dec;
  TcStatus status;
  TcStackSample *samples;
  uint64_t t;

  *out = NULL;
  *n = 0;
  status = tc_frame_body (f, TC_FRAME_SAMPLES, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  t = f->header->time_ns;
  samples = tc_decoder_alloc_array (&dec, arena, fx.n_samples, sizeof *samples, 2);
  for (uint32_t i = 0; i < fx.n_samples && dec.ok; i++)
    {
      t += (uint64_t) tc_decode_svarint (&dec);
      samples[i].time_ns = t;
      if (!decode_stack (&dec, arena, &samples[i].stack, &samples[i].n_stack))
        return TC_ERR_CORRUPT;
    }
  if (!dec.ok)
    return TC_ERR_CORRUPT;
  *out = samples;
  *n = fx.n_samples;
  return TC_OK;
}

TcStatus
tc_decode_index (const TcFrame *f, TcArena *arena, TcIndex *out)
{
  TcIndexFixed fx;
  TcDecoder dec;
  TcStatus status;
  TcIndexEntry *entries;
  const uint8_t *raw;

  memset (out, 0, sizeof *out);
  status = tc_frame_body (f, TC_FRAME_INDEX, &fx, sizeof fx, arena, &dec);
  if (status != TC_OK)
    return status;
  entries = tc_decoder_alloc_array (&dec, arena, fx.n_entries, sizeof *entries, sizeof *entries);
  if (entries == NULL)
    return TC_ERR_CORRUPT;
  raw = tc_decode_bytes (&dec, (size_t) fx.n_entries * sizeof *entries);
  if (raw == NULL)
    return TC_ERR_CORRUPT;
  /* Copied, not pointed at: the entries must be aligned for the caller. */
  memcpy (entries, raw, (size_t) fx.n_entries * sizeof *entries);
  out->entries = entries;
  out->n_entries = fx.n_entries;
  return TC_OK;
}

TcStatus
tc_decode_end (const TcFrame *f, TcEndFixed *out)
{
  TcDecoder dec;

  memset (out, 0, sizeof *out);
  return tc_frame_body (f, TC_FRAME_END, out, sizeof *out, NULL, &dec);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-frames-encode.c — the payload (fixed struct + wire body) of each frame
 * type.  docs/FORMAT.md §5 describes every body field by field; the order of
 * the calls here IS that description, so keep the two in step.
 */
#include "tc-format-private.h"

#define ENC_FIXED(enc, fx) tc_encode_bytes ((enc), &(fx), sizeof (fx))

static TcStatus
done (const TcEncoder *enc)
{
  return enc->failed ? TC_ERR_NOMEM : TC_OK;
}

static void
encode_key_values (TcEncoder *enc, const TcKeyValue *items, uint32_t n)
{
  tc_encode_varint (enc, n);
  for (uint32_t i = 0; i < n; i++)
    {
      tc_encode_str (enc, items[i].key);
      tc_encode_str (enc, items[i].value);
    }
}

static void
encode_counter_values (TcEncoder *enc, const TcCounterValue *values, size_t n)
{
  tc_encode_varint (enc, n);
  for (size_t i = 0; i < n; i++)
    {
      tc_encode_varint (enc, values[i].counter_id);
      tc_encode_f64 (enc, values[i].value);
    }
}

static void
encode_locals (TcEncoder *enc, const TcLocal *locals, uint32_t n)
{
  tc_encode_varint (enc, n);
  for (uint32_t i = 0; i < n; i++)
    {
      const TcLocal *l = &locals[i];

      tc_encode_varint (enc, l->var_id);
      tc_encode_varint (enc, l->flags);
      tc_encode_str (enc, l->repr);
      tc_encode_str (enc, l->type_name);
      tc_encode_varint (enc, l->size);
      tc_encode_value (enc, &l->value);
    }
}

static void
encode_stack (TcEncoder *enc, const TcStackFrame *stack, uint32_t n)
{
  tc_encode_varint (enc, n);
  for (uint32_t i = 0; i < n; i++)
    {
      tc_encode_varint (enc, stack[i].code_id);
      tc_encode_varint (enc, stack[i].line);
    }
}

TcStatus
tc_encode_session_payload (TcEncoder *enc, const TcSession *s)
{
  TcSessionFixed fx = { s->n_items, 0 };

  ENC_FIXED (enc, fx);
  for (uint32_t i = 0; i < s->n_items; i++)
    {
      tc_encode_str (enc, s->items[i].key);
      tc_encode_str (enc, s->items[i].value);
    }
  return done (enc);
}

TcStatus
tc_encode_thread_payload (TcEncoder *enc, const TcThreadDef *t)
{
  TcThreadFixed fx = { t->native_id, t->python_ident, t->flags, 0 };

  ENC_FIXED (enc, fx);
  tc_encode_str (enc, t->name);
  return done (enc);
}

TcStatus
tc_encode_file_payload (TcEncoder *enc, const TcFileDef *f)
{
  TcFileFixed fx = { f->file_id, f->flags, f->source_hash, f->source_len };

  ENC_FIXED (enc, fx);
  tc_encode_str (enc, f->path);
  return done (enc);
}

TcStatus
tc_encode_code_payload (TcEncoder *enc, const TcCodeDef *c)
{
  TcCodeFixed fx = { c->code_id, c->file_id, c->first_line, c->flags };

  ENC_FIXED (enc, fx);
  tc_encode_str (enc, c->qualname);
  tc_encode_str (enc, c->name);
  tc_encode_str (enc, c->module);
  return done (enc);
}

TcStatus
tc_encode_var_payload (TcEncoder *enc, const TcVarDef *v)
{
  TcVarFixed fx = { v->var_id, v->code_id };

  ENC_FIXED (enc, fx);
  tc_encode_str (enc, v->name);
  return done (enc);
}

TcStatus
tc_encode_metric_def_payload (TcEncoder *enc, const TcMetricDef *m)
{
  TcMetricDefFixed fx = { m->metric_id, 0 };

  ENC_FIXED (enc, fx);
  tc_encode_str (enc, m->name);
  return done (enc);
}

TcStatus
tc_encode_counter_def_payload (TcEncoder *enc, const TcCounterDef *c)
{
  TcCounterDefFixed fx = { c->counter_id, 0 };

  ENC_FIXED (enc, fx);
  tc_encode_str (enc, c->name);
  tc_encode_str (enc, c->unit);
  tc_encode_str (enc, c->description);
  return done (enc);
}

TcStatus
tc_encode_snapshot_body (TcEncoder *enc, const TcSnapshot *s)
{
  tc_encode_str (enc, s->evt);
  tc_encode_str (enc, s->label);
  tc_encode_varint (enc, s->n_tags);
  for (uint32_t i = 0; i < s->n_tags; i++)
    tc_encode_str (enc, s->tags[i]);
  encode_key_values (enc, s->extras, s->n_extras);
  tc_encode_varint (enc, s->n_metrics);
  for (uint32_t i = 0; i < s->n_metrics; i++)
    {
      tc_encode_varint (enc, s->metrics[i].metric_id);
      tc_encode_value (enc, &s->metrics[i].value);
    }
  encode_counter_values (enc, s->system, s->n_system);
  tc_encode_str (enc, s->async_task);
  tc_encode_str (enc, s->async_coro);
  for (uint32_t i = 0; i < s->n_threads; i++)
    {
      const TcThreadCapture *t = &s->threads[i];

      tc_encode_varint (enc, t->thread_id);
      tc_encode_varint (enc, t->locals_depth);
      encode_stack (enc, t->stack, t->n_stack);
      encode_locals (enc, t->locals, t->n_locals);
    }
  return done (enc);
}

TcStatus
tc_encode_metrics_payload (TcEncoder *enc, uint64_t time_ns, const TcMetricPoint *points, size_t n)
{
  TcMetricsFixed fx = { (uint32_t) n, 0 };

  if (n > UINT32_MAX)
    return TC_ERR_INVALID;
  ENC_FIXED (enc, fx);
  for (size_t i = 0; i < n; i++)
    {
      tc_encode_varint (enc, points[i].metric_id);
      tc_encode_svarint (enc, (int64_t) (points[i].time_ns - time_ns));
      tc_encode_value (enc, &points[i].value);
    }
  return done (enc);
}

TcStatus
tc_encode_system_payload (TcEncoder *enc, const TcCounterValue *values, size_t n)
{
  TcSystemFixed fx = { (uint32_t) n, 0 };

  if (n > UINT32_MAX)
    return TC_ERR_INVALID;
  ENC_FIXED (enc, fx);
  for (size_t i = 0; i < n; i++)
    {
      tc_encode_varint (enc, values[i].counter_id);
      tc_encode_f64 (enc, values[i].value);
    }
  return done (enc);
}

TcStatus
tc_encode_warning_payload (TcEncoder *enc, const TcWarning *w)
{
  TcWarningFixed fx = { (uint8_t) w->level, { 0 } };

  if ((unsigned) w->level > 255)
    return TC_ERR_INVALID;
  ENC_FIXED (enc, fx);
  tc_encode_str (enc, w->code);
  tc_encode_str (enc, w->message);
  tc_encode_str (enc, w->var);
  encode_key_values (enc, w->extras, w->n_extras);
  return done (enc);
}

TcStatus
tc_encode_crash_body (TcEncoder *enc, const TcCrash *c)
{
  tc_encode_str (enc, c->exc_type);
  tc_encode_str (enc, c->exc_module);
  tc_encode_str (enc, c->message);
  tc_encode_str (enc, c->traceback);
  tc_encode_str (enc, c->cause);
  for (uint32_t i = 0; i < c->n_frames; i++)
    {
      tc_encode_varint (enc, c->frames[i].code_id);
      tc_encode_varint (enc, c->frames[i].line);
      encode_locals (enc, c->frames[i].locals, c->frames[i].n_locals);
    }
  encode_counter_values (enc, c->system, c->n_system);
  return done (enc);
}

TcStatus
tc_encode_mark_payload (TcEncoder *enc, const TcMark *m)
{
  TcMarkFixed fx = { m->duration_ns, (uint16_t) m->kind, 0, 0 };

  if ((unsigned) m->kind > UINT16_MAX)
    return TC_ERR_INVALID;
  ENC_FIXED (enc, fx);
  tc_encode_str (enc, m->group);
  tc_encode_str (enc, m->name);
  tc_encode_str (enc, m->message);
  return done (enc);
}

TcStatus
tc_encode_line_hits_payload (TcEncoder *enc, const TcLineHits *h)
{
  TcLineHitsFixed fx = { h->file_id, h->n_lines };

  ENC_FIXED (enc, fx);
  for (uint32_t i = 0; i < h->n_lines; i++)
    {
      tc_encode_varint (enc, h->lines[i].line);
      tc_encode_varint (enc, h->lines[i].hits);
      tc_encode_varint (enc, h->lines[i].time_ns);
    }
  return done (enc);
}

TcStatus
tc_encode_samples_payload (TcEncoder *enc, uint64_t time_ns, const TcStackSample *samples, size_t n)
{
  TcSamplesFixed fx = { (uint32_t) n, 0 };
  uint64_t prev = time_ns;

  if (n > UINT32_MAX)
    return TC_ERR_INVALID;
  ENC_FIXED (enc, fx);
  for (size_t i = 0; i < n; i++)
    {
      tc_encode_svarint (enc, (int64_t) (samples[i].time_ns - prev));
      prev = samples[i].time_ns;
      encode_stack (enc, samples[i].stack, samples[i].n_stack);
    }
  return done (enc);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-test-decode-all.c — see tc-test-decode-all.h.
 */
#include <string.h>

#include "tc-test-decode-all.h"

static void
fold_str (TcDecodeStats *st, TcStr s)
{
  /* Touch every byte: ASan then proves the string lies in valid memory. */
  st->checksum = st->checksum * 31 + tc_fnv1a64 (s.ptr, s.len);
}

static void
walk_value (TcDecodeStats *st, const TcValue *v)
{
  st->values++;
  st->checksum += (uint64_t) v->kind;
  switch (v->kind)
    {
    case TC_VALUE_BIGINT:
    case TC_VALUE_STR:
    case TC_VALUE_BYTES:
      fold_str (st, v->s);
      break;
    case TC_VALUE_INT:
      st->checksum += (uint64_t) v->i;
      break;
    case TC_VALUE_LIST:
    case TC_VALUE_TUPLE:
    case TC_VALUE_SET:
    case TC_VALUE_FROZENSET:
    case TC_VALUE_DICT:
      {
        TcValueIter iter;
        TcValue item;

        tc_value_iter_init (&iter, v);
        while (tc_value_iter_next (&iter, &item))
          walk_value (st, &item);
      }
      break;
    default:
      break;
    }
}

static void
walk_locals (TcDecodeStats *st, const TcLocal *locals, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++)
    {
      fold_str (st, locals[i].repr);
      fold_str (st, locals[i].type_name);
      walk_value (st, &locals[i].value);
    }
}

static TcStatus
decode_one (const TcReader *reader, const TcFrame *f, TcArena *arena, TcDecodeStats *st)
{
  TcStatus s;

  switch (f->header->type)
    {
    case TC_FRAME_SESSION:
      {
        TcSession v;

        if ((s = tc_decode_session (f, arena, &v)) == TC_OK)
          for (uint32_t i = 0; i < v.n_items; i++)
            {
              fold_str (st, v.items[i].key);
              fold_str (st, v.items[i].value);
            }
        return s;
      }
    case TC_FRAME_THREAD:
      {
        TcThreadDef v;

        if ((s = tc_decode_thread (f, &v)) == TC_OK)
          fold_str (st, v.name);
        return s;
      }
    case TC_FRAME_FILE:
      {
        TcFileDef v;

        if ((s = tc_decode_file (f, &v)) == TC_OK)
          fold_str (st, v.path);
        return s;
      }
    case TC_FRAME_CODE:
      {
        TcCodeDef v;

        if ((s = tc_decode_code (f, &v)) == TC_OK)
          {
            fold_str (st, v.qualname);
            fold_str (st, v.name);
            fold_str (st, v.module);
          }
        return s;
      }
    case TC_FRAME_VAR:
      {
        TcVarDef v;

        if ((s = tc_decode_var (f, &v)) == TC_OK)
          fold_str (st, v.name);
        return s;
      }
    case TC_FRAME_METRIC_DEF:
      {
        TcMetricDef v;

        if ((s = tc_decode_metric_def (f, &v)) == TC_OK)
          fold_str (st, v.name);
        return s;
      }
    case TC_FRAME_COUNTER_DEF:
      {
        TcCounterDef v;

        if ((s = tc_decode_counter_def (f, &v)) == TC_OK)
          {
            fold_str (st, v.name);
            fold_str (st, v.unit);
            fold_str (st, v.description);
          }
        return s;
      }
    case TC_FRAME_EVENTS:
      {
        TcEvent *ev;
        size_t n;

        if ((s = tc_decode_events (f, arena, &ev, &n)) == TC_OK)
          {
            for (size_t i = 0; i < n; i++)
              st->checksum += ev[i].time_ns ^ ev[i].code_id ^ ev[i].kind;
            st->events += n;
          }
        return s;
      }
    case TC_FRAME_SNAPSHOT:
      {
        TcSnapshot v;

        if ((s = tc_decode_snapshot (f, arena, &v)) == TC_OK)
          {
            fold_str (st, v.evt);
            fold_str (st, v.label);
            for (uint32_t i = 0; i < v.n_tags; i++)
              fold_str (st, v.tags[i]);
            for (uint32_t i = 0; i < v.n_extras; i++)
              fold_str (st, v.extras[i].value);
            for (uint32_t i = 0; i < v.n_metrics; i++)
              walk_value (st, &v.metrics[i].value);
            for (uint32_t i = 0; i < v.n_system; i++)
              st->checksum += v.system[i].counter_id;
            for (uint32_t i = 0; i < v.n_threads; i++)
              {
                for (uint32_t j = 0; j < v.threads[i].n_stack; j++)
                  st->checksum += v.threads[i].stack[j].line;
                walk_locals (st, v.threads[i].locals, v.threads[i].n_locals);
              }
          }
        return s;
      }
    case TC_FRAME_METRICS:
      {
        TcMetricPoint *p;
        size_t n;

        if ((s = tc_decode_metrics (f, arena, &p, &n)) == TC_OK)
          for (size_t i = 0; i < n; i++)
            walk_value (st, &p[i].value);
        return s;
      }
    case TC_FRAME_SYSTEM:
      {
        TcCounterValue *v;
        size_t n;

        if ((s = tc_decode_system (f, arena, &v, &n)) == TC_OK)
          for (size_t i = 0; i < n; i++)
            st->checksum += v[i].counter_id;
        return s;
      }
    case TC_FRAME_WARNING:
      {
        TcWarning v;

        if ((s = tc_decode_warning (f, arena, &v)) == TC_OK)
          {
            fold_str (st, v.code);
            fold_str (st, v.message);
            fold_str (st, v.var);
            for (uint32_t i = 0; i < v.n_extras; i++)
              fold_str (st, v.extras[i].key);
          }
        return s;
      }
    case TC_FRAME_CRASH:
      {
        TcCrash v;

        if ((s = tc_decode_crash (f, arena, &v)) == TC_OK)
          {
            fold_str (st, v.exc_type);
            fold_str (st, v.traceback);
            for (uint32_t i = 0; i < v.n_frames; i++)
              walk_locals (st, v.frames[i].locals, v.frames[i].n_locals);
          }
        return s;
      }
    case TC_FRAME_MARK:
      {
        TcMark v;

        if ((s = tc_decode_mark (f, &v)) == TC_OK)
          fold_str (st, v.name);
        return s;
      }
    case TC_FRAME_LINE_HITS:
      {
        TcLineHits v;

        if ((s = tc_decode_line_hits (f, arena, &v)) == TC_OK)
          for (uint32_t i = 0; i < v.n_lines; i++)
            st->checksum += v.lines[i].hits;
        return s;
      }
    case TC_FRAME_SOURCE:
      {
        TcSourceChunk v;

        if ((s = tc_decode_source (f, arena, &v)) == TC_OK)
          st->checksum += tc_fnv1a64 (v.data, v.len);
        return s;
      }
    case TC_FRAME_RETURN_VALUE:
      {
        TcReturnValue v;

        if ((s = tc_decode_return_value (f, &v)) == TC_OK)
          {
            fold_str (st, v.repr);
            walk_value (st, &v.value);
          }
        return s;
      }
    case TC_FRAME_RETURN_VALUES:
      {
        TcReturnValueItem *v;
        size_t n;

        if ((s = tc_decode_return_values (f, arena, &v, &n)) == TC_OK)
          for (size_t i = 0; i < n; i++)
            {
              fold_str (st, v[i].rv.repr);
              walk_value (st, &v[i].rv.value);
            }
        return s;
      }
    case TC_FRAME_SAMPLES:
      {
        TcStackSample *v;
        size_t n;

        if ((s = tc_decode_samples (f, arena, &v, &n)) == TC_OK)
          for (size_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < v[i].n_stack; j++)
              st->checksum += v[i].stack[j].code_id;
        return s;
      }
    case TC_FRAME_INDEX:
      {
        TcIndex v;

        if ((s = tc_decode_index (f, arena, &v)) == TC_OK)
          for (uint32_t i = 0; i < v.n_entries; i++)
            {
              TcFrame g;

              /* Offsets in an index are untrusted too. */
              if (tc_reader_frame_at (reader, v.entries[i].offset, &g)
                  && g.header->type == v.entries[i].type)
                st->checksum++;
              st->checksum += v.entries[i].offset;
            }
        return s;
      }
    case TC_FRAME_END:
      {
        TcEndFixed v;

        if ((s = tc_decode_end (f, &v)) == TC_OK)
          st->checksum += v.n_frames;
        return s;
      }
    default:
      st->unknown++;
      return TC_ERR_INVALID;
    }
}

void
tc_test_decode_all (const TcReader *reader, TcDecodeStats *stats)
{
  TcArena *arena = tc_arena_new ();
  TcFrameIter iter;
  TcFrame frame;

  memset (stats, 0, sizeof *stats);
  tc_frame_iter_init (&iter, reader);
  while (tc_frame_iter_next (&iter, &frame))
    {
      TcStatus s;

      stats->frames++;
      s = decode_one (reader, &frame, arena, stats);
      if (s == TC_OK)
        stats->decoded++;
      else if (s == TC_ERR_CORRUPT)
        stats->corrupt++;
      tc_arena_reset (arena);
    }
  tc_arena_free (arena);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-format-private.h — internals shared by the libtc-format sources.
 */
#pragma once

#include <string.h>
#include <zlib.h>

#include "tc-format.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libtc-format writes and maps little-endian structs directly; big-endian hosts are not supported"
#endif

/* Largest body a zlib-flagged frame may claim: deflate cannot expand more
 * than ~1032:1, so anything beyond that ratio is corrupt (and refusing it
 * keeps a hostile file from making us allocate gigabytes). */
#define TC_ZLIB_MAX_RATIO   1032u
/* Event blocks hold at most this many events (writer splits, reader checks). */
#define TC_EVENTS_PER_BLOCK 65536u
/* An event takes at most 10 bytes (kind + delta) + 5 (code id); an EXTENDED
 * one may carry a payload, bounded separately. */
#define TC_EVENT_MAX_BYTES  15u

static inline size_t
tc_align8 (size_t n)
{
  return (n + 7u) & ~(size_t) 7u;
}

/* Frame-body access used by every decoder: checks the type, copies the fixed
 * struct (the mapping may be unaligned for memory readers), and sets up a
 * decoder on the wire body, inflating it into `arena` when the frame has
 * TC_FRAME_FLAG_ZLIB (frames decoded without an arena may not be zlib). */
TcStatus tc_frame_body (const TcFrame *f, uint16_t type, void *fixed, size_t fixed_size,
                        TcArena *arena, TcDecoder *body);

/* Bounded array allocation for decoders: `count` items each needing at least
 * `min_item_bytes` of remaining input, so a lying count cannot make us
 * allocate more than the input justifies. */
void *tc_decoder_alloc_array (TcDecoder *dec, TcArena *arena, uint64_t count,
                              size_t elem_size, size_t min_item_bytes);

/* Same as tc_decode_value with an explicit remaining nesting budget. */
bool tc_decode_value_depth (TcDecoder *dec, TcValue *out, int depth);

/* Make room for `extra` more bytes; false (and `failed`) on OOM.  Lets a
 * hot encoder write through a plain pointer after one check. */
bool tc_encoder_reserve (TcEncoder *enc, size_t extra);

/* A raw-DEFLATE compressor (windowBits -15, no zlib wrapper) and its output
 * buffer, both reused from call to call (tc-wire.c). */
typedef struct
{
  z_stream zs;
  bool     ready;
  int      level;
  uint8_t *out;
  size_t   cap;
} TcDeflater;

/* Compress `len` bytes into d->out; returns the compressed size, or 0 when
 * compression failed or did not make the data smaller. */
size_t tc_deflater_run (TcDeflater *d, const uint8_t *data, size_t len);
/* The same, ending a deflate block at each of the `n_cuts` increasing
 * offsets, so every plane of an event stream gets its own Huffman codes. */
size_t tc_deflater_run_planes (TcDeflater *d, const uint8_t *data, size_t len,
                               const size_t *cuts, size_t n_cuts);
void   tc_deflater_end (TcDeflater *d);

/* Event blocks (tc-events.c). */
/* Appends the four-plane stream (kind planes layout, FORMAT.md §6) of
 * `events` to `raw` (which must be empty); `codes` is scratch.  Sets
 * *codes_offset. */
TcStatus tc_events_encode (TcEncoder *raw, TcEncoder *codes, uint64_t base_ns,
                           const TcEvent *events, size_t n, uint32_t *codes_offset);

/* What a TcEventsPacker holds: whole EVENTS payloads (fixed struct + stream)
 * back to back in `payloads`, described by `blocks` in the order added. */
typedef struct
{
  uint32_t thread_id;
  uint32_t n_events;
  uint64_t first_ns;
  uint64_t last_ns;
  size_t   offset;
  size_t   len;
} TcPackedBlock;

struct TcEventsPacker
{
  TcEncoder      payloads;
  TcEncoder      body;
  TcEncoder      codes;
  TcDeflater     deflater;
  TcPackedBlock *blocks;
  size_t         n_blocks;
  size_t         cap_blocks;
  uint64_t       n_events;
};

void tc_events_packer_init (TcEventsPacker *p, int zlib_level);
void tc_events_packer_fini (TcEventsPacker *p);

/* Body encoders (tc-frames-encode.c): append the fixed struct and the wire
 * body of one frame to `enc`.  Return TC_ERR_INVALID on bad input. */
TcStatus tc_encode_session_payload      (TcEncoder *enc, const TcSession *s);
TcStatus tc_encode_thread_payload       (TcEncoder *enc, const TcThreadDef *t);
TcStatus tc_encode_file_payload         (TcEncoder *enc, const TcFileDef *f);
TcStatus tc_encode_code_payload         (TcEncoder *enc, const TcCodeDef *c);
TcStatus tc_encode_var_payload          (TcEncoder *enc, const TcVarDef *v);
TcStatus tc_encode_metric_def_payload   (TcEncoder *enc, const TcMetricDef *m);
TcStatus tc_encode_counter_def_payload  (TcEncoder *enc, const TcCounterDef *c);
TcStatus tc_encode_snapshot_body        (TcEncoder *enc, const TcSnapshot *s);
TcStatus tc_encode_metrics_payload      (TcEncoder *enc, uint64_t time_ns, const TcMetricPoint *points, size_t n);
TcStatus tc_encode_system_payload       (TcEncoder *enc, const TcCounterValue *values, size_t n);
TcStatus tc_encode_warning_payload      (TcEncoder *enc, const TcWarning *w);
TcStatus tc_encode_crash_body           (TcEncoder *enc, const TcCrash *c);
TcStatus tc_encode_mark_payload         (TcEncoder *enc, const TcMark *m);
TcStatus tc_encode_line_hits_payload    (TcEncoder *enc, const TcLineHits *h);
TcStatus tc_encode_samples_payload      (TcEncoder *enc, uint64_t time_ns, const TcStackSample *samples, size_t n);

/* crc32 of a frame: its header with the crc field as 0, then the payload
 * (padding included).  `frame` points at the frame header. */
uint32_t tc_frame_crc (const TcFrameHeader *header, const uint8_t *payload, size_t payload_len,
                       size_t pad);

/* TcError helper. */
void tc_error_set (TcError *error, TcStatus code, int sys_errno, uint64_t offset,
                   const char *format, ...) __attribute__ ((format (printf, 5, 6)));

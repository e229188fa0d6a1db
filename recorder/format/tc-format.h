/* SPDX-License-Identifier: MIT
 *
 * tc-format.h — the .tc recording format: on-disk layout, writer and reader.
 *
 * Plain C11 + POSIX + zlib. No GLib: the recorder links this library, and a
 * server must be able to record with zero dependencies.  docs/FORMAT.md is the
 * normative description of everything declared here; keep the two in step.
 *
 * Layout in one paragraph: a 256-byte header, then a stream of 8-byte-aligned
 * frames.  Every frame starts with the same 24-byte TcFrameHeader (length,
 * type, flags, thread, crc32 of the frame, time).  The payload of each type
 * is a fixed little-endian struct (static_asserted below) optionally followed
 * by a "wire" body of varints, strings and values.  Readers skip unknown frame
 * types by length and stop at the first invalid frame, so a file cut anywhere
 * opens as a valid prefix marked truncated.
 */
#pragma once

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Constants                                                                 */
/* ------------------------------------------------------------------------ */

/* PNG-style magic: the high byte catches 7-bit transfers, CR LF catches
 * newline translation, 0x1a stops `type` on DOS.  "\x89TCAP" is what the
 * shared-mime-info magic rule matches. */
#define TC_MAGIC            "\x89TCAP\r\n\x1a"
#define TC_MAGIC_LEN        8
#define TC_VERSION_MAJOR    1   /* bumped only when the header or frame header change */
#define TC_VERSION_MINOR    1   /* bumped when frame types, fields or codecs are added (1.1: event codecs 2, 3, RETURN_VALUES) */
#define TC_HEADER_SIZE      256
#define TC_FRAME_ALIGN      8
#define TC_FRAME_MAX_LEN    (64u * 1024u * 1024u) /* sanity bound checked by readers */

/* Frame types.  Values are part of the format: never renumber, only append.
 * Readers skip types they do not know. */
typedef enum
{
  TC_FRAME_SESSION      = 1,  /* key/value metadata: argv, python, platform, pid, options … */
  TC_FRAME_THREAD       = 2,  /* thread definition (frame header thread_id is the id defined) */
  TC_FRAME_FILE         = 3,  /* source file definition: id, path, content hash */
  TC_FRAME_CODE         = 4,  /* code definition: id, file, first line, qualname, name */
  TC_FRAME_VAR          = 5,  /* variable definition: id → (code id, name) */
  TC_FRAME_METRIC_DEF   = 6,  /* metric definition: id → name */
  TC_FRAME_COUNTER_DEF  = 7,  /* system counter definition: id → name, unit */
  TC_FRAME_EVENTS       = 8,  /* per-thread block of call/return events, compressed */
  TC_FRAME_SNAPSHOT     = 9,  /* locals of every thread, stacks, metrics, system sample */
  TC_FRAME_METRICS      = 10, /* batch of tc.metric() points */
  TC_FRAME_SYSTEM       = 11, /* one system sample: counter values */
  TC_FRAME_WARNING      = 12, /* automatic or user warning */
  TC_FRAME_CRASH        = 13, /* uncaught exception at the raising frame, with locals */
  TC_FRAME_MARK         = 14, /* span or instant: profile_block, checkpoint, user marks */
  TC_FRAME_LINE_HITS    = 15, /* incremental per-line hit counts (and time) of one file */
  TC_FRAME_SOURCE       = 16, /* a chunk of a file's source text */
  TC_FRAME_RETURN_VALUE = 17, /* return value of a tracked function */
  TC_FRAME_SAMPLES      = 18, /* sample-mode stack samples of one thread */
  TC_FRAME_INDEX        = 19, /* offsets of the frames before it, for big files */
  TC_FRAME_END          = 20, /* clean end of the recording; always the last frame */
  TC_FRAME_RETURN_VALUES = 21, /* since 1.1: a batch of return values (written instead of 17) */
} TcFrameType;

/* TcFrameHeader.flags */
enum
{
  /* The payload after the type's fixed struct is a TcZlibPrefix followed by a
   * raw DEFLATE stream (zlib windowBits -15: no zlib header/adler32, the
   * frame crc covers it) that inflates to the wire body.  Used for big snapshots, crash
   * frames and source chunks.  (EVENTS frames carry their own codec field.) */
  TC_FRAME_FLAG_ZLIB = 1 << 0,
};

/* ------------------------------------------------------------------------ */
/* On-disk structs (all little-endian, packed by construction)              */
/* ------------------------------------------------------------------------ */

typedef struct
{
  char     magic[TC_MAGIC_LEN];   /* TC_MAGIC */
  uint16_t version_major;         /* TC_VERSION_MAJOR */
  uint16_t version_minor;         /* TC_VERSION_MINOR */
  uint16_t header_size;           /* TC_HEADER_SIZE: first frame starts here */
  uint8_t  little_endian;         /* 1; big-endian writers are not supported */
  uint8_t  reserved0;
  uint32_t flags;                 /* reserved, 0 */
  uint32_t reserved1;
  uint64_t start_monotonic_ns;    /* CLOCK_MONOTONIC at open; frame times are relative to it */
  int64_t  start_wall_ns;         /* CLOCK_REALTIME at open, ns since the Unix epoch */
  /* Patched in place with pwrite (opportunistic: 0 means unknown; readers
   * always trust the frames over these). */
  uint64_t end_time_ns;           /* relative time of the newest flushed frame */
  uint64_t data_end;              /* file offset just past the last flushed frame */
  uint64_t index_offset;          /* offset of the INDEX frame (written at close) */
  uint64_t end_offset;            /* offset of the END frame (written at close) */
  char     session_id[16];        /* NUL-padded, e.g. "3fa91c0e" */
  char     producer[48];          /* NUL-padded, e.g. "timecapsule 0.1.0 CPython 3.11.7" */
  uint8_t  reserved[120];         /* zero */
} TcFileHeader;
static_assert (sizeof (TcFileHeader) == TC_HEADER_SIZE, "TcFileHeader changed size");

typedef struct
{
  uint32_t length;      /* whole frame incl. this header and padding; multiple of 8, >= 24 */
  uint16_t type;        /* TcFrameType */
  uint16_t flags;       /* TC_FRAME_FLAG_* */
  uint32_t thread_id;   /* recorder-assigned thread id (1 = main); 0 = process-wide */
  uint32_t crc32;       /* zlib crc32 of the whole frame (header with this field as 0,
                         * payload, padding): a flipped type or time is caught too */
  uint64_t time_ns;     /* ns since TcFileHeader.start_monotonic_ns */
} TcFrameHeader;
static_assert (sizeof (TcFrameHeader) == 24, "TcFrameHeader changed size");

typedef struct
{
  uint32_t raw_len;     /* inflated size of the wire body */
  uint32_t reserved;
} TcZlibPrefix;
static_assert (sizeof (TcZlibPrefix) == 8, "TcZlibPrefix changed size");

/* Fixed parts of the payloads.  Each is followed by the wire body described
 * in docs/FORMAT.md and encoded/decoded by the functions further down. */

typedef struct { uint32_t n_items; uint32_t reserved; } TcSessionFixed;
static_assert (sizeof (TcSessionFixed) == 8, "");

typedef struct
{
  uint64_t native_id;   /* OS thread id (gettid) */
  uint64_t python_ident;/* threading.get_ident() */
  uint32_t flags;       /* TC_THREAD_FLAG_* */
  uint32_t reserved;
} TcThreadFixed;
static_assert (sizeof (TcThreadFixed) == 24, "");

typedef struct
{
  uint32_t file_id;
  uint32_t flags;       /* TC_FILE_FLAG_* */
  uint64_t source_hash; /* FNV-1a 64 of the whole source text; 0 = not embedded */
  uint64_t source_len;  /* bytes of source text (0 = not embedded) */
} TcFileFixed;
static_assert (sizeof (TcFileFixed) == 24, "");

typedef struct
{
  uint32_t code_id;
  uint32_t file_id;     /* 0 = no file (builtins, C functions) */
  uint32_t first_line;
  uint32_t flags;       /* TC_CODE_FLAG_* */
} TcCodeFixed;
static_assert (sizeof (TcCodeFixed) == 16, "");

typedef struct { uint32_t var_id; uint32_t code_id; } TcVarFixed;
static_assert (sizeof (TcVarFixed) == 8, "");

typedef struct { uint32_t metric_id; uint32_t reserved; } TcMetricDefFixed;
static_assert (sizeof (TcMetricDefFixed) == 8, "");

typedef struct { uint32_t counter_id; uint32_t reserved; } TcCounterDefFixed;
static_assert (sizeof (TcCounterDefFixed) == 8, "");

typedef struct
{
  uint32_t n_events;
  uint32_t raw_len;     /* size of the event stream before compression */
  uint64_t last_time_ns;/* time of the last event in the block */
  uint8_t  codec;       /* TC_CODEC_* */
  uint8_t  reserved[3];
  uint32_t codes_offset;/* where the code-id plane starts in the stream (FORMAT.md §6) */
} TcEventsFixed;
static_assert (sizeof (TcEventsFixed) == 24, "");

typedef struct
{
  uint64_t index;       /* running snapshot number ("i"), unique and increasing */
  uint16_t kind;        /* TcSnapshotKind */
  uint16_t flags;       /* reserved */
  uint32_t n_threads;   /* thread captures in the body */
} TcSnapshotFixed;
static_assert (sizeof (TcSnapshotFixed) == 16, "");

typedef struct { uint32_t n_points; uint32_t reserved; } TcMetricsFixed;
static_assert (sizeof (TcMetricsFixed) == 8, "");

typedef struct { uint32_t n_values; uint32_t reserved; } TcSystemFixed;
static_assert (sizeof (TcSystemFixed) == 8, "");

typedef struct { uint8_t level; uint8_t reserved[7]; } TcWarningFixed;
static_assert (sizeof (TcWarningFixed) == 8, "");

typedef struct { uint32_t n_frames; uint32_t flags; } TcCrashFixed;
static_assert (sizeof (TcCrashFixed) == 8, "");

typedef struct
{
  int64_t  duration_ns; /* 0 for an instant mark; the frame time is the start */
  uint16_t kind;        /* TcMarkKind */
  uint16_t reserved0;
  uint32_t reserved1;
} TcMarkFixed;
static_assert (sizeof (TcMarkFixed) == 16, "");

typedef struct { uint32_t file_id; uint32_t n_lines; } TcLineHitsFixed;
static_assert (sizeof (TcLineHitsFixed) == 8, "");

typedef struct
{
  uint32_t file_id;
  uint32_t flags;       /* TC_SOURCE_FLAG_LAST on the final chunk */
  uint64_t offset;      /* where this chunk starts in the source text */
  uint64_t total_len;   /* whole source text length */
  uint64_t hash;        /* FNV-1a 64 of the whole source text */
} TcSourceFixed;
static_assert (sizeof (TcSourceFixed) == 32, "");

typedef struct { uint32_t code_id; uint32_t reserved; } TcReturnValueFixed;
static_assert (sizeof (TcReturnValueFixed) == 8, "");

typedef struct { uint32_t n_values; uint32_t reserved; } TcReturnValuesFixed;
static_assert (sizeof (TcReturnValuesFixed) == 8, "");

typedef struct { uint32_t n_samples; uint32_t reserved; } TcSamplesFixed;
static_assert (sizeof (TcSamplesFixed) == 8, "");

typedef struct { uint32_t n_entries; uint32_t reserved; } TcIndexFixed;
static_assert (sizeof (TcIndexFixed) == 8, "");

typedef struct
{
  uint64_t offset;      /* file offset of the frame */
  uint64_t start_ns;    /* frame time */
  uint64_t end_ns;      /* last time covered (EVENTS: last event; MARK: end) */
  uint32_t thread_id;
  uint16_t type;
  uint16_t reserved;
  uint32_t n_items;     /* events in a block, threads in a snapshot, … */
  uint32_t reserved1;
} TcIndexEntry;
static_assert (sizeof (TcIndexEntry) == 40, "");

typedef struct
{
  uint64_t n_events;        /* call/return events written */
  uint64_t n_snapshots;     /* snapshots written */
  uint64_t n_frames;        /* frames before END */
  uint64_t n_dropped;       /* events dropped (buffer pressure); 0 normally */
  int32_t  exit_status;     /* process exit status when known, else 0 */
  uint32_t flags;           /* TC_END_FLAG_* */
} TcEndFixed;
static_assert (sizeof (TcEndFixed) == 40, "");

/* ------------------------------------------------------------------------ */
/* Enumerations used inside payloads                                         */
/* ------------------------------------------------------------------------ */

enum { TC_THREAD_FLAG_MAIN = 1 << 0, TC_THREAD_FLAG_DAEMON = 1 << 1, TC_THREAD_FLAG_RECORDER = 1 << 2 };
enum { TC_FILE_FLAG_TRACKED = 1 << 0 };
enum
{
  TC_CODE_FLAG_TRACKED    = 1 << 0, /* in a tracked file: locals, lines, aggregates */
  TC_CODE_FLAG_GENERATOR  = 1 << 1,
  TC_CODE_FLAG_COROUTINE  = 1 << 2,
  TC_CODE_FLAG_ASYNC_GEN  = 1 << 3,
  TC_CODE_FLAG_C_FUNCTION = 1 << 4, /* builtin / C function (c-call events) */
  TC_CODE_FLAG_MODULE     = 1 << 5, /* module-level code ("<module>") */
};
enum { TC_SOURCE_FLAG_LAST = 1 << 0 };
enum { TC_END_FLAG_CRASHED = 1 << 0, TC_END_FLAG_SIGNAL = 1 << 1 };

/* EVENTS codecs (FORMAT.md §6): the stream layout and its compression.
 * 0 and 1 are the "head planes" layout of 1.0 (read, no longer written),
 * 2 and 3 the "kind planes" layout of 1.1 (what writers write). */
typedef enum
{
  TC_CODEC_RAW        = 0,
  TC_CODEC_ZLIB       = 1, /* raw DEFLATE, as TC_FRAME_FLAG_ZLIB */
  TC_CODEC_KINDS_RAW  = 2,
  TC_CODEC_KINDS_ZLIB = 3,
} TcCodec;

/* Whether an EVENTS block with this codec needs raw_len bytes of scratch. */
static inline bool
tc_codec_is_zlib (unsigned codec)
{
  return codec == TC_CODEC_ZLIB || codec == TC_CODEC_KINDS_ZLIB;
}

/* Event kinds (0-7: the low 3 bits of a 1.0 head varint, a byte of the
 * kind plane since 1.1). */
typedef enum
{
  TC_EVENT_CALL      = 0, /* enter a Python function (code id follows) */
  TC_EVENT_RETURN    = 1, /* leave the innermost open call normally */
  TC_EVENT_C_CALL    = 2, /* enter a C function (code id follows) */
  TC_EVENT_C_RETURN  = 3, /* leave the innermost open C call */
  TC_EVENT_RESUME    = 4, /* re-enter a generator/coroutine (code id follows) */
  TC_EVENT_YIELD     = 5, /* leave the innermost call by yield/await */
  TC_EVENT_UNWIND    = 6, /* leave the innermost call by an exception */
  TC_EVENT_EXTENDED  = 7, /* reserved: varint sub-kind and its fields follow */
} TcEventKind;

typedef enum
{
  TC_SNAPSHOT_RECORD_START = 1,
  TC_SNAPSHOT_RECORD_STOP  = 2,
  TC_SNAPSHOT_SNAP         = 3,  /* tc.snap() */
  TC_SNAPSHOT_TIMER        = 4,
  TC_SNAPSHOT_CRASH        = 5,
  TC_SNAPSHOT_ASSERT_FAIL  = 6,
  TC_SNAPSHOT_CONDITION    = 7,
  TC_SNAPSHOT_TRACE_CALL   = 8,
  TC_SNAPSHOT_TRACE_RETURN = 9,
  TC_SNAPSHOT_BREAKPOINT   = 10,
  TC_SNAPSHOT_LINE         = 11,
} TcSnapshotKind;

typedef enum { TC_LEVEL_INFO = 0, TC_LEVEL_WARN = 1, TC_LEVEL_ERROR = 2 } TcLevel;

typedef enum
{
  TC_MARK_INSTANT    = 0,
  TC_MARK_BLOCK      = 1, /* profile_block: name is "<name>" (shown as "block:<name>") */
  TC_MARK_CHECKPOINT = 2, /* checkpoint pair: name is "<name>" */
  TC_MARK_USER       = 3,
} TcMarkKind;

/* Local-variable entry flags. */
enum
{
  TC_LOCAL_CHANGED   = 1 << 0, /* repr differs from the previous capture of this var */
  TC_LOCAL_EXPR      = 1 << 1, /* a watch_expr result; name is the expression's name */
  TC_LOCAL_ERROR     = 1 << 2, /* repr/eval failed; repr holds the error text */
  TC_LOCAL_TRUNCATED = 1 << 3, /* repr was cut to the recorder's bound */
};

/* Values: what history() returns.  Scalars are stored as themselves, small
 * containers of scalars recursively; anything else is repr-only. */
typedef enum
{
  TC_VALUE_REPR_ONLY = 0,  /* no value stored: use the repr */
  TC_VALUE_NONE      = 1,
  TC_VALUE_BOOL      = 2,
  TC_VALUE_INT       = 3,  /* fits int64: zigzag varint */
  TC_VALUE_BIGINT    = 4,  /* decimal text */
  TC_VALUE_FLOAT     = 5,  /* f64 */
  TC_VALUE_COMPLEX   = 6,  /* f64 real, f64 imag */
  TC_VALUE_STR       = 7,
  TC_VALUE_BYTES     = 8,
  TC_VALUE_LIST      = 9,  /* varint count, count values */
  TC_VALUE_TUPLE     = 10,
  TC_VALUE_SET       = 11,
  TC_VALUE_FROZENSET = 12,
  TC_VALUE_DICT      = 13, /* varint count, count × (key value, value value) */
} TcValueKind;

/* ------------------------------------------------------------------------ */
/* Status and errors                                                         */
/* ------------------------------------------------------------------------ */

typedef enum
{
  TC_OK = 0,
  TC_ERR_IO,          /* errno is in TcError.sys_errno */
  TC_ERR_EXISTS,      /* writer: the output file already exists (never clobbered) */
  TC_ERR_NOT_TC,      /* not a .tc file (bad magic) — maybe a seed gzip+pickle file */
  TC_ERR_VERSION,     /* a major version this reader does not understand */
  TC_ERR_HEADER,      /* header fields are inconsistent */
  TC_ERR_CORRUPT,     /* a frame failed validation (decode of a frame) */
  TC_ERR_NOMEM,
  TC_ERR_INVALID,     /* bad argument */
} TcStatus;

typedef struct
{
  TcStatus code;
  int      sys_errno;
  uint64_t offset;        /* where in the file, when meaningful */
  char     message[200];  /* one human sentence, e.g. "not a timecapsule recording (bad magic)" */
} TcError;

const char *tc_status_to_string (TcStatus status);

/* ------------------------------------------------------------------------ */
/* Small helpers shared by writer and reader                                 */
/* ------------------------------------------------------------------------ */

/* A length-delimited UTF-8 string.  Decoded strings point into the file
 * mapping (or the arena): they are NOT NUL-terminated. */
typedef struct { const char *ptr; uint32_t len; } TcStr;
#define TC_STR(s) ((TcStr) { (s), (uint32_t) __builtin_strlen (s) })

uint64_t tc_fnv1a64 (const void *data, size_t len);

/* A bump allocator for decoded frames; everything decoded with it lives
 * until tc_arena_reset/free. */
typedef struct TcArena TcArena;
TcArena *tc_arena_new   (void);
void     tc_arena_free  (TcArena *arena);
void     tc_arena_reset (TcArena *arena);
void    *tc_arena_alloc (TcArena *arena, size_t size); /* 8-byte aligned; NULL on OOM */

/* Growable byte buffer with the wire primitives (varint = unsigned LEB128,
 * svarint = zigzag LEB128, f64 = IEEE-754 little-endian, str = varint length
 * + bytes). */
typedef struct
{
  uint8_t *data;
  size_t   len;
  size_t   cap;
  bool     failed;   /* an allocation failed; the contents are unusable */
} TcEncoder;

void tc_encoder_init    (TcEncoder *enc);
void tc_encoder_clear   (TcEncoder *enc);   /* keep capacity */
void tc_encoder_free    (TcEncoder *enc);
void tc_encode_varint   (TcEncoder *enc, uint64_t v);
void tc_encode_svarint  (TcEncoder *enc, int64_t v);
void tc_encode_f64      (TcEncoder *enc, double v);
void tc_encode_u8       (TcEncoder *enc, uint8_t v);
void tc_encode_bytes    (TcEncoder *enc, const void *data, size_t len); /* raw, no length */
void tc_encode_str      (TcEncoder *enc, TcStr s);

/* Bounds-checked reading of the wire primitives.  After any failure `ok` is
 * false and every later read returns 0 / empty. */
typedef struct
{
  const uint8_t *p;
  const uint8_t *end;
  bool           ok;
} TcDecoder;

void     tc_decoder_init   (TcDecoder *dec, const void *data, size_t len);
uint64_t tc_decode_varint  (TcDecoder *dec);
int64_t  tc_decode_svarint (TcDecoder *dec);
double   tc_decode_f64     (TcDecoder *dec);
uint8_t  tc_decode_u8      (TcDecoder *dec);
TcStr    tc_decode_str     (TcDecoder *dec);
const uint8_t *tc_decode_bytes (TcDecoder *dec, size_t len);

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct
{
  TcValueKind kind;
  union
  {
    bool    b;
    int64_t i;
    double  f;
    struct { double re, im; } c;
    TcStr   s;          /* STR, BYTES (raw bytes), BIGINT (decimal text) */
    struct
    {
      const uint8_t *data;  /* encoded items (see tc_value_iter_*) */
      size_t         len;
      uint32_t       count; /* items; for DICT, key/value pairs */
    } items;
  };
} TcValue;

/* Encode a value.  For containers, `items.data/len` must hold `count`
 * already-encoded values (2 × count for DICT), e.g. from a nested encoder. */
void tc_encode_value (TcEncoder *enc, const TcValue *value);
/* Decode a value; containers keep pointing at their encoded items.  Nesting
 * deeper than 32 levels is rejected as corrupt. */
bool tc_decode_value (TcDecoder *dec, TcValue *out);

typedef struct { TcDecoder dec; uint32_t remaining; } TcValueIter;
void tc_value_iter_init (TcValueIter *iter, const TcValue *container);
/* Next item (for DICT: key, then value, alternately).  false at the end or on
 * corrupt data (then iter->dec.ok is false). */
bool tc_value_iter_next (TcValueIter *iter, TcValue *out);

/* ------------------------------------------------------------------------ */
/* Decoded (and to-be-encoded) frame contents                                */
/* ------------------------------------------------------------------------ */

typedef struct { TcStr key; TcStr value; } TcKeyValue;

/* Well-known SESSION keys (docs/FORMAT.md lists them all): "argv" (repeated,
 * in order), "python", "python_impl", "platform", "pid", "hostname", "cwd",
 * "src", "mode", "backend", "recorder_version", "session_id", "include_files"
 * (repeated), "exclude_files" (repeated), "option.<name>" for each record()
 * option, "watch_expr.<name>" = expression, "final_metric.<name>" at stop. */
typedef struct { const TcKeyValue *items; uint32_t n_items; } TcSession;

typedef struct
{
  uint32_t thread_id;       /* from the frame header */
  uint64_t native_id;
  uint64_t python_ident;
  uint32_t flags;
  TcStr    name;
} TcThreadDef;

typedef struct
{
  uint32_t file_id;
  uint32_t flags;
  uint64_t source_hash;
  uint64_t source_len;
  TcStr    path;            /* absolute path at record time */
} TcFileDef;

typedef struct
{
  uint32_t code_id;
  uint32_t file_id;
  uint32_t first_line;
  uint32_t flags;
  TcStr    qualname;        /* co_qualname (co_name before 3.11), or C function's qualified name */
  TcStr    name;            /* co_name */
  TcStr    module;          /* module __name__ when known, else empty */
} TcCodeDef;

typedef struct { uint32_t var_id; uint32_t code_id; TcStr name; } TcVarDef;
typedef struct { uint32_t metric_id; TcStr name; } TcMetricDef;
typedef struct { uint32_t counter_id; TcStr name; TcStr unit; TcStr description; } TcCounterDef;

/* Well-known counter names: "ram_mb" (process RSS), "ram_peak_mb" (peak RSS,
 * VmHWM), "cpu_pct" (this process, % of one core), "threads", "open_fds",
 * "gpu_mb", "gpu_peak_mb", "gpu_reserved_mb", "gpu_total_mb", "gpu_util_pct",
 * "gpu_process_mb", "gpu_alloc_mb", "gpu_alloc_peak_mb". */

/* An event in memory (not on disk: on disk it is a varint stream). */
typedef struct
{
  uint64_t time_ns;   /* relative to the file start */
  uint32_t code_id;   /* CALL, C_CALL, RESUME; 0 otherwise */
  uint32_t kind;      /* TcEventKind */
} TcEvent;
static_assert (sizeof (TcEvent) == 16, "TcEvent changed size");

typedef struct
{
  uint32_t var_id;
  uint32_t flags;     /* TC_LOCAL_* */
  TcStr    repr;      /* smart repr, bounded by the recorder */
  TcStr    type_name;
  uint64_t size;      /* approximate bytes (sys.getsizeof + shallow items) */
  TcValue  value;
} TcLocal;

typedef struct { uint32_t code_id; uint32_t line; } TcStackFrame;

typedef struct
{
  uint32_t      thread_id;
  uint32_t      locals_depth;  /* index into stack of the frame whose locals are captured */
  TcStackFrame *stack;         /* innermost first */
  uint32_t      n_stack;
  TcLocal      *locals;
  uint32_t      n_locals;
} TcThreadCapture;

typedef struct { uint32_t metric_id; TcValue value; } TcMetricValue;
typedef struct { uint32_t counter_id; double value; } TcCounterValue;

typedef struct
{
  uint64_t         index;          /* "i" */
  TcSnapshotKind   kind;
  uint32_t         origin_thread;  /* frame header thread_id: the thread it was taken for */
  uint64_t         time_ns;        /* frame header time */
  TcStr            evt;            /* seed-compatible evt, e.g. "TRACE:call:work" */
  TcStr            label;          /* empty = no label */
  TcStr           *tags;
  uint32_t         n_tags;
  TcKeyValue      *extras;         /* trace_fn, trace_args, bp_file, condition_expr, … */
  uint32_t         n_extras;
  TcMetricValue   *metrics;        /* all metrics' current values */
  uint32_t         n_metrics;
  TcCounterValue  *system;         /* the system sample taken with it */
  uint32_t         n_system;
  TcStr            async_task;     /* empty = not in a task */
  TcStr            async_coro;
  TcThreadCapture *threads;        /* origin thread first */
  uint32_t         n_threads;
} TcSnapshot;

typedef struct { uint32_t metric_id; uint64_t time_ns; TcValue value; } TcMetricPoint;

typedef struct
{
  TcLevel     level;
  TcStr       code;      /* e.g. "NAN_DETECTED", "TRACE_SLOW:work:3" */
  TcStr       message;
  TcStr       var;       /* empty = none */
  TcKeyValue *extras;    /* e.g. metric=<name> */
  uint32_t    n_extras;
} TcWarning;

typedef struct
{
  uint32_t      code_id;
  uint32_t      line;
  TcLocal      *locals;
  uint32_t      n_locals;
} TcCrashFrame;

typedef struct
{
  TcStr         exc_type;    /* "IndexError" */
  TcStr         exc_module;  /* "builtins" */
  TcStr         message;     /* str(exc) */
  TcStr         traceback;   /* formatted traceback text */
  TcStr         cause;       /* "__cause__/__context__" chain summary, may be empty */
  TcCrashFrame *frames;      /* raising frame first, outward */
  uint32_t      n_frames;
  TcCounterValue *system;
  uint32_t       n_system;
} TcCrash;

typedef struct
{
  TcMarkKind kind;
  int64_t    duration_ns;
  TcStr      group;
  TcStr      name;
  TcStr      message;
} TcMark;

typedef struct { uint32_t line; uint64_t hits; uint64_t time_ns; } TcLineHit;
typedef struct { uint32_t file_id; TcLineHit *lines; uint32_t n_lines; } TcLineHits;

typedef struct
{
  uint32_t       file_id;
  uint32_t       flags;
  uint64_t       offset;
  uint64_t       total_len;
  uint64_t       hash;
  const uint8_t *data;
  uint32_t       len;
} TcSourceChunk;

typedef struct
{
  uint32_t code_id;
  TcStr    repr;
  TcStr    type_name;
  TcValue  value;
} TcReturnValue;

/* One item of a RETURN_VALUES batch. */
typedef struct
{
  uint64_t      time_ns;
  uint32_t      thread_id;
  uint32_t      reserved;
  TcReturnValue rv;
} TcReturnValueItem;

typedef struct
{
  uint64_t      time_ns;
  TcStackFrame *stack;     /* innermost first */
  uint32_t      n_stack;
} TcStackSample;

typedef struct
{
  TcIndexEntry *entries;
  uint32_t      n_entries;
} TcIndex;

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct TcWriter TcWriter;

typedef struct
{
  const char *session_id;      /* copied into the header; may be NULL */
  const char *producer;        /* copied into the header; may be NULL */
  size_t      buffer_size;     /* 0 = default (256 KiB); frames are flushed whole */
  int         zlib_level;      /* 0 = default (1: fast) */
} TcWriterOptions;

/* Create `path` with O_CREAT|O_EXCL: an existing file is never clobbered
 * (TC_ERR_EXISTS).  Writes and flushes the header at once. */
TcWriter *tc_writer_open  (const char *path, const TcWriterOptions *options, TcError *error);
/* Same on an fd the caller opened (O_APPEND not required); takes ownership. */
TcWriter *tc_writer_open_fd (int fd, const TcWriterOptions *options, TcError *error);

uint64_t  tc_writer_start_monotonic_ns (const TcWriter *writer);
/* CLOCK_MONOTONIC now, relative to the file start: the time base for frames. */
uint64_t  tc_writer_now_ns (const TcWriter *writer);

/* Each write appends one whole frame to the buffer (flushing the buffer to
 * the file first when it is full).  Not thread-safe: callers serialize.
 * Return TC_OK or an error code (the writer then stays failed). */
TcStatus tc_writer_write_session     (TcWriter *w, uint64_t time_ns, const TcSession *s);
TcStatus tc_writer_write_thread      (TcWriter *w, uint64_t time_ns, const TcThreadDef *t);
TcStatus tc_writer_write_file        (TcWriter *w, uint64_t time_ns, const TcFileDef *f);
TcStatus tc_writer_write_code        (TcWriter *w, uint64_t time_ns, const TcCodeDef *c);
TcStatus tc_writer_write_var         (TcWriter *w, uint64_t time_ns, const TcVarDef *v);
TcStatus tc_writer_write_metric_def  (TcWriter *w, uint64_t time_ns, const TcMetricDef *m);
TcStatus tc_writer_write_counter_def (TcWriter *w, uint64_t time_ns, const TcCounterDef *c);
/* Splits into blocks of at most 65536 events; times must not decrease. */
TcStatus tc_writer_write_events      (TcWriter *w, uint32_t thread_id, const TcEvent *events, size_t n);
TcStatus tc_writer_write_snapshot    (TcWriter *w, const TcSnapshot *s);   /* time/thread from s */
TcStatus tc_writer_write_metrics     (TcWriter *w, uint64_t time_ns, const TcMetricPoint *points, size_t n);
TcStatus tc_writer_write_system      (TcWriter *w, uint64_t time_ns, const TcCounterValue *values, size_t n);
TcStatus tc_writer_write_warning     (TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcWarning *warning);
TcStatus tc_writer_write_crash       (TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcCrash *crash);
TcStatus tc_writer_write_mark        (TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcMark *mark);
TcStatus tc_writer_write_line_hits   (TcWriter *w, uint64_t time_ns, const TcLineHits *hits);
/* Embeds a whole source text as SOURCE chunks of at most 1 MiB (zlib). */
TcStatus tc_writer_write_source      (TcWriter *w, uint64_t time_ns, uint32_t file_id, const void *text, size_t len);
/* Return values are batched: one zlib-compressed RETURN_VALUES frame per
 * flush (or per 256 KiB of values), not a frame each. */
TcStatus tc_writer_write_return_value(TcWriter *w, uint32_t thread_id, uint64_t time_ns, const TcReturnValue *rv);
TcStatus tc_writer_write_samples     (TcWriter *w, uint32_t thread_id, const TcStackSample *samples, size_t n);

/* EVENTS frames prepared away from the writer.  A recorder encodes and
 * compresses events on its own thread without holding the lock that
 * serializes the writer, then appends the finished frames (a copy) under
 * it.  A packer is not thread-safe; it holds blocks of any threads, written
 * in the order they were added.  tc_writer_write_events is the same thing
 * in one call. */
typedef struct TcEventsPacker TcEventsPacker;
TcEventsPacker *tc_events_packer_new   (int zlib_level);   /* 0 = default (1: fast); NULL on OOM */
void            tc_events_packer_free  (TcEventsPacker *p);
void            tc_events_packer_clear (TcEventsPacker *p);
/* Encode and compress `events` of `thread_id` (times must not decrease)
 * as blocks of at most 65536 events.  On failure the packer keeps the
 * blocks added before. */
TcStatus        tc_events_packer_add   (TcEventsPacker *p, uint32_t thread_id,
                                        const TcEvent *events, size_t n);
uint64_t        tc_events_packer_n_events (const TcEventsPacker *p);
/* Append every packed block as an EVENTS frame, then clear the packer
 * (also on failure). */
TcStatus        tc_writer_write_packed (TcWriter *w, TcEventsPacker *p);

/* Append a frame of any type with a payload the caller encoded (new frame
 * types before they get a typed writer; tests of unknown-type skipping).
 * The writer adds the frame header, crc and padding. */
TcStatus tc_writer_write_raw (TcWriter *w, uint16_t type, uint16_t flags, uint32_t thread_id,
                              uint64_t time_ns, const void *payload, size_t len);

/* Close the pending batches (return values) into frames, write the buffered
 * frames with pwrite(2) and patch data_end/end_time_ns in the header.  With
 * `sync`, fdatasync as well. */
TcStatus tc_writer_flush (TcWriter *w, bool sync);
/* tc_writer_flush without closing the batches: no allocation, so it is
 * safe to call from a fatal-signal handler. */
TcStatus tc_writer_flush_frames (TcWriter *w);
/* Append INDEX then END, flush, patch the header, fsync, close.  Frees w
 * whatever the result.  `end` may be NULL; its n_events, n_snapshots and
 * n_frames are filled in by the writer (its own counts), the other fields
 * are taken as given. */
TcStatus tc_writer_close (TcWriter *w, const TcEndFixed *end, TcError *error);
/* Close the fd without END (used after fork in the child). Frees w. */
void     tc_writer_abandon (TcWriter *w);

/* ------------------------------------------------------------------------ */
/* Reader                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct TcReader TcReader;

typedef enum
{
  TC_STATE_COMPLETE  = 0,  /* END frame found and nothing invalid before it */
  TC_STATE_TRUNCATED = 1,  /* no END: the file stops mid-way (crash, kill -9, still being written) */
  TC_STATE_CORRUPT   = 2,  /* an invalid frame (bad length/alignment/crc); the prefix before it is valid */
} TcFileState;

typedef struct
{
  uint64_t             offset;       /* of the frame header */
  const TcFrameHeader *header;       /* points into the mapping */
  const uint8_t       *payload;      /* header->length - 24 bytes */
  uint32_t             payload_len;
} TcFrame;

/* Map the file (read-only mmap) and scan it: validates the header, then every
 * frame's length, alignment and crc, up to the first invalid one.  Returns
 * NULL with `error` set for I/O errors, a non-.tc file, a future major
 * version or an inconsistent header. */
TcReader *tc_reader_open        (const char *path, TcError *error);
/* Same on a caller-owned buffer (must outlive the reader): fuzzing, tests. */
TcReader *tc_reader_open_memory (const void *data, size_t len, TcError *error);
void      tc_reader_free        (TcReader *reader);
/* Scan again after the file grew (tail -f of a live recording).  Returns
 * true when new frames appeared.  The file may be remapped: TcFrame and
 * decoded pointers obtained before are invalid afterwards, and no other
 * thread may use the reader meanwhile.  (A mapped file must only grow: a
 * file truncated under a reader raises SIGBUS on access, as any mmap.) */
bool      tc_reader_refresh     (TcReader *reader, TcError *error);

const TcFileHeader *tc_reader_header (const TcReader *reader);
TcFileState tc_reader_state        (const TcReader *reader);
/* Where the valid prefix ends (= file size when complete). */
uint64_t    tc_reader_valid_end    (const TcReader *reader);
/* Human sentence for the state, e.g. "truncated at offset 81920 (frame length past end of file)". */
const char *tc_reader_state_message (const TcReader *reader);
uint64_t    tc_reader_n_frames     (const TcReader *reader);
uint64_t    tc_reader_file_size    (const TcReader *reader);
const uint8_t *tc_reader_data      (const TcReader *reader);

/* Iteration over the valid frames.  Iterators are independent, so several
 * threads may iterate and decode one reader at once. */
typedef struct { const TcReader *reader; uint64_t offset; } TcFrameIter;
void tc_frame_iter_init (TcFrameIter *iter, const TcReader *reader);
bool tc_frame_iter_next (TcFrameIter *iter, TcFrame *frame);
/* Random access by offset (from the INDEX): false unless a valid frame starts there. */
bool tc_reader_frame_at (const TcReader *reader, uint64_t offset, TcFrame *frame);

/* Decoders: fill `out` from a frame of the matching type.  Strings and arrays
 * point into the mapping or into `arena`.  Return TC_OK, TC_ERR_CORRUPT
 * (malformed body) or TC_ERR_INVALID (wrong frame type). */
TcStatus tc_decode_session      (const TcFrame *f, TcArena *arena, TcSession *out);
TcStatus tc_decode_thread       (const TcFrame *f, TcThreadDef *out);
TcStatus tc_decode_file         (const TcFrame *f, TcFileDef *out);
TcStatus tc_decode_code         (const TcFrame *f, TcCodeDef *out);
TcStatus tc_decode_var          (const TcFrame *f, TcVarDef *out);
TcStatus tc_decode_metric_def   (const TcFrame *f, TcMetricDef *out);
TcStatus tc_decode_counter_def  (const TcFrame *f, TcCounterDef *out);
/* Events: *out is an arena array of n events with absolute times. */
TcStatus tc_decode_events       (const TcFrame *f, TcArena *arena, TcEvent **out, size_t *n);
/* Zero-allocation variant for hot loops: `out` must hold n_events entries
 * (TcEventsFixed.n_events) and `scratch` raw_len bytes when tc_codec_is_zlib (codec). */
TcStatus tc_decode_events_into  (const TcFrame *f, TcEvent *out, size_t capacity, uint8_t *scratch, size_t scratch_len, size_t *n);
TcStatus tc_decode_snapshot     (const TcFrame *f, TcArena *arena, TcSnapshot *out);
TcStatus tc_decode_metrics      (const TcFrame *f, TcArena *arena, TcMetricPoint **out, size_t *n);
TcStatus tc_decode_system       (const TcFrame *f, TcArena *arena, TcCounterValue **out, size_t *n);
TcStatus tc_decode_warning      (const TcFrame *f, TcArena *arena, TcWarning *out);
TcStatus tc_decode_crash        (const TcFrame *f, TcArena *arena, TcCrash *out);
TcStatus tc_decode_mark         (const TcFrame *f, TcMark *out);
TcStatus tc_decode_line_hits    (const TcFrame *f, TcArena *arena, TcLineHits *out);
TcStatus tc_decode_source       (const TcFrame *f, TcArena *arena, TcSourceChunk *out);
TcStatus tc_decode_return_value (const TcFrame *f, TcReturnValue *out);
TcStatus tc_decode_return_values(const TcFrame *f, TcArena *arena, TcReturnValueItem **out, size_t *n);
TcStatus tc_decode_samples      (const TcFrame *f, TcArena *arena, TcStackSample **out, size_t *n);
TcStatus tc_decode_index        (const TcFrame *f, TcArena *arena, TcIndex *out);
TcStatus tc_decode_end          (const TcFrame *f, TcEndFixed *out);

#ifdef __cplusplus
}
#endif

/* SPDX-License-Identifier: MIT
 *
 * tc-model.h — the decoded contents of a recording, as TcDocument holds them.
 *
 * Plain structs in GArrays/GPtrArrays, owned by the TcDocument they came
 * from: nothing here is freed by the caller, and everything lives exactly as
 * long as the document.  Strings are NUL-terminated UTF-8 (never NULL: absent
 * text is ""), interned once per document.
 *
 * Time: every `*_ns` field is nanoseconds since the start of the recording
 * (TcFileHeader.start_monotonic_ns), the format's own time base, so times
 * from different threads and frame types line up.  tc_ns_to_s() gives the
 * seed's elapsed seconds ("t").
 *
 * Values (TcValue, from tc-format.h) point into the document's mapping or
 * arena; tc_value_* helpers below read them.
 */
#pragma once

#include <glib.h>

#include "tc-durations.h"
#include "tc-format.h"

G_BEGIN_DECLS

static inline double
tc_ns_to_s (gint64 ns)
{
  return (double) ns / 1e9;
}

static inline double
tc_ns_to_ms (gint64 ns)
{
  return (double) ns / 1e6;
}

/* One key/value pair of the SESSION frame, in file order (keys repeat:
 * "argv", "include_files", …). */
typedef struct
{
  const char *key;
  const char *value;
} TcDocKeyValue;

/* Session metadata, with the well-known keys pulled out. */
typedef struct
{
  const char  *session_id;     /* header session id, or the "session_id" key */
  const char  *producer;       /* header producer string */
  const char  *src;            /* absolute path of the recorded script ("" if unknown) */
  const char  *script;         /* basename of src */
  const char  *python;         /* sys.version */
  const char  *python_impl;
  const char  *platform;
  const char  *hostname;
  const char  *cwd;
  const char  *mode;           /* "full" / "sample" */
  const char  *backend;        /* "C+monitoring" / "C+eval-hook" / "C+setprofile" / "sample" */
  const char  *recorder_version;
  gint64       pid;
  gint64       start_wall_ns;  /* CLOCK_REALTIME at start, ns since the epoch */
  char       **argv;           /* NULL-terminated */
  char       **include_files;  /* NULL-terminated */
  GArray      *items;          /* TcDocKeyValue: every key in file order */
} TcDocSession;

typedef struct
{
  guint32     id;              /* recorder thread id (1 = main) */
  guint64     native_id;
  guint64     python_ident;
  guint32     flags;           /* TC_THREAD_FLAG_* */
  const char *name;
  guint64     n_events;        /* call/return events in all its blocks */
  gint64      first_ns;        /* first event (or -1 when none) */
  gint64      last_ns;         /* last event (or -1 when none) */
  guint32     max_depth;       /* deepest call stack seen */
  GArray     *call_tree;       /* TcCallNode; index 0 is the root (code_id 0) */
  GArray     *blocks;          /* TcDocEventBlock, in time order (private layout) */
} TcDocThread;

/* A node of a per-thread call tree: one distinct call path.  Nodes refer to
 * each other by index into TcDocThread.call_tree; G_MAXUINT32 = none. */
typedef struct
{
  guint32 code_id;
  guint32 parent;
  guint32 first_child;
  guint32 next_sibling;
  guint32 depth;               /* root = 0, its children 1, … */
  guint32 reserved;
  guint64 calls;               /* activations on this path (a resume counts) */
  gint64  total_ns;            /* inclusive time */
  gint64  self_ns;             /* total minus the children's inclusive time */
} TcCallNode;

#define TC_CALL_NODE_NONE G_MAXUINT32

typedef struct
{
  guint32     id;
  guint32     flags;           /* TC_FILE_FLAG_* */
  const char *path;            /* absolute path at record time */
  const char *basename;
  guint64     source_hash;
  /* Embedded source text (NUL-terminated copy), or NULL when not embedded
   * or incomplete. */
  const char *source;
  gsize       source_len;
  GArray     *line_hits;       /* TcLineHit (tc-format.h), sorted by line, merged */
} TcDocFile;

typedef struct
{
  guint32     id;
  guint32     file_id;         /* 0 = none */
  guint32     first_line;
  guint32     flags;           /* TC_CODE_FLAG_* */
  const char *qualname;
  const char *name;
  const char *module;
  /* Unique display name: the qualname, or "qualname (file.py:line)" when two
   * code objects share a qualname.  Every analysis keys functions by it. */
  const char *display;
} TcDocCode;

/* One capture of a local variable. */
typedef struct
{
  guint32     var_id;
  guint32     flags;           /* TC_LOCAL_* */
  const char *repr;
  const char *type_name;
  guint64     size;
  TcValue     value;           /* TC_VALUE_REPR_ONLY when not stored */
} TcDocLocal;

typedef struct
{
  guint32       thread_id;
  guint32       locals_depth;  /* index into stack of the frame whose locals these are */
  TcStackFrame *stack;         /* innermost first */
  guint32       n_stack;
  TcDocLocal   *locals;
  guint32       n_locals;
} TcDocCapture;

typedef struct
{
  guint32 metric_id;
  TcValue value;
} TcDocMetricValue;

typedef struct
{
  guint64           index;     /* running snapshot number "i" */
  TcSnapshotKind    kind;
  guint32           origin_thread;
  gint64            time_ns;
  const char       *evt;       /* "SNAP:halfway", "TIMER", "TRACE:call:work" … */
  const char       *label;     /* "" = none */
  char            **tags;      /* NULL-terminated */
  TcDocKeyValue    *extras;
  guint32           n_extras;
  TcDocMetricValue *metrics;
  guint32           n_metrics;
  TcCounterValue   *system;
  guint32           n_system;
  const char       *async_task;
  const char       *async_coro;
  TcDocCapture     *threads;   /* origin thread first */
  guint32           n_threads;
} TcDocSnapshot;

/* A variable: identity is (code, name), never the bare name. */
typedef struct
{
  guint32     id;
  guint32     code_id;
  const char *name;
  /* Display key: "name" when no other function has a variable of that name,
   * else "function.name". */
  const char *display;
  GArray     *history;         /* TcDocVarPoint, in time order */
  guint32     n_changes;       /* points whose repr differs from the previous one (first included) */
} TcDocVar;

typedef struct
{
  gint64            time_ns;
  guint32           snapshot;  /* index into tc_document_get_snapshots() */
  guint32           changed;   /* repr differs from the previous point of this var */
  const TcDocLocal *local;
} TcDocVarPoint;

typedef struct
{
  gint64  time_ns;
  double  value;               /* NaN for non-numeric values */
  TcValue raw;                 /* the recorded value */
} TcDocPoint;

/* A time series: a metric (tc.metric) or a system counter. */
typedef struct
{
  guint32     id;
  const char *name;
  const char *unit;            /* "" for metrics */
  GArray     *points;          /* TcDocPoint, in time order */
} TcDocSeries;

typedef struct
{
  gint64         time_ns;
  guint32        thread_id;
  TcLevel        level;
  const char    *code;
  const char    *message;
  const char    *var;          /* "" = none */
  TcDocKeyValue *extras;
  guint32        n_extras;
} TcDocWarning;

typedef struct
{
  guint32     code_id;
  guint32     line;
  TcDocLocal *locals;
  guint32     n_locals;
} TcDocCrashFrame;

typedef struct
{
  gint64           time_ns;
  guint32          thread_id;
  const char      *exc_type;
  const char      *exc_module;
  const char      *message;
  const char      *traceback;
  const char      *cause;
  TcDocCrashFrame *frames;     /* raising frame first, outward */
  guint32          n_frames;
  TcCounterValue  *system;
  guint32          n_system;
} TcDocCrash;

typedef struct
{
  gint64      time_ns;         /* start */
  gint64      duration_ns;     /* 0 for an instant */
  guint32     thread_id;
  TcMarkKind  kind;
  const char *group;
  const char *name;            /* "block:<name>", "checkpoint:<name>" or the user name */
  const char *message;
} TcDocMark;

typedef struct
{
  gint64      time_ns;
  guint32     thread_id;
  guint32     code_id;
  const char *repr;
  const char *type_name;
  TcValue     value;
} TcDocReturn;

typedef struct
{
  gint64        time_ns;
  guint32       thread_id;
  TcStackFrame *stack;         /* innermost first */
  guint32       n_stack;
} TcDocSample;

/* Per-function timing distribution (spec §2: lower-biased nearest rank
 * percentiles over the sorted per-call ms, population σ). */
typedef struct
{
  guint32     code_id;
  const char *name;            /* TcDocCode.display */
  guint64     calls;
  double      total_ms;        /* Σ per-call inclusive ms (recursion counts twice, as in the seed) */
  double      self_ms;         /* Σ self ms */
  double      avg_ms;
  double      p50_ms;          /* ms[n/2] */
  double      p95_ms;          /* ms[max(0, int(n*0.95)-1)] */
  double      p99_ms;          /* ms[max(0, int(n*0.99)-1)] */
  double      min_ms;
  double      max_ms;
  double      std_ms;          /* population; 0 when n = 1 */
  guint32     max_depth;       /* rec_max: most simultaneous activations */
  TcDurations *durations;      /* ns per call, sorted ascending (4 bytes a call where they fit) */
  /* Mean duration of the last third of the calls (in call order) over the
   * first third's; 0 with fewer than 9 calls.  > 5 hints at work growing
   * faster than the input (loop_detector's O(N²) rule). */
  double      late_early_ratio;
} TcFunctionStats;

/* A closed (or clipped) activation, for flame charts. */
typedef struct
{
  gint64  start_ns;
  gint64  end_ns;
  guint32 code_id;
  guint32 depth;               /* 0 = outermost recorded frame */
  guint32 flags;               /* TC_SPAN_* */
  guint32 reserved;
} TcSpan;

enum
{
  TC_SPAN_OPEN_START = 1 << 0, /* started before the block history (unknown start) */
  TC_SPAN_OPEN_END   = 1 << 1, /* still running at the end of the requested range */
};

/* Value helpers. */
gboolean tc_value_is_number (const TcValue *value);
/* NaN unless the value is BOOL/INT/FLOAT (or a BIGINT that parses). */
double   tc_value_to_double (const TcValue *value);

G_END_DECLS

/* SPDX-License-Identifier: MIT
 *
 * tc-document-private.h — TcDocument internals shared by the analysis files.
 */
#pragma once

#include "tc-document.h"

G_BEGIN_DECLS

typedef struct
{
  guint32 code_id;
  guint32 node;        /* call-tree node of this activation */
  gint64  start_ns;
  gint64  child_ns;    /* inclusive time of finished children */
} TcOpenFrame;

/* An activation starts (CALL, C_CALL, RESUME) or ends (RETURN, C_RETURN,
 * YIELD, UNWIND): the walks that keep a thread's stack agree on it with
 * the load, which saved each block's. */
static inline gboolean
tc_event_is_enter (guint32 kind)
{
  return kind == TC_EVENT_CALL || kind == TC_EVENT_C_CALL || kind == TC_EVENT_RESUME;
}

static inline gboolean
tc_event_is_leave (guint32 kind)
{
  return kind == TC_EVENT_RETURN || kind == TC_EVENT_C_RETURN
         || kind == TC_EVENT_YIELD || kind == TC_EVENT_UNWIND;
}

/* One EVENTS frame of a thread, with the call stack open when it starts so
 * that any block can be decoded on its own. */
typedef struct
{
  guint64      offset;
  gint64       start_ns;
  gint64       end_ns;
  guint32      n_events;
  guint32      stack_depth;
  TcOpenFrame *stack;    /* arena; outermost first */
} TcDocEventBlock;

struct _TcDocument
{
  GObject       parent_instance;

  char         *path;
  TcReader     *reader;
  TcArena      *arena;      /* decoded frames and model arrays */
  GStringChunk *strings;

  gboolean      truncated;
  gboolean      corrupt;
  gboolean      summary_only; /* tc_document_load_summary(): no reader */
  guint64       summary_file_size;
  char         *state_message;
  TcEndFixed    end;
  gboolean      has_end;

  gint64        start_ns;
  gint64        end_ns;

  TcDocSession  session;
  GPtrArray    *threads;    /* TcDocThread*, by id */
  GPtrArray    *codes;      /* TcDocCode*, by id */
  GPtrArray    *files;      /* TcDocFile*, by id */
  GPtrArray    *vars;       /* TcDocVar*, by id */
  GHashTable   *code_by_id; /* id → TcDocCode* */
  GHashTable   *file_by_id;
  GHashTable   *var_by_id;
  GHashTable   *thread_by_id;
  GHashTable   *metric_by_id;  /* metric id → TcDocSeries* */
  GHashTable   *counter_by_id; /* counter id → TcDocSeries* */

  GArray       *snapshots;  /* TcDocSnapshot */
  GPtrArray    *metrics;    /* TcDocSeries* */
  GPtrArray    *counters;   /* TcDocSeries* */
  GArray       *warnings;
  GArray       *marks;
  GArray       *returns;
  GArray       *samples;
  TcDocCrash   *crash;
  GHashTable   *final_metrics; /* name → TcDocPoint* */

  GPtrArray    *stats;      /* TcFunctionStats* of tracked code, sorted */
  GPtrArray    *untracked_stats; /* the others (owned here, listed by code only) */
  GHashTable   *stats_by_code;
  guint64       total_calls;
  double        ram_peak_mb;
  double        fd_peak;

  /* tc_analysis_async()'s rows, made on the first request: the pass decodes
   * every event of the threads that ran a coroutine, and the report, the
   * viewer's page (from a worker thread) and the PDF each ask.  The lock
   * makes a second asker wait for the first pass instead of running its
   * own. */
  GMutex        async_lock;
  GArray       *async_rows;

  /* Per thread id, the index of its long activations (or NULL when it has
   * none), made on the first wide flame chart request; see
   * tc-document-spans.c.  The lock as above. */
  GMutex        span_index_lock;
  GHashTable   *span_indexes;

  /* tc_document_source_text() reads a file that was not embedded on the
   * first request, from any thread (an export in a worker beside the
   * viewer's source page). */
  GMutex        source_lock;
};

/* Events naming a code id from here up make their block corrupt: by-id
 * tables stay bounded whatever ids a hostile file defines. */
#define TC_MAX_CODE_ID (1u << 24)

/* Copies `s` into the document's string chunk (NUL-terminated). */
const char *tc_document_intern     (TcDocument *self, TcStr s);
const char *tc_document_intern_c   (TcDocument *self, const char *s);
/* The dotted module name a code's file path stands for: below
 * site-packages or the standard library its dotted path, "<frozen X>" X,
 * the program's own files their name; "" for "<string>" and the like. */
char       *tc_document_module_from_path (const char *path);
/* Per-file sources: the text of a file (embedded, else read from disk and
 * cached), or NULL. */
const char *tc_document_source_text (TcDocument *self, const TcDocFile *file, gsize *len);
/* Decode workers of the loads that follow (tests): 0 = load in the calling
 * thread only, -1 = the default (TC_LOAD_THREADS, else by file size and
 * the number of cores). */
void        tc_document_set_load_threads (int n_workers);
/* Decode workers for `file_size` bytes of events (0: none), as set above. */
guint       tc_document_decode_workers   (guint64 file_size);
/* A thread cut into stretches of whole event blocks of at least
 * `min_events` events each (the last may hold fewer), for passes that
 * share a thread out between the cores: n + 1 bounds, stretch k starting
 * at bounds[k], bounds[0] = begin_ns and bounds[n] = end_ns (the caller's
 * range around the thread's events).  Free with g_free(). */
gint64     *tc_document_thread_stretches (const TcDocThread *thread,
                                          guint              min_events,
                                          gint64             begin_ns,
                                          gint64             end_ns,
                                          guint             *n_stretches);
/* The end of stretch k for a walk: just before the next stretch's first
 * block (which is then not decoded for nothing), bounds[n] for the last.
 * A walk of each stretch from bounds[k] to here sees each call return in
 * exactly one of them. */
gint64      tc_document_stretch_end      (const gint64 *bounds,
                                          guint         n_stretches,
                                          guint         k);
/* Calls `func` (until it returns FALSE) for every event of the blocks of
 * `thread_id` from the first that reaches start_ns, those before start_ns
 * in that block included, to the last event at or before end_ns; first
 * appends to `stack_out` (TcOpenFrame, outermost first), unless NULL, the
 * activations open where that block starts.  A walk that keeps the stack
 * from there knows it at start_ns whatever block that falls in: the span
 * walks, and the exports' stretches of a thread. */
gboolean    tc_document_walk_blocks      (TcDocument  *self,
                                          guint32      thread_id,
                                          gint64       start_ns,
                                          gint64       end_ns,
                                          TcEventFunc  func,
                                          gpointer     data,
                                          GArray      *stack_out,
                                          GError     **error);
/* tc_document_collect_spans() by decoding every block of the range (the
 * long-span index answers wide ranges without). */
gboolean    tc_document_collect_spans_decoded (TcDocument *self,
                                               guint32     thread_id,
                                               gint64      start_ns,
                                               gint64      end_ns,
                                               gint64      min_duration_ns,
                                               GArray     *spans,
                                               GError    **error);
/* Forgets the long-span indexes (the model is rebuilt). */
void        tc_document_clear_span_indexes (TcDocument *self);
/* Spans the finest level of a thread's index keeps; 0: none built (tests). */
guint       tc_document_span_index_size    (TcDocument *self,
                                            guint32     thread_id);

G_END_DECLS

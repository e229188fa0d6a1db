/* SPDX-License-Identifier: MIT
 *
 * tc-document.h — a loaded recording.
 *
 * TcDocument maps a .tc file, decodes it once (definitions, snapshots,
 * metrics, warnings …, and every event block to build the per-thread call
 * trees and per-function timing distributions) and then answers questions
 * about it.  Event blocks stay in the mapping: tc_document_collect_spans()
 * decodes only the blocks that overlap a time range, for flame charts.
 *
 * Threading: loading may run in any thread (tc_document_load_async runs it in
 * a GTask worker).  A loaded document is immutable except through
 * tc_document_refresh(), so several threads may read it at once as long as
 * nobody refreshes it meanwhile.
 *
 * Every pointer returned by the getters is owned by the document and stays
 * valid until it is finalized (or, for arrays, until the next refresh).
 */
#pragma once

#include <gio/gio.h>

#include "tc-model.h"

G_BEGIN_DECLS

#define TC_DOCUMENT_ERROR (tc_document_error_quark ())

typedef enum
{
  TC_DOCUMENT_ERROR_IO,          /* cannot open/read/map the file (errno message) */
  TC_DOCUMENT_ERROR_NOT_TC,      /* not a timecapsule recording (bad magic) */
  TC_DOCUMENT_ERROR_SEED_FORMAT, /* an old gzip+pickle seed file: use `timecapsule convert` */
  TC_DOCUMENT_ERROR_VERSION,     /* a newer major format version */
  TC_DOCUMENT_ERROR_CORRUPT,     /* header or frame contents invalid */
  TC_DOCUMENT_ERROR_EMPTY,       /* reserved: today a valid file without frames loads as an empty
                                    document, so a live view can refresh it as it grows */
} TcDocumentError;

GQuark tc_document_error_quark (void);

#define TC_TYPE_DOCUMENT (tc_document_get_type ())
G_DECLARE_FINAL_TYPE (TcDocument, tc_document, TC, DOCUMENT, GObject)

/* Progress while loading: fraction in [0, 1] of the file's bytes decoded.
 * Called in the loading thread for tc_document_load(); for
 * tc_document_load_async() it is called in the thread-default main context
 * of the caller (from an idle), never more than 4 times a second. */
typedef void (*TcProgressFunc) (double fraction, gpointer user_data);

TcDocument *tc_document_load        (const char          *path,
                                     TcProgressFunc       progress,
                                     gpointer             progress_data,
                                     GCancellable        *cancellable,
                                     GError             **error);
/* `progress_data` must stay valid until `callback` runs. */
void        tc_document_load_async  (const char          *path,
                                     TcProgressFunc       progress,
                                     gpointer             progress_data,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
TcDocument *tc_document_load_finish (GAsyncResult        *result,
                                     GError             **error);

/* What the recording is, without its event streams: the session, the
 * threads (their event counts and spans from the blocks' headers), the
 * span, the file's state.  Milliseconds even for a 100 M-event recording,
 * so that a viewer can show them while the full load runs.  Statistics,
 * call trees, snapshots and the rest are empty: only the getters of the
 * file, the session, the threads, the span and tc_document_get_n_events()
 * are meaningful. */
TcDocument *tc_document_load_summary (const char         *path,
                                      GError            **error);
/* TRUE for a tc_document_load_summary() document. */
gboolean    tc_document_get_summary_only (TcDocument     *self);
/* Call/return events of the program's threads. */
guint64     tc_document_get_n_events (TcDocument         *self);

/* Reads the frames appended since the last load/refresh (a recording still
 * being written).  Returns TRUE and sets *changed when new data arrived; all
 * arrays and statistics are then rebuilt (old array pointers are invalid). */
gboolean    tc_document_refresh     (TcDocument          *self,
                                     gboolean            *changed,
                                     GError             **error);

/* ---- the file ---------------------------------------------------------- */

const char *tc_document_get_path          (TcDocument *self);
guint64     tc_document_get_file_size     (TcDocument *self);
/* TRUE when the recording has no END frame (killed, crashed, still being
 * written) or stops at a corrupt frame; the message says where and why. */
gboolean    tc_document_get_truncated     (TcDocument *self);
const char *tc_document_get_state_message (TcDocument *self);
/* TRUE when the valid prefix ends at a corrupt frame (not just cut off). */
gboolean    tc_document_get_corrupt       (TcDocument *self);
/* END frame contents (zeroed when truncated). */
const TcEndFixed *tc_document_get_end     (TcDocument *self);

/* ---- time -------------------------------------------------------------- */

/* Range covered by the data: first and last frame/event time (ns since the
 * recording start).  duration = end - start … the seed's "duration" is
 * tc_document_get_duration() in seconds (end of recording, from 0). */
void        tc_document_get_time_range    (TcDocument *self,
                                           gint64     *start_ns,
                                           gint64     *end_ns);
double      tc_document_get_duration      (TcDocument *self);

/* ---- definitions ------------------------------------------------------- */

const TcDocSession *tc_document_get_session (TcDocument *self);
/* TcDocThread*, by id ascending. */
GPtrArray          *tc_document_get_threads (TcDocument *self);
const TcDocThread  *tc_document_get_thread  (TcDocument *self, guint32 thread_id);
/* Arrays of TcDocCode*, TcDocFile* and TcDocVar*, by id ascending. */
GPtrArray          *tc_document_get_codes   (TcDocument *self);
const TcDocCode    *tc_document_get_code    (TcDocument *self, guint32 code_id);
GPtrArray          *tc_document_get_files   (TcDocument *self);
const TcDocFile    *tc_document_get_file    (TcDocument *self, guint32 file_id);
GPtrArray          *tc_document_get_vars    (TcDocument *self);
const TcDocVar     *tc_document_get_var     (TcDocument *self, guint32 var_id);
/* Looks a variable up by display key ("x" or "fn.x") or, failing that, by
 * bare name (the first one recorded).  NULL when unknown. */
const TcDocVar     *tc_document_find_var    (TcDocument *self, const char *name);
/* Name of a code id ("?" for unknown ids). */
const char         *tc_document_code_name   (TcDocument *self, guint32 code_id);

/* ---- recorded data ----------------------------------------------------- */

/* TcDocSnapshot, in time order. */
GArray             *tc_document_get_snapshots     (TcDocument *self);
/* TcDocSeries*: tc.metric() series (sorted by name) and system counters
 * ("ram_mb", "cpu_pct", "threads", "open_fds", "gpu_mb", …). */
GPtrArray          *tc_document_get_metrics       (TcDocument *self);
const TcDocSeries  *tc_document_get_metric        (TcDocument *self, const char *name);
GPtrArray          *tc_document_get_counters      (TcDocument *self);
const TcDocSeries  *tc_document_get_counter       (TcDocument *self, const char *name);
/* The largest finite value of a series (NULL or none: NaN). */
double              tc_doc_series_max             (const TcDocSeries *series);
/* TcDocWarning, TcDocMark, TcDocReturn, TcDocSample, in time order. */
GArray             *tc_document_get_warnings      (TcDocument *self);
GArray             *tc_document_get_marks         (TcDocument *self);
GArray             *tc_document_get_return_values (TcDocument *self);
GArray             *tc_document_get_samples       (TcDocument *self);
/* NULL when the program did not crash. */
const TcDocCrash   *tc_document_get_crash         (TcDocument *self);
/* Last value of each metric ("final_metrics"): name → TcDocPoint*. */
GHashTable         *tc_document_get_final_metrics (TcDocument *self);

/* ---- derived statistics (computed at load) ------------------------------ */

/* TcFunctionStats* of the functions in tracked files (every function when
 * the recording marks none as tracked), sorted by total_ms descending (then
 * name).  tc_document_get_stats_for() answers for any code id. */
GPtrArray             *tc_document_get_function_stats (TcDocument *self);
const TcFunctionStats *tc_document_get_stats_for      (TcDocument *self, guint32 code_id);
guint64                tc_document_get_total_calls    (TcDocument *self);
/* Peak process RSS (ram_mb, or ram_peak_mb when higher) and open fds. */
double                 tc_document_get_ram_peak_mb    (TcDocument *self);
double                 tc_document_get_fd_peak        (TcDocument *self);

/* ---- lazy event access (flame charts) ----------------------------------- */

/* Appends to `spans` (GArray of TcSpan) every activation of `thread_id` that
 * overlaps [start_ns, end_ns] and lasts at least `min_duration_ns`: those
 * that returned in the range as they returned, then those still running at
 * end_ns (outermost first), clipped there (TC_SPAN_OPEN_END).  Decodes
 * only the event blocks that overlap the range; a wide range with a
 * minimum of at least 1/65 536 of a big thread's time comes from an index
 * of its long activations, made on the first such request (one pass over
 * the thread, in the decode workers).  Returns FALSE with `error` when a
 * block fails to decode.  Any thread may call it. */
gboolean tc_document_collect_spans (TcDocument *self,
                                    guint32     thread_id,
                                    gint64      start_ns,
                                    gint64      end_ns,
                                    gint64      min_duration_ns,
                                    GArray     *spans,
                                    GError    **error);

/* Calls `func` for each span tc_document_collect_spans() would append
 * with no minimum duration, a callee before its caller: as they returned,
 * then those still running at end_ns, innermost first.  `codes` holds the
 * code ids of its call stack, codes[0] the outermost, codes[span->depth]
 * its own.  Nothing is kept: a range of any size folds in constant memory. */
typedef void (*TcSpanFunc) (const TcSpan *span, const guint32 *codes, gpointer user_data);
gboolean tc_document_foreach_span (TcDocument  *self,
                                   guint32      thread_id,
                                   gint64       start_ns,
                                   gint64       end_ns,
                                   TcSpanFunc   func,
                                   gpointer     user_data,
                                   GError     **error);

/* Iterates the raw events of a thread in a time range (in order). */
typedef gboolean (*TcEventFunc) (const TcEvent *event, gpointer user_data); /* FALSE stops */
gboolean tc_document_foreach_event (TcDocument  *self,
                                    guint32      thread_id,
                                    gint64       start_ns,
                                    gint64       end_ns,
                                    TcEventFunc  func,
                                    gpointer     user_data,
                                    GError     **error);

G_END_DECLS

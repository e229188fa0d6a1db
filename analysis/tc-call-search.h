/* SPDX-License-Identifier: MIT
 *
 * tc-call-search.h — every call of some functions in a recording: counted
 * in one pass, then walked one call at a time, in memory that does not
 * grow with the number of calls found.
 */
#pragma once

#include "tc-document.h"

G_BEGIN_DECLS

typedef struct _TcCallSearch TcCallSearch;

/* A call the search found, or a position between two of them
 * (tc_call_search_seek()).  The calls are in the order of their start,
 * then of their thread's id, then of depth (a caller before the callee
 * that starts with it), then of return (calls lasting no time one after
 * the other on the same level). */
typedef struct
{
  gint64   start_ns;
  gint64   end_ns;      /* clipped at the thread's end while still running */
  guint32  thread_id;
  guint32  depth;       /* in the recording: launching frames included */
  guint32  rank;        /* among the thread's calls of this start and depth */
  gboolean is_call;     /* FALSE: the position before the calls starting at start_ns */
  guint64  index;       /* how many calls come before it */
} TcCallMatch;

/* Finds the calls of the functions whose code id is set in `matches` in
 * the threads `thread_ids` (any order), without runpy's launching frames
 * at the root (tc-launcher.h): the threads are decoded once, split between
 * the cores, counting the calls by where they start and keeping only the
 * ends of calls that run on past their stretch of the thread.  Each
 * stretch spans whole event blocks and at least `stretch_events` events (0:
 * 32 768); a step decodes one stretch per thread.  Blocks that fail to
 * decode are skipped.  Runs in the calling thread (and helper threads
 * while it runs); NULL when `cancellable` is cancelled.  The result is
 * for one thread at a time. */
TcCallSearch *tc_call_search_run             (TcDocument       *doc,
                                              const GByteArray *matches,
                                              const guint32    *thread_ids,
                                              guint             n_threads,
                                              guint             stretch_events,
                                              GCancellable     *cancellable);
void          tc_call_search_free            (TcCallSearch     *self);

guint64       tc_call_search_get_n_calls     (TcCallSearch     *self);
/* The time spent in the calls, a call inside another of them (same
 * thread) adding nothing. */
gint64        tc_call_search_get_matched_ns  (TcCallSearch     *self);

/* The position before every call starting at or after `ns`. */
void          tc_call_search_seek            (TcCallSearch     *self,
                                              gint64            ns,
                                              TcCallMatch      *position);
/* The first call after `from` (NULL: the first of all) and the last one
 * before it (NULL: the last of all); FALSE when there is none. */
gboolean      tc_call_search_next            (TcCallSearch      *self,
                                              const TcCallMatch *from,
                                              TcCallMatch       *call);
gboolean      tc_call_search_previous        (TcCallSearch      *self,
                                              const TcCallMatch *from,
                                              TcCallMatch       *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcCallSearch, tc_call_search_free)

G_END_DECLS

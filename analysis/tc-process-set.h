/* SPDX-License-Identifier: MIT
 *
 * tc-process-set.h — a multi-process recording.
 *
 * A recorded program's children (forked, multiprocessing, subprocess under
 * `timecapsule run --subprocesses`) write `<stem>.<pid>.tc` beside the
 * parent's `<stem>.tc`; each child's SESSION carries "parent_pid" and
 * "process_role", the parent's carries "pid".  TcProcessSet finds the set
 * from any member's path, loads every member and keeps those whose
 * parent_pid chain leads to the parent (grandchildren included; stale files
 * of an earlier run with the same name are left out).
 *
 * Members are in tree order: the parent first, each process followed by its
 * children in start order.  Times are put on the parent's clock through each
 * recording's wall-clock start.
 */
#pragma once

#include <gio/gio.h>

#include "tc-document.h"
#include "tc-report.h"

G_BEGIN_DECLS

typedef struct
{
  char       *path;
  TcDocument *document;      /* NULL when the file does not load */
  char       *error;         /* why it does not load, else NULL */
  gint64      pid;
  gint64      parent_pid;    /* 0 for the parent */
  const char *role;          /* "parent", "fork-child", "spawn-child", "subprocess", … */
  guint       depth;         /* 0 = the parent, 1 = its children, … */
  gint64      offset_ns;     /* member time + offset_ns = the parent's time */
  gint64      start_ns;      /* first moment on the parent's clock (ns) */
  gint64      end_ns;        /* last moment on the parent's clock (ns) */
} TcProcessMember;

#define TC_TYPE_PROCESS_SET (tc_process_set_get_type ())
G_DECLARE_FINAL_TYPE (TcProcessSet, tc_process_set, TC, PROCESS_SET, GObject)

/* `path` is any member.  `known` (nullable) is that member already loaded:
 * it is reused instead of being loaded again.  Fails only when `path`
 * itself does not load; members that do not load are kept with an error. */
TcProcessSet *tc_process_set_load        (const char    *path,
                                          TcDocument    *known,
                                          GCancellable  *cancellable,
                                          GError       **error);
void          tc_process_set_load_async  (const char          *path,
                                          TcDocument          *known,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
TcProcessSet *tc_process_set_load_finish (GAsyncResult  *result,
                                          GError       **error);

guint                  tc_process_set_get_n_members (TcProcessSet *self);
const TcProcessMember *tc_process_set_get_member    (TcProcessSet *self,
                                                     guint         index);
/* Index of the member with this pid or path, -1 when none. */
int                    tc_process_set_find_pid      (TcProcessSet *self,
                                                     gint64        pid);
int                    tc_process_set_find_path     (TcProcessSet *self,
                                                     const char   *path);
/* Earliest start and latest end of all members, on the parent's clock. */
void                   tc_process_set_get_time_range (TcProcessSet *self,
                                                      gint64       *start_ns,
                                                      gint64       *end_ns);

/* Whether files named like members of `path`'s set lie beside it (a
 * directory listing, no loading): FALSE means a set of one. */
gboolean tc_process_set_has_members (const char *path);
/* Whether `path` is a child's file: "<stem>.<pid>.tc" (".<pid>" repeated
 * for grandchildren) with the parent's "<stem>.tc" beside it — the one
 * naming rule of a process set, also used by the Python package to skip
 * children when it looks for the newest recording (no loading). */
gboolean tc_process_set_is_child_path (const char *path);

/* "ok", "exit 3", "crashed: ValueError", "signal 15", "truncated", "unreadable". */
char *tc_process_member_status  (const TcProcessMember *member);
/* Calls recorded in every thread of the member (all functions, tracked
 * or not: call events / 2). */
guint64 tc_process_member_calls (const TcProcessMember *member);
/* The member's command line, space separated ("" when unknown); a
 * multiprocessing worker is named after the program it runs. */
char *tc_process_member_command (const TcProcessMember *member);

/* The CLI's "Processes" section: one row per member (a tree by pid), then
 * the totals. */
char *tc_process_set_format (TcProcessSet *self, const TcTextStyle *style);

G_END_DECLS

/* SPDX-License-Identifier: MIT
 *
 * tc-test-recordings.h — recordings with known contents, written with the
 * format writer, for the analysis tests.  Every number the tests assert is
 * derived by hand from what these functions write (see the comments in
 * tc-test-recordings.c).
 */
#pragma once

#include <glib.h>

#include "tc-format.h"

G_BEGIN_DECLS

/* A temporary directory removed at exit of the test program. */
const char *tc_test_dir (void);

/* "timings.tc": threads 1 and 2, main → work ×4 (1, 2, 3, 10 ms) and fib
 * recursing 3 deep (9, 4, 1 ms), worker on thread 2 (5 ms); 10 snapshots
 * with variables a (= i²) every second and b (= 10 − i) from i = 5, x in
 * both main and work; metric "loss" (20 points, a spike of 50 at index 10);
 * ram_mb growing 0.5 MB/s; two REPEATED_CALL warnings; a block mark; line
 * hits and the embedded source of demo_src.py.  Complete (END frame). */
char *tc_test_write_timings (void);

/* "crash.tc": like a smaller timings run where work averages 8 ms, that
 * ends with an IndexError in work() at line 9, i = 3 (changed at t=0.3 s),
 * with a NAN_DETECTED warning. */
char *tc_test_write_crash (void);

/* A copy of timings.tc cut in the middle of its frames (no END). */
char *tc_test_write_truncated (void);

/* `path`: a recording of one tracked file `file_name` with its `source` and
 * `n_hits` line hits, no calls.  With `first_hit` the SESSION says
 * line_hits=first (what the recorder writes: "ran at least once"),
 * otherwise the hits are counts (older files). */
char *tc_test_write_line_hits (const char    *path,
                               const char    *file_name,
                               const char    *source,
                               TcLineHit     *hits,
                               guint32        n_hits,
                               gboolean       first_hit);

/* `name` in tc_test_dir(): one process of a multi-process recording, with
 * "pid", "parent_pid" and "process_role" (the last two left out when `role`
 * is ""), `calls` calls of work() `call_ns` long each, as far apart, and an
 * END frame with `exit_status` and `end_flags`. */
char *tc_test_write_process_calls (const char *name,
                                   const char *pid,
                                   const char *parent_pid,
                                   const char *role,
                                   guint       calls,
                                   guint64     call_ns,
                                   gint32      exit_status,
                                   guint32     end_flags);
/* The same with calls of 1 ms. */
#define tc_test_write_process(name, pid, parent_pid, role, calls, exit_status, end_flags) \
  tc_test_write_process_calls ((name), (pid), (parent_pid), (role), (calls), 1000000, (exit_status), (end_flags))

/* "coroutines.tc": two threads running the coroutines handle and fetch
 * (instances interleaved on thread 1), a C call, a plain generator and an
 * async generator that never runs; no snapshots.  The expected numbers are
 * in tc-test-recordings.c. */
char *tc_test_write_coroutines (void);

/* `name` in tc_test_dir(): `n_blocks` small event blocks (400 events) on
 * three interleaved threads (calls, resumes, yields, unwinds, activations
 * left open), and with `hostile` two blocks with a code id out of range
 * (blocks 70 and 75). */
char *tc_test_write_many_blocks (const char *name,
                                 guint       n_blocks,
                                 gboolean    hostile);

/* Source text embedded for demo_src.py. */
extern const char tc_test_source[];

G_END_DECLS

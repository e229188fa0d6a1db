/* tc-report-fixture.h — two recordings of one program, before and after a
 * change, written with the format writer for the compare, source and PDF
 * tests
 *
 * SPDX-License-Identifier: MIT
 *
 * The program (app.py, embedded source):  main() calls work() three times,
 * helper() once and, before the change, old_fn() once; after the change
 * new_fn() twice instead.  The change also adds two comment lines at the
 * top, so every function starts two lines lower.
 *
 *                  before                    after
 *   work()     3 × 10 ms = 30 ms          3 × 4 ms = 12 ms   (−60 %)
 *   helper()   1 × 2 ms                   1 × 2 ms
 *   old_fn()   1 × 1 ms                   —
 *   new_fn()   —                          2 × 1 ms
 *   main()     34 ms (1 ms self)          17 ms (1 ms self)
 *   warnings   SLOW_CALL × 2              NAN_DETECTED × 1
 *   crash      IndexError in work()       none
 *   ram_mb     100 → 150 MB               100 → 110 MB
 *   metric     loss 1.0 → 0.5             loss 1.0 → 0.25
 *
 * Line hits (after): the loop line 4 times, the call of work() 3 times
 * (12 ms), work's body 3 times (12 ms), helper's body once (2 ms), new_fn's
 * body twice (2 ms); unused() never runs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Line numbers in the "after" source. */
enum
{
  FIX_AFTER_LINE_MAIN        = 5,
  FIX_AFTER_LINE_LOOP        = 6,
  FIX_AFTER_LINE_CALL_WORK   = 7,
  FIX_AFTER_LINE_WORK        = 11,
  FIX_AFTER_LINE_WORK_BODY   = 12,
  FIX_AFTER_LINE_HELPER      = 14,
  FIX_AFTER_LINE_HELPER_BODY = 15,
  FIX_AFTER_LINE_NEW         = 17,
  FIX_AFTER_LINE_NEW_BODY    = 18,
  FIX_AFTER_LINE_UNUSED      = 20,
  FIX_AFTER_N_LINES          = 21,
};

/* Writes the recording into `dir` as `name` (e.g. "before.tc"); `script`
 * is the recorded file's basename ("app.py").  Returns the path. */
char *tc_report_fixture_write (const char *dir,
                               const char *name,
                               const char *script,
                               gboolean    after);

/* The same without LINE_HITS frames (the recorder's default). */
char *tc_report_fixture_write_no_lines (const char *dir,
                                        const char *name);

G_END_DECLS

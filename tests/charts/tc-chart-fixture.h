/* tc-chart-fixture.h — writes a known recording for the chart tests, the
 * screenshots and the chart benchmark
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

#include "tc-format.h"

G_BEGIN_DECLS

/* Code ids of the fixture's functions. */
enum
{
  FIX_MAIN = 1,     /* __main__.main */
  FIX_TRAIN,        /* __main__.train */
  FIX_LOAD,         /* data.loader.load_batch */
  FIX_PARSE,        /* data.loader.parse */
  FIX_STEP,         /* model.net.Net.step */
  FIX_FORWARD,      /* model.net.Net.forward */
  FIX_BACKWARD,     /* model.net.Net.backward */
  FIX_SLEEP,        /* time.sleep (C) */
  FIX_WORKER,       /* __main__.worker (thread 2) */
  FIX_FETCH,        /* net.http.fetch */
  FIX_N_CODES = FIX_FETCH,
};

/* Each training step lasts this long: load 2 ms (2 parses of 0.5 ms),
 * step 7 ms (forward 3 ms, backward 4 ms), 1 ms in train itself. */
#define FIX_STEP_NS     G_GINT64_CONSTANT (10000000)
/* Snapshots (and metrics, system samples) every this many steps. */
#define FIX_SNAP_EVERY  5
/* The metric "loss" spikes at this snapshot (an anomaly). */
#define FIX_SPIKE_SNAP  7

/* Writes `path` with `n_steps` training steps on the main thread and a worker
 * thread fetching in parallel; with `crash`, an IndexError at the end.
 * Returns FALSE with `error` when writing fails. */
gboolean tc_chart_fixture_write      (const char *path,
                                      guint       n_steps,
                                      gboolean    crash,
                                      GError    **error);
/* Same with a snapshot every `snap_every` steps (the benchmark's big
 * recordings take fewer; the tests rely on FIX_SNAP_EVERY). */
gboolean tc_chart_fixture_write_full (const char *path,
                                      guint       n_steps,
                                      guint       snap_every,
                                      gboolean    crash,
                                      GError    **error);

/* For a test's own recording of one script on its main thread (id 1):
 * `path` opened for writing, the session (source file `src`) and the thread
 * written; the caller adds files, codes and events, then closes it.  Aborts
 * when writing fails. */
TcWriter *tc_chart_fixture_open_script (const char *path,
                                        const char *src);

G_END_DECLS

/* SPDX-License-Identifier: MIT
 *
 * tc-test-sample.h — one fixed recording with every frame type: written by
 * the tests (and into the fuzzing seed corpus), compared field by field by
 * the round-trip test.  Plain C so the fuzz target could use it too.
 */
#pragma once

#include "tc-format.h"

#define TC_SAMPLE_UNKNOWN_TYPE 200  /* a frame type no reader knows */

typedef struct
{
  TcSession       session;
  TcThreadDef     threads[2];
  TcFileDef       file;
  const char     *source;
  size_t          source_len;
  TcCodeDef       codes[5];
  TcVarDef        vars[2];
  TcMetricDef     metric_defs[2];
  TcCounterDef    counter_defs[2];
  TcEvent        *events;        /* thread 1 */
  size_t          n_events;
  TcSnapshot      snapshot_small;
  TcSnapshot      snapshot_big;  /* big enough to be zlib-compressed */
  TcMetricPoint   metrics[4];
  TcCounterValue  system[2];
  TcWarning       warning;
  TcCrash         crash;
  TcMark          mark;
  TcLineHits      line_hits;
  TcReturnValue   return_value;
  TcStackSample   samples[2];
  uint8_t         unknown_payload[13];
  TcEndFixed      end;
} TcSample;

/* The fixture (built once, static storage).  n_events of thread 1 events. */
const TcSample *tc_test_sample (void);

/* Write the sample, in a fixed frame order, to a new file at `path`.  With
 * `close` false the file is flushed but has no INDEX/END (a crashed
 * recording).  Returns TC_OK or the failing status. */
TcStatus tc_test_write_sample (const char *path, bool close, TcError *error);

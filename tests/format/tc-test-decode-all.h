/* SPDX-License-Identifier: MIT
 *
 * tc-test-decode-all.h — decode every frame of a reader with the decoder of
 * its type (plain C: shared by the GLib tests and the libFuzzer target).
 */
#pragma once

#include "tc-format.h"

typedef struct
{
  uint64_t frames;        /* frames visited */
  uint64_t decoded;       /* frames whose decoder returned TC_OK */
  uint64_t corrupt;       /* frames whose decoder returned TC_ERR_CORRUPT */
  uint64_t unknown;       /* frames of a type this reader does not know */
  uint64_t events;        /* events decoded from EVENTS frames */
  uint64_t values;        /* TcValues walked (nested items included) */
  uint64_t checksum;      /* folds decoded content, so nothing is optimized away */
} TcDecodeStats;

/* Decode every valid frame of `reader`; never fails, only counts. */
void tc_test_decode_all (const TcReader *reader, TcDecodeStats *stats);

/* SPDX-License-Identifier: MIT
 *
 * fuzz-reader.c — libFuzzer target: open the input as a .tc file and decode
 * every frame with its decoder.  Build with -Dfuzzing=true (clang), run:
 *   build-fuzz/tests/format/fuzz-reader -max_total_time=60 CORPUS_DIR
 */
#include <stddef.h>
#include <stdint.h>

#include "tc-test-decode-all.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TcError error;
  TcReader *reader = tc_reader_open_memory (data, size, &error);
  TcDecodeStats stats;

  if (reader == NULL)
    return 0;
  tc_test_decode_all (reader, &stats);
  tc_reader_free (reader);
  return 0;
}

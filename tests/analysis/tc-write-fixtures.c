/* SPDX-License-Identifier: MIT
 *
 * tc-write-fixtures — writes the analysis test recordings (timings.tc,
 * crash.tc, truncated.tc, coroutines.tc) into a directory, for the Python tests.
 */
#include "tc-test-recordings.h"

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      g_printerr ("usage: %s DIR\n", argv[0]);
      return 2;
    }
  g_setenv ("TC_TEST_DIR", argv[1], TRUE);
  g_free (tc_test_write_crash ());
  g_free (tc_test_write_truncated ()); /* also writes timings.tc */
  g_free (tc_test_write_coroutines ());
  return 0;
}

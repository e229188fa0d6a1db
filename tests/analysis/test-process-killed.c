/* SPDX-License-Identifier: MIT
 *
 * test-process-killed.c — a child killed before its first flush (a Pool
 * worker ended by Pool.terminate()) left a file with only its first SESSION
 * frame: no parent_pid, no END.  It is still one of the run's processes,
 * shown truncated, not dropped as a leftover of another run.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tc-process-set.h"
#include "tc-test-recordings.h"

/* What a worker killed right after record() leaves: the header and the
 * SESSION frame record() writes first (pid, no parent_pid), no END. */
static char *
write_killed_worker (const char *name, const char *pid)
{
  char *path = g_build_filename (tc_test_dir (), name, NULL);
  TcWriterOptions opts = { "5e55104f", "timecapsule-tests", 0, 0 };
  TcError err = { 0 };
  TcKeyValue items[] = {
    { TC_STR ("argv"), TC_STR ("-c") },
    { TC_STR ("pid"), { pid, (uint32_t) strlen (pid) } },
    { TC_STR ("mode"), TC_STR ("full") },
  };
  TcSession session = { items, G_N_ELEMENTS (items) };
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_flush (w, TRUE), ==, TC_OK);
  tc_writer_abandon (w);
  return path;
}

static void
test_killed_worker_is_a_member (void)
{
  g_autofree char *parent = tc_test_write_process ("pool.tc", "700", "", "", 4, 0, 0);
  g_autofree char *w1 = tc_test_write_process ("pool.701.tc", "701", "700", "spawn-child", 2, 0, 0);
  g_autofree char *w2 = tc_test_write_process ("pool.702.tc", "702", "700", "spawn-child", 2, 0, 0);
  g_autofree char *w3 = tc_test_write_process ("pool.703.tc", "703", "700", "spawn-child", 2, 0, 0);
  g_autofree char *killed = write_killed_worker ("pool.704.tc", "704");
  g_autoptr(GError) error = NULL;
  g_autoptr(TcProcessSet) set = tc_process_set_load (parent, NULL, NULL, &error);
  const TcProcessMember *m = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (tc_process_set_get_n_members (set), ==, 5);
  for (guint i = 0; i < tc_process_set_get_n_members (set); i++)
    if (tc_process_set_get_member (set, i)->pid == 704)
      m = tc_process_set_get_member (set, i);
  g_assert_nonnull (m);
  g_assert_nonnull (m->document);
  g_assert_cmpint (m->parent_pid, ==, 700);
  g_assert_cmpuint (m->depth, ==, 1);
  g_assert_true (tc_document_get_truncated (m->document));
}

/* A file of the same name that names another parent stays out. */
static void
test_other_parent_stays_out (void)
{
  g_autofree char *parent = tc_test_write_process ("lone.tc", "800", "", "", 4, 0, 0);
  g_autofree char *stale = tc_test_write_process ("lone.801.tc", "801", "999", "spawn-child", 1, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcProcessSet) set = tc_process_set_load (parent, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (tc_process_set_get_n_members (set), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/process-set/killed-worker", test_killed_worker_is_a_member);
  g_test_add_func ("/tc/process-set/other-parent", test_other_parent_stays_out);
  return g_test_run ();
}

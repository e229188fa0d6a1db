/* SPDX-License-Identifier: MIT
 *
 * test-process-set.c — TcProcessSet on files written here: a parent, a
 * child, a grandchild, a stale child of another run, a broken member and an
 * unrelated recording in the same directory.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tc-process-set.h"
#include "tc-test-recordings.h"

#define MS 1000000ull

static void
test_set (void)
{
  g_autofree char *parent = tc_test_write_process ("run.tc", "100", "", "", 3, 2, 0);
  g_autofree char *child = tc_test_write_process ("run.200.tc", "200", "100", "subprocess", 5, 0, 0);
  g_autofree char *grandchild = tc_test_write_process ("run.300.tc", "300", "200", "fork-child", 7,
                                              128 + 15, TC_END_FLAG_SIGNAL);
  /* A leftover of an earlier run of the same name: another parent. */
  g_autofree char *stale = tc_test_write_process ("run.400.tc", "400", "999", "subprocess", 1, 0, 0);
  g_autofree char *other = tc_test_write_process ("other.tc", "500", "", "", 1, 0, 0);
  g_autofree char *broken = g_build_filename (tc_test_dir (), "run.600.tc", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcProcessSet) set = NULL;
  const TcProcessMember *m;
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;
  TcTextStyle style = { 100, FALSE };
  gint64 lo, hi;

  g_assert_true (g_file_set_contents (broken, "not a recording", -1, NULL));

  /* From a grandchild's path, the whole set is found. */
  set = tc_process_set_load (grandchild, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tc_process_set_get_n_members (set), ==, 4);

  m = tc_process_set_get_member (set, 0);
  g_assert_cmpint (m->pid, ==, 100);
  g_assert_cmpstr (m->role, ==, "parent");
  g_assert_cmpuint (m->depth, ==, 0);
  g_assert_cmpuint (tc_process_member_calls (m), ==, 3);
  status = tc_process_member_status (m);
  g_assert_cmpstr (status, ==, "exit 2");
  g_clear_pointer (&status, g_free);

  m = tc_process_set_get_member (set, 1);
  g_assert_cmpint (m->pid, ==, 200);
  g_assert_cmpint (m->parent_pid, ==, 100);
  g_assert_cmpstr (m->role, ==, "subprocess");
  g_assert_cmpuint (m->depth, ==, 1);
  g_assert_cmpuint (tc_process_member_calls (m), ==, 5);

  m = tc_process_set_get_member (set, 2);
  g_assert_cmpint (m->pid, ==, 300);
  g_assert_cmpstr (m->role, ==, "fork-child");
  g_assert_cmpuint (m->depth, ==, 2);
  status = tc_process_member_status (m);
  g_assert_cmpstr (status, ==, "signal 15");
  g_clear_pointer (&status, g_free);
  /* Written after the parent: it starts no earlier on the parent's clock. */
  g_assert_cmpint (m->start_ns, >=, tc_process_set_get_member (set, 0)->start_ns);
  g_assert_cmpint (m->end_ns - m->start_ns, ==, 14 * MS);

  m = tc_process_set_get_member (set, 3);
  g_assert_null (m->document);
  g_assert_nonnull (m->error);
  g_assert_cmpstr (m->role, ==, "unreadable");

  g_assert_cmpint (tc_process_set_find_pid (set, 400), ==, -1);
  g_assert_cmpint (tc_process_set_find_pid (set, 300), ==, 2);
  g_assert_cmpint (tc_process_set_find_path (set, child), ==, 1);
  tc_process_set_get_time_range (set, &lo, &hi);
  g_assert_cmpint (lo, ==, 0);
  g_assert_cmpint (hi, >=, 14 * MS);

  text = tc_process_set_format (set, &style);
  g_assert_nonnull (strstr (text, "Processes"));
  g_assert_nonnull (strstr (text, "run.200.tc"));
  g_assert_null (strstr (text, "run.400.tc"));
  g_assert_nonnull (strstr (text, "4 processes"));
  g_assert_nonnull (strstr (text, "15 calls"));
  g_assert_nonnull (strstr (text, "1 unreadable"));

  g_assert_true (tc_process_set_has_members (parent));
  g_assert_true (tc_process_set_has_members (grandchild));
  g_assert_false (tc_process_set_has_members (other));
  g_assert_false (tc_process_set_is_child_path (parent));
  g_assert_true (tc_process_set_is_child_path (child));
  g_assert_true (tc_process_set_is_child_path (grandchild));
  g_assert_false (tc_process_set_is_child_path (other));
  g_assert_cmpint (tc_process_set_get_member (set, 2)->offset_ns, ==,
                   tc_process_set_get_member (set, 2)->start_ns);

  /* An unrelated recording is a set of one. */
  g_clear_object (&set);
  set = tc_process_set_load (other, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tc_process_set_get_n_members (set), ==, 1);
  g_remove (broken);
  g_remove (stale);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer data)
{
  TcProcessSet **out = data;
  g_autoptr(GError) error = NULL;

  *out = tc_process_set_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async_reuses_document (void)
{
  g_autofree char *parent = tc_test_write_process ("async.tc", "10", "", "", 1, 0, 0);
  g_autofree char *child = tc_test_write_process ("async.11.tc", "11", "10", "spawn-child", 2, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) doc = tc_document_load (child, NULL, NULL, NULL, &error);
  g_autoptr(TcProcessSet) set = NULL;

  g_assert_no_error (error);
  tc_process_set_load_async (child, doc, NULL, load_done, &set);
  while (set == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (tc_process_set_get_n_members (set), ==, 2);
  g_assert_true (tc_process_set_get_member (set, 1)->document == doc);
}

static void
test_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tc_test_dir (), "nothing-here.tc", NULL);

  g_assert_null (tc_process_set_load (path, NULL, NULL, &error));
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tc/process-set/tree", test_set);
  g_test_add_func ("/tc/process-set/async", test_async_reuses_document);
  g_test_add_func ("/tc/process-set/missing", test_missing);
  return g_test_run ();
}

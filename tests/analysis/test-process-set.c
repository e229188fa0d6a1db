/* SPDX-License-Identifier: MIT
 *
 * test-process-set.c — TcProcessSet on files written here: a parent, a
 * child, a grandchild, a stale child of another run, a broken member and an
 * unrelated recording in the same directory.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "tc-format.h"
#include "tc-process-set.h"
#include "tc-test-recordings.h"

#define MS 1000000ull

/* One process: `calls` calls of work() on the main thread, then END. */
static char *
write_member (const char *name,
              const char *pid,
              const char *parent_pid,
              const char *role,
              guint       calls,
              gint32      exit_status,
              guint32     end_flags)
{
  char *path = g_build_filename (tc_test_dir (), name, NULL);
  TcWriterOptions opts = { "5e55104f", "timecapsule-tests", 0, 0 };
  TcError err = { 0 };
  TcKeyValue items[] = {
    { TC_STR ("argv"), TC_STR ("-c") },
    { TC_STR ("argv"), { name, (uint32_t) strlen (name) } },
    { TC_STR ("pid"), { pid, (uint32_t) strlen (pid) } },
    { TC_STR ("parent_pid"), { parent_pid, (uint32_t) strlen (parent_pid) } },
    { TC_STR ("process_role"), { role, (uint32_t) strlen (role) } },
  };
  /* The parent has neither parent_pid nor a role. */
  TcSession session = { items, role[0] != '\0' ? G_N_ELEMENTS (items) : 3 };
  TcThreadDef main_thread = { 1, 100, 200, TC_THREAD_FLAG_MAIN, TC_STR ("MainThread") };
  TcFileDef file = { 1, TC_FILE_FLAG_TRACKED, 0, 0, TC_STR ("/tmp/tc-tests/p.py") };
  TcCodeDef code = { 1, 1, 3, TC_CODE_FLAG_TRACKED, TC_STR ("work"), TC_STR ("work"), TC_STR ("__main__") };
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (TcEvent));
  TcEndFixed end = { 0 };
  TcWriter *w;

  g_remove (path);
  w = tc_writer_open (path, &opts, &err);
  g_assert_nonnull (w);
  g_assert_cmpint (tc_writer_write_session (w, 0, &session), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_thread (w, 0, &main_thread), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_file (w, 0, &file), ==, TC_OK);
  g_assert_cmpint (tc_writer_write_code (w, 0, &code), ==, TC_OK);
  for (guint i = 0; i < calls; i++)
    {
      TcEvent call = { (2 * i + 1) * MS, 1, TC_EVENT_CALL };
      TcEvent ret = { (2 * i + 2) * MS, 0, TC_EVENT_RETURN };
      g_array_append_val (events, call);
      g_array_append_val (events, ret);
    }
  if (calls > 0)
    g_assert_cmpint (tc_writer_write_events (w, 1, (TcEvent *) events->data, events->len), ==, TC_OK);
  end.exit_status = exit_status;
  end.flags = end_flags;
  g_assert_cmpint (tc_writer_close (w, &end, &err), ==, TC_OK);
  return path;
}

static void
test_set (void)
{
  g_autofree char *parent = write_member ("run.tc", "100", "", "", 3, 2, 0);
  g_autofree char *child = write_member ("run.200.tc", "200", "100", "subprocess", 5, 0, 0);
  g_autofree char *grandchild = write_member ("run.300.tc", "300", "200", "fork-child", 7,
                                              128 + 15, TC_END_FLAG_SIGNAL);
  /* A leftover of an earlier run of the same name: another parent. */
  g_autofree char *stale = write_member ("run.400.tc", "400", "999", "subprocess", 1, 0, 0);
  g_autofree char *other = write_member ("other.tc", "500", "", "", 1, 0, 0);
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
  g_autofree char *parent = write_member ("async.tc", "10", "", "", 1, 0, 0);
  g_autofree char *child = write_member ("async.11.tc", "11", "10", "spawn-child", 2, 0, 0);
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

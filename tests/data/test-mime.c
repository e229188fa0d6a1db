/* test-mime.c — a .tc file is application/x-timecapsule by name and content
 *
 * SPDX-License-Identifier: MIT
 *
 * Installs data/org.timecapsule.Viewer-mime.xml into a private XDG data
 * directory, compiles it with update-mime-database and asks GIO, the way
 * file managers do.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "tc-test-recordings.h"

#define MIME_TYPE "application/x-timecapsule"

static void
test_by_name (void)
{
  g_autofree char *type = g_content_type_guess ("recording.tc", NULL, 0, NULL);

  g_assert_cmpstr (type, ==, MIME_TYPE);
}

static void
test_by_content (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autofree char *data = NULL;
  g_autofree char *type = NULL;
  gboolean uncertain = TRUE;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));

  /* No name: the header magic alone decides. */
  type = g_content_type_guess (NULL, (const guchar *)data, MIN (len, 4096), &uncertain);
  g_assert_cmpstr (type, ==, MIME_TYPE);
  g_assert_false (uncertain);
}

static void
test_renamed_recording (void)
{
  g_autofree char *path = tc_test_write_timings ();
  g_autofree char *renamed = g_build_filename (tc_test_dir (), "recording.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (renamed);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (renamed, data, len, NULL));

  /* What Nautilus asks: a recording with another name is still ours. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE, 0, NULL, NULL);
  g_assert_nonnull (info);
  g_assert_cmpstr (g_file_info_get_content_type (info), ==, MIME_TYPE);
}

static void
test_not_ours (void)
{
  static const char text[] = "print('hello')\n";
  g_autofree char *type = g_content_type_guess (NULL, (const guchar *)text, sizeof text - 1, NULL);

  g_assert_cmpstr (type, !=, MIME_TYPE);
}

static void
install_mime_database (void)
{
  const char *xml = g_getenv ("TC_MIME_XML");
  const char *update = g_getenv ("TC_UPDATE_MIME_DATABASE");
  g_autofree char *data_dir = g_build_filename (tc_test_dir (), "share", NULL);
  g_autofree char *mime_dir = g_build_filename (data_dir, "mime", NULL);
  g_autofree char *packages = g_build_filename (mime_dir, "packages", NULL);
  g_autofree char *target = g_build_filename (packages, "org.timecapsule.Viewer.xml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { update, mime_dir, NULL };
  int status = -1;
  gsize len;

  g_assert_nonnull (xml);
  g_assert_nonnull (update);
  g_assert_cmpint (g_mkdir_with_parents (packages, 0755), ==, 0);
  g_assert_true (g_file_get_contents (xml, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (target, contents, len, NULL));

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* Only our database: the system one must not decide the answers. */
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  g_setenv ("XDG_DATA_DIRS", data_dir, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  install_mime_database ();

  g_test_add_func ("/Tc/Data/mime/by-name", test_by_name);
  g_test_add_func ("/Tc/Data/mime/by-content", test_by_content);
  g_test_add_func ("/Tc/Data/mime/renamed-recording", test_renamed_recording);
  g_test_add_func ("/Tc/Data/mime/not-ours", test_not_ours);

  return g_test_run ();
}

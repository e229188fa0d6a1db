/* test-first-hit.c — a recording whose line hits only say "ran" (SESSION
 * line_hits=first, every current recorder): the Hot Lines page explains
 * that there is no ranking instead of drawing bars of 1s, and the source
 * page shows ✓ (no counts, no heat), "–" for top-level lines that ran
 * before record() and marks only the body lines that never ran.
 *
 * SPDX-License-Identifier: MIT
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "charts/tc-hot-lines-section.h"
#include "source/tc-source-section.h"
#include "tc-test-recordings.h"
#include "tc-viewer-session.h"

static const char source[] =
  "import timecapsule as tc\n"      /* 1 top, before record() */
  "\n"                              /* 2 */
  "def step(i):\n"                  /* 3 top, before record() */
  "    \"\"\"One step.\"\"\"\n"     /* 4 docstring: not code */
  "    if i < 0:\n"                 /* 5 ran */
  "        return 0\n"              /* 6 never ran */
  "    return i * 2\n"              /* 7 ran */
  "\n"                              /* 8 */
  "tc.record()\n"                   /* 9 top, before */
  "for i in range(40):\n"           /* 10 ran */
  "    step(i)\n";                  /* 11 ran */

static char *
write_recording (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "first.tc", NULL);
  TcLineHit hits[] = { { 5, 1, 0 }, { 7, 1, 0 }, { 10, 1, 0 }, { 11, 1, 0 } };

  return tc_test_write_line_hits (path, "/tmp/tc-tests/steps.py", source,
                                  hits, G_N_ELEMENTS (hits), TRUE);
}

static TcSection *
load_section (TcViewerSession *session, GType type)
{
  TcSection *section = g_object_ref_sink (g_object_new (type, "session", session, NULL));

  tc_section_load (section);
  g_assert_true (tc_section_get_has_data (section));
  return section;
}

static void
test_first_hit_pages (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tc-first-hit-XXXXXX", NULL);
  g_autofree char *path = write_recording (dir);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TcViewerSession) session = tc_viewer_session_new (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, &error);
  TcSection *hot, *src;
  TcLineGutter *gutter;
  GArray *never;
  const char *expect[] = { "–", "", "–", "", "✓", "", "✓", "", "–", "✓", "✓" };

  g_assert_no_error (error);
  tc_viewer_session_set_document (session, doc);

  /* Hot Lines: shown, but as a page that says why there is no ranking. */
  hot = load_section (session, TC_TYPE_HOT_LINES_SECTION);
  g_assert_true (tc_hot_lines_section_is_first_hit (TC_HOT_LINES_SECTION (hot)));
  g_assert_null (tc_hot_lines_section_get_bars (TC_HOT_LINES_SECTION (hot)));
  g_assert_true (ADW_IS_STATUS_PAGE (gtk_widget_get_first_child (GTK_WIDGET (hot))));
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (gtk_widget_get_first_child (GTK_WIDGET (hot)))),
                            "not how often"));

  /* Source: ✓ for lines that ran, no heat, "–" before recording. */
  src = load_section (session, TC_TYPE_SOURCE_SECTION);
  gutter = tc_source_section_get_gutter (TC_SOURCE_SECTION (src));
  for (guint l = 1; l <= G_N_ELEMENTS (expect); l++)
    {
      g_autofree char *text = tc_line_gutter_dup_text (gutter, l);

      g_assert_cmpstr (text, ==, expect[l - 1]);
      g_assert_cmpfloat (tc_line_gutter_get_heat (gutter, l), ==, 0.0);
    }
  never = tc_source_section_get_never_run (TC_SOURCE_SECTION (src));
  g_assert_cmpuint (never->len, ==, 1);
  g_assert_cmpuint (g_array_index (never, guint, 0), ==, 6);

  g_object_unref (hot);
  g_object_unref (src);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/tc/source/first-hit", test_first_hit_pages);

  return g_test_run ();
}

/* tc-pdf-export.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tc-report-pages.h"

#include "tc-pdf-export.h"

gboolean
tc_pdf_export (TcDocument    *document,
               TcComparison  *comparison,
               const char    *path,
               GError       **error)
{
  g_autoptr(TcReportPages) pages = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *title = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint n;

  g_return_val_if_fail (TC_IS_DOCUMENT (document), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  pages = tc_report_pages_new (document, comparison);
  n = tc_report_pages_get_n_pages (pages);

  /* Write next to the target and rename, so a failed export never leaves
   * half a PDF under the requested name. */
  tmp = g_strdup_printf ("%s.part", path);
  surface = cairo_pdf_surface_create (tmp, TC_REPORT_PAGE_WIDTH, TC_REPORT_PAGE_HEIGHT);
  title = g_path_get_basename (tc_document_get_path (document));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "timecapsule-viewer " PACKAGE_VERSION);
  cr = cairo_create (surface);

  for (guint i = 0; i < n; i++)
    {
      tc_report_pages_draw_page (pages, cr, i);
      cairo_show_page (cr);
    }

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }

  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

gboolean
tc_pdf_export_wanted (int    argc,
                      char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--export-pdf") || g_str_has_prefix (argv[i], "--export-pdf="))
      return TRUE;

  return FALSE;
}

static TcDocument *
load (const char  *path,
      GError     **error)
{
  return tc_document_load (path, NULL, NULL, NULL, error);
}

int
tc_pdf_export_main (int    argc,
                    char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *before_path = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TcDocument) document = NULL;
  g_autoptr(TcDocument) before = NULL;
  g_autoptr(TcComparison) comparison = NULL;
  gboolean compare = FALSE;
  const GOptionEntry entries[] = {
    { "export-pdf", 0, 0, G_OPTION_ARG_FILENAME, &output, N_("Write the report of FILE.tc to OUT.pdf and exit"), "OUT.pdf" },
    { "compare", 0, 0, G_OPTION_ARG_NONE, &compare, N_("Compare two recordings: BEFORE.tc AFTER.tc"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("[BEFORE.tc] FILE.tc") },
    { NULL }
  };
  guint n;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Export the report of a recording as PDF, without a display."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("timecapsule-viewer: %s\n", error->message);
      return 2;
    }

  n = files ? g_strv_length (files) : 0;
  if (output == NULL || n == 0 || n > 2)
    {
      g_printerr ("%s\n", _("Usage: timecapsule-viewer --export-pdf OUT.pdf [--compare BEFORE.tc] FILE.tc"));
      return 2;
    }

  /* Two files: the first is the recording before the change. */
  if (n == 2)
    before_path = g_strdup (files[0]);

  document = load (files[n - 1], &error);
  if (document != NULL && before_path != NULL)
    before = load (before_path, &error);
  if (error != NULL)
    {
      g_printerr ("timecapsule-viewer: %s\n", error->message);
      return 1;
    }

  if (before != NULL)
    comparison = tc_comparison_new (before, document);

  if (!tc_pdf_export (document, comparison, output, &error))
    {
      g_printerr ("timecapsule-viewer: %s\n", error->message);
      return 1;
    }

  return 0;
}

/* main.c — timecapsule-viewer
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "pdf/tc-pdf-export.h"
#include "tc-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TcApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --export-pdf runs without a display: decided before GTK is touched. */
  if (tc_pdf_export_wanted (argc, argv))
    return tc_pdf_export_main (argc, argv);

  app = tc_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}

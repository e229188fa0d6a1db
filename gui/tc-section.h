/* tc-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "tc-viewer-session.h"

G_BEGIN_DECLS

#define TC_TYPE_SECTION (tc_section_get_type ())

G_DECLARE_DERIVABLE_TYPE (TcSection, tc_section, TC, SECTION, GtkWidget)

/* One page of the report.  Subclasses set the class fields in class_init
 * (with tc_section_class_set_info) and implement the vfuncs; the session view
 * creates one instance per open recording and calls load() once the
 * recording's document is ready. */
struct _TcSectionClass
{
  GtkWidgetClass parent_class;

  const char *id;          /* stack child name, e.g. "functions" */
  const char *title;       /* translated title shown in the sidebar */
  const char *icon_name;

  /* Whether the loaded document has anything for this page.  Pages without
   * data stay in the sidebar, insensitive. */
  gboolean (*has_data)     (TcSection *self,
                            TcViewerSession *session);
  /* Fill the page from the session's document (main thread, once). */
  void     (*load)         (TcSection *self,
                            TcViewerSession *session);
  /* Ctrl+F: focus the page's search entry.  FALSE when it has none. */
  gboolean (*start_search) (TcSection *self);

  /*< private >*/
  gpointer _reserved[8];
};

void        tc_section_class_set_info (TcSectionClass *klass,
                                       const char     *id,
                                       const char     *title,
                                       const char     *icon_name);
const char *tc_section_get_id         (TcSection      *self);
const char *tc_section_get_title      (TcSection      *self);
const char *tc_section_get_icon_name  (TcSection      *self);
TcViewerSession  *tc_section_get_session    (TcSection      *self);
void        tc_section_set_session    (TcSection      *self,
                                       TcViewerSession      *session);
gboolean    tc_section_get_has_data   (TcSection      *self);
gboolean    tc_section_get_loaded     (TcSection      *self);
gboolean    tc_section_update_has_data (TcSection     *self);
void        tc_section_load           (TcSection      *self);
gboolean    tc_section_start_search   (TcSection      *self);
void        tc_section_show_section   (TcSection      *self,
                                       const char     *id);

G_END_DECLS

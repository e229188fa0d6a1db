/* tc-application.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_APPLICATION (tc_application_get_type ())

G_DECLARE_FINAL_TYPE (TcApplication, tc_application, TC, APPLICATION, AdwApplication)

TcApplication  *tc_application_new             (void);
GSettings      *tc_application_get_settings    (TcApplication *self);
void            tc_application_add_recent      (TcApplication *self,
                                                GFile         *file);
char          **tc_application_dup_recent_uris (TcApplication *self);

G_END_DECLS

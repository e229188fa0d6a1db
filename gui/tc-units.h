/* tc-units.h — human-readable durations, times and sizes for the pages
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tc_units_format_ms      (double ms);
char *tc_units_format_seconds (gint64 time_ns);
char *tc_units_format_mb      (double mb);
char *tc_units_format_count   (guint64 count);
gulong tc_units_plural_n      (guint64 count);

G_END_DECLS

/* tc-units.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tc-units.h"

/**
 * tc_units_format_ms:
 *
 * Picks the unit so three significant digits show: "812 ns", "4.20 µs",
 * "13.5 ms", "2.31 s".
 *
 * Returns: (transfer full): the text
 */
char *
tc_units_format_ms (double ms)
{
  double a = fabs (ms);

  if (!isfinite (ms))
    return g_strdup ("—");
  if (a == 0.0)
    return g_strdup ("0");
  if (a < 0.001)
    return g_strdup_printf (_("%.0f ns"), ms * 1e6);
  if (a < 1.0)
    return g_strdup_printf (a < 0.1 ? _("%.2f µs") : _("%.0f µs"), ms * 1e3);
  if (a < 1000.0)
    return g_strdup_printf (a < 10.0 ? _("%.2f ms") : a < 100.0 ? _("%.1f ms") : _("%.0f ms"), ms);
  return g_strdup_printf (_("%.2f s"), ms / 1000.0);
}

/**
 * tc_units_format_seconds:
 *
 * A moment of the recording as the seed prints it, "t=1.2345 s" without
 * the "t=".
 *
 * Returns: (transfer full): the text
 */
char *
tc_units_format_seconds (gint64 time_ns)
{
  return g_strdup_printf (_("%.4f s"), (double)time_ns / 1e9);
}

char *
tc_units_format_mb (double mb)
{
  if (!isfinite (mb))
    return g_strdup ("—");
  if (mb >= 1024.0)
    return g_strdup_printf (_("%.2f GB"), mb / 1024.0);
  return g_strdup_printf (_("%.1f MB"), mb);
}

char *
tc_units_format_count (guint64 count)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, count);
}

/* The n for g_dngettext() of a 64-bit count: where a gulong is narrower,
 * keep the last six digits above a million (the gettext manual's advice),
 * which picks the same plural form in every language. */
gulong
tc_units_plural_n (guint64 count)
{
#if GLIB_SIZEOF_LONG < 8
  if (count > G_MAXULONG)
    return (gulong) (count % 1000000) + 1000000;
#endif
  return (gulong) count;
}

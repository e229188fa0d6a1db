/* SPDX-License-Identifier: MIT
 *
 * tc-text-private.h — internal helpers for the text views (report, CLI
 * outputs): colours that vanish without a terminal, banners, padding by
 * display width, number formats shared by every table.
 */
#pragma once

#include "tc-report.h"

G_BEGIN_DECLS

#define TC_BOLD    "\033[1m"
#define TC_DIM     "\033[2m"
#define TC_RED     "\033[31m"
#define TC_GREEN   "\033[32m"
#define TC_YELLOW  "\033[33m"
#define TC_BLUE    "\033[34m"
#define TC_MAGENTA "\033[35m"
#define TC_CYAN    "\033[36m"
#define TC_RESET   "\033[0m"

/* `code` when the style has colour, else "". */
const char *tc_c       (const TcTextStyle *style, const char *code);
/* The reset code matching tc_c. */
const char *tc_r       (const TcTextStyle *style);
int         tc_width   (const TcTextStyle *style);
const TcTextStyle *tc_style_or_default (const TcTextStyle *style);

/* W × "═", "  <bold title>", W × "═" (preceded by a blank line). */
void tc_text_banner (GString *out, const TcTextStyle *style, const char *title);
/* W × glyph + "\n". */
void tc_text_rule   (GString *out, const TcTextStyle *style, const char *glyph);
/* Appends `text` padded with spaces to `width` display columns (right
 * aligned when `right`); longer text is not cut. */
void tc_text_pad    (GString *out, const char *text, int width, gboolean right);
/* Cuts every line of `text` wider than `width` columns with "…". */
void tc_text_clip_lines (GString *text, int width, gboolean color);
/* The last `n` characters of `text` (UTF-8 aware), newly allocated. */
char *tc_text_tail  (const char *text, guint n);
/* `text` cut to `n` characters from the left, marked "…" when cut. */
char *tc_text_ellipsize_start (const char *text, guint n);
/* The first `n` characters of `text` (UTF-8 aware), newly allocated. */
char *tc_text_head  (const char *text, guint n);
/* Appends `text` word-wrapped to `width` columns with `indent` spaces. */
void tc_text_wrap   (GString *out, const char *text, int width, int indent);
/* printf into a new string, with "." decimals whatever the locale. */
char *tc_fmt        (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* Python's format(v, ".4g"). */
char *tc_fmt_g      (double value, int precision);
/* A TcValue as Python would repr() it (bounded to `max` chars, 0 = no bound). */
char *tc_value_repr (const TcValue *value, guint max);
/* Local wall-clock time of a recording time: "YYYY-MM-DD HH:MM:SS" or with
 * `iso` "YYYY-MM-DDTHH:MM:SS.ffffff". */
char *tc_wall_time  (TcDocument *doc, gint64 time_ns, gboolean iso);

/* Appends ±radius lines of source around `line` ("►" on it, 4-digit
 * numbers, `marker` e.g. "►" or ">>>"); nothing when there is no source. */
void tc_text_source_context (GString *out, TcDocument *doc, guint32 code_id, guint32 line,
                             guint radius, const char *marker, const TcTextStyle *style);

G_END_DECLS

/* SPDX-License-Identifier: MIT
 *
 * tc-text.c — glyphs and formatting shared by every text view.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

static const TcTextStyle default_style = { 100, FALSE };

const TcTextStyle *
tc_style_or_default (const TcTextStyle *style)
{
  return style ? style : &default_style;
}

const char *
tc_c (const TcTextStyle *style, const char *code)
{
  return style && style->color ? code : "";
}

const char *
tc_r (const TcTextStyle *style)
{
  return style && style->color ? TC_RESET : "";
}

int
tc_width (const TcTextStyle *style)
{
  if (style == NULL || style->width <= 0)
    return 100;
  return MAX (40, style->width);
}

static void
repeat (GString *out, const char *glyph, int n)
{
  for (int i = 0; i < n; i++)
    g_string_append (out, glyph);
}

void
tc_text_rule (GString *out, const TcTextStyle *style, const char *glyph)
{
  repeat (out, glyph, tc_width (style));
  g_string_append_c (out, '\n');
}

void
tc_text_banner (GString *out, const TcTextStyle *style, const char *title)
{
  g_string_append_c (out, '\n');
  tc_text_rule (out, style, "═");
  g_string_append_printf (out, "  %s%s%s\n", tc_c (style, TC_BOLD), title, tc_r (style));
  tc_text_rule (out, style, "═");
  g_string_append_c (out, '\n');
}

gsize
tc_utf8_width (const char *text)
{
  gsize n = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return strlen (text);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x1b) /* skip an ANSI CSI sequence */
        {
          const char *q = p + 1;

          if (*q == '[')
            {
              q++;
              while (*q && !g_ascii_isalpha (*q))
                q++;
              if (*q)
                {
                  p = q;
                  continue;
                }
            }
        }
      if (g_unichar_iszerowidth (c))
        continue;
      n += g_unichar_iswide (c) ? 2 : 1;
    }
  return n;
}

void
tc_text_pad (GString *out, const char *text, int width, gboolean right)
{
  int w = (int) tc_utf8_width (text);

  if (right)
    repeat (out, " ", width - w);
  g_string_append (out, text);
  if (!right)
    repeat (out, " ", width - w);
}

/* Lines wider than `width` end in "…" at the last column; ANSI escapes are
 * kept (and closed) so colours do not bleed. */
void
tc_text_clip_lines (GString *text, int width, gboolean color)
{
  GString *out = g_string_sized_new (text->len);
  const char *p = text->str;

  while (*p)
    {
      const char *eol = strchr (p, '\n');
      gsize len = eol ? (gsize) (eol - p) : strlen (p);
      g_autofree char *line = g_strndup (p, len);

      if ((int) tc_utf8_width (line) <= width || !g_utf8_validate (line, -1, NULL))
        g_string_append (out, line);
      else
        {
          int cols = 0;

          for (const char *q = line; *q && cols < width - 1;)
            {
              if (q[0] == '\033' && q[1] == '[')
                {
                  const char *e = q + 2;

                  while (*e && !g_ascii_isalpha (*e))
                    e++;
                  if (*e)
                    e++;
                  g_string_append_len (out, q, e - q);
                  q = e;
                  continue;
                }
              {
                gunichar c = g_utf8_get_char (q);
                const char *next = g_utf8_next_char (q);

                cols += g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;
                g_string_append_len (out, q, next - q);
                q = next;
              }
            }
          g_string_append (out, "…");
          if (color)
            g_string_append (out, TC_RESET);
        }
      if (eol)
        g_string_append_c (out, '\n');
      p = eol ? eol + 1 : p + len;
    }
  g_string_assign (text, out->str);
  g_string_free (out, TRUE);
}

char *
tc_text_tail (const char *text, guint n)
{
  glong len;

  if (!g_utf8_validate (text, -1, NULL))
    {
      gsize l = strlen (text);
      return g_strdup (l > n ? text + l - n : text);
    }
  len = g_utf8_strlen (text, -1);
  if (len <= (glong) n)
    return g_strdup (text);
  return g_strdup (g_utf8_offset_to_pointer (text, len - n));
}

char *
tc_text_ellipsize_start (const char *text, guint n)
{
  g_autofree char *tail = NULL;

  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) <= (glong) n || n < 2)
    return tc_text_tail (text, n);
  tail = tc_text_tail (text, n - 1);
  return g_strconcat ("…", tail, NULL);
}

char *
tc_text_head (const char *text, guint n)
{
  if (!g_utf8_validate (text, -1, NULL))
    return g_strndup (text, n);
  if (g_utf8_strlen (text, -1) <= (glong) n)
    return g_strdup (text);
  return g_utf8_substring (text, 0, n);
}

void
tc_text_wrap (GString *out, const char *text, int width, int indent)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \n", -1);
  int col = 0;

  for (guint i = 0; words[i]; i++)
    {
      int w = (int) tc_utf8_width (words[i]);

      if (*words[i] == '\0')
        continue;
      if (col > 0 && col + 1 + w > width - indent)
        {
          g_string_append_c (out, '\n');
          col = 0;
        }
      if (col == 0)
        repeat (out, " ", indent);
      else
        {
          g_string_append_c (out, ' ');
          col++;
        }
      g_string_append (out, words[i]);
      col += w;
    }
  if (col > 0)
    g_string_append_c (out, '\n');
}

/* Locale-independent printf: every number in our output uses '.'. */
char *
tc_fmt (const char *format, ...)
{
  va_list args;
  char *s;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  return s;
}

char *
tc_fmt_g (double value, int precision)
{
  char buf[64];

  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");
  g_snprintf (buf, sizeof buf, "%.*g", precision, value);
  return g_strdup (buf);
}

char *
tc_sparkline (const double *values, guint n, guint width, int *cells)
{
  static const char *levels[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
  GString *out = g_string_new (NULL);
  double lo = INFINITY, hi = -INFINITY, range;

  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        lo = MIN (lo, values[i]);
        hi = MAX (hi, values[i]);
      }
  if (n == 0 || !isfinite (lo))
    {
      for (guint i = 0; i < width; i++)
        {
          g_string_append (out, "─");
          if (cells)
            cells[i] = -1;
        }
      return g_string_free (out, FALSE);
    }
  range = hi - lo;
  if (range == 0)
    range = 1;
  for (guint i = 0; i < width; i++)
    {
      guint idx = (guint) ((guint64) i * n / width);
      double v = values[idx];
      int level;

      if (cells)
        cells[i] = (int) idx;
      if (!isfinite (v))
        {
          g_string_append_c (out, ' ');
          continue;
        }
      level = (int) ((v - lo) / range * 7);
      g_string_append (out, levels[CLAMP (level, 0, 7)]);
    }
  return g_string_free (out, FALSE);
}

char *
tc_heat_bar (double value, double max, guint width)
{
  GString *out = g_string_new (NULL);
  guint filled = 0;

  if (max > 0 && value > 0)
    filled = (guint) (MIN (1.0, value / max) * width);
  for (guint i = 0; i < width; i++)
    g_string_append (out, i < filled ? "█" : "░");
  return g_string_free (out, FALSE);
}

char *
tc_strip_ansi (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p; p++)
    {
      if (p[0] == '\033' && p[1] == '[')
        {
          const char *q = p + 2;

          while (*q && !(*q >= '@' && *q <= '~'))
            q++;
          if (*q)
            {
              p = q;
              continue;
            }
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
tc_format_thousands (guint64 value)
{
  char digits[32];
  GString *out = g_string_new (NULL);
  int len;

  len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, value);
  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* ---- Python-style repr of recorded values -------------------------------- */

static void
repr_float (GString *out, double v)
{
  char buf[64];

  if (isnan (v))
    {
      g_string_append (out, "nan");
      return;
    }
  if (isinf (v))
    {
      g_string_append (out, v > 0 ? "inf" : "-inf");
      return;
    }
  /* Shortest text that reads back exactly, like Python's repr(float). */
  for (int prec = 1; prec <= 17; prec++)
    {
      g_snprintf (buf, sizeof buf, "%.*g", prec, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  if (strpbrk (buf, ".eni") == NULL)
    g_strlcat (buf, ".0", sizeof buf);
  g_string_append (out, buf);
}

static void
repr_text (GString *out, const char *p, gsize len, gboolean bytes)
{
  gboolean has_single = memchr (p, '\'', len) != NULL;
  gboolean has_double = memchr (p, '"', len) != NULL;
  char quote = has_single && !has_double ? '"' : '\'';

  if (bytes)
    g_string_append_c (out, 'b');
  g_string_append_c (out, quote);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) p[i];

      if (c == (guchar) quote || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, quote);
}

static void repr_value (GString *out, const TcValue *value, guint depth);

static void
repr_items (GString *out, const TcValue *value, guint depth, const char *open,
            const char *close, gboolean dict)
{
  TcValueIter iter;
  TcValue item;
  guint i = 0;

  g_string_append (out, open);
  tc_value_iter_init (&iter, value);
  while (tc_value_iter_next (&iter, &item))
    {
      if (dict)
        g_string_append (out, i == 0 ? "" : (i % 2 ? ": " : ", "));
      else if (i > 0)
        g_string_append (out, ", ");
      repr_value (out, &item, depth + 1);
      i++;
    }
  if (value->kind == TC_VALUE_TUPLE && value->items.count == 1)
    g_string_append_c (out, ',');
  g_string_append (out, close);
}

static void
repr_value (GString *out, const TcValue *value, guint depth)
{
  if (depth > 32)
    {
      g_string_append (out, "...");
      return;
    }
  switch (value->kind)
    {
    case TC_VALUE_NONE:
      g_string_append (out, "None");
      break;
    case TC_VALUE_BOOL:
      g_string_append (out, value->b ? "True" : "False");
      break;
    case TC_VALUE_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, value->i);
      break;
    case TC_VALUE_BIGINT:
      g_string_append_len (out, value->s.ptr, value->s.len);
      break;
    case TC_VALUE_FLOAT:
      repr_float (out, value->f);
      break;
    case TC_VALUE_COMPLEX:
      g_string_append_c (out, '(');
      repr_float (out, value->c.re);
      g_string_append (out, value->c.im < 0 ? "-" : "+");
      repr_float (out, fabs (value->c.im));
      g_string_append (out, "j)");
      break;
    case TC_VALUE_STR:
      repr_text (out, value->s.ptr, value->s.len, FALSE);
      break;
    case TC_VALUE_BYTES:
      repr_text (out, value->s.ptr, value->s.len, TRUE);
      break;
    case TC_VALUE_LIST:
      repr_items (out, value, depth, "[", "]", FALSE);
      break;
    case TC_VALUE_TUPLE:
      repr_items (out, value, depth, "(", ")", FALSE);
      break;
    case TC_VALUE_SET:
      if (value->items.count == 0)
        g_string_append (out, "set()");
      else
        repr_items (out, value, depth, "{", "}", FALSE);
      break;
    case TC_VALUE_FROZENSET:
      if (value->items.count == 0)
        g_string_append (out, "frozenset()");
      else
        repr_items (out, value, depth, "frozenset({", "})", FALSE);
      break;
    case TC_VALUE_DICT:
      repr_items (out, value, depth, "{", "}", TRUE);
      break;
    case TC_VALUE_REPR_ONLY:
    default:
      g_string_append (out, "<?>");
      break;
    }
}

char *
tc_value_repr (const TcValue *value, guint max)
{
  GString *out = g_string_new (NULL);

  repr_value (out, value, 0);
  if (max > 0 && g_utf8_validate (out->str, -1, NULL) && g_utf8_strlen (out->str, -1) > max)
    {
      char *head = tc_text_head (out->str, max);

      g_string_free (out, TRUE);
      return head;
    }
  return g_string_free (out, FALSE);
}

char *
tc_wall_time (TcDocument *doc, gint64 time_ns, gboolean iso)
{
  const TcDocSession *session = tc_document_get_session (doc);
  gint64 wall_ns = 0;
  gint64 wall_us;
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) exact = NULL;

  /* Both come from the file: a hostile frame time must not overflow. */
  if (__builtin_add_overflow (session->start_wall_ns, time_ns, &wall_ns))
    return g_strdup ("?");
  wall_us = wall_ns / 1000;
  utc = g_date_time_new_from_unix_utc (wall_us / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_local (utc);
  exact = g_date_time_add (local, wall_us % G_USEC_PER_SEC);
  if (iso)
    return g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%f");
  return g_date_time_format (exact, "%Y-%m-%d %H:%M:%S");
}

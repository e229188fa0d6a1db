/* SPDX-License-Identifier: MIT
 *
 * tc-json.c — see tc-json-private.h.
 */
#include <math.h>
#include <string.h>

#include "tc-json-private.h"

void
tc_json_init (TcJson *json, GString *out, gboolean indent)
{
  memset (json, 0, sizeof *json);
  json->out = out;
  json->indent = indent;
}

static void
newline (TcJson *json)
{
  if (!json->indent)
    return;
  g_string_append_c (json->out, '\n');
  for (guint i = 0; i < json->depth; i++)
    g_string_append (json->out, "  ");
}

/* Before any value: a comma and newline unless it follows its key. */
static void
before_value (TcJson *json)
{
  guint64 bit = (guint64) 1 << MIN (json->depth, 63);

  if (json->after_key)
    {
      json->after_key = FALSE;
      return;
    }
  if (json->need_comma & bit)
    g_string_append_c (json->out, ',');
  json->need_comma |= bit;
  if (json->depth > 0)
    newline (json);
}

static void
open_container (TcJson *json, char c)
{
  before_value (json);
  g_string_append_c (json->out, c);
  json->depth++;
  json->need_comma &= ~((guint64) 1 << MIN (json->depth, 63));
}

static void
close_container (TcJson *json, char c)
{
  gboolean had_items = (json->need_comma >> MIN (json->depth, 63)) & 1;

  json->need_comma &= ~((guint64) 1 << MIN (json->depth, 63));
  json->depth--;
  if (had_items)
    newline (json);
  g_string_append_c (json->out, c);
}

void tc_json_begin_object (TcJson *json) { open_container (json, '{'); }
void tc_json_end_object (TcJson *json) { close_container (json, '}'); }
void tc_json_begin_array (TcJson *json) { open_container (json, '['); }
void tc_json_end_array (TcJson *json) { close_container (json, ']'); }

void
tc_json_escape (GString *out, const char *s, gssize len)
{
  const char *end;

  if (s == NULL)
    s = "";
  if (len < 0)
    len = strlen (s);
  end = s + len;
  g_string_append_c (out, '"');
  for (const char *p = s; p < end; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

void
tc_json_key (TcJson *json, const char *key)
{
  before_value (json);
  tc_json_escape (json->out, key, -1);
  g_string_append (json->out, json->indent ? ": " : ":");
  json->after_key = TRUE;
}

void
tc_json_string_len (TcJson *json, const char *value, gssize len)
{
  before_value (json);
  /* Invalid UTF-8 (raw bytes) is made valid so every parser accepts it. */
  if (value && !g_utf8_validate (value, len, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (value, len);
      tc_json_escape (json->out, valid, -1);
    }
  else
    tc_json_escape (json->out, value, len);
}

void
tc_json_string (TcJson *json, const char *value)
{
  tc_json_string_len (json, value, -1);
}

void
tc_json_int (TcJson *json, gint64 value)
{
  before_value (json);
  g_string_append_printf (json->out, "%" G_GINT64_FORMAT, value);
}

void
tc_json_double (TcJson *json, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  before_value (json);
  if (!isfinite (value))
    {
      g_string_append (json->out, "null");
      return;
    }
  /* Integral values as integers (timestamps read better than 2.1e+04). */
  if (value == floor (value) && fabs (value) < 1e15)
    {
      g_string_append_printf (json->out, "%" G_GINT64_FORMAT, (gint64) value);
      return;
    }
  /* Shortest round-trip text, always with '.' whatever the locale. */
  for (int prec = 1; prec <= 17; prec++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (json->out, buf);
}

void
tc_json_bool (TcJson *json, gboolean value)
{
  before_value (json);
  g_string_append (json->out, value ? "true" : "false");
}

void
tc_json_null (TcJson *json)
{
  before_value (json);
  g_string_append (json->out, "null");
}

void
tc_json_raw (TcJson *json, const char *encoded)
{
  before_value (json);
  g_string_append (json->out, encoded);
}

void tc_json_kv_string (TcJson *json, const char *key, const char *value) { tc_json_key (json, key); tc_json_string (json, value); }
void tc_json_kv_int (TcJson *json, const char *key, gint64 value) { tc_json_key (json, key); tc_json_int (json, value); }
void tc_json_kv_double (TcJson *json, const char *key, double value) { tc_json_key (json, key); tc_json_double (json, value); }
void tc_json_kv_bool (TcJson *json, const char *key, gboolean value) { tc_json_key (json, key); tc_json_bool (json, value); }

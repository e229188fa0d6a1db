/* SPDX-License-Identifier: MIT
 *
 * tc-json-private.h — a small streaming JSON writer (GLib has none).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GString *out;
  guint    depth;
  gboolean indent;           /* pretty-print with 2 spaces */
  guint64  need_comma;       /* bit per depth: an item was written */
  gboolean after_key;
} TcJson;

void tc_json_init         (TcJson *json, GString *out, gboolean indent);
void tc_json_begin_object (TcJson *json);
void tc_json_end_object   (TcJson *json);
void tc_json_begin_array  (TcJson *json);
void tc_json_end_array    (TcJson *json);
void tc_json_key          (TcJson *json, const char *key);
void tc_json_string       (TcJson *json, const char *value);
void tc_json_string_len   (TcJson *json, const char *value, gssize len);
void tc_json_int          (TcJson *json, gint64 value);
void tc_json_double       (TcJson *json, double value);   /* NaN/Inf → null */
void tc_json_bool         (TcJson *json, gboolean value);
void tc_json_null         (TcJson *json);
/* Appends already-encoded JSON as one value. */
void tc_json_raw          (TcJson *json, const char *encoded);

/* Shorthands for "key": value. */
void tc_json_kv_string    (TcJson *json, const char *key, const char *value);
void tc_json_kv_int       (TcJson *json, const char *key, gint64 value);
void tc_json_kv_double    (TcJson *json, const char *key, double value);
void tc_json_kv_bool      (TcJson *json, const char *key, gboolean value);

/* Appends `s` JSON-escaped with quotes. */
void tc_json_escape       (GString *out, const char *s, gssize len);

G_END_DECLS

/* SPDX-License-Identifier: MIT
 *
 * tc-export.h — files other tools open: the JSON export of spec §7.10, trace
 * formats for profilers (Chrome Trace Event / Perfetto, speedscope, collapsed
 * stacks) and the plain-text summary meant for an LLM, with secrets redacted.
 *
 * Every writer writes to `out_path` atomically (temporary file + rename,
 * tc-atomic-file.h), the traces in pieces as they are made.
 */
#pragma once

#include "tc-atomic-file.h"
#include "tc-document.h"

G_BEGIN_DECLS

/* {"meta", "crash", "warnings", "fn_calls", "timings", "block_timings",
 *  "ret_vals", "snapshots"} — the seed's shape, indent 2. */
gboolean tc_export_json         (TcDocument *doc, const char *out_path, GError **error);
char    *tc_export_json_string  (TcDocument *doc);

/* {"traceEvents": [...], "displayTimeUnit": "ms"}: one "X" event per call with
 * its real start (µs since the recording start) and duration, one track
 * (tid) per thread with thread_name metadata, snapshots/marks as instants. */
gboolean tc_export_chrome_trace (TcDocument *doc, const char *out_path, GError **error);

/* speedscope's file format (https://www.speedscope.app/file-format-schema.json):
 * one "evented" profile per thread, frames shared. */
gboolean tc_export_speedscope   (TcDocument *doc, const char *out_path, GError **error);

/* Collapsed stacks: "outer;inner;leaf <self µs>" per distinct stack (all
 * threads), for flamegraph.pl / inferno. */
gboolean tc_export_collapsed    (TcDocument *doc, const char *out_path, GError **error);

/* The LLM document (spec §7.12), values of secret-looking variables, keys and
 * argv items (password, passwd, pwd, token, secret, key, auth, credential,
 * cookie, private, signature…) replaced by "[REDACTED]". */
gboolean tc_export_for_llm      (TcDocument *doc, const char *out_path, guint max_snaps, GError **error);
char    *tc_export_for_llm_string (TcDocument *doc, guint max_snaps);
/* TRUE when a variable/key name looks like it holds a secret. */
gboolean tc_name_is_secret      (const char *name);
/* Redacts "key=value" / "key: value" secrets and bearer tokens inside text. */
char    *tc_redact_text         (const char *text);


G_END_DECLS

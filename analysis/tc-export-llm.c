/* SPDX-License-Identifier: MIT
 *
 * tc-export-llm.c — the plain-text document meant to be pasted into an LLM
 * (spec §7.12), with what looks like a secret redacted: values of variables
 * whose names say password/token/secret/key/auth…, "name=value" pairs of
 * such names inside reprs, messages and argv, and bearer tokens.  The seed
 * copied every repr verbatim.
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-export.h"
#include "tc-report-private.h"

#define REDACTED "[REDACTED]"

static const char *secret_words[] = {
  "password", "passwd", "pwd", "pass", "passphrase", "token", "secret", "key", "apikey",
  "auth", "authorization", "credential", "credentials", "cookie", "private", "privkey", "signature",
  NULL,
};

gboolean
tc_name_is_secret (const char *name)
{
  g_autofree char *lower = NULL;
  g_auto (GStrv) parts = NULL;

  if (name == NULL)
    return FALSE;
  /* Split snake_case, kebab-case, dotted and camelCase into words. */
  {
    GString *words = g_string_new (NULL);

    for (const char *p = name; *p; p++)
      {
        if (g_ascii_isupper (*p) && p > name && g_ascii_islower (p[-1]))
          g_string_append_c (words, ' ');
        g_string_append_c (words, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : ' ');
      }
    lower = g_string_free (words, FALSE);
  }
  parts = g_strsplit (lower, " ", -1);
  for (guint i = 0; parts[i]; i++)
    {
      if (g_strv_contains (secret_words, parts[i]))
        return TRUE;
      /* apitoken, authtoken, secretkey, access_token written together. */
      for (guint w = 0; secret_words[w]; w++)
        if (strlen (secret_words[w]) >= 5 && strstr (parts[i], secret_words[w]))
          return TRUE;
    }
  return FALSE;
}

char *
tc_redact_text (const char *text)
{
  static GRegex *pairs, *bearer;
  static gsize init;
  g_autofree char *step = NULL;

  if (g_once_init_enter (&init))
    {
      pairs = g_regex_new ("(?i)([\"']?[a-z0-9_.-]*(?:password|passwd|pwd|passphrase|token|secret|api[_-]?key|"
                           "access[_-]?key|private[_-]?key|auth[a-z_]*|credentials?|cookie)[\"']?\\s*[=:]\\s*)"
                           "(\"[^\"]*\"|'[^']*'|[^\\s,;&)}\\]]+)",
                           G_REGEX_OPTIMIZE, 0, NULL);
      bearer = g_regex_new ("(?i)(bearer\\s+)[a-z0-9._~+/=-]+", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&init, 1);
    }
  if (text == NULL)
    return g_strdup ("");
  /* Bearer tokens first: the pair rule would otherwise hide only the word
   * "Bearer" and leave the token. */
  step = g_regex_replace (bearer, text, -1, 0, "\\1" REDACTED, 0, NULL);
  if (step == NULL)
    return g_strdup (text);
  return g_regex_replace (pairs, step, -1, 0, "\\1" REDACTED, 0, NULL);
}

static char *
safe_value (const char *var_name, const char *repr, guint max)
{
  g_autofree char *red = NULL;

  if (tc_name_is_secret (var_name))
    return g_strdup (REDACTED);
  red = tc_redact_text (repr);
  return max ? tc_text_head (red, max) : g_steal_pointer (&red);
}

static void
frame (GString *out, const char *title)
{
  g_string_append_c (out, '\n');
  for (int i = 0; i < 70; i++)
    g_string_append_c (out, '=');
  g_string_append_printf (out, "\n  %s\n", title);
  for (int i = 0; i < 70; i++)
    g_string_append_c (out, '=');
  g_string_append_c (out, '\n');
}

static char *
redacted_argv (const TcDocSession *s)
{
  GString *out = g_string_new (NULL);
  gboolean hide_next = FALSE;

  for (guint i = 0; s->argv[i]; i++)
    {
      const char *arg = s->argv[i];
      g_autofree char *red = NULL;

      if (hide_next)
        {
          g_string_append_printf (out, "%s" REDACTED, i ? " " : "");
          hide_next = FALSE;
          continue;
        }
      red = tc_redact_text (arg);
      g_string_append_printf (out, "%s%s", i ? " " : "", red);
      /* "--token abc": the flag names a secret, the next item is it. */
      if (g_str_has_prefix (arg, "-") && !strchr (arg, '=') && tc_name_is_secret (arg))
        hide_next = TRUE;
    }
  return g_string_free (out, FALSE);
}

char *
tc_export_for_llm_string (TcDocument *doc, guint max_snaps)
{
  const TcDocSession *s = tc_document_get_session (doc);
  const TcDocCrash *crash = tc_document_get_crash (doc);
  GArray *warnings = tc_document_get_warnings (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  g_autoptr (GPtrArray) vars = g_ptr_array_copy (tc_document_get_vars (doc), NULL, NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *generated = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  g_autofree char *saved = NULL;
  g_autofree char *argv = redacted_argv (s);
  GString *out = g_string_new (NULL);
  GString *var_names = g_string_new (NULL);
  guint n_vars = 0;
  gint64 end_ns;
  /* g_ptr_array_copy keeps the document's free func: never free its records. */
  g_ptr_array_set_free_func (vars, NULL);

  if (max_snaps == 0)
    max_snaps = 50;
  tc_document_get_time_range (doc, NULL, &end_ns);
  saved = tc_wall_time (doc, end_ns, TRUE);

  g_string_append (out, "TIMECAPSULE RECORDING — FOR CLAUDE ANALYSIS\n");
  for (int i = 0; i < 70; i++)
    g_string_append_c (out, '=');
  g_string_append_printf (out, "\nGenerated: %s\nTool: timecapsule v6.0 (v6)\nScript: %s\nArgs: %s\nPython: %s\n"
                          "Backend: %s\nSession: %s\nSaved: %s\n",
                          generated, s->src, argv, s->python, s->backend, s->session_id, saved);
  g_string_append (out, "Note: values of variables that look like secrets are replaced by " REDACTED ".\n");

  for (guint i = 0; i < vars->len; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);

      if (v->history->len == 0 || g_str_has_prefix (v->name, "__"))
        continue;
      if (n_vars++ < 20)
        g_string_append_printf (var_names, "%s%s", var_names->len ? ", " : "", v->display);
    }

  g_string_append (out, "\nSUMMARY\n");
  g_string_append_printf (out, "  Duration: %.6fs\n  Snapshots: %u\n  Variables: %s\n  RAM peak: %.1fMB\n  Warnings: %u\n",
                          tc_document_get_duration (doc), snaps->len, var_names->str,
                          tc_document_get_ram_peak_mb (doc), warnings->len);
  if (crash)
    {
      g_autofree char *msg = tc_redact_text (crash->message);
      g_string_append_printf (out, "  Crash: YES — %s: %s\n", crash->exc_type, msg);
    }
  else
    g_string_append (out, "  Crash: NO\n");
  {
    g_autofree char *mets = tc_report_final_metrics (doc, 50, ", ", FALSE);
    g_string_append_printf (out, "  Metrics: {%s}\n", mets ? mets : "");
  }
  if (tc_document_get_truncated (doc))
    g_string_append_printf (out, "  Truncated: yes (%s)\n", tc_document_get_state_message (doc));
  g_string_free (var_names, TRUE);

  if (crash)
    {
      guint32 line;
      const char *fn = tc_report_crash_fn (doc, &line);
      g_autofree char *msg = tc_redact_text (crash->message);
      g_autofree char *tb = tc_redact_text (crash->traceback);

      frame (out, "CRASH FORENSICS");
      g_string_append_printf (out, "Exception: %s: %s\nLocation: %s():%u\nTime: t=%.4fs\nPlain English: %s\n",
                              crash->exc_type, msg, fn, line, tc_ns_to_s (crash->time_ns),
                              tc_exception_friendly (crash->exc_type));
      if (crash->n_frames > 0)
        {
          g_string_append (out, "\nSource context:\n");
          tc_text_source_context (out, doc, crash->frames[0].code_id, line, 5, ">>>", NULL);
          g_string_append (out, "\nVariables at crash:\n");
          for (guint i = 0; i < crash->frames[0].n_locals; i++)
            {
              const TcDocLocal *loc = &crash->frames[0].locals[i];
              const TcDocVar *var = tc_document_get_var (doc, loc->var_id);
              g_autofree char *v = safe_value (var ? var->name : "", loc->repr, 80);

              g_string_append_printf (out, "  %s = %s  [%s]\n", var ? var->name : "?", v, loc->type_name);
            }
        }
      g_string_append_printf (out, "\nTraceback:\n%s\n", tb);
    }

  {
    g_autofree char *title = g_strdup_printf ("WARNINGS (%u)", warnings->len);

    frame (out, title);
    for (guint i = 0; i < warnings->len; i++)
      {
        const TcDocWarning *w = &g_array_index (warnings, TcDocWarning, i);
        g_autofree char *msg = tc_redact_text (w->message);

        g_string_append_printf (out, "[%s] t=%.4fs  %s  %s\n", w->level == TC_LEVEL_ERROR ? "ERROR" : "WARN",
                                tc_ns_to_s (w->time_ns), w->code, msg);
      }
    if (warnings->len == 0)
      g_string_append (out, "(none)\n");
  }

  if (stats->len > 0)
    {
      frame (out, "FUNCTION PERFORMANCE");
      g_string_append_printf (out, "%-40s %8s %12s %10s %10s\n", "FUNCTION", "CALLS", "TOTAL_MS", "AVG_MS", "P95_MS");
      for (guint i = 0; i < stats->len; i++)
        {
          const TcFunctionStats *st = g_ptr_array_index (stats, i);

          g_string_append_printf (out, "%-40s %8" G_GUINT64_FORMAT " %12.3f %10.3f %10.3f\n", st->name, st->calls,
                                  st->total_ms, st->avg_ms, st->p95_ms);
        }
    }

  frame (out, "VARIABLE TIMELINES");
  for (guint i = 0, shown = 0; i < vars->len && shown < 20; i++)
    {
      const TcDocVar *v = g_ptr_array_index (vars, i);
      const char *prev = NULL;
      guint rows = 0;

      if (v->history->len == 0 || g_str_has_prefix (v->name, "__"))
        continue;
      shown++;
      g_string_append_printf (out, "%s (%u changes)\n", v->display, v->n_changes);
      for (guint p = 0; p < v->history->len && rows < 8; p++)
        {
          const TcDocVarPoint *pt = &g_array_index (v->history, TcDocVarPoint, p);
          g_autofree char *nw = NULL, *old = NULL;

          if (!pt->changed)
            continue;
          nw = safe_value (v->name, pt->local->repr, 60);
          old = prev ? safe_value (v->name, prev, 40) : g_strdup ("∅");
          g_string_append_printf (out, "  t=%.4fs  %s -> %s  [%s]\n", tc_ns_to_s (pt->time_ns), old, nw,
                                  pt->local->type_name);
          prev = pt->local->repr;
          rows++;
        }
    }

  {
    guint m = MIN (max_snaps, snaps->len);
    g_autofree char *title = g_strdup_printf ("SNAPSHOTS (first %u of %u)", m, snaps->len);

    frame (out, title);
    for (guint i = 0; i < m; i++)
      {
        const TcDocSnapshot *sn = &g_array_index (snaps, TcDocSnapshot, i);
        const TcDocCapture *cap = tc_snapshot_origin (sn);
        g_autofree char *where = tc_snapshot_where (doc, sn);

        g_string_append_printf (out, "[%04" G_GUINT64_FORMAT "] t=%.4fs evt=%s fn=%s\n", sn->index,
                                tc_ns_to_s (sn->time_ns), sn->evt, where);
        if (*sn->label)
          g_string_append_printf (out, "  label: %s\n", sn->label);
        for (guint l = 0; cap && l < MIN (8, cap->n_locals); l++)
          {
            const TcDocVar *var = tc_document_get_var (doc, cap->locals[l].var_id);
            g_autofree char *v = safe_value (var ? var->name : "", cap->locals[l].repr, 80);

            g_string_append_printf (out, "  %s = %s  [%s, %" G_GUINT64_FORMAT "B]\n", var ? var->name : "?", v,
                                    cap->locals[l].type_name, cap->locals[l].size);
          }
      }
  }

  frame (out, "HINTS FOR CLAUDE");
  g_string_append (out,
                   "1. Start with CRASH FORENSICS when present: the exception, its line and the variables there.\n"
                   "2. Cross-reference WARNINGS with the timeline: they carry the time they fired.\n"
                   "3. Variable values are repr strings, bounded in length; [REDACTED] hides secrets.\n"
                   "4. Times are elapsed seconds since recording started.\n"
                   "5. Function timings come from call/return hooks: exact counts, inclusive times.\n"
                   "6. Look for the root cause where a variable first took the value that later failed.\n");
  return g_string_free (out, FALSE);
}

gboolean
tc_export_for_llm (TcDocument *doc, const char *out_path, guint max_snaps, GError **error)
{
  g_autofree char *text = tc_export_for_llm_string (doc, max_snaps);

  return tc_write_file_atomic (out_path, text, -1, error);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-deadcode.c — functions that never ran (spec §7.14).  The seed
 * listed names seen in snapshot stacks but missing from its timings, which
 * finds recorder wrappers, not dead code.  Here the embedded source of each
 * tracked file is scanned for `def`/`async def` lines and a function counts
 * as called when a code object of that name in that file has calls.
 */
#include "tc-document-private.h"
#include "tc-text-private.h"

void
tc_deadcode_free (TcDeadcode *d)
{
  if (d == NULL)
    return;
  g_ptr_array_unref (d->never_called);
  g_ptr_array_unref (d->called_once);
  g_ptr_array_unref (d->hot);
  g_array_unref (d->hot_calls);
  g_free (d);
}

static char *
def_name (const char *line)
{
  const char *p = line, *start;

  while (*p == ' ' || *p == '\t')
    p++;
  if (g_str_has_prefix (p, "async "))
    p += 6;
  while (*p == ' ')
    p++;
  if (!g_str_has_prefix (p, "def "))
    return NULL;
  p += 4;
  while (*p == ' ')
    p++;
  start = p;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  return p > start ? g_strndup (start, p - start) : NULL;
}

static void
mark_called (TcDocument *doc, GHashTable *called, guint32 code_id)
{
  const TcDocCode *code = tc_document_get_code (doc, code_id);

  if (code)
    g_hash_table_add (called, g_strdup_printf ("%u\n%s", code->file_id, code->name));
}

TcDeadcode *
tc_analysis_deadcode (TcDocument *doc, const TcTextStyle *style, GString *out)
{
  TcDeadcode *d = g_new0 (TcDeadcode, 1);
  GPtrArray *files = tc_document_get_files (doc);
  GPtrArray *codes = tc_document_get_codes (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  g_autoptr (GHashTable) called = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) hot = g_ptr_array_new ();

  d->never_called = g_ptr_array_new_with_free_func (g_free);
  d->called_once = g_ptr_array_new_with_free_func (g_free);
  d->hot = g_ptr_array_new_with_free_func (g_free);
  d->hot_calls = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      const TcFunctionStats *s = tc_document_get_stats_for (doc, code->id);

      if (s && s->calls > 0)
        g_hash_table_add (called, g_strdup_printf ("%u\n%s", code->file_id, code->name));
    }
  /* Frames already running when the recording started (the function that
   * called record()) have no recorded call, but they ran: every function
   * seen on a captured stack counts as called. */
  {
    GArray *snaps = tc_document_get_snapshots (doc);
    const TcDocCrash *crash = tc_document_get_crash (doc);

    for (guint i = 0; i < snaps->len; i++)
      {
        const TcDocSnapshot *sn = &g_array_index (snaps, TcDocSnapshot, i);

        for (guint t = 0; t < sn->n_threads; t++)
          for (guint k = 0; k < sn->threads[t].n_stack; k++)
            mark_called (doc, called, sn->threads[t].stack[k].code_id);
      }
    for (guint k = 0; crash && k < crash->n_frames; k++)
      mark_called (doc, called, crash->frames[k].code_id);
  }

  for (guint f = 0; f < files->len; f++)
    {
      const TcDocFile *file = g_ptr_array_index (files, f);
      const char *text;
      g_auto (GStrv) lines = NULL;

      if (!(file->flags & TC_FILE_FLAG_TRACKED))
        continue;
      text = tc_document_source_text (doc, file, NULL);
      if (text == NULL)
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint l = 0; lines[l]; l++)
        {
          g_autofree char *name = def_name (lines[l]);
          g_autofree char *key = NULL;

          if (name == NULL)
            continue;
          key = g_strdup_printf ("%u\n%s", file->id, name);
          if (!g_hash_table_contains (called, key))
            g_ptr_array_add (d->never_called, g_strdup_printf ("%s  (%s:%u)", name, file->basename, l + 1));
        }
    }
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);

      if (s->calls == 1)
        g_ptr_array_add (d->called_once, g_strdup (s->name));
      else if (s->calls > 100)
        g_ptr_array_add (hot, (gpointer) s);
    }
  /* Hot: most calls first. */
  for (guint i = 0; i < hot->len; i++)
    for (guint j = i + 1; j < hot->len; j++)
      if (((TcFunctionStats *) hot->pdata[j])->calls > ((TcFunctionStats *) hot->pdata[i])->calls)
        {
          gpointer tmp = hot->pdata[i];
          hot->pdata[i] = hot->pdata[j];
          hot->pdata[j] = tmp;
        }
  for (guint i = 0; i < hot->len; i++)
    {
      const TcFunctionStats *s = hot->pdata[i];

      g_ptr_array_add (d->hot, g_strdup (s->name));
      g_array_append_val (d->hot_calls, s->calls);
    }

  if (out)
    {
      tc_text_banner (out, style, "DEAD CODE");
      g_string_append_printf (out, "  %sNEVER CALLED%s (%u)\n", tc_c (style, TC_RED TC_BOLD), tc_r (style),
                              d->never_called->len);
      for (guint i = 0; i < d->never_called->len; i++)
        g_string_append_printf (out, "    ✗ %s\n", (char *) g_ptr_array_index (d->never_called, i));
      if (d->never_called->len == 0)
        g_string_append (out, "    (every function defined in the tracked files ran)\n");
      g_string_append_printf (out, "\n  %sCALLED ONCE%s (%u)\n", tc_c (style, TC_YELLOW TC_BOLD), tc_r (style),
                              d->called_once->len);
      for (guint i = 0; i < MIN (10, d->called_once->len); i++)
        g_string_append_printf (out, "    · %s\n", (char *) g_ptr_array_index (d->called_once, i));
      g_string_append_printf (out, "\n  %sHOT%s (> 100 calls: %u)\n", tc_c (style, TC_GREEN TC_BOLD), tc_r (style),
                              d->hot->len);
      for (guint i = 0; i < MIN (8, d->hot->len); i++)
        {
          guint64 calls = g_array_index (d->hot_calls, guint64, i);
          g_string_append (out, "    ");
          tc_text_pad (out, g_ptr_array_index (d->hot, i), 30, FALSE);
          g_string_append_printf (out, " ×%-8" G_GUINT64_FORMAT " ", calls);
          for (guint64 b = 0; b < MIN (30, calls / 10); b++)
            g_string_append (out, "█");
          g_string_append_c (out, '\n');
        }
    }
  return d;
}

/* SPDX-License-Identifier: MIT
 *
 * tc-analysis-exception.c — crash explanations and exception_chain (spec
 * §7.4).  The seed keyed variables by bare name and called "root cause"
 * whichever of the first six locals changed last in dict order; here the
 * history is the crashing frame's own variables (identity = code + name)
 * and the root cause is the one whose value changed most recently before
 * the crash.
 */
#include <math.h>

#include "tc-document-private.h"
#include "tc-text-private.h"

typedef struct { const char *type; const char *text; } Friendly;

static const Friendly friendly[] = {
  { "IndexError", "Tried to access list index out of range.\n  Tip: guard with 'if idx < len(lst)' or use enumerate()." },
  { "KeyError", "Dictionary key not found.\n  Tip: use dict.get(key, default) or check 'if key in d'." },
  { "AttributeError", "Object has no such attribute (often None where an object was expected).\n  Tip: check for None and the object's type before the access." },
  { "TypeError", "An operation got a value of the wrong type.\n  Tip: check the types of the arguments (print type(x))." },
  { "NameError", "A name is used before it is defined.\n  Tip: check spelling and that the variable is assigned on every path." },
  { "ZeroDivisionError", "Division by zero.\n  Tip: guard the divisor: 'if d != 0' or use a default." },
  { "RecursionError", "Maximum recursion depth exceeded.\n  Tip: add a base case or rewrite the recursion as a loop." },
  { "MemoryError", "The program ran out of memory.\n  Tip: process data in chunks or use generators." },
  { "FileNotFoundError", "A file or directory does not exist.\n  Tip: check the path and the working directory (os.getcwd())." },
  { "ValueError", "A value has the right type but an invalid content.\n  Tip: validate the input before converting it." },
  { "ImportError", "A module or name could not be imported.\n  Tip: check the installation and the module name." },
  { "StopIteration", "An iterator was exhausted.\n  Tip: use a for loop or next(it, default)." },
  { "OverflowError", "A number is too large for the operation.\n  Tip: check for runaway growth or use arbitrary precision." },
  { "UnicodeDecodeError", "Bytes could not be decoded as text.\n  Tip: pass the right encoding (encoding='utf-8', errors='replace')." },
  { "PermissionError", "The operating system refused access.\n  Tip: check file permissions and ownership." },
  { "TimeoutError", "An operation timed out.\n  Tip: increase the timeout or retry with backoff." },
  { "OSError", "An operating-system call failed.\n  Tip: check errno and the resource (file, socket, device)." },
  { "RuntimeError", "A generic runtime error was raised.\n  Tip: read the message; it usually names the broken invariant." },
  { "NotImplementedError", "A method that must be overridden was called.\n  Tip: implement it in the subclass." },
  { "AssertionError", "An assert statement failed.\n  Tip: print the values in the assertion to see which one is wrong." },
  { "ConnectionError", "A network connection failed.\n  Tip: check the host, port and network; retry with backoff." },
};

const char *
tc_exception_friendly (const char *exc_type)
{
  static GHashTable *fallbacks;
  static GMutex lock;
  const char *text;

  for (guint i = 0; i < G_N_ELEMENTS (friendly); i++)
    if (g_strcmp0 (friendly[i].type, exc_type) == 0)
      return friendly[i].text;
  /* Interned so callers never free it. */
  g_mutex_lock (&lock);
  if (fallbacks == NULL)
    fallbacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  text = g_hash_table_lookup (fallbacks, exc_type ? exc_type : "");
  if (text == NULL)
    {
      char *msg = g_strdup_printf ("An unexpected %s occurred.", exc_type ? exc_type : "exception");

      g_hash_table_insert (fallbacks, g_strdup (exc_type ? exc_type : ""), msg);
      text = msg;
    }
  g_mutex_unlock (&lock);
  return text;
}

typedef struct { const char *type; const char *items[4]; } Checklist;

static const Checklist checklists[] = {
  { "IndexError", { "Check: if idx < len(lst)", "Use enumerate() for index+value loops", "Clip: idx = min(idx, len(lst)-1)", NULL } },
  { "KeyError", { "Use d.get(key, default)", "Check: if key in d", "Use collections.defaultdict", NULL } },
  { "TypeError", { "Print type(x) of each operand", "Convert explicitly: int(), str(), float()", "Check for None returned by a function", NULL } },
  { "AttributeError", { "Check the object is not None", "Check the type with isinstance()", "Use getattr(obj, name, default)", NULL } },
  { "ValueError", { "Validate the input before converting", "Wrap the conversion in try/except ValueError", "Log the offending value", NULL } },
  { "ZeroDivisionError", { "Guard: if divisor != 0", "Use a default when the denominator is 0", NULL } },
  { "NameError", { "Check the spelling of the name", "Assign the variable on every code path", NULL } },
  { "RecursionError", { "Add or fix the base case", "Rewrite the recursion as a loop", NULL } },
  { "MemoryError", { "Process data in chunks", "Use generators instead of lists", "Free large objects with del", NULL } },
};

const char * const *
tc_exception_checklist (const char *exc_type)
{
  static const char *none[] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (checklists); i++)
    if (g_strcmp0 (checklists[i].type, exc_type) == 0)
      return checklists[i].items;
  return none;
}

void
tc_text_source_context (GString *out, TcDocument *doc, guint32 code_id, guint32 line,
                        guint radius, const char *marker, const TcTextStyle *style)
{
  const TcDocCode *code = tc_document_get_code (doc, code_id);
  const TcDocFile *file = code ? tc_document_get_file (doc, code->file_id) : NULL;
  const char *text = tc_document_source_text (doc, file, NULL);
  g_auto (GStrv) lines = NULL;
  guint n, first, last;

  if (text == NULL || line == 0)
    {
      g_string_append (out, "    (source not available)\n");
      return;
    }
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  first = line > radius ? line - radius : 1;
  last = MIN (n, line + radius);
  for (guint l = first; l <= last; l++)
    {
      gboolean here = l == line;

      /* Pad the marker by display width: "►" is one column, three bytes. */
      g_string_append_printf (out, "  %s", here ? tc_c (style, TC_RED) : tc_c (style, TC_DIM));
      tc_text_pad (out, here ? marker : "", 3, FALSE);
      g_string_append_printf (out, " %4u  %s%s\n", l, lines[l - 1], tc_r (style));
    }
}

void
tc_exception_chain_free (TcExceptionChain *chain)
{
  if (chain == NULL)
    return;
  g_free (chain->bad_var);
  g_free (chain->bad_value);
  g_free (chain->introduced_in);
  g_free (chain);
}

TcExceptionChain *
tc_analysis_exception_chain (TcDocument *doc, const TcTextStyle *style, GString *out)
{
  const TcDocCrash *crash = tc_document_get_crash (doc);
  GArray *snaps = tc_document_get_snapshots (doc);
  TcExceptionChain *chain = g_new0 (TcExceptionChain, 1);
  const TcDocCrashFrame *frame;
  guint shown = 0;

  if (out)
    tc_text_banner (out, style, "EXCEPTION CHAIN");
  if (crash == NULL)
    {
      if (out)
        g_string_append_printf (out, "  %s✓ No crash in this recording.%s\n",
                                tc_c (style, TC_GREEN), tc_r (style));
      return chain;
    }
  chain->has_crash = TRUE;
  frame = crash->n_frames > 0 ? &crash->frames[0] : NULL;

  if (out)
    {
      g_string_append_printf (out, "  %s⚠  %s: %s%s\n", tc_c (style, TC_RED TC_BOLD),
                              crash->exc_type, crash->message, tc_r (style));
      if (frame)
        g_string_append_printf (out, "  in %s()  line %u  t=%.4fs\n",
                                tc_document_code_name (doc, frame->code_id), frame->line,
                                tc_ns_to_s (crash->time_ns));
      if (*crash->cause)
        g_string_append_printf (out, "  chain: %s\n", crash->cause);
      g_string_append (out, "\n  Variables at crash:\n");
      for (guint i = 0; frame && i < frame->n_locals; i++)
        {
          const TcDocVar *var = tc_document_get_var (doc, frame->locals[i].var_id);
          g_autofree char *r = tc_text_head (frame->locals[i].repr, 60);

          if (var && g_str_has_prefix (var->name, "__"))
            continue;
          g_string_append_printf (out, "    %-20s = %s  [%s]\n", var ? var->name : "?", r,
                                  frame->locals[i].type_name);
        }
      g_string_append (out, "\n  How the values got there:\n");
    }

  /* The history of each local of the crashing frame, up to the crash. */
  for (guint i = 0; frame && i < frame->n_locals && shown < 6; i++)
    {
      const TcDocLocal *crash_local = &frame->locals[i];
      const TcDocVar *var = tc_document_get_var (doc, crash_local->var_id);
      g_autoptr (GPtrArray) values = g_ptr_array_new ();
      g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
      gint64 changed_at = -1;
      const char *changed_in = NULL;

      if (var == NULL || g_str_has_prefix (var->name, "__"))
        continue;
      shown++;
      for (guint p = 0; p < var->history->len; p++)
        {
          const TcDocVarPoint *pt = &g_array_index (var->history, TcDocVarPoint, p);

          if (pt->time_ns > crash->time_ns + 10000000)
            break;
          g_ptr_array_add (values, (char *) pt->local->repr);
          g_array_append_val (times, pt->time_ns);
        }
      /* The crash value is the last value. */
      g_ptr_array_add (values, (char *) crash_local->repr);
      g_array_append_val (times, crash->time_ns);

      for (guint k = values->len - 1; k > 0; k--)
        if (strcmp (g_ptr_array_index (values, k - 1), crash_local->repr) != 0)
          {
            guint s = 0;

            changed_at = g_array_index (times, gint64, k);
            /* Which function was running at that capture. */
            for (guint p = 0; p < var->history->len; p++)
              if (g_array_index (var->history, TcDocVarPoint, p).time_ns == changed_at)
                s = g_array_index (var->history, TcDocVarPoint, p).snapshot;
            changed_in = k < values->len - 1 && s < snaps->len
                         ? tc_snapshot_fn (doc, &g_array_index (snaps, TcDocSnapshot, s))
                         : tc_document_code_name (doc, frame->code_id);
            break;
          }

      if (out)
        {
          guint from = values->len > 5 ? values->len - 5 : 0;

          g_string_append_printf (out, "    %s%s%s: ", tc_c (style, TC_BOLD), var->name, tc_r (style));
          for (guint k = from; k < values->len; k++)
            {
              g_autofree char *v = tc_text_head (g_ptr_array_index (values, k), 12);

              g_string_append_printf (out, "%s%s", k > from ? " → " : "", v);
            }
          g_string_append (out, " (CRASH)\n");
          if (changed_at >= 0)
            g_string_append_printf (out, "      changed at t=%.4fs in %s()\n", tc_ns_to_s (changed_at), changed_in);
        }
      if (changed_at >= 0 && (!chain->has_root_cause || changed_at >= chain->introduced_ns))
        {
          chain->has_root_cause = TRUE;
          g_free (chain->bad_var);
          g_free (chain->bad_value);
          g_free (chain->introduced_in);
          chain->bad_var = g_strdup (var->name);
          chain->bad_value = g_strdup (crash_local->repr);
          chain->introduced_ns = changed_at;
          chain->introduced_in = g_strdup (changed_in);
        }
    }

  if (out)
    {
      const char * const *hints = tc_exception_checklist (crash->exc_type);

      if (chain->has_root_cause)
        g_string_append_printf (out, "\n  %sLikely root cause:%s %s = %s, last changed at t=%.4fs in %s()\n",
                                tc_c (style, TC_YELLOW TC_BOLD), tc_r (style), chain->bad_var,
                                chain->bad_value, tc_ns_to_s (chain->introduced_ns), chain->introduced_in);
      if (frame)
        {
          g_string_append (out, "\n  Source context:\n");
          tc_text_source_context (out, doc, frame->code_id, frame->line, 5, "►", style);
        }
      if (hints[0])
        {
          g_string_append (out, "\n  Fix hints:\n");
          for (guint i = 0; hints[i]; i++)
            g_string_append_printf (out, "    ☐ %s\n", hints[i]);
        }
    }
  return chain;
}

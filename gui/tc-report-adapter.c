/* tc-report-adapter.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "tc-report.h"

#include "tc-report-adapter.h"

/* Wide enough that no suggestion is wrapped. */
#define REPORT_WIDTH 400

void
tc_suggestion_free (TcSuggestion *suggestion)
{
  if (suggestion == NULL)
    return;

  g_free (suggestion->tag);
  g_free (suggestion->text);
  g_free (suggestion);
}

/* Lines of the report section whose title starts with @title, between its
 * banner and the next banner. */
static char **
section_lines (TcDocument *document,
               const char *title)
{
  TcReportOptions options = { { REPORT_WIDTH, FALSE }, 0, TRUE, NULL };
  g_autofree char *report = tc_report_render (document, &options);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean inside = FALSE;

  if (report == NULL)
    return g_new0 (char *, 1);

  lines = g_strsplit (report, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *stripped = lines[i];

      while (*stripped == ' ')
        stripped++;

      if (g_str_has_prefix (lines[i], "═"))
        {
          /* A banner is rule, title, rule: the title line decides. */
          if (inside && lines[i + 1] != NULL && !g_str_has_prefix (lines[i + 1], "═"))
            break;
          continue;
        }

      if (!inside)
        {
          if (g_str_has_prefix (stripped, title))
            {
              inside = TRUE;
              /* Skip the banner's closing rule. */
              if (lines[i + 1] != NULL && g_str_has_prefix (lines[i + 1], "═"))
                i++;
            }
          continue;
        }

      g_strv_builder_add (builder, lines[i]);
    }

  return g_strv_builder_end (builder);
}

/**
 * _tc_report_adapter_suggestions:
 *
 * Returns: (transfer full) (element-type TcSuggestion): section 13's
 *   "[TAG]  text" lines; empty when the report found nothing to suggest
 */
GPtrArray *
_tc_report_adapter_suggestions (TcDocument *document)
{
  g_auto(GStrv) lines = section_lines (document, "OPTIMIZATION SUGGESTIONS");
  GPtrArray *suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify)tc_suggestion_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *close;
      TcSuggestion *suggestion;

      while (*line == ' ')
        line++;
      if (*line != '[' || (close = strchr (line, ']')) == NULL)
        continue;

      suggestion = g_new0 (TcSuggestion, 1);
      suggestion->tag = g_strstrip (g_strndup (line + 1, close - line - 1));
      suggestion->text = g_strstrip (g_strdup (close + 1));
      g_ptr_array_add (suggestions, suggestion);
    }

  return suggestions;
}

/**
 * _tc_report_adapter_checklist:
 *
 * Returns: (transfer full) (element-type utf8): the crash section's fix
 *   checklist items (without the ☐), empty without a crash or checklist
 */
GPtrArray *
_tc_report_adapter_checklist (TcDocument *document)
{
  g_auto(GStrv) lines = section_lines (document, "CRASH FORENSICS");
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  gboolean inside = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *box = strstr (lines[i], "☐");

      if (strstr (lines[i], "Fix checklist") != NULL)
        {
          inside = TRUE;
          continue;
        }
      if (!inside)
        continue;
      if (box == NULL)
        break;

      g_ptr_array_add (items, g_strstrip (g_strdup (box + strlen ("☐"))));
    }

  return items;
}

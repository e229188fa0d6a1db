/* SPDX-License-Identifier: MIT
 *
 * fuzz-document.c — libFuzzer target for the analysis loader: the input is
 * loaded as a TcDocument (through a memfd, so the real path-based loader
 * with its mmap runs) and everything a viewer or the CLI derives from it is
 * computed: the text report, the summary line, explain(), the dump, the
 * JSON and LLM exports, and the flame-chart spans of every thread.
 *
 * Build with -Dfuzzing=true (clang), run:
 *   build-fuzz/tests/analysis-fuzz/fuzz-document -max_total_time=60 CORPUS_DIR
 * The seed corpus is written by the 'reliability' suite's hostile-files test
 * (TC_CORPUS_DIR) and by the format suite.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tc-document.h"
#include "tc-export.h"
#include "tc-report.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Warnings about a hostile file are expected; a critical (a failed
 * g_return_if_fail) means the loader passed something invalid along, which
 * is a bug: abort so libFuzzer keeps the input. */
static void
log_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      fprintf (stderr, "%s: %s\n", domain ? domain : "", message);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_default_handler (log_handler, NULL);
  return 0;
}

static gboolean
count_event (const TcEvent *event, gpointer user_data)
{
  (*(guint64 *) user_data)++;
  return TRUE;
}

static void
exercise (TcDocument *doc)
{
  TcReportOptions report = { .style = { .width = 100 } };
  TcDumpOptions dump = { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, 50 };
  TcTextStyle style = { .width = 80 };
  GPtrArray *threads = tc_document_get_threads (doc);
  gint64 start, end;

  g_free (tc_report_render (doc, &report));
  report.full = TRUE;
  report.style.width = 40;
  g_free (tc_report_render (doc, &report));
  g_free (tc_report_summary_line (doc, &style));
  g_free (tc_report_explain (doc, TRUE, &style));
  g_free (tc_report_dump (doc, &dump, &style));
  g_free (tc_export_json_string (doc));
  g_free (tc_export_for_llm_string (doc, 20));

  tc_document_get_time_range (doc, &start, &end);
  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);
      g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (TcSpan));
      guint64 n = 0;

      tc_document_collect_spans (doc, thread->id, start, end, 0, spans, NULL);
      tc_document_foreach_event (doc, thread->id, start, end, count_event, &n, NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char path[64];
  int fd = memfd_create ("tc-fuzz", MFD_CLOEXEC);
  size_t done = 0;

  if (fd < 0)
    abort ();
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);
      if (n <= 0)
        abort ();
      done += (size_t) n;
    }
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, &error);

    if (doc != NULL)
      exercise (doc);
    else if (error == NULL || error->message[0] == '\0')
      abort (); /* a failed load must say why */
  }
  close (fd);
  return 0;
}

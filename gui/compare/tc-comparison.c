/* tc-comparison.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tc-compare-flame.h"
#include "tc-comparison.h"

struct _TcComparison
{
  GObject      parent_instance;

  TcDocument  *before;
  TcDocument  *after;

  GArray      *rows;           /* TcCompareRow */
  GHashTable  *row_by_name;    /* name → row index + 1 */
  GArray      *findings;       /* TcPatchFinding */
  char        *summary;
  GArray      *warnings;       /* TcWarningDelta */
  TcFlameTree *flame;          /* the after tree */
  GArray      *node_before;    /* gint64 per flame node */
  GHashTable  *before_keys;    /* code id → function key, to match paths */
  GHashTable  *after_keys;
  char        *flame_thread;   /* NULL: all threads */
  gboolean     cpu_only;
  GPtrArray   *thread_names;   /* in both recordings, busiest after first */
  GPtrArray   *series_names;
};

G_DEFINE_FINAL_TYPE (TcComparison, tc_comparison, G_TYPE_OBJECT)

static char *
function_key (const char *qualname,
              const char *file)
{
  return g_strconcat (qualname, "\n", file, NULL);
}

static const char *
code_file (TcDocument      *doc,
           const TcDocCode *code)
{
  const TcDocFile *file = code->file_id ? tc_document_get_file (doc, code->file_id) : NULL;

  return file != NULL ? file->basename : "";
}

/* qualname → the single file it lives in, or "" when it lives in several. */
static GHashTable *
files_by_qualname (TcDocument *doc)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *codes = tc_document_get_codes (doc);

  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);
      const char *file = code_file (doc, code);
      const char *seen = g_hash_table_lookup (table, code->qualname);

      if (seen == NULL)
        g_hash_table_insert (table, (char *)code->qualname, (char *)file);
      else if (strcmp (seen, file) != 0)
        g_hash_table_insert (table, (char *)code->qualname, (char *)"");
    }

  return table;
}

/* The key under which a code object of `doc` is compared: its qualname and
 * file, except that a qualname living in exactly one file on both sides is
 * matched by name alone (the script was renamed or moved between runs). */
static char *
code_key (TcDocument      *doc,
          const TcDocCode *code,
          GHashTable      *files_here,
          GHashTable      *files_there)
{
  const char *here = g_hash_table_lookup (files_here, code->qualname);
  const char *there = g_hash_table_lookup (files_there, code->qualname);

  if (here != NULL && there != NULL && *here && *there && strcmp (here, there) != 0)
    return function_key (code->qualname, "*");

  return function_key (code->qualname, code_file (doc, code));
}

static TcCompareRow *
ensure_row (TcComparison    *self,
            const char      *key,
            TcDocument      *doc,
            const TcDocCode *code)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->row_by_name, key));
  TcCompareRow row = { 0 };

  if (index > 0)
    return &g_array_index (self->rows, TcCompareRow, index - 1);

  row.name = code->qualname;
  row.file = code_file (doc, code);
  g_array_append_val (self->rows, row);
  g_hash_table_insert (self->row_by_name, g_strdup (key), GUINT_TO_POINTER (self->rows->len));

  return &g_array_index (self->rows, TcCompareRow, self->rows->len - 1);
}

static void
add_side (TcComparison *self,
          TcDocument   *doc,
          gboolean      after,
          GHashTable   *files_here,
          GHashTable   *files_there,
          GHashTable   *keys_out)
{
  GPtrArray *codes = tc_document_get_codes (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);

  /* Every code object has a key, for the flame graph's paths … */
  for (guint i = 0; i < codes->len; i++)
    {
      const TcDocCode *code = g_ptr_array_index (codes, i);

      g_hash_table_insert (keys_out, GUINT_TO_POINTER (code->id),
                           code_key (doc, code, files_here, files_there));
    }

  /* … but the table, like the analysis' timing tables and patch_summary,
   * lists the functions the document times for the user (tracked code). */
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *s = g_ptr_array_index (stats, i);
      const TcDocCode *code = tc_document_get_code (doc, s->code_id);
      TcCompareRow *row;

      if (code == NULL || s->calls == 0)
        continue;

      row = ensure_row (self, g_hash_table_lookup (keys_out, GUINT_TO_POINTER (code->id)), doc, code);
      if (after)
        {
          row->calls_after += s->calls;
          row->total_after_ms += s->total_ms;
          row->self_after_ms += s->self_ms;
          if (row->line_after == 0)
            {
              row->line_after = code->first_line;
              row->file_id_after = code->file_id;
            }
        }
      else
        {
          row->calls_before += s->calls;
          row->total_before_ms += s->total_ms;
          row->self_before_ms += s->self_ms;
          if (row->line_before == 0)
            row->line_before = code->first_line;
        }
    }
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  double da = fabs (tc_compare_row_delta_ms (a));
  double db = fabs (tc_compare_row_delta_ms (b));

  if (da != db)
    return da < db ? 1 : -1;

  return strcmp (((const TcCompareRow *)a)->name, ((const TcCompareRow *)b)->name);
}

static void
build_rows (TcComparison *self,
            GHashTable   *before_keys,
            GHashTable   *after_keys)
{
  g_autoptr(GHashTable) files_before = files_by_qualname (self->before);
  g_autoptr(GHashTable) files_after = files_by_qualname (self->after);

  add_side (self, self->before, FALSE, files_before, files_after, before_keys);
  add_side (self, self->after, TRUE, files_after, files_before, after_keys);

  for (guint i = 0; i < self->rows->len; i++)
    {
      TcCompareRow *row = &g_array_index (self->rows, TcCompareRow, i);

      row->avg_before_ms = row->calls_before ? row->total_before_ms / row->calls_before : 0.0;
      row->avg_after_ms = row->calls_after ? row->total_after_ms / row->calls_after : 0.0;
      if (row->calls_before == 0)
        row->status = TC_COMPARE_NEW;
      else if (row->calls_after == 0)
        row->status = TC_COMPARE_REMOVED;
      else
        row->status = TC_COMPARE_BOTH;
    }

  g_array_sort (self->rows, compare_rows);

  g_hash_table_remove_all (self->row_by_name);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const TcCompareRow *row = &g_array_index (self->rows, TcCompareRow, i);

      /* By name for lookups; the first (biggest) row wins a duplicate. */
      if (!g_hash_table_contains (self->row_by_name, row->name))
        g_hash_table_insert (self->row_by_name, g_strdup (row->name), GUINT_TO_POINTER (i + 1));
    }
}

static void
build_warnings (TcComparison *self)
{
  GArray *lists[2] = { tc_document_get_warnings (self->before), tc_document_get_warnings (self->after) };
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint side = 0; side < 2; side++)
    for (guint i = 0; i < lists[side]->len; i++)
      {
        const TcDocWarning *w = &g_array_index (lists[side], TcDocWarning, i);
        guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (index, w->code));
        TcWarningDelta *delta;

        if (pos == 0)
          {
            TcWarningDelta empty = { w->code, 0, 0 };

            g_array_append_val (self->warnings, empty);
            pos = self->warnings->len;
            g_hash_table_insert (index, (char *)w->code, GUINT_TO_POINTER (pos));
          }

        delta = &g_array_index (self->warnings, TcWarningDelta, pos - 1);
        if (side == 0)
          delta->n_before++;
        else
          delta->n_after++;
      }
}

/* Path of a flame node as code ids from the root's child down. */
static guint
node_path (const TcFlameTree *tree,
           guint32            node,
           guint32           *path,
           guint              max)
{
  guint n = 0;

  for (guint32 i = node; i != TC_FLAME_NONE && n < max; i = tc_flame_tree_get_node (tree, i)->parent)
    {
      const TcFlameNode *fn = tc_flame_tree_get_node (tree, i);

      if (fn->parent == TC_FLAME_NONE)
        break;
      path[n++] = fn->code_id;
    }

  for (guint i = 0; i < n / 2; i++)
    {
      guint32 tmp = path[i];

      path[i] = path[n - 1 - i];
      path[n - 1 - i] = tmp;
    }

  return n;
}

/* The differential tree for the current thread choice and CPU-only flag:
 * the same threads (by name) and the same filter on both sides. */
static void
build_flame (TcComparison *self)
{
  GHashTable *before_keys = self->before_keys;
  GHashTable *after_keys = self->after_keys;
  g_autoptr(TcFlameTree) before_tree = tc_compare_flame_tree_new (self->before, self->flame_thread, self->cpu_only);
  g_autoptr(GHashTable) before_by_key = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  guint n;

  g_clear_pointer (&self->flame, tc_flame_tree_unref);
  self->flame = tc_compare_flame_tree_new (self->after, self->flame_thread, self->cpu_only);
  n = tc_flame_tree_get_n_nodes (self->flame);
  g_array_set_size (self->node_before, n);

  g_hash_table_iter_init (&iter, before_keys);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (before_by_key, value))
      g_hash_table_insert (before_by_key, value, key);

  for (guint32 i = 0; i < n; i++)
    {
      guint32 path[256];
      guint len = node_path (self->flame, i, path, G_N_ELEMENTS (path));
      gint64 weight = -1;
      gboolean known = TRUE;
      guint32 found;

      if (i == 0 || tc_flame_tree_get_node (self->flame, i)->parent == TC_FLAME_NONE)
        {
          g_array_index (self->node_before, gint64, i) = tc_flame_tree_get_total (before_tree);
          continue;
        }

      for (guint k = 0; k < len && known; k++)
        {
          const char *akey = g_hash_table_lookup (after_keys, GUINT_TO_POINTER (path[k]));
          gpointer bid = akey ? g_hash_table_lookup (before_by_key, akey) : NULL;

          known = bid != NULL;
          path[k] = GPOINTER_TO_UINT (bid);
        }

      if (known)
        {
          found = tc_flame_tree_find_path (before_tree, path, len);
          if (found != TC_FLAME_NONE)
            weight = tc_flame_tree_get_node (before_tree, found)->total;
        }

      g_array_index (self->node_before, gint64, i) = weight;
    }
}

/* Threads of "after" that also ran in "before", by name. */
static void
build_thread_names (TcComparison *self)
{
  g_autoptr(GPtrArray) after = tc_compare_thread_names (self->after);
  g_autoptr(GPtrArray) before = tc_compare_thread_names (self->before);

  self->thread_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < after->len; i++)
    for (guint k = 0; k < before->len; k++)
      if (g_str_equal (after->pdata[i], before->pdata[k]))
        {
          g_ptr_array_add (self->thread_names, g_strdup (after->pdata[i]));
          break;
        }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static void
build_series_names (TcComparison *self)
{
  GPtrArray *lists[2] = { tc_document_get_counters (self->after), tc_document_get_metrics (self->after) };

  for (guint k = 0; k < 2; k++)
    {
      guint first = self->series_names->len;

      for (guint i = 0; i < lists[k]->len; i++)
        {
          const TcDocSeries *series = g_ptr_array_index (lists[k], i);

          const TcDocSeries *before = tc_comparison_get_series (self, series->name, FALSE);

          /* Something to draw: a line on at least one side. */
          if (series->points->len > 0 && before != NULL &&
              (series->points->len > 1 || before->points->len > 1))
            g_ptr_array_add (self->series_names, (char *)series->name);
        }

      /* Sort each group on its own: counters stay first. */
      if (self->series_names->len > first + 1)
        qsort (self->series_names->pdata + first, self->series_names->len - first,
               sizeof (gpointer), compare_names);
    }
}

static void
tc_comparison_finalize (GObject *object)
{
  TcComparison *self = (TcComparison *)object;

  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->row_by_name, g_hash_table_unref);
  g_clear_pointer (&self->findings, g_array_unref);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->warnings, g_array_unref);
  g_clear_pointer (&self->flame, tc_flame_tree_unref);
  g_clear_pointer (&self->node_before, g_array_unref);
  g_clear_pointer (&self->before_keys, g_hash_table_unref);
  g_clear_pointer (&self->after_keys, g_hash_table_unref);
  g_clear_pointer (&self->flame_thread, g_free);
  g_clear_pointer (&self->thread_names, g_ptr_array_unref);
  g_clear_pointer (&self->series_names, g_ptr_array_unref);
  g_clear_object (&self->before);
  g_clear_object (&self->after);

  G_OBJECT_CLASS (tc_comparison_parent_class)->finalize (object);
}

static void
tc_comparison_class_init (TcComparisonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_comparison_finalize;
}

static void
tc_comparison_init (TcComparison *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (TcCompareRow));
  self->row_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->warnings = g_array_new (FALSE, TRUE, sizeof (TcWarningDelta));
  self->node_before = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->series_names = g_ptr_array_new ();
}

/**
 * tc_comparison_new:
 * @before: the recording before the change
 * @after: the recording after it
 *
 * Computes everything at once (a few milliseconds for ordinary recordings).
 *
 * Returns: (transfer full): the comparison
 */
TcComparison *
tc_comparison_new (TcDocument *before,
                   TcDocument *after)
{
  g_autoptr(GString) text = g_string_new (NULL);
  TcTextStyle style = { 100, FALSE };
  TcComparison *self;

  g_return_val_if_fail (TC_IS_DOCUMENT (before), NULL);
  g_return_val_if_fail (TC_IS_DOCUMENT (after), NULL);

  self = g_object_new (TC_TYPE_COMPARISON, NULL);
  self->before = g_object_ref (before);
  self->after = g_object_ref (after);

  self->before_keys = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->after_keys = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  build_rows (self, self->before_keys, self->after_keys);
  build_warnings (self);
  build_thread_names (self);
  /* Comparing a patch is about CPU work: waiting is left out at first. */
  self->cpu_only = TRUE;
  build_flame (self);
  build_series_names (self);

  self->findings = tc_analysis_patch_summary (before, after, &style, text);
  self->summary = g_string_free (g_steal_pointer (&text), FALSE);

  return self;
}

TcDocument *
tc_comparison_get_before (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->before;
}

TcDocument *
tc_comparison_get_after (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->after;
}

GArray *
tc_comparison_get_rows (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->rows;
}

const TcCompareRow *
tc_comparison_find_row (TcComparison *self,
                        const char   *name)
{
  guint index;

  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (self->row_by_name, name));

  return index > 0 ? &g_array_index (self->rows, TcCompareRow, index - 1) : NULL;
}

double
tc_compare_row_delta_ms (const TcCompareRow *row)
{
  return row->total_after_ms - row->total_before_ms;
}

double
tc_compare_row_delta_pct (const TcCompareRow *row)
{
  if (row->total_before_ms <= 0.0)
    return NAN;

  return (row->total_after_ms - row->total_before_ms) / row->total_before_ms * 100.0;
}

int
tc_patch_finding_tone (const TcPatchFinding *finding)
{
  static const char * const good[] = { "FASTER", "FIXED", "LESS RAM", "LESS GPU", "FIX WRN" };
  static const char * const bad[] = { "SLOWER", "BROKE", "MORE RAM", "MORE GPU", "NEW WRN" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      if (g_str_equal (finding->tag, good[i]))
        return 1;
      if (g_str_equal (finding->tag, bad[i]))
        return -1;
    }
  return 0;
}

GArray *
tc_comparison_get_findings (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->findings;
}

const char *
tc_comparison_get_summary_text (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->summary;
}

GArray *
tc_comparison_get_warnings (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->warnings;
}

TcCrashVerdict
tc_comparison_get_crash_verdict (TcComparison *self)
{
  gboolean was, is;

  g_return_val_if_fail (TC_IS_COMPARISON (self), TC_CRASH_VERDICT_NONE);

  was = tc_document_get_crash (self->before) != NULL;
  is = tc_document_get_crash (self->after) != NULL;

  if (was && is)
    return TC_CRASH_VERDICT_STILL;
  if (was)
    return TC_CRASH_VERDICT_FIXED;
  if (is)
    return TC_CRASH_VERDICT_NEW;

  return TC_CRASH_VERDICT_NONE;
}

double
tc_comparison_get_duration (TcComparison *self,
                            gboolean      after)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), 0.0);

  return tc_document_get_duration (after ? self->after : self->before);
}

double
tc_comparison_get_ram_peak (TcComparison *self,
                            gboolean      after)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), 0.0);

  return tc_document_get_ram_peak_mb (after ? self->after : self->before);
}

TcFlameTree *
tc_comparison_get_flame_tree (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->flame;
}

gint64
tc_comparison_get_node_before (TcComparison *self,
                               guint32       node)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), -1);
  g_return_val_if_fail (node < self->node_before->len, -1);

  return g_array_index (self->node_before, gint64, node);
}

const char *
tc_comparison_node_name (TcComparison *self,
                         guint32       node)
{
  const TcFlameNode *fn;

  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  fn = tc_flame_tree_get_node (self->flame, node);
  if (fn->parent == TC_FLAME_NONE)
    return "all";

  return tc_document_code_name (self->after, fn->code_id);
}

GPtrArray *
tc_comparison_get_series_names (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->series_names;
}

const TcDocSeries *
tc_comparison_get_series (TcComparison *self,
                          const char   *name,
                          gboolean      after)
{
  TcDocument *doc;
  const TcDocSeries *series;

  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  doc = after ? self->after : self->before;
  series = tc_document_get_counter (doc, name);
  if (series == NULL)
    series = tc_document_get_metric (doc, name);

  return series != NULL && series->points->len > 0 ? series : NULL;
}

/**
 * tc_comparison_set_flame_view:
 * @thread_name: (nullable): the threads of that name on both sides, or %NULL
 *   for all threads
 * @cpu_only: leave out idle threads and the time in blocking calls
 *
 * Rebuilds the differential flame tree; the nodes of the previous tree are
 * no longer valid.
 */
void
tc_comparison_set_flame_view (TcComparison *self,
                              const char   *thread_name,
                              gboolean      cpu_only)
{
  g_return_if_fail (TC_IS_COMPARISON (self));

  if (g_strcmp0 (thread_name, self->flame_thread) == 0 && !cpu_only == !self->cpu_only)
    return;
  g_free (self->flame_thread);
  self->flame_thread = g_strdup (thread_name);
  self->cpu_only = !!cpu_only;
  build_flame (self);
}

/* The thread the flame tree shows (NULL: all) and whether it is CPU only. */
const char *
tc_comparison_get_flame_thread (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->flame_thread;
}

gboolean
tc_comparison_get_cpu_only (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), FALSE);

  return self->cpu_only;
}

/**
 * tc_comparison_get_thread_names:
 *
 * Returns: (transfer none) (element-type utf8): the thread names that ran
 *   in both recordings, busiest (CPU-only time after) first
 */
GPtrArray *
tc_comparison_get_thread_names (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  return self->thread_names;
}

/**
 * tc_comparison_describe_flame_view:
 *
 * Returns: (transfer full): what the flame tree covers, as a phrase for a
 *   caption: "All threads, CPU only", "Thread “worker”, wall time" …
 */
char *
tc_comparison_describe_flame_view (TcComparison *self)
{
  g_return_val_if_fail (TC_IS_COMPARISON (self), NULL);

  if (self->flame_thread == NULL)
    return g_strdup (self->cpu_only ? _("All threads, CPU only (time in blocking calls left out)")
                                    : _("All threads, wall time"));
  return g_strdup_printf (self->cpu_only ? _("Thread “%s”, CPU only (blocking calls left out)")
                                         : _("Thread “%s”, wall time"),
                          self->flame_thread);
}

/* SPDX-License-Identifier: MIT
 *
 * tc-baseline.c — baseline store, diff_baseline and regression_check.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sys/file.h>
#include <unistd.h>

#include "tc-baseline.h"
#include "tc-document-private.h"
#include "tc-export.h"
#include "tc-json-private.h"
#include "tc-text-private.h"

G_DEFINE_QUARK (tc-baseline-error-quark, tc_baseline_error)

char *
tc_baseline_dir (void)
{
  const char *state = g_getenv ("XDG_STATE_HOME");

  /* Read the variable every time (not g_get_user_state_dir, which caches):
   * CI jobs and tests point it elsewhere. */
  if (state && g_path_is_absolute (state))
    return g_build_filename (state, "timecapsule", "baselines", NULL);
  return g_build_filename (g_get_home_dir (), ".local", "state", "timecapsule", "baselines", NULL);
}

char *
tc_baseline_project (TcDocument *doc, const char *project)
{
  char *name;

  if (project && *project)
    name = g_strdup (project);
  else
    name = g_strdup (tc_document_get_session (doc)->script);
  if (*name == '\0' || g_str_equal (name, "?"))
    {
      g_free (name);
      name = g_strdup ("default");
    }
  /* A project name becomes a file name. */
  g_strdelimit (name, "/\\:*?\"<>| ", '_');
  return name;
}

static char *
store_path (const char *project, const char *suffix)
{
  g_autofree char *dir = tc_baseline_dir ();
  g_autofree char *file = g_strconcat (project, suffix, NULL);

  return g_build_filename (dir, file, NULL);
}

/* Exclusive lock on <project>.lock for the read-modify-write of the store. */
static int
lock_store (const char *project, GError **error)
{
  g_autofree char *dir = tc_baseline_dir ();
  g_autofree char *path = store_path (project, ".lock");
  int fd;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, TC_BASELINE_ERROR, TC_BASELINE_ERROR_STORE, "cannot create %s: %s", dir, g_strerror (e));
      return -1;
    }
  fd = open (path, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, TC_BASELINE_ERROR, TC_BASELINE_ERROR_STORE, "cannot lock %s: %s", path, g_strerror (e));
      return -1;
    }
  return fd;
}

static void
unlock_store (int fd)
{
  flock (fd, LOCK_UN);
  close (fd);
}

static GKeyFile *
read_store (const char *project, GError **error)
{
  g_autofree char *path = store_path (project, ".baseline");
  GKeyFile *kf = g_key_file_new ();
  GError *local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_clear_error (&local);
      else
        {
          g_set_error (error, TC_BASELINE_ERROR, TC_BASELINE_ERROR_STORE, "unreadable baseline store %s: %s",
                       path, local->message);
          g_error_free (local);
          g_key_file_unref (kf);
          return NULL;
        }
    }
  return kf;
}

static char *
record_json (GKeyFile *kf, const char *group)
{
  g_auto (GStrv) fns = g_key_file_get_string_list (kf, group, "functions", NULL, NULL);
  gsize n_calls = 0, n_avg = 0, n_p95 = 0;
  g_autofree gint *calls = g_key_file_get_integer_list (kf, group, "calls", &n_calls, NULL);
  g_autofree double *avg = g_key_file_get_double_list (kf, group, "avg_ms", &n_avg, NULL);
  g_autofree double *p95 = g_key_file_get_double_list (kf, group, "p95_ms", &n_p95, NULL);
  GString *out = g_string_new (NULL);
  TcJson json;
  static const char *strings[] = { "name", "project", "src", "saved_at", "session_id" };

  tc_json_init (&json, out, TRUE);
  tc_json_begin_object (&json);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autofree char *v = g_key_file_get_string (kf, group, strings[i], NULL);
      tc_json_kv_string (&json, strings[i], v ? v : "");
    }
  tc_json_kv_double (&json, "duration", g_key_file_get_double (kf, group, "duration", NULL));
  tc_json_kv_int (&json, "n_snaps", g_key_file_get_int64 (kf, group, "n_snaps", NULL));
  tc_json_kv_double (&json, "ram_peak", g_key_file_get_double (kf, group, "ram_peak", NULL));
  for (guint i = 0; i < TC_GPU_PEAKS; i++)
    if (g_key_file_has_key (kf, group, tc_gpu_peak_counters[i], NULL))
      tc_json_kv_double (&json, tc_gpu_peak_counters[i],
                         g_key_file_get_double (kf, group, tc_gpu_peak_counters[i], NULL));
  tc_json_key (&json, "fn_timings");
  tc_json_begin_object (&json);
  for (guint i = 0; fns && fns[i] && i < n_calls && i < n_avg && i < n_p95; i++)
    {
      tc_json_key (&json, fns[i]);
      tc_json_begin_object (&json);
      tc_json_kv_int (&json, "calls", calls[i]);
      tc_json_kv_double (&json, "avg_ms", avg[i]);
      tc_json_kv_double (&json, "p95_ms", p95[i]);
      tc_json_end_object (&json);
    }
  tc_json_end_object (&json);
  tc_json_kv_int (&json, "warnings", g_key_file_get_int64 (kf, group, "warnings", NULL));
  tc_json_kv_bool (&json, "crash", g_key_file_get_boolean (kf, group, "crash", NULL));
  tc_json_end_object (&json);
  return g_string_free (out, FALSE);
}

char *
tc_baseline_save (TcDocument *doc, const char *name, const char *project_in,
                  GString *out, GError **error)
{
  const TcDocSession *s = tc_document_get_session (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  g_autofree char *project = tc_baseline_project (doc, project_in);
  g_autofree char *path = store_path (project, ".baseline");
  g_autoptr (GKeyFile) kf = NULL;
  g_autoptr (GPtrArray) fns = g_ptr_array_new ();
  g_autofree gint *calls = g_new (gint, stats->len + 1);
  g_autofree double *avg = g_new (double, stats->len + 1);
  g_autofree double *p95 = g_new (double, stats->len + 1);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *saved = g_date_time_format_iso8601 (now);
  g_autofree char *data = NULL;
  TcGpuPeaks gpu;
  gsize len;
  char *json;
  int lock;

  if (name == NULL || *name == '\0')
    name = "default";
  lock = lock_store (project, error);
  if (lock < 0)
    return NULL;
  kf = read_store (project, error);
  if (kf == NULL)
    {
      unlock_store (lock);
      return NULL;
    }
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);

      g_ptr_array_add (fns, (char *) st->name);
      calls[i] = (gint) MIN (st->calls, G_MAXINT);
      avg[i] = round (st->avg_ms * 1e4) / 1e4;
      p95[i] = round (st->p95_ms * 1e4) / 1e4;
    }
  g_key_file_remove_group (kf, name, NULL);
  g_key_file_set_string (kf, name, "name", name);
  g_key_file_set_string (kf, name, "project", project);
  g_key_file_set_string (kf, name, "src", s->src);
  g_key_file_set_string (kf, name, "saved_at", saved);
  g_key_file_set_string (kf, name, "session_id", s->session_id);
  g_key_file_set_double (kf, name, "duration", tc_document_get_duration (doc));
  g_key_file_set_int64 (kf, name, "n_snaps", tc_document_get_snapshots (doc)->len);
  g_key_file_set_double (kf, name, "ram_peak", tc_document_get_ram_peak_mb (doc));
  tc_analysis_gpu_peaks (doc, &gpu);
  for (guint i = 0; i < TC_GPU_PEAKS; i++)
    if (isfinite (gpu.peak_mb[i]))
      g_key_file_set_double (kf, name, tc_gpu_peak_counters[i], gpu.peak_mb[i]);
  g_key_file_set_int64 (kf, name, "warnings", tc_document_get_warnings (doc)->len);
  g_key_file_set_boolean (kf, name, "crash", tc_document_get_crash (doc) != NULL);
  g_key_file_set_string_list (kf, name, "functions", (const char * const *) fns->pdata, fns->len);
  g_key_file_set_integer_list (kf, name, "calls", calls, stats->len);
  g_key_file_set_double_list (kf, name, "avg_ms", avg, stats->len);
  g_key_file_set_double_list (kf, name, "p95_ms", p95, stats->len);
  data = g_key_file_to_data (kf, &len, NULL);
  if (!tc_write_file_atomic (path, data, len, error))
    {
      unlock_store (lock);
      return NULL;
    }
  unlock_store (lock);

  json = record_json (kf, name);
  if (out)
    g_string_append_printf (out, "[TC] baseline saved → %s::%s  (%s  %.3fs)\n", project, name, s->src,
                            tc_document_get_duration (doc));
  return json;
}

/* Reads a record (shared lock not needed: the store is replaced by rename,
 * so a reader sees the old or the new file, never a torn one). */
static GKeyFile *
lookup (const char *project, const char *name, GError **error)
{
  GKeyFile *kf = read_store (project, error);

  if (kf == NULL)
    return NULL;
  if (!g_key_file_has_group (kf, name))
    {
      g_autofree char *path = store_path (project, ".baseline");

      g_set_error (error, TC_BASELINE_ERROR, TC_BASELINE_ERROR_NOT_FOUND,
                   "no baseline '%s' for project '%s' (%s); save one with `timecapsule --baseline`",
                   name, project, path);
      g_key_file_unref (kf);
      return NULL;
    }
  return kf;
}

char *
tc_baseline_lookup (const char *project, const char *name, GError **error)
{
  g_autoptr (GKeyFile) kf = lookup (project, name ? name : "default", error);

  return kf ? record_json (kf, name ? name : "default") : NULL;
}

void
tc_baseline_diff_free (TcBaselineDiff *diff)
{
  if (diff == NULL)
    return;
  g_free (diff->key);
  g_array_unref (diff->regressions);
  g_array_unref (diff->improvements);
  g_free (diff);
}

static void
delta_clear (gpointer data)
{
  g_free (((TcBaselineDelta *) data)->name);
}

static int
compare_delta_desc (gconstpointer a, gconstpointer b)
{
  const TcBaselineDelta *x = a, *y = b;
  return (x->delta_pct < y->delta_pct) - (x->delta_pct > y->delta_pct);
}

static int
compare_delta_asc (gconstpointer a, gconstpointer b)
{
  return -compare_delta_desc (a, b);
}

static void
box_line (GString *out, const char *text)
{
  g_string_append (out, "  │ ");
  tc_text_pad (out, text, 61, FALSE);
  g_string_append (out, " │\n");
}

TcBaselineDiff *
tc_baseline_diff (TcDocument *doc, const char *name, const char *project_in, double threshold_pct,
                  const TcTextStyle *style, GString *out, GError **error)
{
  g_autofree char *project = tc_baseline_project (doc, project_in);
  g_autoptr (GKeyFile) kf = NULL;
  g_auto (GStrv) fns = NULL;
  g_autofree double *avg = NULL;
  gsize n_avg = 0;
  TcBaselineDiff *diff;

  if (name == NULL || *name == '\0')
    name = "default";
  kf = lookup (project, name, error);
  if (kf == NULL)
    return NULL;
  fns = g_key_file_get_string_list (kf, name, "functions", NULL, NULL);
  avg = g_key_file_get_double_list (kf, name, "avg_ms", &n_avg, NULL);

  diff = g_new0 (TcBaselineDiff, 1);
  diff->key = g_strdup_printf ("%s::%s", project, name);
  diff->regressions = g_array_new (FALSE, FALSE, sizeof (TcBaselineDelta));
  diff->improvements = g_array_new (FALSE, FALSE, sizeof (TcBaselineDelta));
  g_array_set_clear_func (diff->regressions, delta_clear);
  g_array_set_clear_func (diff->improvements, delta_clear);
  diff->base_duration = g_key_file_get_double (kf, name, "duration", NULL);
  diff->cur_duration = tc_document_get_duration (doc);

  for (guint i = 0; fns && fns[i] && i < n_avg; i++)
    {
      GPtrArray *stats = tc_document_get_function_stats (doc);

      for (guint k = 0; k < stats->len; k++)
        {
          const TcFunctionStats *st = g_ptr_array_index (stats, k);
          TcBaselineDelta d;

          if (!g_str_equal (st->name, fns[i]) || avg[i] <= 0)
            continue;
          d.name = g_strdup (st->name);
          d.base_ms = avg[i];
          d.cur_ms = st->avg_ms;
          d.delta_pct = (st->avg_ms - avg[i]) / avg[i] * 100;
          if (fabs (d.delta_pct) < threshold_pct)
            g_free (d.name);
          else
            g_array_append_val (d.delta_pct > 0 ? diff->regressions : diff->improvements, d);
        }
    }
  g_array_sort (diff->regressions, compare_delta_desc);
  g_array_sort (diff->improvements, compare_delta_asc);
  diff->verdict = diff->regressions->len ? "REGRESSION" : diff->improvements->len ? "IMPROVEMENT" : "NEUTRAL";

  if (out)
    {
      const char *colour = diff->regressions->len ? TC_RED : diff->improvements->len ? TC_GREEN : TC_CYAN;
      g_autofree char *head = g_strdup_printf ("%s%s%s%s  vs baseline %s", tc_c (style, colour), tc_c (style, TC_BOLD),
                                               diff->verdict, tc_r (style), diff->key);
      g_autofree char *dur = g_strdup_printf ("duration %.3fs → %.3fs", diff->base_duration, diff->cur_duration);

      g_string_append (out, "  ┌───────────────────────────────────────────────────────────────┐\n");
      box_line (out, head);
      box_line (out, dur);
      g_string_append (out, "  ├───────────────────────────────────────────────────────────────┤\n");
      for (guint pass = 0; pass < 2; pass++)
        {
          GArray *list = pass == 0 ? diff->regressions : diff->improvements;

          for (guint i = 0; i < MIN (10, list->len); i++)
            {
              const TcBaselineDelta *d = &g_array_index (list, TcBaselineDelta, i);
              GString *bar = g_string_new (NULL);
              g_autofree char *fn = tc_text_tail (d->name, 22);
              g_autofree char *line = NULL;

              for (int b = 0; b < MIN (20, (int) (fabs (d->delta_pct) / 5)); b++)
                g_string_append (bar, "█");
              line = g_strdup_printf ("%s %-22s %+7.1f%%  %s", pass == 0 ? "▲" : "▼", fn, d->delta_pct, bar->str);
              box_line (out, line);
              g_string_free (bar, TRUE);
            }
        }
      if (diff->regressions->len == 0 && diff->improvements->len == 0)
        {
          g_autofree char *line = g_strdup_printf ("no function changed by more than %.0f%%", threshold_pct);
          box_line (out, line);
        }
      g_string_append (out, "  └───────────────────────────────────────────────────────────────┘\n");
    }
  return diff;
}

typedef struct
{
  GHashTable *avg;        /* fn → double* */
  double      ram_peak;
  TcGpuPeaks  gpu;
  gboolean    crash;
  char       *label;
} Base;

static void
base_clear (Base *b)
{
  g_clear_pointer (&b->avg, g_hash_table_unref);
  g_clear_pointer (&b->label, g_free);
}

static gboolean
base_from_tc (Base *b, const char *path, GError **error)
{
  g_autoptr (TcDocument) doc = tc_document_load (path, NULL, NULL, NULL, error);
  GPtrArray *stats;

  if (doc == NULL)
    return FALSE;
  stats = tc_document_get_function_stats (doc);
  b->avg = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);
      g_hash_table_insert (b->avg, g_strdup (st->name), g_memdup2 (&st->avg_ms, sizeof (double)));
    }
  b->ram_peak = tc_document_get_ram_peak_mb (doc);
  tc_analysis_gpu_peaks (doc, &b->gpu);
  b->crash = tc_document_get_crash (doc) != NULL;
  b->label = g_strdup (path);
  return TRUE;
}

static gboolean
base_from_store (Base *b, const char *project, const char *name, GError **error)
{
  g_autoptr (GKeyFile) kf = lookup (project, name, error);
  g_auto (GStrv) fns = NULL;
  g_autofree double *avg = NULL;
  gsize n = 0;

  if (kf == NULL)
    return FALSE;
  fns = g_key_file_get_string_list (kf, name, "functions", NULL, NULL);
  avg = g_key_file_get_double_list (kf, name, "avg_ms", &n, NULL);
  b->avg = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; fns && fns[i] && i < n; i++)
    g_hash_table_insert (b->avg, g_strdup (fns[i]), g_memdup2 (&avg[i], sizeof (double)));
  b->ram_peak = g_key_file_get_double (kf, name, "ram_peak", NULL);
  /* Each GPU peak under its counter's name (none in older baselines). */
  for (guint i = 0; i < TC_GPU_PEAKS; i++)
    b->gpu.peak_mb[i] = g_key_file_has_key (kf, name, tc_gpu_peak_counters[i], NULL)
                          ? g_key_file_get_double (kf, name, tc_gpu_peak_counters[i], NULL)
                          : NAN;
  b->crash = g_key_file_get_boolean (kf, name, "crash", NULL);
  b->label = g_strdup_printf ("%s::%s", project, name);
  return TRUE;
}

gboolean
tc_regression_check (TcDocument *doc, const TcRegressionOptions *o, GPtrArray *failures,
                     const TcTextStyle *style, GString *out, GError **error)
{
  Base base = { 0 };
  g_autofree char *project = tc_baseline_project (doc, o->project);
  const char *name = o->name && *o->name ? o->name : "default";
  const TcDocCrash *crash = tc_document_get_crash (doc);
  GPtrArray *stats = tc_document_get_function_stats (doc);
  g_autoptr (GPtrArray) fails = g_ptr_array_new_with_free_func (g_free);
  double ram = tc_document_get_ram_peak_mb (doc);
  TcGpuPeaks gpu;
  int k;
  gboolean ok;

  if (out)
    tc_text_banner (out, style, "REGRESSION CHECK");
  ok = o->baseline_path ? base_from_tc (&base, o->baseline_path, error)
                        : base_from_store (&base, project, name, error);
  if (!ok)
    {
      /* No baseline is a failure, never a silent pass. */
      if (out)
        g_string_append_printf (out, "  %s✗ NO BASELINE%s — %s\n", tc_c (style, TC_RED TC_BOLD), tc_r (style),
                                error && *error ? (*error)->message : "not found");
      if (failures)
        g_ptr_array_add (failures, g_strdup ("NO BASELINE"));
      base_clear (&base);
      return FALSE;
    }
  if (out)
    g_string_append_printf (out, "  baseline: %s\n\n", base.label);

  if (o->fail_on_crash && crash)
    {
      g_autofree char *msg = tc_text_head (crash->message, 40);
      g_ptr_array_add (fails, g_strdup_printf ("CRASH: %s: %s", crash->exc_type, msg));
    }
  else if (out)
    g_string_append_printf (out, "  %s✓%s no crash\n", tc_c (style, TC_GREEN), tc_r (style));

  for (guint i = 0; i < stats->len; i++)
    {
      const TcFunctionStats *st = g_ptr_array_index (stats, i);
      const double *b = g_hash_table_lookup (base.avg, st->name);
      double pct;

      if (b == NULL || *b <= 0)
        continue;
      pct = (st->avg_ms - *b) / *b * 100;
      if (pct > o->max_slowdown_pct)
        g_ptr_array_add (fails, g_strdup_printf ("SLOW: %s() %+.0f%% (%.3f→%.3f ms)", st->name, pct, *b, st->avg_ms));
      else if (out)
        g_string_append_printf (out, "  %s✓%s %s() %+.1f%%\n", tc_c (style, TC_GREEN), tc_r (style), st->name, pct);
    }
  if (base.ram_peak > 0 && ram - base.ram_peak > o->max_ram_growth_mb)
    g_ptr_array_add (fails, g_strdup_printf ("RAM: peak %.1f→%.1fMB (+%.1fMB > %.0fMB)", base.ram_peak, ram,
                                             ram - base.ram_peak, o->max_ram_growth_mb));
  else if (out && base.ram_peak > 0)
    g_string_append_printf (out, "  %s✓%s RAM peak %.1f→%.1fMB\n", tc_c (style, TC_GREEN), tc_r (style), base.ram_peak, ram);
  tc_analysis_gpu_peaks (doc, &gpu);
  k = tc_gpu_peaks_common (&base.gpu, &gpu);
  if (k >= 0)
    {
      double g0 = base.gpu.peak_mb[k], g1 = gpu.peak_mb[k];

      if (g1 - g0 > o->max_gpu_growth_mb)
        g_ptr_array_add (fails, g_strdup_printf ("GPU: peak %.1f→%.1fMB (+%.1fMB > %.0fMB, %s)", g0, g1, g1 - g0,
                                                 o->max_gpu_growth_mb, tc_gpu_peak_labels[k]));
      else if (out)
        g_string_append_printf (out, "  %s✓%s GPU peak %.1f→%.1fMB (%s)\n", tc_c (style, TC_GREEN), tc_r (style),
                                g0, g1, tc_gpu_peak_labels[k]);
    }

  if (out)
    {
      for (guint i = 0; i < fails->len; i++)
        g_string_append_printf (out, "  %s✗%s %s\n", tc_c (style, TC_RED), tc_r (style), (char *) fails->pdata[i]);
      if (fails->len == 0)
        g_string_append_printf (out, "\n  %s✓ ALL CHECKS PASSED%s\n", tc_c (style, TC_GREEN TC_BOLD), tc_r (style));
      else
        {
          g_string_append_printf (out, "\n  %s✗ %u FAILURE(S)%s\n", tc_c (style, TC_RED TC_BOLD), fails->len, tc_r (style));
          for (guint i = 0; i < fails->len; i++)
            g_string_append_printf (out, "    • %s\n", (char *) fails->pdata[i]);
        }
    }
  if (failures)
    for (guint i = 0; i < fails->len; i++)
      g_ptr_array_add (failures, g_strdup (fails->pdata[i]));
  base_clear (&base);
  return fails->len == 0;
}

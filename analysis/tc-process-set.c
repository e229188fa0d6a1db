/* SPDX-License-Identifier: MIT
 *
 * tc-process-set.c — a parent recording and its children's files.
 */
#include <string.h>

#include "tc-text-private.h"

#include "tc-process-set.h"

/* A parent_pid chain longer than this is a loop (pids are reused). */
#define MAX_DEPTH 64

struct _TcProcessSet
{
  GObject  parent_instance;
  GArray  *members;            /* TcProcessMember, tree order */
};

G_DEFINE_FINAL_TYPE (TcProcessSet, tc_process_set, G_TYPE_OBJECT)

static void
member_clear (gpointer data)
{
  TcProcessMember *m = data;

  g_free (m->path);
  g_clear_object (&m->document);
  g_free (m->error);
}

static const char *
session_value (TcDocument *doc, const char *key)
{
  const TcDocSession *s = tc_document_get_session (doc);
  const char *found = NULL;

  /* The first value wins: later SESSION frames only add final metrics. */
  for (guint i = 0; s->items != NULL && i < s->items->len && found == NULL; i++)
    {
      const TcDocKeyValue *kv = &g_array_index (s->items, TcDocKeyValue, i);
      if (g_strcmp0 (kv->key, key) == 0)
        found = kv->value;
    }
  return found;
}

/* "name.123.45" → TRUE with *prefix_len = length of "name.123". */
static gboolean
strip_pid (const char *name, gsize len, gsize *prefix_len)
{
  gsize i = len;

  while (i > 0 && g_ascii_isdigit (name[i - 1]))
    i--;
  if (i == len || i < 2 || name[i - 1] != '.')
    return FALSE;
  *prefix_len = i - 1;
  return TRUE;
}

/* The parent's stem: the shortest "<stem>" whose "<stem>.tc" exists among
 * the names obtained by cutting ".<digits>" off the end. */
static char *
root_stem (const char *dir, const char *name)
{
  gsize len = strlen (name);
  gsize root_len = len;
  gsize cut;

  while (strip_pid (name, len, &cut))
    {
      g_autofree char *stem = g_strndup (name, cut);
      g_autofree char *file = g_strconcat (stem, ".tc", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);

      len = cut;
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        root_len = cut;
    }
  return g_strndup (name, root_len);
}

/* "<stem>(.<digits>)+.tc" */
static gboolean
is_member_name (const char *file, const char *stem)
{
  gsize stem_len = strlen (stem);
  gsize len = strlen (file);
  const char *p;

  if (len <= stem_len + 3 || strncmp (file, stem, stem_len) != 0 || !g_str_has_suffix (file, ".tc"))
    return FALSE;
  p = file + stem_len;
  if (*p != '.')
    return FALSE;
  for (; p < file + len - 3; p++)
    if (*p != '.' && !g_ascii_isdigit (*p))
      return FALSE;
  /* no empty group: "..", or ".tc" right after a dot */
  return strstr (file + stem_len, "..") == NULL && file[len - 4] != '.';
}

static void
member_fill (TcProcessMember *m, const char *root_path)
{
  const char *base;
  const char *value;
  gsize cut;

  m->role = "parent";
  if (m->document != NULL)
    {
      m->pid = tc_document_get_session (m->document)->pid;
      if ((value = session_value (m->document, "parent_pid")) != NULL)
        m->parent_pid = g_ascii_strtoll (value, NULL, 10);
      if ((value = session_value (m->document, "process_role")) != NULL)
        m->role = value;
      else if (strcmp (m->path, root_path) != 0)
        m->role = "child";
    }
  base = strrchr (m->path, G_DIR_SEPARATOR);
  base = base != NULL ? base + 1 : m->path;
  if (m->pid == 0 && strip_pid (base, strlen (base) - 3, &cut))
    m->pid = g_ascii_strtoll (base + cut + 1, NULL, 10);
}

/* Appends `index` and its descendants (children by start time). */
static void
append_tree (GArray *out, GArray *all, guint index, guint depth, gboolean *used)
{
  TcProcessMember *m = &g_array_index (all, TcProcessMember, index);
  g_autoptr(GArray) kids = g_array_new (FALSE, FALSE, sizeof (guint));
  gint64 pid = m->pid;

  used[index] = TRUE;
  m->depth = depth;
  g_array_append_val (out, *m);
  if (depth >= MAX_DEPTH)
    return;
  for (guint i = 0; i < all->len; i++)
    {
      const TcProcessMember *c = &g_array_index (all, TcProcessMember, i);
      if (!used[i] && c->document != NULL && c->parent_pid == pid && c->pid != pid)
        g_array_append_val (kids, i);
    }
  for (guint i = 1; i < kids->len; i++)   /* insertion sort by start */
    for (guint j = i; j > 0; j--)
      {
        guint *a = &g_array_index (kids, guint, j - 1), *b = &g_array_index (kids, guint, j);
        if (g_array_index (all, TcProcessMember, *a).start_ns <= g_array_index (all, TcProcessMember, *b).start_ns)
          break;
        guint t = *a; *a = *b; *b = t;
      }
  for (guint i = 0; i < kids->len; i++)
    if (!used[g_array_index (kids, guint, i)])
      append_tree (out, all, g_array_index (kids, guint, i), depth + 1, used);
}

TcProcessSet *
tc_process_set_load (const char    *path,
                     TcDocument    *known,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *given_dir = g_path_get_dirname (path);
  g_autofree char *dir = g_canonicalize_filename (given_dir, NULL);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *stem = NULL;
  g_autofree char *root_path = NULL;
  g_autofree char *own_path = NULL;
  g_autofree gboolean *used = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, TRUE, sizeof (TcProcessMember));
  g_autoptr(GDir) d = NULL;
  g_autoptr(TcProcessSet) self = NULL;
  const TcDocSession *root_session;
  const char *file;

  g_return_val_if_fail (path != NULL, NULL);

  own_path = g_canonicalize_filename (path, NULL);
  if (g_str_has_suffix (base, ".tc"))
    {
      base[strlen (base) - 3] = '\0';
      stem = root_stem (dir, base);
    }
  else
    stem = g_strdup (base);
  {
    g_autofree char *root_file = g_strconcat (stem, ".tc", NULL);
    g_autofree char *joined = g_build_filename (dir, root_file, NULL);
    root_path = g_canonicalize_filename (g_str_has_suffix (path, ".tc") ? joined : path, NULL);
  }

  /* The parent first, then every file named like a member. */
  {
    TcProcessMember root = { 0 };
    root.path = g_strdup (root_path);
    if (known != NULL && strcmp (root_path, own_path) == 0)
      root.document = g_object_ref (known);
    else
      root.document = tc_document_load (root_path, NULL, NULL, cancellable, error);
    if (root.document == NULL)
      {
        g_free (root.path);
        return NULL;
      }
    g_array_append_val (all, root);
  }
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (file = g_dir_read_name (d)) != NULL)
    {
      TcProcessMember m = { 0 };
      g_autoptr(GError) local = NULL;

      if (!is_member_name (file, stem))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          for (guint i = 0; i < all->len; i++)
            member_clear (&g_array_index (all, TcProcessMember, i));
          return NULL;
        }
      m.path = g_build_filename (dir, file, NULL);
      if (known != NULL && strcmp (m.path, own_path) == 0)
        m.document = g_object_ref (known);
      else
        m.document = tc_document_load (m.path, NULL, NULL, cancellable, &local);
      if (m.document == NULL)
        m.error = g_strdup (local->message);
      g_array_append_val (all, m);
    }

  for (guint i = 0; i < all->len; i++)
    member_fill (&g_array_index (all, TcProcessMember, i), root_path);

  /* Clocks: each recording counts from its own start; its wall-clock start
   * puts it on the parent's. */
  root_session = tc_document_get_session (g_array_index (all, TcProcessMember, 0).document);
  for (guint i = 0; i < all->len; i++)
    {
      TcProcessMember *m = &g_array_index (all, TcProcessMember, i);
      gint64 first = 0, last = 0;
      gint64 offset = 0;

      if (m->document == NULL)
        continue;
      if (root_session->start_wall_ns > 0)
        offset = tc_document_get_session (m->document)->start_wall_ns - root_session->start_wall_ns;
      tc_document_get_time_range (m->document, &first, &last);
      m->offset_ns = offset;
      m->start_ns = offset + MIN (first, 0);
      m->end_ns = offset + MAX (last, 0);
    }

  /* A child killed before its first flush (Pool.terminate() on a busy
   * worker, kill -9) has only the SESSION frame record() wrote when it
   * opened the file: its parent_pid came later and was lost.  Named like a
   * member and started while the parent recorded, it is a child of this
   * run, not a leftover of an earlier one: it hangs under the parent,
   * marked as cut short by its document's truncated state. */
  {
    const TcProcessMember *root = &g_array_index (all, TcProcessMember, 0);

    for (guint i = 1; i < all->len; i++)
      {
        TcProcessMember *m = &g_array_index (all, TcProcessMember, i);

        if (m->document != NULL && m->parent_pid == 0 && m->pid != root->pid
            && session_value (m->document, "parent_pid") == NULL
            && m->offset_ns >= root->start_ns && m->offset_ns <= root->end_ns + G_GINT64_CONSTANT (1000000000))
          m->parent_pid = root->pid;
      }
  }

  self = g_object_new (TC_TYPE_PROCESS_SET, NULL);
  used = g_new0 (gboolean, all->len);
  append_tree (self->members, all, 0, 0, used);
  /* Files named like members that do not open are shown (with why); ones
   * that open but do not lead to this parent belong to another run. */
  for (guint i = 1; i < all->len; i++)
    if (!used[i])
      {
        TcProcessMember *m = &g_array_index (all, TcProcessMember, i);
        if (m->document == NULL)
          {
            m->depth = 1;
            m->role = "unreadable";
            g_array_append_val (self->members, *m);
          }
        else
          member_clear (m);
      }
  return g_steal_pointer (&self);
}

/* `path`'s own stem ("<dir>/<base>.tc" → base) and its set's parent's
 * stem; FALSE when `path` is not a .tc file. */
static gboolean
path_stems (const char *path,
            char      **dir,
            char      **base,
            char      **stem)
{
  *dir = g_path_get_dirname (path);
  *base = g_path_get_basename (path);
  *stem = NULL;
  if (!g_str_has_suffix (*base, ".tc"))
    return FALSE;
  (*base)[strlen (*base) - 3] = '\0';
  *stem = root_stem (*dir, *base);
  return TRUE;
}

gboolean
tc_process_set_is_child_path (const char *path)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;

  return path_stems (path, &dir, &base, &stem) && strcmp (stem, base) != 0;
}

gboolean
tc_process_set_has_members (const char *path)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  g_autoptr(GDir) d = NULL;
  const char *file;

  if (!path_stems (path, &dir, &base, &stem))
    return FALSE;
  if (strcmp (stem, base) != 0)
    return TRUE;            /* a child, and its parent's file is there */
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (file = g_dir_read_name (d)) != NULL)
    if (is_member_name (file, stem))
      return TRUE;
  return FALSE;
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  TcDocument *known = g_object_get_data (G_OBJECT (task), "known");
  GError *error = NULL;
  TcProcessSet *set = tc_process_set_load (path, known, cancellable, &error);

  if (set == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, set, g_object_unref);
}

void
tc_process_set_load_async (const char          *path,
                           TcDocument          *known,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tc_process_set_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  if (known != NULL)
    g_object_set_data_full (G_OBJECT (task), "known", g_object_ref (known), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

TcProcessSet *
tc_process_set_load_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
tc_process_set_get_n_members (TcProcessSet *self)
{
  g_return_val_if_fail (TC_IS_PROCESS_SET (self), 0);
  return self->members->len;
}

const TcProcessMember *
tc_process_set_get_member (TcProcessSet *self,
                           guint         index)
{
  g_return_val_if_fail (TC_IS_PROCESS_SET (self), NULL);
  g_return_val_if_fail (index < self->members->len, NULL);
  return &g_array_index (self->members, TcProcessMember, index);
}

int
tc_process_set_find_pid (TcProcessSet *self,
                         gint64        pid)
{
  for (guint i = 0; i < self->members->len; i++)
    if (g_array_index (self->members, TcProcessMember, i).pid == pid)
      return (int) i;
  return -1;
}

int
tc_process_set_find_path (TcProcessSet *self,
                          const char   *path)
{
  g_autofree char *canon = g_canonicalize_filename (path, NULL);

  for (guint i = 0; i < self->members->len; i++)
    if (strcmp (g_array_index (self->members, TcProcessMember, i).path, canon) == 0)
      return (int) i;
  return -1;
}

void
tc_process_set_get_time_range (TcProcessSet *self,
                               gint64       *start_ns,
                               gint64       *end_ns)
{
  gint64 lo = G_MAXINT64, hi = G_MININT64;

  for (guint i = 0; i < self->members->len; i++)
    {
      const TcProcessMember *m = &g_array_index (self->members, TcProcessMember, i);
      if (m->document == NULL)
        continue;
      lo = MIN (lo, m->start_ns);
      hi = MAX (hi, m->end_ns);
    }
  if (lo > hi)
    lo = hi = 0;
  if (start_ns != NULL)
    *start_ns = lo;
  if (end_ns != NULL)
    *end_ns = hi;
}

char *
tc_process_member_status (const TcProcessMember *m)
{
  const TcEndFixed *end;
  const TcDocCrash *crash;

  if (m->document == NULL)
    return g_strdup ("unreadable");
  crash = tc_document_get_crash (m->document);
  if (crash != NULL)
    return g_strdup_printf ("crashed: %s", crash->exc_type != NULL ? crash->exc_type : "?");
  if (tc_document_get_truncated (m->document))
    return g_strdup ("truncated");
  end = tc_document_get_end (m->document);
  if ((end->flags & TC_END_FLAG_SIGNAL) && end->exit_status > 128)
    return g_strdup_printf ("signal %d", end->exit_status - 128);
  if (end->flags & TC_END_FLAG_CRASHED)
    return g_strdup ("crashed");
  if (end->exit_status != 0)
    return g_strdup_printf ("exit %d", end->exit_status);
  return g_strdup ("ok");
}

guint64
tc_process_member_calls (const TcProcessMember *m)
{
  GPtrArray *threads;
  guint64 events = 0;

  if (m->document == NULL)
    return 0;
  threads = tc_document_get_threads (m->document);
  for (guint i = 0; i < threads->len; i++)
    events += ((const TcDocThread *) g_ptr_array_index (threads, i))->n_events;
  return events / 2;
}

char *
tc_process_member_command (const TcProcessMember *m)
{
  const TcDocSession *session;
  char **argv;

  if (m->document == NULL)
    return g_strdup ("");
  session = tc_document_get_session (m->document);
  argv = session->argv;
  /* multiprocessing's own command lines say nothing to the reader
   * ("-B -c from multiprocessing.spawn import spawn_main; …"): name the
   * worker after the program it runs instead. */
  if (g_strcmp0 (m->role, "spawn-child") == 0 && session->script != NULL && *session->script != '\0')
    return g_strdup_printf ("multiprocessing worker of %s", session->script);
  if (g_strcmp0 (m->role, "forkserver") == 0)
    return g_strdup ("multiprocessing fork server");
  return argv != NULL ? g_strjoinv (" ", argv) : g_strdup ("");
}

static void
cell (GString *out, const char *text, int width, gboolean right)
{
  tc_text_pad (out, text, width, right);
  g_string_append (out, "  ");
}

char *
tc_process_set_format (TcProcessSet      *self,
                       const TcTextStyle *style)
{
  GString *out = g_string_new (NULL);
  guint64 calls = 0;
  guint crashed = 0, unreadable = 0;
  gint64 lo, hi;
  int width;

  g_return_val_if_fail (TC_IS_PROCESS_SET (self), NULL);
  style = tc_style_or_default (style);
  width = tc_width (style);
  tc_text_banner (out, style, "Processes");
  g_string_append_printf (out, "%s", tc_c (style, TC_BOLD));
  cell (out, "PID", 10, FALSE);
  cell (out, "ROLE", 11, FALSE);
  cell (out, "PARENT", 7, TRUE);
  cell (out, "START", 8, TRUE);
  cell (out, "DURATION", 9, TRUE);
  cell (out, "CALLS", 10, TRUE);
  cell (out, "STATUS", 22, FALSE);
  g_string_append_printf (out, "FILE / COMMAND%s\n", tc_r (style));
  for (guint i = 0; i < self->members->len; i++)
    {
      const TcProcessMember *m = &g_array_index (self->members, TcProcessMember, i);
      g_autofree char *status = tc_process_member_status (m);
      g_autofree char *command = tc_process_member_command (m);
      g_autofree char *file = g_path_get_basename (m->path);
      g_autofree char *pid = g_strdup_printf ("%*s%" G_GINT64_FORMAT, MIN (m->depth, 4) * 2, "", m->pid);
      g_autofree char *parent = m->parent_pid > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, m->parent_pid)
                                                  : g_strdup ("-");
      g_autofree char *start = tc_fmt ("+%.3fs", tc_ns_to_s (m->start_ns));
      g_autofree char *duration = tc_fmt ("%.3fs", tc_ns_to_s (m->end_ns - m->start_ns));
      g_autofree char *n_calls = NULL;
      gboolean bad = g_str_has_prefix (status, "crashed") || m->document == NULL;
      gboolean warn = !bad && strcmp (status, "ok") != 0;
      g_autofree char *tail = NULL;
      g_autofree char *cut = NULL;
      guint64 n = tc_process_member_calls (m);

      calls += n;
      crashed += g_str_has_prefix (status, "crashed");
      unreadable += m->document == NULL;
      n_calls = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
      cell (out, pid, 10, FALSE);
      cell (out, m->role, 11, FALSE);
      cell (out, parent, 7, TRUE);
      cell (out, m->document != NULL ? start : "", 8, TRUE);
      cell (out, m->document != NULL ? duration : "", 9, TRUE);
      cell (out, n_calls, 10, TRUE);
      g_string_append (out, tc_c (style, bad ? TC_RED : warn ? TC_YELLOW : TC_GREEN));
      tc_text_pad (out, status, 22, FALSE);
      g_string_append_printf (out, "%s  %s\n", tc_r (style), file);
      /* The command on its own line: argv of a -c child is long. */
      tail = m->error != NULL ? g_strdup (m->error) : g_steal_pointer (&command);
      if (tail != NULL && *tail != '\0')
        {
          cut = tc_text_head (tail, MAX (20, width - 14));
          g_strdelimit (cut, "\n\r\t", ' ');
          g_string_append_printf (out, "%*s%s%s%s%s\n", 12, "", tc_c (style, TC_DIM), cut,
                                  g_utf8_strlen (tail, -1) > (glong) MAX (20, width - 14) ? "…" : "",
                                  tc_r (style));
        }
    }
  tc_process_set_get_time_range (self, &lo, &hi);
  tc_text_rule (out, style, "─");
  g_string_append_printf (out, "  %u process%s, %.3fs wall, %" G_GUINT64_FORMAT " calls",
                          self->members->len, self->members->len == 1 ? "" : "es",
                          tc_ns_to_s (hi - lo), calls);
  if (crashed > 0)
    g_string_append_printf (out, ", %s%u crashed%s", tc_c (style, TC_RED), crashed, tc_r (style));
  if (unreadable > 0)
    g_string_append_printf (out, ", %u unreadable", unreadable);
  g_string_append (out, "\n");
  return g_string_free (out, FALSE);
}

static void
tc_process_set_finalize (GObject *object)
{
  TcProcessSet *self = TC_PROCESS_SET (object);

  g_array_unref (self->members);
  G_OBJECT_CLASS (tc_process_set_parent_class)->finalize (object);
}

static void
tc_process_set_class_init (TcProcessSetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_process_set_finalize;
}

static void
tc_process_set_init (TcProcessSet *self)
{
  self->members = g_array_new (FALSE, TRUE, sizeof (TcProcessMember));
  g_array_set_clear_func (self->members, member_clear);
}

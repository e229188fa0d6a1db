/* tc-compare-flame.c
 *
 * SPDX-License-Identifier: MIT
 *
 * A differential flame graph over every thread gives a thread that sleeps
 * most of the run most of the width, and the function a patch made faster
 * shrinks to a sliver.  Comparing a patch is about CPU work, so the compare
 * page can leave waiting out: calls into known blocking functions (with
 * what they call), and the share of a function's self time the timer
 * snapshots caught on a line that waits (time.sleep is a C call the
 * recorder does not see, so a sleeping thread's loop has it as self time).
 */
#include "config.h"

#include <string.h>

#include "tc-compare-flame.h"

/* module, qualname ("*" + suffix matches the end of the qualname). */
static const struct { const char *module; const char *qualname; } blocking[] = {
  { "time", "sleep" },
  { "threading", "Event.wait" },
  { "threading", "Condition.wait" },
  { "threading", "Condition.wait_for" },
  { "threading", "Semaphore.acquire" },
  { "threading", "Barrier.wait" },
  { "threading", "Thread.join" },
  { "threading", "Thread._wait_for_tstate_lock" },
  { "_thread", "lock.acquire" },
  { "_thread", "RLock.acquire" },
  { "queue", "Queue.get" },
  { "queue", "Queue.put" },
  { "queue", "Queue.join" },
  { "selectors", "*.select" },
  { "select", "select" },
  { "select", "poll.poll" },
  { "select", "epoll.poll" },
  { "socket", "socket.accept" },
  { "socket", "socket.recv" },
  { "socket", "socket.recv_into" },
  { "socket", "SocketIO.readinto" },
  { "ssl", "SSLSocket.recv" },
  { "ssl", "SSLSocket.recv_into" },
  { "ssl", "SSLSocket.read" },
  { "subprocess", "Popen.wait" },
  { "subprocess", "Popen.communicate" },
  { "concurrent.futures._base", "Future.result" },
  { "concurrent.futures._base", "wait" },
  { "concurrent.futures._base", "as_completed" },
  { "multiprocessing.connection", "Connection.recv" },
  { "multiprocessing.connection", "Connection.poll" },
  { "multiprocessing.connection", "wait" },
  { "multiprocessing.pool", "ApplyResult.get" },
  { "multiprocessing.pool", "ApplyResult.wait" },
  { "multiprocessing.process", "BaseProcess.join" },
  { "asyncio.tasks", "sleep" },
};

/* Calls seen on a snapshot's line that wait (the recorder does not record
 * C calls, so `time.sleep(…)` shows up only as its caller's line). */
static const char * const blocking_calls[] = {
  "sleep(", ".wait(", ".join(", ".acquire(", "select(", ".poll(", ".recv(", ".recv_into(",
  ".accept(", ".communicate(", ".result(", "input(", "queue.get(", "q.get(", ".get(block",
  ".get(timeout",
};

/* Whether `code` belongs to `module`: its module name when the recording
 * has one, else its file (the recorder leaves the module empty and names
 * the file: …/lib/python3.11/concurrent/futures/_base.py). */
static gboolean
in_module (TcDocument      *doc,
           const TcDocCode *code,
           const char      *module)
{
  const TcDocFile *file;
  g_autofree char *suffix = NULL;

  if (*code->module)
    return g_str_equal (code->module, module);
  file = code->file_id ? tc_document_get_file (doc, code->file_id) : NULL;
  if (file == NULL)
    return FALSE;
  suffix = g_strconcat ("/", module, ".py", NULL);
  g_strdelimit (suffix + 1, ".", '/');
  suffix[strlen (suffix) - 3] = '.';
  return g_str_has_suffix (file->path, suffix);
}

gboolean
tc_compare_code_is_blocking (TcDocument      *doc,
                             const TcDocCode *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (blocking); i++)
    {
      const char *q = blocking[i].qualname;

      if (q[0] == '*' ? g_str_has_suffix (code->qualname, q + 1) : g_str_equal (code->qualname, q))
        if (in_module (doc, code, blocking[i].module))
          return TRUE;
    }
  return FALSE;
}

/* Whether line `line` (from 1) of `source` makes one of blocking_calls. */
static gboolean
source_line_blocks (const char *source,
                    guint32     line)
{
  const char *start = source;
  const char *end;
  g_autofree char *text = NULL;

  for (guint32 l = 1; l < line && start != NULL; l++)
    if ((start = strchr (start, '\n')) != NULL)
      start++;
  if (start == NULL)
    return FALSE;
  end = strchr (start, '\n');
  text = g_strndup (start, end ? (gsize)(end - start) : strlen (start));
  for (guint i = 0; i < G_N_ELEMENTS (blocking_calls); i++)
    if (strstr (text, blocking_calls[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Whether line `line` of the code's file calls something that waits;
 * `cache` keeps the answer per (file, line): thousands of snapshots catch
 * a thread on the same few lines. */
static gboolean
line_blocks (TcDocument      *doc,
             const TcDocCode *code,
             guint32          line,
             GHashTable      *cache)
{
  const TcDocFile *file = code && code->file_id ? tc_document_get_file (doc, code->file_id) : NULL;
  gpointer key, known;
  gboolean blocks;

  if (file == NULL || file->source == NULL || line == 0)
    return FALSE;
  key = GSIZE_TO_POINTER (((gsize)code->file_id << 24) ^ line);
  if (g_hash_table_lookup_extended (cache, key, NULL, &known))
    return GPOINTER_TO_INT (known);
  blocks = source_line_blocks (file->source, line);
  g_hash_table_insert (cache, key, GINT_TO_POINTER (blocks));
  return blocks;
}

/* The thread captures of the timer's snapshots that have a stack: only
 * the timer samples time evenly (trace, watch and manual snapshots land on
 * chosen lines).  GPtrArray of const TcDocCapture*. */
static GPtrArray *
timer_captures (TcDocument *doc)
{
  GArray *snaps = tc_document_get_snapshots (doc);
  GPtrArray *captures = g_ptr_array_new ();

  for (guint i = 0; i < snaps->len; i++)
    {
      const TcDocSnapshot *snap = &g_array_index (snaps, TcDocSnapshot, i);

      for (guint t = 0; snap->kind == TC_SNAPSHOT_TIMER && t < snap->n_threads; t++)
        if (snap->threads[t].n_stack > 0)
          g_ptr_array_add (captures, (gpointer)&snap->threads[t]);
    }
  return captures;
}

gboolean
tc_compare_thread_is_idle (TcDocument        *doc,
                           const TcDocThread *thread)
{
  g_autoptr(GPtrArray) captures = timer_captures (doc);
  g_autoptr(GHashTable) cache = g_hash_table_new (NULL, NULL);
  guint seen = 0, waiting = 0;

  for (guint i = 0; i < captures->len; i++)
    {
      const TcDocCapture *cap = g_ptr_array_index (captures, i);
      gboolean blocked = FALSE;

      if (cap->thread_id != thread->id)
        continue;
      seen++;
      for (guint f = 0; f < cap->n_stack && !blocked; f++)
        blocked = tc_compare_code_is_blocking (doc, tc_document_get_code (doc, cap->stack[f].code_id));
      if (!blocked)
        blocked = line_blocks (doc, tc_document_get_code (doc, cap->stack[0].code_id), cap->stack[0].line, cache);
      waiting += blocked;
    }
  return seen >= 3 && 2 * waiting >= seen;
}

static gboolean
is_recorder_thread (const TcDocThread *thread)
{
  return (thread->flags & TC_THREAD_FLAG_RECORDER) || g_str_has_prefix (thread->name, "tc-");
}

/* Per function, the share of its self time spent waiting in C calls the
 * recorder does not see (time.sleep inside load_batch()): of the snapshots
 * that caught a thread with the function innermost, the fraction on a line
 * that makes a blocking call.  Code id → share (boxed double); functions
 * never caught waiting are absent. */
static GHashTable *
waiting_shares (TcDocument *doc)
{
  g_autoptr(GPtrArray) captures = timer_captures (doc);
  g_autoptr(GHashTable) cache = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GHashTable *shares = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < captures->len; i++)
    {
      const TcDocCapture *cap = g_ptr_array_index (captures, i);
      gpointer code_id = GUINT_TO_POINTER (cap->stack[0].code_id);
      double *share;

      g_hash_table_insert (seen, code_id, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, code_id)) + 1));
      if (!line_blocks (doc, tc_document_get_code (doc, cap->stack[0].code_id), cap->stack[0].line, cache))
        continue;
      if ((share = g_hash_table_lookup (shares, code_id)) == NULL)
        g_hash_table_insert (shares, code_id, share = g_new0 (double, 1));
      *share += 1.0;
    }
  g_hash_table_iter_init (&iter, shares);
  while (g_hash_table_iter_next (&iter, &key, &value))
    *(double *)value /= GPOINTER_TO_UINT (g_hash_table_lookup (seen, key));
  return shares;
}

/* Adds the thread's call paths, leaving out with `shares` (CPU only) the
 * subtrees of blocking calls and each function's estimated waiting share
 * of its self time; returns the weight added. */
static gint64
add_thread (TcFlameTree       *tree,
            TcDocument        *doc,
            const TcDocThread *thread,
            GHashTable        *shares)
{
  gboolean cpu_only = shares != NULL;
  GArray *nodes = thread->call_tree;
  g_autofree guint8 *dropped = g_new0 (guint8, MAX (nodes->len, 1));
  g_autofree guint32 *path = NULL;
  guint32 max_depth = 0;
  gint64 added = 0;

  for (guint i = 1; i < nodes->len; i++)
    max_depth = MAX (max_depth, g_array_index (nodes, TcCallNode, i).depth);
  path = g_new (guint32, max_depth + 1);

  /* Parents come before their children in a call tree. */
  for (guint i = 1; i < nodes->len; i++)
    {
      const TcCallNode *cn = &g_array_index (nodes, TcCallNode, i);
      guint n = 0;

      dropped[i] = dropped[cn->parent] ||
                   (cpu_only && tc_compare_code_is_blocking (doc, tc_document_get_code (doc, cn->code_id)));
      if (dropped[i] || cn->depth == 0)
        continue;
      for (guint32 k = i; k != 0 && k != G_MAXUINT32 && n < cn->depth;
           k = g_array_index (nodes, TcCallNode, k).parent)
        path[cn->depth - 1 - n++] = g_array_index (nodes, TcCallNode, k).code_id;
      if (n != cn->depth)
        continue;
      {
        const double *share = cpu_only ? g_hash_table_lookup (shares, GUINT_TO_POINTER (cn->code_id)) : NULL;
        gint64 weight = share ? (gint64)((double)cn->self_ns * (1.0 - *share) + 0.5) : cn->self_ns;

        tc_flame_tree_add_path (tree, path, n, weight, cn->calls);
        added += weight;
      }
    }
  return added;
}

static gboolean
thread_wanted (const TcDocThread *thread,
               const char        *thread_name)
{
  if (thread->call_tree == NULL || thread->call_tree->len < 2 || is_recorder_thread (thread))
    return FALSE;
  /* An idle thread stays: CPU only shrinks it to the share of its time the
   * snapshots did not catch waiting, which leaves its real work (dropping
   * it whole would drop a main thread that sleeps between busy bursts). */
  return thread_name == NULL || g_strcmp0 (thread->name, thread_name) == 0;
}

TcFlameTree *
tc_compare_flame_tree_new (TcDocument *doc,
                           const char *thread_name,
                           gboolean    cpu_only)
{
  TcFlameTree *tree = tc_flame_tree_new (TC_FLAME_UNIT_NS);
  GPtrArray *threads = tc_document_get_threads (doc);
  g_autoptr(GHashTable) shares = cpu_only ? waiting_shares (doc) : NULL;

  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);

      if (thread_wanted (thread, thread_name))
        add_thread (tree, doc, thread, shares);
    }
  tc_flame_tree_finish (tree);
  return tree;
}

typedef struct { const char *name; gint64 busy; } NamedWeight;

static int
compare_busiest (gconstpointer a,
                 gconstpointer b)
{
  const NamedWeight *wa = a, *wb = b;

  if (wa->busy != wb->busy)
    return wa->busy > wb->busy ? -1 : 1;
  return g_strcmp0 (wa->name, wb->name);
}

GPtrArray *
tc_compare_thread_names (TcDocument *doc)
{
  GPtrArray *threads = tc_document_get_threads (doc);
  g_autoptr(GArray) weights = g_array_new (FALSE, TRUE, sizeof (NamedWeight));
  GPtrArray *names = g_ptr_array_new ();
  g_autoptr(GHashTable) shares = waiting_shares (doc);

  for (guint i = 0; i < threads->len; i++)
    {
      const TcDocThread *thread = g_ptr_array_index (threads, i);
      g_autoptr(TcFlameTree) scratch = NULL;
      NamedWeight *w = NULL;

      if (!thread_wanted (thread, thread->name))
        continue;
      for (guint k = 0; k < weights->len && w == NULL; k++)
        if (g_str_equal (g_array_index (weights, NamedWeight, k).name, thread->name))
          w = &g_array_index (weights, NamedWeight, k);
      if (w == NULL)
        {
          g_array_set_size (weights, weights->len + 1);
          w = &g_array_index (weights, NamedWeight, weights->len - 1);
          w->name = thread->name;
        }
      scratch = tc_flame_tree_new (TC_FLAME_UNIT_NS);
      w->busy += add_thread (scratch, doc, thread, shares);
    }
  g_array_sort (weights, compare_busiest);
  for (guint i = 0; i < weights->len; i++)
    g_ptr_array_add (names, (char *) g_array_index (weights, NamedWeight, i).name);
  return names;
}

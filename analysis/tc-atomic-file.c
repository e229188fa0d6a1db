/* SPDX-License-Identifier: MIT
 *
 * tc-atomic-file.c — see tc-atomic-file.h.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tc-atomic-file.h"

struct _TcAtomicFile
{
  char *path;
  char *tmp_path;
  int   fd;
  int   error_code;   /* errno of the first failed write, 0: none */
};

static gboolean
fail (TcAtomicFile *self,
      int           code,
      GError      **error)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (code), "cannot write %s: %s", self->path,
               g_strerror (code));
  return FALSE;
}

TcAtomicFile *
tc_atomic_file_new (const char  *path,
                    GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  TcAtomicFile *self = g_new0 (TcAtomicFile, 1);

  self->path = g_strdup (path);
  self->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  self->fd = g_mkstemp (self->tmp_path);
  if (self->fd < 0)
    {
      fail (self, errno, error);
      g_free (self->path);
      g_free (self->tmp_path);
      g_free (self);
      return NULL;
    }
  return self;
}

gboolean
tc_atomic_file_write (TcAtomicFile  *self,
                      const void    *data,
                      gsize          len,
                      GError       **error)
{
  gsize done = 0;

  while (self->error_code == 0 && done < len)
    {
      gssize n = write (self->fd, (const char *) data + done, len - done);

      if (n < 0 && errno != EINTR)
        self->error_code = errno;
      else if (n > 0)
        done += n;
    }
  return self->error_code == 0 || fail (self, self->error_code, error);
}

gboolean
tc_atomic_file_spill (TcAtomicFile  *self,
                      GString       *buffer,
                      gsize          threshold,
                      GError       **error)
{
  gboolean ok;

  if (buffer->len < MAX (threshold, 1))
    return self->error_code == 0 || fail (self, self->error_code, error);
  ok = tc_atomic_file_write (self, buffer->str, buffer->len, error);
  g_string_truncate (buffer, 0);
  return ok;
}

static void
atomic_file_free (TcAtomicFile *self,
                  gboolean      remove_tmp)
{
  if (self->fd >= 0)
    close (self->fd);
  if (remove_tmp)
    g_unlink (self->tmp_path);
  g_free (self->path);
  g_free (self->tmp_path);
  g_free (self);
}

void
tc_atomic_file_abort (TcAtomicFile *self)
{
  if (self != NULL)
    atomic_file_free (self, TRUE);
}

gboolean
tc_atomic_file_commit (TcAtomicFile  *self,
                       GError       **error)
{
  int code = self->error_code;

  if (code == 0)
    {
      fchmod (self->fd, 0644);
      if (fsync (self->fd) != 0)
        code = errno;
    }
  if (close (self->fd) != 0 && code == 0)
    code = errno;
  self->fd = -1;
  if (code == 0 && g_rename (self->tmp_path, self->path) != 0)
    code = errno;
  if (code != 0)
    fail (self, code, error);
  /* Once renamed the temporary name is gone. */
  atomic_file_free (self, code != 0);
  return code == 0;
}

gboolean
tc_write_file_atomic (const char  *path,
                      const char  *contents,
                      gssize       len,
                      GError     **error)
{
  TcAtomicFile *file = tc_atomic_file_new (path, error);

  if (file == NULL)
    return FALSE;
  if (!tc_atomic_file_write (file, contents, len < 0 ? strlen (contents) : (gsize) len, error))
    {
      tc_atomic_file_abort (file);
      return FALSE;
    }
  return tc_atomic_file_commit (file, error);
}

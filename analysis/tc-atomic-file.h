/* SPDX-License-Identifier: MIT
 *
 * tc-atomic-file.h — files that appear whole or not at all: written to a
 * temporary file beside them, synced, then renamed over them.  Exports of
 * big recordings are written in pieces as they are made (gigabytes of
 * trace JSON never sit in memory).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TcAtomicFile TcAtomicFile;

TcAtomicFile *tc_atomic_file_new    (const char   *path,
                                     GError      **error);
gboolean      tc_atomic_file_write  (TcAtomicFile *self,
                                     const void   *data,
                                     gsize         len,
                                     GError      **error);
/* Writes `buffer` out and empties it once it holds at least `threshold`
 * bytes (0: always); after an error it keeps failing with it. */
gboolean      tc_atomic_file_spill  (TcAtomicFile *self,
                                     GString      *buffer,
                                     gsize         threshold,
                                     GError      **error);
/* Syncs, renames into place and frees; on failure removes the temporary
 * file. */
gboolean      tc_atomic_file_commit (TcAtomicFile *self,
                                     GError      **error);
/* Removes the temporary file and frees. */
void          tc_atomic_file_abort  (TcAtomicFile *self);

/* Writes `contents` to `path` in one go (`len` -1: up to the NUL). */
gboolean      tc_write_file_atomic  (const char   *path,
                                     const char   *contents,
                                     gssize        len,
                                     GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcAtomicFile, tc_atomic_file_abort)

G_END_DECLS

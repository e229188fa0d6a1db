/* SPDX-License-Identifier: MIT
 *
 * tc-document-load.h — internal: building a TcDocument's model from its
 * reader, and the event-stream machinery behind it.
 */
#pragma once

#include "tc-document-private.h"

G_BEGIN_DECLS

gboolean tc_document_build_model (TcDocument     *self,
                                  TcProgressFunc  progress,
                                  gpointer        progress_data,
                                  GCancellable   *cancellable,
                                  GError        **error);
void     tc_document_clear_model (TcDocument     *self);
/* The session, the threads (with their event counts and spans, from the
 * blocks' headers), the span and the state: no call trees, no statistics. */
gboolean tc_document_build_summary (TcDocument   *self,
                                    GError      **error);

/* Call-tree construction, fed one EVENTS frame at a time (tc-document-events.c). */
typedef struct _TcCallBuilder TcCallBuilder;

/* `file_size` picks the number of decode workers (none for small files). */
TcCallBuilder *tc_call_builder_new      (TcDocument     *doc,
                                         guint64         file_size);
/* Decodes one EVENTS frame of `thread` and folds it into its call tree,
 * recording the block (with its starting stack) in thread->blocks.  With
 * decode workers the frame is queued (it must stay mapped) and folded by a
 * later call, in file order; an error may then belong to an earlier frame. */
gboolean       tc_call_builder_add      (TcCallBuilder  *builder,
                                         TcDocThread    *thread,
                                         const TcFrame  *frame,
                                         GError        **error);
/* Folds every queued frame; FALSE with the first one's error.  Does nothing
 * once a fold failed (what is queued then comes after the failed frame). */
gboolean       tc_call_builder_flush    (TcCallBuilder  *builder,
                                         GError        **error);
/* Closes the activations still open (at each thread's last event) and
 * computes the per-function statistics into the document (after a
 * successful flush). */
void           tc_call_builder_finish   (TcCallBuilder  *builder);
void           tc_call_builder_free     (TcCallBuilder  *builder);

G_END_DECLS

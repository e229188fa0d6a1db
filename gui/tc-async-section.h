/* tc-async-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_ASYNC_SECTION (tc_async_section_get_type ())

G_DECLARE_FINAL_TYPE (TcAsyncSection, tc_async_section, TC, ASYNC_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

/* Asyncio tasks that snapshots caught (the seed's list). */
guint       tc_async_section_get_n_tasks (TcAsyncSection *self);
/* The coroutine table (TcItem → TcAsyncCode), filtered and sorted as shown;
 * filled from a worker thread a moment after the page loads. */
GListModel *tc_async_section_get_model   (TcAsyncSection *self);
void        tc_async_section_set_filter  (TcAsyncSection *self,
                                          const char     *text);

G_END_DECLS

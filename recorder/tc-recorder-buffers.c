/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-buffers.c — the full-size event buffers, recycled.
 *
 * A busy thread fills a 256 KiB buffer every few milliseconds and the
 * writer frees it a moment later.  Freed, glibc hands the pages back to
 * the kernel (a chunk that size is mmap'ed, or trimmed off the heap's
 * top), so the next buffer is faulted in again page by page on the
 * program's own thread: ~10 µs of kernel time per 4 KiB page in this VM,
 * a cost no instruction count shows (oo on 3.12: 960–3 500 faults and
 * 7–34 ms of system time in a 0.6 s run).  The writer keeps a few written
 * buffers, their hand-over records with them, and rotate() takes one of
 * those first: the same warm pages go round.
 *
 * All under tc_rec.lock, which rotate() and the writer hold anyway.
 */
#include "tc-recorder.h"

#include <stdlib.h>

/* Buffers in flight are the ones the writer has not encoded yet: one or
 * two while it keeps up, more only when a second thread is as busy. */
#define TC_REC_SPARE_BUFFERS 8      /* 2 MiB kept at most */

static TcRecPending *spare;
static uint32_t n_spare;
static uint64_t n_allocated;        /* full-size buffers, this recording */

TcRecPending *
tc_rec_buffers_take_locked(void)
{
    TcRecPending *p = spare;
    if (p != NULL) {
        spare = p->next;
        n_spare--;
        return p;
    }
    p = malloc(sizeof(TcRecPending));
    if (p == NULL) {
        return NULL;
    }
    p->buf = malloc(sizeof(TcEvent) * TC_REC_BUFFER_EVENTS);
    if (p->buf == NULL) {
        free(p);
        return NULL;
    }
    n_allocated++;
    return p;
}

/* A written buffer: kept when it is full-size and there is room. */
void
tc_rec_buffers_give_back_locked(TcRecPending *p)
{
    if (p->len == TC_REC_BUFFER_EVENTS && n_spare < TC_REC_SPARE_BUFFERS) {
        p->next = spare;
        spare = p;
        n_spare++;
        return;
    }
    free(p->buf);
    free(p);
}

/* At the end of a recording (and in a forked child). */
void
tc_rec_buffers_free_locked(void)
{
    while (spare != NULL) {
        TcRecPending *next = spare->next;
        free(spare->buf);
        free(spare);
        spare = next;
    }
    n_spare = 0;
    n_allocated = 0;
}

uint64_t
tc_rec_buffers_allocated_locked(void)
{
    return n_allocated;
}

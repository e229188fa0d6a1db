/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-writer.c — the background writer thread and crash safety.
 *
 * The writer thread never takes the GIL.  Every ~200 ms it writes the full
 * buffers handed over by the hooks, the sampler's full sample batches,
 * whatever the live buffers hold, buffered metric points and new line
 * hits; every flush interval (default 500 ms) it adds a system sample and
 * flushes to disk, so a `kill -9` loses at most that much.  A fatal signal
 * flushes what is already encoded.
 */
#include "tc-recorder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* Re-measure ticks per ns over the whole recording so far (the longer
 * the interval, the better the estimate). */
static void
calibrate_locked(void)
{
#if TC_REC_HAVE_TSC
    if (!tc_rec.use_tsc) {
        return;
    }
    uint64_t ns = tc_rec_now();
    uint64_t tsc = __rdtsc();
    while (ns - tc_rec.tsc0_ns < 2000000) {   /* at least 2 ms of baseline */
        struct timespec pause = {0, 200000};
        nanosleep(&pause, NULL);
        ns = tc_rec_now();
        tsc = __rdtsc();
    }
    if (tsc > tc_rec.tsc0) {
        tc_rec.ns_per_tick = (double)(ns - tc_rec.tsc0_ns)
                             / (double)(tsc - tc_rec.tsc0);
    }
#endif
}

void
tc_rec_clock_init(void)
{
#if TC_REC_HAVE_TSC
    tc_rec.use_tsc = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f != NULL) {
        char line[4096];
        while (fgets(line, sizeof(line), f) != NULL) {
            if (strncmp(line, "flags", 5) == 0) {
                tc_rec.use_tsc = strstr(line, " constant_tsc") != NULL
                                 && strstr(line, " nonstop_tsc") != NULL;
                break;
            }
        }
        fclose(f);
    }
    if (getenv("TIMECAPSULE_NO_TSC") != NULL) {
        tc_rec.use_tsc = 0;
    }
    tc_rec.tsc0_ns = tc_rec_now();
    tc_rec.tsc0 = __rdtsc();
    tc_rec.ns_per_tick = 0;
#endif
}

/* Raw ticks to ns since the file start, in place, never decreasing (the
 * hooks store raw clock values: a thread that moves to another CPU may read
 * a TSC a few ticks behind the one it left). */
static void
convert_times(TcEvent *events, size_t n, uint64_t *last)
{
    uint64_t prev = *last;
#if TC_REC_HAVE_TSC
    if (tc_rec.use_tsc) {
        if (tc_rec.ns_per_tick == 0) {
            calibrate_locked();
        }
        for (size_t i = 0; i < n; i++) {
            int64_t d = (int64_t)(events[i].time_ns - tc_rec.tsc0);
            double ns = (double)tc_rec.tsc0_ns + (double)d * tc_rec.ns_per_tick;
            uint64_t v = ns > 0 ? (uint64_t)ns : 0;
            prev = v > prev ? v : prev;
            events[i].time_ns = prev;
        }
        *last = prev;
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) {
        prev = events[i].time_ns > prev ? events[i].time_ns : prev;
        events[i].time_ns = prev;
    }
    *last = prev;
}

/* ---- Events: collected under tc_rec.lock, encoded and compressed outside
 * it, appended under it again.  The hot path takes the lock only to hand a
 * full buffer over (rotate), so it never waits for a compression.
 *
 * Drains are serialized by `draining`: a drain owns every range it took
 * until its frames are in the writer, so events of one thread reach the
 * file in order and no buffer is freed while it is being read.  A drain
 * from another thread (flush(), stop, out-of-memory in rotate) waits for
 * the running one and then does everything under the lock. */

typedef struct {
    uint32_t tid;
    TcEvent *events;
    size_t n;
    uint64_t *last_ns;              /* the thread's last converted time */
} Chunk;

static TcEventsPacker *packer;
static Chunk *chunks;
static size_t n_chunks, cap_chunks;
static TcRecPending *taken;         /* pending buffers to free after the write */
static uint64_t n_unencoded;        /* events the packer refused (OOM) */
static int draining;
static pthread_cond_t drained_cond = PTHREAD_COND_INITIALIZER;

static uint64_t *
last_written_for(uint32_t tid)
{
    static uint64_t unknown;
    for (TcRecThread *t = tc_rec.threads; t != NULL; t = t->next) {
        if (t->tid == tid) {
            tc_rec_thread_define_locked(t);
            return &t->last_written_ns;
        }
    }
    unknown = 0;
    return &unknown;
}

static void
add_chunk_locked(uint32_t tid, TcEvent *events, size_t n, uint64_t *last_ns)
{
    if (n == 0) {
        return;
    }
    if (n_chunks == cap_chunks) {
        size_t cap = cap_chunks ? cap_chunks * 2 : 64;
        Chunk *grown = realloc(chunks, cap * sizeof(Chunk));
        if (grown == NULL) {
            tc_rec.n_dropped += n;
            return;
        }
        chunks = grown;
        cap_chunks = cap;
    }
    chunks[n_chunks++] = (Chunk){tid, events, n, last_ns};
}

/* Take every handed-over buffer and the new part of every live buffer. */
static void
collect_locked(void)
{
    calibrate_locked();
    n_chunks = 0;
    taken = tc_rec.pending_head;
    tc_rec.pending_head = tc_rec.pending_tail = NULL;
    for (TcRecPending *p = taken; p != NULL; p = p->next) {
        add_chunk_locked(p->tid, p->buf + p->start, p->len - p->start,
                         last_written_for(p->tid));
    }
    for (TcRecThread *t = tc_rec.threads; t != NULL; t = t->next) {
        size_t n = atomic_load_explicit(&t->len, memory_order_acquire);
        if (n > t->consumed) {
            tc_rec_thread_define_locked(t);
            add_chunk_locked(t->tid, t->buf + t->consumed, n - t->consumed,
                             &t->last_written_ns);
            t->consumed = n;
        }
    }
}

/* No lock needed: the ranges belong to this drain. */
static void
encode_chunks(void)
{
    if (packer == NULL) {
        packer = tc_events_packer_new(0);
    }
    for (size_t i = 0; i < n_chunks; i++) {
        Chunk *c = &chunks[i];
        convert_times(c->events, c->n, c->last_ns);
        if (packer == NULL
            || tc_events_packer_add(packer, c->tid, c->events, c->n)
               != TC_OK) {
            n_unencoded += c->n;
        }
    }
}

/* The writer fails for good on the first I/O error (a full disk): the
 * program goes on, what could not be written from then on is counted, and
 * the stop says once when it began and how much was lost.  The file keeps
 * the frames written before (a reader sees a truncated recording). */
static time_t fail_time;            /* wall clock of the first failure */
static int fail_errno;

static void
note_failure_time_locked(void)
{
    int err = errno;
    tc_rec.writer_failed = 1;
    if (fail_time == 0) {
        fail_time = time(NULL);
        fail_errno = err;
    }
}

static void
note_write_failure_locked(uint64_t n_events)
{
    note_failure_time_locked();
    tc_rec.n_dropped += n_events;
}

/* 1234567 -> "1,234,567" */
static void
format_count(uint64_t n, char *out, size_t len)
{
    char digits[32];
    int nd = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    size_t k = 0;
    for (int i = 0; i < nd && k + 2 < len; i++) {
        if (i > 0 && (nd - i) % 3 == 0) {
            out[k++] = ',';
        }
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

static void
report_loss_locked(void)
{
    if (fail_time == 0) {
        return;
    }
    char when[16], count[40];
    struct tm tm;
    localtime_r(&fail_time, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    format_count(tc_rec.n_dropped, count, sizeof(count));
    const char *what = fail_errno == ENOSPC ? "the disk filled up"
                       : fail_errno == EDQUOT ? "the disk quota ran out"
                       : "writing the recording failed";
    fprintf(stderr,
            "[TC] %s at %s; at least %s events after that point were "
            "not saved (the file keeps what was written before)\n",
            what, when, count);
    fflush(stderr);
    fail_time = 0;
}

static void
write_chunks_locked(void)
{
    tc_rec.n_dropped += n_unencoded;
    n_unencoded = 0;
    uint64_t n = packer != NULL ? tc_events_packer_n_events(packer) : 0;
    if (n > 0) {
        if (tc_rec.writer != NULL
            && tc_writer_write_packed(tc_rec.writer, packer) == TC_OK) {
            tc_rec.n_events += n;
        }
        else {
            note_write_failure_locked(n);
            tc_events_packer_clear(packer);
        }
    }
    while (taken != NULL) {
        TcRecPending *p = taken;
        taken = p->next;
        tc_rec_buffers_give_back_locked(p);
    }
    n_chunks = 0;
}

static void
drain_line_hits_locked(void)
{
    for (uint32_t i = 0; i < tc_rec.n_files; i++) {
        TcRecFile *rf = &tc_rec.files[i];
        if (!rf->dirty) {
            continue;
        }
        rf->dirty = 0;
        uint32_t n = 0;
        for (uint32_t l = 0; l < rf->n_lines; l++) {
            n += rf->hits[l] != 0;
        }
        TcLineHit *lines = malloc(sizeof(TcLineHit) * (n ? n : 1));
        if (lines == NULL) {
            continue;
        }
        uint32_t k = 0;
        for (uint32_t l = 0; l < rf->n_lines; l++) {
            if (rf->hits[l] != 0) {
                lines[k].line = l;
                lines[k].hits = rf->hits[l];
                lines[k].time_ns = 0;
                k++;
                rf->hits[l] = 0;   /* frames carry increments */
            }
        }
        TcLineHits hits = {.file_id = rf->file_id, .lines = lines,
                           .n_lines = k};
        if (k > 0 && tc_rec.writer != NULL) {
            tc_writer_write_line_hits(tc_rec.writer, tc_rec_now(), &hits);
        }
        free(lines);
    }
}

static void
drain_rest_locked(void)
{
    tc_rec_sampler_write_locked();
    if (tc_rec.n_metric_points > 0 && tc_rec.writer != NULL) {
        tc_writer_write_metrics(tc_rec.writer, tc_rec_now(),
                                tc_rec.metric_points, tc_rec.n_metric_points);
        for (size_t i = 0; i < tc_rec.n_metric_points; i++) {
            TcValue *v = &tc_rec.metric_points[i].value;
            if (v->kind == TC_VALUE_STR) {
                free((void *)v->s.ptr);
            }
        }
        tc_rec.n_metric_points = 0;
    }
    drain_line_hits_locked();
}

/* Everything under the lock (callers other than the writer thread). */
void
tc_rec_drain_locked(void)
{
    while (draining) {
        pthread_cond_wait(&drained_cond, &tc_rec.lock);
    }
    draining = 1;
    collect_locked();
    encode_chunks();
    write_chunks_locked();
    drain_rest_locked();
    draining = 0;
    pthread_cond_broadcast(&drained_cond);
}

/* The writer thread's drain: the lock is released while encoding. */
static void
drain_unlocking(void)
{
    while (draining) {
        pthread_cond_wait(&drained_cond, &tc_rec.lock);
    }
    draining = 1;
    collect_locked();
    pthread_mutex_unlock(&tc_rec.lock);
    encode_chunks();
    pthread_mutex_lock(&tc_rec.lock);
    write_chunks_locked();
    drain_rest_locked();
    draining = 0;
    pthread_cond_broadcast(&drained_cond);
}

static void *
writer_main(void *data)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);

    pthread_mutex_lock(&tc_rec.lock);
    uint64_t last_flush = tc_rec_now();
    while (!tc_rec.writer_stop) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 200 * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&tc_rec.writer_cond, &tc_rec.lock, &deadline);
        if (tc_rec.writer_stop || tc_rec.writer == NULL) {
            break;
        }
        tc_rec_signal_watch_tick();
        drain_unlocking();
        if (tc_rec.writer_stop || tc_rec.writer == NULL) {
            break;
        }
        uint64_t now = tc_rec_now();
        if (now - last_flush >= (uint64_t)tc_rec.flush_interval_ms * 1000000u) {
            TcCounterValue values[16];
            size_t n = tc_rec_system_sample(values, 16);
            if (n > 0) {
                tc_writer_write_system(tc_rec.writer, now, values, n);
            }
            if (tc_writer_flush(tc_rec.writer, false) != TC_OK) {
                note_failure_time_locked();
            }
            last_flush = now;
        }
    }
    pthread_mutex_unlock(&tc_rec.lock);
    return NULL;
}

int
tc_rec_writer_start(void)
{
    tc_rec.writer_stop = 0;
    /* A fork during a drain leaves the child's copy of these mid-way. */
    draining = 0;
    n_chunks = 0;
    taken = NULL;
    n_unencoded = 0;
    fail_time = 0;
    if (packer != NULL) {
        tc_events_packer_clear(packer);   /* a parent's blocks, after fork */
    }
    pthread_cond_init(&drained_cond, NULL);
    if (pthread_create(&tc_rec.writer_thread, NULL, writer_main, NULL) != 0) {
        return -1;
    }
    tc_rec.writer_running = 1;
    return 0;
}

void
tc_rec_writer_stop(void)
{
    if (!tc_rec.writer_running) {
        return;
    }
    pthread_mutex_lock(&tc_rec.lock);
    tc_rec.writer_stop = 1;
    pthread_cond_signal(&tc_rec.writer_cond);
    pthread_mutex_unlock(&tc_rec.lock);
    Py_BEGIN_ALLOW_THREADS
    pthread_join(tc_rec.writer_thread, NULL);
    Py_END_ALLOW_THREADS
    tc_rec.writer_running = 0;
    /* The last events, so the loss report counts them all. */
    pthread_mutex_lock(&tc_rec.lock);
    if (tc_rec.writer != NULL) {
        tc_rec_drain_locked();
        if (tc_writer_flush(tc_rec.writer, false) != TC_OK) {
            note_failure_time_locked();
        }
    }
    report_loss_locked();
    pthread_mutex_unlock(&tc_rec.lock);
}

/* ---- Fatal signals: flush what is encoded, then let the old handler (or
 * the default action) run. */

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction old_actions[N_FATAL];
static int fatal_installed;

static void
fatal_handler(int sig)
{
    if (tc_rec.writer != NULL && pthread_mutex_trylock(&tc_rec.lock) == 0) {
        if (tc_rec.writer != NULL) {
            /* Whole frames only: closing a batch would allocate. */
            tc_writer_flush_frames(tc_rec.writer);
        }
        pthread_mutex_unlock(&tc_rec.lock);
    }
    for (size_t i = 0; i < N_FATAL; i++) {
        if (fatal_signals[i] == sig) {
            sigaction(sig, &old_actions[i], NULL);
        }
    }
    raise(sig);
}

void
tc_rec_fatal_signals_install(void)
{
    if (fatal_installed) {
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fatal_handler;
    sa.sa_flags = SA_NODEFER | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_FATAL; i++) {
        sigaction(fatal_signals[i], &sa, &old_actions[i]);
    }
    fatal_installed = 1;
}

void
tc_rec_fatal_signals_remove(void)
{
    if (!fatal_installed) {
        return;
    }
    for (size_t i = 0; i < N_FATAL; i++) {
        struct sigaction current;
        sigaction(fatal_signals[i], NULL, &current);
        /* Only undo our own handler: someone may have chained after us. */
        if (current.sa_handler == fatal_handler) {
            sigaction(fatal_signals[i], &old_actions[i], NULL);
        }
    }
    fatal_installed = 0;
}

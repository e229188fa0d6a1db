/* SPDX-License-Identifier: MIT
 *
 * tc-recorder-writer.c — the background writer thread and crash safety.
 *
 * The writer thread never takes the GIL.  Every ~200 ms it writes the full
 * buffers handed over by the hooks and whatever the live buffers hold,
 * buffered metric points and new line hits; every flush interval (default
 * 500 ms) it adds a system sample and flushes to disk, so a `kill -9` loses
 * at most that much.  A fatal signal flushes what is already encoded.
 */
#include "tc-recorder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>

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

/* Raw ticks to ns since the file start, in place, never decreasing. */
static void
convert_times(TcEvent *events, size_t n, uint64_t *last)
{
#if TC_REC_HAVE_TSC
    if (!tc_rec.use_tsc) {
        return;
    }
    if (tc_rec.ns_per_tick == 0) {
        calibrate_locked();
    }
    for (size_t i = 0; i < n; i++) {
        int64_t d = (int64_t)(events[i].time_ns - tc_rec.tsc0);
        double ns = (double)tc_rec.tsc0_ns + (double)d * tc_rec.ns_per_tick;
        uint64_t v = ns > 0 ? (uint64_t)ns : 0;
        if (v < *last) {
            v = *last;
        }
        events[i].time_ns = v;
        *last = v;
    }
#endif
}

static void
write_events_locked(uint32_t tid, TcEvent *events, size_t n)
{
    if (n == 0 || tc_rec.writer == NULL) {
        return;
    }
    uint64_t dummy = 0;
    uint64_t *last = &dummy;
    for (TcRecThread *t = tc_rec.threads; t != NULL; t = t->next) {
        if (t->tid == tid) {
            tc_rec_thread_define_locked(t);
            last = &t->last_written_ns;
            break;
        }
    }
    convert_times(events, n, last);
    if (tc_writer_write_events(tc_rec.writer, tid, events, n) != TC_OK) {
        tc_rec.writer_failed = 1;
        tc_rec.n_dropped += n;
        return;
    }
    tc_rec.n_events += n;
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

void
tc_rec_drain_locked(void)
{
    calibrate_locked();
    while (tc_rec.pending_head != NULL) {
        TcRecPending *p = tc_rec.pending_head;
        tc_rec.pending_head = p->next;
        write_events_locked(p->tid, p->buf + p->start, p->len - p->start);
        free(p->buf);
        free(p);
    }
    tc_rec.pending_tail = NULL;
    for (TcRecThread *t = tc_rec.threads; t != NULL; t = t->next) {
        size_t n = atomic_load_explicit(&t->len, memory_order_acquire);
        if (n > t->consumed) {
            write_events_locked(t->tid, t->buf + t->consumed, n - t->consumed);
            t->consumed = n;
        }
    }
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
        tc_rec_drain_locked();
        uint64_t now = tc_rec_now();
        if (now - last_flush >= (uint64_t)tc_rec.flush_interval_ms * 1000000u) {
            TcCounterValue values[16];
            size_t n = tc_rec_system_sample(values, 16);
            if (n > 0) {
                tc_writer_write_system(tc_rec.writer, now, values, n);
            }
            tc_writer_flush(tc_rec.writer, false);
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
            tc_writer_flush(tc_rec.writer, false);
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
